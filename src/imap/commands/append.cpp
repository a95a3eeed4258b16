// RFC 3501 §6.3.11 APPEND, with RFC 3502 MULTIAPPEND
//   append = "APPEND" SP mailbox 1*append-message                 ; RFC 3502 §6
//   append-message = SP [flag-list SP] [date-time SP] append-data ; one message
// The message bytes are kept exactly as received. A missing mailbox gets [TRYCREATE].
// RFC 4314 §4: needs right 'i' on the target; flags need s, t or w or are dropped.
// RFC 3516 §4.4: the message may be a literal8 ("~{N}"), NUL octets and all; it is stored as
// is. Messages are served with each bare LF made CRLF (mail::to_crlf), which would change
// binary content, so a literal8 holding a bare LF gets NO [UNKNOWN-CTE] instead.
// RFC 3502 §3: the messages of one APPEND are stored all or none, in one store call (one
// transaction); the framer bounds each by APPENDLIMIT and all of them together by
// limits.max_append_total_octets before any "+" is sent (RFC 7889). Over the owner's quota the
// store refuses the whole batch: NO [OVERQUOTA] (RFC 9208 §4.3).
// RFC 4315 §3: OK [APPENDUID uidvalidity uid].
#include <fmt/format.h>

#include <algorithm>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "mail/message.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_append(Session& s, Request& r) {
  Parser& p = r.parser;
  std::string name = p.mailbox();
  std::vector<store::AppendRequest> batch;
  std::vector<bool> literal8;  // per message: sent as a literal8 (RFC 3516)
  while (p.ok()) {
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
    bool binary = false;
    if (p.ok()) message.content = p.append_data(&binary);
    batch.push_back(std::move(message));
    literal8.push_back(binary);
    if (p.at_end()) break;
  }
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].content.empty()) co_return Reply::no("CANNOT", "Empty messages cannot be appended");
    if (literal8[i] && mail::crlf_size(batch[i].content) != batch[i].content.size())
      co_return Reply::no("UNKNOWN-CTE", "Binary content with a bare LF cannot be stored unchanged");
  }

  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
  if (!target->rights.has('i')) co_return no_right('i', "append messages there");
  // RFC 4314 §4: flags the rights do not cover are dropped, not refused; a private \Seen is
  // the appender's own.
  std::vector<bool> private_seen;
  for (auto& message : batch) {
    private_seen.push_back(target->private_seen() && target->rights.has('s') && message.flags.has(store::kSeen));
    message.flags = allowed_flags(message.flags, target->rights, target->private_seen());
  }
  const bool any_private_seen = std::find(private_seen.begin(), private_seen.end(), true) != private_seen.end();
  auto call1 = [&st, id = target->info->id, reader = s.account()->id, private_seen = std::move(private_seen),
                any_private_seen, batch = std::move(batch)]() mutable -> Result<store::AppendResult> {
    auto appended = st.append(id, std::move(batch));
    if (!appended || !any_private_seen) return appended;
    store::UidSet uids;
    for (std::size_t i = 0; i < appended->uids.size(); ++i)
      if (private_seen[i]) uids.add(appended->uids[i]);
    // The message is stored (and answered OK) even if this fails: the reader marks it again.
    (void)st.set_private_seen(id, reader, uids, true);
    return appended;
  };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  // RFC 4315 §3; §5: not to one who may append but not read there (right 'r', a drop box).
  co_return Reply::ok("APPEND completed", target->rights.has('r') ? appenduid_code(*done) : std::string());
}

}  // namespace pillarbox::imap
