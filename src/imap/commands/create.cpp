// RFC 3501 §6.3.3 CREATE, with RFC 6154 §3 CREATE-SPECIAL-USE (create-param of RFC 4466)
//   create = "CREATE" SP mailbox [SP "(" create-param *(SP create-param) ")"]
//   create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"
// A mailbox has at most one special use, and each use at most one mailbox per account; \All
// and \Flagged name virtual mailboxes, which Pillarbox does not have. Such requests, and a use
// outside one's own tree, get NO [USEATTR] (RFC 6154 §3). Without USE, a name that the
// configuration's [[mailboxes]] gives a special use gets it when no other mailbox has it
// (Dovecot does the same by name).
// A trailing delimiter only says the client means to create children below it; missing
// superiors are created too ("SHOULD create any superior hierarchical names").
// In another account's tree or among public folders, RFC 4314 §4 asks for right 'k' on the
// parent (there the immediate one, which must exist: no levels are made there). The new mailbox,
// and any superior made with it in one's own tree, takes the ACL of its nearest existing parent,
// whoever creates it (the SHOULD of §4), so the people who could see the parent see the child.

#include "access/names.h"
#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {
namespace {

// Creates `name` in `owner`'s tree with `special_use`, and, when `superiors`, its missing
// superiors, all in one store transaction (RFC 6154 §3: a refused use creates nothing); then
// gives each mailbox made the `acl`.
Status create_with_acl(store::MailStore& st, store::AccountId owner, const std::string& name, bool superiors,
                       const std::vector<store::AclEntry>& acl, const std::string& special_use) {
  std::vector<store::MailboxInfo> made;
  if (superiors) {
    auto all = st.create_mailbox_path(owner, name, special_use);
    if (!all) return all.error();
    made = std::move(*all);
  } else {
    auto one = st.create_mailbox(owner, name, special_use);
    if (!one) return one.error();
    made.push_back(std::move(*one));
  }
  for (const auto& m : made) {
    for (const auto& e : acl) {
      Status s = st.set_acl(m.id, e.identifier, e.rights);
      if (!s) return s;
    }
  }
  return {};
}

// The special uses a client may ask for (RFC 6154 §2), in their canonical spelling.
constexpr std::string_view kCreatableUses[] = {"\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"};

// Reads the optional create-params; `uses` gets the use-attrs as written.
void create_params(Parser& p, std::vector<std::string>& uses) {
  if (!p.skip_char(' ')) return;
  p.expect('(');
  while (p.ok()) {
    std::string param = p.keyword();
    if (!p.ok()) return;
    if (param != "USE") {
      p.fail("Unknown CREATE parameter " + param);
      return;
    }
    p.space();
    p.expect('(');
    for (bool first = true; p.ok() && !p.skip_char(')'); first = false) {
      if (!first) p.space();
      if (!p.skip_char('\\')) {
        p.fail("Expected a special-use attribute such as \\Sent");
        return;
      }
      uses.push_back("\\" + p.atom());
    }
    if (!p.ok() || p.skip_char(')')) return;
    p.space();
  }
}

// The use in canonical spelling, or an error text for NO [USEATTR].
Result<std::string> creatable_use(const std::vector<std::string>& uses) {
  if (uses.empty()) return std::string();
  if (uses.size() > 1) return make_error(Errc::invalid, "A mailbox has one special use at most");
  for (auto use : kCreatableUses)
    if (ascii::iequals(use, uses.front())) return std::string(use);
  if (ascii::iequals(uses.front(), "\\All") || ascii::iequals(uses.front(), "\\Flagged"))
    return make_error(Errc::invalid, uses.front() + " is for virtual mailboxes, which this server does not have");
  return make_error(Errc::invalid, uses.front() + " is not a special use this server supports");
}

}  // namespace

asio::awaitable<Reply> cmd_create(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  std::vector<std::string> uses;
  create_params(r.parser, uses);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto use = creatable_use(uses);
  if (!use.ok()) co_return Reply::no("USEATTR", use.error().text);
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
  const bool personal = target->where == MailboxAccess::Where::personal;
  if (!personal && !use->empty()) co_return Reply::no("USEATTR", "Special uses are for one's own mailboxes only");
  std::string configured;
  for (const auto& m : s.config().mailboxes)
    if (personal && use->empty() && m.name == inner) configured = m.special_use;
  auto call1 = [&st, owner, inner, personal, acl = allowed->inherited_acl, use = *use, configured]() -> Status {
    // The use is checked, and superiors made, inside the store's transaction: of two CREATEs
    // racing for one use, the loser makes nothing (RFC 6154 §3).
    if (!configured.empty()) {
      Status made = create_with_acl(st, owner, inner, personal, acl, configured);
      if (made || made.error().code != Errc::in_use) return made;  // else: in use, make it without
    }
    return create_with_acl(st, owner, inner, personal, acl, use);
  };
  auto made = co_await s.store_call(std::move(call1));
  if (!made.ok()) {
    // A mailbox this account may not look up can be in the way: it answers as any other.
    if (made.error().code == Errc::already_exists) co_return Reply::no("ALREADYEXISTS", "Mailbox already exists");
    if (made.error().code == Errc::in_use) co_return Reply::no("USEATTR", made.error().text);
    co_return reply_for(s, made.error());
  }
  co_return Reply::ok("CREATE completed");
}

}  // namespace pillarbox::imap
