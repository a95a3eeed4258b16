#include "store/header_cache.h"

#include <gtest/gtest.h>

namespace pillarbox::store {
namespace {

// A header block of n bytes (the cache does not look inside).
std::shared_ptr<const mail::Message> text(std::size_t n, char c) {
  return std::make_shared<const mail::Message>(std::make_shared<const std::string>(n, c));
}

BlobId id(char c) { return BlobId(32, c); }

TEST(HeaderCache, KeepsWhatFitsAndEvictsTheLeastRecentlyUsed) {
  const std::uint64_t one = 2 * 100 + 32 + HeaderCache::kEntryOverhead;   // the cost of one entry below
  HeaderCache cache(3 * one);
  cache.insert(id('a'), text(100, 'a'));
  cache.insert(id('b'), text(100, 'b'));
  cache.insert(id('c'), text(100, 'c'));
  EXPECT_EQ(cache.entries(), 3u);
  EXPECT_EQ(cache.bytes(), 3 * one);
  ASSERT_NE(cache.find(id('a')), nullptr);   // now a is the most recent, b the least
  cache.insert(id('d'), text(100, 'd'));
  EXPECT_EQ(cache.find(id('b')), nullptr);
  EXPECT_EQ(cache.find(id('a'))->bytes(), std::string(100, 'a'));
  EXPECT_NE(cache.find(id('c')), nullptr);
  EXPECT_NE(cache.find(id('d')), nullptr);
  EXPECT_LE(cache.bytes(), 3 * one);
}

TEST(HeaderCache, ReplacingAnEntryKeepsTheAccountRight) {
  HeaderCache cache(1 << 20);
  cache.insert(id('a'), text(100, 'a'));
  cache.insert(id('a'), text(50, 'z'));
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), 2 * 50 + 32 + HeaderCache::kEntryOverhead);
  EXPECT_EQ(cache.find(id('a'))->bytes(), std::string(50, 'z'));
}

TEST(HeaderCache, ABlockBiggerThanTheLimitAndALimitOfZeroKeepNothing) {
  HeaderCache cache(1000);
  cache.insert(id('a'), text(5000, 'a'));
  EXPECT_EQ(cache.find(id('a')), nullptr);
  cache.insert(id('b'), text(10, 'b'));
  EXPECT_NE(cache.find(id('b')), nullptr);
  cache.set_limit(0);   // shrinking evicts at once
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  cache.insert(id('c'), text(1, 'c'));
  EXPECT_EQ(cache.find(id('c')), nullptr);
}

}  // namespace
}  // namespace pillarbox::store
