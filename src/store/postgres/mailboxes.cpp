#include "store/postgres/mailboxes.h"

#include <algorithm>
#include <ctime>
#include <unordered_map>

#include <fmt/format.h>

#include "base/ascii.h"
#include "store/postgres/ops.h"

namespace pillarbox::store::postgres {
namespace {

constexpr std::int64_t kMaxUid = 0xffffffff;

constexpr const char* kInfoSelect =
    "SELECT b.id, b.name, b.uid_validity, b.uid_next, b.highest_modseq, b.message_count,"
    " b.unseen_count, b.first_unclaimed_recent, b.total_size,"
    " EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.account_id = b.account_id AND s.name = b.name),"
    " b.special_use FROM mailboxes AS b";

constexpr const char* kRowSelect =
    "SELECT id, account_id, name, uid_validity, uid_next, highest_modseq FROM mailboxes";

MailboxInfo info_at(const Rows& r, int i) {
  MailboxInfo m;
  m.id = r.int64(i, 0);
  m.name = r.text(i, 1);
  m.uid_validity = static_cast<std::uint32_t>(r.int64(i, 2));
  m.uid_next = static_cast<Uid>(r.int64(i, 3));
  m.highest_modseq = static_cast<ModSeq>(r.int64(i, 4));
  m.messages = static_cast<std::uint32_t>(r.int64(i, 5));
  m.unseen = static_cast<std::uint32_t>(r.int64(i, 6));
  m.first_unclaimed_recent = static_cast<Uid>(r.int64(i, 7));
  m.size = static_cast<std::uint64_t>(r.int64(i, 8));
  m.subscribed = r.text_view(i, 9) == "t";
  m.special_use = r.text(i, 10);
  return m;
}

std::optional<MailboxRow> row_at(const Rows& r) {
  if (r.empty()) return std::nullopt;
  MailboxRow m;
  m.id = r.int64(0, 0);
  m.account = r.int64(0, 1);
  m.name = r.text(0, 2);
  m.uid_validity = static_cast<std::uint32_t>(r.int64(0, 3));
  m.uid_next = static_cast<Uid>(r.int64(0, 4));
  m.highest_modseq = static_cast<ModSeq>(r.int64(0, 5));
  return m;
}

// The name of the account's mailbox that has `special_use`; nullopt when none has it (or
// `special_use` is empty).
std::optional<std::string> special_use_holder(Conn& c, AccountId account, std::string_view special_use) {
  if (special_use.empty()) return std::nullopt;
  Rows r = c.query("SELECT name FROM mailboxes WHERE account_id = $1 AND special_use = $2", {account, special_use});
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

// A UIDVALIDITY above every one handed out before (RFC 3501 §2.3.1.1), the current time when
// that is higher. The counter's row lock makes front ends take turns.
std::uint32_t next_uid_validity(Conn& c) {
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr)) & kMaxUid;
  std::int64_t next = c.query("UPDATE counters SET value = GREATEST($1, value + 1) WHERE name = 'uid_validity'"
                              " RETURNING value",
                              {now})
                          .int64(0, 0);
  if (next > kMaxUid || next <= 0) {  // after 2106
    next = 1;
    c.query("UPDATE counters SET value = 1 WHERE name = 'uid_validity'");
  }
  return static_cast<std::uint32_t>(next);
}

Error no_mailbox() { return make_error(Errc::not_found, "No such mailbox"); }

}  // namespace

std::string PgMailboxes::normalize(AccountId account, std::string_view name) const {
  if (account == public_account_) return std::string(name);
  if (ascii::iequals(name, "INBOX")) return "INBOX";
  return std::string(name);
}

MailboxId PgMailboxes::insert_mailbox(Conn& c, AccountId account, const std::string& name) {
  const std::uint32_t validity = next_uid_validity(c);
  return c.query("INSERT INTO mailboxes (account_id, name, uid_validity) VALUES ($1, $2, $3) RETURNING id",
                 {account, name, validity})
      .int64(0, 0);
}

std::optional<MailboxRow> PgMailboxes::row_by_id(Conn& c, MailboxId id, bool lock) {
  return row_at(c.query(std::string(kRowSelect) + " WHERE id = $1" + (lock ? " FOR UPDATE" : ""), {id}));
}

std::optional<MailboxRow> PgMailboxes::row_by_name(Conn& c, AccountId account, const std::string& name, bool lock) {
  if (!storable_text(name)) return std::nullopt;
  return row_at(c.query(std::string(kRowSelect) + " WHERE account_id = $1 AND name = $2" + (lock ? " FOR UPDATE" : ""),
                        {account, name}));
}

std::optional<MailboxInfo> PgMailboxes::load_info(Conn& c, AccountId account, const std::string& name) {
  if (!storable_text(name)) return std::nullopt;
  Rows r = c.query(std::string(kInfoSelect) + " WHERE b.account_id = $1 AND b.name = $2", {account, name});
  if (r.empty()) return std::nullopt;
  MailboxInfo info = info_at(r, 0);
  Rows k = c.query("SELECT keyword FROM mailbox_keywords WHERE mailbox_id = $1 ORDER BY keyword_key", {info.id});
  for (int i = 0; i < k.size(); ++i) info.keywords.push_back(k.text(i, 0));
  return info;
}

