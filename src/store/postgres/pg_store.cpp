// PgStore: the MailStore of the PostgreSQL store, put together from its parts (one file each:
// directory, mailboxes, messages, updates, copy_move, sharing, quota, search) plus change
// delivery between front ends and the consistency check.
#include "store/postgres/pg_store.h"

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <thread>

#include "base/log.h"
#include "store/change_bus.h"
#include "store/header_cache.h"
#include "store/postgres/copy_move.h"
#include "store/postgres/directory.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/ops.h"
#include "store/postgres/quota.h"
#include "store/postgres/schema.h"
#include "store/postgres/search.h"
#include "store/postgres/sharing.h"
#include "store/postgres/updates.h"

namespace pillarbox::store {
namespace {

using namespace postgres;

constexpr std::uint64_t kDefaultHeaderCache = 64ull << 20;

class PgStore final : public MailStore {
 public:
  using MailStore::create_mailbox;

  PgStore(const PostgresOptions& options, AccountId public_account)
      : pool_(options.url, options.pool_size),
        headers_(kDefaultHeaderCache),
        public_account_(public_account),
        quota_(pool_),
        directory_(pool_, [](Conn& c, AccountId id) { PgMailboxes::insert_mailbox(c, id, "INBOX"); }),
        mailboxes_(pool_, public_account),
        messages_(pool_, headers_, quota_check()),
        updates_(pool_),
        copy_move_(pool_, quota_check()),
        sharing_(pool_),
        search_(pool_, headers_) {
    // This front end's own changes reach its sessions right after the commit (as on SQLite);
    // the listener hears the other front ends'.
    pool_.set_local_notify([this](const std::string&, const std::string& payload) { publish(payload); });
    listener_ = std::jthread([this](std::stop_token stop) { listen(stop); });
  }

  ~PgStore() override {
    listener_.request_stop();
    if (listener_.joinable()) listener_.join();
  }

  Directory& directory() override { return directory_; }

  Result<std::vector<MailboxInfo>> list_mailboxes(AccountId a) override { return mailboxes_.list_mailboxes(a); }
  Result<MailboxInfo> get_mailbox(AccountId a, std::string_view n) override { return mailboxes_.get_mailbox(a, n); }
  Result<MailboxInfo> create_mailbox(AccountId a, std::string_view n, std::string_view use) override {
    return mailboxes_.create_mailbox(a, n, use);
  }
  Result<std::vector<MailboxInfo>> create_mailbox_path(AccountId a, std::string_view n, std::string_view use) override {
    return mailboxes_.create_mailbox_path(a, n, use);
  }
  Status delete_mailbox(AccountId a, std::string_view n) override { return mailboxes_.delete_mailbox(a, n); }
  Status rename_mailbox(AccountId a, std::string_view f, std::string_view t) override {
    return mailboxes_.rename_mailbox(a, f, t);
  }
  Status set_subscribed(AccountId a, std::string_view n, bool s) override { return mailboxes_.set_subscribed(a, n, s); }
  Status set_special_use(MailboxId m, std::string_view use) override { return mailboxes_.set_special_use(m, use); }
  Result<std::vector<std::string>> list_subscriptions(AccountId a) override { return mailboxes_.list_subscriptions(a); }

  Result<std::vector<MessageMeta>> list_messages(MailboxId m) override { return messages_.list_messages(m); }
  Result<MailboxUids> list_uids(MailboxId m) override { return messages_.list_uids(m); }
  Result<Uid> claim_recent(MailboxId m) override { return messages_.claim_recent(m); }
  Result<AppendResult> append(MailboxId m, std::vector<AppendRequest> r) override {
    return messages_.append(m, std::move(r));
  }
  Result<std::vector<FetchedMessage>> fetch(MailboxId m, const UidSet& u, FetchNeeds n) override {
    return messages_.fetch(m, u, n);
  }
  Result<StoreResult> store_flags(MailboxId m, const UidSet& u, StoreMode mode, const Flags& f, const FlagMask& mask,
                                  std::optional<ModSeq> since) override {
    return updates_.store_flags(m, u, mode, f, mask, since);
  }
  Result<CopyResult> copy(MailboxId from, const UidSet& u, MailboxId to, const FlagMask& mask) override {
    return copy_move_.copy(from, u, to, mask);
  }
  Result<MoveResult> move(MailboxId from, const UidSet& u, MailboxId to, const FlagMask& mask) override {
    return copy_move_.move(from, u, to, mask);
  }
  Result<std::vector<Uid>> expunge(MailboxId m, const std::optional<UidSet>& only) override {
    return updates_.expunge(m, only);
  }
  Result<std::vector<Uid>> expunge_uids(MailboxId m, const UidSet& u) override { return updates_.expunge_uids(m, u); }
  Result<UidSet> search(MailboxId m, const SearchKey& p) override { return search_.search(m, p); }
  Result<Changes> changes_since(MailboxId m, ModSeq s) override { return updates_.changes_since(m, s); }

