#include "protolog/tap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "protolog/session_log.h"

namespace pillarbox::protolog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

const system_clock::time_point kT = sys_days(year(2026) / 12 / 2) + hours(8) + milliseconds(5);

class ProtologTap : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pb_tap_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<Tap> tap(Protocol protocol, bool bodies, std::size_t max_line = 1024) {
    auto file = TranscriptFile::open(root_ / "log", SessionInfo{"s", protocol, "r", "l", ""}, kT);
    EXPECT_TRUE(file.ok());
    path_ = file->path();
    return std::make_unique<Tap>(std::move(*file), protocol, bodies, max_line);
  }
  // The transcript's lines after the header, without their time stamps.
  std::vector<std::string> lines(Tap& t) {
    EXPECT_TRUE(t.flush().ok());
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) {
      if (l.starts_with("# ")) continue;
      out.push_back(l.substr(13));  // "HH:MM:SS.mmm "
    }
    return out;
  }

  // An IMAP session without bodies: the client's bytes, then the server's, each in reads of
  // every size in `chunks`, give `want`.
  void expect_in_any_reads(std::string_view client, std::string_view server, const std::vector<std::string>& want,
                           std::initializer_list<std::size_t> chunks) {
    for (std::size_t chunk : chunks) {
      SCOPED_TRACE(chunk);
      auto t = tap(Protocol::imap, false);
      for (std::size_t i = 0; i < client.size(); i += chunk) t->client(client.substr(i, chunk), kT);
      for (std::size_t i = 0; i < server.size(); i += chunk) t->server(server.substr(i, chunk), kT);
      EXPECT_EQ(lines(*t), want);
      t.reset();
      fs::remove(path_);
    }
  }

  fs::path root_;
  fs::path path_;
};

using V = std::vector<std::string>;

TEST_F(ProtologTap, ImapLiteralsAndPasswordsWhateverTheReadSizes) {
  const std::string client = "a1 LOGIN {5}\r\nalice {6}\r\ns3cret\r\na2 APPEND INBOX {11}\r\nHello\r\nBob\r\n";
  const std::string server = "+ Ready for literal data\r\n+ Ready for literal data\r\na1 OK done\r\n* 1 FETCH (BODY[] {4}\r\nab\r\n)\r\na2 OK x\r\n";
  // After a literal the command goes on (" {6}"), and the CRLF that ends it shows as "C: ".
  const V want{"C: a1 LOGIN {5}", "C: {5 bytes}",  "C:  {6}",   "C: <redacted>", "C: ",
               "C: a2 APPEND INBOX {11}", "C: {11 bytes}", "C: ", "S: + Ready for literal data", "S: + Ready for literal data", "S: a1 OK done",
               "S: * 1 FETCH (BODY[] {4}", "S: {4 bytes}", "S: )", "S: a2 OK x"};
  expect_in_any_reads(client, server, want, {1, 3, 1000});
}

TEST_F(ProtologTap, BodiesShowLiteralsButNeverPasswords) {
  auto t = tap(Protocol::imap, true);
  t->client("a1 LOGIN alice {6}\r\ns3cret\r\na2 APPEND INBOX {8}\r\nHi\r\nYo\r\n\r\n", kT);
  EXPECT_EQ(lines(*t), (V{"C: a1 LOGIN alice {6}", "C: <redacted>", "C: ", "C: a2 APPEND INBOX {8}", "C: Hi",
                          "C: Yo", "C: "}));
}

