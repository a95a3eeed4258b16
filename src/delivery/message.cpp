#include "delivery/message.h"

namespace pillarbox::delivery {
namespace {

void append_header_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
}

}  // namespace

std::string to_crlf(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 32);
  std::size_t from = 0;
  for (;;) {
    const auto lf = message.find('\n', from);
    if (lf == std::string_view::npos) break;
    out.append(message, from, lf - from);
    if (lf == 0 || message[lf - 1] != '\r') out += '\r';
    out += '\n';
    from = lf + 1;
  }
  out.append(message, from);
  return out;
}

std::string with_trace_headers(std::string_view return_path, std::string_view recipient, std::string_view message) {
  std::string out;
  out.reserve(message.size() + return_path.size() + recipient.size() + 32);
  out += "Return-Path: <";
  append_header_value(out, return_path);
  out += ">\r\nDelivered-To: ";
  append_header_value(out, recipient);
  out += "\r\n";
  out += message;
  return out;
}

}  // namespace pillarbox::delivery
