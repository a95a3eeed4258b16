// `pillarbox domain add|list|del` and `pillarbox check`: the domains accounts live in, and the
// configuration and directory mistakes (alias clashes) an administrator should hear of before
// users do (SPEC "Accounts and login names").
#pragma once

#include <CLI/App.hpp>

#include "admin/context.h"

namespace pillarbox::admin {

/// Adds the `domain` subcommand and its verbs to `app`.
void add_domain_commands(CLI::App& app, GlobalOptions& options, int& status);
/// Adds `check`: loads the configuration, opens the store and reports every problem found on
/// standard output, one per line; exit status 0 when there is none, 1 otherwise.
void add_check_command(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
