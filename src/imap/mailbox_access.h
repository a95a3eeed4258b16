// Which mailbox a name means to the logged-in account, and what the account may do there:
// the three namespaces of RFC 2342 (access/names.h) joined with the ACLs of RFC 4314
// (access/rights.h). Every IMAP command that takes a mailbox name goes through resolve_mailbox,
// so "a mailbox you may not look up does not exist for you" (SPEC; RFC 4314 §6) holds by
// construction: such a mailbox resolves exactly like a name nobody uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/rights.h"
#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::imap {

/// A mailbox name resolved for one account.
struct MailboxAccess {
  enum class Where {
    personal,       ///< the account's own mailbox ("" namespace)
    other_user,     ///< "Other users/<user>/<name>"
    public_folder,  ///< "Public Folders/<name>"
    node,           ///< "Other users", "Other users/<user>", "Public Folders": never a mailbox
  };
  Where where = Where::personal;
  store::AccountId owner = 0;     ///< the owning account (the public owner for public folders)
  std::string owner_address;      ///< "" for public folders and nodes
  std::string name;               ///< the name in the owner's tree (or the public folder's name)
  std::string visible;            ///< the name as LIST shows it (INBOX normalised)
  std::string written;            ///< the name as the client wrote it
  /// The mailbox, when it exists and the account may look it up (right 'l'); absent otherwise.
  std::optional<store::MailboxInfo> info;
  /// The account's rights: all of them on its own mailboxes; from the ACL elsewhere; none when
  /// `info` is absent.
  access::Rights rights;

  bool exists() const { return info.has_value(); }
  /// The name to put in a response about this mailbox (STATUS, MYRIGHTS, ACL, LISTRIGHTS): as
  /// the client wrote it, so a client matching answers to its commands finds them, except that
  /// the personal INBOX is always "INBOX".
  const std::string& echo() const { return where == Where::personal ? visible : written; }
  /// \Seen is kept per reader here (SPEC: news-reader style) rather than in the message.
  bool private_seen() const { return where == Where::other_user || where == Where::public_folder; }
};

/// Resolves `visible` (as the client wrote it, trailing '/' removed) for `viewer`. Blocking: run
/// it on the store threads. A mailbox in another namespace that the viewer may not look up, an
/// unknown account under "Other users/", and the viewer's own address there all resolve as a
/// name that does not exist (info absent, no rights). Errors are store failures only.
Result<MailboxAccess> resolve_mailbox(store::MailStore& store, const store::Account& viewer, std::string_view visible);

/// The rights that decide whether `visible` may be created (RFC 4314 §4 CREATE: 'k' on the
/// parent): all in the personal namespace; in another's tree or among public folders, the
/// viewer's rights on the immediate parent when it exists and the viewer may look it up, none
/// otherwise (so a hidden parent and a missing one answer alike, and the top of another's tree
/// and of Public Folders is the owner's or the administrator's). Also gives that parent's ACL,
/// which a new mailbox inherits (§4 SHOULD), in the personal namespace too: there the nearest
/// existing parent's (empty when there is none).
struct CreateRights {
  access::Rights rights;
  std::vector<store::AclEntry> inherited_acl;
};
Result<CreateRights> create_rights(store::MailStore& store, const store::Account& viewer, const MailboxAccess& target);

/// How `viewer` sees the mailbox `name` of `owner` (owner_address "" for the public owner).
std::string visible_name(const store::Account& viewer, std::string_view owner_address, bool public_folder,
                         std::string_view name);

/// One mailbox the viewer may look up, for LIST.
struct VisibleMailbox {
  std::string visible;
  store::MailboxId id = 0;
  access::Rights rights;
  std::string special_use;  ///< RFC 6154 attribute of the viewer's own mailboxes; "" elsewhere
};

/// Every mailbox `viewer` may look up: its own (all rights) and others' and public ones whose ACL
/// gives it 'l'. Blocking. Errors are store failures.
Result<std::vector<VisibleMailbox>> visible_mailboxes(store::MailStore& store, const store::Account& viewer);

/// The flags `rights` allow changing (RFC 4314 §4: s for \Seen, t for \Deleted, w for the
/// others and keywords); never \Seen when it is kept per reader (`private_seen`), since that is
/// changed with set_private_seen instead.
store::FlagMask flag_mask(const access::Rights& rights, bool private_seen);

/// The identifiers whose ACL entries apply to `address` (RFC 4314 §2: the account, "anyone",
/// "authenticated", and each of them negated).
std::vector<std::string> identifiers_for(std::string_view address);

/// The effective rights of `address` from stored entries (unparseable rights text counts as none).
access::Rights rights_from(std::string_view address, const std::vector<store::AclEntry>& entries);

}  // namespace pillarbox::imap
