#include "imap/session.h"

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

#include "access/rights.h"
#include "base/ascii.h"
#include "base/log.h"
#include "net/listener.h"
#include "session/connection.h"
#include "session/events.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

std::string new_session_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

const char* status_word(Reply::Status s) {
  switch (s) {
    case Reply::Status::ok: return "OK";
    case Reply::Status::no: return "NO";
    case Reply::Status::bad: return "BAD";
  }
  return "BAD";
}

FramerLimits framer_limits(const config::Config& config) {
  const config::Limits& l = config.limits;
  FramerLimits out{l.max_line_octets, l.max_literal_octets, l.max_literals_per_command};
  out.max_append_octets = l.append_limit();                    // RFC 7889
  out.max_append_total_octets = l.max_append_total_octets;     // RFC 3502
  out.max_command_literal_octets = l.max_command_literal_octets;
  if (config.literal_mode == config::LiteralMode::minus) out.max_non_sync_octets = 4096;  // RFC 7888 §4
  return out;
}

}  // namespace

Session::Session(ServerContext& context, asio::ip::tcp::socket socket, bool implicit_tls)
    : context_(context),
      stream_(std::move(socket)),
      implicit_tls_(implicit_tls),
      framer_(framer_limits(context.config)),
      id_(new_session_id()),
      idle_(stream_.get_executor()),
      command_clock_(idle_, context.config.limits.command_timeout_seconds,
                     context.config.limits.min_command_octets_per_second),
      wake_(stream_.get_executor()) {
  framer_.allow_append(false);  // until login (set_state)
}

Session::~Session() = default;

const store::Account* Session::account() const {
  if (auto* a = std::get_if<Authenticated>(&state_)) return &a->account;
  if (auto* s = std::get_if<Selected>(&state_)) return &s->account;
  return nullptr;
}

SelectedMailbox* Session::selected() {
  if (auto* s = std::get_if<Selected>(&state_)) return s->mailbox.get();
  return nullptr;
}

void Session::set_state(State state) {
  state_ = std::move(state);
  if (account()) idle_.clear_limit(session::IdleTimer::Limit::login);
  touch();
  // Before login no command may make the framer hold more than max_command_literal_octets.
  framer_.allow_append(account() != nullptr);
  if (registration_) {
    if (auto* sel = selected()) registration_->set_state("selected", sel->visible);
    else registration_->set_state(account() ? "authenticated" : "not authenticated");
  }
}

void Session::deselect() {
  if (auto* s = std::get_if<Selected>(&state_)) {
    store::Account account = s->account;
    set_state(Authenticated{std::move(account)});
  }
}

void Session::untagged(std::string_view line) {
  out_ += "* ";
  out_ += line;
  out_ += "\r\n";
}

void Session::write(std::string_view bytes) { out_ += bytes; }

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

bool Session::plaintext_allowed() const {
  if (stream_.is_tls()) return true;
  switch (config().plaintext_without_tls) {
    case config::Plaintext::always: return true;
    case config::Plaintext::loopback: return stream_.remote_is_loopback();
    case config::Plaintext::never: return false;
  }
  return false;
}

