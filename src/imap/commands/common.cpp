#include "imap/commands/common.h"

#include "base/log.h"

namespace pillarbox::imap {

Reply reply_for(const Session& session, const Error& error) {
  const char* code = "SERVERBUG";
  switch (error.code) {
    case Errc::not_found: code = "NONEXISTENT"; break;
    case Errc::already_exists: code = "ALREADYEXISTS"; break;
    case Errc::invalid: code = "CANNOT"; break;
    case Errc::no_perm: code = "NOPERM"; break;
    case Errc::too_big: code = "TOOBIG"; break;
    case Errc::over_quota: code = "OVERQUOTA"; break;
    case Errc::in_use: code = "INUSE"; break;
    case Errc::unavailable: code = "UNAVAILABLE"; break;
    case Errc::io:
    case Errc::internal: code = "SERVERBUG"; break;
  }
  if (error.code == Errc::io || error.code == Errc::internal || !error.detail.empty()) {
    log::warn("session={} {} ({}:{}): {}", session.id(), error.text, error.where.file_name(), error.where.line(),
              error.detail);
  }
  return Reply::no(code, error.text.empty() ? "Failed" : error.text);
}

Reply syntax_error(const Parser& parser) { return Reply::bad(parser.error()); }

std::optional<std::string> invalid_mailbox_name(std::string_view name) {
  if (name.empty()) return "Mailbox name is empty";
  if (name.size() > 1000) return "Mailbox name is too long";
  if (name.front() == '/' || name.back() == '/') return "Mailbox name may not start or end with /";
  if (name.find("//") != std::string_view::npos) return "Mailbox name has an empty level";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "Mailbox name contains a control character";
    if (c >= 0x80) return "Mailbox name must be 7-bit (modified UTF-7, RFC 3501 5.1.3)";
    if (c == '*' || c == '%') return "Mailbox name may not contain * or %";
  }
  return std::nullopt;
}

store::UidSet resolve_set(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid) {
  if (uid) return mailbox.known(set.resolve(mailbox.max_uid()));
  return mailbox.uids_of_sequence(set.resolve(mailbox.exists()));
}

std::optional<std::string> invalid_sequence(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid) {
  if (uid) return std::nullopt;
  for (const auto& r : set.ranges) {
    // "1:*" on an empty mailbox names nothing rather than something invalid: clients send it
    // to mean "everything there is" (RFC 9051 §6.4.4 note on "*" in an empty mailbox).
    if (mailbox.exists() == 0 && (r.first == kStar || r.last == kStar)) continue;
    std::uint32_t hi = std::max(r.first == kStar ? mailbox.exists() : r.first, r.last == kStar ? mailbox.exists() : r.last);
    if (hi == 0 || hi > mailbox.exists()) return "Invalid message sequence number";
  }
  return std::nullopt;
}

std::vector<store::UidSet> split(const store::UidSet& set, std::uint64_t max) {
  std::vector<store::UidSet> out;
  store::UidSet cur;
  std::uint64_t n = 0;
  for (const auto& r : set.ranges()) {
    std::uint64_t first = r.first;
    while (first <= r.last) {
      std::uint64_t last = std::min<std::uint64_t>(r.last, first + (max - n) - 1);
      cur.add(static_cast<store::Uid>(first), static_cast<store::Uid>(last));
      n += last - first + 1;
      first = last + 1;
      if (n == max) {
        out.push_back(std::move(cur));
        cur = {};
        n = 0;
      }
    }
  }
  if (n) out.push_back(std::move(cur));
  return out;
}

}  // namespace pillarbox::imap
