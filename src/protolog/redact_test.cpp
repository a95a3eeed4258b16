#include "protolog/redact.h"

#include <gtest/gtest.h>

#include "base/grind.h"

namespace pillarbox::protolog {
namespace {

using V = std::vector<std::string>;
const std::string R(kRedacted);

// One event of a session and what the Redactor must make of it: a client line (C), literal
// bytes (L) or a server line (S, one line out).
enum Kind { C, L, S };
struct Step {
  Kind kind;
  std::string in;
  V out;
};

void run(Protocol protocol, bool bodies, const std::vector<Step>& steps) {
  Redactor r(protocol, bodies);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + ": " + step.in);
    const V got = step.kind == C   ? r.client_line(step.in)
                  : step.kind == L ? r.client_literal(step.in)
                                   : r.server_line(step.in);
    EXPECT_EQ(got, step.out);
  }
}

TEST(ProtologRedactImap, IdleIsNotASaslExchange) {
  // RFC 2177: "+ idling" is no challenge, so the DONE that ends IDLE is shown; a SASL challenge
  // still hides the answer that follows it.
  run(Protocol::imap, false, {
      {C, "a1 IDLE\r\n", {"a1 IDLE"}},
      {S, "+ idling\r\n", {"+ idling"}},
      {S, "* 3 EXISTS\r\n", {"* 3 EXISTS"}},
      {C, "DONE\r\n", {"DONE"}},
      {S, "a1 OK IDLE terminated\r\n", {"a1 OK IDLE terminated"}},
      {S, "+ c2VjcmV0\r\n", {"+ " + R}},
      {C, "c2VjcmV0\r\n", {R}},
  });
}

TEST(ProtologRedactImap, LoginAtomPassword) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN alice s3cret\r\n", {"a1 LOGIN alice " + R}},
      {S, "a1 OK LOGIN completed\r\n", {"a1 OK LOGIN completed"}},
  });
}

TEST(ProtologRedactImap, CommandNameAnyCase) {
  run(Protocol::imap, false, {
      {C, "a1 login alice s3cret", {"a1 login alice " + R}},
      {C, "a2 LoGiN alice s3cret", {"a2 LoGiN alice " + R}},
      {C, "a3 authenticate plain AGFsaWNlAHMzY3JldA==", {"a3 authenticate plain " + R}},
  });
}

TEST(ProtologRedactImap, LoginQuotedWithEscapes) {
  run(Protocol::imap, false, {
      {C, R"(a1 LOGIN "al ice" "pa\"ss word\\")", {R"(a1 LOGIN "al ice" )" + R}},
  });
}

TEST(ProtologRedactImap, LoginExtraWordsAreRedactedToo) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN alice my pass phrase", {"a1 LOGIN alice " + R}},
  });
}

TEST(ProtologRedactImap, LoginThatDoesNotParseIsRedactedAfterTheCommand) {
  run(Protocol::imap, false, {
      {C, R"(a1 LOGIN "alice s3cret)", {"a1 LOGIN " + R}},
      {C, "a2 LOGIN {x} s3cret", {"a2 LOGIN " + R}},
      {C, "a3 LOGIN", {"a3 LOGIN"}},
  });
}

TEST(ProtologRedactImap, LoginLiteralPassword) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN alice {6}\r\n", {"a1 LOGIN alice {6}"}},
      {L, "s3cret", {R}},
      {C, "\r\n", {""}},
      // The command ended: the next one is shown as sent.
      {C, "a2 SELECT INBOX", {"a2 SELECT INBOX"}},
  });
}

