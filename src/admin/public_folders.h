// `pillarbox public create|del|list|address`: public folders, the mailboxes under
// "Public Folders/" that belong to no account (SPEC "Namespaces, shared and public folders";
// docs/sharing.md), on the store directly.
//
//   pillarbox public create NAME [--address ADDR]   missing parents too; no ACL entries yet
//   pillarbox public del NAME [--recursive]         refused while folders lie below it
//   pillarbox public list                           [--json]
//   pillarbox public address NAME [ADDR] [--remove] show, set or remove its delivery address
//
// NAME is the name under "Public Folders/" ("News", "News/2024"); the whole visible name
// ("Public Folders/News") is accepted as well.
#pragma once

#include <CLI/App.hpp>

#include <string_view>

#include "admin/context.h"
#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

/// True when `name` starts with "Public Folders/", ignoring case.
bool names_public_folder(std::string_view name);

/// The public folder `name` names: the name under "Public Folders/", or the whole visible name
/// with that prefix (its case ignored). Errc::not_found with "Public Folders/NAME: no such public
/// folder" when there is none; store errors as they come.
Result<store::MailboxInfo> find_public_folder(store::MailStore& store, std::string_view name);

/// Adds the `public` subcommand and its verbs to `app`.
void add_public_commands(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
