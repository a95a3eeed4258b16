#include "store/postgres/directory.h"

#include <fmt/format.h>

#include "base/ascii.h"
#include "store/postgres/ops.h"

namespace pillarbox::store::postgres {
namespace {

// The domain part of an address, as SQL: what follows the '@' (the whole text without one).
constexpr const char* kDomainOf = "substr(address, strpos(address, '@') + 1)";

Account account_at(const Rows& r, int row) {
  return Account{r.int64(row, 0), r.text(row, 1), r.text(row, 2), r.text(row, 3)};
}

}  // namespace

Result<AccountId> PgDirectory::add_account(std::string_view address, std::string_view password_hash) {
  const std::string addr = ascii::lower(address);
  if (addr.empty()) return make_error(Errc::invalid, "Empty address");
  // '#' names the internal owner of the public folders; no account may look like it.
  if (addr.front() == '#' && addr.find('@') == std::string::npos)
    return make_error(Errc::invalid, "A name beginning with # needs a domain", addr);
  return transact(pool_, "add_account", [&](Conn& c) -> Result<AccountId> {
    if (!c.query("SELECT 1 FROM accounts WHERE address = $1", {addr}).empty())
      return make_error(Errc::already_exists, "Account already exists", addr);
    if (!c.query("SELECT 1 FROM mailbox_addresses WHERE address = $1", {addr}).empty())
      return make_error(Errc::already_exists, "A public folder has this address", addr);
    if (auto at = addr.rfind('@'); at != std::string::npos)
      c.query("INSERT INTO domains (name) VALUES ($1) ON CONFLICT DO NOTHING", {addr.substr(at + 1)});
    // Two front ends adding the same address at once: the unique index refuses the second,
    // which then fails as a duplicate (23505), not as a storage error.
    Rows id = c.query("INSERT INTO accounts (address, password_hash) VALUES ($1, $2)"
                      " ON CONFLICT (address) DO NOTHING RETURNING id",
                      {addr, password_hash});
    if (id.empty()) return make_error(Errc::already_exists, "Account already exists", addr);
    // Rights someone granted to this address before it was an account are not the new
    // account's (IMAP SETACL keeps any identifier so as not to reveal which accounts exist).
    c.query("DELETE FROM acl WHERE identifier = $1 OR identifier = '-' || $1", {addr});
    const AccountId account = id.int64(0, 0);
    create_inbox_(c, account);
    return account;
  });
}

Status PgDirectory::delete_account(std::string_view address) {
  const std::string addr = ascii::lower(address);
  return transact(pool_, "delete_account", [&](Conn& c) -> Status {
    Rows a = c.query("SELECT id FROM accounts WHERE address = $1 AND kind = 0 FOR UPDATE", {addr});
    if (a.empty()) return make_error(Errc::not_found, "No such account", addr);
    const AccountId id = a.int64(0, 0);
    // Rights granted to the account on others' mailboxes go with it (RFC 4314 §2: an
    // identifier that no longer exists must not come back to life with a new account).
    c.query("DELETE FROM acl WHERE identifier = $1 OR identifier = '-' || $1", {addr});
    Rows m = c.query("SELECT id FROM mailboxes WHERE account_id = $1", {id});
    for (int i = 0; i < m.size(); ++i) notify_change(c, m.int64(i, 0));
    Rows b = c.query(
        "SELECT DISTINCT m.blob_id FROM messages AS m JOIN mailboxes AS b ON m.mailbox_id = b.id"
        " WHERE b.account_id = $1",
        {id});
    std::vector<std::string> blobs;
    for (int i = 0; i < b.size(); ++i) blobs.push_back(b.text(i, 0));
    c.query("DELETE FROM accounts WHERE id = $1", {id});
    // Copies in other accounts' mailboxes keep their blobs.
    if (!blobs.empty())
      c.query("DELETE FROM blobs AS b WHERE b.id = ANY($1::text[])"
              " AND NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.blob_id = b.id)",
              {text_array(blobs)});
    return {};
  });
}

Status PgDirectory::set_password_hash(std::string_view address, std::string_view password_hash) {
  const std::string addr = ascii::lower(address);
  return transact(pool_, "set_password_hash", [&](Conn& c) -> Status {
    // The SCRAM keys derive from the password this hash replaces: they must not outlive it.
    if (c.query("UPDATE accounts SET password_hash = $2, scram_secret = '' WHERE address = $1 AND kind = 0",
                {addr, password_hash})
            .affected() == 0)
      return make_error(Errc::not_found, "No such account", addr);
    return {};
  });
}

Status PgDirectory::set_scram_secret(std::string_view address, std::string_view secret) {
  const std::string addr = ascii::lower(address);
  return transact(pool_, "set_scram_secret", [&](Conn& c) -> Status {
    if (c.query("UPDATE accounts SET scram_secret = $2 WHERE address = $1 AND kind = 0", {addr, secret}).affected() == 0)
      return make_error(Errc::not_found, "No such account", addr);
    return {};
  });
}

Result<Account> PgDirectory::find_account(std::string_view address) {
  const std::string addr = ascii::lower(address);
  return read(pool_, "find_account", [&](Conn& c) -> Result<Account> {
    Rows r = c.query(
        "SELECT id, address, password_hash, scram_secret FROM accounts WHERE address = $1 AND kind = 0", {addr});
    if (r.empty()) return make_error(Errc::not_found, "No such account", addr);
    return account_at(r, 0);
  });
}

Result<std::vector<Account>> PgDirectory::list_accounts() {
  return read(pool_, "list_accounts", [&](Conn& c) -> Result<std::vector<Account>> {
    Rows r = c.query("SELECT id, address, password_hash, scram_secret FROM accounts WHERE kind = 0 ORDER BY address");
    std::vector<Account> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(account_at(r, i));
    return out;
  });
}

Status PgDirectory::add_domain(std::string_view domain) {
  const std::string name = ascii::lower(domain);
  if (name.empty()) return make_error(Errc::invalid, "Empty domain");
  return transact(pool_, "add_domain", [&](Conn& c) -> Status {
    if (c.query("INSERT INTO domains (name) VALUES ($1) ON CONFLICT DO NOTHING", {name}).affected() == 0)
      return make_error(Errc::already_exists, "Domain already exists", name);
    return {};
  });
}

Status PgDirectory::delete_domain(std::string_view domain) {
  const std::string name = ascii::lower(domain);
  return transact(pool_, "delete_domain", [&](Conn& c) -> Status {
    // Locks the domain's row first, so an add_account for it waits and is then counted.
    Rows d = c.query("SELECT 1 FROM domains WHERE name = $1 FOR UPDATE", {name});
    const auto n = c.query(fmt::format("SELECT count(*) FROM accounts WHERE {} = $1", kDomainOf), {name}).int64(0, 0);
    if (n > 0)
      return make_error(Errc::in_use, fmt::format("Domain has {} account{}; delete them first", n, n == 1 ? "" : "s"),
                        name);
    if (d.empty()) return make_error(Errc::not_found, "No such domain", name);
    c.query("DELETE FROM domains WHERE name = $1", {name});
    return {};
  });
}

Result<std::vector<Domain>> PgDirectory::list_domains() {
  return read(pool_, "list_domains", [&](Conn& c) -> Result<std::vector<Domain>> {
    Rows r = c.query(fmt::format(
        "SELECT d.name, (SELECT count(*) FROM accounts WHERE {} = d.name) FROM domains AS d ORDER BY d.name",
        kDomainOf));
    std::vector<Domain> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(Domain{r.text(i, 0), static_cast<std::uint32_t>(r.int64(i, 1))});
    return out;
  });
}

Status PgDirectory::add_alias(std::string_view alias, std::string_view address) {
  const std::string name = ascii::lower(alias);
  const std::string addr = ascii::lower(address);
  if (name.empty()) return make_error(Errc::invalid, "Empty alias");
  return transact(pool_, "add_alias", [&](Conn& c) -> Status {
    if (!c.query("SELECT 1 FROM accounts WHERE address = $1", {name}).empty())
      return make_error(Errc::already_exists, "An account has this address", name);
    if (!c.query("SELECT 1 FROM mailbox_addresses WHERE address = $1", {name}).empty())
      return make_error(Errc::already_exists, "A public folder has this address", name);
    Rows a = c.query("SELECT id FROM accounts WHERE address = $1 AND kind = 0", {addr});
    if (a.empty()) return make_error(Errc::not_found, "No such account", addr);
    if (c.query("INSERT INTO aliases (alias, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                {name, a.int64(0, 0)})
            .affected() == 0)
      return make_error(Errc::already_exists, "Alias already exists", name + " -> " + addr);
    return {};
  });
}

Status PgDirectory::delete_alias(std::string_view alias, std::string_view address) {
  const std::string name = ascii::lower(alias);
  const std::string addr = ascii::lower(address);
  return transact(pool_, "delete_alias", [&](Conn& c) -> Status {
    if (c.query("DELETE FROM aliases WHERE alias = $1 AND account_id = (SELECT id FROM accounts WHERE address = $2)",
                {name, addr})
            .affected() == 0)
      return make_error(Errc::not_found, "No such alias", name + " -> " + addr);
    return {};
  });
}

Result<std::vector<Account>> PgDirectory::resolve_alias(std::string_view alias) {
  const std::string name = ascii::lower(alias);
  return read(pool_, "resolve_alias", [&](Conn& c) -> Result<std::vector<Account>> {
    Rows r = c.query(
        "SELECT a.id, a.address, a.password_hash, a.scram_secret FROM aliases AS l JOIN accounts AS a"
        " ON a.id = l.account_id WHERE l.alias = $1 AND a.kind = 0 ORDER BY a.address",
        {name});
    std::vector<Account> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(account_at(r, i));
    return out;
  });
}

Result<std::vector<Alias>> PgDirectory::list_aliases() {
  return read(pool_, "list_aliases", [&](Conn& c) -> Result<std::vector<Alias>> {
    Rows r = c.query(
        "SELECT l.alias, a.address FROM aliases AS l JOIN accounts AS a ON a.id = l.account_id"
        " ORDER BY l.alias, a.address");
    std::vector<Alias> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(Alias{r.text(i, 0), r.text(i, 1)});
    return out;
  });
}

}  // namespace pillarbox::store::postgres
