// Live sessions, so shutdown can say BYE to each (SIGTERM/SIGINT) and `who` can count them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace pillarbox::session {

/// Something that can be told to end: it says BYE and closes on its own strand.
class Closeable {
 public:
  virtual ~Closeable() = default;
  /// Thread-safe; returns at once. The session ends soon after.
  virtual void request_shutdown() = 0;
};

/// Thread-safe set of live sessions. Each session holds a Registration for its lifetime
/// (RAII), so every way out of a session removes it.
class Registry {
 public:
  class Registration {
   public:
    Registration(Registry& r, std::uint64_t id) : registry_(&r), id_(id) {}
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { registry_->remove(id_); }
    std::uint64_t id() const { return id_; }

   private:
    Registry* registry_;
    std::uint64_t id_;
  };

  /// Adds a session; the returned Registration removes it when destroyed.
  std::unique_ptr<Registration> add(std::weak_ptr<Closeable> session);
  /// Asks every live session to end.
  void shutdown_all();
  std::size_t size() const;

 private:
  void remove(std::uint64_t id);
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Closeable>> sessions_;
};

}  // namespace pillarbox::session
