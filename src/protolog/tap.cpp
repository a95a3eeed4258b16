#include "protolog/tap.h"

#include <algorithm>

namespace pillarbox::protolog {

Tap::Tap(TranscriptFile file, Protocol protocol, bool bodies, std::size_t max_line)
    : file_(std::move(file)), redactor_(protocol, bodies), max_line_(std::max<std::size_t>(max_line, 64)) {}

void Tap::lines(char direction, const std::vector<std::string>& out, std::chrono::system_clock::time_point now) {
  for (const auto& l : out) file_.line(now, direction, l);
}

template <class LineFn, class LiteralFn, class RemainingFn>
void Tap::feed(Side& side, char direction, std::string_view bytes, std::chrono::system_clock::time_point now,
               LineFn on_line, LiteralFn on_literal, RemainingFn remaining) {
  while (!bytes.empty()) {
    if (const std::uint64_t left = remaining(); left > 0) {
      // Literal bytes follow a line ending in {N}: exactly N of them, whatever they hold.
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, bytes.size()));
      lines(direction, on_literal(bytes.substr(0, n)), now);
      bytes.remove_prefix(n);
      continue;
    }
    const auto lf = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, lf == std::string_view::npos ? bytes.size() : lf + 1);
    bytes.remove_prefix(piece.size());
    if (side.overlong > 0 || side.partial.size() + piece.size() > max_line_) {
      if (direction == 'S') {
        // Our own output: logged in pieces, nothing in it is a secret of the client's.
        side.partial += piece;
        if (lf == std::string_view::npos) {
          lines(direction, on_line(side.partial), now);
          side.partial.clear();
          continue;
        }
      } else {
        side.overlong += side.partial.size() + piece.size();
        side.partial.clear();
        if (lf == std::string_view::npos) continue;
        file_.line(now, direction, size_summary(side.overlong));
        side.overlong = 0;
        continue;
      }
    } else {
      side.partial += piece;
      if (lf == std::string_view::npos) continue;
    }
    lines(direction, on_line(side.partial), now);
    side.partial.clear();
  }
}

void Tap::client(std::string_view bytes, std::chrono::system_clock::time_point now) {
  feed(
      client_, 'C', bytes, now, [this](std::string_view l) { return redactor_.client_line(l); },
      [this](std::string_view b) { return redactor_.client_literal(b); },
      [this] { return redactor_.client_literal_remaining(); });
}

void Tap::server(std::string_view bytes, std::chrono::system_clock::time_point now) {
  feed(
      server_, 'S', bytes, now, [this](std::string_view l) { return redactor_.server_line(l); },
      [this](std::string_view b) { return redactor_.server_literal(b); },
      [this] { return redactor_.server_literal_remaining(); });
}

}  // namespace pillarbox::protolog
