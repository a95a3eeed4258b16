// One IMAP connection (RFC 3501 §3, §5): the read loop over the framer, the command table, the
// session state (not authenticated / authenticated / selected) and the untagged updates that
// keep the client's view of the selected mailbox in step with the store.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "config/config.h"
#include "imap/framer.h"
#include "imap/parser.h"
#include "imap/selected.h"
#include "net/stream.h"
#include "net/tls.h"
#include "protolog/session_log.h"
#include "session/idle_timer.h"
#include "session/pool_call.h"
#include "session/registry.h"
#include "store/mail_store.h"

namespace asio::ssl {
class context;
}

namespace pillarbox::auth {
class Authenticator;
}

namespace pillarbox::imap {

/// What every IMAP session shares. Outlives all sessions.
struct ServerContext {
  const config::Config& config;
  store::MailStore& store;
  auth::Authenticator& authenticator;
  asio::thread_pool& store_pool;
  net::ServerTls* tls;                       ///< null when TLS is not configured
  session::Registry& registry;
  protolog::Control* protolog;               ///< null: no protocol logging (issue 6)
};

/// The tagged completion of a command (RFC 3501 §7.1): OK, NO or BAD with an optional
/// RFC 5530 response code (without brackets) and human-readable text.
struct Reply {
  enum class Status { ok, no, bad };
  Status status = Status::ok;
  std::string code;
  std::string text;
  bool sent = false;   ///< the handler already wrote the tagged line (STARTTLS)
  /// An expunging command (EXPUNGE, UID EXPUNGE, MOVE): once QRESYNC is on, an OK without a
  /// code gets [HIGHESTMODSEQ n] as of after the sync that announces the expunges, so the
  /// client can resume from it (RFC 7162 §3.2; RFC 6851 §4.4's example; Dovecot does so).
  bool highestmodseq_after_sync = false;
  static Reply already_sent() { Reply r; r.sent = true; return r; }
  static Reply ok(std::string text, std::string code = {}) { return {Status::ok, std::move(code), std::move(text)}; }
  static Reply no(std::string code, std::string text) { return {Status::no, std::move(code), std::move(text)}; }
  static Reply bad(std::string text) { return {Status::bad, {}, std::move(text)}; }
};

/// A command being run: its tag, its upper-cased name, whether it came with the UID prefix, and
/// the parser positioned after the name (and its SP, if any).
struct Request {
  std::string tag;
  std::string name;
  bool uid = false;
  Parser& parser;
};

/// Extensions a client turns on for the rest of the connection (RFC 5161 ENABLE), as bits.
enum Extension : std::uint32_t {
  kCondstore = 1u << 0,  ///< RFC 7162 §3.1: also on after any CONDSTORE-enabling command
  kQresync = 1u << 1,    ///< RFC 7162 §3.2: only by ENABLE; implies kCondstore
};

class Session : public session::Closeable, public std::enable_shared_from_this<Session> {
 public:
  struct NotAuthenticated {};
  struct Authenticated {
    store::Account account;
  };
  struct Selected {
    store::Account account;
    std::unique_ptr<SelectedMailbox> mailbox;
  };
  using State = std::variant<NotAuthenticated, Authenticated, Selected>;

  Session(ServerContext& context, asio::ip::tcp::socket socket, bool implicit_tls);
  ~Session() override;

  /// Runs the connection to its end: greeting, commands, BYE. Must be spawned on a strand.
  asio::awaitable<void> run();
  void request_shutdown(session::EndReason reason) override;

  // --- for command handlers -----------------------------------------------------------------
  ServerContext& context() { return context_; }
  const config::Config& config() const { return context_.config; }
  store::MailStore& store() { return context_.store; }
  net::Stream& stream() { return stream_; }
  /// The logged-in account, or null before authentication.
  const store::Account* account() const;
  /// The selected mailbox, or null when none is selected.
  SelectedMailbox* selected();
  void set_state(State state);
  /// Closes the selected mailbox (CLOSE, UNSELECT, failed SELECT) keeping the login.
  void deselect();

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

