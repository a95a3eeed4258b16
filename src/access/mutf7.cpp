#include "access/mutf7.h"

#include <cstdint>
#include <vector>

#include "access/utf8.h"

namespace pillarbox::access {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_value(char c) {
  const auto i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

bool printable(char32_t c) { return c >= 0x20 && c <= 0x7e; }
bool high_surrogate(char32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool low_surrogate(char32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

// Decodes one shift starting just after its '&' at `pos`; on success `pos` is just after the
// closing '-'. Appends the UTF-8 to `out` when it is not null. Enforces the rules of mutf7.h.
bool decode_shift(std::string_view in, std::size_t& pos, std::string* out) {
  std::uint32_t acc = 0;  // bits not yet consumed; never more than 6 + 15 of them
  int nbits = 0;
  char32_t high = 0;  // a high surrogate waiting for its low half
  bool any = false;
  while (true) {
    if (pos >= in.size()) return false;  // the name ends inside the shift
    const char c = in[pos++];
    if (c == '-') break;
    const int v = base64_value(c);
    if (v < 0) return false;  // includes an implicit end such as "&Jjo!"
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    const char32_t unit = (acc >> nbits) & 0xFFFF;
    acc &= (1u << nbits) - 1;
    any = true;
    if (high != 0) {
      if (!low_surrogate(unit)) return false;
      if (out) utf8::append(*out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
      high = 0;
    } else if (high_surrogate(unit)) {
      high = unit;
    } else if (low_surrogate(unit) || printable(unit) || unit == 0) {
      return false;
    } else if (out) {
      utf8::append(*out, unit);
    }
  }
  // Fewer than 6 spare bits, all zero: one base64 character too many, or non-zero padding,
  // would be a second spelling of the same name.
  return any && high == 0 && nbits < 6 && acc == 0;
}

bool decode(std::string_view in, std::string* out) {
  std::size_t pos = 0;
  bool after_shift = false;
  while (pos < in.size()) {
    const char c = in[pos];
    if (!printable(static_cast<unsigned char>(c))) return false;
    ++pos;
    if (c != '&') {
      if (out) *out += c;
      after_shift = false;
      continue;
    }
    if (pos < in.size() && in[pos] == '-') {  // "&-" is '&'
      ++pos;
      if (out) *out += '&';
      after_shift = false;
      continue;
    }
    if (after_shift) return false;  // "-&" between two shifts: one shift would do
    if (!decode_shift(in, pos, out)) return false;
    after_shift = true;
  }
  return true;
}

void encode_shift(const std::vector<char16_t>& units, std::string& out) {
  out += '&';
  std::uint32_t acc = 0;
  int nbits = 0;
  for (char16_t u : units) {
    acc = (acc << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(acc >> nbits) & 0x3F];
    }
    acc &= (1u << nbits) - 1;
  }
  if (nbits > 0) out += kAlphabet[(acc << (6 - nbits)) & 0x3F];  // zero padding bits
  out += '-';
}

}  // namespace

bool valid_mutf7(std::string_view name) { return decode(name, nullptr); }

std::optional<std::string> mutf7_to_utf8(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  if (!decode(name, &out)) return std::nullopt;
  return out;
}

std::string utf8_to_mutf7(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::vector<char16_t> run;  // UTF-16 of the characters waiting for one shift
  const auto flush = [&] {
    if (run.empty()) return;
    encode_shift(run, out);
    run.clear();
  };
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const char c = utf8[pos];
    if (printable(static_cast<unsigned char>(c))) {
      flush();
      out += c;
      if (c == '&') out += '-';
      ++pos;
      continue;
    }
    // See the header: malformed input is replaced byte by byte, and so is NUL.
    auto cp = utf8::decode(utf8, pos);
    if (!cp) {
      cp = 0xFFFD;
      ++pos;  // decode left pos on the bad byte
    } else if (*cp == 0) {
      cp = 0xFFFD;
    }
    if (*cp >= 0x10000) {
      run.push_back(static_cast<char16_t>(0xD800 + ((*cp - 0x10000) >> 10)));
      run.push_back(static_cast<char16_t>(0xDC00 + ((*cp - 0x10000) & 0x3FF)));
    } else {
      run.push_back(static_cast<char16_t>(*cp));
    }
  }
  flush();
  return out;
}

}  // namespace pillarbox::access
