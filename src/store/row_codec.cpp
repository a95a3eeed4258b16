#include "store/row_codec.h"

namespace pillarbox::store {

std::string encode_keywords(const std::vector<std::string>& keywords) {
  std::string out;
  for (const auto& k : keywords) {
    if (!out.empty()) out.push_back(' ');
    out += k;
  }
  return out;
}

std::vector<std::string> decode_keywords(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto sp = text.find(' ');
    auto word = text.substr(0, sp);
    if (!word.empty()) out.emplace_back(word);
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }
  return out;
}

Flags normalized(const Flags& in) {
  Flags out;
  out.system = in.system & (kSeen | kAnswered | kFlagged | kDeleted | kDraft);
  for (const auto& k : in.keywords)
    if (!k.empty() && k.find(' ') == std::string::npos) out.add_keyword(k);
  return out;
}

}  // namespace pillarbox::store
