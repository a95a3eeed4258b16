// Fuzzes the search program end to end: bytes -> the arguments of an IMAP SEARCH command,
// parsed as commands/search.cpp parses them (parse_search_return, Parser::search_program, end)
// -> imap::SearchKey -> store::SearchKey, resolved against a small made-up mailbox view by
// imap::to_store_key as search.cpp does (sequence sets, UID sets, "$", RECENT/NEW/OLD), with
// store::use_private_seen for a private \Seen ->
// store::search_matches (store/search_eval.h) on every message of the view, with the message
// content from the second part of the input, plus search_bound, search_needs_content and
// search_needs_body as the SQLite store uses them.
//
// Input layout: 5 header bytes, then the SEARCH arguments (what follows "SEARCH SP", with
// literals inline as "{N}\r\n" + N bytes), then, after the first NUL, the message (stored form:
// to_crlf is applied). Without a NUL a fixed sample message is used.
//   [0] bits 0-2: messages in the view - 1; bit 3: UID SEARCH (only changes the echo);
//       bit 4: the reader has a private \Seen (RFC 4314 shared mailboxes)
//   [1..4] seed for the view: UIDs, flags, keywords, sizes, dates, MODSEQs, \Recent, "$"
// Invariants checked, for every message of the view:
//   - the loader is called at most once per evaluation, and never when search_needs_content
//     is false; with a loader returning nullptr evaluation does not crash, and gives the same
//     answer when no content is needed;
//   - NOT NOT k == k; k OR k == k; k AND k == k; k AND ALL == k; k OR NOT k is true; k AND
//     NOT k is false;
//   - evaluating AND/OR children in order, every leaf through search_matches on its own,
//     gives the same answer (the evaluator's cheap-keys-first reordering changes nothing);
//   - a message whose UID is outside search_bound never matches (also a made-up one just
//     outside the bound);
//   - when search_needs_body is false, the message's header block alone (header_of, as the
//     store's header cache holds it) gives the same answer as the whole message;
//   - the private-\Seen rewrite (store::use_private_seen, as search.cpp applies it) answers as the plain program
//     does on flags whose \Seen is the reader's;
//   - a TEXT/BODY key the full-text index would answer (store/sqlite: folded needle of at
//     least 3 characters without LF) finds the message in search_text() exactly when
//     text_contains/body_contains does;
//   - day_number is the floor of the local time in days;
//   - RETURN (MIN/MAX) keeps a subset of the matches.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/command_args.h"
#include "imap/parser.h"
#include "imap/search_scope.h"
#include "imap/types.h"
#include "mail/message.h"
#include "store/search_eval.h"
#include "store/types.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

using K = store::SearchKey::Kind;

constexpr const char* kSample =
    "From: A <a@example.org>\nTo: b@example.org\nSubject: =?utf-8?q?caf=C3=A9?= test\n"
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=xx\n\n--xx\nContent-Type: text/plain\n\n"
    "hello Stra\xc3\x9f" "e\n--xx\nContent-Type: message/rfc822\n\nSubject: inner\n\nbody\n"
    "--xx\nContent-Type: text/html; charset=latin1\nContent-Transfer-Encoding: base64\n\n"
    "PGI+aGk8L2I+\n--xx--\n";

constexpr const char* kKeywords[] = {"$Forwarded", "Junk", "work"};

struct Rng {
  std::uint32_t s;
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

// A made-up selected view: its messages and the session state SEARCH resolves against.
struct View {
  std::vector<store::MessageMeta> metas;  // in sequence order, UIDs ascending
  store::UidSet recent;
  store::UidSet saved_search;
  std::optional<store::UidSet> private_seen;

