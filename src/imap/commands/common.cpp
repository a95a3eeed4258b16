#include "imap/commands/common.h"

#include <fmt/format.h>

#include "access/names.h"
#include "base/log.h"
#include "imap/response.h"
#include "session/events.h"

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
    case Errc::unavailable:
    case Errc::storage_full: code = "UNAVAILABLE"; break;
    case Errc::io:
    case Errc::internal: code = "SERVERBUG"; break;
  }
  if (error.code == Errc::io || error.code == Errc::internal || error.code == Errc::unavailable ||
      error.code == Errc::storage_full) {
    session::log_store_error(session.id(), "imap", session.command_name(), error);
  } else if (!error.detail.empty()) {
    log::warn("session={} {} ({}:{}): {}", session.id(), error.text, error.where.file_name(), error.where.line(),
              error.detail);
  }
  return Reply::no(code, error.text.empty() ? "Failed" : error.text);
}

Reply syntax_error(const Parser& parser) { return Reply::bad(parser.error()); }

asio::awaitable<Result<MailboxAccess>> resolve(Session& session, std::string name) {
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  auto call = [&st = session.store(), account = *session.account(), name] {
    return resolve_mailbox(st, account, name);
  };
  co_return co_await session.store_call(std::move(call));
}

Reply no_such_mailbox() { return Reply::no("NONEXISTENT", "No such mailbox"); }

asio::awaitable<std::variant<Reply, MailboxAccess>> existing_mailbox(Session& session, std::string name) {
  auto target = co_await resolve(session, std::move(name));
  if (!target.ok()) co_return reply_for(session, target.error());
  if (!target->exists()) co_return no_such_mailbox();
  co_return std::move(*target);
}

Reply no_right(char right, std::string_view what) {
  return Reply::no("NOPERM", fmt::format("You may not {} (right \"{}\" is missing)", what, right));
}

store::Flags allowed_flags(store::Flags flags, const access::Rights& rights, bool private_seen) {
  const store::FlagMask mask = flag_mask(rights, private_seen);
  flags.system &= mask.system;
  if (!mask.keywords) flags.keywords.clear();
  return flags;
}

std::string permanent_flags(const SelectedMailbox& mailbox) {
  std::vector<std::string> out;
  const bool w = mailbox.rights.has('w');
  if (w) out.push_back("\\Answered");
  if (w) out.push_back("\\Flagged");
  if (mailbox.rights.has('t')) out.push_back("\\Deleted");
  if (mailbox.rights.has('s')) out.push_back("\\Seen");
  if (w) {
    out.push_back("\\Draft");
    for (const auto& k : mailbox.keywords) out.push_back(k);
    out.push_back("\\*");
  }
  std::string text;
  for (const auto& f : out) {
    if (!text.empty()) text += ' ';
    text += f;
  }
  return text;
}

std::optional<std::string> invalid_mailbox_name(std::string_view name) { return access::mailbox_name_problem(name); }

store::UidSet resolve_set(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid) {
  if (set.saved) return mailbox.known(mailbox.saved_search);  // RFC 5182 §2.1: UIDs either way
  if (uid) return mailbox.known(set.resolve(mailbox.max_uid()));
  return mailbox.uids_of_sequence(set.resolve(mailbox.exists()));
}

std::optional<std::string> invalid_sequence(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid) {
  if (uid || set.saved) return std::nullopt;  // "$" names what is left of the saved result
  for (const auto& r : set.ranges) {
    // "1:*" on an empty mailbox names nothing rather than something invalid: clients send it
    // to mean "everything there is" (RFC 9051 §6.4.4 note on "*" in an empty mailbox).
    if (mailbox.exists() == 0 && (r.first == kStar || r.last == kStar)) continue;
    std::uint32_t hi = std::max(r.first == kStar ? mailbox.exists() : r.first, r.last == kStar ? mailbox.exists() : r.last);
    if (hi == 0 || hi > mailbox.exists()) return "Invalid message sequence number";
  }
  return std::nullopt;
}

std::string flags_update(const Session& session, const SelectedMailbox& mailbox, store::Uid uid,
                         const store::Flags& stored, store::ModSeq modseq, bool with_uid) {
  const std::uint32_t seq = mailbox.seq_of(uid);
  if (!seq) return {};
  const bool condstore = session.enabled(kCondstore);
  std::string line = fmt::format("{} FETCH (", seq);
  if (with_uid || condstore) line += fmt::format("UID {} ", uid);
  line += "FLAGS " + flags_out(mailbox.view(stored, uid), mailbox.recent.contains(uid));
  if (condstore) line += fmt::format(" MODSEQ ({})", modseq);
  line += ')';
  return line;
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

namespace {
std::string uid_set_text(const std::vector<store::Uid>& uids) {
  store::UidSet set;
  for (auto uid : uids) set.add(uid);
  return set.to_string();
}
}  // namespace

std::string copyuid_code(const store::CopyResult& copied) {
  if (copied.source_uids.empty()) return {};
  // Both lists are ascending and pair up by position, so the two sets keep the same order.
  return fmt::format("COPYUID {} {} {}", copied.uid_validity, uid_set_text(copied.source_uids),
                     uid_set_text(copied.target_uids));
}

std::string appenduid_code(const store::AppendResult& appended) {
  if (appended.uids.empty()) return {};
  return fmt::format("APPENDUID {} {}", appended.uid_validity, uid_set_text(appended.uids));
}

}  // namespace pillarbox::imap
