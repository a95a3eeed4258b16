// Remembers passwords that were verified recently, so that the next login with the same
// password skips the Argon2id computation (tens of milliseconds and 32 MiB each). Mail clients
// log in again and again with the same password: a phone on every wake-up, Thunderbird once
// per connection it opens, mbsync on every run.
//
// What is kept per account is a keyed BLAKE2b-256 digest (libsodium crypto_generichash) of
// the account's stored hash and the password, with a key drawn at random when the cache is
// made and never written anywhere. The password itself is not kept. Because the stored hash
// is part of the digest, a new password (or a rehash) makes the entry miss by itself: there
// is nothing to invalidate. Only successes are remembered; a password that does not match
// the entry goes through the full verification, so failed logins cost what they always did
// and a wrong guess can never be answered from here.
//
// Thread-safe (one mutex; a lookup is a map find and one 32-byte BLAKE2b).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace pillarbox::auth {

class VerifiedCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Policy {
    std::size_t max_entries = 100000;   ///< accounts remembered at most; 0 turns the cache off
    std::chrono::seconds ttl{3600};     ///< an entry older than this misses
  };

  explicit VerifiedCache(Policy policy);

  /// True when `password` was remember()ed for `account` with this same `stored_hash` less
  /// than ttl ago (at `now`). The comparison is constant-time.
  bool hit(std::int64_t account, std::string_view stored_hash, std::string_view password,
           Clock::time_point now = Clock::now());

  /// Records a successful verification of `password` against `stored_hash` for `account` at
  /// `now`, replacing what was kept for it; the least recently used account goes when
  /// max_entries are kept. Does nothing when the cache is off.
  void remember(std::int64_t account, std::string_view stored_hash, std::string_view password,
                Clock::time_point now = Clock::now());

  /// Accounts kept now (expired ones included until they are replaced or evicted).
  std::size_t size() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    Clock::time_point verified;
    std::list<std::int64_t>::iterator lru;   // position in lru_ (front: most recent)
  };
  Digest digest(std::string_view stored_hash, std::string_view password) const;

  Policy policy_;
  std::array<unsigned char, 32> key_;
  mutable std::mutex mutex_;
  std::list<std::int64_t> lru_;
  std::unordered_map<std::int64_t, Entry> entries_;
};

}  // namespace pillarbox::auth
