// What a protocol transcript may show of a session (issue 6 item 3): credentials become
// "<redacted>" and message bodies "{N bytes}" unless bodies are logged. One Redactor per
// session sees every client line, literal and server line in the order they happen, because
// whether a line is a credential depends on what came before (a SASL exchange, a LOGIN literal).
// When unsure, it redacts: a false "<redacted>" costs a reader a guess, a leaked password costs
// an account.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>


#include "protolog/format.h"

namespace pillarbox::protolog {

/// The text that replaces a credential.
inline constexpr std::string_view kRedacted = "<redacted>";

/// "{N bytes}": how a literal or message body not logged is shown (N in octets).
std::string size_summary(std::uint64_t octets);

/// The IMAP server's continuation request for a literal (RFC 9051 §7.5). Every other "+" line
/// the server sends is a SASL challenge, which the Redactor hides: the session and the
/// Redactor share this text so the difference never depends on guessing.
inline constexpr std::string_view kImapLiteralContinuation = "+ Ready for literal data";
/// The IMAP server's continuation request of IDLE (RFC 2177 §3): not a challenge either, so the
/// client's DONE after it is shown.
inline constexpr std::string_view kImapIdleContinuation = "+ idling";
/// The POP3 server's status line before TOP's lines (RFC 1939 §7); RETR's is "+OK <n> octets".
inline constexpr std::string_view kPop3TopResponse = "+OK Top of message follows";
/// True when `status` is the POP3 server's "+OK" before a message's lines (RETR or TOP).
bool pop3_body_follows(std::string_view status);

class Redactor {
 public:
  /// `bodies`: log literal and DATA contents instead of their "{N bytes}" summary (log --bodies).
  /// Credentials are redacted either way.
  Redactor(Protocol protocol, bool bodies);

  /// The lines to log for one client line (its line end, if given, is ignored; the lines
  /// returned carry none). Usually one line; two when it announces a {0} literal; none while
  /// an LMTP DATA body is held back, and two at its "." (the "{N bytes}" summary, N the body's
  /// octets as sent with dot-stuffing and CRLFs and without the "." line, then "."). For IMAP
  /// a "line" is each piece of a command the framer delivers: the text up to a literal's {N}, then after the literal the
  /// text up to the next literal or CRLF (RFC 9051 §4.3).
  /// IMAP: LOGIN's password (RFC 9051 §6.2.3) and AUTHENTICATE's initial response (RFC 4959)
  /// and SASL responses (RFC 9051 §6.2.2) are redacted. POP3: PASS (RFC 1939 §7), APOP's digest,
  /// AUTH's initial response and SASL responses (RFC 5034). A LOGIN or APOP line that does not
  /// parse is redacted after the command name.
  std::vector<std::string> client_line(std::string_view line);

  /// The lines to log for a client line too long for the session (it refuses it; the Tap
  /// keeps only its size and its last octets, `tail`, without the line end): "{N bytes}", and a
  /// literal announced at its end is taken as one (not shown). In an LMTP body the octets count
  /// toward the body.
  std::vector<std::string> client_skipped(std::uint64_t octets, std::string_view tail);

  /// The lines to log for literal bytes sent after a client line that ended in {N} or {N+}
  /// (IMAP), or after LMTP "BDAT N" (RFC 3030 §2). A literal may come in several calls; its
  /// summary ("{N bytes}", N the announced size) or "<redacted>" for a LOGIN password comes with
  /// the call that completes it. With bodies set, the bytes themselves are returned as lines cut
  /// at each CRLF (a line without one in 4096-octet pieces, the last at the literal's end), the
  /// same lines however the literal was split into calls. Bytes nobody announced are summarised at once; an empty call returns
  /// nothing. A {0} literal (or BDAT 0) is done at once: its summary comes with client_line().
  std::vector<std::string> client_literal(std::string_view bytes);

  /// The lines to log for one server line (line end ignored): usually the line itself; none for
  /// a line of a POP3 RETR/TOP message body held back, and two at its "." ("{N bytes}" then ".").
  /// Notes the end of a SASL exchange or the start of an LMTP DATA body: IMAP's tagged reply to
  /// AUTHENTICATE, POP3's "+OK"/"-ERR" after AUTH, LMTP's "354" after DATA; and IMAP's tagged
  /// reply refusing a command whose literal was announced but never sent. An IMAP line ending
  /// in {N} announces a server literal (RFC 9051 §4.3) for server_literal(). SASL challenges
  /// ("+ data") are redacted, as a SCRAM salt and server signature are no business of a log
  /// reader.
  std::vector<std::string> server_line(std::string_view line);

