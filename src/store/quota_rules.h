// RFC 9208 §5's rule for every store: growth past a limit in force is refused; usage already
// past a limit (the limit was lowered) is left alone, only further growth is refused.
#pragma once

#include "base/result.h"
#include "store/types.h"

namespace pillarbox::store {

/// OK when `account` (for the log only) may grow its usage in `q` by `octets` (sum of
/// RFC822.SIZE) in `messages` new messages; Errc::over_quota naming the resource otherwise.
/// Growth by no message is always allowed.
Status quota_allows(const Quota& q, AccountId account, std::uint64_t octets, std::uint64_t messages);

}  // namespace pillarbox::store
