#include "session/connection.h"

#include <asio/ssl/context.hpp>

#include "base/log.h"

namespace pillarbox::session {

asio::awaitable<bool> begin_connection(net::Stream& stream, bool implicit_tls, asio::ssl::context* tls,
                                       const std::string& session_id, std::string_view protocol) {
  if (implicit_tls) {
    std::error_code ec;
    co_await stream.start_tls(*tls, ec);
    if (ec) {
      log::info("session={} remote={} TLS handshake failed: {}", session_id, stream.remote_address(), ec.message());
      co_return false;
    }
  }
  log::info("session={} protocol={} remote={} tls={} connected", session_id, protocol, stream.remote_address(),
            stream.is_tls() ? stream.tls_description() : "no");
  co_return true;
}

}  // namespace pillarbox::session
