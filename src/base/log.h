// The server log facade: spdlog underneath, one place to configure it.
//
// Every line on stderr is structured, in the format [log] format chooses:
//   logfmt  ts=2024-05-01T12:00:00.123Z level=info event=login session=9f... result=success
//   json    {"ts":"2024-05-01T12:00:00.123Z","level":"info","event":"login","session":"9f...",...}
// Events (log::event) carry named fields; the free-form lines (log::info and friends) come out
// in the same shape with their text as the one field "msg". docs/configuration.md lists the
// events and their fields.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pillarbox::log {

/// How lines are written ([log] format).
enum class Format { logfmt, json };

/// "logfmt" or "json" to a Format; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

using Level = spdlog::level::level_enum;

/// Sets up the process-wide logger on stderr at `level` ("debug", "info", "warn", "error"),
/// writing `format`. Unknown levels fall back to "info". Call once, before other threads log.
void init(std::string_view level, Format format = Format::logfmt);

/// Text from outside (a login name, an error detail quoting it) as the log may show it: at most
/// 256 bytes, control characters replaced by '?', so a CR or LF cannot forge a log line.
/// (The renderer escapes whatever it is given as well; this also bounds the length.)
std::string loggable(std::string_view text);

/// One named value of an event. Holds views: the text must outlive the log::event() call,
/// which a temporary in the call's argument list does.
struct Field {
  enum class Kind { text, signed_number, unsigned_number, boolean };

  Field(std::string_view k, std::string_view v) : key(k), kind(Kind::text), text(v) {}
  Field(std::string_view k, const std::string& v) : key(k), kind(Kind::text), text(v) {}
  Field(std::string_view k, const char* v) : key(k), kind(Kind::text), text(v) {}
  Field(std::string_view k, bool v) : key(k), kind(Kind::boolean), flag(v) {}
  template <std::signed_integral T>
    requires(!std::same_as<T, char>)
  Field(std::string_view k, T v) : key(k), kind(Kind::signed_number), signed_value(v) {}
  template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>)
  Field(std::string_view k, T v) : key(k), kind(Kind::unsigned_number), unsigned_value(v) {}

  std::string_view key;   ///< a fixed identifier from the code: [a-z0-9_]+
  Kind kind;
  std::string_view text;
  std::int64_t signed_value = 0;
  std::uint64_t unsigned_value = 0;
  bool flag = false;
};
using Fields = std::initializer_list<Field>;

/// Writes one event line at `level`: "event=<name>" followed by `fields` in order. Text values
/// are escaped (quotes, backslashes, control characters; malformed UTF-8 becomes U+FFFD), so no
/// value can break the line or the JSON; numbers and booleans are written bare. Never pass a
/// password, SASL data or a hash. Does nothing below the configured level.
void event(Level level, std::string_view name, Fields fields);
/// The same with a field list built at run time (optional fields).
void event(Level level, std::string_view name, std::span<const Field> fields);

/// The part of an event line after the time and level, in `format`: logfmt
/// `event=login user=alice result=failure`, JSON `"event":"login","user":"alice",...` (no
/// braces). Exposed for tests.
std::string render_fields(Format format, std::string_view name, std::span<const Field> fields);
inline std::string render_fields(Format format, std::string_view name, Fields fields) {
  return render_fields(format, name, std::span<const Field>(fields.begin(), fields.size()));
}

/// A whole line (without the newline): the time in UTC with milliseconds, the level, then
/// `body` as rendered by render_fields() when `is_event`, or otherwise the free text `body` as
/// the field "msg". Exposed for tests.
std::string render_line(Format format, std::chrono::system_clock::time_point time, Level level, bool is_event,
                        std::string_view body);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace pillarbox::log
