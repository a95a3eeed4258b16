// The header blocks of message files, kept in memory for the commands that read nothing else:
// SEARCH on header keys (SUBJECT, FROM, HEADER ...) and FETCH of BODY[HEADER] and
// BODY[HEADER.FIELDS ...]. Reading them from their files (open, read, close per message) was
// the largest cost of those commands; Dovecot keeps the same in its dovecot.index.cache.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mail/message.h"
#include "store/blob_store.h"

namespace pillarbox::store {

/// Least-recently-used map from blob id to the header block of that file, served (CRLF) and
/// parsed (a mail::Message of the header alone: SEARCH tests it without parsing again), up to
/// a limit in bytes. Message files never change and their ids are never reused, so an entry is
/// never stale; one whose file was removed is simply never asked for again. Thread-safe.
class HeaderCache {
 public:
  /// `limit_bytes`: what the cached header blocks may take together (each counted as its
  /// length plus a fixed overhead); 0 disables the cache.
  explicit HeaderCache(std::uint64_t limit_bytes) : limit_(limit_bytes) {}

  /// Changes the limit, evicting the least recently used entries beyond it.
  void set_limit(std::uint64_t bytes);

  /// The cached header block of `id`, or null. A hit makes it the most recently used.
  std::shared_ptr<const mail::Message> find(const BlobId& id);

  /// Caches `header` for `id` (replacing any), then evicts down to the limit. A block larger
  /// than the whole limit is not kept.
  void insert(const BlobId& id, std::shared_ptr<const mail::Message> header);

  /// Bytes accounted for the entries now cached (each: twice its header, for the parsed
  /// fields, plus kEntryOverhead), and their number.
  std::uint64_t bytes() const;
  std::size_t entries() const;

  /// What one entry costs besides its header bytes (map and list nodes, Message, part tree).
  static constexpr std::uint64_t kEntryOverhead = 400;

 private:
  struct Entry {
    BlobId id;
    std::shared_ptr<const mail::Message> header;
  };
  void evict_locked();
  static std::uint64_t cost(const Entry& e) { return 2 * e.header->bytes().size() + e.id.size() + kEntryOverhead; }

  mutable std::mutex mutex_;
  std::uint64_t limit_;
  std::uint64_t bytes_ = 0;
  std::list<Entry> lru_;   // front: most recently used
  std::unordered_map<BlobId, std::list<Entry>::iterator> index_;
};

}  // namespace pillarbox::store
