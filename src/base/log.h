// The server log facade: spdlog underneath, one place to configure it.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace pillarbox::log {

/// Sets up the process-wide logger on stderr at `level` ("debug", "info", "warn", "error").
/// Unknown levels fall back to "info".
void init(std::string_view level);

/// Text from outside (a login name, an error detail quoting it) as the log may show it: at most
/// 256 bytes, control characters replaced by '?', so a CR or LF cannot forge a log line.
std::string loggable(std::string_view text);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace pillarbox::log
