#include "auth/password.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>

namespace pillarbox::auth {
namespace {

// Bounds the memory of concurrent Argon2 computations (see the header).
constexpr std::ptrdiff_t kMaxConcurrentHashes = 8;

std::counting_semaphore<kMaxConcurrentHashes>& hash_slots() {
  static std::counting_semaphore<kMaxConcurrentHashes> slots(kMaxConcurrentHashes);
  return slots;
}

class SlotGuard {
 public:
  SlotGuard() { hash_slots().acquire(); }
  ~SlotGuard() { hash_slots().release(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
};

// sodium_init() is thread-safe and idempotent, but calling it once keeps its cost off the
// login path; a failure (no entropy source) is permanent.
bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

// A hash string as libsodium wants it: NUL-terminated, shorter than crypto_pwhash_STRBYTES.
bool to_c_hash(std::string_view hash, char (&out)[crypto_pwhash_STRBYTES]) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  std::copy(hash.begin(), hash.end(), out);
  out[hash.size()] = '\0';
  return true;
}

const std::string& dummy_hash() {
  static const std::string hash = [] {
    auto h = hash_password("pillarbox dummy password, never matches a login");
    return h ? *h : std::string();
  }();
  return hash;
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  if (!sodium_ready()) return make_error(Errc::internal, "Internal error", "sodium_init failed");
  char out[crypto_pwhash_STRBYTES];
  int rc;
  {
    SlotGuard slot;
    rc = crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordOpsLimit,
                               kPasswordMemLimit, crypto_pwhash_ALG_ARGON2ID13);
  }
  if (rc != 0)
    return make_error(Errc::unavailable, "Server busy, try again",
                      "crypto_pwhash_str_alg failed (out of memory?)");
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (!sodium_ready()) return false;
  char c_hash[crypto_pwhash_STRBYTES];
  if (!to_c_hash(hash, c_hash)) return false;
  // libsodium rejects strings that are not "$argon2i$" / "$argon2id$" with -1 instead of
  // parsing further; its parser checks every field, so malformed input cannot crash it.
  SlotGuard slot;
  return crypto_pwhash_str_verify(c_hash, password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash) {
  if (!sodium_ready()) return true;
  char c_hash[crypto_pwhash_STRBYTES];
  if (!to_c_hash(hash, c_hash)) return true;
  if (!hash.starts_with("$argon2id$")) return true;
  return crypto_pwhash_str_needs_rehash(c_hash, kPasswordOpsLimit, kPasswordMemLimit) != 0;
}

void dummy_verify(std::string_view password) {
  const std::string& hash = dummy_hash();
  if (hash.empty()) return;
  (void)verify_password(hash, password);
}

}  // namespace pillarbox::auth
