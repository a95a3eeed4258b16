#include "auth/password.h"

#include <crypt.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <cstring>
#include <memory>
#include <semaphore>

#include "base/ascii.h"

namespace pillarbox::auth {
namespace {

// Bounds the memory of concurrent hash computations (see the header). yescrypt's and Argon2's
// memory is the reason; bcrypt and SHA-crypt take the same slots so that the bound on threads
// busy hashing holds for every scheme.
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

bool is_argon2(Scheme s) { return s == Scheme::argon2id || s == Scheme::argon2i; }

// What to tell the administrator after a refusal, so the message says what to do instead.
constexpr std::string_view kAccepted =
    "accepted: {ARGON2ID}, {ARGON2I}, {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {YESCRYPT}, "
    "{CRYPT} with $argon2id$, $6$, $5$, $2y$/$2b$/$2a$ or $y$, or such a string without a prefix";

Error refused(std::string_view what, std::string_view why) {
  return make_error(Errc::invalid, fmt::format("password scheme {} is refused: {}; give the account a new "
                                               "password instead (leave out --password-hash)",
                                               what, why));
}

// Schemes Dovecot knows that Pillarbox refuses, with the reason. All of them are cheap to
// guess at from a stolen database, or keep the password itself.
struct WeakScheme {
  std::string_view name;
  std::string_view why;
};
constexpr std::string_view kCleartext = "the password is stored in cleartext";
constexpr std::string_view kDigest = "a fast digest that a stolen database gives up to guessing within hours";
constexpr std::string_view kMd5Crypt = "MD5-CRYPT is 1000 rounds of MD5, far too fast to resist guessing";
constexpr std::string_view kDesCrypt = "DES crypt uses only the first 8 characters of a password and is fast to guess";
constexpr std::array<WeakScheme, 26> kWeak{{
    {"PLAIN", kCleartext},
    {"CLEAR", kCleartext},
    {"CLEARTEXT", kCleartext},
    {"PLAIN-TRUNC", kCleartext},
    {"PLAIN-MD4", kDigest},
    {"PLAIN-MD5", kDigest},
    {"LDAP-MD5", kDigest},
    {"MD5", kMd5Crypt},  // Dovecot: an alias of MD5-CRYPT
    {"MD5-CRYPT", kMd5Crypt},
    {"SMD5", kDigest},
    {"SHA", kDigest},
    {"SHA1", kDigest},
    {"SSHA", kDigest},
    {"SHA256", kDigest},
    {"SSHA256", kDigest},
    {"SHA512", kDigest},
    {"SSHA512", kDigest},
    {"CRAM-MD5", "it keeps a password-equivalent secret"},
    {"HMAC-MD5", "it keeps a password-equivalent secret"},
    {"DIGEST-MD5", "it keeps a password-equivalent secret"},
    {"LANMAN", kDigest},
    {"NTLM", kDigest},
    {"RPA", "it keeps a password-equivalent secret"},
    {"DES-CRYPT", kDesCrypt},
    {"SKEY", "one-time password schemes cannot check a LOGIN password"},
    {"OTP", "one-time password schemes cannot check a LOGIN password"},
}};

// A crypt(3) or PHC string classified by its "$id$" prefix. `scheme` names the "{SCHEME}" it
// came with (empty when bare), only for messages.
Result<ParsedHash> classify_text(std::string_view text, std::string_view scheme) {
  struct Prefix {
    std::string_view prefix;
    Scheme scheme;
  };
  static constexpr Prefix kPrefixes[] = {
      {"$argon2id$", Scheme::argon2id}, {"$argon2i$", Scheme::argon2i}, {"$6$", Scheme::sha512_crypt},
      {"$5$", Scheme::sha256_crypt},    {"$2y$", Scheme::bcrypt},       {"$2b$", Scheme::bcrypt},
      {"$2a$", Scheme::bcrypt},         {"$y$", Scheme::yescrypt},
  };
  for (const auto& p : kPrefixes) {
    if (text.starts_with(p.prefix)) return ParsedHash{p.scheme, std::string(text)};
  }
  if (text.starts_with("$1$")) return refused("MD5-CRYPT ($1$)", kMd5Crypt);
  if (text.starts_with("$2x$"))
    return refused("BLF-CRYPT $2x$", "$2x$ marks hashes made by the crypt_blowfish bug of 2011 (CVE-2011-2483)");
  if (text.starts_with("$")) {
    // Other crypt(5) methods (scrypt "$7$", gost-yescrypt "$gy$", NT "$3$", SunMD5 ...) are rare
    // in mail systems; name the method so the administrator knows which one.
    const auto end = text.find('$', 1);
    std::string_view id = text.substr(0, end == std::string_view::npos || end > 8 ? 1 : end + 1);
    if (!std::all_of(id.begin(), id.end(), [](char c) { return c == '$' || std::isalnum(static_cast<unsigned char>(c)); }))
      id = "$";
    return make_error(Errc::invalid, fmt::format("unsupported crypt method \"{}\"; {}", id, kAccepted));
  }
  if (!scheme.empty() && (text.size() == 13 || text.starts_with("_")))
    return refused("DES-CRYPT", kDesCrypt);  // {CRYPT} in Dovecot falls back to DES crypt
  if (scheme.empty())
    return make_error(Errc::invalid,
                      fmt::format("not a password hash: expected {{SCHEME}}HASH or a crypt(3) string; {}", kAccepted));
  return make_error(Errc::invalid, fmt::format("{{{}}} is followed by no hash this scheme can have", scheme));
}

// Length of the part of a crypt(3) string before the digest: the setting crypt_rn() echoes.
std::size_t setting_length(const ParsedHash& h) {
  if (h.scheme == Scheme::bcrypt) return 29;  // "$2y$NN$" and 22 characters of salt
  const auto last = h.text.rfind('$');
  return last == std::string::npos ? 0 : last + 1;
}

// crypt_rn() on a fresh work area. Returns the output, or an empty string when libxcrypt
// refuses the setting or the phrase (NUL inside, longer than CRYPT_MAX_PASSPHRASE_SIZE).
std::string run_crypt(const std::string& setting, std::string_view phrase) {
  if (phrase.find('\0') != std::string_view::npos) return {};
  std::string c_phrase(phrase);
  // crypt_data is ~32 KiB: on the heap, not on a pool thread's stack. Zero-initialised, as
  // crypt_rn() wants for a first use.
  auto data = std::make_unique<crypt_data>();
  std::string out;
  {
    SlotGuard slot;
    if (const char* r = crypt_rn(c_phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data))) out = r;
  }
  // The work area holds state derived from the password.
  sodium_memzero(data.get(), sizeof(crypt_data));
  sodium_memzero(c_phrase.data(), c_phrase.size());
  return out;
}

bool crypt_alphabet(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

}  // namespace

std::string_view scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::argon2id: return "ARGON2ID";
    case Scheme::argon2i: return "ARGON2I";
    case Scheme::sha512_crypt: return "SHA512-CRYPT";
    case Scheme::sha256_crypt: return "SHA256-CRYPT";
    case Scheme::bcrypt: return "BLF-CRYPT";
    case Scheme::yescrypt: return "YESCRYPT";
  }
  return "?";
}

