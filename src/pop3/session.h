// One POP3 connection (RFC 1939 §3-§6, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH): the read
// loop over the line reader, the command table, the AUTHORIZATION and TRANSACTION states (UPDATE
// is QUIT's work, not a state one can stay in), the login and idle timers, and shutdown.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "config/config.h"
#include "net/stream.h"
#include "net/tls.h"
#include "protolog/session_log.h"
#include "session/idle_timer.h"
#include "session/line_framer.h"
#include "pop3/locks.h"
#include "pop3/maildrop.h"
#include "session/pool_call.h"
#include "session/registry.h"
#include "store/mail_store.h"

namespace asio::ssl {
class context;
}

namespace pillarbox::auth {
class Authenticator;
}

namespace pillarbox::pop3 {

/// What every POP3 session shares. Outlives all sessions.
struct ServerContext {
  const config::Config& config;
  store::MailStore& store;
  auth::Authenticator& authenticator;
  asio::thread_pool& store_pool;
  net::ServerTls* tls;                       ///< null when TLS is not configured
  session::Registry& registry;
  MaildropLocks& locks;                      ///< one TRANSACTION per account (RFC 1939 §8)
  protolog::Control* protolog;               ///< null: no protocol logging (issue 6)
};

/// The status line that ends a command: "+OK text" or "-ERR [CODE] text", with an optional
/// RFC 2449 §8 / RFC 3206 response code (without brackets: "AUTH", "IN-USE", "SYS/TEMP").
struct Reply {
  bool ok = true;
  std::string code;
  std::string text;
  bool sent = false;   ///< the handler already wrote its whole response (multi-line answers)
  static Reply already_sent() { Reply r; r.sent = true; return r; }
  static Reply success(std::string text) { return {true, {}, std::move(text)}; }
  static Reply error(std::string text, std::string code = {}) { return {false, std::move(code), std::move(text)}; }
};

/// A command being run: its upper-cased keyword, its arguments split at single spaces (empty
/// for commands that take their argument raw), and the text after the keyword's SP verbatim.
struct Request {
  std::string name;
  std::vector<std::string> args;
  std::string rest;
  bool has_rest = false;
};

class Session : public session::Closeable, public std::enable_shared_from_this<Session> {
 public:
  /// RFC 1939 §4. `user` is the name given by a successful USER, which only the PASS right
  /// after it may use.
  struct Authorization {
    std::optional<std::string> user;
  };
  /// RFC 1939 §5: logged in, holding the maildrop lock, with the snapshot taken at login.
  struct Transaction {
    store::Account account;
    store::MailboxId mailbox = 0;
    Maildrop maildrop;
    std::unique_ptr<MaildropLocks::Lock> lock;
  };
  using State = std::variant<Authorization, Transaction>;

  /// What the line reader produced for the session.
  struct Input {
    enum class Kind { line, too_long, closed };
    Kind kind = Kind::closed;
    std::string text;
  };

  Session(ServerContext& context, asio::ip::tcp::socket socket, bool implicit_tls);
  ~Session() override;

  /// Runs the connection to its end: greeting, commands, QUIT or close. Spawn it on a strand.
  asio::awaitable<void> run();
  void request_shutdown(session::EndReason reason) override;

  // --- for command handlers -----------------------------------------------------------------
  ServerContext& context() { return context_; }
  const config::Config& config() const { return context_.config; }
  store::MailStore& store() { return context_.store; }
  net::Stream& stream() { return stream_; }
  const std::string& id() const { return id_; }
  /// The AUTHORIZATION state, or null once logged in.
  Authorization* authorization() { return std::get_if<Authorization>(&state_); }
  /// The TRANSACTION state, or null before login.
  Transaction* transaction() { return std::get_if<Transaction>(&state_); }
  /// The account in TRANSACTION state, "" before.
  std::string_view logged_in_account();
  void set_state(State state);
  /// This session's place in the registry (limits, `who`); null only before run() admits it.
  session::Registry::Registration* registration() { return registration_.get(); }

  /// Runs a blocking store call on the store threads (DESIGN §1), autologout clock held; its
  /// time counts in pillarbox_store_duration_seconds under the command being run.
  template <class F>
  auto store_call(F fn) {
    return session::on_pool_held(context_.store_pool, idle_, std::move(fn), store_timing_);
  }

  /// Runs a blocking call on `pool` (the authenticator's hash pool), autologout clock held, so
  /// a login queued behind many others is never timed out for the server's slowness.
  template <class F>
  auto held_pool_call(asio::thread_pool& pool, F fn) {
    return session::on_pool_held(pool, idle_, std::move(fn));
  }

  /// Queues raw bytes (CRLF-terminated lines).
  void write(std::string_view bytes) { out_ += bytes; }
  /// Queues `content` as the body of a multi-line response, byte-stuffed and terminated
  /// (RFC 1939 §3), writing whenever the queue passes limits.max_output_buffer_octets so a
  /// large message never sits in memory twice.
  asio::awaitable<void> write_multiline(std::string_view content);
  /// Writes everything queued.
  asio::awaitable<void> flush();
  /// Writes when the queue passes limits.max_output_buffer_octets (long LIST/UIDL listings).
  asio::awaitable<void> flush_if_full();
  /// Reads the next line for a SASL exchange (RFC 5034 §4), after writing what is queued.
  asio::awaitable<Input> read_continuation();

  /// The CAPA lines (RFC 2449 §5) for the current state and transport, without CRLF.
  std::vector<std::string> capabilities() const;
  /// True when USER/PASS and AUTH PLAIN/LOGIN may be used now ([auth] plaintext_without_tls).
  bool plaintext_allowed() const;
  /// True when STLS can be offered: TLS configured and not yet in use.
  bool tls_available() const;
  /// Upgrades to TLS after "+OK Begin TLS negotiation" was queued (STLS). False when the
  /// handshake failed; the connection is then closed.
  asio::awaitable<bool> start_tls();
  /// Ends the session after the current reply (QUIT).
  void end_after_reply() { ending_ = true; }

 private:
  asio::awaitable<Input> next_input();
  asio::awaitable<void> execute(const std::string& line);
  asio::awaitable<void> watchdog();
  void touch();

  ServerContext& context_;
  net::Stream stream_;
  bool implicit_tls_;
  session::LineFramer reader_;
  State state_;
  std::string in_;          // bytes read but not yet framed
  std::size_t in_pos_ = 0;
  std::string out_;         // responses not yet written
  std::string id_;
  std::unique_ptr<session::Registry::Registration> registration_;
  std::unique_ptr<protolog::SessionLog> protocol_log_;
  bool awaiting_command_ = false;  // the read loop waits for a new command and has none of it
  session::EndReason end_reason_ = session::EndReason::shutdown;
  session::IdleTimer idle_;
  session::CommandClock command_clock_;   // the command deadline, fed by next_input()
  std::size_t last_read_ = 0;             // octets of the read next_input() has not timed yet
  bool ending_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;
  std::uint32_t errors_in_a_row_ = 0;
  metrics::Traffic traffic_{"pop3"};
  metrics::Histogram* store_timing_ = nullptr;   // the running command's store latency
};

/// Starts listening on `endpoint` ("host:port") and serving POP3; with `implicit_tls` every
/// connection begins with a TLS handshake (port 995, RFC 8314 §3.3). Errors name the address.
Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint, bool implicit_tls);

}  // namespace pillarbox::pop3
