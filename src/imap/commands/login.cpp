// RFC 3501 §6.2.3 LOGIN
//   login = "LOGIN" SP userid SP password
//   userid = astring; password = astring
#include "auth/authenticator.h"
#include "imap/commands/commands.h"
#include "imap/commands/login_common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_login(Session& s, Request& r) {
  std::string user = r.parser.astring();
  r.parser.space();
  std::string password = r.parser.astring();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  co_return co_await log_in(s, user, password);
}

}  // namespace pillarbox::imap
