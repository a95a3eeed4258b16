#include "store/postgres/messages.h"

#include <algorithm>
#include <ctime>

#include "base/ascii.h"
#include "base/log.h"
#include "mail/message.h"
#include "store/append_prep.h"
#include "store/blob_store.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/ops.h"
#include "store/row_codec.h"

namespace pillarbox::store::postgres {
namespace {

constexpr std::uint64_t kMaxUid = 0xffffffff;

Error no_mailbox() { return make_error(Errc::not_found, "No such mailbox"); }

bool mailbox_exists(Conn& c, MailboxId id) { return !c.query("SELECT 1 FROM mailboxes WHERE id = $1", {id}).empty(); }

// A bigint[] literal of the first (or last) ends of the set's ranges.
std::string range_ends(const UidSet& set, bool last) {
  std::string out = "{";
  for (const auto& r : set.ranges()) {
    if (out.size() > 1) out += ',';
    out += std::to_string(last ? r.last : r.first);
  }
  return out + "}";
}

// Reads only; a REPEATABLE READ snapshot when a call reads more than one statement.
constexpr const char* kSnapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

}  // namespace

MessageMeta meta_at(const Rows& r, int row, int col) {
  MessageMeta m;
  m.uid = static_cast<Uid>(r.int64(row, col));
  m.flags.system = static_cast<std::uint32_t>(r.int64(row, col + 1));
  m.flags.keywords = decode_keywords(r.text_view(row, col + 2));
  m.modseq = static_cast<ModSeq>(r.int64(row, col + 3));
  m.size = static_cast<std::uint64_t>(r.int64(row, col + 4));
  m.internal_date = r.int64(row, col + 5);
  m.internal_date_tz = static_cast<std::int32_t>(r.int64(row, col + 6));
  return m;
}

Rows select_in_set(Conn& c, const std::string& columns, MailboxId mailbox, const UidSet& uids, bool binary) {
  // One range (1:*, a:b, one UID: most FETCH and STORE commands) is a primary-key range scan;
  // several are joined from two arrays, each a primary-key range scan inside a nested loop.
  if (uids.ranges().size() == 1) {
    const std::string sql = "SELECT " + columns +
                            " FROM messages AS m WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3 ORDER BY m.uid";
    const std::vector<Param> p{mailbox, std::int64_t{uids.ranges().front().first},
                               std::int64_t{uids.ranges().front().last}};
    return binary ? c.query_binary(sql, p) : c.query(sql, p);
  }
  const std::string sql = "SELECT " + columns +
                          " FROM unnest($2::bigint[], $3::bigint[]) AS r(first, last)"
                          " JOIN messages AS m ON m.mailbox_id = $1 AND m.uid BETWEEN r.first AND r.last"
                          " ORDER BY m.uid";
  const std::vector<Param> p{mailbox, range_ends(uids, false), range_ends(uids, true)};
  return binary ? c.query_binary(sql, p) : c.query(sql, p);
}

Result<std::vector<MessageMeta>> PgMessages::list_messages(MailboxId mailbox) {
  return transact(pool_, "list_messages", [&](Conn& c) -> Result<std::vector<MessageMeta>> {
    c.exec(kSnapshot);
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    Rows r = c.query(std::string("SELECT ") + kMetaColumns + " FROM messages AS m WHERE m.mailbox_id = $1 ORDER BY m.uid",
                     {mailbox});
    std::vector<MessageMeta> out;
    out.reserve(static_cast<std::size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) out.push_back(meta_at(r, i));
    return out;
  });
}

Result<MailboxUids> PgMessages::list_uids(MailboxId mailbox) {
  return transact(pool_, "list_uids", [&](Conn& c) -> Result<MailboxUids> {
    c.exec(kSnapshot);
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    // Binary results: a million-message mailbox is 16 MB of int8 pairs instead of text to parse.
    Rows r = c.query_binary("SELECT uid, modseq FROM messages WHERE mailbox_id = $1 ORDER BY uid", {mailbox});
    MailboxUids out;
    out.uids.reserve(static_cast<std::size_t>(r.size()));
    out.modseqs.reserve(static_cast<std::size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) {
      out.uids.push_back(static_cast<Uid>(r.int64(i, 0)));
      out.modseqs.push_back(static_cast<ModSeq>(r.int64(i, 1)));
    }
    Rows unseen = c.query("SELECT uid FROM messages WHERE mailbox_id = $1 AND (system_flags & $2) = 0 ORDER BY uid LIMIT 1",
                          {mailbox, static_cast<std::int64_t>(kSeen)});
    if (!unseen.empty()) out.first_unseen = static_cast<Uid>(unseen.int64(0, 0));
    return out;
  });
}

Result<Uid> PgMessages::claim_recent(MailboxId mailbox) {
  // The row lock makes each front end's claim follow the one before it, so a message is
  // \Recent in exactly one session (RFC 3501 §2.3.2).
  return transact(pool_, "claim_recent", [&](Conn& c) -> Result<Uid> {
    Rows r = c.query("SELECT first_unclaimed_recent FROM mailboxes WHERE id = $1 FOR UPDATE", {mailbox});
    if (r.empty()) return no_mailbox();
    c.query("UPDATE mailboxes SET first_unclaimed_recent = uid_next WHERE id = $1", {mailbox});
    return static_cast<Uid>(r.int64(0, 0));
  });
}

Result<AppendResult> PgMessages::append(MailboxId mailbox, std::vector<AppendRequest> messages) {
  // Parsing, the slow part, before the transaction and its row lock.
  struct Prepared : PreparedAppend {
    BlobId blob;
    std::string bytes;
  };
  std::vector<Prepared> prepared;
  prepared.reserve(messages.size());
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  std::uint64_t octets = 0;
  for (auto& req : messages) {
    Prepared p{prepare_append(req, now)};
    auto id = BlobStore::new_id();
    if (!id) return id.error();
    p.blob = std::move(*id);
    p.bytes = std::move(req.content);
    octets += p.size;
    prepared.push_back(std::move(p));
  }
  return transact(pool_, "append", [&](Conn& c) -> Result<AppendResult> {
    auto row = PgMailboxes::row_by_id(c, mailbox, true);
    if (!row) return no_mailbox();
    if (row->uid_next + prepared.size() - 1 > kMaxUid) return make_error(Errc::over_quota, "Mailbox has no UIDs left");
    if (Status q = quota_(c, row->account, octets, prepared.size()); !q) return q.error();
    AppendResult out;
    out.uid_validity = row->uid_validity;
    if (prepared.empty()) return out;
    const ModSeq modseq = row->highest_modseq + 1;
    Uid uid = row->uid_next;
    std::int64_t unseen = 0;
    for (const auto& p : prepared) {
      c.query("INSERT INTO blobs (id, raw_size, bytes) VALUES ($1, $2, $3)",
              {p.blob, static_cast<std::int64_t>(p.bytes.size()), Param::bytes(p.bytes)});
      c.query("INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz, system_flags,"
              " keywords, modseq, envelope, body_structure, body)"
              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
              {mailbox, uid, p.blob, p.size, p.internal_date, p.internal_date_tz, p.flags.system,
               encode_keywords(p.flags.keywords), modseq, Param::bytes(p.envelope), Param::bytes(p.body_structure),
               Param::bytes(p.body)});
      for (const auto& k : p.flags.keywords)
        c.query("INSERT INTO mailbox_keywords (mailbox_id, keyword_key, keyword) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING",
                {mailbox, ascii::lower(k), k});
      if ((p.flags.system & kSeen) == 0) ++unseen;
      out.uids.push_back(uid);
      ++uid;
    }
    c.query("UPDATE mailboxes SET uid_next = $2, highest_modseq = $3, message_count = message_count + $4,"
            " unseen_count = unseen_count + $5, total_size = total_size + $6 WHERE id = $1",
            {mailbox, uid, modseq, static_cast<std::int64_t>(prepared.size()), unseen, octets});
    notify_change(c, mailbox);
    return out;
  });
}

Result<std::vector<FetchedMessage>> PgMessages::fetch(MailboxId mailbox, const UidSet& uids, FetchNeeds needs) {
  return transact(pool_, "fetch", [&](Conn& c) -> Result<std::vector<FetchedMessage>> {
    c.exec(kSnapshot);
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    std::vector<FetchedMessage> out;
    if (uids.empty()) return out;
    std::string columns = kMetaColumns;
    int col = kMetaColumnCount;
    const int blob_col = needs.content ? col++ : -1;
    const int bytes_col = needs.content ? col++ : -1;
    if (needs.content) columns += ", m.blob_id, (SELECT b.bytes FROM blobs AS b WHERE b.id = m.blob_id)";
    const int envelope_col = needs.envelope ? col++ : -1;
    if (needs.envelope) columns += ", m.envelope";
    const int structure_col = needs.body_structure ? col : -1;
    if (needs.body_structure) columns += ", m.body_structure, m.body";
    // Binary results when bytea comes back: as it is, not hex (twice the size).
    Rows r = select_in_set(c, columns, mailbox, uids, needs.content || needs.envelope || needs.body_structure);
    out.reserve(static_cast<std::size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) {
      FetchedMessage f;
      f.meta = meta_at(r, i);
      if (needs.envelope) f.envelope = r.bytes(i, envelope_col);
      if (needs.body_structure) {
        f.body_structure = r.bytes(i, structure_col);
        f.body = r.bytes(i, structure_col + 1);
      }
      if (needs.content) {
        const BlobId id = r.text(i, blob_col);
        if (needs.header_only) {
          auto header = headers_.find(id);
          if (!header) {
            header = std::make_shared<const mail::Message>(
                std::make_shared<const std::string>(mail::to_crlf(mail::header_of(r.bytes(i, bytes_col)))));
            headers_.insert(id, header);
          }
          f.content = std::shared_ptr<const std::string>(header, &header->bytes());
          f.header = std::move(header);
        } else {
          f.content = std::make_shared<const std::string>(mail::to_crlf(r.bytes(i, bytes_col)));
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  });
}

Result<DeletedSummary> PgMessages::deleted_summary(MailboxId mailbox) {
  return transact(pool_, "deleted_summary", [&](Conn& c) -> Result<DeletedSummary> {
    c.exec(kSnapshot);
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    Rows r = c.query("SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE mailbox_id = $1 AND (system_flags & $2) <> 0",
                     {mailbox, static_cast<std::int64_t>(kDeleted)});
    return DeletedSummary{static_cast<std::uint64_t>(r.int64(0, 0)), static_cast<std::uint64_t>(r.int64(0, 1))};
  });
}

}  // namespace pillarbox::store::postgres
