#include "imap/commands/list_options.h"

#include "imap/commands/common.h"

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

ListArguments parse_list_arguments(Parser& p, bool lsub) {
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
  p.space();
  if (!lsub && next_is(p, '(')) {
    p.expect('(');
    while (p.ok()) {
      a.patterns.push_back(p.list_mailbox());
      if (!p.ok() || p.skip_char(')')) break;
      p.space();
    }
  } else {
    a.patterns.push_back(p.list_mailbox());
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
  // RFC 5258 §3: RECURSIVEMATCH alone (or with REMOTE only) is a BAD command.
  if (p.ok() && a.recursive_match && !a.selects()) p.fail("RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE");
  if (a.select_subscribed) a.return_subscribed = true;
  return a;
}

}  // namespace pillarbox::imap
