#include "lmtp/listener.h"

#include <asio/basic_socket_acceptor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "base/log.h"
#include "net/listener.h"
#include "net/unix_socket.h"

namespace pillarbox::lmtp {
namespace {

using Acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;

std::string describe_peer(const asio::generic::stream_protocol::endpoint& ep) {
  if (ep.protocol().family() == AF_UNIX) return "unix";
  char host[NI_MAXHOST] = {};
  if (::getnameinfo(ep.data(), static_cast<socklen_t>(ep.size()), host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0)
    return "?";
  return host;
}

// Starts the accept loop; `guard` (the unix socket file, if any) lives as long as the loop.
void start_accepting(asio::io_context& io, Acceptor acceptor, ServerContext& context, net::SocketFileGuard guard) {
  auto start = [&context, guard = std::make_shared<net::SocketFileGuard>(std::move(guard))](Acceptor::protocol_type::socket socket) {
    std::error_code ec;
    std::string peer = "?";
    if (auto remote = socket.remote_endpoint(ec); !ec) peer = describe_peer(remote);
    auto executor = socket.get_executor();
    auto session = std::make_shared<Session>(context, Session::Socket(std::move(socket)), std::move(peer));
    asio::co_spawn(executor, [session]() { return session->run(); }, asio::detached);
  };
  asio::co_spawn(io, net::accept_loop(std::move(acceptor), std::move(start), "lmtp"), asio::detached);
}

Status open_acceptor(Acceptor& acceptor, const asio::generic::stream_protocol::endpoint& where, bool reuse,
                     const std::string& endpoint) {
  std::error_code ec;
  acceptor.open(where.protocol(), ec);
  if (!ec && reuse) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(Errc::unavailable, fmt::format("cannot listen on {}: {}", endpoint, ec.message()));
  return {};
}

Status listen_unix(asio::io_context& io, ServerContext& context, const std::string& endpoint) {
  const std::string path = context.config.in_data_dir(endpoint.substr(5));
  if (auto s = net::prepare_unix_socket_path(io, path, "cannot listen on " + endpoint); !s) return s;
  Acceptor acceptor(io);
  if (auto s = open_acceptor(acceptor, asio::generic::stream_protocol::endpoint(asio::local::stream_protocol::endpoint(path)), false, endpoint); !s) return s;
  // Owner and group may deliver (put the MTA's user in the group); others may not inject mail.
  if (::chmod(path.c_str(), 0660) != 0)
    return make_error(Errc::io, fmt::format("cannot listen on {}: chmod {}: {}", endpoint, path, std::strerror(errno)));
  start_accepting(io, std::move(acceptor), context, net::SocketFileGuard(path));
  return {};
}

}  // namespace

Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint) {
  if (endpoint.starts_with("unix:")) return listen_unix(io, context, endpoint);
  auto ep = config::parse_endpoint(endpoint);
  if (!ep) return ep.error();
  std::error_code ec;
  auto address = asio::ip::make_address(ep->host, ec);
  if (ec) return make_error(Errc::invalid, fmt::format("{}: not an IP address", endpoint));
  Acceptor acceptor(io);
  if (auto s = open_acceptor(acceptor, asio::generic::stream_protocol::endpoint(asio::ip::tcp::endpoint(address, ep->port)), true,
                               endpoint); !s) return s;
  start_accepting(io, std::move(acceptor), context, net::SocketFileGuard());
  return {};
}

}  // namespace pillarbox::lmtp
