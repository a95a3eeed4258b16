#include "store/postgres/directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/ops.h"
#include "store/postgres/pg_testing.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

class PgDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Conn::open(db.url());
    migrate(*c);
  }
  static PgDirectory::CreateInbox hooks() {
    return [](Conn& c, AccountId id) {
      c.query("INSERT INTO mailboxes (account_id, name, uid_validity) VALUES ($1, 'INBOX', 1)", {id});
    };
  }
  testing::ScratchDatabase db;
  Pool pool{db.url(), 4};
};

TEST_F(PgDirectoryTest, AccountsAreFoundWithoutRegardToCaseAndMadeOnce) {
  PgDirectory d(pool, hooks());
  auto id = d.add_account("Alice@Example.ORG", "hash");
  ASSERT_TRUE(id.ok()) << id.error().detail;
  auto a = d.find_account("ALICE@example.org");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, *id);
  EXPECT_EQ(a->address, "alice@example.org");
  EXPECT_EQ(d.add_account("alice@EXAMPLE.org", "x").error().code, Errc::already_exists);
  EXPECT_EQ(d.add_account("#staff", "x").error().code, Errc::invalid);
  EXPECT_EQ(d.add_account("", "x").error().code, Errc::invalid);
  EXPECT_EQ(d.find_account("#public").error().code, Errc::not_found);  // the public folders' owner
  auto c = Conn::open(db.url());
  EXPECT_EQ(c->query("SELECT count(*) FROM mailboxes WHERE account_id = $1", {*id}).int64(0, 0), 1);
  auto domains = d.list_domains();
  ASSERT_TRUE(domains.ok());
  ASSERT_EQ(domains->size(), 1u);
  EXPECT_EQ((*domains)[0].name, "example.org");
  EXPECT_EQ((*domains)[0].accounts, 1u);
}

TEST_F(PgDirectoryTest, ConcurrentAddsOfOneAddressMakeOneAccount) {
  std::atomic<int> made{0};
  std::atomic<int> exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      Pool own(db.url(), 1);
      PgDirectory d(own, hooks());
      auto r = d.add_account("race@example.org", "h");
      if (r.ok()) ++made;
      else if (r.error().code == Errc::already_exists) ++exists;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(exists.load(), 3);
}

TEST_F(PgDirectoryTest, PasswordChangeDropsTheScramSecret) {
  PgDirectory d(pool, hooks());
  ASSERT_TRUE(d.add_account("bob@example.org", "old").ok());
  ASSERT_TRUE(d.set_scram_secret("bob@example.org", "{SCRAM-SHA-256}4096,s,a,b").ok());
  EXPECT_EQ(d.find_account("bob@example.org")->scram_secret, "{SCRAM-SHA-256}4096,s,a,b");
  ASSERT_TRUE(d.set_password_hash("BOB@example.org", "new").ok());
  auto a = d.find_account("bob@example.org");
  EXPECT_EQ(a->password_hash, "new");
  EXPECT_EQ(a->scram_secret, "");
  EXPECT_EQ(d.set_password_hash("nobody@example.org", "x").error().code, Errc::not_found);
  EXPECT_EQ(d.set_scram_secret("nobody@example.org", "x").error().code, Errc::not_found);
}

