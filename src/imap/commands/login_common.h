// The part of LOGIN and AUTHENTICATE that checks credentials and changes state.
#pragma once

#include <asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "imap/session.h"
#include "store/types.h"

namespace pillarbox::imap {

/// LOGIN and AUTHENTICATE PLAIN: refuses plaintext credentials where the policy forbids them
/// (RFC 3501 §6.2.3, [PRIVACYREQUIRED]), verifies them off the I/O threads, then goes on as
/// finish_login(). Unknown account and wrong password get the same answer (refuse_login).
/// `how` names the command or mechanism for the log.
asio::awaitable<Reply> log_in(Session& s, const std::string& user, const std::string& password,
                              const std::string& authzid = {}, std::string_view how = "LOGIN");

/// A refused login: a growing pause for the remote address (FailureBackoff), a log line with
/// `detail`, then NO [AUTHENTICATIONFAILED] (RFC 5530 §3).
asio::awaitable<Reply> refuse_login(Session& s, const std::string& user, const std::string& detail);

/// After `authenticated`'s credentials were checked: applies the authorization identity
/// (Authenticator::authorize, on its pool; "" for none) and enters the authenticated state as
/// the account it names. A refused authzid gets NO [AUTHORIZATIONFAILED] (RFC 5530 §3: the
/// credentials were right, acting as that identity is not allowed) after the same pause as a
/// failure. Then the account's place under the connection limits is taken; when a limit is
/// reached the answer is NO [LIMIT] naming it (SPEC "Connection limits", RFC 5530 §3) and the
/// session stays not authenticated. OK carries the new CAPABILITY list.
asio::awaitable<Reply> finish_login(Session& s, store::Account authenticated, const std::string& authzid,
                                    std::string_view how);

}  // namespace pillarbox::imap
