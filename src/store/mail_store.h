// The storage interface (DESIGN §5). Every call is blocking and thread-safe; the session layer
// runs them on the store's own threads (session/store_call.h) so no I/O thread ever waits on
// disk. A write returns only after its transaction is durably committed (fsync'd WAL and
// message file), which is how "answered OK survives a crash" holds without the protocol layer
// knowing how.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/types.h"

namespace pillarbox::store {

/// Accounts and their credentials. Addresses are compared case-insensitively.
class Directory {
 public:
  virtual ~Directory() = default;
  /// Creates an account with an INBOX. Errc::already_exists if the address is taken.
  virtual Result<AccountId> add_account(std::string_view address, std::string_view password_hash) = 0;
  /// Removes an account and all its mailboxes and messages. Errc::not_found if absent.
  virtual Status delete_account(std::string_view address) = 0;
  /// Replaces the password hash and clears the SCRAM secret, whose keys came from the old
  /// password (call set_scram_secret after it with keys of the new one). Errc::not_found.
  virtual Status set_password_hash(std::string_view address, std::string_view password_hash) = 0;
  /// Stores the account's SCRAM-SHA-256 secret ("{SCRAM-SHA-256}i,salt,StoredKey,ServerKey",
  /// auth/scram.h; "" removes it). The store keeps it as text and never interprets it.
  /// Errc::not_found if the account is absent.
  virtual Status set_scram_secret(std::string_view address, std::string_view secret) = 0;
  /// Looks an account up by full address (case-insensitive). Errc::not_found if absent.
  virtual Result<Account> find_account(std::string_view address) = 0;
  /// Every account, ordered by address.
  virtual Result<std::vector<Account>> list_accounts() = 0;

  // --- Domains (SPEC "Accounts and login names") ----------------------------------------------
  /// Adds a domain (lower-cased). add_account adds its account's domain when missing.
  /// Errc::already_exists, Errc::invalid if empty.
  virtual Status add_domain(std::string_view domain) = 0;
  /// Removes a domain that has no accounts. Errc::not_found; Errc::in_use while accounts remain.
  virtual Status delete_domain(std::string_view domain) = 0;
  /// Every domain with its number of accounts, ordered by name.
  virtual Result<std::vector<Domain>> list_domains() = 0;

  // --- Aliases (SPEC "Accounts and login names") ----------------------------------------------
  /// Maps `alias` (lower-cased; a bare name such as "user" or an address such as
  /// "sales@example.org") to the account at `address`. One alias may map to several accounts
  /// (mail to it reaches each; as a login name it is then ambiguous). Errc::not_found if the
  /// account is absent, Errc::already_exists if the pair exists or `alias` is an account's
  /// address, Errc::invalid if empty.
  virtual Status add_alias(std::string_view alias, std::string_view address) = 0;
  /// Removes one alias→account pair. Errc::not_found if absent.
  virtual Status delete_alias(std::string_view alias, std::string_view address) = 0;
  /// The accounts `alias` maps to (case-insensitive), ordered by address; empty if none.
  virtual Result<std::vector<Account>> resolve_alias(std::string_view alias) = 0;
  /// Every alias→account pair, ordered by alias then address.
  virtual Result<std::vector<Alias>> list_aliases() = 0;
};

/// Called (on a store thread) after a committed change to the mailbox; must not block.
using ChangeListener = std::function<void()>;

/// Keeps a ChangeBus subscription alive; unsubscribes when destroyed.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

/// Mailboxes and messages of accounts. Mailbox names are full '/'-delimited names; "INBOX" is
/// matched case-insensitively (RFC 3501 §5.1) and stored as "INBOX".
class MailStore {
 public:
  virtual ~MailStore() = default;

  virtual Directory& directory() = 0;

