// RFC 3501 §6.3.11 APPEND
//   append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
// The message bytes are kept exactly as received. A missing mailbox gets [TRYCREATE].
// RFC 4314 §4: needs right 'i' on the target; flags need s, t or w or are dropped.
// RFC 3516 §4.4: the message may be a literal8 ("~{N}"), NUL octets and all; it is stored as
// is. Messages are served with each bare LF made CRLF (mail::to_crlf), which would change
// binary content, so a literal8 holding a bare LF gets NO [UNKNOWN-CTE] instead.
// RFC 4315 §3: OK [APPENDUID uidvalidity uid].
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "mail/message.h"

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
  bool literal8 = false;
  if (p.ok()) message.content = p.append_data(&literal8);
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  if (message.content.empty()) co_return Reply::no("CANNOT", "Empty messages cannot be appended");
  if (literal8 && mail::crlf_size(message.content) != message.content.size())
    co_return Reply::no("UNKNOWN-CTE", "Binary content with a bare LF cannot be stored unchanged");

  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
  if (!target->rights.has('i')) co_return no_right('i', "append messages there");
  // RFC 4314 §4: flags the rights do not cover are dropped, not refused; a private \Seen is
  // the appender's own.
  const bool private_seen = target->private_seen() && target->rights.has('s') && message.flags.has(store::kSeen);
  message.flags = allowed_flags(message.flags, target->rights, target->private_seen());
  std::vector<store::AppendRequest> batch;
  batch.push_back(std::move(message));
  auto call1 = [&st, id = target->info->id, reader = s.account()->id, private_seen,
                batch = std::move(batch)]() mutable -> Result<store::AppendResult> {
    auto appended = st.append(id, std::move(batch));
    if (!appended || !private_seen) return appended;
    store::UidSet uids;
    for (auto uid : appended->uids) uids.add(uid);
    // The message is stored (and answered OK) even if this fails: the reader marks it again.
    (void)st.set_private_seen(id, reader, uids, true);
    return appended;
  };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  co_return Reply::ok("APPEND completed", appenduid_code(*done));   // RFC 4315 §3
}

}  // namespace pillarbox::imap
