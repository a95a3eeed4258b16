// Process-wide counters and latency histograms for the Prometheus endpoint (issue 6 item 7).
//
// Recording is lock-free: a Counter or Histogram is a few atomics, found once (at start, at
// session start, or through a table built once) and then updated with relaxed atomic adds. The
// Registry's mutex guards only the list of series, taken when a series is made and when
// /metrics is rendered. Label values come from fixed sets known up front (command tables,
// result names), so no client can create unbounded series: unknown names are counted as
// "other". The series that exist are listed in docs/configuration.md ("Metrics").
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pillarbox::metrics {

/// A monotonically increasing count. Thread-safe, lock-free.
class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// Upper bounds, in seconds, of the default latency buckets (0.5 ms to 10 s); +Inf is implicit.
inline constexpr std::array<double, 14> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};

/// A latency histogram in seconds (Prometheus convention). Thread-safe, lock-free.
class Histogram {
 public:
  /// `bounds`: ascending upper bounds in seconds, without +Inf.
  explicit Histogram(std::span<const double> bounds = kLatencyBuckets);

  /// Records one observation of `duration` (negative durations count as 0).
  void observe(std::chrono::nanoseconds duration) noexcept;

  struct Snapshot {
    std::vector<double> bounds;            ///< upper bounds in seconds, without +Inf
    std::vector<std::uint64_t> cumulative; ///< observations <= each bound, then the +Inf one
    std::uint64_t count = 0;               ///< == cumulative.back()
    double sum = 0;                        ///< seconds
  };
  /// The counts now. Taken bucket by bucket while others may record, so an observation made
  /// meanwhile may be in some buckets and not in `sum`; `count` always equals the +Inf bucket
  /// and the buckets are always cumulative.
  Snapshot snapshot() const;
  /// Observations so far.
  std::uint64_t count() const noexcept;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;   // per bucket, not cumulative; +Inf last
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// Label names and values of one series, in order, e.g. {{"protocol","imap"},{"command","FETCH"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// The series of one process, rendered in the Prometheus text format 0.0.4.
class Registry {
 public:
  /// The counter `name`{labels}, made on first use (later calls return the same one, whatever
  /// `help` says). The reference stays valid for the Registry's lifetime. Takes a lock: find a
  /// series once and keep the reference. Throws std::logic_error when `name` is already a
  /// histogram (a bug).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  /// The histogram `name`{labels} with `bounds`, as counter() does. A histogram series that has
  /// no observation yet is left out of render() (so a table of 50 commands costs nothing until
  /// used); counters are always shown.
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       std::span<const double> bounds = kLatencyBuckets);
  /// Every family in the order first made: "# HELP", "# TYPE", then its series, each line
  /// ending in "\n"; label values escaped (backslash, quote, newline).
  std::string render() const;

 private:
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    bool histogram = false;
    std::deque<Series> series;
  };
  Series& find_or_add(std::string_view name, std::string_view help, const Labels& labels, bool histogram,
                      std::span<const double> bounds);

  mutable std::mutex mutex_;
  std::deque<Family> families_;
};

/// The process-wide registry that the server's /metrics shows.
Registry& registry();

/// A steady clock started at construction.
class Stopwatch {
 public:
  std::chrono::nanoseconds elapsed() const { return std::chrono::steady_clock::now() - start_; }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// --- the server's series ----------------------------------------------------------------------

/// Commands of one protocol by name: pillarbox_commands_total{protocol,command},
/// pillarbox_command_duration_seconds{protocol,command} (from the command line read to its
/// reply queued), and pillarbox_store_duration_seconds{protocol,command}: the time each blocking
/// store call made while running that command took on a store thread (waiting for a free
/// thread not included). The set of names is fixed at construction; anything else is "other".
class CommandMetrics {
 public:
  struct Series {
    std::string_view name;   ///< the command label, valid as long as the CommandMetrics
    Counter* count;
    Histogram* duration;
    Histogram* store;
  };
  /// `names`: the protocol's command names as the session spells them after upper-casing
  /// (e.g. "FETCH", "UID FETCH"). Makes every series in `r` (the counters show as 0).
  CommandMetrics(std::string_view protocol, std::span<const std::string> names, Registry& r = registry());
  /// The series of `name` (exact, upper-case), or of "other". Lock-free.
  const Series& find(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, Series>> by_name_;   // sorted by name
  Series other_;
};

/// Counts one command of `series` and its duration when it goes out of scope (the command's
/// reply is queued); name() may choose the series after the command line was parsed.
class CommandTimer {
 public:
  explicit CommandTimer(const CommandMetrics::Series& series) : series_(&series) {}
  CommandTimer(const CommandTimer&) = delete;
  CommandTimer& operator=(const CommandTimer&) = delete;
  ~CommandTimer() {
    series_->count->add();
    series_->duration->observe(watch_.elapsed());
  }
  void name(const CommandMetrics::Series& series) { series_ = &series; }
  const CommandMetrics::Series& series() const { return *series_; }

