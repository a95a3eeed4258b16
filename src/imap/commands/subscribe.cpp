// RFC 3501 §6.3.6 SUBSCRIBE and §6.3.7 UNSUBSCRIBE
//   subscribe = "SUBSCRIBE" SP mailbox;  unsubscribe = "UNSUBSCRIBE" SP mailbox
// A name may be subscribed before it exists (the RFC allows it and clients rely on it).
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_subscribe(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  const bool on = r.name == "SUBSCRIBE";
  if (on) {
    if (auto problem = invalid_mailbox_name(name)) co_return Reply::no("CANNOT", *problem);
  }
  auto& st = s.store();
  const auto account = s.account()->id;
  auto call0 = [&st, account, name, on] { return st.set_subscribed(account, name, on); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  co_return Reply::ok(on ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

}  // namespace pillarbox::imap
