// RFC 3501 §6.2.1 STARTTLS. The tagged OK goes out in the clear, then the handshake; whatever
// the client sent after the command is discarded (Session::start_tls).
#include <fmt/format.h>

#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_starttls(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (s.stream().is_tls()) co_return Reply::bad("TLS is already active");
  if (!s.context().tls) co_return Reply::no("UNAVAILABLE", "TLS is not configured");
  s.write(fmt::format("{} OK Begin TLS negotiation now\r\n", r.tag));
  co_await s.start_tls();
  co_return Reply::already_sent();
}

}  // namespace pillarbox::imap
