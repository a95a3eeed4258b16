// The autologout timer every protocol session runs (RFC 9051 §5.4, RFC 1939 §3, RFC 5321
// §4.5.3.2): a deadline that each command pushes back; when it passes, the session is told once.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>

namespace pillarbox::session {

/// Lives in a session and is used only on the session's strand.
class IdleTimer {
 public:
  explicit IdleTimer(asio::any_io_executor executor) : timer_(std::move(executor)) {}

  /// Sets the deadline `seconds` from now (call it after every command).
  void touch(std::uint32_t seconds) {
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  }
  /// Waits until the deadline passes, then marks the timer expired and calls `on_expiry` (the
  /// session cancels its pending read, and its loop says goodbye); or until stop(). Spawn it
  /// once, from a coroutine that keeps the session alive.
  asio::awaitable<void> run(std::function<void()> on_expiry);
  /// Ends run() without calling `on_expiry` (the session is closing).
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }
  /// True once the deadline passed.
  bool expired() const { return expired_; }

 private:
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now();
  bool stopped_ = false;
  bool expired_ = false;
};

}  // namespace pillarbox::session
