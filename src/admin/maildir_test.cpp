#include "admin/maildir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/types.h"

namespace pillarbox::admin {
namespace {

TEST(Maildir, Flags) {
  EXPECT_EQ(maildir_flags("1234.abc:2,FRS"), store::kFlagged | store::kAnswered | store::kSeen);
  EXPECT_EQ(maildir_flags("1234.abc:2,T"), store::kDeleted);
  EXPECT_EQ(maildir_flags("1234.abc:2,DP"), store::kDraft);   // P (passed) has no system flag
  EXPECT_EQ(maildir_flags("1234.abc,S=812,W=830:2,Sab"), store::kSeen);   // Dovecot sizes, keywords
  EXPECT_EQ(maildir_flags("1234.abc"), 0u);
  EXPECT_EQ(maildir_flags("1234.abc:1,S"), 0u);   // experimental info: no flags
}

TEST(Maildir, MessageFiles) {
  EXPECT_TRUE(maildir_message_file("1733220000.M1P2.host:2,S"));
  EXPECT_FALSE(maildir_message_file(".1733220000.M1P2.host.swp"));
  EXPECT_FALSE(maildir_message_file(""));
}

// Name order was byte order, which put a message delivered before September 2001 (a 9-digit
// time) after every later one, and "M10" (microseconds) before "M9" within a second.
TEST(Maildir, ArrivalOrderComparesTimesAsNumbers) {
  std::vector<std::string> names = {"1733220000.M10P5.host:2,S", "999999999.M1P5.host:2,",
                                    "1733220000.M9P5.host", "1000000000.M1P5.host:2,RS",
                                    "1733220001.M1P5.host"};
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return maildir_arrival_less(a, b);
  });
  EXPECT_EQ(names, (std::vector<std::string>{"999999999.M1P5.host:2,", "1000000000.M1P5.host:2,RS",
                                             "1733220000.M9P5.host", "1733220000.M10P5.host:2,S",
                                             "1733220001.M1P5.host"}));
}

TEST(Maildir, ArrivalOrderIsStrictAndTotal) {
  EXPECT_FALSE(maildir_arrival_less("1.a", "1.a"));
  EXPECT_TRUE(maildir_arrival_less("01.a", "1.a"));    // equal as numbers: byte order decides
  EXPECT_FALSE(maildir_arrival_less("1.a", "01.a"));
  EXPECT_TRUE(maildir_arrival_less("1", "1.a"));       // a prefix first
  EXPECT_TRUE(maildir_arrival_less("-1", "1"));        // '-' is below every digit
  EXPECT_TRUE(maildir_arrival_less("9", "x"));         // 'x' is above every digit
  EXPECT_TRUE(maildir_arrival_less("1x", "12"));       // the numbers decide first
  EXPECT_TRUE(maildir_arrival_less("99999999999999999999999", "100000000000000000000000"));
}

}  // namespace
}  // namespace pillarbox::admin
