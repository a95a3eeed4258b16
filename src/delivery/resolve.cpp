#include "delivery/resolve.h"

#include <algorithm>

#include "access/names.h"
#include "base/ascii.h"

namespace pillarbox::delivery {
namespace {

// Accounts that `address` names directly or as an alias; empty when neither (not an error).
Result<std::vector<store::Account>> lookup(store::Directory& directory, const std::string& address) {
  auto account = directory.find_account(address);
  if (account) return std::vector<store::Account>{std::move(account.value())};
  if (account.error().code != Errc::not_found) return account.error();
  auto aliased = directory.resolve_alias(address);
  if (!aliased) {
    if (aliased.error().code == Errc::not_found) return std::vector<store::Account>{};
    return aliased.error();
  }
  auto accounts = std::move(aliased.value());
  // The Directory promises distinct accounts; make sure anyway, so one alias never delivers
  // two copies to the same mailbox.
  std::vector<store::Account> unique;
  for (auto& a : accounts) {
    if (std::none_of(unique.begin(), unique.end(), [&](const store::Account& u) { return u.id == a.id; }))
      unique.push_back(std::move(a));
  }
  return unique;
}

// The public folder whose delivery address is `address`, as a one-Target list; empty when no
// public folder has it (not an error).
Result<std::vector<Target>> public_folder(store::MailStore& store, const std::string& address) {
  auto found = store.find_mailbox_address(address);
  if (!found) {
    if (found.error().code == Errc::not_found) return std::vector<Target>{};
    return found.error();
  }
  auto& [owner, info] = found.value();
  if (owner != store.public_account()) return std::vector<Target>{};
  store::Account account;
  account.id = owner;
  account.address = access::public_name(info.name);
  return std::vector<Target>{Target{std::move(account), std::move(info.name), true}};
}

}  // namespace

Result<std::string> choose_mailbox(store::MailStore& store, const store::Account& account, std::string_view wanted) {
  if (wanted.empty() || ascii::iequals(wanted, "INBOX")) return std::string("INBOX");
  auto mailbox = store.get_mailbox(account.id, wanted);
  if (mailbox) return mailbox->name;
  if (mailbox.error().code == Errc::not_found) return std::string("INBOX");
  return mailbox.error();
}

Result<std::vector<Target>> resolve(store::MailStore& store, std::string_view address) {
  const std::string lowered = ascii::lower(address);
  auto found = lookup(store.directory(), lowered);
  if (!found) return found.error();
  std::string detail;
  if (found->empty()) {
    auto folder = public_folder(store, lowered);
    if (!folder || !folder->empty()) return folder;
    // Subaddress (RFC 5233 style "user+detail"): the detail keeps its case, since mailbox
    // names are case-sensitive.
    const auto at = address.rfind('@');
    const auto plus = address.find('+');
    if (plus != std::string_view::npos && (at == std::string_view::npos || plus < at)) {
      const std::string_view domain = at == std::string_view::npos ? std::string_view() : address.substr(at);
      detail = std::string(address.substr(plus + 1, (at == std::string_view::npos ? address.size() : at) - plus - 1));
      found = lookup(store.directory(), ascii::lower(std::string(address.substr(0, plus)) + std::string(domain)));
      if (!found) return found.error();
    }
  }
  if (found->empty()) return make_error(Errc::not_found, "no such user", std::string(address));
  std::vector<Target> targets;
  for (auto& account : *found) {
    auto mailbox = choose_mailbox(store, account, detail);
    if (!mailbox) return mailbox.error();
    targets.push_back(Target{std::move(account), std::move(mailbox.value())});
  }
  return targets;
}

}  // namespace pillarbox::delivery
