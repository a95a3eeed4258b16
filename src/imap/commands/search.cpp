// RFC 3501 §6.4.4 SEARCH (and UID SEARCH, §6.4.8)
//   search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
// Sequence numbers and \Recent are session state, so they are turned into UID sets here and
// the store evaluates the rest. Results only name messages this session knows about.
#include <fmt/format.h>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {
namespace {

store::SearchKey to_store(const SearchKey& key, const SelectedMailbox& sel) {
  using K = store::SearchKey::Kind;
  store::SearchKey out;
  switch (key.kind) {
    case SearchKey::Kind::store:
      return key.store_key;
    case SearchKey::Kind::and_:
    case SearchKey::Kind::or_:
    case SearchKey::Kind::not_:
      out.kind = key.kind == SearchKey::Kind::and_ ? K::and_ : key.kind == SearchKey::Kind::or_ ? K::or_ : K::not_;
      for (const auto& c : key.children) out.children.push_back(to_store(c, sel));
      return out;
    case SearchKey::Kind::sequence_set:
      out.kind = K::uid_set;
      out.uids = sel.uids_of_sequence(key.set.resolve(sel.exists()));
      return out;
    case SearchKey::Kind::uid_set:
      out.kind = K::uid_set;
      out.uids = key.set.resolve(sel.max_uid());
      return out;
    case SearchKey::Kind::recent:
      out.kind = K::uid_set;
      out.uids = sel.recent;
      return out;
    case SearchKey::Kind::new_: {  // RECENT UNSEEN
      out.kind = K::and_;
      store::SearchKey recent;
      recent.kind = K::uid_set;
      recent.uids = sel.recent;
      store::SearchKey unseen;
      unseen.kind = K::flag_unset;
      unseen.number = store::kSeen;
      out.children = {recent, unseen};
      return out;
    }
    case SearchKey::Kind::old: {  // NOT RECENT
      out.kind = K::not_;
      store::SearchKey recent;
      recent.kind = K::uid_set;
      recent.uids = sel.recent;
      out.children = {recent};
      return out;
    }
  }
  return out;
}

// With a private \Seen the message's own \Seen means nothing to this reader: SEEN and UNSEEN
// become the reader's set and its complement.
void use_private_seen(store::SearchKey& key, const store::UidSet& seen) {
  using K = store::SearchKey::Kind;
  if ((key.kind == K::flag_set || key.kind == K::flag_unset) && key.number == store::kSeen) {
    store::SearchKey in;
    in.kind = K::uid_set;
    in.uids = seen;
    if (key.kind == K::flag_set) {
      key = std::move(in);
    } else {
      key = store::SearchKey{};
      key.kind = K::not_;
      key.children.push_back(std::move(in));
    }
    return;
  }
  for (auto& c : key.children) use_private_seen(c, seen);
}

}  // namespace

asio::awaitable<Reply> cmd_search(Session& s, Request& r) {
  std::string charset;
  SearchKey program = r.parser.search_program(&charset);
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  // The needles arrive in the charset named; UTF-8 and its subset US-ASCII need no conversion.
  if (!charset.empty() && charset != "UTF-8" && charset != "US-ASCII")
    co_return Reply::no("BADCHARSET (US-ASCII UTF-8)", "Unsupported charset");
  SelectedMailbox* sel = s.selected();
  store::SearchKey query = to_store(program, *sel);
  if (sel->private_seen) use_private_seen(query, *sel->private_seen);
  auto& st = s.store();
  auto call0 = [&st, id = sel->info.id, query] { return st.search(id, query); };
  auto found = co_await s.store_call(std::move(call0));
  if (!found.ok()) co_return reply_for(s, found.error());
  sel = s.selected();
  if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
  std::string line = "SEARCH";
  const store::UidSet matches = sel->known(*found);  // a named set: ranges() refers into it
  for (const auto& range : matches.ranges()) {
    for (std::uint64_t u = range.first; u <= range.last; ++u) {
      line += ' ';
      line += std::to_string(r.uid ? u : sel->seq_of(static_cast<store::Uid>(u)));
    }
  }
  s.untagged(line);
  co_return Reply::ok("SEARCH completed");
}

}  // namespace pillarbox::imap
