#include "admin/users.h"

#include <fmt/format.h>

#include <iostream>

#include "auth/password.h"
#include "base/ascii.h"

namespace pillarbox::admin {
namespace {

// A full address: local@domain, 7-bit, no spaces or control characters.
bool valid_address(const std::string& a) {
  auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '(' || c == ')' || c == '<' || c == '>') return false;
  }
  return a.size() <= 254;
}

int fail(const std::string& message) {
  std::cerr << "pillarbox: " << message << "\n";
  return 1;
}

}  // namespace

void add_user_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);

  auto* add = user->add_subcommand("add", "Create an account with an INBOX");
  static std::string address;
  static bool password_stdin = false;
  add->add_option("ADDRESS", address, "Full address, user@domain")->required();
  add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  add->callback([&] {
    std::string a = ascii::lower(address);
    if (!valid_address(a)) { status = fail(fmt::format("\"{}\" is not a valid address (user@domain)", address)); return; }
    auto config = load_config(options);
    if (!config) { status = fail(config.error().text); return; }
    auto store = open_store(*config);
    if (!store) { status = fail(store.error().text); return; }
    auto password = read_password(password_stdin);
    if (!password) { status = fail(password.error().text); return; }
    auto hash = auth::hash_password(*password);
    if (!hash) { status = fail(hash.error().text); return; }
    auto id = (*store)->directory().add_account(a, *hash);
    if (!id) { status = fail(fmt::format("{}: {}", a, id.error().text)); return; }
    std::cout << "added " << a << "\n";
  });

  auto* passwd = user->add_subcommand("passwd", "Set an account's password");
  passwd->add_option("ADDRESS", address, "Full address")->required();
  passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  passwd->callback([&] {
    auto config = load_config(options);
    if (!config) { status = fail(config.error().text); return; }
    auto store = open_store(*config);
    if (!store) { status = fail(store.error().text); return; }
    std::string a = ascii::lower(address);
    if (!(*store)->directory().find_account(a)) { status = fail(fmt::format("{}: no such account", a)); return; }
    auto password = read_password(password_stdin);
    if (!password) { status = fail(password.error().text); return; }
    auto hash = auth::hash_password(*password);
    if (!hash) { status = fail(hash.error().text); return; }
    auto done = (*store)->directory().set_password_hash(a, *hash);
    if (!done) { status = fail(fmt::format("{}: {}", a, done.error().text)); return; }
    std::cout << "password changed for " << a << "\n";
  });

  auto* del = user->add_subcommand("del", "Delete an account and all its mail");
  del->add_option("ADDRESS", address, "Full address")->required();
  del->callback([&] {
    auto config = load_config(options);
    if (!config) { status = fail(config.error().text); return; }
    auto store = open_store(*config);
    if (!store) { status = fail(store.error().text); return; }
    std::string a = ascii::lower(address);
    auto done = (*store)->directory().delete_account(a);
    if (!done) { status = fail(fmt::format("{}: {}", a, done.error().text)); return; }
    std::cout << "deleted " << a << "\n";
  });

  auto* list = user->add_subcommand("list", "List accounts");
  list->callback([&] {
    auto config = load_config(options);
    if (!config) { status = fail(config.error().text); return; }
    auto store = open_store(*config);
    if (!store) { status = fail(store.error().text); return; }
    auto accounts = (*store)->directory().list_accounts();
    if (!accounts) { status = fail(accounts.error().text); return; }
    if (options.json) {
      std::cout << "[";
      for (std::size_t i = 0; i < accounts->size(); ++i)
        std::cout << (i ? "," : "") << "{\"address\":\"" << (*accounts)[i].address << "\"}";
      std::cout << "]\n";
    } else {
      for (const auto& a : *accounts) std::cout << a.address << "\n";
    }
  });
}

}  // namespace pillarbox::admin
