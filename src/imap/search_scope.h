// Resolving a parsed SEARCH program against the session's view (RFC 3501 §6.4.4).
#pragma once

#include <span>

#include "imap/types.h"
#include "store/types.h"

namespace pillarbox::imap {

/// The parts of the selected view a SEARCH program refers to: message sequence numbers,
/// "*", \Recent (RFC 3501 §6.4.4) and "$" (RFC 5182 §2.1). All three are session state the
/// store does not know, so they are turned into UID sets before the store evaluates the rest.
struct SearchScope {
  std::span<const store::Uid> uids;   ///< UIDs in sequence order (uids[0] is message 1), ascending
  const store::UidSet& recent;        ///< this session's \Recent messages, UIDs
  const store::UidSet& saved_search;  ///< "$", UIDs
};

/// Message sequence numbers (1-based) → the UIDs they stand for in `uids` (sequence order);
/// numbers past uids.size() are dropped.
store::UidSet uids_of_sequence(std::span<const store::Uid> uids, const store::UidSet& seqs);

/// Turns the program the parser produced into the store's form: sequence sets, UID sets (with
/// "*" as the highest UID in `scope`), "$", RECENT, NEW (RECENT UNSEEN) and OLD (NOT RECENT)
/// become UID sets; AND/OR/NOT keep their shape; other keys pass through. Never fails.
store::SearchKey to_store_key(const SearchKey& key, const SearchScope& scope);

}  // namespace pillarbox::imap
