// IMAP command argument types produced by the grammar parser (RFC 3501 §9, RFC 9051 §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mail/message.h"
#include "store/types.h"

namespace pillarbox::imap {

/// "*" in a sequence set (RFC 3501 §9 seq-number): the largest number in use.
inline constexpr std::uint32_t kStar = 0;

/// A sequence set as written by the client, before it is resolved against a mailbox: numbers
/// are sequence numbers or UIDs depending on the command; kStar stands for "*".
struct SequenceSet {
  struct Range {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
  };
  std::vector<Range> ranges;
  /// "$": the saved search result (RFC 5182 §2.1), UIDs in every command; `ranges` is empty.
  bool saved = false;
  /// Resolves against `largest` (the highest sequence number or UID in use; 0 for an empty
  /// mailbox): "*" becomes `largest`, each range is ordered, and numbers above `largest` are
  /// kept (the caller filters to what exists).
  store::UidSet resolve(std::uint32_t largest) const;
};

/// One FETCH data item (RFC 3501 §6.4.5), macros already expanded.
struct FetchAttribute {
  enum class Kind {
    envelope, flags, internaldate, rfc822, rfc822_header, rfc822_size, rfc822_text,
    body,            ///< BODY without a section: the non-extensible BODYSTRUCTURE
    bodystructure,
    uid,
    modseq,          ///< RFC 7162 §3.1.4 MODSEQ
    body_section,    ///< BODY[section]<partial> or BODY.PEEK[...]
    binary_section,  ///< BINARY[part]<partial> or BINARY.PEEK[...] (RFC 3516 §4.2)
    binary_size,     ///< BINARY.SIZE[part] (RFC 3516 §4.2)
  };
  Kind kind = Kind::flags;
  mail::Section section;                ///< for body_section; binary_*: only `part`
  bool peek = false;                    ///< BODY.PEEK, BINARY.PEEK: does not set \Seen
  std::optional<std::uint32_t> partial_origin;   ///< <origin.octets>
  std::uint32_t partial_octets = 0;
  /// The name to echo in the response, e.g. "BODY[HEADER.FIELDS (FROM TO)]<0>" (RFC 3501
  /// §7.4.2: the origin only, not the octet count; PEEK dropped).
  std::string response_name;
};

/// A search key as the client wrote it (RFC 3501 §6.4.4). The IMAP layer turns it into a
/// store::SearchKey by resolving sequence sets and \Recent against the selected view.
struct SearchKey {
  enum class Kind {
    store,          ///< a key the store evaluates directly: `store_key` (no children here)
    and_, or_, not_,
    sequence_set,   ///< message sequence numbers in `set`
    uid_set,        ///< UID SET: UIDs in `set`
    recent, new_, old,
  };
  Kind kind = Kind::store;
  store::SearchKey store_key;
  SequenceSet set;
  std::vector<SearchKey> children;
};

/// INTERNALDATE as parsed from a date-time (RFC 3501 §9): seconds since epoch and zone.
struct DateTime {
  std::int64_t seconds = 0;
  std::int32_t tz_minutes = 0;
};

}  // namespace pillarbox::imap
