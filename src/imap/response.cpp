#include "imap/response.h"

#include <fmt/format.h>

#include <ctime>

namespace pillarbox::imap {

std::string string_out(std::string_view s) {
  bool quotable = s.size() <= 1024;
  for (unsigned char c : s) {
    if (c == 0 || c == '\r' || c == '\n' || c >= 0x80) {
      quotable = false;
      break;
    }
  }
  if (!quotable) return fmt::format("{{{}}}\r\n{}", s.size(), s);
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string astring_out(std::string_view s) {
  bool atom = !s.empty();
  for (unsigned char c : s) {
    // ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ] (RFC 3501 §9).
    if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' ||
        c == '\\' || c == ']') {
      atom = false;
      break;
    }
  }
  return atom ? std::string(s) : string_out(s);
}

std::string nstring_out(const std::string* s) { return s ? string_out(*s) : "NIL"; }

std::string mailbox_out(std::string_view name) { return string_out(name); }

std::string flags_out(const store::Flags& flags, bool recent) {
  std::string out = "(";
  auto add = [&](std::string_view f) {
    if (out.size() > 1) out += ' ';
    out += f;
  };
  if (flags.has(store::kSeen)) add("\\Seen");
  if (flags.has(store::kAnswered)) add("\\Answered");
  if (flags.has(store::kFlagged)) add("\\Flagged");
  if (flags.has(store::kDeleted)) add("\\Deleted");
  if (flags.has(store::kDraft)) add("\\Draft");
  if (recent) add("\\Recent");
  for (const auto& k : flags.keywords) add(k);
  out += ')';
  return out;
}

std::string flag_names(const std::vector<std::string>& keywords) {
  std::string out = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
  for (const auto& k : keywords) {
    out += ' ';
    out += k;
  }
  return out;
}

std::string date_time_out(std::int64_t seconds, std::int32_t tz_minutes) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t local = static_cast<std::time_t>(seconds + std::int64_t{tz_minutes} * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  int tz = tz_minutes < 0 ? -tz_minutes : tz_minutes;
  return fmt::format("\"{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"", tm.tm_mday, kMonths[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, tz_minutes < 0 ? '-' : '+',
                     tz / 60, tz % 60);
}

}  // namespace pillarbox::imap
