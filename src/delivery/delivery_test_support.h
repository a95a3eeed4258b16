// Test fixture: a real SQLite store in a fresh temporary directory (tests only).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/mail_store.h"

namespace pillarbox::delivery::test {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pb-delivery-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = store::open_sqlite_store(dir_);
    ASSERT_TRUE(s.ok()) << s.error().detail;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::Account add_account(const std::string& address) {
    auto id = store_->directory().add_account(address, "x");
    EXPECT_TRUE(id.ok());
    auto a = store_->directory().find_account(address);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : store::Account{};
  }
  void add_mailbox(const store::Account& a, const std::string& name) {
    EXPECT_TRUE(store_->create_mailbox(a.id, name).ok()) << name;
  }
  /// The contents of every message in a mailbox, ascending by UID.
  std::vector<std::string> contents(const store::Account& a, const std::string& mailbox) {
    auto box = store_->get_mailbox(a.id, mailbox);
    EXPECT_TRUE(box.ok()) << mailbox;
    if (!box.ok()) return {};
    store::UidSet all;
    all.add(1, 0xffffffffu);
    store::FetchNeeds needs;
    needs.content = true;
    auto fetched = store_->fetch(box->id, all, needs);
    EXPECT_TRUE(fetched.ok());
    std::vector<std::string> out;
    if (fetched.ok())
      for (auto& m : *fetched) out.push_back(*m.content);
    return out;
  }

  std::string dir_;
  std::unique_ptr<store::MailStore> store_;
};

}  // namespace pillarbox::delivery::test
