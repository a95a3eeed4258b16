#include "pop3/multiline.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/grind.h"

namespace pillarbox::pop3 {
namespace {

std::string stuff(const std::vector<std::string_view>& chunks) {
  DotStuffer s;
  std::string out;
  for (auto c : chunks) s.append(out, c);
  s.finish(out);
  return out;
}

std::string stuffed(std::string_view in) {
  return test::grind(in, [](const auto& c) { return stuff(c); });
}

/// What a client does (RFC 1939 §3): lines up to ".", one leading "." removed.
std::string unstuff(std::string_view wire) {
  std::string out;
  while (!wire.empty()) {
    auto crlf = wire.find("\r\n");
    EXPECT_NE(crlf, std::string_view::npos);
    std::string_view line = wire.substr(0, crlf);
    wire.remove_prefix(crlf + 2);
    if (line == ".") {
      EXPECT_TRUE(wire.empty());
      break;
    }
    if (line.starts_with(".")) line.remove_prefix(1);
    out.append(line);
    out += "\r\n";
  }
  return out;
}

TEST(Pop3DotStuffer, PlainMessage) {
  EXPECT_EQ(stuffed("Subject: x\r\n\r\nbody\r\n"), "Subject: x\r\n\r\nbody\r\n.\r\n");
}

TEST(Pop3DotStuffer, LinesStartingWithADot) {
  const std::string msg = ".first\r\nSubject: x\r\n\r\n.\r\n..\r\n.hidden\r\nmid.dle\r\n. \r\n";
  const std::string out = stuffed(msg);
  EXPECT_EQ(out, "..first\r\nSubject: x\r\n\r\n..\r\n...\r\n..hidden\r\nmid.dle\r\n.. \r\n.\r\n");
  EXPECT_EQ(unstuff(out), msg);
}

TEST(Pop3DotStuffer, EmptyMessageAndMissingFinalCrlf) {
  EXPECT_EQ(stuffed(""), ".\r\n");
  EXPECT_EQ(stuffed("abc"), "abc\r\n.\r\n");
  EXPECT_EQ(stuffed("."), "..\r\n.\r\n");
  EXPECT_EQ(stuffed("abc\r"), "abc\r\n.\r\n");
}

TEST(Pop3DotStuffer, BareLfBecomesCrlf) {
  EXPECT_EQ(stuffed("a\n.b\n\nc"), "a\r\n..b\r\n\r\nc\r\n.\r\n");
  EXPECT_EQ(stuffed("a\r\n\n.\n"), "a\r\n\r\n..\r\n.\r\n");
}

TEST(Pop3DotStuffer, BareCrIsNotALineStart) {
  EXPECT_EQ(stuffed("a\r.b\r\n"), "a\r.b\r\n.\r\n");
}

TEST(Pop3DotStuffer, ReusableAfterFinish) {
  DotStuffer s;
  std::string out;
  s.append(out, "x");
  s.finish(out);
  s.append(out, ".y\r\n");
  s.finish(out);
  EXPECT_EQ(out, "x\r\n.\r\n..y\r\n.\r\n");
}

// What a client gets back for `in` (CRLF line ends, the last line ended), the property the
// random test checks.
std::string served(std::string_view in) {
  std::string out;
  char prev = 0;
  for (char c : in) {
    if (c == '\n' && prev != '\r') out += '\r';
    out += c;
    prev = c;
  }
  if (!out.empty() && out.back() != '\n') out += out.back() == '\r' ? "\n" : "\r\n";
  return out;
}

TEST(Pop3DotStuffer, RandomMessagesRoundTrip) {
  std::mt19937 rng(1939);
  const char alphabet[] = {'.', '.', '\r', '\n', '\n', 'a', ' ', '\0'};
  for (int round = 0; round < 3000; ++round) {
    std::string msg(rng() % 40, 'x');
    for (char& c : msg) c = alphabet[rng() % sizeof alphabet];
    const std::string wire = stuff({msg});
    const std::size_t cut = msg.empty() ? 0 : rng() % msg.size();
    ASSERT_EQ(stuff({std::string_view(msg).substr(0, cut), std::string_view(msg).substr(cut)}), wire);
    // Every LF on the wire ends a CRLF, and only the last line is ".".
    for (std::size_t i = 0; i < wire.size(); ++i) {
      if (wire[i] == '\n') {
        ASSERT_TRUE(i > 0 && wire[i - 1] == '\r');
      }
    }
    ASSERT_EQ(wire.find("\r\n.\r\n"), wire.size() >= 5 ? wire.size() - 5 : std::string::npos);
    ASSERT_EQ(unstuff(wire), served(msg));
    for (std::uint64_t n : {0u, 1u, 2u, 100u}) {
      auto top = top_part(msg, n);
      ASSERT_EQ(std::string_view(msg).substr(0, top.size()), top);
    }
  }
}

TEST(Pop3TopPart, HeaderBlankLineAndBodyLines) {
  const std::string msg = "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n";
  EXPECT_EQ(top_part(msg, 0), "A: 1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(top_part(msg, 1), "A: 1\r\nB: 2\r\n\r\nl1\r\n");
  EXPECT_EQ(top_part(msg, 2), "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n");
  EXPECT_EQ(top_part(msg, 3), msg);
  EXPECT_EQ(top_part(msg, 4), msg);
  EXPECT_EQ(top_part(msg, ~std::uint64_t{0}), msg);
}

TEST(Pop3TopPart, OddMessages) {
  EXPECT_EQ(top_part("A: 1\r\nB: 2\r\n", 5), "A: 1\r\nB: 2\r\n");        // no body at all
  EXPECT_EQ(top_part("\r\nbody\r\nmore\r\n", 1), "\r\nbody\r\n");          // empty header
  EXPECT_EQ(top_part("A: 1\r\n\r\nno final crlf", 0), "A: 1\r\n\r\n");
  EXPECT_EQ(top_part("A: 1\r\n\r\nno final crlf", 1), "A: 1\r\n\r\nno final crlf");
  EXPECT_EQ(top_part("", 3), "");
  EXPECT_EQ(top_part("A: 1\r\n\r\n\r\n\r\nx\r\n", 2), "A: 1\r\n\r\n\r\n\r\n");  // empty body lines count
}

}  // namespace
}  // namespace pillarbox::pop3
