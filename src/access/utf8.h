// Strict UTF-8 decoding (RFC 3629) for the access layer: modified UTF-7 conversion (mutf7.h)
// and ACL identifier checks (rights.h). Internal to pb_access; other layers have ICU.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::access::utf8 {

/// Decodes the code point that starts at `pos` in `text` and advances `pos` past it.
/// Returns nullopt, leaving `pos` unchanged, when the bytes there are not well-formed UTF-8
/// (RFC 3629 §4: no overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF, no
/// truncated sequence). `pos` must be < text.size().
std::optional<char32_t> decode(std::string_view text, std::size_t& pos);

/// True when all of `text` is well-formed UTF-8.
bool valid(std::string_view text);

/// Appends the UTF-8 form of `cp` (a Unicode scalar value: not a surrogate, at most U+10FFFF).
void append(std::string& out, char32_t cp);

}  // namespace pillarbox::access::utf8
