// The POP3 command table: each command's handler and the states it is allowed in (RFC 1939 §4
// AUTHORIZATION, §5 TRANSACTION). Handlers live in commands_auth.cpp (CAPA, USER, PASS, AUTH,
// STLS) and commands_maildrop.cpp (STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, QUIT).
#pragma once

#include <asio/awaitable.hpp>

#include <cstdint>
#include <string_view>

#include "metrics/metrics.h"
#include "pop3/session.h"

namespace pillarbox::pop3 {

enum StateBits : std::uint8_t {
  kAuthorization = 1,
  kTransaction = 2,
  kAnyState = 3,
};

using Handler = asio::awaitable<Reply> (*)(Session&, Request&);

struct CommandSpec {
  std::string_view name;
  std::uint8_t states;
  Handler handler;
  /// The argument is taken verbatim, spaces included (PASS), instead of split at spaces.
  bool raw_argument = false;
};

/// The entry for an upper-cased keyword, or null.
const CommandSpec* find_command(std::string_view name);
/// The POP3 command counters and latency histograms, one series per command of the table; any
/// other name is "other".
const metrics::CommandMetrics& command_metrics();

asio::awaitable<Reply> cmd_capa(Session&, Request&);
asio::awaitable<Reply> cmd_user(Session&, Request&);
asio::awaitable<Reply> cmd_pass(Session&, Request&);
asio::awaitable<Reply> cmd_auth(Session&, Request&);
asio::awaitable<Reply> cmd_stls(Session&, Request&);
asio::awaitable<Reply> cmd_stat(Session&, Request&);
asio::awaitable<Reply> cmd_list(Session&, Request&);
asio::awaitable<Reply> cmd_uidl(Session&, Request&);
asio::awaitable<Reply> cmd_retr(Session&, Request&);
asio::awaitable<Reply> cmd_top(Session&, Request&);
asio::awaitable<Reply> cmd_dele(Session&, Request&);
asio::awaitable<Reply> cmd_rset(Session&, Request&);
asio::awaitable<Reply> cmd_noop(Session&, Request&);
asio::awaitable<Reply> cmd_quit(Session&, Request&);

}  // namespace pillarbox::pop3
