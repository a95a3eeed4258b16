// SASL (RFC 4422) for the protocol engines: base64 as SASL uses it (RFC 4648 §4), the PLAIN
// message (RFC 4616) and a server-side exchange for PLAIN and LOGIN that both IMAP AUTHENTICATE
// (RFC 3501 §6.2.2, RFC 4959 SASL-IR) and POP3 AUTH (RFC 5034) drive. Pure: no I/O, no store;
// the caller verifies the credentials the exchange yields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pillarbox::auth::sasl {

/// Standard base64 with padding (RFC 4648 §4), no line breaks.
std::string base64_encode(std::string_view bytes);

/// Decodes strict base64 (RFC 4648 §4): the alphabet A-Z a-z 0-9 + /, length a multiple of 4,
/// "=" padding only at the end (at most two), no spaces or line breaks. "" decodes to "".
/// nullopt for anything else. Never reads past `text`, whatever it holds.
std::optional<std::string> base64_decode(std::string_view text);

/// A decoded PLAIN message (RFC 4616 §2): [authzid] NUL authcid NUL passwd.
struct PlainCredentials {
  std::string authzid;   ///< empty when the client did not ask to act as someone else
  std::string authcid;   ///< the login name
  std::string password;
};

/// Splits a decoded PLAIN message. Errc::invalid when it does not have exactly two NULs or the
/// authcid or password is empty; Errc::no_perm when an authzid is given that differs from the
/// authcid (acting as another user is not offered: no master users yet).
Result<PlainCredentials> parse_plain(std::string_view message);

/// The mechanisms offered, in the order servers list them.
enum class Mechanism { plain, login };

/// The mechanism named `name` (case-insensitive, RFC 4422 §3.1), or nullopt.
std::optional<Mechanism> find_mechanism(std::string_view name);
/// "PLAIN" or "LOGIN".
std::string_view mechanism_name(Mechanism m);

/// The server side of one exchange. Feed it the client's initial response (if any) with
/// start(), then each client line with next(), until a step is not `challenge`.
///
///   PLAIN (RFC 4616): one message "authzid\0authcid\0passwd", as the initial response or after
///                     an empty challenge.
///   LOGIN (draft-murchison-sasl-login-00): challenge "Username:", the login name, challenge
///                     "Password:", the password. An initial response is the login name.
class ServerExchange {
 public:
  struct Step {
    enum class Kind {
      challenge,   ///< send "+ " + text (already base64; "" for an empty challenge) and read on
      done,        ///< credentials ready: login() and password()
      cancelled,   ///< the client sent "*" (RFC 4422 §3.5)
      malformed,   ///< not base64, or not a valid message for the mechanism; text says which
      denied,      ///< a valid message asking for something refused (PLAIN authzid != authcid)
    };
    Kind kind;
    std::string text;   ///< the challenge (base64) or a client-safe reason
  };

  explicit ServerExchange(Mechanism mechanism) : mechanism_(mechanism) {}

  /// Starts the exchange. `initial_response` is the base64 text that came with the command;
  /// "=" means an empty initial response (RFC 4959 §3, RFC 5034 §4); nullopt means none.
  Step start(std::optional<std::string_view> initial_response);
  /// Handles one client line (base64, or "*" to cancel) after a `challenge` step.
  Step next(std::string_view line);

  Mechanism mechanism() const { return mechanism_; }
  /// The authentication identity (login name) after `done`.
  const std::string& login() const { return login_; }
  const std::string& password() const { return password_; }

 private:
  Step take(std::string decoded);

  Mechanism mechanism_;
  int round_ = 0;        // client messages taken so far
  std::string login_;
  std::string password_;
};

}  // namespace pillarbox::auth::sasl
