#include "store/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace pillarbox::store {
namespace {

std::string errno_text(int e) { return std::string(std::strerror(e)); }

Error io_error(const std::string& what, const std::string& path, int e) {
  // ENOSPC and EDQUOT are temporary from the client's point of view: [UNAVAILABLE] / retry.
  const Errc code = (e == ENOSPC || e == EDQUOT) ? Errc::storage_full : Errc::io;
  const char* text = (code == Errc::storage_full) ? "Storage is full, try again later"
                                                 : "Internal storage error";
  return make_error(code, text, what + " " + path + ": " + errno_text(e));
}

// Makes the directory entry for something inside `dir` durable (rename and create are directory
// changes; fsync of the file alone does not persist them).
int fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

bool random_hex(std::string& out, std::size_t bytes) {
  std::array<unsigned char, 32> buf{};
  std::size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::getrandom(buf.data() + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.clear();
  for (std::size_t i = 0; i < bytes; ++i) {
    out.push_back(kHex[buf[i] >> 4]);
    out.push_back(kHex[buf[i] & 15]);
  }
  return true;
}

int write_all(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

bool BlobStore::valid_id(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (::mkdir(root.c_str(), 0700) == 0) {
    const auto slash = root.rfind('/');
    const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : root.substr(0, slash);
    if (int e = fsync_dir(parent); e != 0) return io_error("cannot fsync directory", parent, e);
  } else if (errno != EEXIST) {
    return io_error("cannot create message directory", root, errno);
  }
  struct stat st{};
  if (::stat(root.c_str(), &st) != 0) return io_error("cannot stat", root, errno);
  if (!S_ISDIR(st.st_mode))
    return make_error(Errc::io, "Internal storage error", root + " is not a directory");
  auto store = std::unique_ptr<BlobStore>(new BlobStore(std::move(root)));
  // Directories found at start-up survived a restart: their entries are durable already.
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    const std::string dir = store->root_ + "/" + kHex[i >> 4] + kHex[i & 15];
    struct stat dst{};
    if (::stat(dir.c_str(), &dst) == 0 && S_ISDIR(dst.st_mode))
      store->dir_durable_[static_cast<std::size_t>(i)].store(true);
  }
  return store;
}

std::string BlobStore::path_of(const BlobId& id) const {
  return root_ + "/" + id.substr(0, 2) + "/" + id;
}

Result<BlobId> BlobStore::put(std::string_view bytes) {
  auto id = write(bytes);
  if (!id) return id;
  Status s = sync_directories({*id});
  if (!s) return s.error();
  return id;
}

Status BlobStore::sync_directories(const std::vector<BlobId>& ids) {
  std::vector<std::string> prefixes;
  for (const auto& id : ids) prefixes.push_back(id.substr(0, 2));
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  for (const auto& p : prefixes) {
    const std::string dir = root_ + "/" + p;
    if (int e = fsync_dir(dir); e != 0) return io_error("cannot fsync directory", dir, e);
  }
  // A directory first used since open() may be new: its entry in the root must be durable
  // too. Whoever created it, the first batch to use it fsyncs the root before relying on it.
  for (const auto& p : prefixes) {
    auto& durable = dir_durable_[static_cast<std::size_t>(std::stoi(p, nullptr, 16))];
    if (durable.load()) continue;
    if (int e = fsync_dir(root_); e != 0) return io_error("cannot fsync directory", root_, e);
    durable.store(true);
  }
  return {};
}

Result<BlobId> BlobStore::write(std::string_view bytes) {
  BlobId id;
  std::string tmp_suffix;
  if (!random_hex(id, 16) || !random_hex(tmp_suffix, 8))
    return make_error(Errc::io, "Internal storage error", "getrandom: " + errno_text(errno));
  const std::string dir = root_ + "/" + id.substr(0, 2);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return io_error("cannot create", dir, errno);
  const std::string tmp = dir + "/.tmp-" + tmp_suffix;
  const std::string final_path = dir + "/" + id;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp, errno);
  int e = write_all(fd, bytes);
  if (e == 0 && ::fsync(fd) != 0) e = errno;
  if (::close(fd) != 0 && e == 0) e = errno;
  if (e != 0) {
    ::unlink(tmp.c_str());
    return io_error("cannot write", tmp, e);
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    e = errno;
    ::unlink(tmp.c_str());
    return io_error("cannot rename to", final_path, e);
  }
  return id;
}

Result<BlobId> BlobStore::new_id() {
  BlobId id;
  if (!random_hex(id, 16)) return make_error(Errc::io, "Internal storage error", "getrandom: " + errno_text(errno));
  return id;
}

Result<std::shared_ptr<const std::string>> BlobStore::get(const BlobId& id) const {
  if (!valid_id(id)) return make_error(Errc::internal, "Internal storage error", "bad blob id " + id);
  const std::string path = path_of(id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT)
      return make_error(Errc::not_found, "Message content is missing", "no blob file " + path);
    return io_error("cannot open", path, e);
  }
  auto out = std::make_shared<std::string>();
  struct stat st{};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out->reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return io_error("cannot read", path, e);
    }
    if (n == 0) break;
    out->append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::shared_ptr<const std::string>(std::move(out));
}

Status BlobStore::remove(const BlobId& id) {
  if (!valid_id(id)) return make_error(Errc::internal, "Internal storage error", "bad blob id " + id);
  const std::string path = path_of(id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", path, errno);
  return {};
}

std::size_t BlobStore::remove_orphans(std::chrono::seconds min_age,
                                      const std::function<bool(const BlobId&)>& is_referenced,
                                      const std::function<bool()>& stop) {
  std::size_t removed = 0;
  const std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(min_age.count());
  DIR* top = ::opendir(root_.c_str());
  if (top == nullptr) return 0;
  std::vector<std::string> subdirs;
  while (dirent* d = ::readdir(top)) {
    std::string_view n = d->d_name;
    if (n.size() == 2 && valid_id(std::string(n) + std::string(30, '0'))) subdirs.emplace_back(n);
  }
  ::closedir(top);
  for (const auto& sub : subdirs) {
    if (stop()) break;
    const std::string dir = root_ + "/" + sub;
    DIR* dp = ::opendir(dir.c_str());
    if (dp == nullptr) continue;
    std::vector<std::string> names;
    while (dirent* d = ::readdir(dp)) {
      std::string_view n = d->d_name;
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    ::closedir(dp);
    for (const auto& name : names) {
      if (stop()) break;
      const std::string path = dir + "/" + name;
      struct stat st{};
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (st.st_mtime > cutoff) continue;  // maybe an append still on its way to its commit
      const bool temp = name.starts_with(".tmp-");
      if (!temp && (!valid_id(name) || name.substr(0, 2) != sub)) continue;  // not ours
      if (!temp && is_referenced(name)) continue;
      if (::unlink(path.c_str()) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace pillarbox::store