  /// The lines to log for the head of a server line longer than the Tap keeps whole (the
  /// line's end comes later through server_line()): shown, counted as message body, or held
  /// back when the line is a SASL challenge, as its start decides. No other state changes.
  std::vector<std::string> server_piece(std::string_view piece);

  /// The lines to log for server literal bytes (IMAP FETCH BODY[] and the like) after a server
  /// line ending in {N}: like client_literal() for a literal that is not a credential.
  std::vector<std::string> server_literal(std::string_view bytes);

  /// Octets of the announced client literal (IMAP {N}, LMTP BDAT N) not yet seen; 0 when none.
  std::uint64_t client_literal_remaining() const {
    return literal_pending_ ? literal_size_ - literal_seen_ : 0;
  }
  /// Octets of the announced server literal not yet seen; 0 when none.
  std::uint64_t server_literal_remaining() const { return server_literal_left_; }

 private:
  std::vector<std::string> imap_client(std::string_view line);
  std::vector<std::string> pop3_client(std::string_view line);
  std::vector<std::string> lmtp_client(std::string_view line);
  std::string imap_login_piece(std::string_view piece);
  void announce_literal(std::string_view piece, bool redacted);
  std::vector<std::string> with_empty_literal(std::string line);
  bool challenge(std::string_view line) const;
  /// One line of a dot-terminated message (LMTP DATA, POP3 RETR/TOP): counted into `octets`
  /// and shown only with bodies; "." ends it (`in_body` cleared) after the "{N bytes}" summary.
  std::vector<std::string> body_line(std::string_view line, bool& in_body, std::uint64_t& octets) const;
  void imap_server_literal(std::string_view line);

  // The rules are chosen so that no decision to show a client line depends on how the
  // server's replies interleave with pipelined commands: a SASL response is told by its shape
  // (no space), a message body by the line that starts it, a challenge by not being the
  // literal continuation. Only a refused synchronising literal needs the order of replies.
  Protocol protocol_;
  bool bodies_;
  // IMAP: a command continues after a literal; these say where its next piece stands.
  bool in_command_ = false;
  bool in_login_ = false;       // the current command is LOGIN
  bool idling_ = false;         // the server said "+ idling": the client's DONE may follow
  int login_arg_ = 0;           // LOGIN arguments seen: 0 before the user name, 1 before the password
  bool redact_rest_ = false;    // the current command's remaining pieces and literals are redacted
  // IMAP: commands started and tagged replies seen; the command in progress is number
  // current_command_, and its reply is the replies_ == current_command_ one.
  std::uint64_t commands_ = 0;
  std::uint64_t replies_ = 0;
  std::uint64_t current_command_ = 0;
  // A literal announced and not yet complete.
  bool literal_pending_ = false;
  bool literal_redacted_ = false;
  bool literal_sync_ = true;
  std::uint64_t literal_size_ = 0;
  std::uint64_t literal_seen_ = 0;
  std::string client_partial_;  // with bodies: a literal's line not yet complete
  std::string server_partial_;
  // LMTP: DATA sent and its 354 awaited; then inside the body, counting its octets.
  bool data_pending_ = false;
  bool in_body_ = false;
  std::uint64_t body_octets_ = 0;
  // Server side: an IMAP literal being written, its size, and whether the next line continues
  // the response that held it.
  std::uint64_t server_literal_size_ = 0;
  std::uint64_t server_literal_left_ = 0;
  bool server_after_literal_ = false;
  // POP3: challenges not yet answered (RFC 5034 §4), and a message's lines being written.
  std::uint32_t sasl_owed_ = 0;
  bool in_server_body_ = false;
  std::uint64_t server_body_octets_ = 0;
  // A server line whose head came through server_piece(), and what its start made of it.
  enum class Head { shown, body, secret };
  bool server_continuing_ = false;
  Head server_head_ = Head::shown;
};

}  // namespace pillarbox::protolog
