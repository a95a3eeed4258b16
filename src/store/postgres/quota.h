// Quota in PostgreSQL (RFC 9208; docs/configuration.md "Quota"): limits per account or the
// default, usage from the mailboxes' running totals, and the check APPEND and COPY make.
#pragma once

#include <mutex>
#include <optional>

#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgQuota {
 public:
  explicit PgQuota(Pool& pool) : pool_(pool) {}

  void set_default(const QuotaLimits& limits);
  Result<Quota> get(AccountId account);
  Status set(AccountId account, const std::optional<QuotaLimits>& limits);

  /// Inside the transaction that then inserts: refuses growth past a limit in force
  /// (quota_rules.h). When the account has limits its row is locked first, so appends to its
  /// mailboxes through several front ends are counted one after the other and cannot together
  /// pass a limit; accounts without limits take no lock.
  Status check(Conn& c, AccountId account, std::uint64_t octets, std::uint64_t messages);

 private:
  std::optional<Quota> quota_of(Conn& c, AccountId account, bool lock);
  Pool& pool_;
  std::mutex m_;
  QuotaLimits default_;
};

}  // namespace pillarbox::store::postgres
