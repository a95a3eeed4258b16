// What every subcommand needs: the configuration and, opened on demand, the store.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

struct GlobalOptions {
  std::string config_file;  ///< --config; empty: /etc/pillarbox/pillarbox.toml if it exists
  std::string data_dir;     ///< --data; overrides data_dir from the file
  bool json = false;        ///< --json
};

/// Loads the configuration named by the options (or the defaults) and applies --data.
Result<config::Config> load_config(const GlobalOptions& options);
/// Creates the data directory (owner-only) if needed and opens the store in it.
Result<std::unique_ptr<store::MailStore>> open_store(const config::Config& config);
/// Loads the configuration, opens the store and runs `fn` on it. Returns the exit status: 0, or
/// 1 after printing "pillarbox: <reason>" on stderr for any error on the way.
int run_with_store(const GlobalOptions& options, const std::function<Status(store::MailStore&)>& fn);
/// The same, for commands that also need the configuration.
int run_with_store(const GlobalOptions& options,
                   const std::function<Status(const config::Config&, store::MailStore&)>& fn);
/// Tells a server running on `config`'s data directory that `mailbox` changed behind its back
/// (a delivery or an import by this process) over the admin socket ("changed <id>"), so that
/// its sessions announce the change at once, IDLE ones included (RFC 2177). Best effort: when no
/// server runs there is nobody to tell, and the change is in the store all the same.
void announce_changed(const config::Config& config, store::MailboxId mailbox);
/// `s` with its text prefixed by what it concerns ("alice@example.org: No such account"), for
/// the one-line reasons subcommands print; a success passes through.
Status about(const std::string& what, Status s);
/// Reads a password: from stdin (first line) when `from_stdin`, otherwise prompted twice on
/// the terminal without echo. Errc::invalid when empty or when the two entries differ.
Result<std::string> read_password(bool from_stdin);

}  // namespace pillarbox::admin
