// The TRANSACTION state (RFC 1939 §5) and QUIT's UPDATE state (§6):
//   STAT                  RFC 1939 §5   "+OK" SP count SP octets, deleted messages not counted
//   LIST [msg]            RFC 1939 §5   scan listings "msg octets"
//   UIDL [msg]            RFC 1939 §7   unique-id listings "msg unique-id"
//   RETR msg              RFC 1939 §5   the message, byte-stuffed
//   TOP msg n             RFC 1939 §7   the header, the blank line and n body lines
//   DELE msg / RSET       RFC 1939 §5   mark deleted / unmark all
//   NOOP                  RFC 1939 §5
//   QUIT                  RFC 1939 §4 (AUTHORIZATION: just ends) and §6 (UPDATE)
// The maildrop is INBOX as it was at login; sizes are the octets RETR sends before stuffing
// (MessageMeta::size, CRLF line ends), so LIST, STAT and RETR always agree.
#include <fmt/format.h>

#include "base/log.h"
#include "pop3/command.h"
#include "pop3/commands.h"
#include "pop3/multiline.h"
#include "protolog/redact.h"
#include "session/events.h"

namespace pillarbox::pop3 {
namespace {

/// Reply text for a command with the wrong number of arguments.
Reply arity_error(const Request& r, std::string_view wants) {
  return Reply::error(fmt::format("{} {}", r.name, wants));
}

/// The message that `text` numbers: Errc::invalid for a non-number, Errc::not_found for one
/// that does not exist or is marked deleted (RFC 1939 §5).
Result<std::uint32_t> message_number(Session::Transaction& t, std::string_view text) {
  auto n = parse_number(text);
  if (!n) return make_error(Errc::invalid, "Invalid message number");
  auto m = t.maildrop.find(*n);
  if (!m.ok()) return m.error();
  return static_cast<std::uint32_t>(*n);
}

/// The bytes of message `number`, fetched on the store threads. Errc::not_found when another
/// session expunged it since login (the snapshot still shows it).
asio::awaitable<Result<std::shared_ptr<const std::string>>> fetch_content(Session& s, std::uint32_t number) {
  const Session::Transaction& t = *s.transaction();
  store::UidSet uids;
  uids.add(t.maildrop.at(number).uid);
  auto call = [&st = s.store(), mailbox = t.mailbox, uids] {
    return st.fetch(mailbox, uids, store::FetchNeeds{.content = true});
  };
  auto fetched = co_await s.store_call(std::move(call));
  if (!fetched.ok()) {
    session::log_store_error(s.id(), "pop3", "fetch", fetched.error());
    co_return make_error(Errc::unavailable, "Cannot read the message; try again later");
  }
  if (fetched->empty() || !fetched->front().content) {
    co_return make_error(Errc::not_found, fmt::format("Message {} was removed by another session", number));
  }
  co_return fetched->front().content;
}

Reply store_error(const Error& e) {
  return Reply::error(e.text, e.code == Errc::unavailable || e.code == Errc::storage_full ? "SYS/TEMP" : "");
}

}  // namespace

asio::awaitable<Reply> cmd_stat(Session& s, Request& r) {
  if (!r.args.empty()) co_return arity_error(r, "takes no arguments");
  const Maildrop& drop = s.transaction()->maildrop;
  co_return Reply::success(fmt::format("{} {}", drop.live_count(), drop.live_octets()));
}

asio::awaitable<Reply> cmd_list(Session& s, Request& r) {
  if (r.args.size() > 1) co_return arity_error(r, "takes at most a message number");
  auto& t = *s.transaction();
  if (r.args.size() == 1) {
    auto n = message_number(t, r.args[0]);
    if (!n.ok()) co_return Reply::error(n.error().text);
    co_return Reply::success(fmt::format("{} {}", *n, t.maildrop.at(*n).size));
  }
  s.write("+OK " + t.maildrop.summary() + "\r\n");
  for (std::uint32_t i = 1; i <= t.maildrop.size(); ++i) {
    const auto& m = t.maildrop.at(i);
    if (!m.deleted) s.write(fmt::format("{} {}\r\n", i, m.size));
    co_await s.flush_if_full();
  }
  s.write(".\r\n");
  co_return Reply::already_sent();
}

asio::awaitable<Reply> cmd_uidl(Session& s, Request& r) {
  if (r.args.size() > 1) co_return arity_error(r, "takes at most a message number");
  auto& t = *s.transaction();
  if (r.args.size() == 1) {
    auto n = message_number(t, r.args[0]);
    if (!n.ok()) co_return Reply::error(n.error().text);
    co_return Reply::success(fmt::format("{} {}", *n, t.maildrop.unique_id(t.maildrop.at(*n))));
  }
  s.write("+OK Unique-id listing follows\r\n");
  for (std::uint32_t i = 1; i <= t.maildrop.size(); ++i) {
    const auto& m = t.maildrop.at(i);
    if (!m.deleted) s.write(fmt::format("{} {}\r\n", i, t.maildrop.unique_id(m)));
    co_await s.flush_if_full();
  }
  s.write(".\r\n");
  co_return Reply::already_sent();
}

asio::awaitable<Reply> cmd_retr(Session& s, Request& r) {
  if (r.args.size() != 1) co_return arity_error(r, "needs one message number");
  auto n = message_number(*s.transaction(), r.args[0]);
  if (!n.ok()) co_return Reply::error(n.error().text);
  auto content = co_await fetch_content(s, *n);
  if (!content.ok()) co_return store_error(content.error());
  const std::string& bytes = **content;
  // The protocol log knows a message follows by this line (protolog::pop3_body_follows).
  s.write(fmt::format("+OK {} octets\r\n", bytes.size()));
  co_await s.write_multiline(bytes);
  // Only RETR counts as reading the message: it gets \Seen at QUIT (TOP does not).
  s.transaction()->maildrop.at(*n).retrieved = true;
  co_return Reply::already_sent();
}

asio::awaitable<Reply> cmd_top(Session& s, Request& r) {
  if (r.args.size() != 2) co_return arity_error(r, "needs a message number and a number of lines");
  auto n = message_number(*s.transaction(), r.args[0]);
  if (!n.ok()) co_return Reply::error(n.error().text);
  // RFC 1939 §7: n is a non-negative number; more lines than the body has means all of it.
  auto lines = parse_number(r.args[1]);
  if (!lines) co_return Reply::error("Invalid number of lines");
  auto content = co_await fetch_content(s, *n);
  if (!content.ok()) co_return store_error(content.error());
  s.write(std::string(protolog::kPop3TopResponse) + "\r\n");
  co_await s.write_multiline(top_part(**content, *lines));
  co_return Reply::already_sent();
}

asio::awaitable<Reply> cmd_dele(Session& s, Request& r) {
  if (r.args.size() != 1) co_return arity_error(r, "needs one message number");
  auto& t = *s.transaction();
  auto n = message_number(t, r.args[0]);
  if (!n.ok()) co_return Reply::error(n.error().text);
  t.maildrop.at(*n).deleted = true;
  co_return Reply::success(fmt::format("Message {} deleted", *n));
}

asio::awaitable<Reply> cmd_rset(Session& s, Request& r) {
  if (!r.args.empty()) co_return arity_error(r, "takes no arguments");
  auto& drop = s.transaction()->maildrop;
  drop.reset();
  co_return Reply::success("Maildrop has " + drop.summary());
}

asio::awaitable<Reply> cmd_noop(Session&, Request& r) {
  if (!r.args.empty()) co_return arity_error(r, "takes no arguments");
  co_return Reply::success("");
}

asio::awaitable<Reply> cmd_quit(Session& s, Request& r) {
  if (!r.args.empty()) co_return arity_error(r, "takes no arguments");
  s.end_after_reply();
  auto* t = s.transaction();
  if (!t) co_return Reply::success("Bye");   // RFC 1939 §4: QUIT in AUTHORIZATION
  // RFC 1939 §6, the UPDATE state. Retrieved messages become \Seen (as Dovecot does by default)
  // so IMAP clients see them read; then every message marked deleted is removed, in one call.
  const store::MailboxId mailbox = t->mailbox;
  const store::UidSet seen = t->maildrop.retrieved_uids();
  const store::UidSet deleted = t->maildrop.deleted_uids();
  if (!seen.empty()) {
    store::Flags flags;
    flags.system = store::kSeen;
    auto call0 = [&st = s.store(), mailbox, seen, flags] {
      return st.store_flags(mailbox, seen, store::StoreMode::add, flags);
    };
    auto marked = co_await s.store_call(std::move(call0));
    // Not worth refusing QUIT for: the messages stay as they were and nothing is lost.
    if (!marked.ok()) session::log_store_error(s.id(), "pop3", "store_flags", marked.error());
  }
  std::size_t removed = 0;
  if (!deleted.empty()) {
    auto call1 = [&st = s.store(), mailbox, deleted] { return st.expunge_uids(mailbox, deleted); };
    auto expunged = co_await s.store_call(std::move(call1));
    if (!expunged.ok()) {
      session::log_store_error(s.id(), "pop3", "expunge", expunged.error());
      s.transaction()->lock.reset();
      // RFC 1939 §6: "-ERR some deleted messages not removed".
      co_return Reply::error("Some deleted messages not removed; try again later", "SYS/TEMP");
    }
    removed = expunged->size();
  }
  t = s.transaction();
  const std::uint32_t left = t->maildrop.live_count();
  // Released now rather than when the connection closes, so a client that reconnects right
  // after +OK is not refused with [IN-USE].
  t->lock.reset();
  log::info("session={} account={} pop3 quit: {} messages deleted, {} left", s.id(), t->account.address, removed, left);
  co_return Reply::success(fmt::format("Logging out ({} deleted, {} left)", removed, left));
}

}  // namespace pillarbox::pop3
