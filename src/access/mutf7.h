// Modified UTF-7 mailbox names (RFC 3501 §5.1.3; RFC 9051 §5.1.3 keeps it for clients that have
// not enabled UTF8=ACCEPT). Strict: exactly one encoding of each name is accepted, the one
// utf8_to_mutf7 produces, so a name compares equal to itself however a client wrote it and
// mutf7 -> UTF-8 -> mutf7 gives back the same bytes.
//
// The form accepted:
//  - outside a shift, only printable US-ASCII 0x20..0x7E, each standing for itself, except '&';
//  - "&-" stands for '&';
//  - any other "&" starts a shift: modified BASE64 (RFC 2152's alphabet with ',' for '/', no
//    '=' padding) of UTF-16, ended by an explicit '-' (no implicit end at a non-base64 byte, and
//    a name may not end inside a shift);
//  - the UTF-16 is well-formed: every high surrogate is followed by a low one and no low one
//    stands alone;
//  - a shift never encodes a printable US-ASCII character (0x20..0x7E), '&' included, since
//    each of those has a direct form ("MUST NOT" in §5.1.3);
//  - the bits after the last 16-bit unit number fewer than 6 and are all zero, so no shift
//    carries a spare base64 character or hidden data (RFC 2152 says such bits are discarded;
//    we refuse them so the encoding stays unique);
//  - a shift is not empty ("&-" being '&') and two shifts are never adjacent: §5.1.3 calls
//    "&U,BTFw-&ZeVnLIqe-" a superfluous shift and gives "&U,BTF2XlZyyKng-" as the correct form.
//    "&AKM-&-" ('£' then '&') is fine: the second "&" is the escape, not a shift;
//  - no shift encodes U+0000: the RFC allows it, but a NUL inside a name would be cut short by
//    any C interface it reaches (Dovecot's imap-utf7.c refuses it for the same reason).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::access {

/// True when `name` is modified UTF-7 in the one form described above.
bool valid_mutf7(std::string_view name);

/// The UTF-8 form of a modified UTF-7 name, or nullopt when valid_mutf7(name) is false.
/// Characters outside the BMP come from surrogate pairs. Control characters that a shift
/// encodes (U+0001..U+001F, U+007F, U+0080..U+009F) are returned as they are: refusing them in
/// mailbox names is the caller's policy, not an encoding rule.
std::optional<std::string> mutf7_to_utf8(std::string_view name);

/// The modified UTF-7 form of a UTF-8 name. Printable US-ASCII is copied (with '&' as "&-");
/// every run of other characters becomes one shift. For well-formed UTF-8 without NUL the result
/// is valid and mutf7_to_utf8 gives back the input. Malformed UTF-8 (RFC 3629: a stray continuation
/// byte, an overlong form, an encoded surrogate, a truncated sequence, a value above U+10FFFF)
/// does not fail: each byte that does not start a well-formed sequence is encoded as U+FFFD,
/// and so is a NUL byte, so the result is always valid modified UTF-7, but such an input cannot
/// be recovered from it.
std::string utf8_to_mutf7(std::string_view utf8);

}  // namespace pillarbox::access
