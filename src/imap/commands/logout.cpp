// RFC 3501 §6.1.3 LOGOUT: untagged BYE, then the tagged OK, then the connection closes.
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_logout(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  s.untagged("BYE Logging out");
  s.deselect();
  s.end_after_reply();
  co_return Reply::ok("LOGOUT completed");
}

}  // namespace pillarbox::imap
