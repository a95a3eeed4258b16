#include "session/connection.h"

#include <asio/ssl/context.hpp>

#include <chrono>
#include <functional>

#include "base/log.h"
#include "session/events.h"

namespace pillarbox::session {

asio::awaitable<bool> begin_connection(net::Stream& stream, bool implicit_tls, net::ServerTls* tls,
                                       const std::string& session_id, std::string_view protocol) {
  if (implicit_tls) {
    std::error_code ec;
    co_await stream.start_tls(tls->current(), ec);
    if (ec) {
      log_tls_failure(stream, session_id, protocol, "implicit", ec.message());
      co_return false;
    }
  }
  log_connect(stream, session_id, protocol);
  co_return true;
}

asio::awaitable<void> watch_idle(IdleTimer& idle, net::Stream& stream, const std::string& session_id) {
  // Named, not temporaries in the co_await expression (g++ 12 destroys those twice).
  std::function<void()> on_expiry = [&stream] { stream.cancel(); };
  std::function<void()> on_overdue = [&stream, &session_id] {
    log::info("session={} closed: no goodbye could be written within {} s of the autologout", session_id,
              IdleTimer::kOverdueGrace.count());
    stream.abort();
  };
  co_await idle.run(std::move(on_expiry), std::move(on_overdue));
}

SessionInfo new_session_info(const net::Stream& stream, const std::string& session_id, Protocol protocol,
                             std::string_view state) {
  SessionInfo info;
  info.id = session_id;
  info.protocol = protocol;
  info.remote = stream.remote_address();
  info.remote_port = stream.remote_port();
  info.started = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  info.state = state;
  return info;
}

namespace {
std::string with_port(const std::string& address, std::uint16_t port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}
}  // namespace

std::unique_ptr<protolog::SessionLog> new_session_log(protolog::Control* control, const net::Stream& stream,
                                                      const std::string& session_id, protolog::Protocol protocol,
                                                      std::size_t max_line) {
  protolog::SessionInfo info;
  info.session_id = session_id;
  info.protocol = protocol;
  info.remote_address = with_port(stream.remote_address(), stream.remote_port());
  info.local_address = with_port(stream.local_address(), stream.local_port());
  info.tls = stream.tls_description();
  return std::make_unique<protolog::SessionLog>(control, std::move(info), stream.remote_address(), max_line);
}

}  // namespace pillarbox::session