  /// Queues "* <line>\r\n".
  void untagged(std::string_view line);
  /// Queues raw bytes (already CRLF-terminated, may contain literals).
  void write(std::string_view bytes);
  /// Writes everything queued.
  asio::awaitable<void> flush();
  /// Writes when the queue passes limits.max_output_buffer_octets (big FETCH responses).
  asio::awaitable<void> flush_if_full();
  /// Reads the next line from the client for a continuation (AUTHENTICATE), after flushing;
  /// nullopt when the connection ended.
  asio::awaitable<std::optional<std::string>> read_continuation();
  /// Announces what changed in the selected mailbox since the last sync: EXPUNGE, or VANISHED
  /// once QRESYNC is on (only when `allow_expunge`, RFC 3501 §7.4.1), EXISTS, RECENT, FETCH
  /// FLAGS (with UID and MODSEQ once CONDSTORE is on), FLAGS. False when the changes could
  /// not be read (logged; the change flag stays set) or the mailbox was deleted (then
  /// mailbox_deleted() is true and the session ends with BYE after the command).
  asio::awaitable<bool> sync(bool allow_expunge);
  /// The selected mailbox was deleted by another session: no tagged answer follows, the
  /// session says BYE and ends (as Dovecot does; RFC 3501 leaves it to the server).
  bool mailbox_deleted() const { return mailbox_deleted_; }

  /// True when `ext` is on for this connection (ENABLE, or a CONDSTORE-enabling command).
  bool enabled(Extension ext) const { return (extensions_ & ext) != 0; }
  /// Turns extensions on (bits of Extension) for the rest of the connection.
  void enable(std::uint32_t extensions) { extensions_ |= extensions; }
  /// What ended a wait_in_idle().
  enum class IdleWake {
    line,       ///< the client sent a line (DONE or anything else), or one the framer refused
    changed,    ///< the selected mailbox changed: sync() and flush()
    deadline,   ///< `until` passed (the keepalive is due)
    end,        ///< the session must end (shutdown, kick, autologout, the client left): the
                ///< run loop says BYE, so the command returns Reply::already_sent()
  };
  /// RFC 2177 IDLE: waits, reading nothing but the client's next line, until that line is
  /// complete (then in `line`; "" when the framer refused it as too long), the selected
  /// mailbox's change flag is set (only when `watch_changes`), `until` passes, or the session
  /// must end. Holds no thread and no read buffer beyond a few hundred octets in flight.
  asio::awaitable<IdleWake> wait_in_idle(std::chrono::steady_clock::time_point until, bool watch_changes,
                                         std::string& line);
  /// The change-bus listener for the selected mailbox (called on a store thread): sets `dirty`
  /// and, when it was clear, posts a wake-up to this session's strand so a session in IDLE
  /// announces the change at once. Holds the session weakly.
  store::ChangeListener change_listener(std::shared_ptr<std::atomic<bool>> dirty);
  /// The autologout timer (RFC 9051 §5.4), for IDLE, which keeps its deadline across syncs.
  session::IdleTimer& autologout() { return idle_; }

  /// The CAPABILITY list for the current state, without "CAPABILITY" itself.
  std::string capabilities() const;
  /// True when LOGIN / AUTHENTICATE PLAIN may be used now (RFC 3501 §6.2.3, [auth] config).
  bool plaintext_allowed() const;
  /// Upgrades to TLS after "OK Begin TLS" was written (STARTTLS).
  asio::awaitable<bool> start_tls();
  /// The autologout goodbye: which deadline passed (idle, login or command timeout).
  std::string_view autologout_text() const;
  /// Starts DEFLATE after "OK DEFLATE active" was queued (COMPRESS, RFC 4978 §3): writes that
  /// answer uncompressed, then compresses both ways; what the client sent after the command is
  /// compressed data. False (the session ends) when zlib has no memory.
  asio::awaitable<bool> start_compression();
  /// Ends the session after the current command (LOGOUT).
  void end_after_reply() { ending_ = true; }
  const std::string& id() const { return id_; }
  /// The command being run, as the metrics name it ("FETCH", "UID FETCH", "other").
  std::string_view command_name() const { return command_name_; }
  /// This session's place in the registry (limits, `who`); null only before run() admits it.
  session::Registry::Registration* registration() { return registration_.get(); }

