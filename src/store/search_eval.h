// A SearchKey evaluator shared by every backend (RFC 3501 §6.4.4, RFC 7162 §3.1.5 MODSEQ).
// A backend may translate parts of a program into its query language first; this evaluator is
// the reference semantics and the fallback for whatever it does not translate.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "mail/message.h"
#include "store/types.h"

namespace pillarbox::store {

/// Supplies the parsed message for header, body, text and sent-date keys. Called at most once
/// per message by matches(), and only when such a key must be decided; may return nullptr when
/// the content cannot be read (such keys then do not match).
using MessageLoader = std::function<const mail::Message*()>;

/// True when any key in `program` needs the message content (header/body/text/sent_*).
bool search_needs_content(const SearchKey& program);

/// True if `program` has a TEXT or BODY key, the only ones that look past the top-level header
/// (RFC 3501 §6.4.4); otherwise a message's header block is all its content keys need.
bool search_needs_body(const SearchKey& program);

/// The UIDs outside which no message can match `program`, when its keys say so: the set of a
/// UID-set key, the smallest such set among an AND's children, the union of an OR's when each
/// child has one. nullopt when any UID may match. Lets a store read only those messages.
std::optional<UidSet> search_bound(const SearchKey& program);

/// The calendar day of a timestamp in the given zone, as days since 1970-01-01 (RFC 3501
/// BEFORE/ON/SINCE compare INTERNALDATE's date "disregarding time and timezone", i.e. the date
/// as written in its own zone). `epoch_seconds` in seconds, `tz_minutes` east of UTC.
std::int64_t day_number(std::int64_t epoch_seconds, std::int32_t tz_minutes);

/// Rewrites `program` for a reader with a private \Seen (RFC 4314 §4 shared mailboxes where
/// each reader keeps their own): SEEN becomes the UID set `seen` and UNSEEN its complement,
/// since the message's own \Seen means nothing to that reader.
void use_private_seen(SearchKey& program, const UidSet& seen);

/// Evaluates `program` for one message. Metadata-only keys are decided first inside AND/OR so
/// that the message is loaded only when the outcome still depends on it.
bool search_matches(const SearchKey& program, const MessageMeta& meta, const MessageLoader& load);

}  // namespace pillarbox::store
