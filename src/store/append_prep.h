// What APPEND stores about a message besides its bytes, worked out once, before a store takes
// its write lock (parsing is the slow part). Shared by the SQLite and PostgreSQL stores.
#pragma once

#include <cstdint>
#include <string>

#include "store/types.h"

namespace pillarbox::store {

/// The columns a message row carries beside its bytes.
struct PreparedAppend {
  std::uint64_t size = 0;       ///< RFC822.SIZE: octets as served, with CRLF line ends
  std::string envelope;         ///< ENVELOPE, as FETCH sends it (RFC 3501 §7.4.2)
  std::string body_structure;   ///< BODYSTRUCTURE, with extension data
  std::string body;             ///< BODY: the structure without extension data
  Flags flags;                  ///< the request's flags, normalized
  std::int64_t internal_date = 0;     ///< seconds since the epoch
  std::int32_t internal_date_tz = 0;  ///< minutes east of UTC
};

/// Parses `req.content` once and fills every column; an absent internal date becomes `now`
/// (seconds since the epoch; RFC 3501 §6.3.11). Never fails: malformed mail still gets an
/// envelope and a structure, as its parse allows.
PreparedAppend prepare_append(const AppendRequest& req, std::int64_t now);

}  // namespace pillarbox::store
