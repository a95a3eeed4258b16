// RFC 3501 §6.3.11 APPEND
//   append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
// The message bytes are kept exactly as received. A missing mailbox gets [TRYCREATE].
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_append(Session& s, Request& r) {
  Parser& p = r.parser;
  std::string name = p.mailbox();
  p.space();
  store::AppendRequest message;
  if (p.ok() && !p.rest().empty() && p.rest().front() == '(') {
    message.flags = p.flag_list();
    p.space();
  }
  if (p.ok() && !p.rest().empty() && p.rest().front() == '"') {
    DateTime when = p.date_time();
    message.internal_date = when.seconds;
    message.internal_date_tz = when.tz_minutes;
    p.space();
  }
  if (p.ok()) message.content = p.append_data();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  if (message.content.empty()) co_return Reply::no("CANNOT", "Empty messages cannot be appended");

  auto& st = s.store();
  const auto account = s.account()->id;
  auto call0 = [&st, account, name] { return st.get_mailbox(account, name); };
  auto info = co_await s.store_call(std::move(call0));
  if (!info.ok()) {
    if (info.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, info.error());
  }
  std::vector<store::AppendRequest> batch;
  batch.push_back(std::move(message));
  auto call1 = [&st, id = info->id, batch = std::move(batch)]() mutable { return st.append(id, std::move(batch)); };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  co_return Reply::ok("APPEND completed");
}

}  // namespace pillarbox::imap
