// How the PostgreSQL store runs one operation: a pooled connection, a transaction, retries of
// transactions PostgreSQL aborted to keep them serialisable, and PgError turned into an Error
// value (the exception never leaves the store).
#pragma once

#include <string_view>

#include "base/log.h"
#include "base/result.h"
#include "store/postgres/pg.h"
#include "store/types.h"

namespace pillarbox::store::postgres {

/// The channel every front end LISTENs on; the payload is the mailbox id (decimal). Sent inside
/// the writing transaction, so PostgreSQL delivers it at COMMIT and never for a rollback.
inline constexpr const char* kChangeChannel = "pillarbox_changes";

/// Tells every front end (this one too) that `mailbox` changed, when the transaction on `c`
/// commits.
void notify_change(Conn& c, MailboxId mailbox);

/// Whether PostgreSQL can hold `text` in a text column: well-formed UTF-8 without NUL. Names
/// that are not can never have been stored, so a lookup of one finds nothing (SQLite, which
/// takes any bytes, answers the same, since nothing stores such a name).
bool storable_text(std::string_view text);

/// The Error a client sees for `e`: Errc::unavailable when trying again may work (the database
/// is unreachable or restarting, a serialization failure or deadlock outlived its retries, too
/// many connections), Errc::storage_full for a full disk (SQLSTATE 53100), Errc::invalid for text
/// that is not UTF-8 (22021), else Errc::io.
Error pg_error(const PgError& e, std::string_view operation);

/// Runs `f(conn)` on a leased connection inside a transaction and commits when `f` returns a
/// success (a failed Result or Status rolls back). A transaction aborted by a serialization
/// failure or deadlock is run again, up to 3 times in all. Returns f's result or the Error.
template <class F>
auto transact(Pool& pool, std::string_view operation, F&& f) -> decltype(f(std::declval<Conn&>())) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto c = pool.lease();
      Transaction tx(*c);
      auto result = f(*c);
      if (result.ok()) tx.commit();
      return result;
    } catch (const PgError& e) {
      if (e.retryable() && attempt < 3) continue;
      Error err = pg_error(e, operation);
      log::error("postgresql store: {}", err.detail);
      return err;
    }
  }
}

/// As transact, without a transaction: for single statements that read.
template <class F>
auto read(Pool& pool, std::string_view operation, F&& f) -> decltype(f(std::declval<Conn&>())) {
  try {
    auto c = pool.lease();
    return f(*c);
  } catch (const PgError& e) {
    Error err = pg_error(e, operation);
    log::error("postgresql store: {}", err.detail);
    return err;
  }
}

}  // namespace pillarbox::store::postgres
