#include "pop3/command.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace pillarbox::pop3 {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

TEST(Pop3ParseCommand, KeywordAndArguments) {
  auto c = parse_command("list 1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "LIST");
  EXPECT_EQ(c->rest, "1");
  EXPECT_TRUE(c->has_rest);
  auto args = split_arguments(*c);
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(*args, (Args{"1"}));

  c = parse_command("Top 2 10");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "TOP");
  EXPECT_EQ(*split_arguments(*c), (Args{"2", "10"}));

  c = parse_command("STAT");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_rest);
  EXPECT_EQ(*split_arguments(*c), Args{});
}

TEST(Pop3ParseCommand, PassKeepsSpaces) {
  auto c = parse_command("PASS  two  spaces ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rest, " two  spaces ");
  EXPECT_FALSE(split_arguments(*c).ok());
  c = parse_command("PASS ");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->has_rest);
  EXPECT_EQ(c->rest, "");
  c = parse_command("PASS caf\xc3\xa9");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rest, "caf\xc3\xa9");
}

TEST(Pop3ParseCommand, RefusesGarbage) {
  for (const std::string& bad : {""s, " "s, " STAT"s, "ST4T"s, "STAT\0"s, "\0"s, "NO\rOP"s, "LIST\t1"s, "LIST 1\x7f"s,
                                 "+OK"s, "."s, "\xc3\xa9"s, std::string(21, 'A'), "LIST\x1b[1m"s}) {
    EXPECT_FALSE(parse_command(bad).ok()) << bad;
  }
  EXPECT_TRUE(parse_command(std::string(20, 'A')).ok());
}

TEST(Pop3SplitArguments, RefusesEmptyArguments) {
  for (const char* bad : {"LIST ", "LIST  1", "TOP 1  2", "TOP 1 2 ", "LIST  "}) {
    auto c = parse_command(bad);
    ASSERT_TRUE(c.ok()) << bad;
    EXPECT_FALSE(split_arguments(*c).ok()) << bad;
  }
}

TEST(Pop3ParseNumber, DigitsOnlyAndSaturates) {
  EXPECT_EQ(parse_number("0"), 0u);
  EXPECT_EQ(parse_number("1"), 1u);
  EXPECT_EQ(parse_number("007"), 7u);
  EXPECT_EQ(parse_number("4294967295"), 4294967295u);
  EXPECT_EQ(parse_number("4294967296"), 4294967296u);
  EXPECT_EQ(parse_number("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(parse_number("18446744073709551616"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(parse_number(std::string(1000, '9')), std::numeric_limits<std::uint64_t>::max());
  for (const char* bad : {"", "-1", "+1", "1a", "a", " 1", "1 ", "1.0", "0x10", "\xd9\xa1"}) {
    EXPECT_FALSE(parse_number(bad)) << bad;
  }
}

TEST(Pop3UniqueId, SixteenHexDigits) {
  EXPECT_EQ(unique_id(1, 1), "0000000100000001");
  EXPECT_EQ(unique_id(0x5f3e2a10, 0xabc), "5f3e2a1000000abc");
  EXPECT_EQ(unique_id(0xffffffff, 0xffffffff), "ffffffffffffffff");
  // RFC 1939 §7: 1 to 70 characters in the range 0x21 to 0x7E.
  for (char c : unique_id(123456, 654321)) EXPECT_TRUE(c >= 0x21 && c <= 0x7e);
}

}  // namespace
}  // namespace pillarbox::pop3
