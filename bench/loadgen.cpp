// pillarbox-loadgen: a closed-loop IMAP load generator (docs/benchmarks.md).
//
// Every client is one C++20 coroutine on its own strand (no thread per session, like the
// server). A client connects, logs in, selects its mailbox, learns the sequence-number -> UID
// map with "UID FETCH 1:* (FLAGS)", and then, until the duration is over, picks operations by
// weight and waits for each answer before sending the next (no pipelining):
//
//   login    LOGOUT, close, reconnect, greeting, LOGIN (then a SELECT, counted as select)
//   select   SELECT again (then the UID map is refreshed, counted as uidsync)
//   fetch    UID FETCH of 1..20 consecutive known messages: (FLAGS ENVELOPE BODY.PEEK[HEADER])
//            or, with --fetch-body-ratio, (FLAGS BODY.PEEK[])
//   store    UID STORE of 1..5 random messages, +FLAGS or -FLAGS, \Seen or \Flagged (not .SILENT)
//   append   APPEND of a random corpus message to the mailbox (LITERAL+ when advertised)
//   search   UID SEARCH UNSEEN | FLAGGED | SUBJECT word | FROM word (words from the corpus)
//   expunge  UID STORE +FLAGS.SILENT (\Deleted) on 1 message (2 while the mailbox is larger than
//            at the first SELECT, so appends and expunges keep its size roughly stable), EXPUNGE
//   noop     NOOP
//
// An operation's latency is from the first byte sent to its last tagged reply. With --rate the
// clients together start operations at that average rate (each client a Poisson process, one
// operation in flight at a time), so two servers can be compared at the same offered load: an
// operation that could not start on time, because the previous one was still waiting for the
// server, counts from when it should have started (no "coordinated omission"). Operations
// started during --warmup are not recorded. The untagged responses are checked lightly and
// anything that contradicts the protocol or (with one client per account) the client's own
// view of its mailbox is counted as an "anomaly" and sampled; NO/BAD replies, timeouts and
// dropped connections are counted as they are, never retried silently.
//
// Output: a human table on stdout and, with --json FILE, a JSON summary.
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pillarbox::bench {
namespace {

using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::ip::tcp;

enum Op : int { kLogin, kSelect, kFetch, kStore, kAppend, kSearch, kExpunge, kNoop, kUidSync, kOpCount };
constexpr int kMixOps = kUidSync;  // the first kMixOps are chosen by weight; uidsync follows select/login
constexpr std::array<std::string_view, kOpCount> kOpNames = {"login",  "select",  "fetch", "store",  "append",
                                                             "search", "expunge", "noop",  "uidsync"};

struct Options {
  std::string host = "127.0.0.1";
  std::vector<std::uint16_t> ports{143};   // several: client i connects to ports[i % n]
  bool tls = false;
  std::string users_file;
  std::string user = "user%d@bench.test";
  std::string password;
  unsigned accounts = 10;
  unsigned clients = 10;
  double duration = 30;
  double warmup = 0;
  double rate = 0;   // operations per second, all clients together; 0: closed loop
  std::uint64_t seed = 1;
  std::string mailbox = "INBOX";
  std::string mix = "login=5,select=10,fetch=30,store=15,append=10,search=10,expunge=5,noop=15";
  std::string corpus;
  unsigned corpus_max = 200;
  double fetch_body_ratio = 0.3;
  double timeout = 30;
  unsigned threads = 1;
  std::string json;
  std::string label;
};

struct Account {
  std::string user;
  std::string password;
};

struct OpStats {
  std::uint64_t count = 0;      // completed with a tagged reply (OK, NO or BAD)
  std::uint64_t no = 0;         // tagged NO
  std::uint64_t bad = 0;        // tagged BAD
  std::uint64_t failed = 0;     // no tagged reply: timeout, connection lost, unexpected BYE
  std::uint64_t anomalies = 0;  // replies that contradict the protocol or the client's view
  std::vector<std::uint32_t> latency_us;
};

struct Stats {
  std::array<OpStats, kOpCount> ops;
  std::uint64_t commands = 0;  // IMAP commands sent in the measured window
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t disconnects = 0;       // connections lost unexpectedly (measured or not)
  std::uint64_t timeouts = 0;          // commands without an answer within --timeout
  std::uint64_t connect_failures = 0;  // connect, greeting or LOGIN failures when reconnecting
  std::uint64_t reconnects = 0;
  std::vector<std::string> samples;  // first problems, verbatim

  void sample(std::string text) {
    if (samples.size() < 8) samples.push_back(std::move(text));
  }
};

struct Shared {
  Options opt;
  std::vector<Account> accounts;
  std::vector<std::string> corpus;  // messages with CRLF line ends
  std::vector<std::string> subject_words;
  std::vector<std::string> from_words;
  std::array<unsigned, kMixOps> weights{};
  unsigned total_weight = 0;
  std::unique_ptr<asio::ssl::context> tls;
  std::vector<std::vector<tcp::endpoint>> endpoints;   // one list per --port
  bool exclusive = false;  // one client per account: the client's view must match exactly

  std::atomic<unsigned> settled{0};  // clients done with set-up (ready or failed)
  std::atomic<unsigned> failed_setup{0};
  std::atomic<std::int64_t> start_ns{0};  // steady clock, when all clients were ready
  Clock::time_point launched;
};

// ---------------------------------------------------------------------------------------------
// Small text helpers

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && upper(s.substr(0, prefix.size())) == upper(prefix);
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string shorten(std::string_view s, std::size_t n = 200) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "...";
}

// If `line` ends with a literal announcement "{N}" or "{N+}", its size.
std::optional<std::size_t> literal_at_end(std::string_view line, std::size_t& brace) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  brace = line.rfind('{');
  if (brace == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(brace + 1, line.size() - brace - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  auto n = parse_number(digits);
  if (!n) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

// ---------------------------------------------------------------------------------------------
// A FETCH response's items, read just far enough to check them. Literals were replaced by ""
// when the line was read, so only atoms, quoted strings and parenthesised lists remain.

struct FetchItems {
  std::uint32_t uid = 0;
  bool flags = false;
  bool envelope = false;
  bool header = false;  // BODY[HEADER]
  bool body = false;    // BODY[]
  bool deleted = false;
  bool well_formed = true;
};

FetchItems parse_fetch_items(std::string_view s) {
  FetchItems f;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  auto skip_value = [&]() -> std::string_view {
    std::size_t begin = i;
    if (i >= s.size()) return {};
    if (s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      ++i;
    } else if (s[i] == '(') {
      int depth = 0;
      while (i < s.size()) {
        char c = s[i];
        if (c == '"') {
          ++i;
          while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
        } else if (c == '(') {
          ++depth;
        } else if (c == ')') {
          if (--depth == 0) {
            ++i;
            break;
          }
        }
        ++i;
      }
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != ')') ++i;
    }
    return s.substr(begin, std::min(i, s.size()) - begin);
  };
  skip_spaces();
  if (i >= s.size() || s[i] != '(') {
    f.well_formed = false;
    return f;
  }
  ++i;
  while (true) {
    skip_spaces();
    if (i >= s.size()) {
      f.well_formed = false;
      return f;
    }
    if (s[i] == ')') return f;
    // Item name: up to a space, with [...] (which may hold spaces) and <origin> included.
    std::size_t begin = i;
    int bracket = 0;
    while (i < s.size() && (bracket > 0 || (s[i] != ' ' && s[i] != ')'))) {
      if (s[i] == '[') ++bracket;
      if (s[i] == ']') --bracket;
      ++i;
    }
    std::string name = upper(s.substr(begin, i - begin));
    skip_spaces();
    std::string_view value = skip_value();
    if (name == "UID") {
      auto n = parse_number(value);
      if (!n || *n == 0 || *n > 0xffffffffu) f.well_formed = false;
      else f.uid = static_cast<std::uint32_t>(*n);
    } else if (name == "FLAGS") {
      f.flags = !value.empty() && value.front() == '(';
      if (!f.flags) f.well_formed = false;
      f.deleted = upper(value).find("\\DELETED") != std::string::npos;
    } else if (name == "ENVELOPE") {
      f.envelope = !value.empty() && value.front() == '(';
      if (!f.envelope) f.well_formed = false;
    } else if (name == "BODY[HEADER]") {
      f.header = true;
    } else if (name == "BODY[]") {
      f.body = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One IMAP connection and the client's view of its selected mailbox.

struct Reply {
  enum class Status { ok, no, bad, failed } status = Status::failed;
  std::string text;  // the tagged line, or why there was none
  std::vector<std::uint32_t> search;
  bool saw_search = false;
  // Messages in the client's view when the SEARCH line came: EXPUNGE responses may follow it in
  // the same reply (the results are correct for the view before them).
  std::size_t messages_at_search = 0;
  struct Fetch {
    std::uint32_t seq;
    FetchItems items;
  };
  std::vector<Fetch> fetches;
  std::vector<std::uint32_t> expunged;  // sequence numbers, in order
  std::optional<std::uint32_t> exists;
  std::size_t literal_bytes = 0;
  bool bye = false;
};

class Connection {
 public:
  Connection(asio::any_io_executor executor, Shared& shared, Stats& stats, const std::vector<tcp::endpoint>& endpoints)
      : executor_(executor), shared_(shared), stats_(stats), endpoints_(endpoints), socket_(executor) {}

  bool is_open() const { return open_; }
  bool literal_plus() const { return literal_plus_; }
  std::vector<std::uint32_t>& uids() { return uids_; }  // index = sequence number - 1; 0 = unknown
  bool timed_out() const { return timed_out_; }

  // Connects, handshakes (TLS) and reads the greeting. Sets `why` on failure.
  awaitable<bool> open(std::string& why) {
    close();
    timed_out_ = false;
    in_.clear();
    pos_ = 0;
    uids_.clear();
    literal_plus_ = false;
    socket_ = tcp::socket(executor_);
    tls_.reset();
    arm();
    std::error_code ec;
    co_await asio::async_connect(socket_, endpoints_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      disarm();
      why = fmt::format("connect: {}", ec.message());
      co_return false;
    }
    socket_.set_option(tcp::no_delay(true), ec);
    if (shared_.tls) {
      tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *shared_.tls);
      co_await tls_->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        disarm();
        why = fmt::format("TLS handshake: {}", ec.message());
        close();
        co_return false;
      }
    }
    open_ = true;
    std::string line;
    std::size_t literal_bytes = 0;
    bool got = co_await read_line(line, literal_bytes);
    disarm();
    if (!got) {
      why = timed_out_ ? "no greeting (timeout)" : "no greeting (connection closed)";
      close();
      co_return false;
    }
    if (!istarts_with(line, "* OK")) {
      why = fmt::format("greeting: {}", shorten(line));
      close();
      co_return false;
    }
    literal_plus_ = upper(line).find("LITERAL+") != std::string::npos;
    co_return true;
  }

  void close() {
    std::error_code ec;
    if (socket_.is_open()) {
      socket_.shutdown(tcp::socket::shutdown_both, ec);
      socket_.close(ec);
    }
    open_ = false;
  }

  // Sends one command (tag added here) and reads up to its tagged reply. `literal`, if not
  // empty, follows the command text as a literal (LITERAL+ when the server announced it).
  awaitable<Reply> command(std::string text, std::string literal, bool with_literal, bool count_it) {
    Reply r;
    if (!open_) {
      r.text = "not connected";
      co_return r;
    }
    std::string tag = fmt::format("b{}", ++tag_number_);
    std::string out = tag + " " + text;
    if (with_literal) {
      out += literal_plus_ ? fmt::format(" {{{}+}}\r\n", literal.size()) : fmt::format(" {{{}}}\r\n", literal.size());
      if (literal_plus_) {
        out += literal;
        out += "\r\n";
      }
    } else {
      out += "\r\n";
    }
    if (count_it) ++stats_.commands;
    arm();
    std::error_code ec;
    co_await write(out, ec);
    if (!ec && with_literal && !literal_plus_) {
      // Synchronizing literal: wait for the continuation request.
      bool go_on = false;
      while (!go_on) {
        std::string line;
        std::size_t lb = 0;
        if (!co_await read_line(line, lb)) break;
        if (line.starts_with("+")) {
          go_on = true;
        } else if (line.starts_with("* ")) {
          untagged(line, lb, r);
        } else if (line.starts_with(tag + " ")) {
          finish(line, tag, r);
          disarm();
          co_return r;
        }
      }
      if (go_on) {
        literal += "\r\n";
        co_await write(literal, ec);
      } else {
        ec = asio::error::eof;
      }
    }
    while (!ec) {
      std::string line;
      std::size_t lb = 0;
      if (!co_await read_line(line, lb)) break;
      if (line.starts_with(tag + " ")) {
        finish(line, tag, r);
        disarm();
        co_return r;
      }
      if (line.starts_with("* ")) {
        untagged(line, lb, r);
      } else {
        r.text = fmt::format("unexpected line: {}", shorten(line));
      }
    }
    disarm();
    r.status = Reply::Status::failed;
    if (timed_out_) r.text = fmt::format("timeout after {} s: {}", shared_.opt.timeout, shorten(text, 80));
    else if (r.bye) r.text = fmt::format("connection closed after BYE: {}", shorten(text, 80));
    else r.text = fmt::format("connection lost: {}", shorten(text, 80));
    close();
    co_return r;
  }

  // Problems found in untagged responses since the last call.
  std::vector<std::string> take_problems() { return std::exchange(problems_, {}); }

  // The watchdog: closes the connection when the current command is overdue.
  void check_deadline() {
    if (armed_ && Clock::now() > deadline_) {
      timed_out_ = true;
      armed_ = false;
      std::error_code ec;
      socket_.cancel(ec);
      close();
    }
  }

 private:
  void arm() {
    armed_ = true;
    deadline_ = Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(shared_.opt.timeout * 1e6));
  }
  void disarm() { armed_ = false; }

  awaitable<void> write(const std::string& data, std::error_code& ec) {
    ec.clear();
    if (!open_) {
      ec = asio::error::not_connected;
      co_return;
    }
    if (tls_) co_await asio::async_write(*tls_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
    else co_await asio::async_write(socket_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) stats_.bytes_out += data.size();
  }

  awaitable<bool> read_more() {
    if (!open_) co_return false;
    if (pos_ > 0 && (pos_ >= in_.size() || pos_ > 65536)) {
      in_.erase(0, pos_);
      pos_ = 0;
    }
    std::size_t old = in_.size();
    in_.resize(old + 65536);
    std::error_code ec;
    std::size_t n = 0;
    if (tls_) {
      n = co_await tls_->async_read_some(asio::buffer(in_.data() + old, 65536),
                                         asio::redirect_error(asio::use_awaitable, ec));
    } else {
      n = co_await socket_.async_read_some(asio::buffer(in_.data() + old, 65536),
                                           asio::redirect_error(asio::use_awaitable, ec));
    }
    in_.resize(old + n);
    stats_.bytes_in += n;
    if (ec) {
      open_ = false;
      co_return false;
    }
    co_return true;
  }

  // One response line with its literals; each literal's bytes are skipped and stand as "" in
  // `line` so that the line still parses. False when the connection ends first.
  awaitable<bool> read_line(std::string& line, std::size_t& literal_bytes) {
    line.clear();
    literal_bytes = 0;
    while (true) {
      std::size_t eol;
      while ((eol = in_.find("\r\n", pos_)) == std::string::npos) {
        if (in_.size() - pos_ > (16u << 20)) {
          problems_.push_back("response line longer than 16 MiB without CRLF");
          close();
          co_return false;
        }
        if (!co_await read_more()) co_return false;
      }
      std::string_view part(in_.data() + pos_, eol - pos_);
      pos_ = eol + 2;
      std::size_t brace = 0;
      auto n = literal_at_end(part, brace);
      if (!n) {
        line.append(part);
        co_return true;
      }
      line.append(part.substr(0, brace));
      line += "\"\"";
      literal_bytes += *n;
      std::size_t need = *n;
      while (need > 0) {
        std::size_t take = std::min(need, in_.size() - pos_);
        pos_ += take;
        need -= take;
        if (need > 0 && !co_await read_more()) co_return false;
      }
    }
  }

  void finish(const std::string& line, const std::string& tag, Reply& r) {
    std::string_view rest = std::string_view(line).substr(tag.size() + 1);
    r.text = line;
    if (istarts_with(rest, "OK")) r.status = Reply::Status::ok;
    else if (istarts_with(rest, "NO")) r.status = Reply::Status::no;
    else if (istarts_with(rest, "BAD")) r.status = Reply::Status::bad;
    else {
      r.status = Reply::Status::bad;
      problems_.push_back(fmt::format("tagged reply neither OK, NO nor BAD: {}", shorten(line)));
    }
  }

  void untagged(const std::string& line, std::size_t literal_bytes, Reply& r) {
    r.literal_bytes += literal_bytes;
    std::string_view s = std::string_view(line).substr(2);
    if (istarts_with(s, "BYE")) {
      r.bye = true;
      return;
    }
    if (istarts_with(s, "SEARCH")) {
      r.saw_search = true;
      r.messages_at_search = uids_.size();
      std::string_view rest = s.substr(6);
      while (!rest.empty()) {
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        std::size_t sp = rest.find(' ');
        std::string_view word = rest.substr(0, sp);
        if (!word.empty()) {
          auto n = parse_number(word);
          if (!n || *n == 0) problems_.push_back(fmt::format("bad SEARCH number in: {}", shorten(line)));
          else r.search.push_back(static_cast<std::uint32_t>(*n));
        }
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
      }
      return;
    }
    if (istarts_with(s, "CAPABILITY")) {
      literal_plus_ = upper(s).find(" LITERAL+") != std::string::npos;
      return;
    }
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return;  // OK/NO/FLAGS/...
    std::size_t sp = s.find(' ');
    if (sp == std::string_view::npos) return;
    auto num = parse_number(s.substr(0, sp));
    std::string_view what = s.substr(sp + 1);
    if (!num) return;
    auto n = static_cast<std::uint32_t>(*num);
    if (istarts_with(what, "EXISTS")) {
      if (n < uids_.size()) {
        problems_.push_back(fmt::format("EXISTS went down from {} to {} without EXPUNGE", uids_.size(), n));
      }
      uids_.resize(n, 0);
      r.exists = n;
    } else if (istarts_with(what, "EXPUNGE")) {
      if (n == 0 || n > uids_.size()) {
        problems_.push_back(fmt::format("EXPUNGE {} outside 1..{}", n, uids_.size()));
      } else {
        uids_.erase(uids_.begin() + (n - 1));
      }
      r.expunged.push_back(n);
    } else if (istarts_with(what, "FETCH")) {
      FetchItems items = parse_fetch_items(what.substr(5));
      if (!items.well_formed) problems_.push_back(fmt::format("malformed FETCH: {}", shorten(line)));
      if (n == 0 || n > uids_.size()) {
        problems_.push_back(fmt::format("FETCH for message {} outside 1..{}", n, uids_.size()));
      } else if (items.uid) {
        auto& known = uids_[n - 1];
        if (known && known != items.uid) {
          problems_.push_back(fmt::format("message {} was UID {}, now FETCH says UID {}", n, known, items.uid));
        }
        known = items.uid;
      }
      r.fetches.push_back({n, items});
    }
  }

  asio::any_io_executor executor_;
  Shared& shared_;
  Stats& stats_;
  const std::vector<tcp::endpoint>& endpoints_;
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  bool open_ = false;
  bool literal_plus_ = false;
  std::string in_;
  std::size_t pos_ = 0;
  std::uint64_t tag_number_ = 0;
  std::vector<std::uint32_t> uids_;
  std::vector<std::string> problems_;
  bool armed_ = false;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
};

// ---------------------------------------------------------------------------------------------
// One simulated client.

class Client {
 public:
  Client(asio::any_io_executor executor, Shared& shared, unsigned index)
      : executor_(executor),
        shared_(shared),
        index_(index),
        account_(shared.accounts[index % shared.accounts.size()]),
        rng_(shared.opt.seed * 1000003u + index),
        conn_(executor, shared, stats_, shared.endpoints[index % shared.endpoints.size()]) {}

  Stats& stats() { return stats_; }
  asio::any_io_executor executor() const { return executor_; }

  awaitable<void> run() {
    std::string why;
    bool ready = co_await connect_and_select(why, false);
    if (!ready) {
      stats_.sample(fmt::format("client {} ({}): set-up failed: {}", index_, account_.user, why));
      shared_.failed_setup.fetch_add(1);
    }
    settle();
    // Wait until every client is set up, so that all of them start measuring together.
    asio::steady_timer pause(executor_);
    while (shared_.start_ns.load() == 0) {
      pause.expires_after(std::chrono::milliseconds(5));
      co_await pause.async_wait(asio::use_awaitable);
    }
    auto start = Clock::time_point(Clock::duration(shared_.start_ns.load()));
    measure_from_ = start + to_duration(shared_.opt.warmup);
    end_ = measure_from_ + to_duration(shared_.opt.duration);
    if (!ready) {
      finished_ = true;
      co_return;
    }
    std::discrete_distribution<int> pick(shared_.weights.begin(), shared_.weights.end());
    const bool paced = shared_.opt.rate > 0;
    // Every client is set up by now (start_ns is set after the last one): the rate is shared by
    // those that are ready, so that the load offered is the rate asked for.
    const unsigned ready_clients = std::max(1u, shared_.opt.clients - shared_.failed_setup.load());
    std::exponential_distribution<double> gap(paced ? shared_.opt.rate / ready_clients : 1.0);
    Clock::time_point next = start;
    while (Clock::now() < end_) {
      if (!conn_.is_open()) {
        co_await reconnect();
        continue;
      }
      int op = pick(rng_);
      Clock::time_point began = Clock::now();
      if (paced) {
        next += to_duration(gap(rng_));
        if (next >= end_) break;
        if (next > began) {
          pause.expires_at(next);
          co_await pause.async_wait(asio::use_awaitable);
        }
        began = next;   // late: the time spent waiting for the previous answer counts
      }
      co_await run_op(op, began);
    }
    if (conn_.is_open()) {
      co_await conn_.command("LOGOUT", {}, false, false);
      conn_.close();
    }
    finished_ = true;
  }

  awaitable<void> watchdog() {
    asio::steady_timer timer(executor_);
    while (!finished_) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::use_awaitable);
      conn_.check_deadline();
    }
  }

 private:
  static Clock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  void settle() {
    unsigned done = shared_.settled.fetch_add(1) + 1;
    if (done == shared_.opt.clients) {
      shared_.start_ns.store(Clock::now().time_since_epoch().count());
    }
  }

  bool measuring(Clock::time_point t) const { return t >= measure_from_ && t < end_; }

  void problem(int op, std::string text) {
    stats_.ops[op].anomalies += measuring_now_ ? 1 : 0;
    stats_.sample(fmt::format("client {} ({}) {}: {}", index_, account_.user, kOpNames[op], std::move(text)));
  }

  // Records one command's outcome under `op`; true when it got OK.
  bool account(int op, const Reply& r) {
    for (auto& p : conn_.take_problems()) problem(op, std::move(p));
    if (r.status == Reply::Status::ok) return true;
    if (r.status == Reply::Status::failed) {
      ++stats_.disconnects;
      if (conn_.timed_out()) ++stats_.timeouts;
      if (measuring_now_) ++stats_.ops[op].failed;
      stats_.sample(fmt::format("client {} ({}) {}: {}", index_, account_.user, kOpNames[op], r.text));
      return false;
    }
    if (measuring_now_) ++(r.status == Reply::Status::no ? stats_.ops[op].no : stats_.ops[op].bad);
    stats_.sample(fmt::format("client {} ({}) {}: {}", index_, account_.user, kOpNames[op], shorten(r.text)));
    return false;
  }

  void record(int op, Clock::time_point began, bool completed) {
    if (!measuring_now_ || !completed) return;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - began).count();
    auto& s = stats_.ops[op];
    ++s.count;
    s.latency_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(us, 0xffffffff)));
  }

  awaitable<Reply> send(int op, std::string text) {
    Reply r = co_await conn_.command(std::move(text), {}, false, measuring_now_);
    account(op, r);
    co_return r;
  }

  // Connect, LOGIN and (unless only_login) SELECT plus the UID map.
  awaitable<bool> connect_and_select(std::string& why, bool only_login) {
    if (!co_await conn_.open(why)) co_return false;
    std::string login = fmt::format("LOGIN {} {}", quote(account_.user), quote(account_.password));
    Reply r = co_await conn_.command(login, {}, false, measuring_now_);
    for (auto& p : conn_.take_problems()) stats_.sample(p);
    if (r.status != Reply::Status::ok) {
      why = fmt::format("LOGIN: {}", shorten(r.text));
      conn_.close();
      co_return false;
    }
    if (only_login) co_return true;
    co_return co_await select(why);
  }

  // SELECT and the UID map; the SELECT is timed as `select` (from `due` when given: --rate)
  // and the map as `uidsync`.
  awaitable<bool> select(std::string& why, std::optional<Clock::time_point> due = std::nullopt) {
    auto began = due.value_or(Clock::now());
    conn_.uids().clear();
    Reply r = co_await send(kSelect, fmt::format("SELECT {}", quote(shared_.opt.mailbox)));
    record(kSelect, began, r.status != Reply::Status::failed);
    if (r.status != Reply::Status::ok) {
      why = fmt::format("SELECT: {}", shorten(r.text));
      co_return false;
    }
    if (!r.exists) problem(kSelect, "SELECT answered OK without EXISTS");
    if (!initial_size_) initial_size_ = conn_.uids().size();
    co_return co_await sync(why);
  }

  awaitable<bool> sync(std::string& why) {
    auto began = Clock::now();
    Reply r = co_await send(kUidSync, "UID FETCH 1:* (FLAGS)");
    record(kUidSync, began, r.status != Reply::Status::failed);
    if (r.status != Reply::Status::ok) {
      why = fmt::format("UID FETCH 1:* (FLAGS): {}", shorten(r.text));
      co_return r.status != Reply::Status::failed;
    }
    const auto& uids = conn_.uids();
    std::size_t unknown = static_cast<std::size_t>(std::count(uids.begin(), uids.end(), 0u));
    for (std::size_t i = 1; i < uids.size(); ++i) {
      if (uids[i] && uids[i - 1] && uids[i] <= uids[i - 1]) {
        problem(kUidSync, fmt::format("UIDs not ascending: message {} has UID {}, message {} has UID {}", i,
                                      uids[i - 1], i + 1, uids[i]));
        break;
      }
    }
    if (unknown && shared_.exclusive) {
      problem(kUidSync, fmt::format("UID FETCH 1:* left {} of {} messages without a UID", unknown, uids.size()));
    }
    co_return true;
  }

  // Indices (sequence number - 1) of messages whose UID is known.
  std::vector<std::size_t> known() {
    std::vector<std::size_t> out;
    const auto& uids = conn_.uids();
    for (std::size_t i = 0; i < uids.size(); ++i)
      if (uids[i]) out.push_back(i);
    return out;
  }

  // Refreshes the UID map when too many new messages have no known UID yet.
  awaitable<void> maybe_sync() {
    const auto& uids = conn_.uids();
    std::size_t unknown = static_cast<std::size_t>(std::count(uids.begin(), uids.end(), 0u));
    if (unknown > std::max<std::size_t>(4, uids.size() / 10)) {
      std::string why;
      co_await sync(why);
    }
  }

  std::size_t uniform(std::size_t lo, std::size_t hi) {  // inclusive
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
  }

  std::vector<std::uint32_t> random_uids(std::size_t n) {
    auto k = known();
    std::vector<std::uint32_t> out;
    if (k.empty()) return out;
    std::set<std::uint32_t> picked;
    for (std::size_t i = 0; i < n * 3 && picked.size() < std::min(n, k.size()); ++i) {
      picked.insert(conn_.uids()[k[uniform(0, k.size() - 1)]]);
    }
    out.assign(picked.begin(), picked.end());
    return out;
  }

  static std::string uid_list(const std::vector<std::uint32_t>& uids) {
    std::string s;
    for (auto u : uids) s += (s.empty() ? "" : ",") + std::to_string(u);
    return s;
  }

  // When an operation counts from once its UID map is refreshed (maybe_sync): closed loop, from
  // now (the refresh is not part of it); paced, from `due` still, as the file comment says.
  Clock::time_point after_sync(Clock::time_point due) const { return shared_.opt.rate > 0 ? due : Clock::now(); }

  // `began`: when the operation was due (now, unless paced by --rate).
  awaitable<void> run_op(int op, Clock::time_point began) {
    measuring_now_ = measuring(began);
    bool completed = true;
    switch (op) {
      case kLogin: {
        Reply r = co_await send(kLogin, "LOGOUT");
        if (r.status == Reply::Status::ok && !r.bye) problem(kLogin, "LOGOUT answered OK without BYE");
        conn_.close();
        if (r.status == Reply::Status::failed) {
          completed = false;
          break;
        }
        std::string why;
        bool ok = co_await connect_and_select(why, true);
        if (!ok) {
          ++stats_.connect_failures;
          if (measuring_now_) ++stats_.ops[kLogin].failed;
          stats_.sample(fmt::format("client {} ({}) login: {}", index_, account_.user, why));
          completed = false;
          break;
        }
        record(kLogin, began, true);
        completed = false;  // recorded
        co_await select(why);
        break;
      }
      case kSelect: {
        std::string why;
        co_await select(why, shared_.opt.rate > 0 ? std::optional<Clock::time_point>(began) : std::nullopt);  // records itself
        completed = false;
        break;
      }
      case kFetch: {
        co_await maybe_sync();
        began = after_sync(began);
        auto k = known();
        if (k.empty()) {
          Reply r = co_await send(kFetch, "UID FETCH 1:* (FLAGS)");
          completed = r.status != Reply::Status::failed;
          break;
        }
        std::size_t n = uniform(1, 20);
        std::size_t first = uniform(0, k.size() - 1);
        std::size_t last = std::min(k.size() - 1, first + n - 1);
        std::uint32_t lo = conn_.uids()[k[first]];
        std::uint32_t hi = conn_.uids()[k[last]];
        std::set<std::uint32_t> wanted;
        for (std::size_t i = first; i <= last; ++i) wanted.insert(conn_.uids()[k[i]]);
        bool full = std::uniform_real_distribution<double>(0, 1)(rng_) < shared_.opt.fetch_body_ratio;
        std::string items = full ? "(FLAGS BODY.PEEK[])" : "(FLAGS ENVELOPE BODY.PEEK[HEADER])";
        Reply r = co_await send(kFetch, fmt::format("UID FETCH {}:{} {}", lo, hi, items));
        completed = r.status != Reply::Status::failed;
        if (r.status == Reply::Status::ok) check_fetch(r, wanted, lo, hi, full);
        break;
      }
      case kStore: {
        co_await maybe_sync();
        began = after_sync(began);
        auto uids = random_uids(uniform(1, 5));
        if (uids.empty()) {
          Reply r = co_await send(kStore, "NOOP");
          completed = r.status != Reply::Status::failed;
          break;
        }
        bool add = uniform(0, 1) == 0;
        const char* flag = uniform(0, 1) == 0 ? "\\Seen" : "\\Flagged";
        Reply r = co_await send(kStore, fmt::format("UID STORE {} {}FLAGS ({})", uid_list(uids), add ? '+' : '-', flag));
        completed = r.status != Reply::Status::failed;
        if (r.status == Reply::Status::ok) {
          std::set<std::uint32_t> wanted(uids.begin(), uids.end());
          for (const auto& f : r.fetches) {
            if (f.items.uid && !wanted.count(f.items.uid) && shared_.exclusive)
              problem(kStore, fmt::format("UID STORE {} answered FETCH for UID {}", uid_list(uids), f.items.uid));
          }
        }
        break;
      }
      case kAppend: {
        const std::string& message = shared_.corpus[uniform(0, shared_.corpus.size() - 1)];
        Reply r = co_await conn_.command(fmt::format("APPEND {}", quote(shared_.opt.mailbox)), message, true,
                                         measuring_now_);
        account(kAppend, r);
        completed = r.status != Reply::Status::failed;
        break;
      }
      case kSearch: {
        std::string key;
        switch (uniform(0, 3)) {
          case 0: key = "UNSEEN"; break;
          case 1: key = "FLAGGED"; break;
          case 2: key = "SUBJECT " + quote(shared_.subject_words[uniform(0, shared_.subject_words.size() - 1)]); break;
          default: key = "FROM " + quote(shared_.from_words[uniform(0, shared_.from_words.size() - 1)]); break;
        }
        Reply r = co_await send(kSearch, "UID SEARCH " + key);
        completed = r.status != Reply::Status::failed;
        if (r.status == Reply::Status::ok) {
          if (!r.saw_search) problem(kSearch, fmt::format("UID SEARCH {} answered OK without * SEARCH", key));
          if (r.search.size() > r.messages_at_search)
            problem(kSearch, fmt::format("UID SEARCH {} returned {} UIDs in a mailbox of {} messages", key,
                                         r.search.size(), r.messages_at_search));
          for (std::size_t i = 1; i < r.search.size(); ++i) {
            if (r.search[i] == r.search[i - 1]) {
              problem(kSearch, fmt::format("UID SEARCH {} returned UID {} twice", key, r.search[i]));
              break;
            }
          }
          if (shared_.exclusive) {
            std::set<std::uint32_t> have(conn_.uids().begin(), conn_.uids().end());
            std::uint32_t max_known = 0;
            for (auto u : conn_.uids()) max_known = std::max(max_known, u);
            for (auto u : r.search) {
              if (!have.count(u) && u <= max_known) {
                problem(kSearch, fmt::format("UID SEARCH {} returned UID {}, not in the mailbox", key, u));
                break;
              }
            }
          }
        }
        break;
      }
      case kExpunge: {
        co_await maybe_sync();
        began = after_sync(began);
        std::size_t n = conn_.uids().size() > initial_size_ ? 2 : 1;
        auto uids = random_uids(n);
        if (uids.empty()) {
          Reply r = co_await send(kExpunge, "NOOP");
          completed = r.status != Reply::Status::failed;
          break;
        }
        Reply marked = co_await send(kExpunge, fmt::format("UID STORE {} +FLAGS.SILENT (\\Deleted)", uid_list(uids)));
        if (marked.status == Reply::Status::failed) {
          completed = false;
          break;
        }
        std::size_t before = conn_.uids().size();
        Reply r = co_await send(kExpunge, "EXPUNGE");
        completed = r.status != Reply::Status::failed;
        if (r.status == Reply::Status::ok && marked.status == Reply::Status::ok && shared_.exclusive) {
          if (r.expunged.size() != uids.size()) {
            problem(kExpunge, fmt::format("EXPUNGE after marking UIDs {} \\Deleted announced {} expunges (mailbox had {})",
                                          uid_list(uids), r.expunged.size(), before));
          } else {
            for (auto u : uids) {
              if (std::count(conn_.uids().begin(), conn_.uids().end(), u)) {
                problem(kExpunge, fmt::format("UID {} is still in the mailbox after EXPUNGE", u));
                break;
              }
            }
          }
        }
        break;
      }
      case kNoop:
      default: {
        Reply r = co_await send(kNoop, "NOOP");
        completed = r.status != Reply::Status::failed;
        break;
      }
    }
    record(op, began, completed);
  }

  void check_fetch(const Reply& r, const std::set<std::uint32_t>& wanted, std::uint32_t lo, std::uint32_t hi,
                   bool full) {
    std::set<std::uint32_t> got;
    for (const auto& f : r.fetches) {
      bool answer = full ? f.items.body : (f.items.header || f.items.envelope);
      if (!answer) continue;  // a flag update from another session
      if (!f.items.uid) {
        problem(kFetch, "UID FETCH answered a FETCH without UID");
        continue;
      }
      if (f.items.uid < lo || f.items.uid > hi) {
        problem(kFetch, fmt::format("UID FETCH {}:{} answered UID {}", lo, hi, f.items.uid));
      }
      if (!f.items.flags || (!full && !(f.items.envelope && f.items.header))) {
        problem(kFetch, fmt::format("UID FETCH {}:{}: UID {} lacks an item that was asked for", lo, hi, f.items.uid));
      }
      got.insert(f.items.uid);
    }
    if (shared_.exclusive) {
      for (auto u : wanted) {
        if (!got.count(u)) {
          problem(kFetch, fmt::format("UID FETCH {}:{} {}: no answer for UID {} ({} of {} answered)", lo, hi,
                                      full ? "BODY.PEEK[]" : "BODY.PEEK[HEADER]", u, got.size(), wanted.size()));
          break;
        }
      }
    }
  }

  awaitable<void> reconnect() {
    asio::steady_timer pause(executor_);
    pause.expires_after(std::chrono::milliseconds(200));
    co_await pause.async_wait(asio::use_awaitable);
    bool saved = measuring_now_;
    measuring_now_ = false;  // set-up commands after a failure are not part of the mix
    std::string why;
    ++stats_.reconnects;
    bool ok = co_await connect_and_select(why, false);
    measuring_now_ = saved;
    if (!ok) {
      ++stats_.connect_failures;
      stats_.sample(fmt::format("client {} ({}) reconnect: {}", index_, account_.user, why));
      pause.expires_after(std::chrono::milliseconds(800));
      co_await pause.async_wait(asio::use_awaitable);
    }
  }

  asio::any_io_executor executor_;
  Shared& shared_;
  unsigned index_;
  const Account& account_;
  std::mt19937_64 rng_;
  Stats stats_;
  Connection conn_;
  std::size_t initial_size_ = 0;
  bool measuring_now_ = false;
  bool finished_ = false;
  Clock::time_point measure_from_{};
  Clock::time_point end_{};
};

