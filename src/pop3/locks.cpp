#include "pop3/locks.h"

namespace pillarbox::pop3 {

struct MaildropLocks::Lock::Table {
  std::mutex mutex;
  std::unordered_set<store::AccountId> held;
};

MaildropLocks::Lock::~Lock() {
  std::lock_guard guard(table_->mutex);
  table_->held.erase(account_);
}

MaildropLocks::MaildropLocks() : table_(std::make_shared<Lock::Table>()) {}

std::unique_ptr<MaildropLocks::Lock> MaildropLocks::try_lock(store::AccountId account) {
  std::lock_guard guard(table_->mutex);
  if (!table_->held.insert(account).second) return nullptr;
  return std::unique_ptr<Lock>(new Lock(table_, account));
}

std::size_t MaildropLocks::locked() const {
  std::lock_guard guard(table_->mutex);
  return table_->held.size();
}

}  // namespace pillarbox::pop3
