// The command-line framer of the line protocols, POP3 (RFC 1939 §3) and LMTP (RFC 2033, RFC 5321
// §2.3.8) (DESIGN §3 stage 1): splits the input into command lines without ever holding more
// than max_line_octets of one line. Fed any split of the input it reports the same events, and
// the session drains its buffer through feed() before reading again, so pipelined commands
// (RFC 2449 §6.6, RFC 2920) come out one by one in order.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pillarbox::session {

class LineFramer {
 public:
  enum class Event {
    need_more,  ///< every byte given was consumed; read more
    line,       ///< a complete line is ready: take_line()
    too_long,   ///< a line longer than the limit ended; its bytes were skipped, not stored
  };
  struct Step {
    Event event;
    std::size_t consumed;  ///< bytes of the input used by this step
  };

  /// `max_line_octets`: the longest line kept, without its line end (limits.max_line_octets).
  explicit LineFramer(std::size_t max_line_octets);

  /// Consumes a prefix of `input` and reports the first event reached. A line ends at LF; a CR
  /// right before the LF is removed too (CRLF per RFC 5321 §2.3.8; a bare LF is accepted as
  /// Postfix's smtpd does). Call again with the rest until need_more.
  Step feed(std::string_view input);
  /// The line after Event::line, without its line end (moves it out).
  std::string take_line();
  /// Forgets the line in progress (STLS/STARTTLS: nothing sent before TLS survives, RFC 2595 §4).
  void reset();
  /// Bytes held for the line in progress (at most max_line_octets + 1).
  std::size_t buffered() const { return line_.size(); }
  /// True while a line has begun and not ended (stored or being skipped): the session's
  /// command deadline runs meanwhile.
  bool in_line() const { return skipping_ || !line_.empty(); }

 private:
  std::size_t max_;
  std::string line_;
  bool skipping_ = false;
};

}  // namespace pillarbox::session
