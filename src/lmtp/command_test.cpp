#include "lmtp/command.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace pillarbox::lmtp {
namespace {

// "OK:<address>[ SIZE=n]" or "<code> <status>".
std::string mail(std::string_view argument) {
  MailArgs args;
  if (auto e = parse_mail(argument, args)) return std::to_string(e->code) + " " + e->status;
  std::string out = "OK:" + args.reverse_path;
  if (args.size) out += " SIZE=" + std::to_string(*args.size);
  return out;
}

std::string rcpt(std::string_view argument) {
  RcptArgs args;
  if (auto e = parse_rcpt(argument, args)) return std::to_string(e->code) + " " + e->status;
  return "OK:" + args.forward_path;
}

TEST(LmtpCommand, Verbs) {
  EXPECT_EQ(split_command("LHLO mx.example.org").verb, Verb::lhlo);
  EXPECT_EQ(split_command("LHLO mx.example.org").argument, "mx.example.org");
  EXPECT_EQ(split_command("lhlo x").verb, Verb::lhlo);
  EXPECT_EQ(split_command("Mail FROM:<>").verb, Verb::mail);
  EXPECT_EQ(split_command("Mail FROM:<>").argument, "FROM:<>");
  EXPECT_EQ(split_command("RCPT TO:<a@b>").verb, Verb::rcpt);
  EXPECT_EQ(split_command("DATA").verb, Verb::data);
  EXPECT_EQ(split_command("DATA").argument, "");
  EXPECT_EQ(split_command("rset").verb, Verb::rset);
  EXPECT_EQ(split_command("NOOP whatever").verb, Verb::noop);
  EXPECT_EQ(split_command("QUIT").verb, Verb::quit);
  EXPECT_EQ(split_command("VRFY x").verb, Verb::vrfy);
  EXPECT_EQ(split_command("HELO x").verb, Verb::helo);
  EXPECT_EQ(split_command("EHLO x").verb, Verb::ehlo);
  EXPECT_EQ(split_command("").verb, Verb::empty);
  EXPECT_EQ(split_command("BDAT 10 LAST").verb, Verb::unknown);
  EXPECT_EQ(split_command("MAILFROM:<>").verb, Verb::unknown);
  EXPECT_EQ(split_command("DATAX").verb, Verb::unknown);
}

TEST(LmtpCommand, ControlCharacters) {
  EXPECT_FALSE(has_control_characters("MAIL FROM:<a@b>"));
  EXPECT_TRUE(has_control_characters(std::string("NO\0OP", 5)));
  EXPECT_TRUE(has_control_characters("NOOP\r"));
  EXPECT_TRUE(has_control_characters("NOOP\tx"));
  EXPECT_TRUE(has_control_characters("NOOP\x7f"));
  EXPECT_FALSE(has_control_characters("NOOP caf\xc3\xa9"));
}

TEST(LmtpCommand, MailFrom) {
  EXPECT_EQ(mail("FROM:<a@b>"), "OK:a@b");
  EXPECT_EQ(mail("from:<Alice@Example.ORG>"), "OK:Alice@Example.ORG");
  EXPECT_EQ(mail("FROM:<>"), "OK:");
  EXPECT_EQ(mail("FROM: <a@b>"), "OK:a@b");  // a space after the colon is common; tolerated
  EXPECT_EQ(mail("FROM:<a@b> SIZE=123"), "OK:a@b SIZE=123");
  EXPECT_EQ(mail("FROM:<a@b> size=0 BODY=8BITMIME"), "OK:a@b SIZE=0");
  EXPECT_EQ(mail("FROM:<a@b> BODY=7bit"), "OK:a@b");
  EXPECT_EQ(mail("FROM:<> BODY=8BITMIME SIZE=99"), "OK: SIZE=99");
  EXPECT_EQ(mail("FROM:<a@b>  SIZE=5"), "OK:a@b SIZE=5");
  EXPECT_EQ(mail("FROM:<@relay.example,@r2.example:a@b>"), "OK:a@b");  // source route dropped
  EXPECT_EQ(mail("FROM:<a.b-c+d@[192.0.2.1]>"), "OK:a.b-c+d@[192.0.2.1]");
  EXPECT_EQ(mail("FROM:<a@b> SIZE=99999999999999999999"), "OK:a@b SIZE=" + std::to_string(std::numeric_limits<std::uint64_t>::max()));
}

TEST(LmtpCommand, MailFromErrors) {
  EXPECT_EQ(mail("FROM:a@b"), "501 5.5.4");          // no brackets
  EXPECT_EQ(mail("FROM:<a@b"), "501 5.5.4");         // no closing bracket
  EXPECT_EQ(mail("FROM:"), "501 5.5.4");
  EXPECT_EQ(mail(""), "501 5.5.4");
  EXPECT_EQ(mail("TO:<a@b>"), "501 5.5.4");
  EXPECT_EQ(mail("FROM <a@b>"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b>SIZE=1"), "501 5.5.4");  // no space before the parameter
  EXPECT_EQ(mail("FROM:<a@b> garbage here"), "555 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SIZE=12x"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SIZE="), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SIZE"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SIZE=1 SIZE=2"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SIZE=123456789012345678901"), "501 5.5.4");  // more than 20 digits
  EXPECT_EQ(mail("FROM:<a@b> BODY=BINARYMIME"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> SMTPUTF8"), "555 5.5.4");
  EXPECT_EQ(mail("FROM:<a@b> -X=1"), "501 5.5.4");
  EXPECT_EQ(mail("FROM:<a b@c>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a@>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<@b>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a..b@c>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<.a@c>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a@-b.c>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a@b..c>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a@b.c.>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<a>"), "501 5.1.7");  // no domain
  EXPECT_EQ(mail("FROM:<postmaster>"), "501 5.1.7");
  EXPECT_EQ(mail("FROM:<caf\xc3\xa9@b>"), "501 5.1.7");  // 8-bit needs SMTPUTF8, not offered
}

TEST(LmtpCommand, RcptTo) {
  EXPECT_EQ(rcpt("TO:<alice@example.org>"), "OK:alice@example.org");
  EXPECT_EQ(rcpt("to:<Alice@Example.Org>"), "OK:Alice@Example.Org");
  EXPECT_EQ(rcpt("TO:<alice+Work@example.org>"), "OK:alice+Work@example.org");
  EXPECT_EQ(rcpt("TO:<Postmaster>"), "OK:Postmaster");  // RFC 5321 §4.1.1.3
  EXPECT_EQ(rcpt("TO:<postmaster@example.org>"), "OK:postmaster@example.org");
  // Quoted local parts: unquoted when they are a valid Dot-string, kept quoted otherwise.
  EXPECT_EQ(rcpt("TO:<\"alice\"@example.org>"), "OK:alice@example.org");
  EXPECT_EQ(rcpt("TO:<\"a.b\"@example.org>"), "OK:a.b@example.org");
  EXPECT_EQ(rcpt("TO:<\"john doe\"@example.org>"), "OK:\"john doe\"@example.org");
  EXPECT_EQ(rcpt("TO:<\"a\\\"b\"@example.org>"), "OK:\"a\\\"b\"@example.org");
  EXPECT_EQ(rcpt("TO:<\"a>b\"@example.org>"), "OK:\"a>b\"@example.org");
  EXPECT_EQ(rcpt("TO:<\"\\a\"@example.org>"), "OK:a@example.org");
}

TEST(LmtpCommand, RcptToErrors) {
  EXPECT_EQ(rcpt("TO:alice@example.org"), "501 5.5.4");
  EXPECT_EQ(rcpt("TO:<alice@example.org"), "501 5.5.4");
  EXPECT_EQ(rcpt("TO:"), "501 5.5.4");
  EXPECT_EQ(rcpt("FROM:<a@b>"), "501 5.5.4");
  EXPECT_EQ(rcpt("TO:<>"), "501 5.1.3");
  EXPECT_EQ(rcpt("TO:<alice>"), "501 5.1.3");
  EXPECT_EQ(rcpt("TO:<\"unterminated@example.org>"), "501 5.5.4");
  EXPECT_EQ(rcpt("TO:<a@b> NOTIFY=NEVER"), "555 5.5.4");
  EXPECT_EQ(rcpt("TO:<a@b> ORCPT=rfc822;a@b"), "555 5.5.4");
  EXPECT_EQ(rcpt("TO:<a@b>x"), "501 5.5.4");
  EXPECT_EQ(rcpt("TO:<a@[]>"), "501 5.1.3");
  EXPECT_EQ(rcpt("TO:<a@[1.2.3.4>"), "501 5.1.3");
}

TEST(LmtpCommand, ReplyLine) {
  EXPECT_EQ((Reply{250, "2.1.5", "OK"}).line(), "250 2.1.5 OK\r\n");
  EXPECT_EQ((Reply{354, "", "Go ahead"}).line(), "354 Go ahead\r\n");
}

}  // namespace
}  // namespace pillarbox::lmtp
