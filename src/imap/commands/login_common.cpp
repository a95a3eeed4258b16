#include "imap/commands/login_common.h"

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "auth/authenticator.h"
#include "base/log.h"

namespace pillarbox::imap {

asio::awaitable<Reply> log_in(Session& s, const std::string& user, const std::string& password) {
  if (!s.plaintext_allowed()) {
    co_return Reply::no("PRIVACYREQUIRED", "Plaintext authentication is disabled without TLS; use STARTTLS");
  }
  auto& authenticator = s.context().authenticator;
  auto check = [&authenticator, user, password] { return authenticator.verify(user, password); };
  auto account = co_await s.held_pool_call(authenticator.pool(), std::move(check));
  if (!account.ok()) {
    // A growing pause per remote address makes guessing slower without holding any thread.
    const auto delay = authenticator.backoff().failed(s.stream().remote_address());
    log::info("session={} remote={} login failed for \"{}\": {} (answered after {} ms)", s.id(),
              s.stream().remote_address(), log::loggable(user), log::loggable(account.error().detail), delay.count());
    asio::steady_timer pause(s.stream().get_executor(), delay);
    co_await pause.async_wait(asio::use_awaitable);
    co_return Reply::no("AUTHENTICATIONFAILED", "Authentication failed");
  }
  authenticator.backoff().succeeded(s.stream().remote_address());
  co_return complete_login(s, std::move(account.value()));
}

Reply complete_login(Session& s, store::Account account) {
  // SPEC "Connection limits": the account's place under max_connections_per_user (and its
  // seat, with per-user counting) is taken here, after the credentials were proven.
  const auto refusal = s.registration() ? s.registration()->log_in(account.address) : session::Refusal::none;
  if (refusal != session::Refusal::none) {
    const std::string why = session::refusal_text(refusal, s.context().registry.limits());
    log::info("session={} remote={} account={} login refused: {} ({})", s.id(), s.stream().remote_address(),
              account.address, session::refusal_name(refusal), why);
    return Reply::no("LIMIT", why);   // RFC 5530 §3 LIMIT
  }
  log::info("session={} remote={} account={} logged in", s.id(), s.stream().remote_address(), account.address);
  s.set_state(Session::Authenticated{std::move(account)});
  return Reply::ok("Logged in", fmt::format("CAPABILITY {}", s.capabilities()));
}

}  // namespace pillarbox::imap
