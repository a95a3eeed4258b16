// RFC 2342 §5 NAMESPACE
//   namespace = "NAMESPACE"
// Seed 003: all three namespaces, exactly as the Exchange 5.5 server answered:
//   * NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/"))
#include "access/names.h"
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_namespace(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  s.untagged(access::namespace_response());
  co_return Reply::ok("NAMESPACE completed");
}

}  // namespace pillarbox::imap
