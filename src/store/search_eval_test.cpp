#include "store/search_eval.h"

#include <gtest/gtest.h>

namespace pillarbox::store {
namespace {

using K = SearchKey::Kind;

SearchKey k(K kind, std::int64_t number = 0, std::string value = {}) {
  SearchKey s;
  s.kind = kind;
  s.number = number;
  s.value = std::move(value);
  return s;
}

SearchKey junction(K kind, std::vector<SearchKey> children) {
  SearchKey s;
  s.kind = kind;
  s.children = std::move(children);
  return s;
}

TEST(SearchEval, DayNumberUsesTheZoneAndFloors) {
  EXPECT_EQ(day_number(0, 0), 0);
  EXPECT_EQ(day_number(86399, 0), 0);
  EXPECT_EQ(day_number(86400, 0), 1);
  EXPECT_EQ(day_number(86000, 60), 1);    // 23:53 UTC is the next day at +01:00
  EXPECT_EQ(day_number(600, -60), -1);    // 00:10 UTC is 1969-12-31 at -01:00
  EXPECT_EQ(day_number(-1, 0), -1);
}

TEST(SearchEval, MetadataKeys) {
  MessageMeta m;
  m.uid = 5;
  m.flags.system = kSeen | kFlagged;
  m.flags.keywords = {"$Label1", "Work"};
  m.size = 100;
  m.modseq = 9;
  EXPECT_TRUE(search_matches(k(K::all), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::flag_set, kSeen), m, nullptr));
  EXPECT_FALSE(search_matches(k(K::flag_set, kDeleted), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::flag_unset, kDraft), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::keyword, 0, "work"), m, nullptr));
  EXPECT_FALSE(search_matches(k(K::unkeyword, 0, "WORK"), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::larger, 99), m, nullptr));
  EXPECT_FALSE(search_matches(k(K::larger, 100), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::smaller, 101), m, nullptr));
  EXPECT_FALSE(search_matches(k(K::smaller, 100), m, nullptr));
  EXPECT_TRUE(search_matches(k(K::modseq, 9), m, nullptr));
  EXPECT_FALSE(search_matches(k(K::modseq, 10), m, nullptr));
  SearchKey u = k(K::uid_set);
  u.uids.add(3, 6);
  EXPECT_TRUE(search_matches(u, m, nullptr));
  EXPECT_FALSE(search_matches(junction(K::not_, {u}), m, nullptr));
}

TEST(SearchEval, ContentIsLoadedOnlyWhenNeededAndOnce) {
  MessageMeta m;
  m.flags.system = kSeen;
  int loads = 0;
  MessageLoader loader = [&]() -> const mail::Message* {
    ++loads;
    return nullptr;  // unreadable: content keys do not match
  };
  // AND with a failing metadata key: decided without the content.
  auto and_key = junction(K::and_, {k(K::body, 0, "x"), k(K::flag_set, kDeleted)});
  EXPECT_TRUE(search_needs_content(and_key));
  EXPECT_FALSE(search_matches(and_key, m, loader));
  EXPECT_EQ(loads, 0);
  // OR with a true metadata key: decided without the content.
  auto or_key = junction(K::or_, {k(K::text, 0, "x"), k(K::flag_set, kSeen)});
  EXPECT_TRUE(search_matches(or_key, m, loader));
  EXPECT_EQ(loads, 0);
  // Several content keys: one load.
  auto both = junction(K::or_, {k(K::text, 0, "x"), k(K::body, 0, "y"), k(K::sent_on, 3)});
  EXPECT_FALSE(search_matches(both, m, loader));
  EXPECT_EQ(loads, 1);
  EXPECT_FALSE(search_needs_content(junction(K::and_, {k(K::all), k(K::on, 1)})));
}

TEST(SearchEval, BoundIsTheUidsOutsideWhichNothingMatches) {
  auto uids = [](Uid first, Uid last) {
    SearchKey s = k(K::uid_set);
    s.uids.add(first, last);
    return s;
  };
  EXPECT_FALSE(search_bound(k(K::all)).has_value());
  EXPECT_FALSE(search_bound(k(K::text, 0, "x")).has_value());
  EXPECT_EQ(search_bound(uids(3, 9))->to_string(), "3:9");
  // AND: the smallest child set; other children do not widen it.
  EXPECT_EQ(search_bound(junction(K::and_, {k(K::flag_set, kSeen), uids(1, 100), uids(5, 6)}))->to_string(), "5:6");
  EXPECT_FALSE(search_bound(junction(K::and_, {k(K::flag_set, kSeen), k(K::larger, 3)})).has_value());
  // OR: the union, and only when every child is bounded.
  EXPECT_EQ(search_bound(junction(K::or_, {uids(1, 2), uids(7, 7)}))->to_string(), "1:2,7");
  EXPECT_FALSE(search_bound(junction(K::or_, {uids(1, 2), k(K::flag_set, kSeen)})).has_value());
  EXPECT_TRUE(search_bound(junction(K::or_, {}))->empty());   // matches nothing
  // NOT of a set bounds nothing: everything outside it may match.
  EXPECT_FALSE(search_bound(junction(K::not_, {uids(1, 2)})).has_value());
}

}  // namespace
}  // namespace pillarbox::store
