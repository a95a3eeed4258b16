#include "metrics/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pillarbox::metrics {
namespace {

constexpr std::array<std::string_view, 4> kProtocols = {"imap", "pop3", "lmtp", "other"};

std::size_t protocol_index(std::string_view protocol) {
  for (std::size_t i = 0; i + 1 < kProtocols.size(); ++i) {
    if (kProtocols[i] == protocol) return i;
  }
  return kProtocols.size() - 1;
}

// One counter per protocol of the family `name`, made together on first use.
using PerProtocol = std::array<Counter*, kProtocols.size()>;
PerProtocol make_per_protocol(std::string_view name, std::string_view help) {
  PerProtocol out{};
  for (std::size_t i = 0; i < kProtocols.size(); ++i)
    out[i] = &registry().counter(name, help, {{"protocol", std::string(kProtocols[i])}});
  return out;
}

// Prometheus text format 0.0.4: label values escape backslash, double quote and line feed.
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string label_text(const Labels& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format("{}=\"{}\"", name, escape_label(value));
  }
  if (!extra_name.empty()) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format("{}=\"{}\"", extra_name, extra_value);
  }
  out.push_back('}');
  return out;
}

// Go's strconv.FormatFloat(f, 'g', -1, 64) style, which Prometheus clients use for bounds.
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(std::chrono::nanoseconds duration) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(0, duration.count());
  const double seconds = static_cast<double>(ns) / 1e9;
  // The first bucket whose upper bound holds the value ("le": less than or equal).
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

std::uint64_t Histogram::count() const noexcept {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

Registry::Series& Registry::find_or_add(std::string_view name, std::string_view help, const Labels& labels,
                                        bool histogram, std::span<const double> bounds) {
  std::lock_guard lock(mutex_);
  auto family = std::find_if(families_.begin(), families_.end(), [&](const Family& f) { return f.name == name; });
  if (family == families_.end()) {
    families_.push_back(Family{std::string(name), std::string(help), histogram, {}});
    family = std::prev(families_.end());
  } else if (family->histogram != histogram) {
    throw std::logic_error(fmt::format("metric {} is already a {}", name, family->histogram ? "histogram" : "counter"));
  }
  for (auto& s : family->series) {
    if (s.labels == labels) return s;
  }
  Series s;
  s.labels = labels;
  if (histogram) s.histogram = std::make_unique<Histogram>(bounds);
  else s.counter = std::make_unique<Counter>();
  family->series.push_back(std::move(s));
  return family->series.back();
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return *find_or_add(name, help, labels, false, {}).counter;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               std::span<const double> bounds) {
  return *find_or_add(name, help, labels, true, bounds).histogram;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, f.help, f.name, f.histogram ? "histogram" : "counter");
    for (const auto& s : f.series) {
      if (s.counter) {
        out += fmt::format("{}{} {}\n", f.name, label_text(s.labels), s.counter->value());
        continue;
      }
      const auto snap = s.histogram->snapshot();
      if (snap.count == 0) continue;
      for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
        const double le = i < snap.bounds.size() ? snap.bounds[i] : INFINITY;
        out += fmt::format("{}_bucket{} {}\n", f.name, label_text(s.labels, "le", number(le)), snap.cumulative[i]);
      }
      out += fmt::format("{}_sum{} {}\n", f.name, label_text(s.labels), number(snap.sum));
      out += fmt::format("{}_count{} {}\n", f.name, label_text(s.labels), snap.count);
    }
  }
  return out;
}

Registry& registry() {
  static Registry r;
  return r;
}

