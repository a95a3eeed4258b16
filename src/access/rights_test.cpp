#include "access/rights.h"

#include <gtest/gtest.h>

namespace pillarbox::access {
namespace {

Rights r(std::string_view text) {
  auto parsed = parse_rights(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Rights{};
}

TEST(AccessRights, DefaultIsEmptyAndAllHasTheElevenStandardRights) {
  EXPECT_TRUE(Rights{}.empty());
  const Rights all = Rights::all();
  for (char c : std::string_view("lrswipkxtea")) EXPECT_TRUE(all.has(c)) << c;
  // Virtual and undefined rights are never members.
  for (char c : std::string_view("cdqL0 ")) EXPECT_FALSE(all.has(c)) << c;
  EXPECT_EQ(to_letters(all), "lrswipkxtea");
}

TEST(AccessRights, SetOperations) {
  EXPECT_EQ(r("lr") | r("rs"), r("lrs"));
  EXPECT_EQ(r("lr") & r("rs"), r("r"));
  EXPECT_EQ(r("lrs") - r("rw"), r("ls"));
  Rights x = r("l");
  x |= r("w");
  EXPECT_EQ(x, r("lw"));
  x -= r("l");
  EXPECT_EQ(x, r("w"));
  x &= r("r");
  EXPECT_TRUE(x.empty());
  EXPECT_NE(r("l"), r("r"));
}

TEST(AccessRights, ParseAcceptsStandardLettersInAnyOrderAndRepeated) {
  EXPECT_EQ(r("aetxkpiwsrl"), Rights::all());
  EXPECT_EQ(r("llll"), r("l"));
  EXPECT_TRUE(r("").empty());
}

TEST(AccessRights, ObsoleteCAndDExpandAsSection211Examples) {
  // §2.1.1: "lrswida" is stored as lrswi + et (+ a).
  EXPECT_EQ(to_letters(r("lrswida")), "lrswitea");
  // §3.1: Chris lrswi, then "+cda" gives lrswi + k x e t a.
  EXPECT_EQ(to_letters(r("lrswi") | r("cda")), "lrswikxtea");
  EXPECT_EQ(r("c"), r("kx"));
  EXPECT_EQ(r("d"), r("te"));
  // Naming both the virtual right and its members changes nothing.
  EXPECT_EQ(r("dte"), r("d"));
}

TEST(AccessRights, ParseRejectsAnythingUndefinedWithTheCharacterNamed) {
  struct Case {
    std::string_view text;
    std::string_view named;
  };
  for (const Case& c : {Case{"lrQswicda", "\"Q\""}, Case{"lrqswicda", "\"q\""}, Case{"lr0", "\"0\""},
                        Case{"+l", "\"+\""}, Case{"l r", "0x20"}, Case{std::string_view("l\0", 2), "0x00"},
                        Case{"l\n", "0x0A"}, Case{"\xC3\xA9", "0xC3"}}) {
    auto parsed = parse_rights(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().code, Errc::invalid);
    EXPECT_NE(parsed.error().text.find(c.named), std::string::npos) << parsed.error().text;
    EXPECT_EQ(parsed.error().text.find('\n'), std::string::npos);
  }
  EXPECT_NE(parse_rights("Q").error().text.find("lower-case"), std::string::npos);
}

TEST(AccessRights, ToStringAddsCAndDWhenAnyMemberIsSet) {
  EXPECT_EQ(to_string(Rights::all()), "lrswipkxteacd");
  EXPECT_EQ(to_string(r("lr")), "lr");
  EXPECT_EQ(to_string(r("lrk")), "lrkc");
  EXPECT_EQ(to_string(r("x")), "xc");
  EXPECT_EQ(to_string(r("t")), "td");
  EXPECT_EQ(to_string(r("e")), "ed");
  // §2.1.1's David: "lrswida" is answered with d, and without c (no k, no x).
  EXPECT_EQ(to_string(r("lrswida")), "lrswitead");
  EXPECT_EQ(to_string(Rights{}), "");
}

TEST(AccessRights, LettersRoundTripButDisplayTextMayNot) {
  for (std::string_view text : {"", "l", "lrs", "k", "x", "t", "e", "kx", "lrswipkxtea"}) {
    EXPECT_EQ(r(to_letters(r(text))), r(text)) << text;
  }
  // "k" is shown as "kc", and "c" means k and x: the display form is not for storage.
  EXPECT_EQ(r(to_string(r("k"))), r("kx"));
}

TEST(AccessRights, Capability) { EXPECT_EQ(rights_capability(), "RIGHTS=texk"); }

TEST(AccessRights, ListRights) {
  EXPECT_EQ(listrights_answer(true), "lrswipkxteacd");
  EXPECT_EQ(listrights_answer(false), "\"\" l r s w i p k x t e a c d");
}

TEST(AccessRights, ApplyModification) {
  const Rights current = r("lrs");
  EXPECT_EQ(*apply_modification(current, "+wi"), r("lrswi"));
  EXPECT_EQ(*apply_modification(current, "-sx"), r("lr"));
  EXPECT_EQ(*apply_modification(current, "a"), r("a"));
  EXPECT_EQ(*apply_modification(current, "+"), current);
  EXPECT_EQ(*apply_modification(current, "-"), current);
  EXPECT_TRUE(apply_modification(current, "")->empty());
  EXPECT_EQ(*apply_modification(current, "+cd"), r("lrskxte"));
  EXPECT_EQ(*apply_modification(Rights::all(), "-d"), r("lrswipkxa"));
  // Only the first character is a prefix.
  EXPECT_FALSE(apply_modification(current, "+-l").ok());
  EXPECT_FALSE(apply_modification(current, "--l").ok());
  EXPECT_EQ(apply_modification(current, "+lQ").error().code, Errc::invalid);
}

TEST(AccessRights, EffectiveRightsUnionMinusNegatives) {
  const std::vector<AclEntry> acl = {
      {"anyone", r("l")},
      {"authenticated", r("r")},
      {"bob@example.org", r("swi")},
      {"-bob@example.org", r("w")},
      {"carol@example.org", r("a")},
      {"-authenticated", r("i")},
  };
  EXPECT_EQ(effective_rights("bob@example.org", acl), r("lrs"));
  // Addresses compare without regard to ASCII case.
  EXPECT_EQ(effective_rights("Bob@Example.ORG", acl), r("lrs"));
  EXPECT_EQ(effective_rights("carol@example.org", acl), r("lra"));
  EXPECT_EQ(effective_rights("dave@example.org", acl), r("lr"));
  // An anonymous user gets only what "anyone" gives.
  EXPECT_EQ(effective_rights("", acl), r("l"));
  EXPECT_TRUE(effective_rights("bob@example.org", {}).empty());
}

TEST(AccessRights, NegativeRightsWinOverEveryPositiveSource) {
  const std::vector<AclEntry> acl = {
      {"-anyone", r("a")},
      {"bob@example.org", Rights::all()},
  };
  EXPECT_EQ(effective_rights("bob@example.org", acl), Rights::all() - r("a"));
  // A negative entry for someone else does not apply.
  EXPECT_EQ(effective_rights("bob@example.org", {{"bob@example.org", r("lr")}, {"-carol@example.org", r("lr")}}),
            r("lr"));
}

TEST(AccessRights, IdentifiersMatchWhateverTheCase) {
  EXPECT_EQ(effective_rights("x@y", {{"ANYONE", r("l")}, {"Authenticated", r("r")}}), r("lr"));
  // Malformed stored identifiers never apply.
  EXPECT_TRUE(effective_rights("x@y", {{"-", r("l")}, {"", r("r")}}).empty());
}

TEST(AccessRights, NormalizeIdentifier) {
  EXPECT_EQ(*normalize_identifier("Bob@Example.ORG"), "bob@example.org");
  EXPECT_EQ(*normalize_identifier("-Bob@Example.ORG"), "-bob@example.org");
  EXPECT_EQ(*normalize_identifier("ANYONE"), "anyone");
  EXPECT_EQ(*normalize_identifier("-Authenticated"), "-authenticated");
  EXPECT_EQ(*normalize_identifier("bob"), "bob");
  // Non-ASCII letters are kept as they are (ASCII case rules only).
  EXPECT_EQ(*normalize_identifier("J\xC3\x96rg@example.org"), "j\xC3\x96rg@example.org");
  EXPECT_EQ(*normalize_identifier(std::string(254, 'a')), std::string(254, 'a'));
  EXPECT_EQ(*normalize_identifier("-" + std::string(254, 'a')), "-" + std::string(254, 'a'));

  for (std::string_view bad : {"", "-", "--bob", "bob smith", "bob\t", "bob\r\n", "\x7f", "\xC3",
                               "a\xED\xA0\x80"}) {
    auto n = normalize_identifier(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.error().code, Errc::invalid);
  }
  EXPECT_FALSE(normalize_identifier(std::string_view("a\0b", 3)).ok());
  EXPECT_FALSE(normalize_identifier(std::string(256, 'a')).ok());
}

}  // namespace
}  // namespace pillarbox::access
