#include "store/postgres/quota.h"

#include <algorithm>
#include <limits>

#include "store/postgres/ops.h"
#include "store/quota_rules.h"

namespace pillarbox::store::postgres {

void PgQuota::set_default(const QuotaLimits& limits) {
  std::lock_guard lock(m_);
  default_ = limits;
}

std::optional<Quota> PgQuota::quota_of(Conn& c, AccountId account, bool lock) {
  Rows a = c.query(std::string("SELECT quota_own, quota_storage_kib, quota_messages, kind FROM accounts WHERE id = $1") +
                       (lock ? " FOR UPDATE" : ""),
                   {account});
  if (a.empty()) return std::nullopt;
  Quota q;
  q.own = a.text_view(0, 0) == "t";
  if (q.own) {
    if (!a.is_null(0, 1)) q.limits.storage_kib = static_cast<std::uint64_t>(a.int64(0, 1));
    if (!a.is_null(0, 2)) q.limits.messages = static_cast<std::uint64_t>(a.int64(0, 2));
  } else if (a.int64(0, 3) == 0) {  // the default does not bind the public folders' owner
    std::lock_guard l(m_);
    q.limits = default_;
  }
  Rows sum = c.query("SELECT coalesce(sum(total_size), 0), coalesce(sum(message_count), 0) FROM mailboxes"
                     " WHERE account_id = $1",
                     {account});
  q.usage.storage_octets = static_cast<std::uint64_t>(sum.int64(0, 0));
  q.usage.messages = static_cast<std::uint64_t>(sum.int64(0, 1));
  return q;
}

Result<Quota> PgQuota::get(AccountId account) {
  return transact(pool_, "get_quota", [&](Conn& c) -> Result<Quota> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");  // limits and usage agree
    auto q = quota_of(c, account, false);
    if (!q) return make_error(Errc::not_found, "No such account", std::to_string(account));
    return std::move(*q);
  });
}

Status PgQuota::set(AccountId account, const std::optional<QuotaLimits>& limits) {
  auto value = [&](const std::optional<std::uint64_t> QuotaLimits::*field) -> Param {
    if (!limits || !((*limits).*field)) return Param::null();
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(*((*limits).*field), std::numeric_limits<std::int64_t>::max()));
  };
  return transact(pool_, "set_quota", [&](Conn& c) -> Status {
    if (c.query("UPDATE accounts SET quota_own = $2, quota_storage_kib = $3, quota_messages = $4 WHERE id = $1",
                {account, limits.has_value(), value(&QuotaLimits::storage_kib), value(&QuotaLimits::messages)})
            .affected() == 0)
      return make_error(Errc::not_found, "No such account", std::to_string(account));
    return {};
  });
}

Status PgQuota::check(Conn& c, AccountId account, std::uint64_t octets, std::uint64_t messages) {
  if (messages == 0) return {};
  auto q = quota_of(c, account, false);
  if (!q || !q->limits.any()) return {};
  q = quota_of(c, account, true);  // locked, and usage read again after the lock
  if (!q) return {};
  return quota_allows(*q, account, octets, messages);
}

}  // namespace pillarbox::store::postgres