  std::vector<store::Uid> uids;           // metas' UIDs, as imap::SearchScope takes them
};

View make_view(std::uint8_t options, Rng& rng, std::uint64_t message_size) {
  View v;
  const std::size_t n = 1 + (options & 7);
  store::Uid uid = 1 + rng.next() % 5;
  for (std::size_t i = 0; i < n; ++i) {
    store::MessageMeta m;
    m.uid = uid;
    uid += 1 + rng.next() % 3;
    const std::uint32_t r = rng.next();
    m.flags.system = r & 31;
    for (int k = 0; k < 3; ++k)
      if (r & (32u << k)) m.flags.add_keyword(kKeywords[k]);
    m.modseq = 1 + rng.next() % 20;
    switch (rng.next() % 4) {
      case 0: m.size = message_size; break;
      case 1: m.size = 0; break;
      case 2: m.size = std::uint64_t{1} << 40; break;
      default: m.size = rng.next() % 2000; break;
    }
    // Dates around 1994..2005 and before 1970; zones -12:00..+14:00.
    m.internal_date = static_cast<std::int64_t>(rng.next() % 1'200'000'000) - 200'000'000;
    m.internal_date_tz = static_cast<std::int32_t>(rng.next() % 1561) - 720;
    if (r & 0x100) v.recent.add(m.uid);
    if (r & 0x200) v.saved_search.add(m.uid);
    v.uids.push_back(m.uid);
    v.metas.push_back(std::move(m));
  }
  if (options & 0x10) {
    v.private_seen.emplace();
    for (const auto& m : v.metas)
      if (rng.next() & 1) v.private_seen->add(m.uid);
  }
  return v;
}

// The program's shape as to_store_key keeps it: NOT has one child, OR two, a store key none.
void check_shape(const imap::SearchKey& key) {
  if (key.kind == imap::SearchKey::Kind::store) FUZZ_CHECK(key.children.empty());
  if (key.kind == imap::SearchKey::Kind::not_) FUZZ_CHECK(key.children.size() == 1);
  if (key.kind == imap::SearchKey::Kind::or_) FUZZ_CHECK(key.children.size() == 2);
  for (const auto& c : key.children) check_shape(c);
}

store::SearchKey junction(K kind, std::vector<store::SearchKey> children) {
  store::SearchKey k;
  k.kind = kind;
  k.children = std::move(children);
  return k;
}

store::SearchKey negate(store::SearchKey k) { return junction(K::not_, {std::move(k)}); }

// A loader that counts its calls.
struct Loader {
  const mail::Message* message;
  int calls = 0;
  store::MessageLoader fn() {
    return [this]() -> const mail::Message* {
      ++calls;
      return message;
    };
  }
};

bool eval(const store::SearchKey& k, const store::MessageMeta& m, const mail::Message* message) {
  Loader l{message};
  const bool r = store::search_matches(k, m, l.fn());
  FUZZ_CHECK(l.calls <= 1);
  if (!store::search_needs_content(k)) FUZZ_CHECK(l.calls == 0);
  return r;
}

// AND/OR/NOT evaluated in order, each leaf by search_matches alone.
bool naive(const store::SearchKey& k, const store::MessageMeta& m, const mail::Message* message) {
  switch (k.kind) {
    case K::and_:
      for (const auto& c : k.children)
        if (!naive(c, m, message)) return false;
      return true;
    case K::or_:
      for (const auto& c : k.children)
        if (naive(c, m, message)) return true;
      return false;
    case K::not_: return k.children.empty() ? false : !naive(k.children[0], m, message);
    default: return eval(k, m, message);
  }
}

// The full-text index's answer (store/sqlite text_index_query, answer_from_text_index) for
// TEXT and BODY keys it would take, checked against the evaluator's.
void check_index(const store::SearchKey& k, const mail::Message& message,
                 const mail::Message::SearchText& text) {
  if (k.kind == K::text || k.kind == K::body) {
    const std::string needle = mail::fold_case(k.value);
    std::size_t chars = 0;
    for (const char c : needle) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (needle.find('\n') == std::string::npos && chars >= 3) {
      auto in = [&needle](const std::string& t) { return t.find(needle) != std::string::npos; };
      if (k.kind == K::body) {
        FUZZ_CHECK(in(text.body) == message.body_contains(k.value));
      } else {
        FUZZ_CHECK((in(text.header) || in(text.body) || in(text.part_headers)) ==
                   message.text_contains(k.value));
      }
    }
  }
  for (const auto& c : k.children) check_index(c, message, text);
}

bool has_text_key(const store::SearchKey& k) {
  if (k.kind == K::text || k.kind == K::body) return true;
  for (const auto& c : k.children)
    if (has_text_key(c)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const std::uint8_t options = data[0];
  Rng rng{(static_cast<std::uint32_t>(data[1]) << 24 | static_cast<std::uint32_t>(data[2]) << 16 |
           static_cast<std::uint32_t>(data[3]) << 8 | data[4]) | 1u};
  std::string_view input(reinterpret_cast<const char*>(data) + 5, size - 5);
  std::string_view raw = kSample;
  if (const auto nul = input.find('\0'); nul != std::string_view::npos) {
    raw = input.substr(nul + 1);
    input = input.substr(0, nul);
  }

  // The command as the session hands it to the handler (tag, name, then the arguments).
  const std::string command = std::string(options & 8 ? "t UID SEARCH " : "t SEARCH ") + std::string(input);
  imap::Parser p(command);
  (void)p.tag();
  p.space();
  if (p.keyword() == "UID") {
    p.space();
    (void)p.keyword();
  }
  p.space();
  FUZZ_CHECK(p.ok());
  const imap::SearchReturn ret = imap::parse_search_return(p);
  std::string charset;
  const imap::SearchKey program = p.search_program(&charset);
  p.end();
  if (!p.ok()) {
    FUZZ_CHECK(!p.error().empty());
    return 0;
  }
  for (const char c : charset) FUZZ_CHECK(!(c >= 'a' && c <= 'z'));

  const mail::Message message(std::make_shared<const std::string>(mail::to_crlf(raw)));
  const mail::Message header_only(std::make_shared<const std::string>(mail::to_crlf(mail::header_of(raw))));
  View view = make_view(options, rng, message.bytes().size());
  check_shape(program);
  const store::SearchKey key = imap::to_store_key(program, {view.uids, view.recent, view.saved_search});

  const bool needs_content = store::search_needs_content(key);
  const bool needs_body = store::search_needs_body(key);
  if (needs_body) FUZZ_CHECK(needs_content);
  const std::optional<store::UidSet> bound = store::search_bound(key);
  if (has_text_key(key)) check_index(key, message, message.search_text());

  store::SearchKey all;
  const store::SearchKey not_not = negate(negate(key));
  const store::SearchKey or_self = junction(K::or_, {key, key});
  const store::SearchKey and_self = junction(K::and_, {key, key});
  const store::SearchKey and_all = junction(K::and_, {key, all});
  const store::SearchKey or_not = junction(K::or_, {key, negate(key)});
  const store::SearchKey and_not = junction(K::and_, {key, negate(key)});
  std::optional<store::SearchKey> private_key;
  if (view.private_seen) {
    private_key = key;
    store::use_private_seen(*private_key, *view.private_seen);
  }

  store::UidSet matches;
  for (const auto& meta : view.metas) {
    const std::int64_t day = store::day_number(meta.internal_date, meta.internal_date_tz);
    const std::int64_t local = meta.internal_date + std::int64_t{meta.internal_date_tz} * 60;
    FUZZ_CHECK(day * 86400 <= local && local < (day + 1) * 86400);

    const bool r = eval(key, meta, &message);
    if (r) matches.add(meta.uid);
    if (bound && !bound->contains(meta.uid)) FUZZ_CHECK(!r);
    FUZZ_CHECK(eval(not_not, meta, &message) == r);
    FUZZ_CHECK(eval(or_self, meta, &message) == r);
    FUZZ_CHECK(eval(and_self, meta, &message) == r);
    FUZZ_CHECK(eval(and_all, meta, &message) == r);
    FUZZ_CHECK(eval(or_not, meta, &message));
    FUZZ_CHECK(!eval(and_not, meta, &message));
    FUZZ_CHECK(naive(key, meta, &message) == r);
    // Content that cannot be read: no crash; no difference when none is needed.
    const bool without = eval(key, meta, nullptr);
    if (!needs_content) FUZZ_CHECK(without == r);
    (void)eval(not_not, meta, nullptr);
    if (!needs_body) FUZZ_CHECK(eval(key, meta, &header_only) == r);
    if (private_key) {
      store::MessageMeta seen_as_reader = meta;
      seen_as_reader.flags.system &= ~store::kSeen;
      if (view.private_seen->contains(meta.uid)) seen_as_reader.flags.system |= store::kSeen;
      FUZZ_CHECK(eval(*private_key, meta, &message) == eval(key, seen_as_reader, &message));
    }
  }

  // A message just outside the bound (the store does not even read it) never matches.
  if (bound && !bound->empty()) {
    store::MessageMeta outside = view.metas.front();
    const auto& last = bound->ranges().back();
    const auto& first = bound->ranges().front();
    if (last.last < 0xffffffffu) outside.uid = last.last + 1;
    else if (first.first > 1) outside.uid = first.first - 1;
    else outside.uid = 0;
    if (outside.uid != 0 && !bound->contains(outside.uid)) FUZZ_CHECK(!eval(key, outside, &message));
  }
  if (bound && bound->empty()) FUZZ_CHECK(matches.empty());

  // RETURN (MIN MAX ...) keeps a subset of the matches (search.cpp's returned()).
  if ((ret.min || ret.max) && !ret.all && !ret.count && !matches.empty()) {
    store::UidSet shown;
    if (ret.min) shown.add(matches.ranges().front().first);
    if (ret.max) shown.add(matches.ranges().back().last);
    for (const auto& range : shown.ranges())
      for (std::uint64_t u = range.first; u <= range.last; ++u) FUZZ_CHECK(matches.contains(static_cast<store::Uid>(u)));
  }
  return 0;
}
