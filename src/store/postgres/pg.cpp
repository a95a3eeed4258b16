#include "store/postgres/pg.h"

#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace pillarbox::store::postgres {

namespace {

// PostgreSQL type OIDs (src/include/catalog/pg_type.dat) of the columns read in binary form.
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

std::int64_t big_endian(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend from n bytes (two's complement, as PostgreSQL sends int2/int4/int8).
  if (n < 8 && (v >> (n * 8 - 1)) & 1) v |= ~std::uint64_t{0} << (n * 8);
  return static_cast<std::int64_t>(v);
}

}  // namespace

Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

std::int64_t Rows::int64(int row, int col) const {
  if (is_null(row, col)) return 0;
  const char* p = PQgetvalue(r_, row, col);
  const int n = PQgetlength(r_, row, col);
  if (PQfformat(r_, col) == 1) {
    const Oid type = PQftype(r_, col);
    if ((type == kInt8Oid && n == 8) || (type == kInt4Oid && n == 4) || (type == kInt2Oid && n == 2))
      return big_endian(p, n);
    throw PgError("", "column " + std::to_string(col) + " is not an integer in binary form");
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(p, p + n, v);
  if (ec != std::errc() || end != p + n)
    throw PgError("", "column " + std::to_string(col) + " is not an integer: " + std::string(p, static_cast<std::size_t>(n)));
  return v;
}

std::string Rows::bytes(int row, int col) const {
  if (is_null(row, col)) return {};
  const char* p = PQgetvalue(r_, row, col);
  const auto n = static_cast<std::size_t>(PQgetlength(r_, row, col));
  if (PQfformat(r_, col) == 1 || PQftype(r_, col) != kByteaOid) return std::string(p, n);
  std::size_t len = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(p), &len);
  if (raw == nullptr) throw PgError("", "cannot decode a bytea column");
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

std::uint64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_);
  std::uint64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

std::unique_ptr<Conn> Conn::open(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (c == nullptr) throw PgError("", "libpq could not allocate a connection");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string message = PQerrorMessage(c);
    PQfinish(c);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw PgError("", message);
  }
  std::unique_ptr<Conn> conn(new Conn(c));
  conn->exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
  return conn;
}

Conn::~Conn() { PQfinish(c_); }

void Conn::fail(PGresult* r, std::string_view context) const {
  std::string state;
  std::string message;
  if (r != nullptr) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    message = PQresultErrorMessage(r);
    PQclear(r);
  }
  if (message.empty()) message = PQerrorMessage(c_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (!context.empty()) message += " (in: " + std::string(context.substr(0, 200)) + ")";
  throw PgError(state, message);
}

Rows Conn::run(std::string_view sql, const std::vector<Param>& params, int result_format) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    switch (p.kind_) {
      case Param::Kind::null:
        values[i] = nullptr;
        break;
      case Param::Kind::text:
        values[i] = p.text_.c_str();
        break;
      case Param::Kind::bytes:
        // A zero-length binary value still needs a non-null pointer, or libpq sends NULL.
        values[i] = p.view_.data() != nullptr ? p.view_.data() : "";
        lengths[i] = static_cast<int>(p.view_.size());
        formats[i] = 1;
        break;
    }
  }
  const std::string text(sql);
  PGresult* r = PQexecParams(c_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             lengths.data(), formats.data(), result_format);
  const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  return Rows(r);
}

Rows Conn::query(std::string_view sql, const std::vector<Param>& params) { return run(sql, params, 0); }

Rows Conn::query_binary(std::string_view sql, const std::vector<Param>& params) { return run(sql, params, 1); }

void Conn::exec(std::string_view sql) {
  const std::string text(sql);
  PGresult* r = PQexec(c_, text.c_str());
  const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  PQclear(r);
}

void Conn::notify(std::string_view channel, std::string_view payload) {
  query("SELECT pg_notify($1, $2)", {channel, payload});
  if (local_notify_) pending_.emplace_back(channel, payload);
}

void Conn::listen(std::string_view channel) { exec("LISTEN " + quote_identifier(channel)); }

std::vector<Conn::Notification> Conn::wait_notifications(std::chrono::milliseconds timeout) {
  std::vector<Notification> out;
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(c_)) {
      out.push_back({n->relname, n->extra, n->be_pid});
      PQfreemem(n);
    }
  };
  if (PQconsumeInput(c_) == 0) fail(nullptr, "");
  drain();
  if (!out.empty()) return out;
  pollfd p{PQsocket(c_), POLLIN, 0};
  if (p.fd < 0) fail(nullptr, "");
  const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (rc > 0) {
    if (PQconsumeInput(c_) == 0) fail(nullptr, "");
    drain();
  }
  return out;
}

Transaction::Transaction(Conn& c, Isolation iso) : c_(c) {
  c_.exec(iso == Isolation::repeatable_read ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  c_.pending_.clear();  // rolled back: PostgreSQL drops the notifications, and so do we
  try {
    c_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection is gone: the server rolls the transaction back itself.
  }
}

void Transaction::commit() {
  c_.exec("COMMIT");
  done_ = true;
  auto pending = std::move(c_.pending_);
  c_.pending_.clear();
  for (const auto& [channel, payload] : pending) c_.local_notify_(channel, payload);
}

Pool::Pool(std::string url, std::size_t size, std::chrono::milliseconds wait)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), wait_(wait) {}

Pool::~Pool() = default;

Pool::Lease Pool::lease() {
  std::unique_lock lock(m_);
  if (!cv_.wait_for(lock, wait_, [this] { return !idle_.empty() || open_ < size_; }))
    throw PgError("", "no database connection free within " + std::to_string(wait_.count()) + " ms (pool of " +
                          std::to_string(size_) + ")");
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  try {
    auto c = Conn::open(url_);
    c->local_notify_ = local_notify_;
    {
      std::lock_guard pids(pids_mutex_);
      pids_.push_back(c->backend_pid());
    }
    return Lease(*this, std::move(c));
  } catch (...) {
    lock.lock();
    --open_;
    cv_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Conn> c) {
  std::lock_guard lock(m_);
  // A connection that failed, or was left inside a transaction, is not handed out again.
  if (c->ok() && c->idle()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
    std::lock_guard pids(pids_mutex_);
    std::erase(pids_, c->backend_pid());
  }
  cv_.notify_one();
}

bool Pool::owns_backend(int backend_pid) const {
  std::lock_guard lock(pids_mutex_);
  return std::find(pids_.begin(), pids_.end(), backend_pid) != pids_.end();
}

Pool::Lease::~Lease() {
  if (c_) pool_->give_back(std::move(c_));
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace pillarbox::store::postgres
