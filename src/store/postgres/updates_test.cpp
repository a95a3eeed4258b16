#include "store/postgres/updates.h"

#include <gtest/gtest.h>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

AppendRequest message(std::uint32_t flags) {
  AppendRequest r;
  r.content = "Subject: x\n\nbody\n";
  r.flags.system = flags;
  return r;
}

UidSet set_of(Uid a, Uid b) {
  UidSet s;
  s.add(a, b);
  return s;
}

Flags flags(std::uint32_t system, std::vector<std::string> keywords = {}) {
  Flags f;
  f.system = system;
  for (auto& k : keywords) f.add_keyword(k);
  return f;
}

class PgUpdatesTest : public testing::AliceDatabaseTest {
 protected:
  void SetUp() override {
    AliceDatabaseTest::SetUp();
    ASSERT_TRUE(messages.append(inbox, {message(0), message(kSeen), message(0), message(0)}).ok());
  }
  MailboxInfo info() { return *PgMailboxes(pool, 0).get_mailbox(alice, "INBOX"); }
  HeaderCache headers{1 << 20};
  PgMessages messages{pool, headers, no_quota};
  PgUpdates updates{pool};
};

TEST_F(PgUpdatesTest, StoreChangesFlagsUnderOneNewModseqAndKeepsTheUnseenCount) {
  EXPECT_EQ(info().unseen, 3u);
  auto r = updates.store_flags(inbox, set_of(1, 3), StoreMode::add, flags(kSeen, {"Work"}), FlagMask{}, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  ASSERT_EQ(r->updated.size(), 3u);
  for (const auto& m : r->updated) {
    EXPECT_TRUE(m.flags.has(kSeen));
    EXPECT_EQ(m.modseq, 3u);  // the append was 2
  }
  EXPECT_EQ(r->modseq_before, (std::vector<ModSeq>{2, 2, 2}));
  const auto i = info();
  EXPECT_EQ(i.unseen, 1u);
  EXPECT_EQ(i.highest_modseq, 3u);
  EXPECT_EQ(i.keywords, std::vector<std::string>{"Work"});
  // RFC 7162 §3.1.3: message 1 is now at MODSEQ 3, above UNCHANGEDSINCE 2.
  auto cond = updates.store_flags(inbox, set_of(1, 4), StoreMode::remove, flags(kSeen), FlagMask{}, ModSeq{2});
  ASSERT_TRUE(cond.ok());
  EXPECT_EQ(cond->not_modified.to_string(), "1:3");
  ASSERT_EQ(cond->updated.size(), 1u);  // message 4, unchanged (it had no \Seen): no new MODSEQ
  EXPECT_EQ(cond->updated[0].modseq, 2u);
  EXPECT_EQ(info().highest_modseq, 3u);
  EXPECT_EQ(updates.store_flags(999999, set_of(1, 1), StoreMode::add, flags(kSeen), FlagMask{}, std::nullopt)
                .error()
                .code,
            Errc::not_found);
}

TEST_F(PgUpdatesTest, ExpungeRemovesDeletedOnlyAndChangesSinceReportsIt) {
  ASSERT_TRUE(updates.store_flags(inbox, set_of(2, 3), StoreMode::add, flags(kDeleted), FlagMask{}, std::nullopt).ok());
  UidSet only;
  only.add(3, 4);
  EXPECT_EQ(*updates.expunge(inbox, only), std::vector<Uid>{3});  // UID EXPUNGE 3:4
  EXPECT_EQ(*updates.expunge(inbox, std::nullopt), std::vector<Uid>{2});
  EXPECT_EQ(*updates.expunge_uids(inbox, set_of(4, 9)), std::vector<Uid>{4});  // whatever its flags
  const auto i = info();
  EXPECT_EQ(i.messages, 1u);
  EXPECT_EQ(i.unseen, 1u);
  EXPECT_EQ(i.highest_modseq, 6u);
  auto ch = updates.changes_since(inbox, 3);
  ASSERT_TRUE(ch.ok());
  EXPECT_TRUE(ch->changed.empty());
  EXPECT_EQ(ch->expunged, (std::vector<Uid>{2, 3, 4}));
  EXPECT_EQ(ch->highest_modseq, 6u);
  EXPECT_EQ(ch->uid_next, 5u);
  auto all = updates.changes_since(inbox, 0);
  ASSERT_EQ(all->changed.size(), 1u);
  EXPECT_EQ(all->changed[0].uid, 1u);
  EXPECT_TRUE(updates.changes_since(inbox, 6)->expunged.empty());
  EXPECT_EQ(Conn::open(db.url())->query("SELECT count(*) FROM blobs").int64(0, 0), 1);
}

}  // namespace
}  // namespace pillarbox::store::postgres
