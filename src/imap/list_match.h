// LIST/LSUB pattern matching (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the
// hierarchy delimiter "/". A leading INBOX matches case-insensitively (§5.1).
#pragma once

#include <string_view>

namespace pillarbox::imap {

/// True when mailbox `name` matches `pattern`. Linear-space dynamic programming, so hostile
/// patterns ("%*%*%*...") cannot make it slow beyond O(pattern × name).
bool list_match(std::string_view pattern, std::string_view name);

}  // namespace pillarbox::imap
