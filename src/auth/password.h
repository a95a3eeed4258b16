// Password hashing and verification.
//
// New hashes are Argon2id (RFC 9106) through libsodium's crypto_pwhash_str, stored in the PHC
// string form "$argon2id$v=19$m=...,t=...,p=1$salt$hash".
//
// Cost: t (opslimit) = 3 passes over m (memlimit) = 32 MiB. This is stronger than OWASP's
// Argon2id minimum (19 MiB, t=2) and takes some tens of milliseconds on a server core, while the
// memory stays bounded: at most kMaxConcurrentHashes computations run at once (further callers
// wait), so a burst of logins costs at most kMaxConcurrentHashes * 32 MiB instead of growing
// with the number of connections. libsodium's own "interactive" (64 MiB) or "moderate"
// (256 MiB) limits would let a login flood exhaust memory much sooner.
//
// Hashes imported from another server (Dovecot passwd-files, /etc/shadow) are verified too, in
// the "{SCHEME}hash" form Dovecot uses or as a bare crypt(3) string (crypt(5) describes the
// formats): SHA512-CRYPT "$6$", SHA256-CRYPT "$5$", BLF-CRYPT "$2y$"/"$2b$"/"$2a$" and yescrypt
// "$y$" through libxcrypt, ARGON2ID/ARGON2I through libsodium. Schemes a stolen database gives up
// quickly (cleartext, plain or salted digests, MD5-CRYPT, DES crypt) are refused. A login with
// an imported hash can be followed by a fresh hash_password() (see needs_rehash()).
//
// Every function here is thread-safe. These calls block for the cost above; the session layer
// runs them off its I/O threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pillarbox::auth {

/// Argon2id passes (libsodium opslimit).
inline constexpr unsigned long long kPasswordOpsLimit = 3;
/// Argon2id memory in bytes (libsodium memlimit): 32 MiB.
inline constexpr std::size_t kPasswordMemLimit = 32u * 1024u * 1024u;
/// How many hash computations (any scheme) run at once in this process; further callers wait.
inline constexpr unsigned kMaxConcurrentHashes = 8;

/// The schemes verify_password() accepts.
enum class Scheme { argon2id, argon2i, sha512_crypt, sha256_crypt, bcrypt, yescrypt };

/// The scheme's name as in a Dovecot "{SCHEME}" prefix and in log lines: "ARGON2ID", "ARGON2I",
/// "SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "YESCRYPT" (Dovecot itself writes yescrypt as
/// "{CRYPT}$y$...").
std::string_view scheme_name(Scheme scheme);

/// A stored hash taken apart: its scheme and the hash without any "{SCHEME}" prefix (the form
/// Pillarbox stores; the "$id$" at its start names the scheme on its own).
struct ParsedHash {
  Scheme scheme = Scheme::argon2id;
  std::string text;
};

/// Recognises the scheme of `hash`, which is "{SCHEME}text" (scheme names case-insensitive,
/// "{CRYPT}" lets the text's "$id$" decide, as in Dovecot) or a bare "$id$..." string. Syntax
/// only: the text itself is checked by check_password_hash() or, at login, by verification.
/// Errc::invalid with an administrator-readable message naming the scheme when it is unknown,
/// refused as weak (cleartext, digests, MD5-CRYPT, DES crypt, bcrypt "$2x$"), or does not match
/// the text (e.g. "{SHA512-CRYPT}$2y$..."). The message never contains the hash itself.
Result<ParsedHash> parse_password_hash(std::string_view hash);

/// parse_password_hash() and then checks that the text is well-formed for its scheme (all
/// fields present, lengths and alphabet right, parameters in range) by letting libsodium or
/// libxcrypt decode it; costs about one verification. For `user add --password-hash`.
/// Errc::invalid naming the scheme and the problem.
Result<ParsedHash> check_password_hash(std::string_view hash);

/// Hashes `password` (any bytes, UTF-8 by convention) with a fresh random salt. Returns the
/// PHC string ("$argon2id$..."). Errc::internal if libsodium cannot initialise, Errc::unavailable
/// if the memory for the hash cannot be allocated.
Result<std::string> hash_password(std::string_view password);

/// True when `password` matches `hash`, in any form parse_password_hash() accepts. A malformed,
/// refused or unknown hash gives false, never a crash; so does a password with a NUL byte
/// against a crypt(3) hash (crypt takes C strings). The final comparison is constant-time.
bool verify_password(std::string_view hash, std::string_view password);

/// True when `hash` is not Argon2id with the current parameters (an imported crypt hash, an
/// Argon2i or cheaper Argon2id one, or anything unparsable), so the caller should store a fresh
/// hash_password() after a successful login.
bool needs_rehash(std::string_view hash);

/// Performs a verification against a fixed dummy hash with the current parameters and ignores
/// the result. Call it for unknown accounts so that "no such user" takes as long as "wrong
/// password" and account names cannot be probed by timing.
void dummy_verify(std::string_view password);

}  // namespace pillarbox::auth
