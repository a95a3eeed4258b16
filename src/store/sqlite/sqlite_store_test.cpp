// SQLite-specific behaviour beyond the conformance suite: message files on disk, schema.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <utime.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/mail_store.h"

namespace pillarbox::store {
namespace {

constexpr const char* kTextIndex = "text-index.sqlite3";

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pb-sqlite-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    open();
    auto a = store_->directory().add_account("u@example.com", "h");
    ASSERT_TRUE(a.ok());
    inbox_ = store_->get_mailbox(*a, "INBOX")->id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    store_.reset();
    auto s = open_sqlite_store(dir_);
    ASSERT_TRUE(s.ok()) << s.error().detail;
    store_ = std::move(*s);
    // These tests look at message files; the ones about messages kept in the database turn
    // that on themselves (the conformance suite runs with the default).
    store_->set_inline_max_octets(0);
  }
  std::size_t message_files() const {
    std::size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_ + "/messages"))
      if (e.is_regular_file()) ++n;
    return n;
  }
  // The integer the query `sql` answers, read through a connection of its own (as another
  // process would see the database).
  // `file`: the main database, or "text-index.sqlite3" for the full-text index.
  int count_of(const char* sql, const char* file = "pillarbox.sqlite3") const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ + "/" + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    sqlite3_step(st);
    const int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }
  std::vector<Uid> append(std::vector<std::string> contents) {
    std::vector<AppendRequest> reqs;
    for (auto& c : contents) reqs.push_back(AppendRequest{std::move(c), {}, std::nullopt, 0});
    auto r = store_->append(inbox_, std::move(reqs));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->uids : std::vector<Uid>{};
  }
  std::string dir_;
  std::unique_ptr<MailStore> store_;
  MailboxId inbox_ = 0;
};

TEST_F(SqliteStoreTest, LayoutAndPragmas) {
  EXPECT_TRUE(fs::exists(dir_ + "/pillarbox.sqlite3"));
  EXPECT_TRUE(fs::is_directory(dir_ + "/messages"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ + "/pillarbox.sqlite3").c_str(), &db, SQLITE_OPEN_READONLY,
                            nullptr), SQLITE_OK);
  auto one = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW) v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(one("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(one("SELECT version FROM schema_version"), "11");
  EXPECT_EQ(one("SELECT count(*) FROM accounts WHERE kind = 1"), "1");
  sqlite3_close(db);
}

// Takes a new database back to before version 11 (small messages in the database).
constexpr const char* kUndoVersion11 = "DROP TABLE blob_bytes;";

// Takes a new database back to before version 10 (the full-text index in its own file).
const std::string kUndoVersion10 = std::string(kUndoVersion11) +
    "CREATE VIRTUAL TABLE message_text USING fts5(blob_id UNINDEXED, header, body, part_headers,"
    " tokenize = 'trigram case_sensitive 1', detail = none);";

// Takes a new database back to before version 9 (indexes for big mailboxes).
const std::string kUndoVersion9 = kUndoVersion10 +
    "DROP INDEX messages_meta; DROP INDEX messages_blob; CREATE INDEX messages_blob ON messages (blob_id);";

// Takes a new database back to before version 8 (the full-text index).
const std::string kUndoVersion8 = kUndoVersion9 +
    "DROP INDEX blobs_unindexed; DROP TABLE message_text; DROP TABLE text_garbage;"
    " ALTER TABLE blobs DROP COLUMN text_id;";

// Takes a new database back to before version 7 (quota limits).
const std::string kUndoVersion7 = kUndoVersion8 +
    "ALTER TABLE accounts DROP COLUMN quota_own; ALTER TABLE accounts DROP COLUMN quota_storage_kib;"
    " ALTER TABLE accounts DROP COLUMN quota_messages;";

// Takes a new database back to before version 6 (special-use attributes).
const std::string kUndoVersion6 = kUndoVersion7 +
    "DROP INDEX mailboxes_special_use; ALTER TABLE mailboxes DROP COLUMN special_use;";

// Takes a new database back to before version 5 (shared mailboxes and public folders).
const std::string kUndoVersion5 = kUndoVersion6 +
    " DROP TABLE mailbox_addresses; DROP TRIGGER messages_private_seen_delete; DROP TABLE private_seen;"
    " DROP TABLE acl; DELETE FROM accounts WHERE kind = 1; ALTER TABLE accounts DROP COLUMN kind;"
    " DELETE FROM counters WHERE name = 'mailbox_id';";

TEST_F(SqliteStoreTest, MigrationToVersion9IndexesWhatBigMailboxesRead) {
  append({"Subject: a\r\n\r\none\r\n", "Subject: b\r\n\r\ntwo\r\n"});
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, (kUndoVersion9 + "UPDATE schema_version SET version = 8;").c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  open();
  auto listed = store_->list_messages(inbox_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  store_.reset();
  ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
  // What the planner does with the statements SELECT (every MessageMeta of a mailbox) and the
  // full-text search (a file's messages in one mailbox) send: the indexes alone, no row.
  auto plan = [&](const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr), SQLITE_OK);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + ";";
    sqlite3_finalize(st);
    return out;
  };
  EXPECT_EQ(plan("SELECT version FROM schema_version"), "SCAN schema_version;");
  EXPECT_NE(plan("SELECT m.uid, m.system_flags, m.keywords, m.modseq, m.size, m.internal_date, m.internal_date_tz"
                 " FROM messages AS m WHERE m.mailbox_id = 1 ORDER BY m.uid")
                .find("USING COVERING INDEX messages_meta"),
            std::string::npos);
  EXPECT_NE(plan("SELECT m.uid FROM messages AS m WHERE m.blob_id = 'x' AND m.mailbox_id = 1")
                .find("USING COVERING INDEX messages_blob"),
            std::string::npos);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 11);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Version 10 moves the full-text index to text-index.sqlite3. The rows of the old table are
