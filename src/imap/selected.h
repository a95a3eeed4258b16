// The selected mailbox as one session sees it (RFC 3501 §2.3.1.2): the map from message
// sequence numbers to UIDs, the session's \Recent messages, and how far it has caught up with
// changes made by others. Sequence numbers exist only here, never in the store (DESIGN §5).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "access/rights.h"
#include "store/mail_store.h"
#include "store/types.h"

namespace pillarbox::imap {

class SelectedMailbox {
 public:
  store::MailboxInfo info;          ///< as of SELECT; uid_validity never changes
  bool read_only = false;           ///< EXAMINE, or rights that allow no change (RFC 4314 §5.2)
  bool examined = false;            ///< EXAMINE: nothing changes, not even a private \Seen
  store::AccountId owner = 0;       ///< whose mailbox it is
  std::string visible;              ///< the name as the client sees it
  access::Rights rights = access::Rights::all();  ///< as of SELECT (RFC 4314 §5.1.1 allows caching)
  /// Present when \Seen is private to this reader (someone else's or a public mailbox): the
  /// UIDs the reader has seen, which replace the message's own \Seen in everything shown.
  std::optional<store::UidSet> private_seen;
  store::AccountId reader = 0;      ///< the logged-in account (for private \Seen)
  store::ModSeq synced_modseq = 0;  ///< every change up to here has been announced
  store::UidSet recent;             ///< this session's \Recent messages
  store::UidSet pending_expunges;   ///< expunged by others, not yet announced (§7.4.1 rules)
  /// While pending_expunges is not empty: a MODSEQ below that of every pending expunge, the
  /// highest the client may safely resume from (RFC 7162 §3.2.10; RFC 5162 errata 1810).
  store::ModSeq modseq_before_pending = 0;
  /// Messages others changed whose new flags could not be read yet: the next sync sends them.
  store::UidSet unsent_flag_updates;
  std::vector<std::string> keywords;  ///< announced in FLAGS
  /// The last SEARCH RETURN (SAVE) result as UIDs (RFC 5182 "$"); empty before any. It lives
  /// as long as the selection; expunged messages drop out when resolved (known()).
  store::UidSet saved_search;
  /// Set by the change bus (store thread) when the mailbox changed; cleared by sync.
  std::shared_ptr<std::atomic<bool>> dirty = std::make_shared<std::atomic<bool>>(true);
  /// When NOOP or CHECK last made the session read the mailbox again unasked (imap/commands/noop.cpp).
  std::chrono::steady_clock::time_point last_look{};
  std::unique_ptr<store::Subscription> subscription;

  /// Adds `keyword` to the announced keywords unless present (case-insensitively); true when
  /// it was new, so FLAGS must be sent again.
  bool learn_keyword(const std::string& keyword);

  /// The flags the client sees for message `uid`: the stored ones, with \Seen from the
  /// reader's own set when it is private.
  store::Flags view(store::Flags shared, store::Uid uid) const;
  /// The flags this session may change (RFC 4314 §4: s, t, w); \Seen is not among them when it
  /// is private (it is changed with set_private_seen instead).
  store::FlagMask shared_mask() const;
  /// The reader whose private \Seen this session shows, or nullopt when \Seen is the message's.
  std::optional<store::AccountId> private_reader() const {
    return private_seen ? std::optional<store::AccountId>(reader) : std::nullopt;
  }
  /// True when the rights allow changing \Seen (private or not).
  bool may_set_seen() const { return rights.has('s'); }

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

  /// Records UIDs this session's own command expunged (EXPUNGE, MOVE): the sync after the
  /// command announces them, as it does others' expunges. UIDs the session does not know are
  /// ignored.
  void note_expunged(const std::vector<store::Uid>& uids);

  /// Replaces the view by `uids` (ascending) and their MODSEQs (same length), as SELECT read them.
  void assign(std::vector<store::Uid> uids, std::vector<store::ModSeq> modseqs);
  /// Adds a message at the end (a UID above max_uid()).
  void push_back(store::Uid uid, store::ModSeq modseq);
  /// Removes the messages of `uids` the session knows, in one pass. Returns the sequence
  /// numbers to announce, in order, as RFC 3501 §7.4.1 EXPUNGE responses do: each counted after
  /// the ones before it were removed (three adjacent messages from 5 on: 5, 5, 5).
  std::vector<std::uint32_t> erase(const store::UidSet& uids);
  /// UIDs in `set` that the session knows, as a UidSet.
  store::UidSet known(const store::UidSet& set) const;
  /// Turns message sequence numbers into the UIDs they stand for (numbers past exists() are
  /// dropped).
  store::UidSet uids_of_sequence(const store::UidSet& seqs) const;
  /// The UIDs of the view in sequence order (valid until the view changes).
  std::span<const store::Uid> uids() const { return uids_; }

 private:
  std::vector<store::Uid> uids_;
  std::vector<store::ModSeq> modseqs_;
};

}  // namespace pillarbox::imap
