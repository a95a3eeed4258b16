// In-process change notification keyed by mailbox (the basis of IDLE and of untagged updates
// between commands). A backend publishes after a change has committed; listeners run on the
// publishing thread and must not block (a session posts to its own strand and returns).
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "store/mail_store.h"

namespace pillarbox::store {

/// Thread-safe publish/subscribe by MailboxId.
///
/// Lifetime rule: when a Subscription is destroyed, its listener is never called again, and if
/// the listener is running on another thread at that moment the destructor waits for it to
/// return, so a listener never runs after its owner is gone. A listener may destroy its own
/// subscription (same thread) without deadlock. The bus must outlive its subscriptions' use of
/// publish(); subscriptions themselves may outlive the bus safely (they hold shared state).
class ChangeBus {
 public:
  ChangeBus();
  ~ChangeBus();
  ChangeBus(const ChangeBus&) = delete;
  ChangeBus& operator=(const ChangeBus&) = delete;

  /// Registers `listener` for changes to `mailbox` until the returned object is destroyed.
  std::unique_ptr<Subscription> subscribe(MailboxId mailbox, ChangeListener listener);

  /// Calls every current listener of `mailbox`. Call only after the change has committed.
  void publish(MailboxId mailbox);

  /// Calls every current listener of every mailbox: for changes that may have been missed (the
  /// PostgreSQL store's notification connection was lost), so each session checks its mailbox.
  void publish_all();

  /// Number of live subscriptions for `mailbox` (for tests and metrics).
  std::size_t listener_count(MailboxId mailbox) const;

  struct Entry;
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace pillarbox::store
