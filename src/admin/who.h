// `pillarbox who` and `pillarbox kick` (issue 4 item 10): what the running server is doing, over
// the admin socket, and ending an account's sessions. The server side (control_handler) turns
// admin socket requests into answers; the client side is the two subcommands.
#pragma once

#include <CLI/App.hpp>

#include <string>
#include <string_view>

#include "admin/context.h"
#include "protolog/control.h"
#include "session/registry.h"

namespace pillarbox::admin {

/// The server's answer to one admin socket request line:
///   "who"              a table of live sessions, headed by the licensing use ("7 of 10 seats")
///   "who json"         the same as one JSON object (see docs/administration.md)
///   "kick ADDRESS"     ends every session of the account with BYE; says how many
///   "log ..."          protocol logging (protocol_log_answer), when `protocol_log` is set
/// Unknown requests get "error unknown request ...".
///   "changed ID"       another process (pillarbox deliver) changed mailbox ID in the store:
///                    its listeners are called (RFC 2177 IDLE sessions hear of it at once)
std::string control_answer(session::Registry& registry, protolog::Control* protocol_log, std::string_view line,
                           store::MailStore* store = nullptr);

/// Adds `who` and `kick` to `app`. Both exit 0 on success, 1 when the server is not running or
/// refuses, printing the reason on stderr.
void add_who_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
