#include "pop3/multiline.h"

namespace pillarbox::pop3 {

void DotStuffer::append(std::string& out, std::string_view chunk) {
  while (!chunk.empty()) {
    // RFC 1939 §3: "If any line of the multi-line response begins with the termination
    // octet, the line is 'byte-stuffed' by pre-pending the termination octet to that line".
    if (at_line_start_ && chunk.front() == '.') out += '.';
    const std::size_t lf = chunk.find('\n');
    if (lf == std::string_view::npos) {
      out.append(chunk);
      at_line_start_ = false;
      prev_cr_ = chunk.back() == '\r';
      return;
    }
    const bool cr_before = lf > 0 ? chunk[lf - 1] == '\r' : prev_cr_;
    out.append(chunk.substr(0, lf));
    out += cr_before ? "\n" : "\r\n";
    at_line_start_ = true;
    prev_cr_ = false;
    chunk.remove_prefix(lf + 1);
  }
}

void DotStuffer::finish(std::string& out) {
  if (!at_line_start_) out += prev_cr_ ? "\n" : "\r\n";
  out += ".\r\n";
  at_line_start_ = true;
  prev_cr_ = false;
}

std::string_view top_part(std::string_view message, std::uint64_t body_lines) {
  std::size_t body;
  if (message.starts_with("\r\n")) {
    body = 2;   // an empty header
  } else {
    const std::size_t blank = message.find("\r\n\r\n");
    if (blank == std::string_view::npos) return message;
    body = blank + 4;
  }
  std::size_t end = body;
  for (std::uint64_t i = 0; i < body_lines && end < message.size(); ++i) {
    const std::size_t lf = message.find('\n', end);
    if (lf == std::string_view::npos) return message;
    end = lf + 1;
  }
  return message.substr(0, end);
}

}  // namespace pillarbox::pop3
