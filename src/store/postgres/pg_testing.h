// For tests: a database of their own on the test PostgreSQL server (scripts/pg-test.sh), which
// CTest starts once per run (the "pg" fixture, tests/CMakeLists.txt) and names in the
// environment: PILLARBOX_TEST_PG_URL, or PILLARBOX_TEST_PG_STATE (the directory whose "url"
// file pg-test.sh wrote). Without either a test fails, saying how to start the server.
#pragma once

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "store/postgres/pg.h"

namespace pillarbox::store::postgres::testing {

/// The server's URL (its maintenance database "postgres"). Throws when none is configured.
inline std::string server_url() {
  if (const char* url = std::getenv("PILLARBOX_TEST_PG_URL"); url != nullptr && *url != '\0') return url;
  if (const char* state = std::getenv("PILLARBOX_TEST_PG_STATE"); state != nullptr && *state != '\0') {
    std::ifstream in(std::string(state) + "/url");
    std::string url;
    if (std::getline(in, url) && !url.empty()) return url;
    throw std::runtime_error(std::string("no test PostgreSQL server: ") + state + "/url is missing (is it running?)");
  }
  throw std::runtime_error(
      "no test PostgreSQL server: run these tests through ctest, or start one with "
      "`scripts/pg-test.sh start DIR` and set PILLARBOX_TEST_PG_STATE=DIR");
}

/// `url` with its database name replaced by `db`.
inline std::string with_database(const std::string& url, const std::string& db) {
  const auto slash = url.rfind('/');
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

/// A fresh, empty database, dropped (with whatever connections remain) when this dies.
class ScratchDatabase {
 public:
  ScratchDatabase() : admin_(server_url()) {
    static std::atomic<int> counter{0};
    name_ = "pbtest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    Conn::open(admin_)->exec("CREATE DATABASE " + quote_identifier(name_));
    url_ = with_database(admin_, name_);
  }
  ~ScratchDatabase() {
    try {
      Conn::open(admin_)->exec("DROP DATABASE IF EXISTS " + quote_identifier(name_) + " WITH (FORCE)");
    } catch (const PgError&) {
      // The server is gone (the fixture stops it at the end of the run and removes its data).
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string admin_;
  std::string name_;
  std::string url_;
};

}  // namespace pillarbox::store::postgres::testing
