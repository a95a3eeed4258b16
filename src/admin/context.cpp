#include "admin/context.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "admin/control_socket.h"
#include "store/postgres/pg_store.h"

namespace pillarbox::admin {

Result<config::Config> load_config(const GlobalOptions& options) {
  std::string file = options.config_file;
  std::error_code ec;
  if (file.empty() && std::filesystem::exists("/etc/pillarbox/pillarbox.toml", ec)) file = "/etc/pillarbox/pillarbox.toml";
  config::Config config = config::defaults();
  if (!file.empty()) {
    auto loaded = config::load(file);
    if (!loaded) return loaded.error();
    config = std::move(loaded.value());
  }
  if (!options.data_dir.empty()) config.data_dir = std::filesystem::absolute(options.data_dir, ec).string();
  return config;
}

Result<std::unique_ptr<store::MailStore>> open_store(const config::Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return make_error(Errc::io, fmt::format("{}: cannot create data directory: {}", config.data_dir, ec.message()));
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all, ec);
  // The data directory holds the admin socket and protocol logs whichever store is used.
  auto store = config.store_backend == "postgresql"
                   ? store::open_postgres_store(store::PostgresOptions{config.store_url, config.store_pool_size})
                   : store::open_sqlite_store(config.data_dir);
  // Accounts without limits of their own follow [quota] (RFC 9208; docs/configuration.md).
  if (store) (*store)->set_default_quota(store::QuotaLimits{config.quota_storage_kib, config.quota_messages});
  if (store) (*store)->set_header_cache_limit(std::uint64_t{config.header_cache_mib} << 20);
  if (store) (*store)->set_text_index_backlog(config.text_index_backlog);
  if (store) (*store)->set_inline_max_octets(config.inline_max_octets);
  return store;
}

int run_with_store(const GlobalOptions& options, const std::function<Status(store::MailStore&)>& fn) {
  return run_with_store(options, [&fn](const config::Config&, store::MailStore& store) { return fn(store); });
}

int run_with_store(const GlobalOptions& options,
                   const std::function<Status(const config::Config&, store::MailStore&)>& fn) {
  auto config = load_config(options);
  Status status = config ? Status() : Status(config.error());
  if (status) {
    auto store = open_store(*config);
    status = store ? fn(*config, **store) : Status(store.error());
  }
  if (status) return 0;
  std::cerr << "pillarbox: " << status.error().text << "\n";
  return 1;
}

void announce_changed(const config::Config& config, store::MailboxId mailbox) {
  (void)control_request(config.in_data_dir(config.admin_socket), fmt::format("changed {}", mailbox));
}

Status about(const std::string& what, Status s) {
  if (s) return s;
  Error e = s.error();
  e.text = what + ": " + e.text;
  return e;
}

Result<std::string> read_password(bool from_stdin) {
  auto read_line = [](bool echo_off) {
    termios old{};
    bool tty = echo_off && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
      tcsetattr(STDIN_FILENO, TCSANOW, &old);
      std::cerr << "\n";
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  if (from_stdin || !isatty(STDIN_FILENO)) {
    std::string password = read_line(false);
    if (password.empty()) return make_error(Errc::invalid, "empty password on standard input");
    return password;
  }
  std::cerr << "Password: ";
  std::string first = read_line(true);
  std::cerr << "Again: ";
  std::string second = read_line(true);
  if (first.empty()) return make_error(Errc::invalid, "empty password");
  if (first != second) return make_error(Errc::invalid, "the passwords differ");
  return first;
}

}  // namespace pillarbox::admin
