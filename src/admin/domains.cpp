#include "admin/domains.h"

#include "access/names.h"

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "base/ascii.h"

namespace pillarbox::admin {
namespace {

// A DNS name as mail uses it: dot-separated labels of letters, digits and hyphens (RFC 5321
// §4.1.2 Domain), at most 253 octets; no leading or trailing hyphen in a label.
bool valid_domain(const std::string& d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '.') {
      if (label == 0 || label > 63 || d[i - 1] == '-' || d[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const char c = d[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    ++label;
  }
  return true;
}

}  // namespace

void add_domain_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* domain = app.add_subcommand("domain", "Manage the domains accounts live in");
  domain->require_subcommand(1);
  static std::string name;

  auto* add = domain->add_subcommand("add", "Add a domain (user add also adds its account's domain)");
  add->add_option("DOMAIN", name, "e.g. example.org")->required();
  add->callback([&] {
    status = run_with_store(options, [&options](store::MailStore& st) -> Status {
      const std::string d = ascii::lower(name);
      if (!valid_domain(d)) return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid domain name", name));
      if (auto s = st.directory().add_domain(d); !s) return about(d, s);
      std::cout << "added domain " << d << "\n";
      return {};
    });
  });

  auto* del = domain->add_subcommand("del", "Remove a domain that has no accounts left");
  del->add_option("DOMAIN", name, "The domain")->required();
  del->callback([&] {
    status = run_with_store(options, [&options](store::MailStore& st) -> Status {
      const std::string d = ascii::lower(name);
      if (auto s = st.directory().delete_domain(d); !s) return about(d, s);
      std::cout << "deleted domain " << d << "\n";
      return {};
    });
  });

  auto* list = domain->add_subcommand("list", "List domains and their number of accounts");
  list->callback([&] {
    status = run_with_store(options, [&](store::MailStore& st) -> Status {
      auto all = st.directory().list_domains();
      if (!all) return all.error();
      if (options.json) {
        std::cout << "[";
        for (std::size_t i = 0; i < all->size(); ++i)
          std::cout << (i ? "," : "") << fmt::format("{{\"domain\":\"{}\",\"accounts\":{}}}", (*all)[i].name, (*all)[i].accounts);
        std::cout << "]\n";
      } else {
        for (const auto& d : *all) std::cout << fmt::format("{} ({} account{})\n", d.name, d.accounts, d.accounts == 1 ? "" : "s");
      }
      return {};
    });
  });
}

void add_check_command(CLI::App& app, GlobalOptions& options, int& status) {
  auto* check = app.add_subcommand("check", "Report configuration mistakes and alias clashes; exit 1 if any");
  static bool store_too = false;
  check->add_flag("--store", store_too,
                  "Also check the mail store (database integrity, message files, UIDs and MODSEQs, counts) and "
                  "delete message files nothing refers to; best run while the server is stopped");
  check->callback([&] {
    // A configuration that does not load is reported by run_with_store itself (file, key, problem).
    status = run_with_store(options, [&options](store::MailStore& st) -> Status {
      auto aliases = st.directory().list_aliases();
      if (!aliases) return aliases.error();
      std::map<std::string, std::vector<std::string>> named;
      for (const auto& a : *aliases) named[a.alias].push_back(a.address);
      std::size_t problems = 0;
      for (const auto& [alias, accounts] : named) {
        if (accounts.size() < 2) continue;
        // SPEC: an alias is a login name only while it names exactly one account. Mail to it
        // still reaches every account it names.
        std::cout << fmt::format("alias clash: \"{}\" names {} accounts ({}); logging in as \"{}\" is refused, "
                                 "use the full address\n",
                                 alias, accounts.size(), fmt::join(accounts, ", "), alias);
        ++problems;
      }
      {
        auto folders = st.list_mailboxes(st.public_account());
        if (!folders) return folders.error();
        for (const auto& f : *folders) {
          auto address = st.mailbox_address(f.id);
          auto acl = st.get_acl(f.id);
          if (!address || !acl) continue;
          if (!address->empty() && acl->empty())
            std::cout << fmt::format("note: Public Folders/{} receives mail at {} but nobody may read it "
                                     "(pillarbox acl set 'Public Folders/{}' ...)\n",
                                     f.name, *address, f.name);
        }
      }
      auto config = load_config(options);
      if (!config) return config.error();
      for (const auto& master : config->master_users) {
        // A master user that is not an account can never log in: a typo an administrator
        // would otherwise find only when they need it.
        if (auto found = st.directory().find_account(master); !found) {
          std::cout << fmt::format("auth.master_users: \"{}\" is not an account\n", master);
          ++problems;
        }
      }
      if (store_too) {
        auto found = st.check_store();
        if (!found) return found.error();
        for (const auto& p : found->problems) std::cout << "store: " << p << "\n";
        problems += found->problems.size();
        std::cout << fmt::format("store: {} mailboxes, {} messages checked; {} message file{} that nothing referred "
                                 "to removed{}\n",
                                 found->mailboxes, found->messages, found->orphan_files_removed,
                                 found->orphan_files_removed == 1 ? "" : "s",
                                 found->exclusive ? ""
                                                  : " (another process has the store open: files younger than "
                                                    "10 minutes were left alone)");
      }
      if (config->limits.idle_timeout_seconds < 1800)
        std::cout << fmt::format("note: limits.idle_timeout_seconds = {} is below the 30 minutes of RFC 9051 §5.4\n",
                                 config->limits.idle_timeout_seconds);
      if (problems == 0) {
        std::cout << "no problems found\n";
        return {};
      }
      return make_error(Errc::invalid, fmt::format("{} problem{} found", problems, problems == 1 ? "" : "s"));
    });
  });
}

}  // namespace pillarbox::admin
