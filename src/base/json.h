// JSON text for the few places that write it (--json output of the admin subcommands, SQLite
// json_each() parameters). No parser: nothing in Pillarbox reads JSON.
#pragma once

#include <string>
#include <string_view>

namespace pillarbox::json {

/// `s` as a JSON string literal (RFC 8259 §7), quotes included: '"' and '\' escaped, control
/// characters as \u00XX. Bytes >= 0x80 pass through, so UTF-8 stays UTF-8 (addresses and mailbox
/// names are UTF-8); malformed UTF-8 is not repaired.
std::string quote(std::string_view s);

}  // namespace pillarbox::json
