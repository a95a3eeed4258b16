#include "mail/message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "mail/address.h"
#include "mail/decode.h"
#include "mail/imap_syntax_test_util.h"
#include "mail/part.h"

namespace pillarbox::mail {
namespace {

using testing::ImapSyntax;

Message parse(std::string_view lf_text) {
  return Message(std::make_shared<const std::string>(to_crlf(lf_text)));
}

Section part(std::vector<std::uint32_t> numbers, Section::Text text = Section::Text::none,
             std::vector<std::string> fields = {}) {
  Section s;
  s.part = std::move(numbers);
  s.text = text;
  s.fields = std::move(fields);
  return s;
}

std::string crlf(std::string_view lf_text) { return to_crlf(lf_text); }

// --- to_crlf -------------------------------------------------------------------------------

TEST(Crlf, BareLfBecomesCrlfOthersStay) {
  EXPECT_EQ(to_crlf("a\nb\r\nc\rd\n"), "a\r\nb\r\nc\rd\r\n");
  EXPECT_EQ(to_crlf("\n\n"), "\r\n\r\n");
  EXPECT_EQ(to_crlf(""), "");
  EXPECT_EQ(to_crlf("\r"), "\r");
  EXPECT_EQ(to_crlf(std::string("x\0\ny", 4)), std::string("x\0\r\ny", 5));
  for (const std::string_view s : {"a\nb\r\nc\rd\n", "", "\n", "\r\n", "\r\r\n\n", "abc"}) {
    EXPECT_EQ(crlf_size(s), to_crlf(s).size()) << s;
  }
}

// --- header_of ------------------------------------------------------------------------------

TEST(HeaderOf, SplitsWhereTheMessageDoes) {
  EXPECT_EQ(header_of("A: 1\nB: 2\n\nbody\n"), "A: 1\nB: 2\n\n");
  EXPECT_EQ(header_of("A: 1\r\n\r\nbody\r\n\r\nmore"), "A: 1\r\n\r\n");
  EXPECT_EQ(header_of("A: 1\r\nB: 2"), "A: 1\r\nB: 2");   // no empty line: all header
  EXPECT_EQ(header_of("\nbody"), "\n");                      // no fields at all
  EXPECT_EQ(header_of(""), "");
  // A boundary right after the fields starts the body, as it does for Message.
  EXPECT_EQ(header_of("Content-Type: multipart/mixed; boundary=b\n--b\n\nx\n--b--\n"),
            "Content-Type: multipart/mixed; boundary=b\n");
  for (const std::string_view raw :
       {std::string_view("From x Mon Jan 1 00:00:00 2024\nSubject: mbox\n\nb\n"),
        std::string_view("Subject: a\n folded\nFrom: c@d\n\nbody"),
        std::string_view("Subject: no colon next\nnot a field\n\nbody"),
        std::string_view("Subject: x\nstray line\nTo: y@z\n\nbody")}) {
    const Message whole(std::make_shared<const std::string>(to_crlf(raw)));
    const Message head(std::make_shared<const std::string>(to_crlf(header_of(raw))));
    EXPECT_EQ(head.section(part({}, Section::Text::header)), whole.section(part({}, Section::Text::header))) << raw;
    EXPECT_EQ(head.envelope(), whole.envelope()) << raw;
  }
}

// --- simple text message -------------------------------------------------------------------

constexpr std::string_view kSimple =
    "From: Alice <alice@example.com>\n"
    "To: bob@example.org\n"
    "Subject: Hello\n"
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\n"
    "Message-ID: <1@example.com>\n"
    "\n"
    "Hello world\n";

TEST(Message, SimpleEnvelope) {
  const Message m = parse(kSimple);
  EXPECT_EQ(m.envelope(),
            "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hello\" "
            "((\"Alice\" NIL \"alice\" \"example.com\")) "
            "((\"Alice\" NIL \"alice\" \"example.com\")) "
            "((\"Alice\" NIL \"alice\" \"example.com\")) "
            "((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<1@example.com>\")");
}

TEST(Message, SimpleBodyStructure) {
  const Message m = parse(kSimple);
  EXPECT_EQ(m.body_structure(false),
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 1)");
  EXPECT_EQ(
      m.body_structure(true),
      "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 1 NIL NIL NIL NIL)");
}

TEST(Message, SimpleSections) {
  const Message m = parse(kSimple);
  EXPECT_EQ(m.section(part({})), m.bytes());
  EXPECT_EQ(m.section(part({1})), "Hello world\r\n");
  EXPECT_EQ(m.section(part({}, Section::Text::text)), "Hello world\r\n");
  EXPECT_EQ(m.section(part({}, Section::Text::header)),
            crlf(kSimple.substr(0, kSimple.find("\n\n") + 2)));
  EXPECT_EQ(m.section(part({}, Section::Text::header_fields, {"SUBJECT", "from"})),
            "From: Alice <alice@example.com>\r\nSubject: Hello\r\n\r\n");
  EXPECT_EQ(m.section(part({}, Section::Text::header_fields, {"X-None"})), "\r\n");
  EXPECT_EQ(
      m.section(part({}, Section::Text::header_fields_not, {"from", "to", "date", "message-id"})),
      "Subject: Hello\r\n\r\n");
  EXPECT_EQ(m.section(part({1}, Section::Text::mime)), m.section(part({}, Section::Text::header)));
  EXPECT_EQ(m.section(part({2})), std::nullopt);
  EXPECT_EQ(m.section(part({0})), std::nullopt);
  EXPECT_EQ(m.section(part({1, 1})), std::nullopt);
  EXPECT_EQ(m.section(part({1}, Section::Text::header)), std::nullopt);
  EXPECT_EQ(m.section(part({}, Section::Text::mime)), std::nullopt);
}

// RFC 3516 §4.2 BINARY[part]: the content with its transfer encoding removed.
TEST(Message, BinaryDecodesTransferEncodings) {
  using namespace std::string_literals;
  using Status = Message::Binary::Status;
  const Message m = parse(
      "Subject: b\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n"
      "--x\nContent-Transfer-Encoding: Quoted-Printable\n\na=3Db=\nc=00\n"
      "--x\nContent-Type: application/octet-stream\nContent-Transfer-Encoding:  base64 \n\nAAEC\n/w==\n"
      "--x\nContent-Transfer-Encoding: 8bit\n\ncaf\xc3\xa9\n"
      "--x\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n"
      "--x\nContent-Type: message/rfc822\n\nSubject: in\nContent-Transfer-Encoding: base64\n\naW4=\n"
      "--x--\n");
  struct Got {
    Status status;
    std::string data;
  };
  // binary(), with binary_size() and binary_status() checked against it for every part.
  auto bin = [&m](std::vector<std::uint32_t> part) {
    const Message::Binary b = m.binary(part);
    const Message::BinarySize size = m.binary_size(part);
    EXPECT_EQ(size.status, b.status);
    EXPECT_EQ(size.size, b.data().size());
    EXPECT_EQ(m.binary_status(part), b.status);
    return Got{b.status, std::string(b.data())};
  };
  EXPECT_EQ(bin({1}).data, "a=bc\0"s);
  EXPECT_EQ(bin({2}).data, "\0\1\2\xff"s);
  EXPECT_EQ(bin({3}).data, "caf\xc3\xa9");
  EXPECT_EQ(bin({4}).status, Status::unknown_cte);
  EXPECT_EQ(bin({5}).data, "Subject: in\r\nContent-Transfer-Encoding: base64\r\n\r\naW4=");  // as is
  EXPECT_EQ(bin({5, 1}).data, "in");
  EXPECT_EQ(bin({}).data, m.bytes());  // the whole message unchanged
  EXPECT_EQ(bin({}).status, Status::ok);
  EXPECT_EQ(bin({6}).status, Status::missing);
  EXPECT_EQ(bin({1, 1}).status, Status::missing);
  EXPECT_EQ(bin({0}).status, Status::missing);
  // A single-part message: part 1 is its body, decoded.
  const Message one = parse("Content-Transfer-Encoding: base64\n\nVHdvIQ==\n");
  EXPECT_EQ(one.binary({1}).data(), "Two!");
  EXPECT_EQ(one.binary_size({1}).size, 4u);
  EXPECT_EQ(one.binary({}).data(), one.bytes());
  // BINARY[] and identity encodings are views into the message, not copies.
  EXPECT_EQ(one.binary({}).data().data(), one.bytes().data());
  const Message plain = parse("Subject: x\n\nno encoding\n");
  EXPECT_EQ(plain.binary({1}).data(), "no encoding\r\n");
  EXPECT_GE(plain.binary({1}).data().data(), plain.bytes().data());
  EXPECT_LT(plain.binary({1}).data().data(), plain.bytes().data() + plain.bytes().size());
}

TEST(Message, TextSearchLooksAtPartHeaders) {
  // RFC 3501 §6.4.4: TEXT is "the header or body", and a part's MIME header is in the body.
  const Message m = parse(
      "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
      "Content-Type: application/pdf; name=\"quarterly.pdf\"\r\n\r\nJVBERi0=\r\n--b--\r\n");
  EXPECT_TRUE(m.text_contains("quarterly"));
  EXPECT_FALSE(m.body_contains("quarterly"));
}

TEST(Message, SimpleSearch) {
  const Message m = parse(kSimple);
  EXPECT_TRUE(m.header_contains("SUBJECT", "hell"));
  EXPECT_TRUE(m.header_contains("subject", ""));
  EXPECT_FALSE(m.header_contains("cc", ""));
  EXPECT_TRUE(m.header_contains("from", "alice@EXAMPLE"));
  EXPECT_TRUE(m.body_contains("WORLD"));
  EXPECT_FALSE(m.body_contains("alice"));
  EXPECT_TRUE(m.text_contains("alice"));
  EXPECT_TRUE(m.text_contains("world"));
  EXPECT_FALSE(m.text_contains("nowhere"));
  EXPECT_EQ(m.sent_date_days(), 8803);
}

TEST(Message, FoldedHeaderFields) {
  const Message m = parse(
      "Subject: a\n"
      "  folded\n\tline\n"
      "X-Other: 1\n"
      "subject: second\n"
      "\n"
      "body\n");
  EXPECT_EQ(m.section(part({}, Section::Text::header_fields, {"Subject"})),
            "Subject: a\r\n  folded\r\n\tline\r\nsubject: second\r\n\r\n");
  EXPECT_EQ(m.envelope(), "(NIL \"a  folded\tline\" NIL NIL NIL NIL NIL NIL NIL NIL)");
  EXPECT_TRUE(m.header_contains("subject", "second"));
  EXPECT_TRUE(m.header_contains("subject", "a  folded"));
}

// --- multipart/alternative with transfer and charset encodings ----------------------------

constexpr std::string_view kAlternative =
    "From: a@b.c\n"
    "Subject: alt\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"XX\"\n"
    "\n"
    "preamble\n"
    "--XX\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Caf=C3=A9 ol=\n"
    "=C3=A9\n"
    "--XX   \n"
    "Content-Type: text/html; charset=\"iso-8859-1\"\n"
    "\n"
    "<p>Caf\xe9 STRASSE</p>\n"
    "--XX--\n"
    "epilogue\n";

TEST(Message, AlternativeBodyStructure) {
  const Message m = parse(kAlternative);
  EXPECT_EQ(m.body_structure(true),
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 2 NIL "
            "NIL NIL NIL)"
            "(\"text\" \"html\" (\"charset\" \"iso-8859-1\") NIL NIL \"7bit\" 19 1 NIL NIL NIL NIL)"
            " \"alternative\" (\"boundary\" \"XX\") NIL NIL NIL)");
  EXPECT_EQ(
      m.body_structure(false),
      "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 2)"
      "(\"text\" \"html\" (\"charset\" \"iso-8859-1\") NIL NIL \"7bit\" 19 1) \"alternative\")");
}

TEST(Message, AlternativeSections) {
  const Message m = parse(kAlternative);
  EXPECT_EQ(m.section(part({1})), "Caf=C3=A9 ol=\r\n=C3=A9");
  EXPECT_EQ(m.section(part({2})), "<p>Caf\xe9 STRASSE</p>");
  EXPECT_EQ(m.section(part({1}, Section::Text::mime)),
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
            "quoted-printable\r\n\r\n");
  EXPECT_EQ(m.section(part({3})), std::nullopt);
  EXPECT_EQ(m.section(part({}, Section::Text::text)),
            crlf(kAlternative.substr(kAlternative.find("preamble"))));
}

TEST(Message, AlternativeSearchDecodes) {
  const Message m = parse(kAlternative);
  EXPECT_TRUE(m.body_contains("café olé"));   // quoted-printable, soft break, UTF-8
  EXPECT_TRUE(m.body_contains("CAFÉ OLÉ"));   // Unicode case folding
  EXPECT_TRUE(m.body_contains("<p>café"));    // text/html in ISO-8859-1
  EXPECT_TRUE(m.body_contains("straße"));     // full case folding: ß = ss
  EXPECT_FALSE(m.body_contains("preamble"));  // not part of any part
  EXPECT_FALSE(m.body_contains("=C3"));
}

// --- multipart/mixed, attachment, nested message/rfc822, groups, RFC 2047 ------------------

constexpr std::string_view kMixed =
    "From: \"Doe, John\" <john@example.com>\n"
    "To: undisclosed-recipients:;\n"
    "Cc: Team: a@x.org, \"B\" <b@x.org>;, c@y.org (Cee)\n"
    "Subject: =?UTF-8?B?w6lsw6h2ZQ==?= report\n"
    "Content-Type: multipart/mixed; boundary=outer\n"
    "\n"
    "--outer\n"
    "Content-Type: text/plain\n"
    "\n"
    "see attached\n"
    "--outer\n"
    "Content-Type: application/pdf; name=\"r.pdf\"\n"
    "Content-Disposition: attachment; filename=\"r.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "Content-ID: <pdf@x>\n"
    "Content-Language: en, de\n"
    "\n"
    "JVBERi0=\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "Content-Description: forwarded\n"
    "\n"
    "From: inner@example.com\n"
    "Subject: inner\n"
    "Content-Type: multipart/alternative; boundary=in\n"
    "\n"
    "--in\n"
    "Content-Type: text/plain\n"
    "\n"
    "inner text\n"
    "--in\n"
    "Content-Type: text/html\n"
    "\n"
    "<b>inner</b>\n"
    "--in--\n"
    "--outer--\n";

TEST(Message, MixedEnvelopeGroupsAndEncodedWords) {
  const Message m = parse(kMixed);
  EXPECT_EQ(
      m.envelope(),
      "(NIL \"=?UTF-8?B?w6lsw6h2ZQ==?= report\" "
      "((\"Doe, John\" NIL \"john\" \"example.com\")) "
      "((\"Doe, John\" NIL \"john\" \"example.com\")) "
      "((\"Doe, John\" NIL \"john\" \"example.com\")) "
      "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
      "((NIL NIL \"Team\" NIL)(NIL NIL \"a\" \"x.org\")(\"B\" NIL \"b\" \"x.org\")(NIL NIL NIL NIL)"
      "(\"Cee\" NIL \"c\" \"y.org\")) NIL NIL NIL)");
  EXPECT_TRUE(m.header_contains("Subject", "ÉLÈVE REPORT"));
  EXPECT_TRUE(m.header_contains("cc", "team: a@x.org"));
}

TEST(Message, MixedBodyStructure) {
  const Message m = parse(kMixed);
  const std::string inner_env =
      "(NIL \"inner\" ((NIL NIL \"inner\" \"example.com\")) ((NIL NIL \"inner\" \"example.com\")) "
      "((NIL NIL \"inner\" \"example.com\")) NIL NIL NIL NIL NIL)";
  const std::string inner_message = crlf(
      "From: inner@example.com\nSubject: inner\nContent-Type: multipart/alternative; "
      "boundary=in\n\n"
      "--in\nContent-Type: text/plain\n\ninner text\n--in\nContent-Type: "
      "text/html\n\n<b>inner</b>\n"
      "--in--");
  EXPECT_EQ(
      m.body_structure(true),
      "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
      "(\"application\" \"pdf\" (\"name\" \"r.pdf\") \"<pdf@x>\" NIL \"base64\" 8 NIL "
      "(\"attachment\" (\"filename\" \"r.pdf\")) (\"en\" \"de\") NIL)"
      "(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" " +
          std::to_string(inner_message.size()) + " " + inner_env +
          " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)"
          "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
          " \"alternative\" (\"boundary\" \"in\") NIL NIL NIL) 13 NIL NIL NIL NIL)"
          " \"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)");
  EXPECT_EQ(m.body_structure(false),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1)"
            "(\"application\" \"pdf\" (\"name\" \"r.pdf\") \"<pdf@x>\" NIL \"base64\" 8)"
            "(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" " +
                std::to_string(inner_message.size()) + " " + inner_env +
                " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1)"
                "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1)"
                " \"alternative\") 13) \"mixed\")");
  EXPECT_TRUE(ImapSyntax::valid(m.body_structure(true)));
}

TEST(Message, MixedSections) {
  const Message m = parse(kMixed);
  EXPECT_EQ(m.section(part({1})), "see attached");
  EXPECT_EQ(m.section(part({2})), "JVBERi0=");
  EXPECT_EQ(m.section(part({3, 1})), "inner text");
  EXPECT_EQ(m.section(part({3, 2})), "<b>inner</b>");
  EXPECT_EQ(m.section(part({3, 3})), std::nullopt);
  EXPECT_EQ(m.section(part({4})), std::nullopt);
  EXPECT_EQ(m.section(part({3}, Section::Text::header)),
            crlf("From: inner@example.com\nSubject: inner\nContent-Type: multipart/alternative; "
                 "boundary=in\n\n"));
  EXPECT_EQ(m.section(part({3}, Section::Text::header_fields, {"subject"})),
            "Subject: inner\r\n\r\n");
  EXPECT_EQ(m.section(part({3}, Section::Text::mime)),
            "Content-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\n");
  EXPECT_EQ(m.section(part({3, 2}, Section::Text::mime)), "Content-Type: text/html\r\n\r\n");
  const auto whole = m.section(part({3}));
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->starts_with("From: inner@example.com\r\n"));
  EXPECT_TRUE(whole->ends_with("--in--"));
  EXPECT_EQ(m.section(part({3}, Section::Text::text)), whole->substr(whole->find("\r\n\r\n") + 4));
  EXPECT_EQ(m.section(part({2}, Section::Text::header)), std::nullopt);
}

