#include "access/mutf7.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>

#include "access/utf8.h"

namespace pillarbox::access {
namespace {

// Pairs that must convert both ways.
struct Pair {
  std::string_view mutf7;
  std::string_view utf8;
};
constexpr Pair kPairs[] = {
    {"", ""},
    {"INBOX", "INBOX"},
    {"~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
    // RFC 3501 §5.1.3: the correct form of the superfluous-shift example.
    {"&U,BTF2XlZyyKng-", "\xE5\x8F\xB0\xE5\x8C\x97\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
    {"&Jjo-!", "\xE2\x98\xBA!"},
    {"&-", "&"},
    {"a&-b", "a&b"},
    {"&-&-", "&&"},
    {"&AKM-&-", "\xC2\xA3&"},  // a shift, then the '&' escape: not two adjacent shifts
    {"&-&AKM-", "&\xC2\xA3"},
    {"&AKMAow-", "\xC2\xA3\xC2\xA3"},
    {"&AKM--", "\xC2\xA3-"},
    {"-&AKM-", "-\xC2\xA3"},
    {"Entw&APw-rfe", "Entw\xC3\xBCrfe"},
    // Outside the BMP: a surrogate pair (U+1F600).
    {"&2D3eAA-", "\xF0\x9F\x98\x80"},
    {"a&2D3eAA-b", "a\xF0\x9F\x98\x80" "b"},
    {"&ZeVnLIqe2D3eAA-&-x", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xF0\x9F\x98\x80&x"},
    // Controls have no direct form, so a shift carries them.
    {"&AB8-", "\x1F"},
    {"&AH8-", "\x7F"},
    {"&AIA-", "\xC2\x80"},
    {"&,,0-", "\xEF\xBF\xBD"},
};

TEST(AccessMutf7, KnownPairsConvertBothWays) {
  for (const Pair& p : kPairs) {
    EXPECT_TRUE(valid_mutf7(p.mutf7)) << p.mutf7;
    EXPECT_EQ(mutf7_to_utf8(p.mutf7), std::optional<std::string>(p.utf8)) << p.mutf7;
    EXPECT_EQ(utf8_to_mutf7(p.utf8), p.mutf7) << p.mutf7;
  }
}

TEST(AccessMutf7, RejectsWhatRfc3501Forbids) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "&Jjo!",               // no explicit shift back before "!"
           "&U,BTFw-&ZeVnLIqe-",  // superfluous shift (RFC 3501 §5.1.3)
           "&AKM-&AKM-",          // the same: two adjacent shifts
           "&AGE-",               // encodes 'a', which has a direct form
           "&ACA-",               // encodes ' '
           "&ACY-",               // encodes '&' (its direct form is "&-")
           "&AH4-",               // encodes '~'
           "&AAA-",               // encodes NUL
           "&U,B",                // unterminated shift
           "&",                   // ditto
           "abc&",                // ditto
           "&U,BTFw",             // ditto, on a unit boundary
           "&&-",                 // '&' is not base64
           "&A/M-",               // '/' is not modified base64 (',' replaces it)
           "&AK=-",               // no '=' padding
           "&AKN-",               // non-zero padding bits
           "&AKMA-",              // a spare base64 character (8 leftover bits)
           "&A-",                 // 6 bits: not even one unit
           "&2D0-",               // lone high surrogate
           "&3gA-",               // lone low surrogate
           "&2D0AYQ-",            // high surrogate followed by 'a'
           "&2D3YPQ-",            // high surrogate followed by another high one
           "caf\xE9",             // 8-bit bytes are never allowed
           "caf\xC3\xA9",         // not even well-formed UTF-8
           "a\tb",                // controls have no direct form
           "\x7F",
           std::string_view("a\0b", 3),
       }) {
    EXPECT_FALSE(valid_mutf7(bad)) << bad;
    EXPECT_EQ(mutf7_to_utf8(bad), std::nullopt) << bad;
  }
}

TEST(AccessMutf7, ValidNamesRoundTripThroughUtf8) {
  for (const Pair& p : kPairs) {
    auto utf8 = mutf7_to_utf8(p.mutf7);
    ASSERT_TRUE(utf8) << p.mutf7;
    EXPECT_EQ(utf8_to_mutf7(*utf8), p.mutf7);
  }
}

TEST(AccessMutf7, EveryBmpCharacterRoundTrips) {
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string utf8 = "x";
    utf8::append(utf8, cp);
    const std::string encoded = utf8_to_mutf7(utf8);
    ASSERT_TRUE(valid_mutf7(encoded)) << std::hex << static_cast<std::uint32_t>(cp);
    ASSERT_EQ(mutf7_to_utf8(encoded), std::optional<std::string>(utf8)) << std::hex << static_cast<std::uint32_t>(cp);
  }
}

TEST(AccessMutf7, RandomStringsRoundTrip) {
  std::mt19937 rng(4314);
  // Mostly ASCII (to exercise shifts starting and ending), some BMP, some astral, some '&'.
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<char32_t> ascii(0x20, 0x7E), bmp(0x80, 0xFFFD), astral(0x10000, 0x10FFFF);
  for (int n = 0; n < 2000; ++n) {
    std::string utf8;
    const int length = n % 12;
    for (int i = 0; i < length; ++i) {
      const int k = kind(rng);
      char32_t cp = k < 4 ? ascii(rng) : k < 7 ? bmp(rng) : k < 9 ? astral(rng) : U'&';
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
      utf8::append(utf8, cp);
    }
    const std::string encoded = utf8_to_mutf7(utf8);
    ASSERT_TRUE(valid_mutf7(encoded)) << encoded;
    ASSERT_EQ(mutf7_to_utf8(encoded), std::optional<std::string>(utf8)) << encoded;
    ASSERT_EQ(utf8_to_mutf7(*mutf7_to_utf8(encoded)), encoded);
  }
}

TEST(AccessMutf7, MalformedUtf8BecomesReplacementCharacters) {
  struct Case {
    std::string_view utf8;
    std::string_view mutf7;
  };
  for (const Case& c : {
           Case{"\xFF", "&,,0-"},
           Case{"a\xC3", "a&,,0-"},                   // truncated
           Case{"\xC0\xAF", "&,,3,,Q-"},              // overlong '/', one U+FFFD per byte
           Case{"\xED\xA0\x80", "&,,3,,f,9-"},        // an encoded surrogate
           Case{"\xF4\x90\x80\x80", "&,,3,,f,9,,0-"}, // above U+10FFFF
           Case{"\x80x", "&,,0-x"},                   // stray continuation byte
           Case{std::string_view("a\0b", 3), "a&,,0-b"},
       }) {
    const std::string encoded = utf8_to_mutf7(c.utf8);
    EXPECT_EQ(encoded, c.mutf7);
    EXPECT_TRUE(valid_mutf7(encoded)) << encoded;
  }
}

TEST(AccessUtf8, DecodeIsStrict) {
  EXPECT_TRUE(utf8::valid(""));
  EXPECT_TRUE(utf8::valid("a\xC2\xA3\xE2\x98\xBA\xF0\x9F\x98\x80"));
  EXPECT_TRUE(utf8::valid("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  for (std::string_view bad : {"\xC0\x80", "\xE0\x80\x80", "\xF0\x80\x80\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80",
                               "\xF8\x88\x80\x80\x80", "\xC3", "\xE2\x98", "\x80", "\xC3\x28"}) {
    EXPECT_FALSE(utf8::valid(bad)) << bad;
  }
}

}  // namespace
}  // namespace pillarbox::access
