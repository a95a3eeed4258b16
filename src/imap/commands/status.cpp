// RFC 3501 §6.3.10 STATUS
//   status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
//   status-att = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN"
#include <fmt/format.h>

#include <algorithm>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_status(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.space();
  r.parser.expect('(');
  std::vector<std::string> items;
  while (r.parser.ok()) {
    std::string item = r.parser.keyword();
    if (!r.parser.ok()) break;
    if (item != "MESSAGES" && item != "RECENT" && item != "UIDNEXT" && item != "UIDVALIDITY" && item != "UNSEEN") {
      r.parser.fail("Unknown STATUS item " + item);
      break;
    }
    items.push_back(item);
    if (r.parser.skip_char(')')) break;
    r.parser.space();
  }
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return no_such_mailbox();
  if (!target->rights.has('r')) co_return no_right('r', "read its status");  // RFC 4314 §4
  const store::MailboxInfo* info = &*target->info;
  std::uint32_t unseen = info->unseen;
  if (target->private_seen() && std::find(items.begin(), items.end(), "UNSEEN") != items.end()) {
    // The reader's own \Seen: its rows go with their messages, so the count is exact.
    auto call2 = [&st, id = info->id, reader = s.account()->id] { return st.private_seen(id, reader); };
    auto seen = co_await s.store_call(std::move(call2));
    if (!seen.ok()) co_return reply_for(s, seen.error());
    unseen = info->messages - static_cast<std::uint32_t>(std::min<std::uint64_t>(seen->size(), info->messages));
  }
  std::uint32_t recent = 0;
  for (const auto& item : items) {
    if (item != "RECENT") continue;
    // Messages not yet \Recent to any session (RFC 3501 §2.3.2).
    if (info->first_unclaimed_recent < info->uid_next) {
      auto call1 = [&st, id = info->id] { return st.list_messages(id); };
      auto messages = co_await s.store_call(std::move(call1));
      if (!messages.ok()) co_return reply_for(s, messages.error());
      for (const auto& m : *messages) recent += m.uid >= info->first_unclaimed_recent ? 1 : 0;
    }
  }
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    std::uint64_t value = item == "MESSAGES"      ? info->messages
                          : item == "RECENT"      ? recent
                          : item == "UIDNEXT"     ? info->uid_next
                          : item == "UIDVALIDITY" ? info->uid_validity
                                                  : unseen;
    out += fmt::format("{} {}", item, value);
  }
  s.untagged(fmt::format("STATUS {} ({})", mailbox_out(target->echo()), out));
  co_return Reply::ok("STATUS completed");
}

}  // namespace pillarbox::imap
