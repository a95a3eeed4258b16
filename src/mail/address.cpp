#include "mail/address.h"

#include "mail/imap_text.h"

namespace pillarbox::mail {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) { return std::string_view("()<>@,;:\\\"[]").find(c) != npos; }
bool is_atom_char(char c) { return !is_space(c) && !is_special(c); }  // '.' and 8-bit included

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k > 0) out += sep;
    out += words[k];
  }
  return out;
}

std::optional<std::string> non_empty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

/// A tolerant recursive-descent reader of RFC 5322 §3.4 address lists (obsolete forms too).
/// Every step consumes at least one byte, so it ends on any input.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::vector<Address> list() {
    std::vector<Address> out;
    bool in_group = false;
    while (true) {
      last_comment_.clear();
      skip_cfws();
      if (at_end()) break;
      char c = s_[i_];
      if (c == ',') {
        ++i_;
        continue;
      }
      if (c == ';') {
        ++i_;
        if (in_group) out.emplace_back();  // group end
        in_group = false;
        continue;
      }
      std::vector<std::string> words = phrase();
      skip_cfws();
      c = at_end() ? '\0' : s_[i_];
      if (c == ':') {
        ++i_;
        if (!in_group) {  // RFC 5322 groups do not nest; a second ':' is noise
          Address g;
          g.mailbox = join(words, " ");
          out.push_back(std::move(g));
          in_group = true;
        }
        continue;
      }
      if (c == '<') {
        ++i_;
        Address a;
        a.name = non_empty(join(words, " "));
        route_addr(a);
        out.push_back(std::move(a));
        skip_to_separator();
        continue;
      }
      if (c == '@') {
        ++i_;
        out.push_back(addr_spec(std::move(words)));
        skip_to_separator();
        continue;
      }
      if (!words.empty()) {  // no '@': "root", or obfuscated "user at example.com"
        Address a;
        a.mailbox = join(words, " ");
        a.host = std::string(kMissingDomain);
        if (!last_comment_.empty()) a.name = last_comment_;
        out.push_back(std::move(a));
      }
      if (c != ',' && c != ';' && !at_end()) ++i_;  // a stray special: '>', ']', '\'
    }
    if (in_group) out.emplace_back();
    return out;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }

  void skip_cfws() {
    while (!at_end()) {
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(') {
        comment();
      } else {
        break;
      }
    }
  }

  void comment() {  // at '('; keeps the text of the outermost comment for display names
    std::string text;
    int depth = 0;
    while (!at_end()) {
      const char c = s_[i_++];
      if (c == '\\' && !at_end()) {
        text += s_[i_++];
        continue;
      }
      if (c == '(') {
        if (depth++ == 0) continue;
      } else if (c == ')') {
        if (--depth == 0) break;
      }
      text += c;
    }
    const auto first = text.find_first_not_of(" \t");
    if (first != std::string::npos) {
      last_comment_ = text.substr(first, text.find_last_not_of(" \t") - first + 1);
    }
  }

  std::string quoted() {  // at '"'
    std::string out;
    ++i_;
    while (!at_end()) {
      const char c = s_[i_++];
      if (c == '"') break;
      if (c == '\\' && !at_end()) {
        out += s_[i_++];
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string atom() {
    const std::size_t start = i_;
    while (!at_end() && is_atom_char(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  std::vector<std::string> phrase() {
    std::vector<std::string> words;
    while (true) {
      skip_cfws();
      if (at_end()) break;
      if (s_[i_] == '"') {
        words.push_back(quoted());
      } else if (is_atom_char(s_[i_])) {
        words.push_back(atom());
      } else {
        break;
      }
    }
    return words;
  }

  std::string domain() {
    std::string d;
    while (true) {
      skip_cfws();
      if (at_end()) break;
      if (s_[i_] == '[') {  // domain-literal, kept with its brackets
        const std::size_t end = s_.find(']', i_);
        const std::size_t stop = end == npos ? s_.size() : end + 1;
        for (std::size_t k = i_; k < stop; ++k) {
          if (!is_space(s_[k])) d += s_[k];
        }
        i_ = stop;
      } else if (is_atom_char(s_[i_])) {
        d += atom();
      } else {
        break;
      }
    }
    return d;
  }

  /// After the '@' of an addr-spec. Words in front of the local part with no '<' are garbage
  /// taken as a display name ("Bob Smith bob@x.com").
  Address addr_spec(std::vector<std::string> words) {
    Address a;
    std::size_t first = words.size();
    while (first > 0) {  // the local part is the last word and any words joined to it by '.'
      --first;
      if (first == 0) break;
      const std::string& prev = words[first - 1];
      const std::string& cur = words[first];
      if (!(cur.starts_with('.') || prev.ends_with('.'))) break;
    }
    std::string local;
    std::vector<std::string> name_words;
    for (std::size_t k = 0; k < words.size(); ++k) {
      if (k < first) {
        name_words.push_back(std::move(words[k]));
      } else {
        local += words[k];
      }
    }
    const std::string host = domain();
    skip_cfws();  // a trailing comment may carry the name
    a.name = non_empty(join(name_words, " "));
    if (!a.name && !last_comment_.empty()) a.name = last_comment_;
    a.mailbox = local.empty() ? std::string(kMissingMailbox) : local;
    a.host = host.empty() ? std::string(kMissingDomain) : host;
    return a;
  }

  void route_addr(Address& a) {  // after '<'
    skip_cfws();
    if (!at_end() && s_[i_] == '@') {           // obs-route "@a,@b:"
      const std::size_t gt = s_.find('>', i_);  // ':' is looked for only before it: linear
      const std::size_t colon = s_.substr(0, gt == npos ? s_.size() : gt).find(':', i_);
      if (colon != npos) {
        std::string adl;
        for (std::size_t k = i_; k < colon; ++k) {
          if (!is_space(s_[k])) adl += s_[k];
        }
        a.adl = std::move(adl);
        i_ = colon + 1;
      }
    }
    const std::string local = join(phrase(), "");
    skip_cfws();
    std::string host;
    if (!at_end() && s_[i_] == '@') {
      ++i_;
      host = domain();
    }
    skip_until(">");
    if (!at_end()) ++i_;  // '>'
    a.mailbox = local.empty() ? std::string(kMissingMailbox) : local;
    a.host = host.empty() ? std::string(kMissingDomain) : host;
  }

  void skip_to_separator() { skip_until(",;"); }

  /// Skips to the first byte of `stops` outside quoted strings and comments.
  void skip_until(std::string_view stops) {
    while (!at_end() && stops.find(s_[i_]) == npos) {
      if (s_[i_] == '"') {
        quoted();
      } else if (s_[i_] == '(') {
        comment();
      } else {
        ++i_;
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string last_comment_;
};

std::optional<std::string_view> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view value) { return Scanner(value).list(); }

void append_address_list(std::string& out, const std::vector<Address>& list) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const Address& a : list) {
    out += '(';
    append_nstring(out, view(a.name));
    out += ' ';
    append_nstring(out, view(a.adl));
    out += ' ';
    append_nstring(out, view(a.mailbox));
    out += ' ';
    append_nstring(out, view(a.host));
    out += ')';
  }
  out += ')';
}

}  // namespace pillarbox::mail