// not copied: the claims (blobs.text_id) are cleared, so the files are read by SEARCH and
// indexed again. The same happens when an administrator removes the index file.
TEST_F(SqliteStoreTest, MigrationToVersion10MovesTheTextIndexToItsOwnFile) {
  append({"Subject: a\r\n\r\nquick one\r\n", "Subject: b\r\n\r\nslow two\r\n"});
  ASSERT_TRUE(store_->rebuild_text_index(false).ok());
  EXPECT_EQ(count_of("SELECT count(*) FROM blobs WHERE text_id IS NOT NULL"), 2);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, (kUndoVersion10 + "UPDATE schema_version SET version = 9;").c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  fs::remove(dir_ + "/" + kTextIndex);
  open();
  EXPECT_EQ(count_of("SELECT count(*) FROM blobs WHERE text_id IS NOT NULL"), 0);
  EXPECT_EQ(count_of("SELECT count(*) FROM sqlite_master WHERE name = 'message_text'"), 0);
  SearchKey quick;
  quick.kind = SearchKey::Kind::body;
  quick.value = "quick";
  auto found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1");
  auto indexed = store_->rebuild_text_index(false);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, 2u);
  EXPECT_EQ(count_of("SELECT count(*) FROM message_text", kTextIndex), 2);
  found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1");
  // Removed by hand while the server is down: the claims go at the next start.
  store_.reset();
  fs::remove(dir_ + "/" + kTextIndex);
  fs::remove(dir_ + "/" + kTextIndex + "-wal");
  fs::remove(dir_ + "/" + kTextIndex + "-shm");
  open();
  EXPECT_EQ(count_of("SELECT count(*) FROM blobs WHERE text_id IS NOT NULL"), 0);
  found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1");
}

TEST_F(SqliteStoreTest, MigrationToVersion5AddsThePublicFoldersOwner) {
  auto v = store_->directory().add_account("v@site2.example", "h");
  ASSERT_TRUE(v.ok());
  // Personal mailboxes named like a namespace, made before namespaces existed.
  ASSERT_TRUE(store_->create_mailbox(*v, "other users/x").ok());
  ASSERT_TRUE(store_->create_mailbox(*v, "Public Folders").ok());
  ASSERT_TRUE(store_->create_mailbox(*v, "Other usersX").ok());
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, (kUndoVersion5 + "UPDATE schema_version SET version = 4;").c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  const auto owner = store_->public_account();
  EXPECT_GT(owner, 0);
  auto folder = store_->create_mailbox(owner, "News");
  ASSERT_TRUE(folder.ok());
  // The owner of public folders is never an account anyone can find or log in as.
  auto accounts = store_->directory().list_accounts();
  ASSERT_TRUE(accounts.ok());
  for (const auto& a : *accounts) EXPECT_NE(a.id, owner);
  EXPECT_FALSE(store_->directory().find_account("#public").ok());
  EXPECT_FALSE(store_->directory().add_account("#public", "h").ok());
  EXPECT_TRUE(store_->directory().find_account("v@site2.example").ok());
  // They keep their contents under a name the namespaces do not claim.
  EXPECT_TRUE(store_->get_mailbox(*v, "other users (mailbox)/x").ok());
  EXPECT_TRUE(store_->get_mailbox(*v, "Public Folders (mailbox)").ok());
  EXPECT_TRUE(store_->get_mailbox(*v, "Other usersX").ok());
  EXPECT_FALSE(store_->get_mailbox(*v, "other users/x").ok());
}

