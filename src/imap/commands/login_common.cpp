#include "imap/commands/login_common.h"

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "auth/authenticator.h"
#include "base/log.h"
#include "session/events.h"

namespace pillarbox::imap {
namespace {

// A growing pause per remote address makes guessing slower without holding any thread.
asio::awaitable<void> pause_after_failure(Session& s, const std::string& user, const std::string& detail,
                                          std::string_view reason) {
  auto& authenticator = s.context().authenticator;
  const auto delay = authenticator.backoff().failed(s.stream().remote_address());
  session::log_login_failure(s.stream(), s.id(), "imap",
                             {.user = user, .reason = reason, .detail = detail, .delay_ms = delay.count()});
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
  co_await pause_after_failure(s, user, detail, auth::failure_reason(detail));
  co_return Reply::no("AUTHENTICATIONFAILED", "Authentication failed");
}

asio::awaitable<Reply> finish_login(Session& s, store::Account authenticated, const std::string& authzid,
                                    std::string_view how) {
  auto& authenticator = s.context().authenticator;
  auto decide = [&authenticator, authenticated, authzid] { return authenticator.authorize(authenticated, authzid); };
  auto authorized = co_await s.store_call(std::move(decide));   // a lookup: not behind the hash queue
  if (!authorized.ok()) {
    co_await pause_after_failure(s, authenticated.address, authorized.error().detail, "not_authorized");
    co_return Reply::no("AUTHORIZATIONFAILED", "Not authorized to log in as that user");
  }
  authenticator.backoff().succeeded(s.stream().remote_address());
  // SPEC "Connection limits": the account's place under max_connections_per_user (and its
  // seat, with per-user counting) is taken here, after the credentials were proven.
  const std::string& address = authorized->account.address;
  const auto refusal = s.registration() ? s.registration()->log_in(address) : session::Refusal::none;
  if (refusal != session::Refusal::none) {
    const std::string why = session::refusal_text(refusal, s.context().registry.limits());
    session::log_login_failure(s.stream(), s.id(), "imap",
                               {.user = address, .reason = "limit", .detail = why, .limit = refusal});
    co_return Reply::no("LIMIT", why);   // RFC 5530 §3 LIMIT
  }
  session::log_login_success(s.stream(), s.id(), "imap", authorized->account.address, how, authorized->master);
  s.set_state(Session::Authenticated{std::move(authorized->account)});
  co_return Reply::ok("Logged in", fmt::format("CAPABILITY {}", s.capabilities()));
}

}  // namespace pillarbox::imap
