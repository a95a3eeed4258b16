// SCRAM-SHA-256 (RFC 5802, RFC 7677): the stored secret and the pieces of the server side of the
// exchange, on OpenSSL's primitives. Pure: no I/O, no store; sasl::ServerExchange runs the
// exchange with these, the Authenticator stores and finds the secrets.
//
// Why not GNU SASL: Debian 12's libgsasl 2.2 implements tls-unique and tls-exporter channel
// bindings only, and SCRAM-SHA-256-PLUS must also work with tls-server-end-point (RFC 5929 §4)
// on TLS 1.2, where tls-exporter is unsafe without the extended master secret (RFC 9266 §3).
// Its server callbacks would also need the account's keys synchronously inside gsasl_step(),
// while here the lookup runs on the authenticator's pool between two steps.
//
// The stored form is the one Dovecot and `gsasl --mkpasswd` use, so secrets made by either
// can be imported: "{SCRAM-SHA-256}" iteration-count "," salt "," StoredKey "," ServerKey with
// the last three in base64 (RFC 4648 §4). Neither the password nor SaltedPassword is kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pillarbox::auth::scram {

/// PBKDF2 iterations for new secrets. RFC 7677 §4 asks for at least 4096. Every SCRAM login makes
/// the client compute this many HMAC-SHA-256 rounds, and stolen keys resist an offline guess
/// only as well as this count does (far less than the Argon2id hash beside them), so it is a
/// compromise: 10000 costs a client a few to some tens of milliseconds and is 2.4 times the
/// RFC's floor. Changing it affects new secrets only; stored ones keep their own count.
inline constexpr std::uint32_t kIterations = 10000;
/// Salt length in bytes for new secrets (RFC 5802 leaves it open; 16 as Dovecot and gsasl).
inline constexpr std::size_t kSaltBytes = 16;
/// Iteration counts accepted in stored secrets; outside this range a secret is malformed.
inline constexpr std::uint32_t kMinIterations = 4096;
inline constexpr std::uint32_t kMaxIterations = 10'000'000;
/// Largest decoded client message accepted (client-first or client-final). Real ones are
/// about 100 bytes; the largest honest one (a 254-byte name, authzid and a long nonce) fits.
inline constexpr std::size_t kMaxClientMessage = 2048;
/// Largest client nonce accepted (RFC 5802 §5.1 sets no limit; clients send 18..64 bytes).
inline constexpr std::size_t kMaxNonce = 512;

/// What the server keeps for one account (RFC 5802 §3). Binary fields hold raw bytes.
struct Secret {
  std::uint32_t iterations = 0;
  std::string salt;
  std::string stored_key;   ///< H(HMAC(SaltedPassword, "Client Key")), 32 bytes
  std::string server_key;   ///< HMAC(SaltedPassword, "Server Key"), 32 bytes
};

/// SASLprep (RFC 4013) of `text` through ICU's stringprep, as RFC 5802 §2.2 asks for passwords.
/// Unassigned code points are allowed (the "query" rule, RFC 3454 §7), as clients apply it.
/// nullopt when `text` is not UTF-8 or holds a prohibited character, or the result is empty.
std::optional<std::string> saslprep(std::string_view text);

/// Derives the secret for `password` (SASLprep is applied) with the given salt and count.
/// Errc::invalid when SASLprep refuses the password: such an account cannot use SCRAM.
Result<Secret> derive_secret(std::string_view password, std::string_view salt, std::uint32_t iterations);
/// derive_secret() with a fresh random salt of kSaltBytes and kIterations.
Result<Secret> make_secret(std::string_view password);

/// "{SCRAM-SHA-256}i,salt,StoredKey,ServerKey" (the stored form described above).
std::string format_secret(const Secret& secret);
/// Parses the stored form; nullopt when it is anything else (another scheme, bad base64, keys
/// not 32 bytes, an iteration count outside kMinIterations..kMaxIterations).
std::optional<Secret> parse_secret(std::string_view text);

/// A stand-in for accounts that cannot use SCRAM (unknown name, no stored keys), so the server
/// answers exactly as for a real account: the salt is HMAC-SHA-256(`server_key`, name) cut to
/// kSaltBytes, the same each time for one name and unguessable without `server_key`; the keys
/// are random, so no proof ever matches. `name` should be normalised as lookups normalise it.
Secret fake_secret(std::string_view server_key, std::string_view name);

/// `n` random bytes from OpenSSL's CSPRNG (RAND_bytes); throws std::runtime_error if it fails.
std::string random_bytes(std::size_t n);

/// A fresh server nonce: 24 random bytes in base64 (printable, no ',', RFC 5802 §5.1).
std::string make_server_nonce();

/// The client-first-message (RFC 5802 §7), split. Names and authzid are decoded ("=2C" -> ",").
struct ClientFirst {
  char cbind_flag = 'n';     ///< 'n', 'y' or 'p' (gs2-cbind-flag)
  std::string cb_name;       ///< the channel binding type after "p=" (e.g. "tls-exporter")
  std::string authzid;       ///< from "a="; empty when absent
  std::string username;      ///< from "n="
  std::string nonce;         ///< the client nonce from "r="
  std::string gs2_header;    ///< "n,," / "p=tls-exporter,a=x," ... as sent, for c= checking
  std::string bare;          ///< client-first-message-bare, as sent, for AuthMessage
};

/// Parses a decoded client-first-message. Errc::invalid with client-safe text for anything that
/// does not follow the grammar: a bad flag or cb-name, saslname escapes other than =2C and =3D,
/// an empty name, a nonce with a ',' or a non-printable byte or longer than kMaxNonce, a
/// message longer than kMaxClientMessage. Errc::no_perm for a mandatory extension ("m=", RFC
/// 5802 §5.1: the server must fail the exchange).
Result<ClientFirst> parse_client_first(std::string_view message);

/// The client-final-message (RFC 5802 §7), split.
struct ClientFinal {
  std::string channel_binding;   ///< c= decoded: the gs2 header, then the binding data if any
  std::string nonce;             ///< r=: client nonce + server nonce
  std::string proof;             ///< p= decoded
  std::string without_proof;     ///< client-final-message-without-proof, as sent
};

/// Parses a decoded client-final-message: "c=" base64 "," "r=" nonce *("," ext) "," "p=" base64.
/// Errc::invalid for anything else (including a message over kMaxClientMessage and a proof that
/// is not 32 bytes).
Result<ClientFinal> parse_client_final(std::string_view message);

/// True when `proof` (ClientProof) was made from the password behind `secret` for
/// `auth_message` (RFC 5802 §3: H(proof XOR HMAC(StoredKey, AuthMessage)) == StoredKey).
/// Compares in constant time.
bool verify_proof(const Secret& secret, std::string_view auth_message, std::string_view proof);

/// ServerSignature = HMAC(ServerKey, AuthMessage) (RFC 5802 §3), raw bytes.
std::string server_signature(const Secret& secret, std::string_view auth_message);

/// Client side, for tests only: ClientProof for `password` (SASLprep applied) with the salt and
/// count of `secret`. Lets unit tests act as a client without a second implementation in Python.
std::string client_proof(std::string_view password, const Secret& secret, std::string_view auth_message);

}  // namespace pillarbox::auth::scram
