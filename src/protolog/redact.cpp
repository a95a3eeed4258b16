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

// Where a literal marker {N} or {N+} (RFC 9051 §4.3, RFC 7888) that ends `piece` starts. Read
// as imap::Framer reads it: any number of digits (leading zeros too). A literal8 "~{N}" (RFC
// 3516 §4.2, from the client in APPEND, from the server in FETCH BINARY) is the same marker
// after a "~", and its octets are counted off the same way.
std::optional<std::size_t> literal_start(std::string_view piece) {
  if (!piece.ends_with('}')) return std::nullopt;
  const auto open = piece.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = piece.substr(open + 1, piece.size() - open - 2);
  if (digits.ends_with('+')) digits.remove_suffix(1);
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return open;
}

// A number of any length; past 2^64 - 1 it is "more than can be counted" (the framer refuses
// it): UINT64_MAX.
std::optional<std::uint64_t> parse_size(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return UINT64_MAX;
    n = n * 10 + d;
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

bool synchronizing(std::string_view piece) { return !piece.ends_with("+}"); }

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
  if (auto open = literal_start(rest)) {
    if (*open > 0 && rest[*open - 1] == '~') --*open;  // a literal8 keeps its "~"
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

// Literal bytes logged with bodies: `partial` gathers them so lines are cut at CRLF (or every
// kLiteralPiece octets of a line without one, or at the literal's end when `done`), the same
// however the bytes were split into reads.
constexpr std::size_t kLiteralPiece = 4096;

Lines literal_lines(std::string& partial, std::string_view bytes, bool done) {
  partial += bytes;
  Lines out;
  std::size_t start = 0;
  for (;;) {
    const auto crlf = partial.find("\r\n", start);
    if (crlf != std::string::npos) {
      out.push_back(partial.substr(start, crlf - start));
      start = crlf + 2;
      continue;
    }
    // No CRLF in the rest: a piece may be cut only when the byte after it is there too, so a
    // CRLF across the cut is never split by one read and not by another.
    if (partial.size() - start > kLiteralPiece) {
      out.push_back(partial.substr(start, kLiteralPiece));
      start += kLiteralPiece;
      continue;
    }
    break;
  }
  partial.erase(0, start);
  if (done && !partial.empty()) {
    out.push_back(std::move(partial));
    partial.clear();
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
  literal_sync_ = synchronizing(piece);
  literal_size_ = size.value_or(0);
  literal_seen_ = 0;
}

std::vector<std::string> Redactor::imap_client(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  const bool idling = std::exchange(idling_, false);
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
  // Every command has a space after its tag (RFC 9051 §2.2.1); a line without one is a SASL
  // response (base64, RFC 9051 §6.2.2) or junk the server refuses: either way not shown, in
  // whatever order it came with the server's challenges. "*" (cancel) and "" carry nothing.
  if (s.find(' ') == std::string_view::npos) {
    // RFC 2177: the word that ends IDLE, which answers "+ idling" and no challenge.
    const bool done = idling && ascii::iequals(s, "DONE");
    if (s == "*" || s.empty() || done) return {std::string(s)};
    return {std::string(kRedacted)};
  }
  in_login_ = false;
  redact_rest_ = false;
  login_arg_ = 0;
  const auto [tag, rest] = next_word(s);
  const auto [command, args] = next_word(rest);
  // Counted so the tagged reply that answers it is known (commands are answered in order);
  // lines the server answers untagged are counted too, which only delays that knowledge.
  current_command_ = ++commands_;
  std::string out;
  if (ascii::iequals(command, "LOGIN")) {
    in_login_ = true;
    out = std::string(before(s, args)) + imap_login_piece(args);
  } else if (ascii::iequals(command, "AUTHENTICATE")) {
    // Everything after the mechanism is an initial response (RFC 4959 §3) or may be one.
    redact_rest_ = true;
    const auto [mechanism, initial] = next_word(args);
    if (tag.empty() || !sasl_mechanism(mechanism)) {
      out = std::string(before(s, args)) + redacted_keeping_marker(args);
    } else {
      out = before(s, initial);
      if (!initial.empty()) out += redacted_keeping_marker(initial);
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
  const bool spaceless = s.find(' ') == std::string_view::npos;
  if (sasl_owed_ > 0 && spaceless) {
    // The answer to a challenge the server sent (RFC 5034 §4); "*" cancels.
    --sasl_owed_;
    if (s == "*" || s.empty()) return {std::string(s)};
    return {std::string(kRedacted)};
  }
  const auto [command, args] = next_word(s);
  const std::string keep(before(s, args));
  static constexpr std::string_view kShown[] = {"USER", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT",
                                                "TOP",  "UIDL", "CAPA", "STLS", "UTF8", "LANG"};
  for (std::string_view known : kShown) {
    if (ascii::iequals(command, known)) return {std::string(s)};
  }
  if (ascii::iequals(command, "APOP")) {
    // APOP name digest (RFC 1939 §7): the digest answers a one-time challenge, but is redacted
    // all the same, and anything unexpected from the name on.
    const auto [name, digest] = next_word(args);
    if (name.empty() || digest.empty()) return {spaceless ? std::string(s) : keep + std::string(kRedacted)};
    return {std::string(before(s, digest)) + std::string(kRedacted)};
  }
  if (ascii::iequals(command, "AUTH")) {
    // AUTH mechanism [initial-response] (RFC 5034 §4); bare AUTH lists mechanisms (RFC 5034 §6).
    if (spaceless) return {std::string(s)};
    const auto [mechanism, initial] = next_word(args);
    if (!sasl_mechanism(mechanism)) return {keep + std::string(kRedacted)};
    if (args.size() == mechanism.size()) return {std::string(s)};
    return {std::string(before(s, initial)) + std::string(kRedacted)};
  }
  // PASS, and anything unknown: a base64 SASL response sent out of turn, a mistyped PASS.
  if (spaceless) return {ascii::iequals(command, "PASS") || s == "*" ? std::string(s) : std::string(kRedacted)};
  return {keep + std::string(kRedacted)};
}

std::vector<std::string> Redactor::lmtp_client(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  // The data ends with "." (RFC 5321 §4.1.1.4).
  if (in_body_) return body_line(line, in_body_, body_octets_);
  // The body follows the server's 354 (the client waits for it, RFC 2920 §3.1); a DATA the
  // server refuses is followed by commands. (BDAT is not offered: it is an ordinary line.)
  data_pending_ = ascii::iequals(next_word(s).first, "DATA");
  return {std::string(s)};
}

std::vector<std::string> Redactor::body_line(std::string_view line, bool& in_body, std::uint64_t& octets) const {
  const std::string_view s = strip_line_end(line);
  if (s == ".") {
    in_body = false;
    Lines out;
    if (!bodies_) out.push_back(size_summary(octets));
    out.emplace_back(".");
    return out;
  }
  // Octets as on the wire, dot-stuffing and line end included (CRLF when the caller strips it).
  octets += line.size() + (line.ends_with('\n') ? 0 : 2);
  if (bodies_) return {std::string(s)};
  return {};
}

std::vector<std::string> Redactor::client_skipped(std::uint64_t octets, std::string_view tail) {
  switch (protocol_) {
    case Protocol::imap:
      if (!in_command_) current_command_ = ++commands_;
      in_login_ = false;
      // A literal announced at its end is counted off by the framer (RFC 7888 §4): not shown.
      announce_literal(tail, true);
      return with_empty_literal(size_summary(octets));
    case Protocol::pop3:
      return {size_summary(octets)};
    case Protocol::lmtp:
      if (in_body_) {
        body_octets_ += octets;
        return bodies_ ? Lines{size_summary(octets)} : Lines{};
      }
      return {size_summary(octets)};
  }
  return {size_summary(octets)};
}

std::vector<std::string> Redactor::with_empty_literal(std::string line) {
  Lines out{std::move(line)};
  if (literal_pending_ && literal_size_ == 0) {
    // {0} is complete when announced: no read of its bytes need follow.
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
  if (bodies_) return literal_lines(client_partial_, bytes, done);
  return done ? Lines{size_summary(literal_size_)} : Lines{};
}

std::vector<std::string> Redactor::server_literal(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (server_literal_left_ == 0) return {size_summary(bytes.size())};
  const std::uint64_t n = std::min<std::uint64_t>(bytes.size(), server_literal_left_);
  server_literal_left_ -= n;
  if (server_literal_left_ == 0) server_after_literal_ = true;
  if (bodies_) return literal_lines(server_partial_, bytes, server_literal_left_ == 0);
  return server_literal_left_ == 0 ? Lines{size_summary(server_literal_size_)} : Lines{};
}

std::vector<std::string> Redactor::server_piece(std::string_view piece) {
  if (!server_continuing_) {
    server_continuing_ = true;
    server_head_ = protocol_ == Protocol::pop3 && in_server_body_ ? Head::body
                   : challenge(piece)                              ? Head::secret
                                                                   : Head::shown;
  }
  switch (server_head_) {
    case Head::body:
      server_body_octets_ += piece.size();
      return bodies_ ? Lines{std::string(piece)} : Lines{};
    case Head::secret: return {};
    case Head::shown: return {std::string(piece)};
  }
  return {};
}

bool Redactor::challenge(std::string_view line) const {
  // Every "+" line of IMAP but the literal continuation is a SASL challenge, and every "+ "
  // line of POP3 (not "+OK"). LMTP has none.
  if (protocol_ == Protocol::imap)
    return line.starts_with('+') && strip_line_end(line) != kImapLiteralContinuation &&
           strip_line_end(line) != kImapIdleContinuation;
  if (protocol_ == Protocol::pop3) return line.starts_with('+') && !line.starts_with("+OK");
  return false;
}

std::vector<std::string> Redactor::server_line(std::string_view line) {
  const std::string_view s = strip_line_end(line);
  if (server_continuing_) {
    // The end of a line whose head was logged in pieces: its start decided what it is.
    server_continuing_ = false;
    switch (server_head_) {
      case Head::body:
        // The end of a long message line, never its "." terminator.
        server_body_octets_ += line.size() + (line.ends_with('\n') ? 0 : 2);
        return bodies_ ? Lines{std::string(s)} : Lines{};
      case Head::secret: return {"+ " + std::string(kRedacted)};
      case Head::shown: break;
    }
    if (protocol_ == Protocol::imap) imap_server_literal(s);
    return {std::string(s)};
  }
  switch (protocol_) {
    case Protocol::lmtp:
      if (data_pending_ && s.starts_with("354")) {
        data_pending_ = false;
        in_body_ = true;
        body_octets_ = 0;
      }
      return {std::string(s)};
    case Protocol::pop3:
      // A multi-line response ends with "." (RFC 1939 §3).
      if (in_server_body_) return body_line(line, in_server_body_, server_body_octets_);
      if (challenge(s)) {
        ++sasl_owed_;
        return {s.size() > 2 ? "+ " + std::string(kRedacted) : std::string(s)};
      }
      if (s.starts_with("+OK") || s.starts_with("-ERR")) sasl_owed_ = 0;  // an exchange ends with it
      if (pop3_body_follows(s)) {
        in_server_body_ = true;
        server_body_octets_ = 0;
      }
      return {std::string(s)};
    case Protocol::imap:
      break;
  }
  if (server_after_literal_) {
    // The rest of a response after a literal in it ("* 1 FETCH (BODY[] {3}" CRLF "abc FLAGS ..."):
    // neither tagged nor a new response.
    server_after_literal_ = false;
  } else if (challenge(s)) {
    return {s.size() > 2 ? "+ " + std::string(kRedacted) : std::string(s)};
  } else if (s == kImapIdleContinuation) {
    idling_ = true;
  } else if (!s.starts_with('*') && !s.starts_with('+')) {
    // A tagged reply: it answers the oldest command not answered yet.
    ++replies_;
    if (in_command_ && literal_pending_ && literal_sync_ && replies_ >= current_command_) {
      // The command was refused before its synchronising literal came ("NO [TOOBIG]" instead
      // of "+", RFC 9051 §7.5): the client's next line starts a new command. A non-synchronising
      // literal comes anyway and is counted off (RFC 7888 §4).
      in_command_ = false;
      literal_pending_ = false;
    }
  }
  imap_server_literal(s);
  return {std::string(s)};
}

void Redactor::imap_server_literal(std::string_view s) {
  if (const auto size = literal_size(s)) {
    server_literal_size_ = *size;
    server_literal_left_ = *size;
    if (*size == 0) server_after_literal_ = true;
  }
}

bool pop3_body_follows(std::string_view status) {
  if (status == kPop3TopResponse) return true;
  // "+OK <n> octets" (RETR)
  std::string_view rest = status;
  if (!rest.starts_with("+OK ")) return false;
  rest.remove_prefix(4);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  return digits > 0 && rest.substr(digits) == " octets";
}

}  // namespace pillarbox::protolog
