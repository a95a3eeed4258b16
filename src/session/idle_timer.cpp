#include "session/idle_timer.h"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace pillarbox::session {

asio::awaitable<void> IdleTimer::run(std::function<void()> on_expiry, std::function<void()> on_overdue) {
  while (!stopped_) {
    timer_.expires_at(deadline_);
    std::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    // A touch() during the wait moved the deadline: wait again.
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_ && held_ > 0) {
      deadline_ = now + std::chrono::seconds(1);   // checked again; the Hold's end sets it properly
      continue;
    }
    if (now >= deadline_) {
      expired_ = true;
      on_expiry();
      timer_.expires_after(kOverdueGrace);
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!stopped_) on_overdue();
      break;
    }
  }
}

}  // namespace pillarbox::session
