#include "session/line_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/grind.h"

namespace pillarbox::session {
namespace {

using V = std::vector<std::string>;

// One entry per event: "L:<line>" or "LONG".
V run_framer(const std::vector<std::string_view>& chunks, std::size_t max) {
  LineFramer framer(max);
  V out;
  for (std::string_view chunk : chunks) {
    while (!chunk.empty()) {
      const auto step = framer.feed(chunk);
      EXPECT_LE(step.consumed, chunk.size());
      EXPECT_LE(framer.buffered(), max + 1);
      chunk.remove_prefix(step.consumed);
      if (step.event == LineFramer::Event::line) out.push_back("L:" + framer.take_line());
      if (step.event == LineFramer::Event::too_long) out.push_back("LONG");
      if (step.event == LineFramer::Event::need_more) {
        EXPECT_TRUE(chunk.empty());
      }
    }
  }
  return out;
}

V grind_framer(std::string_view input, std::size_t max = 64) {
  return test::grind(input, [&](const std::vector<std::string_view>& chunks) { return run_framer(chunks, max); });
}

TEST(LineFramer, CrlfAndBareLf) {
  EXPECT_EQ(grind_framer("LHLO x\r\nNOOP\nQUIT\r\n"), (V{"L:LHLO x", "L:NOOP", "L:QUIT"}));
}

TEST(LineFramer, EmptyLines) { EXPECT_EQ(grind_framer("\r\n\n"), (V{"L:", "L:"})); }

TEST(LineFramer, BareCrStaysInTheLine) {
  EXPECT_EQ(grind_framer("NO\rOP\r\n"), (V{"L:NO\rOP"}));
  EXPECT_EQ(grind_framer("NOOP\r\r\n"), (V{"L:NOOP\r"}));
}

TEST(LineFramer, PartialLineIsHeld) { EXPECT_EQ(grind_framer("NOOP\r\nRSE"), (V{"L:NOOP"})); }

TEST(LineFramer, LimitIsOnTheLineWithoutItsEnd) {
  const std::string at(8, 'a');
  const std::string over(9, 'a');
  EXPECT_EQ(grind_framer(at + "\r\n" + at + "\n", 8), (V{"L:" + at, "L:" + at}));
  EXPECT_EQ(grind_framer(over + "\r\nNOOP\r\n", 8), (V{"LONG", "L:NOOP"}));
  EXPECT_EQ(grind_framer(over + "\nNOOP\n", 8), (V{"LONG", "L:NOOP"}));
}

TEST(LineFramer, VeryLongLineIsSkippedNotStored) {
  const std::string input = std::string(10000, 'x') + "\r\nQUIT\r\n";
  LineFramer framer(100);
  std::size_t pos = 0;
  V out;
  while (pos < input.size()) {
    auto step = framer.feed(std::string_view(input).substr(pos, 7));
    EXPECT_LE(framer.buffered(), 101u);
    pos += step.consumed;
    if (step.event == LineFramer::Event::line) out.push_back(framer.take_line());
    if (step.event == LineFramer::Event::too_long) out.push_back("LONG");
  }
  EXPECT_EQ(out, (V{"LONG", "QUIT"}));
}

TEST(LineFramer, ResetForgetsThePartialLine) {
  LineFramer framer(100);
  EXPECT_EQ(framer.feed("STAT").event, LineFramer::Event::need_more);
  framer.reset();
  EXPECT_EQ(framer.feed("CAPA\r\n").event, LineFramer::Event::line);
  EXPECT_EQ(framer.take_line(), "CAPA");
}

TEST(LineFramer, NulAndBareCrStayForTheParserToRefuse) {
  using namespace std::string_literals;
  EXPECT_EQ(grind_framer("NO\rOP\r\nA\0B\r\n\r\r\n"s), (V{"L:NO\rOP", "L:A\0B"s, "L:\r"}));
}

}  // namespace
}  // namespace pillarbox::session
