#include "auth/authenticator.h"

#include <fmt/format.h>

#include "auth/password.h"
#include "base/ascii.h"

namespace pillarbox::auth {

Authenticator::Authenticator(store::Directory& directory, unsigned threads, FailureBackoff::Policy backoff)
    : directory_(directory), pool_(threads ? threads : 1), backoff_(backoff) {}

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
  return account;
}

}  // namespace pillarbox::auth
