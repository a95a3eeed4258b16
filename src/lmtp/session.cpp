#include "lmtp/session.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/host_name.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include <chrono>

#include <random>
#include <utility>
#include <vector>

#include "base/log.h"
#include "delivery/deliver.h"
#include "lmtp/dot_decoder.h"
#include "metrics/metrics.h"
#include "session/events.h"
#include "session/pool_call.h"

namespace pillarbox::lmtp {
namespace {

std::string new_session_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

const std::string& host_name() {
  static const std::string name = [] {
    std::error_code ec;
    std::string h = asio::ip::host_name(ec);
    return ec || h.empty() ? std::string("localhost") : h;
  }();
  return name;
}

std::string_view verb_name(Verb verb) {
  switch (verb) {
    case Verb::lhlo: return "LHLO";
    case Verb::helo: return "HELO";
    case Verb::ehlo: return "EHLO";
    case Verb::mail: return "MAIL";
    case Verb::rcpt: return "RCPT";
    case Verb::data: return "DATA";
    case Verb::rset: return "RSET";
    case Verb::noop: return "NOOP";
    case Verb::quit: return "QUIT";
    case Verb::vrfy: return "VRFY";
    case Verb::empty:
    case Verb::unknown: break;
  }
  return "other";
}

const metrics::CommandMetrics& command_metrics() {
  static const metrics::CommandMetrics metrics = [] {
    std::vector<std::string> names;
    for (Verb v : {Verb::lhlo, Verb::helo, Verb::ehlo, Verb::mail, Verb::rcpt, Verb::data, Verb::rset, Verb::noop,
                   Verb::quit, Verb::vrfy})
      names.emplace_back(verb_name(v));
    return metrics::CommandMetrics("lmtp", names);
  }();
  return metrics;
}

// Replies that count towards max_bad_commands: the client is confused or hostile.
bool is_protocol_error(const Reply& r) { return (r.code >= 500 && r.code <= 504) || r.code == 555; }

}  // namespace

Session::Session(ServerContext& context, Socket socket, std::string peer)
    : context_(context),
      socket_(std::move(socket)),
      peer_(std::move(peer)),
      id_(new_session_id()),
      host_(host_name()),
      framer_(context.config.limits.max_line_octets),
      idle_(socket_.get_executor()),
      command_clock_(idle_, context.config.limits.command_timeout_seconds,
                     context.config.limits.min_command_octets_per_second) {}

Session::~Session() = default;

void Session::touch() {
  // RFC 5321 §4.5.3.2.7 suggests 5 minutes; a local MTA answers at once, and an idle cached
  // connection is better closed sooner, so the pre-login timeout of the other protocols is used.
  idle_.touch(context_.config.limits.login_timeout_seconds);
}

void Session::request_shutdown(session::EndReason) {
  // Only shutdown reaches LMTP sessions: `kick` names accounts, and LMTP has none.
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [self] {
    self->shutting_down_ = true;
    std::error_code ec;
    self->socket_.cancel(ec);
  });
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();  // the session outlives the wait
  // Named, not a temporary in the co_await expression (g++ 12 destroys those twice).
  std::function<void()> on_expiry = [this] {
    std::error_code ec;
    socket_.cancel(ec);
  };
  std::function<void()> on_overdue = [this] {
    std::error_code ec;
    socket_.close(ec);
  };
  co_await idle_.run(std::move(on_expiry), std::move(on_overdue));
}

void Session::reply(const Reply& r) {
  if (is_protocol_error(r)) ++errors_;
  out_ += r.line();
}

