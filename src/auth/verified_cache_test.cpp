#include "auth/verified_cache.h"

#include <gtest/gtest.h>

namespace pillarbox::auth {
namespace {

using std::chrono::seconds;

const VerifiedCache::Clock::time_point t0{};
constexpr std::string_view kHash = "$argon2id$v=19$m=32768,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

TEST(VerifiedCache, RemembersOnlyTheVerifiedPasswordOfThatAccount) {
  VerifiedCache cache({10, seconds(60)});
  EXPECT_FALSE(cache.hit(1, kHash, "secret", t0));
  cache.remember(1, kHash, "secret", t0);
  EXPECT_TRUE(cache.hit(1, kHash, "secret", t0 + seconds(1)));
  EXPECT_FALSE(cache.hit(1, kHash, "Secret", t0 + seconds(1)));
  EXPECT_FALSE(cache.hit(1, kHash, "secret ", t0 + seconds(1)));
  EXPECT_FALSE(cache.hit(1, kHash, "", t0 + seconds(1)));
  EXPECT_FALSE(cache.hit(2, kHash, "secret", t0 + seconds(1)));
}

TEST(VerifiedCache, ANewStoredHashMisses) {
  // A password change (or a rehash) stores another hash: the old password must not get in.
  VerifiedCache cache({10, seconds(60)});
  cache.remember(1, kHash, "old", t0);
  std::string changed(kHash);
  changed.back() = 'h' == changed.back() ? 'i' : 'h';
  EXPECT_FALSE(cache.hit(1, changed, "old", t0));
  // Bytes moved between the hash and the password make another digest.
  EXPECT_FALSE(cache.hit(1, std::string(kHash) + "o", "ld", t0));
}

TEST(VerifiedCache, EntriesExpireAfterTheTtl) {
  VerifiedCache cache({10, seconds(60)});
  cache.remember(1, kHash, "secret", t0);
  EXPECT_TRUE(cache.hit(1, kHash, "secret", t0 + seconds(59)));
  EXPECT_FALSE(cache.hit(1, kHash, "secret", t0 + seconds(60)));
  // A hit does not extend the time; a new verification does.
  cache.remember(1, kHash, "secret", t0 + seconds(60));
  EXPECT_TRUE(cache.hit(1, kHash, "secret", t0 + seconds(119)));
}

TEST(VerifiedCache, TheLeastRecentlyUsedAccountGoesWhenFull) {
  VerifiedCache cache({2, seconds(60)});
  cache.remember(1, kHash, "one", t0);
  cache.remember(2, kHash, "two", t0);
  EXPECT_TRUE(cache.hit(1, kHash, "one", t0));   // 1 is now more recent than 2
  cache.remember(3, kHash, "three", t0);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.hit(1, kHash, "one", t0));
  EXPECT_FALSE(cache.hit(2, kHash, "two", t0));
  EXPECT_TRUE(cache.hit(3, kHash, "three", t0));
  // Remembering an account again replaces its entry instead of adding one.
  cache.remember(3, kHash, "four", t0);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.hit(3, kHash, "three", t0));
  EXPECT_TRUE(cache.hit(3, kHash, "four", t0));
}

TEST(VerifiedCache, ZeroEntriesTurnsItOff) {
  VerifiedCache cache({0, seconds(60)});
  cache.remember(1, kHash, "secret", t0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.hit(1, kHash, "secret", t0));
}

TEST(VerifiedCache, TwoCachesDoNotShareDigests) {
  // The key is drawn per cache (per process in the server), so one process's entries say
  // nothing to another: checked by remembering in one and looking up in the other.
  VerifiedCache a({10, seconds(60)});
  VerifiedCache b({10, seconds(60)});
  a.remember(1, kHash, "secret", t0);
  EXPECT_FALSE(b.hit(1, kHash, "secret", t0));
}

}  // namespace
}  // namespace pillarbox::auth
