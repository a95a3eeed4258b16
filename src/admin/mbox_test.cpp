#include "admin/mbox.h"

#include <gtest/gtest.h>

namespace pillarbox::admin {
namespace {

TEST(Mbox, SplitsAndUnquotesMboxrd) {
  std::string file =
      "From a@b Sat Jan  3 01:05:34 1996\n"
      "Subject: one\n\nbody\n>From here\n>>From there\n\n"
      "From c@d Mon Feb  5 10:00:00 2001\n"
      "Subject: two\n\nbody\nFrom inside is not a separator: no blank line before it\n";
  auto messages = split_mbox(file, MboxVariant::mboxrd);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].content, "Subject: one\n\nbody\nFrom here\n>From there\n");
  ASSERT_TRUE(messages[0].from_date);
  EXPECT_EQ(*messages[0].from_date, 820631134);
  EXPECT_EQ(messages[1].content,
            "Subject: two\n\nbody\nFrom inside is not a separator: no blank line before it\n");
}

TEST(Mbox, SeparatorWithoutBlankLineBeforeIt) {
  std::string file =
      "From a Sat Jan  3 01:05:34 1996\nSubject: one\n\nbody\n"
      "From b Sat Jan  3 01:05:35 1996\nSubject: two\n\nhi\nFrom me: not a separator\n"
      "From c Sat Jan  3 01:05:36 1996\nnot a header\n";
  auto messages = split_mbox(file, MboxVariant::mboxrd);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].content, "Subject: one\n\nbody\n");
  EXPECT_EQ(messages[1].content,
            "Subject: two\n\nhi\nFrom me: not a separator\nFrom c Sat Jan  3 01:05:36 1996\nnot a header\n");
}

TEST(Mbox, MboxoUnquotesOneLevelOnly) {
  std::string file = "From x Thu Jan  1 00:00:00 1970\n\n>From a\n>>From b\n";
  auto messages = split_mbox(file, MboxVariant::mboxo);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].content, "\nFrom a\n>>From b\n");
}

TEST(Mbox, CrlfFiles) {
  std::string file = "From a Sat Jan  3 01:05:34 1996\r\nA: 1\r\n\r\nx\r\n\r\nFrom b Sat Jan  3 01:05:34 1996\r\nB: 2\r\n";
  auto messages = split_mbox(file, MboxVariant::mboxrd);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].content, "A: 1\r\n\r\nx\r\n");
  EXPECT_EQ(messages[1].content, "B: 2\r\n");
}

TEST(Mbox, FromLineDates) {
  EXPECT_TRUE(parse_from_line_date("From MAILER-DAEMON Fri Jul  8 12:08:34 2011"));
  EXPECT_TRUE(parse_from_line_date("From a@b Wed Aug 21 08:03:00 EST 2002"));
  EXPECT_FALSE(parse_from_line_date("From nobody"));
}

}  // namespace
}  // namespace pillarbox::admin
