#include "base/log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pillarbox::log {
namespace {

using std::chrono::system_clock;

// 2024-05-01T12:34:56.789Z
system_clock::time_point when() {
  return system_clock::time_point(std::chrono::milliseconds(1714566896789));
}

TEST(LogFormat, Parses) {
  EXPECT_EQ(parse_format("logfmt"), Format::logfmt);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("JSON"), std::nullopt);
  EXPECT_EQ(parse_format(""), std::nullopt);
}

TEST(Logfmt, BareAndQuotedValues) {
  const std::string user = "alice@example.org";
  EXPECT_EQ(render_fields(Format::logfmt, "login",
                          {{"session", "9f"}, {"user", user}, {"result", "failure"}, {"delay_ms", 300},
                           {"bytes", std::uint64_t{18446744073709551615u}}, {"tls", false}, {"n", -2}}),
            "event=login session=9f user=alice@example.org result=failure delay_ms=300 "
            "bytes=18446744073709551615 tls=false n=-2");
  EXPECT_EQ(render_fields(Format::logfmt, "x",
                          {{"a", ""}, {"b", "two words"}, {"c", "k=v"}, {"d", "say \"hi\""}, {"e", "back\\slash"}}),
            "event=x a=\"\" b=\"two words\" c=\"k=v\" d=\"say \\\"hi\\\"\" e=\"back\\\\slash\"");
}

TEST(Logfmt, ControlCharactersCannotForgeALine) {
  const std::string forged = render_fields(Format::logfmt, "login", {{"user", "x\r\nts=1 level=info event=login"}});
  EXPECT_EQ(forged.find('\n'), std::string::npos);
  EXPECT_EQ(forged.find('\r'), std::string::npos);
  EXPECT_EQ(forged, "event=login user=\"x\\u000d\\u000ats=1 level=info event=login\"");
  EXPECT_EQ(render_fields(Format::logfmt, "e", {{"v", std::string_view("a\0b\x1b\x7f", 5)}}),
            "event=e v=\"a\\u0000b\\u001b\\u007f\"");
}

TEST(Logfmt, MalformedUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(render_fields(Format::logfmt, "e", {{"v", "caf\xc3\xa9"}}), "event=e v=\"caf\xc3\xa9\"");
  EXPECT_EQ(render_fields(Format::logfmt, "e", {{"v", "a\xff" "b\xc3"}}), "event=e v=\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");
  // An overlong '/' and a UTF-16 surrogate are not UTF-8 either.
  EXPECT_EQ(render_fields(Format::logfmt, "e", {{"v", "\xc0\xaf\xed\xa0\x80"}}),
            "event=e v=\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(Json, EventsAreObjectsWithTypedValues) {
  const std::string body = render_fields(Format::json, "logout",
                                         {{"session", "9f"}, {"account", "a \"b\"\n"}, {"bytes_in", 12u},
                                          {"duration_ms", std::int64_t{40}}, {"tls", true}});
  EXPECT_EQ(body, "\"event\":\"logout\",\"session\":\"9f\",\"account\":\"a \\\"b\\\"\\u000a\",\"bytes_in\":12,"
                  "\"duration_ms\":40,\"tls\":true");
  EXPECT_EQ(render_line(Format::json, when(), Level::info, true, body),
            "{\"ts\":\"2024-05-01T12:34:56.789Z\",\"level\":\"info\"," + body + "}");
}

TEST(Lines, FreeTextIsTheMsgField) {
  EXPECT_EQ(render_line(Format::logfmt, when(), Level::warn, false, "no TLS certificate at /x y"),
            "ts=2024-05-01T12:34:56.789Z level=warn msg=\"no TLS certificate at /x y\"");
  EXPECT_EQ(render_line(Format::json, when(), Level::err, false, "bad\n\"thing\""),
            "{\"ts\":\"2024-05-01T12:34:56.789Z\",\"level\":\"error\",\"msg\":\"bad\\u000a\\\"thing\\\"\"}");
  EXPECT_EQ(render_line(Format::logfmt, when(), Level::info, true, render_fields(Format::logfmt, "stop", {{"sessions", 0}})),
            "ts=2024-05-01T12:34:56.789Z level=info event=stop sessions=0");
}

TEST(Loggable, BoundsAndReplacesControls) {
  EXPECT_EQ(loggable("a\r\nb\x7f"), "a??b?");
  EXPECT_EQ(loggable(std::string(1000, 'x')).size(), 256u);
}

}  // namespace
}  // namespace pillarbox::log
