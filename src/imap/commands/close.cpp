// RFC 3501 §6.4.2 CLOSE: expunge silently (unless read-only), then back to authenticated state.
// RFC 4314 §4: without right 'e' CLOSE just closes, with no error.
// RFC 3691 UNSELECT: as CLOSE, but nothing is expunged, even with \Deleted messages and 'e'.
//   unselect = "UNSELECT"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_close(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  SelectedMailbox* sel = s.selected();
  if (!sel->examined && sel->rights.has('e')) {
    auto& st = s.store();
    auto call0 = [&st, id = sel->info.id] { return st.expunge(id, std::nullopt); };
    auto done = co_await s.store_call(std::move(call0));
    if (!done.ok()) {
      s.deselect();
      co_return reply_for(s, done.error());
    }
  }
  s.deselect();
  co_return Reply::ok("CLOSE completed");
}

asio::awaitable<Reply> cmd_unselect(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  s.deselect();
  co_return Reply::ok("UNSELECT completed");
}

}  // namespace pillarbox::imap
