// POP3 command-line syntax (RFC 1939 §3, RFC 2449 §3): a keyword, then arguments each after a
// single SP. Pure functions, unit-tested from strings; the session knows nothing of syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pillarbox::pop3 {

/// One command line, split at the keyword.
struct CommandLine {
  std::string name;        ///< the keyword, upper-cased (keywords are case-insensitive)
  /// Everything after the keyword's SP, verbatim. PASS takes it whole, because a password may
  /// contain spaces (RFC 1939 §7, PASS discussion); other commands split it (split_arguments).
  std::string rest;
  bool has_rest = false;   ///< a SP followed the keyword ("PASS " has an empty rest)
};

/// Parses a line without its CRLF. Errc::invalid, with client-safe text, for: an empty line, a
/// keyword that is not 1-20 ASCII letters, or a control character (NUL, CR, TAB ...) anywhere.
/// The keyword is not looked up.
Result<CommandLine> parse_command(std::string_view line);

/// The arguments of `command`: its rest split at single spaces; none without a rest.
/// Errc::invalid for an empty argument (two spaces in a row, a trailing space).
Result<std::vector<std::string>> split_arguments(const CommandLine& command);

/// A non-negative decimal number as POP3 arguments use it (msg, and n of TOP): ASCII digits only,
/// no sign. Values beyond 2^64-1 saturate (so "99999999999999999999999" is simply too large for
/// any maildrop). nullopt when empty or not all digits.
std::optional<std::uint64_t> parse_number(std::string_view text);

/// The unique-id listing of a message (RFC 1939 §7 UIDL): 16 lower-case hex digits, the
/// mailbox's UIDVALIDITY then the UID, each 8 digits. Stable for as long as the message exists
/// because neither value ever changes for it (RFC 3501 §2.3.1.1).
std::string unique_id(std::uint32_t uid_validity, std::uint32_t uid);

}  // namespace pillarbox::pop3
