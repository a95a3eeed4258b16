// SASL (RFC 4422) for the protocol engines: base64 as SASL uses it (RFC 4648 §4), the PLAIN
// message (RFC 4616) and a server-side exchange for PLAIN, LOGIN, SCRAM-SHA-256 and
// SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) that both IMAP AUTHENTICATE (RFC 3501 §6.2.2, RFC 4959
// SASL-IR) and POP3 AUTH (RFC 5034) drive. Pure: no I/O, no store; the caller verifies the
// password the PLAIN/LOGIN exchange yields and supplies the stored secret SCRAM asks for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/scram.h"
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
/// authcid or password is empty. Whether the authzid may be used is the caller's decision
/// (Authenticator::authorize: only master users act for others).
Result<PlainCredentials> parse_plain(std::string_view message);

/// The mechanisms offered.
enum class Mechanism { plain, login, scram_sha_256, scram_sha_256_plus };

/// The mechanism named `name` (case-insensitive, RFC 4422 §3.1), or nullopt.
std::optional<Mechanism> find_mechanism(std::string_view name);
/// "PLAIN", "LOGIN", "SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS".
std::string_view mechanism_name(Mechanism m);
/// True for the SCRAM mechanisms, which never carry a password.
inline bool is_scram(Mechanism m) { return m == Mechanism::scram_sha_256 || m == Mechanism::scram_sha_256_plus; }

/// The connection's channel bindings (RFC 5056) for SCRAM-SHA-256-PLUS. The session fills it in
/// from its TLS state; an empty string means that binding type is not available here.
struct ChannelBindings {
  bool tls = false;                   ///< TLS is up, so -PLUS is offered (RFC 5802 §6 'y' rule)
  std::string tls_exporter;           ///< RFC 9266: 32 exporter bytes; TLS 1.3 only
  std::string tls_server_end_point;   ///< RFC 5929 §4.1: hash of the server certificate
};

/// The server side of one exchange. Feed it the client's initial response (if any) with
/// start(), then each client line with next(), until a step is neither `challenge` nor
/// `need_secret`; answer `need_secret` with provide_secret().
///
///   PLAIN (RFC 4616): one message "authzid\0authcid\0passwd", as the initial response or after
///                     an empty challenge.
///   LOGIN (draft-murchison-sasl-login-00): challenge "Username:", the login name, challenge
///                     "Password:", the password. An initial response is the login name.
///   SCRAM-SHA-256[-PLUS] (RFC 5802 §5, RFC 7677): client-first (initial response or after an
///                     empty challenge) -> need_secret for login() -> server-first challenge ->
///                     client-final -> server-final ("v=...") challenge -> an empty response ->
///                     done. A wrong proof, an unusable secret, a channel binding that does not
///                     match, a 'y' flag while -PLUS is offered (a downgrade, RFC 5802 §6) and
///                     an unknown mandatory extension give `failed`.
class ServerExchange {
 public:
  struct Step {
    enum class Kind {
      challenge,     ///< send "+ " + text (already base64; "" for an empty challenge) and read on
      need_secret,   ///< SCRAM: look up login()'s secret and call provide_secret()
      done,          ///< authenticated (SCRAM) or credentials ready (PLAIN, LOGIN: password())
      cancelled,     ///< the client sent "*" (RFC 4422 §3.5)
      malformed,     ///< not base64, or not a valid message for the mechanism; text says which
      failed,        ///< SCRAM refused the client: answer as for a wrong password
    };
    Kind kind;
    std::string text;     ///< the challenge (base64) or a client-safe reason
    std::string detail;   ///< `failed`: why, for the log only
  };

  /// `bindings` matter to SCRAM only. `server_nonce` replaces the random server nonce (for
  /// RFC 7677's test vector; never set it outside tests).
  explicit ServerExchange(Mechanism mechanism, ChannelBindings bindings = {}, std::string server_nonce = {})
      : mechanism_(mechanism), bindings_(std::move(bindings)), server_nonce_(std::move(server_nonce)) {}

  /// Starts the exchange. `initial_response` is the base64 text that came with the command;
  /// "=" means an empty initial response (RFC 4959 §3, RFC 5034 §4); nullopt means none.
  Step start(std::optional<std::string_view> initial_response);
  /// Handles one client line (base64, or "*" to cancel) after a `challenge` step.
  Step next(std::string_view line);
  /// After `need_secret`: `secret` is the account's stored secret, or a fake one
  /// (scram::fake_secret) with `usable` false when the account is unknown or has no keys, so
  /// the exchange runs to its end and fails there like a wrong password. Returns the
  /// server-first challenge.
  Step provide_secret(const scram::Secret& secret, bool usable);

  Mechanism mechanism() const { return mechanism_; }
  /// The authentication identity (login name), after `done` (SCRAM: after `need_secret`).
  const std::string& login() const { return login_; }
  /// PLAIN and LOGIN: the password after `done`; "" for SCRAM.
  const std::string& password() const { return password_; }
  /// The authorization identity the client asked for (PLAIN authzid, SCRAM "a="), "" if none.
  const std::string& authzid() const { return authzid_; }

 private:
  Step take(std::string decoded);
  Step take_scram(std::string decoded);
  Step fail(std::string detail) { return {Step::Kind::failed, "Authentication failed", std::move(detail)}; }

  Mechanism mechanism_;
  ChannelBindings bindings_;
  std::string server_nonce_;
  int round_ = 0;        // client messages taken so far
  std::string login_;
  std::string password_;
  std::string authzid_;
  // SCRAM state between the steps.
  enum class ScramState { client_first, secret, client_final, ack };
  ScramState scram_state_ = ScramState::client_first;
  std::string expected_binding_;   // c= as it must come back: gs2 header + binding data
  std::string client_first_bare_;
  std::string client_nonce_;
  std::string server_first_;
  scram::Secret secret_;
  bool usable_ = false;
};

}  // namespace pillarbox::auth::sasl
