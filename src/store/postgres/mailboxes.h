// Mailboxes and subscriptions in PostgreSQL: the mailbox half of the PostgreSQL store's
// MailStore (mail_store.h documents each call; the semantics are the SQLite store's).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/mail_store.h"
#include "store/postgres/pg.h"
#include "store/row_codec.h"

namespace pillarbox::store::postgres {

class PgMailboxes {
 public:
  /// `public_account` owns the public folders (their names are kept as written; elsewhere
  /// "INBOX" in any case is the inbox, RFC 3501 §5.1). Removals and renames notify the
  /// mailboxes' sessions on every front end (ops.h notify_change).
  PgMailboxes(Pool& pool, AccountId public_account) : pool_(pool), public_account_(public_account) {}

  Result<std::vector<MailboxInfo>> list_mailboxes(AccountId account);
  Result<MailboxInfo> get_mailbox(AccountId account, std::string_view name);
  Result<MailboxInfo> create_mailbox(AccountId account, std::string_view name, std::string_view special_use);
  Result<std::vector<MailboxInfo>> create_mailbox_path(AccountId account, std::string_view name,
                                                       std::string_view special_use);
  Status delete_mailbox(AccountId account, std::string_view name);
  Status rename_mailbox(AccountId account, std::string_view from, std::string_view to);
  Status set_subscribed(AccountId account, std::string_view name, bool subscribed);
  Status set_special_use(MailboxId mailbox, std::string_view special_use);
  Result<std::vector<std::string>> list_subscriptions(AccountId account);

  // --- for the other parts of the store, inside their transactions on `c` ----------------------

  /// Inserts mailbox `name` (normalised, known to be missing) with a new UIDVALIDITY.
  static MailboxId insert_mailbox(Conn& c, AccountId account, const std::string& name);
  /// The mailbox row, locked (FOR UPDATE) when `lock`: writers to one mailbox take turns on it,
  /// which is what keeps UIDs and MODSEQs in order across front ends.
  static std::optional<MailboxRow> row_by_id(Conn& c, MailboxId id, bool lock);
  static std::optional<MailboxRow> row_by_name(Conn& c, AccountId account, const std::string& name, bool lock);
  /// The mailbox's MailboxInfo (counts, keywords, subscription), or nullopt.
  static std::optional<MailboxInfo> load_info(Conn& c, AccountId account, const std::string& name);
  /// Drops the blobs among `candidates` that no message refers to any more.
  static void drop_unreferenced_blobs(Conn& c, const std::vector<std::string>& candidates);
  /// "INBOX" in any case → "INBOX", except for the public folders' owner.
  std::string normalize(AccountId account, std::string_view name) const;

 private:
  Status may_create(Conn& c, AccountId account, const std::string& name, std::string_view special_use);
  MailboxInfo insert_new(Conn& c, AccountId account, const std::string& name, std::string_view special_use);

  Pool& pool_;
  const AccountId public_account_;
};

}  // namespace pillarbox::store::postgres
