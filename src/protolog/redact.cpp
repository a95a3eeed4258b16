#include "protolog/redact.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/ascii.h"

namespace pillarbox::protolog {
namespace {

using Lines = std::vector<std::string>;

// The first space-separated word of `s` and what follows that space (a view into `s`).
std::pair<std::string_view, std::string_view> next_word(std::string_view s) {
  const auto sp = s.find(' ');
  if (sp == std::string_view::npos) return {s, s.substr(s.size())};
  return {s.substr(0, sp), s.substr(sp + 1)};
}

// Where a literal marker {N} or {N+} (RFC 9051 §4.3, RFC 7888) that ends `piece` starts.
std::optional<std::size_t> literal_start(std::string_view piece) {
  if (!piece.ends_with('}')) return std::nullopt;
  const auto open = piece.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = piece.substr(open + 1, piece.size() - open - 2);
  if (digits.ends_with('+')) digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return open;
}

std::optional<std::uint64_t> parse_size(std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::optional<std::uint64_t> literal_size(std::string_view piece) {
  const auto open = literal_start(piece);
  if (!open) return std::nullopt;
  std::string_view digits = piece.substr(*open + 1, piece.size() - *open - 2);
  if (digits.ends_with('+')) digits.remove_suffix(1);
  return parse_size(digits);
}

// The end of the quoted string (RFC 9051 §4.3) starting at `pos`, just past its closing quote.
std::optional<std::size_t> quoted_end(std::string_view s, std::size_t pos) {
  for (std::size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped byte, even a quote
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::nullopt;
}

// "<redacted>", keeping a literal marker that ends `rest` so a reader sees a literal follows.
std::string redacted_keeping_marker(std::string_view rest) {
  if (rest.empty()) return {};
  std::string out(kRedacted);
  if (const auto open = literal_start(rest)) {
    if (*open == 0) return std::string(rest);  // nothing but the marker
    out += ' ';
    out += rest.substr(*open);
  }
  return out;
}

// A SASL mechanism name (RFC 4422 §3.1): upper-case letters, digits, '-' and '_'; any case here.
bool sasl_mechanism(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    const char u = ascii::to_upper(c);
    if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '_')) return false;
  }
  return true;
}

// The part of `s` before `tail`, a view into `s`.
std::string_view before(std::string_view s, std::string_view tail) {
  return s.substr(0, static_cast<std::size_t>(tail.data() - s.data()));
}

Lines split_after_crlf(std::string_view bytes) {
  Lines out;
  while (!bytes.empty()) {
    const auto end = bytes.find("\r\n");
    if (end == std::string_view::npos) {
      out.emplace_back(bytes);
      break;
    }
    out.emplace_back(bytes.substr(0, end));
    bytes.remove_prefix(end + 2);
  }
  return out;
}

}  // namespace

std::string size_summary(std::uint64_t octets) { return "{" + std::to_string(octets) + " bytes}"; }

Redactor::Redactor(Protocol protocol, bool bodies) : protocol_(protocol), bodies_(bodies) {}

std::vector<std::string> Redactor::client_line(std::string_view line) {
  switch (protocol_) {
    case Protocol::imap: return imap_client(line);
    case Protocol::pop3: return pop3_client(line);
    case Protocol::lmtp: return lmtp_client(line);
  }
  return {std::string(kRedacted)};
}

void Redactor::announce_literal(std::string_view piece, bool redacted) {
  const auto size = literal_size(piece);
  literal_pending_ = size.has_value();
  in_command_ = literal_pending_;  // a command ends with the first piece not ending in a literal
  literal_redacted_ = redacted;
  literal_size_ = size.value_or(0);
  literal_seen_ = 0;
}

