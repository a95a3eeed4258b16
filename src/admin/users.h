// `pillarbox user add|del|list|passwd`: accounts, on the store directly.
#pragma once

#include <CLI/App.hpp>

#include <string>

#include "admin/context.h"

namespace pillarbox::admin {

/// A full address as accounts and public folders have them: local@domain, 7-bit, at most 254
/// octets, one '@' with something on both sides, no spaces, controls, quotes, backslashes,
/// parentheses or angle brackets.
bool valid_address(const std::string& address);

/// Adds the `user` subcommand and its verbs to `app`.
void add_user_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
