// Test helper: checks that text is one well-formed IMAP parenthesized list as ENVELOPE and
// BODYSTRUCTURE send it (RFC 3501 §9: lists, NIL, numbers, quoted strings, literals).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pillarbox::mail::testing {

class ImapSyntax {
 public:
  /// True when `s` is exactly one list; `error()` says where it went wrong otherwise.
  static bool valid(std::string_view s, std::string* error = nullptr) {
    ImapSyntax p(s);
    const bool ok = p.list(0) && p.i_ == s.size();
    if (!ok && error != nullptr) *error = "at " + std::to_string(p.i_) + ": " + p.why_;
    return ok;
  }

 private:
  explicit ImapSyntax(std::string_view s) : s_(s) {}
  bool fail(const char* why) {
    if (why_.empty()) why_ = why;
    return false;
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

  bool list(int depth) {
    if (depth > 300) return fail("too deep");
    if (peek() != '(') return fail("expected (");
    ++i_;
    if (peek() == ')') return fail("empty list");
    while (true) {
      const bool is_list = peek() == '(';
      if (!item(depth)) return false;
      if (peek() == ')') {
        ++i_;
        return true;
      }
      if (peek() == ' ') {
        ++i_;
        if (peek() == ' ' || peek() == ')') return fail("stray space");
      } else if (!(peek() == '(' && is_list)) {  // body parts follow each other with no space
        return fail("expected space or )");
      }
    }
  }

  bool item(int depth) {
    const char c = peek();
    if (c == '(') return list(depth + 1);
    if (c == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        const auto b = static_cast<unsigned char>(s_[i_]);
        if (b == 0 || b >= 0x80 || b == '\r' || b == '\n') return fail("bad byte in quoted");
        if (b == '\\') {
          ++i_;
          if (peek() != '\\' && peek() != '"') return fail("bad escape");
        }
        ++i_;
      }
      if (peek() != '"') return fail("unterminated quoted");
      ++i_;
      return true;
    }
    if (c == '{') {
      ++i_;
      std::size_t n = 0;
      const std::size_t start = i_;
      while (peek() >= '0' && peek() <= '9') n = n * 10 + static_cast<std::size_t>(s_[i_++] - '0');
      if (i_ == start || s_.substr(i_, 3) != "}\r\n") return fail("bad literal");
      i_ += 3;
      if (s_.size() - i_ < n) return fail("short literal");
      if (s_.substr(i_, n).find('\0') != std::string_view::npos) return fail("NUL in literal");
      i_ += n;
      return true;
    }
    if (s_.substr(i_, 3) == "NIL") {
      i_ += 3;
      return true;
    }
    if (c >= '0' && c <= '9') {
      while (peek() >= '0' && peek() <= '9') ++i_;
      return true;
    }
    return fail("unexpected byte");
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string why_;
};

}  // namespace pillarbox::mail::testing