TEST_F(SqliteStoreTest, MigrationToVersion6GivesTheDefaultNamesTheirSpecialUse) {
  auto v = store_->directory().add_account("v@site2.example", "h");
  ASSERT_TRUE(v.ok());
  for (const char* name : {"Sent", "Trash", "Drafts", "Junk", "Archive", "sent", "Trash/Old", "Spam"})
    ASSERT_TRUE(store_->create_mailbox(*v, name).ok()) << name;
  ASSERT_TRUE(store_->create_mailbox(store_->public_account(), "Sent").ok());
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, (kUndoVersion6 + "UPDATE schema_version SET version = 5;").c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  auto use = [&](AccountId a, const char* name) { return store_->get_mailbox(a, name)->special_use; };
  EXPECT_EQ(use(*v, "Sent"), "\\Sent");
  EXPECT_EQ(use(*v, "Trash"), "\\Trash");
  EXPECT_EQ(use(*v, "Drafts"), "\\Drafts");
  EXPECT_EQ(use(*v, "Junk"), "\\Junk");
  EXPECT_EQ(use(*v, "Archive"), "\\Archive");
  // Only the exact names, only personal mailboxes.
  EXPECT_EQ(use(*v, "sent"), "");
  EXPECT_EQ(use(*v, "Trash/Old"), "");
  EXPECT_EQ(use(*v, "Spam"), "");
  EXPECT_EQ(use(store_->public_account(), "Sent"), "");
  // The once-per-account rule holds after the migration.
  auto again = store_->create_mailbox(*v, "Sent 2", "\\Sent");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::in_use);
}

TEST_F(SqliteStoreTest, MigrationToVersion7GivesAccountsTheDefaultQuota) {
  auto v = store_->directory().add_account("v@site2.example", "h");
  ASSERT_TRUE(v.ok());
  append({"Subject: a\r\n\r\n1\r\n", "Subject: b\r\n\r\n22\r\n"});
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, (kUndoVersion7 + "UPDATE schema_version SET version = 6;").c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  store_->set_default_quota(QuotaLimits{100, 1});
  auto account = store_->directory().find_account("u@example.com");
  ASSERT_TRUE(account.ok());
  auto quota = store_->get_quota(account->id);
  ASSERT_TRUE(quota.ok());
  EXPECT_FALSE(quota->own);
  EXPECT_EQ(quota->limits, (QuotaLimits{100, 1}));
  // Usage comes from the messages already there: the migration needs no recount.
  EXPECT_EQ(quota->usage.messages, 2u);
  EXPECT_EQ(quota->usage.storage_octets, 17u + 18u);
  // Over the default message limit already: growth is refused, nothing else.
  std::vector<AppendRequest> one;
  one.push_back(AppendRequest{"Subject: c\r\n\r\n3\r\n", {}, std::nullopt, 0});
  auto refused = store_->append(inbox_, std::move(one));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::over_quota);
  ASSERT_TRUE(store_->set_quota(*v, QuotaLimits{std::nullopt, 5}).ok());
  EXPECT_TRUE(store_->get_quota(*v)->own);
}

TEST_F(SqliteStoreTest, MigrationToVersion3AddsTheDomainsOfExistingAccounts) {
  ASSERT_TRUE(store_->directory().add_account("v@site2.example", "h").ok());
  store_.reset();
  {
    // Back to version 2, as a database written before domains existed.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           (kUndoVersion5 +
                            "DROP TABLE domains; ALTER TABLE accounts DROP COLUMN scram_secret;"
                            " UPDATE schema_version SET version = 2;")
                               .c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  auto domains = store_->directory().list_domains();
  ASSERT_TRUE(domains.ok());
  ASSERT_EQ(domains->size(), 2u);
  EXPECT_EQ((*domains)[0].name, "example.com");
  EXPECT_EQ((*domains)[0].accounts, 1u);
  EXPECT_EQ((*domains)[1].name, "site2.example");
}

