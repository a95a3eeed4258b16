#include "admin/cli.h"

#include <CLI/CLI.hpp>

#include "admin/acl.h"
#include "admin/context.h"
#include "admin/deliver.h"
#include "admin/domains.h"
#include "admin/import.h"
#include "admin/mailboxes.h"
#include "admin/protocol_log.h"
#include "admin/public_folders.h"
#include "admin/serve.h"
#include "admin/text_index.h"
#include "admin/users.h"
#include "admin/who.h"

namespace pillarbox::admin {

int run(int argc, char** argv) {
  CLI::App app{"Pillarbox: an IMAP mail-access server"};
  app.require_subcommand(1);
  GlobalOptions options;
  app.add_option("--config", options.config_file, "Configuration file (TOML)");
  app.add_option("--data", options.data_dir, "Data directory (overrides data_dir)");
  app.add_flag("--json", options.json, "Machine-readable output where it applies");
  app.fallthrough();
  int status = 0;
  add_serve_command(app, options, status);
  add_user_commands(app, options, status);
  add_import_command(app, options, status);
  add_deliver_command(app, options, status);
  add_domain_commands(app, options, status);
  add_acl_commands(app, options, status);
  add_public_commands(app, options, status);
  add_mailbox_commands(app, options, status);
  add_check_command(app, options, status);
  add_index_commands(app, options, status);
  add_who_commands(app, options, status);
  add_log_commands(app, options, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return status;
}

}  // namespace pillarbox::admin
