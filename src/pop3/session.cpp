#include "pop3/session.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "base/log.h"
#include "net/listener.h"
#include "session/connection.h"
#include "session/events.h"
#include "pop3/command.h"
#include "pop3/commands.h"
#include "pop3/multiline.h"

namespace pillarbox::pop3 {
namespace {

std::string new_session_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

}  // namespace

Session::Session(ServerContext& context, asio::ip::tcp::socket socket, bool implicit_tls)
    : context_(context),
      stream_(std::move(socket)),
      implicit_tls_(implicit_tls),
      reader_(static_cast<std::size_t>(context.config.limits.max_line_octets)),
      id_(new_session_id()),
      idle_(stream_.get_executor()),
      command_clock_(idle_, context.config.limits.command_timeout_seconds,
                     context.config.limits.min_command_octets_per_second) {}

Session::~Session() = default;

void Session::set_state(State state) {
  state_ = std::move(state);
  if (transaction()) idle_.clear_limit(session::IdleTimer::Limit::login);
  touch();
  if (registration_) registration_->set_state(transaction() ? "transaction" : "authorization");
}

asio::awaitable<void> Session::flush() {
  if (out_.empty() || closed_) {
    out_.clear();
    co_return;
  }
  std::string data;
  data.swap(out_);
  if (protocol_log_) protocol_log_->server(data);
  std::error_code ec;
  traffic_.sent(data.size());
  co_await stream_.write(data, ec);
  if (ec) {
    closed_ = true;
    stream_.close();
  }
}

asio::awaitable<void> Session::flush_if_full() {
  if (out_.size() >= config().limits.max_output_buffer_octets) co_await flush();
}

asio::awaitable<void> Session::write_multiline(std::string_view content) {
  const std::size_t limit = static_cast<std::size_t>(config().limits.max_output_buffer_octets);
  DotStuffer stuffer;
  while (!content.empty() && !closed_) {
    const std::size_t n = std::min(content.size(), limit);
    stuffer.append(out_, content.substr(0, n));
    content.remove_prefix(n);
    if (out_.size() >= limit) co_await flush();
  }
  stuffer.finish(out_);
}

bool Session::plaintext_allowed() const {
  if (stream_.is_tls()) return true;
  switch (config().plaintext_without_tls) {
    case config::Plaintext::always: return true;
    case config::Plaintext::loopback: return stream_.remote_is_loopback();
    case config::Plaintext::never: return false;
  }
  return false;
}

bool Session::tls_available() const { return context_.tls && !stream_.is_tls(); }

std::vector<std::string> Session::capabilities() const {
  // RFC 2449 §5: the list may differ between states; in TRANSACTION only what still applies.
  std::vector<std::string> caps{"TOP", "UIDL", "RESP-CODES", "PIPELINING"};
  if (std::holds_alternative<Authorization>(state_)) {
    caps.emplace_back("AUTH-RESP-CODE");   // RFC 3206 §3
    // SCRAM never shows the password, so it is offered where plaintext is not; -PLUS needs TLS.
    std::string sasl = "SASL";
    if (plaintext_allowed()) {
      caps.emplace_back("USER");
      sasl += " PLAIN LOGIN";
    }
    sasl += " SCRAM-SHA-256";
    if (stream_.is_tls()) sasl += " SCRAM-SHA-256-PLUS";
    caps.push_back(std::move(sasl));
    // RFC 2595 §4: STLS only while it can be used, so never again once TLS is up.
    if (tls_available()) caps.emplace_back("STLS");
  }
  caps.emplace_back("IMPLEMENTATION Pillarbox");
  return caps;
}

void Session::touch() {
  // RFC 1939 §3: an autologout timer of at least 10 minutes once logged in
  // (limits.idle_timeout_seconds, 30 minutes by default); a short one before.
  auto limit = std::holds_alternative<Transaction>(state_) ? config().limits.idle_timeout_seconds
                                                           : config().limits.login_timeout_seconds;
  idle_.touch(limit);
}

void Session::request_shutdown(session::EndReason reason) {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self, reason] {
    self->shutting_down_ = true;
    self->end_reason_ = reason;
    self->stream_.cancel();
  });
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();  // the session outlives the wait
  co_await session::watch_idle(idle_, stream_, id_);
}

asio::awaitable<bool> Session::start_tls() {
  co_await flush();
  // Whatever the client pipelined after STLS came in the clear and must not be executed
  // (RFC 2595 §4; the STARTTLS command-injection class of bugs).
  in_.clear();
  in_pos_ = 0;
  reader_.reset();
  std::error_code ec;
  co_await stream_.start_tls(context_.tls->current(), ec);
  if (ec) {
    session::log_tls_failure(stream_, id_, "pop3", "stls", ec.message());
    closed_ = true;
    stream_.close();
    co_return false;
  }
  // RFC 2595 §4: the client discards what it learnt before TLS; so does the server.
  state_ = Authorization{};
  if (registration_) registration_->set_tls(stream_.tls_description());
  if (protocol_log_) protocol_log_->set_tls(stream_.tls_description());
  co_return true;
}