std::string Session::capabilities() const {
  // One capability per line, in the order they are shown; an extension is listed only once it
  // is complete (SPEC "Protocols"). The transcripts assert this exact order.
  const std::string append_limit = fmt::format("APPENDLIMIT={}", config().limits.append_limit());
  std::vector<std::string_view> caps = {
      "IMAP4rev1",
      // RFC 7888: LITERAL- limits non-synchronizing literals to 4096 octets ([imap] literal_plus).
      config().literal_mode == config::LiteralMode::minus ? "LITERAL-" : "LITERAL+",
      "SASL-IR",
      "ID",         // RFC 2971
      "ENABLE",     // RFC 5161
      "IDLE",       // RFC 2177
      "NAMESPACE",  // RFC 2342
      "CHILDREN",   // RFC 3348
      "ACL",        // RFC 4314, with the rights of §2.1.1 below
      access::rights_capability(),
      "UIDPLUS",             // RFC 4315
      "MOVE",                // RFC 6851
      "UNSELECT",            // RFC 3691
      "SPECIAL-USE",         // RFC 6154
      "CREATE-SPECIAL-USE",  // RFC 6154 §3
      "LIST-EXTENDED",       // RFC 5258
      "LIST-STATUS",         // RFC 5819
      "ESEARCH",    // RFC 4731
      "SEARCHRES",  // RFC 5182
      "CONDSTORE",  // RFC 7162 §3.1
      "QRESYNC",    // RFC 7162 §3.2
      "BINARY",              // RFC 3516
      "MULTIAPPEND",         // RFC 3502
      "STATUS=SIZE",         // RFC 8438
      "QUOTA",               // RFC 9208
      "QUOTA=RES-STORAGE",   // RFC 9208 §5.1
      "QUOTA=RES-MESSAGE",   // RFC 9208 §5.2
      append_limit,          // RFC 7889: the same limit for every mailbox
  };
  // RFC 4978 §3: after login (Dovecot does the same) and only while not yet compressing.
  if (account() && !stream_.is_compressed()) caps.push_back("COMPRESS=DEFLATE");
  std::string out;
  for (auto c : caps) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  if (!account()) {
    if (!stream_.is_tls() && context_.tls) out += " STARTTLS";
    if (plaintext_allowed()) out += " AUTH=PLAIN";
    else out += " LOGINDISABLED";
    // SCRAM never shows the password, so it is offered where plaintext is not (as Dovecot does);
    // -PLUS needs the TLS channel to bind to (RFC 5802 §6).
    out += " AUTH=SCRAM-SHA-256";
    if (stream_.is_tls()) out += " AUTH=SCRAM-SHA-256-PLUS";
  }
  return out;
}

std::string_view Session::autologout_text() const {
  switch (idle_.cause()) {
    case session::IdleTimer::Cause::login: return "Autologout; no login within the login timeout";
    case session::IdleTimer::Cause::command: return "Autologout; a command took too long to arrive";
    case session::IdleTimer::Cause::idle: break;
  }
  return "Autologout; idle for too long";
}

void Session::touch() {
  auto limit = account() ? config().limits.idle_timeout_seconds : config().limits.login_timeout_seconds;
  idle_.touch(limit);
}

void Session::request_shutdown(session::EndReason reason) {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self, reason] {
    self->shutting_down_ = true;
    self->end_reason_ = reason;
    self->stream_.cancel();
    self->wake_.cancel();   // a session in IDLE says BYE too
  });
}

asio::awaitable<void> Session::watchdog() {
  auto self = shared_from_this();  // the session outlives the wait
  co_await session::watch_idle(idle_, stream_, id_);
}

asio::awaitable<void> Session::protocol_log_boundary() {
  const std::string_view account_name = account() ? std::string_view(account()->address) : std::string_view();
  if (!protocol_log_->due(account_name)) co_return;
  // The answers so far go out (and into the transcript) first, so it starts with the next
  // command and its answers in order; in_ holds what the client already sent of the next ones.
  co_await flush();
  protocol_log_->update(account_name, std::string_view(in_).substr(in_pos_));
}

asio::awaitable<void> Session::say_bye(std::string_view text) {
  out_ += fmt::format("* BYE {}\r\n", text);
  co_await flush();
}

asio::awaitable<bool> Session::start_tls() {
  co_await flush();
  // Anything the client pipelined after STARTTLS was sent in the clear and must not be
  // executed (RFC 3501 §6.2.1; the STARTTLS command-injection class of bugs).
  in_.clear();
  in_pos_ = 0;
  framer_.reset();
  std::error_code ec;
  co_await stream_.start_tls(context_.tls->current(), ec);
  if (ec) {
    session::log_tls_failure(stream_, id_, "imap", "starttls", ec.message());
    closed_ = true;
    stream_.close();
    co_return false;
  }
  if (registration_) registration_->set_tls(stream_.tls_description());
  if (protocol_log_) protocol_log_->set_tls(stream_.tls_description());
  co_return true;
}

