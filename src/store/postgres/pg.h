// A thin C++ layer over libpq for the PostgreSQL store: connections, parameterised queries with
// typed results, RAII transactions, LISTEN/NOTIFY, and a pool of connections.
//
// Threading: the store's interface is blocking and runs on the store's own threads
// (session/store_call.h), never on an I/O thread, so these calls block too. A Conn is used by
// one thread at a time: a store call leases one from the Pool for its duration.
//
// Errors: failures throw PgError, carrying the SQLSTATE (e.g. "40001" serialization failure,
// "23505" unique violation) so that the store can retry or map it. As with the SQLite layer the
// exception never leaves the store: every public store function returns an Error value.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace pillarbox::store::postgres {

/// A failed libpq call or statement: the SQLSTATE ("" when the connection itself failed) and
/// the server's or libpq's message.
class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  /// True for errors a retry of the whole transaction can cure: serialization failure (40001)
  /// and deadlock (40P01), PostgreSQL §13.4 "Serialization Failure Handling".
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  /// True when the connection is gone (SQLSTATE class 08, or none at all): the pool drops it.
  bool connection_lost() const { return sqlstate_.empty() || sqlstate_.starts_with("08"); }

 private:
  std::string sqlstate_;
};

/// One query parameter: NULL, an integer, text, or bytes sent as bytea in binary form (no
/// escaping, no copy: the bytes must outlive the call).
class Param {
 public:
  Param() = default;  // NULL
  template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
  Param(T v) : text_(std::to_string(v)), kind_(Kind::text) {}  // NOLINT: implicit on purpose
  Param(std::string_view s) : text_(s), kind_(Kind::text) {}  // NOLINT
  Param(const std::string& s) : text_(s), kind_(Kind::text) {}  // NOLINT
  Param(const char* s) : text_(s), kind_(Kind::text) {}  // NOLINT
  /// Bytes for a bytea parameter ($n::bytea), sent as they are.
  static Param bytes(std::string_view b) {
    Param p;
    p.view_ = b;
    p.kind_ = Kind::bytes;
    return p;
  }
  static Param null() { return Param(); }
  template <class T>
  static Param optional(const std::optional<T>& v) {
    return v ? Param(*v) : Param();
  }

 private:
  friend class Conn;
  enum class Kind { null, text, bytes };
  std::string text_;
  std::string_view view_;
  Kind kind_ = Kind::null;
};

/// The rows of one statement. Columns come in libpq's text form except bytea, which is asked
/// for in binary (Conn::query with binary results) or decoded from text.
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  Rows(Rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Rows& operator=(Rows&& o) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows() { PQclear(r_); }

  int size() const { return PQntuples(r_); }
  bool empty() const { return size() == 0; }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  /// An integer column (int2/int4/int8, text or binary form); 0 for NULL.
  std::int64_t int64(int row, int col) const;
  /// A text column's bytes, valid while the Rows live.
  std::string_view text_view(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
  }
  std::string text(int row, int col) const { return std::string(text_view(row, col)); }
  /// A bytea column's bytes: as they are in binary form, unescaped from text form.
  std::string bytes(int row, int col) const;
  /// Rows changed by INSERT/UPDATE/DELETE without RETURNING.
  std::uint64_t affected() const;

 private:
  PGresult* r_;
};

/// One connection. Not thread-safe; the Pool hands each to one caller at a time.
class Conn {
 public:
  /// Connects to `url` (a libpq connection URI or "key=value" string) and sets the session up
  /// for the store: UTF-8 client encoding, UTC time zone. Throws PgError.
  static std::unique_ptr<Conn> open(const std::string& url);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  /// Runs `sql` with $1.. bound to `params`; text results (bytea columns still decode through
  /// Rows::bytes). Throws PgError with the statement's SQLSTATE.
  Rows query(std::string_view sql, const std::vector<Param>& params = {});
  /// As query(), with every column in binary form: for reading bytea without the 2x hex text
  /// (Rows::int64 and Rows::bytes read binary columns; text columns are the same in both).
  Rows query_binary(std::string_view sql, const std::vector<Param>& params = {});
  /// Runs statements without parameters (several separated by ';' allowed).
  void exec(std::string_view sql);

