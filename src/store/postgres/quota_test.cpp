#include "store/postgres/quota.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

AppendRequest message() {
  AppendRequest r;
  r.content = "Subject: q\n\n" + std::string(1000, 'x') + "\n";
  return r;
}

class PgQuotaTest : public testing::AliceDatabaseTest {};

TEST_F(PgQuotaTest, DefaultOwnLimitsAndUsage) {
  PgQuota q(pool);
  EXPECT_FALSE(q.get(alice)->limits.any());
  QuotaLimits dflt;
  dflt.messages = 5;
  q.set_default(dflt);
  EXPECT_EQ(q.get(alice)->limits.messages, 5u);
  EXPECT_FALSE(q.get(public_account)->limits.any());  // the default does not bind public folders
  QuotaLimits own;
  own.storage_kib = 2;
  ASSERT_TRUE(q.set(alice, own).ok());
  auto got = q.get(alice);
  EXPECT_TRUE(got->own);
  EXPECT_EQ(got->limits.storage_kib, 2u);
  EXPECT_FALSE(got->limits.messages);
  ASSERT_TRUE(q.set(alice, QuotaLimits{}).ok());  // own, and no limit at all
  EXPECT_FALSE(q.get(alice)->limits.any());
  ASSERT_TRUE(q.set(alice, std::nullopt).ok());  // back to the default
  EXPECT_EQ(q.get(alice)->limits.messages, 5u);
  EXPECT_EQ(q.set(999999, std::nullopt).error().code, Errc::not_found);
  EXPECT_EQ(q.get(999999).error().code, Errc::not_found);
}

TEST_F(PgQuotaTest, AppendsThroughSeveralFrontEndsCannotTogetherPassALimit) {
  PgQuota limits(pool);
  QuotaLimits own;
  own.messages = 10;
  ASSERT_TRUE(limits.set(alice, own).ok());
  PgMailboxes boxes(pool, public_account);
  const MailboxId other = boxes.create_mailbox(alice, "Other", "")->id;
  std::atomic<int> stored{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int f = 0; f < 3; ++f)
    threads.emplace_back([&, f] {
      Pool own_pool(db.url(), 1);
      PgQuota q(own_pool);
      HeaderCache headers(1 << 16);
      PgMessages m(own_pool, headers,
                   [&q](Conn& c, AccountId a, std::uint64_t o, std::uint64_t n) { return q.check(c, a, o, n); });
      for (int i = 0; i < 6; ++i) {
        auto r = m.append(f % 2 == 0 ? inbox : other, {message()});
        if (r.ok()) ++stored;
        else if (r.error().code == Errc::over_quota) ++refused;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored.load(), 10);
  EXPECT_EQ(refused.load(), 8);
  EXPECT_EQ(limits.get(alice)->usage.messages, 10u);
}

}  // namespace
}  // namespace pillarbox::store::postgres
