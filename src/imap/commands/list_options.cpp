#include "imap/commands/list_options.h"

#include <fmt/format.h>

#include "imap/command_args.h"

namespace pillarbox::imap {
namespace {

// Reads "(" [word *(SP word)] ")" calling `one` after each option keyword (it may read more).
template <class F>
void option_list(Parser& p, F one) {
  p.expect('(');
  if (p.skip_char(')')) return;
  while (p.ok()) {
    std::string option = p.keyword();
    if (!p.ok()) return;
    one(option);
    if (!p.ok() || p.skip_char(')')) return;
    p.space();
  }
}

bool next_is(const Parser& p, char c) { return p.ok() && !p.rest().empty() && p.rest().front() == c; }

}  // namespace

ListArguments parse_list_arguments(Parser& p, bool lsub, const ListLimits& limits) {
  ListArguments a;
  if (!lsub && next_is(p, '(')) {
    option_list(p, [&](const std::string& option) {
      if (option == "SUBSCRIBED") a.select_subscribed = true;
      else if (option == "SPECIAL-USE") a.select_special_use = true;
      else if (option == "REMOTE") a.select_remote = true;
      else if (option == "RECURSIVEMATCH") a.recursive_match = true;
      else p.fail("Unknown LIST selection option " + option);
    });
    p.space();
  }
  a.reference = p.mailbox();
  if (p.ok() && a.reference.size() > limits.max_pattern_octets)
    p.fail(fmt::format("LIST reference longer than {} octets", limits.max_pattern_octets));
  p.space();
  // Each pattern is matched against every name: their number and length are capped.
  auto pattern = [&] {
    std::string one = p.list_mailbox();
    if (!p.ok()) return;
    if (one.size() > limits.max_pattern_octets)
      p.fail(fmt::format("LIST pattern longer than {} octets", limits.max_pattern_octets));
    else if (a.patterns.size() >= limits.max_patterns)
      p.fail(fmt::format("More than {} LIST patterns", limits.max_patterns));
    else
      a.patterns.push_back(std::move(one));
  };
  if (!lsub && next_is(p, '(')) {
    p.expect('(');
    while (p.ok()) {
      pattern();
      if (!p.ok() || p.skip_char(')')) break;
      p.space();
    }
  } else {
    pattern();
  }
  if (!lsub && p.ok() && p.skip_char(' ')) {
    if (!p.skip("RETURN ")) p.fail("Expected RETURN");
    option_list(p, [&](const std::string& option) {
      if (option == "SUBSCRIBED") {
        a.return_subscribed = true;
      } else if (option == "CHILDREN") {
        a.return_children = true;
      } else if (option == "SPECIAL-USE") {
        a.return_special_use = true;
      } else if (option == "STATUS") {
        p.space();
        a.status_items = parse_status_items(p);
      } else {
        p.fail("Unknown LIST return option " + option);
      }
    });
  }
  p.end();
  // RFC 5258 §3: RECURSIVEMATCH without a base option is a BAD command. SUBSCRIBED is the only
  // base option here: SPECIAL-USE is list-select-independent-opt (RFC 6154 §6), like REMOTE.
  if (p.ok() && a.recursive_match && !a.select_subscribed) p.fail("RECURSIVEMATCH needs SUBSCRIBED");
  if (a.select_subscribed) a.return_subscribed = true;
  return a;
}

}  // namespace pillarbox::imap
