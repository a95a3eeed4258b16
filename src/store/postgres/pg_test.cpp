#include "store/postgres/pg.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/pg_testing.h"

namespace pillarbox::store::postgres {
namespace {

using namespace std::chrono_literals;

class PgTest : public ::testing::Test {
 protected:
  testing::ScratchDatabase db;
};

TEST_F(PgTest, ParametersAndColumnsRoundTrip) {
  auto c = Conn::open(db.url());
  c->exec("CREATE TABLE t (i BIGINT, s TEXT, b BYTEA, small INT)");
  const std::string bytes("a\0b\xff\r\n", 6);
  c->query("INSERT INTO t VALUES ($1, $2, $3, $4)",
           {std::int64_t{-9'000'000'000'000}, "näive 'q'", Param::bytes(bytes), -7});
  c->query("INSERT INTO t VALUES ($1, $2, $3, $4)", {Param::null(), Param::null(), Param::bytes(""), 0});
  for (bool binary : {false, true}) {
    SCOPED_TRACE(binary ? "binary results" : "text results");
    const std::string sql = "SELECT i, s, b, small FROM t ORDER BY i NULLS LAST";
    Rows r = binary ? c->query_binary(sql) : c->query(sql);
    ASSERT_EQ(r.size(), 2);
    EXPECT_EQ(r.int64(0, 0), -9'000'000'000'000);
    EXPECT_EQ(r.text(0, 1), "näive 'q'");
    EXPECT_EQ(r.bytes(0, 2), bytes);
    EXPECT_EQ(r.int64(0, 3), -7);
    EXPECT_TRUE(r.is_null(1, 0));
    EXPECT_TRUE(r.is_null(1, 1));
    EXPECT_FALSE(r.is_null(1, 2));
    EXPECT_EQ(r.bytes(1, 2), "");
  }
  EXPECT_EQ(c->query("UPDATE t SET small = 1").affected(), 2u);
}

TEST_F(PgTest, ErrorsCarryTheSqlState) {
  auto c = Conn::open(db.url());
  c->exec("CREATE TABLE u (k TEXT PRIMARY KEY)");
  c->query("INSERT INTO u VALUES ($1)", {"x"});
  try {
    c->query("INSERT INTO u VALUES ($1)", {"x"});
    FAIL() << "a duplicate key was accepted";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");  // unique_violation
    EXPECT_FALSE(e.retryable());
    EXPECT_FALSE(e.connection_lost());
  }
  EXPECT_THROW(c->exec("SELEC 1"), PgError);
  EXPECT_TRUE(c->ok());  // still usable after statement errors
  EXPECT_EQ(c->query("SELECT 1 + 1").int64(0, 0), 2);
}

TEST_F(PgTest, TransactionRollsBackUnlessCommitted) {
  auto c = Conn::open(db.url());
  c->exec("CREATE TABLE v (n INT)");
  {
    Transaction tx(*c);
    c->query("INSERT INTO v VALUES (1)");
    EXPECT_FALSE(c->idle());
  }
  EXPECT_TRUE(c->idle());
  EXPECT_EQ(c->query("SELECT count(*) FROM v").int64(0, 0), 0);
  {
    Transaction tx(*c);
    c->query("INSERT INTO v VALUES (2)");
    tx.commit();
  }
  EXPECT_EQ(c->query("SELECT count(*) FROM v").int64(0, 0), 1);
}

TEST_F(PgTest, NotificationsArriveAfterCommitOnly) {
  auto listener = Conn::open(db.url());
  listener->listen("pillarbox changes");
  EXPECT_TRUE(listener->wait_notifications(0ms).empty());
  auto writer = Conn::open(db.url());
  {
    Transaction tx(*writer);
    writer->query("SELECT pg_notify($1, $2)", {"pillarbox changes", "42"});
    EXPECT_TRUE(listener->wait_notifications(100ms).empty());  // not before COMMIT
    tx.commit();
  }
  auto got = listener->wait_notifications(5000ms);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].channel, "pillarbox changes");
  EXPECT_EQ(got[0].payload, "42");
  EXPECT_EQ(got[0].backend_pid, writer->backend_pid());
  {
    Transaction tx(*writer);
    writer->query("SELECT pg_notify($1, $2)", {"pillarbox changes", "43"});
  }  // rolled back: never delivered
  EXPECT_TRUE(listener->wait_notifications(200ms).empty());
}

TEST_F(PgTest, PoolLendsEachConnectionToOneCallerAndWaitsForAFreeOne) {
  Pool pool(db.url(), 2, 300ms);
  auto a = pool.lease();
  auto b = pool.lease();
  EXPECT_NE(a->backend_pid(), b->backend_pid());
  EXPECT_THROW(pool.lease(), PgError);  // none free within the wait
  std::atomic<int> got_pid{0};
  std::thread t([&] {
    Pool::Lease c = pool.lease();  // waits for a's return
    got_pid = c->backend_pid();
  });
  const int pid_a = a->backend_pid();
  { auto gone = std::move(a); }
  t.join();
  EXPECT_EQ(got_pid.load(), pid_a);  // the same connection, reused
}

TEST_F(PgTest, PoolDropsConnectionsThatFailedOrWereLeftInATransaction) {
  Pool pool(db.url(), 1, 5000ms);
  int first = 0;
  {
    auto c = pool.lease();
    first = c->backend_pid();
    auto killer = Conn::open(db.url());
    killer->query("SELECT pg_terminate_backend($1)", {first});
    EXPECT_THROW(c->query("SELECT 1"), PgError);
  }
  int second = 0;
  {
    auto c = pool.lease();  // a new connection, not the dead one
    second = c->backend_pid();
    EXPECT_NE(second, first);
    EXPECT_EQ(c->query("SELECT 1").int64(0, 0), 1);
    c->exec("BEGIN");  // returned mid-transaction: dropped, its transaction dies with it
  }
  auto c = pool.lease();
  EXPECT_NE(c->backend_pid(), second);
  EXPECT_TRUE(c->idle());
}

TEST(PgConn, AnUnreachableServerIsAClearError) {
  try {
    Conn::open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
    FAIL() << "connected to port 1";
  } catch (const PgError& e) {
    EXPECT_TRUE(e.connection_lost());
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
  }
}

TEST(PgConn, QuoteIdentifier) {
  EXPECT_EQ(quote_identifier("a"), "\"a\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
}

}  // namespace
}  // namespace pillarbox::store::postgres
