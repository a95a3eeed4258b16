#include "imap/search_scope.h"

#include <gtest/gtest.h>

#include <vector>

namespace pillarbox::imap {
namespace {

using K = store::SearchKey::Kind;

store::UidSet set_of(std::initializer_list<store::Uid> uids) {
  store::UidSet s;
  for (auto u : uids) s.add(u);
  return s;
}

SearchKey ranges(SearchKey::Kind kind, std::vector<SequenceSet::Range> r) {
  SearchKey k;
  k.kind = kind;
  k.set.ranges = std::move(r);
  return k;
}

class SearchScopeTest : public ::testing::Test {
 protected:
  std::vector<store::Uid> uids{3, 7, 9, 20};
  store::UidSet recent = set_of({9, 20});
  store::UidSet saved = set_of({3});
  SearchScope scope{uids, recent, saved};
};

TEST_F(SearchScopeTest, SequenceNumbersBecomeTheirUidsAndNumbersPastTheEndAreDropped) {
  // 2:* is messages 2..4; 3:10 stops at the fourth message.
  auto k = to_store_key(ranges(SearchKey::Kind::sequence_set, {{2, kStar}}), scope);
  EXPECT_EQ(k.kind, K::uid_set);
  EXPECT_EQ(k.uids.to_string(), "7,9,20");
  EXPECT_EQ(to_store_key(ranges(SearchKey::Kind::sequence_set, {{3, 10}}), scope).uids.to_string(), "9,20");
  EXPECT_TRUE(to_store_key(ranges(SearchKey::Kind::sequence_set, {{5, 6}}), scope).uids.empty());
}

TEST_F(SearchScopeTest, UidSetStarIsTheHighestUidAndOtherUidsStayForTheStoreToFilter) {
  EXPECT_EQ(to_store_key(ranges(SearchKey::Kind::uid_set, {{8, kStar}}), scope).uids.to_string(), "8:20");
  // RFC 3501 §9: "*" in an empty view names nothing; 5:* there is 1:5 (no message matches).
  std::vector<store::Uid> none;
  SearchScope empty{none, recent, saved};
  EXPECT_EQ(to_store_key(ranges(SearchKey::Kind::uid_set, {{5, kStar}}), empty).uids.to_string(), "1:5");
}

TEST_F(SearchScopeTest, SavedResultRecentNewAndOld) {
  SearchKey dollar;
  dollar.kind = SearchKey::Kind::sequence_set;
  dollar.set.saved = true;  // RFC 5182 §2.1: "$" is UIDs even where sequence numbers are meant
  EXPECT_EQ(to_store_key(dollar, scope).uids.to_string(), "3");

  SearchKey k;
  k.kind = SearchKey::Kind::recent;
  EXPECT_EQ(to_store_key(k, scope).uids.to_string(), "9,20");
  k.kind = SearchKey::Kind::new_;  // RECENT UNSEEN
  auto n = to_store_key(k, scope);
  ASSERT_EQ(n.kind, K::and_);
  ASSERT_EQ(n.children.size(), 2u);
  EXPECT_EQ(n.children[0].uids.to_string(), "9,20");
  EXPECT_EQ(n.children[1].kind, K::flag_unset);
  EXPECT_EQ(n.children[1].number, store::kSeen);
  k.kind = SearchKey::Kind::old;  // NOT RECENT
  auto o = to_store_key(k, scope);
  ASSERT_EQ(o.kind, K::not_);
  ASSERT_EQ(o.children.size(), 1u);
  EXPECT_EQ(o.children[0].uids.to_string(), "9,20");
}

TEST_F(SearchScopeTest, JunctionsKeepTheirShapeAndStoreKeysPassThrough) {
  SearchKey leaf;
  leaf.store_key.kind = K::flag_set;
  leaf.store_key.number = store::kSeen;
  SearchKey orr;
  orr.kind = SearchKey::Kind::or_;
  orr.children = {leaf, ranges(SearchKey::Kind::sequence_set, {{1, 1}})};
  SearchKey nott;
  nott.kind = SearchKey::Kind::not_;
  nott.children = {orr};
  auto k = to_store_key(nott, scope);
  ASSERT_EQ(k.kind, K::not_);
  ASSERT_EQ(k.children.size(), 1u);
  ASSERT_EQ(k.children[0].kind, K::or_);
  ASSERT_EQ(k.children[0].children.size(), 2u);
  EXPECT_EQ(k.children[0].children[0].kind, K::flag_set);
  EXPECT_EQ(k.children[0].children[1].uids.to_string(), "3");
}

}  // namespace
}  // namespace pillarbox::imap
