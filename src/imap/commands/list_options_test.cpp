// LIST/LSUB argument parsing (RFC 5258 §6 extended syntax, RFC 5819, RFC 6154).
#include "imap/commands/list_options.h"

#include <gtest/gtest.h>

namespace pillarbox::imap {
namespace {

ListArguments parse(std::string_view text, bool lsub = false, std::string* error = nullptr, ListLimits limits = {}) {
  Parser p(text);
  ListArguments a = parse_list_arguments(p, lsub, limits);
  if (error) *error = p.ok() ? "" : p.error();
  return a;
}

TEST(ListOptions, BasicForm) {
  std::string error;
  auto a = parse("\"\" *", false, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(a.reference, "");
  EXPECT_EQ(a.patterns, std::vector<std::string>{"*"});
  EXPECT_FALSE(a.selects());
  EXPECT_FALSE(a.return_subscribed);
  EXPECT_FALSE(a.status_items.has_value());
}

TEST(ListOptions, ExtendedForm) {
  std::string error;
  auto a = parse("(subscribed RECURSIVEMATCH remote) Work/ (\"%\" INBOX {3+}\r\nA*B) "
                 "RETURN (CHILDREN STATUS (MESSAGES size) special-use)",
                 false, &error);
  EXPECT_EQ(error, "");
  EXPECT_TRUE(a.select_subscribed);
  EXPECT_TRUE(a.recursive_match);
  EXPECT_TRUE(a.select_remote);
  EXPECT_FALSE(a.select_special_use);
  EXPECT_TRUE(a.return_subscribed);  // implied by the SUBSCRIBED selection (RFC 5258 §3)
  EXPECT_TRUE(a.return_children);
  EXPECT_TRUE(a.return_special_use);
  EXPECT_EQ(a.reference, "Work/");
  EXPECT_EQ(a.patterns, (std::vector<std::string>{"%", "INBOX", "A*B"}));
  ASSERT_TRUE(a.status_items.has_value());
  EXPECT_EQ(*a.status_items, (std::vector<std::string>{"MESSAGES", "SIZE"}));
  a = parse("() \"\" % RETURN ()", false, &error);
  EXPECT_EQ(error, "");
  EXPECT_FALSE(a.selects());
}

TEST(ListOptions, ErrorsAreBad) {
  for (const char* text : {"(RECURSIVEMATCH) \"\" %", "(REMOTE RECURSIVEMATCH) \"\" %", "(FOO) \"\" %",
                           "(SPECIAL-USE RECURSIVEMATCH) \"\" %", "(RECURSIVEMATCH SPECIAL-USE REMOTE) \"\" *",
                           "\"\" % RETURN (FOO)", "\"\" % RETURN", "\"\" % (CHILDREN)", "\"\" (\"a\"",
                           "\"\" ()", "(SUBSCRIBED \"\" %", "\"\" % RETURN (STATUS ())",
                           "\"\" % RETURN (STATUS (UNSEEN FOO))", "\"\" % RETURN (STATUS MESSAGES)",
                           "\"\" % RETURN (CHILDREN) x"}) {
    std::string error;
    parse(text, false, &error);
    EXPECT_NE(error, "") << text;
  }
  // LSUB has no extended form.
  std::string error;
  parse("(SUBSCRIBED) \"\" %", true, &error);
  EXPECT_NE(error, "");
  parse("\"\" (a b)", true, &error);
  EXPECT_NE(error, "");
  auto a = parse("\"\" news/%", true, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(a.patterns, std::vector<std::string>{"news/%"});
}

TEST(ListOptions, SpecialUseIsIndependent) {
  // RFC 6154 §6: SPECIAL-USE is an independent option; with SUBSCRIBED, RECURSIVEMATCH is fine.
  std::string error;
  auto a = parse("(SPECIAL-USE SUBSCRIBED RECURSIVEMATCH) \"\" *", false, &error);
  EXPECT_EQ(error, "");
  EXPECT_TRUE(a.select_special_use);
  EXPECT_TRUE(a.recursive_match);
}

TEST(ListOptions, Limits) {
  const ListLimits limits{3, 8};
  std::string error;
  auto a = parse("\"\" (a b c)", false, &error, limits);
  EXPECT_EQ(error, "");
  EXPECT_EQ(a.patterns.size(), 3u);
  parse("\"\" (a b c d)", false, &error, limits);
  EXPECT_NE(error.find("More than 3 LIST patterns"), std::string::npos) << error;
  a = parse("\"\" 12345678", false, &error, limits);
  EXPECT_EQ(error, "");
  parse("\"\" 123456789", false, &error, limits);
  EXPECT_NE(error.find("longer than 8 octets"), std::string::npos) << error;
  parse("\"\" (a {9+}\r\n%%%%%%%%% b)", false, &error, limits);
  EXPECT_NE(error.find("longer than 8 octets"), std::string::npos) << error;
  parse("123456789 %", false, &error, limits);
  EXPECT_NE(error.find("reference longer than 8 octets"), std::string::npos) << error;
  parse("\"\" 123456789", true, &error, limits);  // LSUB too
  EXPECT_NE(error, "");
  // The defaults: 100 patterns of up to 1024 octets.
  std::string many = "\"\" (";
  for (int i = 0; i < 100; ++i) many += "a ";
  many.back() = ')';
  parse(many, false, &error);
  EXPECT_EQ(error, "");
  many.back() = ' ';
  parse(many + "b)", false, &error);
  EXPECT_NE(error, "");
  parse("\"\" " + std::string(1024, '%'), false, &error);
  EXPECT_EQ(error, "");
  parse("\"\" " + std::string(1025, '%'), false, &error);
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace pillarbox::imap