// ---------------------------------------------------------------------------------------------
// Set-up and reporting

std::string to_crlf(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 40);
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\n' && (i == 0 || in[i - 1] != '\r')) out += '\r';
    out += c;
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

void collect_words(std::string_view value, std::size_t min_len, std::set<std::string>& out) {
  std::string word;
  auto flush = [&] {
    if (word.size() >= min_len && word.size() <= 12) out.insert(word);
    word.clear();
  };
  for (char c : value) {
    if (std::isalpha(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else flush();
  }
  flush();
}

bool load_corpus(Shared& sh) {
  std::set<std::string> subjects, froms;
  if (!sh.opt.corpus.empty()) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(sh.opt.corpus, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".eml") files.push_back(e.path());
    }
    if (ec) {
      std::cerr << "pillarbox-loadgen: " << sh.opt.corpus << ": " << ec.message() << "\n";
      return false;
    }
    std::sort(files.begin(), files.end());
    if (sh.opt.corpus_max && files.size() > sh.opt.corpus_max) {  // evenly spread over the sorted names
      std::vector<fs::path> spread;
      for (std::size_t i = 0; i < sh.opt.corpus_max; ++i) spread.push_back(files[i * files.size() / sh.opt.corpus_max]);
      files = std::move(spread);
    }
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string text = buffer.str();
      // RFC 3501 literals are CHAR8 (no NUL); such a message would need BINARY's literal8.
      if (text.empty() || text.find('\0') != std::string::npos) continue;
      // Header words for SEARCH SUBJECT / FROM (unfolded lines are enough for picking words).
      std::istringstream lines(text);
      std::string line;
      while (std::getline(lines, line) && !line.empty() && line != "\r") {
        if (istarts_with(line, "Subject:") && line.find("=?") == std::string::npos) collect_words(line.substr(8), 4, subjects);
        if (istarts_with(line, "From:") && line.find("=?") == std::string::npos) collect_words(line.substr(5), 4, froms);
      }
      sh.corpus.push_back(to_crlf(text));
    }
  }
  if (sh.corpus.empty()) {
    for (int i = 0; i < 50; ++i) {
      sh.corpus.push_back(to_crlf(fmt::format(
          "From: Load Generator <loadgen{}@bench.test>\nTo: someone@bench.test\nSubject: benchmark message {}\n"
          "Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <{}@bench.test>\n\n{}\n",
          i, i, i, std::string(200 + 40 * i, 'x'))));
    }
    subjects.insert({"benchmark", "message"});
    froms.insert({"loadgen", "generator"});
  }
  sh.subject_words.assign(subjects.begin(), subjects.end());
  sh.from_words.assign(froms.begin(), froms.end());
  if (sh.subject_words.empty()) sh.subject_words = {"hello"};
  if (sh.from_words.empty()) sh.from_words = {"example"};
  return true;
}

