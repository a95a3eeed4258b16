// Value types that cross the storage boundary (DESIGN §5). Message sequence numbers, tags and
// response text never appear here: only UIDs, MODSEQs, flags and mailboxes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pillarbox::mail {
class Message;   // mail/message.h; only held by pointer here
}

namespace pillarbox::store {

using Uid = std::uint32_t;        ///< RFC 3501 §2.3.1.1 unique identifier, 1..2^32-1
using ModSeq = std::uint64_t;     ///< RFC 7162 mod-sequence, grows with every change
using MailboxId = std::int64_t;   ///< internal key, never shown to clients
using AccountId = std::int64_t;   ///< internal key, never shown to clients

/// A set of UIDs as sorted, disjoint, non-adjacent closed ranges.
class UidSet {
 public:
  struct Range {
    Uid first;
    Uid last;
    bool operator==(const Range&) const = default;
  };
  UidSet() = default;
  /// The set of `uids`, in any order, repeats allowed.
  static UidSet of(const std::vector<Uid>& uids);
  /// Adds one UID or a closed range [first, last] (swapped if first > last).
  void add(Uid uid) { add(uid, uid); }
  void add(Uid first, Uid last);
  void add(const UidSet& other);
  /// Removes one UID (nothing happens when it is absent).
  void remove(Uid uid);
  bool contains(Uid uid) const;
  bool empty() const { return ranges_.empty(); }
  /// Number of UIDs in the set (not ranges).
  std::uint64_t size() const;
  const std::vector<Range>& ranges() const { return ranges_; }
  /// Every UID in ascending order. Beware of huge ranges; prefer ranges().
  std::vector<Uid> to_vector() const;
  /// RFC 3501 sequence-set text, e.g. "1:3,7,9:12"; empty string for an empty set.
  std::string to_string() const;
  bool operator==(const UidSet&) const = default;

