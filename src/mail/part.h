// Internal part tree of a parsed message (RFC 5322, RFC 2045-2049), shared by the files of
// src/mail. Everything here points into the served (CRLF) bytes a Message owns; a Part must
// not outlive those bytes. Not part of the mail layer's public contract (message.h is).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pillarbox::mail {

/// Limits that keep hostile input bounded (the values Dovecot uses for the same purpose).
inline constexpr int kMaxNesting = 100;  ///< deeper multiparts/messages become text/plain leaves
inline constexpr int kMaxParts = 10000;  ///< parts past this many are not split out

/// One header field of a header block. Views point into the message bytes.
struct HeaderField {
  std::string_view name;   ///< before the colon, trailing WSP removed; empty when no colon
  std::string_view value;  ///< after the colon up to the final line end; still folded
  std::string_view raw;    ///< the whole field: name, folded lines and the final line end
};

/// Walks the fields of a header block in order; stops at the empty line that ends the block.
/// A line with no colon is reported as a field with an empty name (and the line as value).
class HeaderReader {
 public:
  explicit HeaderReader(std::string_view block) : block_(block) {}
  /// Fills `field` with the next field; false at the end of the block.
  bool next(HeaderField& field);

 private:
  std::string_view block_;
  std::size_t pos_ = 0;
};

/// The first field called `name` (ASCII case-insensitive) in a header block.
std::optional<HeaderField> find_field(std::string_view block, std::string_view name);

/// A folded value with every CR LF (and bare LF) removed and outer WSP trimmed
/// (RFC 5322 §2.2.3 unfolding).
std::string unfold(std::string_view value);

/// Number of text lines in `body`: LFs, plus one for a last line without a line end.
std::uint32_t count_lines(std::string_view body);

/// A Content-Type or Content-Disposition parameter. RFC 2231 continuations (name*0, name*1*)
/// are merged into one parameter; when any segment is extended the merged name keeps the
/// trailing `*` and the value stays in charset'language'%XX form (as Dovecot serves it), so
/// BODYSTRUCTURE stays 7-bit and nothing is lost.
struct Param {
  std::string name;
  std::string value;
};

/// A parsed "token/token; a=b" (Content-Type) or "token; a=b" (Content-Disposition) value.
struct MediaValue {
  std::string_view type;     ///< empty when missing
  std::string_view subtype;  ///< empty when missing or not asked for
  std::vector<Param> params;
};
/// Parses a (folded) structured MIME header value. `with_subtype`: expect "type/subtype".
MediaValue parse_media_value(std::string_view value, bool with_subtype);
/// The value of parameter `name` (ASCII case-insensitive), or nullptr.
const Param* find_param(const std::vector<Param>& params, std::string_view name);

/// One MIME entity: the whole message, a part of a multipart, or the message inside a
/// message/rfc822 part.
struct Part {
  enum class Kind : std::uint8_t { leaf, multipart, message };
  Kind kind = Kind::leaf;
  std::string_view header;  ///< header block incl. the empty line that ends it (if present)
  std::string_view body;    ///< the bytes after the header block
  std::string_view type;    ///< as written, or the default ("text", or "message" in a digest)
  std::string_view subtype;
  std::vector<Param> params;      ///< Content-Type parameters
  std::vector<Part> children;     ///< multipart: the parts, in order (never empty)
  std::unique_ptr<Part> message;  ///< message: the embedded message
  // Raw values of the other MIME fields (folded, not trimmed); nullopt = field absent.
  std::optional<std::string_view> encoding, id, description, md5, disposition, language, location;
};

/// Parses a whole message (served CRLF bytes). Never fails.
std::unique_ptr<Part> parse_message(std::string_view bytes);

}  // namespace pillarbox::mail
