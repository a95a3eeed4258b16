// Immutable message bytes as files (DESIGN §5: "Message bodies are immutable blobs, written and
// synced before the metadata that points at them").
//
// Layout: <root>/ab/abcdef0123456789abcdef0123456789 — the file name is the blob id, 128 random
// bits in lower-case hex, and the directory is its first two characters (256 directories keep
// each one small). Ids are random rather than content hashes on purpose:
//  - every file is created by exactly one append, so it cannot be deleted by a concurrent expunge
//    of an identical message between "file exists" and "row committed" (a content-addressed store
//    needs a lock or a grace period for that race);
//  - no cross-account deduplication, hence no timing signal that someone else holds a message;
//  - nothing to hash on the append path.
// Sharing still happens where it is cheap and safe: COPY and MOVE point new rows at the same id.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pillarbox::store {

/// A blob's name: 32 lower-case hex digits.
using BlobId = std::string;

/// Immutable files under one root directory. Thread-safe: files are never modified in place,
/// writes go to a unique temporary name first, and directory creation tolerates races.
class BlobStore {
 public:
  /// Uses (and creates, mode 0700, when absent) `root`. Errors name the path.
  static Result<std::unique_ptr<BlobStore>> open(std::string root);

  /// Writes `bytes` exactly as given to a new blob and makes it durable before returning:
  /// temporary file, fsync, rename to its final name, fsync of the directory (and of the root
  /// when the directory was new). Errc::unavailable when the disk is full, Errc::io otherwise.
  Result<BlobId> put(std::string_view bytes);

  /// The first half of put() for batches: writes, fsyncs and renames the file but does not
  /// fsync its directory. The blob is durable only after sync_directories() for it returned.
  Result<BlobId> write(std::string_view bytes);

  /// Fsyncs the directories holding `ids` (each distinct directory once) and the root, making
  /// the renames done by write() durable. A batch of N appends then costs N file fsyncs plus a
  /// few directory fsyncs instead of 2N.
  Status sync_directories(const std::vector<BlobId>& ids);

  /// A new blob id (random, like write()'s), for a blob kept elsewhere than in a file (the
  /// SQLite store keeps small messages in its database): the ids never collide. Errc::io when
  /// the kernel gives no random bytes.
  static Result<BlobId> new_id();

  /// Reads a whole blob. Errc::not_found when the file is absent.
  Result<std::shared_ptr<const std::string>> get(const BlobId& id) const;

  /// Deletes a blob; an absent file is not an error (deletion after a crash may repeat).
  /// The caller deletes only after the transaction that dropped the last reference committed.
  Status remove(const BlobId& id);

  /// Removes files older than `min_age` for which `is_referenced(id)` returns false, and stale
  /// temporary files. Stops early when `stop()` returns true. Returns the number removed.
  /// Used at start-up to collect blobs written by appends that crashed before their commit.
  std::size_t remove_orphans(std::chrono::seconds min_age,
                             const std::function<bool(const BlobId&)>& is_referenced,
                             const std::function<bool()>& stop);

  /// The file that holds `id` (for diagnostics and export).
  std::string path_of(const BlobId& id) const;
  const std::string& root() const { return root_; }

  /// True when `id` has the form of a blob id (32 lower-case hex digits).
  static bool valid_id(std::string_view id);

 private:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
  /// Per first-two-hex-digits directory: its entry in root_ is known to be durable.
  std::array<std::atomic<bool>, 256> dir_durable_{};
};

}  // namespace pillarbox::store
