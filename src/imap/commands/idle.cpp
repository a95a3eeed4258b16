// RFC 2177 IDLE
//   idle = "IDLE" CRLF "DONE"
// The server answers "+ idling", then sends untagged updates (EXISTS, RECENT, FETCH, and
// EXPUNGE, which RFC 2177 §3 allows) as soon as another session or a delivery changes the
// selected mailbox, until the client sends DONE (case-insensitive). Any other line ends IDLE
// with a tagged BAD. IDLE is allowed in the authenticated state too (no updates come then).
// RFC 9051 §5.4 / RFC 2177 §3: the autologout deadline set by the IDLE command is not moved by
// the updates; clients re-issue IDLE within 29 minutes. "* OK Still here" is sent every
// limits.idle_keepalive_seconds so that NATs keep the connection open.
#include <fmt/format.h>

#include "base/ascii.h"
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_idle(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  using Clock = std::chrono::steady_clock;
  const std::uint32_t keepalive = s.config().limits.idle_keepalive_seconds;
  const auto next_keepalive = [keepalive] {
    return keepalive ? Clock::now() + std::chrono::seconds(keepalive) : Clock::time_point::max();
  };
  // The protocol log knows this text: it is no SASL challenge, so DONE is logged as sent.
  s.write(std::string(protolog::kImapIdleContinuation) + "\r\n");
  co_await s.flush();
  const Clock::time_point logout_at = s.autologout().deadline();
  Clock::time_point keepalive_at = next_keepalive();
  Clock::time_point retry_at = Clock::time_point::max();   // after a failed sync
  bool sync_due = true;   // changes since the last command go out at once
  std::string line;
  for (;;) {
    if (sync_due && s.selected()) {
      const bool synced = co_await s.sync(true);
      // The sync's store calls restarted the autologout clock; a change is not the client's
      // activity, so the deadline of the IDLE command stands.
      s.autologout().set_deadline(logout_at);
      if (s.mailbox_deleted()) co_return Reply::already_sent();   // the run loop says BYE
      // A sync that failed (it logged why) is tried again in a second rather than at once.
      retry_at = synced ? Clock::time_point::max() : Clock::now() + std::chrono::seconds(1);
      co_await s.flush();
    }
    sync_due = false;
    const bool watch_changes = retry_at == Clock::time_point::max();
    auto wake = co_await s.wait_in_idle(std::min(keepalive_at, retry_at), watch_changes, line);
    switch (wake) {
      case Session::IdleWake::end:
        co_return Reply::already_sent();
      case Session::IdleWake::changed:
        sync_due = true;
        continue;
      case Session::IdleWake::deadline:
        if (Clock::now() >= retry_at) sync_due = true;
        if (Clock::now() >= keepalive_at) {
          s.untagged("OK Still here");
          co_await s.flush();
          keepalive_at = next_keepalive();
        }
        continue;
      case Session::IdleWake::line:
        if (ascii::iequals(line, "DONE")) co_return Reply::ok("IDLE terminated");
        co_return Reply::bad("Expected DONE to end IDLE");
    }
  }
}

}  // namespace pillarbox::imap
