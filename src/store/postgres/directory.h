// Accounts, domains and aliases in PostgreSQL: the store::Directory of the PostgreSQL store.
#pragma once

#include <functional>

#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

/// store::Directory over a pool (mail_store.h documents each call). Addresses, aliases and
/// domains are stored lower-cased (ASCII), so equality and the unique indexes compare them
/// without case, as the SQLite store does.
class PgDirectory final : public Directory {
 public:
  /// Makes an account's first mailbox (INBOX) inside add_account's transaction; given by the
  /// store, whose mailbox code does it (PgMailboxes::insert_mailbox).
  using CreateInbox = std::function<void(Conn&, AccountId)>;
  PgDirectory(Pool& pool, CreateInbox create_inbox) : pool_(pool), create_inbox_(std::move(create_inbox)) {}

  Result<AccountId> add_account(std::string_view address, std::string_view password_hash) override;
  /// Also drops the blobs no message refers to any more, in the same transaction, and notifies
  /// the sessions of its mailboxes on every front end.
  Status delete_account(std::string_view address) override;
  Status set_password_hash(std::string_view address, std::string_view password_hash) override;
  Status set_scram_secret(std::string_view address, std::string_view secret) override;
  Result<Account> find_account(std::string_view address) override;
  Result<std::vector<Account>> list_accounts() override;
  Status add_domain(std::string_view domain) override;
  Status delete_domain(std::string_view domain) override;
  Result<std::vector<Domain>> list_domains() override;
  Status add_alias(std::string_view alias, std::string_view address) override;
  Status delete_alias(std::string_view alias, std::string_view address) override;
  Result<std::vector<Account>> resolve_alias(std::string_view alias) override;
  Result<std::vector<Alias>> list_aliases() override;

 private:
  Pool& pool_;
  CreateInbox create_inbox_;
};

}  // namespace pillarbox::store::postgres
