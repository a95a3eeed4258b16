// Runs the conformance suite against the SQLite store, each test in a fresh data directory.
#include <stdlib.h>

#include <filesystem>

#include "conformance.h"

namespace pillarbox::store::conformance {
namespace {

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pb-store-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~SqliteBackend() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Result<std::unique_ptr<MailStore>> open() override { return open_sqlite_store(dir_ + "/data"); }

 private:
  std::string dir_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(BackendParam{
                             "sqlite", [] { return std::make_unique<SqliteBackend>(); }}),
                         BackendParam::Name);

}  // namespace
}  // namespace pillarbox::store::conformance