TEST(Message, MixedSearchRecursesIntoMessages) {
  const Message m = parse(kMixed);
  EXPECT_TRUE(m.body_contains("INNER TEXT"));
  EXPECT_TRUE(m.body_contains("<b>inner"));
  EXPECT_TRUE(m.body_contains("inner@example.com"));  // the embedded header is body text
  EXPECT_FALSE(m.body_contains("%PDF"));              // attachments are not text
  EXPECT_FALSE(m.header_contains("subject", "inner"));
}

// --- odd structures -----------------------------------------------------------------------

TEST(Message, MultipartWithoutBoundaryIsOneTextPart) {
  const Message m = parse("Content-Type: multipart/mixed\n\nhello\nthere\n");
  EXPECT_EQ(m.body_structure(true),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 14 2 NIL NIL NIL NIL)"
            " \"mixed\" NIL NIL NIL NIL)");
  EXPECT_EQ(m.section(part({1})), "hello\r\nthere\r\n");
  EXPECT_EQ(m.section(part({2})), std::nullopt);
}

TEST(Message, MultipartWithNoPartFoundIsOneTextPart) {
  const Message m = parse("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n--zz--\n");
  EXPECT_EQ(m.body_structure(false),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 23 2) \"mixed\")");
}

TEST(Message, MissingFinalBoundaryAndPaddedBoundaryLines) {
  const Message m = parse(
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b \t\nContent-Type: text/plain\n\none\n"
      "--b\n\ntwo\nstill two\n");
  EXPECT_EQ(m.section(part({1})), "one");
  EXPECT_EQ(m.section(part({2})), "two\r\nstill two\r\n");
  EXPECT_EQ(m.body_structure(false),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1)"
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 16 2) \"mixed\")");
}

