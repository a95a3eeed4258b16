#include "auth/sasl.h"

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
  // Acting as another user is not offered (yet): an authorization identity must be the
  // authentication identity itself (RFC 4616 §2).
  if (!c.authzid.empty() && c.authzid != c.authcid)
    return make_error(Errc::no_perm, "Authorization denied", "authzid differs from authcid");
  return c;
}

std::optional<Mechanism> find_mechanism(std::string_view name) {
  if (ascii::iequals(name, "PLAIN")) return Mechanism::plain;
  if (ascii::iequals(name, "LOGIN")) return Mechanism::login;
  return std::nullopt;
}

std::string_view mechanism_name(Mechanism m) { return m == Mechanism::plain ? "PLAIN" : "LOGIN"; }

ServerExchange::Step ServerExchange::start(std::optional<std::string_view> initial_response) {
  if (!initial_response) {
    if (mechanism_ == Mechanism::plain) return {Step::Kind::challenge, ""};
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
  if (mechanism_ == Mechanism::plain) {
    auto c = parse_plain(decoded);
    if (!c.ok()) {
      return {c.error().code == Errc::no_perm ? Step::Kind::denied : Step::Kind::malformed, c.error().text};
    }
    login_ = std::move(c->authcid);
    password_ = std::move(c->password);
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

}  // namespace pillarbox::auth::sasl
