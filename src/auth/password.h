// Password hashing and verification: Argon2id (RFC 9106) through libsodium's crypto_pwhash_str,
// stored in the PHC string form "$argon2id$v=19$m=...,t=...,p=1$salt$hash".
//
// Cost: t (opslimit) = 3 passes over m (memlimit) = 32 MiB. This is stronger than OWASP's
// Argon2id minimum (19 MiB, t=2) and takes some tens of milliseconds on a server core, while the
// memory stays bounded: at most kMaxConcurrentHashes computations run at once (further callers
// wait), so a burst of logins costs at most kMaxConcurrentHashes * 32 MiB instead of growing
// with the number of connections. libsodium's own "interactive" (64 MiB) or "moderate"
// (256 MiB) limits would let a login flood exhaust memory much sooner.
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

/// Hashes `password` (any bytes, UTF-8 by convention) with a fresh random salt. Returns the
/// PHC string ("$argon2id$..."). Errc::internal if libsodium cannot initialise, Errc::unavailable
/// if the memory for the hash cannot be allocated.
Result<std::string> hash_password(std::string_view password);

/// True when `password` matches `hash`, a string made by hash_password() (or any "$argon2id$" /
/// "$argon2i$" PHC string). A malformed or unsupported hash gives false, never a crash. Runs
/// in time independent of where the password differs.
bool verify_password(std::string_view hash, std::string_view password);

/// True when `hash` was made with other parameters than the current ones (or is not an
/// Argon2 string), so the caller should store a fresh hash_password() after a successful login.
bool needs_rehash(std::string_view hash);

/// Performs a verification against a fixed dummy hash with the current parameters and ignores
/// the result. Call it for unknown accounts so that "no such user" takes as long as "wrong
/// password" and account names cannot be probed by timing.
void dummy_verify(std::string_view password);

}  // namespace pillarbox::auth
