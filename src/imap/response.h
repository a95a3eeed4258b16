// Formatting of IMAP response data (RFC 3501 §4, §7): strings, flags, dates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/types.h"

namespace pillarbox::imap {

/// A string as a quoted string when it is short 7-bit text without CR, LF or NUL, otherwise
/// as a literal "{N}\r\n<bytes>" (RFC 3501 §4.3).
std::string string_out(std::string_view s);
/// An astring (RFC 3501 §9): the bare atom when `s` is a non-empty atom (as rights letters and
/// most addresses are), else as string_out.
std::string astring_out(std::string_view s);
/// Like string_out, but NIL for an empty optional value.
std::string nstring_out(const std::string* s);
/// A mailbox name for LIST/LSUB/STATUS responses: always quoted or a literal.
std::string mailbox_out(std::string_view name);
/// "(\Seen \Answered $Label)"; adds \Recent when `recent`.
std::string flags_out(const store::Flags& flags, bool recent = false);
/// The system flags and `keywords` for FLAGS / PERMANENTFLAGS (without parentheses).
std::string flag_names(const std::vector<std::string>& keywords);
/// INTERNALDATE as "\"17-Jul-1996 02:44:25 -0700\"" (RFC 3501 §9 date-time).
std::string date_time_out(std::int64_t seconds, std::int32_t tz_minutes);

}  // namespace pillarbox::imap
