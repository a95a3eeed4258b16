// The embedded default store (SPEC "Storage"): one SQLite database in WAL mode for accounts and
// mailbox metadata, message bytes as immutable files (BlobStore) beside it, except those of
// small messages, which are rows of the database (kSchemaV11, set_inline_max_octets).
//
// Durability. A write returns only after a durable commit: the message files are written,
// fsync'd, renamed and their directory fsync'd before the metadata transaction begins (small
// messages' bytes are written by the transaction itself), and the
// database runs journal_mode=WAL with synchronous=FULL, under which SQLite fsyncs the WAL on
// every COMMIT. So an OK'd APPEND/COPY/STORE/EXPUNGE survives a crash or power loss, and no
// committed row can point at a missing file. A crash between the file and the commit leaves an
// orphan file, which the start-up sweep removes.
//
// Locking. One writer connection used by one thread at a time, with group commit: concurrent
// writes queue up and the first waiting caller commits the whole queue in one transaction, so N
// concurrent writes cost one WAL fsync, not N (SQLite allows one writer at a time anyway; doing
// the queueing ourselves avoids busy-waiting inside SQLite). A pool of reader connections reads
// consistent WAL snapshots in parallel with the writer. Work that needs no database (parsing
// the message, writing and syncing its file) happens before a write is queued, so concurrent
// appends overlap their slow part. Connections are opened with SQLITE_OPEN_NOMUTEX: each is
// used by one thread at a time by construction (see db.h), so SQLite's per-call mutex would be
// pure overhead.
//
// UIDVALIDITY. Each new mailbox gets max(now in seconds, last issued + 1), with the last value
// kept in the `counters` table: values are unique in the whole store, strictly increasing, and
// stay so across restarts and clock steps backwards, so a mailbox deleted and created again (or
// a name reused by RENAME) never shows an old UIDVALIDITY with different messages.
//
// MODSEQ. A new mailbox starts at HIGHESTMODSEQ 1 (RFC 7162 mod-sequences are positive). Each
// write operation takes highest_modseq + 1 and gives it to every message it changes (and to the
// rows it records as expunged): one value per operation keeps CHANGEDSINCE exact and cheap.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/json.h"
#include "base/log.h"
#include "mail/decode.h"
#include "mail/message.h"
#include "store/append_prep.h"
#include "store/blob_store.h"
#include "store/change_bus.h"
#include "store/flag_change.h"
#include "store/header_cache.h"
#include "store/quota_rules.h"
#include "store/row_codec.h"
#include "store/mail_store.h"
#include "store/search_eval.h"
#include "store/sqlite/db.h"

namespace pillarbox::store {
namespace {

using sqlite::Db;
using sqlite::SqlError;
using sqlite::Stmt;
using sqlite::Transaction;

constexpr int kSchemaVersion = 11;
constexpr std::size_t kReaders = 8;
constexpr std::chrono::seconds kOrphanMinAge{600};
constexpr std::uint64_t kMaxUid = 0xffffffffu;

// Version 1. Counts are maintained by triggers so STATUS and SELECT never scan a mailbox.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL
);
CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid_next INTEGER NOT NULL DEFAULT 1,
  highest_modseq INTEGER NOT NULL DEFAULT 1,
  first_unclaimed_recent INTEGER NOT NULL DEFAULT 1,
  message_count INTEGER NOT NULL DEFAULT 0,
  unseen_count INTEGER NOT NULL DEFAULT 0,
  total_size INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, name)
);
CREATE TABLE mailbox_keywords (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  keyword TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (mailbox_id, keyword)
) WITHOUT ROWID;
CREATE TABLE blobs (
  id TEXT PRIMARY KEY,
  raw_size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE messages (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  blob_id TEXT NOT NULL REFERENCES blobs(id),
  size INTEGER NOT NULL,
  internal_date INTEGER NOT NULL,
  internal_date_tz INTEGER NOT NULL,
  system_flags INTEGER NOT NULL,
  keywords TEXT NOT NULL DEFAULT '',
  modseq INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  body_structure TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX messages_modseq ON messages (mailbox_id, modseq);
CREATE INDEX messages_blob ON messages (blob_id);
CREATE TABLE expunged (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);
CREATE TABLE subscriptions (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
  UPDATE mailboxes SET message_count = message_count + 1, total_size = total_size + NEW.size,
         unseen_count = unseen_count + ((NEW.system_flags & 1) = 0)
   WHERE id = NEW.mailbox_id;
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
  UPDATE mailboxes SET message_count = message_count - 1, total_size = total_size - OLD.size,
         unseen_count = unseen_count - ((OLD.system_flags & 1) = 0)
   WHERE id = OLD.mailbox_id;
END;
CREATE TRIGGER messages_count_seen AFTER UPDATE OF system_flags ON messages
  WHEN (OLD.system_flags & 1) != (NEW.system_flags & 1) BEGIN
  UPDATE mailboxes SET unseen_count = unseen_count + ((NEW.system_flags & 1) = 0)
                                                   - ((OLD.system_flags & 1) = 0)
   WHERE id = NEW.mailbox_id;
END;
INSERT INTO schema_version (version) VALUES (1);
INSERT INTO counters (name, value) VALUES ('uid_validity', 0);
)sql";

// Version 2: aliases. One alias may name several accounts (a list for delivery; ambiguous as a
// login name, SPEC "Accounts and login names").
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE aliases (
  alias TEXT NOT NULL COLLATE NOCASE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (alias, account_id)
) WITHOUT ROWID;
CREATE INDEX aliases_account ON aliases (account_id);
UPDATE schema_version SET version = 2;
)sql";

// Version 3: domains (SPEC "Accounts and login names": accounts live in domains). The domains of
// existing accounts are created by the migration.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE domains (name TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID;
INSERT OR IGNORE INTO domains (name)
  SELECT substr(address, instr(address, '@') + 1) FROM accounts WHERE instr(address, '@') > 0;
UPDATE schema_version SET version = 3;
)sql";

// Version 4: SCRAM-SHA-256 secrets (RFC 5802 §3: salt, iteration count, StoredKey, ServerKey, in
// the form "{SCRAM-SHA-256}i,salt,StoredKey,ServerKey"), so SCRAM logins need no password. Empty
// for accounts that have none yet (imported hashes: the first plaintext login adds them).
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE accounts ADD COLUMN scram_secret TEXT NOT NULL DEFAULT '';
UPDATE schema_version SET version = 4;
)sql";

// Version 5: other users' mailboxes and public folders (SPEC "Namespaces, shared and public
// folders"). Public folders belong to one account of kind 1 that has no password and that the
// Directory never returns, so every mailbox still has an owner row and all mailbox code is
// shared. ACL entries (RFC 4314) are kept as text (identifier, rights) and interpreted by the
// access layer. private_seen holds each non-owner reader's own \Seen of a shared or public
// mailbox (news-reader style); its rows go with their message. A public folder may have an
// address for delivery. Mailbox ids come from a counter from now on, so they are never reused.
// Personal mailboxes whose first level is a namespace's name (any case) would be hidden by the
// namespace: they get " (mailbox)" after that level, so their owners still reach them.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE accounts ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
INSERT INTO accounts (address, password_hash, kind) VALUES ('#public', '', 1);
CREATE TABLE acl (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  identifier TEXT NOT NULL COLLATE NOCASE,
  rights TEXT NOT NULL,
  PRIMARY KEY (mailbox_id, identifier)
) WITHOUT ROWID;
CREATE INDEX acl_identifier ON acl (identifier);
CREATE TABLE private_seen (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid, account_id)
) WITHOUT ROWID;
CREATE INDEX private_seen_reader ON private_seen (account_id, mailbox_id, uid);
CREATE TRIGGER messages_private_seen_delete AFTER DELETE ON messages BEGIN
  DELETE FROM private_seen WHERE mailbox_id = OLD.mailbox_id AND uid = OLD.uid;
END;
CREATE TABLE mailbox_addresses (
  address TEXT PRIMARY KEY COLLATE NOCASE,
  mailbox_id INTEGER NOT NULL UNIQUE REFERENCES mailboxes(id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO counters (name, value) SELECT 'mailbox_id', coalesce(max(id), 0) FROM mailboxes;
UPDATE mailboxes SET name = substr(name, 1, 11) || ' (mailbox)' || substr(name, 12)
 WHERE name LIKE 'Other users' OR name LIKE 'Other users/%';
UPDATE mailboxes SET name = substr(name, 1, 14) || ' (mailbox)' || substr(name, 15)
 WHERE name LIKE 'Public Folders' OR name LIKE 'Public Folders/%';
UPDATE schema_version SET version = 5;
)sql";

// Version 6: special-use attributes (RFC 6154), one per mailbox ("" for none), each used at
// most once per account. Existing personal mailboxes named like the default set (Drafts, Sent,
// Trash, Junk, Archive: exact names, as Dovecot matches them) get its attribute.
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE mailboxes ADD COLUMN special_use TEXT NOT NULL DEFAULT '';
UPDATE mailboxes SET special_use = '\' || name
 WHERE name IN ('Drafts', 'Sent', 'Trash', 'Junk', 'Archive')
   AND account_id IN (SELECT id FROM accounts WHERE kind = 0);
CREATE UNIQUE INDEX mailboxes_special_use ON mailboxes (account_id, special_use) WHERE special_use != '';
UPDATE schema_version SET version = 6;
)sql";

// Version 7: quota limits per account (RFC 9208; docs/configuration.md "Quota"). quota_own = 0:
// the account follows the default limits (config [quota]); 1: its own limits below, where NULL
// is "no limit" for that resource. Usage is not stored: it is the sum of the mailboxes' running
// totals (message_count, total_size, kept by the v1 triggers in the same transaction as each
// insert and delete), read through the (account_id, name) index: one row per mailbox, never one
// per message.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE accounts ADD COLUMN quota_own INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN quota_storage_kib INTEGER;
ALTER TABLE accounts ADD COLUMN quota_messages INTEGER;
UPDATE schema_version SET version = 7;
)sql";

// Full-text index for SEARCH TEXT and BODY (issue 8): one row per message file, holding the
// case-folded text Message::search_text() gives, under SQLite FTS5's trigram tokenizer, which
// answers a substring test (RFC 3501 §6.4.4) from the index. detail=none keeps only which rows
// hold a trigram, not where: a GLOB then checks the stored text itself (phrase queries would
// need positions, three times the size). blobs.text_id is the
// row of a file's text; NULL until it is indexed, which a thread of the server does soon after
// the append (start_text_indexing; appends do not wait for it), and search reads such files as
// it always did. Since version 10 the table lives in a database file of its own (kTextIndexFile).
constexpr const char* kMessageTextDefinition =
    "message_text USING fts5(blob_id UNINDEXED, header, body, part_headers,"
    " tokenize = 'trigram case_sensitive 1', detail = none);";
const std::string kMessageTextTable = std::string("CREATE VIRTUAL TABLE ") + kMessageTextDefinition;

// The full-text index's own database, beside pillarbox.sqlite3, attached to every connection
// as "fts". Its writes (FTS5 builds and merges segments: tens of milliseconds for a batch)
// take its own write lock, so clients' APPEND, STORE and EXPUNGE never wait behind them; in one
// file they waited up to 200 ms. text_rows names the file each row holds, so indexing a file
// twice (a crash between the two commits below) finds the row already there; its ids are
// never used again (AUTOINCREMENT, kept when `index rebuild` empties it), so an id still listed
// in text_garbage can never name a newer row.
//
// Order of writes: a file's row is committed here first, and only then is blobs.text_id set in
// the main database. So the main database does not claim a row this one lacks (a claim made
// while `index rebuild`, in another process, dropped the rows is looked for again and
// withdrawn); a row without its claim is found again by text_rows, or, when its file is gone,
// listed in text_garbage. Both files are synchronous=FULL.
constexpr const char* kTextIndexFile = "text-index.sqlite3";
// The data directory's lock: shared while a process has the store open (check_store()).
constexpr const char* kLockFile = "store.lock";
const std::string kTextIndexSchema = std::string("CREATE VIRTUAL TABLE IF NOT EXISTS ") + kMessageTextDefinition +
    "CREATE TABLE IF NOT EXISTS text_rows (text_id INTEGER PRIMARY KEY AUTOINCREMENT, blob_id TEXT NOT NULL UNIQUE);";
// text_garbage: rows of message_text whose file is gone. FTS5 removes a row by reading its text
// again, about a millisecond each, so expunges only note them here and the indexer thread
// removes them later; until then they name a file no message refers to, and find nothing.
const std::string kSchemaV8 = std::string(R"sql(
ALTER TABLE blobs ADD COLUMN text_id INTEGER;
CREATE INDEX blobs_unindexed ON blobs (id) WHERE text_id IS NULL;
CREATE TABLE text_garbage (text_id INTEGER PRIMARY KEY);
)sql") + kMessageTextTable + "\nUPDATE schema_version SET version = 8;\n";

// Version 9: big mailboxes (issue 8). messages_meta holds every MessageMeta column, so SELECT,
// FETCH FLAGS and the metadata keys of SEARCH read a narrow index in UID order instead of each
// row, which carries its ENVELOPE and BODYSTRUCTURE texts (about 1.5 KB). messages_blob gains
// mailbox_id and uid: the full-text search goes from a file found to its messages in one mailbox
// without reading their rows.
constexpr const char* kSchemaV9 = R"sql(
CREATE INDEX messages_meta ON messages
  (mailbox_id, uid, system_flags, keywords, modseq, size, internal_date, internal_date_tz);
DROP INDEX messages_blob;
CREATE INDEX messages_blob ON messages (blob_id, mailbox_id, uid);
UPDATE schema_version SET version = 9;
)sql";

// Version 10: the full-text index moves to kTextIndexFile. The rows in this file are dropped,
// not copied (the indexer builds the new file in the background; SEARCH reads the files not
// indexed yet meanwhile); their pages stay free in this file for later use.
constexpr const char* kSchemaV10 = R"sql(
DROP TABLE IF EXISTS message_text;
UPDATE blobs SET text_id = NULL;
DELETE FROM text_garbage;
UPDATE schema_version SET version = 10;
)sql";

// Version 11: small messages in the database (set_inline_max_octets). A message file costs an
// APPEND two fsyncs of its own (the file, then its directory) before the commit; bytes in a row
// are made durable by the commit's one WAL fsync, which concurrent writes share (group commit).
// A blob's bytes are here or in its file (BlobStore), never both; rows go with their blobs row.
constexpr const char* kSchemaV11 = R"sql(
CREATE TABLE blob_bytes (id TEXT PRIMARY KEY, bytes BLOB NOT NULL);
UPDATE schema_version SET version = 11;
)sql";


// --- small helpers ----------------------------------------------------------------------------

// Attaches the full-text index's database (kTextIndexFile) to `db` as "fts", for SEARCH.
void attach_text_index(Db& db, const std::string& path) { db.prepare("ATTACH DATABASE ?1 AS fts").bind_all(path).run(); }

