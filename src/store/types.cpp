// UidSet and Flags member functions (store/types.h).
#include "store/types.h"

#include <algorithm>

#include "base/ascii.h"

namespace pillarbox::store {

namespace {

// Orders keywords case-insensitively (store/types.h: "sorted case-insensitively").
bool keyword_less(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(ascii::to_lower(x)) < static_cast<unsigned char>(ascii::to_lower(y));
  });
}

}  // namespace

UidSet UidSet::of(const std::vector<Uid>& uids) {
  UidSet s;
  for (Uid uid : uids) s.add(uid);
  return s;
}

void UidSet::add(Uid first, Uid last) {
  if (first > last) std::swap(first, last);
  // The first range that overlaps or touches [first, last]: its last + 1 >= first. Computed in
  // 64 bits so that a range ending at 2^32-1 cannot wrap.
  auto begin = std::lower_bound(ranges_.begin(), ranges_.end(), first, [](const Range& r, Uid uid) {
    return static_cast<std::uint64_t>(r.last) + 1 < uid;
  });
  auto end = begin;
  while (end != ranges_.end() && end->first <= static_cast<std::uint64_t>(last) + 1) {
    first = std::min(first, end->first);
    last = std::max(last, end->last);
    ++end;
  }
  if (begin == end) {
    ranges_.insert(begin, Range{first, last});
    return;
  }
  *begin = Range{first, last};
  ranges_.erase(begin + 1, end);
}

void UidSet::add(const UidSet& other) {
  if (other.ranges_.empty()) return;
  if (ranges_.empty()) {
    ranges_ = other.ranges_;
    return;
  }
  // Linear merge of two sorted lists, then coalescing.
  std::vector<Range> all;
  all.reserve(ranges_.size() + other.ranges_.size());
  std::merge(ranges_.begin(), ranges_.end(), other.ranges_.begin(), other.ranges_.end(),
             std::back_inserter(all), [](const Range& a, const Range& b) { return a.first < b.first; });
  std::vector<Range> out;
  out.reserve(all.size());
  for (const Range& r : all) {
    if (!out.empty() && r.first <= static_cast<std::uint64_t>(out.back().last) + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  ranges_ = std::move(out);
}

void UidSet::remove(Uid uid) {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    Range r = ranges_[i];
    if (uid < r.first || uid > r.last) continue;
    ranges_.erase(ranges_.begin() + static_cast<std::ptrdiff_t>(i));
    // Put back what is left on either side, in order, at the same place.
    if (uid < r.last) ranges_.insert(ranges_.begin() + static_cast<std::ptrdiff_t>(i), Range{uid + 1, r.last});
    if (uid > r.first) ranges_.insert(ranges_.begin() + static_cast<std::ptrdiff_t>(i), Range{r.first, uid - 1});
    return;
  }
}

bool UidSet::contains(Uid uid) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), uid,
                             [](Uid u, const Range& r) { return u < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return uid <= it->last;
}

std::uint64_t UidSet::size() const {
  std::uint64_t n = 0;
  for (const Range& r : ranges_) n += static_cast<std::uint64_t>(r.last) - r.first + 1;
  return n;
}

std::vector<Uid> UidSet::to_vector() const {
  std::vector<Uid> out;
  out.reserve(static_cast<std::size_t>(size()));
  for (const Range& r : ranges_) {
    for (std::uint64_t u = r.first; u <= r.last; ++u) out.push_back(static_cast<Uid>(u));
  }
  return out;
}

std::string UidSet::to_string() const {
  std::string out;
  for (const Range& r : ranges_) {
    if (!out.empty()) out += ',';
    out += std::to_string(r.first);
    if (r.last != r.first) {
      out += ':';
      out += std::to_string(r.last);
    }
  }
  return out;
}

void Flags::add_keyword(const std::string& keyword) {
  auto it = std::lower_bound(keywords.begin(), keywords.end(), keyword, keyword_less);
  if (it != keywords.end() && ascii::iequals(*it, keyword)) return;  // first spelling wins
  keywords.insert(it, keyword);
}

bool Flags::has_keyword(const std::string& keyword) const {
  auto it = std::lower_bound(keywords.begin(), keywords.end(), keyword, keyword_less);
  return it != keywords.end() && ascii::iequals(*it, keyword);
}

void Flags::remove_keyword(const std::string& keyword) {
  auto it = std::lower_bound(keywords.begin(), keywords.end(), keyword, keyword_less);
  if (it != keywords.end() && ascii::iequals(*it, keyword)) keywords.erase(it);
}

}  // namespace pillarbox::store
