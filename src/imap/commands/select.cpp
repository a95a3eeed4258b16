// RFC 3501 §6.3.1 SELECT and §6.3.2 EXAMINE
//   select  = "SELECT" SP mailbox
//   examine = "EXAMINE" SP mailbox
// Responses: FLAGS, EXISTS, RECENT, OK [UNSEEN n], OK [PERMANENTFLAGS], OK [UIDNEXT],
// OK [UIDVALIDITY]; tagged OK [READ-WRITE] or [READ-ONLY].
// RFC 4314 §4: SELECT and EXAMINE need right 'r'; §5.2: READ-ONLY when the rights allow no change
// anyone else would see (none of i, e, w, t; \Seen of a shared mailbox is the reader's own).
// RFC 7162: select = "SELECT" SP mailbox [SP "(" select-param *(SP select-param) ")"]
//   select-param = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP mod-sequence-value
//                  [SP known-uids] [SP seq-match-data] ")"
//   seq-match-data = "(" known-sequence-set SP known-uid-set ")"
// Every mailbox has mod-sequences, so OK [HIGHESTMODSEQ] is always sent (§3.1.2.1) and
// NOMODSEQ never. Closing a selected mailbox this way sends OK [CLOSED] first (§3.2.11).
// With QRESYNC and a matching UIDVALIDITY, VANISHED (EARLIER) and FETCH report what changed
// since the client's mod-sequence among its known UIDs (§3.2.5). The store keeps every
// expunge's mod-sequence, so seq-match-data is checked for syntax and otherwise not needed.
#include <fmt/format.h>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "base/ascii.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

bool rights_allow_changes(const MailboxAccess& access) {
  const auto& r = access.rights;
  return r.has('i') || r.has('e') || r.has('w') || r.has('t') || (!access.private_seen() && r.has('s'));
}

}  // namespace

