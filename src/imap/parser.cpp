// The IMAP grammar parser (parser.h; DESIGN §3 stage 2), after RFC 3501 §9 and, where it is
// wider, RFC 9051 §9 (number64, UTF-8 in quoted strings).
//
// Choices beyond the header's contract:
// - Keywords (command names, search keys, fetch items, flags, months) are case-insensitive.
// - Quoted strings: only \" and \\ escapes; NUL, CR and LF are errors; 8-bit bytes are kept
//   (RFC 9051 allows UTF-8 there and real clients send it in SEARCH). Atoms stay 7-bit.
// - A plain literal may not hold NUL (RFC 3501 CHAR8); only append_data() takes a literal8.
// - mailbox(): a first hierarchy component (up to "/") equal to INBOX in any case becomes
//   "INBOX" ("inbox/Sent" -> "INBOX/Sent"), as Dovecot does; other components keep their case.
// - date-time: the day may be "dd", " d" (RFC 3501) or "d" (lenient); every field is range
//   checked (seconds up to 60 for a leap second, zone up to +/-2359).
// - BODY[HEADER.FIELDS (...)]: field names are upper-cased, both in Section::fields and in
//   response_name, and must be printable ASCII without ":" or IMAP specials, so that echoing
//   them can never break the response syntax.
// - Search: keys joined by SP become one Kind::and_ (a single key is returned as is); MODSEQ
//   takes the RFC 7162 simple form and also the entry-name form, whose entry is ignored (the
//   message's own MODSEQ is never below a per-flag one, so the answer is a superset).
#include "imap/parser.h"

#include <cstring>
#include <limits>
#include <utility>

#include "base/ascii.h"

