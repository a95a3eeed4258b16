"""Malformed and hostile LMTP input (SPEC "Bad input"): every case gets the reply codes it
should, nothing is half-stored, and the session stays usable afterwards (checked with a full
delivery on the same connection) unless the case ends it. Cases alternate between TCP and the
unix socket."""
import imaplib
import re
import socket
import time
import unittest

from lmtpraw import RawLmtp
from pbserver import PillarboxServer

VICTIM, PASSWORD = "victim@example.org", "pw for victim"
MAX_MESSAGE, MAX_RECIPIENTS, MAX_ERRORS = 100000, 3, 20

L = b"LHLO client.example\r\n"
M = b"MAIL FROM:<s@example.com>\r\n"
R = b"RCPT TO:<victim@example.org>\r\n"
MSG = b"Subject: bad input case\r\n\r\nbody\r\n.\r\n"
BIG = b"Subject: big\r\n\r\n" + (b"z" * 998 + b"\r\n") * 101 + b".\r\n"

# (name, bytes sent, expected replies as "code" or "code status" prefixes, messages stored,
#  what follows: "usable" (probe with a delivery), "closed" (the server ends it), "dropped"
#  (the client ends it))
CASES = [
    # Greeting and order of commands (RFC 2033 §4.1, RFC 5321 §4.1.4).
    ("HELO instead of LHLO", b"HELO x\r\n", ["500 This is an LMTP server"], 0, "usable"),
    ("EHLO instead of LHLO", b"EHLO x\r\n", ["500 This is an LMTP server"], 0, "usable"),
    ("LHLO without a domain", b"LHLO\r\n", ["501 Syntax: LHLO hostname"], 0, "usable"),
    ("MAIL before LHLO", M, ["503 5.5.1"], 0, "usable"),
    ("RCPT before MAIL", L + R, ["250", "503 5.5.1"], 0, "usable"),
    ("DATA before MAIL", L + b"DATA\r\n", ["250", "503 5.5.1"], 0, "usable"),
    ("DATA without recipients", L + M + b"DATA\r\n", ["250", "250 2.1.0", "503 5.5.1"], 0, "usable"),
    ("DATA with only unknown recipients", L + M + b"RCPT TO:<nobody@example.org>\r\nDATA\r\n",
     ["250", "250 2.1.0", "550 5.1.1", "503 5.5.1"], 0, "usable"),
    ("nested MAIL", L + M + M, ["250", "250 2.1.0", "503 5.5.1"], 0, "usable"),
    ("LHLO in a transaction resets it", L + M + R + L + b"DATA\r\n",
     ["250", "250 2.1.0", "250 2.1.5", "250", "503 5.5.1"], 0, "usable"),
    ("RSET in a transaction resets it", L + M + R + b"RSET\r\nDATA\r\n",
     ["250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "503 5.5.1"], 0, "usable"),
    # MAIL syntax (RFC 5321 §4.1.1.2, RFC 1870, RFC 6152).
    ("MAIL without FROM", L + b"MAIL\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL FROM without brackets", L + b"MAIL FROM:s@example.com\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL FROM without closing bracket", L + b"MAIL FROM:<s@example.com\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL FROM bad address", L + b"MAIL FROM:<s@@example.com>\r\n", ["250", "501 5.1.7"], 0, "usable"),
    ("MAIL FROM address without domain", L + b"MAIL FROM:<s>\r\n", ["250", "501 5.1.7"], 0, "usable"),
    ("MAIL unknown parameter", L + b"MAIL FROM:<s@example.com> FOO=BAR\r\n", ["250", "555 5.5.4"], 0, "usable"),
    ("MAIL SIZE not a number", L + b"MAIL FROM:<s@example.com> SIZE=12ab\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL SIZE twice", L + b"MAIL FROM:<s@example.com> SIZE=1 SIZE=2\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL SIZE over the limit", L + b"MAIL FROM:<s@example.com> SIZE=%d\r\n" % (MAX_MESSAGE + 1),
     ["250", "552 5.3.4"], 0, "usable"),
    ("MAIL SIZE absurdly large", L + b"MAIL FROM:<s@example.com> SIZE=99999999999999999999\r\n",
     ["250", "552 5.3.4"], 0, "usable"),
    ("MAIL BODY=BINARYMIME", L + b"MAIL FROM:<s@example.com> BODY=BINARYMIME\r\n", ["250", "501 5.5.4"], 0, "usable"),
    ("MAIL garbage glued to the address", L + b"MAIL FROM:<s@example.com>garbage\r\n", ["250", "501 5.5.4"], 0,
     "usable"),
    # RCPT syntax and limits (RFC 5321 §4.1.1.3, §4.5.3.1.10).
    ("RCPT without TO", L + M + b"RCPT\r\n", ["250", "250", "501 5.5.4"], 0, "usable"),
    ("RCPT TO without brackets", L + M + b"RCPT TO:victim@example.org\r\n", ["250", "250", "501 5.5.4"], 0, "usable"),
    ("RCPT TO null path", L + M + b"RCPT TO:<>\r\n", ["250", "250", "501 5.1.3"], 0, "usable"),
    ("RCPT TO bad address", L + M + b"RCPT TO:<victim@@example.org>\r\n", ["250", "250", "501 5.1.3"], 0, "usable"),
    ("RCPT TO 8-bit address", L + M + "RCPT TO:<vïctim@example.org>\r\n".encode(), ["250", "250", "501 5.1.3"], 0,
     "usable"),
    ("RCPT TO unknown user", L + M + b"RCPT TO:<nobody@example.org>\r\n", ["250", "250", "550 5.1.1"], 0, "usable"),
    ("RCPT with a DSN parameter", L + M + b"RCPT TO:<victim@example.org> NOTIFY=NEVER\r\n", ["250", "250", "555 5.5.4"],
     0, "usable"),
    ("RCPT garbage after the address", L + M + b"RCPT TO:<victim@example.org>junk\r\n", ["250", "250", "501 5.5.4"], 0,
     "usable"),
    ("too many recipients", L + M + R * (MAX_RECIPIENTS + 1) + b"DATA\r\n" + MSG,
     ["250", "250"] + ["250 2.1.5"] * MAX_RECIPIENTS + ["452 4.5.3", "354"] + ["250 2.0.0"] * MAX_RECIPIENTS,
     MAX_RECIPIENTS, "usable"),
    # Other commands with arguments they do not take, and unknown commands.
    ("DATA with an argument", L + M + R + b"DATA now\r\n", ["250", "250", "250", "501 5.5.4"], 0, "usable"),
    ("RSET with an argument", b"RSET all\r\n", ["501 5.5.4"], 0, "usable"),
    ("QUIT with an argument", b"QUIT now\r\n", ["501 5.5.4"], 0, "usable"),
    ("VRFY without an argument", b"VRFY\r\n", ["501 5.5.4"], 0, "usable"),
    ("VRFY does not enumerate", b"VRFY victim@example.org\r\nVRFY nobody@example.org\r\n", ["252", "252"], 0, "usable"),
    ("unknown command", b"FOOBAR\r\n", ["500 5.5.2"], 0, "usable"),
    ("empty line", b"\r\n", ["500 5.5.2"], 0, "usable"),
    ("STARTTLS is not offered", b"STARTTLS\r\n", ["500 5.5.2"], 0, "usable"),
    ("BDAT is not offered", L + M + R + b"BDAT 6 LAST\r\n", ["250", "250", "250", "500 5.5.2"], 0, "usable"),
    ("AUTH is not offered", b"AUTH PLAIN AGFAYg==\r\n", ["500 5.5.2"], 0, "usable"),
    # Bytes that do not belong in a command line.
    ("NUL in a command", b"NO\x00OP\r\n", ["501 5.5.4"], 0, "usable"),
    ("NUL in an address", L + M + b"RCPT TO:<victim\x00@example.org>\r\n", ["250", "250", "501 5.5.4"], 0, "usable"),
    ("bare CR inside a command", b"NOOP\rRSET\r\n", ["501 5.5.4"], 0, "usable"),
    ("TAB in a command", b"NOOP\tx\r\n", ["501 5.5.4"], 0, "usable"),
    ("over-long command line", b"NOOP " + b"x" * 70000 + b"\r\n", ["500 5.5.2"], 0, "usable"),
    ("over-long MAIL line", L + b"MAIL FROM:<" + b"a" * 70000 + b"@example.com>\r\n", ["250", "500 5.5.2"], 0,
     "usable"),
    ("over-long line in a pipelined batch", b"NOOP\r\n" + b"y" * 70000 + b"\r\nNOOP\r\n",
     ["250", "500 5.5.2", "250"], 0, "usable"),
    # Line ends and DATA (RFC 5321 §2.3.8, §4.5.2).
    ("bare LF line ends everywhere", b"LHLO x\nMAIL FROM:<s@example.com>\nRCPT TO:<victim@example.org>\nDATA\n"
     b"Subject: lf\n\nbody\n.\n", ["250", "250", "250", "354", "250 2.0.0"], 1, "usable"),
    ("message over SIZE at DATA", L + M + R + R + b"DATA\r\n" + BIG, ["250", "250", "250", "250", "354",
                                                                      "552 5.3.4", "552 5.3.4"], 0, "usable"),
    ("commands pipelined after the terminator", L + M + R + b"DATA\r\n" + MSG + b"FOO\r\nNOOP\r\n",
     ["250", "250", "250", "354", "250 2.0.0", "500 5.5.2", "250"], 1, "usable"),
    ("a lone dot with trailing space is not the end", L + M + R + b"DATA\r\nSubject: x\r\n\r\n. \r\n.\r\n",
     ["250", "250", "250", "354", "250 2.0.0"], 1, "usable"),
    ("dropped inside DATA", L + M + R + b"DATA\r\nSubject: x\r\n\r\npartial\r\n", ["250", "250", "250", "354"], 0,
     "dropped"),
    ("dropped inside DATA after CRLF dot", L + M + R + b"DATA\r\nSubject: x\r\n\r\npartial\r\n.",
     ["250", "250", "250", "354"], 0, "dropped"),
    ("dropped inside DATA after a huge line", L + M + R + b"DATA\r\n" + b"q" * 200000, ["250", "250", "250", "354"], 0,
     "dropped"),
    # Endings.
    ("too many errors", b"FOO\r\n" * (MAX_ERRORS + 5), ["500 5.5.2"] * MAX_ERRORS + ["421 4.7.0"], 0, "closed"),
    ("QUIT in the middle of a transaction stores nothing", L + M + R + b"QUIT\r\n",
     ["250", "250", "250", "221 2.0.0"], 0, "closed"),
]


class LmtpBadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config=f"[limits]\nmax_message_octets = {MAX_MESSAGE}\n"
                                                  f"max_recipients = {MAX_RECIPIENTS}\n"
                                                  f"max_bad_commands = {MAX_ERRORS}\n")
        cls.server.add_user(VICTIM, PASSWORD)
        cls.server.start()
        cls.imap = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        cls.imap.login(VICTIM, PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.imap.logout()
        cls.server.__exit__(None, None, None)

    def messages(self):
        typ, data = self.imap.status("INBOX", "(MESSAGES)")
        return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))

    def probe(self, raw):
        """A full delivery on the same connection: the session is still in step."""
        raw.send(b"LHLO probe\r\nMAIL FROM:<>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n")
        got = raw.replies(4)
        self.assertEqual([c for c, _ in got], [250, 250, 250, 354], got)
        raw.send(b"Subject: probe\r\n\r\nstill in step\r\n.\r\nQUIT\r\n")
        got = raw.replies(2)
        self.assertEqual([c for c, _ in got], [250, 221], got)

    def test_table(self):
        self.assertGreaterEqual(len(CASES), 40)
        for i, (name, data, expected, stored, after) in enumerate(CASES):
            where = self.server.lmtp_port if i % 2 == 0 else self.server.lmtp_socket
            with self.subTest(case=name, via="tcp" if i % 2 == 0 else "unix"):
                before = self.messages()
                raw = RawLmtp(where)
                try:
                    self.assertEqual(raw.greeting[0], 220)
                    raw.send(data)
                    got = raw.replies(len(expected))
                    texts = [f"{c} {t}" for c, t in got]
                    for text, want in zip(texts, expected):
                        self.assertTrue(text.startswith(want), f"got {texts}, expected {expected}")
                    if after == "usable":
                        self.probe(raw)
                    elif after == "closed":
                        self.assertTrue(raw.closed_by_server(), "the server should have closed the connection")
                    elif after == "dropped":
                        raw.sock.shutdown(socket.SHUT_RDWR)
                finally:
                    raw.close()
                if after == "dropped":
                    time.sleep(0.2)   # let the server see the end of the connection
                self.assertEqual(self.messages() - before, stored + (1 if after == "usable" else 0))

    def test_nothing_is_half_stored(self):
        """Every message in the mailbox is a whole one: trace headers, a subject, a body."""
        self.test_table()
        self.imap.select("INBOX", readonly=True)
        typ, data = self.imap.fetch("1:*", "BODY.PEEK[]")
        bodies = [d[1] for d in data if isinstance(d, tuple)]
        self.assertGreater(len(bodies), 40)
        for b in bodies:
            self.assertRegex(b, rb"^Return-Path: <[^>]*>\r\nDelivered-To: victim@example.org\r\nSubject: "
                                rb"(probe|lf|x|bad input case)\r\n\r\n")
            self.assertTrue(b.endswith(b"\r\n"))
            self.assertNotIn(b"partial", b)
            self.assertNotIn(b"zzzz", b)
        self.imap.close()


if __name__ == "__main__":
    unittest.main()
