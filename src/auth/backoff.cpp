#include "auth/backoff.h"

#include <algorithm>

namespace pillarbox::auth {

std::chrono::milliseconds FailureBackoff::failed(const std::string& remote, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= policy_.max_addresses && !entries_.contains(remote)) forget_old(now);
  if (entries_.size() >= policy_.max_addresses) entries_.clear();  // a flood: start over rather than grow
  Entry& e = entries_[remote];
  if (e.failures > 0 && now - e.last > policy_.window) e.failures = 0;
  e.failures = std::min<std::uint32_t>(e.failures + 1, 32);
  e.last = now;
  auto delay = policy_.first;
  for (std::uint32_t i = 1; i < e.failures && delay < policy_.max; ++i) delay *= 2;
  return std::min(delay, policy_.max);
}

void FailureBackoff::succeeded(const std::string& remote) {
  std::lock_guard lock(mutex_);
  entries_.erase(remote);
}

std::size_t FailureBackoff::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void FailureBackoff::forget_old(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.last > policy_.window; });
}

}  // namespace pillarbox::auth
