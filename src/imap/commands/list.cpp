// RFC 3501 §6.3.8 LIST and §6.3.9 LSUB
//   list = "LIST" SP mailbox SP list-mailbox
//   lsub = "LSUB" SP mailbox SP list-mailbox
// LIST shows every mailbox the account may look up (RFC 4314 §4: right 'l'): its own, others'
// under "Other users/<user>/" and public folders under "Public Folders/" (RFC 2342). Levels that
// hold visible children but are not visible mailboxes themselves ("Other users", a user's
// level, or a parent the account may not look up) are listed with \Noselect, so folder-tree
// clients can show them; they reveal nothing that the children's names do not. Every LIST
// line carries \HasChildren or \HasNoChildren (RFC 3348), counting only visible children.
#include <fmt/format.h>

#include <map>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/list_match.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

struct Node {
  bool selectable = false;
  bool has_children = false;
};

// Adds every superior level of each name as a non-selectable node and marks who has children.
void add_levels(std::map<std::string, Node>& names) {
  std::vector<std::string> levels;
  for (const auto& [name, node] : names) {
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
      levels.push_back(name.substr(0, slash));
  }
  for (auto& level : levels) names[level].has_children = true;
}

}  // namespace

asio::awaitable<Reply> cmd_list(Session& s, Request& r) {
  std::string reference = r.parser.mailbox();
  r.parser.space();
  std::string pattern = r.parser.list_mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  const bool lsub = r.name == "LSUB";
  if (pattern.empty() && !lsub) {
    // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
    std::string root = reference.substr(0, reference.find('/') == std::string::npos ? 0 : reference.find('/') + 1);
    s.untagged(fmt::format("LIST (\\Noselect) \"/\" {}", mailbox_out(root)));
    co_return Reply::ok("LIST completed");
  }
  std::string full = reference;
  if (!full.empty() && full.back() != '/' && !pattern.empty() && pattern.front() != '/') full += '/';
  if (!full.empty() && full.back() == '/' && !pattern.empty() && pattern.front() == '/') full.pop_back();
  full += pattern;

  auto& st = s.store();
  const store::Account account = *s.account();
  std::map<std::string, Node> names;
  if (lsub) {
    auto call0 = [&st, id = account.id] { return st.list_subscriptions(id); };
    auto subs = co_await s.store_call(std::move(call0));
    if (!subs.ok()) co_return reply_for(s, subs.error());
    for (const auto& n : *subs) names[n].selectable = true;
    // LSUB shows an unsubscribed superior only where "%" stops at its level (RFC 3501 §6.3.9).
    if (!full.empty() && full.back() == '%') {
      std::map<std::string, Node> with_levels = names;
      add_levels(with_levels);
      for (auto& [name, node] : with_levels) names.emplace(name, Node{false, false});
    }
  } else {
    auto call1 = [&st, account] { return visible_mailboxes(st, account); };
    auto all = co_await s.store_call(std::move(call1));
    if (!all.ok()) co_return reply_for(s, all.error());
    for (const auto& m : *all) names[m.visible].selectable = true;
    add_levels(names);
  }

  auto emit = [&](const std::string& name, const Node& node) {
    std::string attributes;
    if (!node.selectable) attributes = "\\Noselect";
    if (!lsub) {
      if (!attributes.empty()) attributes += ' ';
      attributes += node.has_children ? "\\HasChildren" : "\\HasNoChildren";
    }
    s.untagged(fmt::format("{} ({}) \"/\" {}", lsub ? "LSUB" : "LIST", attributes, mailbox_out(name)));
  };
  if (auto it = names.find("INBOX"); it != names.end() && list_match(full, "INBOX")) emit("INBOX", it->second);
  for (const auto& [name, node] : names) {
    if (name == "INBOX") continue;
    if (list_match(full, name)) emit(name, node);
  }
  co_return Reply::ok(lsub ? "LSUB completed" : "LIST completed");
}

}  // namespace pillarbox::imap
