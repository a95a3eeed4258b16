#include "imap/framer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "base/grind.h"

namespace pillarbox::imap {
namespace {

using namespace std::string_literals;

constexpr std::uint64_t kNoSkipLimit = std::numeric_limits<std::uint64_t>::max();

// One line per event: "C:<command>", "+<size>", "LONG:<tag>", "BIG:<tag>:<size>[:append|:total]",
// "REFUSED:<tag>:<size>"; "DEAD" after an error event that left the framer broken().
std::vector<std::string> run_framer(const std::vector<std::string_view>& chunks, FramerLimits limits,
                                    std::uint64_t max_buffered, std::uint64_t skip_limit) {
  Framer framer(limits);
  if (skip_limit != kNoSkipLimit) framer.set_skip_limit(skip_limit);
  std::vector<std::string> out;
  for (std::string_view chunk : chunks) {
    for (;;) {
      const Framer::Step step = framer.feed(chunk);
      EXPECT_LE(step.consumed, chunk.size());
      EXPECT_LE(framer.buffered(), max_buffered);
      chunk.remove_prefix(step.consumed);
      switch (step.event) {
        case Framer::Event::need_more:
          EXPECT_TRUE(chunk.empty());
          break;
        case Framer::Event::continuation:
          out.push_back("+" + std::to_string(framer.literal_size()));
          break;
        case Framer::Event::command:
          out.push_back("C:" + framer.take_command());
          break;
        case Framer::Event::line_too_long:
          out.push_back("LONG:" + framer.tag());
          if (framer.broken()) out.push_back("DEAD");
          break;
        case Framer::Event::literal_too_big:
          out.push_back("BIG:" + framer.tag() + ":" + std::to_string(framer.literal_size()) +
                        (framer.exceeded() == Framer::Exceeded::append         ? ":append"
                         : framer.exceeded() == Framer::Exceeded::append_total ? ":total"
                         : framer.exceeded() == Framer::Exceeded::command_total ? ":command"
                                                                               : ""));
          if (framer.broken()) out.push_back("DEAD");
          break;
        case Framer::Event::non_sync_refused:
          EXPECT_TRUE(framer.broken());
          out.push_back("REFUSED:" + framer.tag() + ":" + std::to_string(framer.literal_size()));
          break;
      }
      if (step.event == Framer::Event::need_more || chunk.empty()) break;
    }
  }
  return out;
}

std::vector<std::string> grind_framer(std::string_view input, FramerLimits limits = {},
                                      std::uint64_t max_buffered = 1 << 20, std::uint64_t skip_limit = kNoSkipLimit) {
  return test::grind(input, [&](const std::vector<std::string_view>& chunks) {
    return run_framer(chunks, limits, max_buffered, skip_limit);
  });
}

using V = std::vector<std::string>;

TEST(Framer, SimpleCommand) {
  EXPECT_EQ(grind_framer("a NOOP\r\n"), (V{"C:a NOOP"}));
}

TEST(Framer, IncompleteLineIsNeedMore) {
  Framer f;
  auto step = f.feed("a NOOP\r");
  EXPECT_EQ(step.event, Framer::Event::need_more);
  EXPECT_EQ(step.consumed, 7u);
  step = f.feed("\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "a NOOP");
}

TEST(Framer, PipelinedCommandsInOneBuffer) {
  EXPECT_EQ(grind_framer("a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n"),
            (V{"C:a NOOP", "C:b CAPABILITY", "C:c LOGOUT"}));
}

TEST(Framer, ConsumedStopsAtEvent) {
  Framer f;
  std::string_view in = "a NOOP\r\nb NOOP\r\n";
  auto step = f.feed(in);
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(step.consumed, 8u);
  EXPECT_EQ(f.take_command(), "a NOOP");
  step = f.feed(in.substr(8));
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "b NOOP");
}

TEST(Framer, BareLfEndsLine) {
  EXPECT_EQ(grind_framer("a NOOP\nb NOOP\r\n"), (V{"C:a NOOP", "C:b NOOP"}));
}

TEST(Framer, LoneCrStaysInText) {
  EXPECT_EQ(grind_framer("a NO\rOP\r\r\n"), (V{"C:a NO\rOP\r"}));
}

TEST(Framer, EmptyLinesAreIgnored) {
  EXPECT_EQ(grind_framer("\r\n\na NOOP\r\n\r\n"), (V{"C:a NOOP"}));
}

TEST(Framer, EmptyLinesAreSaslResponsesWhenKept) {
  // AUTHENTICATE: an empty line answers a challenge (SCRAM's server-final), one line at a time.
  auto run = [](const std::vector<std::string_view>& chunks) {
    Framer framer;
    framer.keep_empty_lines(true);
    std::vector<std::string> out;
    for (std::string_view chunk : chunks) {
      while (!chunk.empty()) {
        const auto step = framer.feed(chunk);
        chunk.remove_prefix(step.consumed);
        if (step.event == Framer::Event::command) out.push_back("C:" + framer.take_command());
        if (step.event == Framer::Event::need_more) break;
      }
    }
    return out;
  };
  EXPECT_EQ(test::grind("\r\ndj1h\r\n\n", run), (V{"C:", "C:dj1h", "C:"}));
}

TEST(Framer, SyncLiteralThenNextCommandInSameBuffer) {
  EXPECT_EQ(grind_framer("a APPEND INBOX {5}\r\nhello\r\nb NOOP\r\n"),
            (V{"+5", "C:a APPEND INBOX {5}\r\nhello", "C:b NOOP"}));
}

TEST(Framer, NonSyncLiteralThenNextCommandInSameBuffer) {
  EXPECT_EQ(grind_framer("a APPEND INBOX (\\Seen) {5+}\r\nhello\r\nb NOOP\r\n"),
            (V{"C:a APPEND INBOX (\\Seen) {5+}\r\nhello", "C:b NOOP"}));
}

TEST(Framer, LiteralContainingCrlfAndMarker) {
  const std::string body = "ab\r\n{5}\r\nc\nd\r\n";
  const std::string cmd = "a APPEND x {" + std::to_string(body.size()) + "}\r\n" + body;
  EXPECT_EQ(grind_framer(cmd + "\r\nb NOOP\r\n"),
            (V{"+" + std::to_string(body.size()), "C:" + cmd, "C:b NOOP"}));
}

TEST(Framer, LiteralWithNulAndEightBit) {
  const std::string body = "\0\xff\r\n"s;
  EXPECT_EQ(grind_framer("a APPEND x {4+}\r\n" + body + "\r\n"),
            (V{"C:a APPEND x {4+}\r\n" + body}));
}

TEST(Framer, LoginWithTwoLiterals) {
  EXPECT_EQ(grind_framer("a LOGIN {4}\r\nuser {6}\r\nsecret\r\nb NOOP\r\n"),
            (V{"+4", "+6", "C:a LOGIN {4}\r\nuser {6}\r\nsecret", "C:b NOOP"}));
}

TEST(Framer, TextAfterLiteral) {
  EXPECT_EQ(grind_framer("a LOGIN {1}\r\nx y\r\n"), (V{"+1", "C:a LOGIN {1}\r\nx y"}));
}

TEST(Framer, ZeroLengthLiterals) {
  EXPECT_EQ(grind_framer("a LOGIN {0}\r\n {0+}\r\n\r\nb NOOP\r\n"),
            (V{"+0", "C:a LOGIN {0}\r\n {0+}\r\n", "C:b NOOP"}));
}

TEST(Framer, MarkerLineWithBareLfIsStoredWithCrlf) {
  EXPECT_EQ(grind_framer("a LOGIN {1+}\nx y\n"), (V{"C:a LOGIN {1+}\r\nx y"}));
}

TEST(Framer, Literal8) {
  const std::string body = "\0\1\2"s;
  EXPECT_EQ(grind_framer("a APPEND x ~{3}\r\n" + body + "\r\nb APPEND x ~{3+}\r\n" + body + "\r\n"),
            (V{"+3", "C:a APPEND x ~{3}\r\n" + body, "C:b APPEND x ~{3+}\r\n" + body}));
}

TEST(Framer, MalformedMarkersAreText) {
  EXPECT_EQ(grind_framer("a X {12a}\r\nb X {}\r\nc X {+}\r\nd X {5} \r\ne X {5++}\r\nf X 5}\r\n"),
            (V{"C:a X {12a}", "C:b X {}", "C:c X {+}", "C:d X {5} ", "C:e X {5++}", "C:f X 5}"}));
}

TEST(Framer, LeadingZerosInMarker) {
  EXPECT_EQ(grind_framer("a X {000000000000000000000000002+}\r\nab\r\n"),
            (V{"C:a X {000000000000000000000000002+}\r\nab"}));
}

TEST(Framer, OverflowingSyncMarkerIsTooBig) {
  EXPECT_EQ(grind_framer("a APPEND x {99999999999999999999}\r\nb NOOP\r\n"),
            (V{"BIG:a:" + std::to_string(std::numeric_limits<std::uint64_t>::max()), "C:b NOOP"}));
  EXPECT_EQ(grind_framer("a APPEND x {18446744073709551615}\r\nb NOOP\r\n"),
            (V{"BIG:a:18446744073709551615", "C:b NOOP"}));
}

TEST(Framer, OverflowingNonSyncMarkerKillsTheStream) {
  Framer f;
  auto step = f.feed("a APPEND x {99999999999999999999+}\r\nb LOGOUT\r\n");
  EXPECT_EQ(step.event, Framer::Event::literal_too_big);
  EXPECT_EQ(f.tag(), "a");
  EXPECT_EQ(f.literal_size(), std::numeric_limits<std::uint64_t>::max());
  step = f.feed("b LOGOUT\r\n");
  EXPECT_EQ(step.event, Framer::Event::need_more);  // never read as a command
  EXPECT_EQ(step.consumed, 10u);
  f.reset();
  step = f.feed("c NOOP\r\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "c NOOP");
}

TEST(Framer, OverLongLineThenGoodCommand) {
  FramerLimits limits;
  limits.max_line_octets = 20;
  const std::string long_line = "a1 SEARCH " + std::string(100, 'x') + "\r\n";
  EXPECT_EQ(grind_framer(long_line + "b NOOP\r\n", limits, 20), (V{"LONG:a1", "C:b NOOP"}));
}

TEST(Framer, LineAtExactLimit) {
  FramerLimits limits;
  limits.max_line_octets = 10;
  EXPECT_EQ(grind_framer("a 34567890\r\nb 345678901\r\nc NOOP\r\n", limits, 10),
            (V{"C:a 34567890", "LONG:b", "C:c NOOP"}));
}

TEST(Framer, OverLongTagIsStar) {
  FramerLimits limits;
  limits.max_line_octets = 10;
  EXPECT_EQ(grind_framer(std::string(30, 't') + " NOOP\r\n", limits, 10), (V{"LONG:*"}));
}

TEST(Framer, InvalidTagIsStar) {
  FramerLimits limits;
  limits.max_line_octets = 10;
  EXPECT_EQ(grind_framer("a+b NOOP NOOP NOOP\r\n", limits, 10), (V{"LONG:*"}));
  EXPECT_EQ(grind_framer("a APPEND {99999}\r\n", limits, 10), (V{"LONG:a"}));
}

TEST(Framer, OverLongLineEndingInNonSyncLiteralCountsItOff) {
  FramerLimits limits;
  limits.max_line_octets = 30;
  const std::string input = "a APPEND " + std::string(40, 'm') + " {10+}\r\n" + "b LOGOUT\r\n" +
                            " more text {10+}\r\n" + "c LOGOUT\r\n" + "\r\nd NOOP\r\n";
  EXPECT_EQ(grind_framer(input, limits, 30), (V{"LONG:a", "C:d NOOP"}));
}

TEST(Framer, MarkerCrossingTheLimitIsStillSeen) {
  // The marker starts inside the stored part and ends in the skipped part.
  FramerLimits limits;
  limits.max_line_octets = 14;
  EXPECT_EQ(grind_framer("a APPEND x {10+}\r\nb LOGOUT\r\n\r\nc NOOP\r\n", limits, 14),
            (V{"LONG:a", "C:c NOOP"}));
}

TEST(Framer, OverLongLineEndingInSyncLiteral) {
  // We never send "+", so the client sends nothing more: the next line is a command.
  FramerLimits limits;
  limits.max_line_octets = 20;
  EXPECT_EQ(grind_framer("a APPEND " + std::string(40, 'm') + " {10}\r\nb NOOP\r\n", limits, 20),
            (V{"LONG:a", "C:b NOOP"}));
}

TEST(Framer, MarkerLineCrlfCountsTowardsLimit) {
  FramerLimits limits;
  limits.max_line_octets = 12;
  // "a X {3+}" is 8 octets, plus the stored CRLF is 10; "abc" is a literal; "\r\n" ends.
  EXPECT_EQ(grind_framer("a X {3+}\r\nabc\r\n", limits, 15), (V{"C:a X {3+}\r\nabc"}));
  // 11 + 2 > 12: the command is over long, its literal counted off.
  EXPECT_EQ(grind_framer("a XYZW {3+}\r\nb L\r\nc NOOP\r\n", limits, 15), (V{"LONG:a", "C:c NOOP"}));
}

TEST(Framer, OverLimitSyncLiteralThenGoodCommand) {
  FramerLimits limits;
  limits.max_literal_octets = 100;
  EXPECT_EQ(grind_framer("a APPEND INBOX {101}\r\nb NOOP\r\n", limits), (V{"BIG:a:101", "C:b NOOP"}));
}

TEST(Framer, OverLimitNonSyncLiteralIsCountedOff) {
  FramerLimits limits;
  limits.max_literal_octets = 10;
  std::string body;
  while (body.size() < 40) body += "a LOGOUT\r\n";
  const std::string input = "x APPEND INBOX {40+}\r\n" + body + "\r\ny NOOP\r\n";
  EXPECT_EQ(grind_framer(input, limits, 64), (V{"BIG:x:40", "y NOOP"s.insert(0, "C:")}));
}

TEST(Framer, DoomedCommandCountsOffLaterNonSyncLiterals) {
  FramerLimits limits;
  limits.max_literal_octets = 10;
  const std::string input = "x APPEND INBOX {20+}\r\n" + std::string(10, 'z') + "a LOGOUT\r\n" +
                            " (\\Seen) {10+}\r\nb LOGOUT\r\n {3+}\r\nc L\r\ny NOOP\r\n";
  EXPECT_EQ(grind_framer(input, limits, 64), (V{"BIG:x:20", "C:y NOOP"}));
}

// Under COMPRESS the session bounds what is counted off (set_skip_limit): past the budget the
// framer reports the command and is broken(), at once when a literal's size passes it.
TEST(Framer, SkipLimitBoundsWhatIsCountedOff) {
  FramerLimits limits;
  limits.max_literal_octets = 10;
  limits.max_line_octets = 40;
  const std::string big = "x APPEND INBOX {40+}\r\n" + std::string(40, 'z') + "\r\ny NOOP\r\n";
  // Within the budget (40 literal octets + the CRLF after it): counted off as before.
  EXPECT_EQ(grind_framer(big, limits, 64, 42), (V{"BIG:x:40", "C:y NOOP"}));
  // One octet short: the literal is never read; nothing after it is taken as a command.
  EXPECT_EQ(grind_framer(big, limits, 64, 41), (V{"BIG:x:40", "DEAD"}));
  EXPECT_EQ(grind_framer(big, limits, 64, 0), (V{"BIG:x:40", "DEAD"}));
  // A 2^63-octet literal is refused as soon as it is announced.
  EXPECT_EQ(grind_framer("x APPEND INBOX {9223372036854775808+}\r\n", limits, 64, 1 << 20),
            (V{"BIG:x:9223372036854775808", "DEAD"}));
  // The budget is for the whole connection: two skipped commands use it up.
  const std::string twice = "a APPEND INBOX {15+}\r\n" + std::string(15, 'z') + "\r\n" + "b APPEND INBOX {15+}\r\n" +
                            std::string(15, 'z') + "\r\nc NOOP\r\n";
  EXPECT_EQ(grind_framer(twice, limits, 64, 20), (V{"BIG:a:15", "BIG:b:15", "DEAD"}));
  // An over-long line: each skipped octet counts.
  const std::string line = "a " + std::string(50, 'x') + "\r\nb NOOP\r\n";
  EXPECT_EQ(grind_framer(line, limits, 64, 100), (V{"LONG:a", "C:b NOOP"}));
  EXPECT_EQ(grind_framer(line, limits, 64, 5), (V{"LONG:a", "DEAD"}));
}

TEST(Framer, DoomedCommandStopsAtSyncLiteral) {
  FramerLimits limits;
  limits.max_literal_octets = 10;
  const std::string input = "x APPEND INBOX {20+}\r\n" + std::string(20, 'z') + " {5}\r\ny NOOP\r\n";
  EXPECT_EQ(grind_framer(input, limits, 64), (V{"BIG:x:20", "C:y NOOP"}));
}

TEST(Framer, TooManyLiterals) {
  FramerLimits limits;
  limits.max_literals = 2;
  EXPECT_EQ(grind_framer("a LOGIN {1}\r\nx {1}\r\ny {1}\r\nb NOOP\r\n", limits),
            (V{"+1", "+1", "BIG:a:1", "C:b NOOP"}));
  EXPECT_EQ(grind_framer("a X {1+}\r\nx {1+}\r\ny {10+}\r\nc LOGOUT\r\n\r\nb NOOP\r\n", limits),
            (V{"BIG:a:10", "C:b NOOP"}));
}

TEST(Framer, MultiappendWithinLimits) {
  EXPECT_EQ(grind_framer("a APPEND x {2+}\r\nab {3+}\r\ncde\r\n"),
            (V{"C:a APPEND x {2+}\r\nab {3+}\r\ncde"}));
}

// RFC 7889 APPENDLIMIT: APPEND's literals (any case of the command name) have their own limit;
// other commands' literals only the general one.
TEST(Framer, AppendLimit) {
  FramerLimits limits;
  limits.max_append_octets = 10;
  EXPECT_EQ(grind_framer("a APPEND x {11}\r\nb append x {10}\r\n0123456789\r\n", limits),
            (V{"BIG:a:11:append", "+10", "C:b append x {10}\r\n0123456789"}));
  // Non-synchronizing: counted off, nothing stored, then the next command.
  EXPECT_EQ(grind_framer("a Append x (\\Seen) {11+}\r\n01234567890\r\nc NOOP\r\n", limits, 64),
            (V{"BIG:a:11:append", "C:c NOOP"}));
  EXPECT_EQ(grind_framer("a LOGIN {11}\r\n01234567890 x\r\nb APPENDX {11}\r\n01234567890\r\n", limits),
            (V{"+11", "C:a LOGIN {11}\r\n01234567890 x", "+11", "C:b APPENDX {11}\r\n01234567890"}));
  // The limit is judged per command: the mailbox-name literal of an APPEND counts too.
  EXPECT_EQ(grind_framer("a APPEND {11+}\r\n01234567890 {1}\r\nb NOOP\r\n", limits, 64),
            (V{"BIG:a:11:append", "C:b NOOP"}));
}

// RFC 3502 MULTIAPPEND: all the literals of one APPEND together.
TEST(Framer, AppendTotalLimit) {
  FramerLimits limits;
  limits.max_append_total_octets = 10;
  EXPECT_EQ(grind_framer("a APPEND x {5+}\r\n01234 {5}\r\n01234\r\n", limits),
            (V{"+5", "C:a APPEND x {5+}\r\n01234 {5}\r\n01234"}));
  EXPECT_EQ(grind_framer("a APPEND x {5}\r\n01234 {6}\r\nb NOOP\r\n", limits),
            (V{"+5", "BIG:a:6:total", "C:b NOOP"}));
  EXPECT_EQ(grind_framer("a APPEND x {5+}\r\n01234 {5+}\r\n01234 {1+}\r\nz\r\nb NOOP\r\n", limits, 64),
            (V{"BIG:a:1:total", "C:b NOOP"}));
  // Other commands are not bound by it.
  EXPECT_EQ(grind_framer("a LOGIN {6+}\r\n012345 {6+}\r\n012345\r\n", limits),
            (V{"C:a LOGIN {6+}\r\n012345 {6+}\r\n012345"}));
}

// Every other command's literals together have their own, small limit, so that no command but
// an APPEND after login makes the framer hold much.
TEST(Framer, CommandLiteralTotalLimit) {
  FramerLimits limits;
  limits.max_command_literal_octets = 10;
  EXPECT_EQ(grind_framer("a LOGIN {5}\r\n01234 {5}\r\n01234\r\n", limits),
            (V{"+5", "+5", "C:a LOGIN {5}\r\n01234 {5}\r\n01234"}));
  EXPECT_EQ(grind_framer("a LOGIN {5}\r\n01234 {6}\r\nb NOOP\r\n", limits),
            (V{"+5", "BIG:a:6:command", "C:b NOOP"}));
  // Non-synchronizing: counted off unread, never held.
  EXPECT_EQ(grind_framer("a SEARCH TEXT {6+}\r\n012345 TEXT {6+}\r\n012345 TEXT {1+}\r\nx\r\nb NOOP\r\n",
                         limits, 64),
            (V{"BIG:a:6:command", "C:b NOOP"}));
  // An APPEND has its own limits.
  const std::string append = "a APPEND x {20+}\r\n" + std::string(20, 'm') + "\r\n";
  EXPECT_EQ(grind_framer(append, limits), (V{"C:a APPEND x {20+}\r\n" + std::string(20, 'm')}));
}

// Before login (allow_append(false)) an APPEND is held to the limit of every other command.
TEST(Framer, AppendBeforeLoginHasTheCommandLimit) {
  FramerLimits limits;
  limits.max_command_literal_octets = 10;
  Framer framer(limits);
  framer.allow_append(false);
  std::string_view input = "a APPEND x {11}\r\n";
  auto step = framer.feed(input);
  EXPECT_EQ(step.event, Framer::Event::literal_too_big);
  EXPECT_EQ(framer.exceeded(), Framer::Exceeded::command_total);
  input.remove_prefix(step.consumed);
  EXPECT_EQ(framer.feed(input).event, Framer::Event::need_more);
  framer.allow_append(true);
  step = framer.feed("b APPEND x {11}\r\n");
  EXPECT_EQ(step.event, Framer::Event::continuation);
  EXPECT_EQ(framer.literal_size(), 11u);
}

// RFC 7888 §4 LITERAL-: a non-synchronizing literal over 4096 octets ends the stream; a
// synchronizing one of any size within the limits is fine.
TEST(Framer, LiteralMinus) {
  FramerLimits limits;
  limits.max_non_sync_octets = 4096;
  const std::string ok = "a APPEND x {4096+}\r\n" + std::string(4096, 'q') + "\r\n";
  EXPECT_EQ(grind_framer(ok, limits), (V{"C:a APPEND x {4096+}\r\n" + std::string(4096, 'q')}));
  EXPECT_EQ(grind_framer("a APPEND x {4097}\r\n", limits), (V{"+4097"}));
  EXPECT_EQ(grind_framer("a LOGIN x {4097+}\r\nyyyy\r\nb NOOP\r\n", limits), (V{"REFUSED:a:4097"}));
  EXPECT_EQ(grind_framer("a LOGIN x {99999999999999999999999+}\r\nb NOOP\r\n", limits),
            (V{"REFUSED:a:18446744073709551615"}));
  // Also in a command already doomed by another limit.
  limits.max_literal_octets = 1024;
  EXPECT_EQ(grind_framer("a X {2000+}\r\n" + std::string(2000, 'r') + " {5000+}\r\nb NOOP\r\n", limits, 64),
            (V{"REFUSED:a:5000"}));
  // LITERAL+ (the default): any size is counted off.
  EXPECT_EQ(grind_framer("a LOGIN x {5000+}\r\n" + std::string(5000, 'y') + "\r\nb NOOP\r\n", {}),
            (V{"C:a LOGIN x {5000+}\r\n" + std::string(5000, 'y'), "C:b NOOP"}));
}

TEST(Framer, NeverStoresPastLimits) {
  FramerLimits limits;
  limits.max_line_octets = 50;
  limits.max_literal_octets = 100;
  limits.max_literals = 2;
  const std::string input = "a APPEND x {100+}\r\n" + std::string(100, 'q') + " {100+}\r\n" +
                            std::string(100, 'r') + " {100+}\r\n" + std::string(100, 's') + "\r\n" +
                            "b " + std::string(1000, 'w') + "\r\nc NOOP\r\n";
  EXPECT_EQ(grind_framer(input, limits, 50 + 200), (V{"BIG:a:100", "LONG:b", "C:c NOOP"}));
}

TEST(Framer, EightBitAndNulInCommandTextAreFramed) {
  EXPECT_EQ(grind_framer("a SELECT \xe4\0x\r\n"s), (V{"C:a SELECT \xe4\0x"s}));
}

TEST(Framer, ResetDropsCommandInProgress) {
  Framer f;
  auto step = f.feed("a STARTTLS\r\nb LOGIN {5}\r\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "a STARTTLS");
  f.reset();
  EXPECT_EQ(f.buffered(), 0u);
  step = f.feed("c NOOP\r\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "c NOOP");
  f.feed("d LOGIN {3}\r\n");
  f.reset();
  step = f.feed("e NOOP\r\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command(), "e NOOP");
}

TEST(Framer, LargeLiteralIsCopiedInBulk) {
  const std::string body(5'000'000, 'x');
  Framer f;
  auto step = f.feed("a APPEND x {5000000+}\r\n" + body + "\r\n");
  EXPECT_EQ(step.event, Framer::Event::command);
  EXPECT_EQ(f.take_command().size(), 23 + body.size());
}

}  // namespace
}  // namespace pillarbox::imap
