// The DATA reader of LMTP (RFC 2033 §4.2, RFC 5321 §4.1.1.4 and §4.5.2): an incremental decoder
// of the dot-stuffed message that ends at the line ".". Fed any split of the input it produces
// the same message (DESIGN §6 "grind"); it never buffers more than `max_octets` of message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pillarbox::lmtp {

class DotDecoder {
 public:
  struct Step {
    std::size_t consumed;  ///< bytes of the input used; after `done`, the rest is the next command
    bool done;             ///< the terminating "." line has been read
  };

  /// `max_octets`: the largest decoded message kept (limits.max_message_octets).
  explicit DotDecoder(std::uint64_t max_octets);

  /// Consumes input up to and including the terminating line. Rules:
  /// - a line is ended by CRLF or by a bare LF, which is stored as CRLF (Postfix's LMTP client
  ///   and RFC 5321 §2.3.8 clients send CRLF; bare LF comes from broken scripts);
  /// - "." alone on a line (".\r\n" or ".\n") ends the message; the CRLF before it belongs to
  ///   the message (RFC 5321 §4.1.1.4);
  /// - a leading "." on any other line is removed (transparency, RFC 5321 §4.5.2);
  /// - a CR not followed by LF is kept as it is.
  /// Once the decoded size passes `max_octets` the message is dropped and only counted, but
  /// reading goes on to the terminator so the session stays in step (answer 552 5.3.4).
  /// After `done`, further calls consume nothing.
  Step feed(std::string_view input);

  bool done() const { return state_ == State::done; }
  /// True when the message was larger than `max_octets` (its bytes were not kept).
  bool too_big() const { return too_big_; }
  /// Decoded octets seen so far, including those not kept.
  std::uint64_t octets() const { return octets_; }
  /// The decoded message (CRLF line ends); empty when too_big().
  const std::string& message() const { return message_; }
  std::string take_message() { return std::move(message_); }

 private:
  enum class State {
    line_start,  ///< at the start of a line
    dot,         ///< a "." at the start of a line
    dot_cr,      ///< ".\r" at the start of a line
    in_line,     ///< inside a line
    cr,          ///< a CR inside a line, not yet known to end it
    done,
  };
  void emit(std::string_view bytes);

  std::uint64_t max_octets_;
  std::uint64_t octets_ = 0;
  bool too_big_ = false;
  State state_ = State::line_start;
  std::string message_;
};

}  // namespace pillarbox::lmtp
