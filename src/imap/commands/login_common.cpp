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
  auto account = co_await session::on_pool(authenticator.pool(), std::move(check));
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
  log::info("session={} remote={} account={} logged in", s.id(), s.stream().remote_address(), account->address);
  s.set_state(Session::Authenticated{std::move(account.value())});
  co_return Reply::ok("Logged in", fmt::format("CAPABILITY {}", s.capabilities()));
}

}  // namespace pillarbox::imap
