// Login: turns a login name and password into an account (RFC 3501 §6.2.3 LOGIN, RFC 4616
// PLAIN). Hash verification is CPU- and memory-heavy by design, so it runs on the
// authenticator's own bounded pool, never on I/O threads.
#pragma once

#include <asio/thread_pool.hpp>

#include <string_view>

#include "auth/backoff.h"
#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::auth {

class Authenticator {
 public:
  /// `threads` bounds how many hashes are verified at once (and so the memory they use:
  /// threads x 32 MiB for Argon2id, [auth] hash_threads); `backoff` sets the delays for failed
  /// logins; `rehash` ([auth] rehash) replaces an imported or outdated hash with a fresh Argon2id
  /// one after a successful login.
  Authenticator(store::Directory& directory, unsigned threads, FailureBackoff::Policy backoff = {},
                bool rehash = true);
  ~Authenticator();

  /// Blocking; call it on pool(). Unknown login and wrong password give the same
  /// Errc::no_perm error with the same client text, and take the same time (a dummy hash is
  /// verified for unknown logins); Error::detail says which for the log. After a success with
  /// a hash for which needs_rehash() holds, and `rehash` on, it stores a fresh Argon2id hash
  /// before returning (one more hash computation, once per account) and logs
  /// "rehashed password of ADDRESS from SCHEME to argon2id"; a failure there is logged and
  /// does not fail the login.
  Result<store::Account> verify(std::string_view login, std::string_view password);
  asio::thread_pool& pool() { return pool_; }
  /// Failed-login delays per remote address, shared by IMAP and POP3.
  FailureBackoff& backoff() { return backoff_; }

 private:
  void rehash(const store::Account& account, std::string_view password);

  store::Directory& directory_;
  bool rehash_;
  asio::thread_pool pool_;
  FailureBackoff backoff_;
};

}  // namespace pillarbox::auth
