// RFC 4314 §3 access control commands
//   setacl     = "SETACL" SP mailbox SP identifier SP mod-rights
//   deleteacl  = "DELETEACL" SP mailbox SP identifier
//   getacl     = "GETACL" SP mailbox
//   listrights = "LISTRIGHTS" SP mailbox SP identifier
//   myrights   = "MYRIGHTS" SP mailbox
// SETACL, DELETEACL, GETACL and LISTRIGHTS need right 'a' (§4); MYRIGHTS needs any right, which
// a mailbox the account can see always gives. A mailbox the account may not look up answers
// exactly like one that does not exist (§6). The owner always has every right, so its entry
// cannot be changed. Identifiers are account addresses, "anyone" and "authenticated", each
// perhaps after "-" (negative rights, §2).
#include <fmt/format.h>

#include "access/rights.h"
#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

// A visible mailbox where the account holds 'a', or the reply that refuses.
asio::awaitable<std::variant<MailboxAccess, Reply>> administered(Session& s, std::string name) {
  auto target = co_await resolve(s, std::move(name));
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return no_such_mailbox();
  if (!target->rights.has('a')) co_return no_right('a', "administer rights here");
  co_return std::move(*target);
}

bool is_owner(const MailboxAccess& m, std::string_view identifier) {
  return m.where != MailboxAccess::Where::public_folder && ascii::iequals(identifier, m.owner_address);
}

// Reads the identifier argument and checks its syntax (§3: BAD when malformed).
std::optional<std::string> identifier_arg(Parser& p) {
  std::string raw = p.astring();
  if (!p.ok()) return std::nullopt;
  auto id = access::normalize_identifier(raw);
  if (!id) {
    p.fail(id.error().text);
    return std::nullopt;
  }
  return *id;
}

}  // namespace

asio::awaitable<Reply> cmd_getacl(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto target = co_await administered(s, name);
  if (auto* refused = std::get_if<Reply>(&target)) co_return std::move(*refused);
  auto& m = std::get<MailboxAccess>(target);
  auto& st = s.store();
  auto call0 = [&st, id = m.info->id] { return st.get_acl(id); };
  auto acl = co_await s.store_call(std::move(call0));
  if (!acl.ok()) co_return reply_for(s, acl.error());
  std::string line = "ACL " + mailbox_out(m.echo());
  if (m.where != MailboxAccess::Where::public_folder)
    line += " " + astring_out(m.owner_address) + " " + access::to_string(access::Rights::all());
  for (const auto& e : *acl) {
    auto rights = access::parse_rights(e.rights);
    if (!rights || is_owner(m, e.identifier)) continue;
    line += " " + astring_out(e.identifier) + " " + astring_out(access::to_string(*rights));
  }
  s.untagged(line);
  co_return Reply::ok("GETACL completed");
}

asio::awaitable<Reply> cmd_setacl(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.space();
  auto identifier = identifier_arg(r.parser);
  r.parser.space();
  std::string modification = r.parser.astring();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  // An unknown right is BAD, never ignored (§3.1); checked again against the entry below.
  if (auto check = access::apply_modification(access::Rights{}, modification); !check)
    co_return Reply::bad(check.error().text);
  auto target = co_await administered(s, name);
  if (auto* refused = std::get_if<Reply>(&target)) co_return std::move(*refused);
  auto& m = std::get<MailboxAccess>(target);
  const std::string bare = identifier->front() == '-' ? identifier->substr(1) : *identifier;
  if (is_owner(m, bare)) co_return Reply::no("CANNOT", "The owner always has all rights");
  auto& st = s.store();
  // Any well-formed identifier is kept, account or not, as Dovecot and Cyrus do: answering "no
  // such user" would let anyone find out which accounts exist. An entry for an address that is
  // not an account grants nothing, and creating that account later clears it (store).
  auto call0 = [&st, id = m.info->id, ident = *identifier, modification]() -> Status {
    auto acl = st.get_acl(id);
    if (!acl) return acl.error();
    access::Rights current;
    for (const auto& e : *acl) {
      if (e.identifier != ident) continue;
      if (auto stored = access::parse_rights(e.rights)) current = *stored;
    }
    auto next = access::apply_modification(current, modification);
    if (!next) return next.error();
    if (next->empty()) {
      Status gone = st.delete_acl(id, ident);
      if (!gone && gone.error().code != Errc::not_found) return gone;
      return {};
    }
    return st.set_acl(id, ident, access::to_letters(*next));
  };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  co_return Reply::ok("SETACL completed");
}

asio::awaitable<Reply> cmd_deleteacl(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.space();
  auto identifier = identifier_arg(r.parser);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto target = co_await administered(s, name);
  if (auto* refused = std::get_if<Reply>(&target)) co_return std::move(*refused);
  auto& m = std::get<MailboxAccess>(target);
  if (is_owner(m, *identifier)) co_return Reply::no("CANNOT", "The owner always has all rights");
  auto& st = s.store();
  auto call0 = [&st, id = m.info->id, ident = *identifier]() -> Status {
    Status gone = st.delete_acl(id, ident);
    // Removing an entry that is not there leaves the ACL as asked (§3.2 has no error for it).
    if (!gone && gone.error().code == Errc::not_found) return {};
    return gone;
  };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  co_return Reply::ok("DELETEACL completed");
}

asio::awaitable<Reply> cmd_listrights(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.space();
  // §3.4: the identifier is echoed as the client sent it.
  std::string raw = r.parser.astring();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto identifier = access::normalize_identifier(raw);
  if (!identifier) co_return Reply::bad(identifier.error().text);
  auto target = co_await administered(s, name);
  if (auto* refused = std::get_if<Reply>(&target)) co_return std::move(*refused);
  auto& m = std::get<MailboxAccess>(target);
  s.untagged(fmt::format("LISTRIGHTS {} {} {}", mailbox_out(m.echo()), astring_out(raw),
                         access::listrights_answer(is_owner(m, *identifier))));
  co_return Reply::ok("LISTRIGHTS completed");
}

asio::awaitable<Reply> cmd_myrights(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto found = co_await existing_mailbox(s, name);
  if (auto* refused = std::get_if<Reply>(&found)) co_return std::move(*refused);
  const auto& target = std::get<MailboxAccess>(found);
  s.untagged(fmt::format("MYRIGHTS {} {}", mailbox_out(target.echo()), astring_out(access::to_string(target.rights))));
  co_return Reply::ok("MYRIGHTS completed");
}

}  // namespace pillarbox::imap
