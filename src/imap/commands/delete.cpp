// RFC 3501 §6.3.4 DELETE
//   delete = "DELETE" SP mailbox
// Deleting INBOX is an error. Children of a deleted mailbox stay (they are listed below a
// \Noselect level), as RFC 9051 §6.3.4 allows. RFC 4314 §4: needs right 'x' on the mailbox;
// its ACL goes with it.
#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_delete(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (target->where == MailboxAccess::Where::personal && target->name == "INBOX")
    co_return Reply::no("CANNOT", "INBOX cannot be deleted");
  auto& st = s.store();
  if (!target->exists()) {
    // A level that only holds children (\Noselect) is not a mailbox, and deleting it is an
    // error of its own (RFC 3501 §6.3.4), but only children this account can see count.
    auto call1 = [&st, account = *s.account()] { return visible_mailboxes(st, account); };
    auto all = co_await s.store_call(std::move(call1));
    if (!all.ok()) co_return reply_for(s, all.error());
    const std::string prefix = target->visible + "/";
    for (const auto& m : *all) {
      if (m.visible.compare(0, prefix.size(), prefix) == 0)
        co_return Reply::no("CANNOT", "Name has inferior hierarchical names but is not a mailbox");
    }
    co_return no_such_mailbox();
  }
  if (!target->rights.has('x')) co_return no_right('x', "delete this mailbox");
  if (target->where != MailboxAccess::Where::personal && target->name == "INBOX")
    co_return Reply::no("CANNOT", "INBOX cannot be deleted");
  if (auto* sel = s.selected(); sel && sel->info.id == target->info->id) {
    // The mailbox is going away under this session: close it first (RFC 9051 §6.3.4 lets the
    // server do so), so no command runs against a vanished mailbox.
    s.deselect();
  }
  auto call0 = [&st, owner = target->owner, inner = target->name] { return st.delete_mailbox(owner, inner); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  co_return Reply::ok("DELETE completed");
}

}  // namespace pillarbox::imap
