#include "auth/sasl.h"

#include <openssl/crypto.h>

#include <array>
#include <cstdint>

#include "base/ascii.h"

namespace pillarbox::auth::sasl {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, -1 for everything else (including '=').
constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

// The LOGIN mechanism's prompts, base64: "Username:" and "Password:".
constexpr std::string_view kUsernamePrompt = "VXNlcm5hbWU6";
constexpr std::string_view kPasswordPrompt = "UGFzc3dvcmQ6";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                      (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                      std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;   // trailing '=' only
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t data = last ? 4 - pad : 4;   // alphabet characters in this quantum
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      v <<= 6;
      if (j >= data) continue;   // a padding position: checked to be '=' above
      const std::int8_t d = kDecode[static_cast<unsigned char>(text[i + j])];
      if (d < 0) return std::nullopt;   // includes '=' in the middle
      v |= static_cast<std::uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (data >= 3) out += static_cast<char>((v >> 8) & 0xff);
    if (data == 4) out += static_cast<char>(v & 0xff);
  }
  return out;
}

Result<PlainCredentials> parse_plain(std::string_view message) {
  const auto first = message.find('\0');
  const auto second = first == std::string_view::npos ? first : message.find('\0', first + 1);
  if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos)
    return make_error(Errc::invalid, "Malformed PLAIN message");
  PlainCredentials c{std::string(message.substr(0, first)), std::string(message.substr(first + 1, second - first - 1)),
                     std::string(message.substr(second + 1))};
  if (c.authcid.empty() || c.password.empty()) return make_error(Errc::invalid, "Malformed PLAIN message");
  return c;
}

std::optional<Mechanism> find_mechanism(std::string_view name) {
  if (ascii::iequals(name, "PLAIN")) return Mechanism::plain;
  if (ascii::iequals(name, "LOGIN")) return Mechanism::login;
  if (ascii::iequals(name, "SCRAM-SHA-256")) return Mechanism::scram_sha_256;
  if (ascii::iequals(name, "SCRAM-SHA-256-PLUS")) return Mechanism::scram_sha_256_plus;
  return std::nullopt;
}

std::string_view mechanism_name(Mechanism m) {
  switch (m) {
    case Mechanism::plain: return "PLAIN";
    case Mechanism::login: return "LOGIN";
    case Mechanism::scram_sha_256: return "SCRAM-SHA-256";
    case Mechanism::scram_sha_256_plus: return "SCRAM-SHA-256-PLUS";
  }
  return "?";
}

ServerExchange::Step ServerExchange::start(std::optional<std::string_view> initial_response) {
  if (!initial_response) {
    // PLAIN and SCRAM are client-first: an empty challenge asks for the first message.
    if (mechanism_ != Mechanism::login) return {Step::Kind::challenge, ""};
    return {Step::Kind::challenge, std::string(kUsernamePrompt)};
  }
  if (*initial_response == "=") return take("");
  return next(*initial_response);
}

ServerExchange::Step ServerExchange::next(std::string_view line) {
  if (line == "*") return {Step::Kind::cancelled, "Authentication cancelled"};
  auto decoded = base64_decode(line);
  if (!decoded) return {Step::Kind::malformed, "Invalid base64 in SASL response"};
  return take(std::move(*decoded));
}

ServerExchange::Step ServerExchange::take(std::string decoded) {
  ++round_;
  if (is_scram(mechanism_)) return take_scram(std::move(decoded));
  if (mechanism_ == Mechanism::plain) {
    auto c = parse_plain(decoded);
    if (!c.ok()) return {Step::Kind::malformed, c.error().text};
    login_ = std::move(c->authcid);
    password_ = std::move(c->password);
    authzid_ = std::move(c->authzid);
    return {Step::Kind::done, {}};
  }
  // LOGIN: a NUL cannot be part of a login name or a password typed by a person.
  if (decoded.find('\0') != std::string::npos) return {Step::Kind::malformed, "Malformed LOGIN response"};
  if (round_ == 1) {
    if (decoded.empty()) return {Step::Kind::malformed, "Empty user name"};
    login_ = std::move(decoded);
    return {Step::Kind::challenge, std::string(kPasswordPrompt)};
  }
  password_ = std::move(decoded);
  return {Step::Kind::done, {}};
}

