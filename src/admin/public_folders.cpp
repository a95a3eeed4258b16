#include "admin/public_folders.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "access/names.h"
#include "admin/acl.h"
#include "admin/users.h"
#include "base/ascii.h"
#include "base/json.h"

namespace pillarbox::admin {
namespace {

// `name` without a leading "Public Folders/" (in any case), so that the names `acl` and `list`
// print can be given back as they are.
std::string_view under_public(std::string_view name) {
  if (names_public_folder(name)) name.remove_prefix(access::kPublicFolders.size() + 1);
  return name;
}

// A new public folder's name, checked as IMAP CREATE checks a mailbox name. Also refused as a
// first level: INBOX in any case (the store keeps "inbox" as "INBOX", a name it never deletes)
// and the namespace names, which would read as a second namespace inside this one.
Result<std::string> new_folder_name(std::string_view raw) {
  const std::string_view name = under_public(raw);
  if (auto problem = access::mailbox_name_problem(name))
    return make_error(Errc::invalid, fmt::format("\"{}\": {}", raw, *problem));
  const std::string_view first = name.substr(0, name.find(access::kDelimiter));
  if (ascii::iequals(first, "INBOX") || access::reserved_personal_name(first))
    return make_error(Errc::invalid, fmt::format("\"{}\": a public folder may not be called \"{}\"", raw, first));
  return std::string(name);
}

// A delivery address for a public folder, lower-cased as the store keeps it.
Result<std::string> folder_address(std::string_view raw) {
  std::string address = ascii::lower(raw);
  if (!valid_address(address))
    return make_error(Errc::invalid, fmt::format("\"{}\" is not a valid address (name@domain)", raw));
  return address;
}

// A note on stderr when `address` is in none of Pillarbox's domains: the MTA will not send its
// mail here unless it is told to, and nothing else would say so.
void note_foreign_domain(store::Directory& directory, const std::string& address) {
  auto domains = directory.list_domains();
  if (!domains) return;
  const std::string domain = address.substr(address.rfind('@') + 1);
  if (std::none_of(domains->begin(), domains->end(), [&](const store::Domain& d) { return d.name == domain; }))
    std::cerr << fmt::format("note: {} is none of Pillarbox's domains (pillarbox domain list); make sure the MTA "
                             "delivers its mail here\n",
                             domain);
}

std::string messages_text(std::uint32_t n) { return fmt::format("{} message{}", n, n == 1 ? "" : "s"); }

Status create(store::MailStore& st, const std::string& raw, const std::string* raw_address) {
  auto name = new_folder_name(raw);
  if (!name) return name.error();
  std::string address;
  if (raw_address) {
    auto checked = folder_address(*raw_address);
    if (!checked) return checked.error();
    address = std::move(*checked);
  }
  const store::AccountId owner = st.public_account();
  const std::string shown = access::public_name(*name);
  if (auto existing = st.get_mailbox(owner, *name); existing)
    return make_error(Errc::already_exists, shown + " already exists");
  else if (existing.error().code != Errc::not_found)
    return existing.error();
  // Missing superiors are created too, as IMAP CREATE does (RFC 3501 §6.3.3). On any failure
  // what this call created is removed again, so an error leaves nothing behind.
  std::vector<std::string> created;
  auto undo = [&] {
    for (auto it = created.rbegin(); it != created.rend(); ++it) (void)st.delete_mailbox(owner, *it);
  };
  store::MailboxId id = 0;
  for (std::size_t slash = 0;; ++slash) {
    slash = name->find(access::kDelimiter, slash);
    const std::string level = name->substr(0, slash);
    auto made = st.create_mailbox(owner, level);
    if (made) {
      created.push_back(level);
      id = made->id;
    } else if (made.error().code != Errc::already_exists || slash == std::string::npos) {
      undo();
      return about(access::public_name(level), made.error());
    }
    if (slash == std::string::npos) break;
  }
  if (!address.empty()) {
    if (auto s = st.set_mailbox_address(id, address); !s) {
      undo();
      return about(address, s);
    }
  }
  for (const auto& level : created) std::cout << "created " << access::public_name(level) << "\n";
  if (!address.empty()) {
    std::cout << shown << " receives mail at " << address << "\n";
    note_foreign_domain(st.directory(), address);
  }
  // A new public folder has no ACL entries, so nobody sees it (SPEC: mailboxes you may not look
  // up do not exist for you). Say so, with the command that opens it.
  std::cout << fmt::format("nobody can see {} yet: pillarbox acl set '{}' anyone lr\n", shown, shown);
  return {};
}

Status remove(store::MailStore& st, const std::string& raw, bool recursive) {
  auto folder = find_public_folder(st, raw);
  if (!folder) return folder.error();
  const store::AccountId owner = st.public_account();
  auto all = st.list_mailboxes(owner);
  if (!all) return all.error();
  const std::string prefix = folder->name + access::kDelimiter;
  std::vector<store::MailboxInfo> doomed;
  for (auto& m : *all)
    if (m.name.starts_with(prefix)) doomed.push_back(std::move(m));
  const std::string shown = access::public_name(folder->name);
  if (!doomed.empty() && !recursive) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < doomed.size() && i < 3; ++i) names.push_back(access::public_name(doomed[i].name));
    if (doomed.size() > 3) names.push_back("...");
    return make_error(Errc::in_use, fmt::format("{} has {} folder{} below it ({}); delete {} first or add --recursive",
                                                shown, doomed.size(), doomed.size() == 1 ? "" : "s",
                                                fmt::join(names, ", "), doomed.size() == 1 ? "it" : "them"));
  }
  // Deepest first: a name sorts after every name that is a prefix of it.
  std::sort(doomed.begin(), doomed.end(), [](const auto& a, const auto& b) { return a.name > b.name; });
  doomed.push_back(std::move(*folder));
  for (const auto& m : doomed) {
    if (auto s = st.delete_mailbox(owner, m.name); !s) return about(access::public_name(m.name), s);
    std::cout << fmt::format("deleted {} ({})\n", access::public_name(m.name), messages_text(m.messages));
  }
  return {};
}

