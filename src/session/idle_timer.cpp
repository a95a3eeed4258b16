#include "session/idle_timer.h"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace pillarbox::session {

asio::awaitable<void> IdleTimer::run(std::function<void()> on_expiry) {
  while (!stopped_) {
    timer_.expires_at(deadline_);
    std::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    // A touch() during the wait moved the deadline: wait again.
    if (std::chrono::steady_clock::now() >= deadline_) {
      expired_ = true;
      on_expiry();
      break;
    }
  }
}

}  // namespace pillarbox::session
