// Which sessions get a protocol transcript (issue 6 item 1): rules set by `pillarbox log on|off`,
// kept in a small text file so they survive a restart, matched against a session's client
// address and (once logged in) its account.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pillarbox::protolog {

/// An IPv4 or IPv6 network: an address and a prefix length in bits. IPv4 is kept as IPv4-mapped
/// IPv6 (::ffff:a.b.c.d, prefix + 96), so "10.0.0.0/8" also matches a client seen as
/// "::ffff:10.1.2.3" on a dual-stack listener.
struct Network {
  std::array<std::uint8_t, 16> address{};
  unsigned prefix = 128;
  bool v4 = false;

  /// Parses "192.0.2.7", "192.0.2.0/24", "2001:db8::/32", "::1". Errc::invalid with a message
  /// naming `text` when it is neither, or the prefix is out of range, or host bits are set
  /// below the prefix (a likely typo: "10.1.2.3/8").
  static Result<Network> parse(std::string_view text);
  /// True when `ip` (an address as the server prints a client's, no port) is inside.
  bool contains(std::string_view ip) const;
  /// "192.0.2.0/24" or "2001:db8::/32"; a single address keeps its /32 or /128.
  std::string to_string() const;
};

/// One rule: log every session, an account's sessions, or sessions from a network.
struct Rule {
  enum class Kind { all, user, ip };
  Kind kind = Kind::all;
  std::string value;     ///< user: lower-case address; ip: Network::to_string(); all: ""
  bool bodies = false;   ///< log literal and message contents, not "{N bytes}"
};

/// A user rule for `address` (lower-cased; Errc::invalid unless it looks like local@domain),
/// an ip rule for `network` (Network::parse's errors), or the all rule.
Result<Rule> make_rule(Rule::Kind kind, std::string_view value, bool bodies);

/// "all", "user alice@example.org", "ip 10.0.0.0/8", with " bodies" when set: the rule's line
/// in the rules file and in `pillarbox log status`.
std::string describe(const Rule& rule);

class Rules {
 public:
  /// Reads the rules file: one describe() line per rule, blank lines and "#" comments
  /// ignored. Errc::invalid naming the line number for anything else.
  static Result<Rules> parse(std::string_view text);
  /// The rules file's text (a comment line first).
  std::string to_text() const;

  /// Adds `rule`, replacing a rule of the same kind and value (so --bodies can be switched).
  void add(Rule rule);
  /// Removes the rule of this kind and value; false when there is none.
  bool remove(Rule::Kind kind, std::string_view value);
  void clear() { rules_.clear(); }
  const std::vector<Rule>& list() const { return rules_; }

  /// Whether a session from `ip` logged in as `account` ("" before login) is logged: nullopt
  /// when no rule matches, else whether bodies are (true when any matching rule says so).
  std::optional<bool> match(std::string_view ip, std::string_view account) const;

 private:
  std::vector<Rule> rules_;
};

}  // namespace pillarbox::protolog
