// RFC 3501 §6.4.6 STORE (and UID STORE, §6.4.8)
//   store = "STORE" SP sequence-set SP store-att-flags
//   store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
// Unless .SILENT, an untagged FETCH with the new FLAGS follows for every message in the set.
// RFC 7162 §3.1.3: store =/ "STORE" SP sequence-set SP "(" "UNCHANGEDSINCE" SP
//   mod-sequence-valzer ")" SP store-att-flags -- a CONDSTORE-enabling command. Messages whose
// mod-sequence is above it are left alone and named in OK [MODIFIED set] (sequence numbers,
// UIDs for UID STORE). Once CONDSTORE is on, every FETCH here carries UID and MODSEQ, and
// .SILENT still reports each message's new MODSEQ (without FLAGS).
#include <fmt/format.h>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_store(Session& s, Request& r) {
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
  const std::optional<store::ModSeq> unchanged_since = parse_store_modifiers(p);
  std::string item = p.keyword();
  p.space();
  store::Flags flags = p.store_flags();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  store::StoreMode mode = store::StoreMode::replace;
  std::string_view base = item;
  if (!base.empty() && (base.front() == '+' || base.front() == '-')) {
    mode = base.front() == '+' ? store::StoreMode::add : store::StoreMode::remove;
    base.remove_prefix(1);
  }
  bool silent = false;
  if (base == "FLAGS.SILENT") silent = true;
  else if (base != "FLAGS") co_return Reply::bad("Expected FLAGS, +FLAGS or -FLAGS");
  if (unchanged_since) s.enable(kCondstore);
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);
  if (sel->examined) co_return Reply::no("READ-ONLY", "Mailbox is read-only");
  // RFC 4314 §4: \Seen needs 's', \Deleted 't', the rest 'w'. Flags the rights do not cover are
  // left alone; only a STORE that could change nothing at all is refused.
  const store::FlagMask mask = sel->shared_mask();
  const bool seen_private = sel->private_seen.has_value() && sel->may_set_seen();
  if (mask.system == 0 && !mask.keywords && !seen_private)
    co_return Reply::no("NOPERM", "You may not change flags here (rights \"s\", \"t\" and \"w\" are missing)");
  store::UidSet uids = resolve_set(*sel, set, r.uid);
  if (uids.empty()) co_return Reply::ok("STORE completed");
  auto& st = s.store();
  // With a private \Seen, the reader's own set changes as the mode says and the message's flags
  // change without \Seen; both results come back so the FETCH lines show what the reader sees.
  std::optional<bool> private_value;
  if (seen_private) {
    const bool named = flags.has(store::kSeen);
    if (mode == store::StoreMode::replace) private_value = named;
    else if (named) private_value = mode == store::StoreMode::add;
  }
  struct Done {
    store::StoreResult shared;
    store::StoreResult seen;
  };
  // The shared flags first: UNCHANGEDSINCE is tested there, and the private \Seen then changes
  // only on the messages that passed.
  auto call0 = [&st, id = sel->info.id, reader = sel->reader, uids, mode, flags, mask, private_value,
                unchanged_since] {
    Done out;
    auto shared = st.store_flags(id, uids, mode, flags, mask, unchanged_since);
    if (!shared) return Result<Done>(shared.error());
    out.shared = std::move(*shared);
    if (private_value) {
      store::UidSet passed = uids;
      for (const auto& range : out.shared.not_modified.ranges()) {
        for (std::uint64_t u = range.first; u <= range.last; ++u) passed.remove(static_cast<store::Uid>(u));
      }
      auto seen = st.set_private_seen(id, reader, passed, *private_value);
      if (!seen) return Result<Done>(seen.error());
      out.seen = std::move(*seen);
    }
    return Result<Done>(std::move(out));
  };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  sel = s.selected();
  if (!sel) co_return Reply::ok("STORE completed");
  for (const auto& m : done->seen.updated) {
    if (auto seq = sel->seq_of(m.uid)) sel->set_modseq(seq, std::max(sel->modseq_at(seq), m.modseq));
    if (!sel->private_seen) continue;
    if (*private_value) sel->private_seen->add(m.uid);
    else sel->private_seen->remove(m.uid);
  }
  const auto& before = done->shared.modseq_before;
  for (std::size_t i = 0; i < done->shared.updated.size(); ++i) {
    const store::MessageMeta& m = done->shared.updated[i];
    std::uint32_t seq = sel->seq_of(m.uid);
    if (!seq) continue;
    // Another session changed the message since this one last announced it: with .SILENT the
    // client would otherwise never learn of that change, since the MODSEQ recorded below
    // hides it from the next sync (RFC 3501 §6.4.6 sends flags changed by others anyway).
    const bool changed_elsewhere = i < before.size() && before[i] > sel->modseq_at(seq);
    sel->set_modseq(seq, std::max(sel->modseq_at(seq), m.modseq));
    if (!silent || changed_elsewhere) s.untagged(flags_update(s, *sel, m.uid, m.flags, sel->modseq_at(seq), r.uid));
    else if (s.enabled(kCondstore)) s.untagged(fmt::format("{} FETCH (UID {} MODSEQ ({}))", seq, m.uid, sel->modseq_at(seq)));
  }
  store::UidSet modified;  // RFC 7162 §3.1.3: sequence numbers unless UID STORE
  const store::UidSet failed = sel->known(done->shared.not_modified);
  for (const auto& range : failed.ranges()) {
    for (std::uint64_t u = range.first; u <= range.last; ++u)
      modified.add(r.uid ? static_cast<store::Uid>(u) : sel->seq_of(static_cast<store::Uid>(u)));
  }
  co_await s.flush_if_full();
  if (!modified.empty())
    co_return Reply::ok("Conditional STORE failed for some messages", "MODIFIED " + modified.to_string());
  co_return Reply::ok("STORE completed");
}

}  // namespace pillarbox::imap
