// pillarbox: subcommand dispatch only (DESIGN §1).
#include "admin/cli.h"

int main(int argc, char** argv) { return pillarbox::admin::run(argc, argv); }
