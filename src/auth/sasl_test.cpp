#include "auth/sasl.h"

#include <gtest/gtest.h>

#include <string>

namespace pillarbox::auth::sasl {
namespace {

using namespace std::string_literals;
using Kind = ServerExchange::Step::Kind;

TEST(SaslBase64, RoundTripsEveryLengthAndByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::string in = all.substr(0, n);
    const std::string enc = base64_encode(in);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec) << n;
    EXPECT_EQ(*dec, in) << n;
  }
}

TEST(SaslBase64, KnownVectors) {
  // RFC 4648 §10.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("AGFsaWNlAHNlY3JldA=="), "\0alice\0secret"s);
  EXPECT_EQ(base64_decode(""), "");
}

TEST(SaslBase64, RejectsMalformedText) {
  for (const char* bad : {"Zg", "Zg=", "Zm9vY", "Z===", "====", "=Zg=", "Zg==Zg==", "Zm=v", "Zm9v\r\n", " Zm9v",
                          "Zm9v ", "Zm-v", "Zm_v", "Zm9v!", "*", "=", "Zm9\x00"}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
  EXPECT_FALSE(base64_decode("Zm9\0"s));
  EXPECT_FALSE(base64_decode("Zm\xffv"));
}

TEST(SaslPlain, SplitsTheMessage) {
  auto c = parse_plain("\0alice@example.org\0pass word"s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->authzid, "");
  EXPECT_EQ(c->authcid, "alice@example.org");
  EXPECT_EQ(c->password, "pass word");
  auto same = parse_plain("alice\0alice\0pw"s);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->authzid, "alice");
}

TEST(SaslPlain, RefusesMalformedKeepsOtherAuthzid) {
  for (const std::string& bad : {""s, "alice"s, "\0alice"s, "\0alice\0"s, "\0\0pw"s, "\0alice\0pw\0"s, "a\0b\0c\0d"s}) {
    auto c = parse_plain(bad);
    ASSERT_FALSE(c.ok()) << bad.size();
    EXPECT_EQ(c.error().code, Errc::invalid);
  }
  // Whether alice may act as bob is the Authenticator's decision (master users), not the parser's.
  auto other = parse_plain("bob\0alice\0pw"s);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->authzid, "bob");
  EXPECT_EQ(other->authcid, "alice");
}

TEST(SaslMechanisms, CaseInsensitive) {
  EXPECT_EQ(find_mechanism("plain"), Mechanism::plain);
  EXPECT_EQ(find_mechanism("LoGiN"), Mechanism::login);
  EXPECT_EQ(find_mechanism("scram-sha-256"), Mechanism::scram_sha_256);
  EXPECT_EQ(find_mechanism("SCRAM-SHA-256-PLUS"), Mechanism::scram_sha_256_plus);
  EXPECT_EQ(mechanism_name(Mechanism::scram_sha_256_plus), "SCRAM-SHA-256-PLUS");
  EXPECT_FALSE(find_mechanism("SCRAM-SHA-1"));
  EXPECT_FALSE(find_mechanism("CRAM-MD5"));
  EXPECT_FALSE(find_mechanism(""));
  EXPECT_EQ(mechanism_name(Mechanism::login), "LOGIN");
}

TEST(SaslExchange, PlainWithInitialResponse) {
  ServerExchange x(Mechanism::plain);
  auto s = x.start(base64_encode("\0alice\0secret"s));
  ASSERT_EQ(s.kind, Kind::done);
  EXPECT_EQ(x.login(), "alice");
  EXPECT_EQ(x.password(), "secret");
}

TEST(SaslExchange, PlainWithEmptyChallenge) {
  ServerExchange x(Mechanism::plain);
  auto s = x.start(std::nullopt);
  ASSERT_EQ(s.kind, Kind::challenge);
  EXPECT_EQ(s.text, "");
  s = x.next(base64_encode("\0alice\0secret"s));
  ASSERT_EQ(s.kind, Kind::done);
  EXPECT_EQ(x.login(), "alice");
}

TEST(SaslExchange, PlainFailures) {
  EXPECT_EQ(ServerExchange(Mechanism::plain).start("=").kind, Kind::malformed);       // empty message
  EXPECT_EQ(ServerExchange(Mechanism::plain).start("!!!").kind, Kind::malformed);     // not base64
  EXPECT_EQ(ServerExchange(Mechanism::plain).start("*").kind, Kind::cancelled);
  ServerExchange other(Mechanism::plain);
  EXPECT_EQ(other.start(base64_encode("bob\0alice\0pw"s)).kind, Kind::done);
  EXPECT_EQ(other.authzid(), "bob");
  EXPECT_EQ(other.login(), "alice");
  ServerExchange x(Mechanism::plain);
  ASSERT_EQ(x.start(std::nullopt).kind, Kind::challenge);
  EXPECT_EQ(x.next("*").kind, Kind::cancelled);
}

TEST(SaslExchange, Login) {
  ServerExchange x(Mechanism::login);
  auto s = x.start(std::nullopt);
  ASSERT_EQ(s.kind, Kind::challenge);
  EXPECT_EQ(base64_decode(s.text), "Username:");
  s = x.next(base64_encode("alice@example.org"));
  ASSERT_EQ(s.kind, Kind::challenge);
  EXPECT_EQ(base64_decode(s.text), "Password:");
  s = x.next(base64_encode("pass word"));
  ASSERT_EQ(s.kind, Kind::done);
  EXPECT_EQ(x.login(), "alice@example.org");
  EXPECT_EQ(x.password(), "pass word");
}

TEST(SaslExchange, LoginWithInitialResponseAndFailures) {
  ServerExchange x(Mechanism::login);
  auto s = x.start(base64_encode("alice"));
  ASSERT_EQ(s.kind, Kind::challenge);
  EXPECT_EQ(base64_decode(s.text), "Password:");
  EXPECT_EQ(x.next("*").kind, Kind::cancelled);
  EXPECT_EQ(ServerExchange(Mechanism::login).start("=").kind, Kind::malformed);   // empty user name
  EXPECT_EQ(ServerExchange(Mechanism::login).start(base64_encode("a\0b"s)).kind, Kind::malformed);
  ServerExchange y(Mechanism::login);
  ASSERT_EQ(y.start(std::nullopt).kind, Kind::challenge);
  EXPECT_EQ(y.next("not base64!").kind, Kind::malformed);
}

}  // namespace
}  // namespace pillarbox::auth::sasl
