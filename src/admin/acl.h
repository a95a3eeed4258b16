// `pillarbox acl set|get|del`: the rights (RFC 4314 ACL) on any account's mailbox or on a
// public folder, from the administrator's side, on the store directly (docs/sharing.md).
//
//   pillarbox acl set MAILBOX IDENTIFIER RIGHTS     RIGHTS "lr", "+w" (add) or "-w" (remove)
//   pillarbox acl get MAILBOX                       [--json]
//   pillarbox acl del MAILBOX IDENTIFIER
//
// MAILBOX is ADDRESS/NAME (bob@example.org/Project, bob@example.org/INBOX) or
// "Public Folders/NAME". IDENTIFIER is an account's address, an alias that names exactly one
// account (turned into that address), "anyone" or "authenticated", each perhaps after "-" for
// negative rights. Every misconfiguration (unknown account, mailbox or identifier, bad right,
// rights for the owner, deleting an entry that does not exist) exits 1 with one line on stderr.
#pragma once

#include <CLI/App.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "admin/context.h"
#include "store/types.h"

namespace pillarbox::admin {

/// An entry's rights as IMAP GETACL shows them (access::to_string: c and d included when any
/// of their members is); a stored text that does not parse is shown as it is.
std::string shown_rights(const store::AclEntry& entry);

/// The ACL as a JSON array of {"identifier", "rights", "letters", "owner"}: first, when `owner`
/// is not empty, the owner with every right and "owner": true (as GETACL shows the owner), then
/// each entry. "rights" is shown_rights; "letters" the standard letters alone
/// (access::to_letters), which `acl set` takes back exactly.
std::string acl_json(std::string_view owner, const std::vector<store::AclEntry>& entries);

/// Adds the `acl` subcommand and its verbs to `app`.
void add_acl_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