namespace pillarbox::imap {

namespace {

bool is_ctl(int c) { return (c >= 0 && c < 0x20) || c == 0x7f; }
bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// ATOM-CHAR = <any CHAR except atom-specials> (RFC 3501 §9).
bool is_atom_char(int c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}
bool is_astring_char(int c) { return is_atom_char(c) || c == ']'; }
bool is_tag_char(int c) { return is_astring_char(c) && c != '+'; }
bool is_list_char(int c) { return is_atom_char(c) || c == '%' || c == '*' || c == ']'; }

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

Parser::Parser(std::string_view command) : input_(command) {}

void Parser::fail(std::string message) {
  if (error_.empty()) error_ = message.empty() ? "Syntax error" : std::move(message);
}

int Parser::peek() const {
  return pos_ < input_.size() ? static_cast<unsigned char>(input_[pos_]) : -1;
}

bool Parser::atom_ends_well() {
  const int c = peek();
  if (c >= 0x80) {
    fail("8-bit byte in atom");
  } else if (c == 0) {
    fail("NUL byte in command");
  } else if (is_ctl(c)) {
    fail("Control character in command");
  }
  return ok();
}

void Parser::atom_error(std::size_t start) {
  pos_ = start;
  const int c = peek();
  if (c < 0) {
    fail("Expected atom, found end of command");
  } else if (c >= 0x80) {
    fail("8-bit byte in atom");
  } else if (c == 0) {
    fail("NUL byte in command");
  } else if (is_ctl(c)) {
    fail("Control character in command");
  } else {
    fail("Expected atom");
  }
}

// --- tokens -------------------------------------------------------------------------------

std::string Parser::tag() {
  if (!ok()) return {};
  const std::size_t start = pos_;
  while (is_tag_char(peek())) ++pos_;
  if (pos_ == start && at_end()) {
    fail("Missing tag");
    return {};
  }
  if (pos_ == start || (!at_end() && peek() != ' ')) {
    fail("Invalid tag");
    return {};
  }
  return std::string(input_.substr(start, pos_ - start));
}

void Parser::space() {
  if (!ok()) return;
  if (peek() == ' ') {
    ++pos_;
    return;
  }
  fail(at_end() ? "Expected SP, found end of command" : "Expected SP");
}

void Parser::end() {
  if (!ok() || at_end()) return;
  switch (peek()) {
    case ')': fail("Unbalanced )"); break;
    case ']': fail("Unbalanced ]"); break;
    case ' ': fail("Unexpected SP at end of command"); break;
    default: fail("Unexpected text at end of command"); break;
  }
}

bool Parser::skip(std::string_view word) {
  if (!ok() || !ascii::istarts_with(rest(), word)) return false;
  pos_ += word.size();
  return true;
}

bool Parser::skip_char(char c) {
  if (!ok() || at_end() || input_[pos_] != c) return false;
  ++pos_;
  return true;
}

void Parser::expect(char c) {
  if (!ok() || skip_char(c)) return;
  if (at_end()) {
    if (c == ')') fail("Missing )");
    else if (c == ']') fail("Missing ]");
    else fail(std::string("Expected ") + c + ", found end of command");
  } else {
    fail(std::string("Expected ") + c);
  }
}

std::string Parser::atom() {
  if (!ok()) return {};
  const std::size_t start = pos_;
  while (is_atom_char(peek())) ++pos_;
  if (pos_ == start) {
    atom_error(start);
    return {};
  }
  if (!atom_ends_well()) return {};
  return std::string(input_.substr(start, pos_ - start));
}

std::string Parser::keyword() { return ascii::upper(atom()); }

std::uint64_t Parser::digits(std::uint64_t max, const char* what) {
  if (!ok()) return 0;
  if (!is_digit(peek())) {
    fail(at_end() ? "Expected number, found end of command" : "Expected number");
    return 0;
  }
  std::uint64_t value = 0;
  bool overflow = false;
  while (is_digit(peek())) {
    const std::uint64_t digit = static_cast<unsigned>(peek() - '0');
    if (value > (max - digit) / 10) {
      overflow = true;
    } else {
      value = value * 10 + digit;
    }
    ++pos_;
  }
  if (overflow) {
    fail(std::string(what) + " too large");
    return 0;
  }
  return value;
}

std::uint32_t Parser::number() {
  return static_cast<std::uint32_t>(digits(std::numeric_limits<std::uint32_t>::max(), "Number"));
}

std::uint64_t Parser::mod_sequence(bool allow_zero) {
  const std::uint64_t n = number64();
  if (ok() && n == 0 && !allow_zero) fail("Mod-sequence must not be zero");
  return n;
}

std::uint32_t Parser::nz_number() {
  const std::uint32_t n = number();
  if (ok() && n == 0) fail("Zero where a non-zero number is required");
  return n;
}

std::uint64_t Parser::number64() {
  return digits(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), "Number");
}

std::string Parser::quoted() {
  ++pos_;  // DQUOTE
  std::string out;
  for (;;) {
    if (at_end()) {
      fail("Unterminated quoted string");
      return {};
    }
    const char c = input_[pos_++];
    if (c == '"') return out;
    if (c == '\\') {
      const int escaped = peek();
      if (escaped != '"' && escaped != '\\') {
        fail(escaped < 0 ? "Unterminated quoted string" : "Invalid escape in quoted string");
        return {};
      }
      out += static_cast<char>(escaped);
      ++pos_;
      continue;
    }
    if (c == '\0') {
      fail("NUL in quoted string");
      return {};
    }
    if (c == '\r' || c == '\n') {
      fail("CR or LF in quoted string");
      return {};
    }
    out += c;
  }
}

std::string Parser::literal(bool allow_literal8, bool* was_literal8) {
  bool literal8 = false;
  if (peek() == '~') {
    ++pos_;
    literal8 = true;
    if (peek() != '{') {
      fail("Expected { after ~");
      return {};
    }
    if (!allow_literal8) {
      fail("literal8 is only allowed in APPEND");
      return {};
    }
  }
  ++pos_;  // "{"
  const std::uint64_t size = digits(std::numeric_limits<std::uint64_t>::max(), "Literal size");
  skip_char('+');
  if (!ok()) return {};
  if (!skip_char('}')) {
    fail("Expected } in literal");
    return {};
  }
  if (!skip("\r\n")) {
    fail("Expected CRLF after literal size");
    return {};
  }
  if (size > input_.size() - pos_) {
    fail("Literal shorter than announced");
    return {};
  }
  const std::string_view bytes = input_.substr(pos_, static_cast<std::size_t>(size));
  if (!literal8 && bytes.find('\0') != std::string_view::npos) {
    fail("NUL in literal");
    return {};
  }
  pos_ += bytes.size();
  if (was_literal8) *was_literal8 = literal8;
  return std::string(bytes);
}

std::string Parser::string(StringKind* kind) {
  if (!ok()) return {};
  switch (peek()) {
    case '"':
      if (kind) *kind = StringKind::quoted;
      return quoted();
    case '{':
    case '~':
      if (kind) *kind = StringKind::literal;
      return literal(false, nullptr);
    default:
      fail(at_end() ? "Expected string, found end of command" : "Expected quoted string or literal");
      return {};
  }
}

std::string Parser::astring(StringKind* kind) {
  if (!ok()) return {};
  const int c = peek();
  if (c == '"' || c == '{' || (c == '~' && pos_ + 1 < input_.size() && input_[pos_ + 1] == '{')) {
    return string(kind);
  }
  const std::size_t start = pos_;
  while (is_astring_char(peek())) ++pos_;
  if (pos_ == start) {
    atom_error(start);
    return {};
  }
  if (!atom_ends_well()) return {};
  if (kind) *kind = StringKind::atom;
  return std::string(input_.substr(start, pos_ - start));
}

std::optional<std::string> Parser::nstring() {
  if (!ok()) return std::nullopt;
  const std::string_view r = rest();
  if (ascii::istarts_with(r, "NIL") && (r.size() == 3 || !is_astring_char(static_cast<unsigned char>(r[3])))) {
    pos_ += 3;
    return std::nullopt;
  }
  return string();
}

std::string Parser::mailbox() {
  std::string name = astring();
  if (!ok()) return {};
  // RFC 3501 §5.1: INBOX is case-insensitive. Folded as a first component too (Dovecot).
  if (ascii::istarts_with(name, "INBOX") && (name.size() == 5 || name[5] == '/')) {
    name.replace(0, 5, "INBOX");
  }
  return name;
}

std::string Parser::list_mailbox() {
  if (!ok()) return {};
  const int c = peek();
  if (c == '"' || c == '{' || (c == '~' && pos_ + 1 < input_.size() && input_[pos_ + 1] == '{')) {
    return string();
  }
  const std::size_t start = pos_;
  while (is_list_char(peek())) ++pos_;
  if (pos_ == start) {
    atom_error(start);
    return {};
  }
  if (!atom_ends_well()) return {};
  return std::string(input_.substr(start, pos_ - start));
}

// --- structures ---------------------------------------------------------------------------

std::uint32_t Parser::seq_number() {
  if (!ok()) return 0;
  if (skip_char('*')) return kStar;
  if (!is_digit(peek())) {
    fail(at_end() ? "Expected number or * in sequence set, found end of command"
                  : "Expected number or * in sequence set");
    return 0;
  }
  const std::uint32_t n = number();
  if (ok() && n == 0) fail("Zero in sequence set");
  return n;
}

SequenceSet Parser::sequence_set() {
  SequenceSet set;
  if (!ok()) return set;
  if (skip_char('$')) {  // RFC 5182 §2.1: seq-last-command, alone
    set.saved = true;
    return set;
  }
  do {
    SequenceSet::Range range;
    range.first = seq_number();
    range.last = skip_char(':') ? seq_number() : range.first;
    if (!ok()) return {};
    set.ranges.push_back(range);
  } while (skip_char(','));
  return set;
}

void Parser::flag(store::Flags& flags) {
  if (!ok()) return;
  if (!skip_char('\\')) {
    const std::string keyword = atom();
    if (ok()) flags.add_keyword(keyword);
    return;
  }
  if (peek() == '*') {
    fail("\\* is not a flag");
    return;
  }
  const std::string name = atom();
  if (!ok()) return;
  if (ascii::iequals(name, "Seen")) {
    flags.system |= store::kSeen;
  } else if (ascii::iequals(name, "Answered")) {
    flags.system |= store::kAnswered;
  } else if (ascii::iequals(name, "Flagged")) {
    flags.system |= store::kFlagged;
  } else if (ascii::iequals(name, "Deleted")) {
    flags.system |= store::kDeleted;
  } else if (ascii::iequals(name, "Draft")) {
    flags.system |= store::kDraft;
  } else if (ascii::iequals(name, "Recent")) {
    fail("\\Recent cannot be stored");  // RFC 3501 §2.3.2
  } else {
    fail("Unknown system flag");
  }
}

store::Flags Parser::flag_list() {
  store::Flags flags;
  if (!ok()) return flags;
  if (!skip_char('(')) {
    fail("Expected ( before flag list");
    return {};
  }
  if (skip_char(')')) return flags;
  for (;;) {
    flag(flags);
    if (!ok()) return {};
    if (skip_char(')')) return flags;
    if (at_end()) {
      fail("Missing ) after flag list");
      return {};
    }
    space();
    if (!ok()) return {};
  }
}

store::Flags Parser::store_flags() {
  if (!ok()) return {};
  if (peek() == '(') return flag_list();
  store::Flags flags;
  do {
    flag(flags);
  } while (ok() && skip_char(' '));
  if (!ok()) return {};
  return flags;
}

int Parser::month() {
  if (!ok()) return 0;
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string_view r = rest();
  for (int i = 0; i < 12; ++i) {
    if (r.size() >= 3 && ascii::iequals(r.substr(0, 3), kMonths[i])) {
      pos_ += 3;
      return i + 1;
    }
  }
  fail("Invalid month");
  return 0;
}

int Parser::fixed_digits(int count) {
  if (!ok()) return 0;
  int value = 0;
  for (int i = 0; i < count; ++i) {
    if (!is_digit(peek())) {
      fail("Expected digit in date");
      return 0;
    }
    value = value * 10 + (peek() - '0');
    ++pos_;
  }
  return value;
}

std::int64_t Parser::date() {
  if (!ok()) return 0;
  const bool quoted = skip_char('"');
  if (!is_digit(peek())) {
    fail("Expected date");
    return 0;
  }
  int day = fixed_digits(1);
  if (is_digit(peek())) day = day * 10 + fixed_digits(1);
  expect('-');
  const int mon = month();
  expect('-');
  const int year = fixed_digits(4);
  if (quoted) expect('"');
  if (!ok()) return 0;
  if (day < 1 || day > days_in_month(year, mon)) {
    fail("Invalid day of month");
    return 0;
  }
  return days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
}

DateTime Parser::date_time() {
  if (!ok()) return {};
  if (!skip_char('"')) {
    fail("Expected quoted date-time");
    return {};
  }
  int day = 0;
  if (skip_char(' ')) {
    day = fixed_digits(1);
  } else {
    day = fixed_digits(1);
    if (is_digit(peek())) day = day * 10 + fixed_digits(1);
  }
  expect('-');
  const int mon = month();
  expect('-');
  const int year = fixed_digits(4);
  expect(' ');
  const int hour = fixed_digits(2);
  expect(':');
  const int minute = fixed_digits(2);
  expect(':');
  const int second = fixed_digits(2);
  expect(' ');
  int sign = 0;
  if (skip_char('+')) {
    sign = 1;
  } else if (skip_char('-')) {
    sign = -1;
  } else {
    fail("Expected time zone");
  }
  const int zone_hours = fixed_digits(2);
  const int zone_minutes = fixed_digits(2);
  expect('"');
  if (!ok()) return {};
  if (day < 1 || day > days_in_month(year, mon) || hour > 23 || minute > 59 || second > 60 ||
      zone_hours > 23 || zone_minutes > 59) {
    fail("Invalid date-time");
    return {};
  }
  DateTime dt;
  dt.tz_minutes = sign * (zone_hours * 60 + zone_minutes);
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  dt.seconds = days * 86400 + hour * 3600 + minute * 60 + second -
               static_cast<std::int64_t>(dt.tz_minutes) * 60;
  return dt;
}

std::string Parser::header_field_name() {
  const std::string name = astring();
  if (!ok()) return {};
  if (name.empty()) {
    fail("Empty header field name");
    return {};
  }
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == ':' || std::strchr("(){}\"\\[]%*", c) != nullptr) {
      fail("Invalid header field name");
      return {};
    }
  }
  return ascii::upper(name);
}

