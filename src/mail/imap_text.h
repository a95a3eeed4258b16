// IMAP string output for ENVELOPE and BODYSTRUCTURE (RFC 3501 §4.3, §9 "string").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::mail {

/// Longest value sent as a quoted string; longer ones go out as literals.
inline constexpr std::size_t kMaxQuoted = 1024;

/// Appends `s` as a quoted string when it is 7-bit, has no CR or LF and is at most
/// kMaxQuoted bytes (escaping \ and "), otherwise as a literal {N}CRLF<bytes>. NUL bytes,
/// which no IMAP string may hold, are dropped.
void append_string(std::string& out, std::string_view s);
/// NIL for nullopt, else append_string.
void append_nstring(std::string& out, const std::optional<std::string_view>& s);

}  // namespace pillarbox::mail
