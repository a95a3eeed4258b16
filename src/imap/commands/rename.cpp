// RFC 3501 §6.3.5 RENAME
//   rename = "RENAME" SP mailbox SP mailbox
// Children move with their parent. Renaming INBOX moves its messages to the new name and
// leaves INBOX empty; INBOX's children do not move. RFC 4314 §4: needs right 'x' on the old
// name and 'k' on the new parent; a mailbox keeps its ACL. A mailbox stays with its owner: it
// cannot be renamed into another account's tree or between personal and public folders.
#include "access/names.h"
#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_rename(Session& s, Request& r) {
  std::string from_name = r.parser.mailbox();
  r.parser.space();
  std::string to_name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  while (to_name.size() > 1 && to_name.back() == '/') to_name.pop_back();
  if (ascii::iequals(to_name, "INBOX")) co_return Reply::no("ALREADYEXISTS", "INBOX always exists");
  if (auto problem = invalid_mailbox_name(to_name)) co_return Reply::no("CANNOT", *problem);
  auto source = co_await resolve(s, from_name);
  if (!source.ok()) co_return reply_for(s, source.error());
  auto target = co_await resolve(s, to_name);
  if (!target.ok()) co_return reply_for(s, target.error());
  auto& st = s.store();
  const store::Account account = *s.account();

  if (!source->exists()) {
    // Only children this account can see make a \Noselect level worth renaming.
    auto call0 = [&st, account] { return visible_mailboxes(st, account); };
    auto all = co_await s.store_call(std::move(call0));
    if (!all.ok()) co_return reply_for(s, all.error());
    const std::string prefix = source->visible + "/";
    bool has_children = false;
    for (const auto& m : *all) has_children = has_children || m.visible.compare(0, prefix.size(), prefix) == 0;
    if (!has_children || source->where != MailboxAccess::Where::personal) co_return no_such_mailbox();
  } else if (!source->rights.has('x')) {
    co_return no_right('x', "rename this mailbox");
  }
  if (target->where == MailboxAccess::Where::personal && access::reserved_personal_name(to_name))
    co_return Reply::no("CANNOT", "That name belongs to a namespace (see NAMESPACE)");
  if (source->where != target->where || source->owner != target->owner)
    co_return Reply::no("CANNOT", "A mailbox cannot move to another owner or namespace");
  const std::string from = source->name;
  const std::string to = target->name;
  if (from == to) co_return Reply::no("ALREADYEXISTS", "Mailbox already has that name");
  if (from != "INBOX" && to.size() > from.size() && to.compare(0, from.size() + 1, from + "/") == 0)
    co_return Reply::no("CANNOT", "A mailbox cannot be moved below itself");
  auto call1 = [&st, account, t = *target] { return create_rights(st, account, t); };
  auto allowed = co_await s.store_call(std::move(call1));
  if (!allowed.ok()) co_return reply_for(s, allowed.error());
  if (!allowed->rights.has('k')) co_return no_right('k', "create mailboxes there");

  const store::AccountId owner = source->owner;
  const bool personal = source->where == MailboxAccess::Where::personal;
  auto call2 = [&st, owner, account, personal] {
    struct Trees {
      std::vector<store::MailboxInfo> all;      // the owner's mailboxes
      std::vector<VisibleMailbox> visible;      // what the caller sees (only outside its own tree)
    };
    auto all = st.list_mailboxes(owner);
    if (!all) return Result<Trees>(all.error());
    Trees out{std::move(*all), {}};
    if (!personal) {
      auto visible = visible_mailboxes(st, account);
      if (!visible) return Result<Trees>(visible.error());
      out.visible = std::move(*visible);
    }
    return Result<Trees>(std::move(out));
  };
  auto trees = co_await s.store_call(std::move(call2));
  if (!trees.ok()) co_return reply_for(s, trees.error());
  // Children move with their parent. In another's tree or among public folders only those the
  // caller may see and delete ('x') move; the others stay where they are, below a \Noselect
  // level, so nobody moves what they cannot see.
  std::vector<std::pair<std::string, std::string>> moves;
  if (source->exists()) moves.emplace_back(from, to);
  for (const auto& m : trees->all) {
    if (from == "INBOX" || m.name.size() <= from.size() || m.name.compare(0, from.size() + 1, from + "/") != 0)
      continue;
    if (!personal) {
      bool may = false;
      for (const auto& v : trees->visible) may = may || (v.id == m.id && v.rights.has('x'));
      if (!may) continue;
    }
    moves.emplace_back(m.name, to + m.name.substr(from.size()));
  }
  // Every new name is checked before anything moves, so a clash never leaves half a rename.
  for (const auto& [old_name, new_name] : moves) {
    for (const auto& m : trees->all) {
      if (m.name == new_name) co_return Reply::no("ALREADYEXISTS", "Target mailbox already exists");
    }
  }
  if (personal) {
    // Superiors of the new name, as CREATE would make them (elsewhere the parent exists: it gave
    // 'k'). They are new mailboxes, so they take the ACL of the nearest existing parent (RFC 4314
    // §4 CREATE SHOULD); the renamed mailbox keeps its own (§4 RENAME SHOULD NOT change it).
    for (std::size_t slash = to.find('/'); slash != std::string::npos; slash = to.find('/', slash + 1)) {
      std::string superior = to.substr(0, slash);
      auto call3 = [&st, owner, superior, acl = allowed->inherited_acl]() -> Status {
        auto made = st.create_mailbox(owner, superior);
        if (!made) return made.error().code == Errc::already_exists ? Status{} : Status(made.error());
        for (const auto& e : acl) {
          Status set = st.set_acl(made->id, e.identifier, e.rights);
          if (!set) return set;
        }
        return {};
      };
      auto made = co_await s.store_call(std::move(call3));
      if (!made.ok()) co_return reply_for(s, made.error());
    }
  }
  if (auto* sel = s.selected(); sel && source->exists() && sel->info.id == source->info->id && from != "INBOX")
    s.deselect();
  for (const auto& [old_name, new_name] : moves) {
    auto call4 = [&st, owner, old_name, new_name] { return st.rename_mailbox(owner, old_name, new_name); };
    auto done = co_await s.store_call(std::move(call4));
    if (!done.ok()) co_return reply_for(s, done.error());
  }
  co_return Reply::ok("RENAME completed");
}

}  // namespace pillarbox::imap
