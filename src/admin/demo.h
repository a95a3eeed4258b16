// The --demo account and its welcome messages.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

/// Makes sure the demo account exists with a new random password and, when its INBOX is empty,
/// a few welcome messages. A new demo account gets `mailboxes` (admin/provision.h). Returns
/// (address, password).
Result<std::pair<std::string, std::string>> prepare_demo(store::MailStore& store,
                                                         const std::vector<config::MailboxTemplate>& mailboxes);

}  // namespace pillarbox::admin