TEST(Message, BoundaryPrefixLinesAreNotDelimiters) {
  const Message m = parse(
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\n\n--bc is text\n--b-- trailing\n--b--\n");
  EXPECT_EQ(m.section(part({1})), "--bc is text\r\n--b-- trailing");
}

TEST(Message, EmptyPartsAndEmptyMessage) {
  const Message m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\n--b--\n");
  EXPECT_EQ(m.section(part({1})), "");
  EXPECT_EQ(m.section(part({2})), "");
  EXPECT_EQ(m.section(part({1}, Section::Text::mime)), "\r\n");
  EXPECT_TRUE(ImapSyntax::valid(m.body_structure(true)));

  const Message empty(std::make_shared<const std::string>());
  EXPECT_EQ(empty.envelope(), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
  EXPECT_EQ(empty.body_structure(false),
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
  EXPECT_EQ(empty.section(part({}, Section::Text::header)), "\r\n");
  EXPECT_EQ(empty.section(part({1})), "");
  const Message null_bytes(nullptr);
  EXPECT_EQ(null_bytes.bytes(), "");
}

TEST(Message, HeaderOnlyMessage) {
  const Message m = parse("Subject: only\nX: y");
  EXPECT_EQ(m.section(part({}, Section::Text::header)), "Subject: only\r\nX: y\r\n\r\n");
  EXPECT_EQ(m.section(part({}, Section::Text::header_fields, {"x"})), "X: y\r\n\r\n");
  EXPECT_EQ(m.section(part({}, Section::Text::text)), "");
}

TEST(Message, DigestDefaultsToMessageRfc822) {
  const Message m = parse(
      "Content-Type: multipart/digest; boundary=d\n\n"
      "--d\n\nSubject: first\n\nbody one\n"
      "--d\nContent-Type: text/plain\n\nnot a message\n--d--\n");
  const std::string bs = m.body_structure(false);
  EXPECT_TRUE(bs.starts_with("((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 26 (NIL \"first\" "))
      << bs;
  EXPECT_EQ(m.section(part({1, 1})), "body one");
  EXPECT_EQ(m.section(part({1}, Section::Text::header)), "Subject: first\r\n\r\n");
  EXPECT_EQ(m.section(part({2})), "not a message");
}

TEST(Message, DeliveryStatusIsALeaf) {
  const Message m = parse(
      "Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\n\nfailed\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
      "Final-Recipient: rfc822; a@b\n--r--\n");
  EXPECT_EQ(m.body_structure(false),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1)"
            "(\"message\" \"delivery-status\" NIL NIL NIL \"7bit\" 53) \"report\")");
  EXPECT_TRUE(m.body_contains("final-recipient"));
}

TEST(Message, MessageGlobalIsParsedLikeRfc822) {
  const Message m =
      parse("Content-Type: message/global\n\nSubject: =?utf-8?q?x?= \xc3\xa9\n\ninside\n");
  const std::string bs = m.body_structure(false);
  EXPECT_EQ(
      bs,
      "(\"message\" \"global\" NIL NIL NIL \"7bit\" 37 (NIL {16}\r\n=?utf-8?q?x?= \xc3\xa9 NIL NIL "
      "NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 8 "
      "1) 3)");
  EXPECT_TRUE(ImapSyntax::valid(bs));
  EXPECT_EQ(m.section(part({1, 1})), "inside\r\n");
  EXPECT_EQ(m.section(part({1}, Section::Text::text)), "inside\r\n");
}

TEST(Message, DeepNestingIsCapped) {
  std::string text;
  for (int k = 0; k < 500; ++k) {
    text += "Content-Type: multipart/mixed; boundary=b" + std::to_string(k) + "\n\n--b" +
            std::to_string(k) + "\n";
  }
  text += "\nleaf\n";
  const Message m = parse(text);
  std::string error;
  EXPECT_TRUE(ImapSyntax::valid(m.body_structure(true), &error)) << error;
  std::vector<std::uint32_t> path(kMaxNesting, 1);
  EXPECT_TRUE(m.section(part(path)).has_value());
  path.push_back(1);
  EXPECT_FALSE(m.section(part(path)).has_value());

  std::string messages;
  for (int k = 0; k < 500; ++k) messages += "Content-Type: message/rfc822\n\n";
  const Message nested = parse(messages + "end\n");
  EXPECT_TRUE(ImapSyntax::valid(nested.body_structure(true), &error)) << error;
  EXPECT_TRUE(ImapSyntax::valid(nested.envelope(), &error)) << error;
}

TEST(Message, ManyPartsAreCapped) {
  std::string text = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int k = 0; k < 20000; ++k) text += "--b\n\nx\n";
  const Message m = parse(text);
  const std::unique_ptr<Part> root = parse_message(m.bytes());
  EXPECT_LE(root->children.size(), static_cast<std::size_t>(kMaxParts));
  EXPECT_TRUE(ImapSyntax::valid(m.body_structure(true)));
}

TEST(Message, Rfc2231Parameters) {
  const Message m = parse(
      "Content-Type: application/octet-stream;\n"
      " name*0=\"long\"; name*1=\"-name.txt\";\n"
      " title*=us-ascii'en'This%20is%20it\n"
      "Content-Disposition: attachment;\n"
      " filename*0*=utf-8''%E2%82%AC; filename*1=\" rates.txt\"\n"
      "\n"
      "x\n");
  EXPECT_EQ(m.body_structure(true),
            "(\"application\" \"octet-stream\" (\"name\" \"long-name.txt\" \"title*\" "
            "\"us-ascii'en'This%20is%20it\") NIL NIL \"7bit\" 3 NIL "
            "(\"attachment\" (\"filename*\" \"utf-8''%E2%82%AC%20rates.txt\")) NIL NIL)");
}

TEST(Message, ContentTypeOddities) {
  // No subtype: the RFC 2045 default; parameters kept. Uppercase and comments tolerated.
  EXPECT_EQ(parse("Content-Type: text; charset=utf-8\n\nx").body_structure(false),
            "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 1 1)");
  EXPECT_EQ(
      parse("Content-Type: TEXT/HTML (c) ; (c) CHARSET = \"a\\\"b\" ;\n\nx").body_structure(false),
      "(\"TEXT\" \"HTML\" (\"CHARSET\" \"a\\\"b\") NIL NIL \"7bit\" 1 1)");
  EXPECT_EQ(parse("Content-Type: image/png; name=a b\nContent-Transfer-Encoding: BASE64\n\nx")
                .body_structure(false),
            "(\"image\" \"png\" (\"name\" \"a\") NIL NIL \"BASE64\" 1)");
}

TEST(Message, CommentEndingInBackslash) {
  // Found by fuzz/fuzz_mime: a comment whose last byte is "\\" moved the cursor past the end
  // of the value and substr() threw std::out_of_range out of the parser.
  for (const std::string_view v : {"(\\", " (a\\", "text/plain; (\\", "text/(\\"}) {
    const MediaValue m = parse_media_value(v, true);
    EXPECT_TRUE(m.type.empty() || m.type == "text") << v;
    EXPECT_TRUE(parse_media_value(v, false).params.empty()) << v;
  }
  const Message m = parse("Content-Type: (\\\nContent-Disposition: (x\\\n\nbody\n");
  EXPECT_EQ(m.body_structure(false),
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1)");
  EXPECT_TRUE(ImapSyntax::valid(m.body_structure(true)));
}

// --- addresses and 8-bit headers ----------------------------------------------------------

std::string addresses(std::string_view value) {
  std::string out;
  append_address_list(out, parse_address_list(value));
  return out;
}

TEST(Address, Forms) {
  EXPECT_EQ(addresses("a@b"), "((NIL NIL \"a\" \"b\"))");
  EXPECT_EQ(addresses("  "), "NIL");
  EXPECT_EQ(addresses("John Q. Public <john.q@example.com>"),
            "((\"John Q. Public\" NIL \"john.q\" \"example.com\"))");
  EXPECT_EQ(addresses("\"Joe \\\"Q\\\"\" (comment) <joe@x.y>"),
            "((\"Joe \\\"Q\\\"\" NIL \"joe\" \"x.y\"))");
  EXPECT_EQ(addresses("<@route1,@route2:user@host>"),
            "((NIL \"@route1,@route2\" \"user\" \"host\"))");
  EXPECT_EQ(addresses("root"), "((NIL NIL \"root\" \"MISSING_DOMAIN\"))");
  EXPECT_EQ(addresses("<>"), "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))");
  EXPECT_EQ(addresses("=?utf-8?q?J=C3=B6rg?= <j@x>"),
            "((\"=?utf-8?q?J=C3=B6rg?=\" NIL \"j\" \"x\"))");
  EXPECT_EQ(addresses("a@b (Alice Smith), , c@[1.2.3.4]"),
            "((\"Alice Smith\" NIL \"a\" \"b\")(NIL NIL \"c\" \"[1.2.3.4]\"))");
  EXPECT_EQ(addresses("Undisclosed recipients:;"),
            "((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL))");
  EXPECT_EQ(addresses("g: a@b"), "((NIL NIL \"g\" NIL)(NIL NIL \"a\" \"b\")(NIL NIL NIL NIL))");
  EXPECT_EQ(addresses("\"Smith, J\" <j@s.com>, k@s.com"),
            "((\"Smith, J\" NIL \"j\" \"s.com\")(NIL NIL \"k\" \"s.com\"))");
  EXPECT_EQ(addresses("Bob Smith bob@x.com"), "((\"Bob Smith\" NIL \"bob\" \"x.com\"))");
  EXPECT_EQ(addresses("\"john doe\"@example.com"), "((NIL NIL \"john doe\" \"example.com\"))");
}

TEST(Address, GarbageIsWellFormed) {
  for (const std::string_view v :
       {"<", ">", "@", ":", ";", ",,,", "\"unterminated", "(unterminated", "a@", "@b", "<a@b",
        "a:b:c;;d", "[", "]]]", "\\", "a <b <c@d>> e", "g: <@x:>;", "\"\" <>"}) {
    std::string error;
    const std::string out = addresses(v);
    EXPECT_TRUE(out == "NIL" || ImapSyntax::valid(out, &error))
        << v << " -> " << out << " " << error;
  }
}

TEST(Message, EightBitHeadersGoOutAsLiterals) {
  const Message m = parse("Subject: Caf\xc3\xa9\nFrom: J\xf6rg <j@x>\n\nbody\n");
  EXPECT_EQ(m.envelope(),
            "(NIL {5}\r\nCaf\xc3\xa9 (({4}\r\nJ\xf6rg NIL \"j\" \"x\")) (({4}\r\nJ\xf6rg NIL \"j\" "
            "\"x\")) "
            "(({4}\r\nJ\xf6rg NIL \"j\" \"x\")) NIL NIL NIL NIL NIL)");
  EXPECT_TRUE(ImapSyntax::valid(m.envelope()));
  EXPECT_TRUE(m.header_contains("subject", "CAFÉ"));
  EXPECT_TRUE(m.header_contains("from", "jörg"));  // not UTF-8: read as ISO-8859-1
}

TEST(Message, QuotedStringEscapesAndLongValues) {
  const Message m =
      parse("Subject: a \"quoted\" \\ back\nMessage-ID: " + std::string(2000, 'x') + "\n\n");
  const std::string env = m.envelope();
  EXPECT_TRUE(env.starts_with("(NIL \"a \\\"quoted\\\" \\\\ back\" ")) << env;
  EXPECT_NE(env.find("{2000}\r\nxxx"), std::string::npos);
  EXPECT_TRUE(ImapSyntax::valid(env));
}

TEST(Message, SenderAndReplyToDefaultToFrom) {
  const Message m = parse("From: a@b\nSender: s@b\nReply-To:\n\n");
  EXPECT_EQ(m.envelope(),
            "(NIL NIL ((NIL NIL \"a\" \"b\")) ((NIL NIL \"s\" \"b\")) ((NIL NIL \"a\" \"b\")) NIL "
            "NIL NIL NIL NIL)");
}

// --- decoding and search -------------------------------------------------------------------

TEST(Decode, HeaderValues) {
  EXPECT_EQ(decode_header_value("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
  EXPECT_EQ(decode_header_value("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?="), "éé");
  EXPECT_EQ(decode_header_value("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(decode_header_value("=?UTF-8?Q?a_b?=  =?UTF-8?Q?c?="), "a bc");
  EXPECT_EQ(decode_header_value("=?utf-8?b?4oI=?==?utf-8?b?rA==?="), "€");  // split character
  EXPECT_EQ(decode_header_value("=?koi8-r?b?8NLJ18XU?="), "Привет");
  EXPECT_EQ(decode_header_value("=?bogus?q?x?= =?x"), "x =?x");
  EXPECT_EQ(decode_header_value("plain"), "plain");
}

TEST(Decode, TransferEncodings) {
  EXPECT_EQ(decode_base64("aGVs\r\nbG8="), "hello");
  EXPECT_EQ(decode_base64("aGk=aGk="), "hihi");
  EXPECT_EQ(decode_quoted_printable("a=3Db=\r\nc= \r\nd=ZZ="), "a=bcd=ZZ");
  EXPECT_EQ(base64_decoded_size("aGVs\r\nbG8="), 5u);
  EXPECT_EQ(base64_decoded_size("aGk=aGk="), 4u);
}

// RFC 2045 §6.7 rule 3: literal whitespace at the end of an encoded line is deleted; encoded
// whitespace (=20, =09) and whitespace before a soft line break are content.
TEST(Decode, QuotedPrintableDeletesTrailingWhitespace) {
  EXPECT_EQ(decode_quoted_printable("a \t \r\nb\t\nc  "), "a\r\nb\nc");
  EXPECT_EQ(decode_quoted_printable("a=20\r\nb =\r\nc"), "a \r\nb c");
  EXPECT_EQ(decode_quoted_printable("a  b =\r\n \r\n"), "a  b \r\n");
  EXPECT_EQ(decode_quoted_printable("x \ry"), "x \ry");  // a lone CR ends no line
  for (const char* in : {"a \t \r\nb\t\nc  ", "a=20\r\nb =\r\nc", "=3D=\r\n", "x=ZZ= \r\n \t"}) {
    EXPECT_EQ(quoted_printable_decoded_size(in), decode_quoted_printable(in).size()) << in;
  }
  EXPECT_EQ(to_utf8("\xe9", "windows-1252"), "é");
  EXPECT_EQ(to_utf8("\xe9", "no-such-charset"), "é");
  EXPECT_EQ(to_utf8("\xc3\xa9", "us-ascii"), "é");
}

TEST(Search, ContainsFolded) {
  EXPECT_TRUE(contains_folded("Hello World", "o w"));
  EXPECT_TRUE(contains_folded("anything", ""));
  EXPECT_FALSE(contains_folded("", "a"));
  EXPECT_TRUE(contains_folded("GROSSE Straße", "grosse strasse"));
  EXPECT_TRUE(contains_folded("ΣΊΣΥΦΟΣ", "σίσυφος"));
  EXPECT_TRUE(
      contains_folded("\xe2\x84\xaa"
                      "elvin",
                      "kelvin"));  // KELVIN SIGN folds to k
  EXPECT_FALSE(contains_folded("abc", "abcd"));
}

TEST(Search, Base64BodyInCharset) {
  const Message m = parse(
      "Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: base64\n\n8NLJ18XU\n");
  EXPECT_TRUE(m.body_contains("привет"));
  EXPECT_TRUE(m.text_contains("ПРИВЕТ"));
  EXPECT_EQ(m.search_text().body, "привет\n");   // folded, one chunk, one line end
}

TEST(Search, SearchTextHoldsWhatTheContainsFunctionsSee) {
  const Message m = parse(
      "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nFrom: Ann <ann@example.org>\n"
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n"
      "Content-Description: Der Plan\n\nStra\xc3\x9f" "e frei\n--b--\n");
  const Message::SearchText t = m.search_text();
  const auto npos = std::string::npos;
  EXPECT_NE(t.header.find("subject: grüsse\nfrom: ann <ann@example.org>\n"), npos) << t.header;
  EXPECT_NE(t.body.find("strasse frei"), npos) << t.body;
  EXPECT_EQ(t.body.find("der plan"), npos) << t.body;
  EXPECT_NE(t.part_headers.find("content-description: der plan\n"), npos) << t.part_headers;
  EXPECT_EQ(t.header.find("der plan"), npos);
  // The same split as the matching functions: BODY does not see part headers, TEXT does.
  EXPECT_FALSE(m.body_contains("der plan"));
  EXPECT_TRUE(m.text_contains("DER PLAN"));
  EXPECT_TRUE(m.body_contains("STRASSE"));
  EXPECT_EQ(fold_case("Stra\xc3\x9f" "e"), "strasse");
}

TEST(Search, SentDate) {
  auto days = [](std::string date) { return parse("Date: " + date + "\n\n").sent_date_days(); };
  EXPECT_EQ(days("Mon, 1 Jan 2001 00:00:00 +0000"), 11323);
  EXPECT_EQ(days("1 Jan 2001 23:59 -1200"), 11323);  // the day in its own zone, no seconds
  EXPECT_EQ(days("Mon, 01 Jan 01 10:00:00 EST"), 11323);
  EXPECT_EQ(days("Fri, 31 Dec 99 10:00:00 GMT"), 10956);
  EXPECT_EQ(days("Fri, 31 Dec 099 10:00:00 GMT"), 10956);
  EXPECT_EQ(days("Thu, 4 Mar 49 1:2:3 +0000"), 28917);
  EXPECT_EQ(days("(comment) Mon ,  1  Jan  2001 (x) 00:00:00 (y) +0000"), 11323);
  EXPECT_EQ(days("Mon Jan  1 00:00:00 2001"), 11323);
  EXPECT_EQ(days("01-Jan-2001 00:00:00 +0000"), 11323);
  EXPECT_EQ(days("2001-01-01"), 11323);
  EXPECT_EQ(days("January 1, 2001"), 11323);
  EXPECT_EQ(days("30 Feb 2001 00:00"), std::nullopt);
  EXPECT_EQ(days("garbage"), std::nullopt);
  EXPECT_EQ(days("99999999999999999999 Jan 2001"), std::nullopt);
  EXPECT_EQ(days("1 Jan 99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse("Subject: x\n\n").sent_date_days(), std::nullopt);
}

// --- grind: every prefix of every sample parses into well-formed output -------------------

TEST(Grind, EveryPrefixIsWellFormed) {
  for (const std::string_view sample : {kSimple, kAlternative, kMixed}) {
    const std::string bytes = to_crlf(sample);
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
      const Message m(std::make_shared<const std::string>(bytes.substr(0, cut)));
      std::string error;
      ASSERT_TRUE(ImapSyntax::valid(m.envelope(), &error)) << cut << " " << error;
      ASSERT_TRUE(ImapSyntax::valid(m.body_structure(true), &error)) << cut << " " << error;
      ASSERT_TRUE(ImapSyntax::valid(m.body_structure(false), &error)) << cut << " " << error;
      for (std::uint32_t n = 1; n <= 4; ++n) {
        if (const auto s = m.section(part({n}))) {
          ASSERT_NE(m.bytes().find(*s), std::string::npos) << cut;
        }
      }
    }
  }
}

TEST(Grind, LfAndCrlfInputsParseAlike) {
  for (const std::string_view sample : {kSimple, kAlternative, kMixed}) {
    const Message lf(std::make_shared<const std::string>(sample));
    const Message crlf_message = parse(sample);
    EXPECT_EQ(lf.envelope(), crlf_message.envelope());
    EXPECT_EQ(lf.section(part({1}, Section::Text::mime)).has_value(),
              crlf_message.section(part({1}, Section::Text::mime)).has_value());
  }
}

TEST(Message, LineWithoutColonEndsTheHeader) {
  const Message m = parse(
      "Subject: lost blank line\n"
      "Content-Type: multipart/mixed; boundary=b\n"
      "This is a preamble.\n"
      "--b\n"
      "no header in this part\n"
      "--b--\n");
  EXPECT_EQ(m.section(part({}, Section::Text::header)),
            "Subject: lost blank line\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
  EXPECT_EQ(m.section(part({1})), "no header in this part");
  EXPECT_EQ(m.section(part({1}, Section::Text::mime)), "\r\n");
  EXPECT_EQ(m.envelope(), "(NIL \"lost blank line\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(Message, MboxFromLineStaysInTheHeader) {
  const Message m = parse("From someone Mon Jan  1 00:00:00 2001\nSubject: x\n\nbody\n");
  EXPECT_TRUE(m.header_contains("subject", "x"));
  EXPECT_EQ(m.section(part({1})), "body\r\n");
  const Message only = parse("From someone\nSubject: x\n\nbody\n");
  EXPECT_TRUE(only.header_contains("subject", "x"));
}

TEST(Message, FoldedBoundaryParameter) {
  const Message m = parse(
      "Content-Type: multipart/mixed; boundary=\"simple\n boundary\"\n\n"
      "--simple boundary\n\none\n--simple boundary--\n");
  EXPECT_EQ(m.section(part({1})), "one");
}

/// Mutates the samples (byte flips, cuts, duplicated spans, inserted MIME tokens) with a fixed
/// seed and checks that every result parses into well-formed IMAP and in-range sections.
TEST(Grind, RandomMutationsStayWellFormed) {
  static constexpr std::string_view kTokens[] = {"\r\n",
                                                 "\n",
                                                 "--",
                                                 "--b\r\n",
                                                 "--outer\r\n",
                                                 "--in--\r\n",
                                                 "Content-Type: multipart/mixed; boundary=b\r\n",
                                                 "Content-Type: message/rfc822\r\n\r\n",
                                                 ":",
                                                 "<",
                                                 ">",
                                                 "\"",
                                                 "(",
                                                 ")",
                                                 ";",
                                                 "=?utf-8?b?",
                                                 "?=",
                                                 "\xff",
                                                 "\0",
                                                 "\r\n\r\n",
                                                 " ",
                                                 "\t",
                                                 "@",
                                                 ","};
  std::mt19937 rng(12345);
  const std::string samples[] = {to_crlf(kSimple), to_crlf(kAlternative), to_crlf(kMixed)};
  for (int round = 0; round < 3000; ++round) {
    std::string text = samples[round % 3];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = static_cast<char>(rng());
          break;
        case 1:
          text.erase(at, rng() % 40);
          break;
        case 2:
          text.insert(at, text.substr(rng() % text.size(), rng() % 200));
          break;
        default: {
          const std::string_view token = kTokens[rng() % std::size(kTokens)];
          text.insert(at, token.empty() ? std::string(1, '\0') : std::string(token));
        }
      }
    }
    const Message m(std::make_shared<const std::string>(text));
    std::string error;
    ASSERT_TRUE(ImapSyntax::valid(m.envelope(), &error)) << round << " " << error;
    ASSERT_TRUE(ImapSyntax::valid(m.body_structure(true), &error)) << round << " " << error;
    ASSERT_TRUE(ImapSyntax::valid(m.body_structure(false), &error)) << round << " " << error;
    for (std::uint32_t a = 1; a <= 3; ++a) {
      for (std::uint32_t b = 0; b <= 2; ++b) {
        std::vector<std::uint32_t> path{a};
        if (b > 0) path.push_back(b);
        for (const auto t : {Section::Text::none, Section::Text::mime, Section::Text::header,
                             Section::Text::text}) {
          if (const auto s = m.section(part(path, t)); s && t == Section::Text::none) {
            ASSERT_NE(text.find(*s), std::string::npos) << round;
          }
        }
      }
    }
    m.text_contains("zz");
    m.sent_date_days();
  }
}

TEST(Message, LinesWithoutColonBeforeMoreFieldsStayInTheHeader) {
  const Message m = parse(
      "HELO example.com\n"
      "Received: from x\n"
      "by y with ESMTP\n"
      "Subject: kept\n"
      "\n"
      "body\n");
  EXPECT_TRUE(m.header_contains("subject", "kept"));
  EXPECT_EQ(m.section(part({}, Section::Text::text)), "body\r\n");
}

/// Inputs built to make a careless parser quadratic; each must finish quickly.
TEST(Grind, HostileInputsStayFast) {
  const auto start = std::chrono::steady_clock::now();
  std::string words;
  for (int k = 0; k < 100000; ++k) words += "=?a?q?b";
  std::string spaced;
  for (int k = 0; k < 100000; ++k) spaced += "=?a?q?b c";
  const Message m(
      std::make_shared<const std::string>("Subject: " + words + "\r\nTo: " + spaced + "\r\n\r\n"));
  EXPECT_FALSE(m.header_contains("subject", "zzz"));
  EXPECT_FALSE(m.header_contains("to", "zzz"));

  std::string no_colon;  // many field-less lines, each followed by a field
  for (int k = 0; k < 100000; ++k) no_colon += "garbage line\r\nX-F: v\r\n";
  const Message g(std::make_shared<const std::string>(no_colon + "\r\nbody\r\n"));
  EXPECT_EQ(g.section(part({1})), "body\r\n");

  std::string dashes =
      "Content-Type: multipart/mixed; boundary=\"" + std::string(900, '-') + "\"\r\n\r\n";
  for (int k = 0; k < 20000; ++k) dashes += std::string(100, '-') + "\r\n";
  const Message d(std::make_shared<const std::string>(dashes));
  EXPECT_TRUE(ImapSyntax::valid(d.body_structure(true)));

  std::string addresses = "To: ";
  for (int k = 0; k < 100000; ++k) addresses += "g: <a@b";
  const Message a(std::make_shared<const std::string>(addresses + "\r\n\r\n"));
  EXPECT_TRUE(ImapSyntax::valid(a.envelope()));
  std::string routes = "Cc: ";
  for (int k = 0; k < 100000; ++k) routes += "<@a>";
  const Message r(std::make_shared<const std::string>(routes + "\r\n\r\n"));
  EXPECT_TRUE(ImapSyntax::valid(r.envelope()));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace pillarbox::mail
