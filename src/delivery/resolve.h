// Recipient resolution for local delivery (LMTP RCPT TO, `pillarbox deliver`): which accounts
// and which of their mailboxes an address stands for. One function, so that later kinds of
// recipient (public folders) extend it in one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::delivery {

/// One place a delivered copy goes: an account and the name of one of its mailboxes, or a
/// public folder.
struct Target {
  /// The mailbox's owner. For a public folder: the public folders' owner
  /// (MailStore::public_account), which has no address, with `address` set to the folder's
  /// visible name, "Public Folders/<name>", so that logs and error messages that name the
  /// account say where the copy went.
  store::Account account;
  std::string mailbox;   ///< full mailbox name as stored ("INBOX" for the inbox)
  /// True for a public folder reached by its address: the copy goes to that folder or nowhere
  /// (its owner has no INBOX to fall back to).
  bool public_folder = false;
  bool operator==(const Target&) const = default;
};

/// Resolves a recipient address, in this order (the first that matches wins):
///   1. an account whose address equals `address` (ASCII case-insensitively);
///   2. an alias equal to `address` lower-cased: every account it maps to;
///   3. a public folder whose delivery address (MailStore::set_mailbox_address) equals
///      `address` ignoring case: one Target with public_folder set. The store keeps these
///      addresses distinct from accounts and aliases, so the order of 1-3 decides nothing. An
///      address given to an account's own mailbox is not a recipient (only public folders get
///      addresses, from `pillarbox public`);
///   4. a subaddress `local+detail@domain`: `local@domain` as in 1 or 2 (not 3: a public
///      folder's address takes no detail), delivering to the mailbox named `detail` when it
///      exists (compared exactly as stored; "INBOX" in any case), to INBOX otherwise. The split
///      is at the first '+'.
/// Returns at least one Target, ordered as the Directory lists accounts, without duplicates.
/// Errors: Errc::not_found when nothing matches (LMTP 550 5.1.1, EX_NOUSER); any other code
/// is a store failure the caller treats as temporary (451 4.3.0, EX_TEMPFAIL).
Result<std::vector<Target>> resolve(store::MailStore& store, std::string_view address);

/// The mailbox a delivery to `wanted` goes to in `account`: `wanted` itself as stored when it
/// exists ("INBOX" matched case-insensitively), otherwise "INBOX" (like dovecot-lda -m).
/// Errors are store failures (temporary).
Result<std::string> choose_mailbox(store::MailStore& store, const store::Account& account, std::string_view wanted);

}  // namespace pillarbox::delivery
