// SequenceSet::resolve (imap/types.h).
#include "imap/types.h"

#include <utility>

namespace pillarbox::imap {

store::UidSet SequenceSet::resolve(std::uint32_t largest) const {
  store::UidSet out;
  for (const Range& r : ranges) {
    std::uint32_t first = r.first == kStar ? largest : r.first;
    std::uint32_t last = r.last == kStar ? largest : r.last;
    if (first > last) std::swap(first, last);
    // "*" in an empty mailbox (largest == 0) names nothing; 0 is never a valid number, so a
    // range like "5:*" there becomes 1:5 and a lone "*" vanishes.
    if (first == 0) {
      if (last == 0) continue;
      first = 1;
    }
    out.add(first, last);
  }
  return out;
}

}  // namespace pillarbox::imap
