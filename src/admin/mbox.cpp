#include "admin/mbox.h"

#include <ctime>

namespace pillarbox::admin {
namespace {

bool is_from_quoted(std::string_view line, MboxVariant variant) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == '>') ++n;
  if (n == 0) return false;
  if (variant == MboxVariant::mboxo && n != 1) return false;
  return line.substr(n).substr(0, 5) == "From ";
}

// "Name:" with a field name of printable ASCII (RFC 5322 §2.2).
bool looks_like_header_field(std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (char c : line.substr(0, colon)) {
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_from_line_date(std::string_view line) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Find "Mon DD HH:MM:SS YYYY" after a weekday.
  for (std::size_t i = 0; i + 20 <= line.size(); ++i) {
    int month = -1;
    for (int m = 0; m < 12; ++m) {
      if (line.substr(i, 3) == kMonths[m] && line[i + 3] == ' ') month = m;
    }
    if (month < 0) continue;
    std::size_t p = i + 4;
    auto num = [&](int& out) {
      while (p < line.size() && line[p] == ' ') ++p;
      std::size_t start = p;
      out = 0;
      while (p < line.size() && line[p] >= '0' && line[p] <= '9' && p - start < 4) out = out * 10 + (line[p++] - '0');
      return p > start;
    };
    int day, hour, minute, second = 0, year;
    if (!num(day) || p >= line.size() || line[p] != ' ') continue;
    if (!num(hour) || p >= line.size() || line[p] != ':') continue;
    ++p;
    if (!num(minute)) continue;
    if (p < line.size() && line[p] == ':') {
      ++p;
      if (!num(second)) continue;
    }
    // The year, possibly after a zone name ("1996" or "EST 1996").
    std::size_t save = p;
    if (!num(year) || year < 1970) {
      p = save;
      while (p < line.size() && line[p] == ' ') ++p;
      while (p < line.size() && line[p] != ' ') ++p;
      if (!num(year) || year < 1970) continue;
    }
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) continue;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm));
  }
  return std::nullopt;
}

std::vector<MboxMessage> split_mbox(std::string_view file, MboxVariant variant) {
  std::vector<MboxMessage> out;
  std::size_t pos = 0;
  bool previous_empty = true;
  MboxMessage* current = nullptr;
  // Length of the last line added to the current message if it was empty, so it can be
  // dropped when a separator follows (the blank line belongs to the mbox format).
  std::size_t trailing_empty = 0;
  while (pos < file.size()) {
    std::size_t eol = file.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? file.size() : eol + 1;
    std::string_view line = file.substr(pos, next - pos);
    std::string_view bare = line;
    if (!bare.empty() && bare.back() == '\n') bare.remove_suffix(1);
    if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
    bool separator = false;
    if (bare.substr(0, 5) == "From ") {
      // Real archives (mailing-list exports, Netscape) often lack the blank line before a
      // separator. Such a line still separates when it carries a date and a header field
      // follows it, which a "From " line inside a body almost never does.
      separator = previous_empty;
      if (!separator && parse_from_line_date(bare)) {
        std::string_view following = file.substr(next, file.find('\n', next) - next);
        separator = looks_like_header_field(following);
      }
    }
    if (separator) {
      if (current && trailing_empty) current->content.resize(current->content.size() - trailing_empty);
      out.push_back(MboxMessage{{}, parse_from_line_date(bare)});
      current = &out.back();
      trailing_empty = 0;
      previous_empty = false;
      pos = next;
      continue;
    }
    previous_empty = bare.empty();
    if (current) {
      if (is_from_quoted(bare, variant)) {
        current->content.append(line.substr(1));
      } else {
        current->content.append(line);
      }
      trailing_empty = bare.empty() ? line.size() : 0;
    }
    pos = next;
  }
  if (current && trailing_empty) current->content.resize(current->content.size() - trailing_empty);
  return out;
}

}  // namespace pillarbox::admin
