// RFC 3501 §6.3.8 LIST and §6.3.9 LSUB, with RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS and
// RFC 6154 SPECIAL-USE (the syntax is in list_options.h).
// LIST shows every mailbox the account may look up (RFC 4314 §4: right 'l'): its own, others'
// under "Other users/<user>/" and public folders under "Public Folders/" (RFC 2342). Levels that
// hold visible children but are not visible mailboxes themselves ("Other users", a user's
// level, or a parent the account may not look up) are listed with \Noselect, so folder-tree
// clients can show them; they reveal nothing that the children's names do not. Every LIST
// line carries \HasChildren or \HasNoChildren (RFC 3348; RFC 5258 §4 lets a server give them
// without the CHILDREN return option), counting only visible children, and the special-use
// attribute of the account's own mailboxes (RFC 6154 §2, also without the return option).
// Subscribed names that are not mailboxes the account can see are \NonExistent (RFC 5258 §3).
#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/commands/list_options.h"
#include "imap/list_match.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

struct Node {
  bool exists = false;        ///< a mailbox the account may look up
  bool level = false;         ///< not a mailbox, but a superior level of one (\Noselect)
  bool has_children = false;  ///< an existing mailbox lies below
  bool subscribed = false;
  bool child_info = false;    ///< RECURSIVEMATCH: a subscribed descendant outside the patterns
  std::string special_use;
  access::Rights rights;
};

using Names = std::map<std::string, Node>;

// Every superior level of each name that satisfies `of`.
template <class Pred>
std::vector<std::string> levels_of(const Names& names, Pred of) {
  std::vector<std::string> levels;
  for (const auto& [name, node] : names) {
    if (!of(node)) continue;
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
      levels.push_back(name.substr(0, slash));
  }
  return levels;
}

// Marks the superiors of existing mailboxes: they have children, and are \Noselect levels
// where they are not mailboxes themselves.
void add_levels(Names& names) {
  for (auto& level : levels_of(names, [](const Node& n) { return n.exists; })) {
    Node& node = names[level];
    node.has_children = true;
    if (!node.exists) node.level = true;
  }
}

// The reference and a pattern joined into one pattern (RFC 3501 §6.3.8).
std::string full_pattern(const std::string& reference, const std::string& pattern) {
  std::string full = reference;
  if (!full.empty() && full.back() != '/' && !pattern.empty() && pattern.front() != '/') full += '/';
  if (!full.empty() && full.back() == '/' && !pattern.empty() && pattern.front() == '/') full.pop_back();
  return full + pattern;
}

asio::awaitable<Reply> lsub(Session& s, const ListArguments& a) {
  const std::string full = full_pattern(a.reference, a.patterns.front());
  auto& st = s.store();
  auto call = [&st, id = s.account()->id] { return st.list_subscriptions(id); };
  auto subs = co_await s.store_call(std::move(call));
  if (!subs.ok()) co_return reply_for(s, subs.error());
  Names names;
  for (const auto& n : *subs) names[n].exists = true;
  // LSUB shows an unsubscribed superior only where "%" stops at its level (RFC 3501 §6.3.9).
  if (!full.empty() && full.back() == '%') {
    for (auto& level : levels_of(names, [](const Node&) { return true; })) names.emplace(level, Node{});
  }
  auto emit = [&](const std::string& name, const Node& node) {
    s.untagged(fmt::format("LSUB ({}) \"/\" {}", node.exists ? "" : "\\Noselect", mailbox_out(name)));
  };
  if (auto it = names.find("INBOX"); it != names.end() && list_match(full, "INBOX")) emit("INBOX", it->second);
  for (const auto& [name, node] : names) {
    if (name != "INBOX" && list_match(full, name)) emit(name, node);
  }
  co_return Reply::ok("LSUB completed");
}

// One LIST response line to send, and its STATUS data when asked for.
struct Entry {
  std::string name;
  const Node* node = nullptr;
  bool child_info = false;
  std::optional<std::string> status;
};

std::string list_line(const ListArguments& a, const Entry& e) {
  const Node& node = *e.node;
  std::string attributes;
  auto add = [&](std::string_view attribute) {
    if (!attributes.empty()) attributes += ' ';
    attributes += attribute;
  };
  if (!node.exists) add(node.level ? "\\Noselect" : "\\NonExistent");
  if (a.return_subscribed && node.subscribed) add("\\Subscribed");
  if (node.exists || node.level) add(node.has_children ? "\\HasChildren" : "\\HasNoChildren");
  if (!node.special_use.empty()) add(node.special_use);
  std::string line = fmt::format("LIST ({}) \"/\" {}", attributes, mailbox_out(e.name));
  if (e.child_info) {
    // RFC 5258 §3.5: which base selection criteria a descendant outside the pattern satisfies.
    // SUBSCRIBED is the only base option here; SPECIAL-USE is independent (RFC 6154 §6) and
    // so never a CHILDINFO tag.
    line += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
  }
  return line;
}

}  // namespace

