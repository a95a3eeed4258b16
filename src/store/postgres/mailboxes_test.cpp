#include "store/postgres/mailboxes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/directory.h"
#include "store/postgres/ops.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

class PgMailboxesTest : public testing::AliceDatabaseTest {
 protected:
  PgMailboxes mailboxes() {
    return PgMailboxes(pool, public_account);
  }
  // A message row (and its blob) in `mailbox`, as APPEND will write them, with the totals kept.
  void add_message(Conn& c, MailboxId mailbox, Uid uid, const std::string& blob, bool seen, std::int64_t size) {
    c.query("INSERT INTO blobs VALUES ($1, $2, 'x') ON CONFLICT DO NOTHING", {blob, size});
    c.query("INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz, system_flags,"
            " modseq, envelope, body_structure, body) VALUES ($1, $2, $3, $4, 0, 0, $5, 1, '', '', '')",
            {mailbox, uid, blob, size, seen ? 1 : 0});
    c.query("UPDATE mailboxes SET uid_next = $2 + 1, message_count = message_count + 1,"
            " unseen_count = unseen_count + $3, total_size = total_size + $4 WHERE id = $1",
            {mailbox, uid, seen ? 0 : 1, size});
  }
};

TEST_F(PgMailboxesTest, CreateGetListAndInboxInAnyCase) {
  auto m = mailboxes();
  auto inbox = m.get_mailbox(alice, "inbox");
  ASSERT_TRUE(inbox.ok()) << inbox.error().detail;
  EXPECT_EQ(inbox->name, "INBOX");
  auto work = m.create_mailbox(alice, "Work", "\\Archive");
  ASSERT_TRUE(work.ok()) << work.error().detail;
  EXPECT_EQ(work->uid_next, 1u);
  EXPECT_EQ(work->special_use, "\\Archive");
  EXPECT_GT(work->uid_validity, inbox->uid_validity);  // handed out in order
  EXPECT_EQ(m.create_mailbox(alice, "Work", "").error().code, Errc::already_exists);
  EXPECT_EQ(m.create_mailbox(alice, "Old", "\\Archive").error().code, Errc::in_use);
  EXPECT_EQ(m.create_mailbox(alice, "", "").error().code, Errc::invalid);
  EXPECT_EQ(m.create_mailbox(999999, "X", "").error().code, Errc::not_found);
  auto all = m.list_mailboxes(alice);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "INBOX");
  EXPECT_EQ((*all)[1].name, "Work");
  // The public folders keep names as written: "inbox" there is not INBOX.
  ASSERT_TRUE(m.create_mailbox(public_account, "inbox", "").ok());
  EXPECT_EQ(m.get_mailbox(public_account, "INBOX").error().code, Errc::not_found);
}

TEST_F(PgMailboxesTest, CreatePathMakesTheMissingSuperiorsOrNothing) {
  auto m = mailboxes();
  ASSERT_TRUE(m.create_mailbox(alice, "a", "").ok());
  auto made = m.create_mailbox_path(alice, "a/b/c", "\\Sent");
  ASSERT_TRUE(made.ok()) << made.error().detail;
  ASSERT_EQ(made->size(), 2u);
  EXPECT_EQ((*made)[0].name, "a/b");
  EXPECT_EQ((*made)[1].name, "a/b/c");
  EXPECT_EQ((*made)[1].special_use, "\\Sent");
  // RFC 6154 §3: a CREATE failing on its use creates nothing, superiors included.
  EXPECT_EQ(m.create_mailbox_path(alice, "x/y", "\\Sent").error().code, Errc::in_use);
  EXPECT_EQ(m.get_mailbox(alice, "x").error().code, Errc::not_found);
}

TEST_F(PgMailboxesTest, ConcurrentCreatesOfOneNameMakeOneMailbox) {
  std::atomic<int> made{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      Pool own(db.url(), 1);
      PgMailboxes m(own, public_account);
      if (m.create_mailbox(alice, "Shared", "\\Drafts").ok()) ++made;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(made.load(), 1);
}

TEST_F(PgMailboxesTest, DeleteTakesTheMessagesAndTheirBlobsButNotInbox) {
  auto m = mailboxes();
  const MailboxId work = m.create_mailbox(alice, "Work", "")->id;
  auto c = Conn::open(db.url());
  add_message(*c, work, 1, "w1", false, 10);
  add_message(*c, work, 2, "both", false, 10);
  add_message(*c, inbox, 1, "both", false, 10);
  EXPECT_EQ(m.delete_mailbox(alice, "inbox").error().code, Errc::no_perm);
  auto listener = Conn::open(db.url());
  listener->listen(kChangeChannel);
  ASSERT_TRUE(m.delete_mailbox(alice, "Work").ok());
  auto note = listener->wait_notifications(std::chrono::seconds(5));  // its sessions hear of it
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0].payload, std::to_string(work));
  EXPECT_EQ(m.delete_mailbox(alice, "Work").error().code, Errc::not_found);
  EXPECT_EQ(c->query("SELECT id FROM blobs").size(), 1);
  EXPECT_EQ(c->query("SELECT id FROM blobs").text(0, 0), "both");
}