Result<ParsedHash> parse_password_hash(std::string_view hash) {
  if (hash.find('\0') != std::string_view::npos || hash.find('\n') != std::string_view::npos)
    return make_error(Errc::invalid, "not a password hash: it contains a NUL or newline");
  if (!hash.starts_with("{")) return classify_text(hash, {});
  const auto close = hash.find('}');
  if (close == std::string_view::npos || close == 1 || close > 40)
    return make_error(Errc::invalid, fmt::format("not a password hash: \"{{\" without a scheme name and \"}}\"; {}", kAccepted));
  const std::string scheme = ascii::upper(hash.substr(1, close - 1));
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == ':';
      }))
    return make_error(Errc::invalid, fmt::format("not a password hash: bad scheme name; {}", kAccepted));
  const std::string_view text = hash.substr(close + 1);
  auto parsed = classify_text(text, scheme);
  if (scheme == "CRYPT") return parsed;  // Dovecot: libc crypt() decides from the text
  if (scheme == "ARGON2") {              // Dovecot: the text says i or id
    if (parsed.ok() && !is_argon2(parsed->scheme))
      return make_error(Errc::invalid, "{ARGON2} needs a hash starting with $argon2id$ or $argon2i$");
    return parsed;
  }
  struct Named {
    std::string_view name;
    Scheme scheme;
    std::string_view prefix;  // for the message
  };
  static constexpr Named kNamed[] = {
      {"ARGON2ID", Scheme::argon2id, "$argon2id$"}, {"ARGON2I", Scheme::argon2i, "$argon2i$"},
      {"SHA512-CRYPT", Scheme::sha512_crypt, "$6$"}, {"SHA256-CRYPT", Scheme::sha256_crypt, "$5$"},
      {"BLF-CRYPT", Scheme::bcrypt, "$2y$, $2b$ or $2a$"}, {"YESCRYPT", Scheme::yescrypt, "$y$"},
  };
  for (const auto& n : kNamed) {
    if (scheme != n.name) continue;
    // A hash of another kind under this name would verify with the wrong algorithm's rules in
    // other software; refuse it rather than guess which half is right.
    if (!parsed.ok() || parsed->scheme != n.scheme)
      return make_error(Errc::invalid, fmt::format("{{{}}} needs a hash starting with {}", n.name, n.prefix));
    return parsed;
  }
  // Dovecot's ".b64"/".hex" encoding suffixes only exist for the refused digest schemes.
  const std::string base = scheme.substr(0, scheme.find('.'));
  for (const auto& w : kWeak) {
    if (base == w.name) return refused(fmt::format("{{{}}}", scheme), w.why);
  }
  return make_error(Errc::invalid, fmt::format("unknown password scheme {{{}}}; {}", scheme, kAccepted));
}