void Parser::section(FetchAttribute& att) {
  ++pos_;  // "["
  mail::Section& s = att.section;
  std::string spec;  // as echoed in response_name
  bool want_text = true;
  if (is_digit(peek())) {
    want_text = false;
    for (;;) {
      const std::uint32_t part = number();
      if (!ok()) return;
      if (part == 0) {
        fail("Zero in section part number");
        return;
      }
      if (s.part.size() >= 100) {
        fail("Section part number too deep");
        return;
      }
      s.part.push_back(part);
      if (!spec.empty()) spec += '.';
      spec += std::to_string(part);
      if (!skip_char('.')) break;
      if (is_digit(peek())) continue;
      if (!is_alpha(peek())) {
        fail("Expected part number or section text");
        return;
      }
      want_text = true;
      spec += '.';
      break;
    }
  } else if (peek() == ']') {
    want_text = false;
  }
  if (want_text) {
    const std::size_t start = pos_;
    while (is_alpha(peek()) || peek() == '.') ++pos_;
    const std::string name = ascii::upper(input_.substr(start, pos_ - start));
    if (name == "HEADER") {
      s.text = mail::Section::Text::header;
    } else if (name == "HEADER.FIELDS") {
      s.text = mail::Section::Text::header_fields;
    } else if (name == "HEADER.FIELDS.NOT") {
      s.text = mail::Section::Text::header_fields_not;
    } else if (name == "TEXT") {
      s.text = mail::Section::Text::text;
    } else if (name == "MIME") {
      if (s.part.empty()) {
        fail("MIME requires a part number");
        return;
      }
      s.text = mail::Section::Text::mime;
    } else {
      if (name.empty() && at_end()) {
        fail("Missing ]");
      } else {
        fail(name.empty() ? "Expected section text" : "Unknown section text");
      }
      return;
    }
    spec += name;
    if (s.text == mail::Section::Text::header_fields || s.text == mail::Section::Text::header_fields_not) {
      space();
      if (ok() && !skip_char('(')) {
        fail("Expected ( before header field names");
        return;
      }
      spec += " (";
      if (ok() && peek() == ')') {
        fail("Empty header field list");
        return;
      }
      for (;;) {
        const std::string field = header_field_name();
        if (!ok()) return;
        if (!s.fields.empty()) spec += ' ';
        spec += field;
        s.fields.push_back(field);
        if (skip_char(')')) break;
        if (at_end()) {
          fail("Missing )");
          return;
        }
        space();
        if (!ok()) return;
      }
      spec += ')';
    }
  }
  if (!ok()) return;
  if (!skip_char(']')) {
    fail(at_end() ? "Missing ]" : "Expected ] after section");
    return;
  }
  att.response_name = "BODY[" + spec + "]";
  partial(att);
}

