// One session's side of protocol logging (issue 6): it asks the Control at each command
// boundary whether the session is to be logged now, opens or closes its transcript, and passes
// the session's bytes to its Tap. A session that is not logged holds no Tap: every call is a
// null check, and the boundary check is an atomic load and a string comparison.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protolog/control.h"
#include "protolog/tap.h"
#include "protolog/writer.h"

namespace pillarbox::protolog {

class SessionLog {
 public:
  /// `control` may be null (logging not configured): nothing is ever logged. `client_ip`: the
  /// client's address without port, as ip rules match it ("" for a unix socket). `max_line` as
  /// for Tap: the session's own line limit, in octets.
  SessionLog(Control* control, SessionInfo info, std::string client_ip, std::size_t max_line);
  ~SessionLog();
  SessionLog(const SessionLog&) = delete;
  SessionLog& operator=(const SessionLog&) = delete;

  /// True when update() may change something: the rules changed since it last ran, or the
  /// account is not the one it saw.
  bool due(std::string_view account) const {
    return control_ != nullptr && (control_->generation() != generation_ || account != account_);
  }
  /// At a command boundary (nothing of a command, SASL exchange or message body half read):
  /// starts a transcript when a rule now selects the session (feeding it `unread`, the client
  /// bytes read and not yet handled, first), ends it when none does, records the account.
  /// Never fails: a transcript that cannot be opened is reported once in the server log.
  /// Returns true when it started a transcript (and so logged `unread`); otherwise the caller
  /// passes bytes it has not logged yet to client() as usual.
  bool update(std::string_view account, std::string_view unread);

  /// Client bytes just read; server bytes about to be written. Written out at once.
  void client(std::string_view bytes) {
    if (tap_) log_bytes(true, bytes);
  }
  void server(std::string_view bytes) {
    if (tap_) log_bytes(false, bytes);
  }
  /// TLS came up mid-session (STARTTLS/STLS).
  void set_tls(std::string_view description);
  /// IMAP COMPRESS started; `unused` client octets already logged were compressed data
  /// (Tap::restart_after_compress).
  void compression_started(std::uint64_t unused) {
    if (tap_) tap_->restart_after_compress(unused);
  }
  bool active() const { return tap_ != nullptr; }

 private:
  void log_bytes(bool client, std::string_view bytes);
  void stop(std::string_view why);

  Control* control_;
  SessionInfo info_;
  std::string client_ip_;
  std::size_t max_line_;
  std::uint64_t generation_ = 0;
  std::string account_;
  bool bodies_ = false;
  unsigned segment_ = 0;   // transcripts opened so far: the second is "<id>-2.log"
  bool reported_ = false;  // an open failure was logged
  std::unique_ptr<Tap> tap_;
};

}  // namespace pillarbox::protolog
