// The AUTHORIZATION state (RFC 1939 §4) and the commands that work in it:
//   CAPA                                  RFC 2449 §5   (also in TRANSACTION)
//   USER name / PASS string               RFC 1939 §7
//   AUTH mechanism [initial-response]     RFC 5034 §4, mechanisms PLAIN (RFC 4616) and LOGIN
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

namespace pillarbox::pop3 {
namespace {

namespace sasl = auth::sasl;

Reply plaintext_refused() {
  // As IMAP's LOGINDISABLED ([auth] plaintext_without_tls); USER and SASL are then not in CAPA.
  return Reply::error("Plaintext authentication disallowed on non-secure connection; use STLS", "AUTH");
}

/// Verifies the credentials off the I/O threads, takes the maildrop lock and the snapshot of
/// INBOX, and enters TRANSACTION. Unknown login and wrong password get the same answer.
asio::awaitable<Reply> log_in(Session& s, std::string user, std::string password) {
  auto& authenticator = s.context().authenticator;
  auto check = [&authenticator, user, password] { return authenticator.verify(user, password); };
  auto account = co_await s.held_pool_call(authenticator.pool(), std::move(check));
  if (!account.ok()) {
    if (account.error().code != Errc::no_perm) {
      log::warn("session={} remote={} pop3 login for \"{}\" could not be checked: {}", s.id(),
                s.stream().remote_address(), log::loggable(user), log::loggable(account.error().detail));
      co_return Reply::error("Authentication is unavailable; try again later", "SYS/TEMP");
    }
    // A growing pause per remote address makes guessing slower without holding any thread.
    const auto delay = authenticator.backoff().failed(s.stream().remote_address());
    log::info("session={} remote={} pop3 login failed for \"{}\": {} (answered after {} ms)", s.id(),
              s.stream().remote_address(), log::loggable(user), log::loggable(account.error().detail), delay.count());
    asio::steady_timer pause(s.stream().get_executor(), delay);
    co_await pause.async_wait(asio::use_awaitable);
    co_return Reply::error("Authentication failed", "AUTH");
  }
  authenticator.backoff().succeeded(s.stream().remote_address());
  // RFC 1939 §8: the maildrop is locked for the whole TRANSACTION state.
  auto lock = s.context().locks.try_lock(account->id);
  if (!lock) {
    log::info("session={} account={} pop3 maildrop in use", s.id(), account->address);
    co_return Reply::error("Maildrop is in use by another POP3 session", "IN-USE");
  }
  // SPEC "Connection limits": the account's place is taken once the credentials are proven.
  const auto refusal = s.registration() ? s.registration()->log_in(account->address) : session::Refusal::none;
  if (refusal != session::Refusal::none) {
    const std::string why = session::refusal_text(refusal, s.context().registry.limits());
    log::info("session={} remote={} account={} pop3 login refused: {} ({})", s.id(), s.stream().remote_address(),
              account->address, session::refusal_name(refusal), why);
    // RFC 2449 §8.1.1 IN-USE for the account's own limit; RFC 3206 SYS/TEMP when the server
    // has no seat left.
    co_return Reply::error(why, refusal == session::Refusal::user_full ? "IN-USE" : "SYS/TEMP");
  }
  using Snapshot = std::pair<store::MailboxInfo, std::vector<store::MessageMeta>>;
  auto load = [&st = s.store(), id = account->id]() -> Result<Snapshot> {
    auto inbox = st.get_mailbox(id, "INBOX");
    if (!inbox.ok()) return inbox.error();
    auto messages = st.list_messages(inbox->id);
    if (!messages.ok()) return messages.error();
    return Snapshot{std::move(inbox.value()), std::move(messages.value())};
  };
  auto loaded = co_await s.store_call(std::move(load));
  if (!loaded.ok()) {
    log::warn("session={} account={} cannot open INBOX: {}", s.id(), account->address, loaded.error().detail);
    if (s.registration()) s.registration()->log_out();
    co_return Reply::error("Cannot open the maildrop; try again later", "SYS/TEMP");
  }
  const Snapshot& snapshot = loaded.value();
  Session::Transaction t;
  t.account = std::move(account.value());
  t.mailbox = snapshot.first.id;
  t.maildrop = Maildrop(snapshot.first.uid_validity, snapshot.second);
  t.lock = std::move(lock);
  log::info("session={} remote={} account={} logged in (pop3, {} messages)", s.id(), s.stream().remote_address(),
            t.account.address, t.maildrop.size());
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
  if (r.args.empty()) {
    // "AUTH" alone lists the mechanisms: not in RFC 5034, but the RFC 1734 convention that
    // Outlook relies on and Dovecot and Cyrus keep.
    s.write("+OK Supported mechanisms follow\r\n");
    if (s.plaintext_allowed()) s.write("PLAIN\r\nLOGIN\r\n");
    s.write(".\r\n");
    co_return Reply::already_sent();
  }
  if (r.args.size() > 2) co_return Reply::error("AUTH takes a mechanism and at most an initial response");
  auto mechanism = sasl::find_mechanism(r.args[0]);
  if (!mechanism) co_return Reply::error("Unsupported authentication mechanism");
  if (!s.plaintext_allowed()) co_return plaintext_refused();
  sasl::ServerExchange exchange(*mechanism);
  std::optional<std::string_view> initial;
  if (r.args.size() == 2) initial = r.args[1];   // RFC 5034 §4: "=" is an empty one
  auto step = exchange.start(initial);
  using Kind = sasl::ServerExchange::Step::Kind;
  while (step.kind == Kind::challenge) {
    s.write("+ " + step.text + "\r\n");
    auto input = co_await s.read_continuation();
    if (input.kind == Session::Input::Kind::closed) co_return Reply::error("Connection ended during authentication");
    if (input.kind == Session::Input::Kind::too_long) co_return Reply::error("SASL response too long");
    step = exchange.next(input.text);
  }
  switch (step.kind) {
    case Kind::done:
      break;
    case Kind::denied:
      co_return Reply::error(step.text, "AUTH");
    default:  // cancelled ("*", RFC 5034 §4) or malformed
      co_return Reply::error(step.text);
  }
  co_return co_await log_in(s, exchange.login(), exchange.password());
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
