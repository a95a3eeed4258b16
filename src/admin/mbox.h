// Reading mbox files (RFC 4155) for import: splitting at "From " separator lines and undoing
// the ">From " quoting of the variant in use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pillarbox::admin {

/// How "From " lines inside messages were quoted when the file was written.
enum class MboxVariant {
  mboxrd,  ///< ">*From " got one more ">" (reversible): remove one ">" from ">+From "
  mboxo,   ///< only "From " became ">From ": turn ">From " back into "From "
};

struct MboxMessage {
  std::string content;                    ///< the message without its separator line
  std::optional<std::int64_t> from_date;  ///< the separator's asctime date, seconds since epoch (UTC)
};

/// Splits an mbox file. A separator is a line starting with "From " at the start of the file or
/// after an empty line, or one that carries an asctime date and is followed by a header field
/// (archives that lost the blank line); the empty line before a separator belongs to the file
/// format, not to the message. LF and CRLF files both work. Text before the first separator is
/// ignored.
std::vector<MboxMessage> split_mbox(std::string_view file, MboxVariant variant);

/// Parses the date at the end of a separator line ("From a@b Sat Jan  3 01:05:34 1996"),
/// tolerating a trailing zone or extra fields; nullopt when it has none.
std::optional<std::int64_t> parse_from_line_date(std::string_view line);

}  // namespace pillarbox::admin
