#include "store/postgres/sharing.h"

#include <gtest/gtest.h>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

class PgSharingTest : public testing::AliceDatabaseTest {
 protected:
  void SetUp() override {
    AliceDatabaseTest::SetUp();
    PgDirectory d = directory();
    bob = *d.add_account("bob@example.org", "h");
    ASSERT_TRUE(d.add_alias("sales@example.org", "bob@example.org").ok());
  }
  PgMailboxes boxes{pool, 0};
  PgSharing sharing{pool};
  AccountId bob = 0;
};

TEST_F(PgSharingTest, AclEntriesAndWhatOthersSee) {
  ASSERT_TRUE(sharing.set_acl(inbox, "Bob@Example.org", "lr").ok());
  ASSERT_TRUE(sharing.set_acl(inbox, "bob@example.org", "lrs").ok());  // replaces
  ASSERT_TRUE(sharing.set_acl(inbox, "anyone", "l").ok());
  EXPECT_EQ(sharing.set_acl(inbox, "", "l").error().code, Errc::invalid);
  auto acl = sharing.get_acl(inbox);
  ASSERT_EQ(acl->size(), 2u);
  EXPECT_EQ((*acl)[0].identifier, "anyone");
  EXPECT_EQ((*acl)[1].identifier, "bob@example.org");
  EXPECT_EQ((*acl)[1].rights, "lrs");
  const MailboxId news = boxes.create_mailbox(public_account, "News", "")->id;
  ASSERT_TRUE(sharing.set_acl(news, "anyone", "lr").ok());
  auto shared = sharing.list_shared(bob, {"bob@example.org", "anyone"});
  ASSERT_TRUE(shared.ok()) << shared.error().detail;
  ASSERT_EQ(shared->size(), 2u);
  EXPECT_EQ((*shared)[0].info.name, "News");  // public folders first
  EXPECT_EQ((*shared)[0].owner_address, "");
  EXPECT_EQ((*shared)[1].owner_address, "alice@example.org");
  EXPECT_EQ((*shared)[1].entries.size(), 2u);
  EXPECT_TRUE(sharing.list_shared(alice, {"alice@example.org", "anyone"})->size() == 1u);  // not her own
  ASSERT_TRUE(sharing.delete_acl(inbox, "anyone").ok());
  EXPECT_EQ(sharing.delete_acl(inbox, "anyone").error().code, Errc::not_found);
  EXPECT_EQ(sharing.get_acl(999999).error().code, Errc::not_found);
}

TEST_F(PgSharingTest, PrivateSeenChangesTheModseqOfWhatChangedOnly) {
  HeaderCache headers(1 << 16);
  PgMessages m(pool, headers, [](Conn&, AccountId, std::uint64_t, std::uint64_t) { return Status{}; });
  AppendRequest r;
  r.content = "Subject: s\n\nx\n";
  ASSERT_TRUE(m.append(inbox, {r, r, r}).ok());
  UidSet some;
  some.add(1, 2);
  auto first = sharing.set_private_seen(inbox, bob, some, true);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  ASSERT_EQ(first->updated.size(), 2u);
  EXPECT_EQ(first->updated[0].modseq, 3u);
  UidSet all;
  all.add(1, 3);
  auto again = sharing.set_private_seen(inbox, bob, all, true);
  ASSERT_EQ(again->updated.size(), 1u);  // only message 3 changed
  EXPECT_EQ(again->updated[0].uid, 3u);
  EXPECT_EQ(sharing.private_seen(inbox, bob)->to_string(), "1:3");
  EXPECT_TRUE(sharing.private_seen(inbox, alice)->empty());
  ASSERT_EQ(sharing.set_private_seen(inbox, bob, some, false)->updated.size(), 2u);
  EXPECT_EQ(sharing.private_seen(inbox, bob)->to_string(), "3");
  EXPECT_EQ(boxes.get_mailbox(alice, "INBOX")->highest_modseq, 5u);
}

TEST_F(PgSharingTest, MailboxAddressesAreUniqueAcrossAccountsAliasesAndMailboxes) {
  const MailboxId news = boxes.create_mailbox(public_account, "News", "")->id;
  const MailboxId lists = boxes.create_mailbox(public_account, "Lists", "")->id;
  ASSERT_TRUE(sharing.set_mailbox_address(news, "News@Example.org").ok());
  EXPECT_EQ(sharing.set_mailbox_address(lists, "news@example.org").error().code, Errc::already_exists);
  EXPECT_EQ(sharing.set_mailbox_address(lists, "bob@example.org").error().code, Errc::already_exists);
  EXPECT_EQ(sharing.set_mailbox_address(lists, "sales@example.org").error().code, Errc::already_exists);
  auto found = sharing.find_mailbox_address("NEWS@example.org");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->first, public_account);
  EXPECT_EQ(found->second.name, "News");
  EXPECT_EQ(*sharing.mailbox_address(news), "news@example.org");
  ASSERT_TRUE(sharing.set_mailbox_address(news, "").ok());
  EXPECT_EQ(*sharing.mailbox_address(news), "");
  EXPECT_EQ(sharing.find_mailbox_address("news@example.org").error().code, Errc::not_found);
}

}  // namespace
}  // namespace pillarbox::store::postgres
