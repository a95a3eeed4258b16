// The IMAP framer (framer.h; DESIGN §3 stage 1).
//
// Choices beyond the header's contract:
// - A line ends at LF; a CR just before it is dropped. Lines that end in a literal marker are
//   stored with CRLF whatever the client sent, so the parser sees "{N}\r\n" + N bytes.
// - An empty line (CRLF alone) between commands is ignored, as several servers do: some
//   clients send one after an APPEND literal. Not during AUTHENTICATE (keep_empty_lines), where
//   it is an empty SASL response.
// - A literal marker is "{" 1*DIGIT ["+"] "}" at the very end of a line; "~" before it (literal8)
//   is command text for the parser. Anything else ("{12a}", "{}", "{5} ") is plain text.
// - A non-synchronizing literal whose size does not even fit in 64 bits cannot be counted off:
//   the framer reports literal_too_big at once (literal_size() == UINT64_MAX) and then discards
//   everything until reset(). The session should answer BAD and close the connection.
// - The skip limit (set_skip_limit) counts the literal sizes of skipped non-synchronizing
//   literals when announced and every octet of skipped line text.
// - max_line_octets bounds all the command text of one command (every line, and the CRLF
//   stored after each literal marker), not each line, so that what is stored never passes
//   max_line_octets plus the bytes of accepted literals.
#include "imap/framer.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace pillarbox::imap {

namespace {

// tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 §9). Kept in step with parser.cpp.
bool is_tag_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case '+':
      return false;
    default:
      return true;
  }
}

// True when `line` (a command's first line) is "tag APPEND ...": its literals are messages,
// bound by the append limits (RFC 7889, RFC 3502).
bool is_append(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view word = line.substr(sp + 1);
  word = word.substr(0, word.find(' '));
  constexpr std::string_view kAppend = "APPEND";
  if (word.size() != kAppend.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i] >= 'a' && word[i] <= 'z' ? static_cast<char>(word[i] - 'a' + 'A') : word[i];
    if (c != kAppend[i]) return false;
  }
  return true;
}

}  // namespace

void Framer::MarkerScan::step(unsigned char c) {
  if (c == '{') {
    state = 1;
    value = 0;
    overflow = false;
    plus = false;
    return;
  }
  if (c >= '0' && c <= '9' && (state == 1 || state == 2)) {
    const std::uint64_t digit = c - '0';
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      overflow = true;
    } else {
      value = value * 10 + digit;
    }
    state = 2;
    return;
  }
  if (c == '+' && state == 2) {
    state = 3;
    plus = true;
    return;
  }
  if (c == '}' && (state == 2 || state == 3)) {
    state = 4;
    return;
  }
  state = 0;
  plus = false;
}

void Framer::MarkerScan::feed(unsigned char c) {
  // A CR is judged only when the next byte shows whether it ends the line.
  if (pending_cr) {
    pending_cr = false;
    step('\r');
  }
  if (c == '\r') {
    pending_cr = true;
    return;
  }
  step(c);
}

Framer::Framer(FramerLimits limits) : limits_(limits) {}

void Framer::start_command() {
  command_.clear();
  state_ = State::line;
  tag_ = "*";
  tag_known_ = false;
  restart_ = false;
  skip_error_ = Event::line_too_long;
  scan_ = MarkerScan{};
  literal_size_ = 0;
  literal_left_ = 0;
  line_octets_ = 0;
  literals_ = 0;
  append_ = false;
  literal_total_ = 0;
}

void Framer::reset() {
  start_command();
  std::string().swap(command_);
}

std::string Framer::take_command() {
  restart_ = true;
  return std::exchange(command_, std::string());
}

void Framer::set_tag(std::string_view line, bool complete) {
  tag_known_ = true;
  tag_ = "*";
  const auto sp = line.find(' ');
  std::string_view tag;
  if (sp != std::string_view::npos) {
    tag = line.substr(0, sp);
  } else if (complete) {
    tag = line;
  } else {
    return;  // the tag runs past what we looked at: not a usable tag
  }
  if (tag.empty()) return;
  for (char c : tag) {
    if (!is_tag_char(static_cast<unsigned char>(c))) return;
  }
  tag_ = std::string(tag);
}

bool Framer::spend_skip(std::uint64_t n) {
  if (!skip_limited_) return true;
  if (n > skip_left_) {
    state_ = State::dead;
    std::string().swap(command_);
    return false;
  }
  skip_left_ -= n;
  return true;
}

void Framer::doom(Event error) {
  skip_error_ = error;
  state_ = State::skip_line;
  std::string().swap(command_);  // give the memory back: nothing more is stored
}