TEST_F(SqliteStoreTest, MigrationToVersion4LeavesAccountsWithoutScramSecrets) {
  ASSERT_TRUE(store_->directory().add_account("v@site2.example", "h").ok());
  store_.reset();
  {
    // Back to version 3, as a database written before SCRAM secrets existed.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           (kUndoVersion5 +
                            "ALTER TABLE accounts DROP COLUMN scram_secret; UPDATE schema_version SET version = 3;")
                               .c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  auto account = store_->directory().find_account("v@site2.example");
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->password_hash, "h");
  EXPECT_EQ(account->scram_secret, "");
  ASSERT_TRUE(store_->directory().set_scram_secret("v@site2.example", "{SCRAM-SHA-256}x").ok());
  EXPECT_EQ(store_->directory().find_account("v@site2.example")->scram_secret, "{SCRAM-SHA-256}x");
}

TEST_F(SqliteStoreTest, MessagesStoredBeforeTheTextIndexAreSearchedUntilRebuilt) {
  append({"Subject: alpha\r\n\r\nthe quick brown fox\r\n", "Subject: beta\r\n\r\nlazy dogs\r\n"});
  store_.reset();
  {
    // Back to version 7, as a database written before the full-text index existed.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, (kUndoVersion8 + "UPDATE schema_version SET version = 7;").c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  open();
  append({"Subject: gamma\r\n\r\nquick thinking\r\n"});
  SearchKey quick;
  quick.kind = SearchKey::Kind::text;
  quick.value = "QUICK";
  auto found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1,3");   // each read from its file
  auto indexed = store_->rebuild_text_index(false);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, 3u);   // all were missing: nothing indexes without start_text_indexing
  indexed = store_->rebuild_text_index(false);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, 0u);
  found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1,3");
  indexed = store_->rebuild_text_index(true);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, 3u);
  // The answer now comes from the index alone: with the files gone it is still the same, where
  // reading the files would find nothing.
  for (auto& e : fs::recursive_directory_iterator(dir_ + "/messages"))
    if (e.is_regular_file()) fs::remove(e.path());
  found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1,3");
  quick.value = "qu";   // too short for the index's trigrams: read from the (missing) files
  found = store_->search(inbox_, quick);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "");
}

