// RFC 3501 §6.3.10 STATUS, with RFC 8438 STATUS=SIZE
//   status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
//   status-att = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "SIZE"
//                / "HIGHESTMODSEQ"   (RFC 7162 §3.1.6; in STATUS a CONDSTORE-enabling command)
//              / "DELETED" / "DELETED-STORAGE"         ; RFC 9208 (QUOTA)
//              / "APPENDLIMIT"                         ; RFC 7889 §3
// The same items are LIST's RETURN (STATUS (...)) option (RFC 5819, commands/list.cpp).
// DELETED counts the messages with \Deleted; DELETED-STORAGE is what an EXPUNGE would free,
// in octets: the sum of their RFC822.SIZEs, which RFC 9208 §4.3 names as the value to give
// (as Cyrus does; not the KiB of the STORAGE resource). APPENDLIMIT is the configured limit, the
// same for every mailbox (what APPENDLIMIT=<n> says); the remaining quota is not folded in, as
// it changes with every message and is reported by [OVERQUOTA] and GETQUOTAROOT instead.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {
Result<std::string> status_data(store::MailStore& st, const MailboxAccess& target, store::AccountId reader,
                                std::uint64_t append_limit, const std::vector<std::string>& items) {
  const store::MailboxInfo& info = *target.info;
  auto wanted = [&](std::string_view item) { return std::find(items.begin(), items.end(), item) != items.end(); };
  std::uint32_t unseen = info.unseen;
  if (target.private_seen() && wanted("UNSEEN")) {
    // The reader's own \Seen: its rows go with their messages, so the count is exact.
    auto seen = st.private_seen(info.id, reader);
    if (!seen) return seen.error();
    unseen = info.messages - static_cast<std::uint32_t>(std::min<std::uint64_t>(seen->size(), info.messages));
  }
  std::uint32_t recent = 0;
  if (wanted("RECENT") && info.first_unclaimed_recent < info.uid_next) {
    // Messages not yet \Recent to any session (RFC 3501 §2.3.2).
    auto messages = st.list_messages(info.id);
    if (!messages) return messages.error();
    for (const auto& m : *messages) recent += m.uid >= info.first_unclaimed_recent ? 1 : 0;
  }
  store::DeletedSummary deleted;
  if (wanted("DELETED") || wanted("DELETED-STORAGE")) {
    auto summary = st.deleted_summary(info.id);
    if (!summary) return summary.error();
    deleted = *summary;
  }
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    std::uint64_t value = item == "MESSAGES"          ? info.messages
                          : item == "RECENT"          ? recent
                          : item == "UIDNEXT"         ? info.uid_next
                          : item == "UIDVALIDITY"     ? info.uid_validity
                          : item == "SIZE"            ? info.size  // RFC 8438 §3: the served octets
                          : item == "HIGHESTMODSEQ"   ? info.highest_modseq
                          : item == "DELETED"         ? deleted.messages
                          : item == "DELETED-STORAGE" ? deleted.storage_octets
                          : item == "APPENDLIMIT"     ? append_limit
                                                      : unseen;
    out += fmt::format("{} {}", item, value);
  }
  return "(" + out + ")";
}

asio::awaitable<Reply> cmd_status(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.space();
  std::vector<std::string> items = parse_status_items(r.parser);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (std::find(items.begin(), items.end(), "HIGHESTMODSEQ") != items.end()) s.enable(kCondstore);
  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return no_such_mailbox();
  if (!target->rights.has('r')) co_return no_right('r', "read its status");  // RFC 4314 §4
  auto call = [&st, t = *target, reader = s.account()->id, limit = s.config().limits.append_limit(), items] {
    return status_data(st, t, reader, limit, items);
  };
  auto data = co_await s.store_call(std::move(call));
  if (!data.ok()) co_return reply_for(s, data.error());
  s.untagged(fmt::format("STATUS {} {}", mailbox_out(target->echo()), *data));
  co_return Reply::ok("STATUS completed");
}

}  // namespace pillarbox::imap
