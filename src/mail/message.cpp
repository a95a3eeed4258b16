// Message: ENVELOPE, BODYSTRUCTURE and BODY[section] over the part tree (RFC 3501 §6.4.5,
// §7.4.2; RFC 9051 §7.5.2).
#include "mail/message.h"

#include "base/ascii.h"
#include "mail/address.h"
#include "mail/decode.h"
#include "mail/imap_text.h"
#include "mail/part.h"

namespace pillarbox::mail {

namespace {

std::optional<std::string> unfolded(const std::optional<std::string_view>& v) {
  if (!v) return std::nullopt;
  return unfold(*v);
}

void append_nstring(std::string& out, const std::optional<std::string>& s) {
  if (s) {
    append_string(out, *s);
  } else {
    out += "NIL";
  }
}

void append_envelope(std::string& out, std::string_view header) {
  enum { kDate, kSubject, kFrom, kSender, kReplyTo, kTo, kCc, kBcc, kInReplyTo, kMessageId, kN };
  static constexpr std::string_view kNames[kN] = {"date",        "subject",   "from", "sender",
                                                  "reply-to",    "to",        "cc",   "bcc",
                                                  "in-reply-to", "message-id"};
  std::optional<std::string_view> v[kN];
  HeaderReader reader(header);
  HeaderField f;
  while (reader.next(f)) {
    if (f.name.empty() || f.name.size() > 11) continue;
    for (int k = 0; k < kN; ++k) {
      if (!v[k] && ascii::iequals(f.name, kNames[k])) {
        v[k] = f.value;  // the first occurrence counts
        break;
      }
    }
  }
  auto addresses = [&](int k) {
    return v[k] ? parse_address_list(unfold(*v[k])) : std::vector<Address>{};
  };
  const std::vector<Address> from = addresses(kFrom);
  out += '(';
  append_nstring(out, unfolded(v[kDate]));
  out += ' ';
  append_nstring(out, unfolded(v[kSubject]));
  out += ' ';
  append_address_list(out, from);
  // RFC 3501 §7.4.2: an absent or empty Sender or Reply-To takes the value of From.
  for (const int k : {kSender, kReplyTo}) {
    out += ' ';
    const std::vector<Address> list = addresses(k);
    append_address_list(out, list.empty() ? from : list);
  }
  for (const int k : {kTo, kCc, kBcc}) {
    out += ' ';
    append_address_list(out, addresses(k));
  }
  out += ' ';
  append_nstring(out, unfolded(v[kInReplyTo]));
  out += ' ';
  append_nstring(out, unfolded(v[kMessageId]));
  out += ')';
}

void append_params(std::string& out, const std::vector<Param>& params) {
  if (params.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (k > 0) out += ' ';
    append_string(out, params[k].name);
    out += ' ';
    append_string(out, params[k].value);
  }
  out += ')';
}

void append_disposition(std::string& out, const std::optional<std::string_view>& value) {
  if (value) {
    const MediaValue m = parse_media_value(*value, false);
    if (!m.type.empty()) {
      out += '(';
      append_string(out, m.type);
      out += ' ';
      append_params(out, m.params);
      out += ')';
      return;
    }
  }
  out += "NIL";
}

void append_language(std::string& out, const std::optional<std::string_view>& value) {
  std::vector<std::string> tags;
  if (value) {
    const std::string v = unfold(*value);
    std::size_t pos = 0;
    while (pos <= v.size()) {
      std::size_t comma = v.find(',', pos);
      if (comma == std::string::npos) comma = v.size();
      const std::string_view tag = ascii::trim(std::string_view(v).substr(pos, comma - pos));
      if (!tag.empty()) tags.emplace_back(tag);
      pos = comma + 1;
    }
  }
  if (tags.empty()) {
    out += "NIL";
  } else if (tags.size() == 1) {
    append_string(out, tags.front());
  } else {
    out += '(';
    for (std::size_t k = 0; k < tags.size(); ++k) {
      if (k > 0) out += ' ';
      append_string(out, tags[k]);
    }
    out += ')';
  }
}

/// " disposition language location": the extension data every body type ends with.
void append_common_extension(std::string& out, const Part& p) {
  out += ' ';
  append_disposition(out, p.disposition);
  out += ' ';
  append_language(out, p.language);
  out += ' ';
  append_nstring(out, unfolded(p.location));
}

void append_body(std::string& out, const Part& p, bool extensible) {
  out += '(';
  if (p.kind == Part::Kind::multipart) {
    for (const Part& child : p.children) append_body(out, child, extensible);
    out += ' ';
    append_string(out, p.subtype);
    if (extensible) {
      out += ' ';
      append_params(out, p.params);
      append_common_extension(out, p);
    }
    out += ')';
    return;
  }
  append_string(out, p.type);
  out += ' ';
  append_string(out, p.subtype);
  out += ' ';
  const bool text = ascii::iequals(p.type, "text");
  if (text && p.params.empty()) {
    out += "(\"charset\" \"us-ascii\")";  // RFC 2045 §5.2 default, made explicit as Dovecot does
  } else {
    append_params(out, p.params);
  }
  out += ' ';
  append_nstring(out, unfolded(p.id));
  out += ' ';
  append_nstring(out, unfolded(p.description));
  out += ' ';
  const std::optional<std::string> encoding = unfolded(p.encoding);
  append_string(out, encoding && !encoding->empty() ? *encoding : std::string("7bit"));
  out += ' ';
  out += std::to_string(p.body.size());
  if (p.kind == Part::Kind::message) {
    out += ' ';
    append_envelope(out, p.message->header);
    out += ' ';
    append_body(out, *p.message, extensible);
    out += ' ';
    out += std::to_string(count_lines(p.body));
  } else if (text) {
    out += ' ';
    out += std::to_string(count_lines(p.body));
  }
  if (extensible) {
    out += ' ';
    append_nstring(out, unfolded(p.md5));
    append_common_extension(out, p);
  }
  out += ')';
}

/// A header block as served: always ends with the empty line.
std::string header_block(std::string_view h) {
  std::string out(h);
  if (h.empty()) {
    out = "\r\n";
  } else if (!(h == "\r\n" || h == "\n" || h.ends_with("\n\r\n") || h.ends_with("\n\n"))) {
    out += h.ends_with('\n') ? "\r\n" : "\r\n\r\n";
  }
  return out;
}

std::string header_fields(std::string_view h, const std::vector<std::string>& names, bool negate) {
  std::string out;
  HeaderReader reader(h);
  HeaderField f;
  while (reader.next(f)) {
    if (f.name.empty()) continue;  // a line without a colon is no field
    bool match = false;
    for (const std::string& n : names) {
      if (ascii::iequals(f.name, n)) {
        match = true;
        break;
      }
    }
    if (match == negate) continue;
    out.append(f.raw);
    if (!f.raw.ends_with('\n')) out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace

Message::Message(std::shared_ptr<const std::string> crlf_bytes)
    : bytes_(crlf_bytes ? std::move(crlf_bytes) : std::make_shared<const std::string>()),
      root_(parse_message(*bytes_)) {}

Message::~Message() = default;
Message::Message(Message&&) noexcept = default;
Message& Message::operator=(Message&&) noexcept = default;

std::string Message::envelope() const {
  std::string out;
  append_envelope(out, root_->header);
  return out;
}

std::string Message::body_structure(bool extensible) const {
  std::string out;
  append_body(out, *root_, extensible);
  return out;
}

const Part* Message::locate(const std::vector<std::uint32_t>& part, bool& found) const {
  found = false;
  const Part* cur = nullptr;  // nullptr: the message itself, before any part number
  for (const std::uint32_t n : part) {
    if (n == 0) return nullptr;
    // Within a message (the top level, or the one inside a message/rfc822 part) a multipart
    // body has numbered parts, and any other body is part 1 (RFC 3501 §6.4.5).
    const Part* msg = cur == nullptr                     ? root_.get()
                      : cur->kind == Part::Kind::message ? cur->message.get()
                                                         : nullptr;
    const Part* container = msg != nullptr ? msg : cur;
    if (container->kind == Part::Kind::multipart) {
      if (n > container->children.size()) return nullptr;
      cur = &container->children[n - 1];
    } else if (msg != nullptr && n == 1) {
      cur = msg;
    } else {
      return nullptr;
    }
  }
  found = true;
  return cur;
}

namespace {

enum class Cte { identity, base64, quoted_printable, unknown };

Cte cte_of(const Part& p) {
  if (p.kind != Part::Kind::leaf || !p.encoding) return Cte::identity;
  const std::string encoding = ascii::lower(ascii::trim(unfold(*p.encoding)));
  if (encoding == "base64") return Cte::base64;
  if (encoding == "quoted-printable") return Cte::quoted_printable;
  if (encoding.empty() || encoding == "7bit" || encoding == "8bit" || encoding == "binary") return Cte::identity;
  return Cte::unknown;
}

}  // namespace

Message::Binary::Status Message::binary_status(const std::vector<std::uint32_t>& part) const {
  bool found = false;
  const Part* cur = locate(part, found);
  if (!found) return Binary::Status::missing;
  if (cur != nullptr && cte_of(*cur) == Cte::unknown) return Binary::Status::unknown_cte;
  return Binary::Status::ok;
}

Message::Binary Message::binary(const std::vector<std::uint32_t>& part) const {
  Binary b;
  bool found = false;
  const Part* cur = locate(part, found);
  if (!found) {
    b.status = Binary::Status::missing;
    return b;
  }
  if (cur == nullptr) {
    b.view_ = bytes();  // BINARY[]: the message itself, no copy
    return b;
  }
  switch (cte_of(*cur)) {
    case Cte::identity: b.view_ = cur->body; break;  // a view into bytes(), no copy
    case Cte::base64: b.decoded_ = decode_base64(cur->body); b.owns_ = true; break;
    case Cte::quoted_printable: b.decoded_ = decode_quoted_printable(cur->body); b.owns_ = true; break;
    case Cte::unknown: b.status = Binary::Status::unknown_cte; break;
  }
  return b;
}

Message::BinarySize Message::binary_size(const std::vector<std::uint32_t>& part) const {
  bool found = false;
  const Part* cur = locate(part, found);
  if (!found) return {Binary::Status::missing, 0};
  if (cur == nullptr) return {Binary::Status::ok, bytes().size()};
  switch (cte_of(*cur)) {
    case Cte::identity: return {Binary::Status::ok, cur->body.size()};
    case Cte::base64: return {Binary::Status::ok, base64_decoded_size(cur->body)};
    case Cte::quoted_printable: return {Binary::Status::ok, quoted_printable_decoded_size(cur->body)};
    case Cte::unknown: break;
  }
  return {Binary::Status::unknown_cte, 0};
}

std::optional<std::string> Message::section(const Section& section) const {
  bool found = false;
  const Part* cur = locate(section.part, found);
  if (!found) return std::nullopt;
  using Text = Section::Text;
  if (section.text == Text::none) {
    if (cur == nullptr) return bytes();
    return std::string(cur->body);
  }
  if (section.text == Text::mime) {
    if (cur == nullptr) return std::nullopt;  // MIME needs a part number
    return header_block(cur->header);
  }
  // HEADER, HEADER.FIELDS[.NOT] and TEXT address a message: the top level or an embedded one.
  const Part* msg = cur == nullptr                     ? root_.get()
                    : cur->kind == Part::Kind::message ? cur->message.get()
                                                       : nullptr;
  if (msg == nullptr) return std::nullopt;
  switch (section.text) {
    case Text::header:
      return header_block(msg->header);
    case Text::header_fields:
      return header_fields(msg->header, section.fields, false);
    case Text::header_fields_not:
      return header_fields(msg->header, section.fields, true);
    case Text::text:
      return std::string(msg->body);
    default:
      return std::nullopt;
  }
}

}  // namespace pillarbox::mail
