#include "base/json.h"

#include <gtest/gtest.h>

namespace pillarbox::json {
namespace {

TEST(Json, Quote) {
  EXPECT_EQ(quote(""), "\"\"");
  EXPECT_EQ(quote("Public Folders/News"), "\"Public Folders/News\"");
  EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote(std::string_view("\t\n\x01\x1f\0", 5)), "\"\\u0009\\u000a\\u0001\\u001f\\u0000\"");
  EXPECT_EQ(quote("caf\xC3\xA9 \x7f"), "\"caf\xC3\xA9 \x7f\"");  // UTF-8 and DEL pass through
}

}  // namespace
}  // namespace pillarbox::json
