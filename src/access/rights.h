// RFC 4314 access rights: the rights set, its text forms (SETACL input; ACL, MYRIGHTS and
// LISTRIGHTS output; the RIGHTS= capability), ACL identifiers, and how an ACL's entries combine
// into one user's rights. Pure code: the store keeps entries as text (store::AclEntry) and the
// IMAP layer checks has('r') and so on before each command (RFC 4314 §4).
//
// The obsolete rights "c" and "d" (§2.1.1). Pillarbox implements k, x, t and e separately and
// takes the first of the two mappings §2.1.1 describes, the one its own examples use (SETACL
// "+cda" yields "kxet"; "lrswida" yields "lrswideta") and Dovecot uses:
//   c ("create") = k + x        d ("delete") = t + e
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pillarbox::access {

/// A set of the 11 standard rights of RFC 4314 §2.1: l r s w i p k x t e a. Default: empty.
/// The virtual rights c and d are not members; they exist only in text (parse_rights, to_string).
class Rights {
 public:
  constexpr Rights() = default;

  /// Every standard right, "lrswipkxtea" (what the owner of a mailbox has in Pillarbox).
  static Rights all();
  /// True when `right` is one of the 11 standard letters and is in the set. Any other character,
  /// including the virtual 'c' and 'd', gives false.
  bool has(char right) const;
  /// True when the set holds no right.
  bool empty() const { return bits_ == 0; }

  /// Union.
  friend Rights operator|(Rights a, Rights b) { return Rights(a.bits_ | b.bits_); }
  /// Intersection.
  friend Rights operator&(Rights a, Rights b) { return Rights(a.bits_ & b.bits_); }
  /// The rights of `a` that are not in `b`.
  friend Rights operator-(Rights a, Rights b) { return Rights(a.bits_ & ~b.bits_); }
  Rights& operator|=(Rights b) { return *this = *this | b; }
  Rights& operator&=(Rights b) { return *this = *this & b; }
  Rights& operator-=(Rights b) { return *this = *this - b; }
  friend bool operator==(Rights, Rights) = default;

 private:
  constexpr explicit Rights(std::uint16_t bits) : bits_(bits) {}
  friend Result<Rights> parse_rights(std::string_view text);
  std::uint16_t bits_ = 0;
};

/// Parses a rights string (SETACL's rights after any +/- prefix, or a stored rights text).
/// Accepts the 11 standard letters in any order and repetition, and the obsolete 'c' (= k x) and
/// 'd' (= t e) of §2.1.1. Empty text is valid and means no rights.
/// Errors: Errc::invalid, with client-safe text naming the first bad character, for anything
/// else: upper-case letters (§2 forbids them), digits (§2 reserves them for site-defined rights,
/// and Pillarbox defines none), other letters, '+'/'-', spaces, controls and 8-bit bytes.
/// §3.1 requires an unrecognised right to fail SETACL with BAD, never to be ignored.
Result<Rights> parse_rights(std::string_view text);

/// The rights as text for ACL and MYRIGHTS responses (§3.6, §3.8): the standard letters in the
/// order of §2.1 ("lrswipkxtea"), then 'c' when k or x is present and 'd' when t or e is present.
/// §2.1.1 requires c (and d) in these responses whenever any member of "create" (and "delete")
/// is set, so RFC 2086 clients keep working; RFC 4314 clients ignore both.
/// Example: all() gives "lrswipkxteacd"; {l r k} gives "lrkc". An empty set gives "" (the
/// caller writes it as the astring ""). Not for storage: parse_rights(to_string(r)) may be
/// larger than r ("k" becomes "kc", which parses as k x); use to_letters.
std::string to_string(Rights rights);

/// The standard letters only, in §2.1 order, without c and d: the form to store, for which
/// parse_rights(to_letters(r)) == r.
std::string to_letters(Rights rights);

/// The RIGHTS= capability token (§2.2, §5.1.1): the rights beyond RFC 2086's that the server
/// implements, which must include t, e, x and k and must not name l r s w i p a c d or digits.
/// Returns "RIGHTS=texk".
std::string_view rights_capability();

/// The LISTRIGHTS response text after the identifier (§3.4, §3.7): the rights the identifier
/// always has, then each group of rights that can be granted (one group per string; rights in a
/// group are tied). In Pillarbox:
///  - the owner (`owner_identifier`) always has every right and nothing more can be granted:
///    "lrswipkxteacd" (c and d included because their members are granted, §2.1.1);
///  - any other identifier (anyone, authenticated, an account, or a "-" negative one) is always
///    granted nothing and can be granted each right on its own:
///    "\"\" l r s w i p k x t e a c d". c and d appear because some of their members can be
///    granted, and on their own because no member is tied to another right (§2.1.1).
/// The text is ready to write after "* LISTRIGHTS <mailbox> <identifier> ".
std::string listrights_answer(bool owner_identifier);

/// One entry of a mailbox's ACL (§2): an identifier as normalize_identifier returns it (an
/// account address, "anyone" or "authenticated", perhaps after "-") and its rights.
struct AclEntry {
  std::string identifier;
  Rights rights;
  bool operator==(const AclEntry&) const = default;
};

/// The rights `user_address` has through `entries` (§2): the union of the rights of the positive
/// entries that apply to the user, minus the union of the rights of the negative entries ("-"
/// prefix) that apply. An entry applies when its identifier (after any "-") is "anyone", or
/// "authenticated", or equals the user's address ignoring ASCII case. An empty `user_address`
/// means an anonymous user, to whom only "anyone" applies (Pillarbox has no anonymous login
/// today; every logged-in user is authenticated). Unknown identifiers never apply.
/// The owner of a mailbox is not handled here: the caller gives the owner Rights::all().
Rights effective_rights(std::string_view user_address, const std::vector<AclEntry>& entries);

/// The canonical form of an identifier from SETACL, DELETEACL or LISTRIGHTS (§3): ASCII letters
/// lower-cased (so addresses, "anyone" and "authenticated" match whatever case the client
/// used), any leading "-" kept. Non-ASCII UTF-8 is kept as it is (SASLprep is not applied).
/// Errors (Errc::invalid; §3 says such identifiers get BAD): empty; "-" alone; "--" at the
/// start (a negative of a negative); a space, control character or DEL; malformed UTF-8; more
/// than 255 bytes (an address is at most 254, RFC 5321 §4.5.3.1.3, plus the "-").
Result<std::string> normalize_identifier(std::string_view identifier);

/// Applies SETACL's third argument (§3.1) to an identifier's `current` rights: "+rights" adds
/// them, "-rights" removes them, and "rights" without a prefix replaces them. c and d expand as
/// parse_rights says; "+", "-" and "" are valid (no change, no change, no rights).
/// Errors: those of parse_rights (Errc::invalid, for a BAD reply).
Result<Rights> apply_modification(Rights current, std::string_view modification);

}  // namespace pillarbox::access