// RFC 3516 §4.4: APPEND takes a literal8, "~{N}", whose octets may hold NUL.
TEST(ProtologRedactImap, Literal8AppendIsCountedOffLikeALiteral) {
  using namespace std::string_literals;
  run(Protocol::imap, false, {
      {C, "a1 APPEND INBOX ~{5}", {"a1 APPEND INBOX ~{5}"}},
      {L, "a\0b"s, {}},
      {L, "\0c"s, {"{5 bytes}"}},
      {C, "", {""}},
      {C, "a2 APPEND INBOX (\\Seen) ~{3+}", {"a2 APPEND INBOX (\\Seen) ~{3+}"}},
      {L, "\0\0\0"s, {"{3 bytes}"}},
      {C, "", {""}},
      {C, "a3 NOOP", {"a3 NOOP"}},
  });
  run(Protocol::imap, true, {
      {C, "a1 APPEND INBOX ~{6}", {"a1 APPEND INBOX ~{6}"}},
      {L, "x\0\r\ny\0"s, {"x\0"s, "y\0"s}},
      {C, "", {""}},
  });
}

// LOGIN takes no literal8 (the parser refuses it), but a password sent as one is still hidden.
TEST(ProtologRedactImap, Literal8PasswordIsRedacted) {
  for (bool bodies : {false, true}) {
    run(Protocol::imap, bodies, {
        {C, "a1 LOGIN alice ~{6}", {"a1 LOGIN alice ~{6}"}},
        {L, "s3cret", {R}},
        {C, "", {""}},
        {C, "a2 NOOP", {"a2 NOOP"}},
    });
  }
}

TEST(ProtologRedactImap, LoginLiteralUserAndNonSyncPassword) {
  run(Protocol::imap, true, {  // bodies or not, the password stays hidden
      {C, "a1 LOGIN {5+}", {"a1 LOGIN {5+}"}},
      {L, "alice", {"alice"}},
      {C, " {6+}", {" {6+}"}},
      {L, "s3", {}},  // a literal in two pieces
      {L, "cret", {R}},
      {C, "", {""}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, LoginLiteralUserAndAtomPassword) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN {5}", {"a1 LOGIN {5}"}},
      {L, "alice", {"{5 bytes}"}},
      {C, " s3cret", {" " + R}},
  });
}

TEST(ProtologRedactImap, PipelinedCommandsAfterLogin) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN alice s3cret", {"a1 LOGIN alice " + R}},
      {C, "a2 SELECT INBOX", {"a2 SELECT INBOX"}},
      {C, "a3 FETCH 1:* FLAGS", {"a3 FETCH 1:* FLAGS"}},
      {S, "a1 OK", {"a1 OK"}},
  });
}

TEST(ProtologRedactImap, AuthenticatePlainWithoutSaslIr) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE PLAIN", {"a1 AUTHENTICATE PLAIN"}},
      {S, "+ ", {"+ "}},
      {C, "AGFsaWNlAHMzY3JldA==\r\n", {R}},
      {S, "a1 OK [CAPABILITY IMAP4rev1] done", {"a1 OK [CAPABILITY IMAP4rev1] done"}},
      {C, "a2 LIST \"\" *", {"a2 LIST \"\" *"}},
  });
}

TEST(ProtologRedactImap, AuthenticatePlainWithSaslIr) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==", {"a1 AUTHENTICATE PLAIN " + R}},
      {S, "a1 OK done", {"a1 OK done"}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, AuthenticateMultiStepWithChallenges) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE SCRAM-SHA-256", {"a1 AUTHENTICATE SCRAM-SHA-256"}},
      {S, "+ ", {"+ "}},
      {C, "biwsbj1hbGljZSxyPW5vbmNl", {R}},
      {S, "+ cj1ub25jZSxzPXNhbHQsaT00MDk2", {"+ " + R}},
      {C, "Yz1iaXdzLHI9bm9uY2UscD1wcm9vZg==", {R}},
      // An untagged line or another tag does not end the exchange.
      {S, "* CAPABILITY IMAP4rev2", {"* CAPABILITY IMAP4rev2"}},
      {S, "a10 OK", {"a10 OK"}},
      {C, "c2VjcmV0", {R}},
      {S, "a1 NO [AUTHENTICATIONFAILED] no", {"a1 NO [AUTHENTICATIONFAILED] no"}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, AuthenticateAbortedWithStar) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE PLAIN", {"a1 AUTHENTICATE PLAIN"}},
      {S, "+ ", {"+ "}},
      {C, "*\r\n", {"*"}},
      {S, "a1 BAD cancelled", {"a1 BAD cancelled"}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, AuthenticateEmptyResponseShowsEmpty) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE EXTERNAL", {"a1 AUTHENTICATE EXTERNAL"}},
      {C, "", {""}},
      {S, "a1 OK", {"a1 OK"}},
  });
}

