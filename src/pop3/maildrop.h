// The maildrop of a POP3 session (RFC 1939 §5-§6): INBOX as it was at login. Message numbers
// 1..n are fixed for the session; messages that arrive later are not shown, and DELE only marks
// a message until QUIT enters the UPDATE state. Pure bookkeeping: no store calls, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/types.h"

namespace pillarbox::pop3 {

class Maildrop {
 public:
  struct Message {
    store::Uid uid = 0;
    std::uint64_t size = 0;    ///< octets as RETR sends them before stuffing (CRLF line ends)
    bool deleted = false;      ///< marked by DELE, cleared by RSET
    bool retrieved = false;    ///< sent whole by RETR (TOP does not count): gets \Seen at QUIT
  };

  Maildrop() = default;
  /// A snapshot of `messages` (ascending by UID, as MailStore::list_messages returns them) of a
  /// mailbox whose UIDVALIDITY is `uid_validity`.
  Maildrop(std::uint32_t uid_validity, const std::vector<store::MessageMeta>& messages);

  /// The highest message number (deleted messages keep their numbers).
  std::uint32_t size() const { return static_cast<std::uint32_t>(messages_.size()); }
  /// Messages not marked deleted, and their octets (STAT, RFC 1939 §5).
  std::uint32_t live_count() const;
  std::uint64_t live_octets() const;
  /// "1 message (120 octets)" / "3 messages (450 octets)": live messages for reply texts.
  std::string summary() const;

  /// The message numbered `number` (1-based) if it exists and is not marked deleted.
  /// Errc::not_found with "No such message" (0, past the end), or "Message N already deleted".
  Result<Message*> find(std::uint64_t number);
  /// The message numbered `number` (1 ≤ number ≤ size()), deleted or not.
  Message& at(std::uint32_t number) { return messages_[number - 1]; }
  const Message& at(std::uint32_t number) const { return messages_[number - 1]; }
  /// RSET: unmarks every deleted message.
  void reset();

  /// UIDs marked deleted: what UPDATE expunges.
  store::UidSet deleted_uids() const;
  /// UIDs retrieved and not deleted: what UPDATE marks \Seen.
  store::UidSet retrieved_uids() const;
  /// RFC 1939 §7 UIDL of a message: unique_id(uid_validity, uid).
  std::string unique_id(const Message& m) const;
  std::uint32_t uid_validity() const { return uid_validity_; }

 private:
  std::uint32_t uid_validity_ = 0;
  std::vector<Message> messages_;
};

}  // namespace pillarbox::pop3