asio::awaitable<bool> Session::start_compression() {
  co_await flush();
  if (closed_) co_return false;
  const net::CompressSettings settings{static_cast<int>(config().limits.compress_window_bits),
                                       static_cast<int>(config().limits.compress_mem_level)};
  // The framer stopped right after the COMPRESS line; the rest was sent after the client saw
  // the OK (RFC 4978 §3), so it is compressed.
  const std::string rest = in_.substr(in_pos_);
  in_.clear();
  in_pos_ = 0;
  // Those octets were counted and logged as protocol bytes when read; they come back inflated.
  traffic_.unreceived(rest.size());
  if (protocol_log_) protocol_log_->compression_started(rest.size());
  if (auto ec = stream_.start_compression(rest, settings)) {
    session::log_compress_error(stream_, id_, "imap", ec.message());
    closed_ = true;
    stream_.close();
    co_return false;
  }
  // Skipping an over-limit command means inflating it for nothing: bounded (config.h).
  framer_.set_skip_limit(config().limits.compress_max_skipped_octets);
  session::log_compress_start(stream_, id_, "imap");
  co_return true;
}

asio::awaitable<Session::Drained> Session::drain_input() {
  Drained out;
  while (in_pos_ < in_.size()) {
    auto step = framer_.feed(std::string_view(in_).substr(in_pos_));
    in_pos_ += step.consumed;
    if (step.consumed > 0) awaiting_command_ = false;
    switch (step.event) {
      case Framer::Event::need_more:
        break;
      case Framer::Event::continuation:
        // RFC 3501 §7.5: the client waits for this before sending the literal.
        // The protocol log tells this apart from a SASL challenge by its text.
        out_ += protolog::kImapLiteralContinuation;
        out_ += "\r\n";
        co_await flush();
        continue;
      case Framer::Event::command:
        out.command = framer_.take_command();
        co_return out;
      case Framer::Event::line_too_long:
        out_ += fmt::format("{} BAD [TOOBIG] Command line too long (limit {} octets)\r\n", framer_.tag(),
                            config().limits.max_line_octets);
        out.refused = true;
        if (framer_.broken()) {
          // Compressed, with more over-limit data than compress_max_skipped_octets allows.
          co_await say_bye("Too much data to skip");
          out.end = true;
          co_return out;
        }
        if (++bad_in_a_row_ >= config().limits.max_bad_commands) {
          co_await say_bye("Too many invalid commands");
          out.end = true;
          co_return out;
        }
        continue;
      case Framer::Event::literal_too_big:
        // RFC 7888 §4: a non-synchronizing literal over the limit has been counted off, so the
        // client's data is never taken for commands.
        out_ += fmt::format("{} NO [TOOBIG] {}\r\n", framer_.tag(), too_big_text());
        out.refused = true;
        if (framer_.broken()) {
          // A non-synchronizing literal too large even to count off, or (compressed) past
          // compress_max_skipped_octets: the stream is no longer framed, so the connection
          // ends (RFC 7888 §4 allows closing it).
          co_await say_bye("Literal size cannot be handled");
          out.end = true;
          co_return out;
        }
        continue;
      case Framer::Event::non_sync_refused:
        // RFC 7888 §4: under LITERAL- a non-synchronizing literal above 4096 octets is refused
        // with BAD [TOOBIG]; its bytes are on the way and are not counted off, so the
        // connection ends.
        out_ += fmt::format("{} BAD [TOOBIG] Non-synchronizing literals are limited to 4096 octets (LITERAL-)\r\n",
                            framer_.tag());
        co_await say_bye("Literal too big for LITERAL-");
        out.end = true;
        co_return out;
    }
    if (step.event == Framer::Event::need_more && step.consumed == 0) break;
  }
  co_return out;
}

