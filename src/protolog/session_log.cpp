#include "protolog/session_log.h"

#include "base/log.h"

namespace pillarbox::protolog {

SessionLog::SessionLog(Control* control, SessionInfo info, std::string client_ip, std::size_t max_line)
    : control_(control), info_(std::move(info)), client_ip_(std::move(client_ip)), max_line_(max_line) {}

SessionLog::~SessionLog() {
  if (tap_) stop("session ended");
}

bool SessionLog::update(std::string_view account, std::string_view unread) {
  if (!control_) return false;
  generation_ = control_->generation();
  const bool account_changed = account != account_;
  account_ = account;
  const auto selected = control_->match(client_ip_, account_);
  if (tap_ && (!selected || *selected != bodies_)) {
    stop(selected ? "logging continues in a new transcript (--bodies changed)" : "logging switched off");
  }
  if (!selected) return false;
  if (tap_) {
    if (account_changed && !account_.empty()) {
      tap_->set_account(account_);
      log_bytes(false, {});
    }
    return false;
  }
  SessionInfo info = info_;
  if (++segment_ > 1) info.session_id += "-" + std::to_string(segment_);
  auto file = TranscriptFile::open(control_->dir(), info, std::chrono::system_clock::now());
  if (!file) {
    if (!reported_) {
      log::warn("session={} protocol log not written: {} {}", info_.session_id, file.error().text,
                file.error().detail);
      reported_ = true;
    }
    return false;
  }
  control_->opened(file->path());
  bodies_ = *selected;
  tap_ = std::make_unique<Tap>(std::move(*file), info_.protocol, bodies_, max_line_);
  if (!account_.empty()) tap_->set_account(account_);
  if (segment_ > 1 || !unread.empty()) tap_->note("logging started mid-session");
  log_bytes(true, unread);
  return true;
}

void SessionLog::set_tls(std::string_view description) {
  info_.tls = description;
  if (tap_) {
    tap_->restart_after_tls();
    tap_->set_tls(description);
    log_bytes(false, {});
  }
}

void SessionLog::log_bytes(bool client, std::string_view bytes) {
  const auto now = std::chrono::system_clock::now();
  if (client) tap_->client(bytes, now);
  else tap_->server(bytes, now);
  if (tap_->pending() == 0) return;
  if (!control_->charge(tap_->pending())) {
    tap_->discard();
    stop("logging stopped: the protocol log is at its size cap (protocol_log_max_mb)");
    return;
  }
  if (auto st = tap_->flush(); !st && !reported_) {
    log::warn("session={} protocol log write failed: {}", info_.session_id, st.error().detail);
    reported_ = true;
  }
}

void SessionLog::stop(std::string_view why) {
  if (!why.empty()) {
    tap_->note(why);
    // A note is small and says why the transcript ends; it is written even at the cap.
    (void)control_->charge(tap_->pending());
    (void)tap_->flush();
  }
  const auto path = tap_->path();
  tap_.reset();  // flushes what is left and closes
  control_->closed(path);
}

}  // namespace pillarbox::protolog