void Session::log_delivery(std::string_view to, std::string_view result, const DeliveryInfo& info) {
  metrics::count_delivery(result);
  const std::string from = sender_ ? log::loggable(*sender_) : std::string();
  const std::string recipient = log::loggable(to);
  std::vector<log::Field> fields{{"session", id_}, {"protocol", "lmtp"}, {"from", from}, {"to", recipient},
                                 {"result", result}};
  if (!info.account.empty()) fields.emplace_back("account", info.account);
  if (!info.mailbox.empty()) fields.emplace_back("mailbox", info.mailbox);
  if (info.uid) fields.emplace_back("uid", info.uid);
  if (info.octets) fields.emplace_back("octets", info.octets);
  if (!info.error.empty()) fields.emplace_back("error", info.error);
  log::event(result == "temporary_failure" ? log::Level::warn : log::Level::info, "delivery", fields);
}

void Session::reset_transaction() {
  sender_.reset();
  recipients_.clear();
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
  co_await asio::async_write(socket_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    closed_ = true;
    socket_.close(ec);
  }
}

asio::awaitable<bool> Session::fill() {
  in_.clear();
  in_pos_ = 0;
  // RFC 2920 §3.1: the replies to a pipelined group go out before the server waits for more.
  co_await flush();
  if (closed_ || shutting_down_ || idle_.expired()) co_return false;
  in_.resize(8192);
  std::error_code ec;
  const std::size_t n =
      co_await socket_.async_read_some(asio::buffer(in_), asio::redirect_error(asio::use_awaitable, ec));
  in_.resize(n);
  traffic_.received(n);
  last_read_ = n;
  if (ec || n == 0) {
    in_.clear();
    co_return false;
  }
  if (protocol_log_) {
    // As for IMAP: a `log on` given while waiting for a command starts with these bytes.
    bool fed = false;
    if (awaiting_command_ && protocol_log_->due("")) fed = protocol_log_->update("", in_);
    if (!fed) protocol_log_->client(in_);
  }
  touch();
  co_return true;
}

asio::awaitable<std::pair<Session::LineKind, std::string>> Session::next_line() {
  for (;;) {
    while (in_pos_ < in_.size()) {
      const auto step = framer_.feed(std::string_view(in_).substr(in_pos_));
      in_pos_ += step.consumed;
      if (step.consumed > 0) awaiting_command_ = false;
      if (step.event == session::LineFramer::Event::line) {
        command_clock_.progress(false, std::exchange(last_read_, 0));
        co_return std::pair{LineKind::line, framer_.take_line()};
      }
      if (step.event == session::LineFramer::Event::too_long) {
        command_clock_.progress(false, std::exchange(last_read_, 0));
        co_return std::pair{LineKind::too_long, std::string()};
      }
    }
    // A line begun and not ended is on the command deadline (slow senders).
    command_clock_.progress(framer_.in_line(), std::exchange(last_read_, 0));
    if (!co_await fill()) co_return std::pair{LineKind::closed, std::string()};
  }
}