Result<ParsedHash> check_password_hash(std::string_view hash) {
  auto parsed = parse_password_hash(hash);
  if (!parsed) return parsed;
  const std::string_view name = scheme_name(parsed->scheme);
  if (is_argon2(parsed->scheme)) {
    if (!sodium_ready()) return make_error(Errc::internal, "sodium_init failed");
    char c_hash[crypto_pwhash_STRBYTES];
    // crypto_pwhash_str_needs_rehash() decodes every field (version, m, t, p, salt and digest
    // lengths) and answers -1 when one is missing or out of range.
    if (!to_c_hash(parsed->text, c_hash) ||
        crypto_pwhash_str_needs_rehash(c_hash, kPasswordOpsLimit, kPasswordMemLimit) == -1)
      return make_error(Errc::invalid, fmt::format("malformed {} hash (expected $argon2{}$v=19$m=M,t=T,p=P$SALT$HASH)",
                                                   name, parsed->scheme == Scheme::argon2id ? "id" : "i"));
    return parsed;
  }
  // libxcrypt decodes the setting (rounds, cost, yescrypt parameters, salt) when it hashes; a
  // well-formed string comes back with the same setting and a digest of the same length. A
  // malformed one is refused, or comes back changed (a salt cut to 16 characters, say).
  const std::size_t setting = setting_length(*parsed);
  const std::string out = run_crypt(parsed->text, "");
  if (setting == 0 || out.size() != parsed->text.size() || out.compare(0, setting, parsed->text, 0, setting) != 0 ||
      !crypt_alphabet(std::string_view(parsed->text).substr(setting)))
    return make_error(Errc::invalid, fmt::format("malformed {} hash (libxcrypt cannot use its settings or the "
                                                 "digest has the wrong length)",
                                                 name));
  return parsed;
}

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
  auto parsed = parse_password_hash(hash);
  if (!parsed) return false;
  if (is_argon2(parsed->scheme)) {
    char c_hash[crypto_pwhash_STRBYTES];
    if (!to_c_hash(parsed->text, c_hash)) return false;
    // libsodium's parser checks every field, so malformed input cannot crash it; it compares
    // the digests in constant time itself.
    SlotGuard slot;
    return crypto_pwhash_str_verify(c_hash, password.data(), password.size()) == 0;
  }
  const std::string out = run_crypt(parsed->text, password);
  // The lengths are public (they follow from the scheme); the digest comparison is not.
  return !out.empty() && out.size() == parsed->text.size() &&
         sodium_memcmp(out.data(), parsed->text.data(), out.size()) == 0;
}

bool needs_rehash(std::string_view hash) {
  if (!sodium_ready()) return true;
  auto parsed = parse_password_hash(hash);
  if (!parsed || parsed->scheme != Scheme::argon2id) return true;
  char c_hash[crypto_pwhash_STRBYTES];
  if (!to_c_hash(parsed->text, c_hash)) return true;
  return crypto_pwhash_str_needs_rehash(c_hash, kPasswordOpsLimit, kPasswordMemLimit) != 0;
}

void dummy_verify(std::string_view password) {
  const std::string& hash = dummy_hash();
  if (hash.empty()) return;
  (void)verify_password(hash, password);
}

}  // namespace pillarbox::auth
