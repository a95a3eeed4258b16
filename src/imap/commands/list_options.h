// The arguments of LIST and LSUB, with the extended syntax of RFC 5258 §6:
//   list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
//   list-select-opts = "(" [list-select-option *(SP list-select-option)] ")"
//   mbox-or-pat = list-mailbox / "(" list-mailbox *(SP list-mailbox) ")"
//   list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"
// Selection options: SUBSCRIBED, REMOTE, RECURSIVEMATCH (RFC 5258 §3), SPECIAL-USE (RFC 6154
// §3, §6: list-select-independent-opt, so not a base option that RECURSIVEMATCH can refine). Return options: SUBSCRIBED, CHILDREN (RFC 5258 §4), SPECIAL-USE (RFC 6154 §3),
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

/// How much one LIST may ask for ([limits] max_list_patterns, max_list_pattern_octets): each
/// pattern is matched against every visible name, so both bound the work of one command.
struct ListLimits {
  std::size_t max_patterns = 100;         ///< patterns in one extended LIST
  std::size_t max_pattern_octets = 1024;  ///< octets of one pattern, and of the reference
};

/// Parses LIST's arguments (the extended form too) or, when `lsub`, LSUB's (reference and one
/// pattern only). Unknown options, RECURSIVEMATCH without SUBSCRIBED (the one base selection
/// option; RFC 5258 §3, RFC 6154 §6), more patterns than `limits.max_patterns` and a pattern or
/// reference longer than `limits.max_pattern_octets` fail the parser (BAD).
ListArguments parse_list_arguments(Parser& parser, bool lsub, const ListLimits& limits = {});

}  // namespace pillarbox::imap
