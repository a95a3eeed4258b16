// Fuzzes Maildir import parsing (src/admin/maildir.h): which directory entries are messages,
// their arrival order, and the flags in a file name's ":2," info, on names taken from the input.
//
// Input layout: 8 header bytes (two 32-bit delivery times), then file names separated by '/'
// (the one byte besides NUL that a file name cannot hold); at most 24 names are used.
// Invariants checked:
//   - maildir_message_file is exactly "non-empty and not starting with '.'";
//   - maildir_flags returns only system-flag bits, 0 without ":2,", depends only on what follows
//     the last ":2,", and appending one of D F R S T to a name with ":2," adds exactly that flag;
//   - maildir_arrival_less is a strict total order (irreflexive, exactly one of a<b, b<a, a==b,
//     transitive), so std::sort gives one order whatever the order the names came in (the
//     directory's);
//   - names "<t1><suffix>" and "<t2><suffix'>" (decimal times, suffixes starting with a
//     non-digit) are ordered by t1 and t2 as numbers when these differ.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "admin/maildir.h"
#include "store/types.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

constexpr std::uint32_t kAll = store::kSeen | store::kAnswered | store::kFlagged | store::kDeleted | store::kDraft;

bool less(std::string_view a, std::string_view b) { return admin::maildir_arrival_less(a, b); }

void check_flags(std::string_view name) {
  const std::uint32_t flags = admin::maildir_flags(name);
  FUZZ_CHECK((flags & ~kAll) == 0);
  const auto info = name.rfind(":2,");
  if (info == std::string_view::npos) {
    FUZZ_CHECK(flags == 0);
    return;
  }
  FUZZ_CHECK(admin::maildir_flags(name.substr(info)) == flags);
  constexpr struct {
    char letter;
    std::uint32_t bit;
  } kLetters[] = {{'D', store::kDraft}, {'F', store::kFlagged}, {'R', store::kAnswered},
                  {'S', store::kSeen}, {'T', store::kDeleted}};
  for (const auto& l : kLetters) FUZZ_CHECK(admin::maildir_flags(std::string(name) + l.letter) == (flags | l.bit));
  FUZZ_CHECK(admin::maildir_flags(std::string(name) + 'P') == flags);
  FUZZ_CHECK(admin::maildir_flags(std::string(name) + 'a') == flags);
}

std::uint32_t u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  const std::uint32_t t1 = u32(data);
  const std::uint32_t t2 = u32(data + 4);
  const std::string_view input(reinterpret_cast<const char*>(data) + 8, size - 8);
  std::vector<std::string_view> names;
  for (std::size_t pos = 0; names.size() < 24;) {
    const auto slash = input.find('/', pos);
    names.push_back(input.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }

  for (const auto name : names) {
    FUZZ_CHECK(admin::maildir_message_file(name) == (!name.empty() && name.front() != '.'));
    check_flags(name);
  }

  for (const auto a : names) {
    FUZZ_CHECK(!less(a, a));
    for (const auto b : names) {
      const int n = int{less(a, b)} + int{less(b, a)} + int{a == b};
      FUZZ_CHECK(n == 1);
      if (names.size() > 12) continue;   // keep triples affordable
      for (const auto c : names)
        if (less(a, b) && less(b, c)) FUZZ_CHECK(less(a, c));
    }
  }
  std::vector<std::string_view> sorted = names;
  std::vector<std::string_view> reversed(names.rbegin(), names.rend());
  std::sort(sorted.begin(), sorted.end(), less);
  std::sort(reversed.begin(), reversed.end(), less);
  FUZZ_CHECK(sorted == reversed);
  for (std::size_t i = 1; i < sorted.size(); ++i) FUZZ_CHECK(!less(sorted[i], sorted[i - 1]));

  // Delivery times as numbers, whatever follows them.
  const std::string_view s1 = names.size() > 0 ? names[0] : std::string_view();
  const std::string_view s2 = names.size() > 1 ? names[1] : s1;
  const std::string a = std::to_string(t1) + "." + std::string(s1);
  const std::string b = std::to_string(t2) + "." + std::string(s2);
  if (t1 != t2) FUZZ_CHECK(less(a, b) == (t1 < t2));
  return 0;
}
