// Multi-line responses (RFC 1939 §3): byte-stuffing and the termination octet, and the part of
// a message that TOP sends (RFC 1939 §7). Pure; unit-tested with every split of the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pillarbox::pop3 {

/// Turns message bytes into the body of a multi-line response, incrementally, so a large
/// message can be sent in pieces: every line that begins with "." gets another "." in front;
/// a bare LF becomes CRLF (the store serves CRLF already, so this only guards the framing);
/// finish() ends the last line if it was not ended and adds the terminating ".\r\n". The
/// message size that LIST and STAT report is of the bytes before stuffing (RFC 1939 §11).
class DotStuffer {
 public:
  /// Appends the stuffed form of `chunk` (the next bytes of the message) to `out`.
  void append(std::string& out, std::string_view chunk);
  /// Appends the end of the response to `out`; the stuffer may then be used for a new message.
  void finish(std::string& out);

 private:
  bool at_line_start_ = true;
  bool prev_cr_ = false;
};

/// The prefix of `message` (CRLF line ends) that "TOP msg n" sends: the header, the blank line
/// that ends it, and at most `body_lines` lines of the body. A message without a blank line is
/// all header and is returned whole.
std::string_view top_part(std::string_view message, std::uint64_t body_lines);

}  // namespace pillarbox::pop3
