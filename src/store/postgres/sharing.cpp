#include "store/postgres/sharing.h"

#include "base/ascii.h"
#include "store/postgres/mailboxes.h"
#include "store/postgres/messages.h"
#include "store/postgres/ops.h"

namespace pillarbox::store::postgres {
namespace {

Error no_mailbox() { return make_error(Errc::not_found, "No such mailbox"); }

bool mailbox_exists(Conn& c, MailboxId id) { return !c.query("SELECT 1 FROM mailboxes WHERE id = $1", {id}).empty(); }

std::string uid_array(const std::vector<MessageMeta>& metas) {
  std::string out = "{";
  for (std::size_t i = 0; i < metas.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(metas[i].uid);
  }
  return out + "}";
}

}  // namespace

Result<std::vector<AclEntry>> PgSharing::get_acl(MailboxId mailbox) {
  return transact(pool_, "get_acl", [&](Conn& c) -> Result<std::vector<AclEntry>> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    Rows r = c.query("SELECT identifier, rights FROM acl WHERE mailbox_id = $1 ORDER BY identifier", {mailbox});
    std::vector<AclEntry> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(AclEntry{r.text(i, 0), r.text(i, 1)});
    return out;
  });
}

Status PgSharing::set_acl(MailboxId mailbox, std::string_view identifier, std::string_view rights) {
  const std::string id = ascii::lower(identifier);
  if (id.empty()) return make_error(Errc::invalid, "Empty identifier");
  return transact(pool_, "set_acl", [&](Conn& c) -> Status {
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    c.query("INSERT INTO acl (mailbox_id, identifier, rights) VALUES ($1, $2, $3)"
            " ON CONFLICT (mailbox_id, identifier) DO UPDATE SET rights = excluded.rights",
            {mailbox, id, rights});
    return {};
  });
}

Status PgSharing::delete_acl(MailboxId mailbox, std::string_view identifier) {
  const std::string id = ascii::lower(identifier);
  return transact(pool_, "delete_acl", [&](Conn& c) -> Status {
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    if (c.query("DELETE FROM acl WHERE mailbox_id = $1 AND identifier = $2", {mailbox, id}).affected() == 0)
      return make_error(Errc::not_found, "No such ACL entry", id);
    return {};
  });
}

Result<std::vector<SharedMailbox>> PgSharing::list_shared(AccountId viewer,
                                                          const std::vector<std::string>& identifiers) {
  std::vector<std::string> wanted;
  for (const auto& id : identifiers) wanted.push_back(ascii::lower(id));
  return read(pool_, "list_shared", [&](Conn& c) -> Result<std::vector<SharedMailbox>> {
    Rows r = c.query(
        "SELECT b.id, b.name, b.uid_validity, b.uid_next, b.highest_modseq, b.account_id,"
        " CASE WHEN a.kind = 0 THEN a.address ELSE '' END, l.identifier, l.rights"
        " FROM acl AS l JOIN mailboxes AS b ON b.id = l.mailbox_id JOIN accounts AS a ON a.id = b.account_id"
        " WHERE l.identifier = ANY($2::text[]) AND b.account_id <> $1"
        " ORDER BY a.kind DESC, a.address, b.name, l.identifier",
        {viewer, text_array(wanted)});
    std::vector<SharedMailbox> out;
    for (int i = 0; i < r.size(); ++i) {
      if (out.empty() || out.back().info.id != r.int64(i, 0)) {
        SharedMailbox m;
        m.info.id = r.int64(i, 0);
        m.info.name = r.text(i, 1);
        m.info.uid_validity = static_cast<std::uint32_t>(r.int64(i, 2));
        m.info.uid_next = static_cast<Uid>(r.int64(i, 3));
        m.info.highest_modseq = static_cast<ModSeq>(r.int64(i, 4));
        m.owner = r.int64(i, 5);
        m.owner_address = r.text(i, 6);
        out.push_back(std::move(m));
      }
      out.back().entries.push_back(AclEntry{r.text(i, 7), r.text(i, 8)});
    }
    return out;
  });
}

Result<UidSet> PgSharing::private_seen(MailboxId mailbox, AccountId reader) {
  return transact(pool_, "private_seen", [&](Conn& c) -> Result<UidSet> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    Rows r = c.query("SELECT uid FROM private_seen WHERE account_id = $1 AND mailbox_id = $2 ORDER BY uid",
                     {reader, mailbox});
    UidSet out;
    for (int i = 0; i < r.size(); ++i) out.add(static_cast<Uid>(r.int64(i, 0)));
    return out;
  });
}