void Parser::partial(FetchAttribute& att) {
  if (!skip_char('<')) return;
  att.partial_origin = number();
  expect('.');
  att.partial_octets = nz_number();
  expect('>');
  if (!ok()) return;
  att.response_name += "<" + std::to_string(*att.partial_origin) + ">";
}

void Parser::section_binary(FetchAttribute& att, bool size) {
  if (!skip_char('[')) {
    fail(size ? "Expected [ after BINARY.SIZE" : "Expected [ after BINARY");
    return;
  }
  std::string spec;
  while (is_digit(peek())) {
    const std::uint32_t part = number();
    if (!ok()) return;
    if (part == 0) {
      fail("Zero in section part number");
      return;
    }
    if (att.section.part.size() >= 100) {
      fail("Section part number too deep");
      return;
    }
    att.section.part.push_back(part);
    if (!spec.empty()) spec += '.';
    spec += std::to_string(part);
    if (!skip_char('.')) break;
    if (!is_digit(peek())) {
      fail("Expected part number");  // BINARY takes part numbers only, no HEADER/TEXT/MIME
      return;
    }
  }
  if (!skip_char(']')) {
    fail(at_end() ? "Missing ]" : "BINARY takes part numbers only");
    return;
  }
  att.response_name = (size ? "BINARY.SIZE[" : "BINARY[") + spec + "]";
  if (!size) partial(att);
}

