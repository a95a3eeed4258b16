#include "delivery/deliver.h"

#include <gtest/gtest.h>

#include "delivery/delivery_test_support.h"

namespace pillarbox::delivery {
namespace {

class Deliver : public test::StoreTest {};

TEST_F(Deliver, StoresTheCopyWithTraceHeaders) {
  auto alice = add_account("alice@example.org");
  const std::string message = "From: bob@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
  auto done = deliver(*store_, Target{alice, "INBOX"}, "bob@example.com", "Alice@example.org", message);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->address, "alice@example.org");
  EXPECT_EQ(done->mailbox, "INBOX");
  EXPECT_EQ(done->uid, 1u);
  EXPECT_EQ(contents(alice, "INBOX"),
            (std::vector<std::string>{"Return-Path: <bob@example.com>\r\nDelivered-To: Alice@example.org\r\n" + message}));
}

TEST_F(Deliver, ToANamedMailbox) {
  auto alice = add_account("alice@example.org");
  add_mailbox(alice, "Work");
  auto done = deliver(*store_, Target{alice, "Work"}, "", "alice+Work@example.org", "x\r\n");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->mailbox, "Work");
  EXPECT_EQ(contents(alice, "Work").size(), 1u);
  EXPECT_EQ(contents(alice, "INBOX").size(), 0u);
}

TEST_F(Deliver, AMailboxDeletedSinceResolutionFallsBackToInbox) {
  auto alice = add_account("alice@example.org");
  add_mailbox(alice, "Work");
  ASSERT_TRUE(store_->delete_mailbox(alice.id, "Work").ok());
  auto done = deliver(*store_, Target{alice, "Work"}, "", "alice@example.org", "x\r\n");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->mailbox, "INBOX");
  EXPECT_EQ(contents(alice, "INBOX").size(), 1u);
}

TEST_F(Deliver, AnAccountDeletedSinceResolutionIsNotFound) {
  auto alice = add_account("alice@example.org");
  ASSERT_TRUE(store_->directory().delete_account("alice@example.org").ok());
  auto done = deliver(*store_, Target{alice, "INBOX"}, "", "alice@example.org", "x\r\n");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, Errc::not_found);
}

TEST_F(Deliver, TheStoredCopySurvivesReopeningTheStore) {
  auto alice = add_account("alice@example.org");
  ASSERT_TRUE(deliver(*store_, Target{alice, "INBOX"}, "", "alice@example.org", "durable\r\n").ok());
  store_.reset();
  auto reopened = store::open_sqlite_store(dir_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  auto all = contents(alice, "INBOX");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].ends_with("\r\ndurable\r\n"));
}

}  // namespace
}  // namespace pillarbox::delivery
