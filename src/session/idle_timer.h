// The autologout timer every protocol session runs (RFC 9051 §5.4, RFC 1939 §3, RFC 5321
// §4.5.3.2): a deadline that each command pushes back; when it passes, the session is told once.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

#include "metrics/metrics.h"
#include "session/pool_call.h"

namespace pillarbox::session {

/// Lives in a session and is used only on the session's strand.
class IdleTimer {
 public:
  /// How long an expired session may take to say goodbye before it is closed without one.
  static constexpr std::chrono::seconds kOverdueGrace{5};

  explicit IdleTimer(asio::any_io_executor executor) : timer_(std::move(executor)) {}

  /// Sets the deadline `seconds` from now (call it after every command).
  void touch(std::uint32_t seconds) {
    if (expired_) return;   // too late: the session is on its way out
    last_seconds_ = seconds;
    const auto next = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    const bool earlier = next < deadline_;
    deadline_ = next;
    // The wait in run() sleeps until the old deadline; a shorter timeout (the idle timeout
    // after login may be shorter than the login timeout) wakes it to wait for the new one.
    if (earlier) timer_.cancel();
  }
  /// The moment the session will be logged out unless touched (or held) before.
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  /// Puts the deadline at `when` (earlier or later) unless the timer has expired. IDLE uses it
  /// to keep the deadline its command set across the store calls of its syncs, whose Holds
  /// restart the clock: changes in the mailbox are not the client's activity (RFC 9051 §5.4).
  void set_deadline(std::chrono::steady_clock::time_point when) {
    if (expired_) return;
    deadline_ = when;
    timer_.cancel();   // run() waits again for the new deadline (or expires at once)
  }
  /// Waits until the deadline passes, then marks the timer expired and calls `on_expiry` (the
  /// session cancels its pending read, and its loop says goodbye); or until stop(). If the
  /// session has still not stopped kOverdueGrace later (its goodbye or another write is stuck
  /// behind a client that does not read, or the cancel found nothing pending), calls
  /// `on_overdue`, which closes the connection outright. Spawn it once, from a coroutine that
  /// keeps the session alive.
  asio::awaitable<void> run(std::function<void()> on_expiry, std::function<void()> on_overdue);
  /// Ends run() without calling `on_expiry` (the session is closing).
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }
  /// True once the deadline passed.
  bool expired() const { return expired_; }

  /// While a Hold exists the session is waiting for the server, not the client (a login queued
  /// behind a storm of others on the hash pool, a store call, an LMTP delivery), so the deadline
  /// cannot pass; when the last Hold ends the clock starts again with the timeout last given to
  /// touch(). Waiting for the client (a read, a write it does not take) is never held.
  class Hold {
   public:
    explicit Hold(IdleTimer& t) : timer_(t) { ++timer_.held_; }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() {
      if (--timer_.held_ == 0) timer_.touch(timer_.last_seconds_);
    }

   private:
    IdleTimer& timer_;
  };


 private:
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now();
  bool stopped_ = false;
  bool expired_ = false;
  unsigned held_ = 0;
  std::uint32_t last_seconds_ = 60;
};

/// co_await on_pool_held(pool, idle, fn): on_pool() with `idle` held for the call, for work the
/// session waits on the server for (store calls, hash verification, deliveries): a slow disk or
/// a queue of logins is the server's delay, never counted as the client's silence. With
/// `timing`, the time fn() takes on its pool thread is observed there (store latency; waiting
/// for a free thread is not included).
template <class F>
asio::awaitable<std::invoke_result_t<F>> on_pool_held(asio::thread_pool& pool, IdleTimer& idle, F fn,
                                                      metrics::Histogram* timing = nullptr) {
  IdleTimer::Hold hold(idle);
  if (!timing) co_return co_await on_pool(pool, std::move(fn));
  auto timed = [fn = std::move(fn), timing]() mutable {
    const metrics::Stopwatch watch;
    auto result = fn();
    timing->observe(watch.elapsed());
    return result;
  };
  co_return co_await on_pool(pool, std::move(timed));
}

}  // namespace pillarbox::session
