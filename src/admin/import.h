// `pillarbox import ADDRESS PATH [--mailbox NAME]`: an mbox file or a Maildir into a mailbox.
#pragma once

#include <CLI/App.hpp>

#include <string>

#include "admin/context.h"
#include "admin/mbox.h"

namespace pillarbox::admin {

struct ImportSummary {
  std::size_t messages = 0;
  std::size_t octets = 0;
};

/// Imports `path` (a Maildir directory with cur/ and new/, or an mbox file) into `mailbox` of
/// the account, creating the mailbox if needed. Message bytes are kept exactly. Appends in
/// batches, each one durable transaction.
Result<ImportSummary> import_path(store::MailStore& store, const std::string& address, const std::string& path,
                                  const std::string& mailbox, MboxVariant variant);

void add_import_command(CLI::App& app, GlobalOptions& options, int& status);

}  // namespace pillarbox::admin
