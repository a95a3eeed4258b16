// For the PostgreSQL store's unit tests: the set-up most of them share.
#pragma once

#include <gtest/gtest.h>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/pg_testing.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres::testing {

/// A scratch database at the current schema with one account, alice@example.org, whose INBOX
/// exists, and a pool of 4 connections to it. Subclasses that override SetUp call this one first.
class AliceDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Conn::open(db.url());
    migrate(*c);
    public_account = c->query("SELECT id FROM accounts WHERE kind = 1").int64(0, 0);
    alice = *directory().add_account("alice@example.org", "h");
    inbox = c->query("SELECT id FROM mailboxes WHERE account_id = $1", {alice}).int64(0, 0);
  }
  /// A directory whose new accounts get an INBOX, as the store's.
  PgDirectory directory() {
    return PgDirectory(pool, [](Conn& conn, AccountId id) { PgMailboxes::insert_mailbox(conn, id, "INBOX"); });
  }
  /// A quota check that allows everything.
  static Status no_quota(Conn&, AccountId, std::uint64_t, std::uint64_t) { return Status{}; }

  ScratchDatabase db;
  Pool pool{db.url(), 4};
  AccountId public_account = 0;  ///< the account that owns public folders (schema.cpp)
  AccountId alice = 0;
  MailboxId inbox = 0;           ///< alice's INBOX
};

}  // namespace pillarbox::store::postgres::testing
