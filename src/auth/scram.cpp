#include "auth/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unicode/usprep.h>
#include <unicode/ustring.h>

#include <charconv>
#include <memory>
#include <stdexcept>
#include <vector>

#include "auth/sasl.h"

namespace pillarbox::auth::scram {
namespace {

constexpr std::string_view kPrefix = "{SCRAM-SHA-256}";
constexpr std::size_t kKeyBytes = SHA256_DIGEST_LENGTH;

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &len))
    throw std::runtime_error("HMAC-SHA-256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string salted_password(std::string_view prepared, std::string_view salt, std::uint32_t iterations) {
  std::string out(kKeyBytes, '\0');
  if (!PKCS5_PBKDF2_HMAC(prepared.data(), static_cast<int>(prepared.size()),
                         reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                         static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                         reinterpret_cast<unsigned char*>(out.data())))
    throw std::runtime_error("PBKDF2 failed");
  return out;
}

std::string xor_bytes(std::string_view a, std::string_view b) {
  std::string out(a);
  for (std::size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] = static_cast<char>(out[i] ^ b[i]);
  return out;
}

// RFC 3629 well-formedness: no overlongs, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

// saslname (RFC 5802 §7): UTF-8 without NUL, ',' or '='; "=2C" and "=3D" stand for ',' and '='.
std::optional<std::string> decode_saslname(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0' || s[i] == ',') return std::nullopt;
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    const auto code = s.substr(i + 1, 2);
    if (code == "2C") out += ',';
    else if (code == "3D") out += '=';
    else return std::nullopt;
    i += 2;
  }
  if (out.empty() || !valid_utf8(out)) return std::nullopt;
  return out;
}

// printable (RFC 5802 §7): %x21-2B / %x2D-7E, i.e. visible ASCII except ','.
bool valid_nonce(std::string_view s) {
  if (s.empty() || s.size() > 2 * kMaxNonce) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

// An extension attribute (RFC 5802 §7 attr-val): one letter, "=", a value without ','.
bool valid_extension(std::string_view field) {
  return field.size() >= 2 && ((field[0] >= 'a' && field[0] <= 'z') || (field[0] >= 'A' && field[0] <= 'Z')) &&
         field[1] == '=' && field.find('\0') == std::string_view::npos;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

Error malformed(std::string_view why) { return make_error(Errc::invalid, std::string(why)); }

struct ProfileCloser {
  void operator()(UStringPrepProfile* p) const { usprep_close(p); }
};

}  // namespace

std::optional<std::string> saslprep(std::string_view text) {
  bool ascii = true;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return std::nullopt;   // RFC 4013 §2.3 via RFC 3454 C.2.1
    if (c > 0x7f) ascii = false;
  }
  // Printable ASCII maps to itself under SASLprep; ICU is only needed beyond it.
  if (ascii) return text.empty() ? std::nullopt : std::optional<std::string>(text);
  if (!valid_utf8(text)) return std::nullopt;
  static const std::unique_ptr<UStringPrepProfile, ProfileCloser> profile = [] {
    UErrorCode status = U_ZERO_ERROR;
    UStringPrepProfile* p = usprep_openByType(USPREP_RFC4013_SASLPREP, &status);
    if (U_FAILURE(status)) p = nullptr;
    return std::unique_ptr<UStringPrepProfile, ProfileCloser>(p);
  }();
  if (!profile) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  std::vector<UChar> in(text.size() + 1);
  int32_t in_len = 0;
  u_strFromUTF8(in.data(), static_cast<int32_t>(in.size()), &in_len, text.data(), static_cast<int32_t>(text.size()),
                &status);
  if (U_FAILURE(status)) return std::nullopt;
  // Mapping can grow a string (one code point to several); 4x covers nearly every password, and
  // when it does not (NFKC makes 18 code points of U+FDFA) ICU says how much it needs.
  std::vector<UChar> out(in.size() * 4 + 16);
  int32_t out_len = usprep_prepare(profile.get(), in.data(), in_len, out.data(), static_cast<int32_t>(out.size()),
                                   USPREP_ALLOW_UNASSIGNED, nullptr, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR && out_len > 0) {
    status = U_ZERO_ERROR;
    out.resize(static_cast<std::size_t>(out_len) + 1);
    out_len = usprep_prepare(profile.get(), in.data(), in_len, out.data(), static_cast<int32_t>(out.size()),
                             USPREP_ALLOW_UNASSIGNED, nullptr, &status);
  }
  if (U_FAILURE(status) || out_len == 0) return std::nullopt;
  std::string utf8(static_cast<std::size_t>(out_len) * 3 + 1, '\0');
  int32_t utf8_len = 0;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &utf8_len, out.data(), out_len, &status);
  if (U_FAILURE(status)) return std::nullopt;
  utf8.resize(static_cast<std::size_t>(utf8_len));
  return utf8;
}