void PgMailboxes::drop_unreferenced_blobs(Conn& c, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return;
  c.query("DELETE FROM blobs AS b WHERE b.id = ANY($1::text[])"
          " AND NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.blob_id = b.id)",
          {text_array(candidates)});
}

Result<std::vector<MailboxInfo>> PgMailboxes::list_mailboxes(AccountId account) {
  // One snapshot for both queries, so keywords belong to the mailboxes listed.
  return transact(pool_, "list_mailboxes", [&](Conn& c) -> Result<std::vector<MailboxInfo>> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    Rows r = c.query(std::string(kInfoSelect) + " WHERE b.account_id = $1 ORDER BY b.name", {account});
    std::vector<MailboxInfo> out;
    std::unordered_map<MailboxId, std::size_t> at;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(info_at(r, i));
      at[out.back().id] = out.size() - 1;
    }
    Rows k = c.query(
        "SELECT k.mailbox_id, k.keyword FROM mailbox_keywords AS k JOIN mailboxes AS b ON k.mailbox_id = b.id"
        " WHERE b.account_id = $1 ORDER BY k.mailbox_id, k.keyword_key",
        {account});
    for (int i = 0; i < k.size(); ++i)
      if (auto it = at.find(k.int64(i, 0)); it != at.end()) out[it->second].keywords.push_back(k.text(i, 1));
    return out;
  });
}

Result<MailboxInfo> PgMailboxes::get_mailbox(AccountId account, std::string_view name) {
  const std::string n = normalize(account, name);
  return transact(pool_, "get_mailbox", [&](Conn& c) -> Result<MailboxInfo> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    auto info = load_info(c, account, n);
    if (!info) return no_mailbox();
    return std::move(*info);
  });
}

