// `pillarbox index rebuild`: the full-text index that answers SEARCH TEXT and BODY (SQLite FTS5,
// kept up to date by every append and expunge; docs/configuration.md "Full-text search").
#pragma once

#include <CLI/App.hpp>

#include "admin/context.h"

namespace pillarbox::admin {

/// Adds `index rebuild [--missing]`: empties the index and indexes every stored message again,
/// or with --missing only those not indexed yet (mail stored before the index existed). Safe
/// while the server runs. Prints the number of messages indexed (--json: {"indexed": n}).
void add_index_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