std::vector<std::string> Redactor::imap_client(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  if (in_sasl_) {
    // "*" cancels the exchange (RFC 9051 §6.2.2) and an empty response carries nothing.
    if (s == "*" || s.empty()) return {std::string(s)};
    return {std::string(kRedacted)};
  }
  if (in_command_) {  // the rest of a command after a literal
    std::string out;
    if (redact_rest_) {
      out = redacted_keeping_marker(s);
    } else if (in_login_) {
      out = imap_login_piece(s);
    } else {
      out = s;
    }
    announce_literal(s, redact_rest_);
    return with_empty_literal(std::move(out));
  }
  in_login_ = false;
  redact_rest_ = false;
  login_arg_ = 0;
  const auto [tag, rest] = next_word(s);
  const auto [command, args] = next_word(rest);
  command_tag_ = tag;
  std::string out;
  if (ascii::iequals(command, "LOGIN")) {
    in_login_ = true;
    out = std::string(before(s, args)) + imap_login_piece(args);
  } else if (ascii::iequals(command, "AUTHENTICATE")) {
    // Everything after the mechanism is an initial response (RFC 4959 §3) or garbage that
    // might be one; the exchange lasts until the tagged reply.
    const auto [mechanism, initial] = next_word(args);
    redact_rest_ = true;
    // No tag: the command is refused (RFC 9051 §2.2.1) and there is no tagged reply to wait for.
    if (tag.empty() || !sasl_mechanism(mechanism)) {
      out = std::string(before(s, args)) + redacted_keeping_marker(args);
    } else {
      out = before(s, initial);
      if (!initial.empty()) out += redacted_keeping_marker(initial);
      in_sasl_ = true;
      sasl_tag_ = tag;
    }
  } else {
    out = s;
  }
  announce_literal(s, redact_rest_);
  return with_empty_literal(std::move(out));
}

std::string Redactor::imap_login_piece(std::string_view piece) {
  // LOGIN SP userid SP password (RFC 9051 §6.2.3), each an astring: atom, quoted or literal.
  std::string out;
  std::size_t pos = 0;
  while (pos < piece.size()) {
    if (piece[pos] == ' ') {
      out += ' ';
      ++pos;
      continue;
    }
    const std::string_view rest = piece.substr(pos);
    if (login_arg_ >= 1 || redact_rest_) {
      // The password, and anything after it: an extra word may be the rest of a password.
      login_arg_ = 2;
      redact_rest_ = true;
      return out + redacted_keeping_marker(rest);
    }
    std::size_t end = 0;
    if (piece[pos] == '"') {
      const auto q = quoted_end(piece, pos);
      if (!q) {
        redact_rest_ = true;
        return out + redacted_keeping_marker(rest);
      }
      end = *q;
    } else if (piece[pos] == '{') {
      if (literal_start(rest) != std::size_t{0}) {  // a brace that is not a literal: unsure
        redact_rest_ = true;
        return out + redacted_keeping_marker(rest);
      }
      end = piece.size();
    } else {
      end = piece.find(' ', pos);
      if (end == std::string_view::npos) end = piece.size();
    }
    out += piece.substr(pos, end - pos);
    login_arg_ = 1;
    pos = end;
  }
  return out;
}

std::vector<std::string> Redactor::pop3_client(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  if (in_sasl_) {
    if (s == "*") return {std::string(s)};  // cancels the exchange (RFC 5034 §4)
    return {std::string(kRedacted)};
  }
  const auto [command, args] = next_word(s);
  const std::string keep(before(s, args));
  const bool has_args = s.size() > command.size();
  // Bounded: a client pipelining without reading its answers is cut off long before this.
  if (pop3_answers_.size() < 4096) {
    pop3_answers_.push_back(ascii::iequals(command, "RETR") || ascii::iequals(command, "TOP"));
  }
  if (ascii::iequals(command, "PASS")) {
    return {has_args ? keep + std::string(kRedacted) : std::string(s)};
  }
  if (ascii::iequals(command, "APOP")) {
    // APOP name digest (RFC 1939 §7): the digest answers a one-time challenge, but is redacted
    // all the same, and anything unexpected from the name on.
    const auto [name, digest] = next_word(args);
    if (name.empty() || digest.empty()) return {has_args ? keep + std::string(kRedacted) : std::string(s)};
    return {std::string(before(s, digest)) + std::string(kRedacted)};
  }
  if (ascii::iequals(command, "AUTH") && has_args) {
    // AUTH mechanism [initial-response] (RFC 5034 §4); bare AUTH lists mechanisms (RFC 5034 §6).
    const auto [mechanism, initial] = next_word(args);
    if (!sasl_mechanism(mechanism)) return {keep + std::string(kRedacted)};
    in_sasl_ = true;
    if (args.size() == mechanism.size()) return {std::string(s)};
    return {std::string(before(s, initial)) + std::string(kRedacted)};
  }
  return {std::string(s)};
}

