#include "base/ascii.h"

#include <gtest/gtest.h>

namespace pillarbox::ascii {
namespace {

TEST(Ascii, CaseRulesTouchOnlyAsciiLetters) {
  EXPECT_EQ(lower("InBoX\xC3\x84"), "inbox\xC3\x84");
  EXPECT_TRUE(iequals("INBOX", "inbox"));
  EXPECT_FALSE(iequals("INBOX", "inbox2"));
  EXPECT_TRUE(istarts_with("Content-Type: x", "content-type:"));
  EXPECT_EQ(ifind("Hello World", "WORLD"), 6u);
  EXPECT_EQ(ifind("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(trim(" \r\nx y\t"), "x y");
}

}  // namespace
}  // namespace pillarbox::ascii
