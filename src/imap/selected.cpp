#include "imap/selected.h"

#include "imap/mailbox_access.h"

#include <algorithm>

#include "base/ascii.h"
#include "imap/search_scope.h"

namespace pillarbox::imap {

std::uint32_t SelectedMailbox::seq_of(store::Uid uid) const {
  auto it = std::lower_bound(uids_.begin(), uids_.end(), uid);
  if (it == uids_.end() || *it != uid) return 0;
  return static_cast<std::uint32_t>(it - uids_.begin()) + 1;
}

bool SelectedMailbox::learn_keyword(const std::string& keyword) {
  for (const auto& have : keywords) {
    if (ascii::iequals(have, keyword)) return false;
  }
  keywords.push_back(keyword);
  return true;
}

void SelectedMailbox::assign(std::vector<store::Uid> uids, std::vector<store::ModSeq> modseqs) {
  uids_ = std::move(uids);
  modseqs_ = std::move(modseqs);
}

void SelectedMailbox::push_back(store::Uid uid, store::ModSeq modseq) {
  uids_.push_back(uid);
  modseqs_.push_back(modseq);
}

std::vector<std::uint32_t> SelectedMailbox::erase(const store::UidSet& uids) {
  std::vector<std::size_t> at;   // positions of the known ones, ascending
  for (const auto& r : uids.ranges()) {
    auto lo = std::lower_bound(uids_.begin(), uids_.end(), r.first);
    auto hi = std::upper_bound(lo, uids_.end(), r.last);
    for (auto it = lo; it != hi; ++it) at.push_back(static_cast<std::size_t>(it - uids_.begin()));
  }
  std::vector<std::uint32_t> announced;
  announced.reserve(at.size());
  if (at.empty()) return announced;
  // One pass: the k-th removed had k removed before it, so it is announced k lower; the rest
  // move down in one sweep instead of one move of the whole tail per message.
  std::size_t w = at.front();
  for (std::size_t k = 0; k < at.size(); ++k) {
    announced.push_back(static_cast<std::uint32_t>(at[k] - k + 1));
    const std::size_t end = k + 1 < at.size() ? at[k + 1] : uids_.size();
    for (std::size_t i = at[k] + 1; i < end; ++i, ++w) {
      uids_[w] = uids_[i];
      modseqs_[w] = modseqs_[i];
    }
  }
  uids_.resize(w);
  modseqs_.resize(w);
  return announced;
}

store::UidSet SelectedMailbox::known(const store::UidSet& set) const {
  store::UidSet out;
  for (const auto& r : set.ranges()) {
    auto lo = std::lower_bound(uids_.begin(), uids_.end(), r.first);
    auto hi = std::upper_bound(lo, uids_.end(), r.last);
    for (auto it = lo; it != hi; ++it) out.add(*it);
  }
  return out;
}

store::UidSet SelectedMailbox::uids_of_sequence(const store::UidSet& seqs) const {
  return imap::uids_of_sequence(uids_, seqs);
}

store::Flags SelectedMailbox::view(store::Flags shared, store::Uid uid) const {
  if (private_seen) {
    shared.system &= ~store::kSeen;
    if (private_seen->contains(uid)) shared.system |= store::kSeen;
  }
  return shared;
}

store::FlagMask SelectedMailbox::shared_mask() const { return flag_mask(rights, private_seen.has_value()); }

void SelectedMailbox::note_expunged(const std::vector<store::Uid>& uids) {
  for (auto uid : uids)
    if (seq_of(uid)) pending_expunges.add(uid);
}

}  // namespace pillarbox::imap
