#include "store/postgres/copy_move.h"

#include "base/ascii.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/ops.h"
#include "store/postgres/updates.h"
#include "store/row_codec.h"

namespace pillarbox::store::postgres {
namespace {

constexpr std::uint64_t kMaxUid = 0xffffffff;

// Locks both mailboxes' rows in id order, so that a COPY or MOVE from A to B and another from
// B to A wait for each other instead of deadlocking.
void lock_pair(Conn& c, MailboxId a, MailboxId b) {
  c.query("SELECT id FROM mailboxes WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE", {a, b});
}

}  // namespace

Result<CopyResult> PgCopyMove::copy_in_tx(Conn& c, MailboxId from, const UidSet& uids, MailboxId to,
                                          const FlagMask& mask, bool within_account_move) {
  lock_pair(c, from, to);
  auto src_row = PgMailboxes::row_by_id(c, from, false);
  if (!src_row) return make_error(Errc::not_found, "No such mailbox");
  auto dst = PgMailboxes::row_by_id(c, to, false);
  if (!dst) return make_error(Errc::not_found, "No such target mailbox");
  CopyResult out;
  out.uid_validity = dst->uid_validity;
  if (uids.empty()) return out;
  Rows r = select_in_set(c, std::string(kMetaColumns) + ", m.blob_id, m.envelope, m.body_structure, m.body", from, uids,
                         /*binary=*/true);
  if (r.empty()) return out;
  const auto n = static_cast<std::uint64_t>(r.size());
  if (dst->uid_next + n - 1 > kMaxUid) return make_error(Errc::over_quota, "Mailbox has no UIDs left");
  std::uint64_t octets = 0;
  for (int i = 0; i < r.size(); ++i) octets += static_cast<std::uint64_t>(r.int64(i, 4));
  // A move within one account leaves its usage as it was, so only a move into another
  // account's mailbox is held to a quota (RFC 9208 §4.3; the owner's, as for COPY).
  if (!(within_account_move && src_row->account == dst->account)) {
    if (Status q = quota_(c, dst->account, octets, n); !q) return q.error();
  }
  const ModSeq modseq = dst->highest_modseq + 1;
  Uid uid = dst->uid_next;
  std::int64_t unseen = 0;
  for (int i = 0; i < r.size(); ++i) {
    MessageMeta m = meta_at(r, i);
    m.flags.system &= mask.system;
    if (!mask.keywords) m.flags.keywords.clear();
    c.query("INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz, system_flags,"
            " keywords, modseq, envelope, body_structure, body)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            {to, uid, r.text_view(i, 7), m.size, m.internal_date, m.internal_date_tz, m.flags.system,
             encode_keywords(m.flags.keywords), modseq, Param::bytes(r.text_view(i, 8)), Param::bytes(r.text_view(i, 9)),
             Param::bytes(r.text_view(i, 10))});
    for (const auto& k : m.flags.keywords)
      c.query("INSERT INTO mailbox_keywords (mailbox_id, keyword_key, keyword) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
              {to, ascii::lower(k), k});
    if (!m.flags.has(kSeen)) ++unseen;
    out.source_uids.push_back(m.uid);
    out.target_uids.push_back(uid);
    ++uid;
  }
  c.query("UPDATE mailboxes SET uid_next = $2, highest_modseq = $3, message_count = message_count + $4,"
          " unseen_count = unseen_count + $5, total_size = total_size + $6 WHERE id = $1",
          {to, uid, modseq, static_cast<std::int64_t>(n), unseen, octets});
  notify_change(c, to);
  return out;
}

Result<CopyResult> PgCopyMove::copy(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) {
  return transact(pool_, "copy", [&](Conn& c) { return copy_in_tx(c, from, uids, to, mask, false); });
}

Result<MoveResult> PgCopyMove::move(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) {
  return transact(pool_, "move", [&](Conn& c) -> Result<MoveResult> {
    auto copied = copy_in_tx(c, from, uids, to, mask, true);
    if (!copied) return copied.error();
    MoveResult out;
    out.copied = std::move(*copied);
    if (out.copied.source_uids.empty()) return out;
    // The source's MODSEQ after the copy (which moved it when `from` == `to`).
    auto src = PgMailboxes::row_by_id(c, from, false);
    out.expunged = PgUpdates::remove(c, from, src->highest_modseq, UidSet::of(out.copied.source_uids), false);
    return out;
  });
}

}  // namespace pillarbox::store::postgres