Status PgMailboxes::may_create(Conn& c, AccountId account, const std::string& name, std::string_view special_use) {
  // The account's row, locked: creations in one account take turns, so two front ends cannot
  // both find a name (or a special use) free and both take it.
  if (c.query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", {account}).empty())
    return make_error(Errc::not_found, "No such account", std::to_string(account));
  if (row_by_name(c, account, name, false)) return make_error(Errc::already_exists, "Mailbox already exists");
  if (auto holder = special_use_holder(c, account, special_use))
    return make_error(Errc::in_use, fmt::format("{} is already the use of {}", special_use, *holder));
  return {};
}

MailboxInfo PgMailboxes::insert_new(Conn& c, AccountId account, const std::string& name, std::string_view special_use) {
  const MailboxId id = insert_mailbox(c, account, name);
  if (!special_use.empty()) c.query("UPDATE mailboxes SET special_use = $2 WHERE id = $1", {id, special_use});
  return std::move(*load_info(c, account, name));
}

Result<MailboxInfo> PgMailboxes::create_mailbox(AccountId account, std::string_view name, std::string_view special_use) {
  const std::string n = normalize(account, name);
  if (n.empty()) return make_error(Errc::invalid, "Empty mailbox name");
  return transact(pool_, "create_mailbox", [&](Conn& c) -> Result<MailboxInfo> {
    if (Status s = may_create(c, account, n, special_use); !s) return s.error();
    return insert_new(c, account, n, special_use);
  });
}

Result<std::vector<MailboxInfo>> PgMailboxes::create_mailbox_path(AccountId account, std::string_view name,
                                                                  std::string_view special_use) {
  const std::string n = normalize(account, name);
  if (n.empty()) return make_error(Errc::invalid, "Empty mailbox name");
  return transact(pool_, "create_mailbox_path", [&](Conn& c) -> Result<std::vector<MailboxInfo>> {
    // Every check before the first insert, so a refusal leaves nothing behind.
    if (Status s = may_create(c, account, n, special_use); !s) return s.error();
    std::vector<MailboxInfo> made;
    for (std::size_t slash = n.find('/'); slash != std::string::npos; slash = n.find('/', slash + 1)) {
      const std::string superior = normalize(account, n.substr(0, slash));
      if (!row_by_name(c, account, superior, false)) made.push_back(insert_new(c, account, superior, {}));
    }
    made.push_back(insert_new(c, account, n, special_use));
    return made;
  });
}

Status PgMailboxes::delete_mailbox(AccountId account, std::string_view name) {
  const std::string n = normalize(account, name);
  if (n == "INBOX" && account != public_account_) return make_error(Errc::no_perm, "INBOX cannot be deleted");
  return transact(pool_, "delete_mailbox", [&](Conn& c) -> Status {
    auto row = row_by_name(c, account, n, true);
    if (!row) return no_mailbox();
    const MailboxId id = row->id;
    Rows b = c.query("SELECT DISTINCT blob_id FROM messages WHERE mailbox_id = $1", {id});
    std::vector<std::string> blobs;
    for (int i = 0; i < b.size(); ++i) blobs.push_back(b.text(i, 0));
    c.query("DELETE FROM mailboxes WHERE id = $1", {id});  // its rows go with it (ON DELETE CASCADE)
    drop_unreferenced_blobs(c, blobs);
    notify_change(c, id);
    return {};
  });
}

Status PgMailboxes::rename_mailbox(AccountId account, std::string_view from, std::string_view to) {
  const std::string f = normalize(account, from);
  const std::string t = normalize(account, to);
  if (t.empty()) return make_error(Errc::invalid, "Empty mailbox name");
  const bool inbox_rules = account != public_account_;
  return transact(pool_, "rename_mailbox", [&](Conn& c) -> Status {
    if (c.query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", {account}).empty()) return no_mailbox();
    auto src = row_by_name(c, account, f, true);
    if (!src) return no_mailbox();
    if (row_by_name(c, account, t, false)) return make_error(Errc::already_exists, "Mailbox already exists");
    if (f != "INBOX" || !inbox_rules) {
      c.query("UPDATE mailboxes SET name = $2 WHERE id = $1", {src->id, t});
      notify_change(c, src->id);
      return {};
    }
    // RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox with the new name
    // and leaves INBOX empty. The messages get new UIDs 1..n in the new mailbox; for INBOX they
    // are expunged (recorded for VANISHED), and INBOX's uid_next does not move.
    const MailboxId dst = insert_mailbox(c, account, t);
    const ModSeq inbox_modseq = src->highest_modseq + 1;
    const ModSeq dst_modseq = 2;  // a new mailbox starts at 1
    const auto moved = c.query(
                            "INSERT INTO messages (mailbox_id, uid, blob_id, size, internal_date, internal_date_tz,"
                            " system_flags, keywords, modseq, envelope, body_structure, body)"
                            " SELECT $2, ROW_NUMBER() OVER (ORDER BY uid), blob_id, size, internal_date,"
                            " internal_date_tz, system_flags, keywords, $3, envelope, body_structure, body"
                            " FROM messages WHERE mailbox_id = $1",
                            {src->id, dst, dst_modseq})
                           .affected();
    c.query("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT mailbox_id, uid, $2 FROM messages"
            " WHERE mailbox_id = $1 ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq",
            {src->id, inbox_modseq});
    c.query("DELETE FROM private_seen WHERE mailbox_id = $1", {src->id});
    c.query("DELETE FROM messages WHERE mailbox_id = $1", {src->id});
    c.query("INSERT INTO mailbox_keywords (mailbox_id, keyword_key, keyword)"
            " SELECT $2, keyword_key, keyword FROM mailbox_keywords WHERE mailbox_id = $1 ON CONFLICT DO NOTHING",
            {src->id, dst});
    if (moved > 0) {
      // The running totals move with the messages.
      c.query("UPDATE mailboxes AS d SET uid_next = $3, highest_modseq = $4, message_count = s.message_count,"
              " unseen_count = s.unseen_count, total_size = s.total_size"
              " FROM mailboxes AS s WHERE s.id = $1 AND d.id = $2",
              {src->id, dst, static_cast<std::int64_t>(moved) + 1, dst_modseq});
      c.query("UPDATE mailboxes SET highest_modseq = $2, message_count = 0, unseen_count = 0, total_size = 0"
              " WHERE id = $1",
              {src->id, inbox_modseq});
    }
    notify_change(c, src->id);
    notify_change(c, dst);
    return {};
  });
}

Status PgMailboxes::set_subscribed(AccountId account, std::string_view name, bool subscribed) {
  const std::string n = normalize(account, name);
  return transact(pool_, "set_subscribed", [&](Conn& c) -> Status {
    if (subscribed) {
      if (c.query("SELECT 1 FROM accounts WHERE id = $1", {account}).empty())
        return make_error(Errc::not_found, "No such account", std::to_string(account));
      c.query("INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", {account, n});
    } else {
      c.query("DELETE FROM subscriptions WHERE account_id = $1 AND name = $2", {account, n});
    }
    return {};
  });
}

Status PgMailboxes::set_special_use(MailboxId mailbox, std::string_view special_use) {
  return transact(pool_, "set_special_use", [&](Conn& c) -> Status {
    auto row = row_by_id(c, mailbox, false);
    if (!row) return no_mailbox();
    if (c.query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", {row->account}).empty()) return no_mailbox();
    if (auto holder = special_use_holder(c, row->account, special_use); holder && *holder != row->name)
      return make_error(Errc::in_use, fmt::format("{} is already the use of {}", special_use, *holder));
    c.query("UPDATE mailboxes SET special_use = $2 WHERE id = $1", {mailbox, special_use});
    return {};
  });
}

Result<std::vector<std::string>> PgMailboxes::list_subscriptions(AccountId account) {
  return read(pool_, "list_subscriptions", [&](Conn& c) -> Result<std::vector<std::string>> {
    Rows r = c.query("SELECT name FROM subscriptions WHERE account_id = $1 ORDER BY name", {account});
    std::vector<std::string> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(r.text(i, 0));
    return out;
  });
}

}  // namespace pillarbox::store::postgres
