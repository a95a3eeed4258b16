// The PostgreSQL store (issue 10; docs/postgresql.md): several `pillarbox serve` front ends on
// one database. Message bytes live in the database; changes reach every front end's sessions
// by LISTEN/NOTIFY.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::store {

/// How to reach the database.
struct PostgresOptions {
  std::string url;             ///< libpq URI, "postgresql://user@host:port/db?..."
  std::size_t pool_size = 16;  ///< connections the store's threads share (at most this many open)
};

/// Connects, applies the schema's missing migrations (postgres/schema.h) and starts the thread
/// that LISTENs for other front ends' changes. Errc::unavailable when the database cannot be
/// reached; Errc::io (naming both versions) when its schema is newer than this program.
Result<std::unique_ptr<MailStore>> open_postgres_store(const PostgresOptions& options);

}  // namespace pillarbox::store
