#include "pop3/maildrop.h"

#include <gtest/gtest.h>

#include "pop3/locks.h"

namespace pillarbox::pop3 {
namespace {

Maildrop three() {
  std::vector<store::MessageMeta> metas(3);
  metas[0].uid = 4;
  metas[0].size = 100;
  metas[1].uid = 7;
  metas[1].size = 20;
  metas[2].uid = 9;
  metas[2].size = 3;
  return Maildrop(0x1234, metas);
}

TEST(Pop3Maildrop, CountsAndLookups) {
  Maildrop d = three();
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.live_count(), 3u);
  EXPECT_EQ(d.live_octets(), 123u);
  ASSERT_TRUE(d.find(2).ok());
  EXPECT_EQ((*d.find(2))->uid, 7u);
  EXPECT_EQ(d.find(0).error().text, "No such message");
  EXPECT_EQ(d.find(4).error().text, "No such message");
  EXPECT_EQ(d.find(~std::uint64_t{0}).error().text, "No such message");
  EXPECT_EQ(d.unique_id(d.at(3)), "0000123400000009");
}

TEST(Pop3Maildrop, DeleteResetAndUpdateSets) {
  Maildrop d = three();
  d.at(1).deleted = true;
  d.at(1).retrieved = true;
  d.at(3).retrieved = true;
  EXPECT_EQ(d.find(1).error().text, "Message 1 already deleted");
  EXPECT_EQ(d.live_count(), 2u);
  EXPECT_EQ(d.live_octets(), 23u);
  EXPECT_EQ(d.deleted_uids().to_string(), "4");
  EXPECT_EQ(d.retrieved_uids().to_string(), "9");   // deleted ones are not marked \Seen
  d.reset();
  EXPECT_TRUE(d.find(1).ok());
  EXPECT_TRUE(d.deleted_uids().empty());
  EXPECT_EQ(d.retrieved_uids().to_string(), "4,9");
}

TEST(Pop3MaildropLocks, OneHolderPerAccount) {
  MaildropLocks locks;
  auto a = locks.try_lock(1);
  ASSERT_TRUE(a);
  EXPECT_FALSE(locks.try_lock(1));
  auto b = locks.try_lock(2);
  EXPECT_TRUE(b);
  EXPECT_EQ(locks.locked(), 2u);
  a.reset();
  EXPECT_TRUE(locks.try_lock(1));   // released again at once (temporary)
  EXPECT_EQ(locks.locked(), 1u);
}

TEST(Pop3MaildropLocks, LockMayOutliveTheTable) {
  std::unique_ptr<MaildropLocks::Lock> held;
  {
    MaildropLocks locks;
    held = locks.try_lock(5);
  }
  held.reset();   // must not touch freed memory (ASan build)
  SUCCEED();
}

}  // namespace
}  // namespace pillarbox::pop3
