// The mailboxes of new accounts: provision_mailboxes and the --demo account.
#include "admin/provision.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "admin/demo.h"

namespace pillarbox::admin {
namespace {

namespace fs = std::filesystem;
using Auto = config::MailboxTemplate::Auto;

class Provision : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pb-provision-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = store::open_sqlite_store(dir_);
    ASSERT_TRUE(s.ok()) << s.error().detail;
    store_ = std::move(*s);
    auto id = store_->directory().add_account("new@example.org", "h");
    ASSERT_TRUE(id.ok());
    account_ = *id;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  // name -> special use of every mailbox of `account`.
  std::map<std::string, std::string> mailboxes(store::AccountId account) {
    std::map<std::string, std::string> out;
    auto all = store_->list_mailboxes(account);
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return out;
    for (const auto& m : *all) out[m.name] = m.special_use;
    return out;
  }
  std::string dir_;
  std::unique_ptr<store::MailStore> store_;
  store::AccountId account_ = 0;
};

TEST_F(Provision, DefaultSetIsCreatedAndSubscribed) {
  ASSERT_TRUE(provision_mailboxes(*store_, account_, config::default_mailboxes()).ok());
  EXPECT_EQ(mailboxes(account_), (std::map<std::string, std::string>{{"Archive", "\\Archive"},
                                                                       {"Drafts", "\\Drafts"},
                                                                       {"INBOX", ""},
                                                                       {"Junk", "\\Junk"},
                                                                       {"Sent", "\\Sent"},
                                                                       {"Trash", "\\Trash"}}));
  EXPECT_EQ(*store_->list_subscriptions(account_),
            (std::vector<std::string>{"Archive", "Drafts", "Junk", "Sent", "Trash"}));
  // Again (nothing new): what exists is kept.
  ASSERT_TRUE(provision_mailboxes(*store_, account_, config::default_mailboxes()).ok());
  EXPECT_EQ(mailboxes(account_).size(), 6u);
}

TEST_F(Provision, AutoDecidesWhatIsMadeAndSubscribed) {
  ASSERT_TRUE(store_->create_mailbox(account_, "Old Sent", "\\Sent").ok());
  const std::vector<config::MailboxTemplate> set{
      {"Sent Items", "\\Sent", Auto::create},  // \Sent is taken: made without it
      {"Lists/Pillarbox", "", Auto::subscribe},
      {"Spam", "\\Junk", Auto::no},
  };
  ASSERT_TRUE(provision_mailboxes(*store_, account_, set).ok());
  EXPECT_EQ(mailboxes(account_), (std::map<std::string, std::string>{{"INBOX", ""},
                                                                       {"Lists", ""},
                                                                       {"Lists/Pillarbox", ""},
                                                                       {"Old Sent", "\\Sent"},
                                                                       {"Sent Items", ""}}));
  EXPECT_EQ(*store_->list_subscriptions(account_), (std::vector<std::string>{"Lists/Pillarbox"}));
}

TEST_F(Provision, OrderOfTheListDoesNotMatter) {
  // "Archive/2020" first makes Archive as its superior; the later entry still gives it its use.
  ASSERT_TRUE(store_->create_mailbox(account_, "Old Junk", "\\Junk").ok());
  ASSERT_TRUE(store_->create_mailbox(account_, "Spam").ok());
  ASSERT_TRUE(store_->create_mailbox(account_, "Mine", "\\Trash").ok());
  const std::vector<config::MailboxTemplate> set{
      {"Archive/2020", "", Auto::create},
      {"Archive", "\\Archive", Auto::subscribe},
      {"Spam", "\\Junk", Auto::create},   // exists, but \Junk is taken: left without
      {"Mine", "\\Drafts", Auto::create},  // exists with a use of its own: kept
  };
  ASSERT_TRUE(provision_mailboxes(*store_, account_, set).ok());
  EXPECT_EQ(mailboxes(account_), (std::map<std::string, std::string>{{"Archive", "\\Archive"},
                                                                       {"Archive/2020", ""},
                                                                       {"INBOX", ""},
                                                                       {"Mine", "\\Trash"},
                                                                       {"Old Junk", "\\Junk"},
                                                                       {"Spam", ""}}));
}

TEST_F(Provision, DemoAccountGetsTheConfiguredSetOnce) {
  const std::vector<config::MailboxTemplate> set{{"Outbox", "\\Sent", Auto::subscribe}};
  auto demo = prepare_demo(*store_, set);
  ASSERT_TRUE(demo.ok()) << demo.error().text;
  auto account = store_->directory().find_account(demo->first);
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(mailboxes(account->id), (std::map<std::string, std::string>{{"INBOX", ""}, {"Outbox", "\\Sent"}}));
  // A second start finds the account: its mailboxes are left alone.
  ASSERT_TRUE(store_->delete_mailbox(account->id, "Outbox").ok());
  ASSERT_TRUE(prepare_demo(*store_, set).ok());
  EXPECT_EQ(mailboxes(account->id).size(), 1u);
}

}  // namespace
}  // namespace pillarbox::admin
