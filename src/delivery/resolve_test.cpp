#include "delivery/resolve.h"

#include <gtest/gtest.h>

#include "delivery/delivery_test_support.h"

namespace pillarbox::delivery {
namespace {

class Resolve : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alice_ = add_account("alice@example.org");
    bob_ = add_account("bob@example.org");
    add_mailbox(alice_, "Work");
    add_mailbox(alice_, "lists/pillarbox");
    ASSERT_TRUE(store_->directory().add_alias("sales@example.org", "alice@example.org").ok());
    ASSERT_TRUE(store_->directory().add_alias("sales@example.org", "bob@example.org").ok());
    ASSERT_TRUE(store_->directory().add_alias("al@example.org", "alice@example.org").ok());
  }
  // "address:mailbox" per target, or the error code's name.
  std::vector<std::string> targets(std::string_view address) {
    auto r = resolve(*store_, address);
    if (!r) return {r.error().code == Errc::not_found ? "not_found" : "error:" + r.error().text};
    std::vector<std::string> out;
    for (const auto& t : *r) out.push_back(t.account.address + ":" + t.mailbox);
    return out;
  }
  using V = std::vector<std::string>;
  store::Account alice_, bob_;
};

TEST_F(Resolve, Address) { EXPECT_EQ(targets("alice@example.org"), (V{"alice@example.org:INBOX"})); }

TEST_F(Resolve, CaseFolded) {
  EXPECT_EQ(targets("Alice@Example.ORG"), (V{"alice@example.org:INBOX"}));
  EXPECT_EQ(targets("SALES@example.org"), (V{"alice@example.org:INBOX", "bob@example.org:INBOX"}));
}

TEST_F(Resolve, AliasToTwoAccounts) {
  EXPECT_EQ(targets("sales@example.org"), (V{"alice@example.org:INBOX", "bob@example.org:INBOX"}));
  EXPECT_EQ(targets("al@example.org"), (V{"alice@example.org:INBOX"}));
}

TEST_F(Resolve, SubaddressToAnExistingMailbox) {
  EXPECT_EQ(targets("alice+Work@example.org"), (V{"alice@example.org:Work"}));
  EXPECT_EQ(targets("alice+lists/pillarbox@example.org"), (V{"alice@example.org:lists/pillarbox"}));
  EXPECT_EQ(targets("ALICE+Work@EXAMPLE.org"), (V{"alice@example.org:Work"}));
}

TEST_F(Resolve, SubaddressMailboxNamesAreCaseSensitiveExceptInbox) {
  EXPECT_EQ(targets("alice+work@example.org"), (V{"alice@example.org:INBOX"}));
  EXPECT_EQ(targets("alice+inbox@example.org"), (V{"alice@example.org:INBOX"}));
  EXPECT_EQ(targets("alice+InBox@example.org"), (V{"alice@example.org:INBOX"}));
}

TEST_F(Resolve, SubaddressToAMissingMailboxGoesToInbox) {
  EXPECT_EQ(targets("alice+Nowhere@example.org"), (V{"alice@example.org:INBOX"}));
  EXPECT_EQ(targets("alice+@example.org"), (V{"alice@example.org:INBOX"}));
  EXPECT_EQ(targets("bob+Work@example.org"), (V{"bob@example.org:INBOX"}));  // Work is alice's only
}

TEST_F(Resolve, SubaddressOfAnAlias) {
  EXPECT_EQ(targets("sales+Work@example.org"), (V{"alice@example.org:Work", "bob@example.org:INBOX"}));
  EXPECT_EQ(targets("al+Work@example.org"), (V{"alice@example.org:Work"}));
}

TEST_F(Resolve, AnAccountWithAPlusInItsNameWinsOverTheSubaddress) {
  add_account("carol+x@example.org");
  EXPECT_EQ(targets("carol+x@example.org"), (V{"carol+x@example.org:INBOX"}));
  EXPECT_EQ(targets("carol+y@example.org"), (V{"not_found"}));
}

