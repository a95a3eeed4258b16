// Search support (RFC 3501 §6.4.4): decoded header and body text, Unicode case-insensitive
// matching, and the sent date.
#include <unicode/stringpiece.h>
#include <unicode/unistr.h>

#include <chrono>
#include <functional>

#include "base/ascii.h"
#include "mail/decode.h"
#include "mail/message.h"
#include "mail/part.h"

namespace pillarbox::mail {

namespace {

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

/// A needle folded once and matched against many haystacks.
class Needle {
 public:
  explicit Needle(std::string_view needle) : folded_(fold_case(needle)) {}
  bool empty() const { return folded_.empty(); }
  bool found_in(std::string_view hay) const {
    if (folded_.empty()) return true;
    return fold_case(hay).find(folded_) != std::string::npos;
  }

 private:
  std::string folded_;
};

/// "Name: decoded value" of a header field.
std::string decoded_field(const HeaderField& f) {
  std::string out(f.name);
  if (!f.name.empty()) out += ": ";
  out += decode_header_value(unfold(f.value));
  return out;
}

/// Calls fn with each decoded text chunk of the body of `p`; stops when fn returns true.
// With `part_headers`, the MIME header of every body part is visited too: SEARCH TEXT looks at
// "the header or body of the message" (RFC 3501 §6.4.4), and part headers are in the body.
bool visit_header(std::string_view header, const std::function<bool(std::string_view)>& fn) {
  HeaderReader reader(header);
  HeaderField f;
  while (reader.next(f)) {
    if (fn(decoded_field(f))) return true;
  }
  return false;
}

/// Calls fn with each decoded header field of the MIME parts below `p` (not `p`'s own header),
/// in the order visit_body_text(p, fn, true) reaches them.
void visit_part_headers(const Part& p, const std::function<bool(std::string_view)>& fn) {
  switch (p.kind) {
    case Part::Kind::multipart:
      for (const Part& child : p.children) {
        visit_header(child.header, fn);
        visit_part_headers(child, fn);
      }
      return;
    case Part::Kind::message:
      visit_part_headers(*p.message, fn);
      return;
    case Part::Kind::leaf:
      return;
  }
}

bool visit_body_text(const Part& p, const std::function<bool(std::string_view)>& fn,
                     bool part_headers = false) {
  switch (p.kind) {
    case Part::Kind::multipart:
      for (const Part& child : p.children) {
        if (part_headers && visit_header(child.header, fn)) return true;
        if (visit_body_text(child, fn, part_headers)) return true;
      }
      return false;
    case Part::Kind::message: {
      HeaderReader reader(p.message->header);
      HeaderField f;
      while (reader.next(f)) {
        if (fn(decoded_field(f))) return true;
      }
      return visit_body_text(*p.message, fn, part_headers);
    }
    case Part::Kind::leaf:
      break;
  }
  if (!ascii::iequals(p.type, "text") && !ascii::iequals(p.type, "message")) return false;
  const std::string decoded = decode_transfer(p.body, p.encoding.value_or(std::string_view{}));
  const Param* charset = find_param(p.params, "charset");
  return fn(to_utf8(decoded, charset != nullptr ? std::string_view(charset->value) : "us-ascii"));
}

int month_number(std::string_view token) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (token.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (ascii::istarts_with(token, kMonths[m])) return m + 1;
  }
  return 0;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/// RFC 5322 §3.3 date-time, obsolete forms included (§4.3: 2- and 3-digit years, missing
/// seconds, named zones, comments), and the asctime order "Mon Jan 1 00:00:00 2001". Only
/// the calendar date is needed, so the zone is skipped.
std::optional<std::int64_t> parse_date_days(std::string_view value) {
  std::string text;
  int depth = 0;
  for (const char c : value) {  // comments out, separators to spaces
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (depth == 0) {
      text += (c == ',' || c == '\t' || c == '\r' || c == '\n') ? ' ' : c;
    }
  }
  int month = 0;
  std::vector<std::string_view> numbers;
  bool iso = false;
  auto take = [&](std::string_view token) {
    if (all_digits(token)) {
      numbers.push_back(token);
    } else if (month == 0) {
      month = month_number(token);  // weekday and zone names match no month
    }
  };
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end);
    if (token.find(':') != std::string_view::npos) continue;  // the time of day
    if (token[0] == '+' || token[0] == '-') continue;         // a numeric zone
    if (token.find('-') == std::string_view::npos) {
      take(token);
      continue;
    }
    // "01-Jan-2001" or ISO "2001-01-31"
    std::vector<std::string_view> pieces;
    std::string_view t = token;
    while (!t.empty()) {
      const std::size_t dash = std::min(t.find('-'), t.size());
      pieces.push_back(t.substr(0, dash));
      t.remove_prefix(std::min(dash + 1, t.size()));
    }
    if (pieces.size() == 3 && pieces[0].size() == 4 && all_digits(pieces[0]) &&
        pieces[1].size() <= 2 && all_digits(pieces[1]) && all_digits(pieces[2])) {
      numbers = {pieces[2], pieces[0]};
      month = std::stoi(std::string(pieces[1]));
      iso = true;
      break;
    }
    for (const std::string_view piece : pieces) take(piece);
  }
  if (month < 1 || month > 12 || numbers.size() < 2) return std::nullopt;
  std::string_view day_text = numbers[0];
  std::string_view year_text = numbers[1];
  if (!iso && day_text.size() >= 3) std::swap(day_text, year_text);  // "2001 Jan 01"
  if (day_text.size() > 2 || year_text.size() > 4) return std::nullopt;
  const int day = std::stoi(std::string(day_text));
  int year = std::stoi(std::string(year_text));
  if (year_text.size() <= 2) {
    year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3
  } else if (year_text.size() == 3) {
    year += 1900;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  if (is_ascii(s)) {
    out = ascii::lower(s);  // the same as full case folding for ASCII
  } else {
    icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())))
        .foldCase()
        .toUTF8String(out);
  }
  return out;
}

bool contains_folded(std::string_view haystack, std::string_view needle) {
  return Needle(needle).found_in(haystack);
}

bool Message::header_contains(std::string_view name, std::string_view needle) const {
  const Needle n(needle);
  HeaderReader reader(root_->header);
  HeaderField f;
  while (reader.next(f)) {
    if (f.name.empty() || !ascii::iequals(f.name, name)) continue;
    if (n.empty() || n.found_in(decode_header_value(unfold(f.value)))) return true;
  }
  return false;
}

bool Message::body_contains(std::string_view needle) const {
  const Needle n(needle);
  return visit_body_text(*root_, [&](std::string_view text) { return n.found_in(text); });
}

bool Message::text_contains(std::string_view needle) const {
  const Needle n(needle);
  auto found = [&](std::string_view text) { return n.found_in(text); };
  return visit_header(root_->header, found) || visit_body_text(*root_, found, true);
}

std::optional<std::int64_t> Message::sent_date_days() const {
  const std::optional<HeaderField> date = find_field(root_->header, "date");
  if (!date) return std::nullopt;
  return parse_date_days(date->value);
}

Message::SearchText Message::search_text() const {
  SearchText out;
  auto into = [](std::string& text) {
    return [&text](std::string_view chunk) {
      text += fold_case(chunk);
      text += '\n';
      return false;
    };
  };
  visit_header(root_->header, into(out.header));
  visit_body_text(*root_, into(out.body));
  visit_part_headers(*root_, into(out.part_headers));
  return out;
}

}  // namespace pillarbox::mail
