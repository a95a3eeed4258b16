// Messages in PostgreSQL, first part: reading them (list, SELECT's UIDs, FETCH), \Recent, and
// APPEND. mail_store.h documents each call; the semantics are the SQLite store's.
#pragma once

#include <atomic>
#include <functional>

#include "store/header_cache.h"
#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgMessages {
 public:
  /// Refuses growth of an account's usage past its quota (RFC 9208 §5), on `c` inside the
  /// transaction that then inserts: (conn, owner, octets, messages).
  using QuotaCheck = std::function<Status(Conn&, AccountId, std::uint64_t, std::uint64_t)>;
  PgMessages(Pool& pool, HeaderCache& headers, QuotaCheck quota)
      : pool_(pool), headers_(headers), quota_(std::move(quota)) {}

  Result<std::vector<MessageMeta>> list_messages(MailboxId mailbox);
  Result<MailboxUids> list_uids(MailboxId mailbox);
  Result<Uid> claim_recent(MailboxId mailbox);
  /// All or nothing: the messages are parsed first, then one transaction takes UIDs from the
  /// locked mailbox row, inserts blobs and rows, and moves the running totals.
  Result<AppendResult> append(MailboxId mailbox, std::vector<AppendRequest> messages);
  Result<std::vector<FetchedMessage>> fetch(MailboxId mailbox, const UidSet& uids, FetchNeeds needs);
  Result<DeletedSummary> deleted_summary(MailboxId mailbox);

 private:
  Pool& pool_;
  HeaderCache& headers_;
  QuotaCheck quota_;
};

/// `columns` of the messages of `mailbox` whose UID is in `uids`, in UID order, as one
/// statement however many ranges the set has (unnest of two bigint arrays).
Rows select_in_set(Conn& c, const std::string& columns, MailboxId mailbox, const UidSet& uids,
                   bool binary = false);

/// Columns of MessageMeta in the order meta_at reads them, prefixed by table alias m.
inline constexpr const char* kMetaColumns =
    "m.uid, m.system_flags, m.keywords, m.modseq, m.size, m.internal_date, m.internal_date_tz";
inline constexpr int kMetaColumnCount = 7;
MessageMeta meta_at(const Rows& r, int row, int col = 0);

}  // namespace pillarbox::store::postgres
