#include "pop3/command.h"

#include <fmt/format.h>

#include <limits>

#include "base/ascii.h"

namespace pillarbox::pop3 {

Result<CommandLine> parse_command(std::string_view line) {
  if (line.empty()) return make_error(Errc::invalid, "Empty command line");
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return make_error(Errc::invalid, "Invalid character in command line");
  }
  CommandLine out;
  const std::size_t sp = line.find(' ');
  const std::string_view name = line.substr(0, sp);
  // RFC 1939 §3: keywords are three or four characters; extensions (RFC 2449 §3) may be longer.
  if (name.empty() || name.size() > 20) return make_error(Errc::invalid, "Invalid command keyword");
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return make_error(Errc::invalid, "Invalid command keyword");
  }
  out.name = ascii::upper(name);
  if (sp == std::string_view::npos) return out;
  out.rest = std::string(line.substr(sp + 1));
  out.has_rest = true;
  return out;
}

Result<std::vector<std::string>> split_arguments(const CommandLine& command) {
  std::vector<std::string> args;
  if (!command.has_rest) return args;
  std::string_view rest = command.rest;
  for (;;) {
    const std::size_t next = rest.find(' ');
    const std::string_view arg = rest.substr(0, next);
    if (arg.empty()) return make_error(Errc::invalid, "Arguments must be separated by a single space");
    args.emplace_back(arg);
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return args;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - d) / 10 ? kMax : value * 10 + d;
  }
  return value;
}

std::string unique_id(std::uint32_t uid_validity, std::uint32_t uid) {
  return fmt::format("{:08x}{:08x}", uid_validity, uid);
}

}  // namespace pillarbox::pop3
