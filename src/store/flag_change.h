// What STORE does to one message's flags (RFC 3501 §6.4.6, RFC 4314 §4), for every store.
#pragma once

#include "store/types.h"

namespace pillarbox::store {

/// The flags of a message that had `current` after a STORE of `want` (normalised) in `mode`,
/// where flags outside `mask` keep their value whatever the mode (RFC 4314 §4: rights s, t, w).
Flags apply_store(const Flags& current, StoreMode mode, const Flags& want, const FlagMask& mask);

}  // namespace pillarbox::store
