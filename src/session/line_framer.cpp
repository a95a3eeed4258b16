#include "session/line_framer.h"

#include <utility>

namespace pillarbox::session {

LineFramer::LineFramer(std::size_t max_line_octets) : max_(max_line_octets) {}

LineFramer::Step LineFramer::feed(std::string_view input) {
  const std::size_t lf = input.find('\n');
  if (skipping_) {
    if (lf == std::string_view::npos) return {Event::need_more, input.size()};
    skipping_ = false;
    return {Event::too_long, lf + 1};
  }
  if (lf == std::string_view::npos) {
    // One byte more than the limit may be a CR whose LF has not arrived yet.
    if (line_.size() + input.size() > max_ + 1) {
      skipping_ = true;
      std::string().swap(line_);
    } else {
      line_ += input;
    }
    return {Event::need_more, input.size()};
  }
  std::size_t length = line_.size() + lf;
  const bool cr = lf > 0 ? input[lf - 1] == '\r' : (!line_.empty() && line_.back() == '\r');
  if (cr) --length;
  if (length > max_) {
    std::string().swap(line_);
    return {Event::too_long, lf + 1};
  }
  line_.append(input.substr(0, lf));
  if (cr) line_.pop_back();
  return {Event::line, lf + 1};
}

std::string LineFramer::take_line() {
  std::string line;
  line.swap(line_);
  return line;
}

void LineFramer::reset() {
  std::string().swap(line_);
  skipping_ = false;
}

}  // namespace pillarbox::session
