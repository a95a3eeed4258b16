#include "auth/failure.h"

#include <gtest/gtest.h>

namespace pillarbox::auth {
namespace {

// The details Authenticator and ServerExchange write, read back as the log's login reasons.
TEST(FailureReason, NamesEachKindOfFailure) {
  EXPECT_EQ(failure_reason("no account \"nobody@example.org\""), "unknown_user");
  EXPECT_EQ(failure_reason("ambiguous alias \"user\" names a@x.example, a@y.example"), "ambiguous_alias");
  EXPECT_EQ(failure_reason("wrong password for alice@example.org"), "wrong_password");
  EXPECT_EQ(failure_reason("wrong SCRAM proof"), "wrong_password");
  EXPECT_EQ(failure_reason("alice@example.org has no SCRAM keys (a plaintext login or a new password stores them)"),
            "no_scram_keys");
  EXPECT_EQ(failure_reason("alice@example.org has an unreadable SCRAM secret"), "no_scram_keys");
  EXPECT_EQ(failure_reason("SCRAM nonce does not match"), "sasl_failed");
  EXPECT_EQ(failure_reason("channel binding downgrade: flag 'y' where SCRAM-SHA-256-PLUS is offered"), "sasl_failed");
  EXPECT_EQ(failure_reason("disk I/O error"), "other");
}

}  // namespace
}  // namespace pillarbox::auth