// RFC 3516: literal8 ("~{N}") from the client (APPEND) and from the server (FETCH BINARY) is
// counted off like a literal, NUL octets and all, however the reads split it.
TEST_F(ProtologTap, Literal8BothWays) {
  using namespace std::string_literals;
  const std::string client = "a1 APPEND INBOX ~{7}\r\nab\0\r\n\0c\r\na2 FETCH 1 BINARY[1]\r\n"s;
  const std::string server = "+ Ready for literal data\r\na1 OK done\r\n* 1 FETCH (BINARY[1] ~{4}\r\n\0\r\n\0)\r\na2 OK x\r\n"s;
  const V want{"C: a1 APPEND INBOX ~{7}", "C: {7 bytes}", "C: ",  "C: a2 FETCH 1 BINARY[1]",
               "S: + Ready for literal data", "S: a1 OK done",  "S: * 1 FETCH (BINARY[1] ~{4}",
               "S: {4 bytes}", "S: )", "S: a2 OK x"};
  expect_in_any_reads(client, server, want, {1, 5, 1000});
  // With bodies the octets are shown, NUL escaped.
  auto t = tap(Protocol::imap, true);
  t->client(client, kT);
  t->server(server, kT);
  EXPECT_EQ(lines(*t), (V{"C: a1 APPEND INBOX ~{7}", "C: ab\\x00", "C: \\x00c", "C: ", "C: a2 FETCH 1 BINARY[1]",
                          "S: + Ready for literal data", "S: a1 OK done", "S: * 1 FETCH (BINARY[1] ~{4}", "S: \\x00",
                          "S: \\x00", "S: )", "S: a2 OK x"}));
}

TEST_F(ProtologTap, OverlongClientLineIsOnlyCounted) {
  auto t = tap(Protocol::imap, false, 100);
  const std::string line = "a1 LOGIN alice " + std::string(200, 'p') + "\r\n";
  t->client(line.substr(0, 50), kT);
  t->client(line.substr(50), kT);
  t->client("a2 NOOP\r\n", kT);
  const V got = lines(*t);
  EXPECT_EQ(got, (V{"C: {" + std::to_string(line.size()) + " bytes}", "C: a2 NOOP"}));
}

TEST_F(ProtologTap, Pop3MessageBodiesAreSummarised) {
  auto t = tap(Protocol::pop3, false);
  t->client("USER alice\r\nPASS s3cret\r\nRETR 1\r\nLIST\r\n", kT);
  t->server("+OK\r\n+OK in\r\n+OK 9 octets\r\nab\r\n..x\r\n.\r\n+OK 1 message\r\n1 9\r\n.\r\n", kT);
  EXPECT_EQ(lines(*t), (V{"C: USER alice", "C: PASS <redacted>", "C: RETR 1", "C: LIST", "S: +OK", "S: +OK in",
                          "S: +OK 9 octets", "S: {9 bytes}", "S: .", "S: +OK 1 message", "S: 1 9", "S: ."}));
}

TEST_F(ProtologTap, LmtpDataBodySummarised) {
  auto t = tap(Protocol::lmtp, false);
  t->client("LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", kT);
  t->server("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n", kT);
  t->client("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", kT);
  EXPECT_EQ(lines(*t), (V{"C: LHLO x", "C: MAIL FROM:<a@b>", "C: RCPT TO:<c@d>", "C: DATA", "S: 250 ok", "S: 250 ok",
                          "S: 250 ok", "S: 354 go", "C: {20 bytes}", "C: .", "C: QUIT"}));
}

