#include "imap/command_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "base/ascii.h"

namespace pillarbox::imap {

std::optional<std::vector<IdParam>> parse_id_params(Parser& p) {
  if (p.skip("NIL")) return std::nullopt;
  std::vector<IdParam> out;
  p.expect('(');
  while (p.ok() && !p.skip_char(')')) {
    if (!out.empty()) p.space();
    IdParam param;
    param.field = p.string();
    p.space();
    param.value = p.nstring();
    if (!p.ok()) break;
    if (out.size() == kIdMaxPairs) p.fail(fmt::format("At most {} ID field-value pairs", kIdMaxPairs));
    else if (param.field.size() > kIdMaxFieldOctets)
      p.fail(fmt::format("An ID field is at most {} octets", kIdMaxFieldOctets));
    else if (param.value && param.value->size() > kIdMaxValueOctets)
      p.fail(fmt::format("An ID value is at most {} octets", kIdMaxValueOctets));
    for (const auto& seen : out) {
      if (ascii::iequals(seen.field, param.field)) p.fail("An ID field may appear only once");
    }
    out.push_back(std::move(param));
  }
  return out;
}

std::vector<std::string> parse_enable_args(Parser& p) {
  std::vector<std::string> names;
  if (p.at_end()) {
    p.fail("ENABLE needs at least one capability");
    return names;
  }
  for (;;) {
    names.push_back(p.keyword());
    if (!p.ok() || p.at_end()) break;
    p.space();
  }
  return names;
}

namespace {

// QRESYNC's "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")",
// after "QRESYNC SP".
QresyncParams qresync_params(Parser& p) {
  QresyncParams q;
  p.expect('(');
  q.uid_validity = p.nz_number();
  p.space();
  q.modseq = p.mod_sequence(false);
  if (!p.ok() || p.skip_char(')')) return q;
  p.space();
  if (p.skip_char('(')) {
    p.fail("known-uids must come before seq-match-data");
    return q;
  }
  q.known_uids = p.sequence_set();
  if (p.ok() && q.known_uids->saved) p.fail("\"$\" is not a set of known UIDs");
  if (!p.ok() || p.skip_char(')')) return q;
  p.space();
  p.expect('(');
  const SequenceSet seqs = p.sequence_set();
  p.space();
  const SequenceSet uids = p.sequence_set();
  p.expect(')');
  p.expect(')');
  if (p.ok() && (seqs.saved || uids.saved || seqs.resolve(0).size() != uids.resolve(0).size()))
    p.fail("seq-match-data needs as many sequence numbers as UIDs");
  return q;
}

}  // namespace

SelectParams parse_select_params(Parser& p) {
  SelectParams out;
  if (p.at_end()) return out;
  p.space();
  p.expect('(');
  while (p.ok()) {
    const std::string name = p.keyword();
    if (!p.ok()) break;
    if (name == "CONDSTORE") {
      out.condstore = true;
    } else if (name == "QRESYNC") {
      p.space();
      out.qresync = qresync_params(p);
    } else {
      p.fail("Unknown SELECT parameter " + name);
      break;
    }
    if (p.skip_char(')')) break;
    p.space();
  }
  return out;
}

FetchModifiers parse_fetch_modifiers(Parser& p) {
  FetchModifiers out;
  if (!p.ok() || p.at_end()) return out;
  p.space();
  p.expect('(');
  while (p.ok()) {
    const std::string modifier = p.keyword();
    if (!p.ok()) break;
    if (modifier == "CHANGEDSINCE") {
      p.space();
      out.changed_since = p.mod_sequence(false);
    } else if (modifier == "VANISHED") {
      out.vanished = true;
    } else {
      p.fail("Unknown FETCH modifier " + modifier);
    }
    if (p.skip_char(')')) break;
    p.space();
  }
  return out;
}

std::optional<store::ModSeq> parse_store_modifiers(Parser& p) {
  if (!p.skip_char('(')) return std::nullopt;
  const std::string modifier = p.keyword();
  if (p.ok() && modifier != "UNCHANGEDSINCE") p.fail("Unknown STORE modifier " + modifier);
  p.space();
  const store::ModSeq value = p.mod_sequence(true);
  p.expect(')');
  p.space();
  return value;
}

SearchReturn parse_search_return(Parser& p) {
  SearchReturn out;
  if (!p.skip("RETURN ")) return out;
  p.expect('(');
  if (!p.skip_char(')')) {
    while (p.ok()) {
      const std::string option = p.keyword();
      if (option == "MIN") out.min = true;
      else if (option == "MAX") out.max = true;
      else if (option == "ALL") out.all = true;
      else if (option == "COUNT") out.count = true;
      else if (option == "SAVE") out.save = true;
      else if (p.ok()) p.fail("Unknown SEARCH RETURN option " + option);
      if (p.skip_char(')')) break;
      p.space();
    }
  }
  p.space();
  if (!out.esearch() && !out.save) out.all = true;  // RFC 4731 §3.1: "RETURN ()" means ALL
  return out;
}

namespace {

constexpr std::array<std::string_view, 10> kStatusItems{
    "MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "HIGHESTMODSEQ", "DELETED", "DELETED-STORAGE", "APPENDLIMIT"};

}  // namespace

std::vector<std::string> parse_status_items(Parser& parser) {
  std::vector<std::string> items;
  parser.expect('(');
  while (parser.ok()) {
    std::string item = parser.keyword();
    if (!parser.ok()) break;
    if (std::find(kStatusItems.begin(), kStatusItems.end(), item) == kStatusItems.end()) {
      parser.fail("Unknown STATUS item " + item);
      break;
    }
    items.push_back(item);
    if (parser.skip_char(')')) break;
    parser.space();
  }
  return items;
}

std::vector<QuotaLimit> parse_setquota_args(Parser& p, std::string& root) {
  std::vector<QuotaLimit> out;
  root = p.astring();
  p.space();
  p.expect('(');
  if (!p.ok() || p.skip_char(')')) return out;
  while (p.ok()) {
    QuotaLimit limit;
    limit.resource = p.keyword();
    p.space();
    limit.limit = p.number64();
    if (!p.ok()) break;
    out.push_back(std::move(limit));
    if (p.skip_char(')')) break;
    p.space();
  }
  return out;
}

}  // namespace pillarbox::imap
