#include "admin/control_socket.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "base/log.h"
#include "net/listener.h"
#include "net/unix_socket.h"

namespace pillarbox::admin {
namespace {

using Local = asio::local::stream_protocol;
constexpr std::size_t kMaxRequest = 4096;

// Only the server's own user and root may ask (the file mode says the same; this holds even if
// someone loosens it).
bool peer_allowed(Local::socket& socket) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == 0 || cred.uid == ::geteuid();
}

asio::awaitable<void> serve_one(Local::socket accepted, std::shared_ptr<ControlHandler> handler) {
  // Shared with the deadline's handler, which may already be queued when the read ends and so
  // run after this frame is gone.
  auto owned = std::make_shared<Local::socket>(std::move(accepted));
  Local::socket& socket = *owned;
  std::string answer;
  if (!peer_allowed(socket)) {
    log::warn("admin socket: refused a client of another user");
    answer = "error permission denied\n";
  } else {
    // A client that connects and says nothing must not hold the socket open for ever.
    asio::steady_timer deadline(socket.get_executor(), std::chrono::seconds(10));
    std::function<void(std::error_code)> on_deadline = [owned](std::error_code ec) {
      std::error_code ignored;
      if (!ec) owned->cancel(ignored);
    };
    deadline.async_wait(on_deadline);
    std::string request;
    std::error_code ec;
    auto buffer = asio::dynamic_buffer(request, kMaxRequest);
    std::size_t n = co_await asio::async_read_until(socket, buffer, '\n', asio::redirect_error(asio::use_awaitable, ec));
    deadline.cancel();
    if (ec) {
      answer = ec == asio::error::not_found ? "error request longer than 4096 bytes\n" : "";
      if (answer.empty()) co_return;
    } else {
      std::string line = request.substr(0, n - 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      answer = (*handler)(line);
    }
  }
  std::error_code ec;
  co_await asio::async_write(socket, asio::buffer(answer), asio::redirect_error(asio::use_awaitable, ec));
  socket.shutdown(Local::socket::shutdown_both, ec);
}

}  // namespace

Status start_control_socket(asio::io_context& io, const std::string& path, ControlHandler handler) {
  const std::string what = "cannot open the admin socket " + path;
  if (auto s = net::prepare_unix_socket_path(io, path, what); !s) return s;
  Local::acceptor acceptor(io);
  std::error_code ec;
  acceptor.open(Local(), ec);
  // Created owner-only from the start (no window in which others could connect); chmod again
  // in case the umask was unusual.
  const mode_t old_mask = ::umask(0177);
  if (!ec) acceptor.bind(Local::endpoint(path), ec);
  ::umask(old_mask);
  if (!ec) acceptor.listen(16, ec);
  if (ec) return make_error(Errc::io, fmt::format("{}: {}", what, ec.message()));
  if (::chmod(path.c_str(), 0600) != 0)
    return make_error(Errc::io, fmt::format("{}: chmod: {}", what, std::strerror(errno)));
  auto shared = std::make_shared<ControlHandler>(std::move(handler));
  auto guard = std::make_shared<net::SocketFileGuard>(path);
  auto start = [shared, guard](Local::socket socket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_one(std::move(socket), shared), asio::detached);
  };
  asio::co_spawn(io, net::accept_loop(std::move(acceptor), std::move(start), "admin socket"), asio::detached);
  return {};
}

Result<std::string> control_request(const std::string& path, std::string_view line) {
  asio::io_context io;
  Local::socket socket(io);
  std::error_code ec;
  socket.connect(Local::endpoint(path), ec);
  if (ec == asio::error::access_denied)
    return make_error(Errc::no_perm, fmt::format("permission denied on the admin socket {}", path));
  // Only "nobody listens" means the server is not running; callers may then work offline.
  if (ec && (ec.value() == ECONNREFUSED || ec.value() == ENOENT))
    return make_error(Errc::unavailable, fmt::format("the server is not running (no admin socket at {}: {})", path,
                                                     ec.message()));
  if (ec) return make_error(Errc::io, fmt::format("admin socket {}: {}", path, ec.message()));
  std::string request(line);
  request += '\n';
  std::string answer;
  bool done = false;
  std::function<void(std::error_code, std::size_t)> on_read = [&](std::error_code read_ec, std::size_t) {
    ec = read_ec;
    done = true;
  };
  std::function<void(std::error_code, std::size_t)> on_write = [&](std::error_code write_ec, std::size_t) {
    if (write_ec) {
      ec = write_ec;
      done = true;
      return;
    }
    asio::async_read(socket, asio::dynamic_buffer(answer), on_read);
  };
  asio::async_write(socket, asio::buffer(request), on_write);
  // A server that accepts but never answers (stopped in a debugger, wedged) must not hang the
  // administrator's shell for ever.
  io.run_for(std::chrono::seconds(30));
  // Errc::io, not unavailable: a server that is running but slow must not be taken for none.
  if (!done) return make_error(Errc::io, fmt::format("admin socket {}: no answer within 30 s", path));
  if (ec && ec != asio::error::eof)
    return make_error(Errc::io, fmt::format("admin socket {}: {}", path, ec.message()));
  return answer;
}

}  // namespace pillarbox::admin
