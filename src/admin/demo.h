// The --demo account and its welcome messages.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"
#include "store/mail_store.h"

namespace pillarbox::admin {

/// Makes sure the demo account exists with a new random password and, when its INBOX is empty,
/// a few welcome messages. Returns (address, password).
Result<std::pair<std::string, std::string>> prepare_demo(store::MailStore& store);

}  // namespace pillarbox::admin
