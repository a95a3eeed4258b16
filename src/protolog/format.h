// The line format of a protocol transcript (issue 6 item 2): "HH:MM:SS.mmm C: <line>" and
// "HH:MM:SS.mmm S: <line>", one file line per protocol line, so `pillarbox log show` output is
// one edit away from a transcript test file (DESIGN §6, tests/transcripts/README.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pillarbox::protolog {

/// The protocol a session speaks; chooses what the Redactor looks for.
enum class Protocol { imap, pop3, lmtp };

/// "imap", "pop3" or "lmtp": the name written in a transcript's header.
std::string_view protocol_name(Protocol protocol);

/// Escapes `bytes` so that the result is printable ASCII on one line: every byte outside
/// 0x20-0x7e becomes `\xNN` (two lower-case hex digits) and the backslash becomes `\\`. Nothing
/// else changes, so unescape() gives the exact bytes back.
std::string escape(std::string_view bytes);

/// The inverse of escape(). Returns nullopt when `text` is not escape() output: a backslash not
/// followed by `\` or `xNN` (hex, either case), or a byte outside 0x20-0x7e.
std::optional<std::string> unescape(std::string_view text);

/// "HH:MM:SS.mmm": the UTC time of day of `t`, milliseconds truncated.
std::string clock_time(std::chrono::system_clock::time_point t);

/// One transcript line for a protocol line: clock_time(t) + " D: " (D = `direction`, 'C' for
/// client or 'S' for server) followed by escape(line) without the line's
/// final CRLF or LF (a final bare CR is kept, as \x0d). No line end is appended.
std::string transcript_line(std::chrono::system_clock::time_point t, char direction,
                            std::string_view line);

/// `line` without its final CRLF or LF (a bare CR is kept: it is not a line end, RFC 9051 §2.2).
std::string_view strip_line_end(std::string_view line);

}  // namespace pillarbox::protolog
