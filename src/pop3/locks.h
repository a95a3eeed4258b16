// One POP3 session per maildrop at a time (RFC 1939 §8: the server acquires an exclusive lock
// on the maildrop when it enters the TRANSACTION state). In-process: every session of this
// server shares one MaildropLocks through pop3::ServerContext. Several front ends on a shared
// store would need the lock in the store instead.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_set>

#include "store/types.h"

namespace pillarbox::pop3 {

class MaildropLocks {
 public:
  /// Held while a session is in TRANSACTION; releases the lock when destroyed. It keeps the
  /// lock table alive, so it may outlive the MaildropLocks that made it.
  class Lock {
   public:
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

   private:
    friend class MaildropLocks;
    struct Table;
    Lock(std::shared_ptr<Table> table, store::AccountId account) : table_(std::move(table)), account_(account) {}
    std::shared_ptr<Table> table_;
    store::AccountId account_;
  };

  MaildropLocks();
  /// Takes the lock of `account`'s maildrop; null if another session holds it. Thread-safe.
  std::unique_ptr<Lock> try_lock(store::AccountId account);
  /// Number of maildrops locked now (for tests and `who`).
  std::size_t locked() const;

 private:
  std::shared_ptr<Lock::Table> table_;
};

}  // namespace pillarbox::pop3
