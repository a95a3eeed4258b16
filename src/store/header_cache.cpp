#include "store/header_cache.h"

namespace pillarbox::store {

void HeaderCache::set_limit(std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  limit_ = bytes;
  evict_locked();
}

std::shared_ptr<const mail::Message> HeaderCache::find(const BlobId& id) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->header;
}

void HeaderCache::insert(const BlobId& id, std::shared_ptr<const mail::Message> header) {
  if (!header) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(id); it != index_.end()) {
    bytes_ -= cost(*it->second);
    lru_.erase(it->second);
    index_.erase(it);
  }
  Entry e{id, std::move(header)};
  if (cost(e) > limit_) return;
  bytes_ += cost(e);
  lru_.push_front(std::move(e));
  index_.emplace(id, lru_.begin());
  evict_locked();
}

void HeaderCache::evict_locked() {
  while (bytes_ > limit_ && !lru_.empty()) {
    bytes_ -= cost(lru_.back());
    index_.erase(lru_.back().id);
    lru_.pop_back();
  }
}

std::uint64_t HeaderCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t HeaderCache::entries() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace pillarbox::store
