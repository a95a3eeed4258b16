#include "lmtp/dot_decoder.h"

namespace pillarbox::lmtp {

DotDecoder::DotDecoder(std::uint64_t max_octets) : max_octets_(max_octets) {}

void DotDecoder::emit(std::string_view bytes) {
  octets_ += bytes.size();
  if (too_big_) return;
  if (octets_ > max_octets_) {
    too_big_ = true;
    std::string().swap(message_);  // give the memory back now, not at the terminator
    return;
  }
  message_ += bytes;
}

DotDecoder::Step DotDecoder::feed(std::string_view in) {
  std::size_t i = 0;
  while (i < in.size() && state_ != State::done) {
    const char c = in[i];
    switch (state_) {
      case State::line_start:
        if (c == '.') {
          state_ = State::dot;
          ++i;
        } else {
          state_ = State::in_line;  // c is looked at again there
        }
        break;
      case State::dot:
        if (c == '\r') {
          state_ = State::dot_cr;
          ++i;
        } else if (c == '\n') {
          state_ = State::done;  // ".\n": the terminator with a bare LF
          ++i;
        } else {
          state_ = State::in_line;  // the stuffed dot is dropped; c starts the line's text
        }
        break;
      case State::dot_cr:
        if (c == '\n') {
          state_ = State::done;
          ++i;
        } else {
          state_ = State::cr;  // "." then a bare CR: the dot was stuffing, the CR is text
        }
        break;
      case State::in_line: {
        // Fast path: copy the run of ordinary bytes at once.
        std::size_t stop = in.find_first_of("\r\n", i);
        if (stop == std::string_view::npos) stop = in.size();
        if (stop > i) emit(in.substr(i, stop - i));
        i = stop;
        if (i < in.size()) {
          if (in[i] == '\r') {
            state_ = State::cr;
          } else {
            emit("\r\n");  // a bare LF ends the line; stored as CRLF
            state_ = State::line_start;
          }
          ++i;
        }
        break;
      }
      case State::cr:
        if (c == '\n') {
          emit("\r\n");
          state_ = State::line_start;
          ++i;
        } else {
          emit("\r");  // a bare CR is text
          if (c == '\r') {
            ++i;  // still after a CR
          } else {
            state_ = State::in_line;
          }
        }
        break;
      case State::done:
        break;
    }
  }
  return Step{i, state_ == State::done};
}

}  // namespace pillarbox::lmtp
