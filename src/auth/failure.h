// Why a login failed, named for the server log and the metrics. The Authenticator writes its
// failure details with the phrases below, and failure_reason() reads them back, so the two stay
// in one place.
#pragma once

#include <string_view>

namespace pillarbox::auth {

// The beginnings (or, for SCRAM keys, parts) of Error::detail that name each failure.
inline constexpr std::string_view kNoAccount = "no account";
inline constexpr std::string_view kAmbiguousAlias = "ambiguous alias";
inline constexpr std::string_view kWrongPassword = "wrong password for";
inline constexpr std::string_view kNoScramKeys = "has no SCRAM keys";
inline constexpr std::string_view kUnreadableScram = "has an unreadable SCRAM secret";

/// Why a login failed, from the Error::detail of verify() or the detail of a failed SASL
/// exchange (ScramLookup::detail, ServerExchange::Step::detail), as the server log's login
/// event and pillarbox_logins_total{result} name it: "unknown_user", "ambiguous_alias",
/// "wrong_password" (a wrong password or SCRAM proof), "no_scram_keys", "sasl_failed" (a SCRAM
/// exchange that is inconsistent: nonce, channel binding, extensions), else "other" (e.g. the
/// directory failed). authorize() failures are "not_authorized"; the caller knows those.
std::string_view failure_reason(std::string_view detail);

}  // namespace pillarbox::auth
