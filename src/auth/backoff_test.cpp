#include "auth/backoff.h"

#include <gtest/gtest.h>

namespace pillarbox::auth {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

FailureBackoff::Policy policy() {
  FailureBackoff::Policy p;
  p.first = 100ms;
  p.max = 1000ms;
  p.window = 60s;
  p.max_addresses = 3;
  return p;
}

TEST(FailureBackoff, DoublesUpToTheCap) {
  FailureBackoff b(policy());
  const auto t = FailureBackoff::Clock::now();
  EXPECT_EQ(b.failed("192.0.2.1", t), ms(100));
  EXPECT_EQ(b.failed("192.0.2.1", t + 1s), ms(200));
  EXPECT_EQ(b.failed("192.0.2.1", t + 2s), ms(400));
  EXPECT_EQ(b.failed("192.0.2.1", t + 3s), ms(800));
  EXPECT_EQ(b.failed("192.0.2.1", t + 4s), ms(1000));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.failed("192.0.2.1", t + 5s), ms(1000));
}

TEST(FailureBackoff, AddressesAreSeparate) {
  FailureBackoff b(policy());
  const auto t = FailureBackoff::Clock::now();
  b.failed("192.0.2.1", t);
  b.failed("192.0.2.1", t);
  EXPECT_EQ(b.failed("192.0.2.2", t), ms(100));
}

TEST(FailureBackoff, SuccessAndTimeForget) {
  FailureBackoff b(policy());
  const auto t = FailureBackoff::Clock::now();
  b.failed("192.0.2.1", t);
  b.failed("192.0.2.1", t);
  b.succeeded("192.0.2.1");
  EXPECT_EQ(b.failed("192.0.2.1", t), ms(100));
  EXPECT_EQ(b.failed("192.0.2.1", t + 1s), ms(200));
  // A failure after a quiet window starts again from the first delay.
  EXPECT_EQ(b.failed("192.0.2.1", t + 1s + 61s), ms(100));
}

TEST(FailureBackoff, MemoryIsBounded) {
  FailureBackoff b(policy());
  const auto t = FailureBackoff::Clock::now();
  for (int i = 0; i < 1000; ++i) {
    b.failed("198.51.100." + std::to_string(i), t);
    EXPECT_LE(b.size(), 3u);
  }
}

}  // namespace
}  // namespace pillarbox::auth