bool parse_mix(Shared& sh) {
  std::string_view rest = sh.opt.mix;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    std::size_t eq = item.find('=');
    std::uint64_t weight = 0;
    bool valid = false;
    if (eq != std::string_view::npos) {
      auto w = parse_number(item.substr(eq + 1));
      valid = w.has_value() && *w <= 1000000;
      weight = w.value_or(0);
    }
    std::string name(item.substr(0, eq));
    auto it = std::find(kOpNames.begin(), kOpNames.begin() + kMixOps, name);
    if (!valid || it == kOpNames.begin() + kMixOps) {
      std::cerr << "pillarbox-loadgen: --mix: \"" << item << "\" is not NAME=WEIGHT with NAME one of login, "
                << "select, fetch, store, append, search, expunge, noop\n";
      return false;
    }
    sh.weights[static_cast<std::size_t>(it - kOpNames.begin())] = static_cast<unsigned>(weight);
  }
  sh.total_weight = 0;
  for (auto w : sh.weights) sh.total_weight += w;
  if (sh.total_weight == 0) {
    std::cerr << "pillarbox-loadgen: --mix: all weights are zero\n";
    return false;
  }
  return true;
}

bool load_accounts(Shared& sh) {
  if (!sh.opt.users_file.empty()) {
    std::ifstream in(sh.opt.users_file);
    if (!in) {
      std::cerr << "pillarbox-loadgen: cannot open " << sh.opt.users_file << "\n";
      return false;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      Account a;
      words >> a.user >> a.password;
      if (a.user.empty() || a.password.empty()) continue;
      sh.accounts.push_back(a);
    }
  } else {
    if (sh.opt.password.empty()) {
      std::cerr << "pillarbox-loadgen: give --password (or --users FILE)\n";
      return false;
    }
    for (unsigned i = 1; i <= sh.opt.accounts; ++i) {
      std::string user = sh.opt.user;
      auto at = user.find("%d");
      if (at != std::string::npos) user.replace(at, 2, std::to_string(i));
      sh.accounts.push_back({user, sh.opt.password});
      if (at == std::string::npos) break;  // one fixed account
    }
  }
  if (sh.accounts.empty()) {
    std::cerr << "pillarbox-loadgen: no accounts\n";
    return false;
  }
  return true;
}

