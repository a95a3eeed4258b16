#include "store/flag_change.h"

#include <gtest/gtest.h>

namespace pillarbox::store {
namespace {

Flags flags(std::uint32_t system, std::vector<std::string> keywords = {}) {
  Flags f;
  f.system = system;
  for (auto& k : keywords) f.add_keyword(k);
  return f;
}

TEST(ApplyStore, ReplaceAddRemove) {
  const Flags now = flags(kSeen | kFlagged, {"a"});
  EXPECT_EQ(apply_store(now, StoreMode::replace, flags(kDraft, {"b"}), FlagMask{}), flags(kDraft, {"b"}));
  EXPECT_EQ(apply_store(now, StoreMode::add, flags(kDraft, {"A", "b"}), FlagMask{}),
            flags(kSeen | kFlagged | kDraft, {"a", "b"}));
  EXPECT_EQ(apply_store(now, StoreMode::remove, flags(kSeen, {"A"}), FlagMask{}), flags(kFlagged));
}

TEST(ApplyStore, FlagsOutsideTheMaskKeepTheirValueInEveryMode) {
  const Flags now = flags(kSeen | kDeleted, {"a"});
  FlagMask only_seen;  // right 's' alone (RFC 4314 §4)
  only_seen.system = kSeen;
  only_seen.keywords = false;
  EXPECT_EQ(apply_store(now, StoreMode::replace, flags(kFlagged), only_seen), flags(kDeleted, {"a"}));
  EXPECT_EQ(apply_store(now, StoreMode::remove, flags(kSeen | kDeleted, {"a"}), only_seen), flags(kDeleted, {"a"}));
  EXPECT_EQ(apply_store(flags(0), StoreMode::add, flags(kSeen | kFlagged, {"x"}), only_seen), flags(kSeen));
}

}  // namespace
}  // namespace pillarbox::store