  AccountId public_account() override { return public_account_; }
  Result<std::vector<AclEntry>> get_acl(MailboxId m) override { return sharing_.get_acl(m); }
  Status set_acl(MailboxId m, std::string_view id, std::string_view r) override { return sharing_.set_acl(m, id, r); }
  Status delete_acl(MailboxId m, std::string_view id) override { return sharing_.delete_acl(m, id); }
  Result<std::vector<SharedMailbox>> list_shared(AccountId v, const std::vector<std::string>& ids) override {
    return sharing_.list_shared(v, ids);
  }
  Result<UidSet> private_seen(MailboxId m, AccountId r) override { return sharing_.private_seen(m, r); }
  Result<StoreResult> set_private_seen(MailboxId m, AccountId r, const UidSet& u, bool seen) override {
    return sharing_.set_private_seen(m, r, u, seen);
  }
  Status set_mailbox_address(MailboxId m, std::string_view a) override { return sharing_.set_mailbox_address(m, a); }
  Result<std::pair<AccountId, MailboxInfo>> find_mailbox_address(std::string_view a) override {
    return sharing_.find_mailbox_address(a);
  }
  Result<std::string> mailbox_address(MailboxId m) override { return sharing_.mailbox_address(m); }

  void set_header_cache_limit(std::uint64_t bytes) override { headers_.set_limit(bytes); }
  // The SQLite store's full-text index and inline messages have no counterpart here: every
  // message is a row, and SEARCH TEXT/BODY read the rows (search.h).
  void set_text_index_backlog(std::uint64_t) override {}
  void set_inline_max_octets(std::uint64_t) override {}
  bool hears_every_change() const override { return true; }
  void start_text_indexing() override {}
  Result<std::uint64_t> rebuild_text_index(bool) override { return std::uint64_t{0}; }

  void set_default_quota(const QuotaLimits& limits) override { quota_.set_default(limits); }
  Result<Quota> get_quota(AccountId a) override { return quota_.get(a); }
  Status set_quota(AccountId a, const std::optional<QuotaLimits>& l) override { return quota_.set(a, l); }
  Result<DeletedSummary> deleted_summary(MailboxId m) override { return messages_.deleted_summary(m); }

  Result<StoreCheck> check_store() override;

  std::unique_ptr<Subscription> subscribe(MailboxId m, ChangeListener l) override {
    return bus_.subscribe(m, std::move(l));
  }
  // `pillarbox deliver` and the admin commands write through their own connections, whose
  // NOTIFY already reached every front end; this sends one more for callers that changed the
  // database some other way.
  void announce_change(MailboxId m) override {
    Status s = transact(pool_, "announce_change", [&](Conn& c) -> Status {
      notify_change(c, m);
      return {};
    });
    if (!s) bus_.publish(m);  // at least this front end's sessions
  }

 private:
  PgMessages::QuotaCheck quota_check() {
    return [this](Conn& c, AccountId a, std::uint64_t octets, std::uint64_t n) { return quota_.check(c, a, octets, n); };
  }

  // Wakes the sessions of the mailbox whose id is `payload` (decimal).
  void publish(const std::string& payload) {
    MailboxId id = 0;
    const auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (ec == std::errc() && end == payload.data() + payload.size()) bus_.publish(id);
  }

  // The LISTEN connection: each NOTIFY of pillarbox_changes from another front end (or another
  // process: `pillarbox deliver`, admin commands) wakes the sessions of that mailbox. When the connection is lost it is opened
  // again, and since changes made meanwhile were not heard, every mailbox with listeners is
  // woken once it is back, so each session catches up (CONDSTORE: changes_since).
  void listen(std::stop_token stop) {
    bool lost = false;
    auto delay = std::chrono::milliseconds(100);
    while (!stop.stop_requested()) {
      try {
        auto c = Conn::open(pool_.url());
        c->listen(kChangeChannel);
        if (lost) {
          log::info("postgresql store: change notifications are back");
          bus_.publish_all();
        }
        lost = false;
        delay = std::chrono::milliseconds(100);
        while (!stop.stop_requested()) {
          for (const auto& n : c->wait_notifications(std::chrono::milliseconds(200)))
            if (!pool_.owns_backend(n.backend_pid)) publish(n.payload);
        }
      } catch (const PgError& e) {
        if (!lost) log::warn("postgresql store: change notifications stopped: {}", e.what());
        lost = true;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
      }
    }
  }

