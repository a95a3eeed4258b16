// The part of LOGIN and AUTHENTICATE that checks credentials and changes state.
#pragma once

#include <asio/awaitable.hpp>

#include <string>

#include "imap/session.h"

namespace pillarbox::imap {

/// Refuses plaintext credentials where the policy forbids them (RFC 3501 §6.2.3,
/// [PRIVACYREQUIRED]), verifies them off the I/O threads, and on success enters the
/// authenticated state. Unknown account and wrong password get the same answer.
asio::awaitable<Reply> log_in(Session& s, const std::string& user, const std::string& password);

/// After credentials were proven for `account`: takes its place under the connection limits and
/// enters the authenticated state (OK with the new CAPABILITY), or answers NO [LIMIT] naming the
/// limit (SPEC "Connection limits", RFC 5530 §3) and stays not authenticated.
Reply complete_login(Session& s, store::Account account);

}  // namespace pillarbox::imap
