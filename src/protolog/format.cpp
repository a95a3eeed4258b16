#include "protolog/format.h"

#include <cstdio>

namespace pillarbox::protolog {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool printable(unsigned char c) { return c >= 0x20 && c <= 0x7e; }

}  // namespace

std::string_view protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::imap: return "imap";
    case Protocol::pop3: return "pop3";
    case Protocol::lmtp: return "lmtp";
  }
  return "?";
}

std::string escape(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '\\') {
      out += "\\\\";
    } else if (printable(c)) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (!printable(static_cast<unsigned char>(ch))) return std::nullopt;
    if (ch != '\\') {
      out += ch;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      i += 1;
      continue;
    }
    // "\xNN" needs three more bytes after the backslash.
    if (i + 3 >= text.size() || text[i + 1] != 'x') return std::nullopt;
    const int hi = hex_value(text[i + 2]);
    const int lo = hex_value(text[i + 3]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 3;
  }
  return out;
}

std::string_view strip_line_end(std::string_view line) {
  if (line.ends_with("\r\n")) return line.substr(0, line.size() - 2);
  if (line.ends_with('\n')) return line.substr(0, line.size() - 1);
  return line;
}

std::string clock_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const hh_mm_ss hms(ms - floor<days>(ms));
  char out[48];  // room for any int, to satisfy -Wformat-truncation
  std::snprintf(out, sizeof out, "%02d:%02d:%02d.%03d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return out;
}

std::string transcript_line(std::chrono::system_clock::time_point t, char direction,
                            std::string_view line) {
  std::string out = clock_time(t);
  out += ' ';
  out += direction;
  out += ": ";
  out += escape(strip_line_end(line));
  return out;
}

}  // namespace pillarbox::protolog
