#include "store/postgres/copy_move.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

AppendRequest message(std::uint32_t flags, std::vector<std::string> keywords = {}) {
  AppendRequest r;
  r.content = "Subject: x\n\nbody\n";
  r.flags.system = flags;
  for (auto& k : keywords) r.flags.add_keyword(k);
  return r;
}

UidSet set_of(Uid a, Uid b) {
  UidSet s;
  s.add(a, b);
  return s;
}

class PgCopyMoveTest : public testing::AliceDatabaseTest {
 protected:
  void SetUp() override {
    AliceDatabaseTest::SetUp();
    archive = boxes.create_mailbox(alice, "Archive", "")->id;
    ASSERT_TRUE(messages.append(inbox, {message(kSeen | kFlagged, {"Work"}), message(0), message(kDeleted)}).ok());
  }
  HeaderCache headers{1 << 20};
  PgMessages::QuotaCheck quota = no_quota;
  PgMessages messages{pool, headers, [this](Conn& c, AccountId a, std::uint64_t o, std::uint64_t n) {
                        return quota(c, a, o, n);
                      }};
  PgMailboxes boxes{pool, 0};
  MailboxId archive = 0;
};

TEST_F(PgCopyMoveTest, CopySharesTheBlobAndKeepsOnlyTheFlagsOfTheMask) {
  PgCopyMove cm(pool, quota);
  FlagMask mask;  // no 'w' on the target (RFC 4314 §4): only \Seen and \Deleted carry over
  mask.system = kSeen | kDeleted;
  mask.keywords = false;
  auto r = cm.copy(inbox, set_of(1, 9), archive, mask);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->source_uids, (std::vector<Uid>{1, 2, 3}));
  EXPECT_EQ(r->target_uids, (std::vector<Uid>{1, 2, 3}));
  auto f = messages.fetch(archive, set_of(1, 3), FetchNeeds{});
  EXPECT_EQ((*f)[0].meta.flags.system, kSeen);
  EXPECT_TRUE((*f)[0].meta.flags.keywords.empty());
  EXPECT_EQ((*f)[2].meta.flags.system, kDeleted);
  auto info = *boxes.get_mailbox(alice, "Archive");
  EXPECT_EQ(info.messages, 3u);
  EXPECT_EQ(info.unseen, 2u);
  EXPECT_EQ(Conn::open(db.url())->query("SELECT count(*) FROM blobs").int64(0, 0), 3);
  EXPECT_EQ(cm.copy(inbox, set_of(1, 1), 999999, FlagMask{}).error().code, Errc::not_found);
  EXPECT_TRUE(cm.copy(inbox, set_of(50, 60), archive, FlagMask{})->source_uids.empty());
}

TEST_F(PgCopyMoveTest, MoveRemovesTheOriginalsInTheSameTransaction) {
  PgCopyMove cm(pool, quota);
  auto r = cm.move(inbox, set_of(2, 3), archive, FlagMask{});
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->copied.target_uids, (std::vector<Uid>{1, 2}));
  EXPECT_EQ(r->expunged, (std::vector<Uid>{2, 3}));
  EXPECT_EQ(boxes.get_mailbox(alice, "INBOX")->messages, 1u);
  EXPECT_EQ(boxes.get_mailbox(alice, "Archive")->messages, 2u);
  // Within one mailbox: new UIDs at the end, the originals gone.
  auto again = cm.move(inbox, set_of(1, 1), inbox, FlagMask{});
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->copied.target_uids, std::vector<Uid>{4});
  EXPECT_EQ(again->expunged, std::vector<Uid>{1});
  EXPECT_EQ(messages.list_uids(inbox)->uids, std::vector<Uid>{4});
  EXPECT_EQ(Conn::open(db.url())->query("SELECT count(*) FROM blobs").int64(0, 0), 3);  // none lost
}

TEST_F(PgCopyMoveTest, ARefusedCopyChangesNothing) {
  quota = [](Conn&, AccountId, std::uint64_t, std::uint64_t) -> Status {
    return make_error(Errc::over_quota, "Quota exceeded (storage)");
  };
  PgCopyMove cm(pool, quota);
  EXPECT_EQ(cm.copy(inbox, set_of(1, 3), archive, FlagMask{}).error().code, Errc::over_quota);
  // A move within the account does not change its usage: allowed.
  EXPECT_TRUE(cm.move(inbox, set_of(1, 1), archive, FlagMask{}).ok());
  EXPECT_EQ(boxes.get_mailbox(alice, "Archive")->messages, 1u);
}

TEST_F(PgCopyMoveTest, MovesBothWaysAtOnceDoNotDeadlock) {
  ASSERT_TRUE(messages.append(archive, {message(0), message(0), message(0)}).ok());
  std::atomic<int> failures{0};
  auto run = [&](MailboxId from, MailboxId to) {
    Pool own(db.url(), 1);
    PgCopyMove cm(own, quota);
    for (int i = 0; i < 10; ++i) {
      UidSet all;
      all.add(1, 0xffffffff);
      if (!cm.move(from, all, to, FlagMask{}).ok()) ++failures;
    }
  };
  std::thread a(run, inbox, archive);
  std::thread b(run, archive, inbox);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(boxes.get_mailbox(alice, "INBOX")->messages + boxes.get_mailbox(alice, "Archive")->messages, 6u);
}

}  // namespace
}  // namespace pillarbox::store::postgres
