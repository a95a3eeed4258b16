#include "mail/imap_text.h"

#include <algorithm>

namespace pillarbox::mail {

void append_string(std::string& out, std::string_view s) {
  bool quoted = s.size() <= kMaxQuoted;
  bool has_nul = false;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) {
      has_nul = true;
    } else if (c >= 0x80 || c == '\r' || c == '\n') {
      quoted = false;
    }
  }
  std::string without_nul;
  if (has_nul) {
    without_nul.reserve(s.size());
    std::copy_if(s.begin(), s.end(), std::back_inserter(without_nul),
                 [](char c) { return c != '\0'; });
    s = without_nul;
  }
  if (quoted) {
    out += '"';
    for (const char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  } else {
    out += '{';
    out += std::to_string(s.size());
    out += "}\r\n";
    out.append(s);
  }
}

void append_nstring(std::string& out, const std::optional<std::string_view>& s) {
  if (s) {
    append_string(out, *s);
  } else {
    out += "NIL";
  }
}

}  // namespace pillarbox::mail
