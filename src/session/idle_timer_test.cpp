#include "session/idle_timer.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

namespace pillarbox::session {
namespace {

// Runs `timer` with a long first deadline that `shorten` replaces by a short one; reports
// whether it expired before a 20-second guard (the test never measures time itself).
struct Harness {
  asio::io_context io;
  IdleTimer timer{io.get_executor()};
  asio::steady_timer guard{io, std::chrono::seconds(20)};
  int expiries = 0;
  int overdue = 0;

  void run() {
    std::function<void()> on_expiry = [this] { ++expiries; };
    std::function<void()> on_overdue = [this] {
      ++overdue;
      guard.cancel();
    };
    asio::co_spawn(io, timer.run(std::move(on_expiry), std::move(on_overdue)), asio::detached);
    guard.async_wait([this](std::error_code) {
      timer.stop();
      io.stop();
    });
    io.run();
  }
};

TEST(IdleTimer, AShorterTimeoutTakesEffectAtOnce) {
  Harness h;
  h.timer.touch(3600);   // e.g. a login timeout
  h.timer.touch(1);      // then a shorter idle timeout after login
  h.run();
  EXPECT_TRUE(h.timer.expired());
  EXPECT_EQ(h.expiries, 1);
  // Nobody stopped the timer after expiry, so the session is closed outright after the grace.
  EXPECT_EQ(h.overdue, 1);
}

TEST(IdleTimer, AHoldKeepsTheDeadlineFromPassing) {
  Harness h;
  h.timer.touch(1);
  auto hold = std::make_unique<IdleTimer::Hold>(h.timer);
  asio::steady_timer release(h.io, std::chrono::seconds(3));
  int expiries_while_held = -1;
  release.async_wait([&](std::error_code) {
    expiries_while_held = h.expiries;
    hold.reset();   // the server's work is done: the clock starts again from now
  });
  h.run();
  EXPECT_EQ(expiries_while_held, 0);
  EXPECT_EQ(h.expiries, 1);
}

TEST(IdleTimer, SetDeadlineTakesBackTheRestartOfAHold) {
  // IDLE: a store call during the wait (a sync) must not push the autologout back.
  Harness h;
  h.timer.touch(3600);
  const auto first = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  h.timer.set_deadline(first);
  asio::steady_timer work(h.io, std::chrono::milliseconds(10));
  work.async_wait([&](std::error_code) {
    const auto kept = h.timer.deadline();
    { IdleTimer::Hold hold(h.timer); }   // the Hold's end restarts the clock for 3600 s
    EXPECT_GT(h.timer.deadline(), kept + std::chrono::seconds(60));
    h.timer.set_deadline(kept);
  });
  h.run();
  EXPECT_TRUE(h.timer.expired());
  EXPECT_EQ(h.expiries, 1);
}

TEST(IdleTimer, SetDeadlineAfterExpiryChangesNothing) {
  Harness h;
  h.timer.touch(1);
  h.run();
  ASSERT_TRUE(h.timer.expired());
  const auto at = h.timer.deadline();
  h.timer.set_deadline(at + std::chrono::seconds(100));
  EXPECT_EQ(h.timer.deadline(), at);
}

// Slow senders: activity pushes the idle deadline back, but never past a limit.
TEST(IdleTimer, TouchesDoNotPushPastTheLoginLimit) {
  Harness h;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  h.timer.set_limit(IdleTimer::Limit::login, limit);
  h.timer.touch(3600);
  EXPECT_LE(h.timer.deadline(), limit);
  // A client busy every 100 ms (a NOOP, a byte) is still logged out at the limit.
  asio::steady_timer busy(h.io);
  std::function<void(std::error_code)> again = [&](std::error_code) {
    if (h.timer.expired()) return;
    h.timer.touch(3600);
    busy.expires_after(std::chrono::milliseconds(100));
    busy.async_wait(again);
  };
  again({});
  h.run();
  EXPECT_EQ(h.expiries, 1);
}

TEST(IdleTimer, ClearingTheLimitLetsTouchesWorkAgain) {
  Harness h;
  h.timer.set_limit(IdleTimer::Limit::login, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  h.timer.clear_limit(IdleTimer::Limit::login);   // logged in
  h.timer.touch(3600);
  EXPECT_GT(h.timer.deadline(), std::chrono::steady_clock::now() + std::chrono::seconds(3000));
}

TEST(IdleTimer, AHoldMovesTheLimitsLaterByItsLength) {
  // A login waiting for its hash thread: the server's time, not the client's.
  Harness h;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  h.timer.set_limit(IdleTimer::Limit::login, limit);
  h.timer.touch(3600);
  asio::steady_timer work(h.io, std::chrono::milliseconds(10));
  work.async_wait([&](std::error_code) {
    IdleTimer::Hold hold(h.timer);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  h.run();
  EXPECT_EQ(h.expiries, 1);
  EXPECT_GE(h.timer.deadline(), limit + std::chrono::milliseconds(300));
}

TEST(CommandClock, ACommandMustArriveInTimePlusTimeForItsSize) {
  asio::io_context io;
  IdleTimer timer{io.get_executor()};
  timer.touch(3600);
  CommandClock clock(timer, 10, 1000);
  const auto before = std::chrono::steady_clock::now();
  clock.progress(true, 10);   // a command began
  EXPECT_LE(timer.deadline(), before + std::chrono::seconds(11));
  EXPECT_GE(timer.deadline(), before + std::chrono::seconds(9));
  clock.progress(true, 50'000);   // 50 kB of literal: 50 s more
  timer.touch(3600);              // the session touches after each read: capped by the limit
  EXPECT_GE(timer.deadline(), before + std::chrono::seconds(59));
  EXPECT_LE(timer.deadline(), before + std::chrono::seconds(61));
  clock.progress(false, 5);       // complete: only the idle timeout applies again
  timer.touch(3600);
  EXPECT_GT(timer.deadline(), before + std::chrono::seconds(3000));
  // The next command starts its own clock.
  const auto next = std::chrono::steady_clock::now();
  clock.progress(true, 1);
  EXPECT_LE(timer.deadline(), next + std::chrono::seconds(11));
}

TEST(IdleTimer, StopEndsTheWaitWithoutExpiry) {
  Harness h;
  h.timer.touch(3600);
  asio::steady_timer stopper(h.io, std::chrono::milliseconds(10));
  stopper.async_wait([&](std::error_code) {
    h.timer.stop();
    h.guard.cancel();
  });
  h.run();
  EXPECT_FALSE(h.timer.expired());
  EXPECT_EQ(h.expiries, 0);
}

}  // namespace
}  // namespace pillarbox::session
