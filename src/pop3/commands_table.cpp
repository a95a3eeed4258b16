#include <array>
#include <string>
#include <vector>

#include "pop3/commands.h"

namespace pillarbox::pop3 {
namespace {

// APOP (RFC 1939 §7) is deliberately absent: it needs the password stored in clear (or an
// MD5-equivalent), and the greeting carries no timestamp, so clients do not try it.
constexpr std::array<CommandSpec, 14> kCommands{{
    {"CAPA", kAnyState, cmd_capa},          // RFC 2449 §5
    {"USER", kAuthorization, cmd_user},     // RFC 1939 §7
    {"PASS", kAuthorization, cmd_pass, true},
    {"AUTH", kAuthorization, cmd_auth},     // RFC 5034 §4
    {"STLS", kAuthorization, cmd_stls},     // RFC 2595 §4
    {"STAT", kTransaction, cmd_stat},       // RFC 1939 §5
    {"LIST", kTransaction, cmd_list},
    {"UIDL", kTransaction, cmd_uidl},       // RFC 1939 §7
    {"RETR", kTransaction, cmd_retr},
    {"TOP", kTransaction, cmd_top},         // RFC 1939 §7
    {"DELE", kTransaction, cmd_dele},
    {"RSET", kTransaction, cmd_rset},
    {"NOOP", kTransaction, cmd_noop},
    {"QUIT", kAnyState, cmd_quit},          // RFC 1939 §4 and §6
}};

}  // namespace

const metrics::CommandMetrics& command_metrics() {
  static const metrics::CommandMetrics metrics = [] {
    std::vector<std::string> names;
    for (const auto& c : kCommands) names.emplace_back(c.name);
    return metrics::CommandMetrics("pop3", names);
  }();
  return metrics;
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace pillarbox::pop3
