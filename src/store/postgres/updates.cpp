#include "store/postgres/updates.h"

#include <algorithm>

#include "base/ascii.h"
#include "store/flag_change.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/ops.h"
#include "store/row_codec.h"

namespace pillarbox::store::postgres {
namespace {

Error no_mailbox() { return make_error(Errc::not_found, "No such mailbox"); }

std::string int_array(const std::vector<Uid>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(v[i]);
  }
  return out + "}";
}

}  // namespace

Result<StoreResult> PgUpdates::store_flags(MailboxId mailbox, const UidSet& uids, StoreMode mode, const Flags& flags,
                                           const FlagMask& mask, std::optional<ModSeq> unchanged_since) {
  const Flags want = normalized(flags);
  return transact(pool_, "store_flags", [&](Conn& c) -> Result<StoreResult> {
    auto row = PgMailboxes::row_by_id(c, mailbox, true);
    if (!row) return no_mailbox();
    StoreResult out;
    if (uids.empty()) return out;
    Rows r = select_in_set(c, kMetaColumns, mailbox, uids);
    const ModSeq modseq = row->highest_modseq + 1;
    std::int64_t unseen_delta = 0;
    bool any_changed = false;
    for (int i = 0; i < r.size(); ++i) {
      MessageMeta m = meta_at(r, i);
      // RFC 7162 §3.1.3: only messages whose mod-sequence is still <= UNCHANGEDSINCE change.
      if (unchanged_since && m.modseq > *unchanged_since) {
        out.not_modified.add(m.uid);
        continue;
      }
      out.modseq_before.push_back(m.modseq);
      Flags next = apply_store(m.flags, mode, want, mask);
      if (!(next == m.flags)) {
        c.query("UPDATE messages SET system_flags = $3, keywords = $4, modseq = $5 WHERE mailbox_id = $1 AND uid = $2",
                {mailbox, m.uid, next.system, encode_keywords(next.keywords), modseq});
        for (const auto& k : next.keywords)
          c.query("INSERT INTO mailbox_keywords (mailbox_id, keyword_key, keyword) VALUES ($1, $2, $3)"
                  " ON CONFLICT DO NOTHING",
                  {mailbox, ascii::lower(k), k});
        unseen_delta += static_cast<std::int64_t>(m.flags.has(kSeen)) - static_cast<std::int64_t>(next.has(kSeen));
        m.flags = std::move(next);
        m.modseq = modseq;
        any_changed = true;
      }
      out.updated.push_back(std::move(m));
    }
    if (any_changed) {
      c.query("UPDATE mailboxes SET highest_modseq = $2, unseen_count = unseen_count + $3 WHERE id = $1",
              {mailbox, modseq, unseen_delta});
      notify_change(c, mailbox);
    }
    return out;
  });
}

std::vector<Uid> PgUpdates::remove(Conn& c, MailboxId mailbox, ModSeq highest_modseq, const std::optional<UidSet>& only,
                                   bool require_deleted) {
  std::vector<Uid> gone;
  if (only && only->empty()) return gone;
  // The UIDs first (in the set, filtered), then one DELETE ... RETURNING for their totals.
  Rows r = only ? select_in_set(c, "m.uid, m.system_flags", mailbox, *only)
                : c.query("SELECT m.uid, m.system_flags FROM messages AS m WHERE m.mailbox_id = $1 ORDER BY m.uid",
                          {mailbox});
  for (int i = 0; i < r.size(); ++i)
    if (!require_deleted || (r.int64(i, 1) & kDeleted) != 0) gone.push_back(static_cast<Uid>(r.int64(i, 0)));
  if (gone.empty()) return gone;
  const std::string uids = int_array(gone);
  Rows d = c.query(
      "DELETE FROM messages WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])"
      " RETURNING blob_id, size, (system_flags & $3) = 0",
      {mailbox, uids, static_cast<std::int64_t>(kSeen)});
  std::vector<std::string> blobs;
  std::int64_t size = 0;
  std::int64_t unseen = 0;
  for (int i = 0; i < d.size(); ++i) {
    blobs.push_back(d.text(i, 0));
    size += d.int64(i, 1);
    if (d.text_view(i, 2) == "t") ++unseen;
  }
  const ModSeq modseq = highest_modseq + 1;
  c.query("DELETE FROM private_seen WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])", {mailbox, uids});
  c.query("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $3 FROM unnest($2::bigint[]) AS u"
          " ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq",
          {mailbox, uids, modseq});
  c.query("UPDATE mailboxes SET highest_modseq = $2, message_count = message_count - $3,"
          " unseen_count = unseen_count - $4, total_size = total_size - $5 WHERE id = $1",
          {mailbox, modseq, static_cast<std::int64_t>(d.size()), unseen, size});
  std::sort(blobs.begin(), blobs.end());
  blobs.erase(std::unique(blobs.begin(), blobs.end()), blobs.end());
  PgMailboxes::drop_unreferenced_blobs(c, blobs);
  notify_change(c, mailbox);
  return gone;
}

Result<std::vector<Uid>> PgUpdates::remove_messages(std::string_view operation, MailboxId mailbox,
                                                    const std::optional<UidSet>& only, bool require_deleted) {
  return transact(pool_, operation, [&](Conn& c) -> Result<std::vector<Uid>> {
    auto row = PgMailboxes::row_by_id(c, mailbox, true);
    if (!row) return no_mailbox();
    return remove(c, mailbox, row->highest_modseq, only, require_deleted);
  });
}

Result<std::vector<Uid>> PgUpdates::expunge(MailboxId mailbox, const std::optional<UidSet>& only) {
  return remove_messages("expunge", mailbox, only, true);
}

Result<std::vector<Uid>> PgUpdates::expunge_uids(MailboxId mailbox, const UidSet& uids) {
  return remove_messages("expunge_uids", mailbox, uids, false);
}

Result<Changes> PgUpdates::changes_since(MailboxId mailbox, ModSeq since) {
  return transact(pool_, "changes_since", [&](Conn& c) -> Result<Changes> {
    // One snapshot: the counters agree with the lists.
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    auto row = PgMailboxes::row_by_id(c, mailbox, false);
    if (!row) return no_mailbox();
    Changes out;
    out.highest_modseq = row->highest_modseq;
    out.uid_next = row->uid_next;
    // Every change takes the mailbox's next MODSEQ: none above it, nothing new.
    if (since >= row->highest_modseq) return out;
    const auto s = static_cast<std::int64_t>(since);
    Rows r = c.query(std::string("SELECT ") + kMetaColumns +
                         " FROM messages AS m WHERE m.mailbox_id = $1 AND m.modseq > $2 ORDER BY m.uid",
                     {mailbox, s});
    for (int i = 0; i < r.size(); ++i) out.changed.push_back(meta_at(r, i));
    Rows e = c.query("SELECT uid FROM expunged WHERE mailbox_id = $1 AND modseq > $2 ORDER BY uid", {mailbox, s});
    for (int i = 0; i < e.size(); ++i) out.expunged.push_back(static_cast<Uid>(e.int64(i, 0)));
    return out;
  });
}

}  // namespace pillarbox::store::postgres
