// RFC 3501 §6.3.3 CREATE
//   create = "CREATE" SP mailbox
// A trailing delimiter only says the client means to create children below it; missing
// superiors are created too ("SHOULD create any superior hierarchical names").
#include <fmt/format.h>

#include "base/ascii.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_create(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  if (name == "INBOX") co_return Reply::no("ALREADYEXISTS", "INBOX always exists");
  if (auto problem = invalid_mailbox_name(name)) co_return Reply::no("CANNOT", *problem);
  auto& st = s.store();
  const auto account = s.account()->id;
  for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
    std::string superior = name.substr(0, slash);
    if (ascii::iequals(superior, "INBOX")) superior = "INBOX";
    auto call0 = [&st, account, superior] { return st.create_mailbox(account, superior); };
    auto made = co_await s.store_call(std::move(call0));
    if (!made.ok() && made.error().code != Errc::already_exists) co_return reply_for(s, made.error());
  }
  auto call1 = [&st, account, name] { return st.create_mailbox(account, name); };
  auto made = co_await s.store_call(std::move(call1));
  if (!made.ok()) {
    if (made.error().code == Errc::already_exists) co_return Reply::no("ALREADYEXISTS", "Mailbox already exists");
    co_return reply_for(s, made.error());
  }
  co_return Reply::ok("CREATE completed");
}

}  // namespace pillarbox::imap
