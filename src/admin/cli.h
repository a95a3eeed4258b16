// The `pillarbox` command line (SPEC "The program"): subcommand dispatch.
#pragma once

namespace pillarbox::admin {

/// Parses the command line and runs the subcommand. Returns the process exit status: 0 on
/// success, non-zero with a one-line reason on stderr otherwise.
int run(int argc, char** argv);

}  // namespace pillarbox::admin
