// RFC 3501 §6.4.3 EXPUNGE: removes \Deleted messages, one untagged EXPUNGE each (sequence
// numbers as they are at the moment each response is sent). Needs right 'e' (RFC 4314 §4).
// RFC 4315 §2.1 UID EXPUNGE: only the \Deleted messages among the given UIDs.
//   uid-expunge = "UID" SP "EXPUNGE" SP sequence-set
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_expunge(Session& s, Request& r) {
  std::optional<store::UidSet> only;
  SelectedMailbox* sel = s.selected();
  if (r.uid) only = resolve_set(*sel, r.parser.sequence_set(), true);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (sel->examined) co_return Reply::no("READ-ONLY", "Mailbox is read-only");
  if (!sel->rights.has('e')) co_return no_right('e', "expunge messages here");  // RFC 4314 §4
  // UID EXPUNGE of UIDs that name no message the session knows removes nothing.
  Reply done_reply = Reply::ok("EXPUNGE completed");
  done_reply.highestmodseq_after_sync = true;
  if (only && only->empty()) co_return done_reply;
  auto& st = s.store();
  auto call0 = [&st, id = sel->info.id, only] { return st.expunge(id, only); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  sel = s.selected();
  if (sel) sel->note_expunged(*done);
  // The session's sync after this command announces them (EXPUNGE is allowed here).
  co_return done_reply;
}

}  // namespace pillarbox::imap
