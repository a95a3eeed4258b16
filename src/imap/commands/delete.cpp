// RFC 3501 §6.3.4 DELETE
//   delete = "DELETE" SP mailbox
// Deleting INBOX is an error. Children of a deleted mailbox stay (they are listed below a
// \Noselect level), as RFC 9051 §6.3.4 allows.
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_delete(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (name == "INBOX") co_return Reply::no("CANNOT", "INBOX cannot be deleted");
  if (auto* sel = s.selected(); sel && sel->info.name == name) {
    // The mailbox is going away under this session: close it first (RFC 9051 §6.3.4 lets the
    // server do so), so no command runs against a vanished mailbox.
    s.deselect();
  }
  auto& st = s.store();
  const auto account = s.account()->id;
  auto call0 = [&st, account, name] { return st.delete_mailbox(account, name); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok() && done.error().code == Errc::not_found) {
    // A level that only holds children (\Noselect) is not a mailbox, and deleting it is an
    // error of its own (RFC 3501 §6.3.4).
    auto call1 = [&st, account] { return st.list_mailboxes(account); };
    auto all = co_await s.store_call(std::move(call1));
    if (all.ok()) {
      for (const auto& m : *all) {
        if (m.name.size() > name.size() && m.name.compare(0, name.size() + 1, name + "/") == 0)
          co_return Reply::no("CANNOT", "Name has inferior hierarchical names but is not a mailbox");
      }
    }
  }
  if (!done.ok()) co_return reply_for(s, done.error());
  co_return Reply::ok("DELETE completed");
}

}  // namespace pillarbox::imap
