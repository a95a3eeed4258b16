// `pillarbox serve [--demo]`: runs the server in the foreground until SIGTERM/SIGINT.
#pragma once

#include <CLI/App.hpp>

#include "admin/context.h"

namespace pillarbox::admin {

void add_serve_command(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
