// RFC 3501 §6.1.2 NOOP and §6.4.1 CHECK: nothing to do but report updates, which the session
// does after every command. Every write is already durable, so CHECK has no checkpoint to make.
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_noop(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (auto* sel = s.selected()) sel->dirty->store(true);
  co_return Reply::ok("NOOP completed");
}

asio::awaitable<Reply> cmd_check(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (auto* sel = s.selected()) sel->dirty->store(true);
  co_return Reply::ok("CHECK completed");
}

}  // namespace pillarbox::imap
