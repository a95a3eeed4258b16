// RFC 3501 §6.4.6 STORE (and UID STORE, §6.4.8)
//   store = "STORE" SP sequence-set SP store-att-flags
//   store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
// Unless .SILENT, an untagged FETCH with the new FLAGS follows for every message in the set.
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_store(Session& s, Request& r) {
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
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
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);
  if (sel->read_only) co_return Reply::no("READ-ONLY", "Mailbox is read-only");
  store::UidSet uids = resolve_set(*sel, set, r.uid);
  if (uids.empty()) co_return Reply::ok("STORE completed");
  auto& st = s.store();
  auto call0 = [&st, id = sel->info.id, uids, mode, flags] { return st.store_flags(id, uids, mode, flags); };
  auto done = co_await s.store_call(std::move(call0));
  if (!done.ok()) co_return reply_for(s, done.error());
  sel = s.selected();
  if (!sel) co_return Reply::ok("STORE completed");
  for (const auto& m : done->updated) {
    std::uint32_t seq = sel->seq_of(m.uid);
    if (!seq) continue;
    sel->set_modseq(seq, std::max(sel->modseq_at(seq), m.modseq));
    if (!silent) {
      std::string uid_part = r.uid ? fmt::format("UID {} ", m.uid) : "";
      s.untagged(fmt::format("{} FETCH ({}FLAGS {})", seq, uid_part, flags_out(m.flags, sel->recent.contains(m.uid))));
    }
  }
  co_await s.flush_if_full();
  co_return Reply::ok("STORE completed");
}

}  // namespace pillarbox::imap
