#include "store/flag_change.h"

namespace pillarbox::store {

Flags apply_store(const Flags& current, StoreMode mode, const Flags& want, const FlagMask& mask) {
  Flags next = current;
  switch (mode) {
    case StoreMode::replace:
      next = want;
      break;
    case StoreMode::add:
      next.system |= want.system;
      for (const auto& k : want.keywords) next.add_keyword(k);
      break;
    case StoreMode::remove:
      next.system &= ~want.system;
      for (const auto& k : want.keywords) next.remove_keyword(k);
      break;
  }
  next.system = (next.system & mask.system) | (current.system & ~mask.system);
  if (!mask.keywords) next.keywords = current.keywords;
  return next;
}

}  // namespace pillarbox::store
