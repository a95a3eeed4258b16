// to_store_key and uids_of_sequence (imap/search_scope.h).
#include "imap/search_scope.h"

#include <algorithm>

namespace pillarbox::imap {
namespace {

using K = store::SearchKey::Kind;

store::SearchKey uid_set(store::UidSet uids) {
  store::SearchKey k;
  k.kind = K::uid_set;
  k.uids = std::move(uids);
  return k;
}

}  // namespace

store::UidSet uids_of_sequence(std::span<const store::Uid> uids, const store::UidSet& seqs) {
  store::UidSet out;
  for (const auto& r : seqs.ranges()) {
    if (r.first > uids.size()) break;
    const std::uint32_t last = std::min<std::uint32_t>(r.last, static_cast<std::uint32_t>(uids.size()));
    for (std::uint32_t s = r.first; s <= last; ++s) out.add(uids[s - 1]);
  }
  return out;
}

store::SearchKey to_store_key(const SearchKey& key, const SearchScope& scope) {
  const auto exists = static_cast<std::uint32_t>(scope.uids.size());
  const store::Uid max_uid = scope.uids.empty() ? 0 : scope.uids.back();
  store::SearchKey out;
  switch (key.kind) {
    case SearchKey::Kind::store:
      return key.store_key;
    case SearchKey::Kind::and_:
    case SearchKey::Kind::or_:
    case SearchKey::Kind::not_:
      out.kind = key.kind == SearchKey::Kind::and_ ? K::and_ : key.kind == SearchKey::Kind::or_ ? K::or_ : K::not_;
      for (const auto& c : key.children) out.children.push_back(to_store_key(c, scope));
      return out;
    case SearchKey::Kind::sequence_set:
      return uid_set(key.set.saved ? scope.saved_search : uids_of_sequence(scope.uids, key.set.resolve(exists)));
    case SearchKey::Kind::uid_set:
      return uid_set(key.set.saved ? scope.saved_search : key.set.resolve(max_uid));
    case SearchKey::Kind::recent:
      return uid_set(scope.recent);
    case SearchKey::Kind::new_: {  // RECENT UNSEEN
      store::SearchKey unseen;
      unseen.kind = K::flag_unset;
      unseen.number = store::kSeen;
      out.kind = K::and_;
      out.children = {uid_set(scope.recent), std::move(unseen)};
      return out;
    }
    case SearchKey::Kind::old:  // NOT RECENT
      out.kind = K::not_;
      out.children = {uid_set(scope.recent)};
      return out;
  }
  return out;
}

}  // namespace pillarbox::imap
