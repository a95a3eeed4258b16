// Fuzzes what a POP3 client sends: bytes -> session::LineFramer (whole and in random chunks) ->
// pop3::parse_command / split_arguments / parse_number, with AUTH lines starting a SASL
// exchange (auth::sasl::ServerExchange) that the following lines feed, as the POP3 session
// drives them; and the same bytes as a message through pop3::DotStuffer and top_part.
//
// Input layout: 2 header bytes, then the client's bytes.
//   [0] max_line_octets class   [1] chunking seed
// Invariants checked:
//   - every step consumes at most what it was given and makes progress; the framer holds at
//     most max_line_octets + 1 bytes;
//   - whole and chunked feeding give the same events and parse results (DESIGN §6 grind);
//   - base64_decode(base64_encode(x)) == x for every line;
//   - a SASL exchange (PLAIN, LOGIN, SCRAM-SHA-256[-PLUS]) that is done yields a non-empty
//     login (LOGIN's password may be empty: verification then fails like any wrong password);
//   - stuffing in chunks equals stuffing whole; the output ends with CRLF "." CRLF, and every
//     line of it that starts with "." starts with ".." (RFC 1939 §3);
//   - top_part is a prefix of the message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sasl.h"
#include "pop3/command.h"
#include "pop3/multiline.h"
#include "session/line_framer.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

namespace sasl = auth::sasl;

std::string describe(const sasl::ServerExchange::Step& step) {
  return "SASL " + std::to_string(static_cast<int>(step.kind)) + " " + step.text;
}

// SCRAM asks for the account's secret after client-first; the fuzzer gives every name the same
// one (RFC 7677's example keys) and a fixed server nonce, so runs stay deterministic.
sasl::ServerExchange::Step answer(sasl::ServerExchange& exchange, sasl::ServerExchange::Step step) {
  static const auth::scram::Secret secret = *auth::scram::derive_secret("pencil", "salt", 4096);
  if (step.kind == sasl::ServerExchange::Step::Kind::need_secret) {
    FUZZ_CHECK(!exchange.login().empty());
    step = exchange.provide_secret(secret, true);
    FUZZ_CHECK(step.kind == sasl::ServerExchange::Step::Kind::challenge);
  }
  return step;
}

// One command line as the session would act on it.
void handle_line(const std::string& line, std::optional<sasl::ServerExchange>& exchange,
                 std::vector<std::string>& events) {
  auto encoded = sasl::base64_encode(line);
  auto decoded = sasl::base64_decode(encoded);
  FUZZ_CHECK(decoded && *decoded == line);
  if (exchange) {
    auto step = answer(*exchange, exchange->next(line));
    if (step.kind == sasl::ServerExchange::Step::Kind::done)
      FUZZ_CHECK(!exchange->login().empty());  // LOGIN may end with an empty password
    events.push_back(describe(step));
    if (step.kind != sasl::ServerExchange::Step::Kind::challenge) exchange.reset();
    return;
  }
  auto command = pop3::parse_command(line);
  if (!command) {
    events.push_back("ERR " + command.error().text);
    return;
  }
  events.push_back("CMD " + command->name);
  auto args = pop3::split_arguments(*command);
  if (!args) return;
  for (const auto& a : *args) {
    auto n = pop3::parse_number(a);
    events.push_back(n ? "N " + std::to_string(*n) : "A " + a);
  }
  if (command->name == "AUTH" && !args->empty()) {
    if (auto mech = sasl::find_mechanism((*args)[0])) {
      exchange.emplace(*mech, sasl::ChannelBindings{true, std::string(32, 'E'), std::string(32, 'S')}, "fuzz-nonce");
      std::optional<std::string_view> initial;
      if (args->size() > 1) initial = (*args)[1];
      auto step = answer(*exchange, exchange->start(initial));
      events.push_back(describe(step));
      if (step.kind != sasl::ServerExchange::Step::Kind::challenge) exchange.reset();
    }
  }
}

std::vector<std::string> run(std::size_t max_line, const std::vector<std::string_view>& reads) {
  std::vector<std::string> events;
  session::LineFramer framer(max_line);
  std::optional<sasl::ServerExchange> exchange;
  for (std::string_view in : reads) {
    while (!in.empty()) {
      auto step = framer.feed(in);
      FUZZ_CHECK(step.consumed <= in.size());
      FUZZ_CHECK(framer.buffered() <= max_line + 1);
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
      FUZZ_CHECK(line.size() <= max_line);
      handle_line(line, exchange, events);
    }
  }
  return events;
}

std::string stuff(const std::vector<std::string_view>& chunks) {
  pop3::DotStuffer stuffer;
  std::string out;
  for (auto c : chunks) stuffer.append(out, c);
  stuffer.finish(out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_line = 4 + data[0];
  std::uint32_t seed = data[1] | 1u;
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<std::string_view> chunks;
  for (std::size_t pos = 0; pos < input.size();) {
    seed = seed * 1103515245u + 12345u;
    std::size_t n = 1 + (seed >> 16) % 7;
    if (n > input.size() - pos) n = input.size() - pos;
    chunks.push_back(input.substr(pos, n));
    pos += n;
  }
  FUZZ_CHECK(run(max_line, chunks) == run(max_line, {input}));

  const std::string whole = stuff({input});
  FUZZ_CHECK(stuff(chunks) == whole);
  FUZZ_CHECK(whole.size() >= 3 && whole.ends_with(".\r\n"));
  FUZZ_CHECK(whole.size() == 3 || whole.ends_with("\r\n.\r\n"));
  std::string_view body(whole.data(), whole.size() - 3);
  for (std::size_t start = 0; start < body.size();) {
    std::size_t end = body.find("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view l = body.substr(start, end - start);
    if (l.starts_with(".")) FUZZ_CHECK(l.starts_with(".."));
    start = end + 2;
  }
  for (std::uint64_t lines : {0u, 1u, 3u}) {
    std::string_view top = pop3::top_part(input, lines);
    FUZZ_CHECK(input.starts_with(top));
  }
  return 0;
}
