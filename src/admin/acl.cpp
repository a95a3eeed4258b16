#include "admin/acl.h"

#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "access/names.h"
#include "access/rights.h"
#include "admin/public_folders.h"
#include "base/ascii.h"
#include "base/json.h"

namespace pillarbox::admin {
namespace {

constexpr const char* kMailboxHelp =
    "ADDRESS/NAME for an account's mailbox (bob@example.org/Project, bob@example.org/INBOX), or "
    "\"Public Folders/NAME\"";
constexpr const char* kIdentifierHelp =
    "An account's address (an alias of exactly one account stands for it), anyone or authenticated; "
    "a leading - makes the rights negative (taken away)";

// The mailbox an `acl` command names, found.
struct NamedMailbox {
  std::string shown;  ///< "bob@example.org/INBOX", "Public Folders/News": in messages
  std::string owner;  ///< the owner's address; "" for a public folder
  store::MailboxInfo info;
};

// "sales@example.org is an alias of alice@example.org" or "... of 2 accounts (a, b)"; "" when
// `name` is no alias. For messages that refuse or turn an alias into an account.
Result<std::string> alias_note(store::Directory& directory, const std::string& name,
                               std::vector<store::Account>* accounts = nullptr) {
  auto aliased = directory.resolve_alias(name);
  if (!aliased) return aliased.error();
  std::vector<std::string> addresses;
  for (const auto& a : *aliased) addresses.push_back(a.address);
  if (accounts) *accounts = std::move(aliased.value());
  if (addresses.empty()) return std::string();
  if (addresses.size() == 1) return fmt::format("{} is an alias of {}", name, addresses[0]);
  return fmt::format("{} is an alias of {} accounts ({})", name, addresses.size(), fmt::join(addresses, ", "));
}

Result<NamedMailbox> find_named_mailbox(store::MailStore& st, std::string_view spec) {
  if (names_public_folder(spec)) {
    auto folder = find_public_folder(st, spec);
    if (!folder) return folder.error();
    return NamedMailbox{access::public_name(folder->name), "", std::move(folder.value())};
  }
  const auto slash = spec.find(access::kDelimiter);
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == spec.size())
    return make_error(Errc::invalid, fmt::format("\"{}\" names no mailbox: write {}", spec, kMailboxHelp));
  const std::string address = ascii::lower(spec.substr(0, slash));
  auto owner = st.directory().find_account(address);
  if (!owner) {
    if (owner.error().code != Errc::not_found) return owner.error();
    auto note = alias_note(st.directory(), address);
    if (!note) return note.error();
    return make_error(Errc::not_found, note->empty() ? fmt::format("{}: no such account", address)
                                                     : fmt::format("{}, not an account: name the account", *note));
  }
  // The name as IMAP reads a personal one: a first level "INBOX" in any case is INBOX.
  const std::string_view written = spec.substr(slash + 1);
  const access::NameRef ref = access::parse_name(written);
  const std::string name = ref.kind == access::NameRef::Kind::personal ? ref.name : std::string(written);
  const std::string shown = owner->address + access::kDelimiter + name;
  auto box = st.get_mailbox(owner->id, name);
  if (!box) {
    if (box.error().code == Errc::not_found) return make_error(Errc::not_found, shown + ": no such mailbox");
    return box.error();
  }
  return NamedMailbox{shown, owner->address, std::move(box.value())};
}

// The identifier to store for `raw` (RFC 4314 §2): normalised (access::normalize_identifier),
// and naming an account, "anyone" or "authenticated". An alias of exactly one account becomes
// that account's address, since rights apply to the address a user logs in with; a note says
// so on stdout. Errc::not_found for a name that is no account, Errc::invalid otherwise.
Result<std::string> account_identifier(store::Directory& directory, std::string_view raw) {
  auto id = access::normalize_identifier(raw);
  if (!id) return make_error(Errc::invalid, fmt::format("identifier \"{}\": {}", raw, id.error().text));
  const bool negative = id->front() == '-';
  const std::string name = negative ? id->substr(1) : *id;
  if (name == "anyone" || name == "authenticated") return id;
  auto account = directory.find_account(name);
  if (account) return id;
  if (account.error().code != Errc::not_found) return account.error();
  std::vector<store::Account> accounts;
  auto note = alias_note(directory, name, &accounts);
  if (!note) return note.error();
  if (accounts.size() == 1) {
    std::cout << *note << "; the entry names the account\n";
    return (negative ? "-" : "") + accounts.front().address;
  }
  if (accounts.size() > 1) return make_error(Errc::invalid, fmt::format("{}: name one of them", *note));
  return make_error(Errc::not_found,
                    fmt::format("identifier \"{}\": no such account (an identifier is an account's address, anyone "
                                "or authenticated, perhaps after -)",
                                raw));
}

// The entry for `identifier` (normalised) in `entries`, if any.
const store::AclEntry* find_entry(const std::vector<store::AclEntry>& entries, std::string_view identifier) {
  for (const auto& e : entries)
    if (ascii::iequals(e.identifier, identifier)) return &e;
  return nullptr;
}

Error owner_error(const NamedMailbox& box) {
  return make_error(Errc::invalid, fmt::format("{} owns {} and always has every right; it takes no entry", box.owner,
                                               box.shown));
}

Status acl_set(store::MailStore& st, const std::vector<std::string>& args) {
  auto box = find_named_mailbox(st, args[0]);
  if (!box) return box.error();
  auto id = account_identifier(st.directory(), args[1]);
  if (!id) return id.error();
  if (!box->owner.empty() && (*id == box->owner || *id == "-" + box->owner)) return owner_error(*box);
  auto entries = st.get_acl(box->info.id);
  if (!entries) return entries.error();
  const store::AclEntry* entry = find_entry(*entries, *id);
  access::Rights current;
  if (entry) {
    auto stored = access::parse_rights(entry->rights);
    if (!stored)
      return make_error(Errc::invalid, fmt::format("{}: the stored rights \"{}\" of {} do not parse ({}); remove the "
                                                   "entry with acl del first",
                                                   box->shown, entry->rights, *id, stored.error().text));
    current = *stored;
  }
  // SETACL's third argument (RFC 4314 §3.1): "+r" adds, "-r" removes, "r" replaces.
  auto rights = access::apply_modification(current, args[2]);
  if (!rights) return make_error(Errc::invalid, fmt::format("rights \"{}\": {}", args[2], rights.error().text));
  if (rights->empty()) {
    // No rights is no entry, as DELETEACL leaves it.
    if (!entry) {
      std::cout << fmt::format("{}: {} has no entry; nothing changed\n", box->shown, *id);
      return {};
    }
    if (auto s = st.delete_acl(box->info.id, *id); !s) return about(box->shown, s);
    std::cout << fmt::format("{}: removed the entry of {} (no rights left)\n", box->shown, *id);
    return {};
  }
  if (auto s = st.set_acl(box->info.id, *id, access::to_letters(*rights)); !s) return about(box->shown, s);
  std::cout << fmt::format("{}: {} {}\n", box->shown, *id, access::to_string(*rights));
  if (!rights->has('l') && id->front() != '-')
    std::cerr << fmt::format("note: without l (lookup) {} does not exist for {} unless another entry grants l\n",
                             box->shown, *id);
  return {};
}

Status acl_get(store::MailStore& st, const std::string& mailbox, bool json) {
  auto box = find_named_mailbox(st, mailbox);
  if (!box) return box.error();
  auto entries = st.get_acl(box->info.id);
  if (!entries) return entries.error();
  if (json) {
    std::cout << fmt::format("{{\"mailbox\":{},\"owner\":{},\"acl\":{}}}\n", json::quote(box->shown),
                             box->owner.empty() ? "null" : json::quote(box->owner), acl_json(box->owner, *entries));
    return {};
  }
  if (!box->owner.empty()) std::cout << box->owner << " " << access::to_string(access::Rights::all()) << " (owner)\n";
  for (const auto& e : *entries) std::cout << e.identifier << " " << shown_rights(e) << "\n";
  if (box->owner.empty() && entries->empty())
    std::cout << fmt::format("no entries: nobody can see {} (pillarbox acl set '{}' anyone lr)\n", box->shown,
                             box->shown);
  return {};
}

Status acl_del(store::MailStore& st, const std::vector<std::string>& args) {
  auto box = find_named_mailbox(st, args[0]);
  if (!box) return box.error();
  // An identifier that names no account any more may still have an entry (set by an IMAP
  // client): it can be removed by the name it has.
  auto id = account_identifier(st.directory(), args[1]);
  if (!id && id.error().code == Errc::not_found) id = access::normalize_identifier(args[1]);
  if (!id) return id.error();
  auto entries = st.get_acl(box->info.id);
  if (!entries) return entries.error();
  if (!find_entry(*entries, *id)) {
    if (!box->owner.empty() && (*id == box->owner || *id == "-" + box->owner)) return owner_error(*box);
    return make_error(Errc::not_found, fmt::format("{}: no entry for {}", box->shown, *id));
  }
  if (auto s = st.delete_acl(box->info.id, *id); !s) return about(box->shown, s);
  std::cout << fmt::format("{}: removed the entry of {}\n", box->shown, *id);
  return {};
}

// The operands of `acl set` and `acl del`, which CLI11 hands over unparsed (prefix_command,
// no fallthrough), so that "-lr" and "-anyone" stay values: a "-" is how RFC 4314 writes both
// negative identifiers and rights to remove. The global options may stand among the operands
// (their names start with "--", which no identifier or rights text does); "--" ends them.
Result<std::vector<std::string>> operands(const std::vector<std::string>& rest, std::size_t count,
                                          std::string_view usage, GlobalOptions& options) {
  std::vector<std::string> out;
  bool only_operands = false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& arg = rest[i];
    if (only_operands || !arg.starts_with("--")) {
      out.push_back(arg);
    } else if (arg == "--") {
      only_operands = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--data" || arg == "--config") {
      if (i + 1 == rest.size()) return make_error(Errc::invalid, arg + " needs a value");
      (arg == "--data" ? options.data_dir : options.config_file) = rest[++i];
    } else if (arg.starts_with("--data=")) {
      options.data_dir = arg.substr(7);
    } else if (arg.starts_with("--config=")) {
      options.config_file = arg.substr(9);
    } else {
      return make_error(Errc::invalid, fmt::format("unknown option {}; usage: {}", arg, usage));
    }
  }
  if (out.size() != count) return make_error(Errc::invalid, fmt::format("usage: {}", usage));
  return out;
}