  // --- Mailboxes ---------------------------------------------------------------------------
  /// All mailboxes of an account, ordered by name; counts are filled in.
  virtual Result<std::vector<MailboxInfo>> list_mailboxes(AccountId account) = 0;
  /// One mailbox with current counts. Errc::not_found if absent.
  virtual Result<MailboxInfo> get_mailbox(AccountId account, std::string_view name) = 0;
  /// Creates a mailbox with a new UIDVALIDITY. Errc::already_exists if present.
  Result<MailboxInfo> create_mailbox(AccountId account, std::string_view name) {
    return create_mailbox(account, name, {});
  }
  /// As above, with a special-use attribute (RFC 6154, e.g. \Sent; "" for none) set in the
  /// same transaction. Errc::in_use when another mailbox of the account has that attribute
  /// (the store keeps each at most once per account).
  virtual Result<MailboxInfo> create_mailbox(AccountId account, std::string_view name, std::string_view special_use) = 0;
  /// Creates `name` with `special_use` ("" for none) and, before it, each missing superior
  /// ("a" and "a/b" for "a/b/c", without a use), all in one transaction: RFC 3501 §6.3.3 CREATE
  /// of a name whose superiors are missing, where RFC 6154 §3 asks that a CREATE failing on its
  /// use creates nothing. Returns the mailboxes made, superiors first and `name` last.
  /// Errc::already_exists when `name` exists, Errc::in_use when another mailbox of the account
  /// has `special_use`, Errc::not_found for a missing account; then nothing is created.
  virtual Result<std::vector<MailboxInfo>> create_mailbox_path(AccountId account, std::string_view name,
                                                               std::string_view special_use) = 0;
  /// Deletes a mailbox and its messages. Errc::not_found; Errc::no_perm for INBOX.
  virtual Status delete_mailbox(AccountId account, std::string_view name) = 0;
  /// Renames one mailbox (not its children: the IMAP layer renames each). Renaming INBOX
  /// moves its messages to a new mailbox `to` and leaves INBOX empty (RFC 3501 §6.3.5).
  /// Errc::not_found, Errc::already_exists.
  virtual Status rename_mailbox(AccountId account, std::string_view from, std::string_view to) = 0;
  /// Sets or clears the subscription of a name (which need not exist, RFC 3501 §6.3.6).
  virtual Status set_subscribed(AccountId account, std::string_view name, bool subscribed) = 0;
  /// Sets a mailbox's special-use attribute (RFC 6154; "" clears it). Errc::not_found if the
  /// mailbox is gone, Errc::in_use when another mailbox of its account has the attribute.
  virtual Status set_special_use(MailboxId mailbox, std::string_view special_use) = 0;
  /// Subscribed names, ordered.
  virtual Result<std::vector<std::string>> list_subscriptions(AccountId account) = 0;

  // --- Messages -----------------------------------------------------------------------------
  /// Metadata of every message, ascending by UID.
  virtual Result<std::vector<MessageMeta>> list_messages(MailboxId mailbox) = 0;
  /// Every UID with its MODSEQ, and the first UID without \Seen, from one snapshot: what
  /// SELECT builds its view from (RFC 3501 §6.3.1 EXISTS and UNSEEN). Errc::not_found if the
  /// mailbox is gone.
  virtual Result<MailboxUids> list_uids(MailboxId mailbox) = 0;
  /// Claims the \Recent messages for one session: returns the first UID claimed; every UID
  /// from it up to uid_next-1 is now \Recent for the caller and for nobody else.
  virtual Result<Uid> claim_recent(MailboxId mailbox) = 0;
  /// Appends messages atomically (all or none). Errc::not_found if the mailbox is gone;
  /// Errc::over_quota when the mailbox owner's usage would pass a quota limit (checked in the
  /// same transaction as the insert, so concurrent appends cannot together pass it).
  virtual Result<AppendResult> append(MailboxId mailbox, std::vector<AppendRequest> messages) = 0;
  /// Fetches existing messages of `uids`, ascending by UID; absent UIDs are skipped.
  virtual Result<std::vector<FetchedMessage>> fetch(MailboxId mailbox, const UidSet& uids,
                                                    FetchNeeds needs) = 0;
  /// Changes flags; each changed message gets a new MODSEQ. With unchanged_since, messages
  /// whose modseq is greater are left alone and reported in not_modified (RFC 7162 §3.1.3).
  Result<StoreResult> store_flags(MailboxId mailbox, const UidSet& uids, StoreMode mode, const Flags& flags,
                                  std::optional<ModSeq> unchanged_since = std::nullopt) {
    return store_flags(mailbox, uids, mode, flags, FlagMask{}, unchanged_since);
  }
  /// As above, changing only the flags in `mask` (RFC 4314 §4 rights s, t, w).
  virtual Result<StoreResult> store_flags(MailboxId mailbox, const UidSet& uids, StoreMode mode,
                                          const Flags& flags, const FlagMask& mask,
                                          std::optional<ModSeq> unchanged_since) = 0;
  /// Copies messages (flags kept, new UIDs in the target). Errc::not_found for the target.
  Result<CopyResult> copy(MailboxId from, const UidSet& uids, MailboxId to) {
    return copy(from, uids, to, FlagMask{});
  }
  /// As above; flags outside `mask` are not set on the copies (RFC 4314 §4: the rights the
  /// caller has on the target). Errc::over_quota when the copies would take the target
  /// owner's usage past a quota limit (copies count in full, as in RFC 9208 §5.1).
  virtual Result<CopyResult> copy(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) = 0;
  /// Moves messages (RFC 6851): copies the existing messages of `uids` as copy() does (same
  /// `mask`, same checks) and removes the originals whatever their flags, in one transaction,
  /// so either both happen or neither. Absent UIDs are skipped (nothing moved: empty result).
  /// `from` == `to` is allowed: the messages get new UIDs at the end. Errc::not_found when a
  /// mailbox is gone.
  virtual Result<MoveResult> move(MailboxId from, const UidSet& uids, MailboxId to, const FlagMask& mask) = 0;
  /// Removes messages that have \Deleted, restricted to `only` when given (UID EXPUNGE).
  /// Returns the expunged UIDs ascending.
  virtual Result<std::vector<Uid>> expunge(MailboxId mailbox, const std::optional<UidSet>& only) = 0;
  /// Removes exactly the messages in `uids` whatever their flags (POP3 UPDATE state, RFC 1939
  /// §6), in one transaction. Returns the expunged UIDs ascending (absent UIDs are skipped).
  virtual Result<std::vector<Uid>> expunge_uids(MailboxId mailbox, const UidSet& uids) = 0;
  /// UIDs of messages matching `program`.
  virtual Result<UidSet> search(MailboxId mailbox, const SearchKey& program) = 0;
  /// Everything that changed after `since` (RFC 7162 CHANGEDSINCE/VANISHED as well as plain
  /// untagged EXISTS/FETCH/EXPUNGE).
  virtual Result<Changes> changes_since(MailboxId mailbox, ModSeq since) = 0;

