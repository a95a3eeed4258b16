#include "admin/users.h"

#include <fmt/format.h>

#include <iostream>

#include "admin/context.h"
#include "admin/provision.h"
#include "auth/password.h"
#include "auth/scram.h"
#include "base/ascii.h"
#include "config/config.h"

namespace pillarbox::admin {

bool valid_address(const std::string& a) {
  auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '(' || c == ')' || c == '<' || c == '>') return false;
    // An address is part of mailbox names ("Other users/<address>/..."): no hierarchy delimiter
    // and no LIST wildcard in it.
    if (c == '/' || c == '%' || c == '*') return false;
  }
  return a.size() <= 254;
}

namespace {

// An alias: a bare login name ("user") or an address ("sales@example.org"); 7-bit, no spaces,
// no '+' (it would be read as a subaddress at delivery).
bool valid_alias(const std::string& a) {
  if (a.empty() || a.size() > 254 || a.find('+') != std::string::npos) return false;
  if (a.find('@') != std::string::npos) return valid_address(a);
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '(' || c == ')' || c == '<' || c == '>') return false;
  }
  return true;
}

// Adds `aliases` for `address`; each added one's line ("alias a -> b\n") goes to `out`.
Status add_aliases(store::Directory& dir, const std::string& address, const std::vector<std::string>& aliases,
                   std::string& out) {
  for (const auto& raw : aliases) {
    std::string alias = ascii::lower(raw);
    if (!valid_alias(alias))
      return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid alias (a name or name@domain, without '+')", raw));
    if (auto s = dir.add_alias(alias, address); !s) return about(alias, s);
    out += fmt::format("alias {} -> {}\n", alias, address);
  }
  return {};
}

Status add_aliases(store::Directory& dir, const std::string& address, const std::vector<std::string>& aliases) {
  std::string out;
  Status s = add_aliases(dir, address, aliases, out);
  std::cout << out;
  return s;
}

// A new password as stored: its hash and, beside it, the SCRAM-SHA-256 secret (auth/scram.h) so
// SCRAM logins work from the start. An imported hash (--password-hash) is checked and stored
// without its "{SCHEME}" prefix and gets no secret: the password is not known until the first
// login, which derives it. A password SASLprep refuses gets no secret either (a warning).
struct NewPassword {
  std::string hash;
  std::string scram_secret;
};

Result<NewPassword> new_password(bool from_stdin, const CLI::Option* hash_option, const std::string& imported) {
  if (hash_option->count() > 0) {
    auto checked = auth::check_password_hash(imported);
    if (!checked) return make_error(Errc::invalid, "--password-hash: " + checked.error().text);
    return NewPassword{std::move(checked->text), {}};
  }
  auto password = read_password(from_stdin);
  if (!password) return password.error();
  auto hash = auth::hash_password(*password);
  if (!hash) return hash.error();
  NewPassword out{std::move(*hash), {}};
  if (auto secret = auth::scram::make_secret(*password); secret.ok())
    out.scram_secret = auth::scram::format_secret(*secret);
  else
    std::cerr << "warning: " << secret.error().text << "; this account cannot use SCRAM-SHA-256\n";
  return out;
}

Status store_scram_secret(store::Directory& dir, const std::string& address, const NewPassword& password) {
  if (password.scram_secret.empty()) return {};
  if (auto s = dir.set_scram_secret(address, password.scram_secret); !s) return about(address, s);
  return {};
}

constexpr const char* kPasswordHashHelp =
    "Store this hash instead of asking for a password: {SHA512-CRYPT}$6$..., {SHA256-CRYPT}$5$..., "
    "{BLF-CRYPT}$2y$..., {CRYPT}$y$... (yescrypt), {ARGON2ID}$argon2id$..., or such a crypt string "
    "without the prefix (Dovecot passwd-file forms). Replaced by Argon2id at the first login "
    "unless [auth] rehash = false";

}  // namespace