 private:
  asio::awaitable<std::optional<std::string>> next_command();
  /// Notes why a read ended: a broken DEFLATE stream sets compress_failed_ (logged), so the
  /// session says BYE; anything else is the client leaving.
  void read_failed(const std::error_code& ec);
  /// What drain_input() found in the buffered input.
  struct Drained {
    std::optional<std::string> command;   ///< a complete command
    bool refused = false;                 ///< a line or literal was refused (too long, too big)
    bool end = false;                     ///< the connection must end (BYE already queued)
  };
  /// Frames the buffered input up to the first complete command; answers the framer's
  /// continuation requests and refusals on the way.
  asio::awaitable<Drained> drain_input();
  /// One read of at most a few hundred octets during IDLE into in_; wakes wait_in_idle().
  asio::awaitable<void> idle_read();
  asio::awaitable<void> execute(std::string command);
  asio::awaitable<void> say_bye(std::string_view text);
  /// The text of NO [TOOBIG] after Framer::Event::literal_too_big, naming the limit passed.
  std::string too_big_text() const;
  asio::awaitable<void> watchdog();
  /// Between commands: lets a `pillarbox log on|off` or a login start or stop the transcript.
  asio::awaitable<void> protocol_log_boundary();
  /// The one place that tells the client of expunges (pending_expunges): one EXPUNGE per
  /// message, or a single VANISHED line once QRESYNC is on (RFC 7162 §3.2.10).
  void announce_expunges(SelectedMailbox& sel);
  void touch();

  ServerContext& context_;
  net::Stream stream_;
  bool implicit_tls_;
  Framer framer_;
  State state_;
  std::string in_;         // bytes read but not yet framed
  std::size_t in_pos_ = 0;
  std::string out_;        // responses not yet written
  std::string id_;
  std::unique_ptr<session::Registry::Registration> registration_;
  std::unique_ptr<protolog::SessionLog> protocol_log_;
  bool awaiting_command_ = false;  // the read loop waits for a new command and has none of it
  session::IdleTimer idle_;
  session::CommandClock command_clock_;   // the command deadline, fed by next_command()
  std::size_t last_read_ = 0;             // octets of the read next_command() has not timed yet
  asio::steady_timer wake_;        // wait_in_idle() sleeps on it; cancelled to wake it
  bool idle_reading_ = false;      // an idle_read() is in flight
  bool idle_read_ended_ = false;   // the client closed the connection (or the read failed)
  bool ending_ = false;
  bool shutting_down_ = false;
  session::EndReason end_reason_ = session::EndReason::shutdown;
  bool closed_ = false;
  bool compress_failed_ = false;   // the client's compressed data was broken
  bool mailbox_deleted_ = false;   // the selected mailbox is gone: BYE, end
  std::uint32_t bad_in_a_row_ = 0;
  metrics::Traffic traffic_{"imap"};
  metrics::Histogram* store_timing_ = nullptr;   // the running command's store latency
  std::string_view command_name_ = "other";
  std::uint32_t extensions_ = 0;   // bits of Extension
};

/// Starts listening on `endpoint` ("host:port") and serving IMAP; with `implicit_tls` every
/// connection begins with a TLS handshake. Errors name the address.
Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint, bool implicit_tls);

}  // namespace pillarbox::imap