  // --- Shared and public mailboxes (RFC 4314; SPEC "Namespaces, shared and public folders") --
  /// The account that owns the public folders. It has no password, never logs in, and the
  /// Directory never returns it.
  virtual AccountId public_account() = 0;
  /// The mailbox's ACL ordered by identifier. Errc::not_found if the mailbox is gone.
  virtual Result<std::vector<AclEntry>> get_acl(MailboxId mailbox) = 0;
  /// Sets one identifier's rights text, replacing what it had. Errc::not_found if the mailbox is
  /// gone; Errc::invalid for an empty identifier.
  virtual Status set_acl(MailboxId mailbox, std::string_view identifier, std::string_view rights) = 0;
  /// Removes one identifier's entry. Errc::not_found if the mailbox or the entry is absent.
  virtual Status delete_acl(MailboxId mailbox, std::string_view identifier) = 0;
  /// Every mailbox not owned by `viewer` whose ACL has an entry for one of `identifiers`
  /// (compared case-insensitively), with those entries; ordered by owner then name. The
  /// caller works out the rights (access/rights.h).
  virtual Result<std::vector<SharedMailbox>> list_shared(AccountId viewer,
                                                         const std::vector<std::string>& identifiers) = 0;
  /// The UIDs `reader` has seen in `mailbox` when \Seen is private to each reader (a mailbox
  /// read by someone other than its owner, or a public folder). Errc::not_found.
  virtual Result<UidSet> private_seen(MailboxId mailbox, AccountId reader) = 0;
  /// Sets or clears `reader`'s private \Seen on the existing messages of `uids`. Messages whose
  /// state changed get a new MODSEQ (so every session of the reader hears of it; others see an
  /// unchanged FETCH FLAGS) and are returned in `updated`, ascending, with their shared flags
  /// and new MODSEQ. Errc::not_found.
  virtual Result<StoreResult> set_private_seen(MailboxId mailbox, AccountId reader, const UidSet& uids,
                                               bool seen) = 0;
  /// Gives a mailbox an address for delivery ("" removes it). Errc::already_exists when an
  /// account, an alias or another mailbox has it; Errc::not_found if the mailbox is gone.
  virtual Status set_mailbox_address(MailboxId mailbox, std::string_view address) = 0;
  /// The mailbox with delivery address `address` (case-insensitive) and its owner.
  /// Errc::not_found when none has it.
  virtual Result<std::pair<AccountId, MailboxInfo>> find_mailbox_address(std::string_view address) = 0;
  /// The delivery address of a mailbox, "" when it has none.
  virtual Result<std::string> mailbox_address(MailboxId mailbox) = 0;

  /// How many bytes of message header blocks the store may keep in memory for SEARCH on header
  /// keys and FETCH of header sections (config [store] header_cache_mib); 0 keeps none.
  virtual void set_header_cache_limit(std::uint64_t bytes) = 0;
  /// How many message files may wait for the full-text index before the indexer works while
  /// clients write (config [store] text_index_backlog, default 2,000); below it, it waits for
  /// a quiet moment, and SEARCH TEXT/BODY read the waiting files themselves. 0: at once.
  virtual void set_text_index_backlog(std::uint64_t files) = 0;
  /// Messages up to this many octets are kept in the database, written by the same group
  /// commit as their metadata, instead of in a file of their own that needs two fsyncs (file
  /// and directory) per APPEND (config [store] inline_max_octets, default 65,536); 0: files
  /// for all. Applies to messages stored from then on; either kind is read the same way.
  virtual void set_inline_max_octets(std::uint64_t octets) = 0;

