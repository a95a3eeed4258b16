// RFC 3501 §6.1.1 CAPABILITY
//   capability = "CAPABILITY"
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_capability(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  s.untagged("CAPABILITY " + s.capabilities());
  co_return Reply::ok("CAPABILITY completed");
}

}  // namespace pillarbox::imap
