#include "access/rights.h"

#include <cstdio>

#include "access/utf8.h"
#include "base/ascii.h"

namespace pillarbox::access {
namespace {

// RFC 4314 §2.1, in the order its list gives; bit i of Rights is kStandard[i].
constexpr std::string_view kStandard = "lrswipkxtea";

std::uint16_t bit(char right) {
  const auto i = kStandard.find(right);
  return i == std::string_view::npos ? 0 : static_cast<std::uint16_t>(1u << i);
}

// Names a rejected character so the client sees what to fix; bytes that would not survive a
// one-line response text are shown as hex.
std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("\"") + c + "\"";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(u));
  return buf;
}

}  // namespace

Rights Rights::all() { return Rights(static_cast<std::uint16_t>((1u << kStandard.size()) - 1)); }

bool Rights::has(char right) const {
  const std::uint16_t b = bit(right);
  return b != 0 && (bits_ & b) != 0;
}

Result<Rights> parse_rights(std::string_view text) {
  std::uint16_t bits = 0;
  for (char c : text) {
    if (c == 'c') {
      bits |= bit('k') | bit('x');  // §2.1.1 "create", as the header explains
    } else if (c == 'd') {
      bits |= bit('t') | bit('e');  // §2.1.1 "delete"
    } else if (const auto b = bit(c); b != 0) {
      bits |= b;
    } else if (c >= 'A' && c <= 'Z') {
      return make_error(Errc::invalid, "Rights must be lower-case letters, not " + describe(c));
    } else {
      return make_error(Errc::invalid, "Unknown right " + describe(c) + " (known: lrswipkxtea, c, d)");
    }
  }
  return Rights(bits);
}

std::string to_letters(Rights rights) {
  std::string out;
  for (char c : kStandard) {
    if (rights.has(c)) out += c;
  }
  return out;
}

std::string to_string(Rights rights) {
  std::string out = to_letters(rights);
  if (rights.has('k') || rights.has('x')) out += 'c';
  if (rights.has('t') || rights.has('e')) out += 'd';
  return out;
}

std::string_view rights_capability() { return "RIGHTS=texk"; }

std::string listrights_answer(bool owner_identifier) {
  if (owner_identifier) return to_string(Rights::all());
  std::string out = "\"\"";
  for (char c : kStandard) {
    out += ' ';
    out += c;
  }
  out += " c d";
  return out;
}

Rights effective_rights(std::string_view user_address, const std::vector<AclEntry>& entries) {
  Rights granted;
  Rights denied;
  for (const AclEntry& entry : entries) {
    std::string_view id = entry.identifier;
    const bool negative = !id.empty() && id.front() == '-';
    if (negative) id.remove_prefix(1);
    if (id.empty()) continue;
    const bool applies = ascii::iequals(id, "anyone") ||
                         (!user_address.empty() &&
                          (ascii::iequals(id, "authenticated") || ascii::iequals(id, user_address)));
    if (!applies) continue;
    (negative ? denied : granted) |= entry.rights;
  }
  return granted - denied;
}

Result<std::string> normalize_identifier(std::string_view identifier) {
  if (identifier.empty()) return make_error(Errc::invalid, "Identifier is empty");
  if (identifier.size() > 255) return make_error(Errc::invalid, "Identifier is too long");
  const std::string_view name = identifier.front() == '-' ? identifier.substr(1) : identifier;
  if (name.empty()) return make_error(Errc::invalid, "Identifier \"-\" names nobody");
  if (name.front() == '-') return make_error(Errc::invalid, "Identifier may start with one \"-\" only");
  for (char c : identifier) {
    const auto u = static_cast<unsigned char>(c);
    if (u == ' ') return make_error(Errc::invalid, "Identifier contains a space");
    if (u < 0x20 || u == 0x7f) return make_error(Errc::invalid, "Identifier contains a control character");
  }
  if (!utf8::valid(identifier)) return make_error(Errc::invalid, "Identifier is not valid UTF-8");
  // Addresses are kept lower-case everywhere (store::Account), and "anyone"/"authenticated"
  // are matched without regard to case, so one lower-casing serves all three kinds.
  return ascii::lower(identifier);
}

Result<Rights> apply_modification(Rights current, std::string_view modification) {
  if (!modification.empty() && (modification.front() == '+' || modification.front() == '-')) {
    auto change = parse_rights(modification.substr(1));
    if (!change) return change.error();
    return modification.front() == '+' ? current | *change : current - *change;
  }
  return parse_rights(modification);
}

}  // namespace pillarbox::access
