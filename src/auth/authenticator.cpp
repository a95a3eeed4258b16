#include "auth/authenticator.h"

#include <fmt/format.h>

#include "auth/password.h"
#include "base/ascii.h"
#include "base/log.h"

namespace pillarbox::auth {

Authenticator::Authenticator(store::Directory& directory, unsigned threads, FailureBackoff::Policy backoff,
                             bool rehash)
    : directory_(directory), rehash_(rehash), pool_(threads ? threads : 1), backoff_(backoff) {}

Authenticator::~Authenticator() { pool_.join(); }

Result<store::Account> Authenticator::verify(std::string_view login, std::string_view password) {
  const std::string address = ascii::lower(ascii::trim(login));
  auto account = directory_.find_account(address);
  if (!account.ok() && account.error().code == Errc::not_found) {
    // An alias is a login name only while it names exactly one account (SPEC "Accounts and
    // login names"); an ambiguous one is refused like a wrong password, and the log says why.
    auto named = directory_.resolve_alias(address);
    if (named.ok() && named->size() == 1) {
      account = std::move(named->front());
    } else if (named.ok() && named->size() > 1) {
      std::string which;
      for (const auto& a : *named) which += (which.empty() ? "" : ", ") + a.address;
      dummy_verify(password);
      return make_error(Errc::no_perm, "Authentication failed",
                        fmt::format("ambiguous alias \"{}\" names {}", address, which));
    }
  }
  if (!account.ok()) {
    // Same work as a real check, so timing does not tell which accounts exist.
    dummy_verify(password);
    return make_error(Errc::no_perm, "Authentication failed",
                      account.error().code == Errc::not_found ? fmt::format("no account \"{}\"", address)
                                                              : account.error().detail);
  }
  if (!verify_password(account->password_hash, password))
    return make_error(Errc::no_perm, "Authentication failed", fmt::format("wrong password for {}", address));
  if (rehash_ && needs_rehash(account->password_hash)) rehash(*account, password);
  return account;
}

void Authenticator::rehash(const store::Account& account, std::string_view password) {
  auto parsed = parse_password_hash(account.password_hash);
  const std::string from = parsed ? std::string(scheme_name(parsed->scheme)) : std::string("an unknown scheme");
  auto fresh = hash_password(password);
  if (!fresh) {
    log::warn("could not rehash password of {}: {}", account.address, fresh.error().detail);
    return;
  }
  // An administrator may have set a new password while this login was being verified; the
  // old password must not come back. (The window left between this read and the write is
  // microseconds, not the length of a hash computation.)
  auto current = directory_.find_account(account.address);
  if (!current || current->password_hash != account.password_hash) return;
  if (auto s = directory_.set_password_hash(account.address, *fresh); !s) {
    log::warn("could not rehash password of {}: {}", account.address, s.error().detail);
    return;
  }
  log::info("rehashed password of {} from {} to argon2id", account.address, from);
}

}  // namespace pillarbox::auth
