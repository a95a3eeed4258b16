// The server's protocol logging switch (issue 6 items 1 and 5): the rules `pillarbox log on|off`
// set (persisted in a file, so they survive a restart), a generation number sessions compare at
// each command boundary to notice a change at once, and the size cap of the whole log.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/result.h"
#include "protolog/rules.h"

namespace pillarbox::protolog {

class Control {
 public:
  /// `dir`: where transcripts go ([log] protocol_log_dir); `cap_bytes`: protocol_log_max_mb in
  /// octets; `rules_file`: where the rules are kept.
  Control(std::filesystem::path dir, std::uint64_t cap_bytes, std::filesystem::path rules_file);

  /// Reads the rules file (a missing file is no rules) and measures the log already on disk.
  /// Errc::invalid naming the file and line for a bad rule, Errc::io when it cannot be read.
  Status load();

  /// Adds or replaces a rule and saves the rules file (written to a temporary file and
  /// renamed). Sessions see it at their next command boundary. Errc::io when saving fails (the
  /// rule is not applied then).
  Status on(Rule rule);
  /// Removes one rule (kind and value as make_rule() gives them), or every rule with `kind`
  /// unset. Returns how many were removed; Errc::io when saving fails.
  Result<std::size_t> off(std::optional<Rule::Kind> kind, std::string_view value = {});
  /// The rules now in force.
  Rules rules() const;

  /// Changes whenever the rules do; a cheap check for sessions (relaxed atomic load).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  /// Rules::match under the lock.
  std::optional<bool> match(std::string_view ip, std::string_view account) const;

  const std::filesystem::path& dir() const { return dir_; }

  /// A transcript was opened at / closed at `path`: open ones are never removed by the cap.
  void opened(const std::filesystem::path& path);
  void closed(const std::filesystem::path& path);
  /// Accounts for `octets` about to be written. When the log would pass the cap, removes the
  /// oldest closed transcripts first (SizeCap); returns false when even then there is no room
  /// (the open transcripts alone fill it), and the caller drops its lines.
  bool charge(std::uint64_t octets);
  /// Octets written to transcripts since the server started (the metric).
  std::uint64_t bytes_written() const { return written_.load(std::memory_order_relaxed); }
  /// Octets the log holds now, as counted (the size of "*.log" files at the last measure plus
  /// what was charged since).
  std::uint64_t size() const;

 private:
  Status save_locked(const Rules& rules) const;

  const std::filesystem::path dir_;
  const std::uint64_t cap_bytes_;
  const std::filesystem::path rules_file_;
  mutable std::mutex mutex_;
  Rules rules_;
  std::atomic<std::uint64_t> generation_{1};
  std::set<std::filesystem::path> open_;
  std::uint64_t size_ = 0;
  std::atomic<std::uint64_t> written_{0};
};

}  // namespace pillarbox::protolog
