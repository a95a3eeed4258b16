#include "admin/maildir.h"

#include "store/types.h"

namespace pillarbox::admin {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// <0, 0, >0 as `a` comes before, with, after `b`, digit runs compared as numbers.
int compare_numeric_runs(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      while (i < a.size() && a[i] == '0') ++i;   // leading zeros do not count
      while (j < b.size() && b[j] == '0') ++j;
      const std::size_t i0 = i;
      const std::size_t j0 = j;
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
      if (i - i0 != j - j0) return i - i0 < j - j0 ? -1 : 1;   // fewer digits: smaller
      if (const int c = a.substr(i0, i - i0).compare(b.substr(j0, j - j0)); c != 0) return c;
      continue;
    }
    // A digit against another byte: every digit run is on the same side of that byte.
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace

bool maildir_message_file(std::string_view file_name) { return !file_name.empty() && file_name.front() != '.'; }

bool maildir_arrival_less(std::string_view a, std::string_view b) {
  const int c = compare_numeric_runs(a, b);
  return c != 0 ? c < 0 : a < b;
}

std::uint32_t maildir_flags(std::string_view file_name) {
  auto info = file_name.rfind(":2,");
  if (info == std::string_view::npos) return 0;
  std::uint32_t flags = 0;
  for (char c : file_name.substr(info + 3)) {
    switch (c) {
      case 'D': flags |= store::kDraft; break;
      case 'F': flags |= store::kFlagged; break;
      case 'R': flags |= store::kAnswered; break;
      case 'S': flags |= store::kSeen; break;
      case 'T': flags |= store::kDeleted; break;
      default: break;
    }
  }
  return flags;
}

}  // namespace pillarbox::admin
