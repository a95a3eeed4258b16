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

// A public folder as resolve() finds it by its address.
class DeliverPublic : public Deliver {
 protected:
  void SetUp() override {
    Deliver::SetUp();
    auto box = store_->create_mailbox(store_->public_account(), "News");
    ASSERT_TRUE(box.ok());
    ASSERT_TRUE(store_->set_mailbox_address(box->id, "news@example.org").ok());
    auto targets = resolve(*store_, "news@example.org");
    ASSERT_TRUE(targets.ok());
    ASSERT_EQ(targets->size(), 1u);
    news_ = targets->front();
    owner_.id = store_->public_account();
  }
  Target news_;
  store::Account owner_;  // the public folders' owner, for contents()
};

TEST_F(DeliverPublic, StoresTheCopyInTheFolder) {
  auto done = deliver(*store_, news_, "bob@example.com", "news@example.org", "Subject: hi\r\n\r\nx\r\n");
  ASSERT_TRUE(done.ok()) << done.error().text;
  EXPECT_EQ(done->address, "Public Folders/News");
  EXPECT_EQ(done->mailbox, "News");
  EXPECT_EQ(done->uid, 1u);
  EXPECT_EQ(contents(owner_, "News"),
            (std::vector<std::string>{"Return-Path: <bob@example.com>\r\nDelivered-To: news@example.org\r\n"
                                      "Subject: hi\r\n\r\nx\r\n"}));
}

TEST_F(DeliverPublic, AFolderDeletedSinceResolutionIsATemporaryFailure) {
  ASSERT_TRUE(store_->delete_mailbox(owner_.id, "News").ok());
  auto done = deliver(*store_, news_, "", "news@example.org", "x\r\n");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, Errc::unavailable);  // LMTP 451, EX_TEMPFAIL: never lost
  auto left = store_->list_mailboxes(owner_.id);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());  // no INBOX was made up for it
}

TEST_F(DeliverPublic, AFolderRenamedSinceResolutionIsATemporaryFailure) {
  ASSERT_TRUE(store_->rename_mailbox(owner_.id, "News", "Old").ok());
  auto done = deliver(*store_, news_, "", "news@example.org", "x\r\n");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, Errc::unavailable);
  EXPECT_EQ(contents(owner_, "Old").size(), 0u);
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

// One answer per recipient (RFC 2033 §4.2): the worst of its targets' results.
TEST(RecipientTally, TheWorstTargetResultDecides) {
  const Result<Delivered> ok = Delivered{"a@example.org", "INBOX", 1};
  const Result<Delivered> gone = make_error(Errc::not_found, "gone");
  const Result<Delivered> full = make_error(Errc::over_quota, "full");
  const Result<Delivered> busy = make_error(Errc::unavailable, "busy");
  auto outcome = [](std::initializer_list<const Result<Delivered>*> results) {
    RecipientTally tally;
    for (const auto* r : results) tally.add(*r);
    return tally.outcome();
  };
  EXPECT_EQ(outcome({}), RecipientOutcome::no_such_user);
  EXPECT_EQ(outcome({&gone}), RecipientOutcome::no_such_user);
  EXPECT_EQ(outcome({&gone, &ok}), RecipientOutcome::delivered);
  // A full account is not hidden by another's delivery, in either order.
  EXPECT_EQ(outcome({&full, &ok}), RecipientOutcome::mailbox_full);
  EXPECT_EQ(outcome({&ok, &full}), RecipientOutcome::mailbox_full);
  EXPECT_EQ(outcome({&full, &busy, &ok}), RecipientOutcome::temporary);
  EXPECT_EQ(outcome({&ok, &busy}), RecipientOutcome::temporary);
  // A full disk says so (LMTP 452 4.3.1), whatever else happened.
  const Result<Delivered> disk = make_error(Errc::storage_full, "disk full");
  EXPECT_EQ(outcome({&ok, &disk}), RecipientOutcome::system_full);
  EXPECT_EQ(outcome({&busy, &disk, &full}), RecipientOutcome::system_full);
}

}  // namespace
}  // namespace pillarbox::delivery
