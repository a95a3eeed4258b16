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
/// Errors: Errc::not_found when the account itself has gone (permanent); Errc::over_quota when
/// the copy would pass the owner's quota (RFC 9208; see RecipientTally); anything else is
/// temporary (the MTA keeps the message and retries).
Result<Delivered> deliver(store::MailStore& store, const Target& target, std::string_view return_path,
                          std::string_view recipient, std::string_view message);

/// What one recipient's deliveries add up to: LMTP answers once per recipient (RFC 2033 §4.2)
/// and `pillarbox deliver` exits once, however many accounts an alias reaches.
enum class RecipientOutcome {
  delivered,      ///< every target that still exists has its copy (LMTP 250, exit 0)
  no_such_user,   ///< every target had gone (550 5.1.1, exit 67)
  mailbox_full,   ///< a target is over quota (RFC 3463 X.2.2): 552 5.2.2 / exit 73, or 452 4.2.2 /
                  ///< exit 75 with [quota] full_tempfail
  temporary,      ///< a target failed for a passing reason (451 4.3.0, exit 75)
  system_full,    ///< the server's disk is full (Errc::storage_full): 452 4.3.1, exit 75
};

/// Collects the result of delivering to each target of one recipient. The outcome is the worst
/// one seen: a full disk before another temporary failure before a full mailbox before a
/// delivery before a gone account.
/// So a recipient is never answered "delivered" while one of its accounts went without the
/// copy: the MTA retries or bounces, and the sender learns of it (a retry may give some targets
/// the message twice, the lesser harm).
class RecipientTally {
 public:
  /// Records one target's result.
  void add(const Result<Delivered>& result);
  RecipientOutcome outcome() const;

 private:
  std::size_t delivered_ = 0;
  bool over_quota_ = false;
  bool temporary_ = false;
  bool system_full_ = false;
};

}  // namespace pillarbox::delivery
