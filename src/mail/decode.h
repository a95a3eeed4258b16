// Content decoding for search: transfer encodings (RFC 2045 §6), encoded words (RFC 2047)
// and charsets (ICU ucnv), all to UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pillarbox::mail {

/// Base64 (RFC 2045 §6.8): bytes outside the alphabet are skipped; "=" ends a quantum, so
/// concatenated padded chunks decode too.
std::string decode_base64(std::string_view in);
/// The length of decode_base64(in), counted without building it.
std::uint64_t base64_decoded_size(std::string_view in);
/// Quoted-printable (RFC 2045 §6.7): soft line breaks removed, =XX decoded, a malformed '='
/// kept as it is, literal spaces and tabs at the end of a line (or of the text) deleted
/// (§6.7 rule 3: transport added them).
std::string decode_quoted_printable(std::string_view in);
/// The length of decode_quoted_printable(in), counted without building it.
std::uint64_t quoted_printable_decoded_size(std::string_view in);
/// The body of a part with its Content-Transfer-Encoding removed (unknown encodings: as is).
std::string decode_transfer(std::string_view body, std::string_view encoding);

/// True when `s` is well-formed UTF-8.
bool is_utf8(std::string_view s);
/// `bytes` in `charset` as UTF-8. Empty, us-ascii and utf-8 charsets keep valid UTF-8 as it is;
/// text that is not valid in them, and an unknown charset, are read as ISO-8859-1 so no byte
/// is lost for matching.
std::string to_utf8(std::string_view bytes, std::string_view charset);

/// An unfolded header value with RFC 2047 encoded words decoded and everything converted to
/// UTF-8 (whitespace between adjacent encoded words dropped, §6.2).
std::string decode_header_value(std::string_view unfolded);

}  // namespace pillarbox::mail
