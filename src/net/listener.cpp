#include "net/listener.h"

#include <fmt/format.h>

#include "config/config.h"

namespace pillarbox::net {

Result<asio::ip::tcp::acceptor> open_tcp(asio::io_context& io, const std::string& endpoint) {
  auto ep = config::parse_endpoint(endpoint);
  if (!ep) return ep.error();
  std::error_code ec;
  auto address = asio::ip::make_address(ep->host, ec);
  if (ec) return make_error(Errc::invalid, fmt::format("{}: not an IP address", endpoint));
  asio::ip::tcp::endpoint where(address, ep->port);
  asio::ip::tcp::acceptor acceptor(io);
  acceptor.open(where.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(Errc::unavailable, fmt::format("cannot listen on {}: {}", endpoint, ec.message()));
  return acceptor;
}

}  // namespace pillarbox::net