Result<StoreResult> PgSharing::set_private_seen(MailboxId mailbox, AccountId reader, const UidSet& uids, bool seen) {
  return transact(pool_, "set_private_seen", [&](Conn& c) -> Result<StoreResult> {
    auto row = PgMailboxes::row_by_id(c, mailbox, true);
    if (!row) return no_mailbox();
    StoreResult out;
    if (uids.empty()) return out;
    // The existing messages of the set whose private state differs from the wanted one.
    Rows r = select_in_set(c,
                           std::string(kMetaColumns) +
                               ", EXISTS (SELECT 1 FROM private_seen AS p WHERE p.mailbox_id = m.mailbox_id"
                               " AND p.uid = m.uid AND p.account_id = " + std::to_string(reader) + ")",
                           mailbox, uids);
    for (int i = 0; i < r.size(); ++i)
      if ((r.text_view(i, kMetaColumnCount) == "t") != seen) out.updated.push_back(meta_at(r, i));
    if (out.updated.empty()) return out;
    const ModSeq modseq = row->highest_modseq + 1;
    const std::string changed = uid_array(out.updated);
    if (seen)
      c.query("INSERT INTO private_seen (mailbox_id, uid, account_id) SELECT $1, u, $3 FROM unnest($2::bigint[]) AS u",
              {mailbox, changed, reader});
    else
      c.query("DELETE FROM private_seen WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) AND account_id = $3",
              {mailbox, changed, reader});
    c.query("UPDATE messages SET modseq = $3 WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])",
            {mailbox, changed, modseq});
    c.query("UPDATE mailboxes SET highest_modseq = $2 WHERE id = $1", {mailbox, modseq});
    for (auto& m : out.updated) m.modseq = modseq;
    notify_change(c, mailbox);
    return out;
  });
}

Status PgSharing::set_mailbox_address(MailboxId mailbox, std::string_view address) {
  const std::string addr = ascii::lower(address);
  return transact(pool_, "set_mailbox_address", [&](Conn& c) -> Status {
    if (!mailbox_exists(c, mailbox)) return no_mailbox();
    if (addr.empty()) {
      c.query("DELETE FROM mailbox_addresses WHERE mailbox_id = $1", {mailbox});
      return {};
    }
    if (!c.query("SELECT 1 FROM accounts WHERE address = $1", {addr}).empty())
      return make_error(Errc::already_exists, "An account has this address", addr);
    if (!c.query("SELECT 1 FROM aliases WHERE alias = $1", {addr}).empty())
      return make_error(Errc::already_exists, "An alias has this address", addr);
    if (!c.query("SELECT 1 FROM mailbox_addresses WHERE address = $1 AND mailbox_id <> $2", {addr, mailbox}).empty())
      return make_error(Errc::already_exists, "Another mailbox has this address", addr);
    c.query("INSERT INTO mailbox_addresses (address, mailbox_id) VALUES ($1, $2)"
            " ON CONFLICT (mailbox_id) DO UPDATE SET address = excluded.address",
            {addr, mailbox});
    return {};
  });
}

Result<std::pair<AccountId, MailboxInfo>> PgSharing::find_mailbox_address(std::string_view address) {
  const std::string addr = ascii::lower(address);
  return transact(pool_, "find_mailbox_address", [&](Conn& c) -> Result<std::pair<AccountId, MailboxInfo>> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    Rows r = c.query("SELECT b.account_id, b.name FROM mailbox_addresses AS d JOIN mailboxes AS b ON b.id = d.mailbox_id"
                     " WHERE d.address = $1",
                     {addr});
    if (r.empty()) return make_error(Errc::not_found, "No mailbox has this address", addr);
    const AccountId owner = r.int64(0, 0);
    auto info = PgMailboxes::load_info(c, owner, r.text(0, 1));
    if (!info) return no_mailbox();
    return std::make_pair(owner, std::move(*info));
  });
}

Result<std::string> PgSharing::mailbox_address(MailboxId mailbox) {
  return read(pool_, "mailbox_address", [&](Conn& c) -> Result<std::string> {
    Rows r = c.query("SELECT address FROM mailbox_addresses WHERE mailbox_id = $1", {mailbox});
    if (r.empty()) return std::string();
    return r.text(0, 0);
  });
}

}  // namespace pillarbox::store::postgres
