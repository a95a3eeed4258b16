#include "access/names.h"

#include "access/mutf7.h"
#include "base/ascii.h"

namespace pillarbox::access {
namespace {

// The first level of `name` and what follows its first delimiter (has_rest is false when there
// is no delimiter at all).
struct Split {
  std::string_view first;
  std::string_view rest;
  bool has_rest = false;
};

Split split_first(std::string_view name) {
  const auto slash = name.find(kDelimiter);
  if (slash == std::string_view::npos) return {name, {}, false};
  return {name.substr(0, slash), name.substr(slash + 1), true};
}

// INBOX is case-insensitive as a first level only (RFC 3501 §5.1); "x/inbox" is an ordinary name.
std::string normalise_inbox(std::string_view name) {
  const Split s = split_first(name);
  if (!ascii::iequals(s.first, "INBOX")) return std::string(name);
  std::string out = "INBOX";
  if (s.has_rest) {
    out += kDelimiter;
    out += s.rest;
  }
  return out;
}

std::string_view domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

}  // namespace

std::string_view namespace_response() {
  return R"(NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/")))";
}

NameRef parse_name(std::string_view visible) {
  using Kind = NameRef::Kind;
  const Split top = split_first(visible);
  if (top.first == kPublicFolders) {
    if (top.rest.empty()) return {Kind::public_root, {}, {}};
    return {Kind::public_folder, {}, std::string(top.rest)};
  }
  if (top.first == kOtherUsers) {
    if (top.rest.empty()) return {Kind::other_users_root, {}, {}};
    const Split user = split_first(top.rest);
    if (user.rest.empty()) return {Kind::user_root, std::string(user.first), {}};
    return {Kind::other_user, std::string(user.first), normalise_inbox(user.rest)};
  }
  return {Kind::personal, {}, normalise_inbox(visible)};
}

bool reserved_personal_name(std::string_view name) {
  const std::string_view first = split_first(name).first;
  return ascii::iequals(first, kOtherUsers) || ascii::iequals(first, kPublicFolders);
}

std::string owner_address(std::string_view viewer_address, std::string_view encoded_user_part) {
  // The user part is part of a mailbox name, so it arrives in modified UTF-7 ("r&-d" for r&d).
  const auto decoded = mutf7_to_utf8(encoded_user_part);
  if (!decoded) return {};
  const std::string_view user_part = *decoded;
  if (user_part.empty()) return {};
  if (user_part.find('@') != std::string_view::npos) return ascii::lower(user_part);
  const std::string_view domain = domain_of(viewer_address);
  if (domain.empty()) return ascii::lower(user_part);
  std::string out = ascii::lower(user_part);
  out += '@';
  out += ascii::lower(domain);
  return out;
}

std::string user_part(std::string_view viewer_address, std::string_view owner_address) {
  const auto at = owner_address.rfind('@');
  if (at == std::string_view::npos || viewer_address.find('@') == std::string_view::npos) {
    return std::string(owner_address);
  }
  const std::string_view local = owner_address.substr(0, at);
  // A local part with its own '@' (a quoted one) would read back as a full address.
  if (local.find('@') == std::string_view::npos &&
      ascii::iequals(owner_address.substr(at + 1), domain_of(viewer_address))) {
    return std::string(local);
  }
  return std::string(owner_address);
}

std::string other_user_name(std::string_view viewer_address, std::string_view owner_address, std::string_view name) {
  std::string out(kOtherUsers);
  out += kDelimiter;
  out += utf8_to_mutf7(user_part(viewer_address, owner_address));
  out += kDelimiter;
  out += name;
  return out;
}

std::string public_name(std::string_view name) {
  std::string out(kPublicFolders);
  out += kDelimiter;
  out += name;
  return out;
}

std::optional<std::string> mailbox_name_problem(std::string_view name) {
  if (name.empty()) return "Mailbox name is empty";
  if (name.size() > 1000) return "Mailbox name is longer than 1000 octets";
  if (name.front() == kDelimiter || name.back() == kDelimiter) return "Mailbox name may not start or end with /";
  if (name.find("//") != std::string_view::npos) return "Mailbox name has an empty level (//)";
  if (name.find_first_of("*%") != std::string_view::npos) return "Mailbox name may not contain * or %";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "Mailbox name contains a control character";
    if (c >= 0x80) return "Mailbox name must be 7-bit: modified UTF-7 (RFC 3501 5.1.3) carries other characters";
  }
  auto decoded = mutf7_to_utf8(name);
  if (!decoded) return "Mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3): write & as &- and others as &...-";
  // A shift sequence can carry what the raw bytes may not (U+0001..U+001F, U+007F).
  for (unsigned char c : *decoded)
    if (c < 0x20 || c == 0x7f) return "Mailbox name contains a control character";
  return std::nullopt;
}

}  // namespace pillarbox::access
