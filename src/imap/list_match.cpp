#include "imap/list_match.h"

#include <string>
#include <vector>

#include "base/ascii.h"

namespace pillarbox::imap {

bool list_match(std::string_view pattern, std::string_view name) {
  // Let "INBOX" (any case) at the start of both compare equal regardless of case.
  std::string p(pattern);
  std::string n(name);
  auto fold_inbox = [](std::string& s) {
    if (ascii::istarts_with(s, "INBOX") && (s.size() == 5 || s[5] == '/')) {
      for (int i = 0; i < 5; ++i) s[i] = ascii::to_upper(s[i]);
    }
  };
  fold_inbox(p);
  fold_inbox(n);
  // match[j]: does p[0..i) match n[0..j)?
  std::vector<char> prev(n.size() + 1, 0), cur(n.size() + 1, 0);
  prev[0] = 1;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    char pc = p[i - 1];
    cur[0] = (pc == '*' || pc == '%') ? prev[0] : 0;
    for (std::size_t j = 1; j <= n.size(); ++j) {
      char nc = n[j - 1];
      if (pc == '*') cur[j] = prev[j] || cur[j - 1];
      else if (pc == '%') cur[j] = prev[j] || (cur[j - 1] && nc != '/');
      else cur[j] = prev[j - 1] && pc == nc;
    }
    std::swap(prev, cur);
  }
  return prev[n.size()] != 0;
}

}  // namespace pillarbox::imap
