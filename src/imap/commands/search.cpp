// RFC 3501 §6.4.4 SEARCH (and UID SEARCH, §6.4.8)
//   search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
// Sequence numbers and \Recent are session state, so they are turned into UID sets here and
// the store evaluates the rest. Results only name messages this session knows about.
// RFC 4731 ESEARCH: search =/ "SEARCH" [SP "RETURN" SP "(" [search-return-opt
//   *(SP search-return-opt)] ")"] SP search-program; options MIN MAX ALL COUNT ("()" is ALL),
//   answered by one "* ESEARCH (TAG "t") [UID] MIN n MAX n ALL set COUNT n" line.
// RFC 5182 SEARCHRES: option SAVE keeps the result (UIDs) as "$" for later commands; with MIN
//   and/or MAX but neither ALL nor COUNT only those messages are kept (§2.4); SAVE alone gets no
//   ESEARCH line; a SEARCH with SAVE that fails leaves "$" empty (§2.1).
// RFC 7162 §3.1.5: the MODSEQ key turns CONDSTORE on; the result then carries the highest
//   mod-sequence of the messages returned: "(MODSEQ n)" after SEARCH, "MODSEQ n" in ESEARCH.
#include <fmt/format.h>

#include <algorithm>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/search_scope.h"
#include "store/search_eval.h"

namespace pillarbox::imap {
namespace {

bool uses_modseq(const SearchKey& key) {
  if (key.kind == SearchKey::Kind::store && key.store_key.kind == store::SearchKey::Kind::modseq) return true;
  return std::any_of(key.children.begin(), key.children.end(), uses_modseq);
}

// The messages whose MIN/MAX is asked; all of `matches` when ALL or COUNT is (RFC 5182 §2.4,
// RFC 7162 §3.1.10 use the same choice).
store::UidSet returned(const store::UidSet& matches, const SearchReturn& ret) {
  if (ret.all || ret.count || !(ret.min || ret.max) || matches.empty()) return matches;
  store::UidSet out;
  if (ret.min) out.add(matches.ranges().front().first);
  if (ret.max) out.add(matches.ranges().back().last);
  return out;
}

}  // namespace

asio::awaitable<Reply> cmd_search(Session& s, Request& r) {
  const SearchReturn ret = parse_search_return(r.parser);
  // RFC 5182 §2.1: a SEARCH ... SAVE that fails leaves "$" empty.
  auto failed = [&s, &ret](Reply reply) {
    if (ret.save && s.selected()) s.selected()->saved_search = {};
    return reply;
  };
  std::string charset;
  SearchKey program = r.parser.search_program(&charset);
  r.parser.end();
  if (!r.parser.ok()) co_return failed(Reply::bad(r.parser.error()));
  // The needles arrive in the charset named; UTF-8 and its subset US-ASCII need no conversion.
  if (!charset.empty() && charset != "UTF-8" && charset != "US-ASCII")
    co_return failed(Reply::no("BADCHARSET (US-ASCII UTF-8)", "Unsupported charset"));
  const bool modseq = uses_modseq(program);
  if (modseq) s.enable(kCondstore);
  SelectedMailbox* sel = s.selected();
  store::SearchKey query = to_store_key(program, {sel->uids(), sel->recent, sel->saved_search});
  if (sel->private_seen) store::use_private_seen(query, *sel->private_seen);
  auto& st = s.store();
  const store::MailboxId id = sel->info.id;
  auto call0 = [&st, id, query] { return st.search(id, query); };
  auto found = co_await s.store_call(std::move(call0));
  if (!found.ok()) co_return failed(reply_for(s, found.error()));
  sel = s.selected();
  if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
  const store::UidSet matches = sel->known(*found);  // a named set: ranges() refers into it
  const store::UidSet shown = returned(matches, ret);
  store::ModSeq highest = 0;
  if (modseq && !shown.empty()) {
    auto call1 = [&st, id, shown] { return st.fetch(id, shown, store::FetchNeeds{}); };
    auto metas = co_await s.store_call(std::move(call1));
    if (!metas.ok()) co_return failed(reply_for(s, metas.error()));
    sel = s.selected();
    if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
    for (const auto& m : *metas) highest = std::max(highest, m.meta.modseq);
  }
  if (ret.save) sel->saved_search = shown;
  auto number = [&](store::Uid uid) -> std::uint64_t { return r.uid ? uid : sel->seq_of(uid); };
  if (ret.esearch()) {
    std::string line = fmt::format("ESEARCH (TAG \"{}\"){}", r.tag, r.uid ? " UID" : "");
    if (!matches.empty()) {
      if (ret.min) line += fmt::format(" MIN {}", number(matches.ranges().front().first));
      if (ret.max) line += fmt::format(" MAX {}", number(matches.ranges().back().last));
      if (ret.all) {
        store::UidSet numbers = matches;
        if (!r.uid) {
          numbers = {};
          for (const auto& range : matches.ranges()) {
            for (std::uint64_t u = range.first; u <= range.last; ++u) numbers.add(sel->seq_of(static_cast<store::Uid>(u)));
          }
        }
        line += " ALL " + numbers.to_string();
      }
    }
    if (ret.count) line += fmt::format(" COUNT {}", matches.size());
    if (highest) line += fmt::format(" MODSEQ {}", highest);
    s.untagged(line);
  } else if (!ret.save) {
    std::string line = "SEARCH";
    for (const auto& range : matches.ranges()) {
      for (std::uint64_t u = range.first; u <= range.last; ++u) line += fmt::format(" {}", number(static_cast<store::Uid>(u)));
    }
    if (highest) line += fmt::format(" (MODSEQ {})", highest);
    s.untagged(line);
  }
  co_return Reply::ok("SEARCH completed");
}

}  // namespace pillarbox::imap
