#include "protolog/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace pillarbox::protolog {
namespace fs = std::filesystem;
namespace {

bool usable_session_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

Error io_error(std::string what, const fs::path& path, int err) {
  return make_error(Errc::io, "protocol log unavailable",
                    what + " " + path.string() + ": " + std::strerror(err));
}

// mkdir with 0700; an existing directory is fine (another session made it first).
Status make_private_dir(const fs::path& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return {};
  return io_error("mkdir", path, errno);
}

std::string utc_date(std::chrono::system_clock::time_point t) {
  const std::chrono::year_month_day ymd(std::chrono::floor<std::chrono::days>(t));
  char out[48];  // room for any int, to satisfy -Wformat-truncation
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return out;
}

}  // namespace

Result<TranscriptFile> TranscriptFile::open(const fs::path& dir, const SessionInfo& info,
                                            std::chrono::system_clock::time_point started) {
  if (!usable_session_id(info.session_id)) {
    return make_error(Errc::invalid, "bad session id", "session id " + escape(info.session_id));
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path(), ec);
    if (auto st = make_private_dir(dir); !st) return st.error();
  }
  const fs::path day = dir / utc_date(started);
  if (auto st = make_private_dir(day); !st) return st.error();
  const fs::path path = day / (info.session_id + ".log");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return make_error(Errc::already_exists, "transcript exists", path.string());
    return io_error("open", path, errno);
  }
  TranscriptFile file(fd, path);
  file.buffer_ = "# pillarbox protocol log\n";
  file.header("session", info.session_id);
  file.header("protocol", protocol_name(info.protocol));
  file.header("remote", info.remote_address);
  file.header("local", info.local_address);
  file.header("tls", info.tls.empty() ? std::string_view("none") : std::string_view(info.tls));
  file.header("started", utc_date(started) + "T" + clock_time(started) + "Z");
  return file;
}

TranscriptFile::TranscriptFile(TranscriptFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      written_(other.written_) {}

TranscriptFile& TranscriptFile::operator=(TranscriptFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      (void)flush();
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    buffer_ = std::move(other.buffer_);
    written_ = other.written_;
  }
  return *this;
}

TranscriptFile::~TranscriptFile() {
  if (fd_ < 0) return;
  (void)flush();
  ::close(fd_);
}

void TranscriptFile::header(std::string_view name, std::string_view value) {
  buffer_ += "# ";
  buffer_ += name;
  buffer_ += ": ";
  buffer_ += escape(value);
  buffer_ += '\n';
}

void TranscriptFile::set_account(std::string_view account) { header("account", account); }

void TranscriptFile::set_tls(std::string_view description) { header("tls", description); }

void TranscriptFile::line_raw(std::string_view text) {
  buffer_ += text;
  buffer_ += '\n';
}

void TranscriptFile::line(std::chrono::system_clock::time_point t, char direction, std::string_view text) {
  buffer_ += transcript_line(t, direction, text);
  buffer_ += '\n';
}

Status TranscriptFile::flush() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      buffer_.clear();
      return io_error("write", path_, err);
    }
    written_ += static_cast<std::uint64_t>(n);
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  buffer_.clear();
  return {};
}

Result<SizeCap::Outcome> SizeCap::enforce() const {
  struct Entry {
    fs::file_time_type mtime;
    fs::path path;
    std::uint64_t size;
  };
  std::vector<Entry> files;
  std::uint64_t total = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Outcome{};
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() != 1 || !it->is_regular_file(ec) || it->path().extension() != ".log") continue;
    const auto size = it->file_size(ec);
    const auto mtime = it->last_write_time(ec);
    if (ec) break;
    files.push_back({mtime, it->path(), size});
    total += size;
  }
  if (ec) return make_error(Errc::io, "protocol log unavailable", "read " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(), [](const Entry& a, const Entry& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.path < b.path;
  });
  Outcome out;
  for (const Entry& f : files) {
    if (total <= cap_bytes) break;
    if (keep.contains(f.path)) continue;
    if (!fs::remove(f.path, ec) && ec) {
      return make_error(Errc::io, "protocol log unavailable", "remove " + f.path.string() + ": " + ec.message());
    }
    total -= f.size;
    out.removed.push_back(f.path);
    // The date directory goes once empty; remove() of a non-empty one fails, harmlessly.
    fs::remove(f.path.parent_path(), ec);
    ec.clear();
  }
  out.total = total;
  return out;
}

}  // namespace pillarbox::protolog
