#include "imap/selected.h"

#include <gtest/gtest.h>

namespace pillarbox::imap {
namespace {

store::UidSet set_of(std::initializer_list<store::Uid> uids) {
  store::UidSet s;
  for (auto u : uids) s.add(u);
  return s;
}

TEST(SelectedMailbox, EraseAnnouncesEachSequenceNumberAfterTheOnesBefore) {
  SelectedMailbox m;
  m.assign({10, 20, 30, 40, 50, 60, 70}, {1, 2, 3, 4, 5, 6, 7});
  // RFC 3501 §7.4.1: removing 20, 30 (adjacent) and 60 says 2, 2, then 4 (60 was 6th, two gone).
  // 99 is not known and is not announced.
  EXPECT_EQ(m.erase(set_of({20, 30, 60, 99})), (std::vector<std::uint32_t>{2, 2, 4}));
  EXPECT_EQ(m.exists(), 4u);
  EXPECT_EQ(m.seq_of(10), 1u);
  EXPECT_EQ(m.seq_of(40), 2u);
  EXPECT_EQ(m.seq_of(70), 4u);
  EXPECT_EQ(m.seq_of(30), 0u);
  EXPECT_EQ(m.modseq_at(2), 4u);   // MODSEQs move with their messages
  EXPECT_EQ(m.modseq_at(4), 7u);
  EXPECT_TRUE(m.erase(set_of({1, 2, 99})).empty());
  EXPECT_EQ(m.erase(set_of({10, 40, 50, 70})), (std::vector<std::uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(m.exists(), 0u);
}

}  // namespace
}  // namespace pillarbox::imap
