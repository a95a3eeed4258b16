// The autologout timer every protocol session runs (RFC 9051 §5.4, RFC 1939 §3, RFC 5321
// §4.5.3.2): a deadline that each command pushes back; when it passes, the session is told once.
// Two limits that activity cannot push back sit on top of it (docs/configuration.md "Limits"):
// the login deadline (a client must log in within login_timeout_seconds of connecting, however
// busy it keeps the connection) and the command deadline (a command must arrive within
// command_timeout_seconds of its first octet, plus time for its size), so a client sending a
// byte a second cannot hold a connection for ever.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <algorithm>
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

  /// The limits touch() cannot push the deadline past.
  enum class Limit { login, command };

  /// Sets the deadline `seconds` from now (call it after every command), but never past a
  /// limit that is set.
  void touch(std::uint32_t seconds) {
    if (expired_) return;   // too late: the session is on its way out
    last_seconds_ = seconds;
    const auto idle = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    const auto cap = limit();
    const auto next = std::min(idle, cap);
    const bool earlier = next < deadline_;
    deadline_ = next;
    cause_ = idle <= cap ? Cause::idle : limits_[0] <= limits_[1] ? Cause::login : Cause::command;
    // The wait in run() sleeps until the old deadline; a shorter timeout (the idle timeout
    // after login may be shorter than the login timeout) wakes it to wait for the new one.
    if (earlier) timer_.cancel();
  }
  /// Sets (or moves) a limit: from now on the deadline is never later than `when`. Time spent
  /// in Holds (the server's, not the client's) moves every limit later by as much.
  void set_limit(Limit which, std::chrono::steady_clock::time_point when) {
    limits_[index(which)] = when;
    if (expired_ || when >= deadline_) return;
    deadline_ = when;
    cause_ = which == Limit::login ? Cause::login : Cause::command;
    timer_.cancel();
  }
  /// Removes a limit (logged in; the command arrived). The deadline stays where it is until
  /// the next touch().
  void clear_limit(Limit which) { limits_[index(which)] = kNever; }
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
  /// What set the deadline: silence, the login limit or the command limit (for the goodbye).
  enum class Cause { idle, login, command };
  Cause cause() const { return cause_; }

  /// While a Hold exists the session is waiting for the server, not the client (a login queued
  /// behind a storm of others on the hash pool, a store call, an LMTP delivery), so the deadline
  /// cannot pass; when the last Hold ends the clock starts again with the timeout last given to
  /// touch(). Waiting for the client (a read, a write it does not take) is never held.
  class Hold {
   public:
    explicit Hold(IdleTimer& t) : timer_(t) {
      if (timer_.held_++ == 0) timer_.held_since_ = std::chrono::steady_clock::now();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() {
      if (--timer_.held_ == 0) {
        const auto held_for = std::chrono::steady_clock::now() - timer_.held_since_;
        for (auto& l : timer_.limits_)
          if (l != kNever) l += held_for;
        timer_.touch(timer_.last_seconds_);
      }
    }

   private:
    IdleTimer& timer_;
  };


 private:
  static constexpr auto kNever = std::chrono::steady_clock::time_point::max();
  static constexpr std::size_t index(Limit l) { return static_cast<std::size_t>(l); }
  std::chrono::steady_clock::time_point limit() const { return std::min(limits_[0], limits_[1]); }

  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point limits_[2] = {kNever, kNever};
  std::chrono::steady_clock::time_point held_since_{};
  bool stopped_ = false;
  bool expired_ = false;
  Cause cause_ = Cause::idle;
  unsigned held_ = 0;
  std::uint32_t last_seconds_ = 60;
};

/// The command deadline (IdleTimer::Limit::command) of one session: from the first octet of a
/// command, the command must be complete within `timeout_seconds` plus one second for every
/// `octets_per_second` octets of it received, so a large APPEND or DATA on a slow link has the
/// time it needs and a client trickling one octet a second does not (docs/configuration.md
/// "Limits": command_timeout_seconds, min_command_octets_per_second).
class CommandClock {
 public:
  CommandClock(IdleTimer& idle, std::uint32_t timeout_seconds, std::uint64_t octets_per_second)
      : idle_(idle), timeout_(timeout_seconds), rate_(octets_per_second == 0 ? 1 : octets_per_second) {}

  /// After the session fed what it read to its framer: `in_command` is whether a command has
  /// begun and not ended, `octets` how many octets that read brought.
  void progress(bool in_command, std::size_t octets) {
    if (!in_command) {
      if (running_) idle_.clear_limit(IdleTimer::Limit::command);
      running_ = false;
      return;
    }
    if (!running_) {
      running_ = true;
      started_ = std::chrono::steady_clock::now();
      octets_ = 0;
    }
    octets_ += octets;
    idle_.set_limit(IdleTimer::Limit::command,
                    started_ + std::chrono::seconds(timeout_) + std::chrono::seconds(octets_ / rate_));
  }

 private:
  IdleTimer& idle_;
  std::uint32_t timeout_;
  std::uint64_t rate_;
  bool running_ = false;
  std::chrono::steady_clock::time_point started_{};
  std::uint64_t octets_ = 0;
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
