#include "imap/list_match.h"

#include <gtest/gtest.h>

#include <string>

namespace pillarbox::imap {
namespace {

TEST(ListMatch, Wildcards) {
  EXPECT_TRUE(list_match("*", "a/b/c"));
  EXPECT_TRUE(list_match("%", "a"));
  EXPECT_FALSE(list_match("%", "a/b"));
  EXPECT_TRUE(list_match("a/%", "a/b"));
  EXPECT_FALSE(list_match("a/%", "a/b/c"));
  EXPECT_TRUE(list_match("a/*", "a/b/c"));
  EXPECT_FALSE(list_match("a/*", "a"));
  EXPECT_TRUE(list_match("*b*", "abc"));
  EXPECT_TRUE(list_match("Sent", "Sent"));
  EXPECT_FALSE(list_match("sent", "Sent"));
}

TEST(ListMatch, InboxIsCaseInsensitive) {
  EXPECT_TRUE(list_match("inbox", "INBOX"));
  EXPECT_TRUE(list_match("Inbox/%", "INBOX/Sub"));
  EXPECT_FALSE(list_match("inboxes", "INBOX"));
}

TEST(ListMatch, HostilePatternIsCheap) {
  std::string pattern;
  for (int i = 0; i < 500; ++i) pattern += "%*";
  pattern += "x";
  EXPECT_FALSE(list_match(pattern, std::string(1000, 'a')));
}

}  // namespace
}  // namespace pillarbox::imap