TEST_F(PgMailboxesTest, RenamingInboxMovesItsMessagesAndLeavesItEmpty) {
  auto m = mailboxes();
  const MailboxId inbox_id = m.get_mailbox(alice, "INBOX")->id;
  auto c = Conn::open(db.url());
  add_message(*c, inbox_id, 5, "m5", true, 100);
  add_message(*c, inbox_id, 9, "m9", false, 20);
  const auto inbox = *m.get_mailbox(alice, "INBOX");
  ASSERT_EQ(inbox.uid_next, 10u);
  ASSERT_TRUE(m.rename_mailbox(alice, "INBOX", "Old").ok());
  auto old = m.get_mailbox(alice, "Old");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->messages, 2u);
  EXPECT_EQ(old->unseen, 1u);
  EXPECT_EQ(old->size, 120u);
  EXPECT_EQ(old->uid_next, 3u);  // UIDs 1 and 2 in the new mailbox
  Rows uids = c->query("SELECT uid, blob_id FROM messages WHERE mailbox_id = $1 ORDER BY uid", {old->id});
  ASSERT_EQ(uids.size(), 2);
  EXPECT_EQ(uids.int64(0, 0), 1);
  EXPECT_EQ(uids.text(0, 1), "m5");
  auto after = m.get_mailbox(alice, "INBOX");
  EXPECT_EQ(after->messages, 0u);
  EXPECT_EQ(after->size, 0u);
  EXPECT_EQ(after->uid_next, inbox.uid_next);  // INBOX's UIDs are never handed out again
  EXPECT_EQ(after->uid_validity, inbox.uid_validity);
  EXPECT_GT(after->highest_modseq, inbox.highest_modseq);
  EXPECT_EQ(c->query("SELECT count(*) FROM expunged WHERE mailbox_id = $1", {inbox.id}).int64(0, 0), 2);
  // Other renames keep the mailbox and its UIDVALIDITY.
  ASSERT_TRUE(m.rename_mailbox(alice, "Old", "Older").ok());
  EXPECT_EQ(m.get_mailbox(alice, "Older")->uid_validity, old->uid_validity);
  EXPECT_EQ(m.rename_mailbox(alice, "Older", "INBOX").error().code, Errc::already_exists);
  EXPECT_EQ(m.rename_mailbox(alice, "Nope", "X").error().code, Errc::not_found);
}

TEST_F(PgMailboxesTest, SubscriptionsNeedNoMailbox) {
  auto m = mailboxes();
  ASSERT_TRUE(m.set_subscribed(alice, "Later", true).ok());
  ASSERT_TRUE(m.set_subscribed(alice, "inbox", true).ok());
  ASSERT_TRUE(m.set_subscribed(alice, "inbox", true).ok());
  EXPECT_EQ(*m.list_subscriptions(alice), (std::vector<std::string>{"INBOX", "Later"}));
  EXPECT_TRUE(m.get_mailbox(alice, "INBOX")->subscribed);
  ASSERT_TRUE(m.set_subscribed(alice, "Later", false).ok());
  EXPECT_EQ(*m.list_subscriptions(alice), (std::vector<std::string>{"INBOX"}));
  EXPECT_EQ(m.set_subscribed(999999, "X", true).error().code, Errc::not_found);
}

TEST_F(PgMailboxesTest, SpecialUseMovesOnlyWhenFree) {
  auto m = mailboxes();
  const MailboxId a = m.create_mailbox(alice, "A", "\\Junk")->id;
  const MailboxId b = m.create_mailbox(alice, "B", "")->id;
  EXPECT_EQ(m.set_special_use(b, "\\Junk").error().code, Errc::in_use);
  ASSERT_TRUE(m.set_special_use(a, "\\Junk").ok());  // its own use again
  ASSERT_TRUE(m.set_special_use(a, "").ok());
  ASSERT_TRUE(m.set_special_use(b, "\\Junk").ok());
  EXPECT_EQ(m.get_mailbox(alice, "B")->special_use, "\\Junk");
  EXPECT_EQ(m.set_special_use(999999, "").error().code, Errc::not_found);
}

}  // namespace
}  // namespace pillarbox::store::postgres