asio::awaitable<Reply> cmd_select(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  const SelectParams params = parse_select_params(r.parser);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  // RFC 7162 §3.2.5: QRESYNC only after ENABLE QRESYNC.
  if (params.qresync && !s.enabled(kQresync)) co_return Reply::bad("QRESYNC needs ENABLE QRESYNC first");
  if (params.condstore) s.enable(kCondstore);  // §3.1.8: a CONDSTORE-enabling command
  // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1), so deselect first; the
  // client hears where the old mailbox's responses end (RFC 7162 §3.2.11).
  if (s.selected()) s.untagged("OK [CLOSED] Previous mailbox closed");
  s.deselect();
  store::Account account = *s.account();
  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return no_such_mailbox();
  if (!target->rights.has('r')) co_return no_right('r', "read messages there");
  const store::MailboxInfo& info = *target->info;
  const bool read_only = r.name == "EXAMINE" || !rights_allow_changes(*target);
  // The counters first, then the messages: a change in between shows up again at the first
  // sync (its MODSEQ is above the one read here) and is recognised as already known.
  const bool private_seen = target->private_seen();
  // QRESYNC resynchronises only a client whose UIDs are still valid (RFC 7162 §3.2.5).
  std::optional<store::ModSeq> resync_since;
  if (params.qresync && params.qresync->uid_validity == info.uid_validity) resync_since = params.qresync->modseq;
  auto call1 = [&st, id = info.id, reader = account.id, private_seen, resync_since] {
    struct Loaded {
      store::MailboxUids messages;
      store::UidSet seen;
      std::vector<store::Uid> vanished;
      std::vector<store::MessageMeta> changed;   // QRESYNC: MODSEQ above the client's
    };
    auto messages = st.list_uids(id);
    if (!messages) return Result<Loaded>(messages.error());
    Loaded out{std::move(*messages), {}, {}};
    if (resync_since) {
      auto changes = st.changes_since(id, *resync_since);
      if (!changes) return Result<Loaded>(changes.error());
      out.vanished = std::move(changes->expunged);
      out.changed = std::move(changes->changed);
    }
    if (private_seen) {
      auto seen = st.private_seen(id, reader);
      if (!seen) return Result<Loaded>(seen.error());
      out.seen = std::move(*seen);
    }
    return Result<Loaded>(std::move(out));
  };
  auto loaded = co_await s.store_call(std::move(call1));
  if (!loaded.ok()) co_return reply_for(s, loaded.error());

  auto mailbox = std::make_unique<SelectedMailbox>();
  mailbox->info = info;
  mailbox->read_only = read_only;
  mailbox->examined = r.name == "EXAMINE";
  mailbox->owner = target->owner;
  mailbox->visible = target->visible;
  mailbox->rights = target->rights;
  mailbox->reader = account.id;
  if (private_seen) mailbox->private_seen = std::move(loaded->seen);
  mailbox->synced_modseq = info.highest_modseq;
  mailbox->keywords = info.keywords;
  // The keywords in use come with info (the store keeps every keyword ever set in a mailbox).
  store::Uid unseen_uid = loaded->messages.first_unseen;
  if (private_seen) {   // the reader's own \Seen decides (RFC 4314 §4 's' on a shared mailbox)
    unseen_uid = 0;
    for (const store::Uid uid : loaded->messages.uids) {
      if (!mailbox->private_seen->contains(uid)) {
        unseen_uid = uid;
        break;
      }
    }
  }
  mailbox->assign(std::move(loaded->messages.uids), std::move(loaded->messages.modseqs));
  const std::uint32_t first_unseen = unseen_uid ? mailbox->seq_of(unseen_uid) : 0;
  if (r.name == "EXAMINE" || private_seen) {
    // EXAMINE must not take \Recent away from anyone (RFC 3501 §6.3.2), but still shows it. A
    // reader of someone else's or a public mailbox does not take it either: \Recent is the
    // owner's news, and in a public folder the first reader would take it from everyone.
    if (info.first_unclaimed_recent <= mailbox->max_uid())
      mailbox->recent.add(info.first_unclaimed_recent, mailbox->max_uid());
  } else {
    auto call2 = [&st, id = info.id] { return st.claim_recent(id); };
    auto claimed = co_await s.store_call(std::move(call2));
    if (claimed.ok() && *claimed <= mailbox->max_uid()) mailbox->recent.add(*claimed, mailbox->max_uid());
  }
  mailbox->dirty->store(false);
  auto dirty = mailbox->dirty;
  // The listener also wakes the session at once when it waits in IDLE (RFC 2177).
  mailbox->subscription = st.subscribe(info.id, s.change_listener(dirty));
  // Catch anything that changed between get_mailbox and subscribe at the first sync.
  dirty->store(true);

  const store::Uid mailbox_max_uid = mailbox->max_uid();
  s.untagged(fmt::format("FLAGS ({})", flag_names(mailbox->keywords)));
  s.untagged(fmt::format("{} EXISTS", mailbox->exists()));
  s.untagged(fmt::format("{} RECENT", mailbox->known(mailbox->recent).size()));
  if (first_unseen) s.untagged(fmt::format("OK [UNSEEN {}] First unseen", first_unseen));
  if (r.name == "EXAMINE") s.untagged("OK [PERMANENTFLAGS ()] No permanent flags permitted");
  else s.untagged(fmt::format("OK [PERMANENTFLAGS ({})] Flags permitted", permanent_flags(*mailbox)));
  s.untagged(fmt::format("OK [UIDVALIDITY {}] UIDs valid", info.uid_validity));
  s.untagged(fmt::format("OK [UIDNEXT {}] Predicted next UID", std::max(info.uid_next, mailbox_max_uid + 1)));
  s.untagged(fmt::format("OK [HIGHESTMODSEQ {}] Highest", info.highest_modseq));
  if (resync_since) {
    // RFC 7162 §3.2.5.1: first what vanished, then the flags of what changed, both among the
    // client's known UIDs (all when it named none; "*" reaches the last UID ever given).
    const store::UidSet known =
        params.qresync->known_uids ? params.qresync->known_uids->resolve(std::max(info.uid_next - 1, mailbox_max_uid)) : store::UidSet{};
    const bool everything = !params.qresync->known_uids;
    store::UidSet vanished;
    for (auto uid : loaded->vanished) {
      if (everything || known.contains(uid)) vanished.add(uid);
    }
    if (!vanished.empty()) s.untagged("VANISHED (EARLIER) " + vanished.to_string());
    s.set_state(Session::Selected{account, std::move(mailbox)});
    SelectedMailbox* sel = s.selected();
    for (const auto& m : loaded->changed) {
      // Read after the UIDs: a message appended in between is announced by the first sync.
      if (!sel->seq_of(m.uid) || !(everything || known.contains(m.uid))) continue;
      s.untagged(flags_update(s, *sel, m.uid, m.flags, m.modseq, true));
    }
  } else {
    s.set_state(Session::Selected{account, std::move(mailbox)});
  }
  co_return Reply::ok(r.name == "EXAMINE" ? "EXAMINE completed" : "SELECT completed", read_only ? "READ-ONLY" : "READ-WRITE");
}

}  // namespace pillarbox::imap
