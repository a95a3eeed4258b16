// Fuzzes mbox import parsing (src/admin/mbox.h): split_mbox with both quoting variants and
// parse_from_line_date on every line (Maildir names: fuzz_maildir).
//
// Invariants checked:
//   - both variants find the same separators (same count, same dates);
//   - messages never hold more bytes than the file;
//   - mboxrd removes one ">" from every ">+From " line, mboxo only from ">From ", so an mboxrd
//     message is never longer than its mboxo twin.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "admin/mbox.h"
#include "fuzz_check.h"

using namespace pillarbox;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  const auto rd = admin::split_mbox(file, admin::MboxVariant::mboxrd);
  const auto o = admin::split_mbox(file, admin::MboxVariant::mboxo);
  FUZZ_CHECK(rd.size() == o.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < rd.size(); ++i) {
    FUZZ_CHECK(rd[i].from_date == o[i].from_date);
    FUZZ_CHECK(rd[i].content.size() <= o[i].content.size());
    total += o[i].content.size();
  }
  FUZZ_CHECK(total <= size);

  std::size_t pos = 0;
  while (pos < file.size()) {
    auto eol = file.find('\n', pos);
    if (eol == std::string_view::npos) eol = file.size();
    (void)admin::parse_from_line_date(file.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return 0;
}
