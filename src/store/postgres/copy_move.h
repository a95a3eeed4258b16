// COPY and MOVE in PostgreSQL (RFC 3501 §6.4.7, RFC 6851). mail_store.h documents each call;
// the semantics are the SQLite store's. Copies share the source's blob: no bytes are copied.
#pragma once

#include "store/mail_store.h"
#include "store/postgres/messages.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgCopyMove {
 public:
  PgCopyMove(Pool& pool, PgMessages::QuotaCheck quota) : pool_(pool), quota_(std::move(quota)) {}

  Result<CopyResult> copy(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask);
  /// The copies and the removal of the originals commit together or not at all (RFC 6851 §1).
  Result<MoveResult> move(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask);

 private:
  Result<CopyResult> copy_in_tx(Conn& c, MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask,
                                bool within_account_move);
  Pool& pool_;
  PgMessages::QuotaCheck quota_;
};

}  // namespace pillarbox::store::postgres
