// `pillarbox log on|off|status|list|show` (issue 6 items 1 and 4): switching protocol
// transcripts on and off for running sessions over the admin socket (or in the rules file when
// the server is stopped), and reading the transcripts from [log] protocol_log_dir.
#pragma once

#include <CLI/App.hpp>

#include <string>
#include <string_view>

#include "admin/context.h"
#include "protolog/control.h"

namespace pillarbox::admin {

/// The server's answer to an admin socket request "log ..." (`args` is what follows "log "):
///   "on all|user ADDRESS|ip NETWORK [bodies]"  adds a rule; sessions follow at once
///   "off [all|user ADDRESS|ip NETWORK]"        removes one rule; "off" alone removes all
///   "status"                                   the rules, the log's size and cap
/// "ok\n..." or "error <reason>\n".
std::string protocol_log_answer(protolog::Control& control, std::string_view args);

/// The protocol log's Control for `config`: transcripts in protocol_log_dir, the cap from
/// protocol_log_max_mb, rules in "<data_dir>/protocol-log.rules".
protolog::Control make_protocol_log_control(const config::Config& config);

/// Adds `log` and its subcommands to `app`. Exit 0 on success, 1 with a one-line reason.
void add_log_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