asio::awaitable<Session::Input> Session::next_input() {
  for (;;) {
    while (in_pos_ < in_.size()) {
      auto step = reader_.feed(std::string_view(in_).substr(in_pos_));
      in_pos_ += step.consumed;
      if (step.consumed > 0) awaiting_command_ = false;
      if (step.event == session::LineFramer::Event::line) {
        command_clock_.progress(false, std::exchange(last_read_, 0));
        co_return Input{Input::Kind::line, reader_.take_line()};
      }
      if (step.event == session::LineFramer::Event::too_long) {
        command_clock_.progress(false, std::exchange(last_read_, 0));
        co_return Input{Input::Kind::too_long, {}};
      }
    }
    // A line begun and not ended is on the command deadline (slow senders).
    command_clock_.progress(reader_.in_line(), std::exchange(last_read_, 0));
    in_.clear();
    in_pos_ = 0;
    // The replies to a pipelined batch go out together, before the next read (RFC 2449 §6.6).
    co_await flush();
    if (closed_ || shutting_down_ || idle_.expired()) co_return Input{};
    in_.resize(8192);
    std::error_code ec;
    std::size_t n = co_await stream_.read_some(asio::buffer(in_), ec);
    in_.resize(n);
    traffic_.received(n);
    last_read_ = n;
    if (ec || n == 0) {
      in_.clear();
      co_return Input{};
    }
    if (protocol_log_) {
      // Waiting for a command with nothing of it read: a `log on` since the last command starts
      // the transcript with these bytes ("takes effect at once", not one command late).
      bool fed = false;
      const std::string_view account_name = logged_in_account();
      if (awaiting_command_ && protocol_log_->due(account_name)) fed = protocol_log_->update(account_name, in_);
      if (!fed) protocol_log_->client(in_);
    }
    touch();
  }
}

std::string_view Session::logged_in_account() {
  return transaction() ? std::string_view(transaction()->account.address) : std::string_view();
}

asio::awaitable<Session::Input> Session::read_continuation() { co_return co_await next_input(); }

