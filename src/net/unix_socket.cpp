#include "net/unix_socket.h"

#include <asio/local/stream_protocol.hpp>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <utility>

namespace pillarbox::net {

Status prepare_unix_socket_path(asio::io_context& io, const std::string& path, const std::string& what) {
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    return make_error(Errc::invalid,
                      fmt::format("{}: the path is longer than {} bytes", what, sizeof(sockaddr_un::sun_path) - 1));
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return make_error(Errc::io, fmt::format("{}: cannot create {}: {}", what, parent.string(), ec.message()));
  // A socket file left by a process that is gone may be replaced; a live one, or anything that
  // is not a socket, may not.
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  if (!S_ISSOCK(st.st_mode))
    return make_error(Errc::already_exists, fmt::format("{}: {} exists and is not a socket", what, path));
  asio::local::stream_protocol::socket probe(io);
  probe.connect(asio::local::stream_protocol::endpoint(path), ec);
  if (!ec) return make_error(Errc::in_use, fmt::format("{}: another server is listening there", what));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return make_error(Errc::io, fmt::format("{}: cannot remove the stale socket {}", what, path));
  return {};
}

SocketFileGuard::SocketFileGuard(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) inode_ = st.st_ino;
}

SocketFileGuard::SocketFileGuard(SocketFileGuard&& other) noexcept
    : path_(std::exchange(other.path_, {})), inode_(other.inode_) {}

SocketFileGuard::~SocketFileGuard() {
  struct stat st {};
  if (!path_.empty() && ::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode_)
    ::unlink(path_.c_str());
}

}  // namespace pillarbox::net
