// The admin socket: how `pillarbox who`, `pillarbox kick` (and later `pillarbox log`) talk to the
// running server. A unix-domain stream socket in the data directory ([admin] socket),
// mode 0600, and every peer's uid checked (SO_PEERCRED): only the server's own user and root
// may use it.
//
// The exchange is one request line and one answer, then the server closes:
//   request:  a command line, e.g. "who", "who json", "kick alice@example.org", ending in LF,
//             at most 4096 bytes
//   answer:   "ok\n" or "error <reason>\n", then the command's output
#pragma once

#include <asio/io_context.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pillarbox::admin {

/// Runs one admin command line (without its LF); returns the whole answer, first line included.
using ControlHandler = std::function<std::string(std::string_view line)>;

/// Binds `path` (removing a stale socket left by a server that died; refusing when another
/// server answers on it), makes it owner-only, and serves requests with `handler` on `io`.
/// Errc::invalid when the path is too long for a unix socket, Errc::in_use when another server
/// is running on it, Errc::io for bind errors; each error text names the path. The socket file
/// is removed when `io` is destroyed.
Status start_control_socket(asio::io_context& io, const std::string& path, ControlHandler handler);

/// Client side: sends `line` to the server at `path` and returns its whole answer.
/// Errc::unavailable with "the server is not running (no admin socket at PATH)" when nothing
/// listens there (no socket file, or connection refused); Errc::no_perm when the socket may not
/// be used by this user; Errc::io for anything else, a server that does not answer within 30 s
/// included.
Result<std::string> control_request(const std::string& path, std::string_view line);

}  // namespace pillarbox::admin
