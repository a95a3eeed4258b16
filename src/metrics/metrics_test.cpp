#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace pillarbox::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Histogram, BucketsAreCumulativeAndCountIsTheInfBucket) {
  const double bounds[] = {0.001, 0.01, 0.1};
  Histogram h(bounds);
  h.observe(500us);    // <= 0.001
  h.observe(1ms);      // == 0.001: "le" includes the bound
  h.observe(5ms);      // <= 0.01
  h.observe(2s);       // +Inf only
  h.observe(-5ms);     // counts as 0
  const auto s = h.snapshot();
  ASSERT_EQ(s.cumulative.size(), 4u);
  EXPECT_EQ(s.cumulative[0], 3u);
  EXPECT_EQ(s.cumulative[1], 4u);
  EXPECT_EQ(s.cumulative[2], 4u);
  EXPECT_EQ(s.cumulative[3], 5u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_NEAR(s.sum, 2.0065, 1e-9);
}

TEST(Histogram, ManyThreadsLoseNothing) {
  Histogram h;
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        h.observe(std::chrono::microseconds(i));
        c.add();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_EQ(c.value(), 40000u);
}

TEST(Registry, SameNameAndLabelsGiveTheSameSeries) {
  Registry r;
  Counter& a = r.counter("x_total", "X.", {{"k", "1"}});
  Counter& b = r.counter("x_total", "ignored", {{"k", "1"}});
  Counter& c = r.counter("x_total", "X.", {{"k", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_THROW(r.histogram("x_total", "X."), std::logic_error);
}

TEST(Registry, RendersTheTextFormat) {
  Registry r;
  r.counter("a_total", "Things.", {{"protocol", "imap"}, {"result", "quote\"back\\slash\nline"}}).add(3);
  r.counter("b_total", "Plain.").add();
  const double bounds[] = {0.01, 1};
  r.histogram("lat_seconds", "Latency.", {{"command", "FETCH"}}, bounds).observe(20ms);
  r.histogram("lat_seconds", "Latency.", {{"command", "NOOP"}}, bounds);   // never observed: left out
  EXPECT_EQ(r.render(),
            "# HELP a_total Things.\n# TYPE a_total counter\n"
            "a_total{protocol=\"imap\",result=\"quote\\\"back\\\\slash\\nline\"} 3\n"
            "# HELP b_total Plain.\n# TYPE b_total counter\nb_total 1\n"
            "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{command=\"FETCH\",le=\"0.01\"} 0\n"
            "lat_seconds_bucket{command=\"FETCH\",le=\"1\"} 1\n"
            "lat_seconds_bucket{command=\"FETCH\",le=\"+Inf\"} 1\n"
            "lat_seconds_sum{command=\"FETCH\"} 0.02\n"
            "lat_seconds_count{command=\"FETCH\"} 1\n");
}

TEST(CommandMetrics, UnknownNamesAreOther) {
  Registry r;
  const std::vector<std::string> names = {"SELECT", "FETCH", "UID FETCH", "FETCH"};
  CommandMetrics m("imap", names, r);
  EXPECT_NE(m.find("FETCH").count, m.find("UID FETCH").count);
  EXPECT_EQ(m.find("XYZZY").count, m.find("other").count);
  EXPECT_EQ(m.find("fetch").count, m.find("other").count);   // callers upper-case first
  {
    CommandTimer t(m.find("other"));
    t.name(m.find("SELECT"));
  }
  EXPECT_EQ(m.find("SELECT").count->value(), 1u);
  EXPECT_EQ(m.find("SELECT").duration->count(), 1u);
  EXPECT_EQ(m.find("other").count->value(), 0u);
  const std::string text = r.render();
  EXPECT_NE(text.find("pillarbox_commands_total{protocol=\"imap\",command=\"UID FETCH\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("pillarbox_commands_total{protocol=\"imap\",command=\"other\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("pillarbox_command_duration_seconds_count{protocol=\"imap\",command=\"SELECT\"} 1\n"),
            std::string::npos);
}

TEST(ServerSeries, LoginsDeliveriesAndTrafficCount) {
  make_server_series();
  auto value = [](const std::string& series) -> long {
    const std::string text = registry().render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stol(text.substr(at + series.size() + 2));
  };
  const std::string ok = "pillarbox_logins_total{protocol=\"pop3\",result=\"success\"}";
  const std::string odd = "pillarbox_logins_total{protocol=\"pop3\",result=\"other\"}";
  const long ok0 = value(ok), odd0 = value(odd);
  ASSERT_GE(ok0, 0);
  count_login("pop3", "success");
  count_login("pop3", "made up");
  EXPECT_EQ(value(ok), ok0 + 1);
  EXPECT_EQ(value(odd), odd0 + 1);

  const std::string delivered = "pillarbox_deliveries_total{result=\"delivered\"}";
  const long d0 = value(delivered);
  count_delivery("delivered");
  EXPECT_EQ(value(delivered), d0 + 1);

  const std::string in = "pillarbox_received_bytes_total{protocol=\"lmtp\"}";
  const long in0 = value(in);
  Traffic t("lmtp");
  t.received(10);
  t.received(5);
  t.sent(7);
  EXPECT_EQ(t.bytes_in(), 15u);
  EXPECT_EQ(t.bytes_out(), 7u);
  EXPECT_EQ(value(in), in0 + 15);
  // Octets taken back (COMPRESS: compressed data read with the command) leave bytes_in() at
  // once and the shared counter over the next reads, which never makes it go down.
  t.unreceived(4);
  EXPECT_EQ(t.bytes_in(), 11u);
  EXPECT_EQ(value(in), in0 + 15);
  t.received(3);
  EXPECT_EQ(t.bytes_in(), 14u);
  EXPECT_EQ(value(in), in0 + 15);
  t.received(6);
  EXPECT_EQ(t.bytes_in(), 20u);
  EXPECT_EQ(value(in), in0 + 20);

  const long p0 = value("pillarbox_protocol_log_bytes_total");
  protocol_log_bytes().add(100);
  EXPECT_EQ(value("pillarbox_protocol_log_bytes_total"), p0 + 100);
}

}  // namespace
}  // namespace pillarbox::metrics
