// Fuzzes what an MTA sends over LMTP: bytes -> session::LineFramer for commands, switching to
// lmtp::DotDecoder after a DATA line, as session.cpp drives them; each command line goes through
// split_command / parse_mail / parse_rcpt.
//
// Input layout: 3 header bytes, then the client's bytes.
//   [0] max_line_octets class   [1] max_message_octets class   [2] chunking seed
// Invariants checked:
//   - every step consumes at most what it was given and makes progress;
//   - the framer never holds more than max_line_octets + 1 bytes, the decoder never keeps a
//     message over max_message_octets;
//   - a decoded message never holds a bare LF (every line end is CRLF);
//   - feeding the whole input and feeding it in random chunks give the same events, lines and
//     messages (the DESIGN §6 grind property).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lmtp/command.h"
#include "lmtp/dot_decoder.h"
#include "session/line_framer.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

struct Limits {
  std::size_t line;
  std::uint64_t message;
};

// What the session would act on: a command line, an over-long line, or a whole message.
std::vector<std::string> run(const Limits& limits, const std::vector<std::string_view>& reads) {
  std::vector<std::string> events;
  session::LineFramer framer(limits.line);
  std::optional<lmtp::DotDecoder> data;
  for (std::string_view in : reads) {
    while (!in.empty()) {
      if (data) {
        auto step = data->feed(in);
        FUZZ_CHECK(step.consumed <= in.size());
        FUZZ_CHECK(step.done || step.consumed == in.size());
        FUZZ_CHECK(data->message().size() <= limits.message);
        in.remove_prefix(step.consumed);
        if (!step.done) break;
        const std::string& m = data->message();
        for (std::size_t i = 0; i < m.size(); ++i) {
          if (m[i] == '\n') FUZZ_CHECK(i > 0 && m[i - 1] == '\r');
        }
        events.push_back(data->too_big() ? "BIG " + std::to_string(data->octets()) : "MSG " + m);
        data.reset();
        continue;
      }
      auto step = framer.feed(in);
      FUZZ_CHECK(step.consumed <= in.size());
      FUZZ_CHECK(framer.buffered() <= limits.line + 1);
      in.remove_prefix(step.consumed);
      if (step.event == session::LineFramer::Event::need_more) {
        FUZZ_CHECK(in.empty());
        break;
      }
      FUZZ_CHECK(step.consumed > 0);
      if (step.event == session::LineFramer::Event::too_long) {
        events.push_back("LONG");
        continue;
      }
      std::string line = framer.take_line();
      FUZZ_CHECK(line.size() <= limits.line);
      events.push_back("LINE " + line);
      if (lmtp::has_control_characters(line)) continue;
      auto cmd = lmtp::split_command(line);
      if (cmd.verb == lmtp::Verb::mail) {
        lmtp::MailArgs args;
        if (!lmtp::parse_mail(cmd.argument, args)) events.push_back("FROM " + args.reverse_path);
      } else if (cmd.verb == lmtp::Verb::rcpt) {
        lmtp::RcptArgs args;
        if (!lmtp::parse_rcpt(cmd.argument, args)) {
          FUZZ_CHECK(!args.forward_path.empty());
          events.push_back("TO " + args.forward_path);
        }
      } else if (cmd.verb == lmtp::Verb::data && cmd.argument.empty()) {
        data.emplace(limits.message);
      }
    }
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const Limits limits{static_cast<std::size_t>(8 + data[0]), static_cast<std::uint64_t>(16 + data[1] * 4)};
  std::uint32_t seed = data[2] | 1u;
  std::string_view input(reinterpret_cast<const char*>(data + 3), size - 3);

  const auto whole = run(limits, {input});
  std::vector<std::string_view> chunks;
  for (std::size_t pos = 0; pos < input.size();) {
    seed = seed * 1103515245u + 12345u;
    std::size_t n = 1 + (seed >> 16) % 7;
    if (n > input.size() - pos) n = input.size() - pos;
    chunks.push_back(input.substr(pos, n));
    pos += n;
  }
  FUZZ_CHECK(run(limits, chunks) == whole);
  return 0;
}
