#include "store/quota_rules.h"

#include <fmt/format.h>

namespace pillarbox::store {

Status quota_allows(const Quota& q, AccountId account, std::uint64_t octets, std::uint64_t messages) {
  if (messages == 0 || !q.limits.any()) return {};
  if (q.limits.messages && q.usage.messages + messages > *q.limits.messages)
    return make_error(Errc::over_quota, "Quota exceeded (number of messages)",
                      fmt::format("account {}: {} + {} messages > {}", account, q.usage.messages, messages,
                                  *q.limits.messages));
  if (q.limits.storage_kib && q.usage.storage_octets + octets > *q.limits.storage_kib * 1024)
    return make_error(Errc::over_quota, "Quota exceeded (storage)",
                      fmt::format("account {}: {} + {} octets > {} KiB", account, q.usage.storage_octets, octets,
                                  *q.limits.storage_kib));
  return {};
}

}  // namespace pillarbox::store
