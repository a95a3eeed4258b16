#include "imap/commands/login_common.h"

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "auth/authenticator.h"
#include "base/log.h"

namespace pillarbox::imap {
namespace {

// A growing pause per remote address makes guessing slower without holding any thread.
asio::awaitable<void> pause_after_failure(Session& s, const std::string& user, const std::string& detail) {
  auto& authenticator = s.context().authenticator;
  const auto delay = authenticator.backoff().failed(s.stream().remote_address());
  log::info("session={} remote={} login failed for \"{}\": {} (answered after {} ms)", s.id(),
            s.stream().remote_address(), log::loggable(user), log::loggable(detail), delay.count());
  asio::steady_timer pause(s.stream().get_executor(), delay);
  co_await pause.async_wait(asio::use_awaitable);
}

}  // namespace

asio::awaitable<Reply> log_in(Session& s, const std::string& user, const std::string& password,
                              const std::string& authzid, std::string_view how) {
  if (!s.plaintext_allowed()) {
    co_return Reply::no("PRIVACYREQUIRED", "Plaintext authentication is disabled without TLS; use STARTTLS");
  }
  auto& authenticator = s.context().authenticator;
  auto check = [&authenticator, user, password] { return authenticator.verify(user, password); };
  auto account = co_await s.held_pool_call(authenticator.pool(), std::move(check));
  if (!account.ok()) co_return co_await refuse_login(s, user, account.error().detail);
  co_return co_await finish_login(s, std::move(account.value()), authzid, how);
}

asio::awaitable<Reply> refuse_login(Session& s, const std::string& user, const std::string& detail) {
  co_await pause_after_failure(s, user, detail);
  co_return Reply::no("AUTHENTICATIONFAILED", "Authentication failed");
}

asio::awaitable<Reply> finish_login(Session& s, store::Account authenticated, const std::string& authzid,
                                    std::string_view how) {
  auto& authenticator = s.context().authenticator;
  auto decide = [&authenticator, authenticated, authzid] { return authenticator.authorize(authenticated, authzid); };
  auto authorized = co_await s.store_call(std::move(decide));   // a lookup: not behind the hash queue
  if (!authorized.ok()) {
    co_await pause_after_failure(s, authenticated.address, authorized.error().detail);
    co_return Reply::no("AUTHORIZATIONFAILED", "Not authorized to log in as that user");
  }
  authenticator.backoff().succeeded(s.stream().remote_address());
  // SPEC "Connection limits": the account's place under max_connections_per_user (and its
  // seat, with per-user counting) is taken here, after the credentials were proven.
  const std::string& address = authorized->account.address;
  const auto refusal = s.registration() ? s.registration()->log_in(address) : session::Refusal::none;
  if (refusal != session::Refusal::none) {
    const std::string why = session::refusal_text(refusal, s.context().registry.limits());
    log::info("session={} remote={} account={} login refused: {} ({})", s.id(), s.stream().remote_address(), address,
              session::refusal_name(refusal), why);
    co_return Reply::no("LIMIT", why);   // RFC 5530 §3 LIMIT
  }
  if (authorized->master.empty()) {
    log::info("session={} remote={} account={} logged in ({})", s.id(), s.stream().remote_address(),
              authorized->account.address, how);
  } else {
    log::info("session={} remote={} master {} logged in as {} ({})", s.id(), s.stream().remote_address(),
              authorized->master, authorized->account.address, how);
  }
  s.set_state(Session::Authenticated{std::move(authorized->account)});
  co_return Reply::ok("Logged in", fmt::format("CAPABILITY {}", s.capabilities()));
}

}  // namespace pillarbox::imap