bool Framer::end_line(Event& event) {
  const MarkerScan scan = scan_;
  scan_ = MarkerScan{};
  if (!tag_known_) set_tag(command_, true);
  if (!scan.complete()) {
    if (command_.empty() && !keep_empty_) {  // an empty line: ignored
      start_command();
      return false;
    }
    event = Event::command;
    restart_ = true;
    return true;
  }
  const std::uint64_t size = scan.value;
  if (literals_ == 0) append_ = append_allowed_ && is_append(command_);
  literal_size_ = scan.overflow ? std::numeric_limits<std::uint64_t>::max() : size;
  if (scan.plus && literal_size_ > limits_.max_non_sync_octets) {
    // RFC 7888 §4: under LITERAL- a bigger non-synchronizing literal is a protocol error.
    state_ = State::dead;
    std::string().swap(command_);
    event = Event::non_sync_refused;
    return true;
  }
  const bool too_big = literal_too_big(scan.overflow, size);
  const bool too_long = line_octets_ + 2 > limits_.max_line_octets;
  if (!scan.plus) {
    // Synchronizing: refusing it costs nothing, the client waits for "+" and sends nothing.
    if (too_long || too_big) {
      event = too_long ? Event::line_too_long : Event::literal_too_big;
      restart_ = true;
      return true;
    }
    command_ += "\r\n";
    line_octets_ += 2;
    ++literals_;
    literal_total_ += size;
    literal_left_ = size;
    state_ = size > 0 ? State::literal : State::line;
    event = Event::continuation;
    return true;
  }
  // Non-synchronizing (RFC 7888): the bytes follow whatever we say, so they are counted off.
  if (scan.overflow) {
    state_ = State::dead;
    std::string().swap(command_);
    event = Event::literal_too_big;
    return true;
  }
  if (too_long || too_big) {
    doom(too_long ? Event::line_too_long : Event::literal_too_big);
    if (!spend_skip(size)) {
      event = skip_error_;
      return true;
    }
    literal_left_ = size;
    state_ = size > 0 ? State::skip_literal : State::skip_line;
    return false;
  }
  command_ += "\r\n";
  line_octets_ += 2;
  ++literals_;
  literal_total_ += size;
  literal_left_ = size;
  state_ = size > 0 ? State::literal : State::line;
  return false;
}

bool Framer::literal_too_big(bool overflow, std::uint64_t size) {
  if (literals_ >= limits_.max_literals) {
    exceeded_ = Exceeded::count;
    return true;
  }
  exceeded_ = Exceeded::literal;
  if (overflow || size > limits_.max_literal_octets) return true;
  if (!append_) {
    exceeded_ = Exceeded::command_total;
    return literal_total_ + size > limits_.max_command_literal_octets;
  }
  exceeded_ = Exceeded::append;
  if (size > limits_.max_append_octets) return true;
  exceeded_ = Exceeded::append_total;
  return literal_total_ + size > limits_.max_append_total_octets;
}

bool Framer::end_skipped_line(Event& event) {
  const MarkerScan scan = scan_;
  scan_ = MarkerScan{};
  if (scan.complete() && scan.plus) {
    if (scan.overflow || scan.value > limits_.max_non_sync_octets) {
      // Too big to count off, or refused under LITERAL- (RFC 7888 §4).
      const bool refused = limits_.max_non_sync_octets != std::numeric_limits<std::uint64_t>::max();
      state_ = State::dead;
      literal_size_ = scan.overflow ? std::numeric_limits<std::uint64_t>::max() : scan.value;
      event = refused ? Event::non_sync_refused : Event::literal_too_big;
      return true;
    }
    if (!spend_skip(scan.value)) {
      event = skip_error_;
      return true;
    }
    literal_left_ = scan.value;
    state_ = scan.value > 0 ? State::skip_literal : State::skip_line;
    return false;
  }
  // No marker, or a synchronizing one: we never send "+" for a doomed command, so the client
  // sends nothing more for it and the next byte starts the next command.
  event = skip_error_;
  restart_ = true;
  return true;
}

Framer::Step Framer::feed(std::string_view input) {
  if (restart_) start_command();
  std::size_t pos = 0;
  Event event = Event::need_more;
  while (pos < input.size()) {
    switch (state_) {
      case State::line: {
        while (pos < input.size()) {
          const auto c = static_cast<unsigned char>(input[pos++]);
          if (c == '\n') {
            if (end_line(event)) return {event, pos};
            break;  // the state may have changed
          }
          // A CR that may end the line is held back (scan_.pending_cr) until the next byte
          // shows it is text.
          if (scan_.pending_cr) {
            command_.push_back('\r');
            ++line_octets_;
          }
          scan_.feed(c);
          if (c != '\r') {
            command_.push_back(static_cast<char>(c));
            ++line_octets_;
          }
          if (line_octets_ > limits_.max_line_octets) {
            if (!tag_known_) set_tag(command_, false);
            doom(Event::line_too_long);
            break;
          }
        }
        break;
      }
      case State::literal: {
        const auto n = static_cast<std::size_t>(
            std::min<std::uint64_t>(literal_left_, input.size() - pos));
        command_.append(input.substr(pos, n));
        pos += n;
        literal_left_ -= n;
        if (literal_left_ == 0) state_ = State::line;
        break;
      }
      case State::skip_literal: {
        const auto n = static_cast<std::size_t>(
            std::min<std::uint64_t>(literal_left_, input.size() - pos));
        pos += n;
        literal_left_ -= n;
        if (literal_left_ == 0) state_ = State::skip_line;
        break;
      }
      case State::skip_line: {
        while (pos < input.size()) {
          if (!spend_skip(1)) return {skip_error_, pos};
          const auto c = static_cast<unsigned char>(input[pos++]);
          if (c == '\n') {
            if (end_skipped_line(event)) return {event, pos};
            break;
          }
          scan_.feed(c);
        }
        break;
      }
      case State::dead:
        pos = input.size();
        break;
    }
  }
  return {Event::need_more, pos};
}

}  // namespace pillarbox::imap
