// The MIME parser: header blocks, structured MIME values (RFC 2045, RFC 2231) and the part
// tree (RFC 2046 multipart boundaries, message/rfc822 and message/global nesting).
#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/ascii.h"
#include "mail/message.h"
#include "mail/part.h"

namespace pillarbox::mail {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_wsp(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// True when `line` starts like a header field: a name of letters, digits, '-' or '_', then
/// optional WSP and a colon.
bool looks_like_field(std::string_view line) {
  std::size_t k = 0;
  while (k < line.size() && (std::isalnum(static_cast<unsigned char>(line[k])) != 0 ||
                             line[k] == '-' || line[k] == '_')) {
    ++k;
  }
  if (k == 0) return false;
  while (k < line.size() && is_wsp(line[k])) ++k;
  return k < line.size() && line[k] == ':';
}

/// Splits an entity into its header block (with the empty line that ends it) and its body.
/// An entity with no empty line is all header and has an empty body.
///
/// A line that is neither a field (no colon) nor a continuation is the first body line when
/// it starts with "--" (a boundary) or when no field-like line follows it before the empty
/// line (or a line starting "--"). That is how GMime and Python's email package read mail that
/// lost its empty line: a preamble or a boundary right after the fields, a part with no
/// header. When fields do follow (archives that lost the folding whitespace, BSMTP commands
/// in front) the line stays in the header, as Dovecot keeps it. An mbox "From " line at the
/// top stays too.
std::pair<std::string_view, std::string_view> split_entity(std::string_view e) {
  const std::size_t n = e.size();
  std::size_t field_seen_at = 0;  // lines before this offset are known to precede a field
  auto next_line = [&](std::size_t pos, std::string_view& line) {
    const std::size_t nl = e.find('\n', pos);
    std::size_t content_end = nl == npos ? n : nl;
    if (content_end > pos && e[content_end - 1] == '\r') --content_end;
    line = e.substr(pos, content_end - pos);
    return nl == npos ? n : nl + 1;
  };
  for (std::size_t pos = 0; pos < n;) {
    std::string_view line;
    const std::size_t line_end = next_line(pos, line);
    if (line.empty()) return {e.substr(0, line_end), e.substr(line_end)};  // the empty line
    if (!is_wsp(line[0]) && line.find(':') == npos && pos >= field_seen_at &&
        !(pos == 0 && line.starts_with("From "))) {
      bool field_follows = false;
      for (std::size_t ahead = line_end; ahead < n && !line.starts_with("--");) {
        std::string_view next;
        const std::size_t next_end = next_line(ahead, next);
        if (next.empty() || next.starts_with("--")) break;
        if (looks_like_field(next)) {
          field_follows = true;
          field_seen_at = ahead;
          break;
        }
        ahead = next_end;
      }
      if (!field_follows) return {e.substr(0, pos), e.substr(pos)};
    }
    pos = line_end;
  }
  return {e, e.substr(n)};
}

/// A cursor over a structured header value (RFC 5322 §3.2.2 CFWS rules, folding included).
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool at_end() const { return i >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[i]; }
  void skip_comment() {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i++];
      if (c == '\\') {
        if (i < s.size()) ++i;  // a backslash at the very end escapes nothing
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth <= 0) {
        return;
      }
    }
  }
  void skip_cfws() {
    while (i < s.size()) {
      if (is_space(s[i])) {
        ++i;
      } else if (s[i] == '(') {
        skip_comment();
      } else {
        break;
      }
    }
  }
  /// Takes bytes up to the first whitespace, '(' or any byte of `stop`.
  std::string_view take_until(std::string_view stop) {
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '(' && stop.find(s[i]) == npos) ++i;
    return s.substr(start, i - start);
  }
  /// At a '"': the unescaped content of the quoted string (folding removed).
  std::string quoted() {
    std::string out;
    ++i;
    while (i < s.size()) {
      const char c = s[i++];
      if (c == '"') break;
      if (c == '\\' && i < s.size()) {
        out += s[i++];
      } else if (c != '\r' && c != '\n') {
        out += c;
      }
    }
    return out;
  }
};