asio::awaitable<Reply> cmd_list(Session& s, Request& r) {
  const bool is_lsub = r.name == "LSUB";
  const auto& limits = s.config().limits;
  const ListArguments a = parse_list_arguments(r.parser, is_lsub, {limits.max_list_patterns, limits.max_list_pattern_octets});
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (is_lsub) co_return co_await lsub(s, a);
  if (a.patterns.size() == 1 && a.patterns.front().empty()) {
    // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
    const auto slash = a.reference.find('/');
    std::string root = a.reference.substr(0, slash == std::string::npos ? 0 : slash + 1);
    s.untagged(fmt::format("LIST (\\Noselect) \"/\" {}", mailbox_out(root)));
    co_return Reply::ok("LIST completed");
  }
  std::vector<std::string> patterns;
  for (const auto& p : a.patterns) patterns.push_back(full_pattern(a.reference, p));
  auto matches = [&patterns](const std::string& name) {
    for (const auto& p : patterns)
      if (list_match(p, name)) return true;
    return false;
  };

  auto& st = s.store();
  const store::Account account = *s.account();
  const bool need_subscriptions = a.return_subscribed;
  struct Found {
    std::vector<VisibleMailbox> mailboxes;
    std::vector<std::string> subscriptions;
  };
  auto call1 = [&st, account, need_subscriptions]() -> Result<Found> {
    Found out;
    auto all = visible_mailboxes(st, account);
    if (!all) return all.error();
    out.mailboxes = std::move(*all);
    if (need_subscriptions) {
      auto subs = st.list_subscriptions(account.id);
      if (!subs) return subs.error();
      out.subscriptions = std::move(*subs);
    }
    return out;
  };
  auto found = co_await s.store_call(std::move(call1));
  if (!found.ok()) co_return reply_for(s, found.error());

  Names names;
  for (const auto& m : found->mailboxes) {
    Node& node = names[m.visible];
    node.exists = true;
    node.rights = m.rights;
    node.special_use = m.special_use;
  }
  add_levels(names);
  for (const auto& n : found->subscriptions) names[n].subscribed = true;
  // RFC 5258 §3: with RECURSIVEMATCH, a parent of a selected name is listed even when it is no
  // mailbox and no level of one (then \NonExistent).
  if (a.recursive_match) {
    for (auto& level : levels_of(names, [](const Node& n) { return n.subscribed; })) names.emplace(level, Node{});
  }
  auto selected = [&a](const Node& n) {
    if (!a.selects()) return n.exists || n.level;
    return (!a.select_subscribed || n.subscribed) && (!a.select_special_use || !n.special_use.empty());
  };
  // RFC 5258 §3.5: CHILDINFO when a descendant satisfies the base selection (SUBSCRIBED) but not
  // the patterns. One pass: each such name marks its superiors, walking up until one is marked
  // already (its own superiors then are too), so no name is looked at twice per level.
  if (a.recursive_match) {
    for (const auto& [name, node] : names) {
      if (!node.subscribed || matches(name)) continue;
      for (std::size_t slash = name.rfind('/'); slash != std::string::npos && slash > 0; slash = name.rfind('/', slash - 1)) {
        auto it = names.find(name.substr(0, slash));
        if (it == names.end() || it->second.child_info) break;
        it->second.child_info = true;
      }
    }
  }

  std::vector<Entry> entries;
  auto consider = [&](const std::string& name, const Node& node) {
    if (!matches(name)) return;
    const bool info = node.child_info;
    if (!selected(node) && !info) return;
    entries.push_back(Entry{name, &node, info, std::nullopt});
  };
  if (auto it = names.find("INBOX"); it != names.end()) consider("INBOX", it->second);
  for (const auto& [name, node] : names) {
    if (name != "INBOX") consider(name, node);
  }

  if (a.status_items) {
    // RFC 5819 §1: STATUS for each listed mailbox that can be selected, here only where the
    // account may read it (RFC 4314 §4: 'r', as for STATUS itself).
    std::vector<std::string> wanted;
    for (const auto& e : entries)
      if (e.node->exists && e.node->rights.has('r')) wanted.push_back(e.name);
    auto call2 = [&st, account, wanted, limit = s.config().limits.append_limit(),
                  items = *a.status_items]() -> Result<std::map<std::string, std::string>> {
      std::map<std::string, std::string> out;
      for (const auto& name : wanted) {
        auto target = resolve_mailbox(st, account, name);
        if (!target) return target.error();
        if (!target->exists() || !target->rights.has('r')) continue;  // gone meanwhile
        auto data = status_data(st, *target, account.id, limit, items);
        if (!data) {
          if (data.error().code == Errc::not_found) continue;
          return data.error();
        }
        out[name] = std::move(*data);
      }
      return out;
    };
    auto statuses = co_await s.store_call(std::move(call2));
    if (!statuses.ok()) co_return reply_for(s, statuses.error());
    for (auto& e : entries) {
      if (auto it = statuses->find(e.name); it != statuses->end()) e.status = it->second;
    }
  }
  for (const auto& e : entries) {
    s.untagged(list_line(a, e));
    if (e.status) s.untagged(fmt::format("STATUS {} {}", mailbox_out(e.name), *e.status));
  }
  co_return Reply::ok("LIST completed");
}

}  // namespace pillarbox::imap