 private:
  const CommandMetrics::Series* series_;
  Stopwatch watch_;
};

/// One session's traffic: pillarbox_received_bytes_total{protocol} and
/// pillarbox_sent_bytes_total{protocol} grow with it, and it keeps the session's own totals
/// and age for its logout line. Not thread-safe itself (one session, one strand); the
/// process-wide counters are.
class Traffic {
 public:
  /// `protocol`: "imap", "pop3" or "lmtp" (anything else counts as "other").
  explicit Traffic(std::string_view protocol);
  /// `n` bytes read from the client.
  void received(std::size_t n) noexcept {
    bytes_in_ += n;
    const std::uint64_t credit = std::min<std::uint64_t>(n, uncounted_);
    uncounted_ -= credit;
    in_->add(n - credit);
  }
  /// `n` of the bytes already passed to received() were not protocol bytes after all (IMAP
  /// COMPRESS: compressed data read together with the command; their inflated form is counted
  /// when read). Taken off bytes_in() now, and off the shared counter from later reads, so
  /// that it never goes down. `n` at most bytes_in().
  void unreceived(std::size_t n) noexcept {
    const std::uint64_t k = std::min<std::uint64_t>(n, bytes_in_);
    bytes_in_ -= k;
    uncounted_ += k;
  }
  /// `n` bytes written to the client.
  void sent(std::size_t n) noexcept {
    bytes_out_ += n;
    out_->add(n);
  }
  std::uint64_t bytes_in() const noexcept { return bytes_in_; }
  std::uint64_t bytes_out() const noexcept { return bytes_out_; }
  /// Milliseconds since construction (the session's start).
  std::int64_t duration_ms() const;

 private:
  Counter* in_;
  Counter* out_;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  std::uint64_t uncounted_ = 0;  // unreceived() octets still to take off in_
  Stopwatch watch_;
};

/// The results a login is counted under: "success" and the failure reasons of the log's login
/// event (docs/configuration.md); anything else is counted as "other".
inline constexpr std::array<std::string_view, 11> kLoginResults = {
    "success", "unknown_user", "wrong_password", "ambiguous_alias", "no_scram_keys", "not_authorized",
    "sasl_failed", "limit", "in_use", "unavailable", "other"};
/// Counts one login of `protocol` ("imap", "pop3") in pillarbox_logins_total{protocol,result}.
/// Lock-free after the first call.
void count_login(std::string_view protocol, std::string_view result);

/// The results an LMTP recipient is counted under in pillarbox_deliveries_total{result}:
/// "delivered" (one per mailbox the copy went to), "no_such_user" (550 at RCPT, or the account
/// went away before DATA), "too_big" (552), "over_quota" (552 or 452, RFC 9208 quota),
/// "temporary_failure" (451); else "other".
inline constexpr std::array<std::string_view, 6> kDeliveryResults = {"delivered", "no_such_user", "too_big",
                                                                    "over_quota", "temporary_failure", "other"};
/// Counts one delivery result. Lock-free after the first call.
void count_delivery(std::string_view result);

/// pillarbox_store_errors_total{protocol}: store calls of sessions that failed for the server's
/// reasons (the store_error log event).
Counter& store_errors(std::string_view protocol);
/// pillarbox_tls_failures_total{protocol}: TLS handshakes (implicit TLS, STARTTLS, STLS) that
/// failed.
Counter& tls_failures(std::string_view protocol);

/// pillarbox_protocol_log_bytes_total: bytes written to protocol-log transcript files
/// ([log] protocol_log_dir), headers included. The protocol log (src/protolog) calls
/// `metrics::protocol_log_bytes().add(n)` after each write of n bytes. Thread-safe, lock-free.
Counter& protocol_log_bytes();

/// pillarbox_password_verifications_total{how}: passwords found correct, `how` = "computed"
/// (the stored hash was computed again) or "remembered" (auth/verified_cache.h). Failures are
/// counted by pillarbox_logins_total, not here.
Counter& password_verifications(bool remembered);

/// Makes every series above that has a fixed label set (logins, deliveries, bytes, errors,
/// protocol-log bytes), so a scrape shows them as 0 before anything happened. Call at start.
void make_server_series();

}  // namespace pillarbox::metrics
