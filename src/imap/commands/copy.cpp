// RFC 3501 §6.4.7 COPY (and UID COPY, §6.4.8); RFC 6851 MOVE and UID MOVE
//   copy = "COPY" SP sequence-set SP mailbox
//   move = "MOVE" SP sequence-set SP mailbox
// Flags are kept; a missing target gets [TRYCREATE]. All or nothing: MOVE copies and expunges
// in one store transaction (MailStore::move), so no message is ever in both or in neither.
// RFC 4314 §4: needs right 'i' on the target; flags the rights there do not cover are dropped.
// MOVE also needs 't' and 'e' on the source (RFC 6851 §3.3 via RFC 4314: it deletes and
// expunges there).
// \Seen follows what the copier saw: its own \Seen when the source keeps one per reader, and it
// becomes the copier's own \Seen when the target does.
// RFC 4315 (UIDPLUS): COPY answers OK [COPYUID uidvalidity source-uids target-uids], in the same
// order; nothing copied, no COPYUID. RFC 6851 §4.3: MOVE sends it untagged first, then the
// EXPUNGE responses (the session's sync, the one place expunges are announced), then OK.
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {
namespace {

enum class Transfer { copy, move };

asio::awaitable<Reply> transfer(Session& s, Request& r, Transfer kind) {
  const bool move = kind == Transfer::move;
  const char* done_text = move ? "MOVE completed" : "COPY completed";
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
  std::string name = p.mailbox();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);
  if (move) {
    if (sel->examined) co_return Reply::no("READ-ONLY", "Mailbox is read-only");
    if (!sel->rights.has('t')) co_return no_right('t', "delete messages here");
    if (!sel->rights.has('e')) co_return no_right('e', "expunge messages here");
  }
  store::UidSet uids = resolve_set(*sel, set, r.uid);
  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
  if (!target->rights.has('i')) co_return no_right('i', move ? "move messages there" : "copy messages there");
  if (uids.empty()) co_return Reply::ok(done_text);
  sel = s.selected();
  if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");

  const bool target_private = target->private_seen();
  const bool may_seen = target->rights.has('s');
  // Only when one side keeps \Seen per reader does \Seen need a second look after the copy.
  const bool fix_seen = may_seen && (target_private || sel->private_seen);
  std::optional<store::UidSet> source_seen = sel->private_seen;
  auto call1 = [&st, move, from = sel->info.id, uids, to = target->info->id, reader = sel->reader,
                mask = flag_mask(target->rights, target_private), fix_seen, target_private,
                source_seen]() -> Result<store::MoveResult> {
    // What the copier saw in the source: its own set, or the messages' \Seen (read before a
    // MOVE takes them away).
    store::UidSet seen;
    if (fix_seen) {
      if (source_seen) {
        seen = *source_seen;
      } else {
        auto metas = st.fetch(from, uids, store::FetchNeeds{});
        if (!metas) return metas.error();
        for (const auto& m : *metas)
          if (m.meta.flags.has(store::kSeen)) seen.add(m.meta.uid);
      }
    }
    store::MoveResult out;
    if (move) {
      auto moved = st.move(from, uids, to, mask);
      if (!moved) return moved.error();
      out = std::move(*moved);
    } else {
      auto copied = st.copy(from, uids, to, mask);
      if (!copied) return copied.error();
      out.copied = std::move(*copied);
    }
    if (!fix_seen) return out;
    const store::CopyResult& copied = out.copied;
    store::UidSet now_seen, now_unseen;
    for (std::size_t i = 0; i < copied.source_uids.size(); ++i)
      (seen.contains(copied.source_uids[i]) ? now_seen : now_unseen).add(copied.target_uids[i]);
    // The copies exist and are answered OK even if this fails; only their \Seen would be off.
    if (target_private) {
      (void)st.set_private_seen(to, reader, now_seen, true);
    } else {
      store::Flags flag;
      flag.system = store::kSeen;
      (void)st.store_flags(to, now_seen, store::StoreMode::add, flag);
      (void)st.store_flags(to, now_unseen, store::StoreMode::remove, flag);
    }
    return out;
  };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  // RFC 4315 §5: COPYUID tells about the target; one who may insert there but not read it
  // (right 'r', a drop box) is not told.
  const std::string code = target->rights.has('r') ? copyuid_code(done->copied) : std::string();
  if (!move) co_return Reply::ok(done_text, code);
  if (!code.empty()) s.untagged(fmt::format("OK [{}] Moved", code));
  if (SelectedMailbox* now = s.selected()) now->note_expunged(done->expunged);
  // The session's sync after this command announces them (EXPUNGE is allowed here).
  Reply moved = Reply::ok(done_text);
  moved.highestmodseq_after_sync = true;
  co_return moved;
}

}  // namespace

asio::awaitable<Reply> cmd_copy(Session& s, Request& r) { return transfer(s, r, Transfer::copy); }

asio::awaitable<Reply> cmd_move(Session& s, Request& r) { return transfer(s, r, Transfer::move); }

}  // namespace pillarbox::imap
