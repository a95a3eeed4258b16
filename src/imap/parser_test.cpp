#include "imap/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/ascii.h"
#include "imap/framer.h"
#include "base/grind.h"

namespace pillarbox::imap {
namespace {

using namespace std::string_literals;
using SK = store::SearchKey::Kind;

// --- tokens -------------------------------------------------------------------------------

TEST(Parser, Tag) {
  Parser p("A001 NOOP");
  EXPECT_EQ(p.tag(), "A001");
  p.space();
  EXPECT_EQ(p.keyword(), "NOOP");
  p.end();
  EXPECT_TRUE(p.ok()) << p.error();
}

TEST(Parser, TagMayHoldBracketAndOtherAstringChars) {
  Parser p("a]b.c-d!#$&' X");
  EXPECT_EQ(p.tag(), "a]b.c-d!#$&'");
  EXPECT_TRUE(p.ok());
}

TEST(Parser, BadTags) {
  for (const std::string& bad : std::vector<std::string>{"", " X", "a+ X", "+ X", "* X", "a(b X", "a{ X", "a% X", "a\" X",
                          "a\\ X", "\xe4 X", "a\x01 X", "a\x7f X", "\0 X"s}) {
    Parser p(bad);
    p.tag();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(Parser, StickyError) {
  Parser p("a x");
  p.tag();
  p.space();
  EXPECT_EQ(p.number(), 0u);
  EXPECT_EQ(p.error(), "Expected number");
  p.fail("second");
  EXPECT_EQ(p.error(), "Expected number");
  EXPECT_EQ(p.atom(), "");
  EXPECT_EQ(p.astring(), "");
  EXPECT_TRUE(p.sequence_set().ranges.empty());
  EXPECT_TRUE(p.fetch_attributes().empty());
  EXPECT_FALSE(p.skip("x"));
  EXPECT_FALSE(p.skip_char('x'));
  EXPECT_EQ(p.error(), "Expected number");
}

TEST(Parser, SpaceAndEnd) {
  Parser p("  ");
  p.space();
  EXPECT_TRUE(p.ok());
  EXPECT_FALSE(p.at_end());
  EXPECT_EQ(p.rest(), " ");
  p.end();
  EXPECT_FALSE(p.ok());
  Parser q("");
  q.space();
  EXPECT_EQ(q.error(), "Expected SP, found end of command");
}

TEST(Parser, SkipIsCaseInsensitive) {
  Parser p("charset utf-8");
  EXPECT_TRUE(p.skip("CHARSET"));
  EXPECT_FALSE(p.skip("CHARSET"));
  EXPECT_TRUE(p.skip_char(' '));
  p.expect('u');
  EXPECT_TRUE(p.ok());
  p.expect('x');
  EXPECT_EQ(p.error(), "Expected x");
}

TEST(Parser, AtomAndKeyword) {
  Parser p("fOo.Bar-1 baz[1] x]");
  EXPECT_EQ(p.keyword(), "FOO.BAR-1");
  p.space();
  EXPECT_EQ(p.atom(), "baz[1");  // "[" is an ATOM-CHAR, "]" is not
  EXPECT_EQ(p.rest(), "] x]");
}

TEST(Parser, AtomErrors) {
  struct Case {
    std::string input;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{{"", "Expected atom, found end of command"},
                                         {"(", "Expected atom"},
                                         {"\xe4", "8-bit byte in atom"},
                                         {"ab\xe4", "8-bit byte in atom"},
                                         {"ab\0"s, "NUL byte in command"},
                                         {"ab\r", "Control character in command"}}) {
    Parser p(c.input);
    p.atom();
    EXPECT_EQ(p.error(), c.error) << c.input;
  }
}

TEST(Parser, Numbers) {
  Parser p("0 4294967295 4294967296");
  EXPECT_EQ(p.number(), 0u);
  p.space();
  EXPECT_EQ(p.number(), 4294967295u);
  p.space();
  p.number();
  EXPECT_EQ(p.error(), "Number too large");
}

TEST(Parser, NzNumber) {
  Parser p("7 0");
  EXPECT_EQ(p.nz_number(), 7u);
  p.space();
  p.nz_number();
  EXPECT_FALSE(p.ok());
}

TEST(Parser, Number64) {
  Parser p("9223372036854775807 9223372036854775808");
  EXPECT_EQ(p.number64(), 9223372036854775807ull);
  p.space();
  p.number64();
  EXPECT_EQ(p.error(), "Number too large");
  Parser q("99999999999999999999999999999");
  q.number64();
  EXPECT_EQ(q.error(), "Number too large");
}

TEST(Parser, QuotedString) {
  StringKind kind = StringKind::nil;
  Parser p(R"("a \"b\" \\c" "")");
  EXPECT_EQ(p.string(&kind), R"(a "b" \c)");
  EXPECT_EQ(kind, StringKind::quoted);
  p.space();
  EXPECT_EQ(p.string(), "");
  EXPECT_TRUE(p.at_end());
  EXPECT_TRUE(p.ok());
}

TEST(Parser, QuotedStringKeepsUtf8) {
  Parser p("\"gr\xc3\xbc\xc3\x9f\"");
  EXPECT_EQ(p.string(), "gr\xc3\xbc\xc3\x9f");
  EXPECT_TRUE(p.ok());
}

TEST(Parser, QuotedStringErrors) {
  for (const std::string& bad : std::vector<std::string>{"\"abc", "\"a\\", "\"a\\n\"", "\"a\0\""s, "\"a\rb\"", "\"a\nb\""}) {
    Parser p(bad);
    p.string();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(Parser, Literal) {
  StringKind kind = StringKind::nil;
  Parser p("{5}\r\na\r\n\"b {0+}\r\n");
  EXPECT_EQ(p.string(&kind), "a\r\n\"b");
  EXPECT_EQ(kind, StringKind::literal);
  p.space();
  EXPECT_EQ(p.string(), "");
  EXPECT_TRUE(p.at_end());
  EXPECT_TRUE(p.ok()) << p.error();
}

TEST(Parser, LiteralErrors) {
  for (const std::string& bad : std::vector<std::string>{"{5}\r\nabc", "{3}abc", "{3}\nabc", "{x}\r\n", "{3\r\nabc", "~{3}\r\nabc",
                          "{3}\r\na\0c"s, "{99999999999999999999}\r\n"}) {
    Parser p(bad);
    p.string();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(Parser, AppendData) {
  bool literal8 = false;
  const std::string input = "~{3}\r\n\0\1\2 {2+}\r\nab"s;
  Parser p(input);
  EXPECT_EQ(p.append_data(&literal8), "\0\1\2"s);
  EXPECT_TRUE(literal8);
  p.space();
  EXPECT_EQ(p.append_data(&literal8), "ab");
  EXPECT_FALSE(literal8);
  EXPECT_TRUE(p.ok()) << p.error();
  Parser q("\"text\"");
  q.append_data();
  EXPECT_EQ(q.error(), "Expected literal");
}

TEST(Parser, Astring) {
  StringKind kind = StringKind::nil;
  Parser p("ab]c \"q\" {1}\r\nl NIL ~x");
  EXPECT_EQ(p.astring(&kind), "ab]c");
  EXPECT_EQ(kind, StringKind::atom);
  p.space();
  EXPECT_EQ(p.astring(&kind), "q");
  EXPECT_EQ(kind, StringKind::quoted);
  p.space();
  EXPECT_EQ(p.astring(&kind), "l");
  EXPECT_EQ(kind, StringKind::literal);
  p.space();
  EXPECT_EQ(p.astring(&kind), "NIL");  // astring NIL is the string "NIL"
  EXPECT_EQ(kind, StringKind::atom);
  p.space();
  EXPECT_EQ(p.astring(), "~x");
  p.end();
  EXPECT_TRUE(p.ok()) << p.error();
}

TEST(Parser, Nstring) {
  Parser p("NIL nil \"NIL\" {3}\r\nNIL");
  EXPECT_EQ(p.nstring(), std::nullopt);
  p.space();
  EXPECT_EQ(p.nstring(), std::nullopt);
  p.space();
  EXPECT_EQ(p.nstring(), std::optional<std::string>("NIL"));
  p.space();
  EXPECT_EQ(p.nstring(), std::optional<std::string>("NIL"));
  EXPECT_TRUE(p.ok()) << p.error();
  Parser q("NILS");
  q.nstring();
  EXPECT_FALSE(q.ok());
}

TEST(Parser, Mailbox) {
  auto mailbox = [](std::string_view in) {
    Parser p(in);
    std::string m = p.mailbox();
    EXPECT_TRUE(p.ok()) << in << ": " << p.error();
    return m;
  };
  EXPECT_EQ(mailbox("inbox"), "INBOX");
  EXPECT_EQ(mailbox("\"InBoX\""), "INBOX");
  EXPECT_EQ(mailbox("{5}\r\niNbOx"), "INBOX");
  EXPECT_EQ(mailbox("inbox/Sub/inbox"), "INBOX/Sub/inbox");
  EXPECT_EQ(mailbox("inboxes"), "inboxes");
  EXPECT_EQ(mailbox("Archive/inbox"), "Archive/inbox");
  EXPECT_EQ(mailbox("\"&AOQ-b\""), "&AOQ-b");
}

TEST(Parser, ListMailbox) {
  Parser p("%/*] \"*\" {1}\r\n%");
  EXPECT_EQ(p.list_mailbox(), "%/*]");
  p.space();
  EXPECT_EQ(p.list_mailbox(), "*");
  p.space();
  EXPECT_EQ(p.list_mailbox(), "%");
  EXPECT_TRUE(p.ok());
  Parser q("(");
  q.list_mailbox();
  EXPECT_FALSE(q.ok());
}

// --- structures ---------------------------------------------------------------------------

TEST(Parser, SequenceSet) {
  Parser p("1,3:5,*,7:*,4294967295");
  SequenceSet s = p.sequence_set();
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(s.ranges.size(), 5u);
  EXPECT_EQ(s.ranges[0].first, 1u);
  EXPECT_EQ(s.ranges[0].last, 1u);
  EXPECT_EQ(s.ranges[1].first, 3u);
  EXPECT_EQ(s.ranges[1].last, 5u);
  EXPECT_EQ(s.ranges[2].first, kStar);
  EXPECT_EQ(s.ranges[3].first, 7u);
  EXPECT_EQ(s.ranges[3].last, kStar);
  EXPECT_EQ(s.ranges[4].first, 4294967295u);
  EXPECT_EQ(s.resolve(10).to_string(), "1,3:5,7:10,4294967295");
  EXPECT_EQ(s.resolve(0).to_string(), "1:7,4294967295");  // 7:* is 1:7 when empty
}

TEST(Parser, SequenceSetStopsBeforeSpace) {
  Parser p("2:1 FLAGS");
  SequenceSet s = p.sequence_set();
  EXPECT_EQ(p.rest(), " FLAGS");
  EXPECT_EQ(s.resolve(5).to_string(), "1:2");
}

TEST(Parser, SequenceSetSaved) {
  // RFC 5182 §2.1: "$" stands alone for the saved search result.
  Parser p("$ FLAGS");
  SequenceSet s = p.sequence_set();
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(s.saved);
  EXPECT_TRUE(s.ranges.empty());
  EXPECT_EQ(p.rest(), " FLAGS");
  Parser q("$,1");  // not part of a set: the caller finds ",1" where it expects SP
  q.sequence_set();
  EXPECT_EQ(q.rest(), ",1");
}

TEST(Parser, ModSequence) {
  Parser p("1 9223372036854775807 0");
  EXPECT_EQ(p.mod_sequence(false), 1u);
  p.space();
  EXPECT_EQ(p.mod_sequence(false), 9223372036854775807ull);
  p.space();
  EXPECT_EQ(p.mod_sequence(true), 0u);  // mod-sequence-valzer (UNCHANGEDSINCE, SEARCH MODSEQ)
  EXPECT_TRUE(p.ok());
  Parser q("0");
  q.mod_sequence(false);
  EXPECT_EQ(q.error(), "Mod-sequence must not be zero");
  Parser r("9223372036854775808");
  r.mod_sequence(true);
  EXPECT_FALSE(r.ok());
}

TEST(Parser, SequenceSetErrors) {
  for (const std::string& bad : std::vector<std::string>{"", "0", "1:", ":3", "1,,2", ",1", "1,", "1:0", "4294967296", "1,$", "1:$", "-1",
                          "1:18446744073709551616", "a"}) {
    Parser p(bad);
    p.sequence_set();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(Parser, FlagList) {
  Parser p("(\\Seen \\answered \\FLAGGED \\Deleted \\Draft $Junk Work $junk)");
  store::Flags f = p.flag_list();
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(f.system, store::kSeen | store::kAnswered | store::kFlagged | store::kDeleted | store::kDraft);
  EXPECT_EQ(f.keywords, (std::vector<std::string>{"$Junk", "Work"}));
  Parser q("()");
  EXPECT_EQ(q.flag_list(), store::Flags{});
  EXPECT_TRUE(q.ok());
}

TEST(Parser, FlagListErrors) {
  for (const std::string& bad : std::vector<std::string>{"(\\Recent)", "(\\Foo)", "(\\*)", "(\\Seen", "\\Seen", "(\\Seen  \\Draft)",
                          "(\\Seen)", "((\\Seen))", "(a\xe4)", "(\\)"}) {
    Parser p(bad);
    p.flag_list();
    p.end();
    if (bad == "(\\Seen)") {
      EXPECT_TRUE(p.ok());
    } else {
      EXPECT_FALSE(p.ok()) << bad;
    }
  }
}

TEST(Parser, StoreFlags) {
  Parser p("\\Seen $Label1 \\Deleted");
  store::Flags f = p.store_flags();
  EXPECT_TRUE(p.at_end());
  EXPECT_EQ(f.system, store::kSeen | store::kDeleted);
  EXPECT_EQ(f.keywords, std::vector<std::string>{"$Label1"});
  Parser q("(\\Draft)");
  EXPECT_EQ(q.store_flags().system, store::kDraft);
  Parser r("\\Recent");
  r.store_flags();
  EXPECT_FALSE(r.ok());
}

TEST(Parser, DateTime) {
  struct Case {
    std::string input;
    std::int64_t seconds;
    std::int32_t tz;
  };
  for (const Case& c : std::vector<Case>{
           {"\"17-Jul-1996 02:44:25 -0700\"", 837596665, -420},
           {"\" 1-Jan-1970 00:00:00 +0000\"", 0, 0},
           {"\"01-jan-1970 01:00:00 +0100\"", 0, 60},
           {"\"1-Jan-1970 00:00:00 +0000\"", 0, 0},
           {"\"29-Feb-2000 12:00:00 +0000\"", 951825600, 0},
           {"\"31-Dec-1969 23:59:59 +0000\"", -1, 0},
       }) {
    Parser p(c.input);
    DateTime dt = p.date_time();
    EXPECT_TRUE(p.ok()) << c.input << ": " << p.error();
    EXPECT_EQ(dt.seconds, c.seconds) << c.input;
    EXPECT_EQ(dt.tz_minutes, c.tz) << c.input;
  }
}

TEST(Parser, DateTimeErrors) {
  for (const std::string& bad : std::vector<std::string>{"17-Jul-1996 02:44:25 -0700", "\"17-Jul-1996 02:44:25 -0700",
                          "\"32-Jul-1996 02:44:25 -0700\"", "\"29-Feb-1900 02:44:25 -0700\"",
                          "\"17-Jux-1996 02:44:25 -0700\"", "\"17-Jul-96 02:44:25 -0700\"",
                          "\"17-Jul-1996 24:44:25 -0700\"", "\"17-Jul-1996 02:60:25 -0700\"",
                          "\"17-Jul-1996 02:44:61 -0700\"", "\"17-Jul-1996 02:44:25 0700\"",
                          "\"17-Jul-1996 02:44:25 -0760\"", "\"17-Jul-1996 02:44 -0700\"",
                          "\"17-Jul-1996  02:44:25 -0700\"", "\"0-Jul-1996 02:44:25 -0700\"",
                          "\"  1-Jul-1996 02:44:25 -0700\"", "\"17-Jul-1996 2:44:25 -0700\""}) {
    Parser p(bad);
    p.date_time();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

TEST(Parser, Date) {
  auto date = [](std::string_view in) {
    Parser p(in);
    std::int64_t d = p.date();
    EXPECT_TRUE(p.ok()) << in << ": " << p.error();
    EXPECT_TRUE(p.at_end()) << in;
    return d;
  };
  EXPECT_EQ(date("1-Jan-1970"), 0);
  EXPECT_EQ(date("01-JAN-1970"), 0);
  EXPECT_EQ(date("\"2-jan-1970\""), 1);
  EXPECT_EQ(date("1-Feb-1994"), 8797);
  EXPECT_EQ(date("01-Mar-2000"), 11017);
  EXPECT_EQ(date("31-Dec-1969"), -1);
  for (const std::string& bad : std::vector<std::string>{"1-Feb-94", "32-Jan-2000", "1 Feb 2000", "\"1-Feb-2000", "1-Fe-2000", "x",
                          "001-Feb-2000", "29-Feb-2001"}) {
    Parser p(bad);
    p.date();
    p.end();
    EXPECT_FALSE(p.ok()) << bad;
  }
}

// --- FETCH ----------------------------------------------------------------------------------

std::vector<FetchAttribute> fetch(std::string_view in) {
  Parser p(in);
  auto atts = p.fetch_attributes();
  p.end();
  EXPECT_TRUE(p.ok()) << in << ": " << p.error();
  return atts;
}

std::string names(const std::vector<FetchAttribute>& atts) {
  std::string out;
  for (const auto& a : atts) out += (out.empty() ? "" : " ") + a.response_name;
  return out;
}

TEST(Parser, FetchMacros) {
  EXPECT_EQ(names(fetch("ALL")), "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE");
  EXPECT_EQ(names(fetch("fast")), "FLAGS INTERNALDATE RFC822.SIZE");
  EXPECT_EQ(names(fetch("Full")), "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY");
  EXPECT_EQ(fetch("FULL").back().kind, FetchAttribute::Kind::body);
}

TEST(Parser, FetchSimpleItems) {
  auto atts = fetch("(envelope FLAGS InternalDate RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY "
                    "BODYSTRUCTURE UID)");
  using K = FetchAttribute::Kind;
  std::vector<K> kinds;
  for (const auto& a : atts) kinds.push_back(a.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::envelope, K::flags, K::internaldate, K::rfc822, K::rfc822_header,
                                   K::rfc822_size, K::rfc822_text, K::body, K::bodystructure, K::uid}));
  EXPECT_EQ(names(atts),
            "ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE UID");
  EXPECT_EQ(names(fetch("uid")), "UID");
  EXPECT_EQ(fetch("modseq").at(0).kind, K::modseq);  // RFC 7162 §3.1.4
  EXPECT_EQ(names(fetch("(FLAGS MODSEQ)")), "FLAGS MODSEQ");
}

TEST(Parser, FetchSections) {
  struct Case {
    std::string input;
    std::string response_name;
  };
  for (const Case& c : std::vector<Case>{
           {"BODY[]", "BODY[]"},
           {"BODY.PEEK[]", "BODY[]"},
           {"body[header]", "BODY[HEADER]"},
           {"BODY[TEXT]", "BODY[TEXT]"},
           {"BODY[1]", "BODY[1]"},
           {"BODY[1.2.3]", "BODY[1.2.3]"},
           {"BODY[1.2.MIME]", "BODY[1.2.MIME]"},
           {"BODY[2.HEADER]", "BODY[2.HEADER]"},
           {"BODY[2.text]", "BODY[2.TEXT]"},
           {"BODY.PEEK[HEADER.FIELDS (From to \"Message-ID\" {4}\r\nDate)]",
            "BODY[HEADER.FIELDS (FROM TO MESSAGE-ID DATE)]"},
           {"BODY[1.HEADER.FIELDS.NOT (X-Spam)]", "BODY[1.HEADER.FIELDS.NOT (X-SPAM)]"},
           {"BODY[]<0.100>", "BODY[]<0>"},
           {"BODY.PEEK[TEXT]<4294967295.4294967295>", "BODY[TEXT]<4294967295>"},
       }) {
    auto atts = fetch(c.input);
    ASSERT_EQ(atts.size(), 1u) << c.input;
    EXPECT_EQ(atts[0].kind, FetchAttribute::Kind::body_section);
    EXPECT_EQ(atts[0].response_name, c.response_name) << c.input;
  }
}

TEST(Parser, FetchSectionDetails) {
  auto a = fetch("BODY.PEEK[1.2.HEADER.FIELDS (from To)]<10.20>")[0];
  EXPECT_TRUE(a.peek);
  EXPECT_EQ(a.section.part, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(a.section.text, mail::Section::Text::header_fields);
  EXPECT_EQ(a.section.fields, (std::vector<std::string>{"FROM", "TO"}));
  EXPECT_EQ(a.partial_origin, std::optional<std::uint32_t>(10));
  EXPECT_EQ(a.partial_octets, 20u);
  auto b = fetch("BODY[3.MIME]")[0];
  EXPECT_FALSE(b.peek);
  EXPECT_EQ(b.section.text, mail::Section::Text::mime);
  EXPECT_FALSE(b.partial_origin.has_value());
  auto c = fetch("BODY[]")[0];
  EXPECT_TRUE(c.section.part.empty());
  EXPECT_EQ(c.section.text, mail::Section::Text::none);
  EXPECT_EQ(fetch("BODY[HEADER.FIELDS.NOT (A)]")[0].section.text,
            mail::Section::Text::header_fields_not);
  EXPECT_EQ(fetch("BODY[TEXT]")[0].section.text, mail::Section::Text::text);
  EXPECT_EQ(fetch("BODY[HEADER]")[0].section.text, mail::Section::Text::header);
}

TEST(Parser, FetchBinary) {
  // RFC 3516 §4.2: BINARY[part]<partial>, BINARY.PEEK[...], BINARY.SIZE[part].
  using K = FetchAttribute::Kind;
  auto a = fetch("BINARY[1.2]<5.10>")[0];
  EXPECT_EQ(a.kind, K::binary_section);
  EXPECT_FALSE(a.peek);
  EXPECT_EQ(a.section.part, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(a.partial_origin, std::optional<std::uint32_t>(5));
  EXPECT_EQ(a.partial_octets, 10u);
  EXPECT_EQ(a.response_name, "BINARY[1.2]<5>");
  auto b = fetch("binary.peek[]")[0];
  EXPECT_EQ(b.kind, K::binary_section);
  EXPECT_TRUE(b.peek);
  EXPECT_TRUE(b.section.part.empty());
  EXPECT_EQ(b.response_name, "BINARY[]");
  auto c = fetch("BINARY.SIZE[3]")[0];
  EXPECT_EQ(c.kind, K::binary_size);
  EXPECT_EQ(c.section.part, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(c.response_name, "BINARY.SIZE[3]");
  EXPECT_EQ(names(fetch("(UID BINARY.PEEK[1] BINARY.SIZE[1] BODY.PEEK[1.MIME])")),
            "UID BINARY[1] BINARY.SIZE[1] BODY[1.MIME]");
}

TEST(Parser, FetchListMixed) {
  EXPECT_EQ(names(fetch("(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY[]<0.1024> RFC822.SIZE)")),
            "UID FLAGS BODY[HEADER.FIELDS (SUBJECT)] BODY[]<0> RFC822.SIZE");
}

// --- SEARCH ---------------------------------------------------------------------------------

SearchKey search(std::string_view in, std::string* charset = nullptr) {
  Parser p(in);
  std::string cs;
  SearchKey k = p.search_program(charset ? charset : &cs);
  p.end();
  EXPECT_TRUE(p.ok()) << in << ": " << p.error();
  return k;
}

TEST(Parser, SearchFlags) {
  struct Case {
    std::string key;
    SK kind;
    store::SystemFlag bit;
  };
  for (const Case& c : std::vector<Case>{
           {"ANSWERED", SK::flag_set, store::kAnswered}, {"DELETED", SK::flag_set, store::kDeleted},
           {"DRAFT", SK::flag_set, store::kDraft},       {"FLAGGED", SK::flag_set, store::kFlagged},
           {"seen", SK::flag_set, store::kSeen},         {"UNANSWERED", SK::flag_unset, store::kAnswered},
           {"UNDELETED", SK::flag_unset, store::kDeleted}, {"UNDRAFT", SK::flag_unset, store::kDraft},
           {"UNFLAGGED", SK::flag_unset, store::kFlagged}, {"Unseen", SK::flag_unset, store::kSeen}}) {
    SearchKey k = search(c.key);
    EXPECT_EQ(k.kind, SearchKey::Kind::store) << c.key;
    EXPECT_EQ(k.store_key.kind, c.kind) << c.key;
    EXPECT_EQ(k.store_key.number, c.bit) << c.key;
  }
}

TEST(Parser, SearchHeaders) {
  for (const std::string& field : std::vector<std::string>{"FROM", "TO", "CC", "BCC", "SUBJECT"}) {
    SearchKey k = search(ascii::lower(field) + " \"Jane Doe\"");
    EXPECT_EQ(k.store_key.kind, SK::header);
    EXPECT_EQ(k.store_key.field, field);
    EXPECT_EQ(k.store_key.value, "Jane Doe");
  }
  SearchKey h = search("HEADER X-Mailer {3}\r\nfoo");
  EXPECT_EQ(h.store_key.kind, SK::header);
  EXPECT_EQ(h.store_key.field, "X-Mailer");
  EXPECT_EQ(h.store_key.value, "foo");
  SearchKey e = search("HEADER Received \"\"");
  EXPECT_EQ(e.store_key.value, "");
  EXPECT_EQ(search("BODY hello").store_key.kind, SK::body);
  EXPECT_EQ(search("TEXT hello").store_key.value, "hello");
  EXPECT_EQ(search("TEXT hello").store_key.kind, SK::text);
}

TEST(Parser, SearchDates) {
  struct Case {
    std::string key;
    SK kind;
  };
  for (const Case& c : std::vector<Case>{{"BEFORE", SK::before},
                                         {"ON", SK::on},
                                         {"SINCE", SK::since},
                                         {"SENTBEFORE", SK::sent_before},
                                         {"SENTON", SK::sent_on},
                                         {"SENTSINCE", SK::sent_since}}) {
    SearchKey k = search(c.key + " 1-Feb-1994");
    EXPECT_EQ(k.store_key.kind, c.kind);
    EXPECT_EQ(k.store_key.number, 8797);
    EXPECT_EQ(search(c.key + " \"01-feb-1994\"").store_key.number, 8797);
  }
}

TEST(Parser, SearchMisc) {
  EXPECT_EQ(search("ALL").store_key.kind, SK::all);
  EXPECT_EQ(search("KEYWORD $Junk").store_key.kind, SK::keyword);
  EXPECT_EQ(search("KEYWORD $Junk").store_key.value, "$Junk");
  EXPECT_EQ(search("UNKEYWORD work").store_key.kind, SK::unkeyword);
  EXPECT_EQ(search("LARGER 1000").store_key.kind, SK::larger);
  EXPECT_EQ(search("LARGER 1000").store_key.number, 1000);
  EXPECT_EQ(search("SMALLER 9223372036854775807").store_key.number, 9223372036854775807ll);
  EXPECT_EQ(search("SMALLER 5").store_key.kind, SK::smaller);
  EXPECT_EQ(search("MODSEQ 620162338").store_key.kind, SK::modseq);
  EXPECT_EQ(search("MODSEQ 620162338").store_key.number, 620162338);
  EXPECT_EQ(search("MODSEQ \"/flags/\\\\draft\" all 620162338").store_key.number, 620162338);
  EXPECT_EQ(search("NEW").kind, SearchKey::Kind::new_);
  EXPECT_EQ(search("OLD").kind, SearchKey::Kind::old);
  EXPECT_EQ(search("RECENT").kind, SearchKey::Kind::recent);
}

TEST(Parser, SearchSets) {
  SearchKey s = search("1:3,*");
  EXPECT_EQ(s.kind, SearchKey::Kind::sequence_set);
  EXPECT_EQ(s.set.resolve(9).to_string(), "1:3,9");
  SearchKey u = search("UID 5:7");
  EXPECT_EQ(u.kind, SearchKey::Kind::uid_set);
  EXPECT_EQ(u.set.resolve(9).to_string(), "5:7");
  EXPECT_TRUE(search("$").set.saved);  // RFC 5182 §2.1
  EXPECT_EQ(search("$").kind, SearchKey::Kind::sequence_set);
  EXPECT_TRUE(search("UID $").set.saved);
  EXPECT_FALSE(search("1:2").set.saved);
}

TEST(Parser, SearchBoolean) {
  SearchKey k = search("NOT (SEEN OR FROM a TO b) 2:4 unDeleted");
  ASSERT_EQ(k.kind, SearchKey::Kind::and_);
  ASSERT_EQ(k.children.size(), 3u);
  const SearchKey& n = k.children[0];
  ASSERT_EQ(n.kind, SearchKey::Kind::not_);
  ASSERT_EQ(n.children.size(), 1u);
  const SearchKey& paren = n.children[0];
  ASSERT_EQ(paren.kind, SearchKey::Kind::and_);
  ASSERT_EQ(paren.children.size(), 2u);
  EXPECT_EQ(paren.children[0].store_key.kind, SK::flag_set);
  const SearchKey& o = paren.children[1];
  ASSERT_EQ(o.kind, SearchKey::Kind::or_);
  ASSERT_EQ(o.children.size(), 2u);
  EXPECT_EQ(o.children[0].store_key.field, "FROM");
  EXPECT_EQ(o.children[1].store_key.field, "TO");
  EXPECT_EQ(k.children[1].kind, SearchKey::Kind::sequence_set);
  EXPECT_EQ(k.children[2].store_key.kind, SK::flag_unset);
}

TEST(Parser, SearchCharset) {
  std::string charset = "x";
  search("ALL", &charset);
  EXPECT_EQ(charset, "");
  SearchKey k = search("CHARSET utf-8 SUBJECT \"gr\xc3\xbc\xc3\x9f\"", &charset);
  EXPECT_EQ(charset, "UTF-8");
  EXPECT_EQ(k.store_key.value, "gr\xc3\xbc\xc3\x9f");
  search("charset \"US-ASCII\" ALL", &charset);
  EXPECT_EQ(charset, "US-ASCII");
}

TEST(Parser, SearchNestingAtTheCap) {
  std::string ok_deep = std::string(Parser::kMaxDepth, '(') + "ALL" + std::string(Parser::kMaxDepth, ')');
  search(ok_deep);
  std::string nots;
  for (int i = 0; i < Parser::kMaxDepth; ++i) nots += "NOT ";
  search(nots + "ALL");
}

// --- hostile input: framer + parser -------------------------------------------------------

// A minimal command dispatcher, enough to run each primitive in context.
std::string parse_command(std::string_view command) {
  Parser p(command);
  p.tag();
  p.space();
  std::string name = p.keyword();
  if (p.ok() && name == "UID") {
    p.space();
    name = p.keyword();
  }
  if (!p.ok()) return p.error();
  auto seq_then = [&p] {
    p.space();
    p.sequence_set();
    p.space();
  };
  if (name == "NOOP" || name == "LOGOUT" || name == "CAPABILITY") {
  } else if (name == "LOGIN") {
    p.space();
    p.astring();
    p.space();
    p.astring();
  } else if (name == "SELECT" || name == "EXAMINE" || name == "CREATE" || name == "DELETE" ||
             name == "SUBSCRIBE") {
    p.space();
    p.mailbox();
  } else if (name == "RENAME") {
    p.space();
    p.mailbox();
    p.space();
    p.mailbox();
  } else if (name == "LIST" || name == "LSUB") {
    p.space();
    p.mailbox();
    p.space();
    p.list_mailbox();
  } else if (name == "STATUS") {
    p.space();
    p.mailbox();
    p.space();
    p.expect('(');
    do {
      p.keyword();
    } while (p.skip_char(' '));
    p.expect(')');
  } else if (name == "APPEND") {
    p.space();
    p.mailbox();
    p.space();
    if (p.rest().starts_with("(")) {
      p.flag_list();
      p.space();
    }
    if (p.rest().starts_with("\"")) {
      p.date_time();
      p.space();
    }
    p.append_data();
  } else if (name == "FETCH") {
    seq_then();
    p.fetch_attributes();
  } else if (name == "STORE") {
    seq_then();
    std::string item = p.keyword();
    if (p.ok() && item != "FLAGS" && item != "+FLAGS" && item != "-FLAGS" && item != "FLAGS.SILENT" &&
        item != "+FLAGS.SILENT" && item != "-FLAGS.SILENT") {
      p.fail("Unknown STORE item");
    }
    p.space();
    p.store_flags();
  } else if (name == "SEARCH") {
    p.space();
    std::string charset;
    p.search_program(&charset);
  } else if (name == "COPY" || name == "MOVE") {
    seq_then();
    p.mailbox();
  } else {
    p.fail("Unknown command");
  }
  p.end();
  return p.ok() ? "" : p.error();
}

// Feeds `wire` to a framer; the first problem as text ("" if every command parsed).
std::string run_wire(std::string_view wire) {
  Framer framer;
  std::vector<std::string> errors;
  while (!wire.empty()) {
    Framer::Step step = framer.feed(wire);
    wire.remove_prefix(step.consumed);
    switch (step.event) {
      case Framer::Event::need_more:
      case Framer::Event::continuation:
        break;
      case Framer::Event::command: {
        std::string error = parse_command(framer.take_command());
        if (!error.empty()) return error;
        break;
      }
      case Framer::Event::line_too_long:
        return "FRAMER line_too_long";
      case Framer::Event::literal_too_big:
        return "FRAMER literal_too_big";
      case Framer::Event::non_sync_refused:
        return "FRAMER non_sync_refused";
    }
  }
  return "";
}

struct Hostile {
  std::string input;  // without the final CRLF
  std::string error;  // expected substring of the error
};

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::vector<Hostile>& hostile_inputs() {
  static const std::vector<Hostile> cases = {
      // tags
      {" NOOP", "Invalid tag"},
      {"a+ NOOP", "Invalid tag"},
      {"a( NOOP", "Invalid tag"},
      {"a) NOOP", "Invalid tag"},
      {"a{ NOOP", "Invalid tag"},
      {"a% NOOP", "Invalid tag"},
      {"a* NOOP", "Invalid tag"},
      {"a\" NOOP", "Invalid tag"},
      {"a\\ NOOP", "Invalid tag"},
      {"\xe4 NOOP", "Invalid tag"},
      {"a\x01 NOOP", "Invalid tag"},
      {"a\x7f NOOP", "Invalid tag"},
      {"* NOOP", "Invalid tag"},
      {"+ NOOP", "Invalid tag"},
      {"a\0 NOOP"s, "Invalid tag"},
      {"a\tNOOP", "Invalid tag"},
      {"NOOP", "Expected SP, found end"},
      // missing or extra SP
      {"a  NOOP", "Expected atom"},
      {"a NOOP ", "Unexpected SP at end"},
      {"a LOGIN user", "Expected SP, found end"},
      {"a LOGIN  user pass", "Expected atom"},
      {"a FETCH 1FLAGS", "Expected SP"},
      {"a SELECT", "Expected SP, found end"},
      {"a RENAME x", "Expected SP, found end"},
      {"a FETCH 1 FLAGS ", "Unexpected SP at end"},
      // parentheses and brackets
      {"a FETCH 1 (FLAGS", "Missing )"},
      {"a FETCH 1 FLAGS)", "Unbalanced )"},
      {"a FETCH 1 (FLAGS))", "Unbalanced )"},
      {"a FETCH 1 (FLAGS UID", "Missing )"},
      {"a FETCH 1 BODY[HEADER", "Missing ]"},
      {"a FETCH 1 BODY[HEADER]]", "Unbalanced ]"},
      {"a FETCH 1 BODY[1.2", "Missing ]"},
      {"a FETCH 1 BODY[", "Missing ]"},
      {"a FETCH 1 BODY[HEADER.FIELDS (FROM]", "Invalid header field name"},
      {"a FETCH 1 BODY[HEADER.FIELDS (FROM", "Missing )"},
      {"a FETCH 1 BODY[HEADER.FIELDS (FROM)", "Missing ]"},
      {"a SEARCH (ALL", "Missing )"},
      {"a SEARCH ALL)", "Unbalanced )"},
      {"a SEARCH ((ALL)", "Missing )"},
      {"a SEARCH (ALL))", "Unbalanced )"},
      {"a SEARCH ()", "Expected atom"},
      {"a STORE 1 FLAGS (\\Seen", "Missing )"},
      {"a STATUS x (MESSAGES", "Missing )"},
      {"a STATUS x MESSAGES", "Expected ("},
      {"a APPEND x (\\Seen {1+}\r\nx", "Expected atom"},
      // sequence sets
      {"a FETCH 1: FLAGS", "Expected number or *"},
      {"a FETCH :3 FLAGS", "Expected number or *"},
      {"a FETCH 0 FLAGS", "Zero in sequence set"},
      {"a FETCH 00 FLAGS", "Zero in sequence set"},
      {"a FETCH 1:0 FLAGS", "Zero in sequence set"},
      {"a FETCH 1,,2 FLAGS", "Expected number or *"},
      {"a FETCH , FLAGS", "Expected number or *"},
      {"a FETCH 1, FLAGS", "Expected number or *"},
      {"a FETCH 1:*:3 FLAGS", "Expected SP"},
      {"a FETCH -1 FLAGS", "Expected number or *"},
      {"a FETCH $1 FLAGS", "Expected SP"},  // "$" (RFC 5182) stands alone
      {"a UID FETCH 1.5 FLAGS", "Expected SP"},
      {"a FETCH 4294967296 FLAGS", "Number too large"},
      {"a FETCH 1:18446744073709551616 FLAGS", "Number too large"},
      {"a FETCH 99999999999999999999999999999999 FLAGS", "Number too large"},
      {"a SEARCH UID 0", "Zero in sequence set"},
      {"a SEARCH 1:", "Expected number or *"},
      {"a COPY 1:x y", "Expected number or *"},
      // numbers
      {"a SEARCH LARGER 9223372036854775808", "Number too large"},
      {"a SEARCH LARGER 18446744073709551616", "Number too large"},
      {"a SEARCH SMALLER x", "Expected number"},
      {"a SEARCH MODSEQ 9223372036854775808", "Number too large"},
      {"a FETCH 1 BODY[]<4294967296.1>", "Number too large"},
      {"a FETCH 1 BODY[]<0.0>", "Zero"},
      {"a FETCH 1 BODY[4294967296]", "Number too large"},
      {"a FETCH 1 BODY[0]", "Zero in section part"},
      {"a FETCH 1 BODY[1.0]", "Zero in section part"},
      // 8-bit bytes
      {"a SELECT \xe4", "8-bit byte in atom"},
      {"a SELECT x\xe4", "8-bit byte in atom"},
      {"a \xe4NOOP", "8-bit byte in atom"},
      {"a NO\xe4OP", "8-bit byte in atom"},
      {"a FETCH 1 FLAGS\xe4", "8-bit byte in atom"},
      {"a FETCH 1 \xe4", "8-bit byte in atom"},
      {"a SEARCH KEYWORD \xe4", "8-bit byte in atom"},
      {"a SEARCH \xe4", "8-bit byte in atom"},
      {"a STORE 1 +FLAGS (\xe4)", "8-bit byte in atom"},
      {"a LIST \"\" \xe4*", "8-bit byte in atom"},
      {"a LOGIN us\xe4r pass", "8-bit byte in atom"},
      // NUL and control bytes
      {"a LOGIN \"us\0er\" x"s, "NUL in quoted string"},
      {"a LOGIN {3}\r\nu\0r x"s, "NUL in literal"},
      {"a CREATE {3}\r\na\0b"s, "NUL in literal"},
      {"a SELECT x\0"s, "NUL byte in command"},
      {"a NOOP\0"s, "NUL byte in command"},
      {"a SELECT x\x01y", "Control character"},
      {"a LOGIN \"a\rb\" c", "CR or LF in quoted string"},
      // quoted strings and literals
      {"a LOGIN \"abc x", "Unterminated quoted string"},
      {"a LOGIN \"a\\x\" y", "Invalid escape"},
      {"a LOGIN \"a\\0\" y", "Invalid escape"},
      {"a LOGIN x \"a\\", "Unterminated quoted string"},
      {"a LOGIN {5}x y", "Expected CRLF after literal size"},
      {"a LOGIN {x} y", "Expected number"},
      {"a LOGIN ~{3}\r\nabc x", "literal8 is only allowed in APPEND"},
      {"a APPEND x message", "Expected literal"},
      {"a APPEND x {3+}\r\nabc extra", "Unexpected SP at end"},
      {"a APPEND x", "Expected SP, found end"},
      // fetch attributes
      {"a FETCH 1 FOO", "Unknown fetch attribute"},
      {"a FETCH 1 (FLAGS ALL)", "Unknown fetch attribute"},
      {"a FETCH 1 (FAST)", "Unknown fetch attribute"},
      {"a FETCH 1 RFC822.PEEK", "Unknown fetch attribute"},
      {"a FETCH 1 BINARY.FOO[1]", "Unknown fetch attribute"},
      {"a FETCH 1 BINARY[1.TEXT]", "Expected part number"},
      {"a FETCH 1 BINARY[HEADER]", "BINARY takes part numbers only"},
      {"a FETCH 1 BINARY[0]", "Zero in section part number"},
      {"a FETCH 1 BINARY.SIZE[1]<0.5>", "Unexpected text at end of command"},
      {"a FETCH 1 BINARY", "Expected [ after BINARY"},
      {"a FETCH 1 FLAGS-X", "Unknown fetch attribute"},
      {"a FETCH 1 BODY.PEEK", "Expected [ after BODY.PEEK"},
      {"a FETCH 1 BODY[FOO]", "Unknown section text"},
      {"a FETCH 1 BODY[MIME]", "MIME requires a part number"},
      {"a FETCH 1 BODY[1.]", "Expected part number or section text"},
      {"a FETCH 1 BODY[1.X]", "Unknown section text"},
      {"a FETCH 1 BODY[.1]", "section text"},
      {"a FETCH 1 BODY[HEADER.FIELDS ()]", "Empty header field list"},
      {"a FETCH 1 BODY[HEADER.FIELDS FROM]", "Expected ( before header field names"},
      {"a FETCH 1 BODY[HEADER.FIELDS(FROM)]", "Expected SP"},
      {"a FETCH 1 BODY[HEADER.FIELDS (\"X:Y\")]", "Invalid header field name"},
      {"a FETCH 1 BODY[HEADER.FIELDS ({4}\r\nA\r\nB)]", "Invalid header field name"},
      {"a FETCH 1 BODY[HEADER.FIELDS (\"\")]", "Empty header field name"},
      {"a FETCH 1 BODY[TEXT.HEADER]", "Unknown section text"},
      {"a FETCH 1 ()", "Expected fetch attribute"},
      {"a FETCH 1", "Expected SP, found end"},
      {"a FETCH 1 BODY[]<0>", "Expected ."},
      {"a FETCH 1 BODY[]<0.5", "Expected >, found end"},
      {"a FETCH 1 BODY[]<x.5>", "Expected number"},
      // search keys
      {"a SEARCH FOO", "Unknown search key"},
      {"a SEARCH", "Expected SP, found end"},
      {"a SEARCH ", "Expected search key, found end"},
      {"a SEARCH NOT", "Expected SP"},
      {"a SEARCH OR ALL", "Expected SP, found end"},
      {"a SEARCH ALL  SEEN", "Expected atom"},
      {"a SEARCH BEFORE 32-Jan-2020", "Invalid day of month"},
      {"a SEARCH BEFORE 29-Feb-2019", "Invalid day of month"},
      {"a SEARCH SINCE 1-Foo-2020", "Invalid month"},
      {"a SEARCH ON 1-Jan-20", "Expected digit in date"},
      {"a SEARCH ON \"1-Jan-2020", "Expected \", found end"},
      {"a SEARCH ON", "Expected SP, found end"},
      {"a SEARCH HEADER", "Expected SP"},
      {"a SEARCH HEADER X-Foo", "Expected SP, found end"},
      {"a SEARCH CHARSET", "Unknown search key"},
      {"a SEARCH CHARSET UTF-8", "Expected SP, found end"},
      {"a SEARCH MODSEQ \"/flags/\\\\Seen\" bogus 5", "Invalid MODSEQ entry type"},
      {"a SEARCH KEYWORD \\Seen", "Expected atom"},
      {"a SEARCH SUBJECT", "Expected SP, found end"},
      // nesting
      {"a SEARCH " + std::string(10000, '(') + "ALL" + std::string(10000, ')'), "nested too deeply"},
      {"a SEARCH " + repeat("NOT ", 10000) + "ALL", "nested too deeply"},
      {"a SEARCH " + repeat("OR ALL ", 5000) + "ALL", "nested too deeply"},
      {"a SEARCH " + std::string(Parser::kMaxDepth + 2, '(') + "ALL" +
           std::string(Parser::kMaxDepth + 2, ')'),
       "nested too deeply"},
      {"a FETCH 1 " + std::string(10000, '('), "Expected fetch attribute"},
      {"a STORE 1 FLAGS ((\\Seen))", "Expected atom"},
      // flags
      {"a STORE 1 FLAGS (\\Recent)", "\\Recent cannot be stored"},
      {"a STORE 1 +FLAGS \\Recent", "\\Recent cannot be stored"},
      {"a STORE 1 FLAGS (\\Foo)", "Unknown system flag"},
      {"a STORE 1 FLAGS (\\*)", "\\* is not a flag"},
      {"a STORE 1 FLAGS \\", "Expected atom, found end"},
      {"a STORE 1 FLAGS", "Expected SP, found end"},
      {"a STORE 1 FLAGS \\Seen ", "Expected atom, found end"},
      {"a STORE 1 XFLAGS \\Seen", "Unknown STORE item"},
      {"a APPEND x (\\Recent) {1+}\r\nx", "\\Recent cannot be stored"},
      // date-time
      {"a APPEND x \"1-Feb-1994 25:00:00 +0000\" {1+}\r\nx", "Invalid date-time"},
      {"a APPEND x \"01-Feb-1994 21:60:00 +0000\" {1+}\r\nx", "Invalid date-time"},
      {"a APPEND x \"01-Feb-1994 21:00:00 0000\" {1+}\r\nx", "Expected time zone"},
      {"a APPEND x \"01-Feb-1994 21:00:00 +2400\" {1+}\r\nx", "Invalid date-time"},
      {"a APPEND x \"01-Feb-94 21:00:00 +0000\" {1+}\r\nx", "Expected digit in date"},
      {"a APPEND x \"31-Apr-1994 21:00:00 +0000\" {1+}\r\nx", "Invalid date-time"},
      {"a APPEND x \"01-Feb-1994 21:00 +0000\" {1+}\r\nx", "Expected :"},
      {"a APPEND x \"01-Feb-1994 21:00:00 +0000 {1+}\r\nx", "Expected \""},
      // mailboxes and the rest
      {"a LIST \"\" (", "Expected atom"},
      {"a SELECT \"\"\"", "Unexpected text at end"},
      {"a SELECT x y", "Unexpected SP at end"},
      {"a XYZZY", "Unknown command"},
      // framer limits
      {"a LOGIN " + std::string(70000, 'x') + " y", "FRAMER line_too_long"},
      {"a FETCH " + repeat("1,", 40000) + "2 FLAGS", "FRAMER line_too_long"},
      {"a APPEND x {99999999999999999999}", "FRAMER literal_too_big"},
      {"a APPEND x {67108865}", "FRAMER literal_too_big"},
      {"a APPEND x {99999999999999999999+}\r\na LOGOUT", "FRAMER literal_too_big"},
  };
  return cases;
}

TEST(Parser, HostileInputs) {
  const auto& cases = hostile_inputs();
  EXPECT_GE(cases.size(), 100u);
  for (const Hostile& c : cases) {
    const std::string error = run_wire(c.input + "\r\n");
    EXPECT_NE(error, "") << c.input.substr(0, 80);
    EXPECT_NE(error.find(c.error), std::string::npos)
        << "input: " << c.input.substr(0, 80) << "\nerror: " << error << "\nexpected: " << c.error;
  }
}

TEST(Parser, GoodCommandsThroughFramer) {
  for (const std::string& good : std::vector<std::string>{
           "a NOOP",
           "a LOGIN {4}\r\nuser {6}\r\nsecret",
           "a LOGIN \"us\\\"er\" pass]word",
           "a select inbox",
           "a LIST \"\" %",
           "a LIST \"\" \"*\"",
           "a STATUS INBOX (MESSAGES UIDNEXT)",
           "a APPEND Drafts (\\Draft $Label) \" 5-Nov-2020 10:00:00 +0100\" {5+}\r\nhello",
           "a APPEND Drafts ~{3}\r\n\0\0\0"s,
           "a FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)])",
           "a UID FETCH 1,3:5 BODY[1.2.MIME]<0.10>",
           "a FETCH " + repeat("1,", 30000) + "2 FLAGS",
           "a STORE 2 +FLAGS.SILENT (\\Deleted)",
           "a UID STORE 2:* -FLAGS \\Seen \\Flagged",
           "a SEARCH CHARSET UTF-8 OR (FROM x SEEN) NOT TO {3}\r\nabc",
           "a UID SEARCH UID 1:* SINCE 1-Jan-2020 LARGER 10",
           "a COPY 1:3 \"Saved Items\"",
       }) {
    EXPECT_EQ(run_wire(good + "\r\n"), "") << good.substr(0, 80);
  }
}

TEST(Parser, ParsesTheSameHoweverTheBytesArrive) {
  // Framer and parser together, ground through every split: same events, same parses.
  const std::string wire =
      "a LOGIN {4}\r\nuser {6+}\r\nsecret\r\n"
      "b FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM)]<0.1>)\r\n"
      "c SEARCH OR (1:3 SEEN) NOT FROM \"x\"\r\n"
      "d FETCH 0 FLAGS\r\n";
  test::grind(wire, [](const std::vector<std::string_view>& chunks) {
    Framer framer;
    std::vector<std::string> out;
    for (std::string_view chunk : chunks) {
      while (!chunk.empty()) {
        Framer::Step step = framer.feed(chunk);
        chunk.remove_prefix(step.consumed);
        if (step.event == Framer::Event::command) {
          std::string error = parse_command(framer.take_command());
          out.push_back(error.empty() ? "OK" : error);
        } else if (step.event != Framer::Event::need_more) {
          out.push_back("event " + std::to_string(static_cast<int>(step.event)));
        }
      }
    }
    EXPECT_EQ(out, (std::vector<std::string>{"event 1", "OK", "OK", "OK", "Zero in sequence set"}));
    return out;
  });
}

}  // namespace
}  // namespace pillarbox::imap