TEST(ProtologRedactImap, AuthenticateWithBadMechanismIsRedacted) {
  run(Protocol::imap, false, {
      {C, "a1 AUTHENTICATE pl@in c2VjcmV0", {"a1 AUTHENTICATE " + R}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, AppendLiteralSummarisedUnlessBodies) {
  run(Protocol::imap, false, {
      {C, "a1 APPEND INBOX (\\Seen) {12}", {"a1 APPEND INBOX (\\Seen) {12}"}},
      {L, "Subject: x\r", {}},
      {L, "\n", {"{12 bytes}"}},
      {C, "", {""}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
  run(Protocol::imap, true, {
      {C, "a1 APPEND INBOX {17}", {"a1 APPEND INBOX {17}"}},
      {L, "Subject: x\r\n\r\nhi\r\n", {"Subject: x", "", "hi"}},
      {C, " {2}", {" {2}"}},  // MULTIAPPEND
      {L, "hi", {"hi"}},
      {C, "", {""}},
  });
}

// A literal may reach client_literal() in any pieces: the outcome is the same.
V literal_in_pieces(std::string_view command, std::string_view literal) {
  return test::grind(literal, [&](const std::vector<std::string_view>& chunks) {
    Redactor r(Protocol::imap, false);
    V out = r.client_line(command);
    for (std::string_view chunk : chunks) {
      for (std::string& line : r.client_literal(chunk)) out.push_back(std::move(line));
    }
    return out;
  });
}

TEST(ProtologRedactImap, LiteralInAnyPieces) {
  EXPECT_EQ(literal_in_pieces("a1 LOGIN alice {8}", "pa ss\\\r\n"), (V{"a1 LOGIN alice {8}", R}));
  EXPECT_EQ(literal_in_pieces("a1 APPEND INBOX {7}", "hi\r\n\r\n."), (V{"a1 APPEND INBOX {7}", "{7 bytes}"}));
}

TEST(ProtologRedactImap, EmptyLiteralIsDoneWhenAnnounced) {
  run(Protocol::imap, false, {
      {C, "a1 LOGIN alice {0}", {"a1 LOGIN alice {0}", R}},
      {L, "", {}},
      {C, "", {""}},
      {C, "a2 APPEND INBOX {0+}", {"a2 APPEND INBOX {0+}", "{0 bytes}"}},
      {C, "", {""}},
  });
}

TEST(ProtologRedactImap, AuthenticateWithoutTagIsNotAnExchange) {
  run(Protocol::imap, false, {
      {C, " AUTHENTICATE PLAIN c2VjcmV0", {" AUTHENTICATE " + R}},
      {S, "* BAD no tag", {"* BAD no tag"}},
      {C, "a2 NOOP", {"a2 NOOP"}},
  });
}

TEST(ProtologRedactImap, LiteralRefusedBeforeItCame) {
  run(Protocol::imap, false, {
      {C, "a1 APPEND INBOX {99999999}", {"a1 APPEND INBOX {99999999}"}},
      {S, "a1 NO [TOOBIG] too big", {"a1 NO [TOOBIG] too big"}},
      {C, "a2 LOGIN alice s3cret", {"a2 LOGIN alice " + R}},
      {C, "a3 NOOP", {"a3 NOOP"}},
  });
}

TEST(ProtologRedactImap, UnannouncedLiteralIsSummarised) {
  run(Protocol::imap, true, {
      {L, "abc", {"{3 bytes}"}},
  });
}

TEST(ProtologRedactPop3, PassAndUser) {
  run(Protocol::pop3, false, {
      {C, "USER alice\r\n", {"USER alice"}},
      {C, "PASS my s3cret\r\n", {"PASS " + R}},
      {C, "pass s3cret", {"pass " + R}},
      {C, "PASS", {"PASS"}},
      {C, "STAT", {"STAT"}},  // pipelined after PASS (RFC 2449 §6.6)
  });
}

TEST(ProtologRedactPop3, Apop) {
  run(Protocol::pop3, false, {
      {C, "APOP alice c4c9334bac560ecc979e58001b3e22fb", {"APOP alice " + R}},
      {C, "apop c4c9334bac560ecc979e58001b3e22fb", {"apop " + R}},
  });
}

TEST(ProtologRedactPop3, AuthPlainWithInitialResponse) {
  run(Protocol::pop3, false, {
      {C, "AUTH PLAIN AGFsaWNlAHMzY3JldA==", {"AUTH PLAIN " + R}},
      {S, "+OK maildrop locked", {"+OK maildrop locked"}},
      {C, "STAT", {"STAT"}},
  });
}

TEST(ProtologRedactPop3, AuthPlainMultiLine) {
  run(Protocol::pop3, false, {
      {C, "auth plain", {"auth plain"}},
      {S, "+ ", {"+ "}},
      {C, "AGFsaWNlAHMzY3JldA==", {R}},
      {S, "-ERR [AUTH] no", {"-ERR [AUTH] no"}},
      {C, "AUTH LOGIN", {"AUTH LOGIN"}},
      {S, "+ VXNlcm5hbWU6", {"+ " + R}},
      {C, "YWxpY2U=", {R}},
      {C, "*", {"*"}},
      {S, "-ERR cancelled", {"-ERR cancelled"}},
      {C, "QUIT", {"QUIT"}},
  });
}

TEST(ProtologRedactPop3, AuthListAndBadMechanism) {
  run(Protocol::pop3, false, {
      {C, "AUTH", {"AUTH"}},
      {C, "AUTH pl@in s3cret", {"AUTH " + R}},
      {C, "NOOP", {"NOOP"}},
  });
}

TEST(ProtologRedactLmtp, DataBodySummarised) {
  run(Protocol::lmtp, false, {
      {C, "LHLO client\r\n", {"LHLO client"}},
      {C, "data\r\n", {"data"}},
      {S, "354 go ahead\r\n", {"354 go ahead"}},
      {C, "Subject: x\r\n", {}},
      {C, "\r\n", {}},
      {C, "..hi", {}},  // without its CRLF: counted as if it had one
      {C, ".\r\n", {"{20 bytes}", "."}},
      {C, "QUIT", {"QUIT"}},
  });
}

TEST(ProtologRedactLmtp, DataBodyWithBodies) {
  run(Protocol::lmtp, true, {
      {C, "DATA", {"DATA"}},
      {S, "354 go ahead", {"354 go ahead"}},
      {C, "hello\r\n", {"hello"}},
      {C, ".\r\n", {"."}},
  });
}

TEST(ProtologRedactLmtp, RefusedDataHasNoBody) {
  run(Protocol::lmtp, false, {
      {C, "DATA", {"DATA"}},
      {S, "503 5.5.1 no valid recipients", {"503 5.5.1 no valid recipients"}},
      {C, "RSET", {"RSET"}},
      {S, "354 not really", {"354 not really"}},
      {C, "NOOP", {"NOOP"}},
  });
}

TEST(ProtologRedactLmtp, BdatIsAnOrdinaryLine) {
  // The server does not offer CHUNKING (RFC 3030) and refuses BDAT: what follows is commands.
  run(Protocol::lmtp, false, {
      {C, "BDAT 5 LAST", {"BDAT 5 LAST"}},
      {S, "500 5.5.1 Unknown command", {"500 5.5.1 Unknown command"}},
      {C, "QUIT", {"QUIT"}},
  });
}

TEST(ProtologRedactLmtp, NothingElseIsRedacted) {
  run(Protocol::lmtp, false, {
      {C, "PASS x", {"PASS x"}},
      {S, "+ abc", {"+ abc"}},
  });
}

}  // namespace
}  // namespace pillarbox::protolog

namespace pillarbox::protolog {
namespace {

// The review's leak scenarios: each must hide the credential whatever the interleaving.

TEST(ProtologRedactOrder, Pop3CommandPipelinedBeforeAuthDoesNotEndTheExchange) {
  run(Protocol::pop3, false, {
      {C, "CAPA", {"CAPA"}},
      {C, "AUTH PLAIN", {"AUTH PLAIN"}},
      {S, "+OK Capability list follows", {"+OK Capability list follows"}},
      {S, "USER", {"USER"}},
      {S, ".", {"."}},
      {S, "+ ", {"+ "}},
      {C, "AGFsaWNlAHMzY3JldA==", {R}},
      {S, "+OK Logged in", {"+OK Logged in"}},
  });
}

TEST(ProtologRedactOrder, ImapTagReusedByAPipelinedCommand) {
  run(Protocol::imap, false, {
      {C, "a NOOP", {"a NOOP"}},
      {C, "a AUTHENTICATE PLAIN", {"a AUTHENTICATE PLAIN"}},
      {S, "a OK NOOP completed", {"a OK NOOP completed"}},
      {S, "+ ", {"+ "}},
      {C, "AGFsaWNlAHMzY3JldA==", {R}},
      {S, "a OK Logged in", {"a OK Logged in"}},
  });
  run(Protocol::imap, false, {
      {C, "a NOOP", {"a NOOP"}},
      {C, "a LOGIN alice {6}", {"a LOGIN alice {6}"}},
      {S, "a OK NOOP completed", {"a OK NOOP completed"}},
      {S, "+ Ready for literal data", {"+ Ready for literal data"}},
      {L, "secret", {R}},
      {C, "", {""}},
  });
}

TEST(ProtologRedactOrder, LiteralWithLeadingZerosIsStillALiteral) {
  run(Protocol::imap, false, {
      {C, "a LOGIN alice {00000000000000000006}", {"a LOGIN alice {00000000000000000006}"}},
      {L, "secret", {R}},
      {C, "", {""}},
      {S, "a OK Logged in", {"a OK Logged in"}},
      {C, "b LOGIN alice {999999999999999999999999}", {"b LOGIN alice {999999999999999999999999}"}},
      {S, "b NO [TOOBIG] Literal too big", {"b NO [TOOBIG] Literal too big"}},
      {C, "c NOOP", {"c NOOP"}},
  });
}

TEST(ProtologRedactOrder, CommandsPipelinedAfterSaslIrAreShownAndTheirLiteralsCounted) {
  run(Protocol::imap, false, {
      {C, "a AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==", {"a AUTHENTICATE PLAIN " + R}},
      {C, "b APPEND INBOX {5+}", {"b APPEND INBOX {5+}"}},
      {S, "a OK Logged in", {"a OK Logged in"}},
      {L, "hello", {"{5 bytes}"}},
      {C, "", {""}},
  });
  run(Protocol::pop3, false, {
      {C, "AUTH PLAIN AGFsaWNlAHMzY3JldA==", {"AUTH PLAIN " + R}},
      {C, "RETR 1", {"RETR 1"}},
      {S, "+OK Logged in", {"+OK Logged in"}},
      {S, "+OK 7 octets", {"+OK 7 octets"}},
      {S, "hello", {}},
      {S, ".", {"{7 bytes}", "."}},
  });
}

TEST(ProtologRedactOrder, StrayBase64IsNeverShown) {
  // A SASL response sent out of turn, or any line that cannot be a command.
  run(Protocol::imap, false, {{C, "AGFsaWNlAHMzY3JldA==", {R}}, {C, "*", {"*"}}});
  run(Protocol::pop3, false, {
      {C, "AGFsaWNlAHMzY3JldA==", {R}},
      {C, "PAS s3cret", {"PAS " + R}},
      {C, "QUIT", {"QUIT"}},
  });
}

TEST(ProtologRedactOrder, SkippedLineAnnouncingALiteralHidesIt) {
  Redactor r(Protocol::imap, true);
  EXPECT_EQ(r.client_skipped(70000, "x {6+}"), (V{"{70000 bytes}"}));
  EXPECT_EQ(r.client_literal("secret"), (V{R}));
}

}  // namespace
}  // namespace pillarbox::protolog