// A TEXT or BODY key the index answers exactly. The table has detail=none (it knows which rows
// hold a trigram, not where), which answers neither phrases nor column filters: the query asks
// for the rows holding every trigram of the folded needle anywhere, a superset, and each of
// them is then tested, in the column the key names, for the needle itself: a substring test,
// as IMAP SEARCH is (RFC 3501 §6.4.4). nullopt when the index cannot answer: a needle shorter
// than three characters once folded (the tokenizer's unit), one that is not UTF-8 (the
// tokenizer and this code could split it differently), or one with a line feed (it could match
// across two chunks of the joined text that the key tests one at a time). Header keys (SUBJECT,
// FROM ...) are not asked: with one index over all accounts' mail a common word finds most of
// it, and SEARCH SUBJECT took 40 % more CPU with the index as a first filter than reading the
// mailbox's cached headers.
struct TextIndexQuery {
  std::string needle;       // folded (mail::fold_case), as the stored text is
  std::string match;        // FTS5 query: "tri" AND "rig" AND ..., each trigram quoted
  bool body_only = false;   // BODY; TEXT also looks at the header and the parts' headers
};

std::optional<TextIndexQuery> text_index_query(const SearchKey& key) {
  if (key.kind != SearchKey::Kind::text && key.kind != SearchKey::Kind::body) return std::nullopt;
  TextIndexQuery q;
  q.body_only = key.kind == SearchKey::Kind::body;
  q.needle = mail::fold_case(key.value);
  if (q.needle.find('\n') != std::string::npos || !mail::is_utf8(q.needle)) return std::nullopt;
  std::vector<std::size_t> starts;   // where each character begins, then the end
  for (std::size_t i = 0; i < q.needle.size(); ++i) {
    if ((static_cast<unsigned char>(q.needle[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() < 3) return std::nullopt;
  starts.push_back(q.needle.size());
  for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
    if (!q.match.empty()) q.match += " AND ";
    q.match += '"';
    for (std::size_t i = starts[k]; i < starts[k + 3]; ++i) {
      if (q.needle[i] == '"') q.match += '"';   // an FTS5 string doubles its quote
      q.match += q.needle[i];
    }
    q.match += '"';
  }
  return q;
}

// UIDs read in any order, as a UidSet (which is built fastest in ascending order).
UidSet uid_set_of(std::vector<Uid> uids) {
  std::sort(uids.begin(), uids.end());
  UidSet out;
  for (const Uid uid : uids) out.add(uid);
  return out;
}

// Replaces, in `key`, each TEXT or BODY key the index answers by the UIDs of `mailbox` it
// finds (in r's snapshot). True when anything was replaced.
bool answer_from_text_index(Db& r, MailboxId mailbox, SearchKey& key) {
  if (auto query = text_index_query(key)) {
    // The table-valued form names the rows found first; CROSS JOIN keeps the planner to "those
    // rows, then their messages by blob_id" (left to itself it scanned the mailbox once per
    // row, or the whole index). The test is std::string_view::find rather than SQL GLOB or
    // instr, which walk the text character by character.
    auto st = r.prepare(std::string("SELECT m.uid, ") + (query->body_only ? "t.body" : "t.header, t.body, t.part_headers") +
                        " FROM fts.message_text(?1) AS t CROSS JOIN messages AS m ON m.blob_id = t.blob_id"
                        " WHERE m.mailbox_id = ?2");
    st.bind_all(query->match, mailbox);
    std::vector<Uid> found;
    const int columns = query->body_only ? 1 : 3;
    while (st.step()) {
      for (int c = 1; c <= columns; ++c) {
        if (st.text_view(c).find(query->needle) != std::string_view::npos) {
          found.push_back(static_cast<Uid>(st.int64(0)));
          break;
        }
      }
    }
    SearchKey answered;
    answered.kind = SearchKey::Kind::uid_set;
    answered.uids = uid_set_of(std::move(found));
    key = std::move(answered);
    return true;
  }
  bool any = false;
  for (auto& child : key.children) any = answer_from_text_index(r, mailbox, child) || any;
  return any;
}

std::string normalize_mailbox(std::string_view name) {
  if (ascii::iequals(name, "INBOX")) return "INBOX";
  return std::string(name);
}

// The UidSet as a JSON array of [first,last] pairs, read by json_each() in one query.
std::string ranges_json(const UidSet& set) {
  std::string out = "[";
  for (const auto& r : set.ranges()) {
    if (out.size() > 1) out.push_back(',');
    out += "[" + std::to_string(r.first) + "," + std::to_string(r.last) + "]";
  }
  out.push_back(']');
  return out;
}

// Columns of MessageMeta, in the order read_meta() expects, prefixed by table alias m.
constexpr const char* kMetaColumns =
    "m.uid, m.system_flags, m.keywords, m.modseq, m.size, m.internal_date, m.internal_date_tz";
constexpr int kMetaColumnCount = 7;

MessageMeta read_meta(const Stmt& st, int col = 0) {
  MessageMeta m;
  m.uid = static_cast<Uid>(st.int64(col));
  m.flags.system = static_cast<std::uint32_t>(st.int64(col + 1));
  m.flags.keywords = decode_keywords(st.text(col + 2));
  m.modseq = static_cast<ModSeq>(st.int64(col + 3));
  m.size = static_cast<std::uint64_t>(st.int64(col + 4));
  m.internal_date = st.int64(col + 5);
  m.internal_date_tz = static_cast<std::int32_t>(st.int64(col + 6));
  return m;
}

// `columns` of the messages of `mailbox` whose UID is in `uids`, in UID order, bound and ready
// to step: one index seek per range plus the rows returned, never a per-UID query. One range
// (1:*, a:b, one UID: most FETCH and STORE commands) walks the primary key in order. Several go
// through json_each, CROSS JOIN keeping the ranges outside and the primary-key seek inside, and
// then need a sort (callgrind: UID FETCH 1:* (FLAGS) on 200 messages took 1.8 M instructions
// that way, 46 % of them in this statement; 1.35 M with the one-range form).
Stmt prepare_in_set(Db& db, const std::string& columns, MailboxId mailbox, const UidSet& uids) {
  if (uids.ranges().size() == 1) {
    auto st = db.prepare("SELECT " + columns +
                         " FROM messages AS m WHERE m.mailbox_id = ?1 AND m.uid BETWEEN ?2 AND ?3 ORDER BY m.uid");
    st.bind_all(mailbox, static_cast<std::int64_t>(uids.ranges().front().first),
                static_cast<std::int64_t>(uids.ranges().front().last));
    return st;
  }
  auto st = db.prepare("SELECT " + columns +
                       " FROM json_each(?2) AS r CROSS JOIN messages AS m"
                       " WHERE m.mailbox_id = ?1 AND m.uid BETWEEN (r.value ->> 0) AND (r.value ->> 1)"
                       " ORDER BY m.uid");
  st.bind_all(mailbox, ranges_json(uids));
  return st;
}

Error sql_error(const SqlError& e, std::string_view operation) {
  const int code = e.code();
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return make_error(Errc::unavailable, "Mailbox store is busy, try again",
                      std::string(operation) + ": " + e.what());
  if (code == SQLITE_FULL || e.extended() == SQLITE_IOERR_WRITE)
    return make_error(Errc::storage_full, "Storage is full, try again later",
                      std::string(operation) + ": " + e.what());
  return make_error(Errc::io, "Internal storage error", std::string(operation) + ": " + e.what());
}

Error no_mailbox() { return make_error(Errc::not_found, "No such mailbox"); }

// Runs `f`, turning a SqlError into an Error value: the exception never leaves the store.
template <class F>
auto guarded(std::string_view operation, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SqlError& e) {
    Error err = sql_error(e, operation);
    log::error("sqlite store: {}", err.detail);
    return err;
  }
}

// --- the store ---------------------------------------------------------------------------------

class SqliteStore final : public MailStore, public Directory {
 public:
  using MailStore::create_mailbox;
  SqliteStore(std::string db_path, std::string text_db_path, std::unique_ptr<BlobStore> blobs,
              std::unique_ptr<Db> writer, std::unique_ptr<Db> text_writer)
      : db_path_(std::move(db_path)),
        blobs_(std::move(blobs)),
        writer_(std::move(writer)),
        text_db_path_(std::move(text_db_path)),
        text_writer_(std::move(text_writer)) {}

  ~SqliteStore() override {
    // The indexer first: it may be leading a group commit on writer_, whose WAL hook is
    // changed next (connections are not thread-safe, see db.h).
    if (indexer_.joinable()) {
      indexer_.request_stop();
      indexer_.join();
    }
    if (checkpointer_.joinable()) {
      sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
      checkpointer_.request_stop();
      checkpointer_.join();
    }
    if (sweeper_.joinable()) {
      sweeper_.request_stop();
      sweeper_.join();
    }
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  // WAL checkpoints off the writer. SQLite's automatic checkpoint runs in the connection that
  // commits, right after its commit, and fsyncs the database file: every write queued behind it
  // waited, and with them the store threads those writes held, so reads waited too (100 ms and
  // more on a busy disk). Here the writer only notes the WAL's size (sqlite3_wal_hook, which
  // replaces the automatic checkpoint) and a thread with its own connection copies the pages
  // back with a PASSIVE checkpoint, which neither writers nor readers wait for. But the WAL is
  // reused from its start only when a write begins after a checkpoint copied all of it, which
  // a checkpoint racing a steady stream of writes never does (it grew to 48 MB in a test, and
  // a RESTART checkpoint from the thread waited for a gap between writes that never came). So
  // once the WAL holds kRestartPages the writer checkpoints itself, as SQLite would, but finds
  // nearly every page copied already: the last few and one fsync, every 16 MiB of writes
  // rather than a full checkpoint every 4 MiB.
  void start_checkpointer() {
    sqlite3_wal_hook(
        writer_->handle(),
        [](void* self, sqlite3* db, const char* schema, int pages) {
          if (pages >= kRestartPages)   // busy (the thread is at it): the next commit tries again
            sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
          else if (pages >= kCheckpointPages)
            static_cast<SqliteStore*>(self)->wake_checkpointer();
          return SQLITE_OK;
        },
        this);
    checkpointer_ = std::jthread([this](std::stop_token stop) {
      std::unique_ptr<Db> db;
      try {
        db = Db::open(db_path_, false);
      } catch (const SqlError& e) {
        log::warn("sqlite store: no checkpoint thread ({}); the WAL grows until the next start", e.what());
        return;
      }
      for (;;) {
        {
          std::unique_lock lock(checkpoint_mutex_);
          checkpoint_cv_.wait(lock, stop, [this] { return checkpoint_due_; });
          if (stop.stop_requested()) return;
          checkpoint_due_ = false;
        }
        const int rc = sqlite3_wal_checkpoint_v2(db->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
          log::warn("sqlite store: checkpoint: {}", sqlite3_errmsg(db->handle()));
      }
    });
  }

  void wake_checkpointer() {
    {
      std::lock_guard lock(checkpoint_mutex_);
      checkpoint_due_ = true;
    }
    checkpoint_cv_.notify_one();
  }

  void start_orphan_sweep() {
    sweeper_ = std::jthread([this](std::stop_token stop) { sweep_orphans(stop); });
  }

  Directory& directory() override { return *this; }

  // --- Directory -----------------------------------------------------------------------------

  Result<AccountId> add_account(std::string_view address, std::string_view password_hash) override {
    const std::string addr = ascii::lower(address);
    if (addr.empty()) return make_error(Errc::invalid, "Empty address");
    // '#' names the internal owner of the public folders; no account may look like it.
    if (addr.front() == '#' && addr.find('@') == std::string::npos)
      return make_error(Errc::invalid, "A name beginning with # needs a domain", addr);
    return write_op("add_account", [&]() -> Result<AccountId> {
      {
        auto st = writer_->prepare("SELECT id FROM accounts WHERE address = ?1");
        if (st.bind_all(addr).step())
          return make_error(Errc::already_exists, "Account already exists", addr);
      }
      if (writer_->prepare("SELECT 1 FROM mailbox_addresses WHERE address = ?1").bind_all(addr).step())
        return make_error(Errc::already_exists, "A public folder has this address", addr);
      if (auto at = addr.rfind('@'); at != std::string::npos)
        writer_->prepare("INSERT OR IGNORE INTO domains (name) VALUES (?1)").bind_all(addr.substr(at + 1)).run();
      writer_->prepare("INSERT INTO accounts (address, password_hash) VALUES (?1, ?2)")
          .bind_all(addr, password_hash)
          .run();
      // Rights someone granted to this address before it was an account are not the new
      // account's (IMAP SETACL keeps any identifier so as not to reveal which accounts exist).
      writer_->prepare("DELETE FROM acl WHERE identifier = ?1 OR identifier = '-' || ?1").bind_all(addr).run();
      const AccountId id = writer_->last_insert_rowid();
      insert_mailbox(id, "INBOX");
      return id;
    });
  }

  Status delete_account(std::string_view address) override {
    const std::string addr = ascii::lower(address);
    std::vector<MailboxId> mailboxes;
    std::vector<BlobId> dead;
    Status s = write_op("delete_account", [&]() -> Status {
      AccountId id = 0;
      {
        auto st = writer_->prepare("SELECT id FROM accounts WHERE address = ?1 AND kind = 0");
        if (!st.bind_all(addr).step()) return make_error(Errc::not_found, "No such account", addr);
        id = st.int64(0);
      }
      // Rights granted to the account on others' mailboxes go with it (RFC 4314 §2: an
      // identifier that no longer exists must not come back to life with a new account).
      writer_->prepare("DELETE FROM acl WHERE identifier = ?1 OR identifier = '-' || ?1").bind_all(addr).run();
      std::vector<BlobId> blob_ids;
      {
        auto st = writer_->prepare("SELECT id FROM mailboxes WHERE account_id = ?1");
        st.bind_all(id);
        while (st.step()) mailboxes.push_back(st.int64(0));
      }
      {
        auto st = writer_->prepare(
            "SELECT DISTINCT m.blob_id FROM messages AS m JOIN mailboxes AS b"
            " ON m.mailbox_id = b.id WHERE b.account_id = ?1");
        st.bind_all(id);
        while (st.step()) blob_ids.push_back(st.text(0));
      }
      writer_->prepare("DELETE FROM accounts WHERE id = ?1").bind_all(id).run();
      dead = drop_unreferenced_blobs(blob_ids);
      return {};
    });
    if (!s) return s;
    remove_blob_files(dead);
    for (MailboxId m : mailboxes) bus_.publish(m);
    return {};
  }

  Status set_password_hash(std::string_view address, std::string_view password_hash) override {
    const std::string addr = ascii::lower(address);
    return write_op("set_password_hash", [&]() -> Status {
      // The SCRAM keys derive from the password this hash replaces: they must not outlive it.
      writer_->prepare("UPDATE accounts SET password_hash = ?2, scram_secret = '' WHERE address = ?1 AND kind = 0")
          .bind_all(addr, password_hash)
          .run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such account", addr);
      return {};
    });
  }

  Status set_scram_secret(std::string_view address, std::string_view secret) override {
    const std::string addr = ascii::lower(address);
    return write_op("set_scram_secret", [&]() -> Status {
      writer_->prepare("UPDATE accounts SET scram_secret = ?2 WHERE address = ?1 AND kind = 0")
          .bind_all(addr, secret)
          .run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such account", addr);
      return {};
    });
  }

  Result<Account> find_account(std::string_view address) override {
    const std::string addr = ascii::lower(address);
    return guarded("find_account", [&]() -> Result<Account> {
      auto r = reader();
      auto st = r->prepare(
          "SELECT id, address, password_hash, scram_secret FROM accounts WHERE address = ?1 AND kind = 0");
      if (!st.bind_all(addr).step()) return make_error(Errc::not_found, "No such account", addr);
      return Account{st.int64(0), st.text(1), st.text(2), st.text(3)};
    });
  }

  Result<std::vector<Account>> list_accounts() override {
    return guarded("list_accounts", [&]() -> Result<std::vector<Account>> {
      auto r = reader();
      auto st = r->prepare(
          "SELECT id, address, password_hash, scram_secret FROM accounts WHERE kind = 0 ORDER BY address");
      std::vector<Account> out;
      while (st.step()) out.push_back(Account{st.int64(0), st.text(1), st.text(2), st.text(3)});
      return out;
    });
  }

  // --- Domains -------------------------------------------------------------------------------

  Status add_domain(std::string_view domain) override {
    const std::string name = ascii::lower(domain);
    if (name.empty()) return make_error(Errc::invalid, "Empty domain");
    return write_op("add_domain", [&]() -> Status {
      writer_->prepare("INSERT OR IGNORE INTO domains (name) VALUES (?1)").bind_all(name).run();
      if (writer_->changes() == 0) return make_error(Errc::already_exists, "Domain already exists", name);
      return {};
    });
  }

  Status delete_domain(std::string_view domain) override {
    const std::string name = ascii::lower(domain);
    return write_op("delete_domain", [&]() -> Status {
      auto st = writer_->prepare("SELECT count(*) FROM accounts WHERE substr(address, instr(address, '@') + 1) = ?1");
      st.bind_all(name).step();
      if (const auto n = st.int64(0); n > 0)
        return make_error(Errc::in_use, fmt::format("Domain has {} account{}; delete them first", n, n == 1 ? "" : "s"), name);
      writer_->prepare("DELETE FROM domains WHERE name = ?1").bind_all(name).run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such domain", name);
      return {};
    });
  }

  Result<std::vector<Domain>> list_domains() override {
    return guarded("list_domains", [&]() -> Result<std::vector<Domain>> {
      auto r = reader();
      auto st = r->prepare(
          "SELECT d.name, (SELECT count(*) FROM accounts AS a WHERE substr(a.address, instr(a.address, '@') + 1) = d.name)"
          " FROM domains AS d ORDER BY d.name");
      std::vector<Domain> out;
      while (st.step()) out.push_back(Domain{st.text(0), static_cast<std::uint32_t>(st.int64(1))});
      return out;
    });
  }

  // --- Aliases -------------------------------------------------------------------------------

  Status add_alias(std::string_view alias, std::string_view address) override {
    const std::string name = ascii::lower(alias);
    const std::string addr = ascii::lower(address);
    if (name.empty()) return make_error(Errc::invalid, "Empty alias");
    return write_op("add_alias", [&]() -> Status {
      if (writer_->prepare("SELECT 1 FROM accounts WHERE address = ?1").bind_all(name).step())
        return make_error(Errc::already_exists, "An account has this address", name);
      if (writer_->prepare("SELECT 1 FROM mailbox_addresses WHERE address = ?1").bind_all(name).step())
        return make_error(Errc::already_exists, "A public folder has this address", name);
      AccountId id = 0;
      {
        auto st = writer_->prepare("SELECT id FROM accounts WHERE address = ?1 AND kind = 0");
        if (!st.bind_all(addr).step()) return make_error(Errc::not_found, "No such account", addr);
        id = st.int64(0);
      }
      if (writer_->prepare("SELECT 1 FROM aliases WHERE alias = ?1 AND account_id = ?2").bind_all(name, id).step())
        return make_error(Errc::already_exists, "Alias already exists", name + " -> " + addr);
      writer_->prepare("INSERT INTO aliases (alias, account_id) VALUES (?1, ?2)").bind_all(name, id).run();
      return {};
    });
  }

  Status delete_alias(std::string_view alias, std::string_view address) override {
    const std::string name = ascii::lower(alias);
    const std::string addr = ascii::lower(address);
    return write_op("delete_alias", [&]() -> Status {
      writer_->prepare("DELETE FROM aliases WHERE alias = ?1 AND account_id ="
                       " (SELECT id FROM accounts WHERE address = ?2)")
          .bind_all(name, addr)
          .run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such alias", name + " -> " + addr);
      return {};
    });
  }

  Result<std::vector<Account>> resolve_alias(std::string_view alias) override {
    const std::string name = ascii::lower(alias);
    return guarded("resolve_alias", [&]() -> Result<std::vector<Account>> {
      auto r = reader();
      auto st = r->prepare(
          "SELECT a.id, a.address, a.password_hash, a.scram_secret FROM aliases AS l JOIN accounts AS a"
          " ON a.id = l.account_id WHERE l.alias = ?1 AND a.kind = 0 ORDER BY a.address");
      st.bind_all(name);
      std::vector<Account> out;
      while (st.step()) out.push_back(Account{st.int64(0), st.text(1), st.text(2), st.text(3)});
      return out;
    });
  }

  Result<std::vector<Alias>> list_aliases() override {
    return guarded("list_aliases", [&]() -> Result<std::vector<Alias>> {
      auto r = reader();
      auto st = r->prepare(
          "SELECT l.alias, a.address FROM aliases AS l JOIN accounts AS a ON a.id = l.account_id"
          " ORDER BY l.alias, a.address");
      std::vector<Alias> out;
      while (st.step()) out.push_back(Alias{st.text(0), st.text(1)});
      return out;
    });
  }

  // --- Mailboxes -----------------------------------------------------------------------------

  Result<std::vector<MailboxInfo>> list_mailboxes(AccountId account) override {
    return guarded("list_mailboxes", [&]() -> Result<std::vector<MailboxInfo>> {
      auto r = reader();
      Transaction tx(*r, false);
      std::vector<MailboxInfo> out;
      {
        auto st = r->prepare(std::string(kMailboxInfoSelect) +
                             " WHERE b.account_id = ?1 ORDER BY b.name");
        st.bind_all(account);
        while (st.step()) out.push_back(read_mailbox_info(st));
      }
      std::unordered_map<MailboxId, MailboxInfo*> by_id;
      for (auto& m : out) by_id[m.id] = &m;
      auto st = r->prepare(
          "SELECT k.mailbox_id, k.keyword FROM mailbox_keywords AS k JOIN mailboxes AS b"
          " ON k.mailbox_id = b.id WHERE b.account_id = ?1 ORDER BY k.mailbox_id, k.keyword");
      st.bind_all(account);
      while (st.step()) {
        auto it = by_id.find(st.int64(0));
        if (it != by_id.end()) it->second->keywords.push_back(st.text(1));
      }
      tx.commit();
      return out;
    });
  }

  Result<MailboxInfo> get_mailbox(AccountId account, std::string_view name) override {
    const std::string n = normalize(account, name);
    return guarded("get_mailbox", [&]() -> Result<MailboxInfo> {
      auto r = reader();
      Transaction tx(*r, false);
      auto info = load_mailbox_info(*r, account, n);
      tx.commit();
      if (!info) return no_mailbox();
      return std::move(*info);
    });
  }

  Result<MailboxInfo> create_mailbox(AccountId account, std::string_view name, std::string_view special_use) override {
    const std::string n = normalize(account, name);
    if (n.empty()) return make_error(Errc::invalid, "Empty mailbox name");
    return write_op("create_mailbox", [&]() -> Result<MailboxInfo> {
      if (Status s = may_create(account, n, special_use); !s) return s.error();
      return insert_new_mailbox(account, n, special_use);
    });
  }

  Result<std::vector<MailboxInfo>> create_mailbox_path(AccountId account, std::string_view name,
                                                       std::string_view special_use) override {
    const std::string n = normalize(account, name);
    if (n.empty()) return make_error(Errc::invalid, "Empty mailbox name");
    return write_op("create_mailbox_path", [&]() -> Result<std::vector<MailboxInfo>> {
      // Every check before the first insert, so a refusal leaves nothing behind.
      if (Status s = may_create(account, n, special_use); !s) return s.error();
      std::vector<MailboxInfo> made;
      for (std::size_t slash = n.find('/'); slash != std::string::npos; slash = n.find('/', slash + 1)) {
        const std::string superior = normalize(account, n.substr(0, slash));
        if (!find_mailbox(*writer_, account, superior)) made.push_back(insert_new_mailbox(account, superior, {}));
      }
      made.push_back(insert_new_mailbox(account, n, special_use));
      return made;
    });
  }

  Status delete_mailbox(AccountId account, std::string_view name) override {
    const std::string n = normalize(account, name);
    if (n == "INBOX" && account != public_account_) return make_error(Errc::no_perm, "INBOX cannot be deleted");
    MailboxId id = 0;
    std::vector<BlobId> dead;
    Status s = write_op("delete_mailbox", [&]() -> Status {
      auto row = find_mailbox(*writer_, account, n);
      if (!row) return no_mailbox();
      id = row->id;
      std::vector<BlobId> blob_ids;
      {
        auto st = writer_->prepare("SELECT DISTINCT blob_id FROM messages WHERE mailbox_id = ?1");
        st.bind_all(id);
        while (st.step()) blob_ids.push_back(st.text(0));
      }
      writer_->prepare("DELETE FROM mailboxes WHERE id = ?1").bind_all(id).run();
      dead = drop_unreferenced_blobs(blob_ids);
      return {};
    });
    if (!s) return s;
    remove_blob_files(dead);
    bus_.publish(id);
    return {};
  }

  Status rename_mailbox(AccountId account, std::string_view from, std::string_view to) override {
    const std::string f = normalize(account, from);
    const std::string t = normalize(account, to);
    if (t.empty()) return make_error(Errc::invalid, "Empty mailbox name");
    std::vector<MailboxId> changed;
    const bool inbox_rules = account != public_account_;
    Status s = write_op("rename_mailbox", [&]() -> Status {
      auto src = find_mailbox(*writer_, account, f);
      if (!src) return no_mailbox();
      if (find_mailbox(*writer_, account, t))
        return make_error(Errc::already_exists, "Mailbox already exists");
      if (f != "INBOX" || !inbox_rules) {
        writer_->prepare("UPDATE mailboxes SET name = ?2 WHERE id = ?1").bind_all(src->id, t).run();
        changed.push_back(src->id);
        return {};
      }
      // RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox with the new
      // name and leaves INBOX empty. The messages get new UIDs 1..n in the new mailbox; for
      // INBOX they are expunged (recorded for VANISHED), and INBOX's uid_next does not move.
      const MailboxId dst = insert_mailbox(account, t);
      const ModSeq inbox_modseq = src->highest_modseq + 1;
      const ModSeq dst_modseq = 2;  // a new mailbox starts at 1
      writer_->prepare(
          "INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz,"
          " system_flags, keywords, modseq, envelope, body_structure, body)"
          " SELECT ?2, ROW_NUMBER() OVER (ORDER BY uid), blob_id, size, internal_date,"
          " internal_date_tz, system_flags, keywords, ?3, envelope, body_structure, body"
          " FROM messages WHERE mailbox_id = ?1 ORDER BY uid")
          .bind_all(src->id, dst, dst_modseq)
          .run();
      const int moved = writer_->changes();
      writer_->prepare(
          "INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq)"
          " SELECT mailbox_id, uid, ?2 FROM messages WHERE mailbox_id = ?1")
          .bind_all(src->id, inbox_modseq)
          .run();
      writer_->prepare("DELETE FROM messages WHERE mailbox_id = ?1").bind_all(src->id).run();
      writer_->prepare(
          "INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, keyword)"
          " SELECT ?2, keyword FROM mailbox_keywords WHERE mailbox_id = ?1")
          .bind_all(src->id, dst)
          .run();
      if (moved > 0) {
        writer_->prepare("UPDATE mailboxes SET highest_modseq = ?2 WHERE id = ?1")
            .bind_all(src->id, inbox_modseq)
            .run();
        writer_->prepare("UPDATE mailboxes SET uid_next = ?2, highest_modseq = ?3 WHERE id = ?1")
            .bind_all(dst, moved + 1, dst_modseq)
            .run();
      }
      changed = {src->id, dst};
      return {};
    });
    if (!s) return s;
    for (MailboxId m : changed) bus_.publish(m);
    return {};
  }

  Status set_subscribed(AccountId account, std::string_view name, bool subscribed) override {
    const std::string n = normalize(account, name);
    return write_op("set_subscribed", [&]() -> Status {
      if (subscribed) {
        {
          auto st = writer_->prepare("SELECT 1 FROM accounts WHERE id = ?1");
          if (!st.bind_all(account).step())
            return make_error(Errc::not_found, "No such account", std::to_string(account));
        }
        writer_->prepare("INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?1, ?2)")
            .bind_all(account, n)
            .run();
      } else {
        writer_->prepare("DELETE FROM subscriptions WHERE account_id = ?1 AND name = ?2")
            .bind_all(account, n)
            .run();
      }
      return {};
    });
  }

  Status set_special_use(MailboxId mailbox, std::string_view special_use) override {
    return write_op("set_special_use", [&]() -> Status {
      auto row = mailbox_by_id(*writer_, mailbox);
      if (!row) return no_mailbox();
      if (auto holder = special_use_holder(*writer_, row->account, special_use); holder && *holder != row->name)
        return make_error(Errc::in_use, fmt::format("{} is already the use of {}", special_use, *holder));
      writer_->prepare("UPDATE mailboxes SET special_use = ?2 WHERE id = ?1").bind_all(mailbox, special_use).run();
      return {};
    });
  }

  Result<std::vector<std::string>> list_subscriptions(AccountId account) override {
    return guarded("list_subscriptions", [&]() -> Result<std::vector<std::string>> {
      auto r = reader();
      auto st = r->prepare("SELECT name FROM subscriptions WHERE account_id = ?1 ORDER BY name");
      st.bind_all(account);
      std::vector<std::string> out;
      while (st.step()) out.push_back(st.text(0));
      return out;
    });
  }

  // --- Messages ------------------------------------------------------------------------------

  Result<std::vector<MessageMeta>> list_messages(MailboxId mailbox) override {
    return guarded("list_messages", [&]() -> Result<std::vector<MessageMeta>> {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      auto out = all_metas(*r, mailbox);
      tx.commit();
      return out;
    });
  }

  Result<MailboxUids> list_uids(MailboxId mailbox) override {
    return guarded("list_uids", [&]() -> Result<MailboxUids> {
      auto r = reader();
      Transaction tx(*r, false);
      auto count = r->prepare("SELECT message_count FROM mailboxes WHERE id = ?1");
      if (!count.bind_all(mailbox).step()) return no_mailbox();
      MailboxUids out;
      out.uids.reserve(static_cast<std::size_t>(count.int64(0)));
      out.modseqs.reserve(static_cast<std::size_t>(count.int64(0)));
      // Both from messages_meta, never the rows; the first unseen walks it in UID order and
      // stops at the first match (the whole index only when every message is \Seen).
      auto st = r->prepare("SELECT uid, modseq FROM messages WHERE mailbox_id = ?1 ORDER BY uid");
      st.bind_all(mailbox);
      while (st.step()) {
        out.uids.push_back(static_cast<Uid>(st.int64(0)));
        out.modseqs.push_back(static_cast<ModSeq>(st.int64(1)));
      }
      auto unseen = r->prepare("SELECT uid FROM messages WHERE mailbox_id = ?1 AND (system_flags & ?2) = 0"
                               " ORDER BY uid LIMIT 1");
      if (unseen.bind_all(mailbox, static_cast<std::int64_t>(kSeen)).step()) out.first_unseen = static_cast<Uid>(unseen.int64(0));
      tx.commit();
      return out;
    });
  }

  Result<Uid> claim_recent(MailboxId mailbox) override {
    return write_op("claim_recent", [&]() -> Result<Uid> {
      auto st = writer_->prepare(
          "SELECT first_unclaimed_recent, uid_next FROM mailboxes WHERE id = ?1");
      if (!st.bind_all(mailbox).step()) return no_mailbox();
      const Uid first = static_cast<Uid>(st.int64(0));
      const std::int64_t next = st.int64(1);
      writer_->prepare("UPDATE mailboxes SET first_unclaimed_recent = ?2 WHERE id = ?1")
          .bind_all(mailbox, next)
          .run();
      return first;
    });
  }

  Result<AppendResult> append(MailboxId mailbox, std::vector<AppendRequest> messages) override {
    // The slow part without the write lock: parse once, write and sync each file.
    struct Prepared : PreparedAppend {
      BlobId blob;
      std::string inline_bytes;   // kept in blob_bytes (small message), else the file has them
      bool in_file = false;
      std::uint64_t raw_size = 0;
    };
    std::vector<Prepared> prepared;
    prepared.reserve(messages.size());
    auto discard = [&] {
      for (auto& p : prepared)
        if (p.in_file) (void)blobs_->remove(p.blob);
    };
    const std::uint64_t inline_max = inline_max_octets_.load();
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    for (auto& req : messages) {
      Prepared p{prepare_append(req, now)};
      p.raw_size = req.content.size();
      p.in_file = req.content.size() > inline_max;
      auto blob = p.in_file ? blobs_->write(req.content) : BlobStore::new_id();
      if (!blob) {
        discard();
        log::error("append: {}", blob.error().detail);
        return blob.error();
      }
      p.blob = std::move(*blob);
      if (p.in_file) req.content = std::string();  // release memory early
      else p.inline_bytes = std::move(req.content);
      prepared.push_back(std::move(p));
    }
    {
      std::vector<BlobId> ids;
      for (const auto& p : prepared)
        if (p.in_file) ids.push_back(p.blob);
      // The files' directory entries are durable before any row can point at them.
      Status synced = blobs_->sync_directories(ids);
      if (!synced) {
        discard();
        log::error("append: {}", synced.error().detail);
        return synced.error();
      }
    }
    AppendResult result;
    auto r = write_op("append", [&]() -> Result<AppendResult> {
      auto row = mailbox_by_id(*writer_, mailbox);
      if (!row) return no_mailbox();
      if (row->uid_next + prepared.size() - 1 > kMaxUid)
        return make_error(Errc::over_quota, "Mailbox has no UIDs left");
      std::uint64_t octets = 0;
      for (const auto& p : prepared) octets += p.size;
      if (auto quota = check_quota(row->account, octets, prepared.size()); !quota) return quota.error();
      const ModSeq modseq = row->highest_modseq + 1;
      Uid uid = row->uid_next;
      AppendResult out;
      out.uid_validity = row->uid_validity;
      for (const auto& p : prepared) {
        writer_->prepare("INSERT INTO blobs (id, raw_size) VALUES (?1, ?2)")
            .bind_all(p.blob, p.raw_size)
            .run();
        if (!p.in_file)
          writer_->prepare("INSERT INTO blob_bytes (id, bytes) VALUES (?1, ?2)").bind(1, p.blob).bind_blob(2, p.inline_bytes).run();
        writer_->prepare(
            "INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date,"
            " internal_date_tz, system_flags, keywords, modseq, envelope, body_structure, body)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
            .bind_all(mailbox, uid, p.blob, p.size, p.internal_date, p.internal_date_tz,
                      p.flags.system, encode_keywords(p.flags.keywords), modseq, p.envelope,
                      p.body_structure, p.body)
            .run();
        add_mailbox_keywords(mailbox, p.flags.keywords);
        out.uids.push_back(uid);
        ++uid;
      }
      if (!prepared.empty()) {
        writer_->prepare("UPDATE mailboxes SET uid_next = ?2, highest_modseq = ?3 WHERE id = ?1")
            .bind_all(mailbox, uid, modseq)
            .run();
      }
      return out;
    });
    if (!r) {
      // Nothing refers to the files: the transaction rolled back (all or nothing).
      discard();
      return r;
    }
    if (!prepared.empty()) {
      bus_.publish(mailbox);
      unindexed_.fetch_add(prepared.size());
      wake_indexer();
    }
    return r;
  }

  Result<std::vector<FetchedMessage>> fetch(MailboxId mailbox, const UidSet& uids,
                                            FetchNeeds needs) override {
    std::vector<FetchedMessage> out;
    std::vector<BlobId> blob_ids;
    auto s = guarded("fetch", [&]() -> Status {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      if (uids.empty()) return {};
      out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(uids.size(), 4096)));
      // Without content, envelope or structure the columns are all in messages_meta, so the
      // rows themselves are not read (FETCH FLAGS of a whole mailbox).
      std::string columns = kMetaColumns;
      if (needs.content) columns += ", m.blob_id";
      if (needs.envelope) columns += ", m.envelope";
      if (needs.body_structure) columns += ", m.body_structure, m.body";
      auto st = prepare_in_set(*r, columns, mailbox, uids);
      while (st.step()) {
        FetchedMessage f;
        f.meta = read_meta(st);
        int col = kMetaColumnCount;
        if (needs.content) blob_ids.push_back(st.text(col++));
        if (needs.envelope) f.envelope = st.text(col++);
        if (needs.body_structure) {
          f.body_structure = st.text(col++);
          f.body = st.text(col++);
        }
        out.push_back(std::move(f));
      }
      tx.commit();
      return {};
    });
    if (!s) return s.error();
    if (!needs.content) return out;
    // Files are immutable, so they are read outside any transaction. A file can vanish only
    // when a concurrent EXPUNGE committed after our snapshot; such a message is skipped like
    // any other absent UID.
    std::vector<FetchedMessage> kept;
    kept.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (needs.header_only) {
        auto header = header_block(blob_ids[i]);
        if (!header) {
          if (header.error().code == Errc::not_found && !message_exists(mailbox, out[i].meta.uid))
            continue;
          log::error("fetch: {}", header.error().detail);
          return header.error();
        }
        // The served header block, kept alive by the cached Message it belongs to.
        out[i].content = std::shared_ptr<const std::string>(*header, &(*header)->bytes());
        out[i].header = std::move(*header);
        kept.push_back(std::move(out[i]));
        continue;
      }
      auto bytes = read_blob(blob_ids[i]);
      if (!bytes) {
        if (bytes.error().code == Errc::not_found && !message_exists(mailbox, out[i].meta.uid))
          continue;
        log::error("fetch: {}", bytes.error().detail);
        return bytes.error();
      }
      out[i].content = std::make_shared<const std::string>(mail::to_crlf(**bytes));
      kept.push_back(std::move(out[i]));
    }
    return kept;
  }

  // The header block of a file, served and parsed: from the cache, or read and then cached.
  Result<std::shared_ptr<const mail::Message>> header_block(const BlobId& id) {
    if (auto cached = header_cache_.find(id)) return cached;
    auto bytes = read_blob(id);
    if (!bytes) return bytes.error();
    auto header = std::make_shared<const mail::Message>(
        std::make_shared<const std::string>(mail::to_crlf(mail::header_of(**bytes))));
    header_cache_.insert(id, header);
    return std::shared_ptr<const mail::Message>(std::move(header));
  }

  void set_header_cache_limit(std::uint64_t bytes) override { header_cache_.set_limit(bytes); }
  void set_text_index_backlog(std::uint64_t files) override { text_index_backlog_.store(files); }
  void set_inline_max_octets(std::uint64_t octets) override { inline_max_octets_.store(octets); }

  // A message's bytes, from blob_bytes when it is kept in the database (kSchemaV11), else from
  // its file. Errc::not_found when neither has it (expunged meanwhile).
  Result<std::shared_ptr<const std::string>> read_blob(const BlobId& id) {
    std::shared_ptr<const std::string> bytes;
    Status looked = guarded("read_blob", [&]() -> Status {
      auto r = reader();
      auto st = r->prepare("SELECT bytes FROM blob_bytes WHERE id = ?1");
      if (st.bind_all(id).step()) bytes = std::make_shared<const std::string>(st.blob_view(0));
      return {};
    });
    if (!looked) return looked.error();
    if (bytes) return bytes;
    return blobs_->get(id);
  }

  Result<StoreResult> store_flags(MailboxId mailbox, const UidSet& uids, StoreMode mode,
                                  const Flags& flags, const FlagMask& mask,
                                  std::optional<ModSeq> unchanged_since) override {
    const Flags want = normalized(flags);
    bool any_changed = false;
    auto r = write_op("store_flags", [&]() -> Result<StoreResult> {
      auto row = mailbox_by_id(*writer_, mailbox);
      if (!row) return no_mailbox();
      StoreResult out;
      if (uids.empty()) return out;
      std::vector<MessageMeta> current;
      {
        auto st = prepare_in_set(*writer_, kMetaColumns, mailbox, uids);
        while (st.step()) current.push_back(read_meta(st));
      }
      const ModSeq modseq = row->highest_modseq + 1;
      for (auto& m : current) {
        // RFC 7162 §3.1.3: only messages whose mod-sequence is still <= UNCHANGEDSINCE change.
        if (unchanged_since && m.modseq > *unchanged_since) {
          out.not_modified.add(m.uid);
          continue;
        }
        out.modseq_before.push_back(m.modseq);
        Flags next = apply_store(m.flags, mode, want, mask);
        if (!(next == m.flags)) {
          writer_->prepare(
              "UPDATE messages SET system_flags = ?3, keywords = ?4, modseq = ?5"
              " WHERE mailbox_id = ?1 AND uid = ?2")
              .bind_all(mailbox, m.uid, next.system, encode_keywords(next.keywords), modseq)
              .run();
          add_mailbox_keywords(mailbox, next.keywords);
          m.flags = std::move(next);
          m.modseq = modseq;
          any_changed = true;
        }
        out.updated.push_back(std::move(m));
      }
      if (any_changed) {
        writer_->prepare("UPDATE mailboxes SET highest_modseq = ?2 WHERE id = ?1")
            .bind_all(mailbox, modseq)
            .run();
      }
      return out;
    });
    if (r && any_changed) bus_.publish(mailbox);
    return r;
  }

  void announce_change(MailboxId mailbox) override {
    bus_.publish(mailbox);
    wake_indexer();   // another process (deliver, import) may have stored files
  }

  void start_text_indexing() override {
    if (indexer_.joinable()) return;
    indexer_ = std::jthread([this](std::stop_token stop) {
      for (;;) {
        {
          std::unique_lock lock(indexer_mutex_);
          indexer_cv_.wait(lock, stop, [this] { return indexer_due_; });
          if (stop.stop_requested()) return;
          indexer_due_ = false;
          // Indexing costs more CPU than the APPEND it follows (trigrams, then FTS5 writing
          // its segment inside the writer's transaction): do it when the clients have let the
          // writer rest, unless the backlog has grown too big to leave to SEARCH reading.
          while (!stop.stop_requested() && clients_busy(unindexed_)) {
            indexer_cv_.wait_for(lock, stop, kWriterQuiet, [] { return false; });
          }
          if (stop.stop_requested()) return;
        }
        // Both stop after the batch in which clients come back (and wake this thread again).
        auto indexed = index_missing_text(stop, /*yield_to_clients=*/true);
        if (!indexed) log::warn("sqlite store: full-text indexing: {}", indexed.error().detail);
        // Dead rows match no message (searches join on messages), so removing them only
        // saves disk: always in a quiet moment, each one costing FTS5 a re-read of its text.
        if (!clients_busy(garbage_)) {
          if (Status collected = collect_text_garbage(stop, /*yield_to_clients=*/true); !collected)
            log::warn("sqlite store: full-text index clean-up: {}", collected.error().detail);
        }
      }
    });
    wake_indexer();   // what is there already
  }

  Result<std::uint64_t> rebuild_text_index(bool from_scratch) override {
    if (from_scratch) {
      // The index's rows go first: a claim (blobs.text_id) set meanwhile by a server's indexer
      // is cleared next, and one set after that checks for its row, which is gone.
      Status dropped = text_op("rebuild_text_index", [&] {
        // A new table rather than DELETE, which FTS5 does row by row (20 s for 10,000 rows).
        text_writer_->exec("DROP TABLE message_text; DELETE FROM text_rows; " + kMessageTextTable);
      });
      if (!dropped) return dropped.error();
      Status cleared = write_op("rebuild_text_index", [&]() -> Status {
        writer_->exec("UPDATE blobs SET text_id = NULL; DELETE FROM text_garbage");
        return {};
      });
      if (!cleared) return cleared.error();
    }
    auto indexed = index_missing_text(std::stop_token(), /*yield_to_clients=*/false);
    if (!indexed) return indexed;
    if (Status collected = collect_text_garbage(std::stop_token(), /*yield_to_clients=*/false); !collected)
      return collected.error();
    return indexed;
  }

  // Removes the index rows of files that are gone (text_garbage), a batch per transaction.
  Status collect_text_garbage(std::stop_token stop, bool yield_to_clients) {
    constexpr int kBatch = 50;
    // Usually there is none: a read, not a turn in the write queue after every append.
    bool any = false;
    Status looked = guarded("collect_text_garbage", [&]() -> Status {
      auto r = reader();
      any = r->prepare("SELECT 1 FROM text_garbage LIMIT 1").step();
      return {};
    });
    if (!looked) return looked;
    while (any && !stop.stop_requested()) {
      std::vector<std::int64_t> ids;
      Status listed = guarded("collect_text_garbage", [&]() -> Status {
        auto r = reader();
        auto st = r->prepare("SELECT text_id FROM text_garbage LIMIT ?1");
        st.bind_all(kBatch);
        while (st.step()) ids.push_back(st.int64(0));
        return {};
      });
      if (!listed) return listed;
      // The rows first, then the list: a crash in between leaves ids whose rows are gone,
      // and deleting them again is harmless.
      Status removed = text_op("collect_text_garbage", [&] {
        for (const std::int64_t id : ids) {
          text_writer_->prepare("DELETE FROM message_text WHERE rowid = ?1").bind_all(id).run();
          text_writer_->prepare("DELETE FROM text_rows WHERE text_id = ?1").bind_all(id).run();
        }
      });
      if (!removed) return removed;
      Status done = write_op("collect_text_garbage", [&]() -> Status {
        for (const std::int64_t id : ids)
          writer_->prepare("DELETE FROM text_garbage WHERE text_id = ?1").bind_all(id).run();
        return {};
      }, /*background=*/true);
      if (!done) return done;
      const bool more = ids.size() == static_cast<std::size_t>(kBatch);
      settled(garbage_, ids.size());
      if (!more) break;
      if (yield_to_clients && clients_busy(garbage_)) {
        wake_indexer();
        break;
      }
    }
    return {};
  }

  // True when clients keep the writer busy and `backlog` (files to index, or dead index rows)
  // is small enough to wait for a quiet moment.
  bool clients_busy(const std::atomic<std::uint64_t>& backlog) const {
    return !writer_quiet() && backlog.load() < text_index_backlog_.load();
  }

  // Takes `n` done off a backlog count (which starts at 0 on each start: only work that piles
  // up while the server runs can force the indexer to work under load).
  static void settled(std::atomic<std::uint64_t>& backlog, std::uint64_t n) {
    std::uint64_t now = backlog.load();
    while (!backlog.compare_exchange_weak(now, now > n ? now - n : 0)) {
    }
  }

  // True when no client's write has been queued for kWriterQuiet.
  bool writer_quiet() const {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return now - last_client_write_.load(std::memory_order_relaxed) >=
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(kWriterQuiet).count();
  }

  void wake_indexer() {
    {
      std::lock_guard lock(indexer_mutex_);
      indexer_due_ = true;
    }
    indexer_cv_.notify_one();
  }

  // Indexes every file whose text is not in message_text yet, in batches (one write
  // transaction each, so FTS5 writes one segment per batch rather than per message), until none
  // is left or `stop` is requested. Returns the number indexed.
  Result<std::uint64_t> index_missing_text(std::stop_token stop, bool yield_to_clients) {
    // Files per write transaction: short waits for other writers while serving; larger for
    // `pillarbox index rebuild`, where fewer, bigger FTS5 segments mean less merging later.
    const int kBatch = yield_to_clients ? 50 : 1000;
    std::uint64_t indexed = 0;
    BlobId after;                 // blob ids are walked in order, so each is read once
    while (!stop.stop_requested()) {
      std::vector<BlobId> batch;
      Status listed = guarded("rebuild_text_index", [&]() -> Status {
        auto r = reader();
        auto st = r->prepare("SELECT id FROM blobs WHERE text_id IS NULL AND id > ?1 ORDER BY id LIMIT ?2");
        st.bind_all(after, kBatch);
        while (st.step()) batch.push_back(st.text(0));
        return {};
      });
      if (!listed) return listed.error();
      if (batch.empty()) return indexed;
      after = batch.back();
      // Parsing is the slow part: done without the write lock.
      std::vector<std::pair<BlobId, mail::Message::SearchText>> texts;
      for (const auto& id : batch) {
        auto bytes = read_blob(id);
        if (!bytes) {
          log::warn("event=text_index_skip blob={} error=\"{}\"", id, bytes.error().detail);
          continue;
        }
        mail::Message parsed(std::make_shared<const std::string>(mail::to_crlf(**bytes)));
        texts.emplace_back(id, parsed.search_text());
      }
      // The rows, in the index's own database: FTS5's work holds only its write lock.
      std::vector<std::pair<BlobId, std::int64_t>> rows;
      Status inserted = text_op("rebuild_text_index", [&] {
        rows.clear();
        for (const auto& [id, text] : texts) rows.emplace_back(id, insert_text(id, text));
      });
      if (!inserted) return inserted.error();
      // Then the claims, in the clients' write queue: a few row updates.
      std::uint64_t written_now = 0;
      Status written = write_op("rebuild_text_index", [&]() -> Status {
        written_now = 0;
        for (const auto& [id, text_id] : rows) {
          auto st = writer_->prepare("SELECT text_id FROM blobs WHERE id = ?1");
          if (!st.bind_all(id).step()) {
            // Expunged meanwhile: its row is garbage now.
            writer_->prepare("INSERT OR IGNORE INTO text_garbage (text_id) VALUES (?1)").bind_all(text_id).run();
            continue;
          }
          if (!st.is_null(0)) continue;   // claimed by another indexer (the same row: text_rows)
          writer_->prepare("UPDATE blobs SET text_id = ?2 WHERE id = ?1").bind_all(id, text_id).run();
          ++written_now;
        }
        return {};
      }, /*background=*/true);
      if (!written) return written.error();
      if (Status kept = withdraw_lost_claims(rows); !kept) return kept.error();
      indexed += written_now;
      settled(unindexed_, written_now);
      if (yield_to_clients && clients_busy(unindexed_)) {
        wake_indexer();
        break;
      }
    }
    return indexed;
  }

  Result<CopyResult> copy(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) override {
    auto r = write_op("copy", [&]() -> Result<CopyResult> { return copy_in_tx(from, uids, to, mask); });
    if (r && !r->target_uids.empty()) bus_.publish(to);
    return r;
  }

  Result<MoveResult> move(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) override {
    std::vector<BlobId> dead;
    // One transaction: the copies and the removal of the originals commit together or not at
    // all (RFC 6851 §1), through the same copy code as COPY (so its checks apply to MOVE).
    auto r = write_op("move", [&]() -> Result<MoveResult> {
      // A move within one account leaves its usage as it was, so only a move into another
      // account's mailbox is held to a quota (RFC 9208 §4.3; the owner's, as for COPY).
      auto copied = copy_in_tx(from, uids, to, mask, /*within_account_move=*/true);
      if (!copied) return copied.error();
      MoveResult out;
      out.copied = std::move(*copied);
      if (out.copied.source_uids.empty()) return out;
      auto gone = remove_in_tx(from, UidSet::of(out.copied.source_uids), false, dead);
      if (!gone) return gone.error();
      out.expunged = std::move(*gone);
      return out;
    });
    if (!r) return r;
    remove_blob_files(dead);
    if (!r->copied.target_uids.empty()) bus_.publish(to);
    if (!r->expunged.empty() && from != to) bus_.publish(from);
    return r;
  }

  // COPY inside a write transaction (copy, move): the copies of the existing messages of `uids`.
  Result<CopyResult> copy_in_tx(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask,
                                bool within_account_move = false) {
    if (!mailbox_exists(*writer_, from)) return no_mailbox();
    auto dst = mailbox_by_id(*writer_, to);
    if (!dst) return make_error(Errc::not_found, "No such target mailbox");
    CopyResult out;
    out.uid_validity = dst->uid_validity;
    if (uids.empty()) return out;
    struct Source {
      MessageMeta meta;
      BlobId blob;
      std::string envelope, body_structure, body;
    };
    std::vector<Source> sources;
    {
      auto st = prepare_in_set(*writer_, std::string(kMetaColumns) + ", m.blob_id, m.envelope, m.body_structure, m.body",
                               from, uids);
      while (st.step())
        sources.push_back(Source{read_meta(st), st.text(7), st.text(8), st.text(9), st.text(10)});
    }
    if (sources.empty()) return out;
    if (dst->uid_next + sources.size() - 1 > kMaxUid)
      return make_error(Errc::over_quota, "Mailbox has no UIDs left");
    std::uint64_t octets = 0;
    for (const auto& src : sources) octets += src.meta.size;
    const auto src_row = within_account_move ? mailbox_by_id(*writer_, from) : std::nullopt;
    const bool same_account = src_row && src_row->account == dst->account;
    if (!same_account) {
      if (auto quota = check_quota(dst->account, octets, sources.size()); !quota) return quota.error();
    }
    const ModSeq modseq = dst->highest_modseq + 1;
    Uid uid = dst->uid_next;
    for (auto& s : sources) {
      s.meta.flags.system &= mask.system;
      if (!mask.keywords) s.meta.flags.keywords.clear();
      // The copy shares the immutable file: no bytes are copied (DESIGN §5).
      writer_->prepare(
          "INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date,"
          " internal_date_tz, system_flags, keywords, modseq, envelope, body_structure, body)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
          .bind_all(to, uid, s.blob, s.meta.size, s.meta.internal_date, s.meta.internal_date_tz,
                    s.meta.flags.system, encode_keywords(s.meta.flags.keywords), modseq,
                    s.envelope, s.body_structure, s.body)
          .run();
      add_mailbox_keywords(to, s.meta.flags.keywords);
      out.source_uids.push_back(s.meta.uid);
      out.target_uids.push_back(uid);
      ++uid;
    }
    writer_->prepare("UPDATE mailboxes SET uid_next = ?2, highest_modseq = ?3 WHERE id = ?1")
        .bind_all(to, uid, modseq)
        .run();
    return out;
  }

  Result<std::vector<Uid>> expunge(MailboxId mailbox, const std::optional<UidSet>& only) override {
    return remove_messages("expunge", mailbox, only, true);
  }

  Result<std::vector<Uid>> expunge_uids(MailboxId mailbox, const UidSet& uids) override {
    return remove_messages("expunge_uids", mailbox, uids, false);
  }

  // Removes the messages of `only` (all when absent) that have \Deleted, or whatever their flags
  // when !require_deleted, recording them for VANISHED with one new MODSEQ.
  Result<std::vector<Uid>> remove_messages(std::string_view operation, MailboxId mailbox,
                                           const std::optional<UidSet>& only, bool require_deleted) {
    std::vector<BlobId> dead;
    auto r = write_op(operation, [&]() -> Result<std::vector<Uid>> {
      return remove_in_tx(mailbox, only, require_deleted, dead);
    });
    if (!r) return r;
    remove_blob_files(dead);
    if (!r->empty()) bus_.publish(mailbox);
    return r;
  }

  // remove_messages inside a write transaction; the blob files no message refers to any more
  // are added to `dead`, for removal after the commit.
  Result<std::vector<Uid>> remove_in_tx(MailboxId mailbox, const std::optional<UidSet>& only, bool require_deleted,
                                        std::vector<BlobId>& dead) {
    auto row = mailbox_by_id(*writer_, mailbox);
    if (!row) return no_mailbox();
    std::vector<Uid> gone;
    std::vector<BlobId> blob_ids;
    if (only && only->empty()) return gone;
    {
      const std::string deleted_filter =
          require_deleted ? " AND (m.system_flags & " + std::to_string(kDeleted) + ") != 0" : "";
      std::string sql;
      if (only) {
        sql = "SELECT m.uid, m.blob_id FROM json_each(?2) AS r CROSS JOIN messages AS m"
              " WHERE m.mailbox_id = ?1 AND m.uid BETWEEN (r.value ->> 0) AND (r.value ->> 1)" +
              deleted_filter + " ORDER BY m.uid";
      } else {
        sql = "SELECT m.uid, m.blob_id FROM messages AS m WHERE m.mailbox_id = ?1" +
              deleted_filter + " ORDER BY m.uid";
      }
      auto st = writer_->prepare(sql);
      st.bind(1, mailbox);
      if (only) st.bind(2, ranges_json(*only));
      while (st.step()) {
        gone.push_back(static_cast<Uid>(st.int64(0)));
        blob_ids.push_back(st.text(1));
      }
    }
    if (gone.empty()) return gone;
    const ModSeq modseq = row->highest_modseq + 1;
    for (Uid uid : gone) {
      writer_->prepare("DELETE FROM messages WHERE mailbox_id = ?1 AND uid = ?2")
          .bind_all(mailbox, uid)
          .run();
      writer_->prepare(
          "INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?1, ?2, ?3)")
          .bind_all(mailbox, uid, modseq)
          .run();
    }
    writer_->prepare("UPDATE mailboxes SET highest_modseq = ?2 WHERE id = ?1")
        .bind_all(mailbox, modseq)
        .run();
    std::sort(blob_ids.begin(), blob_ids.end());
    blob_ids.erase(std::unique(blob_ids.begin(), blob_ids.end()), blob_ids.end());
    auto unreferenced = drop_unreferenced_blobs(blob_ids);
    dead.insert(dead.end(), unreferenced.begin(), unreferenced.end());
    return gone;
  }

  Result<UidSet> search(MailboxId mailbox, const SearchKey& program) override {
    const bool content = search_needs_content(program);
    // Messages whose file is in the full-text index are tested with `indexed`, where the TEXT
    // and BODY keys the index answers are already UID sets; the others (files stored before
    // the index, not rebuilt yet) with `program`, reading their content.
    SearchKey indexed = program;
    bool use_index = false;
    std::vector<MessageMeta> metas;
    std::vector<BlobId> blob_ids;
    std::vector<bool> in_index;
    auto s = guarded("search", [&]() -> Status {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      if (content) use_index = answer_from_text_index(*r, mailbox, indexed);
      // When the keys confine the answer to some UIDs (those the index found, a UID set),
      // only those messages are read, plus, with the index, those it does not hold yet: a
      // SEARCH TEXT for a rare word in a million messages then reads a handful of rows.
      std::optional<UidSet> bound = search_bound(use_index ? indexed : program);
      UidSet unindexed;
      if (bound && use_index) {
        auto st = r->prepare("SELECT m.uid FROM blobs AS b CROSS JOIN messages AS m ON m.blob_id = b.id"
                             " WHERE b.text_id IS NULL AND m.mailbox_id = ?1");
        st.bind_all(mailbox);
        std::vector<Uid> uids;
        while (st.step()) uids.push_back(static_cast<Uid>(st.int64(0)));
        unindexed = uid_set_of(std::move(uids));
        bound->add(unindexed);
      }
      if (bound && bound->empty()) {
        tx.commit();
        return {};
      }
      // The file and whether it is indexed matter only when content does.
      auto st = bound ? prepare_in_set(*r, std::string(kMetaColumns) + (content ? ", m.blob_id" : ""), mailbox, *bound)
                      : r->prepare(std::string("SELECT ") + kMetaColumns +
                                   (content ? ", m.blob_id, b.text_id IS NOT NULL FROM messages AS m"
                                              " JOIN blobs AS b ON b.id = m.blob_id"
                                            : " FROM messages AS m") +
                                   " WHERE m.mailbox_id = ?1 ORDER BY m.uid");
      if (!bound) st.bind_all(mailbox);
      while (st.step()) {
        metas.push_back(read_meta(st));
        if (!content) continue;
        blob_ids.push_back(st.text(kMetaColumnCount));
        in_index.push_back(bound ? !unindexed.contains(metas.back().uid) : st.int64(kMetaColumnCount + 1) != 0);
      }
      tx.commit();
      return {};
    });
    if (!s) return s.error();
    const bool indexed_content = use_index ? search_needs_content(indexed) : content;
    // Header keys (SUBJECT, FROM, HEADER, SENT*) need only the header block: parsing the
    // MIME structure of every body for them was most of a SEARCH's cost.
    const bool body = search_needs_body(program);
    const bool indexed_body = use_index ? search_needs_body(indexed) : body;
    UidSet out;
    for (std::size_t i = 0; i < metas.size(); ++i) {
      const bool from_index = use_index && in_index[i];
      const bool needs_content = from_index ? indexed_content : content;
      const bool needs_body = from_index ? indexed_body : body;
      std::optional<mail::Message> parsed;
      std::shared_ptr<const mail::Message> header;
      MessageLoader load = [&]() -> const mail::Message* {
        if (!needs_content) return nullptr;
        if (!needs_body) {
          auto cached = header_block(blob_ids[i]);
          if (!cached) return nullptr;  // expunged meanwhile: content keys do not match
          header = std::move(*cached);
          return header.get();
        }
        auto bytes = read_blob(blob_ids[i]);
        if (!bytes) return nullptr;
        parsed.emplace(std::make_shared<const std::string>(mail::to_crlf(**bytes)));
        return &*parsed;
      };
      if (search_matches(from_index ? indexed : program, metas[i], load)) out.add(metas[i].uid);
    }
    return out;
  }

  Result<Changes> changes_since(MailboxId mailbox, ModSeq since) override {
    return guarded("changes_since", [&]() -> Result<Changes> {
      auto r = reader();
      Transaction tx(*r, false);  // one snapshot: counters agree with the lists
      auto row = mailbox_by_id(*r, mailbox);
      if (!row) return no_mailbox();
      Changes out;
      out.highest_modseq = row->highest_modseq;
      out.uid_next = row->uid_next;
      // Every change takes the mailbox's next MODSEQ (file comment): none above it, nothing new.
      if (since >= row->highest_modseq) {
        tx.commit();
        return out;
      }
      {
        auto st = r->prepare(std::string("SELECT ") + kMetaColumns +
                             // By the MODSEQ index: the planner, to save sorting a few rows, walked
                             // every message of the mailbox in UID order (and every expunge ever
                             // noted, below) on each session's catch-up.
                             " FROM messages AS m INDEXED BY messages_modseq WHERE m.mailbox_id = ?1 AND m.modseq > ?2"
                             " ORDER BY m.uid");
        st.bind_all(mailbox, static_cast<std::int64_t>(since));
        while (st.step()) out.changed.push_back(read_meta(st));
      }
      {
        auto st = r->prepare(
            "SELECT uid FROM expunged INDEXED BY expunged_modseq WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid");
        st.bind_all(mailbox, static_cast<std::int64_t>(since));
        while (st.step()) out.expunged.push_back(static_cast<Uid>(st.int64(0)));
      }
      tx.commit();
      return out;
    });
  }

  // --- Shared and public mailboxes -----------------------------------------------------------

  AccountId public_account() override { return public_account_; }

  Result<std::vector<AclEntry>> get_acl(MailboxId mailbox) override {
    return guarded("get_acl", [&]() -> Result<std::vector<AclEntry>> {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      auto st = r->prepare("SELECT identifier, rights FROM acl WHERE mailbox_id = ?1 ORDER BY identifier");
      st.bind_all(mailbox);
      std::vector<AclEntry> out;
      while (st.step()) out.push_back(AclEntry{st.text(0), st.text(1)});
      tx.commit();
      return out;
    });
  }

  Status set_acl(MailboxId mailbox, std::string_view identifier, std::string_view rights) override {
    const std::string id = ascii::lower(identifier);
    if (id.empty()) return make_error(Errc::invalid, "Empty identifier");
    return write_op("set_acl", [&]() -> Status {
      if (!mailbox_exists(*writer_, mailbox)) return no_mailbox();
      writer_->prepare(
          "INSERT INTO acl (mailbox_id, identifier, rights) VALUES (?1, ?2, ?3)"
          " ON CONFLICT (mailbox_id, identifier) DO UPDATE SET rights = excluded.rights")
          .bind_all(mailbox, id, rights)
          .run();
      return {};
    });
  }

  Status delete_acl(MailboxId mailbox, std::string_view identifier) override {
    const std::string id = ascii::lower(identifier);
    return write_op("delete_acl", [&]() -> Status {
      if (!mailbox_exists(*writer_, mailbox)) return no_mailbox();
      writer_->prepare("DELETE FROM acl WHERE mailbox_id = ?1 AND identifier = ?2").bind_all(mailbox, id).run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such ACL entry", id);
      return {};
    });
  }

  Result<std::vector<SharedMailbox>> list_shared(AccountId viewer,
                                                 const std::vector<std::string>& identifiers) override {
    std::string wanted = "[";
    for (const auto& id : identifiers) {
      if (wanted.size() > 1) wanted.push_back(',');
      wanted += json::quote(ascii::lower(id));
    }
    wanted.push_back(']');
    return guarded("list_shared", [&]() -> Result<std::vector<SharedMailbox>> {
      auto r = reader();
      Transaction tx(*r, false);
      auto st = r->prepare(
          "SELECT b.id, b.name, b.uid_validity, b.uid_next, b.highest_modseq, b.account_id,"
          " CASE WHEN a.kind = 0 THEN a.address ELSE '' END, l.identifier, l.rights"
          " FROM json_each(?2) AS w CROSS JOIN acl AS l CROSS JOIN mailboxes AS b CROSS JOIN accounts AS a"
          " WHERE l.identifier = w.value AND b.id = l.mailbox_id AND a.id = b.account_id"
          " AND b.account_id != ?1"
          " ORDER BY a.kind DESC, a.address, b.name, l.identifier");
      st.bind_all(viewer, wanted);
      std::vector<SharedMailbox> out;
      while (st.step()) {
        if (out.empty() || out.back().info.id != st.int64(0)) {
          SharedMailbox m;
          m.info.id = st.int64(0);
          m.info.name = st.text(1);
          m.info.uid_validity = static_cast<std::uint32_t>(st.int64(2));
          m.info.uid_next = static_cast<Uid>(st.int64(3));
          m.info.highest_modseq = static_cast<ModSeq>(st.int64(4));
          m.owner = st.int64(5);
          m.owner_address = st.text(6);
          out.push_back(std::move(m));
        }
        out.back().entries.push_back(AclEntry{st.text(7), st.text(8)});
      }
      tx.commit();
      return out;
    });
  }

  Result<UidSet> private_seen(MailboxId mailbox, AccountId reader_id) override {
    return guarded("private_seen", [&]() -> Result<UidSet> {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      auto st = r->prepare("SELECT uid FROM private_seen WHERE account_id = ?1 AND mailbox_id = ?2 ORDER BY uid");
      st.bind_all(reader_id, mailbox);
      UidSet out;
      while (st.step()) out.add(static_cast<Uid>(st.int64(0)));
      tx.commit();
      return out;
    });
  }

  Result<StoreResult> set_private_seen(MailboxId mailbox, AccountId reader_id, const UidSet& uids,
                                       bool seen) override {
    bool changed = false;
    auto r = write_op("set_private_seen", [&]() -> Result<StoreResult> {
      auto row = mailbox_by_id(*writer_, mailbox);
      if (!row) return no_mailbox();
      StoreResult out;
      if (uids.empty()) return out;
      // The existing messages of the set whose private state differs from the wanted one.
      auto st = writer_->prepare(
          "SELECT " + std::string(kMetaColumns) +
          " FROM json_each(?2) AS r CROSS JOIN messages AS m"
          " WHERE m.mailbox_id = ?1 AND m.uid BETWEEN (r.value ->> 0) AND (r.value ->> 1)"
          " AND EXISTS (SELECT 1 FROM private_seen AS p WHERE p.mailbox_id = ?1 AND p.uid = m.uid"
          "             AND p.account_id = ?3) = ?4"
          " ORDER BY m.uid");
      st.bind_all(mailbox, ranges_json(uids), reader_id, seen ? 0 : 1);
      while (st.step()) out.updated.push_back(read_meta(st));
      if (out.updated.empty()) return out;
      const ModSeq modseq = row->highest_modseq + 1;
      for (auto& m : out.updated) {
        if (seen) {
          writer_->prepare("INSERT INTO private_seen (mailbox_id, uid, account_id) VALUES (?1, ?2, ?3)")
              .bind_all(mailbox, m.uid, reader_id)
              .run();
        } else {
          writer_->prepare("DELETE FROM private_seen WHERE mailbox_id = ?1 AND uid = ?2 AND account_id = ?3")
              .bind_all(mailbox, m.uid, reader_id)
              .run();
        }
        writer_->prepare("UPDATE messages SET modseq = ?3 WHERE mailbox_id = ?1 AND uid = ?2")
            .bind_all(mailbox, m.uid, modseq)
            .run();
        m.modseq = modseq;
      }
      writer_->prepare("UPDATE mailboxes SET highest_modseq = ?2 WHERE id = ?1").bind_all(mailbox, modseq).run();
      changed = true;
      return out;
    });
    if (r && changed) bus_.publish(mailbox);
    return r;
  }

  Status set_mailbox_address(MailboxId mailbox, std::string_view address) override {
    const std::string addr = ascii::lower(address);
    return write_op("set_mailbox_address", [&]() -> Status {
      if (!mailbox_exists(*writer_, mailbox)) return no_mailbox();
      if (addr.empty()) {
        writer_->prepare("DELETE FROM mailbox_addresses WHERE mailbox_id = ?1").bind_all(mailbox).run();
        return {};
      }
      if (writer_->prepare("SELECT 1 FROM accounts WHERE address = ?1").bind_all(addr).step())
        return make_error(Errc::already_exists, "An account has this address", addr);
      if (writer_->prepare("SELECT 1 FROM aliases WHERE alias = ?1").bind_all(addr).step())
        return make_error(Errc::already_exists, "An alias has this address", addr);
      if (writer_->prepare("SELECT 1 FROM mailbox_addresses WHERE address = ?1 AND mailbox_id != ?2")
              .bind_all(addr, mailbox)
              .step())
        return make_error(Errc::already_exists, "Another mailbox has this address", addr);
      writer_->prepare(
          "INSERT INTO mailbox_addresses (address, mailbox_id) VALUES (?1, ?2)"
          " ON CONFLICT (mailbox_id) DO UPDATE SET address = excluded.address")
          .bind_all(addr, mailbox)
          .run();
      return {};
    });
  }

  Result<std::pair<AccountId, MailboxInfo>> find_mailbox_address(std::string_view address) override {
    const std::string addr = ascii::lower(address);
    return guarded("find_mailbox_address", [&]() -> Result<std::pair<AccountId, MailboxInfo>> {
      auto r = reader();
      Transaction tx(*r, false);
      AccountId owner = 0;
      std::string name;
      {
        auto st = r->prepare(
            "SELECT b.account_id, b.name FROM mailbox_addresses AS d JOIN mailboxes AS b ON b.id = d.mailbox_id"
            " WHERE d.address = ?1");
        if (!st.bind_all(addr).step()) return make_error(Errc::not_found, "No mailbox has this address", addr);
        owner = st.int64(0);
        name = st.text(1);
      }
      auto info = load_mailbox_info(*r, owner, name);
      tx.commit();
      if (!info) return no_mailbox();
      return std::make_pair(owner, std::move(*info));
    });
  }

  Result<std::string> mailbox_address(MailboxId mailbox) override {
    return guarded("mailbox_address", [&]() -> Result<std::string> {
      auto r = reader();
      auto st = r->prepare("SELECT address FROM mailbox_addresses WHERE mailbox_id = ?1");
      if (!st.bind_all(mailbox).step()) return std::string();
      return st.text(0);
    });
  }

  // --- Quota ---------------------------------------------------------------------------------

  void set_default_quota(const QuotaLimits& limits) override {
    std::lock_guard lock(quota_mutex_);
    default_quota_ = limits;
  }

  Result<Quota> get_quota(AccountId account) override {
    return guarded("get_quota", [&]() -> Result<Quota> {
      auto r = reader();
      Transaction tx(*r, false);  // limits and usage from one snapshot
      auto quota = quota_of(*r, account);
      tx.commit();
      if (!quota) return make_error(Errc::not_found, "No such account", std::to_string(account));
      return std::move(*quota);
    });
  }

  Status set_quota(AccountId account, const std::optional<QuotaLimits>& limits) override {
    auto as_value = [](const std::optional<std::uint64_t>& v) -> std::optional<std::int64_t> {
      if (!v) return std::nullopt;
      return static_cast<std::int64_t>(std::min<std::uint64_t>(*v, std::numeric_limits<std::int64_t>::max()));
    };
    return write_op("set_quota", [&]() -> Status {
      auto st = writer_->prepare(
          "UPDATE accounts SET quota_own = ?2, quota_storage_kib = ?3, quota_messages = ?4 WHERE id = ?1");
      st.bind(1, account);
      st.bind(2, std::int64_t{limits ? 1 : 0});
      if (auto v = limits ? as_value(limits->storage_kib) : std::nullopt) st.bind(3, *v);
      if (auto v = limits ? as_value(limits->messages) : std::nullopt) st.bind(4, *v);
      st.run();
      if (writer_->changes() == 0) return make_error(Errc::not_found, "No such account", std::to_string(account));
      return {};
    });
  }

  Result<DeletedSummary> deleted_summary(MailboxId mailbox) override {
    return guarded("deleted_summary", [&]() -> Result<DeletedSummary> {
      auto r = reader();
      Transaction tx(*r, false);
      if (!mailbox_exists(*r, mailbox)) return no_mailbox();
      auto st = r->prepare("SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE mailbox_id = ?1 AND (system_flags & " +
                           std::to_string(kDeleted) + ") != 0");
      st.bind_all(mailbox);
      DeletedSummary out;
      if (st.step()) {
        out.messages = static_cast<std::uint64_t>(st.int64(0));
        out.storage_octets = static_cast<std::uint64_t>(st.int64(1));
      }
      tx.commit();
      return out;
    });
  }

  Result<StoreCheck> check_store() override {
    StoreCheck out;
    // Files younger than kOrphanMinAge may be an APPEND's, written before the commit that names
    // them, unless no other process has the store open (open_sqlite_store's shared lock).
    out.exclusive = lock_exclusively();
    try {
      auto db = Db::open(db_path_, true);
      auto integrity = [&out](Db& d, const std::string& file) {
        auto st = d.prepare("PRAGMA integrity_check");
        while (st.step())
          if (std::string line = st.text(0); line != "ok") out.problems.push_back(file + ": " + line);
      };
      integrity(*db, db_path_);
      {
        auto text = Db::open(text_db_path_, true);
        integrity(*text, text_db_path_);
      }
      // One snapshot for every check that compares rows with rows.
      Transaction tx(*db, false);
      auto count = [&](const std::string& sql) {
        auto st = db->prepare(sql);
        return st.step() ? static_cast<std::uint64_t>(st.int64(0)) : 0;
      };
      out.mailboxes = count("SELECT count(*) FROM mailboxes");
      out.messages = count("SELECT count(*) FROM messages");
      auto report = [&](const std::string& sql, const char* what) {
        auto st = db->prepare(sql);
        std::size_t n = 0;
        while (st.step()) {
          if (++n > 20) continue;   // the count is what matters after the first few
          out.problems.push_back(fmt::format("mailbox {} uid {}: {}", st.int64(0), st.int64(1), what));
        }
        if (n > 20) out.problems.push_back(fmt::format("... and {} more: {}", n - 20, what));
      };
      // RFC 9051 §2.3.1.1: UIDs only grow, so UIDNEXT is above every UID the mailbox ever gave.
      report("SELECT m.mailbox_id, m.uid FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id"
             " WHERE m.uid >= b.uid_next",
             "UID not below UIDNEXT");
      report("SELECT e.mailbox_id, e.uid FROM expunged e JOIN mailboxes b ON b.id = e.mailbox_id"
             " WHERE e.uid >= b.uid_next",
             "expunged UID not below UIDNEXT");
      // RFC 7162 §3.1.1: HIGHESTMODSEQ is at least every message's MODSEQ.
      report("SELECT m.mailbox_id, m.uid FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id"
             " WHERE m.modseq > b.highest_modseq",
             "MODSEQ above HIGHESTMODSEQ");
      report("SELECT m.mailbox_id, m.uid FROM messages m LEFT JOIN blobs f ON f.id = m.blob_id WHERE f.id IS NULL",
             "no file record for the message");
      {
        auto st = db->prepare(
            "SELECT b.id, b.message_count, b.unseen_count, b.total_size, count(m.uid),"
            " coalesce(sum((m.system_flags & " + std::to_string(kSeen) + ") = 0), 0), coalesce(sum(m.size), 0)"
            " FROM mailboxes b LEFT JOIN messages m ON m.mailbox_id = b.id GROUP BY b.id"
            " HAVING b.message_count != count(m.uid) OR b.unseen_count != coalesce(sum((m.system_flags & " +
            std::to_string(kSeen) + ") = 0), 0) OR b.total_size != coalesce(sum(m.size), 0)");
        while (st.step())
          out.problems.push_back(fmt::format(
              "mailbox {}: counts say {} messages, {} unseen, {} octets; its messages are {}, {}, {}", st.int64(0),
              st.int64(1), st.int64(2), st.int64(3), st.int64(4), st.int64(5), st.int64(6)));
      }
      // Every message's bytes: in the database (small messages) or in their file.
      {
        auto st = db->prepare(
            "SELECT f.id, (SELECT min(mailbox_id) FROM messages WHERE blob_id = f.id),"
            " (SELECT min(uid) FROM messages WHERE blob_id = f.id)"
            " FROM blobs f WHERE NOT EXISTS (SELECT 1 FROM blob_bytes WHERE id = f.id)");
        std::size_t missing = 0;
        while (st.step()) {
          const std::string id = st.text(0);
          struct stat info{};
          if (::stat(blobs_->path_of(id).c_str(), &info) == 0) continue;
          if (++missing <= 20)
            out.problems.push_back(fmt::format("mailbox {} uid {}: message file {} is missing", st.int64(1),
                                               st.int64(2), blobs_->path_of(id)));
        }
        if (missing > 20) out.problems.push_back(fmt::format("... and {} more message files missing", missing - 20));
      }
      tx.commit();
      out.orphan_files_removed = blobs_->remove_orphans(
          out.exclusive ? std::chrono::seconds(0) : kOrphanMinAge,
          [&](const BlobId& id) { return has_blob_row(*db, id); },
          [] { return false; });
    } catch (const SqlError& e) {
      unlock_exclusive(out.exclusive);
      return make_error(Errc::io, "Cannot check the mail store", db_path_ + ": " + e.what());
    }
    unlock_exclusive(out.exclusive);
    return out;
  }

  // The data directory's lock file (kLockFile): every process that opens the store holds it
  // shared for as long as it has the store open; check_store() asks for it exclusively.
  void set_lock(int fd) { lock_fd_ = fd; }

  std::unique_ptr<Subscription> subscribe(MailboxId mailbox, ChangeListener listener) override {
    return bus_.subscribe(mailbox, std::move(listener));
  }

 private:
  // "INBOX" in any case is the inbox (RFC 3501 §5.1) of an account; public folders have none, so
  // their names are kept exactly as written.
  // In a write transaction: whether `name` (normalized) may be created in `account` with
  // `special_use`: Errc::not_found (account), already_exists, in_use.
  Status may_create(AccountId account, const std::string& name, std::string_view special_use) {
    {
      auto st = writer_->prepare("SELECT 1 FROM accounts WHERE id = ?1");
      if (!st.bind_all(account).step()) return make_error(Errc::not_found, "No such account", std::to_string(account));
    }
    if (find_mailbox(*writer_, account, name)) return make_error(Errc::already_exists, "Mailbox already exists");
    if (auto holder = special_use_holder(*writer_, account, special_use))
      return make_error(Errc::in_use, fmt::format("{} is already the use of {}", special_use, *holder));
    return {};
  }

  // In a write transaction: inserts `name` (normalized, known to be missing) with `special_use`.
  MailboxInfo insert_new_mailbox(AccountId account, const std::string& name, std::string_view special_use) {
    const MailboxId id = insert_mailbox(account, name);
    if (!special_use.empty())
      writer_->prepare("UPDATE mailboxes SET special_use = ?2 WHERE id = ?1").bind_all(id, special_use).run();
    return std::move(*load_mailbox_info(*writer_, account, name));
  }

  std::string normalize(AccountId account, std::string_view name) const {
    if (account == public_account_) return std::string(name);
    return normalize_mailbox(name);
  }

  // --- reader pool ---------------------------------------------------------------------------

  struct ReaderDeleter {
    SqliteStore* store;
    void operator()(Db* db) const { store->release_reader(db); }
  };
  using Reader = std::unique_ptr<Db, ReaderDeleter>;

  // Checks out a reader connection, opening one when fewer than kReaders exist; waits otherwise.
  Reader reader() {
    std::unique_lock lock(pool_mutex_);
    pool_cv_.wait(lock, [&] { return !idle_.empty() || open_readers_ < kReaders; });
    if (!idle_.empty()) {
      Db* db = idle_.back().release();
      idle_.pop_back();
      return Reader(db, ReaderDeleter{this});
    }
    ++open_readers_;
    lock.unlock();
    try {
      auto db = Db::open(db_path_, true);
      attach_text_index(*db, text_db_path_);
      return Reader(db.release(), ReaderDeleter{this});
    } catch (...) {
      std::lock_guard again(pool_mutex_);
      --open_readers_;
      pool_cv_.notify_one();
      throw;
    }
  }

  void release_reader(Db* db) {
    // A reader left inside a transaction (an exception before commit) must not keep its
    // snapshot: that would pin the WAL and hide later commits from its next user.
    if (!sqlite3_get_autocommit(db->handle()))
      sqlite3_exec(db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    std::lock_guard lock(pool_mutex_);
    idle_.emplace_back(db);
    pool_cv_.notify_one();
  }

  // --- the writer: group commit ---------------------------------------------------------------
  //
  // Writers queue their operation; whichever caller finds no batch running becomes the leader,
  // runs every queued operation (up to kMaxBatch) in ONE transaction, each inside its own
  // SAVEPOINT, commits once (one WAL fsync for the whole batch) and wakes the others. An
  // operation that returns an error value or throws is rolled back to its savepoint alone;
  // a failed COMMIT fails the whole batch, and nobody outside has seen any of it. Operations
  // still run one after another, so each sees the effects of those before it, exactly as if
  // they had committed separately. No call returns before its batch is durably committed.

  struct PendingWrite {
    std::function<bool()> run;        // true: keep (RELEASE), false: undo (ROLLBACK TO)
    std::optional<SqlError> failure;  // set when the op or its batch failed in SQLite
    bool done = false;
  };
  static constexpr std::size_t kMaxBatch = 64;

  // One write in the next group commit (submit()). `background`: the indexer's own writes,
  // which do not count as clients keeping the writer busy (writer_quiet()).
  template <class F>
  auto write_op(std::string_view operation, F&& f, bool background = false) -> decltype(f()) {
    using R = decltype(f());
    if (!background)
      last_client_write_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                               std::memory_order_relaxed);
    std::optional<R> result;
    PendingWrite pending;
    pending.run = [&]() {
      result.emplace(f());
      return result->ok();
    };
    submit(pending);
    if (pending.failure) {
      Error err = sql_error(*pending.failure, operation);
      log::error("sqlite store: {}", err.detail);
      return err;
    }
    return std::move(*result);
  }

  void submit(PendingWrite& pending) {
    std::unique_lock lock(write_queue_mutex_);
    write_queue_.push_back(&pending);
    while (!pending.done) {
      if (batch_running_) {
        write_queue_cv_.wait(lock);
        continue;
      }
      batch_running_ = true;
      const std::size_t n = std::min(write_queue_.size(), kMaxBatch);
      std::vector<PendingWrite*> batch(write_queue_.begin(), write_queue_.begin() + n);
      write_queue_.erase(write_queue_.begin(), write_queue_.begin() + n);
      lock.unlock();
      run_batch(batch);
      lock.lock();
      for (auto* p : batch) p->done = true;
      batch_running_ = false;
      write_queue_cv_.notify_all();
    }
  }

  void run_batch(const std::vector<PendingWrite*>& batch) {
    try {
      Transaction tx(*writer_, true);
      for (auto* p : batch) {
        writer_->prepare("SAVEPOINT op").run();
        bool keep = false;
        try {
          keep = p->run();
        } catch (const SqlError& e) {
          p->failure = e;
        } catch (const std::exception& e) {  // e.g. bad_alloc: fail this op, keep the batch
          p->failure = SqlError(SQLITE_INTERNAL, SQLITE_INTERNAL, e.what());
        }
        if (!keep) writer_->prepare("ROLLBACK TO op").run();
        writer_->prepare("RELEASE op").run();
      }
      tx.commit();
    } catch (const SqlError& e) {
      // BEGIN, a savepoint or COMMIT failed: the transaction is rolled back, so every
      // operation in the batch failed, including those that had succeeded on their own.
      for (auto* p : batch)
        if (!p->failure) p->failure = e;
    }
  }

  // --- shared queries ------------------------------------------------------------------------

  static constexpr const char* kMailboxInfoSelect =
      "SELECT b.id, b.name, b.uid_validity, b.uid_next, b.highest_modseq, b.message_count,"
      " b.unseen_count, b.first_unclaimed_recent, b.total_size,"
      " EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.account_id = b.account_id"
      "         AND s.name = b.name), b.special_use"
      " FROM mailboxes AS b";

  static MailboxInfo read_mailbox_info(const Stmt& st) {
    MailboxInfo m;
    m.id = st.int64(0);
    m.name = st.text(1);
    m.uid_validity = static_cast<std::uint32_t>(st.int64(2));
    m.uid_next = static_cast<Uid>(st.int64(3));
    m.highest_modseq = static_cast<ModSeq>(st.int64(4));
    m.messages = static_cast<std::uint32_t>(st.int64(5));
    m.unseen = static_cast<std::uint32_t>(st.int64(6));
    m.first_unclaimed_recent = static_cast<Uid>(st.int64(7));
    m.size = static_cast<std::uint64_t>(st.int64(8));
    m.subscribed = st.int64(9) != 0;
    m.special_use = st.text(10);
    return m;
  }

  static std::optional<MailboxInfo> load_mailbox_info(Db& db, AccountId account,
                                                      const std::string& name) {
    std::optional<MailboxInfo> info;
    {
      auto st = db.prepare(std::string(kMailboxInfoSelect) +
                           " WHERE b.account_id = ?1 AND b.name = ?2");
      if (!st.bind_all(account, name).step()) return info;
      info = read_mailbox_info(st);
    }
    auto st = db.prepare("SELECT keyword FROM mailbox_keywords WHERE mailbox_id = ?1 ORDER BY keyword");
    st.bind_all(info->id);
    while (st.step()) info->keywords.push_back(st.text(0));
    return info;
  }

  static std::optional<MailboxRow> read_row(Stmt& st) {
    if (!st.step()) return std::nullopt;
    MailboxRow r;
    r.id = st.int64(0);
    r.account = st.int64(1);
    r.name = st.text(2);
    r.uid_validity = static_cast<std::uint32_t>(st.int64(3));
    r.uid_next = static_cast<Uid>(st.int64(4));
    r.highest_modseq = static_cast<ModSeq>(st.int64(5));
    return r;
  }

  static std::optional<MailboxRow> find_mailbox(Db& db, AccountId account, const std::string& name) {
    auto st = db.prepare(
        "SELECT id, account_id, name, uid_validity, uid_next, highest_modseq FROM mailboxes"
        " WHERE account_id = ?1 AND name = ?2");
    st.bind_all(account, name);
    return read_row(st);
  }

  static std::optional<MailboxRow> mailbox_by_id(Db& db, MailboxId id) {
    auto st = db.prepare(
        "SELECT id, account_id, name, uid_validity, uid_next, highest_modseq FROM mailboxes"
        " WHERE id = ?1");
    st.bind_all(id);
    return read_row(st);
  }

  // The name of the account's mailbox that has `special_use`; nullopt when none has it (or
  // `special_use` is empty).
  static std::optional<std::string> special_use_holder(Db& db, AccountId account, std::string_view special_use) {
    if (special_use.empty()) return std::nullopt;
    auto st = db.prepare("SELECT name FROM mailboxes WHERE account_id = ?1 AND special_use = ?2");
    if (!st.bind_all(account, special_use).step()) return std::nullopt;
    return st.text(0);
  }

  // An account's limits in force and usage, or nullopt when it is absent. The default limits
  // do not apply to the public folders' owner (kind 1).
  std::optional<Quota> quota_of(Db& db, AccountId account) {
    auto st = db.prepare("SELECT quota_own, quota_storage_kib, quota_messages, kind FROM accounts WHERE id = ?1");
    if (!st.bind_all(account).step()) return std::nullopt;
    Quota q;
    q.own = st.int64(0) != 0;
    if (q.own) {
      if (!st.is_null(1)) q.limits.storage_kib = static_cast<std::uint64_t>(st.int64(1));
      if (!st.is_null(2)) q.limits.messages = static_cast<std::uint64_t>(st.int64(2));
    } else if (st.int64(3) == 0) {
      std::lock_guard lock(quota_mutex_);
      q.limits = default_quota_;
    }
    auto sum = db.prepare(
        "SELECT coalesce(sum(total_size), 0), coalesce(sum(message_count), 0) FROM mailboxes WHERE account_id = ?1");
    if (sum.bind_all(account).step()) {
      q.usage.storage_octets = static_cast<std::uint64_t>(sum.int64(0));
      q.usage.messages = static_cast<std::uint64_t>(sum.int64(1));
    }
    return q;
  }

  // RFC 9208 §5: refuses growth of `account`'s usage by `octets` in `messages` new messages past
  // a limit in force. Runs inside the write transaction that then inserts them.
  Status check_quota(AccountId account, std::uint64_t octets, std::uint64_t messages) {
    if (messages == 0) return {};
    auto q = quota_of(*writer_, account);
    if (!q) return {};
    return quota_allows(*q, account, octets, messages);
  }

  static bool mailbox_exists(Db& db, MailboxId id) {
    auto st = db.prepare("SELECT 1 FROM mailboxes WHERE id = ?1");
    return st.bind_all(id).step();
  }

  static std::vector<MessageMeta> all_metas(Db& db, MailboxId mailbox) {
    auto st = db.prepare(std::string("SELECT ") + kMetaColumns +
                         " FROM messages AS m WHERE m.mailbox_id = ?1 ORDER BY m.uid");
    st.bind_all(mailbox);
    std::vector<MessageMeta> out;
    while (st.step()) out.push_back(read_meta(st));
    return out;
  }

  bool message_exists(MailboxId mailbox, Uid uid) {
    try {
      auto r = reader();
      auto st = r->prepare("SELECT 1 FROM messages WHERE mailbox_id = ?1 AND uid = ?2");
      return st.bind_all(mailbox, uid).step();
    } catch (const SqlError&) {
      return true;  // unknown: report the missing file rather than hide it
    }
  }

  // --- write helpers (call only inside a write_op, i.e. on the writer in a transaction) -------

  std::uint32_t next_uid_validity() {
    std::int64_t last = 0;
    {
      auto st = writer_->prepare("SELECT value FROM counters WHERE name = 'uid_validity'");
      if (st.step()) last = st.int64(0);
    }
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)) & 0xffffffff;
    std::int64_t next = std::max(now, last + 1);
    if (next > static_cast<std::int64_t>(kMaxUid) || next <= 0) next = 1;  // after 2106
    writer_->prepare(
        "INSERT INTO counters (name, value) VALUES ('uid_validity', ?1)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind_all(next)
        .run();
    return static_cast<std::uint32_t>(next);
  }

  // Mailbox ids are never reused (SQLite would give a deleted highest id to the next row): a
  // session that still has a deleted mailbox selected, perhaps someone else's shared one, must
  // never find another mailbox, maybe another account's, behind the same id.
  MailboxId insert_mailbox(AccountId account, const std::string& name) {
    const std::uint32_t validity = next_uid_validity();
    MailboxId id = 0;
    {
      auto st = writer_->prepare(
          "SELECT max(coalesce((SELECT value FROM counters WHERE name = 'mailbox_id'), 0),"
          " (SELECT coalesce(max(id), 0) FROM mailboxes)) + 1");
      st.step();
      id = st.int64(0);
    }
    writer_->prepare(
        "INSERT INTO counters (name, value) VALUES ('mailbox_id', ?1)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind_all(id)
        .run();
    writer_->prepare("INSERT INTO mailboxes (id, account_id, name, uid_validity) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(id, account, name, validity)
        .run();
    return id;
  }

  void add_mailbox_keywords(MailboxId mailbox, const std::vector<std::string>& keywords) {
    for (const auto& k : keywords) {
      writer_->prepare("INSERT OR IGNORE INTO mailbox_keywords (mailbox_id, keyword) VALUES (?1, ?2)")
          .bind_all(mailbox, k)
          .run();
    }
  }

  // Adds a message file's search text to the full-text index (on text_writer_, in a
  // transaction) unless text_rows has it already; returns its row (blobs.text_id).
  // Decoded text may hold NUL (quoted-printable "=00"), where FTS5 would stop reading; no
  // SEARCH needle holds one, so it becomes a line feed, which a needle the index answers
  // cannot match across either (text_index_query).
  std::int64_t insert_text(const BlobId& blob, const mail::Message::SearchText& text) {
    {
      auto st = text_writer_->prepare("SELECT text_id FROM text_rows WHERE blob_id = ?1");
      if (st.bind_all(blob).step()) return st.int64(0);
    }
    auto safe = [](std::string s) {
      std::replace(s.begin(), s.end(), '\0', '\n');
      return s;
    };
    text_writer_->prepare("INSERT INTO text_rows (blob_id) VALUES (?1)").bind_all(blob).run();
    const std::int64_t text_id = text_writer_->last_insert_rowid();
    text_writer_->prepare("INSERT INTO message_text (rowid, blob_id, header, body, part_headers) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(text_id, blob, safe(text.header), safe(text.body), safe(text.part_headers))
        .run();
    return text_id;
  }

  // `index rebuild` in another process may have emptied the index between the commit of `rows`
  // and their claims: claims whose row is gone are cleared, so those files count as not indexed
  // (and are indexed again) instead of being missed by SEARCH.
  Status withdraw_lost_claims(const std::vector<std::pair<BlobId, std::int64_t>>& rows) {
    std::vector<std::pair<BlobId, std::int64_t>> lost;
    Status looked = guarded("rebuild_text_index", [&]() -> Status {
      auto r = reader();
      for (const auto& [id, text_id] : rows) {
        auto st = r->prepare("SELECT 1 FROM fts.text_rows WHERE text_id = ?1");
        if (!st.bind_all(text_id).step()) lost.emplace_back(id, text_id);
      }
      return {};
    });
    if (!looked || lost.empty()) return looked;
    log::info("sqlite store: {} full-text index rows were removed by a rebuild; indexing them again", lost.size());
    return write_op("rebuild_text_index", [&]() -> Status {
      for (const auto& [id, text_id] : lost)
        writer_->prepare("UPDATE blobs SET text_id = NULL WHERE id = ?1 AND text_id = ?2").bind_all(id, text_id).run();
      unindexed_.fetch_add(lost.size());
      return {};
    }, /*background=*/true);
  }

  // Runs `f` in one write transaction of the full-text index's database (text_writer_), which
  // only the indexer and `index rebuild` use. Errors as write_op's.
  template <class F>
  Status text_op(std::string_view operation, F&& f) {
    std::lock_guard lock(text_writer_mutex_);
    try {
      Transaction tx(*text_writer_, true);
      f();
      tx.commit();
      return {};
    } catch (const SqlError& e) {
      Error err = sql_error(e, operation);
      log::error("sqlite store: full-text index: {}", err.detail);
      return err;
    }
  }

  // Of `candidates` (blobs whose rows were just deleted), drops the registry rows of those no
  // message refers to any more and returns them; their files go after the commit.
  std::vector<BlobId> drop_unreferenced_blobs(const std::vector<BlobId>& candidates) {
    std::vector<BlobId> dead;
    for (const auto& id : candidates) {
      bool referenced = false;
      {
        auto st = writer_->prepare("SELECT 1 FROM messages WHERE blob_id = ?1 LIMIT 1");
        referenced = st.bind_all(id).step();
      }
      if (referenced) continue;
      writer_->prepare("INSERT OR IGNORE INTO text_garbage (text_id) SELECT text_id FROM blobs"
                       " WHERE id = ?1 AND text_id IS NOT NULL")
          .bind_all(id)
          .run();
      writer_->prepare("DELETE FROM blobs WHERE id = ?1").bind_all(id).run();
      writer_->prepare("DELETE FROM blob_bytes WHERE id = ?1").bind_all(id).run();
      dead.push_back(id);
    }
    return dead;
  }

  void remove_blob_files(const std::vector<BlobId>& dead) {
    if (!dead.empty()) {   // their index rows wait in text_garbage
      garbage_.fetch_add(dead.size());
      wake_indexer();
    }
    for (const auto& id : dead) {
      Status s = blobs_->remove(id);
      // Not fatal: the row is gone, so the start-up sweep collects the file later.
      if (!s) log::warn("sqlite store: {}", s.error().detail);
    }
  }

  // True when a blobs row names `id`: its file is not an orphan (the statement is cached by Db).
  static bool has_blob_row(Db& db, const BlobId& id) {
    return db.prepare("SELECT 1 FROM blobs WHERE id = ?1").bind_all(id).step();
  }

  void sweep_orphans(std::stop_token stop) {
    try {
      auto db = Db::open(db_path_, true);
      const std::size_t n = blobs_->remove_orphans(
          kOrphanMinAge,
          [&](const BlobId& id) { return has_blob_row(*db, id); },
          [&] { return stop.stop_requested(); });
      if (n > 0) log::info("sqlite store: removed {} orphan message files", n);
    } catch (const SqlError& e) {
      log::warn("sqlite store: orphan sweep stopped: {}", e.what());
    }
  }

  // True when no other process holds the store's lock: ours turned exclusive (flock converts
  // by releasing first, so after a refusal the shared lock is taken again).
  bool lock_exclusively() {
    if (lock_fd_ < 0) return false;
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0) return true;
    while (::flock(lock_fd_, LOCK_SH) != 0 && errno == EINTR) {
    }
    return false;
  }
  void unlock_exclusive(bool exclusive) {
    if (exclusive) ::flock(lock_fd_, LOCK_SH);
  }

  int lock_fd_ = -1;
  std::string db_path_;
  std::unique_ptr<BlobStore> blobs_;
  HeaderCache header_cache_{64ULL << 20};   // set_header_cache_limit; [store] header_cache_mib
  std::unique_ptr<Db> writer_;  // used only by the batch leader (see submit())
  std::string text_db_path_;    // kTextIndexFile
  std::mutex text_writer_mutex_;
  std::unique_ptr<Db> text_writer_;   // the full-text index's writes; under text_writer_mutex_
  std::mutex write_queue_mutex_;
  std::condition_variable write_queue_cv_;
  std::vector<PendingWrite*> write_queue_;
  bool batch_running_ = false;

  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Db>> idle_;
  std::size_t open_readers_ = 0;

  ChangeBus bus_;
  std::jthread sweeper_;
  // The full-text indexer (start_text_indexing): woken by appends and announce_change.
  std::mutex indexer_mutex_;
  std::condition_variable_any indexer_cv_;
  bool indexer_due_ = false;   // guarded by indexer_mutex_
  // The indexer waits for this long without client writes before it works...
  static constexpr std::chrono::milliseconds kWriterQuiet{300};
  // ...or until this many files (or dead index rows) wait, whichever comes first
  // (set_text_index_backlog; [store] text_index_backlog).
  std::atomic<std::uint64_t> text_index_backlog_{2000};
  std::atomic<std::uint64_t> inline_max_octets_{65536};   // set_inline_max_octets
  std::atomic<std::int64_t> last_client_write_{0};   // steady_clock ticks of the last write_op
  std::atomic<std::uint64_t> unindexed_{0};   // files appended and not indexed yet (about)
  std::atomic<std::uint64_t> garbage_{0};     // index rows of removed files not deleted yet
  std::jthread indexer_;       // declared last of these: stopped and joined before they go
  // start_checkpointer: the WAL's size after a commit, in pages, that wakes the checkpoint
  // thread (SQLite's own default for its automatic checkpoint).
  static constexpr int kCheckpointPages = 1000;
  static constexpr int kRestartPages = 4000;   // 16 MiB of 4 KiB pages
  std::mutex checkpoint_mutex_;
  std::condition_variable_any checkpoint_cv_;
  bool checkpoint_due_ = false;   // guarded by checkpoint_mutex_
  std::jthread checkpointer_;
  AccountId public_account_ = 0;
  std::mutex quota_mutex_;
  QuotaLimits default_quota_;  // set_default_quota; guarded by quota_mutex_

 public:
  // Reads the id of the public folders' owner (made by the v5 migration).
  void load_public_account() {
    auto st = writer_->prepare("SELECT id FROM accounts WHERE kind = 1 ORDER BY id LIMIT 1");
    if (!st.step()) throw SqlError(SQLITE_CORRUPT, SQLITE_CORRUPT, "the public folders' owner is missing");
    public_account_ = st.int64(0);
  }
};

// Creates the schema in a new database, or checks the version of an existing one and migrates.
void migrate(Db& db) {
  Transaction tx(db, true);
  int version = 0;
  {
    auto st = db.prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
    if (st.step()) {
      auto v = db.prepare("SELECT MAX(version) FROM schema_version");
      if (v.step()) version = static_cast<int>(v.int64(0));
    }
  }
  if (version > kSchemaVersion)
    throw SqlError(SQLITE_ERROR, SQLITE_ERROR,
                   "database schema version " + std::to_string(version) +
                       " is newer than this program (" + std::to_string(kSchemaVersion) + ")");
  if (version == 0) db.exec(kSchemaV1);
  if (version < 2) db.exec(kSchemaV2);
  if (version < 3) db.exec(kSchemaV3);
  if (version < 4) db.exec(kSchemaV4);
  if (version < 5) db.exec(kSchemaV5);
  if (version < 6) db.exec(kSchemaV6);
  if (version < 7) db.exec(kSchemaV7);
  if (version < 8) db.exec(kSchemaV8);
  if (version < 9) db.exec(kSchemaV9);
  if (version < 10) db.exec(kSchemaV10);
  if (version < 11) db.exec(kSchemaV11);
  tx.commit();
}

}  // namespace

Result<std::unique_ptr<MailStore>> open_sqlite_store(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return make_error(Errc::io, "Cannot open the mail store",
                      "cannot create " + data_dir + ": " + ec.message());
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  auto blobs = BlobStore::open(data_dir + "/messages");
  if (!blobs) return blobs.error();
  // Held shared while the store is open, so that check_store() knows whether another process
  // (a server, `pillarbox deliver`) may be between writing a message file and committing it.
  const std::string lock_path = data_dir + "/" + kLockFile;
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_SH) != 0) {
    const int e = errno;
    if (lock_fd >= 0) ::close(lock_fd);
    return make_error(Errc::io, "Cannot open the mail store", "cannot lock " + lock_path + ": " + std::strerror(e));
  }
  struct FdGuard {
    int fd;
    ~FdGuard() {
      if (fd >= 0) ::close(fd);
    }
  } lock_guard{lock_fd};
  const std::string db_path = data_dir + "/pillarbox.sqlite3";
  const std::string text_path = data_dir + "/" + kTextIndexFile;
  try {
    auto writer = Db::open(db_path, false);
    // WAL lets readers work while the writer commits; the mode is persistent in the file.
    writer->exec("PRAGMA journal_mode = WAL");
    migrate(*writer);
    // A new index file (the first start after version 10, or the administrator removed it to
    // start over) holds no file's text, whatever the main database claims: the claims and the
    // garbage list go first, before the file exists. A start that fails in between finds the
    // file missing again next time and does the same (doing it twice is harmless); the other
    // order could leave claims naming rows of an empty file (or, ids starting over, others').
    if (!std::filesystem::exists(text_path))
      writer->exec("BEGIN IMMEDIATE; UPDATE blobs SET text_id = NULL WHERE text_id IS NOT NULL;"
                   " DELETE FROM text_garbage; COMMIT");
    auto text_writer = Db::open(text_path, false);
    text_writer->exec("PRAGMA journal_mode = WAL");
    text_writer->exec(kTextIndexSchema);
    auto store = std::make_unique<SqliteStore>(db_path, text_path, std::move(*blobs), std::move(writer),
                                               std::move(text_writer));
    store->set_lock(lock_fd);
    lock_guard.fd = -1;
    store->load_public_account();
    store->start_checkpointer();
    store->start_orphan_sweep();
    return std::unique_ptr<MailStore>(std::move(store));
  } catch (const SqlError& e) {
    return make_error(Errc::io, "Cannot open the mail store", db_path + ": " + e.what());
  }
}

}  // namespace pillarbox::store
