#include "store/postgres/schema.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/postgres/pg_testing.h"

namespace pillarbox::store::postgres {
namespace {

TEST(PgSchema, MigrateCreatesTheSchemaOnceAndAgainChangesNothing) {
  testing::ScratchDatabase db;
  auto c = Conn::open(db.url());
  EXPECT_EQ(schema_version(*c), 0);
  migrate(*c);
  EXPECT_EQ(schema_version(*c), kSchemaVersion);
  // The public folders' owner exists once; a second migrate adds nothing.
  migrate(*c);
  EXPECT_EQ(c->query("SELECT count(*) FROM accounts WHERE kind = 1").int64(0, 0), 1);
  EXPECT_EQ(c->query("SELECT count(*) FROM schema_version").int64(0, 0), 1);
}

TEST(PgSchema, FrontEndsStartingTogetherMigrateOnce) {
  testing::ScratchDatabase db;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      try {
        auto c = Conn::open(db.url());
        migrate(*c);
      } catch (const PgError&) {
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = Conn::open(db.url());
  EXPECT_EQ(schema_version(*c), kSchemaVersion);
  EXPECT_EQ(c->query("SELECT count(*) FROM accounts WHERE kind = 1").int64(0, 0), 1);
}

TEST(PgSchema, ANewerDatabaseIsRefused) {
  testing::ScratchDatabase db;
  auto c = Conn::open(db.url());
  migrate(*c);
  c->query("UPDATE schema_version SET version = $1", {kSchemaVersion + 1});
  try {
    migrate(*c);
    FAIL() << "a newer schema was accepted";
  } catch (const PgError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this program"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(c->idle());  // nothing left open
}

}  // namespace
}  // namespace pillarbox::store::postgres
