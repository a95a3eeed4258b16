#include "auth/authenticator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "auth/failure.h"
#include "auth/password.h"
#include "base/ascii.h"
#include "base/log.h"
#include "metrics/metrics.h"

namespace pillarbox::auth {

namespace {
constexpr std::size_t kServerKeyBytes = 32;
}  // namespace

Authenticator::Authenticator(store::Directory& directory, unsigned threads, FailureBackoff::Policy backoff,
                             bool rehash, VerifiedCache::Policy cache)
    : directory_(directory),
      rehash_(rehash),
      verified_(cache),
      pool_(threads ? threads : 1),
      backoff_(backoff),
      server_key_(scram::random_bytes(kServerKeyBytes)) {}

Authenticator::~Authenticator() { pool_.join(); }

Result<store::Account> Authenticator::find_login(const std::string& address) {
  auto account = directory_.find_account(address);
  if (account.ok() || account.error().code != Errc::not_found) return account;
  // An alias is a login name only while it names exactly one account (SPEC "Accounts and
  // login names"); an ambiguous one is refused like a wrong password, and the log says why.
  auto named = directory_.resolve_alias(address);
  if (!named.ok()) return named.error();
  if (named->size() == 1) return std::move(named->front());
  if (named->size() > 1) {
    std::string which;
    for (const auto& a : *named) which += (which.empty() ? "" : ", ") + a.address;
    return make_error(Errc::not_found, "No such account", fmt::format("{} \"{}\" names {}", kAmbiguousAlias, address, which));
  }
  return make_error(Errc::not_found, "No such account", fmt::format("{} \"{}\"", kNoAccount, address));
}

Result<store::Account> Authenticator::verify(std::string_view login, std::string_view password) {
  const std::string address = ascii::lower(ascii::trim(login));
  auto account = find_login(address);
  if (!account.ok()) {
    // Same work as a real check, so timing does not tell which accounts exist.
    dummy_verify(password);
    return make_error(Errc::no_perm, "Authentication failed", account.error().detail);
  }
  // An account still without SCRAM keys verifies in full, so that storing them is tried again.
  if (!account->scram_secret.empty() && verified_.hit(account->id, account->password_hash, password)) {
    metrics::password_verifications(true).add();
    return account;
  }
  if (!verify_password(account->password_hash, password))
    return make_error(Errc::no_perm, "Authentication failed", fmt::format("{} {}", kWrongPassword, address));
  metrics::password_verifications(false).add();
  // A new hash clears the SCRAM keys (store: set_password_hash), so they are derived again.
  const bool rehashed = rehash_ && needs_rehash(account->password_hash) && rehash(*account, password);
  if (rehashed || account->scram_secret.empty()) remember_scram_secret(*account, password);
  // After a rehash the stored hash is another one, and a rehash that failed should be tried
  // again at the next login: either way that login verifies in full.
  if (!rehashed && !(rehash_ && needs_rehash(account->password_hash)))
    verified_.remember(account->id, account->password_hash, password);
  return account;
}

bool Authenticator::rehash(const store::Account& account, std::string_view password) {
  auto parsed = parse_password_hash(account.password_hash);
  const std::string from = parsed ? std::string(scheme_name(parsed->scheme)) : std::string("an unknown scheme");
  auto fresh = hash_password(password);
  if (!fresh) {
    log::warn("could not rehash password of {}: {}", account.address, fresh.error().detail);
    return false;
  }
  // An administrator may have set a new password while this login was being verified; the
  // old password must not come back. (The window left between this read and the write is
  // microseconds, not the length of a hash computation.)
  auto current = directory_.find_account(account.address);
  if (!current || current->password_hash != account.password_hash) return false;
  if (auto s = directory_.set_password_hash(account.address, *fresh); !s) {
    log::warn("could not rehash password of {}: {}", account.address, s.error().detail);
    return false;
  }
  log::info("rehashed password of {} from {} to argon2id", account.address, from);
  return true;
}

void Authenticator::remember_scram_secret(const store::Account& account, std::string_view password) {
  // Accounts whose hash was imported (or made before SCRAM existed) get their keys at the first
  // login that shows the password, the only moment the server sees it.
  auto secret = scram::make_secret(password);
  if (!secret.ok()) {
    log::info("account={} has no SCRAM keys: {}", account.address, secret.error().text);
    return;
  }
  if (auto st = directory_.set_scram_secret(account.address, scram::format_secret(*secret)); !st.ok()) {
    log::warn("account={} cannot store SCRAM keys: {}", account.address, st.error().detail);
    return;
  }
  log::info("account={} SCRAM-SHA-256 keys stored at login", account.address);
}

Authenticator::ScramLookup Authenticator::scram_lookup(std::string_view login) {
  ScramLookup r;
  const std::string address = ascii::lower(ascii::trim(login));
  auto account = find_login(address);
  if (account.ok()) {
    if (auto secret = scram::parse_secret(account->scram_secret)) {
      r.secret = std::move(*secret);
      r.usable = true;
      r.account = std::move(account.value());
      return r;
    }
    r.detail = account->scram_secret.empty()
                   ? fmt::format("{} {} (a plaintext login or a new password stores them)", address, kNoScramKeys)
                   : fmt::format("{} {}", address, kUnreadableScram);
    r.account = std::move(account.value());
  } else {
    r.detail = account.error().detail;
  }
  r.secret = scram::fake_secret(server_key_, address);
  return r;
}

Result<Authenticator::Authorized> Authenticator::authorize(const store::Account& authenticated,
                                                           std::string_view authzid) {
  const std::string target = ascii::lower(ascii::trim(authzid));
  if (target.empty() || target == authenticated.address) return Authorized{authenticated, {}};
  auto found = find_login(target);
  if (found.ok() && found->id == authenticated.id) return Authorized{authenticated, {}};
  const bool master = std::find(master_users_.begin(), master_users_.end(), authenticated.address) != master_users_.end();
  if (!master)
    return make_error(Errc::no_perm, "Authorization failed",
                      fmt::format("{} may not log in as \"{}\" (not a master user)", authenticated.address, target));
  if (!found.ok())
    return make_error(Errc::no_perm, "Authorization failed",
                      fmt::format("master {}: {}", authenticated.address, found.error().detail));
  return Authorized{std::move(found.value()), authenticated.address};
}

void Authenticator::set_master_users(std::vector<std::string> addresses) {
  for (auto& a : addresses) a = ascii::lower(ascii::trim(a));
  master_users_ = std::move(addresses);
}

Result<std::string> load_or_create_server_key(const std::string& path) {
  auto fail = [&](std::string why) {
    return make_error(Errc::io, "Cannot read the SASL server key", fmt::format("{}: {}", path, why));
  };
  if (std::ifstream in{path, std::ios::binary}) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != kServerKeyBytes) return fail(fmt::format("holds {} bytes, not {}", key.size(), kServerKeyBytes));
    return key;
  }
  const std::string key = scram::random_bytes(kServerKeyBytes);
  // O_EXCL: two processes starting at once must not each write their own key.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_server_key(path);
    return fail(std::strerror(errno));
  }
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return fail(std::strerror(saved));
  }
  return key;
}

}  // namespace pillarbox::auth
