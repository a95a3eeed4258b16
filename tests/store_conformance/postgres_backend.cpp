// Runs the conformance suite against the PostgreSQL store, each test in a database of its own
// on the test server (scripts/pg-test.sh, started by CTest's "pg" fixture).
#include <memory>

#include "conformance.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_testing.h"

namespace pillarbox::store::conformance {
namespace {

class PostgresBackend final : public Backend {
 public:
  Result<std::unique_ptr<MailStore>> open() override { return open_postgres_store(PostgresOptions{db_.url(), 4}); }
  bool text_index() const override { return false; }  // SEARCH TEXT/BODY read every message

 private:
  postgres::testing::ScratchDatabase db_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::Values(BackendParam{"postgres", [] { return std::make_unique<PostgresBackend>(); }}),
                         BackendParam::Name);

}  // namespace
}  // namespace pillarbox::store::conformance
