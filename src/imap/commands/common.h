// Helpers shared by command handlers: error mapping, mailbox-name rules, set resolution.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "imap/session.h"
#include "imap/types.h"

namespace pillarbox::imap {

/// The tagged NO for a store error, with its RFC 5530 code; logs the detail.
Reply reply_for(const Session& session, const Error& error);
/// A tagged BAD carrying the parser's first error.
Reply syntax_error(const Parser& parser);

/// Checks a mailbox name a client wants to create or rename to: not empty, at most 1000
/// octets, no empty hierarchy level, no control characters, 7-bit (RFC 3501 §5.1.3 modified
/// UTF-7 carries everything else). Returns the problem, or nullopt when the name is fine.
std::optional<std::string> invalid_mailbox_name(std::string_view name);

/// The UIDs a sequence set stands for in the selected mailbox, restricted to messages the
/// session knows: message sequence numbers unless `uid`, then UIDs ("*" is the largest).
store::UidSet resolve_set(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid);
/// For commands that take message sequence numbers: an error text when `set` names a number
/// past the last message (RFC 9051 §6.4: BAD for an invalid sequence number), else nullopt.
std::optional<std::string> invalid_sequence(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid);
/// Splits `set` into consecutive pieces of at most `max` UIDs (batches for the store).
std::vector<store::UidSet> split(const store::UidSet& set, std::uint64_t max);

}  // namespace pillarbox::imap
