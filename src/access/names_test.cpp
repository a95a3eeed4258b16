#include "access/names.h"

#include <gtest/gtest.h>

namespace pillarbox::access {
namespace {

using Kind = NameRef::Kind;

TEST(AccessNames, NamespaceResponseIsSeed003) {
  EXPECT_EQ(namespace_response(), R"(NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/")))");
  EXPECT_EQ(kDelimiter, '/');
}

TEST(AccessNames, ParsePersonal) {
  EXPECT_EQ(parse_name("Drafts"), (NameRef{Kind::personal, "", "Drafts"}));
  EXPECT_EQ(parse_name("a/b/c"), (NameRef{Kind::personal, "", "a/b/c"}));
  EXPECT_EQ(parse_name("inbox"), (NameRef{Kind::personal, "", "INBOX"}));
  EXPECT_EQ(parse_name("InBox/Sub"), (NameRef{Kind::personal, "", "INBOX/Sub"}));
  // INBOX only as the first level, and only as a whole level.
  EXPECT_EQ(parse_name("x/inbox"), (NameRef{Kind::personal, "", "x/inbox"}));
  EXPECT_EQ(parse_name("inboxes"), (NameRef{Kind::personal, "", "inboxes"}));
  EXPECT_EQ(parse_name(""), (NameRef{Kind::personal, "", ""}));
  // The prefixes match case-sensitively and as whole levels.
  EXPECT_EQ(parse_name("other users/x"), (NameRef{Kind::personal, "", "other users/x"}));
  EXPECT_EQ(parse_name("OTHER USERS"), (NameRef{Kind::personal, "", "OTHER USERS"}));
  EXPECT_EQ(parse_name("Public FoldersX"), (NameRef{Kind::personal, "", "Public FoldersX"}));
  EXPECT_EQ(parse_name("Other usersX/bob"), (NameRef{Kind::personal, "", "Other usersX/bob"}));
  EXPECT_EQ(parse_name("x/Other users/bob"), (NameRef{Kind::personal, "", "x/Other users/bob"}));
}

TEST(AccessNames, ParseOtherUsers) {
  EXPECT_EQ(parse_name("Other users"), (NameRef{Kind::other_users_root, "", ""}));
  EXPECT_EQ(parse_name("Other users/"), (NameRef{Kind::other_users_root, "", ""}));
  EXPECT_EQ(parse_name("Other users/bob"), (NameRef{Kind::user_root, "bob", ""}));
  EXPECT_EQ(parse_name("Other users/bob/"), (NameRef{Kind::user_root, "bob", ""}));
  EXPECT_EQ(parse_name("Other users/bob/INBOX"), (NameRef{Kind::other_user, "bob", "INBOX"}));
  EXPECT_EQ(parse_name("Other users/bob/inbox"), (NameRef{Kind::other_user, "bob", "INBOX"}));
  EXPECT_EQ(parse_name("Other users/bob/inbox/x"), (NameRef{Kind::other_user, "bob", "INBOX/x"}));
  EXPECT_EQ(parse_name("Other users/bob/x/inbox"), (NameRef{Kind::other_user, "bob", "x/inbox"}));
  EXPECT_EQ(parse_name("Other users/bob/Sent/2024"), (NameRef{Kind::other_user, "bob", "Sent/2024"}));
  // The user part is kept exactly as written, '@' and case included.
  EXPECT_EQ(parse_name("Other users/Bob@Other.example/Lists/x"),
            (NameRef{Kind::other_user, "Bob@Other.example", "Lists/x"}));
  EXPECT_EQ(parse_name("Other users/bob@other.example"), (NameRef{Kind::user_root, "bob@other.example", ""}));
  // An empty user part names no one; owner_address turns it into "".
  EXPECT_EQ(parse_name("Other users//x"), (NameRef{Kind::other_user, "", "x"}));
}

TEST(AccessNames, ParsePublicFolders) {
  EXPECT_EQ(parse_name("Public Folders"), (NameRef{Kind::public_root, "", ""}));
  EXPECT_EQ(parse_name("Public Folders/"), (NameRef{Kind::public_root, "", ""}));
  EXPECT_EQ(parse_name("Public Folders/News"), (NameRef{Kind::public_folder, "", "News"}));
  EXPECT_EQ(parse_name("Public Folders/News/2024"), (NameRef{Kind::public_folder, "", "News/2024"}));
  // No INBOX rule in public folders: the name is a folder like any other.
  EXPECT_EQ(parse_name("Public Folders/inbox"), (NameRef{Kind::public_folder, "", "inbox"}));
}

TEST(AccessNames, ReservedPersonalNames) {
  for (std::string_view name : {"Other users", "other users", "OTHER USERS/x", "Other users/bob/INBOX",
                                "Public Folders", "public folders/News", "PUBLIC FOLDERS/"}) {
    EXPECT_TRUE(reserved_personal_name(name)) << name;
  }
  for (std::string_view name : {"Public FoldersX", "Other", "x/Other users", "Other users2/x", "INBOX", ""}) {
    EXPECT_FALSE(reserved_personal_name(name)) << name;
  }
}

