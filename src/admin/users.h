// `pillarbox user add|del|list|passwd`: accounts, on the store directly.
#pragma once

#include <CLI/App.hpp>

#include "admin/context.h"

namespace pillarbox::admin {

/// Adds the `user` subcommand and its verbs to `app`.
void add_user_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
