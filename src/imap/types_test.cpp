#include "imap/types.h"

#include <gtest/gtest.h>

#include "store/types.h"

namespace pillarbox {
namespace {

using store::UidSet;

TEST(UidSet, AddMergesOverlappingAndAdjacent) {
  UidSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.to_string(), "");
  s.add(5);
  s.add(1, 3);
  EXPECT_EQ(s.to_string(), "1:3,5");
  s.add(4);
  EXPECT_EQ(s.to_string(), "1:5");
  EXPECT_EQ(s.ranges().size(), 1u);
  s.add(10, 8);
  s.add(20, 30);
  s.add(12);
  EXPECT_EQ(s.to_string(), "1:5,8:10,12,20:30");
  s.add(9, 21);
  EXPECT_EQ(s.to_string(), "1:5,8:30");
  s.add(1, 40);
  EXPECT_EQ(s.to_string(), "1:40");
  s.add(40);
  s.add(2);
  EXPECT_EQ(s.to_string(), "1:40");
}

TEST(UidSet, EdgesOfTheRange) {
  UidSet s;
  s.add(4294967295u);
  s.add(4294967294u);
  s.add(1);
  EXPECT_EQ(s.to_string(), "1,4294967294:4294967295");
  EXPECT_EQ(s.size(), 3u);
  s.add(2, 4294967293u);
  EXPECT_EQ(s.to_string(), "1:4294967295");
  EXPECT_EQ(s.size(), 4294967295u);
  EXPECT_TRUE(s.contains(4294967295u));
  EXPECT_FALSE(s.contains(0));
}

TEST(UidSet, Contains) {
  UidSet s;
  s.add(3, 5);
  s.add(9);
  s.add(100, 200);
  for (store::Uid u : {3u, 4u, 5u, 9u, 100u, 150u, 200u}) EXPECT_TRUE(s.contains(u)) << u;
  for (store::Uid u : {0u, 1u, 2u, 6u, 8u, 10u, 99u, 201u}) EXPECT_FALSE(s.contains(u)) << u;
  EXPECT_FALSE(UidSet().contains(1));
}

TEST(UidSet, SizeAndVector) {
  UidSet s;
  s.add(7, 9);
  s.add(2);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.to_vector(), (std::vector<store::Uid>{2, 7, 8, 9}));
}

TEST(UidSet, AddSet) {
  UidSet a;
  a.add(1, 3);
  a.add(10, 12);
  UidSet b;
  b.add(4, 5);
  b.add(8);
  b.add(13, 20);
  a.add(b);
  EXPECT_EQ(a.to_string(), "1:5,8,10:20");
  UidSet empty;
  empty.add(a);
  EXPECT_EQ(empty, a);
  a.add(UidSet());
  EXPECT_EQ(a.to_string(), "1:5,8,10:20");
}

TEST(UidSet, Equality) {
  UidSet a, b;
  a.add(1, 3);
  b.add(3);
  b.add(1);
  EXPECT_NE(a, b);
  b.add(2);
  EXPECT_EQ(a, b);
}

TEST(Flags, Keywords) {
  store::Flags f;
  f.add_keyword("Work");
  f.add_keyword("$Junk");
  f.add_keyword("work");
  f.add_keyword("apple");
  EXPECT_EQ(f.keywords, (std::vector<std::string>{"$Junk", "apple", "Work"}));
  EXPECT_TRUE(f.has_keyword("WORK"));
  EXPECT_TRUE(f.has_keyword("$junk"));
  EXPECT_FALSE(f.has_keyword("Wor"));
  f.remove_keyword("APPLE");
  EXPECT_EQ(f.keywords, (std::vector<std::string>{"$Junk", "Work"}));
  f.remove_keyword("missing");
  EXPECT_EQ(f.keywords.size(), 2u);
  f.system = store::kSeen;
  EXPECT_TRUE(f.has(store::kSeen));
  EXPECT_FALSE(f.has(store::kDraft));
}

TEST(SequenceSet, Resolve) {
  imap::SequenceSet s;
  s.ranges = {{imap::kStar, imap::kStar}, {559, imap::kStar}, {4, 2}};
  EXPECT_EQ(s.resolve(100).to_string(), "2:4,100:559");  // 559:* includes the last (RFC 3501 §6.4.8)
  EXPECT_EQ(s.resolve(0).to_string(), "1:559");  // "*" names nothing in an empty mailbox
  imap::SequenceSet star;
  star.ranges = {{imap::kStar, imap::kStar}};
  EXPECT_TRUE(star.resolve(0).empty());
  EXPECT_EQ(star.resolve(7).to_string(), "7");
}

}  // namespace
}  // namespace pillarbox
