#include "auth/verified_cache.h"

#include <sodium.h>

#include <cstdlib>

namespace pillarbox::auth {

VerifiedCache::VerifiedCache(Policy policy) : policy_(policy) {
  // libsodium must be initialised before its random numbers are used (sodium_init() is
  // idempotent and thread-safe). It fails only when the system has no usable random source,
  // and then no key, salt or session id it makes could be trusted either.
  if (sodium_init() < 0) std::abort();
  // The key lives only in this process: digests kept here are worthless anywhere else, and
  // the cache starts empty at every start.
  randombytes_buf(key_.data(), key_.size());
}

VerifiedCache::Digest VerifiedCache::digest(std::string_view stored_hash, std::string_view password) const {
  Digest out;
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), out.size());
  // The hash's length first, so that no (hash, password) pair can be shifted into another.
  const std::uint64_t n = stored_hash.size();
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&n), sizeof n);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(stored_hash.data()), stored_hash.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(password.data()), password.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

bool VerifiedCache::hit(std::int64_t account, std::string_view stored_hash, std::string_view password,
                        Clock::time_point now) {
  if (policy_.max_entries == 0) return false;
  const Digest d = digest(stored_hash, password);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(account);
  if (it == entries_.end() || now - it->second.verified >= policy_.ttl) return false;
  if (sodium_memcmp(it->second.digest.data(), d.data(), d.size()) != 0) return false;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return true;
}

void VerifiedCache::remember(std::int64_t account, std::string_view stored_hash, std::string_view password,
                             Clock::time_point now) {
  if (policy_.max_entries == 0) return;
  const Digest d = digest(stored_hash, password);
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(account); it != entries_.end()) {
    it->second.digest = d;
    it->second.verified = now;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  if (entries_.size() >= policy_.max_entries) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(account);
  entries_.emplace(account, Entry{d, now, lru_.begin()});
}

std::size_t VerifiedCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace pillarbox::auth
