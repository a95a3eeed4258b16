// RFC 3501 §6.4.7 COPY (and UID COPY, §6.4.8)
//   copy = "COPY" SP sequence-set SP mailbox
// Flags are kept; a missing target gets [TRYCREATE]. All or nothing.
// RFC 4314 §4: needs right 'i' on the target; flags the rights there do not cover are dropped.
// \Seen follows what the copier saw: its own \Seen when the source keeps one per reader, and it
// becomes the copier's own \Seen when the target does.
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_copy(Session& s, Request& r) {
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
  std::string name = p.mailbox();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);
  store::UidSet uids = resolve_set(*sel, set, r.uid);
  auto& st = s.store();
  auto target = co_await resolve(s, name);
  if (!target.ok()) co_return reply_for(s, target.error());
  if (!target->exists()) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
  if (!target->rights.has('i')) co_return no_right('i', "copy messages there");
  if (uids.empty()) co_return Reply::ok("COPY completed");
  sel = s.selected();
  if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");

  const bool target_private = target->private_seen();
  const bool may_seen = target->rights.has('s');
  // Only when one side keeps \Seen per reader does \Seen need a second look after the copy.
  const bool fix_seen = may_seen && (target_private || sel->private_seen);
  std::optional<store::UidSet> source_seen = sel->private_seen;
  auto call1 = [&st, from = sel->info.id, uids, to = target->info->id, reader = sel->reader,
                mask = flag_mask(target->rights, target_private), fix_seen, target_private,
                source_seen]() -> Result<store::CopyResult> {
    auto copied = st.copy(from, uids, to, mask);
    if (!copied || !fix_seen) return copied;
    // What the copier saw in the source: its own set, or the messages' \Seen.
    store::UidSet seen;
    if (source_seen) {
      seen = *source_seen;
    } else {
      auto metas = st.fetch(from, uids, store::FetchNeeds{});
      if (!metas) return copied;
      for (const auto& m : *metas)
        if (m.meta.flags.has(store::kSeen)) seen.add(m.meta.uid);
    }
    store::UidSet now_seen, now_unseen;
    for (std::size_t i = 0; i < copied->source_uids.size(); ++i)
      (seen.contains(copied->source_uids[i]) ? now_seen : now_unseen).add(copied->target_uids[i]);
    // The copies exist and are answered OK even if this fails; only their \Seen would be off.
    if (target_private) {
      (void)st.set_private_seen(to, reader, now_seen, true);
    } else {
      store::Flags flag;
      flag.system = store::kSeen;
      (void)st.store_flags(to, now_seen, store::StoreMode::add, flag);
      (void)st.store_flags(to, now_unseen, store::StoreMode::remove, flag);
    }
    return copied;
  };
  auto done = co_await s.store_call(std::move(call1));
  if (!done.ok()) {
    if (done.error().code == Errc::not_found) co_return Reply::no("TRYCREATE", "Mailbox does not exist");
    co_return reply_for(s, done.error());
  }
  co_return Reply::ok("COPY completed");
}

}  // namespace pillarbox::imap
