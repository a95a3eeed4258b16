#include "protolog/tap.h"

#include <algorithm>

namespace pillarbox::protolog {
namespace {

// Octets of a skipped line's end kept to see a literal marker: "{" + 20 digits + "+}" fits.
constexpr std::size_t kTail = 64;

std::size_t line_end(std::string_view piece) { return piece.ends_with("\r\n") ? 2 : piece.ends_with('\n') ? 1 : 0; }

}  // namespace

Tap::Tap(TranscriptFile file, Protocol protocol, bool bodies, std::size_t max_line)
    : file_(std::move(file)),
      protocol_(protocol),
      bodies_(bodies),
      redactor_(protocol, bodies),
      max_line_(std::max<std::size_t>(max_line, 64)) {}

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
    const bool complete = lf != std::string_view::npos;
    if (direction == 'C') {
      // The framers' rule: a line is too long when its text, line end not counted, passes
      // max_line (imap::Framer, session::LineFramer).
      // (A CRLF may be split between two reads: the CR then ends `partial`.)
      std::size_t end = complete ? line_end(piece) : 0;
      if (piece == "\n" && side.partial.ends_with('\r')) end = 2;
      const std::size_t text = side.partial.size() + piece.size() - end;
      if (side.overlong > 0 || text > max_line_ + (complete ? 0 : 1)) {
        // Refused by the session; only its size is logged (a password may sit in any part of
        // it) and its last octets kept, in case it announces a literal.
        side.overlong += side.partial.size() + piece.size();
        side.tail += side.partial;
        side.tail += piece;
        if (side.tail.size() > kTail) side.tail.erase(0, side.tail.size() - kTail);
        side.partial.clear();
        if (complete) {
          lines(direction, redactor_.client_skipped(side.overlong, strip_line_end(side.tail)), now);
          side.overlong = 0;
          side.tail.clear();
        }
        continue;
      }
      side.partial += piece;
      if (!complete) continue;
      lines(direction, on_line(side.partial), now);
      side.partial.clear();
      continue;
    }
    // Our own output: an overlong line is logged in max_line pieces, cut by its content alone
    // (a piece goes once a byte after it is known), so reads and writes never move the cuts.
    side.partial += piece;
    while (side.partial.size() > max_line_) {
      lines(direction, redactor_.server_piece(std::string_view(side.partial).substr(0, max_line_)), now);
      side.partial.erase(0, max_line_);
    }
    if (!complete) continue;
    lines(direction, on_line(side.partial), now);
    side.partial.clear();
  }
}

void Tap::restart_after_tls() {
  // RFC 3501 §6.2.1 / RFC 2595 §4: what came before the handshake and was not handled is
  // discarded by the session, so the transcript's reading of it is too.
  const std::uint64_t dropped = client_.partial.size() + client_.overlong;
  client_ = Side{};
  server_ = Side{};
  redactor_ = Redactor(protocol_, bodies_);
  if (dropped > 0) note(std::to_string(dropped) + " octets sent before TLS and not handled were discarded");
}

void Tap::restart_after_compress(std::uint64_t unused) {
  const std::uint64_t held = std::min<std::uint64_t>(unused, client_.partial.size() + client_.overlong);
  client_ = Side{};
  server_ = Side{};
  redactor_ = Redactor(protocol_, bodies_);
  if (unused == 0) return;
  std::string text = std::to_string(unused) + " octets read with COMPRESS were compressed data, not IMAP";
  if (unused > held) text += " (" + std::to_string(unused - held) + " of them logged above as client lines)";
  note(text + "; they are logged again below, inflated");
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
