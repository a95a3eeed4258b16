#include "protolog/format.h"

#include <gtest/gtest.h>

namespace pillarbox::protolog {
namespace {

using namespace std::chrono;

// 2026-12-02 08:42:20.123456 UTC
const system_clock::time_point kT =
    sys_days(year(2026) / 12 / 2) + hours(8) + minutes(42) + seconds(20) + microseconds(123456);

TEST(ProtologFormat, LineShapeAndTimeTruncatedToMilliseconds) {
  EXPECT_EQ(transcript_line(kT, 'C', "a1 NOOP\r\n"), "08:42:20.123 C: a1 NOOP");
  EXPECT_EQ(transcript_line(kT, 'S', "+OK\n"), "08:42:20.123 S: +OK");
  EXPECT_EQ(transcript_line(sys_days(year(2026) / 1 / 1), 'S', ""), "00:00:00.000 S: ");
  EXPECT_EQ(clock_time(kT), "08:42:20.123");
}

TEST(ProtologFormat, OnlyTheFinalLineEndIsDropped) {
  EXPECT_EQ(transcript_line(kT, 'C', "a\r\nb\r\n"), "08:42:20.123 C: a\\x0d\\x0ab");
  EXPECT_EQ(transcript_line(kT, 'C', "a\r"), "08:42:20.123 C: a\\x0d");
  EXPECT_EQ(transcript_line(kT, 'C', "a\n\n"), "08:42:20.123 C: a\\x0a");
}

TEST(ProtologFormat, EscapesNonPrintableAndBackslash) {
  EXPECT_EQ(escape("a\\b"), "a\\\\b");
  EXPECT_EQ(escape(std::string("\0\x1f\x7f\x80\xff ~", 7)), "\\x00\\x1f\\x7f\\x80\\xff ~");
  EXPECT_EQ(escape("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(ProtologFormat, RoundTripOverAllBytes) {
  std::string all;
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_EQ(unescape(escape(one)), one) << b;
    all += one;
  }
  EXPECT_EQ(unescape(escape(all)), all);
  const std::string line = transcript_line(kT, 'C', all + "z");
  EXPECT_EQ(unescape(std::string_view(line).substr(16)), all + "z");
}

TEST(ProtologFormat, UnescapeRejectsWhatEscapeNeverWrites) {
  EXPECT_EQ(unescape("\\X41"), std::nullopt);
  EXPECT_EQ(unescape("\\x4"), std::nullopt);
  EXPECT_EQ(unescape("\\x4g"), std::nullopt);
  EXPECT_EQ(unescape("\\"), std::nullopt);
  EXPECT_EQ(unescape("a\tb"), std::nullopt);
  EXPECT_EQ(unescape("\\x4A\\x4a"), "JJ");
  EXPECT_EQ(unescape(""), "");
}

TEST(ProtologFormat, ProtocolNames) {
  EXPECT_EQ(protocol_name(Protocol::imap), "imap");
  EXPECT_EQ(protocol_name(Protocol::pop3), "pop3");
  EXPECT_EQ(protocol_name(Protocol::lmtp), "lmtp");
}

}  // namespace
}  // namespace pillarbox::protolog
