// The AUTHORIZATION state (RFC 1939 §4) and the commands that work in it:
//   CAPA                                  RFC 2449 §5   (also in TRANSACTION)
//   USER name / PASS string               RFC 1939 §7
//   AUTH mechanism [initial-response]     RFC 5034 §4, mechanisms PLAIN (RFC 4616), LOGIN,
//                                         SCRAM-SHA-256 and (over TLS) SCRAM-SHA-256-PLUS (RFC 5802,
//                                         RFC 7677); SCRAM's server-final goes out as a "+" line
//                                         that the client answers with an empty line (RFC 5034 §4)
//   STLS                                  RFC 2595 §4
// Response codes: [AUTH] for credentials that were refused (RFC 3206 §4, advertised as
// AUTH-RESP-CODE), [IN-USE] when another session holds the maildrop and [SYS/TEMP] when the
// store fails (RFC 2449 §8.1.1-2, RFC 3206 §5).
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <utility>

#include "auth/authenticator.h"
#include "auth/sasl.h"
#include "base/log.h"
#include "pop3/commands.h"
#include "session/events.h"
#include "session/sasl_bindings.h"

namespace pillarbox::pop3 {
namespace {

namespace sasl = auth::sasl;

Reply plaintext_refused() {
  // As IMAP's LOGINDISABLED ([auth] plaintext_without_tls); USER and SASL are then not in CAPA.
  return Reply::error("Plaintext authentication disallowed on non-secure connection; use STLS", "AUTH");
}

// A refused login: a growing pause per remote address makes guessing slower without holding
// any thread; the log says why, the client only that it failed.
// `reason`: as the log's login event names it; empty: read from `detail` (auth::failure_reason).
asio::awaitable<Reply> refuse(Session& s, const std::string& user, const std::string& detail,
                              std::string text = "Authentication failed", std::string_view reason = {}) {
  auto& authenticator = s.context().authenticator;
  const auto delay = authenticator.backoff().failed(s.stream().remote_address());
  session::log_login_failure(s.stream(), s.id(), "pop3",
                             {.user = user,
                              .reason = reason.empty() ? auth::failure_reason(detail) : reason,
                              .detail = detail,
                              .delay_ms = delay.count()});
  asio::steady_timer pause(s.stream().get_executor(), delay);
  co_await pause.async_wait(asio::use_awaitable);
  co_return Reply::error(std::move(text), "AUTH");
}

asio::awaitable<Reply> enter_transaction(Session& s, store::Account authenticated, std::string authzid,
                                         std::string how);

/// Verifies the credentials off the I/O threads, then goes on as enter_transaction(). Unknown
/// login and wrong password get the same answer.
asio::awaitable<Reply> log_in(Session& s, std::string user, std::string password, std::string authzid = {},
                              std::string how = "USER/PASS") {
  auto& authenticator = s.context().authenticator;
  auto check = [&authenticator, user, password] { return authenticator.verify(user, password); };
  auto account = co_await s.held_pool_call(authenticator.pool(), std::move(check));
  if (!account.ok()) {
    if (account.error().code != Errc::no_perm) {
      session::log_login_failure(s.stream(), s.id(), "pop3",
                                 {.user = user, .reason = "unavailable", .detail = account.error().detail});
      co_return Reply::error("Authentication is unavailable; try again later", "SYS/TEMP");
    }
    co_return co_await refuse(s, user, account.error().detail);
  }
  co_return co_await enter_transaction(s, std::move(account.value()), std::move(authzid), std::move(how));
}

/// After `authenticated`'s credentials were checked: applies the authorization identity (only a
/// master user may name another account; otherwise -ERR [AUTH] after the failure pause, as RFC
/// 3206 §4 has no separate code), takes the maildrop lock and the snapshot of INBOX, and enters
/// TRANSACTION.
asio::awaitable<Reply> enter_transaction(Session& s, store::Account authenticated, std::string authzid,
                                         std::string how) {
  auto& authenticator = s.context().authenticator;
  auto decide = [&authenticator, authenticated, authzid] { return authenticator.authorize(authenticated, authzid); };
  auto authorized = co_await s.store_call(std::move(decide));   // a lookup: not behind the hash queue
  if (!authorized.ok())
    co_return co_await refuse(s, authenticated.address, authorized.error().detail, "Not authorized to log in as that user",
                              "not_authorized");
  store::Account account = std::move(authorized->account);
  const std::string master = std::move(authorized->master);
  authenticator.backoff().succeeded(s.stream().remote_address());
  // RFC 1939 §8: the maildrop is locked for the whole TRANSACTION state.
  auto lock = s.context().locks.try_lock(account.id);
  if (!lock) {
    session::log_login_failure(s.stream(), s.id(), "pop3",
                               {.user = account.address, .reason = "in_use", .detail = "maildrop in use"});
    co_return Reply::error("Maildrop is in use by another POP3 session", "IN-USE");
  }
  // SPEC "Connection limits": the account's place is taken once the credentials are proven.
  const auto refusal = s.registration() ? s.registration()->log_in(account.address) : session::Refusal::none;
  if (refusal != session::Refusal::none) {
    const std::string why = session::refusal_text(refusal, s.context().registry.limits());
    session::log_login_failure(s.stream(), s.id(), "pop3",
                               {.user = account.address, .reason = "limit", .detail = why, .limit = refusal});
    // RFC 2449 §8.1.1 IN-USE for the account's own limit; RFC 3206 SYS/TEMP when the server
    // has no seat left.
    co_return Reply::error(why, refusal == session::Refusal::user_full ? "IN-USE" : "SYS/TEMP");
  }
  using Snapshot = std::pair<store::MailboxInfo, std::vector<store::MessageMeta>>;
  auto load = [&st = s.store(), id = account.id]() -> Result<Snapshot> {
    auto inbox = st.get_mailbox(id, "INBOX");
    if (!inbox.ok()) return inbox.error();
    auto messages = st.list_messages(inbox->id);
    if (!messages.ok()) return messages.error();
    return Snapshot{std::move(inbox.value()), std::move(messages.value())};
  };
  auto loaded = co_await s.store_call(std::move(load));
  if (!loaded.ok()) {
    session::log_store_error(s.id(), "pop3", "open_inbox", loaded.error());
    session::log_login_failure(s.stream(), s.id(), "pop3",
                               {.user = account.address, .reason = "unavailable", .detail = "cannot open INBOX"});
    if (s.registration()) s.registration()->log_out();
    co_return Reply::error("Cannot open the maildrop; try again later", "SYS/TEMP");
  }
  const Snapshot& snapshot = loaded.value();
  Session::Transaction t;
  t.account = std::move(account);
  t.mailbox = snapshot.first.id;
  t.maildrop = Maildrop(snapshot.first.uid_validity, snapshot.second);
  t.lock = std::move(lock);
  session::log_login_success(s.stream(), s.id(), "pop3", t.account.address, how, master);
  s.set_state(std::move(t));
  const Maildrop& drop = s.transaction()->maildrop;
  co_return Reply::success("Logged in; " + drop.summary());
}

}  // namespace

asio::awaitable<Reply> cmd_capa(Session& s, Request& r) {
  if (!r.args.empty()) co_return Reply::error("CAPA takes no arguments");
  s.write("+OK Capability list follows\r\n");
  for (const auto& c : s.capabilities()) s.write(c + "\r\n");
  s.write(".\r\n");
  co_return Reply::already_sent();
}

asio::awaitable<Reply> cmd_user(Session& s, Request& r) {
  if (r.args.empty()) co_return Reply::error("USER needs a user name");
  if (r.args.size() > 1) co_return Reply::error("USER takes one argument");
  if (!s.plaintext_allowed()) co_return plaintext_refused();
  s.authorization()->user = r.args[0];
  // The same answer for every name, so accounts cannot be enumerated (RFC 1939 §13).
  co_return Reply::success("Send PASS");
}

asio::awaitable<Reply> cmd_pass(Session& s, Request& r) {
  auto* a = s.authorization();
  if (!a->user) co_return Reply::error("PASS must follow a successful USER");
  std::string user = std::move(*a->user);
  a->user.reset();
  if (r.rest.empty()) co_return Reply::error("PASS needs a password");
  if (!s.plaintext_allowed()) co_return plaintext_refused();
  co_return co_await log_in(s, std::move(user), r.rest);
}

asio::awaitable<Reply> cmd_auth(Session& s, Request& r) {
  const bool tls = s.stream().is_tls();
  if (r.args.empty()) {
    // "AUTH" alone lists the mechanisms: not in RFC 5034, but the RFC 1734 convention that
    // Outlook relies on and Dovecot and Cyrus keep.
    s.write("+OK Supported mechanisms follow\r\n");
    if (s.plaintext_allowed()) s.write("PLAIN\r\nLOGIN\r\n");
    s.write("SCRAM-SHA-256\r\n");
    if (tls) s.write("SCRAM-SHA-256-PLUS\r\n");
    s.write(".\r\n");
    co_return Reply::already_sent();
  }
  if (r.args.size() > 2) co_return Reply::error("AUTH takes a mechanism and at most an initial response");
  auto mechanism = sasl::find_mechanism(r.args[0]);
  // -PLUS binds to TLS, so it exists only on TLS connections (RFC 5802 §6).
  if (!mechanism || (*mechanism == sasl::Mechanism::scram_sha_256_plus && !tls))
    co_return Reply::error("Unsupported authentication mechanism");
  // SCRAM never shows the password, so the plaintext policy does not apply to it.
  if (!sasl::is_scram(*mechanism) && !s.plaintext_allowed()) co_return plaintext_refused();
  sasl::ServerExchange exchange(*mechanism, session::channel_bindings(s.stream()));
  auto& authenticator = s.context().authenticator;
  std::optional<auth::Authenticator::ScramLookup> lookup;
  std::optional<std::string_view> initial;
  if (r.args.size() == 2) initial = r.args[1];   // RFC 5034 §4: "=" is an empty one
  auto step = exchange.start(initial);
  using Kind = sasl::ServerExchange::Step::Kind;
  for (;;) {
    if (step.kind == Kind::challenge) {
      s.write("+ " + step.text + "\r\n");
      auto input = co_await s.read_continuation();
      if (input.kind == Session::Input::Kind::closed) co_return Reply::error("Connection ended during authentication");
      if (input.kind == Session::Input::Kind::too_long) co_return Reply::error("SASL response too long");
      step = exchange.next(input.text);
    } else if (step.kind == Kind::need_secret) {
      // The directory lookup blocks, so it runs on the store threads (not behind the hash queue).
      auto find = [&authenticator, login = exchange.login()] { return authenticator.scram_lookup(login); };
      lookup = co_await s.store_call(std::move(find));
      step = exchange.provide_secret(lookup->secret, lookup->usable);
    } else {
      break;
    }
  }
  std::string how(sasl::mechanism_name(*mechanism));
  switch (step.kind) {
    case Kind::done:
      if (sasl::is_scram(*mechanism))
        co_return co_await enter_transaction(s, *lookup->account, exchange.authzid(), std::move(how));
      co_return co_await log_in(s, exchange.login(), exchange.password(), exchange.authzid(), std::move(how));
    case Kind::failed:
      // An unknown name or missing keys is logged as such, though the client saw only a failure.
      co_return co_await refuse(s, exchange.login(), lookup && !lookup->usable ? lookup->detail : step.detail);
    default:  // cancelled ("*", RFC 5034 §4) or malformed
      co_return Reply::error(step.text);
  }
}

asio::awaitable<Reply> cmd_stls(Session& s, Request& r) {
  if (!r.args.empty()) co_return Reply::error("STLS takes no arguments");
  if (s.stream().is_tls()) co_return Reply::error("Already using TLS");
  if (!s.tls_available()) co_return Reply::error("TLS is not available");
  s.write("+OK Begin TLS negotiation\r\n");
  co_await s.start_tls();   // on failure the connection is closed
  co_return Reply::already_sent();
}

}  // namespace pillarbox::pop3