bool is_attribute_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != npos;
}

void append_percent_encoded(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_attribute_char(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

struct RawParam {
  std::string_view name;
  std::string value;
};

/// Merges RFC 2231 continuations (name*0, name*1*, ...) into single parameters.
std::vector<Param> merge_rfc2231(std::vector<RawParam>& raw) {
  struct Segment {
    unsigned number;
    bool extended;
    std::string* value;
  };
  struct Group {
    std::string_view base;
    std::size_t slot;
    std::vector<Segment> segments;
  };
  std::vector<Param> out;
  std::vector<Group> groups;
  for (auto& p : raw) {
    const std::size_t star = p.name.find('*');
    const std::string_view rest = star == npos ? std::string_view{} : p.name.substr(star + 1);
    unsigned number = 0;
    bool numbered = false;
    if (star != npos && !rest.empty()) {
      const std::string_view digits = rest.ends_with('*') ? rest.substr(0, rest.size() - 1) : rest;
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      numbered = !digits.empty() && digits.size() <= 4 && r.ec == std::errc() &&
                 r.ptr == digits.data() + digits.size();
    }
    if (!numbered) {
      out.push_back({std::string(p.name), std::move(p.value)});
      continue;
    }
    const std::string_view base = p.name.substr(0, star);
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const Group& x) { return ascii::iequals(x.base, base); });
    if (g == groups.end()) {
      groups.push_back({base, out.size(), {}});
      out.push_back({std::string(base), {}});
      g = groups.end() - 1;
    }
    g->segments.push_back({number, rest.ends_with('*'), &p.value});
  }
  for (auto& g : groups) {
    std::stable_sort(g.segments.begin(), g.segments.end(),
                     [](const Segment& a, const Segment& b) { return a.number < b.number; });
    const bool extended = std::any_of(g.segments.begin(), g.segments.end(),
                                      [](const Segment& s) { return s.extended; });
    std::string value;
    for (std::size_t k = 0; k < g.segments.size(); ++k) {
      const Segment& s = g.segments[k];
      if (k > 0 && s.number == g.segments[k - 1].number) continue;  // duplicate segment
      if (!extended || s.extended) {
        if (k == 0 && extended && !s.extended) value += "''";
        value += *s.value;
      } else {
        if (k == 0) value += "''";  // the charset'language' prefix the first segment lacks
        append_percent_encoded(value, *s.value);
      }
    }
    Param& p = out[g.slot];
    if (extended) p.name += '*';
    p.value = std::move(value);
  }
  return out;
}

class Parser {
 public:
  void entity(Part& p, std::string_view whole, int depth, bool in_digest);

 private:
  void multipart(Part& p, int depth);
  void add_child(Part& p, std::string_view whole, int depth, bool digest) {
    p.children.emplace_back();
    entity(p.children.back(), whole, depth + 1, digest);
  }
  int parts_ = 0;
};

