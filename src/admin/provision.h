// The mailboxes a new account starts with (config [[mailboxes]], RFC 6154 special use).
#pragma once

#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

/// Creates the `mailboxes` whose auto is create or subscribe in `account` (their superiors too,
/// as IMAP CREATE does), with their special-use attribute, and subscribes those whose auto is
/// subscribe. A mailbox that exists already is kept, and gets its special use only when it has
/// none and no other mailbox has that use (so "Archive/2020" listed before "Archive" still gives
/// Archive its \Archive); one whose special use another mailbox has is made without it.
/// Errors are store failures.
Status provision_mailboxes(store::MailStore& store, store::AccountId account,
                           const std::vector<config::MailboxTemplate>& mailboxes);

}  // namespace pillarbox::admin