CommandMetrics::CommandMetrics(std::string_view protocol, std::span<const std::string> names, Registry& r) {
  auto make = [&](const std::string& name) {
    const Labels labels{{"protocol", std::string(protocol)}, {"command", name}};
    return Series{{},
                  &r.counter("pillarbox_commands_total", "Commands received, by protocol and command name.", labels),
                  &r.histogram("pillarbox_command_duration_seconds",
                               "Time from a command's line read to its reply queued, in seconds.", labels),
                  &r.histogram("pillarbox_store_duration_seconds",
                               "Time of each blocking store call made by a command, on a store thread, in seconds.",
                               labels)};
  };
  for (const auto& n : names) {
    if (n != "other") by_name_.emplace_back(n, make(n));
  }
  std::sort(by_name_.begin(), by_name_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  by_name_.erase(std::unique(by_name_.begin(), by_name_.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 by_name_.end());
  for (auto& [name, series] : by_name_) series.name = name;   // by_name_ no longer moves
  other_ = make("other");
  other_.name = "other";
}

const CommandMetrics::Series& CommandMetrics::find(std::string_view name) const {
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it != by_name_.end() && it->first == name) return it->second;
  return other_;
}

Traffic::Traffic(std::string_view protocol) {
  static const PerProtocol in = make_per_protocol("pillarbox_received_bytes_total", "Protocol bytes read from clients (after TLS and decompression).");
  static const PerProtocol out = make_per_protocol("pillarbox_sent_bytes_total", "Protocol bytes written to clients (before compression and TLS).");
  const std::size_t i = protocol_index(protocol);
  in_ = in[i];
  out_ = out[i];
}

std::int64_t Traffic::duration_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(watch_.elapsed()).count();
}

namespace {

using LoginTable = std::array<std::array<Counter*, kLoginResults.size()>, kProtocols.size()>;
const LoginTable& login_table() {
  using Table = LoginTable;
  static const Table table = [] {
    Table t{};
    for (std::size_t p = 0; p < kProtocols.size(); ++p) {
      // LMTP has no login; its row exists only so every index is valid.
      for (std::size_t r = 0; r < kLoginResults.size(); ++r)
        t[p][r] = &registry().counter("pillarbox_logins_total", "Login attempts by protocol and result.",
                                      {{"protocol", std::string(kProtocols[p])}, {"result", std::string(kLoginResults[r])}});
    }
    return t;
  }();
  return table;
}

using DeliveryTable = std::array<Counter*, kDeliveryResults.size()>;
const DeliveryTable& delivery_table() {
  static const DeliveryTable table = [] {
    DeliveryTable t{};
    for (std::size_t i = 0; i < kDeliveryResults.size(); ++i)
      t[i] = &registry().counter("pillarbox_deliveries_total", "LMTP recipients by delivery result.",
                                 {{"result", std::string(kDeliveryResults[i])}});
    return t;
  }();
  return table;
}

}  // namespace

void count_login(std::string_view protocol, std::string_view result) {
  const LoginTable& table = login_table();
  std::size_t r = kLoginResults.size() - 1;
  for (std::size_t i = 0; i < kLoginResults.size(); ++i) {
    if (kLoginResults[i] == result) r = i;
  }
  table[protocol_index(protocol)][r]->add();
}

void count_delivery(std::string_view result) {
  const DeliveryTable& table = delivery_table();
  std::size_t r = kDeliveryResults.size() - 1;
  for (std::size_t i = 0; i < kDeliveryResults.size(); ++i) {
    if (kDeliveryResults[i] == result) r = i;
  }
  table[r]->add();
}

Counter& store_errors(std::string_view protocol) {
  static const PerProtocol c = make_per_protocol("pillarbox_store_errors_total",
                                                 "Store calls of sessions that failed for the server's reasons.");
  return *c[protocol_index(protocol)];
}

Counter& tls_failures(std::string_view protocol) {
  static const PerProtocol c = make_per_protocol("pillarbox_tls_failures_total", "TLS handshakes that failed.");
  return *c[protocol_index(protocol)];
}

Counter& protocol_log_bytes() {
  static Counter& c = registry().counter("pillarbox_protocol_log_bytes_total",
                                         "Bytes written to protocol-log transcript files.");
  return c;
}

Counter& password_verifications(bool remembered) {
  static constexpr std::string_view kHelp = "Passwords found correct: hash computed again, or remembered.";
  static Counter& computed = registry().counter("pillarbox_password_verifications_total", kHelp, {{"how", "computed"}});
  static Counter& cached = registry().counter("pillarbox_password_verifications_total", kHelp, {{"how", "remembered"}});
  return remembered ? cached : computed;
}

void make_server_series() {
  Traffic traffic("imap");
  login_table();
  delivery_table();
  store_errors("imap");
  tls_failures("imap");
  protocol_log_bytes();
  password_verifications(false);
}

}  // namespace pillarbox::metrics
