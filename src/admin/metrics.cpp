#include "admin/metrics.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <memory>

#include "metrics/metrics.h"
#include "net/listener.h"

namespace pillarbox::admin {
namespace {

constexpr std::size_t kMaxRequestHead = 8192;

std::string response(std::string_view status, std::string_view type, std::string_view body) {
  return fmt::format("HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", status,
                     type, body.size(), body);
}

asio::awaitable<void> serve_one(asio::ip::tcp::socket accepted, const session::Registry& registry) {
  // Shared with the deadline's handler, which may already be queued when the read ends and so
  // run after this frame is gone.
  auto owned = std::make_shared<asio::ip::tcp::socket>(std::move(accepted));
  asio::ip::tcp::socket& socket = *owned;
  asio::steady_timer deadline(socket.get_executor(), std::chrono::seconds(10));
  std::function<void(std::error_code)> on_deadline = [owned](std::error_code ec) {
    std::error_code ignored;
    if (!ec) owned->cancel(ignored);
  };
  deadline.async_wait(on_deadline);
  std::string head;
  std::error_code ec;
  auto buffer = asio::dynamic_buffer(head, kMaxRequestHead);
  co_await asio::async_read_until(socket, buffer, "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
  deadline.cancel();
  if (ec) co_return;
  // Request line (RFC 9112 §3): method SP request-target SP HTTP-version.
  const std::string line = head.substr(0, head.find("\r\n"));
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  std::string answer;
  if (sp2 == std::string::npos || !line.substr(sp2 + 1).starts_with("HTTP/1.")) {
    answer = response("400 Bad Request", "text/plain", "bad request\n");
  } else if (line.substr(0, sp1) != "GET") {
    // RFC 9110 §15.5.6: a 405 names the methods that are allowed.
    answer = response("405 Method Not Allowed\r\nAllow: GET", "text/plain", "only GET\n");
  } else {
    std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    target = target.substr(0, target.find('?'));   // scrapers may add a query; none is used
    if (target == "/metrics") answer = response("200 OK", "text/plain; version=0.0.4", render_metrics(registry));
    else if (target == "/health") answer = response("200 OK", "text/plain", "ok\n");
    else answer = response("404 Not Found", "text/plain", "not found; try /metrics or /health\n");
  }
  co_await asio::async_write(socket, asio::buffer(answer), asio::redirect_error(asio::use_awaitable, ec));
  // Only the sending side: an unread request body left in the receive buffer would otherwise
  // make the close an RST that can discard the answer.
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

// The states each protocol's sessions report to the registry (set_state), as label values.
struct KnownState {
  session::Protocol protocol;
  std::string_view state;   // as SessionInfo::state has it
  std::string_view label;
};
constexpr KnownState kStates[] = {
    {session::Protocol::imap, "not authenticated", "not_authenticated"},
    {session::Protocol::imap, "authenticated", "authenticated"},
    {session::Protocol::imap, "selected", "selected"},
    {session::Protocol::pop3, "authorization", "authorization"},
    {session::Protocol::pop3, "transaction", "transaction"},
    {session::Protocol::lmtp, "ready", "ready"},
};

// pillarbox_sessions_by_state{protocol,state}: every known state, 0 included, from one
// snapshot of the registry; a state not in the list is counted as "other".
std::string render_session_states(const session::Registry& registry) {
  std::size_t counts[std::size(kStates)] = {};
  std::size_t other[3] = {};
  for (const auto& info : registry.snapshot()) {
    bool known = false;
    for (std::size_t i = 0; i < std::size(kStates); ++i) {
      if (kStates[i].protocol == info.protocol && kStates[i].state == info.state) {
        ++counts[i];
        known = true;
      }
    }
    if (!known) ++other[static_cast<int>(info.protocol)];
  }
  std::string out =
      "# HELP pillarbox_sessions_by_state Live sessions by protocol and protocol state.\n"
      "# TYPE pillarbox_sessions_by_state gauge\n";
  for (std::size_t i = 0; i < std::size(kStates); ++i)
    out += fmt::format("pillarbox_sessions_by_state{{protocol=\"{}\",state=\"{}\"}} {}\n",
                       session::protocol_name(kStates[i].protocol), kStates[i].label, counts[i]);
  for (auto p : {session::Protocol::imap, session::Protocol::pop3, session::Protocol::lmtp}) {
    if (other[static_cast<int>(p)])
      out += fmt::format("pillarbox_sessions_by_state{{protocol=\"{}\",state=\"other\"}} {}\n",
                         session::protocol_name(p), other[static_cast<int>(p)]);
  }
  return out;
}

}  // namespace

std::string render_metrics(const session::Registry& registry) {
  const session::Usage u = registry.usage();
  std::string out;
  out += "# HELP pillarbox_sessions Live sessions by protocol.\n# TYPE pillarbox_sessions gauge\n";
  for (auto p : {session::Protocol::imap, session::Protocol::pop3, session::Protocol::lmtp})
    out += fmt::format("pillarbox_sessions{{protocol=\"{}\"}} {}\n", session::protocol_name(p),
                       u.by_protocol[static_cast<int>(p)]);
  out += fmt::format(
      "# HELP pillarbox_sessions_logged_in IMAP and POP3 sessions with an account.\n"
      "# TYPE pillarbox_sessions_logged_in gauge\npillarbox_sessions_logged_in {}\n"
      "# HELP pillarbox_accounts_logged_in Distinct accounts with at least one session.\n"
      "# TYPE pillarbox_accounts_logged_in gauge\npillarbox_accounts_logged_in {}\n"
      "# HELP pillarbox_license_in_use Connections (per-connection counting) or seats (per-user) in use.\n"
      "# TYPE pillarbox_license_in_use gauge\npillarbox_license_in_use {}\n"
      "# HELP pillarbox_license_capacity limits.max_connections.\n"
      "# TYPE pillarbox_license_capacity gauge\npillarbox_license_capacity{{counting=\"{}\"}} {}\n"
      "# HELP pillarbox_refusals_total Connections and logins refused by a connection limit.\n"
      "# TYPE pillarbox_refusals_total counter\n",
      u.logged_in, u.accounts, u.in_use, u.counting == session::Counting::per_user ? "per-user" : "per-connection",
      u.capacity);
  for (auto r : {session::Refusal::server_full, session::Refusal::ip_full, session::Refusal::user_full,
                 session::Refusal::seats_full})
    out += fmt::format("pillarbox_refusals_total{{reason=\"{}\"}} {}\n", session::refusal_name(r),
                       u.refused[static_cast<int>(r)]);
  out += render_session_states(registry);
  out += metrics::registry().render();
  return out;
}

Status start_metrics_listener(asio::io_context& io, const std::string& endpoint, const session::Registry& registry) {
  auto acceptor = net::open_tcp(io, endpoint);
  if (!acceptor) return acceptor.error();
  auto start = [&registry](asio::ip::tcp::socket socket) {
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_one(std::move(socket), registry), asio::detached);
  };
  asio::co_spawn(io, net::accept_loop(std::move(*acceptor), std::move(start), "metrics"), asio::detached);
  return {};
}

}  // namespace pillarbox::admin
