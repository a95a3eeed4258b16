// RFC 3501 §6.3.3 CREATE
//   create = "CREATE" SP mailbox
// A trailing delimiter only says the client means to create children below it; missing
// superiors are created too ("SHOULD create any superior hierarchical names").
// In another account's tree or among public folders, RFC 4314 §4 asks for right 'k' on the
// parent (there the immediate one, which must exist: no levels are made there). The new mailbox,
// and any superior made with it in one's own tree, takes the ACL of its nearest existing parent,
// whoever creates it (the SHOULD of §4), so the people who could see the parent see the child.
#include <fmt/format.h>

#include "access/names.h"
#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {
namespace {

// Creates `name` in `owner`'s tree with `acl`; an existing one is fine when `may_exist`.
Status create_one(store::MailStore& st, store::AccountId owner, const std::string& name,
                  const std::vector<store::AclEntry>& acl, bool may_exist) {
  auto made = st.create_mailbox(owner, name);
  if (!made) {
    if (may_exist && made.error().code == Errc::already_exists) return {};
    return made.error();
  }
  for (const auto& e : acl) {
    Status s = st.set_acl(made->id, e.identifier, e.rights);
    if (!s) return s;
  }
  return {};
}

}  // namespace

asio::awaitable<Reply> cmd_create(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  if (ascii::iequals(name, "INBOX")) co_return Reply::no("ALREADYEXISTS", "INBOX always exists");
  if (auto problem = invalid_mailbox_name(name)) co_return Reply::no("CANNOT", *problem);
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  // "Other users", "Other users/<user>" and "Public Folders" are levels of a namespace, for
  // every user alike: saying so tells nothing about any account.
  if (target->where == MailboxAccess::Where::node)
    co_return Reply::no("CANNOT", "That name is a level of a namespace, not a mailbox");
  if (target->where == MailboxAccess::Where::personal && access::reserved_personal_name(name))
    co_return Reply::no("CANNOT", "That name belongs to a namespace (see NAMESPACE)");
  auto& st = s.store();
  auto call0 = [&st, account = *s.account(), t = *target] { return create_rights(st, account, t); };
  auto allowed = co_await s.store_call(std::move(call0));
  if (!allowed.ok()) co_return reply_for(s, allowed.error());
  if (target->exists()) co_return Reply::no("ALREADYEXISTS", "Mailbox already exists");
  if (!allowed->rights.has('k')) {
    // Where the viewer may not look the parent up, the name is as unusable as a missing user's.
    if (target->where != MailboxAccess::Where::personal && !allowed->rights.has('l')) co_return no_such_mailbox();
    co_return no_right('k', "create mailboxes there");
  }
  const store::AccountId owner = target->owner;
  const std::string inner = target->name;
  // Superiors are made only in one's own tree: elsewhere the parent exists already (it gave 'k'),
  // and a level above it that is not a mailbox stays one.
  const bool superiors = target->where == MailboxAccess::Where::personal;
  auto call1 = [&st, owner, inner, superiors, acl = allowed->inherited_acl] {
    for (std::size_t slash = inner.find('/'); superiors && slash != std::string::npos; slash = inner.find('/', slash + 1)) {
      std::string superior = inner.substr(0, slash);
      if (ascii::iequals(superior, "INBOX")) superior = "INBOX";
      Status made = create_one(st, owner, superior, acl, true);
      if (!made) return made;
    }
    return create_one(st, owner, inner, acl, false);
  };
  auto made = co_await s.store_call(std::move(call1));
  if (!made.ok()) {
    // A mailbox this account may not look up can be in the way: it answers as any other.
    if (made.error().code == Errc::already_exists) co_return Reply::no("ALREADYEXISTS", "Mailbox already exists");
    co_return reply_for(s, made.error());
  }
  co_return Reply::ok("CREATE completed");
}

}  // namespace pillarbox::imap