void Parser::entity(Part& p, std::string_view whole, int depth, bool in_digest) {
  ++parts_;
  const auto [header, body] = split_entity(whole);
  p.header = header;
  p.body = body;
  std::optional<std::string_view> content_type;
  HeaderReader reader(header);
  HeaderField f;
  while (reader.next(f)) {
    if (f.name.size() < 9 || !ascii::istarts_with(f.name, "content-")) continue;
    const std::string_view rest = f.name.substr(8);
    auto set = [&](std::optional<std::string_view>& slot) {
      if (!slot) slot = f.value;  // the first occurrence counts
    };
    if (ascii::iequals(rest, "type")) {
      set(content_type);
    } else if (ascii::iequals(rest, "transfer-encoding")) {
      set(p.encoding);
    } else if (ascii::iequals(rest, "id")) {
      set(p.id);
    } else if (ascii::iequals(rest, "description")) {
      set(p.description);
    } else if (ascii::iequals(rest, "md5")) {
      set(p.md5);
    } else if (ascii::iequals(rest, "disposition")) {
      set(p.disposition);
    } else if (ascii::iequals(rest, "language")) {
      set(p.language);
    } else if (ascii::iequals(rest, "location")) {
      set(p.location);
    }
  }
  bool valid = false;
  if (content_type) {
    MediaValue m = parse_media_value(*content_type, true);
    p.params = std::move(m.params);  // kept even when the type is unusable: charset matters
    if (!m.type.empty() && !m.subtype.empty()) {
      p.type = m.type;
      p.subtype = m.subtype;
      valid = true;
    }
  }
  if (!valid) {  // RFC 2045 §5.2 and RFC 2046 §5.1.5 defaults
    p.type = in_digest ? "message" : "text";
    p.subtype = in_digest ? "rfc822" : "plain";
  }
  const bool is_multipart = ascii::iequals(p.type, "multipart");
  const bool is_message =
      ascii::iequals(p.type, "message") &&
      (ascii::iequals(p.subtype, "rfc822") || ascii::iequals(p.subtype, "global"));
  if (!is_multipart && !is_message) return;
  if (depth >= kMaxNesting || parts_ >= kMaxParts) {
    // Too deep or too many: served as one opaque text part so output stays bounded.
    p.type = "text";
    p.subtype = "plain";
    p.params.clear();
    return;
  }
  if (is_multipart) {
    multipart(p, depth);
  } else {
    p.kind = Part::Kind::message;
    p.message = std::make_unique<Part>();
    entity(*p.message, p.body, depth + 1, false);
  }
}

void Parser::multipart(Part& p, int depth) {
  p.kind = Part::Kind::multipart;
  const std::string_view body = p.body;
  const std::size_t n = body.size();
  const bool digest = ascii::iequals(p.subtype, "digest");
  const Param* boundary = find_param(p.params, "boundary");
  // RFC 2046 limits a boundary to 70 bytes; far longer ones are ignored (they would only
  // make the scan slow).
  if (boundary != nullptr && !boundary->value.empty() && boundary->value.size() <= 1000) {
    const std::string_view b = boundary->value;
    bool open = false;
    std::size_t part_start = 0;
    for (std::size_t ls = 0; ls < n;) {
      const std::size_t nl = body.find('\n', ls);
      const std::size_t le = nl == npos ? n : nl + 1;
      const std::size_t line = ls;
      ls = le;
      // A delimiter line: "--" boundary ["--"] transport-padding line-end.
      if (le - line < b.size() + 2 || body[line] != '-' || body[line + 1] != '-' ||
          body.compare(line + 2, b.size(), b) != 0) {
        continue;
      }
      std::size_t k = line + 2 + b.size();
      bool close = false;
      if (k + 1 < le && body[k] == '-' && body[k + 1] == '-') {
        close = true;
        k += 2;
      }
      while (k < le && is_wsp(body[k])) ++k;
      if (k < le && body[k] == '\r') ++k;
      if (k < le && body[k] == '\n') ++k;
      if (k != le) continue;
      if (open) {
        // The line end before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        std::size_t end = line;
        if (end > part_start && body[end - 1] == '\n') --end;
        if (end > part_start && body[end - 1] == '\r') --end;
        add_child(p, body.substr(part_start, end - part_start), depth, digest);
      }
      open = !close;
      if (close) break;
      part_start = le;
      if (parts_ >= kMaxParts) break;  // the rest stays inside the last part
    }
    if (open) add_child(p, body.substr(part_start), depth, digest);  // no close-delimiter
  }
  if (p.children.empty()) {
    // No boundary, or no part found: one text/plain part holding the whole body, as
    // Dovecot and Cyrus serve it, so BODYSTRUCTURE stays well-formed (a multipart needs one).
    ++parts_;
    Part& child = p.children.emplace_back();
    child.header = body.substr(0, 0);
    child.body = body;
    child.type = "text";
    child.subtype = "plain";
  }
}

}  // namespace

std::string to_crlf(std::string_view raw) {
  const std::uint64_t size = crlf_size(raw);
  if (size == raw.size()) return std::string(raw);
  std::string out;
  out.reserve(size);
  std::size_t pos = 0;
  for (std::size_t nl; (nl = raw.find('\n', pos)) != npos; pos = nl + 1) {
    if (nl == 0 || raw[nl - 1] != '\r') {
      out.append(raw.substr(pos, nl - pos));
      out += "\r\n";
    } else {
      out.append(raw.substr(pos, nl + 1 - pos));
    }
  }
  out.append(raw.substr(pos));
  return out;
}

