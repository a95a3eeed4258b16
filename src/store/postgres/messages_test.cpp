#include "store/postgres/messages.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/ops.h"
#include "store/postgres/test_fixture.h"
#include "store/postgres/schema.h"

namespace pillarbox::store::postgres {
namespace {

using namespace std::chrono_literals;

AppendRequest message(const std::string& subject, std::uint32_t flags = 0) {
  AppendRequest r;
  r.content = "From: a@example.org\nSubject: " + subject + "\n\nbody of " + subject + "\n";
  r.flags.system = flags;
  r.internal_date = 1'700'000'000;
  r.internal_date_tz = 60;
  return r;
}

UidSet set_of(std::initializer_list<std::pair<Uid, Uid>> ranges) {
  UidSet s;
  for (auto [a, b] : ranges) s.add(a, b);
  return s;
}

class PgMessagesTest : public testing::AliceDatabaseTest {
 protected:
  PgMessages messages(Pool& p) { return PgMessages(p, headers, quota); }
  HeaderCache headers{1 << 20};
  PgMessages::QuotaCheck quota = no_quota;
};

TEST_F(PgMessagesTest, AppendTakesUidsInOrderKeepsTheBytesAndTellsListeners) {
  auto listener = Conn::open(db.url());
  listener->listen(kChangeChannel);
  auto m = messages(pool);
  std::vector<AppendRequest> batch{message("one", kSeen), message("two")};
  batch[1].flags.add_keyword("$Forwarded");
  auto r = m.append(inbox, std::move(batch));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->uids, (std::vector<Uid>{1, 2}));
  auto note = listener->wait_notifications(5000ms);
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0].payload, std::to_string(inbox));

  PgMailboxes boxes(pool, 0);
  auto info = boxes.get_mailbox(alice, "INBOX");
  EXPECT_EQ(info->messages, 2u);
  EXPECT_EQ(info->unseen, 1u);
  EXPECT_EQ(info->uid_next, 3u);
  EXPECT_EQ(info->highest_modseq, 2u);
  EXPECT_EQ(info->keywords, std::vector<std::string>{"$Forwarded"});
  EXPECT_EQ(info->uid_validity, r->uid_validity);

  FetchNeeds all;
  all.content = all.envelope = all.body_structure = true;
  auto f = m.fetch(inbox, set_of({{1, 2}}), all);
  ASSERT_TRUE(f.ok()) << f.error().detail;
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ(*(*f)[0].content, "From: a@example.org\r\nSubject: one\r\n\r\nbody of one\r\n");
  EXPECT_EQ((*f)[0].meta.size, (*f)[0].content->size());
  EXPECT_EQ((*f)[0].meta.internal_date, 1'700'000'000);
  EXPECT_EQ((*f)[0].meta.internal_date_tz, 60);
  EXPECT_TRUE((*f)[0].meta.flags.has(kSeen));
  EXPECT_EQ((*f)[1].meta.flags.keywords, std::vector<std::string>{"$Forwarded"});
  EXPECT_NE((*f)[1].envelope.find("\"two\""), std::string::npos) << (*f)[1].envelope;
  EXPECT_EQ((*f)[1].body_structure.front(), '(');
  auto raw = Conn::open(db.url())->query("SELECT bytes FROM blobs ORDER BY raw_size LIMIT 1");
  EXPECT_EQ(raw.bytes(0, 0).find('\r'), std::string::npos);  // stored as received
}

TEST_F(PgMessagesTest, FetchReadsOnlyWhatIsAskedOverSeveralRanges) {
  auto m = messages(pool);
  std::vector<AppendRequest> batch;
  for (int i = 1; i <= 6; ++i) batch.push_back(message("m" + std::to_string(i)));
  ASSERT_TRUE(m.append(inbox, std::move(batch)).ok());
  auto f = m.fetch(inbox, set_of({{1, 1}, {3, 4}, {6, 9}}), FetchNeeds{});
  ASSERT_TRUE(f.ok());
  std::vector<Uid> got;
  for (const auto& x : *f) {
    got.push_back(x.meta.uid);
    EXPECT_EQ(x.content, nullptr);
    EXPECT_TRUE(x.envelope.empty());
  }
  EXPECT_EQ(got, (std::vector<Uid>{1, 3, 4, 6}));
  FetchNeeds header;
  header.content = header.header_only = true;
  auto h = m.fetch(inbox, set_of({{2, 2}}), header);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(*(*h)[0].content, "From: a@example.org\r\nSubject: m2\r\n\r\n");
  ASSERT_NE((*h)[0].header, nullptr);
  EXPECT_EQ(m.fetch(999999, set_of({{1, 1}}), FetchNeeds{}).error().code, Errc::not_found);
}