  /// NOTIFY `channel` with `payload` (pg_notify): PostgreSQL delivers it to every listening
  /// connection when the transaction commits. When this connection came from a Pool with a
  /// local notifier, that notifier is called too, right after the COMMIT (Transaction::commit),
  /// so this process hears its own changes at once; its listener then skips the copy PostgreSQL
  /// delivers (Pool::owns_backend).
  void notify(std::string_view channel, std::string_view payload);
  /// LISTEN on `channel` (an SQL identifier, quoted here).
  void listen(std::string_view channel);
  /// One notification: the channel and its payload.
  struct Notification {
    std::string channel;
    std::string payload;
    int backend_pid = 0;
  };
  /// Waits up to `timeout` for notifications and returns those that arrived (possibly none).
  /// Throws PgError when the connection is lost.
  std::vector<Notification> wait_notifications(std::chrono::milliseconds timeout);

  /// The server process serving this connection (pg_backend_pid()).
  int backend_pid() const { return PQbackendPID(c_); }
  /// False once libpq has seen the connection fail.
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  /// True when no transaction is open on the connection.
  bool idle() const { return PQtransactionStatus(c_) == PQTRANS_IDLE; }

 private:
  friend class Transaction;
  friend class Pool;
  using LocalNotify = std::function<void(const std::string& channel, const std::string& payload)>;
  explicit Conn(PGconn* c) : c_(c) {}
  Rows run(std::string_view sql, const std::vector<Param>& params, int result_format);
  [[noreturn]] void fail(PGresult* r, std::string_view context) const;
  PGconn* c_;
  LocalNotify local_notify_;
  std::vector<std::pair<std::string, std::string>> pending_;  // notified, not yet committed
};

/// BEGIN on construction, ROLLBACK on destruction unless commit() was called. Isolation is
/// READ COMMITTED unless asked; the store serialises writers per mailbox with row locks
/// (SELECT ... FOR UPDATE on the mailbox), which is what keeps UIDs and MODSEQs in order.
class Transaction {
 public:
  enum class Isolation { read_committed, repeatable_read };
  explicit Transaction(Conn& c, Isolation iso = Isolation::read_committed);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Conn& c_;
  bool done_ = false;
};

/// A fixed-size pool of connections to one database, opened on demand up to `size`. lease()
/// blocks (on a store thread) until a connection is free or `wait` passes.
class Pool {
 public:
  Pool(std::string url, std::size_t size, std::chrono::milliseconds wait = std::chrono::seconds(30));
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// A connection for one caller; returned to the pool when the Lease dies, or dropped when it
  /// failed (a new one is opened on the next lease).
  class Lease {
   public:
    Lease(Pool& p, std::unique_ptr<Conn> c) : pool_(&p), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Conn& operator*() const { return *c_; }
    Conn* operator->() const { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> c_;
  };
  /// Throws PgError when no connection can be opened, or ("" SQLSTATE, "pool exhausted") when
  /// none is free within the wait.
  Lease lease();
  /// Called after each commit that sent a notification through one of the pool's connections
  /// (Conn::notify). Set before the first lease.
  void set_local_notify(Conn::LocalNotify notify) { local_notify_ = std::move(notify); }
  /// True when `backend_pid` serves one of the pool's open connections.
  bool owns_backend(int backend_pid) const;
  const std::string& url() const { return url_; }
  std::size_t size() const { return size_; }

 private:
  void give_back(std::unique_ptr<Conn> c);
  const std::string url_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  std::size_t open_ = 0;  // connections that exist: idle or leased
  Conn::LocalNotify local_notify_;
  mutable std::mutex pids_mutex_;
  std::vector<int> pids_;  // backends of the open connections
};

/// Quotes an SQL identifier ("a""b").
std::string quote_identifier(std::string_view name);

/// A text[] literal of `items` for a parameter ($1::text[]): {"a","b\"c"}.
std::string text_array(const std::vector<std::string>& items);

}  // namespace pillarbox::store::postgres
