#include "session/registry.h"

#include <vector>

namespace pillarbox::session {

std::unique_ptr<Registry::Registration> Registry::add(std::weak_ptr<Closeable> session) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  sessions_.emplace(id, std::move(session));
  return std::make_unique<Registration>(*this, id);
}

void Registry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

void Registry::shutdown_all() {
  std::vector<std::shared_ptr<Closeable>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->request_shutdown();
}

std::size_t Registry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace pillarbox::session
