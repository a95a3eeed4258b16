#include "session/registry.h"

#include <gtest/gtest.h>

#include <vector>

namespace pillarbox::session {
namespace {

struct Fake : Closeable {
  std::vector<EndReason> asked;
  void request_shutdown(EndReason r) override { asked.push_back(r); }
};

SessionInfo info(std::string ip, Protocol p = Protocol::imap) {
  SessionInfo i;
  i.id = "s";
  i.protocol = p;
  i.remote = std::move(ip);
  return i;
}

ConnectionLimits limits(std::uint32_t max, Counting c, std::uint32_t per_user = 20, std::uint32_t per_ip = 100) {
  ConnectionLimits l;
  l.max_connections = max;
  l.max_connections_per_user = per_user;
  l.max_connections_per_ip = per_ip;
  l.counting = c;
  return l;
}

// Seed 000: 10 connections per server; 5 people with 2 sessions each fill it.
TEST(Registry, PerConnectionCountingRefusesTheEleventhSessionAtConnect) {
  Registry r(limits(10, Counting::per_connection));
  auto fake = std::make_shared<Fake>();
  std::vector<std::unique_ptr<Registry::Registration>> held;
  for (int person = 0; person < 5; ++person) {
    for (int session = 0; session < 2; ++session) {
      auto a = r.admit(fake, info("10.0.0." + std::to_string(person)));
      ASSERT_EQ(a.refusal, Refusal::none);
      EXPECT_EQ(a.registration->log_in("p" + std::to_string(person) + "@x"), Refusal::none);
      held.push_back(std::move(a.registration));
    }
  }
  auto eleventh = r.admit(fake, info("10.0.0.9"));
  EXPECT_EQ(eleventh.refusal, Refusal::server_full);
  EXPECT_EQ(eleventh.registration, nullptr);
  EXPECT_EQ(r.usage().in_use, 10u);
  held.pop_back();   // one ends: its place is free again
  EXPECT_EQ(r.admit(fake, info("10.0.0.9")).refusal, Refusal::none);
}

// Seed 000's remedy: per-user counting seats 10 people with 3 sessions each; the 11th person
// is refused at login while a seated person may still open more.
TEST(Registry, PerUserCountingSeatsPeopleNotConnections) {
  Registry r(limits(10, Counting::per_user));
  auto fake = std::make_shared<Fake>();
  std::vector<std::unique_ptr<Registry::Registration>> held;
  for (int person = 0; person < 10; ++person) {
    for (int session = 0; session < 3; ++session) {
      auto a = r.admit(fake, info("10.0.0.1"));
      ASSERT_EQ(a.refusal, Refusal::none);
      ASSERT_EQ(a.registration->log_in("p" + std::to_string(person) + "@x"), Refusal::none);
      held.push_back(std::move(a.registration));
    }
  }
  EXPECT_EQ(r.usage().in_use, 10u);
  EXPECT_EQ(r.usage().counted_sessions, 30u);
  auto stranger = r.admit(fake, info("10.0.0.2"));
  ASSERT_EQ(stranger.refusal, Refusal::none);   // connecting is free; the seat is taken at login
  EXPECT_EQ(stranger.registration->log_in("p10@x"), Refusal::seats_full);
  auto fourth = r.admit(fake, info("10.0.0.1"));
  EXPECT_EQ(fourth.registration->log_in("p0@x"), Refusal::none);
  // When all three of p3's sessions end, the seat is free for the stranger.
  held.erase(held.begin() + 9, held.begin() + 12);
  EXPECT_EQ(stranger.registration->log_in("p10@x"), Refusal::none);
  EXPECT_EQ(r.usage().accounts, 10u);
}

TEST(Registry, PerUserLimitHoldsInBothModes) {
  for (auto mode : {Counting::per_connection, Counting::per_user}) {
    Registry r(limits(100, mode, 2));
    auto fake = std::make_shared<Fake>();
    auto a = r.admit(fake, info("1.1.1.1"));
    auto b = r.admit(fake, info("1.1.1.1", Protocol::pop3));
    auto c = r.admit(fake, info("1.1.1.1"));
    EXPECT_EQ(a.registration->log_in("u@x"), Refusal::none);
    EXPECT_EQ(b.registration->log_in("u@x"), Refusal::none);
    EXPECT_EQ(c.registration->log_in("u@x"), Refusal::user_full);
    EXPECT_EQ(r.usage().logged_in, 2u);
    b.registration->log_out();
    EXPECT_EQ(c.registration->log_in("u@x"), Refusal::none);
  }
}

TEST(Registry, PerIpLimitAndLmtpIsNotCounted) {
  Registry r(limits(3, Counting::per_connection, 20, 2));
  auto fake = std::make_shared<Fake>();
  auto a = r.admit(fake, info("1.1.1.1"));
  auto b = r.admit(fake, info("1.1.1.1"));
  EXPECT_EQ(r.admit(fake, info("1.1.1.1")).refusal, Refusal::ip_full);
  auto lmtp = r.admit(fake, info("1.1.1.1", Protocol::lmtp));
  EXPECT_EQ(lmtp.refusal, Refusal::none);
  auto c = r.admit(fake, info("2.2.2.2"));
  EXPECT_EQ(c.refusal, Refusal::none);
  EXPECT_EQ(r.admit(fake, info("3.3.3.3")).refusal, Refusal::server_full);
  EXPECT_EQ(r.size(), 4u);
  EXPECT_EQ(r.usage().counted_sessions, 3u);
  const Usage u = r.usage();
  EXPECT_EQ(u.refused[static_cast<int>(Refusal::ip_full)], 1u);
  EXPECT_EQ(u.refused[static_cast<int>(Refusal::server_full)], 1u);
  EXPECT_EQ(u.by_protocol[static_cast<int>(Protocol::imap)], 3u);
  EXPECT_EQ(u.by_protocol[static_cast<int>(Protocol::lmtp)], 1u);
}

TEST(Registry, CountsReturnToZeroAndKickNamesOnlyTheAccount) {
  Registry r(limits(10, Counting::per_user));
  auto alice = std::make_shared<Fake>();
  auto bob = std::make_shared<Fake>();
  {
    auto a1 = r.admit(alice, info("1.1.1.1"));
    auto a2 = r.admit(alice, info("1.1.1.1", Protocol::pop3));
    auto b1 = r.admit(bob, info("1.1.1.2"));
    a1.registration->log_in("alice@x");
    a2.registration->log_in("alice@x");
    b1.registration->log_in("bob@x");
    EXPECT_EQ(r.kick("alice@x"), 2u);
    EXPECT_EQ(alice->asked, (std::vector<EndReason>{EndReason::kicked, EndReason::kicked}));
    EXPECT_TRUE(bob->asked.empty());
    a1.registration->set_state("selected", "INBOX");
    auto snap = r.snapshot();
    ASSERT_EQ(snap.size(), 3u);
    EXPECT_EQ(snap[0].mailbox, "INBOX");
    EXPECT_EQ(snap[1].protocol, Protocol::pop3);
    EXPECT_FALSE(r.admit(bob, info("1.1.1.3")).stopping);
    r.shutdown_all();
    EXPECT_EQ(bob->asked, std::vector<EndReason>{EndReason::shutdown});
    EXPECT_TRUE(r.admit(bob, info("1.1.1.3")).stopping);   // too late to be asked: told at admission
  }
  Usage u = r.usage();
  EXPECT_EQ(u.sessions, 0u);
  EXPECT_EQ(u.counted_sessions, 0u);
  EXPECT_EQ(u.logged_in, 0u);
  EXPECT_EQ(u.accounts, 0u);
  EXPECT_EQ(u.in_use, 0u);
}

TEST(Registry, RefusalTextNamesTheLimit) {
  auto l = limits(10, Counting::per_user, 3, 7);
  EXPECT_EQ(refusal_text(Refusal::seats_full, l), "All 10 seats are in use; try again later");
  EXPECT_NE(refusal_text(Refusal::user_full, l).find("limit 3"), std::string::npos);
  EXPECT_NE(refusal_text(Refusal::ip_full, l).find("limit 7"), std::string::npos);
}

}  // namespace
}  // namespace pillarbox::session
