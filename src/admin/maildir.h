// Reading Maildir file names for import (https://cr.yp.to/proto/maildir.html): which files in
// cur/ and new/ are messages, their arrival order, and the flags in a name's ":2," info. Pure:
// the directory walk and the file reading stay in import.cpp.
#pragma once

#include <cstdint>
#include <string_view>

namespace pillarbox::admin {

/// True when a file found in a Maildir's cur/ or new/ holds a message: a non-empty name that
/// does not start with '.' (hidden files that tools leave there are skipped).
bool maildir_message_file(std::string_view file_name);

/// Arrival order of two Maildir file names ("1733220000.M123P456.host,S=812:2,S"). A unique name
/// starts with the delivery time in seconds and goes on with microseconds ("M"), a process id
/// ("P") or a counter, so runs of digits compare as numbers: "999999999.x" (2001) comes before
/// "1000000000.x" and "1.M9" before "1.M10". Other bytes compare as bytes. Names equal that way
/// ("01" and "1") fall back to byte order, so this is a strict total order for std::sort.
bool maildir_arrival_less(std::string_view a, std::string_view b);

/// Maildir flags from a file name's ":2," info (D F P R S T) as store system-flag bits
/// (P, "passed", has no system flag and is left out; lower-case letters are keywords defined in
/// a dovecot-keywords file, which import does not read).
std::uint32_t maildir_flags(std::string_view file_name);

}  // namespace pillarbox::admin
