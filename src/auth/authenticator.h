// Login: turns a login name and password into an account (RFC 3501 §6.2.3 LOGIN, RFC 4616
// PLAIN). Hash verification is CPU- and memory-heavy by design, so it runs on the
// authenticator's own bounded pool, never on I/O threads.
#pragma once

#include <asio/thread_pool.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "auth/backoff.h"
#include "auth/failure.h"
#include "auth/scram.h"
#include "auth/verified_cache.h"
#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::auth {

class Authenticator {
 public:
  /// `threads` bounds how many hashes are verified at once (and so the memory they use:
  /// threads x 32 MiB for Argon2id, [auth] hash_threads); `backoff` sets the delays for failed
  /// logins; `rehash` ([auth] rehash) replaces an imported or outdated hash with a fresh Argon2id
  /// one after a successful login; `cache` ([auth] cache_entries, cache_ttl_seconds) how many
  /// verified passwords are remembered and for how long (VerifiedCache).
  Authenticator(store::Directory& directory, unsigned threads, FailureBackoff::Policy backoff = {},
                bool rehash = true, VerifiedCache::Policy cache = {});
  ~Authenticator();

  /// Blocking; call it on pool(). Unknown login and wrong password give the same
  /// Errc::no_perm error with the same client text, and take the same time (a dummy hash is
  /// verified for unknown logins); Error::detail says which for the log. A password this
  /// account logged in with less than the cache's ttl ago, under the same stored hash, is
  /// accepted without computing the hash again (VerifiedCache). After a success with
  /// a hash for which needs_rehash() holds, and `rehash` on, it stores a fresh Argon2id hash
  /// before returning (one more hash computation, once per account) and logs
  /// "rehashed password of ADDRESS from SCHEME to argon2id"; a failure there is logged and
  /// does not fail the login. An account that has no SCRAM secret then (an imported hash, or
  /// one just rehashed) gets one derived from the password, so the next login can use SCRAM;
  /// a failure to store it is logged only.
  Result<store::Account> verify(std::string_view login, std::string_view password);

  /// What a SCRAM exchange needs for one login name (RFC 5802 §5.1 server-first).
  struct ScramLookup {
    std::optional<store::Account> account;   ///< the account the name names, if any
    scram::Secret secret;                    ///< its stored secret, or a fake one
    bool usable = false;                     ///< false: fake; the exchange must fail
    std::string detail;                      ///< why it is not usable, for the log
  };
  /// Blocking (a directory lookup, no hash): call it on the store threads, not pool(), so it
  /// does not queue behind a storm of hash verifications. Finds the account as verify() does (address or an alias that
  /// names one account) and parses its secret. An unknown name, an ambiguous alias or an account
  /// without a secret gets scram::fake_secret() keyed with the server key, so the client sees
  /// the same kind of answer, the same each time, whether the name exists or not.
  ScramLookup scram_lookup(std::string_view login);

  /// The account a session logs in as (RFC 4422 §3.4.1 authorization identity).
  struct Authorized {
    store::Account account;
    std::string master;   ///< the master user's address when it acts for `account`, else ""
  };
  /// Blocking (a directory lookup, no hash): call it on the store threads after the
  /// credentials of `authenticated` were checked.
  /// `authzid` "" or naming `authenticated` itself (address or alias) gives that account. Another
  /// account (full address or an alias naming one account) is given only when `authenticated`
  /// is a master user (set_master_users); otherwise, or when the target does not exist,
  /// Errc::no_perm with Error::detail saying why (RFC 5530 [AUTHORIZATIONFAILED]).
  Result<Authorized> authorize(const store::Account& authenticated, std::string_view authzid);

  /// Addresses that may log in for any account with an authorization identity ([auth]
  /// master_users). Call before serving; compared case-insensitively.
  void set_master_users(std::vector<std::string> addresses);
  /// The secret key behind fake SCRAM salts (load_or_create_server_key). Without it a random
  /// key is used, which changes the fake salts at every start.
  void set_server_key(std::string key) { server_key_ = std::move(key); }

  asio::thread_pool& pool() { return pool_; }
  /// Failed-login delays per remote address, shared by IMAP and POP3.
  FailureBackoff& backoff() { return backoff_; }

 private:
  // Stores a fresh Argon2id hash; true when it did (which clears the SCRAM secret).
  bool rehash(const store::Account& account, std::string_view password);
  // The account `address` (already lower-case) names: itself or a unique alias. Errc::not_found
  // with the reason in Error::detail for an unknown name or an ambiguous alias.
  Result<store::Account> find_login(const std::string& address);
  void remember_scram_secret(const store::Account& account, std::string_view password);

  store::Directory& directory_;
  bool rehash_;
  VerifiedCache verified_;
  asio::thread_pool pool_;
  FailureBackoff backoff_;
  std::vector<std::string> master_users_;
  std::string server_key_;
};

/// Reads the 32-byte server key from `path`, or creates it (random, owner-only file) when the
/// file does not exist. Errc::io naming the path when it cannot be read or written, or holds
/// something else than 32 bytes.
Result<std::string> load_or_create_server_key(const std::string& path);

}  // namespace pillarbox::auth
