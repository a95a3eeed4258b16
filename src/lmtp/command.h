// LMTP command syntax (RFC 2033 §4, which takes SMTP's from RFC 5321 §4.1): the verb, and the
// paths and parameters of MAIL and RCPT. Pure functions over one command line: no state, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::lmtp {

/// One reply line: a reply code, an RFC 3463 enhanced status code (RFC 2034; empty for the
/// 220 greeting, the LHLO reply and 354, which carry none) and text.
struct Reply {
  int code = 250;
  std::string status;   ///< e.g. "2.1.5"
  std::string text;
  /// "<code> <status> <text>\r\n" (or "<code> <text>\r\n" without a status).
  std::string line() const;
  bool operator==(const Reply&) const = default;
};

enum class Verb { lhlo, helo, ehlo, mail, rcpt, data, rset, noop, quit, vrfy, empty, unknown };

/// A command line split into its verb (case-insensitive, RFC 5321 §2.4) and the argument after
/// the first space ("" when there is none).
struct Command {
  Verb verb = Verb::unknown;
  std::string_view argument;
};
Command split_command(std::string_view line);

/// True when `line` holds a control character (NUL, a bare CR, TAB, DEL ...), which no LMTP
/// command may contain; the session answers 501 5.5.4 without parsing further.
bool has_control_characters(std::string_view line);

/// MAIL FROM arguments (RFC 5321 §4.1.1.2, RFC 1870 SIZE, RFC 6152 BODY).
struct MailArgs {
  std::string reverse_path;            ///< the address without brackets; "" for "<>"
  std::optional<std::uint64_t> size;   ///< SIZE=; UINT64_MAX when the number overflows
  bool operator==(const MailArgs&) const = default;
};

/// RCPT TO arguments (RFC 5321 §4.1.1.3).
struct RcptArgs {
  std::string forward_path;   ///< the address without brackets, e.g. "alice@example.org"
  bool operator==(const RcptArgs&) const = default;
};

/// Parses the argument of MAIL: "FROM:" Reverse-path [SP Mail-parameters]. A space after the
/// colon is tolerated (common in the wild). Returns the reply to send on error, nullopt on
/// success: 501 5.5.4 for broken syntax (also a BODY other than 7BIT/8BITMIME, a SIZE that is
/// not a number, a parameter given twice), 501 5.1.7 for a bad address, 555 5.5.4 for an
/// unknown parameter (RFC 5321 §4.1.1.11).
std::optional<Reply> parse_mail(std::string_view argument, MailArgs& out);

/// Parses the argument of RCPT: "TO:" Forward-path [SP Rcpt-parameters]; "<Postmaster>" without
/// a domain is allowed (RFC 5321 §4.1.1.3). Errors as parse_mail (501 5.1.3 for a bad address);
/// no RCPT parameter is supported (no DSN), so any is 555 5.5.4.
std::optional<Reply> parse_rcpt(std::string_view argument, RcptArgs& out);

/// Parses a Path "<" [A-d-l ":"] Mailbox ">" (RFC 5321 §4.1.2) at the start of `text`; the
/// source route is dropped. A quoted local part that is also a valid Dot-string is returned
/// unquoted ("\"alice\"@x" is "alice@x", RFC 5321 §4.1.2 says they are the same). On success
/// returns the address and sets `consumed`; `allow_null` accepts "<>" as "". Errors:
/// nullopt with `bracket_error` true when the angle brackets are missing (syntax) and false
/// when the address inside is malformed.
std::optional<std::string> parse_path(std::string_view text, bool allow_null, std::size_t& consumed,
                                      bool& bracket_error);

}  // namespace pillarbox::lmtp
