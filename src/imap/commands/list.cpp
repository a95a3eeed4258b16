// RFC 3501 §6.3.8 LIST and §6.3.9 LSUB
//   list = "LIST" SP mailbox SP list-mailbox
//   lsub = "LSUB" SP mailbox SP list-mailbox
// Levels of hierarchy that hold children but are not mailboxes themselves are listed with
// \Noselect, so clients with a folder tree can show them.
#include <fmt/format.h>

#include <map>

#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/list_match.h"
#include "imap/response.h"

namespace pillarbox::imap {

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
  const auto account = s.account()->id;
  // name -> selectable; implied superiors are added as not selectable.
  std::map<std::string, bool> names;
  if (lsub) {
    auto call0 = [&st, account] { return st.list_subscriptions(account); };
    auto subs = co_await s.store_call(std::move(call0));
    if (!subs.ok()) co_return reply_for(s, subs.error());
    for (const auto& n : *subs) names[n] = true;
  } else {
    auto call1 = [&st, account] { return st.list_mailboxes(account); };
    auto all = co_await s.store_call(std::move(call1));
    if (!all.ok()) co_return reply_for(s, all.error());
    for (const auto& m : *all) names[m.name] = true;
  }
  std::vector<std::string> implied;
  for (const auto& [name, selectable] : names) {
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      implied.push_back(name.substr(0, slash));
    }
  }
  // LSUB shows an unsubscribed superior only where "%" stops at its level (RFC 3501 §6.3.9).
  if (!lsub || (!full.empty() && full.back() == '%')) {
    for (auto& n : implied) names.emplace(n, false);
  }

  auto emit = [&](const std::string& name, bool selectable) {
    s.untagged(fmt::format("{} ({}) \"/\" {}", lsub ? "LSUB" : "LIST", selectable ? "" : "\\Noselect", mailbox_out(name)));
  };
  if (auto it = names.find("INBOX"); it != names.end() && list_match(full, "INBOX")) emit("INBOX", it->second);
  for (const auto& [name, selectable] : names) {
    if (name == "INBOX") continue;
    if (list_match(full, name)) emit(name, selectable);
  }
  co_return Reply::ok(lsub ? "LSUB completed" : "LIST completed");
}

}  // namespace pillarbox::imap
