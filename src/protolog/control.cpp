#include "protolog/control.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "metrics/metrics.h"
#include "protolog/writer.h"

namespace pillarbox::protolog {
namespace fs = std::filesystem;

Control::Control(fs::path dir, std::uint64_t cap_bytes, fs::path rules_file)
    : dir_(std::move(dir)), cap_bytes_(cap_bytes), rules_file_(std::move(rules_file)) {}

Status Control::load() {
  std::error_code ec;
  if (fs::exists(rules_file_, ec)) {
    std::ifstream in(rules_file_);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      return make_error(Errc::io, "cannot read " + rules_file_.string() + ": " + std::strerror(errno));
    }
    auto rules = Rules::parse(text.str());
    if (!rules) return make_error(Errc::invalid, rules_file_.string() + ": " + rules.error().text);
    std::lock_guard lock(mutex_);
    rules_ = std::move(*rules);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  // Measure the log (and bring it under the cap, e.g. after protocol_log_max_mb was lowered).
  auto measured = SizeCap{dir_, cap_bytes_, {}}.enforce();
  if (!measured) return measured.error();
  std::lock_guard lock(mutex_);
  size_ = measured->total;
  return {};
}

Status Control::save_locked(const Rules& rules) const {
  const fs::path tmp = rules_file_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(Errc::io, "cannot write " + tmp.string() + ": " + std::strerror(errno));
  const std::string text = rules.to_text();
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return make_error(Errc::io, "cannot write " + tmp.string() + ": " + std::strerror(err));
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), rules_file_.c_str()) != 0) {
    return make_error(Errc::io, "cannot save " + rules_file_.string() + ": " + std::strerror(errno));
  }
  return {};
}

Status Control::on(Rule rule) {
  std::lock_guard lock(mutex_);
  Rules next = rules_;
  next.add(std::move(rule));
  if (auto st = save_locked(next); !st) return st;
  rules_ = std::move(next);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return {};
}

Result<std::size_t> Control::off(std::optional<Rule::Kind> kind, std::string_view value) {
  std::lock_guard lock(mutex_);
  Rules next = rules_;
  std::size_t removed = 0;
  if (!kind) {
    removed = next.list().size();
    next.clear();
  } else {
    removed = next.remove(*kind, value) ? 1 : 0;
  }
  if (removed == 0) return removed;
  if (auto st = save_locked(next); !st) return st.error();
  rules_ = std::move(next);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return removed;
}

Rules Control::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<bool> Control::match(std::string_view ip, std::string_view account) const {
  std::lock_guard lock(mutex_);
  return rules_.match(ip, account);
}

void Control::opened(const fs::path& path) {
  std::lock_guard lock(mutex_);
  open_.insert(path);
}

void Control::closed(const fs::path& path) {
  std::lock_guard lock(mutex_);
  open_.erase(path);
}

bool Control::charge(std::uint64_t octets) {
  std::lock_guard lock(mutex_);
  if (size_ + octets > cap_bytes_) {
    // Down to 90 % of the cap, so a busy log is not measured again at every write.
    auto outcome = SizeCap{dir_, cap_bytes_ - cap_bytes_ / 10, open_}.enforce();
    if (outcome) size_ = outcome->total;
    if (size_ + octets > cap_bytes_) return false;
  }
  size_ += octets;
  written_.fetch_add(octets, std::memory_order_relaxed);
  metrics::protocol_log_bytes().add(octets);
  return true;
}

std::uint64_t Control::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace pillarbox::protolog
