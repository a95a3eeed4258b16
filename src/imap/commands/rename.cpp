// RFC 3501 §6.3.5 RENAME
//   rename = "RENAME" SP mailbox SP mailbox
// Children move with their parent. Renaming INBOX moves its messages to the new name and
// leaves INBOX empty; INBOX's children do not move.
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_rename(Session& s, Request& r) {
  std::string from = r.parser.mailbox();
  r.parser.space();
  std::string to = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  while (to.size() > 1 && to.back() == '/') to.pop_back();
  if (to == "INBOX") co_return Reply::no("ALREADYEXISTS", "INBOX always exists");
  if (auto problem = invalid_mailbox_name(to)) co_return Reply::no("CANNOT", *problem);
  if (from == to) co_return Reply::no("ALREADYEXISTS", "Mailbox already has that name");
  if (from != "INBOX" && to.size() > from.size() && to.compare(0, from.size() + 1, from + "/") == 0)
    co_return Reply::no("CANNOT", "A mailbox cannot be moved below itself");
  auto& st = s.store();
  const auto account = s.account()->id;
  auto call0 = [&st, account] { return st.list_mailboxes(account); };
  auto all = co_await s.store_call(std::move(call0));
  if (!all.ok()) co_return reply_for(s, all.error());
  bool exists = false;
  std::vector<std::string> children;
  for (const auto& m : *all) {
    if (m.name == from) exists = true;
    if (m.name == to) co_return Reply::no("ALREADYEXISTS", "Target mailbox already exists");
    if (from != "INBOX" && m.name.size() > from.size() && m.name.compare(0, from.size() + 1, from + "/") == 0)
      children.push_back(m.name);
  }
  if (!exists && children.empty()) co_return Reply::no("NONEXISTENT", "Mailbox does not exist");
  // Superiors of the new name, as CREATE would make them.
  for (std::size_t slash = to.find('/'); slash != std::string::npos; slash = to.find('/', slash + 1)) {
    std::string superior = to.substr(0, slash);
    auto call1 = [&st, account, superior] { return st.create_mailbox(account, superior); };
    auto made = co_await s.store_call(std::move(call1));
    if (!made.ok() && made.error().code != Errc::already_exists) co_return reply_for(s, made.error());
  }
  if (exists) {
    if (auto* sel = s.selected(); sel && sel->info.name == from && from != "INBOX") s.deselect();
    auto call2 = [&st, account, from, to] { return st.rename_mailbox(account, from, to); };
    auto done = co_await s.store_call(std::move(call2));
    if (!done.ok()) co_return reply_for(s, done.error());
  }
  for (const auto& child : children) {
    std::string target = to + child.substr(from.size());
    auto call3 = [&st, account, child, target] { return st.rename_mailbox(account, child, target); };
    auto done = co_await s.store_call(std::move(call3));
    if (!done.ok()) co_return reply_for(s, done.error());
  }
  co_return Reply::ok("RENAME completed");
}

}  // namespace pillarbox::imap
