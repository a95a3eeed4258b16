// RFC 3501 §6.4.5 FETCH (and UID FETCH, §6.4.8)
//   fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
//           "(" fetch-att *(SP fetch-att) ")")
// The store is asked once per batch of UIDs for exactly what the items need; ENVELOPE and
// BODYSTRUCTURE come precomputed from the store, sections are cut from the served bytes.
// BODY[...] and RFC822/RFC822.TEXT set \Seen (not BODY.PEEK, not RFC822.HEADER) and then
// FLAGS is reported too (§6.4.5). BINARY[part] (RFC 3516 §4.2) sets \Seen like BODY[...];
// BINARY.PEEK and BINARY.SIZE do not. Decoded content holding NUL goes out as a literal8
// ("~{N}", §4.3); other content as an ordinary literal. A part whose encoding cannot be
// decoded fails the whole FETCH with NO [UNKNOWN-CTE] (§4.3) before its message's response;
// when the FETCH would set \Seen, all encodings are checked before the flag is stored, so a
// failing FETCH changes nothing.
// RFC 7162: fetch =/ ... [SP "(" fetch-modifier *(SP fetch-modifier) ")"]
//   fetch-modifier = "CHANGEDSINCE" SP mod-sequence-value / "VANISHED"
// MODSEQ and CHANGEDSINCE turn CONDSTORE on (§3.1); CHANGEDSINCE shows only messages whose
// mod-sequence is above it and implies MODSEQ (§3.1.4.1). VANISHED (UID FETCH with CHANGEDSINCE,
// after ENABLE QRESYNC, §3.2.6) first lists, as VANISHED (EARLIER), the UIDs of the set expunged
// since then. Once CONDSTORE is on, a FETCH that sets \Seen reports UID and MODSEQ too.
#include <fmt/format.h>

#include <algorithm>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"
#include "mail/message.h"