TEST(ProtologRules, ParseMatchAndText) {
  auto rules = Rules::parse("# c\nall\nuser Alice@Example.org bodies\n\nip 10.0.0.0/8\nip ::1\n");
  ASSERT_TRUE(rules.ok()) << rules.error().text;
  EXPECT_EQ(rules->to_text(),
            "# Protocol logging rules, kept by `pillarbox log on|off`; one rule per line.\n"
            "all\nuser alice@example.org bodies\nip 10.0.0.0/8\nip ::1/128\n");
  EXPECT_EQ(rules->match("192.0.2.1", ""), std::optional<bool>(false));
  EXPECT_EQ(rules->match("192.0.2.1", "alice@example.org"), std::optional<bool>(true));
  Rules only_ip;
  only_ip.add(*make_rule(Rule::Kind::ip, "10.0.0.0/8", false));
  EXPECT_EQ(only_ip.match("10.200.1.1", ""), std::optional<bool>(false));
  EXPECT_EQ(only_ip.match("::ffff:10.200.1.1", ""), std::optional<bool>(false));
  EXPECT_EQ(only_ip.match("11.0.0.1", ""), std::nullopt);
  EXPECT_EQ(only_ip.match("::1", ""), std::nullopt);
  EXPECT_EQ(only_ip.match("not an ip", ""), std::nullopt);
  EXPECT_TRUE(only_ip.remove(Rule::Kind::ip, "10.0.0.0/8"));
  EXPECT_FALSE(only_ip.remove(Rule::Kind::ip, "10.0.0.0/8"));
  EXPECT_EQ(only_ip.match("10.200.1.1", ""), std::nullopt);
}

TEST(ProtologRules, BadRulesAreNamed) {
  EXPECT_FALSE(Rules::parse("ip 10.1.2.3/8\n").ok());      // host bits set
  EXPECT_FALSE(Rules::parse("ip 10.0.0.0/33\n").ok());
  EXPECT_FALSE(Rules::parse("ip 2001:db8::/129\n").ok());
  EXPECT_FALSE(Rules::parse("user alice\n").ok());
  EXPECT_FALSE(Rules::parse("everyone\n").ok());
  auto bad = Rules::parse("all\nall bodies extra\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().text.find("line 2"), std::string::npos);
  auto v6 = Network::parse("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->contains("2001:db8:1::5"));
  EXPECT_FALSE(v6->contains("2001:db9::5"));
  EXPECT_TRUE(Network::parse("0.0.0.0/0")->contains("203.0.113.9"));
}

class ProtologControl : public ProtologTap {};

TEST_F(ProtologControl, RulesPersistAndSessionsFollowThemAtBoundaries) {
  const fs::path rules_file = root_ / "rules";
  Control control(root_ / "log", 1 << 20, rules_file);
  ASSERT_TRUE(control.load().ok());
  SessionLog session(&control, SessionInfo{"abc", Protocol::imap, "192.0.2.9:1", "l", ""}, "192.0.2.9", 1024);
  EXPECT_TRUE(session.due(""));  // never checked yet
  session.update("", "");
  EXPECT_FALSE(session.due(""));
  EXPECT_FALSE(session.active());

  ASSERT_TRUE(control.on(*make_rule(Rule::Kind::user, "alice@example.org", false)).ok());
  EXPECT_TRUE(session.due(""));
  session.update("", "");
  EXPECT_FALSE(session.active());  // not logged in yet
  EXPECT_TRUE(session.due("alice@example.org"));
  session.update("alice@example.org", "a3 NOOP\r\n");
  ASSERT_TRUE(session.active());
  session.server("a3 OK\r\n");

  // A restart reads the rules back.
  Control again(root_ / "log", 1 << 20, rules_file);
  ASSERT_TRUE(again.load().ok());
  EXPECT_EQ(again.rules().list().size(), 1u);
  EXPECT_EQ(describe(again.rules().list()[0]), "user alice@example.org");

  auto removed = control.off(Rule::Kind::user, "alice@example.org");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  session.update("alice@example.org", "");
  EXPECT_FALSE(session.active());
  std::ifstream in(root_ / "log" / (std::string("") + fs::directory_iterator(root_ / "log")->path().filename().string()) / "abc.log");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("# account: alice@example.org\n"), std::string::npos);
  EXPECT_NE(text.str().find(" C: a3 NOOP\n"), std::string::npos);
  EXPECT_NE(text.str().find(" S: a3 OK\n"), std::string::npos);
  EXPECT_NE(text.str().find("# logging switched off\n"), std::string::npos);
  EXPECT_EQ(control.bytes_written(), text.str().size());
}

TEST_F(ProtologControl, CapStopsLoggingWhenOpenTranscriptsFillIt) {
  Control control(root_ / "log", 600, root_ / "rules");
  ASSERT_TRUE(control.load().ok());
  ASSERT_TRUE(control.on(*make_rule(Rule::Kind::all, "", true)).ok());
  SessionLog session(&control, SessionInfo{"s1", Protocol::imap, "192.0.2.9:1", "l", ""}, "192.0.2.9", 1024);
  session.update("", "");
  ASSERT_TRUE(session.active());
  for (int i = 0; i < 100 && session.active(); ++i) session.server("* OK " + std::string(40, 'x') + "\r\n");
  EXPECT_FALSE(session.active());
  EXPECT_LE(control.size(), 600u + 200u);  // the cap, and the closing note
  // A new session starts once the old transcript is closed and can be removed.
  SessionLog next(&control, SessionInfo{"s2", Protocol::imap, "192.0.2.9:1", "l", ""}, "192.0.2.9", 1024);
  next.update("", "");
  ASSERT_TRUE(next.active());
  next.server("* OK " + std::string(40, 'y') + "\r\n");
  EXPECT_TRUE(next.active());
}

}  // namespace
}  // namespace pillarbox::protolog

