// A logged session's two byte streams made into transcript lines (issue 6 item 2): bytes as the
// session reads and writes them go in, cut at line ends and around literals, through the
// Redactor, into the TranscriptFile. Only sessions being logged have a Tap, so a session that is
// not logged pays nothing beyond a null check.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protolog/redact.h"
#include "protolog/writer.h"

namespace pillarbox::protolog {

class Tap {
 public:
  /// `max_line`: the longest line (octets, line end included) kept whole; a longer line, which
  /// the session refuses anyway, is logged as "{N bytes}" (never as text, since a password may
  /// sit in its cut-off part). Server lines longer than that are logged in pieces.
  Tap(TranscriptFile file, Protocol protocol, bool bodies, std::size_t max_line);

  /// Bytes read from the client, in order, as many or as few as a read gave.
  void client(std::string_view bytes, std::chrono::system_clock::time_point now);
  /// Bytes written to the client, in order.
  void server(std::string_view bytes, std::chrono::system_clock::time_point now);

  /// After STARTTLS/STLS: forgets what the client sent before the handshake and was not handled
  /// (the session discards it too, so nothing sent in the clear can pass for part of a command
  /// sent after it) and starts redaction afresh.
  void restart_after_tls();
  /// After IMAP COMPRESS (RFC 4978 §3): `unused` octets read with the COMPRESS command (and
  /// already passed to client()) were compressed data, not IMAP. Drops what of them is still
  /// held as an unfinished line, notes how many were logged as client lines (to be ignored)
  /// and starts redaction afresh; their inflated form is passed to client() as usual.
  void restart_after_compress(std::uint64_t unused);

  /// Header lines for what became known mid-session (see TranscriptFile).
  void set_account(std::string_view account) { file_.set_account(account); }
  void set_tls(std::string_view description) { file_.set_tls(description); }
  /// Adds "# <text>" (e.g. why logging stopped).
  void note(std::string_view text) { file_.line_raw("# " + std::string(text)); }

  /// Octets buffered and not yet written.
  std::size_t pending() const { return file_.pending(); }
  /// Writes what is buffered (TranscriptFile::flush) and drops it on error.
  Status flush() { return file_.flush(); }
  /// Drops what is buffered without writing it (the size cap is reached).
  void discard() { file_.discard(); }
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  struct Side {
    std::string partial;         // an unfinished line
    std::uint64_t overlong = 0;  // octets of a line over max_line, dropped so far
    std::string tail;            // the last octets of that line
  };
  void lines(char direction, const std::vector<std::string>& out, std::chrono::system_clock::time_point now);
  template <class LineFn, class LiteralFn, class RemainingFn>
  void feed(Side& side, char direction, std::string_view bytes, std::chrono::system_clock::time_point now,
            LineFn on_line, LiteralFn on_literal, RemainingFn remaining);

  TranscriptFile file_;
  Protocol protocol_;
  bool bodies_;
  Redactor redactor_;
  std::size_t max_line_;
  Side client_;
  Side server_;
};

}  // namespace pillarbox::protolog