  // --- Quota (RFC 9208; docs/configuration.md "Quota") ----------------------------------------
  /// Limits for accounts without their own (config [quota]); none until called. Not applied to
  /// the public folders' owner (public_account), which has only limits of its own.
  virtual void set_default_quota(const QuotaLimits& limits) = 0;
  /// An account's limits in force and its usage, summed over its mailboxes' running totals in
  /// one snapshot. Errc::not_found if the account is absent.
  virtual Result<Quota> get_quota(AccountId account) = 0;
  /// Gives an account limits of its own (an empty QuotaLimits: no limit at all), or with
  /// nullopt makes it follow the default again. Usage may exceed new limits: only growth is
  /// refused. Errc::not_found if the account is absent.
  virtual Status set_quota(AccountId account, const std::optional<QuotaLimits>& limits) = 0;
  /// Count and size of the messages with \Deleted in a mailbox. Errc::not_found.
  virtual Result<DeletedSummary> deleted_summary(MailboxId mailbox) = 0;

  // --- Full-text index (SEARCH TEXT and BODY; docs/configuration.md "Full-text search") -----
  /// Starts indexing, on a thread of the store's own, every message file not in the full-text
  /// index: at once, then after each append and announce_change, until the store is closed.
  /// Appends do not wait for it; until a file is indexed, search reads the file instead, so
  /// answers never depend on it. `pillarbox serve` calls it; admin commands leave the work to
  /// the server (or to rebuild_text_index).
  virtual void start_text_indexing() = 0;
  /// Indexes the search text of message files: with `from_scratch` the index is emptied first
  /// and every file read again, otherwise only files not in it yet (stored before the index
  /// existed). Works in batches of short write transactions, so a running server goes on
  /// meanwhile (its searches read unindexed files as before). A file that cannot be read is
  /// left out and logged. Returns the number of files indexed.
  virtual Result<std::uint64_t> rebuild_text_index(bool from_scratch) = 0;

  // --- Consistency (`pillarbox check --store`) --------------------------------------------------
  /// What check_store() found.
  struct StoreCheck {
    /// No other process (server, `pillarbox deliver`, import) had the store open, so message
    /// files of any age were examined; otherwise files younger than 10 minutes were left, as
    /// they may belong to an APPEND on its way to its commit.
    bool exclusive = false;
    std::uint64_t mailboxes = 0;              ///< mailboxes checked
    std::uint64_t messages = 0;               ///< messages checked (rows, COPY sharing a file counts each)
    std::uint64_t orphan_files_removed = 0;   ///< message files no row refers to, now deleted
    std::vector<std::string> problems;        ///< one line each; empty when all is well
  };
  /// The cleanup pass after a crash, and a check of what must always hold: both database files
  /// pass SQLite's integrity check; every message's bytes are present (row or file); every UID
  /// is below its mailbox's UIDNEXT (expunged ones too, so none is handed out again) and every
  /// MODSEQ at most its HIGHESTMODSEQ; each mailbox's message count, unseen count and size match
  /// its messages; no file record lacks a message. Message files no row refers to (an APPEND or
  /// an expunge cut short) are deleted. Changes nothing else. Errc::io when the database cannot
  /// be read.
  virtual Result<StoreCheck> check_store() = 0;

  // --- Change notification -------------------------------------------------------------------
  /// Calls `listener` after each committed change to `mailbox` until the subscription dies.
  virtual std::unique_ptr<Subscription> subscribe(MailboxId mailbox, ChangeListener listener) = 0;
  /// Calls the listeners of `mailbox` as a committed change does: for a change another process
  /// made in the same store (`pillarbox deliver`, which then tells the server over the admin
  /// socket), so sessions in IDLE hear of it at once. Listeners read the change themselves.
  virtual void announce_change(MailboxId mailbox) = 0;
  /// True when subscribe() hears of every committed change, whoever made it (PostgreSQL: each
  /// write NOTIFYs inside its transaction), so NOOP and CHECK may read the mailbox again less
  /// often. False for SQLite, where another process's writes are heard only when it announces
  /// them, so every NOOP and CHECK reads the mailbox again (RFC 3501 §6.1.2).
  virtual bool hears_every_change() const { return false; }
};

/// Opens the store configured for `data_dir` (SQLite database and message files beneath it),
/// creating it if absent. Errors name the path and the problem.
Result<std::unique_ptr<MailStore>> open_sqlite_store(const std::string& data_dir);

}  // namespace pillarbox::store
