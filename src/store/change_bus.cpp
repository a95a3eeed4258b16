#include "store/change_bus.h"

#include <algorithm>
#include <exception>

#include "base/log.h"

namespace pillarbox::store {

// One listener. `call_mutex` is held while the listener runs and while it is deactivated, which
// is what makes Subscription's destructor wait for a running call. It is recursive so that a
// listener may destroy its own subscription on the same thread.
struct ChangeBus::Entry {
  MailboxId mailbox = 0;
  ChangeListener listener;
  std::recursive_mutex call_mutex;
  bool active = true;
};

struct ChangeBus::State {
  mutable std::mutex mutex;
  std::unordered_map<MailboxId, std::vector<std::shared_ptr<Entry>>> entries;
};

namespace {

class BusSubscription final : public Subscription {
 public:
  BusSubscription(std::weak_ptr<ChangeBus::State> state, std::shared_ptr<ChangeBus::Entry> entry)
      : state_(std::move(state)), entry_(std::move(entry)) {}

  ~BusSubscription() override {
    if (auto state = state_.lock()) {
      std::lock_guard lock(state->mutex);
      auto it = state->entries.find(entry_->mailbox);
      if (it != state->entries.end()) {
        auto& v = it->second;
        v.erase(std::remove(v.begin(), v.end(), entry_), v.end());
        if (v.empty()) state->entries.erase(it);
      }
    }
    // A publisher may have copied the entry before it was removed: deactivate under the call
    // mutex, which waits for a call in progress on another thread.
    std::lock_guard call(entry_->call_mutex);
    entry_->active = false;
  }

 private:
  std::weak_ptr<ChangeBus::State> state_;
  std::shared_ptr<ChangeBus::Entry> entry_;
};

}  // namespace

ChangeBus::ChangeBus() : state_(std::make_shared<State>()) {}
ChangeBus::~ChangeBus() = default;

std::unique_ptr<Subscription> ChangeBus::subscribe(MailboxId mailbox, ChangeListener listener) {
  auto entry = std::make_shared<Entry>();
  entry->mailbox = mailbox;
  entry->listener = std::move(listener);
  {
    std::lock_guard lock(state_->mutex);
    state_->entries[mailbox].push_back(entry);
  }
  return std::make_unique<BusSubscription>(state_, std::move(entry));
}

void ChangeBus::publish(MailboxId mailbox) {
  std::vector<std::shared_ptr<Entry>> targets;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->entries.find(mailbox);
    if (it == state_->entries.end()) return;
    targets = it->second;
  }
  // Called without the bus mutex, so a listener may subscribe or unsubscribe freely.
  for (auto& e : targets) {
    std::lock_guard call(e->call_mutex);
    if (!e->active || !e->listener) continue;
    try {
      e->listener();
    } catch (const std::exception& ex) {  // a listener bug must not fail the committed write
      log::error("change listener for mailbox {} threw: {}", mailbox, ex.what());
    }
  }
}

void ChangeBus::publish_all() {
  std::vector<MailboxId> mailboxes;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& [id, entries] : state_->entries)
      if (!entries.empty()) mailboxes.push_back(id);
  }
  for (MailboxId m : mailboxes) publish(m);
}

std::size_t ChangeBus::listener_count(MailboxId mailbox) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->entries.find(mailbox);
  return it == state_->entries.end() ? 0 : it->second.size();
}

}  // namespace pillarbox::store
