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

Result<std::string> new_password_hash(bool from_stdin) {
  auto password = read_password(from_stdin);
  if (!password) return password.error();
  return auth::hash_password(*password);
}

// Prefixes an error's text with the address it concerns.
Status about(const std::string& address, Status s) {
  if (s) return s;
  Error e = s.error();
  e.text = fmt::format("{}: {}", address, e.text);
  return e;
}

}  // namespace

void add_user_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  // CLI11 binds options to variables that must outlive parsing.
  static std::string address;
  static bool password_stdin = false;

  auto* add = user->add_subcommand("add", "Create an account with an INBOX");
  add->add_option("ADDRESS", address, "Full address, user@domain")->required();
  add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  add->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      if (!valid_address(a))
        return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid address (user@domain)", address));
      auto hash = new_password_hash(password_stdin);
      if (!hash) return hash.error();
      auto id = st.directory().add_account(a, *hash);
      if (!id) return about(a, id.error());
      std::cout << "added " << a << "\n";
      return {};
    });
  });

  auto* passwd = user->add_subcommand("passwd", "Set an account's password");
  passwd->add_option("ADDRESS", address, "Full address")->required();
  passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  passwd->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      if (auto found = st.directory().find_account(a); !found) return about(a, found.error());
      auto hash = new_password_hash(password_stdin);
      if (!hash) return hash.error();
      if (auto s = st.directory().set_password_hash(a, *hash); !s) return about(a, s);
      std::cout << "password changed for " << a << "\n";
      return {};
    });
  });

  auto* del = user->add_subcommand("del", "Delete an account and all its mail");
  del->add_option("ADDRESS", address, "Full address")->required();
  del->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      if (auto s = st.directory().delete_account(a); !s) return about(a, s);
      std::cout << "deleted " << a << "\n";
      return {};
    });
  });

  auto* list = user->add_subcommand("list", "List accounts");
  list->callback([&] {
    status = run_with_store(options, [&](store::MailStore& st) -> Status {
      auto accounts = st.directory().list_accounts();
      if (!accounts) return accounts.error();
      if (options.json) {
        std::cout << "[";
        for (std::size_t i = 0; i < accounts->size(); ++i)
          std::cout << (i ? "," : "") << "{\"address\":\"" << (*accounts)[i].address << "\"}";
        std::cout << "]\n";
      } else {
        for (const auto& a : *accounts) std::cout << a.address << "\n";
      }
      return {};
    });
  });
}

}  // namespace pillarbox::admin
