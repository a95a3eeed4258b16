// Shared and public mailboxes in PostgreSQL (RFC 4314; SPEC "Namespaces, shared and public
// folders"): ACLs, the mailboxes others share with a viewer, each reader's private \Seen, and
// delivery addresses of public folders. mail_store.h documents each call.
#pragma once

#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgSharing {
 public:
  explicit PgSharing(Pool& pool) : pool_(pool) {}

  Result<std::vector<AclEntry>> get_acl(MailboxId mailbox);
  Status set_acl(MailboxId mailbox, std::string_view identifier, std::string_view rights);
  Status delete_acl(MailboxId mailbox, std::string_view identifier);
  Result<std::vector<SharedMailbox>> list_shared(AccountId viewer, const std::vector<std::string>& identifiers);
  Result<UidSet> private_seen(MailboxId mailbox, AccountId reader);
  Result<StoreResult> set_private_seen(MailboxId mailbox, AccountId reader, const UidSet& uids, bool seen);
  Status set_mailbox_address(MailboxId mailbox, std::string_view address);
  Result<std::pair<AccountId, MailboxInfo>> find_mailbox_address(std::string_view address);
  Result<std::string> mailbox_address(MailboxId mailbox);

 private:
  Pool& pool_;
};

}  // namespace pillarbox::store::postgres
