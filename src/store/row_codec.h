// How message metadata is kept in database rows, shared by the SQLite and PostgreSQL stores:
// keywords as one space-separated text column, flags normalised before they are stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace pillarbox::store {

/// Keywords are atoms (RFC 3501 §9: no spaces), so a space-separated list is unambiguous.
std::string encode_keywords(const std::vector<std::string>& keywords);
/// The inverse of encode_keywords; empty words (doubled spaces) are skipped.
std::vector<std::string> decode_keywords(std::string_view text);
/// Flags from outside with the Flags rules applied: only the five system flags, keywords
/// non-empty, without spaces, each once (Flags::add_keyword).
Flags normalized(const Flags& in);

}  // namespace pillarbox::store
