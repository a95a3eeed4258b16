// RFC 9208 QUOTA: GETQUOTA (§4.1.1), GETQUOTAROOT (§4.1.2), SETQUOTA (§4.1.3)
//   getquota     = "GETQUOTA" SP quota-root-name
//   getquotaroot = "GETQUOTAROOT" SP mailbox
//   setquota     = "SETQUOTA" SP quota-root-name SP setquota-list
//   setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
//   setquota-resource = resource-name SP resource-limit     ; resource-limit = number64
//   quota-response     = "QUOTA" SP quota-root-name SP quota-list
//   quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
//
// Choices (docs/conformance.md "QUOTA"):
// - One quota root per account, named "User quota" as Dovecot names its default root. It exists
//   only while the account has a limit (own or the [quota] default): a QUOTA response needs at
//   least one resource, and a resource without a limit is not listed (§4.2.1).
// - Resources: STORAGE (§5.1, KiB, usage rounded up) and MESSAGE (§5.2).
// - A mailbox of another user or a public folder has no root the reader may see: its
//   QUOTAROOT lists none, though the messages count against the owner's quota (enforced by the
//   store in APPEND and COPY), so no one learns another account's usage.
// - SETQUOTA is refused with NO [NOPERM] for every user: limits are set by the administrator
//   (`pillarbox user quota`); §4.1.3 allows a server to refuse it. QUOTASET is not advertised.
#include <fmt/format.h>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"
#include "imap/response.h"

namespace pillarbox::imap {
namespace {

constexpr std::string_view kRootName = "User quota";

// "STORAGE 10 512 MESSAGE 3 100": the resources that have a limit.
std::string quota_list(const store::Quota& q) {
  std::string out;
  if (q.limits.storage_kib) out += fmt::format("STORAGE {} {}", q.usage.storage_kib(), *q.limits.storage_kib);
  if (q.limits.messages) {
    if (!out.empty()) out += ' ';
    out += fmt::format("MESSAGE {} {}", q.usage.messages, *q.limits.messages);
  }
  return out;
}

asio::awaitable<Result<store::Quota>> own_quota(Session& s) {
  auto call = [&st = s.store(), id = s.account()->id] { return st.get_quota(id); };
  co_return co_await s.store_call(std::move(call));
}

}  // namespace

asio::awaitable<Reply> cmd_getquota(Session& s, Request& r) {
  std::string root = r.parser.astring();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto quota = co_await own_quota(s);
  if (!quota.ok()) co_return reply_for(s, quota.error());
  if (root != kRootName || !quota->limits.any()) co_return Reply::no("NONEXISTENT", "No such quota root");
  s.untagged(fmt::format("QUOTA {} ({})", astring_out(root), quota_list(*quota)));
  co_return Reply::ok("GETQUOTA completed");
}

asio::awaitable<Reply> cmd_getquotaroot(Session& s, Request& r) {
  std::string name = r.parser.mailbox();
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  auto found = co_await existing_mailbox(s, name);
  if (auto* refused = std::get_if<Reply>(&found)) co_return std::move(*refused);
  const auto& target = std::get<MailboxAccess>(found);
  std::optional<store::Quota> quota;
  if (target.where == MailboxAccess::Where::personal) {
    auto own = co_await own_quota(s);
    if (!own.ok()) co_return reply_for(s, own.error());
    if (own->limits.any()) quota = std::move(*own);
  }
  const std::string root = astring_out(kRootName);
  s.untagged(fmt::format("QUOTAROOT {}{}", mailbox_out(target.echo()), quota ? " " + root : ""));
  if (quota) s.untagged(fmt::format("QUOTA {} ({})", root, quota_list(*quota)));
  co_return Reply::ok("GETQUOTAROOT completed");
}

asio::awaitable<Reply> cmd_setquota(Session&, Request& r) {
  Parser& p = r.parser;
  std::string root;
  (void)parse_setquota_args(p, root);
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  co_return Reply::no("NOPERM", "Quota limits are set by the administrator");
}

}  // namespace pillarbox::imap