void Session::read_failed(const std::error_code& ec) {
  // A client that ends its DEFLATE stream with a final block (RFC 1951 BFINAL) can send
  // nothing more: RFC 4978 has no such end, but it is a disconnect, not broken data.
  if (ec.category() == net::compress_category() && ec != net::CompressError::ended) {
    // Garbage or a broken DEFLATE stream: nothing more can be read (RFC 4978 §4).
    session::log_compress_error(stream_, id_, "imap", ec.message());
    compress_failed_ = true;
  }
}

asio::awaitable<std::optional<std::string>> Session::next_command() {
  for (;;) {
    Drained drained = co_await drain_input();
    // A command begun and not complete is on the command deadline (slow senders).
    command_clock_.progress(!drained.command && framer_.in_command(), std::exchange(last_read_, 0));
    if (drained.command) co_return std::move(drained.command);
    if (drained.end) co_return std::nullopt;
    in_.clear();
    in_pos_ = 0;
    co_await flush();
    if (closed_ || shutting_down_ || idle_.expired()) co_return std::nullopt;
    in_.resize(8192);
    std::error_code ec;
    std::size_t n = co_await stream_.read_some(asio::buffer(in_), ec);
    in_.resize(n);
    traffic_.received(n);
    last_read_ = n;
    if (ec || n == 0) {
      in_.clear();
      read_failed(ec);
      co_return std::nullopt;
    }
    if (protocol_log_) {
      // Waiting for a command with nothing of it read: a `log on` since the last command starts
      // the transcript with these bytes ("takes effect at once", not one command late).
      bool fed = false;
      const std::string_view account_name = account() ? std::string_view(account()->address) : std::string_view();
      if (awaiting_command_ && protocol_log_->due(account_name)) fed = protocol_log_->update(account_name, in_);
      if (!fed) protocol_log_->client(in_);
    }
    touch();
  }
}

store::ChangeListener Session::change_listener(std::shared_ptr<std::atomic<bool>> dirty) {
  return [dirty = std::move(dirty), weak = weak_from_this(), executor = stream_.get_executor()] {
    // Only the first change since the last sync posts: the flag stays set until sync() reads
    // the changes, and wait_in_idle() looks at it before it sleeps (both on the strand).
    if (dirty->exchange(true)) return;
    asio::post(executor, [weak] {
      if (auto self = weak.lock()) self->wake_.cancel();
    });
  };
}

asio::awaitable<void> Session::idle_read() {
  auto self = shared_from_this();   // the session outlives the read
  // DONE is six octets; a small buffer keeps an idling session small (issue 8's 100,000 IDLE
  // clients), and whatever a client pipelines after DONE is simply read in more steps.
  constexpr std::size_t kIdleReadOctets = 256;
  std::string chunk(kIdleReadOctets, '\0');
  std::error_code ec;
  std::size_t n = co_await stream_.read_some(asio::buffer(chunk), ec);
  idle_reading_ = false;
  if (ec || n == 0) {
    idle_read_ended_ = true;
    read_failed(ec);
  } else {
    chunk.resize(n);
    traffic_.received(n);
    if (protocol_log_) protocol_log_->client(chunk);
    if (in_pos_ == in_.size()) {
      in_.clear();
      in_pos_ = 0;
    }
    in_ += chunk;
    touch();
  }
  wake_.cancel();
}

