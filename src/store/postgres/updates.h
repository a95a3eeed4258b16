// Messages in PostgreSQL, second part: changing them (STORE, EXPUNGE) and reading what changed
// (CONDSTORE/QRESYNC catch-up). mail_store.h documents each call; the semantics are the SQLite
// store's. Every change takes the mailbox's next MODSEQ under its row lock.
#pragma once

#include <optional>

#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgUpdates {
 public:
  explicit PgUpdates(Pool& pool) : pool_(pool) {}

  Result<StoreResult> store_flags(MailboxId mailbox, const UidSet& uids, StoreMode mode, const Flags& flags,
                                  const FlagMask& mask, std::optional<ModSeq> unchanged_since);
  Result<std::vector<Uid>> expunge(MailboxId mailbox, const std::optional<UidSet>& only);
  Result<std::vector<Uid>> expunge_uids(MailboxId mailbox, const UidSet& uids);
  Result<Changes> changes_since(MailboxId mailbox, ModSeq since);

  /// Inside a transaction holding the mailbox's row lock: removes the messages of `only` (all
  /// when absent) that have \Deleted, or whatever their flags when !require_deleted; records
  /// them for VANISHED under one new MODSEQ, moves the running totals, drops blobs no message
  /// uses any more. Returns the UIDs removed, ascending. For MOVE as well.
  static std::vector<Uid> remove(Conn& c, MailboxId mailbox, ModSeq highest_modseq, const std::optional<UidSet>& only,
                                 bool require_deleted);

 private:
  Result<std::vector<Uid>> remove_messages(std::string_view operation, MailboxId mailbox,
                                           const std::optional<UidSet>& only, bool require_deleted);
  Pool& pool_;
};

}  // namespace pillarbox::store::postgres