namespace pillarbox::protolog {
namespace {

TEST_F(ProtologTap, StarttlsDropsWhatCameBeforeTheHandshake) {
  auto t = tap(Protocol::imap, false);
  // A man in the middle appends a half command after STARTTLS, in the clear.
  t->client("a STARTTLS\r\nx SELECT {26}\r\n", kT);
  t->server("a OK Begin TLS\r\n", kT);
  t->restart_after_tls();
  t->client("b LOGIN alice s3cretpass\r\n", kT);
  const V got = lines(*t);
  EXPECT_EQ(got.back(), "C: b LOGIN alice <redacted>");
  for (const auto& l : got) EXPECT_EQ(l.find("s3cretpass"), std::string::npos) << l;
}

TEST_F(ProtologTap, CompressForgetsTheUnusedCompressedTail) {
  auto t = tap(Protocol::imap, false);
  // COMPRESS with compressed octets pipelined behind it in the same read: one of them looks
  // like a line end, the rest (and a literal marker) an unfinished line.
  const std::string tail("\x8a\x01\n\x02{40}", 8);
  t->client("z COMPRESS DEFLATE\r\n" + tail, kT);
  t->server("z OK DEFLATE active\r\n", kT);
  t->restart_after_compress(tail.size());
  t->client("n NOOP\r\n", kT);  // the tail, inflated
  t->server("n OK done\r\n", kT);
  const V got = lines(*t);
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[got.size() - 2], "C: n NOOP");  // not glued to the tail, not taken as literal
  EXPECT_EQ(got.back(), "S: n OK done");
  std::ifstream in(path_);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("# 8 octets read with COMPRESS were compressed data, not IMAP (3 of them logged above"),
            std::string::npos)
      << all;
}

TEST_F(ProtologTap, LineOfExactlyMaxLineIsKept) {
  auto t = tap(Protocol::imap, false, 100);
  const std::string text = "a LOGIN alice " + std::string(100 - 14, 'p');
  ASSERT_EQ(text.size(), 100u);
  t->client(text + "\r\n", kT);
  EXPECT_EQ(lines(*t), (V{"C: a LOGIN alice " + std::string(kRedacted)}));
  // The same a byte at a time: the CRLF then comes in two reads (found by fuzz_protolog).
  t.reset();
  fs::remove(path_);
  auto u = tap(Protocol::imap, false, 100);
  for (char c : text + "\r\n") u->client(std::string_view(&c, 1), kT);
  EXPECT_EQ(lines(*u), (V{"C: a LOGIN alice " + std::string(kRedacted)}));
}

}  // namespace
}  // namespace pillarbox::protolog
