#include "lmtp/dot_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/grind.h"  // header-only test helper shared by every incremental component

namespace pillarbox::lmtp {
namespace {

using namespace std::string_literals;

// What one run produced: the message (or "TOO BIG:<octets>"), then "|" and whatever followed
// the terminator (the next commands), or "UNTERMINATED" when the input ran out first.
std::string run_decoder(const std::vector<std::string_view>& chunks, std::uint64_t max) {
  DotDecoder decoder(max);
  std::string rest;
  bool done = false;
  for (std::string_view chunk : chunks) {
    if (done) {
      rest += chunk;
      continue;
    }
    const auto step = decoder.feed(chunk);
    EXPECT_LE(step.consumed, chunk.size());
    EXPECT_EQ(step.done, decoder.done());
    if (!step.done) {
      EXPECT_EQ(step.consumed, chunk.size()) << "a chunk not all consumed before the end";
    }
    if (decoder.too_big()) {
      EXPECT_TRUE(decoder.message().empty()) << "bytes kept after the limit";
    }
    EXPECT_LE(decoder.message().size(), max);
    if (step.done) {
      done = true;
      rest += chunk.substr(step.consumed);
      EXPECT_EQ(decoder.feed("more").consumed, 0u) << "consumes after done";
    }
  }
  if (!done) return "UNTERMINATED:" + decoder.message();
  std::string out = decoder.too_big() ? "TOO BIG:" + std::to_string(decoder.octets()) : decoder.message();
  return out + "|" + rest;
}

std::string grind_decoder(std::string_view input, std::uint64_t max = 1 << 20) {
  return test::grind(input, [&](const std::vector<std::string_view>& chunks) { return run_decoder(chunks, max); });
}

TEST(DotDecoder, SimpleMessage) {
  EXPECT_EQ(grind_decoder("Subject: hi\r\n\r\nbody\r\n.\r\n"), "Subject: hi\r\n\r\nbody\r\n|");
}

TEST(DotDecoder, EmptyMessage) { EXPECT_EQ(grind_decoder(".\r\n"), "|"); }

TEST(DotDecoder, TerminatorSplitAnywhereAndNextCommandsKept) {
  EXPECT_EQ(grind_decoder("a\r\n.\r\nQUIT\r\n"), "a\r\n|QUIT\r\n");
  EXPECT_EQ(grind_decoder("a\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\n"), "a\r\n|MAIL FROM:<>\r\nRCPT TO:<x@y>\r\n");
}

TEST(DotDecoder, LeadingDotsAreUnstuffed) {
  // RFC 5321 §4.5.2: the first dot of a line that has more is removed.
  EXPECT_EQ(grind_decoder("..\r\n...x\r\n.a.b.\r\nx.\r\n.\r\n"), ".\r\n..x\r\na.b.\r\nx.\r\n|");
  EXPECT_EQ(grind_decoder(".. \r\n.\r\n"), ". \r\n|");
}

TEST(DotDecoder, DotInsideALineIsNotATerminator) {
  EXPECT_EQ(grind_decoder("a.\r\nb\r\n.c\r\n.\r\n"), "a.\r\nb\r\nc\r\n|");
  EXPECT_EQ(grind_decoder("x\r\n .\r\n.\r\n"), "x\r\n .\r\n|");
}

TEST(DotDecoder, BareLfBecomesCrlf) {
  EXPECT_EQ(grind_decoder("Subject: x\n\nline one\nline two\n.\n"), "Subject: x\r\n\r\nline one\r\nline two\r\n|");
  EXPECT_EQ(grind_decoder("mixed\r\nends\nhere\r\n.\r\n"), "mixed\r\nends\r\nhere\r\n|");
  EXPECT_EQ(grind_decoder("a\n..b\n.\nNOOP\n"), "a\r\n.b\r\n|NOOP\n");
}

TEST(DotDecoder, BareCrIsKept) {
  EXPECT_EQ(grind_decoder("a\rb\r\n.\r\n"), "a\rb\r\n|");
  EXPECT_EQ(grind_decoder("a\r\r\n.\r\n"), "a\r\r\n|");
  EXPECT_EQ(grind_decoder("\r\r\r\n.\r\n"), "\r\r\r\n|");
  // ".\r" followed by text: a stuffed dot and a bare CR, not the end.
  EXPECT_EQ(grind_decoder(".\rx\r\n.\r\n"), "\rx\r\n|");
  EXPECT_EQ(grind_decoder(".\r\r\n.\r\n"), "\r\r\n|");
}

TEST(DotDecoder, EightBitAndNulBytesAreKept) {
  EXPECT_EQ(grind_decoder("caf\xc3\xa9\0x\r\n.\r\n"s), "caf\xc3\xa9\0x\r\n|"s);
}

TEST(DotDecoder, UnterminatedInputWaitsForMore) {
  EXPECT_EQ(grind_decoder("a\r\n."), "UNTERMINATED:a\r\n");
  EXPECT_EQ(grind_decoder("a\r\n.\r"), "UNTERMINATED:a\r\n");
  EXPECT_EQ(grind_decoder("a\r\n"), "UNTERMINATED:a\r\n");
}

TEST(DotDecoder, TooBigIsCountedToTheTerminator) {
  // 10 bytes decoded ("0123456789" minus nothing) + CRLF = 12 > 10: dropped, read to the end.
  EXPECT_EQ(grind_decoder("0123456789\r\n.\r\nQUIT\r\n", 10), "TOO BIG:12|QUIT\r\n");
  // Exactly at the limit is fine.
  EXPECT_EQ(grind_decoder("01234567\r\n.\r\n", 10), "01234567\r\n|");
  // Stuffed dots do not count; bare LF counts as CRLF.
  EXPECT_EQ(grind_decoder("..234567\n.\n", 10), ".234567\r\n|");
}

TEST(DotDecoder, LargeInputKeepsNoMoreThanTheLimit) {
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "line of text number " + std::to_string(i) + "\r\n";
  DotDecoder decoder(1000);
  auto step = decoder.feed(body + ".\r\n");
  EXPECT_TRUE(step.done);
  EXPECT_TRUE(decoder.too_big());
  EXPECT_EQ(decoder.octets(), body.size());
  EXPECT_TRUE(decoder.message().empty());
  EXPECT_LT(decoder.message().capacity(), 1000u);
}

TEST(DotDecoder, FastPathMatchesByteAtATime) {
  std::string input;
  for (int i = 0; i < 50; ++i) input += (i % 3 ? "." : "") + std::string(static_cast<std::size_t>(i), 'x') + (i % 4 ? "\r\n" : "\n");
  input += ".\r\n";
  const std::string out = grind_decoder(input);
  EXPECT_EQ(out.back(), '|');
  EXPECT_EQ(out.find('.'), std::string::npos);  // every dot here was stuffing
}

}  // namespace
}  // namespace pillarbox::lmtp