  Pool pool_;
  HeaderCache headers_;
  ChangeBus bus_;
  const AccountId public_account_;
  PgQuota quota_;
  PgDirectory directory_;
  PgMailboxes mailboxes_;
  PgMessages messages_;
  PgUpdates updates_;
  PgCopyMove copy_move_;
  PgSharing sharing_;
  PgSearch search_;
  std::jthread listener_;
};

Result<MailStore::StoreCheck> PgStore::check_store() {
  return transact(pool_, "check_store", [&](Conn& c) -> Result<StoreCheck> {
    // One snapshot for every check that compares rows with rows.
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    StoreCheck out;
    // Nothing on this store is written outside a transaction, so there is no file to find
    // without its row; blobs without a message (none should exist) are removed below.
    out.exclusive = true;
    out.mailboxes = static_cast<std::uint64_t>(c.query("SELECT count(*) FROM mailboxes").int64(0, 0));
    out.messages = static_cast<std::uint64_t>(c.query("SELECT count(*) FROM messages").int64(0, 0));
    auto report = [&](const std::string& sql, const char* what) {
      Rows r = c.query(sql + " LIMIT 21");
      for (int i = 0; i < r.size() && i < 20; ++i)
        out.problems.push_back(fmt::format("mailbox {} uid {}: {}", r.int64(i, 0), r.int64(i, 1), what));
      if (r.size() > 20) out.problems.push_back(fmt::format("... and more: {}", what));
    };
    // RFC 9051 §2.3.1.1: UIDs only grow, so UIDNEXT is above every UID the mailbox ever gave.
    report("SELECT m.mailbox_id, m.uid FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE m.uid >= b.uid_next",
           "UID not below UIDNEXT");
    report("SELECT e.mailbox_id, e.uid FROM expunged e JOIN mailboxes b ON b.id = e.mailbox_id WHERE e.uid >= b.uid_next",
           "expunged UID not below UIDNEXT");
    // RFC 7162 §3.1.1: HIGHESTMODSEQ is at least every message's MODSEQ.
    report("SELECT m.mailbox_id, m.uid FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id"
           " WHERE m.modseq > b.highest_modseq",
           "MODSEQ above HIGHESTMODSEQ");
    Rows counts = c.query(fmt::format(
        "SELECT b.id, b.message_count, b.unseen_count, b.total_size, count(m.uid),"
        " coalesce(sum(CASE WHEN (m.system_flags & {0}) = 0 THEN 1 ELSE 0 END), 0), coalesce(sum(m.size), 0)"
        " FROM mailboxes b LEFT JOIN messages m ON m.mailbox_id = b.id GROUP BY b.id"
        " HAVING b.message_count <> count(m.uid)"
        " OR b.unseen_count <> coalesce(sum(CASE WHEN (m.system_flags & {0}) = 0 THEN 1 ELSE 0 END), 0)"
        " OR b.total_size <> coalesce(sum(m.size), 0)",
        kSeen));
    for (int i = 0; i < counts.size(); ++i)
      out.problems.push_back(fmt::format("mailbox {}: counts say {} messages, {} unseen, {} octets; its messages are {}, {}, {}",
                                         counts.int64(i, 0), counts.int64(i, 1), counts.int64(i, 2), counts.int64(i, 3),
                                         counts.int64(i, 4), counts.int64(i, 5), counts.int64(i, 6)));
    out.orphan_files_removed =
        c.query("DELETE FROM blobs AS f WHERE NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.blob_id = f.id)").affected();
    return out;
  });
}

}  // namespace

Result<std::unique_ptr<MailStore>> open_postgres_store(const PostgresOptions& options) {
  try {
    auto c = Conn::open(options.url);
    migrate(*c);
    const AccountId public_account = c->query("SELECT id FROM accounts WHERE kind = 1").int64(0, 0);
    return std::unique_ptr<MailStore>(std::make_unique<PgStore>(options, public_account));
  } catch (const PgError& e) {
    if (e.connection_lost())
      return make_error(Errc::unavailable, std::string("Cannot reach the PostgreSQL store: ") + e.what(), e.what());
    return make_error(Errc::io, std::string("Cannot open the PostgreSQL store: ") + e.what(), e.what());
  }
}

}  // namespace pillarbox::store
