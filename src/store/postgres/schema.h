// The PostgreSQL store's schema and its versioned migrations (issue 10).
#pragma once

#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

/// The schema version this program writes.
inline constexpr int kSchemaVersion = 1;

/// Brings the database at `c` to kSchemaVersion, applying each missing migration in order in
/// one transaction. Front ends that start together take turns (a transaction-scoped advisory
/// lock), so each migration runs once. Throws PgError; PgError with SQLSTATE "" and a message
/// naming both versions when the database is newer than this program.
void migrate(Conn& c);

/// The database's schema version (0 for an empty database).
int schema_version(Conn& c);

}  // namespace pillarbox::store::postgres