asio::awaitable<void> Session::execute(const std::string& line) {
  Reply reply;
  auto parsed = parse_command(line);
  const CommandSpec* spec = parsed.ok() ? find_command(parsed->name) : nullptr;
  // Counted and timed whichever way the command ends; a name not in the table is "other".
  metrics::CommandTimer timer(command_metrics().find(spec ? spec->name : "other"));
  store_timing_ = timer.series().store;
  const bool logged_in = std::holds_alternative<Transaction>(state_);
  // RFC 1939 §7: PASS may only be given immediately after a successful USER.
  if (auto* a = authorization(); a && !(spec && spec->name == "PASS")) a->user.reset();
  if (!parsed.ok()) {
    reply = Reply::error(parsed.error().text);
  } else if (!spec) {
    reply = Reply::error("Unknown command");
  } else if (!(spec->states & (logged_in ? kTransaction : kAuthorization))) {
    reply = Reply::error(fmt::format("{} is not valid {} login", spec->name, logged_in ? "after" : "before"));
  } else {
    Request request{parsed->name, {}, parsed->rest, parsed->has_rest};
    std::optional<Error> bad_args;
    if (!spec->raw_argument) {
      auto args = split_arguments(*parsed);
      if (args.ok()) request.args = std::move(*args);
      else bad_args = args.error();
    }
    if (bad_args) {
      reply = Reply::error(bad_args->text);
    } else {
      try {
        reply = co_await spec->handler(*this, request);
      } catch (const std::exception& e) {
        log::error("session={} command {} failed: {}", id_, spec->name, e.what());
        reply = Reply::error("Internal error; the administrator can find details in the log", "SYS/PERM");
      }
    }
    if (closed_) co_return;
  }
  if (reply.ok) errors_in_a_row_ = 0;
  else ++errors_in_a_row_;
  if (reply.sent) co_return;
  out_ += reply.ok ? "+OK" : "-ERR";
  if (!reply.code.empty()) out_ += fmt::format(" [{}]", reply.code);
  if (!reply.text.empty()) out_ += " " + reply.text;
  out_ += "\r\n";
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  auto admission = context_.registry.admit(weak_from_this(), session::new_session_info(stream_, id_, session::Protocol::pop3,
                                                                                      "authorization"));
  registration_ = std::move(admission.registration);
  if (admission.stopping) shutting_down_ = true;   // accepted while the server stops
  // Logged in within login_timeout_seconds of connecting, however busy the client keeps the
  // connection (the TLS handshake included); the server's own waits do not count.
  idle_.set_limit(session::IdleTimer::Limit::login,
                  std::chrono::steady_clock::now() + std::chrono::seconds(config().limits.login_timeout_seconds));
  touch();
  // A refused connection is not counted, so it gets only a few seconds for its TLS handshake
  // and its refusal: otherwise one address could hold uncounted connections on the TLS port
  // for a whole login timeout each, past max_connections_per_ip.
  if (admission.refusal != session::Refusal::none)
    idle_.touch(std::min<std::uint32_t>(config().limits.login_timeout_seconds, session::kRefusalSeconds));
  asio::co_spawn(stream_.get_executor(), watchdog(), asio::detached);
  const bool started = co_await session::begin_connection(stream_, implicit_tls_, context_.tls, id_, "pop3");
  if (!started) {
    closed_ = true;
    idle_.stop();
    stream_.close();
    registration_.reset();
    co_return;
  }
  if (registration_ && stream_.is_tls()) registration_->set_tls(stream_.tls_description());
  bool too_many_bad = false;
  if (admission.refusal != session::Refusal::none) {
    // SPEC "Connection limits": a clear answer, never a hang (RFC 3206 SYS/TEMP).
    const std::string why = session::refusal_text(admission.refusal, context_.registry.limits());
    session::log_connect_refused(stream_, id_, "pop3", admission.refusal);
    out_ += fmt::format("-ERR [SYS/TEMP] {}\r\n", why);
    co_await flush();
    closed_ = true;
    idle_.stop();
    stream_.close();
    session::log_end("logout", id_, "pop3", "", traffic_, "refused");
    co_return;
  }
  if (shutting_down_) {
    out_ += "-ERR [SYS/TEMP] Server shutting down\r\n";
  } else {
    // No APOP timestamp in the greeting: APOP is not offered (RFC 1939 §7).
    protocol_log_ = session::new_session_log(context_.protolog, stream_, id_, protolog::Protocol::pop3,
                                             config().limits.max_line_octets);
    protocol_log_->update("", "");
    out_ += fmt::format("+OK {} POP3 server ready\r\n", config().server_name);
    while (!ending_ && !closed_ && !idle_.expired() && !shutting_down_) {
      if (protocol_log_->due(logged_in_account())) {
        // As for IMAP: earlier answers first, then the transcript starts with the next command.
        co_await flush();
        protocol_log_->update(logged_in_account(), std::string_view(in_).substr(in_pos_));
      }
      awaiting_command_ = true;
      auto input = co_await next_input();
      awaiting_command_ = false;
      if (input.kind == Input::Kind::closed) break;
      if (input.kind == Input::Kind::too_long) {
        out_ += fmt::format("-ERR Command line too long (limit {} octets)\r\n", config().limits.max_line_octets);
        ++errors_in_a_row_;
      } else {
        co_await execute(input.text);
      }
      // Pipelined replies go out together (RFC 2449 §6.6), but never past the output limit.
      co_await flush_if_full();
      if (!ending_ && errors_in_a_row_ >= config().limits.max_bad_commands) {
        // Checked after each command, so a pipelined batch of junk is cut off too. No UPDATE:
        // only QUIT deletes (RFC 1939 §6).
        out_ += "-ERR Too many bad commands; closing the connection\r\n";
        ending_ = true;
        too_many_bad = true;
      }
    }
    if (!ending_ && !closed_ && shutting_down_) {
      out_ += end_reason_ == session::EndReason::kicked ? "-ERR Disconnected by the administrator\r\n"
                                                        : "-ERR [SYS/TEMP] Server shutting down\r\n";
    }
    // RFC 1939 §3: when the autologout timer expires the server closes the connection without
    // a response and without entering the UPDATE state, so nothing is said on a timeout.
  }
  co_await flush();
  const std::string account = transaction() ? transaction()->account.address : "";
  state_ = Authorization{};   // releases the maildrop lock; nothing marked deleted is removed
  closed_ = true;
  idle_.stop();
  stream_.close();
  registration_.reset();   // exact counts: the place is free once the connection is closed
  protocol_log_.reset();
  session::log_end("logout", id_, "pop3", account, traffic_,
                   session::end_name(too_many_bad, ending_, idle_.expired(), shutting_down_, end_reason_, "quit"));
}

Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint, bool implicit_tls) {
  if (implicit_tls && !context.tls) return make_error(Errc::invalid, fmt::format("{}: TLS is not configured", endpoint));
  auto acceptor = net::open_tcp(io, endpoint);
  if (!acceptor) return acceptor.error();
  auto start = [&context, implicit_tls](asio::ip::tcp::socket socket) {
    auto executor = socket.get_executor();
    auto session = std::make_shared<Session>(context, std::move(socket), implicit_tls);
    asio::co_spawn(executor, [session]() { return session->run(); }, asio::detached);
  };
  asio::co_spawn(io, net::accept_loop(std::move(*acceptor), std::move(start), "pop3"), asio::detached);
  return {};
}

}  // namespace pillarbox::pop3
