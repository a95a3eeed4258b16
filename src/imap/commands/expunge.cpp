// RFC 3501 §6.4.3 EXPUNGE: removes \Deleted messages, one untagged EXPUNGE each (sequence
// numbers as they are at the moment each response is sent). Needs right 'e' (RFC 4314 §4).
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_expunge(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  SelectedMailbox* sel = s.selected();
  if (sel->examined) co_return Reply::no("READ-ONLY", "Mailbox is read-only");
  if (!sel->rights.has('e')) co_return no_right('e', "expunge messages here");  // RFC 4314 §4
  auto& st = s.store();
  auto call0 = [&st, id = sel->info.id] { return st.expunge(id, std::nullopt); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  sel = s.selected();
  if (!sel) co_return Reply::ok("EXPUNGE completed");
  for (auto uid : *done) {
    if (sel->seq_of(uid)) sel->pending_expunges.add(uid);
  }
  // The session's sync after this command announces them (EXPUNGE is allowed here).
  co_return Reply::ok("EXPUNGE completed");
}

}  // namespace pillarbox::imap
