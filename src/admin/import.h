// `pillarbox import ADDRESS PATH [--mailbox NAME]`: an mbox file or a Maildir into a mailbox.
#pragma once

#include <CLI/App.hpp>

#include <string>

#include "admin/context.h"
#include "admin/mbox.h"

namespace pillarbox::admin {

struct ImportSummary {
  store::MailboxId mailbox = 0;  ///< the mailbox filled, once found or created (0 before)
  std::size_t messages = 0;      ///< messages stored
  std::size_t octets = 0;
};

/// Imports `path` (a Maildir directory with cur/ and new/, or an mbox file) into `mailbox` of
/// the account, creating the mailbox if needed. Message bytes are kept exactly. Appends in
/// batches, each one durable transaction. `summary` says what was stored, also when an error
/// stops the import half-way (the batches before it stay).
Status import_path(store::MailStore& store, const std::string& address, const std::string& path,
                   const std::string& mailbox, MboxVariant variant, ImportSummary& summary);

void add_import_command(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