ServerExchange::Step ServerExchange::take_scram(std::string decoded) {
  const bool plus = mechanism_ == Mechanism::scram_sha_256_plus;
  switch (scram_state_) {
    case ScramState::client_first: {
      auto first = scram::parse_client_first(decoded);
      if (!first.ok()) {
        if (first.error().code == Errc::no_perm) return fail("mandatory SCRAM extension (m=) requested");
        return {Step::Kind::malformed, first.error().text};
      }
      login_ = first->username;   // for the log, whatever happens next
      authzid_ = first->authzid;
      // RFC 5802 §6: the flag must agree with the mechanism and with what this server offers.
      std::string binding_data;
      if (first->cbind_flag == 'p') {
        if (!plus) return fail("channel binding requested with " + std::string(mechanism_name(mechanism_)));
        if (first->cb_name == "tls-exporter") binding_data = bindings_.tls_exporter;
        else if (first->cb_name == "tls-server-end-point") binding_data = bindings_.tls_server_end_point;
        if (binding_data.empty())
          return fail("channel binding type \"" + first->cb_name + "\" is not available on this connection");
      } else if (plus) {
        return fail("SCRAM-SHA-256-PLUS without channel binding");
      } else if (first->cbind_flag == 'y' && bindings_.tls) {
        // The client could bind and thinks the server cannot, yet -PLUS is offered here: someone
        // between them removed it from the mechanism list.
        return fail("channel binding downgrade: flag 'y' where SCRAM-SHA-256-PLUS is offered");
      }
      expected_binding_ = first->gs2_header + binding_data;
      client_first_bare_ = std::move(first->bare);
      client_nonce_ = std::move(first->nonce);
      scram_state_ = ScramState::secret;
      return {Step::Kind::need_secret, {}};
    }
    case ScramState::client_final: {
      auto final_message = scram::parse_client_final(decoded);
      if (!final_message.ok()) return {Step::Kind::malformed, final_message.error().text};
      if (final_message->nonce != client_nonce_ + server_nonce_) return fail("SCRAM nonce does not match");
      if (final_message->channel_binding.size() != expected_binding_.size() ||
          CRYPTO_memcmp(final_message->channel_binding.data(), expected_binding_.data(), expected_binding_.size()) != 0)
        return fail("SCRAM channel binding does not match");
      const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + final_message->without_proof;
      // Verified even when unusable, so both paths do the same work.
      const bool proof_ok = scram::verify_proof(secret_, auth_message, final_message->proof);
      if (!proof_ok || !usable_) return fail("wrong SCRAM proof");
      scram_state_ = ScramState::ack;
      return {Step::Kind::challenge, base64_encode("v=" + base64_encode(scram::server_signature(secret_, auth_message)))};
    }
    case ScramState::ack:
      // RFC 5802 §5: after the server's signature the client has nothing more to say.
      if (!decoded.empty()) return {Step::Kind::malformed, "Unexpected SCRAM message after server-final"};
      return {Step::Kind::done, {}};
    case ScramState::secret:
      break;
  }
  return {Step::Kind::malformed, "SCRAM message out of order"};
}

ServerExchange::Step ServerExchange::provide_secret(const scram::Secret& secret, bool usable) {
  if (scram_state_ != ScramState::secret) return {Step::Kind::malformed, "SCRAM message out of order"};
  secret_ = secret;
  usable_ = usable;
  if (server_nonce_.empty()) server_nonce_ = scram::make_server_nonce();
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + base64_encode(secret_.salt) +
                  ",i=" + std::to_string(secret_.iterations);
  scram_state_ = ScramState::client_final;
  return {Step::Kind::challenge, base64_encode(server_first_)};
}

}  // namespace pillarbox::auth::sasl
