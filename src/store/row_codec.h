// How mailbox and message metadata are kept in database rows, shared by the SQLite and
// PostgreSQL stores: the mailbox row the write paths lock, keywords as one space-separated text
// column, flags normalised before they are stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace pillarbox::store {

/// One mailbox row, as the stores' write paths lock and read it.
struct MailboxRow {
  MailboxId id = 0;
  AccountId account = 0;
  std::string name;
  std::uint32_t uid_validity = 0;
  Uid uid_next = 1;
  ModSeq highest_modseq = 1;
};

/// Keywords are atoms (RFC 3501 §9: no spaces), so a space-separated list is unambiguous.
std::string encode_keywords(const std::vector<std::string>& keywords);
/// The inverse of encode_keywords; empty words (doubled spaces) are skipped.
std::vector<std::string> decode_keywords(std::string_view text);
/// Flags from outside with the Flags rules applied: only the five system flags, keywords
/// non-empty, without spaces, each once (Flags::add_keyword).
Flags normalized(const Flags& in);

}  // namespace pillarbox::store
