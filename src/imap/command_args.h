// The argument grammars of commands whose arguments are more than the parser's primitives
// (imap/parser.h) put together: ID, ENABLE, SELECT/EXAMINE parameters, FETCH and STORE
// modifiers, SEARCH RETURN options, STATUS items and SETQUOTA. They live apart from the
// handlers (commands/*.cpp) so that unit tests and the fuzzer (fuzz/fuzz_imap_input.cpp) reach
// the very code the server runs. Each reads from a Parser and reports a syntax error through
// it (Parser::fail): the handler answers BAD with Parser::error().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/parser.h"
#include "imap/types.h"
#include "store/types.h"

namespace pillarbox::imap {

/// One ID field-value pair (RFC 2971 §3.3).
struct IdParam {
  std::string field;
  std::optional<std::string> value;  ///< nullopt for NIL
};

/// Limits of RFC 2971 §3.3 on the client's ID list.
inline constexpr std::size_t kIdMaxPairs = 30;
inline constexpr std::size_t kIdMaxFieldOctets = 30;
inline constexpr std::size_t kIdMaxValueOctets = 1024;

/// Reads id-params-list = "(" *(string SP nstring) ")" / nil (RFC 2971 §4; pairs separated by
/// SP). Returns the pairs in order, or nullopt for NIL. More than kIdMaxPairs pairs, a field over
/// kIdMaxFieldOctets or a value over kIdMaxValueOctets octets, or a field given twice (any case)
/// fail the parser.
std::optional<std::vector<IdParam>> parse_id_params(Parser& parser);

/// Reads ENABLE's arguments: capability *(SP capability) (RFC 5161 §3), upper-cased, in order.
/// None at all fails the parser.
std::vector<std::string> parse_enable_args(Parser& parser);

/// SELECT/EXAMINE (QRESYNC (...)) (RFC 7162 §3.2.5).
struct QresyncParams {
  std::uint32_t uid_validity = 0;
  store::ModSeq modseq = 0;               ///< the client's last known mod-sequence, > 0
  std::optional<SequenceSet> known_uids;  ///< never "$"
};

/// The optional parameters of SELECT and EXAMINE.
struct SelectParams {
  bool condstore = false;                ///< (CONDSTORE), RFC 7162 §3.1.8
  std::optional<QresyncParams> qresync;  ///< (QRESYNC (...)), RFC 7162 §3.2.5
};

/// Reads [SP "(" select-param *(SP select-param) ")"] after SELECT's mailbox (RFC 7162 §7):
///   select-param = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP mod-sequence-value
///                  [SP known-uids] [SP seq-match-data] ")"
///   seq-match-data = "(" known-sequence-set SP known-uid-set ")"
/// seq-match-data is checked for syntax (the two sets must be the same size) and dropped: the
/// store keeps every expunge's mod-sequence, so it is not needed. An unknown parameter, "$" in
/// place of a set, or seq-match-data without known-uids fail the parser. Does not read the end.
SelectParams parse_select_params(Parser& parser);

/// FETCH's modifiers (RFC 7162 §3.1.4, §3.2.6).
struct FetchModifiers {
  std::optional<store::ModSeq> changed_since;  ///< CHANGEDSINCE mod-sequence-value (> 0)
  bool vanished = false;                       ///< VANISHED
};

/// Reads [SP "(" fetch-modifier *(SP fetch-modifier) ")"] after FETCH's attributes:
///   fetch-modifier = "CHANGEDSINCE" SP mod-sequence-value / "VANISHED"
/// An unknown modifier fails the parser. Whether VANISHED is allowed (UID FETCH, QRESYNC on,
/// with CHANGEDSINCE) is the handler's to say.
FetchModifiers parse_fetch_modifiers(Parser& parser);

/// Reads STORE's optional modifier list before store-att-flags (RFC 7162 §3.1.3):
///   "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")" SP
/// Returns the mod-sequence (0 allowed), or nullopt when there is no "(". Any other modifier
/// fails the parser.
std::optional<store::ModSeq> parse_store_modifiers(Parser& parser);

/// SEARCH's RETURN options (RFC 4731 §3.1, RFC 5182 §2). None of min/max/all/count means the
/// RFC 3501 SEARCH response; "RETURN ()" is ALL.
struct SearchReturn {
  bool min = false, max = false, all = false, count = false, save = false;
  /// True when the answer is an ESEARCH response.
  bool esearch() const { return min || max || all || count; }
};

/// Reads ["RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" SP] before SEARCH's
/// criteria. An unknown option fails the parser.
SearchReturn parse_search_return(Parser& parser);

/// Reads "(" status-att *(SP status-att) ")" (RFC 3501 §6.3.10; SIZE from RFC 8438;
/// HIGHESTMODSEQ from RFC 7162; DELETED and DELETED-STORAGE from RFC 9208; APPENDLIMIT from
/// RFC 7889) and gives the items upper-cased, in the order written. An unknown item fails the
/// parser.
std::vector<std::string> parse_status_items(Parser& parser);

/// One resource limit of SETQUOTA (RFC 9208 §4.1.4).
struct QuotaLimit {
  std::string resource;  ///< upper-cased resource name, e.g. "STORAGE"
  std::uint64_t limit = 0;
};

/// Reads SETQUOTA's arguments: quota-root SP "(" [setquota-resource *(SP setquota-resource)] ")"
/// (RFC 9208 §4.1.4, setquota-resource = resource-name SP number64). `root` receives the quota
/// root's name. Does not read the end.
std::vector<QuotaLimit> parse_setquota_args(Parser& parser, std::string& root);

}  // namespace pillarbox::imap
