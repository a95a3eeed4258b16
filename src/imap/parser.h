// The IMAP grammar parser (DESIGN §3 stage 2): reads one complete command, as assembled by the
// Framer (literal markers and their bytes inline, final CRLF removed), top-down. The first
// error sticks: later calls return empty values, so a handler reads straight through and
// checks ok() once. Atom, quoted string, literal and NIL stay distinct kinds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/types.h"
#include "store/types.h"

namespace pillarbox::imap {

/// How a string was written; some commands care (LIST wildcards, NIL).
enum class StringKind { atom, quoted, literal, nil };

class Parser {
 public:
  /// `command` must outlive the parser. It holds a whole command: "tag SP name ..." with
  /// literals as "{N}\r\n" + N bytes (also "{N+}" and "~{N}"), without the final CRLF.
  explicit Parser(std::string_view command);

  bool ok() const { return error_.empty(); }
  /// The first error, a short client-safe text for a tagged BAD ("Expected SP after tag").
  const std::string& error() const { return error_; }
  /// Records an error unless one is already recorded.
  void fail(std::string message);
  /// Bytes not yet consumed.
  std::string_view rest() const { return input_.substr(pos_); }
  bool at_end() const { return pos_ >= input_.size(); }

  // --- tokens -------------------------------------------------------------------------------
  /// tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 §9).
  std::string tag();
  /// One SP; anything else is an error.
  void space();
  /// Requires the end of input.
  void end();
  /// True (and consumes) if the next bytes equal `word` ignoring ASCII case.
  bool skip(std::string_view word);
  /// True if the next byte is `c` (consumed when it is).
  bool skip_char(char c);
  /// Requires byte `c`.
  void expect(char c);
  /// atom = 1*ATOM-CHAR.
  std::string atom();
  /// An atom upper-cased (command names, search keys, fetch items).
  std::string keyword();
  /// number = 1*DIGIT fitting in 32 bits (errors past 2^32-1).
  std::uint32_t number();
  /// nz-number: number > 0.
  std::uint32_t nz_number();
  /// number64 (RFC 9051): fits in 63 bits.
  std::uint64_t number64();
  /// mod-sequence-value (RFC 7162 §7): 1 to 2^63-1; with `allow_zero`, mod-sequence-valzer.
  std::uint64_t mod_sequence(bool allow_zero);
  /// quoted / literal.
  std::string string(StringKind* kind = nullptr);
  /// astring = 1*ASTRING-CHAR / string.
  std::string astring(StringKind* kind = nullptr);
  /// nstring = string / NIL; nullopt for NIL.
  std::optional<std::string> nstring();
  /// mailbox = "INBOX" / astring; any case of INBOX becomes "INBOX" (RFC 3501 §5.1).
  std::string mailbox();
  /// list-mailbox = 1*list-char / string (RFC 3501 §9), for LIST/LSUB patterns.
  std::string list_mailbox();

  // --- structures ---------------------------------------------------------------------------
  /// sequence-set, with "*" as kStar, or "$" (RFC 5182 seq-last-command) as SequenceSet::saved.
  /// Numbers must be non-zero.
  SequenceSet sequence_set();
  /// flag-list = "(" [flag *(SP flag)] ")". System flags become bits; keywords are kept;
  /// \Recent and unknown \Extension flags are errors (RFC 3501 §9 flag).
  store::Flags flag_list();
  /// Flags of STORE: a flag-list or flags separated by SP without parentheses.
  store::Flags store_flags();
  /// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE.
  DateTime date_time();
  /// date = date-text / DQUOTE date-text DQUOTE; days since 1970-01-01.
  std::int64_t date();
  /// The FETCH argument: a macro (ALL, FAST, FULL), one fetch-att, or a parenthesized list.
  std::vector<FetchAttribute> fetch_attributes();
  /// The SEARCH arguments after "SEARCH SP": ["CHARSET" SP astring SP] 1*search-key (joined
  /// by AND). Stores the upper-cased charset in `charset` ("" if none given). The caller
  /// refuses charsets it does not support with NO [BADCHARSET].
  SearchKey search_program(std::string* charset);
  /// One search-key.
  SearchKey search_key(int depth = 0);
  /// append-data of APPEND (RFC 3516 §4.4): a literal or a literal8 ("~{N}"). Sets *literal8
  /// to whether it was a literal8. NUL bytes are allowed only in a literal8; string() and
  /// astring() refuse a literal8.
  std::string append_data(bool* literal8 = nullptr);

  /// How deep parenthesized lists and NOT/OR may nest in a search program.
  static constexpr int kMaxDepth = 100;

 private:
  int peek() const;
  std::string quoted();
  std::string literal(bool allow_literal8, bool* was_literal8);
  std::uint64_t digits(std::uint64_t max, const char* what);
  std::uint32_t seq_number();
  void flag(store::Flags& flags);
  int month();
  int fixed_digits(int count);
  void fetch_att(bool allow_macro, std::vector<FetchAttribute>& out);
  void section(FetchAttribute& att);
  /// section-binary = "[" [section-part] "]" and, unless `size`, an optional <partial>
  /// (RFC 3516 §4.2, RFC 4466 §2.1 grammar).
  void section_binary(FetchAttribute& att, bool size);
  /// <origin.octets> after a section, echoed as "<origin>" in att.response_name.
  void partial(FetchAttribute& att);
  std::string header_field_name();
  void atom_error(std::size_t start);
  bool atom_ends_well();

  std::string_view input_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace pillarbox::imap
