// `pillarbox deliver ADDRESS [--mailbox NAME] [--from SENDER] < message`: the local delivery
// agent for MTAs that pipe a message to a program (Postfix pipe(8), mailbox_command, procmail
// style setups). Exit codes are sysexits(3), which MTAs map to bounce or retry:
//   0   delivered (durably stored)
//   65  EX_DATAERR   the message is larger than limits.max_message_octets (permanent)
//   67  EX_NOUSER    no account, alias or public folder for ADDRESS (permanent)
//   73  EX_CANTCREAT the mailbox is over quota (permanent; 75 instead with [quota] full_tempfail)
//   75  EX_TEMPFAIL  anything else: configuration, store, disk (the MTA keeps it and retries)
#pragma once

#include <CLI/App.hpp>

#include <cstdint>
#include <istream>
#include <string>

#include "admin/context.h"

namespace pillarbox::admin {

inline constexpr int kExDataErr = 65;
inline constexpr int kExNoUser = 67;
/// The recipient's mailbox is full (over quota, RFC 9208) and [quota] full_tempfail is false:
/// EX_CANTCREAT, which MTAs treat as permanent (Postfix bounces with 5.2.x).
inline constexpr int kExCantCreate = 73;
inline constexpr int kExTempFail = 75;

/// Reads a whole message from `in` keeping at most `max_octets` + 1 bytes; `too_big` is set
/// when there was more (the rest is read and dropped, so a writing MTA never sees EPIPE).
/// Bare LF line ends become CRLF.
std::string read_message(std::istream& in, std::uint64_t max_octets, bool& too_big);

void add_deliver_command(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