TEST_F(PgMessagesTest, ListUidsClaimRecentAndDeletedSummary) {
  auto m = messages(pool);
  ASSERT_TRUE(m.append(inbox, {message("a", kSeen), message("b", kDeleted), message("c", kDeleted | kSeen)}).ok());
  auto u = m.list_uids(inbox);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->uids, (std::vector<Uid>{1, 2, 3}));
  EXPECT_EQ(u->modseqs, (std::vector<ModSeq>{2, 2, 2}));
  EXPECT_EQ(u->first_unseen, 2u);
  EXPECT_EQ(*m.claim_recent(inbox), 1u);  // 1..3 are this caller's
  EXPECT_EQ(*m.claim_recent(inbox), 4u);  // nothing left for the next
  auto d = m.deleted_summary(inbox);
  EXPECT_EQ(d->messages, 2u);
  EXPECT_EQ(m.list_messages(inbox)->size(), 3u);
  EXPECT_EQ(m.list_uids(999999).error().code, Errc::not_found);
  EXPECT_EQ(m.claim_recent(999999).error().code, Errc::not_found);
}

TEST_F(PgMessagesTest, ARefusedAppendLeavesNothing) {
  quota = [](Conn&, AccountId, std::uint64_t, std::uint64_t messages) -> Status {
    if (messages > 1) return make_error(Errc::over_quota, "Quota exceeded (number of messages)");
    return {};
  };
  auto m = messages(pool);
  EXPECT_EQ(m.append(inbox, {message("a"), message("b")}).error().code, Errc::over_quota);
  EXPECT_EQ(m.append(999999, {message("a")}).error().code, Errc::not_found);
  auto c = Conn::open(db.url());
  EXPECT_EQ(c->query("SELECT count(*) FROM blobs").int64(0, 0), 0);
  EXPECT_EQ(c->query("SELECT uid_next FROM mailboxes WHERE id = $1", {inbox}).int64(0, 0), 1);
}

TEST_F(PgMessagesTest, FrontEndsAppendingAtOnceNeverShareAUidAndModseqsOnlyGrow) {
  constexpr int kFrontEnds = 3;
  constexpr int kEach = 20;
  std::vector<std::vector<std::pair<Uid, ModSeq>>> seen(kFrontEnds);
  std::vector<std::thread> threads;
  for (int f = 0; f < kFrontEnds; ++f)
    threads.emplace_back([&, f] {
      Pool own(db.url(), 2);
      auto m = messages(own);
      for (int i = 0; i < kEach; ++i) {
        auto r = m.append(inbox, {message("f" + std::to_string(f) + "-" + std::to_string(i))});
        ASSERT_TRUE(r.ok()) << r.error().detail;
        auto meta = m.fetch(inbox, set_of({{r->uids[0], r->uids[0]}}), FetchNeeds{});
        ASSERT_EQ(meta->size(), 1u);
        seen[f].emplace_back(r->uids[0], (*meta)[0].meta.modseq);
      }
    });
  for (auto& t : threads) t.join();
  std::set<Uid> uids;
  std::set<ModSeq> modseqs;
  for (const auto& s : seen)
    for (std::size_t i = 0; i < s.size(); ++i) {
      uids.insert(s[i].first);
      modseqs.insert(s[i].second);
      if (i > 0) {
        EXPECT_GT(s[i].first, s[i - 1].first);    // each front end sees UIDs grow
        EXPECT_GT(s[i].second, s[i - 1].second);  // and MODSEQs
      }
    }
  EXPECT_EQ(uids.size(), std::size_t{kFrontEnds * kEach});
  EXPECT_EQ(*uids.begin(), 1u);
  EXPECT_EQ(*uids.rbegin(), Uid{kFrontEnds * kEach});  // no gaps
  EXPECT_EQ(modseqs.size(), std::size_t{kFrontEnds * kEach});
}

}  // namespace
}  // namespace pillarbox::store::postgres
