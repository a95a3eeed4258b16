// The server log facade: spdlog underneath, one place to configure it.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace pillarbox::log {

/// Sets up the process-wide logger on stderr at `level` ("debug", "info", "warn", "error").
/// Unknown levels fall back to "info".
void init(std::string_view level);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace pillarbox::log