struct Summary {
  std::uint64_t count, no, bad, failed, anomalies;
  double per_second;
  std::uint32_t p50, p90, p99, max;
  double mean;
};

Summary summarize(OpStats& s, double seconds) {
  Summary out{s.count, s.no, s.bad, s.failed, s.anomalies, seconds > 0 ? s.count / seconds : 0, 0, 0, 0, 0, 0};
  auto& v = s.latency_us;
  if (!v.empty()) {
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
    out.p50 = at(0.50);
    out.p90 = at(0.90);
    out.p99 = at(0.99);
    out.max = v.back();
    double sum = 0;
    for (auto x : v) sum += x;
    out.mean = sum / v.size();
  }
  return out;
}

int run(int argc, char** argv) {
  auto shared = std::make_unique<Shared>();
  Options& o = shared->opt;
  CLI::App app{"pillarbox-loadgen: concurrent IMAP sessions with a weighted command mix"};
  app.add_option("--host", o.host, "Server address (loopback only is the intent)");
  app.add_option("--port", o.ports,
                 "Server port; a comma-separated list spreads the clients over several servers (front ends "
                 "on one store): client i connects to the (i mod n)-th")
      ->delimiter(',');
  app.add_flag("--tls", o.tls, "Implicit TLS (the certificate is not verified)");
  app.add_option("--users", o.users_file, "File of \"address password\" lines");
  app.add_option("--user", o.user, "Account name; %d becomes 1..--accounts");
  app.add_option("--password", o.password, "Password of every --user account");
  app.add_option("--accounts", o.accounts, "Number of accounts for --user with %d");
  app.add_option("--clients", o.clients, "Concurrent sessions")->check(CLI::Range(1u, 100000u));
  app.add_option("--duration", o.duration, "Measured seconds")->check(CLI::Range(0.1, 86400.0));
  app.add_option("--warmup", o.warmup, "Seconds of load before measuring")->check(CLI::Range(0.0, 3600.0));
  app.add_option("--rate", o.rate,
                 "Operations per second of all clients together, each a Poisson process (0: closed loop, "
                 "each client sends its next operation as soon as the last is answered)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--seed", o.seed, "Random seed");
  app.add_option("--mailbox", o.mailbox, "Mailbox every client selects");
  app.add_option("--mix", o.mix, "Weights, e.g. " + o.mix);
  app.add_option("--corpus", o.corpus, "Directory of .eml files to APPEND and take SEARCH words from");
  app.add_option("--corpus-max", o.corpus_max, "Use at most this many corpus files, spread evenly over the sorted names (0: all)");
  app.add_option("--fetch-body-ratio", o.fetch_body_ratio, "Share of FETCHes that take BODY.PEEK[]")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--timeout", o.timeout, "Seconds a command may take before the connection is dropped");
  app.add_option("--threads", o.threads, "I/O threads of the load generator")->check(CLI::Range(1u, 64u));
  app.add_option("--json", o.json, "Write the JSON summary to this file ('-' for stdout)");
  app.add_option("--label", o.label, "Name of the server under test, copied into the output");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!load_accounts(*shared) || !parse_mix(*shared) || !load_corpus(*shared)) return 2;
  shared->exclusive = o.clients <= shared->accounts.size();

  asio::io_context io(static_cast<int>(o.threads));
  {
    std::error_code ec;
    tcp::resolver resolver(io);
    for (std::uint16_t port : o.ports) {
      auto results = resolver.resolve(o.host, std::to_string(port), ec);
      if (ec) {
        std::cerr << "pillarbox-loadgen: " << o.host << ": " << ec.message() << "\n";
        return 2;
      }
      auto& list = shared->endpoints.emplace_back();
      for (const auto& r : results) list.push_back(r.endpoint());
    }
  }
  if (o.tls) {
    shared->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    shared->tls->set_verify_mode(asio::ssl::verify_none);
  }

  std::vector<std::unique_ptr<Client>> clients;
  shared->launched = Clock::now();
  for (unsigned i = 0; i < o.clients; ++i) {
    asio::any_io_executor strand = asio::make_strand(io);  // one per client: its coroutines never race
    clients.push_back(std::make_unique<Client>(strand, *shared, i));
  }
  std::atomic<unsigned> crashed{0};
  auto on_exit = [&crashed](std::exception_ptr e) {
    if (!e) return;
    ++crashed;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "pillarbox-loadgen: client coroutine threw: " << x.what() << "\n";
    }
  };
  for (auto& c : clients) {
    asio::co_spawn(c->executor(), c->run(), on_exit);
    asio::co_spawn(c->executor(), c->watchdog(), on_exit);
  }
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < o.threads; ++i) extra.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();

  // Merge.
  Stats total;
  for (auto& c : clients) {
    Stats& s = c->stats();
    for (int op = 0; op < kOpCount; ++op) {
      auto& a = total.ops[op];
      auto& b = s.ops[op];
      a.count += b.count;
      a.no += b.no;
      a.bad += b.bad;
      a.failed += b.failed;
      a.anomalies += b.anomalies;
      a.latency_us.insert(a.latency_us.end(), b.latency_us.begin(), b.latency_us.end());
    }
    total.commands += s.commands;
    total.bytes_in += s.bytes_in;
    total.bytes_out += s.bytes_out;
    total.disconnects += s.disconnects;
    total.timeouts += s.timeouts;
    total.connect_failures += s.connect_failures;
    total.reconnects += s.reconnects;
    for (auto& x : s.samples)
      if (total.samples.size() < 40) total.samples.push_back(x);
  }
  double window = o.duration;
  double setup = std::chrono::duration<double>(Clock::time_point(Clock::duration(shared->start_ns.load())) -
                                               shared->launched)
                     .count();
  std::array<Summary, kOpCount> sums;
  std::uint64_t ops = 0, errors = 0, anomalies = 0, failed = 0;
  std::vector<std::uint32_t> all;
  for (int op = 0; op < kOpCount; ++op) {
    all.insert(all.end(), total.ops[op].latency_us.begin(), total.ops[op].latency_us.end());
    sums[op] = summarize(total.ops[op], window);
    if (op < kMixOps) ops += sums[op].count;
    errors += sums[op].no + sums[op].bad;
    anomalies += sums[op].anomalies;
    failed += sums[op].failed;
  }
  OpStats all_stats;
  all_stats.latency_us = std::move(all);
  all_stats.count = all_stats.latency_us.size();
  Summary overall = summarize(all_stats, window);

  // Human table.
  std::cout << fmt::format("{}: {} clients, {} accounts, {} s measured after {} s warm-up (set-up took {:.1f} s), "
                           "seed {}\n",
                           o.label.empty() ? fmt::format("{}:{}", o.host, fmt::join(o.ports, ",")) : o.label, o.clients,
                           shared->accounts.size(), o.duration, o.warmup, setup, o.seed);
  std::cout << fmt::format("{:<8} {:>9} {:>9} {:>5} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9}\n", "op", "count", "per s",
                           "NO", "BAD", "fail", "anom", "p50 us", "p90 us", "p99 us", "max us");
  for (int op = 0; op < kOpCount; ++op) {
    const auto& s = sums[op];
    std::cout << fmt::format("{:<8} {:>9} {:>9.1f} {:>5} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9}\n", kOpNames[op],
                             s.count, s.per_second, s.no, s.bad, s.failed, s.anomalies, s.p50, s.p90, s.p99, s.max);
  }
  std::cout << fmt::format("total: {} operations ({:.1f}/s), {} IMAP commands ({:.1f}/s), {} NO/BAD, {} failed, "
                           "{} anomalies; {} disconnects, {} timeouts, {} connect failures; "
                           "{:.1f} MB in, {:.1f} MB out\n",
                           ops, ops / window, total.commands, total.commands / window, errors, failed, anomalies,
                           total.disconnects, total.timeouts, total.connect_failures, total.bytes_in / 1e6,
                           total.bytes_out / 1e6);
  if (shared->failed_setup) std::cout << shared->failed_setup << " clients failed to set up\n";
  for (const auto& s : total.samples) std::cout << "  problem: " << s << "\n";

  if (!o.json.empty()) {
    std::string j = "{\n";
    j += fmt::format("  \"label\": \"{}\",\n  \"host\": \"{}\",\n  \"ports\": [{}],\n  \"tls\": {},\n",
                     json_escape(o.label), json_escape(o.host), fmt::join(o.ports, ", "), o.tls ? "true" : "false");
    j += fmt::format("  \"clients\": {},\n  \"accounts\": {},\n  \"exclusive_mailboxes\": {},\n", o.clients,
                     shared->accounts.size(), shared->exclusive ? "true" : "false");
    j += fmt::format("  \"duration_s\": {},\n  \"warmup_s\": {},\n  \"setup_s\": {:.3f},\n  \"seed\": {},\n", o.duration,
                     o.warmup, setup, o.seed);
    j += fmt::format("  \"rate_per_s\": {},\n", o.rate);
    j += fmt::format("  \"mix\": \"{}\",\n  \"fetch_body_ratio\": {},\n  \"corpus_messages\": {},\n  \"threads\": {},\n",
                     json_escape(o.mix), o.fetch_body_ratio, shared->corpus.size(), o.threads);
    j += fmt::format(
        "  \"totals\": {{\"operations\": {}, \"operations_per_s\": {:.1f}, \"commands\": {}, \"commands_per_s\": {:.1f}, "
        "\"no_bad\": {}, \"failed\": {}, \"anomalies\": {}, \"disconnects\": {}, \"timeouts\": {}, "
        "\"connect_failures\": {}, \"reconnects\": {}, \"failed_setup\": {}, \"bytes_in\": {}, \"bytes_out\": {}, "
        "\"p50_us\": {}, \"p90_us\": {}, \"p99_us\": {}, \"max_us\": {}}},\n",
        ops, ops / window, total.commands, total.commands / window, errors, failed, anomalies, total.disconnects,
        total.timeouts, total.connect_failures, total.reconnects, shared->failed_setup.load(), total.bytes_in,
        total.bytes_out, overall.p50, overall.p90, overall.p99, overall.max);
    j += "  \"ops\": {\n";
    for (int op = 0; op < kOpCount; ++op) {
      const auto& s = sums[op];
      j += fmt::format(
          "    \"{}\": {{\"count\": {}, \"per_s\": {:.1f}, \"no\": {}, \"bad\": {}, \"failed\": {}, \"anomalies\": {}, "
          "\"p50_us\": {}, \"p90_us\": {}, \"p99_us\": {}, \"max_us\": {}, \"mean_us\": {:.0f}}}{}\n",
          kOpNames[op], s.count, s.per_second, s.no, s.bad, s.failed, s.anomalies, s.p50, s.p90, s.p99, s.max, s.mean,
          op + 1 < kOpCount ? "," : "");
    }
    j += "  },\n  \"problems\": [";
    for (std::size_t i = 0; i < total.samples.size(); ++i)
      j += fmt::format("{}\n    \"{}\"", i ? "," : "", json_escape(total.samples[i]));
    j += total.samples.empty() ? "]\n}\n" : "\n  ]\n}\n";
    if (o.json == "-") {
      std::cout << j;
    } else {
      std::ofstream out(o.json);
      out << j;
      if (!out) {
        std::cerr << "pillarbox-loadgen: cannot write " << o.json << "\n";
        return 2;
      }
    }
  }
  if (crashed || shared->failed_setup == o.clients) return 2;
  return (failed || anomalies || total.disconnects || shared->failed_setup) ? 1 : 0;
}

}  // namespace
}  // namespace pillarbox::bench

int main(int argc, char** argv) { return pillarbox::bench::run(argc, argv); }