void add_user_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  // CLI11 binds options to variables that must outlive parsing.
  static std::string address;
  static bool password_stdin = false;
  static std::string password_hash;
  static std::vector<std::string> aliases;
  static std::string alias;

  auto* add = user->add_subcommand("add", "Create an account with an INBOX and the configured [[mailboxes]] (Drafts, Sent, Trash, Junk, Archive)");
  add->add_option("ADDRESS", address, "Full address, user@domain")->required();
  auto* add_stdin = add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  static CLI::Option* add_hash = add->add_option("--password-hash", password_hash, kPasswordHashHelp)->excludes(add_stdin);
  add->add_option("--alias", aliases, "An alias for the account (repeatable): a name or name@domain");
  add->callback([&] {
    auto config = load_config(options);
    const auto mailboxes = config ? config->mailboxes : std::vector<config::MailboxTemplate>{};
    status = run_with_store(options, [&mailboxes](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      if (!valid_address(a))
        return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid address (user@domain)", address));
      for (const auto& raw : aliases) {
        if (!valid_alias(ascii::lower(raw)))
          return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid alias (a name or name@domain, without '+')", raw));
      }
      auto password = new_password(password_stdin, add_hash, password_hash);
      if (!password) return password.error();
      auto id = st.directory().add_account(a, password->hash);
      if (!id) return about(a, id.error());
      // Credentials and aliases first (an alias may be taken), the mailboxes last; when a step
      // fails the account is deleted again, so no half-made account stays behind.
      std::string alias_lines;
      Status made = store_scram_secret(st.directory(), a, *password);
      if (made) made = add_aliases(st.directory(), a, aliases, alias_lines);
      if (made) {
        made = provision_mailboxes(st, *id, mailboxes);
        if (!made) made = about(a, made);
      }
      if (!made) {
        if (auto undone = st.directory().delete_account(a); !undone)
          return make_error(made.error().code, fmt::format("{} (and {} could not be deleted again: {})", made.error().text, a, undone.error().text));
        return made;
      }
      std::cout << "added " << a << "\n" << alias_lines;
      return {};
    });
  });

  auto* passwd = user->add_subcommand("passwd", "Set an account's password");
  passwd->add_option("ADDRESS", address, "Full address")->required();
  auto* passwd_stdin = passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  static CLI::Option* passwd_hash =
      passwd->add_option("--password-hash", password_hash, kPasswordHashHelp)->excludes(passwd_stdin);
  passwd->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      if (auto found = st.directory().find_account(a); !found) return about(a, found.error());
      auto password = new_password(password_stdin, passwd_hash, password_hash);
      if (!password) return password.error();
      if (auto s = st.directory().set_password_hash(a, password->hash); !s) return about(a, s);
      if (auto s = store_scram_secret(st.directory(), a, *password); !s) return s;
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

  auto* alias_cmd = user->add_subcommand("alias", "Manage aliases (other names for an account)");
  alias_cmd->require_subcommand(1);
  auto* alias_add = alias_cmd->add_subcommand("add", "Add an alias for an account");
  alias_add->add_option("ALIAS", alias, "A name (\"user\") or an address (\"sales@example.org\")")->required();
  alias_add->add_option("ADDRESS", address, "The account's full address")->required();
  alias_add->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      return add_aliases(st.directory(), ascii::lower(address), {alias});
    });
  });
  auto* alias_del = alias_cmd->add_subcommand("del", "Remove an alias from an account");
  alias_del->add_option("ALIAS", alias, "The alias")->required();
  alias_del->add_option("ADDRESS", address, "The account's full address")->required();
  alias_del->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      std::string a = ascii::lower(alias);
      if (auto s = st.directory().delete_alias(a, ascii::lower(address)); !s) return about(a, s);
      std::cout << "removed alias " << a << " -> " << ascii::lower(address) << "\n";
      return {};
    });
  });
  auto* alias_list = alias_cmd->add_subcommand("list", "List aliases and the accounts they name");
  alias_list->callback([&] {
    status = run_with_store(options, [&](store::MailStore& st) -> Status {
      auto all = st.directory().list_aliases();
      if (!all) return all.error();
      if (options.json) {
        std::cout << "[";
        for (std::size_t i = 0; i < all->size(); ++i)
          std::cout << (i ? "," : "") << "{\"alias\":\"" << (*all)[i].alias << "\",\"address\":\""
                    << (*all)[i].address << "\"}";
        std::cout << "]\n";
      } else {
        for (const auto& a : *all) std::cout << a.alias << " -> " << a.address << "\n";
      }
      return {};
    });
  });

  // RFC 9208 quota limits (docs/configuration.md "Quota"): shown with usage, or changed by the
  // administrator (IMAP SETQUOTA is refused to everyone).
  static std::string quota_storage;
  static std::string quota_messages;
  static bool quota_none = false;
  static bool quota_default = false;
  auto* quota = user->add_subcommand("quota", "Show an account's quota and usage, or set its limits");
  quota->add_option("ADDRESS", address, "Full address")->required();
  auto* storage_opt = quota->add_option("--storage", quota_storage,
                                        "Storage limit: a size such as 500M, 2G, 1048576 (octets), or \"none\"");
  auto* messages_opt = quota->add_option("--messages", quota_messages, "Message count limit, or \"none\"");
  auto* none_opt = quota->add_flag("--none", quota_none, "No limits at all for this account")
                       ->excludes(storage_opt)
                       ->excludes(messages_opt);
  quota->add_flag("--default", quota_default, "Follow the default limits of [quota] in the configuration again")
      ->excludes(storage_opt)
      ->excludes(messages_opt)
      ->excludes(none_opt);
  quota->callback([&] {
    status = run_with_store(options, [&](store::MailStore& st) -> Status {
      std::string a = ascii::lower(address);
      auto account = st.directory().find_account(a);
      if (!account) return about(a, account.error());
      auto current = st.get_quota(account->id);
      if (!current) return about(a, current.error());
      const bool change = quota_none || quota_default || !quota_storage.empty() || !quota_messages.empty();
      if (change) {
        std::optional<store::QuotaLimits> limits;
        if (!quota_default) {
          limits = quota_none ? store::QuotaLimits{} : current->limits;
          if (!quota_storage.empty()) {
            if (quota_storage == "none") {
              limits->storage_kib.reset();
            } else {
              auto size = config::parse_size(quota_storage);
              if (!size) return make_error(Errc::invalid, "--storage: " + size.error().text);
              if (*size == 0) return make_error(Errc::invalid, "--storage: must be above 0 (or \"none\")");
              limits->storage_kib = (*size + 1023) / 1024;
            }
          }
          if (!quota_messages.empty()) {
            if (quota_messages == "none") {
              limits->messages.reset();
            } else {
              auto n = config::parse_size(quota_messages);
              if (!n || *n == 0 || quota_messages.find_first_not_of("0123456789") != std::string::npos)
                return make_error(Errc::invalid, fmt::format("--messages: \"{}\" is not a number above 0 (or \"none\")",
                                                             quota_messages));
              limits->messages = *n;
            }
          }
        }
        if (auto s = st.set_quota(account->id, limits); !s) return about(a, s);
        current = st.get_quota(account->id);
        if (!current) return about(a, current.error());
      }
      const store::Quota& q = *current;
      auto limit_text = [](const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : std::string("none"); };
      if (options.json) {
        auto limit_json = [](const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
        std::cout << fmt::format(
            "{{\"address\":\"{}\",\"limits\":\"{}\",\"storage_kib\":{},\"storage_limit_kib\":{},"
            "\"messages\":{},\"messages_limit\":{}}}\n",
            a, q.own ? "own" : "default", q.usage.storage_kib(), limit_json(q.limits.storage_kib), q.usage.messages,
            limit_json(q.limits.messages));
      } else {
        std::cout << fmt::format("{}: {} limits\n", a, q.own ? "own" : "default");
        std::cout << fmt::format("  storage  {} KiB used, limit {}\n", q.usage.storage_kib(),
                                 q.limits.storage_kib ? limit_text(q.limits.storage_kib) + " KiB" : "none");
        std::cout << fmt::format("  messages {} used, limit {}\n", q.usage.messages, limit_text(q.limits.messages));
      }
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
