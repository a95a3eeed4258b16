#include "admin/mailboxes.h"

#include <fmt/format.h>

#include <iostream>
#include <string_view>

#include "base/ascii.h"

namespace pillarbox::admin {
namespace {

// The uses a real mailbox can have (RFC 6154 §2 without the virtual \All and \Flagged), as IMAP
// CREATE (USE ...) takes them.
constexpr std::string_view kUses[] = {"\\Archive", "\\Drafts", "\\Junk", "\\Sent", "\\Trash"};

}  // namespace

Result<std::string> mailbox_special_use(store::MailStore& store, const std::string& address, const std::string& mailbox,
                                        const std::string& use) {
  const std::string a = ascii::lower(address);
  auto account = store.directory().find_account(a);
  if (!account) return about(a, account.error()).error();
  auto box = store.get_mailbox(account->id, mailbox);
  if (!box) return make_error(box.error().code, fmt::format("{}: no mailbox \"{}\"", a, mailbox));
  auto line = [&](std::string_view shown) { return fmt::format("{} of {}: {}", box->name, a, shown.empty() ? "none" : shown); };
  if (use.empty()) return line(box->special_use);
  std::string wanted;
  if (!ascii::iequals(use, "none")) {
    const std::string spelled = use.starts_with('\\') ? use : "\\" + use;
    for (auto u : kUses)
      if (ascii::iequals(u, spelled)) wanted = u;
    if (wanted.empty()) {
      if (ascii::iequals(spelled, "\\All") || ascii::iequals(spelled, "\\Flagged"))
        return make_error(Errc::invalid, fmt::format("{} is for virtual mailboxes, which this server does not have", spelled));
      return make_error(Errc::invalid, fmt::format("\"{}\" is not one of \\Archive \\Drafts \\Junk \\Sent \\Trash none", use));
    }
  }
  if (Status s = store.set_special_use(box->id, wanted); !s) return about(a, s).error();
  return line(wanted);
}

void add_mailbox_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("mailbox", "Settings of an account's existing mailboxes");
  cmd->require_subcommand(1);
  static std::string address, mailbox, use;
  auto* su = cmd->add_subcommand(
      "special-use", "Show or set a mailbox's special use (RFC 6154): \\Archive \\Drafts \\Junk \\Sent \\Trash, or none");
  su->add_option("ADDRESS", address, "The account's full address")->required();
  su->add_option("MAILBOX", mailbox, "The mailbox's IMAP name (modified UTF-7), e.g. \"Sent Items\" or INBOX/Sent")->required();
  su->add_option("USE", use, "\\Sent (the backslash may be left out) or none; without it, the current use is shown");
  su->callback([&] {
    status = run_with_store(options, [](store::MailStore& st) -> Status {
      auto done = mailbox_special_use(st, address, mailbox, use);
      if (!done) return done.error();
      std::cout << *done << "\n";
      return {};
    });
  });
}

}  // namespace pillarbox::admin