namespace pillarbox::imap {
namespace {

Reply unknown_cte_reply() {
  return Reply::no("UNKNOWN-CTE", "Cannot decode the part's Content-Transfer-Encoding");
}

void append_raw_literal(std::string& out, std::string_view data) {
  out += fmt::format("{{{}}}\r\n", data.size());
  out += data;
}

// An ordinary literal holds CHAR8, which excludes NUL (RFC 3501 §4.3, §9), yet a stored message
// may hold NUL (APPEND of a literal8, LMTP). As Dovecot does, NUL goes out as 0x80 outside
// BINARY: the size is unchanged, so RFC822.SIZE and <origin.octets> stay consistent.
void append_literal(std::string& out, std::string_view data) {
  append_raw_literal(out, data);
  std::replace(out.end() - static_cast<std::ptrdiff_t>(data.size()), out.end(), '\0', '\x80');
}

// RFC 3516 §4.3: a literal8 only when the data needs one (it holds NUL), so a client can tell
// from the form alone whether NUL is there.
void append_binary(std::string& out, std::string_view data) {
  if (data.find('\0') != std::string_view::npos) out += '~';
  append_raw_literal(out, data);
}

std::string_view cut(std::string_view data, const FetchAttribute& a) {
  if (!a.partial_origin) return data;
  if (*a.partial_origin >= data.size()) return {};
  return data.substr(*a.partial_origin, a.partial_octets);
}

bool is_binary(const FetchAttribute& a) {
  return a.kind == FetchAttribute::Kind::binary_section || a.kind == FetchAttribute::Kind::binary_size;
}

// RFC 3516 §4.3: a FETCH that fails with NO [UNKNOWN-CTE] must change nothing, yet \Seen is
// stored before any content is read. So when BINARY would set \Seen, the encodings of the
// named parts of every message are checked first (the content is read twice then).
// Returns the failure reply, or nullopt when every part can be decoded.
asio::awaitable<std::optional<Reply>> check_encodings(Session& s, store::MailboxId id, const store::UidSet& uids,
                                                      const std::vector<FetchAttribute>& atts) {
  store::FetchNeeds needs;
  needs.content = true;
  auto& st = s.store();
  for (const auto& chunk : split(uids, 64)) {
    auto call = [&st, id, chunk, needs] { return st.fetch(id, chunk, needs); };
    auto fetched = co_await s.store_call(std::move(call));
    if (!fetched.ok()) co_return reply_for(s, fetched.error());
    for (const auto& f : *fetched) {
      if (!f.content) continue;
      const mail::Message parsed(f.content);
      for (const auto& a : atts) {
        if (is_binary(a) && parsed.binary_status(a.section.part) == mail::Message::Binary::Status::unknown_cte)
          co_return unknown_cte_reply();
      }
    }
  }
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<Reply> cmd_fetch(Session& s, Request& r) {
  Parser& p = r.parser;
  SequenceSet set = p.sequence_set();
  p.space();
  std::vector<FetchAttribute> atts = p.fetch_attributes();
  const FetchModifiers modifiers = parse_fetch_modifiers(p);
  const std::optional<store::ModSeq> changed_since = modifiers.changed_since;
  const bool vanished = modifiers.vanished;
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  if (vanished && !r.uid) co_return Reply::bad("VANISHED needs UID FETCH");
  if (vanished && !s.enabled(kQresync)) co_return Reply::bad("VANISHED needs ENABLE QRESYNC first");
  if (vanished && !changed_since) co_return Reply::bad("VANISHED needs CHANGEDSINCE");
  SelectedMailbox* sel = s.selected();
  if (auto problem = invalid_sequence(*sel, set, r.uid)) co_return Reply::bad(*problem);

  using K = FetchAttribute::Kind;
  auto has = [&atts](K kind) {
    return std::any_of(atts.begin(), atts.end(), [kind](const FetchAttribute& a) { return a.kind == kind; });
  };
  auto add = [&atts](K kind) {
    FetchAttribute a;
    a.kind = kind;
    atts.push_back(a);
  };
  auto add_uid = [&atts] {
    FetchAttribute uid;
    uid.kind = K::uid;
    atts.insert(atts.begin(), uid);
  };
  if (changed_since && !has(K::modseq)) add(K::modseq);
  if (has(K::modseq)) s.enable(kCondstore);
  store::FetchNeeds needs;
  bool sets_seen = false;
  bool has_uid = false;
  bool has_flags = false;
  // Only top-level header sections (the usual "list the folder" fetch of mail clients): the
  // store can answer from the header blocks it keeps in memory instead of reading each file.
  bool past_header = false;
  auto header_section = [](const mail::Section& s) {
    using T = mail::Section::Text;
    return s.part.empty() && (s.text == T::header || s.text == T::header_fields || s.text == T::header_fields_not);
  };
  for (const auto& a : atts) {
    switch (a.kind) {
      case K::envelope: needs.envelope = true; break;
      case K::body:
      case K::bodystructure: needs.body_structure = true; break;
      case K::rfc822:
      case K::rfc822_text: needs.content = true; sets_seen = true; past_header = true; break;
      case K::rfc822_header: needs.content = true; break;
      case K::body_section:
        needs.content = true;
        sets_seen = sets_seen || !a.peek;
        past_header = past_header || !header_section(a.section);
        break;
      case K::binary_section: needs.content = true; sets_seen = sets_seen || !a.peek; past_header = true; break;
      case K::binary_size: needs.content = true; past_header = true; break;
      case K::uid: has_uid = true; break;
      case K::flags: has_flags = true; break;
      default: break;
    }
  }
  needs.header_only = needs.content && !past_header;
  // RFC 3501 §6.4.8: UID FETCH always reports UID.
  if (r.uid && !has_uid) add_uid();
  // RFC 4314 §4: the implicit \Seen needs right 's'; without it FETCH still works, unmarked.
  sets_seen = sets_seen && !sel->examined && sel->may_set_seen();
  if (sets_seen && !has_flags) add(K::flags);
  if (sets_seen && s.enabled(kCondstore)) {  // RFC 7162 §3.1: the \Seen change shows UID and MODSEQ
    if (!has(K::uid)) add_uid();
    if (!has(K::modseq)) add(K::modseq);
  }

  store::UidSet uids = resolve_set(*sel, set, r.uid);
  auto& st = s.store();
  const store::MailboxId id = sel->info.id;
  if (sets_seen && !uids.empty() && std::any_of(atts.begin(), atts.end(), is_binary)) {
    auto failed = co_await check_encodings(s, id, uids, atts);
    if (failed) co_return std::move(*failed);
    sel = s.selected();
    if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
  }
  // With CHANGEDSINCE, the messages changed after it, taken before the implicit \Seen gives
  // them all a new mod-sequence: only these are shown, and only these get \Seen.
  std::optional<store::UidSet> changed_before_seen;
  if (sets_seen && !uids.empty()) {
    store::Flags seen;
    seen.system = store::kSeen;
    const std::optional<store::AccountId> reader = sel->private_reader();
    struct SeenDone {
      store::StoreResult result;
      store::UidSet changed;
    };
    auto call0 = [&st, id, uids, seen, reader, changed_since]() -> Result<SeenDone> {
      SeenDone out;
      out.changed = uids;
      if (changed_since) {
        auto metas = st.fetch(id, uids, store::FetchNeeds{});
        if (!metas) return metas.error();
        out.changed = {};
        for (const auto& m : *metas)
          if (m.meta.modseq > *changed_since) out.changed.add(m.meta.uid);
      }
      auto stored = reader ? st.set_private_seen(id, *reader, out.changed, true)
                           : st.store_flags(id, out.changed, store::StoreMode::add, seen);
      if (!stored) return stored.error();
      out.result = std::move(*stored);
      return out;
    };
    auto seen_done = co_await s.store_call(std::move(call0));
    if (!seen_done.ok()) co_return reply_for(s, seen_done.error());
    sel = s.selected();
    if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
    if (changed_since) changed_before_seen = std::move(seen_done->changed);
    const store::StoreResult* done = &seen_done->result;
    for (const auto& m : done->updated) {
      if (auto seq = sel->seq_of(m.uid)) sel->set_modseq(seq, std::max(sel->modseq_at(seq), m.modseq));
      if (sel->private_seen) sel->private_seen->add(m.uid);
    }
  }

  if (vanished) {
    // RFC 7162 §3.2.6: the set's UIDs expunged after CHANGEDSINCE; UIDs this session still
    // knows are left to the VANISHED that announces them.
    auto call2 = [&st, id, since = *changed_since] { return st.changes_since(id, since); };
    auto changes = co_await s.store_call(std::move(call2));
    if (!changes.ok()) co_return reply_for(s, changes.error());
    sel = s.selected();
    if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
    const store::UidSet asked =
        set.saved ? sel->saved_search : set.resolve(std::max(changes->uid_next - 1, sel->max_uid()));
    store::UidSet gone;
    for (auto uid : changes->expunged) {
      if (asked.contains(uid) && !sel->seq_of(uid)) gone.add(uid);
    }
    if (!gone.empty()) s.untagged("VANISHED (EARLIER) " + gone.to_string());
  }

  // Content is read in groups of at most kContentGroupOctets (or one message), so a session
  // whose client does not read holds one such group and its output buffer, not 64 messages
  // of up to max_message_octets each: the sizes come first, from the metadata.
  constexpr std::uint64_t kContentGroupOctets = 1 << 20;
  const bool whole_messages = needs.content && !needs.header_only;
  const std::uint64_t batch = needs.content ? 64 : 1000;
  for (const auto& batch_uids : split(uids, batch)) {
    std::vector<store::UidSet> groups{batch_uids};
    if (whole_messages && batch_uids.size() > 1) {
      auto sizes_call = [&st, id, batch_uids] { return st.fetch(id, batch_uids, store::FetchNeeds{}); };
      auto sized = co_await s.store_call(std::move(sizes_call));
      if (!sized.ok()) co_return reply_for(s, sized.error());
      groups.clear();
      std::uint64_t octets = kContentGroupOctets;
      for (const auto& f : *sized) {
        if (octets + f.meta.size > kContentGroupOctets) {
          groups.emplace_back();
          octets = 0;
        }
        groups.back().add(f.meta.uid);
        octets += f.meta.size;
      }
    }
    for (const auto& chunk : groups) {
      auto call1 = [&st, id, chunk, needs] { return st.fetch(id, chunk, needs); };
      auto fetched = co_await s.store_call(std::move(call1));
      if (!fetched.ok()) co_return reply_for(s, fetched.error());
      sel = s.selected();
      if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
      for (const auto& f : *fetched) {
        std::uint32_t seq = sel->seq_of(f.meta.uid);
        if (!seq) continue;
        if (changed_before_seen ? !changed_before_seen->contains(f.meta.uid)
                                : changed_since && std::max(f.meta.modseq, sel->modseq_at(seq)) <= *changed_since)
          continue;
        // Parsed once per message, on first need; a header-only fetch brings it parsed already.
        std::optional<mail::Message> own;
        const mail::Message* parsed = f.header.get();
        std::string out = fmt::format("* {} FETCH (", seq);
        bool first = true;
        bool unknown_cte = false;
        for (const auto& a : atts) {
          if (!first) out += ' ';
          first = false;
          switch (a.kind) {
            case K::uid: out += fmt::format("UID {}", f.meta.uid); break;
            case K::modseq: out += fmt::format("MODSEQ ({})", std::max(f.meta.modseq, sel->modseq_at(seq))); break;
            case K::flags:
              out += "FLAGS " + flags_out(sel->view(f.meta.flags, f.meta.uid), sel->recent.contains(f.meta.uid));
              break;
            case K::internaldate:
              out += "INTERNALDATE " + date_time_out(f.meta.internal_date, f.meta.internal_date_tz);
              break;
            case K::rfc822_size: out += fmt::format("RFC822.SIZE {}", f.meta.size); break;
            case K::envelope: out += "ENVELOPE " + f.envelope; break;
            case K::bodystructure: out += "BODYSTRUCTURE " + f.body_structure; break;
            case K::body: out += "BODY " + f.body; break;
            case K::rfc822:
              out += "RFC822 ";
              append_literal(out, f.content ? std::string_view(*f.content) : std::string_view());
              break;
            case K::rfc822_header:
            case K::rfc822_text:
            case K::body_section: {
              mail::Section section = a.section;
              if (a.kind == K::rfc822_header) section.text = mail::Section::Text::header;
              if (a.kind == K::rfc822_text) section.text = mail::Section::Text::text;
              out += a.kind == K::rfc822_header ? "RFC822.HEADER "
                     : a.kind == K::rfc822_text ? "RFC822.TEXT "
                                                : a.response_name + " ";
              if (!f.content) {
                out += "NIL";
                break;
              }
              if (section.part.empty() && section.text == mail::Section::Text::none) {
                append_literal(out, cut(*f.content, a));
                break;
              }
              if (!parsed) parsed = &own.emplace(f.content);
              auto bytes = parsed->section(section);
              if (!bytes) out += "NIL";
              else append_literal(out, cut(*bytes, a));
              break;
            }
            case K::binary_section:
            case K::binary_size: {
              out += a.response_name + " ";
              if (!f.content) {
                out += a.kind == K::binary_size ? "0" : "NIL";
                break;
              }
              if (!parsed) parsed = &own.emplace(f.content);
              using Status = mail::Message::Binary::Status;
              if (a.kind == K::binary_size) {
                // A part that does not exist has no content: size 0 (the grammar has no NIL here).
                const mail::Message::BinarySize size = parsed->binary_size(a.section.part);
                unknown_cte = size.status == Status::unknown_cte;
                out += std::to_string(size.size);
                break;
              }
              const mail::Message::Binary decoded = parsed->binary(a.section.part);
              if (decoded.status == Status::unknown_cte) {
                unknown_cte = true;
              } else if (decoded.status == Status::missing) {
                out += "NIL";
              } else {
                append_binary(out, cut(decoded.data(), a));
              }
              break;
            }
          }
          if (unknown_cte) break;
        }
        if (unknown_cte) co_return unknown_cte_reply();
        out += ")\r\n";
        s.write(out);
        co_await s.flush_if_full();
        sel = s.selected();
        if (!sel) co_return Reply::no("CANNOT", "Mailbox closed");
      }
    }
  }
  co_return Reply::ok("FETCH completed");
}

}  // namespace pillarbox::imap
