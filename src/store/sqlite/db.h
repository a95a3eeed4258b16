// A thin C++ layer over the SQLite C API for the SQLite store: connections with a cache of
// prepared statements, statements with typed bind/column, and RAII transactions.
//
// Threading: connections are opened with SQLITE_OPEN_NOMUTEX ("multi-thread" mode). SQLite's
// own per-connection mutex is then off, so a Db must be used by one thread at a time; the store
// guarantees that (one writer connection behind a mutex, reader connections checked out of a
// pool), which costs one lock per operation instead of one per SQLite call and keeps the
// statement cache, which is per connection, safe without further locking.
//
// Errors: failures throw SqlError. The exception never leaves the SQLite store: every public
// store function catches it and returns an Error value (DESIGN §7: errors are values at the
// I/O edge). Inside, unwinding is what rolls transactions back.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

namespace pillarbox::store::sqlite {

/// A failed SQLite call: the primary result code, extended code and message.
class SqlError : public std::runtime_error {
 public:
  SqlError(int code, int extended, const std::string& message)
      : std::runtime_error(message), code_(code), extended_(extended) {}
  int code() const { return code_; }
  int extended() const { return extended_; }

 private:
  int code_;
  int extended_;
};

class Db;

/// A prepared statement borrowed from a Db's cache. On destruction it is reset and its bindings
/// cleared, so it can be reused. Parameters are 1-based; columns 0-based.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  /// Binds an integer, a UTF-8/binary-safe text (copied) or NULL to parameter `index`.
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind_null(int index);
  /// Binds `bytes` as a BLOB without copying them: they must stay valid until the statement
  /// has been stepped to completion (or reset).
  Stmt& bind_blob(int index, std::string_view bytes);

  /// Binds each argument to parameters 1, 2, ... in order.
  template <class... Args>
  Stmt& bind_all(const Args&... args) {
    int i = 0;
    (bind_one(++i, args), ...);
    return *this;
  }

  /// Advances; true when a row is available, false when done. Throws SqlError.
  bool step();
  /// Steps to completion (for statements without result rows).
  void run();

  /// Column values of the current row (after step() returned true).
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const;
  /// As text(), without the copy: valid until the next step() or column call on this column.
  std::string_view text_view(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  /// A BLOB column's bytes, without the copy; valid as text_view().
  std::string_view blob_view(int col) const;

 private:
  template <class T>
  void bind_one(int i, const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      bind(i, std::string_view(v));
    } else {
      bind(i, static_cast<std::int64_t>(v));
    }
  }
  Db* db_;
  sqlite3_stmt* stmt_;
};

/// One SQLite connection. Not thread-safe (see the file comment).
class Db {
 public:
  /// Opens (creating when absent) the database at `path` and applies the connection pragmas:
  /// foreign_keys=ON, busy_timeout, synchronous=FULL. Throws SqlError.
  static std::unique_ptr<Db> open(const std::string& path, bool query_only);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  /// Runs one or more statements without parameters.
  void exec(const std::string& sql);
  /// A cached prepared statement for `sql`.
  Stmt prepare(const std::string& sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }

  /// Throws SqlError for `rc` with this connection's message and `context`.
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

/// A transaction on one connection: BEGIN IMMEDIATE (writers: takes the write lock at once, so
/// no later upgrade can fail with SQLITE_BUSY mid-transaction) or BEGIN DEFERRED (readers: one
/// consistent WAL snapshot for several statements). Rolls back unless commit() was called.
class Transaction {
 public:
  Transaction(Db& db, bool immediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Commits; with synchronous=FULL in WAL mode the WAL is fsync'd before this returns.
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace pillarbox::store::sqlite
