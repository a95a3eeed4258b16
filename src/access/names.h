// The three namespaces of RFC 2342 as Pillarbox shows them (SPEC "Namespaces, shared and public
// folders"; seed 003), and the map between a name a client sees and the mailbox it means:
//   ""                  personal mailboxes of the logged-in account
//   "Other users/"      Other users/<user>/<name>: <name> in the account <user> names
//   "Public Folders/"   Public Folders/<name>: folders owned by no account
// The delimiter is '/' everywhere. Names here are as the client wrote them (modified UTF-7 or,
// under UTF8=ACCEPT, UTF-8; this file never decodes them). Pure string work: whether an account
// or mailbox exists, and what the viewer may see of it, is the caller's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::access {

inline constexpr std::string_view kOtherUsers = "Other users";
inline constexpr std::string_view kPublicFolders = "Public Folders";
inline constexpr char kDelimiter = '/';

/// The NAMESPACE response (RFC 2342 §5) without the leading "* ", exactly
/// `NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/"))`.
std::string_view namespace_response();

/// What a visible mailbox name refers to.
struct NameRef {
  enum class Kind {
    personal,          ///< anything not below one of the two prefixes; `name` is the whole name
    other_users_root,  ///< "Other users" (or "Other users/")
    user_root,         ///< "Other users/<user>" (or "Other users/<user>/")
    other_user,        ///< "Other users/<user>/<name>"
    public_root,       ///< "Public Folders" (or "Public Folders/")
    public_folder,     ///< "Public Folders/<name>"
  };
  Kind kind = Kind::personal;
  /// The <user> part exactly as written (user_root, other_user; else empty). It may be empty for
  /// "Other users//x", which names no account (owner_address gives "").
  std::string user;
  /// personal, other_user: the mailbox name inside its owner's tree; public_folder: the public
  /// folder's name; else empty. When the first level of a personal or other-user name is
  /// "INBOX" in any case it is written "INBOX" (RFC 3501 §5.1: INBOX is case-insensitive); deeper
  /// levels and public folder names are kept as written.
  std::string name;
  bool operator==(const NameRef&) const = default;
};

/// Classifies a name as a client wrote it. A name is personal unless its first level is exactly
/// (case-sensitively, as Dovecot matches namespace prefixes) "Other users" or "Public Folders";
/// see reserved_personal_name for the other spellings. Never fails. A trailing '/' (as in a LIST
/// reference) is not this function's business: callers strip it first; if left, it makes the
/// last level empty, which for the roots means the root itself.
NameRef parse_name(std::string_view visible);

/// True when the first level of a personal name equals "Other users" or "Public Folders"
/// ignoring ASCII case ("other users/x", "PUBLIC FOLDERS"). CREATE and RENAME refuse such names
/// so no personal mailbox looks like, or hides, a namespace. "Public FoldersX" is not reserved.
bool reserved_personal_name(std::string_view name);

/// The account address that the <user> part of "Other users/<user>/..." names (as written in the
/// mailbox name, so in modified UTF-7: "r&-d" names r&d; "" when it is not valid), for a viewer
/// logged in as `viewer_address`: with an '@' it is a full address; without, a local part in
/// the viewer's own domain (the part after the viewer's last '@'), or just the local part when
/// the viewer has no domain. Lower-cased (ASCII), as the Directory keeps addresses. An empty
/// `user_part` gives "" (no account). Whether the account exists is for the caller to find out.
std::string owner_address(std::string_view viewer_address, std::string_view user_part);

/// The inverse, for display: the <user> part under which `viewer_address` sees the mailboxes of
/// `owner_address`. The owner's local part when both addresses have the same domain (compared
/// ignoring ASCII case), else the owner's full address. This is how Cyrus shows users of the
/// viewer's own domain, and it is our rule. owner_address(viewer, user_part(viewer, owner))
/// gives the lower-cased owner back, except for an owner without a domain seen by a viewer with
/// one (such an owner has no name in the viewer's domain scheme; Pillarbox accounts all have
/// domains).
std::string user_part(std::string_view viewer_address, std::string_view owner_address);

/// "Other users/" + user_part(viewer, owner) in modified UTF-7 + "/" + name: how `viewer_address` sees the
/// mailbox `name` of `owner_address`.
std::string other_user_name(std::string_view viewer_address, std::string_view owner_address, std::string_view name);

/// "Public Folders/" + name.
std::string public_name(std::string_view name);

/// Why `name` cannot name a new mailbox (IMAP CREATE and RENAME without UTF8=ACCEPT,
/// `pillarbox public create`), or nullopt when it can. Refused: an empty name; more than 1000
/// octets; a '/' at the start or end; an empty level ("a//b"); '*' or '%' (LIST wildcards); and
/// anything valid_mutf7 refuses (8-bit bytes, control characters, a malformed "&" shift). The
/// text is one line, client-safe, and starts with "Mailbox name".
std::optional<std::string> mailbox_name_problem(std::string_view name);

}  // namespace pillarbox::access