std::uint64_t crlf_size(std::string_view raw) {
  std::uint64_t size = raw.size();
  std::size_t pos = 0;
  for (std::size_t nl; (nl = raw.find('\n', pos)) != npos; pos = nl + 1) {
    if (nl == 0 || raw[nl - 1] != '\r') ++size;
  }
  return size;
}

bool HeaderReader::next(HeaderField& field) {
  const std::size_t n = block_.size();
  if (pos_ >= n) return false;
  // Finds the line at `from`: returns its end (after the LF) and sets content_end.
  auto line_at = [&](std::size_t from, std::size_t& content_end) {
    const std::size_t nl = block_.find('\n', from);
    content_end = nl == npos ? n : nl;
    if (content_end > from && block_[content_end - 1] == '\r') --content_end;
    return nl == npos ? n : nl + 1;
  };
  const std::size_t start = pos_;
  std::size_t first_end = 0;
  std::size_t pos = line_at(start, first_end);
  if (first_end == start) {  // the empty line that ends the header
    pos_ = n;
    return false;
  }
  std::size_t value_end = first_end;
  while (pos < n && is_wsp(block_[pos])) pos = line_at(pos, value_end);  // folded lines
  pos_ = pos;
  const std::string_view first = block_.substr(start, first_end - start);
  const std::size_t colon = first.find(':');
  if (colon == npos) {
    field.name = {};
    field.value = block_.substr(start, value_end - start);
  } else {
    std::string_view name = first.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    field.name = name;
    field.value = block_.substr(start + colon + 1, value_end - (start + colon + 1));
  }
  field.raw = block_.substr(start, pos - start);
  return true;
}

std::optional<HeaderField> find_field(std::string_view block, std::string_view name) {
  HeaderReader reader(block);
  HeaderField f;
  while (reader.next(f)) {
    if (!f.name.empty() && ascii::iequals(f.name, name)) return f;
  }
  return std::nullopt;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\n' || (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n')) continue;
    out += c;
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

std::uint32_t count_lines(std::string_view body) {
  auto lines = static_cast<std::uint32_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++lines;
  return lines;
}

MediaValue parse_media_value(std::string_view value, bool with_subtype) {
  MediaValue m;
  Cursor c{value};
  c.skip_cfws();
  m.type = c.take_until(with_subtype ? ";/\"" : ";\"");
  if (with_subtype) {
    c.skip_cfws();
    if (c.peek() == '/') {
      ++c.i;
      c.skip_cfws();
      m.subtype = c.take_until(";\"");
    }
  }
  std::vector<RawParam> raw;
  constexpr std::size_t kMaxParams = 256;  // keeps hostile headers from costing quadratic time
  while (raw.size() < kMaxParams) {
    c.skip_cfws();
    if (c.at_end()) break;
    if (c.peek() == ';') {
      ++c.i;
      continue;
    }
    const std::string_view name = c.take_until("=;\"");
    if (name.empty()) {
      ++c.i;  // a stray byte
      continue;
    }
    c.skip_cfws();
    if (c.peek() != '=') continue;  // a parameter without a value is dropped
    ++c.i;
    c.skip_cfws();
    // Unquoted values are taken up to whitespace or ';': real mail has "boundary=--=_x".
    std::string v = c.peek() == '"' ? c.quoted() : std::string(c.take_until(";"));
    raw.push_back({name, std::move(v)});
  }
  m.params = merge_rfc2231(raw);
  return m;
}

const Param* find_param(const std::vector<Param>& params, std::string_view name) {
  for (const Param& p : params) {
    if (ascii::iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::unique_ptr<Part> parse_message(std::string_view bytes) {
  auto root = std::make_unique<Part>();
  Parser parser;
  parser.entity(*root, bytes, 0, false);
  return root;
}

std::string_view header_of(std::string_view message) { return split_entity(message).first; }

}  // namespace pillarbox::mail
