// RFC 5322 §3.4 address lists as RFC 3501 §7.4.2 ENVELOPE addresses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pillarbox::mail {

/// One ENVELOPE address: (name adl mailbox host). A group start is (NIL NIL "group" NIL),
/// a group end is (NIL NIL NIL NIL) (RFC 3501 §7.4.2).
struct Address {
  std::optional<std::string> name, adl, mailbox, host;
};

/// Host given to an address that has no domain ("To: root"): a string, never NIL, because NIL
/// would make it a group marker. Dovecot serves the same word.
inline constexpr std::string_view kMissingDomain = "MISSING_DOMAIN";
/// Mailbox given to a route-addr with no local part ("<>" or "<@host>").
inline constexpr std::string_view kMissingMailbox = "MISSING_MAILBOX";

/// Parses an unfolded address-list value. Tolerant: garbage between addresses is skipped,
/// an unclosed group is closed, display names keep RFC 2047 words raw. A display name comes
/// from the phrase or, for a bare addr-spec, from a trailing comment ("a@b (Name)").
std::vector<Address> parse_address_list(std::string_view value);

/// Appends "((...)(...))" or NIL for an empty list.
void append_address_list(std::string& out, const std::vector<Address>& list);

}  // namespace pillarbox::mail