// Registers `acl set` or `acl del`: `count` operands, then `verb` on the store.
void add_verb(CLI::App* acl, const char* name, const char* description, const char* usage, std::size_t count,
              Status (*verb)(store::MailStore&, const std::vector<std::string>&), GlobalOptions& options,
              int& status) {
  auto* cmd = acl->add_subcommand(name, description);
  cmd->prefix_command();
  cmd->fallthrough(false);  // or CLI11 would hand the operands to `acl` and `pillarbox`
  cmd->footer(fmt::format("Usage: {}\nMAILBOX: {}.\nIDENTIFIER: {}.", usage, kMailboxHelp, kIdentifierHelp));
  cmd->callback([cmd, usage, count, verb, &options, &status] {
    auto args = operands(cmd->remaining(), count, usage, options);
    if (!args) {
      std::cerr << "pillarbox: " << args.error().text << "\n";
      status = 1;
      return;
    }
    status = run_with_store(options, [&](store::MailStore& st) { return verb(st, *args); });
  });
}

}  // namespace

std::string shown_rights(const store::AclEntry& entry) {
  auto rights = access::parse_rights(entry.rights);
  return rights ? access::to_string(*rights) : entry.rights;
}

std::string acl_json(std::string_view owner, const std::vector<store::AclEntry>& entries) {
  auto one = [](std::string_view identifier, const std::string& rights, const std::string& letters, bool is_owner) {
    return fmt::format("{{\"identifier\":{},\"rights\":{},\"letters\":{},\"owner\":{}}}", json::quote(identifier),
                       json::quote(rights), json::quote(letters), is_owner ? "true" : "false");
  };
  std::vector<std::string> out;
  const access::Rights all = access::Rights::all();
  if (!owner.empty()) out.push_back(one(owner, access::to_string(all), access::to_letters(all), true));
  for (const auto& e : entries) {
    auto rights = access::parse_rights(e.rights);
    out.push_back(one(e.identifier, shown_rights(e), rights ? access::to_letters(*rights) : e.rights, false));
  }
  return fmt::format("[{}]", fmt::join(out, ","));
}

void add_acl_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* acl = app.add_subcommand("acl", "Mailbox rights (RFC 4314 ACL) on any account's mailbox or a public folder");
  acl->require_subcommand(1);
  add_verb(acl, "set",
           "Set an identifier's rights on a mailbox: RIGHTS replaces them, +RIGHTS adds, -RIGHTS removes "
           "(lrswipkxtea; c = kx, d = te)",
           "pillarbox acl set MAILBOX IDENTIFIER RIGHTS", 3, acl_set, options, status);
  add_verb(acl, "del", "Remove an identifier's entry from a mailbox's ACL", "pillarbox acl del MAILBOX IDENTIFIER", 2,
           acl_del, options, status);
  auto* get = acl->add_subcommand("get", "Show a mailbox's ACL, owner first, as IMAP GETACL does (--json for scripts)");
  static std::string mailbox;
  get->add_option("MAILBOX", mailbox, kMailboxHelp)->required();
  get->callback([&] {
    status = run_with_store(options, [&](store::MailStore& st) { return acl_get(st, mailbox, options.json); });
  });
}

}  // namespace pillarbox::admin