Result<Secret> derive_secret(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  auto prepared = saslprep(password);
  if (!prepared) return make_error(Errc::invalid, "The password cannot be used with SCRAM (SASLprep refuses it)");
  std::string salted = salted_password(*prepared, salt, iterations);
  Secret s;
  s.iterations = iterations;
  s.salt = std::string(salt);
  s.stored_key = sha256(hmac(salted, "Client Key"));
  s.server_key = hmac(salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return s;
}

Result<Secret> make_secret(std::string_view password) {
  return derive_secret(password, random_bytes(kSaltBytes), kIterations);
}

std::string format_secret(const Secret& s) {
  return std::string(kPrefix) + std::to_string(s.iterations) + "," + sasl::base64_encode(s.salt) + "," +
         sasl::base64_encode(s.stored_key) + "," + sasl::base64_encode(s.server_key);
}

std::optional<Secret> parse_secret(std::string_view text) {
  if (!text.starts_with(kPrefix)) return std::nullopt;
  const auto fields = split_commas(text.substr(kPrefix.size()));
  if (fields.size() != 4) return std::nullopt;
  Secret s;
  const auto& count = fields[0];
  auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), s.iterations);
  if (ec != std::errc() || end != count.data() + count.size() || s.iterations < kMinIterations ||
      s.iterations > kMaxIterations)
    return std::nullopt;
  auto salt = sasl::base64_decode(fields[1]);
  auto stored = sasl::base64_decode(fields[2]);
  auto server = sasl::base64_decode(fields[3]);
  if (!salt || salt->empty() || !stored || stored->size() != kKeyBytes || !server || server->size() != kKeyBytes)
    return std::nullopt;
  s.salt = std::move(*salt);
  s.stored_key = std::move(*stored);
  s.server_key = std::move(*server);
  return s;
}

