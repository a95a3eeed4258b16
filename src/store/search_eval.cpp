#include "store/search_eval.h"

#include <optional>

namespace pillarbox::store {
namespace {

using Kind = SearchKey::Kind;

bool key_needs_content(Kind k) {
  switch (k) {
    case Kind::header:
    case Kind::body:
    case Kind::text:
    case Kind::sent_before:
    case Kind::sent_on:
    case Kind::sent_since:
      return true;
    default:
      return false;
  }
}

// Loads the message at most once per search_matches() call.
class LazyMessage {
 public:
  explicit LazyMessage(const MessageLoader& load) : load_(load) {}
  const mail::Message* get() {
    if (!loaded_) {
      loaded_ = true;
      message_ = load_ ? load_() : nullptr;
    }
    return message_;
  }

 private:
  const MessageLoader& load_;
  bool loaded_ = false;
  const mail::Message* message_ = nullptr;
};

bool eval(const SearchKey& k, const MessageMeta& m, LazyMessage& msg);

// AND/OR: decide the cheap children first; touch the content only if still undecided.
bool eval_junction(const SearchKey& k, const MessageMeta& m, LazyMessage& msg, bool is_and) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& c : k.children) {
      if (search_needs_content(c) != (pass == 1)) continue;
      const bool r = eval(c, m, msg);
      if (is_and && !r) return false;
      if (!is_and && r) return true;
    }
  }
  return is_and;
}

bool eval_sent(const SearchKey& k, LazyMessage& msg) {
  const mail::Message* message = msg.get();
  if (message == nullptr) return false;
  const std::optional<std::int64_t> day = message->sent_date_days();
  if (!day) return false;  // no (parsable) Date: field: no sent date to compare
  switch (k.kind) {
    case Kind::sent_before: return *day < k.number;
    case Kind::sent_on: return *day == k.number;
    default: return *day >= k.number;
  }
}

bool eval(const SearchKey& k, const MessageMeta& m, LazyMessage& msg) {
  switch (k.kind) {
    case Kind::all: return true;
    case Kind::and_: return eval_junction(k, m, msg, true);
    case Kind::or_: return eval_junction(k, m, msg, false);
    case Kind::not_: return k.children.empty() ? false : !eval(k.children[0], m, msg);
    case Kind::uid_set: return k.uids.contains(m.uid);
    case Kind::flag_set: return (m.flags.system & static_cast<std::uint32_t>(k.number)) != 0;
    case Kind::flag_unset: return (m.flags.system & static_cast<std::uint32_t>(k.number)) == 0;
    case Kind::keyword: return m.flags.has_keyword(k.value);
    case Kind::unkeyword: return !m.flags.has_keyword(k.value);
    case Kind::header: {
      const mail::Message* message = msg.get();
      return message != nullptr && message->header_contains(k.field, k.value);
    }
    case Kind::body: {
      const mail::Message* message = msg.get();
      return message != nullptr && message->body_contains(k.value);
    }
    case Kind::text: {
      const mail::Message* message = msg.get();
      return message != nullptr && message->text_contains(k.value);
    }
    case Kind::before: return day_number(m.internal_date, m.internal_date_tz) < k.number;
    case Kind::on: return day_number(m.internal_date, m.internal_date_tz) == k.number;
    case Kind::since: return day_number(m.internal_date, m.internal_date_tz) >= k.number;
    case Kind::sent_before:
    case Kind::sent_on:
    case Kind::sent_since: return eval_sent(k, msg);
    case Kind::larger: return k.number < 0 || m.size > static_cast<std::uint64_t>(k.number);
    case Kind::smaller: return k.number > 0 && m.size < static_cast<std::uint64_t>(k.number);
    case Kind::modseq: return k.number <= 0 || m.modseq >= static_cast<std::uint64_t>(k.number);
  }
  return false;
}

}  // namespace

bool search_needs_content(const SearchKey& program) {
  if (key_needs_content(program.kind)) return true;
  for (const auto& c : program.children)
    if (search_needs_content(c)) return true;
  return false;
}

bool search_needs_body(const SearchKey& program) {
  if (program.kind == Kind::body || program.kind == Kind::text) return true;
  for (const auto& c : program.children)
    if (search_needs_body(c)) return true;
  return false;
}

std::optional<UidSet> search_bound(const SearchKey& program) {
  switch (program.kind) {
    case Kind::uid_set: return program.uids;
    case Kind::and_: {
      std::optional<UidSet> best;
      for (const auto& c : program.children) {
        auto b = search_bound(c);
        if (b && (!best || b->size() < best->size())) best = std::move(b);
      }
      return best;
    }
    case Kind::or_: {
      UidSet all;
      for (const auto& c : program.children) {
        auto b = search_bound(c);
        if (!b) return std::nullopt;
        all.add(*b);
      }
      return all;
    }
    default: return std::nullopt;
  }
}

std::int64_t day_number(std::int64_t epoch_seconds, std::int32_t tz_minutes) {
  const std::int64_t local = epoch_seconds + static_cast<std::int64_t>(tz_minutes) * 60;
  std::int64_t day = local / 86400;
  if (local % 86400 < 0) --day;  // floor for dates before 1970
  return day;
}

bool search_matches(const SearchKey& program, const MessageMeta& meta, const MessageLoader& load) {
  LazyMessage msg(load);
  return eval(program, meta, msg);
}

void use_private_seen(SearchKey& key, const UidSet& seen) {
  using K = SearchKey::Kind;
  if ((key.kind == K::flag_set || key.kind == K::flag_unset) && key.number == kSeen) {
    SearchKey in;
    in.kind = K::uid_set;
    in.uids = seen;
    if (key.kind == K::flag_set) {
      key = std::move(in);
    } else {
      key = SearchKey{};
      key.kind = K::not_;
      key.children.push_back(std::move(in));
    }
    return;
  }
  for (auto& c : key.children) use_private_seen(c, seen);
}


}  // namespace pillarbox::store
