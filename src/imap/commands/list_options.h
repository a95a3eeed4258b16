// The arguments of LIST and LSUB, with the extended syntax of RFC 5258 §6:
//   list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
//   list-select-opts = "(" [list-select-option *(SP list-select-option)] ")"
//   mbox-or-pat = list-mailbox / "(" list-mailbox *(SP list-mailbox) ")"
//   list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"
// Selection options: SUBSCRIBED, REMOTE, RECURSIVEMATCH (RFC 5258 §3), SPECIAL-USE (RFC 6154
// §3). Return options: SUBSCRIBED, CHILDREN (RFC 5258 §4), SPECIAL-USE (RFC 6154 §3),
// STATUS (...) (RFC 5819 §2).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imap/parser.h"

namespace pillarbox::imap {

struct ListArguments {
  std::string reference;
  std::vector<std::string> patterns;  ///< at least one; several only in the extended form
  // Selection options.
  bool select_subscribed = false;
  bool select_special_use = false;
  bool select_remote = false;          ///< accepted; there are no remote mailboxes (RFC 2193)
  bool recursive_match = false;
  // Return options.
  bool return_subscribed = false;      ///< also implied by select_subscribed
  bool return_children = false;        ///< \HasChildren/\HasNoChildren are always given anyway
  bool return_special_use = false;     ///< special-use attributes are always given anyway
  std::optional<std::vector<std::string>> status_items;  ///< RETURN (STATUS (...))

  /// True when a selection option narrows the list (SUBSCRIBED, SPECIAL-USE).
  bool selects() const { return select_subscribed || select_special_use; }
};

/// Parses LIST's arguments (the extended form too) or, when `lsub`, LSUB's (reference and one
/// pattern only). Unknown options and RECURSIVEMATCH without SUBSCRIBED or SPECIAL-USE fail the
/// parser (RFC 5258 §3: BAD).
ListArguments parse_list_arguments(Parser& parser, bool lsub);

}  // namespace pillarbox::imap
