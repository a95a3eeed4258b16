// RFC 3501 §6.1.2 NOOP and §6.4.1 CHECK: nothing to do but report updates, which the session
// does after every command. Every write is already durable, so CHECK has no checkpoint to make.
#include "imap/commands/commands.h"

namespace pillarbox::imap {
namespace {

/// Makes the session read its mailbox again after this command. Where the store reports every
/// change anyway (PostgreSQL), at most once per 200 ms: the reading is only a safety net for a
/// notification still on its way, and a client that pipelines thousands of NOOPs must not cost
/// a database round trip each.
void look_again(Session& s) {
  constexpr auto kMinInterval = std::chrono::milliseconds(200);
  auto* sel = s.selected();
  if (sel == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (s.store().hears_every_change() && now - sel->last_look < kMinInterval) return;
  sel->last_look = now;
  sel->dirty->store(true);
}

}  // namespace

asio::awaitable<Reply> cmd_noop(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  look_again(s);
  co_return Reply::ok("NOOP completed");
}

asio::awaitable<Reply> cmd_check(Session& s, Request& r) {
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  look_again(s);
  co_return Reply::ok("CHECK completed");
}

}  // namespace pillarbox::imap
