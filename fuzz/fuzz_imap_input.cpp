// Fuzzes what an IMAP client sends: bytes -> imap::Framer (in chunks) -> imap::Parser, driven
// the way the session and the command handlers drive them (session.cpp, commands/*.cpp).
//
// Input layout: 5 header bytes, then the client's bytes.
//   [0] max_line_octets   [1] max_literal_octets   [2] max_literals   (small, or the defaults)
//   [3] chunk size class and seed   [4] seed
// Invariants checked:
//   - every step consumes at most what it was given, and makes progress (an event consumes at
//     least its LF; need_more consumes everything);
//   - buffered() never exceeds max_line_octets plus the literals it may accept;
//   - after broken(), everything is swallowed and nothing more is reported;
//   - feeding the whole input and feeding it in random chunks give the same events, commands,
//     tags and literal sizes (the DESIGN §6 grind property);
//   - the parser's rest() is always a suffix of the command.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imap/command_args.h"
#include "imap/commands/list_options.h"
#include "imap/framer.h"
#include "imap/list_match.h"
#include "imap/parser.h"
#include "imap/types.h"
#include "mail/message.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

struct Record {
  imap::Framer::Event event;
  std::string text;   // the command, or the tag for an error event
  std::uint64_t literal_size;
  bool broken;
  bool operator==(const Record&) const = default;
};

imap::FramerLimits limits_from(const std::uint8_t* h) {
  imap::FramerLimits l;
  if (h[0] < 0xf0) l.max_line_octets = 4 + h[0] * 2;
  if (h[1] < 0xf0) l.max_literal_octets = h[1];
  if (h[2] < 0xf0) l.max_literals = h[2] % 8;
  return l;
}

// The most a framer with these limits may hold for one command.
std::uint64_t buffer_bound(const imap::FramerLimits& l) {
  const std::uint64_t literals =
      l.max_literals > 64 ? 64 : static_cast<std::uint64_t>(l.max_literals);
  const std::uint64_t lit = l.max_literal_octets > (1u << 20) ? (1u << 20) : l.max_literal_octets;
  return l.max_line_octets + literals * lit;
}

// Runs the framer over `input`, split into chunks by `next_chunk` (0 = all that is left).
template <typename NextChunk>
std::vector<Record> frame(std::string_view input, const imap::FramerLimits& limits,
                          NextChunk next_chunk) {
  imap::Framer framer(limits);
  std::vector<Record> out;
  const std::uint64_t bound = buffer_bound(limits);
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t n = next_chunk();
    if (n == 0 || n > input.size() - pos) n = input.size() - pos;
    std::string_view chunk = input.substr(pos, n);
    pos += n;
    while (true) {
      const bool was_broken = framer.broken();
      const auto step = framer.feed(chunk);
      FUZZ_CHECK(step.consumed <= chunk.size());
      FUZZ_CHECK(framer.buffered() <= bound);
      if (was_broken) {
        FUZZ_CHECK(step.event == imap::Framer::Event::need_more);
        FUZZ_CHECK(framer.broken());
      }
      if (step.event == imap::Framer::Event::need_more) {
        FUZZ_CHECK(step.consumed == chunk.size());
        break;
      }
      FUZZ_CHECK(step.consumed > 0);
      chunk.remove_prefix(step.consumed);
      Record r{step.event, {}, framer.literal_size(), framer.broken()};
      if (step.event == imap::Framer::Event::command) {
        r.text = framer.take_command();
        FUZZ_CHECK(framer.buffered() == 0);
      } else if (step.event != imap::Framer::Event::continuation) {
        r.text = framer.tag();
      }
      out.push_back(std::move(r));
      if (chunk.empty()) break;
    }
  }
  return out;
}

const mail::Message& sample_message() {
  static const mail::Message m(std::make_shared<const std::string>(mail::to_crlf(
      "From: A <a@example.org>\nTo: b@example.org\nSubject: =?utf-8?q?caf=C3=A9?= test\n"
      "Date: Mon, 7 Feb 1994 21:52:25 -0800\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=xx\n\n--xx\nContent-Type: text/plain\n\n"
      "hello\n--xx\nContent-Type: message/rfc822\n\nSubject: inner\n\nbody\n"
      "--xx\nContent-Type: text/html; charset=latin1\nContent-Transfer-Encoding: base64\n\n"
      "PGI+aGk8L2I+\n--xx--\n")));
  return m;
}

