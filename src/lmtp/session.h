// One LMTP connection (RFC 2033): greeting, LHLO, transactions of MAIL / RCPT / DATA with one
// reply per accepted recipient after DATA, RSET, NOOP, VRFY, QUIT. A coroutine on the
// connection's strand, like imap::Session; store calls run on the store pool.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/config.h"
#include "delivery/resolve.h"
#include "lmtp/command.h"
#include "protolog/session_log.h"
#include "session/idle_timer.h"
#include "session/line_framer.h"
#include "session/pool_call.h"
#include "session/registry.h"
#include "store/mail_store.h"

namespace pillarbox::lmtp {

/// What every LMTP session shares. Outlives all sessions.
struct ServerContext {
  const config::Config& config;
  store::MailStore& store;
  asio::thread_pool& store_pool;
  session::Registry& registry;
  protolog::Control* protolog;   ///< null: no protocol logging (issue 6)
};

class Session : public session::Closeable, public std::enable_shared_from_this<Session> {
 public:
  /// TCP and unix-domain connections alike.
  using Socket = asio::generic::stream_protocol::socket;

  /// `peer`: the client's address for the log ("127.0.0.1" or "unix").
  Session(ServerContext& context, Socket socket, std::string peer);
  ~Session() override;

  /// Runs the connection to its end. Must be spawned on the socket's strand.
  asio::awaitable<void> run();
  /// Ends the session with "421 4.3.2" after the command in progress (SIGTERM). A delivery in
  /// progress completes and is answered first; a message still being received is not stored.
  void request_shutdown(session::EndReason reason) override;

 private:
  struct Recipient {
    std::string address;                    ///< as given in RCPT TO, without brackets
    std::vector<delivery::Target> targets;  ///< resolved at RCPT time
  };
  enum class LineKind { line, too_long, closed };

  /// Runs a blocking store call (resolution, delivery) on the store threads with the timeout
  /// clock held, so a slow delivery never makes the session drop replies for stored mail.
  template <class F>
  auto held_store_call(F fn) {
    return session::on_pool_held(context_.store_pool, idle_, std::move(fn), store_timing_);
  }

  asio::awaitable<std::pair<LineKind, std::string>> next_line();
  /// Flushes replies, then reads more input; false when the connection has ended.
  asio::awaitable<bool> fill();
  asio::awaitable<void> flush();
  asio::awaitable<void> execute(std::string line);
  asio::awaitable<void> rcpt(std::string_view argument);
  asio::awaitable<void> data(std::string_view argument);
  asio::awaitable<void> watchdog();
  void reply(const Reply& r);
  void reset_transaction();
  /// What a delivery event says beyond the recipient and result, where known.
  struct DeliveryInfo {
    std::string_view account;
    std::string_view mailbox;
    std::uint64_t uid = 0;
    std::size_t octets = 0;
    std::string_view error;
  };
  /// The delivery event and pillarbox_deliveries_total{result} for the recipient `to`.
  void log_delivery(std::string_view to, std::string_view result, const DeliveryInfo& info);
  void touch();

  ServerContext& context_;
  Socket socket_;
  std::string peer_;
  std::string id_;
  std::string host_;
  session::LineFramer framer_;
  std::string in_;          // bytes read, not yet consumed from in_pos_
  std::size_t in_pos_ = 0;
  std::string out_;         // replies not yet written
  bool greeted_ = false;    // LHLO seen
  std::optional<std::string> sender_;   // MAIL FROM of the open transaction
  std::vector<Recipient> recipients_;   // accepted RCPTs, in order
  std::uint32_t errors_ = 0;            // protocol errors in this connection
  std::unique_ptr<session::Registry::Registration> registration_;
  std::unique_ptr<protolog::SessionLog> protocol_log_;
  bool awaiting_command_ = false;  // the read loop waits for a new command and has none of it
  session::IdleTimer idle_;
  session::CommandClock command_clock_;   // the command deadline: a line, or DATA to its dot
  std::size_t last_read_ = 0;             // octets of the read fill() made, not timed yet
  bool ending_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;
  bool quit_ = false;   // the client said QUIT
  metrics::Traffic traffic_{"lmtp"};
  metrics::Histogram* store_timing_ = nullptr;   // the running command's store latency
};

}  // namespace pillarbox::lmtp
