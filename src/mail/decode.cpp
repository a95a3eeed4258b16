#include "mail/decode.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <climits>
#include <vector>

#include "base/ascii.h"

namespace pillarbox::mail {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_latin1(std::string& out, std::string_view bytes) {
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
}

/// Text whose charset is unknown or not to be trusted: UTF-8 if it is, else ISO-8859-1.
void append_raw(std::string& out, std::string_view bytes) {
  if (is_utf8(bytes)) {
    out.append(bytes);
  } else {
    append_latin1(out, bytes);
  }
}

void append_converted(std::string& out, std::string_view bytes, std::string_view charset) {
  std::string name(ascii::trim(charset));
  if (const auto star = name.find('*'); star != std::string::npos)
    name.resize(star);  // RFC 2231 language
  const std::string lower = ascii::lower(name);
  if (lower.empty() || lower == "us-ascii" || lower == "ascii" || lower == "utf-8" ||
      lower == "utf8" || lower == "iso-8859-1" || lower == "latin1" ||
      bytes.size() > static_cast<std::size_t>(INT_MAX / 2 - 16)) {
    append_raw(out, bytes);  // ISO-8859-1 text that happens to be valid UTF-8 is rare
    return;
  }
  UErrorCode err = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open(name.c_str(), &err);
  if (U_FAILURE(err) || cnv == nullptr) {
    append_raw(out, bytes);
    return;
  }
  std::vector<UChar> buf(bytes.size() * 2 + 16);
  int32_t len = ucnv_toUChars(cnv, buf.data(), static_cast<int32_t>(buf.size()), bytes.data(),
                              static_cast<int32_t>(bytes.size()), &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    err = U_ZERO_ERROR;
    buf.resize(static_cast<std::size_t>(len) + 1);
    len = ucnv_toUChars(cnv, buf.data(), static_cast<int32_t>(buf.size()), bytes.data(),
                        static_cast<int32_t>(bytes.size()), &err);
  }
  ucnv_close(cnv);
  if (U_FAILURE(err)) {
    append_raw(out, bytes);
    return;
  }
  icu::UnicodeString(buf.data(), len).toUTF8String(out);
}

enum class Word { ok, no, none_later };

/// One RFC 2047 encoded word at `in[pos]` ("=?charset?Q|B?text?="): its end, charset and
/// decoded bytes. `none_later` when no encoded word can start at or after `pos`, which keeps
/// the scan of a hostile value linear.
Word encoded_word(std::string_view in, std::size_t pos, std::size_t& end, std::string_view& charset,
                  std::string& bytes) {
  const std::size_t q1 = in.find('?', pos + 2);
  if (q1 == std::string_view::npos) return Word::none_later;
  if (q1 + 3 >= in.size() || in[q1 + 2] != '?') return Word::no;
  charset = in.substr(pos + 2, q1 - pos - 2);
  if (charset.empty() || charset.find_first_of(" \t") != std::string_view::npos) return Word::no;
  const char encoding = ascii::to_lower(in[q1 + 1]);
  if (encoding != 'q' && encoding != 'b') return Word::no;
  const std::size_t text_start = q1 + 3;
  std::size_t close = text_start;
  while (true) {  // the text has no whitespace and ends at "?="
    if (close + 1 >= in.size()) return Word::none_later;  // no whitespace and no "?=" to the end
    if (in[close] == ' ' || in[close] == '\t') return Word::no;
    if (in[close] == '?' && in[close + 1] == '=') break;
    ++close;
  }
  const std::string_view text = in.substr(text_start, close - text_start);
  end = close + 2;
  if (encoding == 'b') {
    bytes = decode_base64(text);
    return Word::ok;
  }
  bytes.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      bytes += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      bytes += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      bytes += text[i];
    }
  }
  return Word::ok;
}

}  // namespace

