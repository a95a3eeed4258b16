// The selected mailbox as one session sees it (RFC 3501 §2.3.1.2): the map from message
// sequence numbers to UIDs, the session's \Recent messages, and how far it has caught up with
// changes made by others. Sequence numbers exist only here, never in the store (DESIGN §5).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/mail_store.h"
#include "store/types.h"

namespace pillarbox::imap {

class SelectedMailbox {
 public:
  store::MailboxInfo info;          ///< as of SELECT; uid_validity never changes
  bool read_only = false;           ///< EXAMINE (RFC 3501 §6.3.2)
  store::ModSeq synced_modseq = 0;  ///< every change up to here has been announced
  store::UidSet recent;             ///< this session's \Recent messages
  store::UidSet pending_expunges;   ///< expunged by others, not yet announced (§7.4.1 rules)
  std::vector<std::string> keywords;  ///< announced in FLAGS
  /// Set by the change bus (store thread) when the mailbox changed; cleared by sync.
  std::shared_ptr<std::atomic<bool>> dirty = std::make_shared<std::atomic<bool>>(true);
  std::unique_ptr<store::Subscription> subscription;

  /// Adds `keyword` to the announced keywords unless present (case-insensitively); true when
  /// it was new, so FLAGS must be sent again.
  bool learn_keyword(const std::string& keyword);

  /// Number of messages (the highest sequence number).
  std::uint32_t exists() const { return static_cast<std::uint32_t>(uids_.size()); }
  /// UID of sequence number `seq` (1-based, must be in range).
  store::Uid uid_at(std::uint32_t seq) const { return uids_[seq - 1]; }
  /// Sequence number of `uid`, or 0 when the session does not know that UID.
  std::uint32_t seq_of(store::Uid uid) const;
  /// The highest UID the session knows (0 when empty).
  store::Uid max_uid() const { return uids_.empty() ? 0 : uids_.back(); }
  /// The MODSEQ this session last saw for message `seq`.
  store::ModSeq modseq_at(std::uint32_t seq) const { return modseqs_[seq - 1]; }
  void set_modseq(std::uint32_t seq, store::ModSeq m) { modseqs_[seq - 1] = m; }

  /// Adds a message at the end (a UID above max_uid()).
  void push_back(store::Uid uid, store::ModSeq modseq);
  /// Removes sequence number `seq`; later messages move down by one.
  void erase(std::uint32_t seq);
  /// UIDs in `set` that the session knows, as a UidSet.
  store::UidSet known(const store::UidSet& set) const;
  /// Turns message sequence numbers into the UIDs they stand for (numbers past exists() are
  /// dropped).
  store::UidSet uids_of_sequence(const store::UidSet& seqs) const;

 private:
  std::vector<store::Uid> uids_;
  std::vector<store::ModSeq> modseqs_;
};

}  // namespace pillarbox::imap