asio::awaitable<Session::IdleWake> Session::wait_in_idle(std::chrono::steady_clock::time_point until,
                                                         bool watch_changes, std::string& line) {
  if (in_pos_ == in_.size() && !idle_reading_) {
    std::string().swap(in_);   // no 8 KiB read buffer kept while idling
    in_pos_ = 0;
  }
  for (;;) {
    // Everything below is checked and the wait begun without a suspension in between, so a
    // wake-up posted by change_listener() or idle_read() is never lost.
    if (in_pos_ < in_.size()) {
      Drained drained = co_await drain_input();
      if (drained.end) co_return IdleWake::end;
      if (drained.command || drained.refused) {
        line = drained.command.value_or("");
        co_return IdleWake::line;
      }
      co_await flush();   // a continuation request or a refusal
    }
    if (closed_ || shutting_down_ || idle_.expired()) co_return IdleWake::end;   // BYE follows
    if (idle_read_ended_) {
      // The client left, or its compressed data broke (the run loop then says BYE). The
      // connection is over: another read would wait for a readiness edge that the end of
      // file has already used up.
      if (!compress_failed_) closed_ = true;
      co_return IdleWake::end;
    }
    if (watch_changes) {
      if (SelectedMailbox* sel = selected(); sel && sel->dirty->load()) co_return IdleWake::changed;
    }
    if (std::chrono::steady_clock::now() >= until) co_return IdleWake::deadline;
    if (!idle_reading_) {
      idle_reading_ = true;
      asio::co_spawn(stream_.get_executor(), idle_read(), asio::detached);
    }
    wake_.expires_at(until);
    std::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

std::string Session::too_big_text() const {
  const config::Limits& l = config().limits;
  switch (framer_.exceeded()) {
    case Framer::Exceeded::literal: break;
    case Framer::Exceeded::append: return fmt::format("Message too big (APPENDLIMIT {} octets)", l.append_limit());
    case Framer::Exceeded::append_total:
      return fmt::format("Messages of one APPEND too big together (limit {} octets)", l.max_append_total_octets);
    case Framer::Exceeded::command_total:
      return fmt::format("Literals of one command too big together (limit {} octets; only APPEND after login takes more)",
                         l.max_command_literal_octets);
    case Framer::Exceeded::count:
      return fmt::format("Too many literals in one command (limit {})", l.max_literals_per_command);
  }
  return fmt::format("Literal too big (limit {} octets)", l.max_literal_octets);
}

asio::awaitable<std::optional<std::string>> Session::read_continuation() {
  framer_.keep_empty_lines(true);
  auto line = co_await next_command();
  framer_.keep_empty_lines(false);
  co_return line;
}

asio::awaitable<void> Session::execute(std::string command) {
  // Counted and timed whichever way the command ends; a name not in the table is "other".
  const metrics::CommandMetrics& commands = command_metrics();
  metrics::CommandTimer timer(commands.find("other"));
  command_name_ = "other";
  store_timing_ = timer.series().store;
  Parser p(command);
  std::string tag = p.tag();
  if (!p.ok()) {
    ++bad_in_a_row_;
    untagged(fmt::format("BAD {}", p.error()));
    co_return;
  }
  p.space();
  std::string name = p.keyword();
  bool uid = false;
  if (p.ok() && name == "UID") {
    uid = true;
    p.space();
    name = p.keyword();
  }
  Reply reply;
  const CommandSpec* spec = p.ok() ? find_command(name) : nullptr;
  if (spec && (!uid || spec->uid_form)) {
    timer.name(commands.find(uid ? "UID " + name : name));
    command_name_ = timer.series().name;
    store_timing_ = timer.series().store;
  }
  if (!p.ok()) {
    reply = Reply::bad(p.error());
  } else if (!spec || (uid && !spec->uid_form)) {
    reply = Reply::bad(uid ? "Unknown UID command" : "Unknown command");
  } else {
    std::uint8_t state_bit = std::holds_alternative<NotAuthenticated>(state_) ? kNotAuthenticated
                             : std::holds_alternative<Authenticated>(state_)  ? kAuthenticated
                                                                              : kSelected;
    if (!(spec->states & state_bit)) {
      if (state_bit == kNotAuthenticated) reply = Reply::bad(fmt::format("{} is not allowed before login", name));
      else if (spec->states == kNotAuthenticated) reply = Reply::bad(fmt::format("{}: already authenticated", name));
      else if (state_bit == kSelected) reply = Reply::bad(fmt::format("{} is not allowed while a mailbox is selected", name));
      else reply = Reply::bad(fmt::format("{} needs a selected mailbox", name));
    } else {
      if (!p.at_end()) {
        p.space();
        if (p.ok() && p.at_end()) p.fail("Unexpected space at the end of the command");
      }
      Request request{tag, name, uid, p};
      try {
        reply = co_await spec->handler(*this, request);
      } catch (const std::exception& e) {
        log::error("session={} command {} failed: {}", id_, name, e.what());
        reply = Reply::no("SERVERBUG", "Internal error; the administrator can find details in the log");
      }
      if (closed_) co_return;
    }
  }
  if (reply.sent) co_return;
  if (reply.status == Reply::Status::bad) ++bad_in_a_row_;
  else bad_in_a_row_ = 0;
  if (selected()) co_await sync(!spec || spec->expunge_allowed || uid);
  if (mailbox_deleted_) co_return;   // BYE instead of the tagged answer
  if (reply.highestmodseq_after_sync && reply.status == Reply::Status::ok && reply.code.empty() &&
      enabled(kQresync) && selected())
    reply.code = fmt::format("HIGHESTMODSEQ {}", selected()->synced_modseq);
  std::string code = reply.code.empty() ? "" : fmt::format("[{}] ", reply.code);
  out_ += fmt::format("{} {} {}{}\r\n", tag, status_word(reply.status), code, reply.text);
}

void Session::announce_expunges(SelectedMailbox& sel) {
  // Nothing to announce: the common case, after every command. (Trimming \Recent to the view
  // walks every UID it names, 13,000 instructions a NOOP in a mailbox of 200.)
  if (sel.pending_expunges.empty()) return;
  if (enabled(kQresync)) {
    // RFC 7162 §3.2.10: once QRESYNC is on, VANISHED (UIDs, one line) replaces EXPUNGE.
    const store::UidSet gone = sel.known(sel.pending_expunges);
    sel.erase(gone);
    sel.recent = sel.known(sel.recent);
    if (!gone.empty()) untagged("VANISHED " + gone.to_string());
    sel.pending_expunges = {};
    return;
  }
  for (const std::uint32_t seq : sel.erase(sel.pending_expunges)) untagged(fmt::format("{} EXPUNGE", seq));
  sel.recent = sel.known(sel.recent);
  sel.pending_expunges = {};
}

asio::awaitable<bool> Session::sync(bool allow_expunge) {
  SelectedMailbox* sel = selected();
  if (!sel) co_return true;
  const store::MailboxId id = sel->info.id;
  std::size_t new_messages = 0;
  bool keywords_grew = false;
  store::UidSet flag_updates = std::exchange(sel->unsent_flag_updates, {});
  if (sel->dirty->exchange(false)) {
    auto since = sel->synced_modseq;
    // A private \Seen is read again with the changes: new messages may come already seen (this
    // reader's APPEND or COPY from another session), and other sessions of the reader change it.
    const std::optional<store::AccountId> reader = sel->private_reader();
    struct Synced {
      store::Changes changes;
      std::optional<store::UidSet> seen;
    };
    auto call0 = [&st = store(), id, since, reader]() -> Result<Synced> {
      auto changes = st.changes_since(id, since);
      if (!changes) return changes.error();
      Synced out{std::move(*changes), std::nullopt};
      if (reader) {
        auto seen = st.private_seen(id, *reader);
        if (!seen) return seen.error();
        out.seen = std::move(*seen);
      }
      return out;
    };
    auto synced = co_await store_call(std::move(call0));
    sel = selected();
    if (!sel) co_return true;
    if (!synced.ok()) {
      if (synced.error().code == Errc::not_found) {
        // Another session deleted it. Nothing sensible can be said of its messages any more.
        mailbox_deleted_ = true;
        co_return false;
      }
      session::log_store_error(id_, "imap", "changes_since", synced.error());
      sel->dirty->store(true);
      sel->unsent_flag_updates.add(flag_updates);
      co_return false;
    }
    if (sel->private_seen && synced->seen) *sel->private_seen = std::move(*synced->seen);
    const store::Changes* changes = &synced->changes;
    for (auto uid : changes->expunged) {
      if (!sel->seq_of(uid)) continue;
      if (sel->pending_expunges.empty()) sel->modseq_before_pending = since;
      sel->pending_expunges.add(uid);
    }
    for (const auto& m : changes->changed) {
      for (const auto& k : m.flags.keywords) keywords_grew = sel->learn_keyword(k) || keywords_grew;
      if (m.uid > sel->max_uid()) {
        sel->push_back(m.uid, m.modseq);
        ++new_messages;
      } else if (auto seq = sel->seq_of(m.uid); seq && sel->modseq_at(seq) != m.modseq) {
        // Our own STORE already recorded its MODSEQ, so only others' changes get here.
        sel->set_modseq(seq, m.modseq);
        if (!sel->pending_expunges.contains(m.uid)) flag_updates.add(m.uid);
      }
    }
    sel->synced_modseq = std::max(sel->synced_modseq, changes->highest_modseq);
  }
  if (keywords_grew) {
    // RFC 3501 §7.2.6: FLAGS again when the set of defined flags changes.
    untagged(fmt::format("FLAGS ({})", flag_names(sel->keywords)));
    if (!sel->examined) untagged(fmt::format("OK [PERMANENTFLAGS ({})] Flags permitted", permanent_flags(*sel)));
  }
  if (allow_expunge) {
    announce_expunges(*sel);
  } else if (!sel->pending_expunges.empty() && enabled(kCondstore)) {
    // RFC 7162 §3.2.10 (RFC 5162 errata 1810): FETCH responses may carry MODSEQs above an
    // expunge this command may not announce; a client that stored the highest it saw would
    // miss that expunge after a reconnect. This names a MODSEQ it can safely resume from.
    untagged(fmt::format("OK [HIGHESTMODSEQ {}] Expunges pending", sel->modseq_before_pending));
  }
  if (new_messages) {
    const store::Uid first_new = sel->uid_at(sel->exists() - static_cast<std::uint32_t>(new_messages) + 1);
    untagged(fmt::format("{} EXISTS", sel->exists()));
    if (sel->examined || sel->private_seen) {
      // A read-only session, or a reader of someone else's mailbox (who never claims, see
      // select.cpp), cannot tell whether another session saw them first, so they count as
      // recent (RFC 3501 §2.3.2 SHOULD), without being claimed.
      sel->recent.add(first_new, sel->max_uid());
    } else {
      auto call1 = [&st = store(), id] { return st.claim_recent(id); };
      auto claimed = co_await store_call(std::move(call1));
      sel = selected();
      if (!sel) co_return true;
      if (claimed.ok() && *claimed <= sel->max_uid()) sel->recent.add(*claimed, sel->max_uid());
    }
    untagged(fmt::format("{} RECENT", sel->known(sel->recent).size()));
  }
  if (!flag_updates.empty()) {
    // A private \Seen was read again with the changes above.
    auto call2 = [&st = store(), id, flag_updates] { return st.fetch(id, flag_updates, store::FetchNeeds{}); };
    auto fetched = co_await store_call(std::move(call2));
    sel = selected();
    if (!sel) co_return true;
    if (!fetched.ok()) {
      // Their MODSEQs are recorded already, so only this set remembers that they are owed.
      session::log_store_error(id_, "imap", "fetch", fetched.error());
      sel->unsent_flag_updates.add(flag_updates);
      co_return false;
    }
    for (const auto& f : *fetched) {
      const std::string line = flags_update(*this, *sel, f.meta.uid, f.meta.flags, f.meta.modseq, true);
      if (!line.empty()) untagged(line);
    }
  }
  co_return true;
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  auto admission = context_.registry.admit(weak_from_this(), session::new_session_info(stream_, id_, session::Protocol::imap,
                                                                                      "not authenticated"));
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
  const bool started = co_await session::begin_connection(stream_, implicit_tls_, context_.tls, id_, "imap");
  bool too_many_bad = false;
  if (started && registration_ && stream_.is_tls()) registration_->set_tls(stream_.tls_description());
  if (!started) {
    // Nothing to say: the handshake failed, or the client left before it.
  } else if (admission.refusal != session::Refusal::none) {
    // SPEC "Connection limits": a clear answer, never a hang (RFC 9051 §7.1.5 UNAVAILABLE).
    const std::string why = session::refusal_text(admission.refusal, context_.registry.limits());
    session::log_connect_refused(stream_, id_, "imap", admission.refusal);
    co_await say_bye(fmt::format("[UNAVAILABLE] {}", why));
  } else if (shutting_down_) {
    co_await say_bye("Server shutting down");
  } else {
    protocol_log_ = session::new_session_log(context_.protolog, stream_, id_, protolog::Protocol::imap,
                                             config().limits.max_line_octets);
    protocol_log_->update("", "");
    out_ += fmt::format("* OK [CAPABILITY {}] {} ready.\r\n", capabilities(), config().server_name);
    while (!ending_ && !closed_ && !idle_.expired() && !shutting_down_ && !compress_failed_ && !mailbox_deleted_) {
      co_await protocol_log_boundary();
      awaiting_command_ = true;
      auto command = co_await next_command();
      awaiting_command_ = false;
      if (!command) break;
      co_await execute(std::move(*command));
      // Replies to pipelined commands wait for the batch's end, but never past the output
      // limit: a client that sends and does not read is held to max_output_buffer_octets.
      co_await flush_if_full();
      if (bad_in_a_row_ >= config().limits.max_bad_commands) {
        // Checked after each command, so a pipelined batch of junk is cut off too.
        co_await say_bye("Too many invalid commands");
        ending_ = true;
        too_many_bad = true;
      }
    }
    co_await flush();
    if (!ending_ && !closed_) {
      if (compress_failed_) co_await say_bye("Compressed data could not be read");
      else if (mailbox_deleted_) co_await say_bye("Selected mailbox was deleted, have to disconnect");
      else if (idle_.expired()) co_await say_bye(autologout_text());
      else if (shutting_down_ && end_reason_ == session::EndReason::kicked)
        co_await say_bye("Disconnected by the administrator");
      else if (shutting_down_) co_await say_bye("Server shutting down");
    }
  }
  closed_ = true;
  idle_.stop();
  stream_.close();
  // The place is given back when the connection closes, not when the last reference to the
  // session goes, so `who` and the limits count exactly the open connections (seed 002).
  registration_.reset();
  protocol_log_.reset();  // closes the transcript now, not when the last reference goes
  if (started) {
    const std::string_view end = admission.refusal != session::Refusal::none ? "refused"
                                 : compress_failed_                           ? "compress_error"
                                 : mailbox_deleted_                           ? "mailbox_deleted"
                                 : session::end_name(too_many_bad, ending_, idle_.expired(), shutting_down_,
                                                     end_reason_);
    session::log_end("logout", id_, "imap", account() ? account()->address : "", traffic_, end, &stream_);
  }
}

Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint, bool implicit_tls) {
  auto acceptor = net::open_tcp(io, endpoint);
  if (!acceptor) return acceptor.error();
  auto start = [&context, implicit_tls](asio::ip::tcp::socket socket) {
    auto executor = socket.get_executor();
    auto session = std::make_shared<Session>(context, std::move(socket), implicit_tls);
    asio::co_spawn(executor, [session]() { return session->run(); }, asio::detached);
  };
  asio::co_spawn(io, net::accept_loop(std::move(*acceptor), std::move(start), "imap"), asio::detached);
  return {};
}

}  // namespace pillarbox::imap
