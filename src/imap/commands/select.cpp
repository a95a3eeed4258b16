// RFC 3501 §6.3.1 SELECT and §6.3.2 EXAMINE
//   select  = "SELECT" SP mailbox
//   examine = "EXAMINE" SP mailbox
// Responses: FLAGS, EXISTS, RECENT, OK [UNSEEN n], OK [PERMANENTFLAGS], OK [UIDNEXT],
// OK [UIDVALIDITY]; tagged OK [READ-WRITE] or [READ-ONLY].
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "base/ascii.h"
#include "imap/response.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_select(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  const bool read_only = r.name == "EXAMINE";
  // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1), so deselect first.
  s.deselect();
  store::Account account = *s.account();
  auto& st = s.store();
  auto call0 = [&st, id = account.id, name] { return st.get_mailbox(id, name); };
  auto info = co_await s.store_call(std::move(call0));
  if (!info.ok()) co_return reply_for(s, info.error());
  // The counters first, then the messages: a change in between shows up again at the first
  // sync (its MODSEQ is above the one read here) and is recognised as already known.
  auto call1 = [&st, id = info->id] { return st.list_messages(id); };
  auto messages = co_await s.store_call(std::move(call1));
  if (!messages.ok()) co_return reply_for(s, messages.error());

  auto mailbox = std::make_unique<SelectedMailbox>();
  mailbox->info = *info;
  mailbox->read_only = read_only;
  mailbox->synced_modseq = info->highest_modseq;
  mailbox->keywords = info->keywords;
  std::uint32_t first_unseen = 0;
  for (const auto& m : *messages) {
    mailbox->push_back(m.uid, m.modseq);
    if (!first_unseen && !m.flags.has(store::kSeen)) first_unseen = mailbox->exists();
    for (const auto& k : m.flags.keywords) mailbox->learn_keyword(k);
  }
  if (read_only) {
    // EXAMINE must not take \Recent away from anyone (RFC 3501 §6.3.2), but still shows it.
    if (info->first_unclaimed_recent <= mailbox->max_uid())
      mailbox->recent.add(info->first_unclaimed_recent, mailbox->max_uid());
  } else {
    auto call2 = [&st, id = info->id] { return st.claim_recent(id); };
    auto claimed = co_await s.store_call(std::move(call2));
    if (claimed.ok() && *claimed <= mailbox->max_uid()) mailbox->recent.add(*claimed, mailbox->max_uid());
  }
  mailbox->dirty->store(false);
  auto dirty = mailbox->dirty;
  mailbox->subscription = st.subscribe(info->id, [dirty] { dirty->store(true); });
  // Catch anything that changed between get_mailbox and subscribe at the first sync.
  dirty->store(true);

  const store::Uid mailbox_max_uid = mailbox->max_uid();
  s.untagged(fmt::format("FLAGS ({})", flag_names(mailbox->keywords)));
  s.untagged(fmt::format("{} EXISTS", mailbox->exists()));
  s.untagged(fmt::format("{} RECENT", mailbox->known(mailbox->recent).size()));
  if (first_unseen) s.untagged(fmt::format("OK [UNSEEN {}] First unseen", first_unseen));
  if (read_only) s.untagged("OK [PERMANENTFLAGS ()] No permanent flags permitted");
  else s.untagged(fmt::format("OK [PERMANENTFLAGS ({} \\*)] Flags permitted", flag_names(mailbox->keywords)));
  s.untagged(fmt::format("OK [UIDVALIDITY {}] UIDs valid", info->uid_validity));
  s.untagged(fmt::format("OK [UIDNEXT {}] Predicted next UID", std::max(info->uid_next, mailbox_max_uid + 1)));
  s.set_state(Session::Selected{account, std::move(mailbox)});
  co_return Reply::ok(read_only ? "EXAMINE completed" : "SELECT completed", read_only ? "READ-ONLY" : "READ-WRITE");
}

}  // namespace pillarbox::imap
