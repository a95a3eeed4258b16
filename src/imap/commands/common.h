// Helpers shared by command handlers: error mapping, mailbox-name rules, set resolution.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "imap/mailbox_access.h"
#include "imap/session.h"
#include "imap/types.h"

namespace pillarbox::imap {

/// The tagged NO for a store error, with its RFC 5530 code; logs the detail.
Reply reply_for(const Session& session, const Error& error);
/// A tagged BAD carrying the parser's first error.
Reply syntax_error(const Parser& parser);

/// Resolves a mailbox name for the logged-in account on the store threads (mailbox_access.h).
asio::awaitable<Result<MailboxAccess>> resolve(Session& session, std::string name);
/// The answer for a name that is not a mailbox the account can see. A mailbox the account may
/// not look up gets exactly this too (RFC 4314 §6), so nothing tells the two apart.
Reply no_such_mailbox();
/// The mailbox `name` when it exists for the session (resolve(), then exists()); otherwise the
/// reply to give: reply_for() of the error, or NO [NONEXISTENT].
asio::awaitable<std::variant<Reply, MailboxAccess>> existing_mailbox(Session& session, std::string name);
/// NO [NOPERM] for a visible mailbox where the account lacks `right` (RFC 4314 §4) to `what`,
/// which says where too ("read messages there", "rename this mailbox"): "You may not <what>".
Reply no_right(char right, std::string_view what);
/// The PERMANENTFLAGS list (without parentheses) for the selected mailbox: \Seen only with
/// right 's', \Deleted only with 't', the others and \* only with 'w' (RFC 4314 §5.1.1).
std::string permanent_flags(const SelectedMailbox& mailbox);

/// `flags` without those `rights` do not allow setting (RFC 4314 §4: s for \Seen, t for
/// \Deleted, w for the rest), and without \Seen when it is kept per reader (`private_seen`).
store::Flags allowed_flags(store::Flags flags, const access::Rights& rights, bool private_seen);

/// Checks a mailbox name a client wants to create or rename to (access::mailbox_name_problem:
/// RFC 3501 §5.1.3 modified UTF-7, no empty level, no wildcard). Returns the problem, or
/// nullopt when the name is fine.
std::optional<std::string> invalid_mailbox_name(std::string_view name);

/// The STATUS data "(MESSAGES 2 UNSEEN 1)" of `target` (which exists) for `items`, as `reader`
/// sees it (its own \Seen where \Seen is kept per reader); `append_limit` (octets) is the
/// APPENDLIMIT item's value. Blocking: run on the store threads.
/// Errors are store failures (Errc::not_found when the mailbox went away meanwhile).
Result<std::string> status_data(store::MailStore& store, const MailboxAccess& target, store::AccountId reader,
                                std::uint64_t append_limit, const std::vector<std::string>& items);

/// The UIDs a sequence set stands for in the selected mailbox, restricted to messages the
/// session knows: message sequence numbers unless `uid`, then UIDs ("*" is the largest); "$"
/// is the saved search result (RFC 5182) in both forms.
store::UidSet resolve_set(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid);
/// For commands that take message sequence numbers: an error text when `set` names a number
/// past the last message (RFC 9051 §6.4: BAD for an invalid sequence number), else nullopt.
std::optional<std::string> invalid_sequence(const SelectedMailbox& mailbox, const SequenceSet& set, bool uid);
/// The untagged "n FETCH (UID u FLAGS (...) MODSEQ (m))" line (without "* ") that tells the
/// client of message `uid`'s flags (`stored`, shown through the session's view). UID is
/// included when `with_uid` or CONDSTORE is on, MODSEQ when CONDSTORE is on (RFC 7162 §3.1:
/// every later FETCH response caused by STORE, an implicit \Seen or another session).
/// Empty when the session no longer knows `uid`.
std::string flags_update(const Session& session, const SelectedMailbox& mailbox, store::Uid uid,
                         const store::Flags& stored, store::ModSeq modseq, bool with_uid);
/// RFC 4315 §3 "COPYUID <uidvalidity> <source uids> <target uids>" (no brackets) for a copy or
/// a move, the two sets in the same order; "" when nothing was copied (no response code then).
std::string copyuid_code(const store::CopyResult& copied);
/// RFC 4315 §3 "APPENDUID <uidvalidity> <uids>" (no brackets); "" when nothing was appended.
std::string appenduid_code(const store::AppendResult& appended);
/// Splits `set` into consecutive pieces of at most `max` UIDs (batches for the store).
std::vector<store::UidSet> split(const store::UidSet& set, std::uint64_t max);

}  // namespace pillarbox::imap
