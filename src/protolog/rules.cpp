#include "protolog/rules.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "base/ascii.h"
#include "base/log.h"

namespace pillarbox::protolog {
namespace {

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text, bool& v4) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    v4 = true;
    return out;
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    // An IPv4-mapped address is the IPv4 client it stands for.
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    v4 = std::memcmp(out.data(), mapped, 12) == 0;
    return out;
  }
  return std::nullopt;
}

bool prefix_equal(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, unsigned bits) {
  for (unsigned i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

bool valid_address(std::string_view a) {
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size() || a.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : a) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') return false;
  }
  return a.size() <= 320;
}

}  // namespace

Result<Network> Network::parse(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_error(Errc::invalid, "\"" + log::loggable(text) + "\" is not an address or network: " + std::string(why));
  };
  const auto slash = text.find('/');
  Network n;
  const auto addr = parse_ip(text.substr(0, slash), n.v4);
  if (!addr) return bad("expected e.g. 192.0.2.7, 192.0.2.0/24 or 2001:db8::/32");
  n.address = *addr;
  const unsigned max = n.v4 ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || prefix > max) {
      return bad("the prefix length must be 0 to " + std::to_string(max));
    }
  }
  n.prefix = n.v4 ? prefix + 96 : prefix;
  std::array<std::uint8_t, 16> masked{};
  for (unsigned i = 0, bits = n.prefix; i < 16; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    masked[i] = take == 0 ? 0 : static_cast<std::uint8_t>(n.address[i] & (0xff << (8 - take)));
    bits -= take;
  }
  if (masked != n.address) return bad("host bits are set below the prefix length");
  return n;
}

bool Network::contains(std::string_view ip) const {
  bool v4_client = false;
  const auto a = parse_ip(ip, v4_client);
  return a && prefix_equal(*a, address, prefix);
}

std::string Network::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (v4) {
    ::inet_ntop(AF_INET, address.data() + 12, text, sizeof text);
    return std::string(text) + "/" + std::to_string(prefix - 96);
  }
  ::inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix);
}

Result<Rule> make_rule(Rule::Kind kind, std::string_view value, bool bodies) {
  Rule rule;
  rule.kind = kind;
  rule.bodies = bodies;
  switch (kind) {
    case Rule::Kind::all:
      break;
    case Rule::Kind::user:
      if (!valid_address(value)) {
        return make_error(Errc::invalid, "\"" + log::loggable(value) + "\" is not an address (user@domain)");
      }
      rule.value = value;
      for (char& c : rule.value) c = ascii::to_lower(c);
      break;
    case Rule::Kind::ip: {
      auto network = Network::parse(value);
      if (!network) return network.error();
      rule.value = network->to_string();
      break;
    }
  }
  return rule;
}

std::string describe(const Rule& rule) {
  std::string out;
  switch (rule.kind) {
    case Rule::Kind::all: out = "all"; break;
    case Rule::Kind::user: out = "user " + rule.value; break;
    case Rule::Kind::ip: out = "ip " + rule.value; break;
  }
  if (rule.bodies) out += " bodies";
  return out;
}

Result<Rules> Rules::parse(std::string_view text) {
  Rules rules;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> words;
    for (std::size_t pos = 0; pos <= line.size();) {
      const auto sp = line.find(' ', pos);
      const auto word = line.substr(pos, sp == std::string_view::npos ? std::string_view::npos : sp - pos);
      if (!word.empty()) words.push_back(word);
      if (sp == std::string_view::npos) break;
      pos = sp + 1;
    }
    const auto bad = [&](std::string why) {
      return make_error(Errc::invalid, "line " + std::to_string(number) + ": " + why);
    };
    bool bodies = false;
    if (!words.empty() && words.back() == "bodies") {
      bodies = true;
      words.pop_back();
    }
    Result<Rule> rule = bad("expected \"all\", \"user ADDRESS\" or \"ip NETWORK\", optionally followed by \"bodies\"");
    if (words.size() == 1 && words[0] == "all") rule = make_rule(Rule::Kind::all, "", bodies);
    else if (words.size() == 2 && words[0] == "user") rule = make_rule(Rule::Kind::user, words[1], bodies);
    else if (words.size() == 2 && words[0] == "ip") rule = make_rule(Rule::Kind::ip, words[1], bodies);
    if (!rule) return bad(rule.error().text);
    rules.add(std::move(*rule));
  }
  return rules;
}

std::string Rules::to_text() const {
  std::string out = "# Protocol logging rules, kept by `pillarbox log on|off`; one rule per line.\n";
  for (const Rule& r : rules_) out += describe(r) + "\n";
  return out;
}

void Rules::add(Rule rule) {
  for (Rule& r : rules_) {
    if (r.kind == rule.kind && r.value == rule.value) {
      r = std::move(rule);
      return;
    }
  }
  rules_.push_back(std::move(rule));
}

bool Rules::remove(Rule::Kind kind, std::string_view value) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->kind == kind && it->value == value) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<bool> Rules::match(std::string_view ip, std::string_view account) const {
  std::optional<bool> out;
  for (const Rule& r : rules_) {
    bool hit = false;
    switch (r.kind) {
      case Rule::Kind::all: hit = true; break;
      case Rule::Kind::user: hit = !account.empty() && ascii::iequals(account, r.value); break;
      case Rule::Kind::ip: {
        auto network = Network::parse(r.value);
        hit = network && network->contains(ip);
        break;
      }
    }
    if (hit) out = out.value_or(false) || r.bodies;
  }
  return out;
}

}  // namespace pillarbox::protolog