Status list(store::MailStore& st, bool json) {
  auto all = st.list_mailboxes(st.public_account());
  if (!all) return all.error();
  std::string out = json ? "[" : "";
  for (const auto& m : *all) {
    auto address = st.mailbox_address(m.id);
    if (!address) return address.error();
    auto acl = st.get_acl(m.id);
    if (!acl) return acl.error();
    const std::string shown = access::public_name(m.name);
    if (json) {
      if (out.size() > 1) out += ',';
      out += fmt::format("{{\"name\":{},\"mailbox\":{},\"address\":{},\"messages\":{},\"acl\":{}}}", json::quote(m.name),
                         json::quote(shown), address->empty() ? "null" : json::quote(*address), m.messages,
                         acl_json("", *acl));
      continue;
    }
    std::vector<std::string> entries;
    for (const auto& e : *acl) entries.push_back(e.identifier + " " + shown_rights(e));
    out += fmt::format("{}: {}, {}; {}\n", shown, messages_text(m.messages),
                       address->empty() ? "no address" : "address " + *address,
                       entries.empty() ? "no ACL entries (nobody can see it)" : fmt::format("{}", fmt::join(entries, ", ")));
  }
  if (json) out += "]\n";
  if (!json && all->empty()) out = "no public folders\n";
  std::cout << out;
  return {};
}

Status address(store::MailStore& st, const std::string& raw, const std::string* raw_address, bool remove) {
  if (raw_address && remove) return make_error(Errc::invalid, "give ADDR or --remove, not both");
  auto folder = find_public_folder(st, raw);
  if (!folder) return folder.error();
  const std::string shown = access::public_name(folder->name);
  auto current = st.mailbox_address(folder->id);
  if (!current) return current.error();
  const std::string was = current->empty() ? "" : " (was " + *current + ")";
  if (!raw_address && !remove) {  // just show it
    std::cout << (current->empty() ? shown + " has no address" : shown + " receives mail at " + *current) << "\n";
    return {};
  }
  if (remove || raw_address->empty()) {
    if (current->empty()) return make_error(Errc::not_found, shown + " has no address to remove");
    if (auto s = st.set_mailbox_address(folder->id, ""); !s) return about(shown, s);
    std::cout << shown << " no longer receives mail" << was << "\n";
    return {};
  }
  auto checked = folder_address(*raw_address);
  if (!checked) return checked.error();
  if (auto s = st.set_mailbox_address(folder->id, *checked); !s) return about(*checked, s);
  std::cout << shown << " receives mail at " << *checked << (*current == *checked ? "" : was) << "\n";
  note_foreign_domain(st.directory(), *checked);
  return {};
}

}  // namespace

bool names_public_folder(std::string_view name) {
  return name.size() > access::kPublicFolders.size() && name[access::kPublicFolders.size()] == access::kDelimiter &&
         ascii::istarts_with(name, access::kPublicFolders);
}

Result<store::MailboxInfo> find_public_folder(store::MailStore& store, std::string_view name) {
  const std::string_view under = under_public(name);
  auto folder = store.get_mailbox(store.public_account(), under);
  if (!folder && folder.error().code == Errc::not_found)
    return make_error(Errc::not_found, access::public_name(under) + ": no such public folder");
  return folder;
}

void add_public_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("public", "Manage public folders (Public Folders/...), owned by no account");
  cmd->require_subcommand(1);
  // CLI11 binds options to variables that must outlive parsing.
  static std::string name;
  static std::string address_arg;
  static bool recursive = false;
  static bool remove_flag = false;

  auto* create_cmd = cmd->add_subcommand("create", "Create a public folder (and its missing parents), with no ACL entries");
  create_cmd->add_option("NAME", name, "Its name under Public Folders, e.g. News or News/2024")->required();
  static CLI::Option* create_address =
      create_cmd->add_option("--address", address_arg, "An address at which it receives mail (LMTP, pillarbox deliver)");
  create_cmd->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) {
      return create(st, name, create_address->count() ? &address_arg : nullptr);
    });
  });

  auto* del_cmd = cmd->add_subcommand("del", "Delete a public folder and its messages");
  del_cmd->add_option("NAME", name, "Its name under Public Folders")->required();
  del_cmd->add_flag("--recursive", recursive, "Delete the folders below it too (refused without)");
  del_cmd->callback([&] { status = run_with_store(options, [](store::MailStore& st) { return remove(st, name, recursive); }); });

  auto* list_cmd = cmd->add_subcommand("list", "List public folders: messages, address, ACL entries (--json for scripts)");
  list_cmd->callback([&] { status = run_with_store(options, [&](store::MailStore& st) { return list(st, options.json); }); });

  auto* address_cmd = cmd->add_subcommand("address", "Show, set or remove a public folder's delivery address");
  address_cmd->add_option("NAME", name, "Its name under Public Folders")->required();
  static CLI::Option* address_opt =
      address_cmd->add_option("ADDR", address_arg, "The new address (\"\" removes it); without it, show the address");
  address_cmd->add_flag("--remove", remove_flag, "Remove the address");
  address_cmd->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) {
      return address(st, name, address_opt->count() ? &address_arg : nullptr, remove_flag);
    });
  });
}

}  // namespace pillarbox::admin