void Parser::fetch_att(bool allow_macro, std::vector<FetchAttribute>& out) {
  if (!ok()) return;
  const std::size_t start = pos_;
  while (is_atom_char(peek()) && peek() != '[') ++pos_;
  const std::string name = ascii::upper(input_.substr(start, pos_ - start));
  if (name.empty()) {
    if (at_end()) {
      fail("Expected fetch attribute, found end of command");
    } else if (peek() >= 0x80) {
      fail("8-bit byte in atom");
    } else {
      fail("Expected fetch attribute");
    }
    return;
  }
  if (!atom_ends_well()) return;
  using Kind = FetchAttribute::Kind;
  auto simple = [&out](Kind kind, const char* response_name) {
    FetchAttribute att;
    att.kind = kind;
    att.response_name = response_name;
    out.push_back(std::move(att));
  };
  if (allow_macro && (name == "ALL" || name == "FAST" || name == "FULL")) {
    // RFC 3501 §6.4.5: the macros, in their defined order.
    simple(Kind::flags, "FLAGS");
    simple(Kind::internaldate, "INTERNALDATE");
    simple(Kind::rfc822_size, "RFC822.SIZE");
    if (name != "FAST") simple(Kind::envelope, "ENVELOPE");
    if (name == "FULL") simple(Kind::body, "BODY");
  } else if (name == "ENVELOPE") {
    simple(Kind::envelope, "ENVELOPE");
  } else if (name == "FLAGS") {
    simple(Kind::flags, "FLAGS");
  } else if (name == "INTERNALDATE") {
    simple(Kind::internaldate, "INTERNALDATE");
  } else if (name == "RFC822") {
    simple(Kind::rfc822, "RFC822");
  } else if (name == "RFC822.HEADER") {
    simple(Kind::rfc822_header, "RFC822.HEADER");
  } else if (name == "RFC822.SIZE") {
    simple(Kind::rfc822_size, "RFC822.SIZE");
  } else if (name == "RFC822.TEXT") {
    simple(Kind::rfc822_text, "RFC822.TEXT");
  } else if (name == "BODYSTRUCTURE") {
    simple(Kind::bodystructure, "BODYSTRUCTURE");
  } else if (name == "UID") {
    simple(Kind::uid, "UID");
  } else if (name == "MODSEQ") {
    simple(Kind::modseq, "MODSEQ");
  } else if (name == "BODY" || name == "BODY.PEEK") {
    if (peek() != '[') {
      if (name == "BODY") {
        simple(Kind::body, "BODY");
      } else {
        fail("Expected [ after BODY.PEEK");
      }
      return;
    }
    FetchAttribute att;
    att.kind = Kind::body_section;
    att.peek = name == "BODY.PEEK";
    section(att);
    if (ok()) out.push_back(std::move(att));
  } else if (name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE") {
    // RFC 3516 §4.2.
    FetchAttribute att;
    att.kind = name == "BINARY.SIZE" ? Kind::binary_size : Kind::binary_section;
    att.peek = name != "BINARY";
    section_binary(att, att.kind == Kind::binary_size);
    if (ok()) out.push_back(std::move(att));
  } else {
    fail("Unknown fetch attribute");
  }
}

