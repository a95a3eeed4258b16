#include "base/log.h"

#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <ctime>
#include <memory>
#include <string>

#include "base/json.h"

namespace pillarbox::log {
namespace {

// The logger that events go through; it shares the sink (and so the formatter) of the default
// logger, and the formatter tells an event from a free-form line by the logger's name.
constexpr std::string_view kEventLogger = "pillarbox.event";

std::shared_ptr<spdlog::logger>& event_logger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}
Format& current_format() {
  static Format format = Format::logfmt;
  return format;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629 §4), 0 if there is
// none (a stray continuation byte, an overlong form, a surrogate, a cut-off sequence).
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;   // the range of the second byte
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c == 0xe0) n = 3, lo = 0xa0;
  else if (c >= 0xe1 && c <= 0xec) n = 3;
  else if (c == 0xed) n = 3, hi = 0x9f;
  else if (c >= 0xee && c <= 0xef) n = 3;
  else if (c == 0xf0) n = 4, lo = 0x90;
  else if (c >= 0xf1 && c <= 0xf3) n = 4;
  else if (c == 0xf4) n = 4, hi = 0x8f;
  else return 0;
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xbf) return 0;
  }
  return n;
}

// `s` with each malformed UTF-8 byte replaced by U+FFFD, so a JSON reader (and a logfmt reader
// that decodes UTF-8) accepts every line whatever bytes a client sent.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = utf8_sequence(s);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  return out;
}

// A logfmt value may stand bare when it is not empty and has no space, quote, '=', backslash,
// control character or non-ASCII byte; otherwise it is quoted with JSON's escapes (which
// logfmt readers, Go's strconv-based ones included, accept).
bool bare_logfmt(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

// json::quote leaves DEL as it is, which JSON allows; a terminal would not show it, so it is
// escaped too.
std::string quoted(std::string_view s) {
  std::string q = json::quote(valid_utf8(s));
  std::string out;
  out.reserve(q.size());
  for (char c : q) {
    if (c == '\x7f') out += "\\u007f";
    else out.push_back(c);
  }
  return out;
}

void append_value(std::string& out, Format format, const Field& f) {
  switch (f.kind) {
    case Field::Kind::text:
      if (format == Format::logfmt && bare_logfmt(f.text)) out.append(f.text);
      else out += quoted(f.text);
      return;
    case Field::Kind::signed_number: out += std::to_string(f.signed_value); return;
    case Field::Kind::unsigned_number: out += std::to_string(f.unsigned_value); return;
    case Field::Kind::boolean: out += f.flag ? "true" : "false"; return;
  }
}

void append_field(std::string& out, Format format, std::string_view key, const Field& value) {
  if (format == Format::logfmt) {
    if (!out.empty()) out.push_back(' ');
    out.append(key);
    out.push_back('=');
  } else {
    if (!out.empty()) out.push_back(',');
    out += json::quote(key);
    out.push_back(':');
  }
  append_value(out, format, value);
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::err: return "error";
    case Level::critical: return "critical";
    default: return "info";
  }
}

std::string timestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const auto millis = ((ms % 1000) + 1000) % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

// Renders every record of the shared stderr sink: events pass their fields pre-rendered, other
// lines their text.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(Format format) : format_(format) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const bool is_event = std::string_view(msg.logger_name.data(), msg.logger_name.size()) == kEventLogger;
    const std::string line = render_line(format_, msg.time, msg.level, is_event,
                                         std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(format_); }

 private:
  Format format_;
};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "logfmt") return Format::logfmt;
  if (name == "json") return Format::json;
  return std::nullopt;
}

void init(std::string_view level, Format format) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(std::make_unique<LineFormatter>(format));
  auto logger = std::make_shared<spdlog::logger>("pillarbox", sink);
  auto events = std::make_shared<spdlog::logger>(std::string(kEventLogger), sink);
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  for (auto* l : {logger.get(), events.get()}) {
    l->set_level(lvl);
    l->flush_on(spdlog::level::info);
  }
  current_format() = format;
  event_logger() = events;
  spdlog::set_default_logger(logger);
}

std::string loggable(std::string_view text) {
  std::string out(text.substr(0, 256));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string render_fields(Format format, std::string_view name, std::span<const Field> fields) {
  std::string out;
  append_field(out, format, "event", Field("event", name));
  for (const Field& f : fields) append_field(out, format, f.key, f);
  return out;
}

std::string render_line(Format format, std::chrono::system_clock::time_point time, Level level, bool is_event,
                        std::string_view body) {
  std::string out;
  const std::string ts = timestamp(time);
  if (format == Format::json) out.push_back('{');
  std::string head;
  append_field(head, format, "ts", Field("ts", ts));
  append_field(head, format, "level", Field("level", level_name(level)));
  out += head;
  if (is_event) {
    out.push_back(format == Format::json ? ',' : ' ');
    out.append(body);
  } else {
    out.push_back(format == Format::json ? ',' : ' ');
    std::string field;
    append_field(field, format, "msg", Field("msg", body));
    out += field;
  }
  if (format == Format::json) out.push_back('}');
  return out;
}

void event(Level level, std::string_view name, Fields fields) {
  event(level, name, std::span<const Field>(fields.begin(), fields.size()));
}

void event(Level level, std::string_view name, std::span<const Field> fields) {
  spdlog::logger* logger = event_logger() ? event_logger().get() : spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  // Before init() (admin subcommands, tests) events go to the default logger as logfmt text.
  const Format format = event_logger() ? current_format() : Format::logfmt;
  const std::string body = render_fields(format, name, fields);
  logger->log(level, std::string_view(body));
}

}  // namespace pillarbox::log
