#include "store/types.h"

#include <gtest/gtest.h>

namespace pillarbox::store {
namespace {

UidSet of(std::initializer_list<UidSet::Range> ranges) {
  UidSet s;
  for (const auto& r : ranges) s.add(r.first, r.last);
  return s;
}

TEST(UidSetOf, MergesUnorderedAndRepeatedUidsIntoRanges) {
  EXPECT_EQ(UidSet::of({7, 3, 4, 5, 4, 9}).to_string(), "3:5,7,9");
  EXPECT_TRUE(UidSet::of({}).empty());
}

TEST(UidSetRemove, SplitsTrimsAndIgnoresAbsentUids) {
  UidSet s = of({{1, 5}, {9, 9}, {20, 30}});
  s.remove(3);
  EXPECT_EQ(s, of({{1, 2}, {4, 5}, {9, 9}, {20, 30}}));
  s.remove(9);
  EXPECT_EQ(s, of({{1, 2}, {4, 5}, {20, 30}}));
  s.remove(20);
  s.remove(30);
  EXPECT_EQ(s, of({{1, 2}, {4, 5}, {21, 29}}));
  s.remove(100);
  s.remove(3);
  EXPECT_EQ(s, of({{1, 2}, {4, 5}, {21, 29}}));
  EXPECT_EQ(s.size(), 13u);
  UidSet edge = of({{1, 0xffffffffu}});
  edge.remove(0xffffffffu);
  edge.remove(1);
  EXPECT_EQ(edge, of({{2, 0xfffffffeu}}));
}

}  // namespace
}  // namespace pillarbox::store
