// Growing delays for failed logins from one remote address (SPEC "Accounts and login names":
// repeated failures are slowed down, never answered faster). The delay is applied by the session
// with a timer, so no thread is held; successful logins are never delayed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace pillarbox::auth {

class FailureBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  struct Policy {
    std::chrono::milliseconds first{300};     ///< delay after the first failure
    std::chrono::milliseconds max{10000};     ///< the cap; each further failure doubles the delay
    std::chrono::seconds window{900};         ///< failures older than this are forgotten
    std::size_t max_addresses = 100000;       ///< addresses remembered (memory bound)
  };

  explicit FailureBackoff(Policy policy) : policy_(policy) {}

  /// Records a failed login from `remote` (an IP address as text) at `now` and returns how long
  /// to wait before answering it: first, 2×first, 4×first ... up to max. Thread-safe.
  std::chrono::milliseconds failed(const std::string& remote, Clock::time_point now = Clock::now());
  /// Forgets the failures of `remote` after a successful login. Thread-safe.
  void succeeded(const std::string& remote);
  /// Addresses currently remembered.
  std::size_t size() const;

 private:
  struct Entry {
    std::uint32_t failures = 0;
    Clock::time_point last;
  };
  void forget_old(Clock::time_point now);

  Policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace pillarbox::auth
