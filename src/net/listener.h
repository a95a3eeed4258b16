// Listening sockets and the accept loop every protocol shares (IMAP, POP3, LMTP): one coroutine
// per listening socket; each accepted connection gets a strand of its own (DESIGN §1: no thread
// per connection).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <system_error>

#include "base/log.h"
#include "base/result.h"

namespace pillarbox::net {

/// Opens a TCP acceptor bound to `endpoint` ("host:port" with an IP literal host, "[v6]:port")
/// and listening. Errc::invalid for a malformed endpoint or a host that is not an IP address;
/// Errc::unavailable when binding fails (in use, no permission). Messages name the endpoint.
Result<asio::ip::tcp::acceptor> open_tcp(asio::io_context& io, const std::string& endpoint);

/// Accepts connections on `acceptor` until it is closed, handing each socket (already on a strand
/// of its own) to `on_accept(socket)`, which starts the session. A failed accept (EMFILE and the
/// like) is logged with `what` and retried after 100 ms rather than spinning.
template <class Acceptor, class OnAccept>
asio::awaitable<void> accept_loop(Acceptor acceptor, OnAccept on_accept, std::string what) {
  for (;;) {
    std::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      log::warn("{} accept failed: {}", what, ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    on_accept(std::move(socket));
  }
}

}  // namespace pillarbox::net