asio::awaitable<void> Session::execute(std::string line) {
  const Verb verb = split_command(line).verb;
  // Counted and timed whichever way the command ends (DATA: until its replies are queued).
  metrics::CommandTimer timer(command_metrics().find(has_control_characters(line) ? "other" : verb_name(verb)));
  store_timing_ = timer.series().store;
  if (has_control_characters(line)) {
    reply({501, "5.5.4", "Control characters (NUL, bare CR, TAB ...) are not allowed in commands"});
    co_return;
  }
  const Command command = split_command(line);
  const std::string_view arg = command.argument;
  switch (command.verb) {
    case Verb::lhlo: {
      if (arg.empty()) {
        // RFC 2034 §3: no enhanced status code on any reply to LHLO (EHLO).
        reply({501, "", "Syntax: LHLO hostname"});
        co_return;
      }
      // RFC 5321 §4.1.4: a new greeting resets the transaction. RFC 2034 §3: the LHLO (EHLO)
      // reply carries no enhanced status codes.
      greeted_ = true;
      reset_transaction();
      out_ += fmt::format("250-{}\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE {}\r\n",
                          host_, context_.config.limits.max_message_octets);
      co_return;
    }
    case Verb::helo:
    case Verb::ehlo:
      // RFC 2033 §4.1: LMTP has LHLO in place of HELO and EHLO, so that an SMTP client that
      // reached an LMTP server by mistake fails at once. RFC 2034 §3: replies to HELO and EHLO
      // carry no enhanced status code.
      reply({500, "", "This is an LMTP server: use LHLO (RFC 2033)"});
      co_return;
    case Verb::mail: {
      if (!greeted_) {
        reply({503, "5.5.1", "Send LHLO first"});
        co_return;
      }
      if (sender_) {
        reply({503, "5.5.1", "Nested MAIL command"});
        co_return;
      }
      MailArgs args;
      if (auto error = parse_mail(arg, args)) {
        reply(*error);
        co_return;
      }
      if (args.size && *args.size > context_.config.limits.max_message_octets) {
        // RFC 1870 §6.2: refuse at MAIL when the declared size is over the fixed maximum.
        reply({552, "5.3.4", fmt::format("Message size exceeds fixed maximum message size ({} octets)",
                                         context_.config.limits.max_message_octets)});
        co_return;
      }
      reply({250, "2.1.0", fmt::format("<{}> Sender OK", args.reverse_path)});
      sender_ = std::move(args.reverse_path);
      co_return;
    }
    case Verb::rcpt:
      co_await rcpt(arg);
      co_return;
    case Verb::data:
      co_await data(arg);
      co_return;
    case Verb::rset:
      if (!arg.empty()) {
        reply({501, "5.5.4", "Syntax: RSET (no arguments)"});
        co_return;
      }
      reset_transaction();
      reply({250, "2.0.0", "OK"});
      co_return;
    case Verb::noop:
      // RFC 5321 §4.1.1.9: a parameter is allowed and ignored.
      reply({250, "2.0.0", "OK"});
      co_return;
    case Verb::quit:
      if (!arg.empty()) {
        reply({501, "5.5.4", "Syntax: QUIT (no arguments)"});
        co_return;
      }
      reply({221, "2.0.0", fmt::format("{} closing connection", host_)});
      ending_ = true;
      quit_ = true;
      co_return;
    case Verb::vrfy:
      if (arg.empty()) {
        reply({501, "5.5.4", "Syntax: VRFY address"});
        co_return;
      }
      // RFC 5321 §3.5.3: 252 when the server will not verify but would try delivery; an MTA
      // learns about recipients from RCPT, and VRFY must not become a way to list accounts.
      reply({252, "2.0.0", "Cannot VRFY; send the message and RCPT will tell"});
      co_return;
    case Verb::empty:
      reply({500, "5.5.2", "Empty command"});
      co_return;
    case Verb::unknown:
      reply({500, "5.5.2", "Command not recognized"});
      co_return;
  }
}

asio::awaitable<void> Session::rcpt(std::string_view argument) {
  if (!sender_) {
    reply({503, "5.5.1", "Need MAIL command first"});
    co_return;
  }
  RcptArgs args;
  if (auto error = parse_rcpt(argument, args)) {
    reply(*error);
    co_return;
  }
  if (recipients_.size() >= context_.config.limits.max_recipients) {
    // RFC 5321 §4.5.3.1.10: 452, and the client sends the rest in a later transaction.
    reply({452, "4.5.3", fmt::format("Too many recipients (limit {})", context_.config.limits.max_recipients)});
    co_return;
  }
  auto call = [&store = context_.store, address = args.forward_path] { return delivery::resolve(store, address); };
  auto targets = co_await held_store_call(std::move(call));
  if (!targets) {
    if (targets.error().code == Errc::not_found) {
      log_delivery(args.forward_path, "no_such_user", {});
      reply({550, "5.1.1", fmt::format("<{}>: no such user", args.forward_path)});
    } else {
      session::log_store_error(id_, "lmtp", "resolve", targets.error());
      log_delivery(args.forward_path, "temporary_failure", {});
      reply({451, "4.3.0", fmt::format("<{}>: temporary failure, try again later", args.forward_path)});
    }
    co_return;
  }
  reply({250, "2.1.5", fmt::format("<{}> Recipient OK", args.forward_path)});
  recipients_.push_back(Recipient{std::move(args.forward_path), std::move(targets.value())});
}

