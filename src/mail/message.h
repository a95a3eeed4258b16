// RFC 5322 / MIME parsing for IMAP: ENVELOPE, BODYSTRUCTURE, BODY[section] and search text.
// Pure: no I/O, no store, no session. Never fails: malformed input gets a best-effort
// structure (RFC 3501 leaves that to the server) and is never rejected.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pillarbox::mail {

/// The served form of stored bytes: each bare LF becomes CRLF (RFC 5322 §2.3); nothing else
/// changes (a lone CR stays, NUL bytes stay).
std::string to_crlf(std::string_view raw);
/// Length of to_crlf(raw) without building it.
std::uint64_t crlf_size(std::string_view raw);

/// The header block of a message (stored or served bytes), with the empty line that ends it
/// when there is one: the same split Message makes (RFC 5322 §2.1), so a Message built from
/// to_crlf(header_of(raw)) has the same top-level header fields as one built from the
/// whole message, and an empty body. A view into `message`.
std::string_view header_of(std::string_view message);

/// A BODY[section] specifier (RFC 3501 §6.4.5).
struct Section {
  enum class Text { none, header, header_fields, header_fields_not, mime, text };
  std::vector<std::uint32_t> part;   ///< part numbers, 1-based; empty = the whole message
  Text text = Text::none;
  std::vector<std::string> fields;   ///< header field names for HEADER.FIELDS[.NOT]
};

struct Part;  // internal part tree, defined in part.h

/// A parsed message. Holds the served bytes (CRLF) it was parsed from and refers into them.
class Message {
 public:
  /// Parses served bytes (call to_crlf first on stored bytes). Never fails.
  explicit Message(std::shared_ptr<const std::string> crlf_bytes);
  ~Message();
  Message(Message&&) noexcept;
  Message& operator=(Message&&) noexcept;

  const std::string& bytes() const { return *bytes_; }

  /// RFC 3501 §7.4.2 ENVELOPE as IMAP text: "(date subject from sender reply-to to cc bcc
  /// in-reply-to message-id)". Header values that are not 7-bit clean are sent as literals.
  std::string envelope() const;
  /// RFC 3501 §7.4.2 BODYSTRUCTURE (extensible = true) or BODY (false) as IMAP text.
  std::string body_structure(bool extensible) const;
  /// The bytes of BODY[section] (before any <origin.octets> cut), or nullopt when the section
  /// does not exist in this message (the caller answers NIL).
  std::optional<std::string> section(const Section& section) const;

  /// The result of binary(): the decoded content, or why there is none. Identity encodings
  /// and BINARY[] are a view into bytes() (valid while this Message lives); only base64 and
  /// quoted-printable content is decoded into a string of its own.
  class Binary {
   public:
    enum class Status {
      ok,
      missing,      ///< the part does not exist (BINARY answers NIL)
      unknown_cte,  ///< a Content-Transfer-Encoding this server cannot decode (NO [UNKNOWN-CTE])
    };
    Status status = Status::ok;
    /// The content (empty unless status is ok).
    std::string_view data() const { return owns_ ? std::string_view(decoded_) : view_; }

   private:
    friend class Message;
    std::string_view view_;
    std::string decoded_;
    bool owns_ = false;
  };
  /// The result of binary_size().
  struct BinarySize {
    Binary::Status status = Binary::Status::ok;
    std::uint64_t size = 0;  ///< decoded octets (0 unless status is ok)
  };
  /// RFC 3516 §4.2 BINARY[part] (before any <origin.octets> cut): the part's body with its
  /// Content-Transfer-Encoding removed. base64 and quoted-printable are decoded; 7bit, 8bit,
  /// binary and none are the body as is. A multipart or message/rfc822 part has only those
  /// identity encodings (RFC 2045 §6.4), so its body comes as is. An empty `part` (BINARY[])
  /// is the whole message unchanged: a message has no encoding of its own, only its body has,
  /// and that body is BINARY[1] of a single-part message.
  Binary binary(const std::vector<std::uint32_t>& part) const;
  /// RFC 3516 §4.2 BINARY.SIZE[part]: binary(part).data().size(), counted without building
  /// the decoded content.
  BinarySize binary_size(const std::vector<std::uint32_t>& part) const;
  /// binary(part).status without decoding anything: whether the part exists and its encoding
  /// can be decoded (FETCH checks this before it changes any flag, RFC 3516 §4.3).
  Binary::Status binary_status(const std::vector<std::uint32_t>& part) const;

  // --- search support (RFC 3501 §6.4.4); needles are UTF-8, matched case-insensitively ---
  /// True if some header field `name` exists whose unfolded, RFC 2047-decoded value contains
  /// `needle` (an empty needle matches any present field). Top-level header only.
  bool header_contains(std::string_view name, std::string_view needle) const;
  /// True if the decoded (transfer encoding removed, charset converted to UTF-8) text of some
  /// text/* or message/* leaf part contains `needle`.
  bool body_contains(std::string_view needle) const;
  /// header_contains over all fields || body_contains.
  bool text_contains(std::string_view needle) const;
  /// The Date: header's calendar day in its own zone, as days since 1970-01-01; nullopt if
  /// absent or unparsable.
  std::optional<std::int64_t> sent_date_days() const;

  // --- text for full-text indexing (the same text the *_contains functions match) ---
  /// The text SEARCH looks at, case-folded as the *_contains functions fold it (fold_case),
  /// for a full-text index. Each chunk the functions match one at a time (a header field as
  /// "Name: value", the decoded text of a part) is followed by '\n', so a needle without a
  /// line feed is in the joined text exactly when some chunk contains it.
  struct SearchText {
    std::string header;        ///< the top-level header fields (TEXT)
    std::string body;          ///< what body_contains searches (BODY and TEXT)
    std::string part_headers;  ///< the MIME headers of the body parts (TEXT only)
  };
  SearchText search_text() const;

 private:
  /// The part a section's part numbers name (RFC 3501 §6.4.5); nullptr for none given (the
  /// message itself). `found` false when there is no such part.
  const Part* locate(const std::vector<std::uint32_t>& part, bool& found) const;

  std::shared_ptr<const std::string> bytes_;
  std::unique_ptr<Part> root_;
};

/// Case-insensitive substring test on UTF-8 text using Unicode case folding (ICU).
bool contains_folded(std::string_view haystack, std::string_view needle);

/// Unicode full case folding (ICU; "Straße" → "strasse"), as SEARCH compares text. Invalid
/// UTF-8 becomes U+FFFD. The result is valid UTF-8.
std::string fold_case(std::string_view text);

}  // namespace pillarbox::mail
