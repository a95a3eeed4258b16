#include "admin/provision.h"

namespace pillarbox::admin {
namespace {

// Creates `name`; an existing mailbox of that name is fine, and so is a special use another
// mailbox has already (the new one is made without it). An existing mailbox without a use gets
// `special_use` when no other mailbox has it: an earlier entry ("Archive/2020") may have made
// it as a superior, so the outcome does not depend on the order of [[mailboxes]].
Status create_if_missing(store::MailStore& store, store::AccountId account, const std::string& name,
                         const std::string& special_use) {
  auto made = store.create_mailbox(account, name, special_use);
  if (!made && made.error().code == Errc::in_use) made = store.create_mailbox(account, name);
  if (made) return {};
  if (made.error().code != Errc::already_exists) return made.error();
  if (special_use.empty()) return {};
  auto existing = store.get_mailbox(account, name);
  if (!existing) return existing.error();
  if (!existing->special_use.empty()) return {};
  Status set = store.set_special_use(existing->id, special_use);
  if (!set && set.error().code != Errc::in_use) return set;
  return {};
}

}  // namespace

Status provision_mailboxes(store::MailStore& store, store::AccountId account,
                           const std::vector<config::MailboxTemplate>& mailboxes) {
  using Auto = config::MailboxTemplate::Auto;
  for (const auto& m : mailboxes) {
    if (m.auto_create == Auto::no) continue;
    for (auto slash = m.name.find('/'); slash != std::string::npos; slash = m.name.find('/', slash + 1)) {
      if (Status s = create_if_missing(store, account, m.name.substr(0, slash), {}); !s) return s;
    }
    if (Status s = create_if_missing(store, account, m.name, m.special_use); !s) return s;
    if (m.auto_create == Auto::subscribe) {
      if (Status s = store.set_subscribed(account, m.name, true); !s) return s;
    }
  }
  return {};
}

}  // namespace pillarbox::admin