TEST_F(SqliteStoreTest, TheIndexerIndexesWhatArrivesWithoutDelayingIt) {
  append({"Subject: one\r\n\r\nfirst\r\n"});   // before the indexer starts: done at its start
  store_->start_text_indexing();
  append({"Subject: two\r\n\r\nsecond\r\n", "Subject: three\r\n\r\nthird\r\n"});
  auto unindexed = [&] { return count_of("SELECT count(*) FROM blobs WHERE text_id IS NULL"); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (unindexed() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(unindexed(), 0);
  // An expunge leaves its index rows to the indexer, which removes them soon after.
  EXPECT_EQ(count_of("SELECT count(*) FROM message_text", kTextIndex), 3);
  UidSet two;
  two.add(1, 2);
  ASSERT_TRUE(store_->expunge_uids(inbox_, two).ok());
  const auto cleaned_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count_of("SELECT count(*) FROM message_text", kTextIndex) > 1 && std::chrono::steady_clock::now() < cleaned_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(count_of("SELECT count(*) FROM message_text", kTextIndex), 1);
  EXPECT_EQ(count_of("SELECT count(*) FROM text_rows", kTextIndex), 1);
  EXPECT_EQ(count_of("SELECT count(*) FROM text_garbage"), 0);
  auto indexed = store_->rebuild_text_index(false);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, 0u);
  store_.reset();   // stops the indexer
}

// [store] text_index_backlog = 0: the indexer works alongside clients that never stop writing
// (with the default it waits for 300 ms without a write, which never comes here).
TEST_F(SqliteStoreTest, TextIndexBacklogZeroIndexesWhileClientsWrite) {
  store_->set_text_index_backlog(0);
  store_->start_text_indexing();
  auto indexed = [&] { return count_of("SELECT count(*) FROM blobs WHERE text_id IS NOT NULL"); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int appended = 0;
  while (indexed() < 5 && std::chrono::steady_clock::now() < deadline) {
    append({"Subject: busy " + std::to_string(++appended) + "\r\n\r\nwriting on\r\n"});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(indexed(), 5) << "after " << appended << " appends 20 ms apart";
  store_.reset();   // stops the indexer
}

// The WAL is copied back by the store's own checkpoint thread: the writer's automatic
// checkpoint is replaced (sqlite3_wal_hook). A checkpoint racing a steady stream of commits never
// lets the WAL start over, so the writer finishes the job itself at 4,000 pages
// (kRestartPages). 4,000 small commits write about 12,000 pages (48 MB of WAL without that
// step); the WAL stays near 4,000.
TEST_F(SqliteStoreTest, TheCheckpointThreadKeepsTheWalSmall) {
  append({"Subject: a\r\n\r\na\r\n", "Subject: b\r\n\r\nb\r\n"});
  UidSet one;
  one.add(1);
  Flags seen;
  seen.system = kSeen;
  for (int i = 0; i < 4000; ++i)
    ASSERT_TRUE(store_->store_flags(inbox_, one, i % 2 ? StoreMode::remove : StoreMode::add, seen).ok());
  const auto wal = fs::file_size(dir_ + "/pillarbox.sqlite3-wal");
  EXPECT_LT(wal, std::uintmax_t{5000} * 4096) << wal << " bytes of WAL";
}

// [store] inline_max_octets: messages up to the limit live in blob_bytes, written by the
// commit (no file, no fsync of their own), larger ones in files; both read back the same, and
// a row goes with the last message that refers to it, as a file does.
TEST_F(SqliteStoreTest, SmallMessagesLiveInTheDatabase) {
  store_->set_inline_max_octets(1024);
  const std::string small = "Subject: small\r\n\r\nfits\r\n";
  const std::string big = "Subject: big\r\n\r\n" + std::string(2000, 'x') + "\r\n";
  append({small, big});
  EXPECT_EQ(message_files(), 1u);
  EXPECT_EQ(count_of("SELECT count(*) FROM blob_bytes"), 1);
  UidSet both;
  both.add(1, 2);
  FetchNeeds needs;
  needs.content = true;
  auto fetched = store_->fetch(inbox_, both, needs);
  ASSERT_TRUE(fetched.ok());
  ASSERT_EQ(fetched->size(), 2u);
  ASSERT_TRUE((*fetched)[0].content);
  ASSERT_TRUE((*fetched)[1].content);
  EXPECT_EQ(*(*fetched)[0].content, small);
  EXPECT_EQ(*(*fetched)[1].content, big);
  // Found by SEARCH BODY before and after the full-text index has it.
  SearchKey fits;
  fits.kind = SearchKey::Kind::body;
  fits.value = "fits";
  auto found = store_->search(inbox_, fits);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1");
  ASSERT_TRUE(store_->rebuild_text_index(false).ok());
  found = store_->search(inbox_, fits);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->to_string(), "1");
  // A copy shares the row; it goes with the last message.
  auto other = store_->create_mailbox(store_->directory().find_account("u@example.com")->id, "Other");
  ASSERT_TRUE(other.ok());
  UidSet first;
  first.add(1);
  ASSERT_TRUE(store_->copy(inbox_, first, other->id).ok());
  Flags del;
  del.system = kDeleted;
  ASSERT_TRUE(store_->store_flags(inbox_, both, StoreMode::add, del).ok());
  ASSERT_TRUE(store_->expunge(inbox_, std::nullopt).ok());
  EXPECT_EQ(count_of("SELECT count(*) FROM blob_bytes"), 1);
  EXPECT_EQ(message_files(), 0u);
  UidSet copy;
  copy.add(1);
  ASSERT_TRUE(store_->store_flags(other->id, copy, StoreMode::add, del).ok());
  ASSERT_TRUE(store_->expunge(other->id, std::nullopt).ok());
  EXPECT_EQ(count_of("SELECT count(*) FROM blob_bytes"), 0);
}

TEST_F(SqliteStoreTest, FilesFollowTheirLastReference) {
  append({"Subject: a\r\n\r\na\r\n", "Subject: b\r\n\r\nb\r\n"});
  EXPECT_EQ(message_files(), 2u);
  auto trash = store_->create_mailbox(store_->directory().find_account("u@example.com")->id, "T");
  ASSERT_TRUE(trash.ok());
  UidSet one;
  one.add(1);
  ASSERT_TRUE(store_->copy(inbox_, one, trash->id).ok());
  EXPECT_EQ(message_files(), 2u);  // COPY shares the file
  Flags del;
  del.system = kDeleted;
  UidSet all;
  all.add(1, 100);
  ASSERT_TRUE(store_->store_flags(inbox_, all, StoreMode::add, del).ok());
  ASSERT_TRUE(store_->expunge(inbox_, std::nullopt).ok());
  EXPECT_EQ(message_files(), 1u);  // b is gone, a is still referenced by the copy
  ASSERT_TRUE(store_->delete_mailbox(store_->directory().find_account("u@example.com")->id, "T").ok());
  EXPECT_EQ(message_files(), 0u);
}

TEST_F(SqliteStoreTest, FailedAppendLeavesNoFiles) {
  auto r = store_->append(987654, {AppendRequest{"Subject: x\r\n\r\n", {}, std::nullopt, 0}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(message_files(), 0u);
}

TEST_F(SqliteStoreTest, DeleteAccountRemovesFiles) {
  append({"Subject: a\r\n\r\na\r\n"});
  EXPECT_EQ(message_files(), 1u);
  ASSERT_TRUE(store_->directory().delete_account("U@example.com").ok());
  EXPECT_EQ(message_files(), 0u);
}

TEST_F(SqliteStoreTest, StartupSweepRemovesOldOrphans) {
  append({"Subject: kept\r\n\r\n"});
  const std::string orphan_dir = dir_ + "/messages/ab";
  fs::create_directories(orphan_dir);
  const std::string orphan = orphan_dir + "/ab000000000000000000000000000000";
  std::ofstream(orphan) << "crashed before commit";
  struct utimbuf old{1000, 1000};
  ASSERT_EQ(::utime(orphan.c_str(), &old), 0);
  open();
  for (int i = 0; i < 500 && fs::exists(orphan); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(message_files(), 1u);
  UidSet all;
  all.add(1, 10);
  auto f = store_->fetch(inbox_, all, FetchNeeds{.content = true});
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
}

// `pillarbox check --store`: the cleanup pass after a crash takes files of any age only when no
// other process has the store open, and reports what must never happen.
TEST_F(SqliteStoreTest, CheckStoreCleansUpAndReportsDamage) {
  append({"Subject: one\r\n\r\n", "Subject: two\r\n\r\n"});
  const std::string orphan_dir = dir_ + "/messages/cd";
  fs::create_directories(orphan_dir);
  const std::string orphan = orphan_dir + "/cd000000000000000000000000000000";
  std::ofstream(orphan) << "an append that crashed before its commit";

  {
    // Another process (here: another open) has the store: a young file may be an APPEND's.
    auto other = open_sqlite_store(dir_);
    ASSERT_TRUE(other.ok());
    auto shared = store_->check_store();
    ASSERT_TRUE(shared.ok()) << shared.error().detail;
    EXPECT_FALSE(shared->exclusive);
    EXPECT_EQ(shared->orphan_files_removed, 0u);
    EXPECT_TRUE(fs::exists(orphan));
  }
  auto clean = store_->check_store();
  ASSERT_TRUE(clean.ok()) << clean.error().detail;
  EXPECT_TRUE(clean->exclusive);
  EXPECT_EQ(clean->orphan_files_removed, 1u);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(clean->messages, 2u);
  EXPECT_TRUE(clean->problems.empty()) << clean->problems.front();
  EXPECT_EQ(message_files(), 2u);
  // The check leaves the store usable, and its lock shared again.
  append({"Subject: three\r\n\r\n"});
  {
    auto other = open_sqlite_store(dir_);
    ASSERT_TRUE(other.ok());
  }

  // Damage: a message file gone, a mailbox count wrong, UIDNEXT below a UID.
  for (auto& e : fs::recursive_directory_iterator(dir_ + "/messages"))
    if (e.is_regular_file()) {
      fs::remove(e.path());
      break;
    }
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/pillarbox.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE mailboxes SET message_count = message_count + 1, uid_next = 3 WHERE name = 'INBOX'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  open();
  auto damaged = store_->check_store();
  ASSERT_TRUE(damaged.ok());
  std::string all;
  for (const auto& p : damaged->problems) all += p + "\n";
  EXPECT_NE(all.find("is missing"), std::string::npos) << all;
  EXPECT_NE(all.find("uid 3: UID not below UIDNEXT"), std::string::npos) << all;
  EXPECT_NE(all.find("counts say 4 messages"), std::string::npos) << all;
}

TEST_F(SqliteStoreTest, OpenFailsWithPathInDetail) {
  std::ofstream(dir_ + "/plainfile") << "x";
  auto s = open_sqlite_store(dir_ + "/plainfile");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().detail.find("plainfile"), std::string::npos);
}

}  // namespace
}  // namespace pillarbox::store
