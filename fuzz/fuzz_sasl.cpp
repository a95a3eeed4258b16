// Fuzzes the SASL decoders on their own (src/auth/sasl.h, scram.h): base64, PLAIN messages,
// SCRAM client-first and client-final messages, saslprep and the stored secret form, and a
// server exchange (PLAIN, LOGIN, SCRAM-SHA-256, SCRAM-SHA-256-PLUS) fed either raw client lines
// or, as an honest client would send them, base64 of the pieces, with the SCRAM client-final
// message computed here from a password the input picks.
//
// Input layout: 1 header byte, then pieces separated by LF (SASL lines are base64, so an LF is
// never part of one; a PLAIN message may hold NULs).
//   [0] bits 0-1: mechanism (PLAIN, LOGIN, SCRAM-SHA-256, -PLUS); bit 2: TLS is up (-PLUS
//       offered); bit 3: tls-exporter data available; bit 4: tls-server-end-point available;
//       bit 5: the account's secret is usable; bit 6: honest client (pieces are base64-encoded
//       here; for SCRAM piece 0 is client-first, piece 1 the password, piece 2 the answer to
//       server-final); bit 7: the first piece is an initial response (SASL-IR)
// Invariants checked:
//   - base64: a decoded text has exactly 3/4 of its length minus the padding; text with a byte
//     outside the alphabet (or '=' other than as trailing padding) never decodes; encoding
//     anything decodes back to it;
//   - parse_plain: authzid NUL authcid NUL password rebuilds the message; authcid and password
//     are non-empty and none of the three holds a NUL;
//   - parse_client_first: gs2_header + bare is the message; the user name is non-empty valid
//     text without NUL and re-escapes (=2C, =3D) to what was sent; the nonce is printable
//     without ','; the flag is n, y or p, with a cb-name exactly for p; an m= extension is
//     no_perm; nothing over kMaxClientMessage is accepted;
//   - parse_client_final: the proof is 32 bytes and is what follows the last ",p="; the nonce
//     is printable; without_proof is the message up to that ",p=";
//   - saslprep agrees with ICU's SASLprep given all the room it asks for, its result is
//     non-empty, and it is idempotent; a password it accepts gives a secret;
//   - parse_secret: accepted secrets have 32-byte keys, a non-empty salt and an iteration count
//     in range, and survive format_secret -> parse_secret;
//   - exchanges: login() never holds a NUL; a finished exchange has a login (PLAIN: and a
//     password); SCRAM finishes only when the proof was made with the right password and the
//     secret is usable, and an honest exchange with the right password, a usable secret and a
//     consistent channel binding does finish; a wrong password or an unusable secret fails
//     with `failed`; a proof made by a raw (non-honest) input never passes.
#include <unicode/usprep.h>
#include <unicode/ustring.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sasl.h"
#include "auth/scram.h"
#include "base/result.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

namespace sasl = auth::sasl;
namespace scram = auth::scram;
using Kind = sasl::ServerExchange::Step::Kind;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kServerNonce = "fuzzServerNonce";

// The account's secret: password "pencil", one PBKDF2 round so that a proof costs little.
const scram::Secret& secret() {
  static const scram::Secret s = *scram::derive_secret("pencil", "fuzz-salt", 1);
  return s;
}

void check_base64(std::string_view text) {
  const auto decoded = sasl::base64_decode(text);
  bool clean = text.size() % 4 == 0;
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  for (std::size_t i = 0; i + pad < text.size(); ++i)
    if (kAlphabet.find(text[i]) == std::string_view::npos) clean = false;
  if (!clean) FUZZ_CHECK(!decoded);
  if (decoded) FUZZ_CHECK(decoded->size() == text.size() / 4 * 3 - pad);
  const auto back = sasl::base64_decode(sasl::base64_encode(text));
  FUZZ_CHECK(back && *back == text);
}

void check_plain(std::string_view message) {
  const auto c = sasl::parse_plain(message);
  if (!c.ok()) return;
  FUZZ_CHECK(!c->authcid.empty() && !c->password.empty());
  for (const std::string* s : {&c->authzid, &c->authcid, &c->password})
    FUZZ_CHECK(s->find('\0') == std::string::npos);
  FUZZ_CHECK(c->authzid + '\0' + c->authcid + '\0' + c->password == message);
}