namespace {

// The decoders are written once over a sink, `put(char)`, so that a decoded size can be counted
// without building the decoded octets (BINARY.SIZE, RFC 3516 §4.2).
template <class Put>
void base64_each(std::string_view in, Put&& put) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      if (c == '=') {
        acc = 0;
        bits = 0;
      }
      continue;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      put(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
}

template <class Put>
void quoted_printable_each(std::string_view in, Put&& put) {
  const std::size_t n = in.size();
  // Literal spaces and tabs are held back until something other than a line end follows:
  // RFC 2045 §6.7 (3) says whitespace at the end of an encoded line was added in transport and
  // is deleted (an encoded "=20" or "=09" is content and stays).
  std::size_t blanks_from = 0;
  std::size_t blanks = 0;
  auto flush_blanks = [&] {
    for (std::size_t k = 0; k < blanks; ++k) put(in[blanks_from + k]);
    blanks = 0;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = in[i];
    if (c == ' ' || c == '\t') {
      if (blanks == 0) blanks_from = i;
      ++blanks;
      continue;
    }
    if (c == '\n' || (c == '\r' && i + 1 < n && in[i + 1] == '\n')) {
      blanks = 0;  // trailing whitespace before a hard line break: deleted
      put(c);
      continue;
    }
    flush_blanks();
    if (c != '=') {
      put(c);
      continue;
    }
    if (i + 2 < n && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      put(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
      continue;
    }
    // A soft line break: '=', optional transport padding, line end (or the end of the text).
    std::size_t k = i + 1;
    while (k < n && (in[k] == ' ' || in[k] == '\t')) ++k;
    if (k < n && in[k] == '\r') ++k;
    if (k >= n || in[k] == '\n') {
      i = k;
      continue;
    }
    put(c);
  }
  // Whitespace at the very end of the text ends its last line: deleted too.
}

}  // namespace

std::string decode_base64(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 4 * 3 + 3);
  base64_each(in, [&out](char c) { out += c; });
  return out;
}

std::uint64_t base64_decoded_size(std::string_view in) {
  std::uint64_t n = 0;
  base64_each(in, [&n](char) { ++n; });
  return n;
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  quoted_printable_each(in, [&out](char c) { out += c; });
  return out;
}

std::uint64_t quoted_printable_decoded_size(std::string_view in) {
  std::uint64_t n = 0;
  quoted_printable_each(in, [&n](char) { ++n; });
  return n;
}

std::string decode_transfer(std::string_view body, std::string_view encoding) {
  const std::string_view e = ascii::trim(encoding);
  if (ascii::iequals(e, "base64")) return decode_base64(body);
  if (ascii::iequals(e, "quoted-printable")) return decode_quoted_printable(body);
  return std::string(body);
}

bool is_utf8(std::string_view s) {
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  std::string out;
  append_converted(out, bytes, charset);
  return out;
}

std::string decode_header_value(std::string_view in) {
  std::string out;
  std::string pending;  // bytes of adjacent encoded words in one charset, converted together
  std::string_view pending_charset;
  auto flush = [&] {
    if (!pending.empty()) append_converted(out, pending, pending_charset);
    pending.clear();
  };
  std::size_t pos = 0;
  bool after_word = false;
  std::string bytes;
  while (pos < in.size()) {
    std::size_t at = in.find("=?", pos);
    std::size_t end = 0;
    std::string_view charset;
    while (at != std::string_view::npos) {
      const Word w = encoded_word(in, at, end, charset, bytes);
      if (w == Word::ok) break;
      at = w == Word::none_later ? std::string_view::npos : in.find("=?", at + 1);
    }
    const std::string_view between =
        in.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos);
    const bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(after_word && only_space && at != std::string_view::npos)) {
      flush();
      append_raw(out, between);
    }
    if (at == std::string_view::npos) break;
    if (!ascii::iequals(charset, pending_charset)) flush();
    pending_charset = charset;
    pending += bytes;
    after_word = true;
    pos = end;
  }
  flush();
  return out;
}

}  // namespace pillarbox::mail
