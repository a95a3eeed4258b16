// The store conformance suite (DESIGN §5: "All pass one conformance suite; a new backend is
// done when it passes"). The tests in store_conformance.cpp use only the MailStore interface;
// each backend instantiates them with INSTANTIATE_TEST_SUITE_P and a BackendParam, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//                            ::testing::Values(BackendParam{"sqlite", make_sqlite_backend}),
//                            BackendParam::Name);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include "store/mail_store.h"

namespace pillarbox::store::conformance {

/// One empty store's persistent state (a directory, a database) for the duration of a test.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Opens the store over this state; called again after the previous store was destroyed to
  /// test persistence across restarts.
  virtual Result<std::unique_ptr<MailStore>> open() = 0;
  /// False for backends without persistence (memory): reopen tests are then skipped.
  virtual bool persistent() const { return true; }
  /// False for backends without a full-text index (PostgreSQL so far): SEARCH TEXT/BODY must
  /// answer the same, but rebuild_text_index has no file to index and returns 0.
  virtual bool text_index() const { return true; }
};

struct BackendParam {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
  static std::string Name(const ::testing::TestParamInfo<BackendParam>& info) {
    return info.param.name;
  }
  /// How GoogleTest prints the parameter in failure messages.
  friend void PrintTo(const BackendParam& p, std::ostream* os) { *os << p.name; }
};

/// Thrown by must() so a failed store call ends the test with its error text.
struct StoreCallFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T must(Result<T> r) {
  if (!r.ok()) throw StoreCallFailed(r.error().text + " / " + r.error().detail);
  return std::move(r).value();
}

inline void must(Status s) {
  if (!s.ok()) throw StoreCallFailed(s.error().text + " / " + s.error().detail);
}

class StoreConformance : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override;
  void TearDown() override;
  /// Destroys the store and opens it again over the same state.
  void reopen();

  MailStore& store() { return *store_; }
  AccountId account() const { return account_; }
  MailboxInfo mailbox(const std::string& name) { return must(store_->get_mailbox(account_, name)); }
  MailboxId mailbox_id(const std::string& name) { return mailbox(name).id; }
  /// Appends one message per text, with `flags`; returns the UIDs.
  std::vector<Uid> append(MailboxId mailbox, const std::vector<std::string>& contents,
                          const Flags& flags = {});

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<MailStore> store_;
  AccountId account_ = 0;
};

/// A small RFC 5322 message with CRLF line ends.
std::string make_message(const std::string& subject, const std::string& body,
                         const std::string& from = "Alice <alice@example.com>",
                         const std::string& date = "Mon, 01 Jan 2024 10:00:00 +0000",
                         const std::string& extra_headers = "");

Flags flags_of(std::uint32_t system, std::vector<std::string> keywords = {});

UidSet uid_set(std::initializer_list<UidSet::Range> ranges);

}  // namespace pillarbox::store::conformance
