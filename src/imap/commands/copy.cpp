// RFC 3501 §6.4.7 COPY (and UID COPY, §6.4.8)
//   copy = "COPY" SP sequence-set SP mailbox
// Flags are kept; a missing target gets [TRYCREATE]. All or nothing.
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_copy(Session& s, Request& r) {
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
  std::string name = p.mailbox();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);
  store::UidSet uids = resolve_set(*sel, set, r.uid);
  auto& st = s.store();
  const auto account = s.account()->id;
  auto call0 = [&st, account, name] { return st.get_mailbox(account, name); };
  auto target = co_await s.store_call(std::move(call0));
  if (!target.ok()) {
    if (target.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, target.error());
  }
  if (uids.empty()) co_return Reply::ok("COPY completed");
  sel = s.selected();
  if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
  auto call1 = [&st, from = sel->info.id, uids, to = target->id] { return st.copy(from, uids, to); };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  co_return Reply::ok("COPY completed");
}

}  // namespace pillarbox::imap
