// The IMAP command table (DESIGN §4): each command's handler, the states it is allowed in, and
// whether untagged EXPUNGE may be sent while it runs (RFC 3501 §7.4.1, RFC 9051 §5.5).
#pragma once

#include <asio/awaitable.hpp>

#include <cstdint>
#include <string_view>

#include "imap/session.h"
#include "metrics/metrics.h"

namespace pillarbox::imap {

enum StateBits : std::uint8_t {
  kNotAuthenticated = 1,
  kAuthenticated = 2,
  kSelected = 4,
  kAnyState = 7,
  kLoggedIn = 6,
};

using Handler = asio::awaitable<Reply> (*)(Session&, Request&);

struct CommandSpec {
  std::string_view name;
  std::uint8_t states;
  /// False for commands during which EXPUNGE must not be sent because the client relies on
  /// sequence numbers staying put: FETCH, STORE, SEARCH (not their UID forms, §7.4.1).
  bool expunge_allowed;
  Handler handler;
  bool uid_form;   ///< may follow the UID prefix
};

/// The entry for an upper-cased command name, or null.
const CommandSpec* find_command(std::string_view name);
/// The IMAP command counters and latency histograms, one series per command of the table and
/// per UID form ("UID FETCH"); any other name is "other".
const metrics::CommandMetrics& command_metrics();

// One handler per command; each lives in commands/<name>.cpp.
asio::awaitable<Reply> cmd_capability(Session&, Request&);
asio::awaitable<Reply> cmd_enable(Session&, Request&);
asio::awaitable<Reply> cmd_noop(Session&, Request&);
asio::awaitable<Reply> cmd_logout(Session&, Request&);
asio::awaitable<Reply> cmd_starttls(Session&, Request&);
asio::awaitable<Reply> cmd_compress(Session&, Request&);
asio::awaitable<Reply> cmd_login(Session&, Request&);
asio::awaitable<Reply> cmd_authenticate(Session&, Request&);
asio::awaitable<Reply> cmd_select(Session&, Request&);   // SELECT and EXAMINE
asio::awaitable<Reply> cmd_create(Session&, Request&);
asio::awaitable<Reply> cmd_delete(Session&, Request&);
asio::awaitable<Reply> cmd_rename(Session&, Request&);
asio::awaitable<Reply> cmd_subscribe(Session&, Request&);  // SUBSCRIBE and UNSUBSCRIBE
asio::awaitable<Reply> cmd_list(Session&, Request&);       // LIST and LSUB
asio::awaitable<Reply> cmd_status(Session&, Request&);
asio::awaitable<Reply> cmd_append(Session&, Request&);
asio::awaitable<Reply> cmd_check(Session&, Request&);
asio::awaitable<Reply> cmd_close(Session&, Request&);
asio::awaitable<Reply> cmd_expunge(Session&, Request&);
asio::awaitable<Reply> cmd_search(Session&, Request&);
asio::awaitable<Reply> cmd_fetch(Session&, Request&);
asio::awaitable<Reply> cmd_store(Session&, Request&);
asio::awaitable<Reply> cmd_copy(Session&, Request&);
asio::awaitable<Reply> cmd_namespace(Session&, Request&);
asio::awaitable<Reply> cmd_getacl(Session&, Request&);
asio::awaitable<Reply> cmd_setacl(Session&, Request&);
asio::awaitable<Reply> cmd_deleteacl(Session&, Request&);
asio::awaitable<Reply> cmd_listrights(Session&, Request&);
asio::awaitable<Reply> cmd_myrights(Session&, Request&);
asio::awaitable<Reply> cmd_idle(Session&, Request&);
asio::awaitable<Reply> cmd_unselect(Session&, Request&);
asio::awaitable<Reply> cmd_id(Session&, Request&);
asio::awaitable<Reply> cmd_move(Session&, Request&);
asio::awaitable<Reply> cmd_getquota(Session&, Request&);      // quota.cpp
asio::awaitable<Reply> cmd_getquotaroot(Session&, Request&);  // quota.cpp
asio::awaitable<Reply> cmd_setquota(Session&, Request&);      // quota.cpp

}  // namespace pillarbox::imap
