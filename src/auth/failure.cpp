#include "auth/failure.h"

namespace pillarbox::auth {

std::string_view failure_reason(std::string_view detail) {
  if (detail.starts_with(kNoAccount)) return "unknown_user";
  if (detail.starts_with(kAmbiguousAlias)) return "ambiguous_alias";
  if (detail.starts_with(kWrongPassword) || detail == "wrong SCRAM proof") return "wrong_password";
  if (detail.find(kNoScramKeys) != std::string_view::npos || detail.find(kUnreadableScram) != std::string_view::npos)
    return "no_scram_keys";
  // ServerExchange's own failures (sasl.cpp) all name SCRAM or its channel binding.
  if (detail.find("SCRAM") != std::string_view::npos || detail.find("channel binding") != std::string_view::npos)
    return "sasl_failed";
  return "other";
}

}  // namespace pillarbox::auth