 private:
  std::vector<Range> ranges_;
};

/// System flags (RFC 3501 §2.3.2), as bits. \Recent is per-session and never stored.
enum SystemFlag : std::uint32_t {
  kSeen = 1u << 0,
  kAnswered = 1u << 1,
  kFlagged = 1u << 2,
  kDeleted = 1u << 3,
  kDraft = 1u << 4,
};

/// A message's flags: system flags as bits plus keywords (atoms, compared case-insensitively,
/// kept in the case first seen, sorted case-insensitively, no duplicates).
struct Flags {
  std::uint32_t system = 0;
  std::vector<std::string> keywords;
  bool operator==(const Flags&) const = default;
  bool has(SystemFlag f) const { return (system & f) != 0; }
  /// Adds a keyword keeping the order and uniqueness rules.
  void add_keyword(const std::string& keyword);
  bool has_keyword(const std::string& keyword) const;
  void remove_keyword(const std::string& keyword);
};

/// A mailbox as stored: identity, the UID/MODSEQ counters, and counts (RFC 3501 §6.3.10 STATUS).
struct MailboxInfo {
  MailboxId id = 0;
  std::string name;                  ///< full name, '/'-delimited, "INBOX" for the inbox
  std::uint32_t uid_validity = 0;    ///< RFC 3501 §2.3.1.1; never changes for this mailbox
  Uid uid_next = 1;                  ///< next UID to be assigned; never decreases
  ModSeq highest_modseq = 0;         ///< RFC 7162; grows with every change in the mailbox
  std::uint32_t messages = 0;        ///< count of messages
  std::uint32_t unseen = 0;          ///< count of messages without \Seen
  Uid first_unclaimed_recent = 1;    ///< UIDs >= this have not been \Recent to any session yet
  std::uint64_t size = 0;            ///< total served octets (RFC 8438 STATUS SIZE)
  bool subscribed = false;
  std::string special_use;           ///< RFC 6154 attribute such as \Sent; "" for none
  std::vector<std::string> keywords; ///< keywords ever used here (for FLAGS/PERMANENTFLAGS)
};

/// Per-message metadata kept beside the immutable message bytes.
struct MessageMeta {
  Uid uid = 0;
  Flags flags;
  ModSeq modseq = 0;
  std::uint64_t size = 0;            ///< octets as served (bare LF counted as CRLF), RFC822.SIZE
  std::int64_t internal_date = 0;    ///< seconds since the Unix epoch (RFC 3501 INTERNALDATE)
  std::int32_t internal_date_tz = 0; ///< the zone of INTERNALDATE, minutes east of UTC
};

/// What a fetch needs beyond MessageMeta; the store loads only what is asked.
struct FetchNeeds {
  bool envelope = false;        ///< the ENVELOPE text
  bool body_structure = false;  ///< the BODYSTRUCTURE and BODY texts
  bool content = false;         ///< the message bytes
  /// With `content`: only the header block is wanted (BODY[HEADER], BODY[HEADER.FIELDS ...],
  /// RFC822.HEADER), so `content` may hold just that (mail::header_of, served form).
  bool header_only = false;
};

/// One fetched message. Texts are IMAP syntax ready to send.
struct FetchedMessage {
  MessageMeta meta;
  std::string envelope;         ///< RFC 3501 §7.4.2 ENVELOPE, parenthesized
  std::string body_structure;   ///< BODYSTRUCTURE (extensible form)
  std::string body;             ///< BODY (non-extensible form)
  /// Served bytes (CRLF line ends), shared because large; null unless FetchNeeds::content.
  std::shared_ptr<const std::string> content;
  /// With FetchNeeds::header_only, the same header block parsed (content points into it), so
  /// that FETCH does not parse it again; may be null.
  std::shared_ptr<const mail::Message> header;
};

/// One message to append.
struct AppendRequest {
  std::string content;                       ///< the bytes as received, kept exactly
  Flags flags;
  std::optional<std::int64_t> internal_date; ///< seconds since epoch; now when empty
  std::int32_t internal_date_tz = 0;         ///< minutes east of UTC
};

/// Where an appended or copied message landed (RFC 4315 APPENDUID/COPYUID need both).
struct AppendResult {
  std::uint32_t uid_validity = 0;
  std::vector<Uid> uids;   ///< one per request, in request order
};

struct CopyResult {
  std::uint32_t uid_validity = 0;   ///< of the target mailbox
  std::vector<Uid> source_uids;     ///< ascending, only UIDs that existed
  std::vector<Uid> target_uids;     ///< same order as source_uids
};

/// What MailStore::move did (RFC 6851).
struct MoveResult {
  CopyResult copied;               ///< the new messages in the target, as copy() reports them
  std::vector<Uid> expunged;       ///< the originals removed from the source, ascending
};

/// How STORE changes flags (RFC 3501 §6.4.6).
enum class StoreMode { replace, add, remove };

/// The flags a caller may change (RFC 4314 §4: right 's' for \Seen, 't' for \Deleted, 'w' for
/// the other flags and keywords). In store_flags, flags outside the mask keep their value in
/// every StoreMode; in copy, they are left unset on the new messages.
struct FlagMask {
  std::uint32_t system = kSeen | kAnswered | kFlagged | kDeleted | kDraft;
  bool keywords = true;
  bool operator==(const FlagMask&) const = default;
};

struct StoreResult {
  std::vector<MessageMeta> updated;  ///< store_flags: every message of the set that exists, with
                                     ///< its flags after the change (new MODSEQ if it changed)
  UidSet not_modified;               ///< failed the UNCHANGEDSINCE test (RFC 7162 [MODIFIED])
  /// store_flags: each updated message's MODSEQ before this call, in the same order (so a
  /// session can tell a change it has not announced yet); empty from set_private_seen.
  std::vector<ModSeq> modseq_before;
};

/// What SELECT needs of every message of a mailbox, and no more: a million-message mailbox
/// costs 12 bytes a message to hold this.
struct MailboxUids {
  std::vector<Uid> uids;          ///< ascending
  std::vector<ModSeq> modseqs;    ///< modseqs[i] is the MODSEQ of uids[i]
  Uid first_unseen = 0;           ///< lowest UID without \Seen (shared flags); 0 when none
};

/// What changed in a mailbox since a MODSEQ: the basis of untagged EXISTS/FETCH/EXPUNGE.
struct Changes {
  std::vector<MessageMeta> changed;  ///< messages whose modseq > since (new or flags changed),
                                     ///< ascending by UID
  std::vector<Uid> expunged;         ///< UIDs expunged with modseq > since, ascending
  ModSeq highest_modseq = 0;
  Uid uid_next = 1;
};

/// A search program over one mailbox (RFC 3501 §6.4.4), already free of message sequence
/// numbers and of session state (\Recent): the IMAP layer turns those into UID sets.
struct SearchKey {
  enum class Kind {
    all,
    and_,          ///< all children match
    or_,           ///< any child matches
    not_,          ///< children[0] does not match
    uid_set,       ///< uid in `uids`
    flag_set,      ///< system flag `number` set (`number` is a SystemFlag value, e.g. kSeen)
    flag_unset,    ///< system flag `number` not set
    keyword,       ///< keyword `value` set
    unkeyword,     ///< keyword `value` not set
    header,        ///< header `field` (case-insensitive name) contains `value`; empty value
                   ///< matches every message that has the field
    body,          ///< decoded body text contains `value`
    text,          ///< header or decoded body text contains `value`
    before,        ///< INTERNALDATE's date (in its own zone) < day `number`
    on,            ///< INTERNALDATE's date == day `number`
    since,         ///< INTERNALDATE's date >= day `number`
    sent_before,   ///< Date: header's date (in its own zone) < day `number`
    sent_on,
    sent_since,
    larger,        ///< RFC822.SIZE > `number`
    smaller,       ///< RFC822.SIZE < `number`
    modseq,        ///< RFC 7162: modseq >= `number`
  };
  Kind kind = Kind::all;
  std::string field;   ///< header name for Kind::header (FROM/TO/CC/BCC/SUBJECT use this too)
  std::string value;   ///< UTF-8 needle, matched case-insensitively as a substring
  std::int64_t number = 0;  ///< flag bit, days since 1970-01-01, or octets
  UidSet uids;
  std::vector<SearchKey> children;
};

/// One entry of a mailbox's access control list (RFC 4314 §2) as stored: an identifier (an
/// account address in lower case, "anyone", "authenticated", or one of them after "-" for
/// negative rights) and its rights letters. The store keeps both as text and never interprets
/// them (access/rights.h does).
struct AclEntry {
  std::string identifier;
  std::string rights;
  bool operator==(const AclEntry&) const = default;
};

/// A mailbox that an ACL may open to someone other than its owner (MailStore::list_shared).
struct SharedMailbox {
  MailboxInfo info;              ///< counts are not filled in
  AccountId owner = 0;
  std::string owner_address;     ///< "" for a public folder
  std::vector<AclEntry> entries; ///< only the entries whose identifier was asked for
};

/// A domain and how many accounts it has (Directory::list_domains).
struct Domain {
  std::string name;            ///< lower-case, e.g. "example.org"
  std::uint32_t accounts = 0;
};

/// One alias→account pair (Directory::list_aliases).
struct Alias {
  std::string alias;    ///< lower-case, "user" or "name@domain"
  std::string address;  ///< the account's full address
};

/// Quota limits of one account (RFC 9208 §5); an absent value means no limit on that resource.
struct QuotaLimits {
  std::optional<std::uint64_t> storage_kib;  ///< STORAGE: sum of RFC822.SIZE, in units of 1024 octets
  std::optional<std::uint64_t> messages;     ///< MESSAGE: number of messages
  bool operator==(const QuotaLimits&) const = default;
  bool any() const { return storage_kib.has_value() || messages.has_value(); }
};

/// What an account uses: every message in every mailbox it owns (copies count each time).
struct QuotaUsage {
  std::uint64_t storage_octets = 0;  ///< sum of RFC822.SIZE
  std::uint64_t messages = 0;
  /// STORAGE usage as RFC 9208 §5.1 reports it: KiB, rounded up.
  std::uint64_t storage_kib() const { return (storage_octets + 1023) / 1024; }
};

/// An account's quota as MailStore::get_quota reports it.
struct Quota {
  QuotaLimits limits;   ///< in force: the account's own, or the default when own is false
  bool own = false;     ///< the account has limits of its own (set_quota), not the default
  QuotaUsage usage;
};

/// The messages of a mailbox that have \Deleted (RFC 9208 STATUS DELETED, DELETED-STORAGE).
struct DeletedSummary {
  std::uint64_t messages = 0;
  std::uint64_t storage_octets = 0;  ///< sum of their RFC822.SIZE
};

/// An account as the Directory keeps it.
struct Account {
  AccountId id = 0;
  std::string address;        ///< full address, lower-case, user@domain
  std::string password_hash;  ///< "$argon2id$..." or "{SCHEME}..." forms
  /// SCRAM-SHA-256 keys (RFC 5802 §3) as "{SCRAM-SHA-256}i,salt,StoredKey,ServerKey" (base64
  /// fields, auth/scram.h), or "" when the account has none and cannot use SCRAM.
  std::string scram_secret;
};

}  // namespace pillarbox::store
