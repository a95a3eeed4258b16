#include "store/change_bus.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace pillarbox::store {
namespace {

using namespace std::chrono_literals;

TEST(ChangeBus, PublishReachesListenersOfThatMailboxOnly) {
  ChangeBus bus;
  int a = 0, b = 0;
  auto sa = bus.subscribe(1, [&] { ++a; });
  auto sb = bus.subscribe(2, [&] { ++b; });
  bus.publish(1);
  bus.publish(1);
  bus.publish(3);
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(bus.listener_count(1), 1u);
  sa.reset();
  EXPECT_EQ(bus.listener_count(1), 0u);
  bus.publish(1);
  EXPECT_EQ(a, 2);
}

TEST(ChangeBus, PublishAllWakesEveryMailboxWithListenersOnce) {
  ChangeBus bus;
  int a = 0, b = 0;
  auto sa = bus.subscribe(1, [&] { ++a; });
  auto sb = bus.subscribe(2, [&] { ++b; });
  auto gone = bus.subscribe(3, [] {});
  gone.reset();
  bus.publish_all();
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

TEST(ChangeBus, ListenerMayDropItsOwnSubscriptionAndSubscribeAgain) {
  ChangeBus bus;
  std::unique_ptr<Subscription> self;
  std::unique_ptr<Subscription> other;
  int calls = 0;
  self = bus.subscribe(7, [&] {
    ++calls;
    self.reset();  // same thread: must not deadlock
    other = bus.subscribe(8, [] {});
  });
  bus.publish(7);
  bus.publish(7);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bus.listener_count(8), 1u);
}

TEST(ChangeBus, DestructionWaitsForARunningListener) {
  ChangeBus bus;
  std::atomic<bool> inside{false};
  std::atomic<bool> finished{false};
  auto sub = bus.subscribe(1, [&] {
    inside = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  std::thread publisher([&] { bus.publish(1); });
  while (!inside) std::this_thread::yield();
  sub.reset();  // must wait for the call in progress
  EXPECT_TRUE(finished.load());
  publisher.join();
}

TEST(ChangeBus, SubscriptionMayOutliveTheBus) {
  auto bus = std::make_unique<ChangeBus>();
  auto sub = bus->subscribe(1, [] {});
  bus.reset();
  sub.reset();  // no crash
}

TEST(ChangeBus, ThrowingListenerDoesNotStopOthers) {
  ChangeBus bus;
  int ok = 0;
  auto s1 = bus.subscribe(1, [] { throw std::runtime_error("bug"); });
  auto s2 = bus.subscribe(1, [&] { ++ok; });
  bus.publish(1);
  EXPECT_EQ(ok, 1);
}

TEST(ChangeBus, ConcurrentSubscribeUnsubscribePublish) {
  ChangeBus bus;
  std::atomic<bool> stop{false};
  std::atomic<long> calls{0};
  std::thread pub([&] {
    while (!stop) bus.publish(1);
  });
  for (int i = 0; i < 2000; ++i) {
    auto s = bus.subscribe(1, [&] { ++calls; });
  }
  stop = true;
  pub.join();
  EXPECT_EQ(bus.listener_count(1), 0u);
}

}  // namespace
}  // namespace pillarbox::store