std::vector<std::string> Redactor::lmtp_client(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  if (in_body_) {
    if (s == ".") {  // the end of the data (RFC 5321 §4.1.1.4)
      in_body_ = false;
      Lines out;
      if (!bodies_) out.push_back(size_summary(body_octets_));
      out.emplace_back(".");
      return out;
    }
    // Octets as on the wire, dot-stuffing and line end included (CRLF when the caller strips it).
    body_octets_ += line.size() + (line.ends_with('\n') ? 0 : 2);
    if (bodies_) return {std::string(s)};
    return {};
  }
  // A refused DATA: the client sends a command next, not a body (RFC 2920 §3.1).
  data_pending_ = false;
  const auto [command, args] = next_word(s);
  if (ascii::iequals(command, "DATA")) {
    data_pending_ = true;
  } else if (ascii::iequals(command, "BDAT")) {
    // BDAT chunk-size [LAST] (RFC 3030 §2): exactly that many octets follow the line.
    const auto size = parse_size(next_word(args).first);
    literal_pending_ = size.has_value();
    literal_redacted_ = false;
    literal_size_ = size.value_or(0);
    literal_seen_ = 0;
  }
  return with_empty_literal(std::string(s));
}

std::vector<std::string> Redactor::with_empty_literal(std::string line) {
  Lines out{std::move(line)};
  if (literal_pending_ && literal_size_ == 0) {
    // {0} or BDAT 0 is complete when announced: no read of its bytes need follow.
    literal_pending_ = false;
    if (literal_redacted_) {
      out.emplace_back(kRedacted);
    } else if (!bodies_) {
      out.push_back(size_summary(0));
    }
  }
  return out;
}

std::vector<std::string> Redactor::client_literal(std::string_view bytes) {
  if (bytes.empty()) return {};  // says nothing; a {0} literal was done when announced
  if (!literal_pending_) return {size_summary(bytes.size())};
  literal_seen_ += bytes.size();
  const bool done = literal_seen_ >= literal_size_;
  if (done) literal_pending_ = false;
  if (literal_redacted_) return done ? Lines{std::string(kRedacted)} : Lines{};
  if (bodies_) return split_after_crlf(bytes);
  return done ? Lines{size_summary(literal_size_)} : Lines{};
}

std::vector<std::string> Redactor::server_literal(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (server_literal_left_ == 0) return {size_summary(bytes.size())};
  const std::uint64_t n = std::min<std::uint64_t>(bytes.size(), server_literal_left_);
  server_literal_left_ -= n;
  if (bodies_) return split_after_crlf(bytes);
  return server_literal_left_ == 0 ? Lines{size_summary(server_literal_size_)} : Lines{};
}

std::vector<std::string> Redactor::server_line(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  if (protocol_ == Protocol::lmtp) {
    if (data_pending_ && s.starts_with("354")) {
      data_pending_ = false;
      in_body_ = true;
      body_octets_ = 0;
    }
    return {std::string(s)};
  }
  if (protocol_ == Protocol::pop3) {
    if (in_server_body_) {
      if (s == ".") {  // the end of a multi-line response (RFC 1939 §3)
        in_server_body_ = false;
        Lines out;
        if (!bodies_) out.push_back(size_summary(server_body_octets_));
        out.emplace_back(".");
        return out;
      }
      server_body_octets_ += line.size() + (line.ends_with('\n') ? 0 : 2);
      if (bodies_) return {std::string(s)};
      return {};
    }
    const bool status = s.starts_with("+OK") || s.starts_with("-ERR");
    if (status && !pop3_answers_.empty()) {
      const bool body = pop3_answers_.front();
      pop3_answers_.erase(pop3_answers_.begin());
      if (body && s.starts_with("+OK")) {
        in_server_body_ = true;
        server_body_octets_ = 0;
      }
    }
  }
  if (protocol_ == Protocol::imap) {
    if (const auto size = literal_size(s)) {
      server_literal_size_ = *size;
      server_literal_left_ = *size;
    }
    if (in_command_ && !command_tag_.empty() && s.starts_with(command_tag_ + " ")) {
      // The command was refused before its literal came ("NO [TOOBIG]" instead of "+",
      // RFC 9051 §7.5): the client's next line starts a new command.
      in_command_ = false;
      literal_pending_ = false;
    }
  }
  if (!in_sasl_) return {std::string(s)};
  const bool ended = protocol_ == Protocol::imap
                         ? s.starts_with(sasl_tag_ + " ")
                         : (s.starts_with("+OK") || s.starts_with("-ERR"));
  if (ended) {
    in_sasl_ = false;
    return {std::string(s)};
  }
  // A challenge "+ data" (RFC 9051 §7.5, RFC 5034 §4); an empty one shows as sent.
  if (s.starts_with('+') && s.size() > 2) return {"+ " + std::string(kRedacted)};
  return {std::string(s)};
}

}  // namespace pillarbox::protolog