void use_search_key(const imap::SearchKey& key, int depth) {
  FUZZ_CHECK(depth <= imap::Parser::kMaxDepth + 2);
  if (key.kind == imap::SearchKey::Kind::sequence_set ||
      key.kind == imap::SearchKey::Kind::uid_set) {
    (void)key.set.resolve(100);
  }
  const auto& sk = key.store_key;
  const auto& m = sample_message();
  using K = store::SearchKey::Kind;
  if (sk.kind == K::header) (void)m.header_contains(sk.field, sk.value);
  if (sk.kind == K::body) (void)m.body_contains(sk.value);
  if (sk.kind == K::text) (void)m.text_contains(sk.value);
  for (const auto& c : key.children) use_search_key(c, depth + 1);
}

void check_rest(const imap::Parser& p, std::string_view command) {
  const auto rest = p.rest();
  FUZZ_CHECK(rest.size() <= command.size());
  FUZZ_CHECK(rest.data() + rest.size() == command.data() + command.size());
}

// What session.cpp and the command handlers do with one command.
void parse_command(std::string_view command) {
  imap::Parser p(command);
  std::string tag = p.tag();
  if (!p.ok()) return;
  FUZZ_CHECK(!tag.empty());
  p.space();
  std::string name = p.keyword();
  if (p.ok() && name == "UID") {
    p.space();
    name = p.keyword();
  }
  if (!p.ok()) return;
  if (!p.at_end()) {
    p.space();
    if (p.ok() && p.at_end()) p.fail("Unexpected space at the end of the command");
  }
  check_rest(p, command);
  if (name == "AUTHENTICATE") {
    (void)p.keyword();
    if (p.ok() && !p.at_end()) {
      p.space();
      (void)p.atom();
    }
  } else if (name == "LOGIN") {
    (void)p.astring();
    p.space();
    (void)p.astring();
  } else if (name == "SELECT" || name == "EXAMINE") {
    (void)p.mailbox();
    const auto params = imap::parse_select_params(p);
    if (p.ok() && params.qresync) {
      FUZZ_CHECK(params.qresync->uid_validity > 0 && params.qresync->modseq > 0);
      if (params.qresync->known_uids) {
        FUZZ_CHECK(!params.qresync->known_uids->saved);
        (void)params.qresync->known_uids->resolve(100);
      }
    }
  } else if (name == "CREATE" || name == "DELETE" || name == "SUBSCRIBE" || name == "UNSUBSCRIBE" ||
             name == "GETQUOTAROOT") {
    (void)p.mailbox();
  } else if (name == "GETQUOTA") {
    (void)p.astring();
  } else if (name == "SETQUOTA") {
    std::string root;
    for (const auto& limit : imap::parse_setquota_args(p, root)) FUZZ_CHECK(!limit.resource.empty());
  } else if (name == "ID") {
    const auto params = imap::parse_id_params(p);
    if (p.ok() && params) {
      FUZZ_CHECK(params->size() <= imap::kIdMaxPairs);
      for (const auto& param : *params) FUZZ_CHECK(param.field.size() <= imap::kIdMaxFieldOctets);
    }
  } else if (name == "ENABLE") {
    const auto names = imap::parse_enable_args(p);
    if (p.ok()) FUZZ_CHECK(!names.empty());
  } else if (name == "RENAME") {
    (void)p.mailbox();
    p.space();
    (void)p.mailbox();
  } else if (name == "LIST" || name == "LSUB") {
    imap::ListLimits limits;
    limits.max_patterns = 4;
    limits.max_pattern_octets = 64;
    const auto args = imap::parse_list_arguments(p, name == "LSUB", limits);
    if (p.ok()) {
      FUZZ_CHECK(!args.patterns.empty() && args.patterns.size() <= limits.max_patterns);
      FUZZ_CHECK(args.reference.size() <= limits.max_pattern_octets);
      FUZZ_CHECK(!args.recursive_match || args.select_subscribed);
      for (const auto& pattern : args.patterns) {
        FUZZ_CHECK(pattern.size() <= limits.max_pattern_octets);
        (void)imap::list_match(pattern, args.reference);
        (void)imap::list_match(pattern, "INBOX/Sent/2024");
        (void)imap::list_match(args.reference, pattern);
      }
    }
  } else if (name == "STATUS") {
    (void)p.mailbox();
    p.space();
    const auto items = imap::parse_status_items(p);
    if (p.ok()) FUZZ_CHECK(!items.empty());
  } else if (name == "APPEND") {
    (void)p.mailbox();
    p.space();
    if (p.ok() && !p.rest().empty() && p.rest().front() == '(') {
      (void)p.flag_list();
      p.space();
    }
    if (p.ok() && !p.rest().empty() && p.rest().front() == '"') {
      (void)p.date_time();
      p.space();
    }
    bool literal8 = false;
    if (p.ok()) {
      const std::string content = p.append_data(&literal8);
      if (p.ok() && !content.empty()) {
        mail::Message m(std::make_shared<const std::string>(mail::to_crlf(content)));
        (void)m.envelope();
        (void)m.body_structure(true);
      }
    }
  } else if (name == "COMPRESS") {
    (void)p.atom();
  } else if (name == "FETCH") {
    const auto set = p.sequence_set();
    p.space();
    const auto atts = p.fetch_attributes();
    const auto modifiers = imap::parse_fetch_modifiers(p);
    if (p.ok() && modifiers.changed_since) FUZZ_CHECK(*modifiers.changed_since > 0);
    if (p.ok()) {
      FUZZ_CHECK(set.saved != !set.ranges.empty());  // "$" (RFC 5182) has no ranges of its own
      FUZZ_CHECK(!atts.empty());
      (void)set.resolve(7);
      for (const auto& a : atts) {
        if (a.kind == imap::FetchAttribute::Kind::body_section) {
          FUZZ_CHECK(!a.response_name.empty());
          (void)sample_message().section(a.section);
        }
        if (a.kind == imap::FetchAttribute::Kind::binary_section || a.kind == imap::FetchAttribute::Kind::binary_size) {
          // RFC 3516: part numbers only; decoded content is never longer than the message.
          FUZZ_CHECK(a.response_name.starts_with("BINARY"));
          FUZZ_CHECK(a.section.text == mail::Section::Text::none);
          const auto decoded = sample_message().binary(a.section.part);
          FUZZ_CHECK(decoded.data().size() <= sample_message().bytes().size());
          FUZZ_CHECK(sample_message().binary_size(a.section.part).size == decoded.data().size());
        }
      }
    }
  } else if (name == "STORE") {
    (void)p.sequence_set();
    p.space();
    const auto unchanged_since = imap::parse_store_modifiers(p);
    if (p.ok() && unchanged_since) FUZZ_CHECK(*unchanged_since < (std::uint64_t{1} << 63));
    (void)p.keyword();
    p.space();
    (void)p.store_flags();
  } else if (name == "EXPUNGE") {  // UID EXPUNGE (RFC 4315)
    if (!p.at_end()) (void)p.sequence_set();
  } else if (name == "COPY" || name == "MOVE") {
    (void)p.sequence_set();
    p.space();
    (void)p.mailbox();
  } else if (name == "SEARCH") {
    (void)imap::parse_search_return(p);
    std::string charset;
    const auto program = p.search_program(&charset);
    if (p.ok()) use_search_key(program, 0);
  } else {
    // Not a command name: exercise the remaining primitives on the arguments.
    const auto pick = name.empty() ? 0 : static_cast<unsigned char>(name[0]) % 8;
    switch (pick) {
      case 0: (void)p.nstring(); break;
      case 1: (void)p.date(); break;
      case 2: (void)p.number64(); break;
      case 3: (void)p.nz_number(); break;
      case 4: (void)p.search_key(); break;
      case 5: (void)p.string(); break;
      case 6: (void)p.flag_list(); break;
      default: (void)p.list_mailbox(); break;
    }
  }
  check_rest(p, command);
  p.end();
  check_rest(p, command);
  if (!p.ok()) FUZZ_CHECK(!p.error().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const imap::FramerLimits limits = limits_from(data);
  static constexpr std::size_t kChunkMax[] = {1, 2, 3, 5, 8, 16, 64, 4096};
  const std::size_t chunk_max = kChunkMax[data[3] & 7];
  std::uint32_t seed = (static_cast<std::uint32_t>(data[3]) << 8 | data[4]) * 2654435761u | 1u;
  const std::string_view input(reinterpret_cast<const char*>(data) + 5, size - 5);

  const auto whole = frame(input, limits, [] { return std::size_t{0}; });
  const auto chunked = frame(input, limits, [&] {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return 1 + seed % chunk_max;
  });
  FUZZ_CHECK(whole == chunked);

  for (const auto& r : whole) {
    if (r.event == imap::Framer::Event::command) parse_command(r.text);
  }
  return 0;
}