TEST_F(PgDirectoryTest, DomainsAndAliases) {
  PgDirectory d(pool, hooks());
  ASSERT_TRUE(d.add_domain("Example.NET").ok());
  EXPECT_EQ(d.add_domain("example.net").error().code, Errc::already_exists);
  EXPECT_EQ(d.add_domain("").error().code, Errc::invalid);
  ASSERT_TRUE(d.add_account("carol@example.net", "h").ok());
  ASSERT_TRUE(d.add_account("dave@example.net", "h").ok());
  EXPECT_EQ(d.delete_domain("example.net").error().code, Errc::in_use);
  EXPECT_EQ(d.delete_domain("example.com").error().code, Errc::not_found);

  ASSERT_TRUE(d.add_alias("Sales@example.net", "carol@example.net").ok());
  ASSERT_TRUE(d.add_alias("sales@example.net", "dave@example.net").ok());
  EXPECT_EQ(d.add_alias("sales@example.net", "dave@example.net").error().code, Errc::already_exists);
  EXPECT_EQ(d.add_alias("carol@example.net", "dave@example.net").error().code, Errc::already_exists);
  EXPECT_EQ(d.add_alias("x@example.net", "nobody@example.net").error().code, Errc::not_found);
  auto to = d.resolve_alias("SALES@EXAMPLE.NET");
  ASSERT_TRUE(to.ok());
  ASSERT_EQ(to->size(), 2u);
  EXPECT_EQ((*to)[0].address, "carol@example.net");
  EXPECT_EQ((*to)[1].address, "dave@example.net");
  ASSERT_TRUE(d.delete_alias("sales@example.net", "carol@example.net").ok());
  EXPECT_EQ(d.delete_alias("sales@example.net", "carol@example.net").error().code, Errc::not_found);
  auto all = d.list_aliases();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].alias, "sales@example.net");
  EXPECT_EQ((*all)[0].address, "dave@example.net");
}

TEST_F(PgDirectoryTest, DeletingAnAccountTakesItsRowsAndBlobsButNotSharedCopies) {
  PgDirectory d(pool, hooks());
  const AccountId erin = *d.add_account("erin@example.org", "h");
  const AccountId finn = *d.add_account("finn@example.org", "h");
  ASSERT_TRUE(d.add_alias("team@example.org", "erin@example.org").ok());
  auto c = Conn::open(db.url());
  const MailboxId erin_inbox = c->query("SELECT id FROM mailboxes WHERE account_id = $1", {erin}).int64(0, 0);
  const MailboxId finn_inbox = c->query("SELECT id FROM mailboxes WHERE account_id = $1", {finn}).int64(0, 0);
  c->exec("INSERT INTO blobs VALUES ('only-erin', 1, 'a'), ('shared', 1, 'b')");
  const std::string insert =
      "INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz, system_flags,"
      " modseq, envelope, body_structure, body) VALUES ($1, $2, $3, 1, 0, 0, 0, 1, '', '', '')";
  c->query(insert, {erin_inbox, 1, "only-erin"});
  c->query(insert, {erin_inbox, 2, "shared"});
  c->query(insert, {finn_inbox, 1, "shared"});
  c->query("INSERT INTO acl (mailbox_id, identifier, rights) VALUES ($1, 'erin@example.org', 'lr')", {finn_inbox});

  auto listener = Conn::open(db.url());
  listener->listen(kChangeChannel);
  ASSERT_TRUE(d.delete_account("ERIN@example.org").ok());
  auto note = listener->wait_notifications(std::chrono::seconds(5));  // her sessions hear of it
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0].payload, std::to_string(erin_inbox));
  EXPECT_EQ(d.find_account("erin@example.org").error().code, Errc::not_found);
  EXPECT_TRUE(d.resolve_alias("team@example.org")->empty());
  EXPECT_EQ(c->query("SELECT id FROM blobs ORDER BY id").size(), 1);
  EXPECT_EQ(c->query("SELECT id FROM blobs").text(0, 0), "shared");
  EXPECT_EQ(c->query("SELECT count(*) FROM acl").int64(0, 0), 0);
  EXPECT_EQ(d.delete_account("erin@example.org").error().code, Errc::not_found);
  EXPECT_EQ(d.delete_account("#public").error().code, Errc::not_found);
}

TEST_F(PgDirectoryTest, AnUnreachableDatabaseIsUnavailableNotABug) {
  Pool dead("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 1);
  PgDirectory d(dead, hooks());
  auto r = d.find_account("alice@example.org");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(d.add_domain("example.org").error().code, Errc::unavailable);
}

}  // namespace
}  // namespace pillarbox::store::postgres
