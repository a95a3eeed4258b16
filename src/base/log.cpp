#include "base/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <string>

namespace pillarbox::log {

void init(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("pillarbox");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string loggable(std::string_view text) {
  std::string out(text.substr(0, 256));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

}  // namespace pillarbox::log
