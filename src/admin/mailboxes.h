// `pillarbox mailbox special-use ADDRESS MAILBOX [USE]`: show or set the RFC 6154 special use
// of an existing personal mailbox, for mailboxes that got none when migrated (a Dovecot
// "Sent Messages", "Sent Items" or "INBOX/Sent"; the schema v6 upgrade names only exact Drafts,
// Sent, Trash, Junk and Archive).
#pragma once

#include <CLI/App.hpp>

#include <string>

#include "admin/context.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

/// Sets (or with `use` "none", clears) the special use of `mailbox` of the account `address`
/// and returns the line to print ("Sent Items of bob@example.org: \Sent"); with `use` empty,
/// only returns the line for the current use. `use` is one of \Archive \Drafts \Junk \Sent
/// \Trash in any case, the backslash optional. Errors: unknown account or mailbox
/// (Errc::not_found), another use (\All, \Flagged: virtual, Errc::invalid), a use another
/// mailbox of the account has (Errc::in_use, naming it).
Result<std::string> mailbox_special_use(store::MailStore& store, const std::string& address, const std::string& mailbox,
                                        const std::string& use);

/// Adds the `mailbox` subcommand and its verbs to `app`.
void add_mailbox_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