std::string escape_saslname(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',') out += "=2C";
    else if (c == '=') out += "=3D";
    else out += c;
  }
  return out;
}

bool printable_nonce(std::string_view n) {
  if (n.empty()) return false;
  for (char ch : n) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

void check_client_first(std::string_view message) {
  const auto first = scram::parse_client_first(message);
  if (!first.ok()) {
    FUZZ_CHECK(first.error().code == Errc::invalid || first.error().code == Errc::no_perm);
    return;
  }
  FUZZ_CHECK(message.size() <= scram::kMaxClientMessage);
  FUZZ_CHECK(first->gs2_header + first->bare == message);
  FUZZ_CHECK(first->cbind_flag == 'n' || first->cbind_flag == 'y' || first->cbind_flag == 'p');
  FUZZ_CHECK((first->cbind_flag == 'p') == !first->cb_name.empty());
  FUZZ_CHECK(!first->username.empty());
  FUZZ_CHECK(first->username.find('\0') == std::string::npos);
  FUZZ_CHECK(first->authzid.find('\0') == std::string::npos);
  FUZZ_CHECK(std::string_view(first->bare).starts_with("n=" + escape_saslname(first->username) + ",r="));
  FUZZ_CHECK(first->nonce.size() <= scram::kMaxNonce);
  FUZZ_CHECK(printable_nonce(first->nonce));
  if (!first->authzid.empty())
    FUZZ_CHECK(first->gs2_header.find("a=" + escape_saslname(first->authzid) + ",") != std::string::npos);
}

void check_client_final(std::string_view message) {
  const auto f = scram::parse_client_final(message);
  if (!f.ok()) {
    FUZZ_CHECK(f.error().code == Errc::invalid);
    return;
  }
  FUZZ_CHECK(message.size() <= scram::kMaxClientMessage);
  FUZZ_CHECK(f->proof.size() == 32);
  const auto at = message.rfind(",p=");
  FUZZ_CHECK(at != std::string_view::npos);
  FUZZ_CHECK(message.substr(0, at) == f->without_proof);
  const auto proof = sasl::base64_decode(message.substr(at + 3));
  FUZZ_CHECK(proof && *proof == f->proof);
  FUZZ_CHECK(std::string_view(f->without_proof).starts_with("c="));
  FUZZ_CHECK(printable_nonce(f->nonce));
  FUZZ_CHECK(f->without_proof.find(",r=" + f->nonce) != std::string::npos);
}

// RFC 4013 SASLprep by ICU directly, with a buffer as large as ICU asks for.
std::optional<std::string> icu_saslprep(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  UStringPrepProfile* profile = usprep_openByType(USPREP_RFC4013_SASLPREP, &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::vector<UChar> in(text.size() + 1);
  int32_t in_len = 0;
  u_strFromUTF8(in.data(), static_cast<int32_t>(in.size()), &in_len, text.data(), static_cast<int32_t>(text.size()),
                &status);
  std::optional<std::string> result;
  if (U_SUCCESS(status)) {
    const int32_t need = usprep_prepare(profile, in.data(), in_len, nullptr, 0, USPREP_ALLOW_UNASSIGNED, nullptr, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR && need > 0) {
      status = U_ZERO_ERROR;
      std::vector<UChar> out(static_cast<std::size_t>(need) + 1);
      const int32_t n = usprep_prepare(profile, in.data(), in_len, out.data(), static_cast<int32_t>(out.size()),
                                       USPREP_ALLOW_UNASSIGNED, nullptr, &status);
      if (U_SUCCESS(status) && n > 0) {
        std::string utf8(static_cast<std::size_t>(n) * 3 + 1, '\0');
        int32_t len = 0;
        u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &len, out.data(), n, &status);
        if (U_SUCCESS(status)) {
          utf8.resize(static_cast<std::size_t>(len));
          result = std::move(utf8);
        }
      }
    }
  }
  usprep_close(profile);
  return result;
}

bool valid_utf8(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t len = 0;
  u_strFromUTF8(nullptr, 0, &len, s.data(), static_cast<int32_t>(s.size()), &status);
  return status == U_BUFFER_OVERFLOW_ERROR || (U_SUCCESS(status) && s.empty());
}

void check_saslprep(std::string_view text) {
  const auto prepared = scram::saslprep(text);
  if (!prepared) {
    // Control characters are refused before ICU; otherwise ICU must refuse too.
    bool control = false;
    for (char ch : text) control = control || static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
    if (!control && !text.empty() && valid_utf8(text) && text.find('\0') == std::string_view::npos)
      FUZZ_CHECK(!icu_saslprep(text));
    return;
  }
  FUZZ_CHECK(!prepared->empty());
  bool ascii = true;
  for (char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (!ascii) FUZZ_CHECK(icu_saslprep(text) == prepared);
  FUZZ_CHECK(scram::saslprep(*prepared) == prepared);
  FUZZ_CHECK(scram::derive_secret(text, "s", 1).ok());
}

void check_secret(std::string_view text) {
  const auto s = scram::parse_secret(text);
  if (!s) return;
  FUZZ_CHECK(s->stored_key.size() == 32 && s->server_key.size() == 32 && !s->salt.empty());
  FUZZ_CHECK(s->iterations >= scram::kMinIterations && s->iterations <= scram::kMaxIterations);
  const auto again = scram::parse_secret(scram::format_secret(*s));
  FUZZ_CHECK(again && again->iterations == s->iterations && again->salt == s->salt &&
             again->stored_key == s->stored_key && again->server_key == s->server_key);
}

void check_login(const sasl::ServerExchange& ex) { FUZZ_CHECK(ex.login().find('\0') == std::string::npos); }

struct Config {
  sasl::Mechanism mechanism;
  sasl::ChannelBindings bindings;
  bool usable;
  bool honest;
  bool initial;
};

// Raw lines, or base64 of the pieces, through an exchange as the protocol sessions drive it.
void run_lines(const Config& cfg, const std::vector<std::string_view>& pieces) {
  sasl::ServerExchange ex(cfg.mechanism, cfg.bindings, std::string(kServerNonce));
  std::size_t i = 0;
  std::string last_decoded;
  auto line = [&](std::string_view piece) {
    std::string l = cfg.honest ? sasl::base64_encode(piece) : std::string(piece);
    if (auto d = sasl::base64_decode(l)) last_decoded = *d;
    return l;
  };
  sasl::ServerExchange::Step step = cfg.initial && !pieces.empty() ? ex.start(line(pieces[i++])) : ex.start(std::nullopt);
  for (;;) {
    check_login(ex);
    if (step.kind == Kind::need_secret) {
      FUZZ_CHECK(sasl::is_scram(cfg.mechanism));
      FUZZ_CHECK(!ex.login().empty());
      step = ex.provide_secret(secret(), cfg.usable);
      FUZZ_CHECK(step.kind == Kind::challenge);
      continue;
    }
    if (step.kind != Kind::challenge) break;
    if (i >= pieces.size()) return;
    step = ex.next(line(pieces[i++]));
  }
  check_login(ex);
  if (step.kind == Kind::done) {
    FUZZ_CHECK(!ex.login().empty());
    // A SCRAM proof cannot come from bytes that did not know the key.
    FUZZ_CHECK(!sasl::is_scram(cfg.mechanism));
    if (cfg.mechanism == sasl::Mechanism::plain) {
      FUZZ_CHECK(!ex.password().empty());
      FUZZ_CHECK(ex.authzid() + '\0' + ex.login() + '\0' + ex.password() == last_decoded);
    } else {
      FUZZ_CHECK(ex.password().find('\0') == std::string::npos);
    }
  }
  if (step.kind == Kind::challenge || step.kind == Kind::done) FUZZ_CHECK(step.detail.empty());
}

// An honest SCRAM client: client-first from the input, client-final computed with the input's
// password (RFC 5802 §3), then the input's answer to server-final.
void run_scram_client(const Config& cfg, const std::vector<std::string_view>& pieces) {
  if (pieces.size() < 2) return;
  sasl::ServerExchange ex(cfg.mechanism, cfg.bindings, std::string(kServerNonce));
  const std::string first_b64 = sasl::base64_encode(pieces[0]);
  auto step = cfg.initial ? ex.start(first_b64) : ex.start(std::nullopt);
  if (!cfg.initial) {
    FUZZ_CHECK(step.kind == Kind::challenge && step.text.empty());
    step = ex.next(first_b64);
  }
  check_login(ex);
  const auto first = scram::parse_client_first(pieces[0]);
  if (!first.ok()) {
    FUZZ_CHECK(step.kind == (first.error().code == Errc::no_perm ? Kind::failed : Kind::malformed));
    return;
  }
  // The server's channel binding rules (RFC 5802 §6), as a client sees them.
  const bool plus = cfg.mechanism == sasl::Mechanism::scram_sha_256_plus;
  std::string binding_data;
  if (first->cb_name == "tls-exporter") binding_data = cfg.bindings.tls_exporter;
  else if (first->cb_name == "tls-server-end-point") binding_data = cfg.bindings.tls_server_end_point;
  const bool refused = first->cbind_flag == 'p' ? !plus || binding_data.empty()
                                                : plus || (first->cbind_flag == 'y' && cfg.bindings.tls);
  if (refused) {
    FUZZ_CHECK(step.kind == Kind::failed);
    return;
  }
  FUZZ_CHECK(step.kind == Kind::need_secret);
  FUZZ_CHECK(ex.login() == first->username && ex.authzid() == first->authzid);
  step = ex.provide_secret(secret(), cfg.usable);
  FUZZ_CHECK(step.kind == Kind::challenge);
  const auto server_first = sasl::base64_decode(step.text);
  FUZZ_CHECK(server_first);
  const std::string nonce = first->nonce + std::string(kServerNonce);
  FUZZ_CHECK(server_first->starts_with("r=" + nonce + ",s=" + sasl::base64_encode(secret().salt) + ",i="));

  const std::string without_proof = "c=" + sasl::base64_encode(first->gs2_header + binding_data) + ",r=" + nonce;
  const std::string auth_message = first->bare + "," + *server_first + "," + without_proof;
  const std::string password(pieces[1]);
  const std::string final_message =
      without_proof + ",p=" + sasl::base64_encode(scram::client_proof(password, secret(), auth_message));
  check_client_final(final_message);
  step = ex.next(sasl::base64_encode(final_message));
  if (final_message.size() > scram::kMaxClientMessage) {
    FUZZ_CHECK(step.kind == Kind::malformed);
    return;
  }
  // The password is an HMAC key (PBKDF2): one of at most 64 bytes is zero-padded, so "pencil"
  // followed by NULs (which SASLprep refuses, so client_proof uses it as it is) is the same key.
  const auto prepared = scram::saslprep(password);
  std::string key = prepared ? *prepared : password;
  if (key.size() <= 64)
    while (!key.empty() && key.back() == '\0') key.pop_back();
  const bool right = key == "pencil";
  if (!right || !cfg.usable) {
    FUZZ_CHECK(step.kind == Kind::failed);
    return;
  }
  FUZZ_CHECK(step.kind == Kind::challenge);
  const auto server_final = sasl::base64_decode(step.text);
  FUZZ_CHECK(server_final &&
             *server_final == "v=" + sasl::base64_encode(scram::server_signature(secret(), auth_message)));
  const std::string_view ack = pieces.size() > 2 ? pieces[2] : std::string_view();
  step = ex.next(sasl::base64_encode(ack));
  FUZZ_CHECK(step.kind == (ack.empty() ? Kind::done : Kind::malformed));
  if (step.kind == Kind::done) FUZZ_CHECK(ex.login() == first->username);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t h = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> pieces;
  for (std::size_t pos = 0;;) {
    const auto lf = input.find('\n', pos);
    pieces.push_back(input.substr(pos, lf == std::string_view::npos ? std::string_view::npos : lf - pos));
    if (lf == std::string_view::npos) break;
    pos = lf + 1;
  }

  for (const auto piece : pieces) {
    check_base64(piece);
    check_plain(piece);
    check_client_first(piece);
    check_client_final(piece);
    check_saslprep(piece);
    check_secret(piece);
  }

  Config cfg;
  cfg.mechanism = static_cast<sasl::Mechanism>(h & 3);
  cfg.bindings.tls = (h & 4) != 0;
  if (h & 8) cfg.bindings.tls_exporter = std::string(32, 'E');
  if (h & 16) cfg.bindings.tls_server_end_point = std::string(32, 'S');
  cfg.usable = (h & 32) != 0;
  cfg.honest = (h & 64) != 0;
  cfg.initial = (h & 128) != 0;
  FUZZ_CHECK(sasl::find_mechanism(sasl::mechanism_name(cfg.mechanism)) == cfg.mechanism);
  if (cfg.honest && sasl::is_scram(cfg.mechanism)) run_scram_client(cfg, pieces);
  else run_lines(cfg, pieces);
  return 0;
}
