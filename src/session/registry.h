// Live sessions and the connection limits (SPEC "Connection limits and licensing modes", seeds
// 000 and 002): shutdown says BYE to each, `pillarbox who` lists them, `pillarbox kick` ends an
// account's, and every admission and login is checked against the limits here, under one lock,
// so the counts are exact whichever way a session ends.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"

namespace pillarbox::session {

enum class Protocol { imap, pop3, lmtp };
/// "imap", "pop3" or "lmtp".
std::string_view protocol_name(Protocol p);

/// Why a session is asked to end before its client is done.
enum class EndReason {
  shutdown,   ///< the server is stopping (SIGTERM/SIGINT)
  kicked,     ///< `pillarbox kick` named its account
};

/// Something that can be told to end: it says BYE and closes on its own strand.
class Closeable {
 public:
  virtual ~Closeable() = default;
  /// Thread-safe; returns at once. The session ends soon after.
  virtual void request_shutdown(EndReason reason) = 0;
};

/// How IMAP and POP3 sessions are counted against limits.max_connections (seed 000).
enum class Counting {
  per_connection,   ///< every session takes one of max_connections, from its first byte
  per_user,         ///< a person takes one seat however many sessions they open; seats are
                    ///< taken at login
};

/// The limits the registry enforces; 0 never occurs (config validation requires >= 1).
struct ConnectionLimits {
  std::uint32_t max_connections = 10000;
  std::uint32_t max_connections_per_user = 20;
  std::uint32_t max_connections_per_ip = 100;
  Counting counting = Counting::per_connection;
  static ConnectionLimits from(const config::Limits& limits);
};

/// How long a refused connection (not counted) may take to complete its TLS handshake and read
/// its refusal before it is closed, in seconds (at most limits.login_timeout_seconds).
inline constexpr std::uint32_t kRefusalSeconds = 5;

/// What a session is refused for, if anything.
enum class Refusal {
  none,
  server_full,   ///< at connect, per-connection counting: max_connections sessions are open
  ip_full,       ///< at connect: max_connections_per_ip sessions from this address
  user_full,     ///< at login: max_connections_per_user sessions of this account
  seats_full,    ///< at login, per-user counting: max_connections other people are logged in
};

/// One live session as `pillarbox who` shows it.
struct SessionInfo {
  std::string id;              ///< the session id in the server log
  Protocol protocol = Protocol::imap;
  std::string remote;          ///< client IP address, no port
  std::uint16_t remote_port = 0;
  std::string tls;             ///< "" when not encrypted, else e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384"
  std::int64_t started = 0;    ///< Unix time, seconds
  std::string state;           ///< protocol state, e.g. "not authenticated", "selected"
  std::string account;         ///< "" before login
  std::string mailbox;         ///< selected mailbox (IMAP), "" when none
};

/// The counters `who` and the metrics report.
struct Usage {
  Counting counting = Counting::per_connection;
  std::uint32_t capacity = 0;        ///< max_connections
  std::size_t in_use = 0;            ///< connections (per-connection) or seats (per-user) taken
  std::size_t sessions = 0;          ///< every live session, LMTP included
  std::size_t counted_sessions = 0;  ///< IMAP and POP3 sessions
  std::size_t logged_in = 0;         ///< IMAP and POP3 sessions with an account
  std::size_t accounts = 0;          ///< distinct accounts logged in
  std::size_t by_protocol[3] = {};   ///< live sessions, indexed by Protocol
  std::uint64_t refused[5] = {};     ///< refusals since start, indexed by Refusal (none unused)
};

/// Thread-safe set of live sessions. Each session holds a Registration for its lifetime (RAII),
/// so every way out of a session (LOGOUT, reset, timeout, exception) gives its place back.
class Registry {
 public:
  class Registration;

  explicit Registry(ConnectionLimits limits = {}) : limits_(limits) {}

  /// The result of admit(): a registration, or the refusal and no registration.
  struct Admission {
    std::unique_ptr<Registration> registration;
    Refusal refusal = Refusal::none;
    /// shutdown_all() has run: the session is to say goodbye at once (no other will tell it).
    bool stopping = false;
  };
  /// Admits a new connection (IMAP and POP3 are checked against the limits; LMTP only listed).
  /// `info.account` must be empty. Refused connections are not listed.
  Admission admit(std::weak_ptr<Closeable> session, SessionInfo info);

  /// Asks every live session to end; sessions admitted afterwards learn it from Admission.
  void shutdown_all();
  /// Asks every session of `account` (lower-case address) to end; returns how many.
  std::size_t kick(std::string_view account);
  /// Every live session, oldest first.
  std::vector<SessionInfo> snapshot() const;
  Usage usage() const;
  const ConnectionLimits& limits() const { return limits_; }
  /// Number of live sessions.
  std::size_t size() const;

  class Registration {
   public:
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { registry_->remove(number_); }

    /// Takes the account's place under the limits at login: Refusal::user_full or
    /// Refusal::seats_full leave the session logged out; Refusal::none records the account.
    Refusal log_in(const std::string& account);
    /// Gives the account's place back when a login that log_in() admitted fails afterwards.
    void log_out();
    /// Updates what `who` shows.
    void set_state(std::string_view state, std::string_view mailbox = {});
    void set_tls(std::string description);

   private:
    friend class Registry;
    Registration(Registry& r, std::uint64_t number) : registry_(&r), number_(number) {}
    Registry* registry_;
    std::uint64_t number_;
  };

 private:
  struct Entry {
    std::weak_ptr<Closeable> session;
    SessionInfo info;
  };
  static bool counted(Protocol p) { return p != Protocol::lmtp; }
  void remove(std::uint64_t number);

  const ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::uint64_t next_number_ = 1;
  bool stopping_ = false;
  std::unordered_map<std::uint64_t, Entry> sessions_;
  // Kept in step with sessions_ under mutex_, so admission is O(1) and the counts are exact.
  std::size_t counted_ = 0;
  std::size_t logged_in_ = 0;
  std::size_t by_protocol_[3] = {};
  std::uint64_t refused_[5] = {};
  std::unordered_map<std::string, std::size_t> per_ip_;
  std::unordered_map<std::string, std::size_t> per_account_;
};

/// The client-facing text for a refusal, naming the limit, e.g.
/// "All 10 seats are in use; try again later".
std::string refusal_text(Refusal refusal, const ConnectionLimits& limits);
/// "server_full", "ip_full", ... for log lines.
std::string_view refusal_name(Refusal refusal);

}  // namespace pillarbox::session