Secret fake_secret(std::string_view server_key, std::string_view name) {
  Secret s;
  s.iterations = kIterations;
  s.salt = hmac(server_key, std::string("pillarbox scram salt\n") + std::string(name)).substr(0, kSaltBytes);
  s.stored_key = random_bytes(kKeyBytes);
  s.server_key = random_bytes(kKeyBytes);
  return s;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string make_server_nonce() { return sasl::base64_encode(random_bytes(24)); }

Result<ClientFirst> parse_client_first(std::string_view m) {
  if (m.size() > kMaxClientMessage) return malformed("SCRAM message too long");
  ClientFirst c;
  std::size_t pos = 0;
  if (m.starts_with("n,") || m.starts_with("y,")) {
    c.cbind_flag = m[0];
    pos = 2;
  } else if (m.starts_with("p=")) {
    const auto comma = m.find(',', 2);
    if (comma == std::string_view::npos || comma == 2) return malformed("Malformed SCRAM channel binding flag");
    c.cbind_flag = 'p';
    c.cb_name = std::string(m.substr(2, comma - 2));
    for (char ch : c.cb_name) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '-';
      if (!ok) return malformed("Malformed SCRAM channel binding name");
    }
    pos = comma + 1;
  } else {
    return malformed("Malformed SCRAM channel binding flag");
  }
  const auto comma = m.find(',', pos);
  if (comma == std::string_view::npos) return malformed("Malformed SCRAM GS2 header");
  if (comma != pos) {
    const auto field = m.substr(pos, comma - pos);
    if (!field.starts_with("a=")) return malformed("Malformed SCRAM authorization identity");
    auto authzid = decode_saslname(field.substr(2));
    if (!authzid) return malformed("Malformed SCRAM authorization identity");
    c.authzid = std::move(*authzid);
  }
  c.gs2_header = std::string(m.substr(0, comma + 1));
  c.bare = std::string(m.substr(comma + 1));
  const auto fields = split_commas(c.bare);
  // RFC 5802 §5.1: a mandatory extension the server does not know fails the exchange.
  if (fields[0].starts_with("m=")) return make_error(Errc::no_perm, "SCRAM extensions are not supported");
  if (fields.size() < 2 || !fields[0].starts_with("n=") || !fields[1].starts_with("r="))
    return malformed("Malformed SCRAM client-first message");
  auto username = decode_saslname(fields[0].substr(2));
  if (!username) return malformed("Malformed SCRAM user name");
  c.username = std::move(*username);
  c.nonce = std::string(fields[1].substr(2));
  if (!valid_nonce(c.nonce) || c.nonce.size() > kMaxNonce) return malformed("Malformed SCRAM nonce");
  for (std::size_t i = 2; i < fields.size(); ++i)
    if (!valid_extension(fields[i])) return malformed("Malformed SCRAM extension");
  return c;
}

Result<ClientFinal> parse_client_final(std::string_view m) {
  if (m.size() > kMaxClientMessage) return malformed("SCRAM message too long");
  const auto proof_at = m.rfind(",p=");
  if (proof_at == std::string_view::npos) return malformed("Malformed SCRAM client-final message");
  ClientFinal f;
  f.without_proof = std::string(m.substr(0, proof_at));
  auto proof = sasl::base64_decode(m.substr(proof_at + 3));
  if (!proof || proof->size() != kKeyBytes) return malformed("Malformed SCRAM proof");
  f.proof = std::move(*proof);
  const auto fields = split_commas(f.without_proof);
  if (fields.size() < 2 || !fields[0].starts_with("c=") || !fields[1].starts_with("r="))
    return malformed("Malformed SCRAM client-final message");
  auto binding = sasl::base64_decode(fields[0].substr(2));
  if (!binding) return malformed("Malformed SCRAM channel binding");
  f.channel_binding = std::move(*binding);
  f.nonce = std::string(fields[1].substr(2));
  if (!valid_nonce(f.nonce)) return malformed("Malformed SCRAM nonce");
  for (std::size_t i = 2; i < fields.size(); ++i)
    if (!valid_extension(fields[i])) return malformed("Malformed SCRAM extension");
  return f;
}

bool verify_proof(const Secret& secret, std::string_view auth_message, std::string_view proof) {
  if (proof.size() != kKeyBytes || secret.stored_key.size() != kKeyBytes) return false;
  const std::string client_key = xor_bytes(proof, hmac(secret.stored_key, auth_message));
  const std::string stored = sha256(client_key);
  return CRYPTO_memcmp(stored.data(), secret.stored_key.data(), kKeyBytes) == 0;
}

std::string server_signature(const Secret& secret, std::string_view auth_message) {
  return hmac(secret.server_key, auth_message);
}

std::string client_proof(std::string_view password, const Secret& secret, std::string_view auth_message) {
  auto prepared = saslprep(password);
  const std::string salted = salted_password(prepared ? *prepared : std::string(password), secret.salt, secret.iterations);
  const std::string client_key = hmac(salted, "Client Key");
  return xor_bytes(client_key, hmac(sha256(client_key), auth_message));
}

}  // namespace pillarbox::auth::scram