asio::awaitable<void> Session::data(std::string_view argument) {
  if (!argument.empty()) {
    reply({501, "5.5.4", "Syntax: DATA (no arguments)"});
    co_return;
  }
  if (!sender_) {
    reply({503, "5.5.1", "Need MAIL command first"});
    co_return;
  }
  if (recipients_.empty()) {
    reply({503, "5.5.1", "No valid recipients"});
    co_return;
  }
  out_ += "354 Start mail input; end with <CRLF>.<CRLF>\r\n";
  DotDecoder decoder(context_.config.limits.max_message_octets);
  for (;;) {
    if (in_pos_ < in_.size()) {
      const auto step = decoder.feed(std::string_view(in_).substr(in_pos_));
      in_pos_ += step.consumed;
      if (step.done) break;
    }
    // The message data is one command for the deadline: from 354 to the final dot, with one
    // second more per min_command_octets_per_second octets received.
    command_clock_.progress(true, std::exchange(last_read_, 0));
    if (!co_await fill()) {
      // Dropped (or shut down) inside DATA: nothing is stored; the MTA still has the message.
      log::info("session={} lmtp connection ended inside DATA after {} octets; nothing stored", id_,
                decoder.octets());
      ending_ = !shutting_down_ && !idle_.expired();
      co_return;
    }
  }
  command_clock_.progress(false, std::exchange(last_read_, 0));
  if (decoder.too_big()) {
    // RFC 2033 §4.2: one reply per recipient, here all the same.
    for (std::size_t i = 0; i < recipients_.size(); ++i) {
      log_delivery(recipients_[i].address, "too_big", {.octets = decoder.octets()});
      reply({552, "5.3.4", fmt::format("Message size exceeds fixed maximum message size ({} octets)",
                                       context_.config.limits.max_message_octets)});
    }
    reset_transaction();
    co_return;
  }
  const std::string message = decoder.take_message();
  const std::string sender = *sender_;
  for (const auto& recipient : recipients_) {
    // Every target of one recipient must have the copy before 250 (an alias reaching several
    // accounts): RecipientTally gives the worst outcome.
    delivery::RecipientTally tally;
    for (const auto& target : recipient.targets) {
      auto call = [&store = context_.store, &target, &sender, &recipient, &message] {
        return delivery::deliver(store, target, sender, recipient.address, message);
      };
      auto done = co_await held_store_call(std::move(call));
      tally.add(done);
      if (done) {
        log_delivery(recipient.address, "delivered",
                     {.account = done->address, .mailbox = done->mailbox, .uid = done->uid, .octets = message.size()});
      } else if (done.error().code == Errc::not_found) {
        log_delivery(recipient.address, "no_such_user", {.account = target.account.address, .error = "account has gone"});
      } else if (done.error().code == Errc::over_quota) {
        log_delivery(recipient.address, "over_quota", {.account = target.account.address, .error = done.error().text});
      } else {
        session::log_store_error(id_, "lmtp", "deliver", done.error());
        log_delivery(recipient.address, "temporary_failure",
                     {.account = target.account.address, .error = done.error().text});
      }
    }
    touch();
    switch (tally.outcome()) {
      case delivery::RecipientOutcome::temporary:
        reply({451, "4.3.0", fmt::format("<{}> temporary failure, try again later", recipient.address)});
        break;
      case delivery::RecipientOutcome::system_full:
        // RFC 5321 §4.2.3 452 "insufficient system storage", RFC 3463 X.3.1 "mail system full":
        // temporary, so the MTA keeps the message until space returns.
        reply({452, "4.3.1", fmt::format("<{}> mail system full, try again later", recipient.address)});
        break;
      case delivery::RecipientOutcome::mailbox_full:
        // RFC 3463 X.2.2 "mailbox full": permanent (552, RFC 2033 §4.2 per recipient) unless
        // [quota] full_tempfail asks the MTA to keep trying (as Dovecot's quota_full_tempfail).
        if (context_.config.quota_full_tempfail)
          reply({452, "4.2.2", fmt::format("<{}> mailbox is full (over quota), try again later", recipient.address)});
        else
          reply({552, "5.2.2", fmt::format("<{}> mailbox is full (over quota)", recipient.address)});
        break;
      case delivery::RecipientOutcome::no_such_user:
        reply({550, "5.1.1", fmt::format("<{}>: no such user", recipient.address)});
        break;
      case delivery::RecipientOutcome::delivered:
        reply({250, "2.0.0", fmt::format("<{}> delivered", recipient.address)});
        break;
    }
  }
  reset_transaction();
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  session::SessionInfo info;
  info.id = id_;
  info.protocol = session::Protocol::lmtp;
  info.remote = peer_;
  info.started = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  info.state = "ready";
  // LMTP is listed (and told of shutdown) but never counted against the connection limits.
  auto admission = context_.registry.admit(weak_from_this(), std::move(info));
  registration_ = std::move(admission.registration);
  if (admission.stopping) shutting_down_ = true;   // accepted while the server stops
  touch();
  asio::co_spawn(socket_.get_executor(), watchdog(), asio::detached);
  log::event(log::Level::info, "connect", {{"session", id_}, {"protocol", "lmtp"}, {"remote", peer_}});
  bool too_many_errors = false;
  if (shutting_down_) {
    reply({421, "4.3.2", fmt::format("{} Server shutting down", host_)});
  } else {
    protolog::SessionInfo log_info;
    log_info.session_id = id_;
    log_info.protocol = protolog::Protocol::lmtp;
    log_info.remote_address = peer_;
    log_info.local_address = "-";
    protocol_log_ = std::make_unique<protolog::SessionLog>(context_.protolog, std::move(log_info), peer_,
                                                           context_.config.limits.max_line_octets);
    protocol_log_->update("", "");
    out_ += fmt::format("220 {} LMTP {} ready\r\n", host_, context_.config.server_name);
    while (!ending_ && !closed_) {
      if (protocol_log_->due("")) {
        co_await flush();  // earlier replies first; then the transcript starts at the next command
        protocol_log_->update("", std::string_view(in_).substr(in_pos_));
      }
      awaiting_command_ = true;
      auto [kind, line] = co_await next_line();
      awaiting_command_ = false;
      if (kind == LineKind::closed) break;
      if (kind == LineKind::too_long) {
        reply({500, "5.5.2", fmt::format("Line too long (limit {} octets)", context_.config.limits.max_line_octets)});
      } else {
        try {
          co_await execute(std::move(line));
        } catch (const std::exception& e) {
          log::error("session={} lmtp command failed: {}", id_, e.what());
          reply({451, "4.3.0", "Internal error; try again later"});
        }
      }
      if (!ending_ && errors_ >= context_.config.limits.max_bad_commands) {
        // Checked after each command, so a pipelined batch of junk is cut off too.
        reply({421, "4.7.0", fmt::format("{} Too many errors, closing connection", host_)});
        ending_ = true;
        too_many_errors = true;
      }
    }
    if (!ending_ && !closed_) {
      if (idle_.expired()) reply({421, "4.4.2", fmt::format("{} Timeout, closing connection", host_)});
      else if (shutting_down_) reply({421, "4.3.2", fmt::format("{} Server shutting down", host_)});
    }
  }
  co_await flush();
  closed_ = true;
  idle_.stop();
  std::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
  socket_.close(ec);
  registration_.reset();
  protocol_log_.reset();
  session::log_end("disconnect", id_, "lmtp", "", traffic_,
                   session::end_name(too_many_errors, quit_, idle_.expired(), shutting_down_,
                                     session::EndReason::shutdown, "quit"));
}

}  // namespace pillarbox::lmtp