TEST(AccessNames, OwnerAddress) {
  EXPECT_EQ(owner_address("alice@example.org", "bob"), "bob@example.org");
  EXPECT_EQ(owner_address("alice@example.org", "Bob"), "bob@example.org");
  EXPECT_EQ(owner_address("alice@Example.ORG", "bob"), "bob@example.org");
  EXPECT_EQ(owner_address("alice@example.org", "Bob@Other.Example"), "bob@other.example");
  // The viewer's domain is what follows its last '@'.
  EXPECT_EQ(owner_address("\"a@b\"@example.org", "bob"), "bob@example.org");
  EXPECT_EQ(owner_address("alice", "bob"), "bob");
  EXPECT_EQ(owner_address("alice", "bob@example.org"), "bob@example.org");
  EXPECT_EQ(owner_address("alice@example.org", ""), "");
}

TEST(AccessNames, UserPart) {
  EXPECT_EQ(user_part("alice@example.org", "bob@example.org"), "bob");
  EXPECT_EQ(user_part("alice@EXAMPLE.org", "bob@example.ORG"), "bob");
  EXPECT_EQ(user_part("alice@example.org", "bob@other.example"), "bob@other.example");
  EXPECT_EQ(user_part("alice", "bob@example.org"), "bob@example.org");
  EXPECT_EQ(user_part("alice", "bob"), "bob");
  // A local part holding '@' is shown in full, or it would read back as an address.
  EXPECT_EQ(user_part("alice@example.org", "\"b@c\"@example.org"), "\"b@c\"@example.org");
}

TEST(AccessNames, UserPartAndOwnerAddressAreInverse) {
  for (std::string_view viewer : {"alice@example.org", "alice@other.example", "alice"}) {
    for (std::string_view owner : {"bob@example.org", "bob@other.example", "\"b@c\"@example.org"}) {
      EXPECT_EQ(owner_address(viewer, user_part(viewer, owner)), owner) << viewer << " " << owner;
    }
  }
}

TEST(AccessNames, BuildVisibleNames) {
  EXPECT_EQ(other_user_name("alice@example.org", "bob@example.org", "INBOX"), "Other users/bob/INBOX");
  EXPECT_EQ(other_user_name("alice@example.org", "bob@other.example", "Lists/x"),
            "Other users/bob@other.example/Lists/x");
  EXPECT_EQ(public_name("News/2024"), "Public Folders/News/2024");
  // What is built parses back to the same parts.
  const NameRef ref = parse_name(other_user_name("alice@example.org", "bob@other.example", "Lists/x"));
  EXPECT_EQ(ref, (NameRef{Kind::other_user, "bob@other.example", "Lists/x"}));
  EXPECT_EQ(owner_address("alice@example.org", ref.user), "bob@other.example");
  EXPECT_EQ(parse_name(public_name("News/2024")), (NameRef{Kind::public_folder, "", "News/2024"}));
}

TEST(AccessNames, MailboxNameProblem) {
  for (std::string_view name : {"News", "News/2024", "a b", "Caf&AOk-", "R&-D", "x/INBOX", "x/y/z"}) {
    EXPECT_EQ(mailbox_name_problem(name), std::nullopt) << name;
  }
  const std::string longest(1000, 'a');
  EXPECT_EQ(mailbox_name_problem(longest), std::nullopt);
  EXPECT_EQ(mailbox_name_problem(longest + "a"), "Mailbox name is longer than 1000 octets");
  EXPECT_EQ(mailbox_name_problem(""), "Mailbox name is empty");
  EXPECT_EQ(mailbox_name_problem("/News"), "Mailbox name may not start or end with /");
  EXPECT_EQ(mailbox_name_problem("News/"), "Mailbox name may not start or end with /");
  EXPECT_EQ(mailbox_name_problem("News//2024"), "Mailbox name has an empty level (//)");
  EXPECT_EQ(mailbox_name_problem("News*"), "Mailbox name may not contain * or %");
  EXPECT_EQ(mailbox_name_problem("%"), "Mailbox name may not contain * or %");
  EXPECT_EQ(mailbox_name_problem("a\tb"), "Mailbox name contains a control character");
  EXPECT_EQ(mailbox_name_problem("a\x7f"), "Mailbox name contains a control character");
  EXPECT_TRUE(mailbox_name_problem("Caf\xc3\xa9")->starts_with("Mailbox name must be 7-bit"));
  // U+0001 and U+001F written as shifts are control characters all the same.
  EXPECT_EQ(mailbox_name_problem("a&AAE-b"), "Mailbox name contains a control character");
  EXPECT_EQ(mailbox_name_problem("&AB8-"), "Mailbox name contains a control character");
  EXPECT_EQ(mailbox_name_problem("Caf&AOk-"), std::nullopt);
  for (std::string_view bad : {"R&D", "&AOk", "&Jjo!-", "&AGE-"}) {  // bare &, unended shift, bad base64, ASCII in a shift
    ASSERT_TRUE(mailbox_name_problem(bad).has_value()) << bad;
    EXPECT_TRUE(mailbox_name_problem(bad)->starts_with("Mailbox name is not valid modified UTF-7")) << bad;
  }
}

TEST(AccessNames, UserPartIsModifiedUtf7InNames) {
  // An address with '&' is legal; in a mailbox name it must be written "&-" (RFC 3501 §5.1.3).
  EXPECT_EQ(other_user_name("alice@example.org", "r&d@example.org", "INBOX"), "Other users/r&-d/INBOX");
  EXPECT_EQ(owner_address("alice@example.org", "r&-d"), "r&d@example.org");
  EXPECT_EQ(owner_address("alice@example.org", "r&d"), "");  // not modified UTF-7: no account
  EXPECT_EQ(owner_address("alice@example.org", "&AOk-t&AOk-"), "\xc3\xa9t\xc3\xa9@example.org");
}

}  // namespace
}  // namespace pillarbox::access