TEST_F(Resolve, Unknown) {
  EXPECT_EQ(targets("nobody@example.org"), (V{"not_found"}));
  EXPECT_EQ(targets("alice@example.com"), (V{"not_found"}));
  EXPECT_EQ(targets("nobody+Work@example.org"), (V{"not_found"}));
  EXPECT_EQ(targets("alice"), (V{"not_found"}));
  EXPECT_EQ(targets(""), (V{"not_found"}));
  EXPECT_EQ(targets("+Work@example.org"), (V{"not_found"}));
}

// A public folder with a delivery address, as `pillarbox public create NAME --address` makes it.
class ResolvePublic : public Resolve {
 protected:
  void SetUp() override {
    Resolve::SetUp();
    add_public("News", "news@example.org");
  }
  void add_public(const std::string& name, const std::string& address) {
    auto box = store_->create_mailbox(store_->public_account(), name);
    ASSERT_TRUE(box.ok()) << name;
    ASSERT_TRUE(store_->set_mailbox_address(box->id, address).ok()) << address;
  }
};

TEST_F(ResolvePublic, TheAddressNamesTheFolder) {
  auto r = resolve(*store_, "news@example.org");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].public_folder);
  EXPECT_EQ((*r)[0].account.id, store_->public_account());
  EXPECT_EQ((*r)[0].account.address, "Public Folders/News");
  EXPECT_EQ((*r)[0].mailbox, "News");
  EXPECT_EQ(targets("NEWS@Example.ORG"), (V{"Public Folders/News:News"}));
}

TEST_F(ResolvePublic, ANestedFolder) {
  add_public("News/2024", "news-2024@example.org");
  EXPECT_EQ(targets("news-2024@example.org"), (V{"Public Folders/News/2024:News/2024"}));
}

TEST_F(ResolvePublic, NoSubaddressOfAPublicFolderAddress) {
  EXPECT_EQ(targets("news+News@example.org"), (V{"not_found"}));
  EXPECT_EQ(targets("news+@example.org"), (V{"not_found"}));
}

TEST_F(ResolvePublic, AnExactAddressWinsOverAnAccountsSubaddress) {
  add_public("Work", "alice+work@example.org");
  EXPECT_EQ(targets("alice+work@example.org"), (V{"Public Folders/Work:Work"}));
  EXPECT_EQ(targets("alice+Work@example.org"), (V{"Public Folders/Work:Work"}));  // addresses ignore case
  EXPECT_EQ(targets("alice+lists/pillarbox@example.org"), (V{"alice@example.org:lists/pillarbox"}));
}

TEST_F(ResolvePublic, ARemovedAddressIsUnknown) {
  auto box = store_->get_mailbox(store_->public_account(), "News");
  ASSERT_TRUE(box.ok());
  ASSERT_TRUE(store_->set_mailbox_address(box->id, "").ok());
  EXPECT_EQ(targets("news@example.org"), (V{"not_found"}));
}

TEST_F(ResolvePublic, ADeletedFolderIsUnknown) {
  ASSERT_TRUE(store_->delete_mailbox(store_->public_account(), "News").ok());
  EXPECT_EQ(targets("news@example.org"), (V{"not_found"}));
}

TEST_F(ResolvePublic, AnAddressOnAnAccountsMailboxIsNotARecipient) {
  auto work = store_->get_mailbox(alice_.id, "Work");
  ASSERT_TRUE(work.ok());
  ASSERT_TRUE(store_->set_mailbox_address(work->id, "work@example.org").ok());
  EXPECT_EQ(targets("work@example.org"), (V{"not_found"}));
}

TEST_F(Resolve, ChooseMailbox) {
  EXPECT_EQ(*choose_mailbox(*store_, alice_, "Work"), "Work");
  EXPECT_EQ(*choose_mailbox(*store_, alice_, "work"), "INBOX");
  EXPECT_EQ(*choose_mailbox(*store_, alice_, "inbox"), "INBOX");
  EXPECT_EQ(*choose_mailbox(*store_, alice_, ""), "INBOX");
  EXPECT_EQ(*choose_mailbox(*store_, bob_, "Work"), "INBOX");
}

}  // namespace
}  // namespace pillarbox::delivery