std::vector<FetchAttribute> Parser::fetch_attributes() {
  std::vector<FetchAttribute> out;
  if (!ok()) return out;
  if (!skip_char('(')) {
    fetch_att(true, out);
    if (!ok()) return {};
    return out;
  }
  for (;;) {
    fetch_att(false, out);
    if (!ok()) return {};
    if (skip_char(')')) return out;
    if (at_end()) {
      fail("Missing ) after fetch attributes");
      return {};
    }
    space();
    if (!ok()) return {};
  }
}

SearchKey Parser::search_program(std::string* charset) {
  if (charset) charset->clear();
  if (!ok()) return {};
  if (skip("CHARSET ")) {
    const std::string name = astring();
    space();
    if (ok() && charset) *charset = ascii::upper(name);
  }
  std::vector<SearchKey> keys;
  for (;;) {
    keys.push_back(search_key(0));
    if (!ok()) return {};
    if (at_end()) break;
    if (peek() == ')') {
      fail("Unbalanced )");
      return {};
    }
    space();
    if (!ok()) return {};
  }
  if (keys.size() == 1) return std::move(keys.front());
  SearchKey all;
  all.kind = SearchKey::Kind::and_;
  all.children = std::move(keys);
  return all;
}

SearchKey Parser::search_key(int depth) {
  SearchKey key;
  if (!ok()) return key;
  if (depth > kMaxDepth) {
    fail("Search program nested too deeply");
    return {};
  }
  const int c = peek();
  if (c == '(') {
    ++pos_;
    key.kind = SearchKey::Kind::and_;
    for (;;) {
      key.children.push_back(search_key(depth + 1));
      if (!ok()) return {};
      if (skip_char(')')) return key;
      if (at_end()) {
        fail("Missing )");
        return {};
      }
      space();
      if (!ok()) return {};
    }
  }
  if (is_digit(c) || c == '*' || c == '$') {
    key.kind = SearchKey::Kind::sequence_set;
    key.set = sequence_set();
    if (!ok()) return {};
    return key;
  }
  if (c < 0) {
    fail("Expected search key, found end of command");
    return {};
  }
  const std::string name = keyword();
  if (!ok()) return {};

  using SK = store::SearchKey::Kind;
  store::SearchKey& sk = key.store_key;
  auto flag = [&sk](SK kind, store::SystemFlag bit) {
    sk.kind = kind;
    sk.number = bit;
  };
  auto header = [&](const char* field) {
    space();
    sk.kind = SK::header;
    sk.field = field;
    sk.value = astring();
  };
  auto day = [&](SK kind) {
    space();
    sk.kind = kind;
    sk.number = date();
  };

  if (name == "ALL") {
    sk.kind = SK::all;
  } else if (name == "ANSWERED") {
    flag(SK::flag_set, store::kAnswered);
  } else if (name == "DELETED") {
    flag(SK::flag_set, store::kDeleted);
  } else if (name == "DRAFT") {
    flag(SK::flag_set, store::kDraft);
  } else if (name == "FLAGGED") {
    flag(SK::flag_set, store::kFlagged);
  } else if (name == "SEEN") {
    flag(SK::flag_set, store::kSeen);
  } else if (name == "UNANSWERED") {
    flag(SK::flag_unset, store::kAnswered);
  } else if (name == "UNDELETED") {
    flag(SK::flag_unset, store::kDeleted);
  } else if (name == "UNDRAFT") {
    flag(SK::flag_unset, store::kDraft);
  } else if (name == "UNFLAGGED") {
    flag(SK::flag_unset, store::kFlagged);
  } else if (name == "UNSEEN") {
    flag(SK::flag_unset, store::kSeen);
  } else if (name == "BCC") {
    header("BCC");
  } else if (name == "CC") {
    header("CC");
  } else if (name == "FROM") {
    header("FROM");
  } else if (name == "SUBJECT") {
    header("SUBJECT");
  } else if (name == "TO") {
    header("TO");
  } else if (name == "HEADER") {
    space();
    sk.kind = SK::header;
    sk.field = astring();
    space();
    sk.value = astring();
  } else if (name == "BODY") {
    space();
    sk.kind = SK::body;
    sk.value = astring();
  } else if (name == "TEXT") {
    space();
    sk.kind = SK::text;
    sk.value = astring();
  } else if (name == "KEYWORD" || name == "UNKEYWORD") {
    space();
    sk.kind = name == "KEYWORD" ? SK::keyword : SK::unkeyword;
    sk.value = atom();
  } else if (name == "BEFORE") {
    day(SK::before);
  } else if (name == "ON") {
    day(SK::on);
  } else if (name == "SINCE") {
    day(SK::since);
  } else if (name == "SENTBEFORE") {
    day(SK::sent_before);
  } else if (name == "SENTON") {
    day(SK::sent_on);
  } else if (name == "SENTSINCE") {
    day(SK::sent_since);
  } else if (name == "LARGER" || name == "SMALLER") {
    space();
    sk.kind = name == "LARGER" ? SK::larger : SK::smaller;
    sk.number = static_cast<std::int64_t>(number64());
  } else if (name == "MODSEQ") {
    // RFC 7162 §3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer
    space();
    if (peek() == '"') {
      quoted();
      space();
      const std::string type = keyword();
      if (ok() && type != "PRIV" && type != "SHARED" && type != "ALL") fail("Invalid MODSEQ entry type");
      space();
    }
    sk.kind = SK::modseq;
    sk.number = static_cast<std::int64_t>(number64());
  } else if (name == "NEW") {
    key.kind = SearchKey::Kind::new_;
  } else if (name == "OLD") {
    key.kind = SearchKey::Kind::old;
  } else if (name == "RECENT") {
    key.kind = SearchKey::Kind::recent;
  } else if (name == "NOT") {
    space();
    key.kind = SearchKey::Kind::not_;
    key.children.push_back(search_key(depth + 1));
  } else if (name == "OR") {
    space();
    key.kind = SearchKey::Kind::or_;
    key.children.push_back(search_key(depth + 1));
    space();
    key.children.push_back(search_key(depth + 1));
  } else if (name == "UID") {
    space();
    key.kind = SearchKey::Kind::uid_set;
    key.set = sequence_set();
  } else {
    fail("Unknown search key");
  }
  if (!ok()) return {};
  return key;
}

std::string Parser::append_data(bool* literal8) {
  if (!ok()) return {};
  if (peek() != '{' && peek() != '~') {
    fail(at_end() ? "Expected literal, found end of command" : "Expected literal");
    return {};
  }
  bool was_literal8 = false;
  std::string data = literal(true, &was_literal8);
  if (ok() && literal8) *literal8 = was_literal8;
  return data;
}

}  // namespace pillarbox::imap
