#include "auth/authenticator.h"

#include <fmt/format.h>

#include "auth/password.h"
#include "base/ascii.h"

namespace pillarbox::auth {

Authenticator::Authenticator(store::Directory& directory, unsigned threads)
    : directory_(directory), pool_(threads ? threads : 1) {}

Authenticator::~Authenticator() { pool_.join(); }

Result<store::Account> Authenticator::verify(std::string_view login, std::string_view password) {
  const std::string address = ascii::lower(ascii::trim(login));
  auto account = directory_.find_account(address);
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
