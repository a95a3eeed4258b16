#include "auth/scram.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/sasl.h"

namespace pillarbox::auth {
namespace {

using namespace std::string_literals;
using sasl::base64_decode;
using sasl::base64_encode;
using sasl::ChannelBindings;
using sasl::Mechanism;
using sasl::ServerExchange;
using Kind = ServerExchange::Step::Kind;

// RFC 7677 §3: user "user", password "pencil", salt and nonces as in the example.
constexpr const char* kSalt = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr const char* kClientNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char* kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

scram::Secret pencil() {
  auto s = scram::derive_secret("pencil", *base64_decode(kSalt), 4096);
  EXPECT_TRUE(s.ok());
  return *s;
}

std::string decoded(const ServerExchange::Step& step) { return base64_decode(step.text).value_or("<not base64>"); }

// A client on top of the test helpers: runs the whole exchange and returns the last step.
struct Client {
  std::string gs2 = "n,,";
  std::string binding_data;        // appended to gs2 in c=
  std::string c_header;            // c= header when it should differ from gs2 (a lying client)
  std::string user = "user";
  std::string nonce = kClientNonce;
  std::string password = "pencil";

  std::string first() const { return gs2 + "n=" + user + ",r=" + nonce; }

  ServerExchange::Step run(ServerExchange& x, const scram::Secret& secret, bool usable = true) const {
    auto step = x.start(base64_encode(first()));
    if (step.kind != Kind::need_secret) return step;
    step = x.provide_secret(secret, usable);
    if (step.kind != Kind::challenge) return step;
    const std::string server_first = decoded(step);
    const auto r_end = server_first.find(",s=");
    const std::string combined = server_first.substr(2, r_end - 2);
    const std::string without_proof =
        "c=" + base64_encode((c_header.empty() ? gs2 : c_header) + binding_data) + ",r=" + combined;
    const std::string auth_message = first().substr(gs2.size()) + "," + server_first + "," + without_proof;
    const std::string proof = scram::client_proof(password, secret, auth_message);
    step = x.next(base64_encode(without_proof + ",p=" + base64_encode(proof)));
    if (step.kind != Kind::challenge) return step;
    const std::string expected = "v=" + base64_encode(scram::server_signature(secret, auth_message));
    EXPECT_EQ(decoded(step), expected);
    return x.next("");
  }
};

ChannelBindings tls13() { return {true, std::string(32, 'E'), std::string(32, 'S')}; }

TEST(Scram, Rfc7677TestVector) {
  ServerExchange x(Mechanism::scram_sha_256, {}, kServerNonce);
  auto step = x.start(base64_encode("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
  ASSERT_EQ(step.kind, Kind::need_secret);
  EXPECT_EQ(x.login(), "user");
  EXPECT_EQ(x.authzid(), "");
  step = x.provide_secret(pencil(), true);
  ASSERT_EQ(step.kind, Kind::challenge);
  EXPECT_EQ(decoded(step), "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  step = x.next(base64_encode(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
  ASSERT_EQ(step.kind, Kind::challenge);
  EXPECT_EQ(decoded(step), "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  step = x.next("");
  EXPECT_EQ(step.kind, Kind::done);
  EXPECT_EQ(x.password(), "");
}

TEST(Scram, SecretsMatchGnuSasl) {
  // `gsasl --mkpasswd -m SCRAM-SHA-256 --password pencil --salt W22ZaJ0SNY7soEsUEjb6gQ==
  // --iteration-count 4096` (GNU SASL 2.2.0): another implementation, same stored form.
  EXPECT_EQ(scram::format_secret(pencil()),
            "{SCRAM-SHA-256}4096,W22ZaJ0SNY7soEsUEjb6gQ==,WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=,"
            "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
  // Same tool, salt "saltsalt": SASLprep maps U+00AD to nothing and U+2168 to "IX" (NFKC), and
  // U+00A0 to a space, so these pairs share their keys.
  const std::string salt = "saltsalt";
  const std::string ix = "{SCRAM-SHA-256}4096,c2FsdHNhbHQ=,9Z0EoeLxUdxgC/gc+oQWy0nrlhFRRqlula1RZqLyxcU=,"
                         "gyPiwH2XQbiRcj3JfNlV662mptqvMlH86zYOF1BccXw=";
  EXPECT_EQ(scram::format_secret(*scram::derive_secret("IX", salt, 4096)), ix);
  EXPECT_EQ(scram::format_secret(*scram::derive_secret("I\u00adX", salt, 4096)), ix);
  EXPECT_EQ(scram::format_secret(*scram::derive_secret("\u2168", salt, 4096)), ix);
  const std::string ab = "{SCRAM-SHA-256}4096,c2FsdHNhbHQ=,Hp5S2ZG/4dJVQ4hI1w8lw9MMuK9WMeHxuT6qDIFRbw0=,"
                         "o5rs2FhtyYUVCSdOsVH/NWe7edCFj9c6v+/0cGSwhkM=";
  EXPECT_EQ(scram::format_secret(*scram::derive_secret("a\u00a0b", salt, 4096)), ab);
  EXPECT_EQ(scram::format_secret(*scram::derive_secret("a b", salt, 4096)), ab);
}

TEST(Scram, Saslprep) {
  EXPECT_EQ(scram::saslprep("pencil"), "pencil");
  EXPECT_EQ(scram::saslprep("I\u00adX"), "IX");      // RFC 4013 §3 examples
  EXPECT_EQ(scram::saslprep("\u00aa"), "a");
  EXPECT_EQ(scram::saslprep("\u2168"), "IX");
  EXPECT_FALSE(scram::saslprep("\x07"));              // prohibited: control character
  EXPECT_FALSE(scram::saslprep("\u0627\u0031"));      // violates the bidi rule
  EXPECT_FALSE(scram::saslprep(""));
  EXPECT_FALSE(scram::saslprep("\xff\xfe"));          // not UTF-8
  EXPECT_FALSE(scram::saslprep("\xc0\xaf"));          // overlong
  EXPECT_FALSE(scram::derive_secret("\x07", "salt", 4096).ok());
}

// fuzz_sasl: NFKC makes 18 code points of U+FDFA, more than the 4x room saslprep first gives
// ICU; four of them were refused (so such a password could not use SCRAM) instead of mapped.
TEST(Scram, SaslprepExpandsBeyondFourTimes) {
  const std::string one = "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064a\u0647 \u0648\u0633\u0644\u0645";
  EXPECT_EQ(scram::saslprep("\ufdfa"), one);
  EXPECT_EQ(scram::saslprep("\ufdfa\ufdfa\ufdfa\ufdfa"), one + one + one + one);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "\ufdfa";
  const auto prepared = scram::saslprep(many);
  ASSERT_TRUE(prepared);
  EXPECT_EQ(prepared->size(), 100 * one.size());
  EXPECT_TRUE(scram::derive_secret("\ufdfa\ufdfa\ufdfa\ufdfa", "salt", 4096).ok());
}

TEST(Scram, StoredFormRoundTripsAndRejectsOthers) {
  auto made = scram::make_secret("correct horse");
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->iterations, scram::kIterations);
  EXPECT_EQ(made->salt.size(), scram::kSaltBytes);
  const std::string text = scram::format_secret(*made);
  auto back = scram::parse_secret(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->iterations, made->iterations);
  EXPECT_EQ(back->salt, made->salt);
  EXPECT_EQ(back->stored_key, made->stored_key);
  EXPECT_EQ(back->server_key, made->server_key);
  EXPECT_NE(scram::make_secret("correct horse")->salt, made->salt);   // fresh salt each time
  const std::string k = base64_encode(std::string(32, 'k'));
  for (const std::string& bad :
       {""s, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"s, "{SCRAM-SHA-1}4096,c2FsdA==," + k + "," + k,
        "{SCRAM-SHA-256}4096,c2FsdA==," + k, "{SCRAM-SHA-256}100,c2FsdA==," + k + "," + k,
        "{SCRAM-SHA-256}99999999999,c2FsdA==," + k + "," + k, "{SCRAM-SHA-256}4096x,c2FsdA==," + k + "," + k,
        "{SCRAM-SHA-256}4096,,"s + k + "," + k, "{SCRAM-SHA-256}4096,c2FsdA==,c2hvcnQ=," + k,
        "{SCRAM-SHA-256}4096,c2Fsd!==," + k + "," + k, "{SCRAM-SHA-256}4096,c2FsdA==," + k + "," + k + ",extra"}) {
    EXPECT_FALSE(scram::parse_secret(bad)) << bad;
  }
}

TEST(Scram, FakeSecretsAreStablePerNameAndNeverMatch) {
  const auto a1 = scram::fake_secret("key one", "nobody@example.org");
  const auto a2 = scram::fake_secret("key one", "nobody@example.org");
  const auto b = scram::fake_secret("key one", "other@example.org");
  const auto c = scram::fake_secret("key two", "nobody@example.org");
  EXPECT_EQ(a1.salt, a2.salt);
  EXPECT_EQ(a1.salt.size(), scram::kSaltBytes);
  EXPECT_EQ(a1.iterations, scram::kIterations);
  EXPECT_NE(a1.salt, b.salt);
  EXPECT_NE(a1.salt, c.salt);
  EXPECT_NE(a1.stored_key, a2.stored_key);
  // A client that knows the password still fails: the exchange was told the secret is unusable.
  ServerExchange x(Mechanism::scram_sha_256);
  EXPECT_EQ(Client{}.run(x, pencil(), false).kind, Kind::failed);
}

TEST(Scram, FullExchangeAndWrongPassword) {
  ServerExchange ok(Mechanism::scram_sha_256);
  EXPECT_EQ(Client{}.run(ok, pencil()).kind, Kind::done);
  Client wrong;
  wrong.password = "pencils";
  ServerExchange x(Mechanism::scram_sha_256);
  auto step = wrong.run(x, pencil());
  EXPECT_EQ(step.kind, Kind::failed);
  EXPECT_EQ(step.text, "Authentication failed");
  EXPECT_NE(step.detail.find("proof"), std::string::npos);
}

TEST(Scram, AuthorizationIdentityAndNameEscapes) {
  Client c;
  c.gs2 = "n,a=master=2Cx=3Dy@example.org,";
  c.user = "us=2Cer=3D";
  ServerExchange x(Mechanism::scram_sha_256);
  EXPECT_EQ(c.run(x, pencil()).kind, Kind::done);
  EXPECT_EQ(x.authzid(), "master,x=y@example.org");
  EXPECT_EQ(x.login(), "us,er=");
}

TEST(Scram, ChannelBindingTlsExporterAndServerEndPoint) {
  for (const auto& [name, data] : {std::pair{"tls-exporter"s, std::string(32, 'E')},
                                   std::pair{"tls-server-end-point"s, std::string(32, 'S')}}) {
    Client c;
    c.gs2 = "p=" + name + ",,";
    c.binding_data = data;
    ServerExchange x(Mechanism::scram_sha_256_plus, tls13());
    EXPECT_EQ(c.run(x, pencil()).kind, Kind::done) << name;
    // Bytes of another connection (a man in the middle's) do not match.
    c.binding_data = std::string(32, 'X');
    ServerExchange y(Mechanism::scram_sha_256_plus, tls13());
    auto step = c.run(y, pencil());
    EXPECT_EQ(step.kind, Kind::failed) << name;
    EXPECT_NE(step.detail.find("channel binding"), std::string::npos);
  }
}

TEST(Scram, ChannelBindingFlagRules) {
  auto first_step = [](Mechanism m, ChannelBindings cb, const std::string& gs2) {
    Client c;
    c.gs2 = gs2;
    ServerExchange x(m, std::move(cb));
    return x.start(base64_encode(c.first())).kind;
  };
  const ChannelBindings plain_tcp{};
  const ChannelBindings tls12{true, "", std::string(32, 'S')};
  // -PLUS needs "p=" with a type this connection has.
  EXPECT_EQ(first_step(Mechanism::scram_sha_256_plus, tls13(), "n,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256_plus, tls13(), "y,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256_plus, tls13(), "p=tls-unique,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256_plus, tls12, "p=tls-exporter,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256_plus, tls12, "p=tls-server-end-point,,"), Kind::need_secret);
  // Plain SCRAM: "p=" is for -PLUS only; "y" is a downgrade where -PLUS is offered (TLS).
  EXPECT_EQ(first_step(Mechanism::scram_sha_256, tls13(), "p=tls-exporter,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256, tls13(), "y,,"), Kind::failed);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256, plain_tcp, "y,,"), Kind::need_secret);
  EXPECT_EQ(first_step(Mechanism::scram_sha_256, tls13(), "n,,"), Kind::need_secret);
  // "y" over plain TCP runs to the end; c= must repeat the header ("eSws" is "y,,").
  Client y;
  y.gs2 = "y,,";
  ServerExchange x(Mechanism::scram_sha_256, plain_tcp);
  EXPECT_EQ(y.run(x, pencil()).kind, Kind::done);
  // A client that says "n" first and "y" in c= is caught.
  Client liar;
  liar.c_header = "y,,";
  ServerExchange z(Mechanism::scram_sha_256, plain_tcp);
  EXPECT_EQ(liar.run(z, pencil()).kind, Kind::failed);
}

TEST(Scram, MalformedClientFirst) {
  const std::string long_name(3000, 'a');
  for (const std::string& bad :
       {""s, "x,,n=user,r=abc"s, "n,n=user,r=abc"s, "n,,r=abc"s, "n,,n=,r=abc"s, "n,,n=user"s, "n,,n=user,r="s,
        "n,,n=us=er,r=abc"s, "n,,n=us=2c,r=abc"s, "n,,n=user,r=a b"s, "n,,n=user,r=abc,1=x"s, "p=,,n=user,r=abc"s,
        "p=tls exporter,,n=u,r=a"s, "n,,n=user,r=abc\x01"s, "n,,n=\xff,r=abc"s, "n,b=x,n=user,r=abc"s,
        "n,a=,n=user,r=abc"s, "n,,n=user,r=abc,"s, "n,,n=u\0ser,r=abc"s, "n,,n=" + long_name + ",r=abc",
        "n,,n=user,r=" + std::string(600, 'r'), "n"s, "n,"s, "p=tls-exporter"s}) {
    ServerExchange x(Mechanism::scram_sha_256);
    EXPECT_EQ(x.start(base64_encode(bad)).kind, Kind::malformed) << bad;
  }
  ServerExchange x(Mechanism::scram_sha_256);
  EXPECT_EQ(x.start("=").kind, Kind::malformed);         // an empty message
  EXPECT_EQ(ServerExchange(Mechanism::scram_sha_256).start("bm,,").kind, Kind::malformed);   // not base64
  EXPECT_EQ(ServerExchange(Mechanism::scram_sha_256).start("*").kind, Kind::cancelled);
  // RFC 5802 §5.1: an unknown mandatory extension fails the exchange.
  EXPECT_EQ(ServerExchange(Mechanism::scram_sha_256).start(base64_encode("n,,m=ext,n=user,r=abc")).kind, Kind::failed);
  // Optional extensions are ignored.
  EXPECT_EQ(ServerExchange(Mechanism::scram_sha_256).start(base64_encode("n,,n=user,r=abc,x=1")).kind,
            Kind::need_secret);
}

TEST(Scram, MalformedClientFinalAndAfterwards) {
  auto at_final = [] {
    auto x = std::make_unique<ServerExchange>(Mechanism::scram_sha_256, ChannelBindings{}, kServerNonce);
    EXPECT_EQ(x->start(base64_encode("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")).kind, Kind::need_secret);
    EXPECT_EQ(x->provide_secret(pencil(), true).kind, Kind::challenge);
    return x;
  };
  const std::string r = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const std::string p = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  for (const std::string& bad : {""s, "c=biws"s, "c=biws," + r, "c=biws," + r + ",p=c2hvcnQ=", "c=!!!!," + r + "," + p,
                                 r + ",c=biws," + p, "c=biws," + r + ",p=!!", "c=biws,r=a b," + p,
                                 "c=biws," + r + ",9=x," + p, "c=biws," + r + "," + p + std::string(2100, 'A')}) {
    EXPECT_EQ(at_final()->next(base64_encode(bad)).kind, Kind::malformed) << bad;
  }
  // A nonce that is not the one the server made fails (a replayed or spliced message).
  EXPECT_EQ(at_final()->next(base64_encode("c=biws,r=rOprNGfwEbeRWgbNEkqO%other," + p)).kind, Kind::failed);
  // Extensions before the proof are allowed (and change AuthMessage, so this proof fails).
  EXPECT_EQ(at_final()->next(base64_encode("c=biws," + r + ",x=1," + p)).kind, Kind::failed);
  EXPECT_EQ(at_final()->next("*").kind, Kind::cancelled);
  // After the server's signature only an empty response is valid.
  auto x = at_final();
  ASSERT_EQ(x->next(base64_encode("c=biws," + r + "," + p)).kind, Kind::challenge);
  EXPECT_EQ(x->next(base64_encode("more")).kind, Kind::malformed);
}

TEST(Scram, EveryTruncationAndByteChangeIsRefused) {
  // The one-byte-at-a-time idea of base/grind.h applied to message contents: every prefix of a
  // valid client message and every single-byte change must be refused (malformed or failed),
  // never accepted or crash.
  const std::string first = "n,a=x,n=user,r=rOprNGfwEbeRWgbNEkqO";
  const std::string final_message =
      "c=bixhPXgs,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  for (std::size_t n = 0; n < first.size(); ++n) {
    ServerExchange x(Mechanism::scram_sha_256);
    const auto kind = x.start(base64_encode(first.substr(0, n))).kind;
    // Cutting the nonce short still leaves a valid message (any nonce will do), nothing else.
    if (n > first.find("r=") + 2) EXPECT_EQ(kind, Kind::need_secret) << n;
    else EXPECT_EQ(kind, Kind::malformed) << n;
  }
  auto at_final = [&] {
    auto x = std::make_unique<ServerExchange>(Mechanism::scram_sha_256, ChannelBindings{}, kServerNonce);
    EXPECT_EQ(x->start(base64_encode(first)).kind, Kind::need_secret);
    EXPECT_EQ(x->provide_secret(pencil(), true).kind, Kind::challenge);
    return x;
  };
  for (std::size_t n = 0; n < final_message.size(); ++n) {
    const auto kind = at_final()->next(base64_encode(final_message.substr(0, n))).kind;
    EXPECT_TRUE(kind == Kind::malformed || kind == Kind::failed) << n;
  }
  for (std::size_t i = 0; i < final_message.size(); ++i) {
    for (char c : {',', '=', '\0', '\xff', 'A'}) {
      if (final_message[i] == c) continue;
      std::string changed = final_message;
      changed[i] = c;
      const auto kind = at_final()->next(base64_encode(changed)).kind;
      EXPECT_TRUE(kind == Kind::malformed || kind == Kind::failed) << i << " " << int(c);
    }
  }
}

}  // namespace
}  // namespace pillarbox::auth
