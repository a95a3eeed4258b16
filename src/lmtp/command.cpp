#include "lmtp/command.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "base/ascii.h"

namespace pillarbox::lmtp {
namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_let_dig(char c) { return is_alpha(c) || is_digit(c); }

// RFC 5322 §3.2.3 atext.
bool is_atext(char c) {
  if (is_let_dig(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

// RFC 5321 §4.1.2 Dot-string = Atom *("." Atom).
bool is_dot_string(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char previous = 0;
  for (char c : s) {
    if (c == '.') {
      if (previous == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

// Reads a Domain (sub-domain *("." sub-domain)) or an address-literal ("[" dcontent "]") at
// `pos`; returns false when there is none there.
bool read_domain(std::string_view t, std::size_t& pos) {
  if (pos < t.size() && t[pos] == '[') {
    std::size_t i = pos + 1;
    // RFC 5321 §4.1.3: the literal's inner grammar (IPv4, "IPv6:", tag) is left to whoever
    // routes by it; here only dcontent (%d33-90 / %d94-126) is checked.
    while (i < t.size() && t[i] != ']') {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c < 33 || c > 126 || c == '[' || c == '\\') return false;
      ++i;
    }
    if (i >= t.size() || i == pos + 1) return false;
    pos = i + 1;
    return true;
  }
  std::size_t i = pos;
  for (;;) {
    // sub-domain = Let-dig [Ldh-str]; Ldh-str ends with a Let-dig.
    if (i >= t.size() || !is_let_dig(t[i])) return false;
    while (i < t.size() && (is_let_dig(t[i]) || t[i] == '-')) ++i;
    if (t[i - 1] == '-') return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  pos = i;
  return true;
}

Reply syntax(std::string text) { return Reply{501, "5.5.4", std::move(text)}; }

struct Param {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

// Splits "SP param *(SP param)" (RFC 5321 §4.1.2 esmtp-param); tolerates several spaces.
std::optional<Reply> split_params(std::string_view rest, std::vector<Param>& out) {
  if (rest.empty()) return std::nullopt;
  if (rest.front() != ' ') return syntax("Unexpected text after the address");
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (i >= rest.size()) break;
    std::size_t end = rest.find(' ', i);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view token = rest.substr(i, end - i);
    i = end;
    const std::size_t eq = token.find('=');
    Param p{token.substr(0, eq), std::nullopt};
    if (eq != std::string_view::npos) p.value = token.substr(eq + 1);
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (p.keyword.empty() || !is_let_dig(p.keyword.front())) return syntax("Bad parameter syntax");
    for (char c : p.keyword)
      if (!is_let_dig(c) && c != '-') return syntax("Bad parameter syntax");
    // esmtp-value = 1*(%d33-60 / %d62-126)
    if (p.value) {
      if (p.value->empty()) return syntax("Bad parameter syntax");
      for (char c : *p.value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126 || u == '=') return syntax("Bad parameter syntax");
      }
    }
    out.push_back(p);
  }
  return std::nullopt;
}

// "FROM:" / "TO:" (case-insensitive) then optional spaces; returns false when absent.
bool expect_keyword(std::string_view& argument, std::string_view keyword) {
  if (!ascii::istarts_with(argument, keyword)) return false;
  argument.remove_prefix(keyword.size());
  while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
  return true;
}

std::optional<std::string> parse_path_impl(std::string_view t, bool allow_null, bool allow_postmaster,
                                           std::size_t& consumed, bool& bracket_error) {
  bracket_error = false;
  if (t.empty() || t.front() != '<') {
    bracket_error = true;
    return std::nullopt;
  }
  const auto fail = [&](std::size_t at) -> std::optional<std::string> {
    // Without any '>' after the failure point the brackets are what is missing.
    bracket_error = t.find('>', at) == std::string_view::npos;
    return std::nullopt;
  };
  std::size_t pos = 1;
  if (pos < t.size() && t[pos] == '>') {
    if (!allow_null) return std::nullopt;  // "<>" is well bracketed, just not an address here
    consumed = 2;
    return std::string();
  }
  if (pos < t.size() && t[pos] == '@') {
    // A-d-l (source route, RFC 5321 §4.1.2 and Appendix C): accepted and ignored.
    for (;;) {
      ++pos;  // '@'
      if (!read_domain(t, pos)) return fail(pos);
      if (pos < t.size() && t[pos] == ',') {
        ++pos;
        if (pos >= t.size() || t[pos] != '@') return fail(pos);
        continue;
      }
      break;
    }
    if (pos >= t.size() || t[pos] != ':') return fail(pos);
    ++pos;
  }
  std::string local;
  bool quoted = false;
  if (pos < t.size() && t[pos] == '"') {
    quoted = true;
    ++pos;
    for (;;) {
      if (pos >= t.size()) return fail(pos);
      const auto c = static_cast<unsigned char>(t[pos]);
      if (c == '"') {
        ++pos;
        break;
      }
      if (c == '\\') {
        // quoted-pairSMTP = %d92 %d32-126
        if (pos + 1 >= t.size()) return fail(pos);
        const auto next = static_cast<unsigned char>(t[pos + 1]);
        if (next < 32 || next > 126) return fail(pos);
        local += static_cast<char>(next);
        pos += 2;
        continue;
      }
      if (c < 32 || c > 126) return fail(pos);  // qtextSMTP is printable ASCII
      local += static_cast<char>(c);
      ++pos;
    }
  } else {
    const std::size_t start = pos;
    while (pos < t.size() && (is_atext(t[pos]) || t[pos] == '.')) ++pos;
    local = std::string(t.substr(start, pos - start));
    if (!is_dot_string(local)) return fail(pos);
  }
  std::string address;
  if (!quoted || is_dot_string(local)) {
    address = local;
  } else {
    address.push_back('"');  // not `= "\""`: g++ 12 -Wrestrict false positive under ASan
    for (char c : local) {
      if (c == '"' || c == '\\') address += '\\';
      address += c;
    }
    address += '"';
  }
  if (pos < t.size() && t[pos] == '@') {
    ++pos;
    const std::size_t start = pos;
    if (!read_domain(t, pos)) return fail(pos);
    address += '@';
    address += t.substr(start, pos - start);
  } else if (!(allow_postmaster && !quoted && ascii::iequals(local, "postmaster"))) {
    return fail(pos);
  }
  if (pos >= t.size() || t[pos] != '>') return fail(pos);
  consumed = pos + 1;
  return address;
}

}  // namespace

std::string Reply::line() const {
  if (status.empty()) return fmt::format("{} {}\r\n", code, text);
  return fmt::format("{} {} {}\r\n", code, status, text);
}

Command split_command(std::string_view line) {
  if (line.empty()) return Command{Verb::empty, {}};
  const std::size_t sp = line.find(' ');
  const std::string_view word = line.substr(0, sp);
  const std::string_view argument = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  static constexpr std::pair<std::string_view, Verb> kVerbs[] = {
      {"LHLO", Verb::lhlo}, {"HELO", Verb::helo}, {"EHLO", Verb::ehlo}, {"MAIL", Verb::mail},
      {"RCPT", Verb::rcpt}, {"DATA", Verb::data}, {"RSET", Verb::rset}, {"NOOP", Verb::noop},
      {"QUIT", Verb::quit}, {"VRFY", Verb::vrfy}};
  for (const auto& [name, verb] : kVerbs) {
    if (ascii::iequals(word, name)) return Command{verb, argument};
  }
  return Command{Verb::unknown, argument};
}

bool has_control_characters(std::string_view line) {
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

std::optional<std::string> parse_path(std::string_view text, bool allow_null, std::size_t& consumed,
                                      bool& bracket_error) {
  return parse_path_impl(text, allow_null, false, consumed, bracket_error);
}

std::optional<Reply> parse_mail(std::string_view argument, MailArgs& out) {
  if (!expect_keyword(argument, "FROM:")) return syntax("Syntax: MAIL FROM:<address> [parameters]");
  std::size_t consumed = 0;
  bool bracket_error = false;
  auto path = parse_path_impl(argument, true, false, consumed, bracket_error);
  if (!path) {
    if (bracket_error) return syntax("Syntax: MAIL FROM:<address>; the address needs angle brackets");
    return Reply{501, "5.1.7", "Bad sender address syntax"};
  }
  std::vector<Param> params;
  if (auto error = split_params(argument.substr(consumed), params)) return error;
  MailArgs args;
  args.reverse_path = std::move(*path);
  bool body_seen = false;
  for (const auto& p : params) {
    if (ascii::iequals(p.keyword, "SIZE")) {
      // RFC 1870 §3: size-value = 1*20DIGIT
      if (args.size) return syntax("SIZE given twice");
      if (!p.value || p.value->size() > 20) return syntax("SIZE needs a number of octets");
      std::uint64_t n = 0;
      for (char c : *p.value) {
        if (!is_digit(c)) return syntax("SIZE needs a number of octets");
        const auto d = static_cast<std::uint64_t>(c - '0');
        n = n > (std::numeric_limits<std::uint64_t>::max() - d) / 10 ? std::numeric_limits<std::uint64_t>::max()
                                                                      : n * 10 + d;
      }
      args.size = n;
    } else if (ascii::iequals(p.keyword, "BODY")) {
      // RFC 6152 §2: BODY=7BIT / BODY=8BITMIME (BINARYMIME is not offered).
      if (body_seen) return syntax("BODY given twice");
      body_seen = true;
      if (!p.value || (!ascii::iequals(*p.value, "7BIT") && !ascii::iequals(*p.value, "8BITMIME")))
        return syntax("BODY must be 7BIT or 8BITMIME");
    } else {
      return Reply{555, "5.5.4", fmt::format("Unsupported MAIL parameter {}", p.keyword)};
    }
  }
  out = std::move(args);
  return std::nullopt;
}

std::optional<Reply> parse_rcpt(std::string_view argument, RcptArgs& out) {
  if (!expect_keyword(argument, "TO:")) return syntax("Syntax: RCPT TO:<address>");
  std::size_t consumed = 0;
  bool bracket_error = false;
  auto path = parse_path_impl(argument, false, true, consumed, bracket_error);
  if (!path) {
    if (bracket_error) return syntax("Syntax: RCPT TO:<address>; the address needs angle brackets");
    return Reply{501, "5.1.3", "Bad recipient address syntax"};
  }
  std::vector<Param> params;
  if (auto error = split_params(argument.substr(consumed), params)) return error;
  if (!params.empty()) return Reply{555, "5.5.4", fmt::format("Unsupported RCPT parameter {}", params.front().keyword)};
  out.forward_path = std::move(*path);
  return std::nullopt;
}

}  // namespace pillarbox::lmtp
