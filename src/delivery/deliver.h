// Durable delivery of one message copy to one Target (LMTP DATA, `pillarbox deliver`).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "delivery/resolve.h"
#include "store/mail_store.h"

namespace pillarbox::delivery {

/// Where a copy landed, for the log and the caller's reply.
struct Delivered {
  std::string address;   ///< the account's address; for a public folder "Public Folders/<name>"
  std::string mailbox;   ///< the mailbox it went to, as stored
  store::Uid uid = 0;
};

/// Appends `message` (CRLF line ends, as received) with Return-Path and Delivered-To prepended
/// (see with_trace_headers) to `target`'s mailbox, or to INBOX when that mailbox has gone since
/// resolution. A public folder (Target::public_folder) has no such fallback: when it has gone,
/// the delivery fails with Errc::unavailable (temporary, LMTP 451), so the MTA retries and the
/// next resolution decides, and the copy is neither lost nor put anywhere else.
/// Returns only after the store has durably committed the copy (MailStore::append), so a caller
/// may then answer "delivered".
/// Errors: Errc::not_found when the account itself has gone (permanent); anything else is
/// temporary (the MTA keeps the message and retries).
Result<Delivered> deliver(store::MailStore& store, const Target& target, std::string_view return_path,
                          std::string_view recipient, std::string_view message);

}  // namespace pillarbox::delivery
