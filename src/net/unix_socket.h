// Unix-domain listening sockets (the LMTP socket, the admin socket): preparing the path and
// removing the file again, shared so both follow the same rules.
#pragma once

#include <asio/io_context.hpp>
#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace pillarbox::net {

/// Makes `path` ready to bind: checks it fits a sockaddr_un (Errc::invalid), creates its parent
/// directory (Errc::io), and removes a socket file a dead process left there. A live socket
/// (something accepts a connection on it) gives Errc::in_use; anything that is not a socket
/// gives Errc::already_exists. Error texts start with `what` ("cannot listen on unix:lmtp").
Status prepare_unix_socket_path(asio::io_context& io, const std::string& path, const std::string& what);

/// Removes the socket file at `path` when destroyed, but only if it is still the file this
/// process created (same inode), so a successor's socket is never removed.
class SocketFileGuard {
 public:
  SocketFileGuard() = default;
  /// Records the inode `path` has now (call it right after bind).
  explicit SocketFileGuard(std::string path);
  SocketFileGuard(SocketFileGuard&& other) noexcept;
  SocketFileGuard& operator=(SocketFileGuard&&) = delete;
  ~SocketFileGuard();

 private:
  std::string path_;
  ino_t inode_ = 0;
};

}  // namespace pillarbox::net
