// Fuzzes the MIME parser and what IMAP serves from it: mail::Message on the input (after
// mail::to_crlf, as the store serves stored bytes), then ENVELOPE, BODYSTRUCTURE/BODY, body
// sections for part paths derived from the input, the search matchers and the sent date.
//
// Invariants checked:
//   - ENVELOPE, BODYSTRUCTURE and BODY have balanced parentheses outside quoted strings and
//     literals, and are each one well-formed IMAP list (the unit tests' ImapSyntax checker);
//   - BODY[] is the whole served message, and no section is longer than the message (plus the
//     CRLF CRLF a header section gets when the message lacks its blank line);
//   - body_contains(n) and header_contains(field, n) each imply text_contains(n);
//   - search_text() (what the full-text index stores) holds a needle without LF exactly when
//     body_contains / text_contains find it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mail/imap_syntax_test_util.h"
#include "mail/message.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

// Parentheses balance outside quoted strings and literals, and the text is exactly one list.
bool balanced(std::string_view s) {
  int depth = 0;
  std::size_t i = 0;
  bool seen_list = false;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      if (i >= s.size()) return false;
      ++i;
      continue;
    }
    if (c == '{') {
      std::size_t j = i + 1;
      std::uint64_t n = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9' && n < (1u << 30)) n = n * 10 + (s[j++] - '0');
      if (j == i + 1 || s.substr(j, 3) != "}\r\n") return false;
      j += 3;
      if (s.size() - j < n) return false;
      i = j + n;
      continue;
    }
    if (c == '(') {
      if (depth == 0 && seen_list) return false;
      seen_list = true;
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return false;
    } else if (depth == 0) {
      return false;  // text outside the list
    }
    ++i;
  }
  return depth == 0 && seen_list;
}

void check_list(const std::string& s, const char* what) {
  std::string why;
  if (!balanced(s) || !mail::testing::ImapSyntax::valid(s, &why)) {
    std::fprintf(stderr, "%s is not a well-formed list (%s):\n%s\n", what, why.c_str(), s.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto bytes = std::make_shared<const std::string>(mail::to_crlf(raw));
  FUZZ_CHECK(bytes->size() == mail::crlf_size(raw));
  const mail::Message m(bytes);

  check_list(m.envelope(), "ENVELOPE");
  check_list(m.body_structure(true), "BODYSTRUCTURE");
  check_list(m.body_structure(false), "BODY");

  // Part paths: fixed ones, and some made of the input's last bytes.
  std::vector<std::vector<std::uint32_t>> paths = {{}, {1}, {2}, {1, 1}, {1, 2}, {2, 1}, {1, 1, 1}, {3, 1}};
  const std::size_t tail = size < 8 ? size : 8;
  for (std::size_t len = 1; len <= tail; len += 2) {
    std::vector<std::uint32_t> path;
    for (std::size_t i = 0; i < len; ++i) path.push_back(1 + data[size - 1 - i] % 4);
    paths.push_back(std::move(path));
  }
  const std::string field(raw.substr(size / 3, size % 11));
  using Text = mail::Section::Text;
  for (const auto& path : paths) {
    for (Text text : {Text::none, Text::header, Text::header_fields, Text::header_fields_not,
                      Text::mime, Text::text}) {
      mail::Section section;
      section.part = path;
      section.text = text;
      if (text == Text::header_fields || text == Text::header_fields_not) {
        section.fields = {"SUBJECT", "FROM", "CONTENT-TYPE"};
        if (!field.empty()) section.fields.push_back(field);
      }
      const auto got = m.section(section);
      if (got && got->size() > bytes->size() + 4) {
        std::fprintf(stderr, "section text=%d depth=%zu is %zu bytes, message %zu:\n%s\n",
                     static_cast<int>(text), path.size(), got->size(), bytes->size(), got->c_str());
        std::abort();
      }
      if (path.empty() && text == Text::none) FUZZ_CHECK(got && *got == *bytes);
    }
  }

  // Search: needles taken from the input (hostile clients send any bytes), and fixed ones.
  const std::size_t at = size == 0 ? 0 : (data[0] * 31u + size) % size;
  const std::string needle(raw.substr(at, 1 + size % 7));
  const auto indexed = m.search_text();
  for (const std::string& n : {needle, std::string(""), std::string("a"), std::string("ß")}) {
    const bool body = m.body_contains(n);
    const bool subject = m.header_contains("Subject", n);
    const bool from = m.header_contains("FROM", n);
    const bool text = m.text_contains(n);
    if (body || subject || from) FUZZ_CHECK(text);
    if (!field.empty()) (void)m.header_contains(field, n);
    // The full-text index's text (search_text) finds a needle without LF exactly as the
    // matchers do.
    const std::string folded = mail::fold_case(n);
    if (!folded.empty() && folded.find('\n') == std::string::npos) {
      auto in = [&folded](const std::string& t) { return t.find(folded) != std::string::npos; };
      FUZZ_CHECK(in(indexed.body) == body);
      FUZZ_CHECK((in(indexed.header) || in(indexed.body) || in(indexed.part_headers)) == text);
    }
  }
  (void)m.sent_date_days();
  return 0;
}
