"""Malformed and hostile POP3 input: every row of the table gets the expected -ERR (or the
expected exchange), and the same session goes on working afterwards (a CAPA sent in the same
write must be answered after it). Also: commands out of order, over-long lines that are not
buffered, bare LF / bare CR / NUL, STLS twice, too many bad commands, connections dropped in
the middle of a command, and that nothing is deleted by a session that did not QUIT.
"""
import base64
import imaplib
import socket
import struct
import time
import unittest

from pbserver import PillarboxServer
from pop3raw import RawPop3, insecure_tls_context, unstuff

USER, PASSWORD = "bad@example.org", "bad input pw"
MAX_LINE = 4096
CONFIG = f"[limits]\nmax_line_octets = {MAX_LINE}\nmax_bad_commands = 100000\n"
MESSAGES = [b"Subject: one\r\n\r\nbody one\r\n", b"Subject: two\r\n\r\n.dotted\r\nbody two\r\n"]


def b64(b):
    return base64.b64encode(b)


NOT_BEFORE = rb"^-ERR \w+ is not valid before login$"
NOT_AFTER = rb"^-ERR \w+ is not valid after login$"
SPACING = rb"^-ERR Arguments must be separated by a single space$"
UNKNOWN = rb"^-ERR Unknown command$"
CONTROL = rb"^-ERR Invalid character in command line$"
KEYWORD = rb"^-ERR Invalid command keyword$"
TOO_LONG = b"^-ERR Command line too long \\(limit %d octets\\)$" % MAX_LINE
NO_SUCH = rb"^-ERR No such message$"
BAD_NUMBER = rb"^-ERR Invalid message number$"

# (state, bytes sent without the final CRLF, expected reply lines as regexes). "new" is the
# AUTHORIZATION state, "txn" TRANSACTION with the two MESSAGES.
ROWS = [
    # -- framing and keywords ------------------------------------------------------------------
    ("new", b"", [rb"^-ERR Empty command line$"]),
    ("new", b" ", [KEYWORD]),
    ("new", b" CAPA", [KEYWORD]),
    ("new", b"FOO", [UNKNOWN]),
    ("new", b"STATX", [UNKNOWN]),
    ("new", b"ST AT", [UNKNOWN]),
    ("new", b"C4PA", [KEYWORD]),
    ("new", b"NO\rOP", [CONTROL]),        # a bare CR does not end a line
    ("new", b"CAPA\x00", [CONTROL]),
    ("new", b"\x00\x00\x00", [CONTROL]),
    ("new", b"CAPA\t", [CONTROL]),
    ("new", b"\x1b[2J", [CONTROL]),
    ("new", b"\xff\xfe", [KEYWORD]),
    ("new", b"\xc3\x89TAT", [KEYWORD]),
    ("new", b"A" * 21, [KEYWORD]),
    ("new", b"A" * (MAX_LINE * 3), [TOO_LONG]),
    ("new", b"USER " + b"a" * (MAX_LINE + 10), [TOO_LONG]),
    ("new", b"APOP bad@example.org c4c9334bac560ecc979e58001b3e22fb", [UNKNOWN]),
    ("new", b"LAST", [UNKNOWN]),          # RFC 1460, gone since RFC 1725
    ("new", b"XTND XMIT", [UNKNOWN]),
    ("new", b"+OK", [KEYWORD]),
    ("new", b".", [KEYWORD]),
    # -- AUTHORIZATION: out of order, wrong arguments ------------------------------------------
    ("new", b"STAT", [NOT_BEFORE]),
    ("new", b"LIST", [NOT_BEFORE]),
    ("new", b"UIDL", [NOT_BEFORE]),
    ("new", b"RETR 1", [NOT_BEFORE]),
    ("new", b"TOP 1 1", [NOT_BEFORE]),
    ("new", b"DELE 1", [NOT_BEFORE]),
    ("new", b"RSET", [NOT_BEFORE]),
    ("new", b"NOOP", [NOT_BEFORE]),       # RFC 1939 §5: TRANSACTION only
    ("new", b"PASS " + PASSWORD.encode(), [rb"^-ERR PASS must follow a successful USER$"]),
    ("new", b"USER " + USER.encode() + b"\r\nNOOP\r\nPASS " + PASSWORD.encode(),
     [rb"^\+OK Send PASS$", NOT_BEFORE, rb"^-ERR PASS must follow a successful USER$"]),
    ("new", b"USER " + USER.encode() + b"\r\nPASS", [rb"^\+OK Send PASS$", rb"^-ERR PASS needs a password$"]),
    ("new", b"USER", [rb"^-ERR USER needs a user name$"]),
    ("new", b"USER a b", [rb"^-ERR USER takes one argument$"]),
    ("new", b"USER  a", [SPACING]),
    ("new", b"USER a ", [SPACING]),
    ("new", b"USER nobody@example.org\r\nPASS wrong", [rb"^\+OK Send PASS$", rb"^-ERR \[AUTH\] Authentication failed$"]),
    ("new", b"CAPA extra", [rb"^-ERR CAPA takes no arguments$"]),
    ("new", b"QUIT now", [rb"^-ERR QUIT takes no arguments$"]),
    ("new", b"STLS extra", [rb"^-ERR STLS takes no arguments$"]),
    ("new", b"AUTH CRAM-MD5", [rb"^-ERR Unsupported authentication mechanism$"]),
    ("new", b"AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9", [rb"^-ERR Unsupported authentication mechanism$"]),
    ("new", b"AUTH PLAIN a b", [rb"^-ERR AUTH takes a mechanism and at most an initial response$"]),
    ("new", b"AUTH PLAIN !!!notbase64", [rb"^-ERR Invalid base64 in SASL response$"]),
    ("new", b"AUTH PLAIN AGFsaWNl", [rb"^-ERR Malformed PLAIN message$"]),            # "\0alice"
    ("new", b"AUTH PLAIN =", [rb"^-ERR Malformed PLAIN message$"]),
    ("new", b"AUTH PLAIN AGFsaWNlAHB3AA==", [rb"^-ERR Malformed PLAIN message$"]),    # 3 NULs
    ("new", b"AUTH PLAIN AGFsaWNl=AHB3", [rb"^-ERR Invalid base64 in SASL response$"]),
    ("new", b"AUTH PLAIN\r\n!!!", [rb"^\+ $", rb"^-ERR Invalid base64 in SASL response$"]),
    ("new", b"AUTH PLAIN\r\n*", [rb"^\+ $", rb"^-ERR Authentication cancelled$"]),
    ("new", b"AUTH PLAIN\r\n", [rb"^\+ $", rb"^-ERR Malformed PLAIN message$"]),      # empty response
    ("new", b"AUTH LOGIN\r\n*", [rb"^\+ VXNlcm5hbWU6$", rb"^-ERR Authentication cancelled$"]),
    ("new", b"AUTH LOGIN\r\n" + b64(USER.encode()) + b"\r\n*",
     [rb"^\+ VXNlcm5hbWU6$", rb"^\+ UGFzc3dvcmQ6$", rb"^-ERR Authentication cancelled$"]),
    ("new", b"AUTH LOGIN\r\n" + b64(b"a\0b"), [rb"^\+ VXNlcm5hbWU6$", rb"^-ERR Malformed LOGIN response$"]),
    ("new", b"AUTH LOGIN\r\n" + b"A" * (MAX_LINE + 4), [rb"^\+ VXNlcm5hbWU6$", rb"^-ERR SASL response too long$"]),
    ("new", b"AUTH PLAIN " + b64(b"other\0" + USER.encode() + b"\0" + PASSWORD.encode()),
     [rb"^-ERR \[AUTH\] Not authorized to log in as that user$"]),
    ("new", b"AUTH SCRAM-SHA-256 biwscj1hYmM=", [rb"^-ERR Malformed SCRAM client-first message$"]),
    ("new", b"AUTH SCRAM-SHA-256 biwsbj1hLHI9YSxi", [rb"^-ERR Malformed SCRAM extension$"]),
    ("new", b"AUTH SCRAM-SHA-256-PLUS cD10bHMtZXhwb3J0ZXIsLG49YSxyPWFiYw==", [rb"^-ERR Unsupported authentication mechanism$"]),
    ("new", b"AUTH SCRAM-SHA-256 eSwsbT14LG49YSxyPWFiYw==", [rb"^-ERR \[AUTH\] Authentication failed$"]),
    ("new", b"AUTH SCRAM-SHA-256\r\n*", [rb"^\+ $", rb"^-ERR Authentication cancelled$"]),
    # -- TRANSACTION ----------------------------------------------------------------------------
    ("txn", b"USER a", [NOT_AFTER]),
    ("txn", b"PASS a", [NOT_AFTER]),
    ("txn", b"AUTH PLAIN", [NOT_AFTER]),
    ("txn", b"STLS", [NOT_AFTER]),
    ("txn", b"APOP a b", [UNKNOWN]),
    ("txn", b"STAT 1", [rb"^-ERR STAT takes no arguments$"]),
    ("txn", b"NOOP 1", [rb"^-ERR NOOP takes no arguments$"]),
    ("txn", b"RSET 1", [rb"^-ERR RSET takes no arguments$"]),
    ("txn", b"QUIT 1", [rb"^-ERR QUIT takes no arguments$"]),
    ("txn", b"LIST 0", [NO_SUCH]),
    ("txn", b"LIST 3", [NO_SUCH]),
    ("txn", b"LIST -1", [BAD_NUMBER]),
    ("txn", b"LIST +1", [BAD_NUMBER]),
    ("txn", b"LIST 1a", [BAD_NUMBER]),
    ("txn", b"LIST 1.0", [BAD_NUMBER]),
    ("txn", b"LIST 0x1", [BAD_NUMBER]),
    ("txn", b"LIST 4294967297", [NO_SUCH]),                  # 2^32 + 1 must not wrap to 1
    ("txn", b"LIST 18446744073709551617", [NO_SUCH]),        # 2^64 + 1 must not wrap to 1
    ("txn", b"LIST 99999999999999999999999999999", [NO_SUCH]),
    ("txn", b"LIST 1 2", [rb"^-ERR LIST takes at most a message number$"]),
    ("txn", b"LIST ", [SPACING]),
    ("txn", b"LIST  1", [SPACING]),
    ("txn", b"UIDL 0", [NO_SUCH]),
    ("txn", b"UIDL x", [BAD_NUMBER]),
    ("txn", b"UIDL 1 1", [rb"^-ERR UIDL takes at most a message number$"]),
    ("txn", b"RETR", [rb"^-ERR RETR needs one message number$"]),
    ("txn", b"RETR 0", [NO_SUCH]),
    ("txn", b"RETR 3", [NO_SUCH]),
    ("txn", b"RETR -1", [BAD_NUMBER]),
    ("txn", b"RETR one", [BAD_NUMBER]),
    ("txn", b"RETR 1 2", [rb"^-ERR RETR needs one message number$"]),
    ("txn", b"RETR 1\x00", [CONTROL]),
    ("txn", b"TOP", [rb"^-ERR TOP needs a message number and a number of lines$"]),
    ("txn", b"TOP 1", [rb"^-ERR TOP needs a message number and a number of lines$"]),
    ("txn", b"TOP 1 1 1", [rb"^-ERR TOP needs a message number and a number of lines$"]),
    ("txn", b"TOP 1 -1", [rb"^-ERR Invalid number of lines$"]),
    ("txn", b"TOP 1 x", [rb"^-ERR Invalid number of lines$"]),
    ("txn", b"TOP 0 1", [NO_SUCH]),
    ("txn", b"TOP 3 0", [NO_SUCH]),
    ("txn", b"TOP -1 0", [BAD_NUMBER]),
    ("txn", b"DELE", [rb"^-ERR DELE needs one message number$"]),
    ("txn", b"DELE 0", [NO_SUCH]),
    ("txn", b"DELE 3", [NO_SUCH]),
    ("txn", b"DELE -2", [BAD_NUMBER]),
    ("txn", b"DELE 1 2", [rb"^-ERR DELE needs one message number$"]),
    ("txn", b"DELE 1\r", [CONTROL]),       # "DELE 1\r\r\n": the inner CR is not a line end
    ("txn", b"DELE\x001", [CONTROL]),
    ("txn", b"dele  1", [SPACING]),
]


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config=CONFIG)
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        c = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        c.login(USER, PASSWORD)
        for m in MESSAGES:
            c.append("INBOX", None, None, m)
        c.logout()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def session(self, state):
        r = RawPop3(self.server.pop3_port)
        self.addCleanup(r.close)
        self.assertTrue(r.greeting.startswith(b"+OK"))
        if state == "txn":
            self.log_in(r)
        return r

    def log_in(self, r):
        """USER/PASS, retried while a session dropped just before still holds the maildrop
        lock (it goes when the server notices the close)."""
        deadline = time.time() + 10
        while True:
            r.ok(b"USER " + USER.encode())
            reply = r.command(b"PASS " + PASSWORD.encode())
            if not reply.startswith(b"-ERR [IN-USE]") or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertTrue(reply.startswith(b"+OK"), reply)

    def assert_intact(self):
        """A fresh session still sees both messages, unchanged: nothing was deleted."""
        r = self.session("txn")
        self.assertEqual(r.command(b"STAT"), b"+OK 2 %d" % sum(map(len, MESSAGES)))
        for i, m in enumerate(MESSAGES, 1):
            r.ok(b"RETR %d" % i)
            self.assertEqual(unstuff(r.multiline()), m)
        r.ok(b"QUIT")

    def test_table_is_big_enough(self):
        self.assertGreaterEqual(len(ROWS), 100)

    def test_table(self):
        sessions = {}
        for i, (state, data, expected) in enumerate(ROWS):
            with self.subTest(row=i, state=state, command=data[:60]):
                if state not in sessions:
                    sessions[state] = self.session(state)
                r = sessions[state]
                try:
                    self.check_row(r, data, expected)
                except (EOFError, OSError, AssertionError):
                    sessions.pop(state).close()
                    raise
        for r in sessions.values():
            r.ok(b"CAPA")   # still alive at the end
            r.multiline()
            r.close()   # no QUIT: the TRANSACTION session ends without UPDATE
        self.assert_intact()

    def check_row(self, r, data, expected):
        # The row and a CAPA in one write: CAPA must be answered +OK, after the row's answer.
        r.send(data + b"\r\nCAPA\r\n")
        answered = []
        for pattern in expected:
            line = r.line()
            answered.append(line)
            self.assertRegex(line, pattern, answered)
        line = r.line()
        self.assertTrue(line.startswith(b"+OK"), answered + [line])
        self.assertIn(b"IMPLEMENTATION", r.multiline())

    def test_bare_lf_is_a_line_end(self):
        r = self.session("new")
        r.send(b"USER " + USER.encode() + b"\nPASS " + PASSWORD.encode() + b"\nSTAT\nLIST 2\r\nNOOP\n")
        self.assertEqual(r.line(), b"+OK Send PASS")
        self.assertTrue(r.line().startswith(b"+OK Logged in"))
        self.assertEqual(r.line(), b"+OK 2 %d" % sum(map(len, MESSAGES)))
        self.assertEqual(r.line(), b"+OK 2 %d" % len(MESSAGES[1]))
        self.assertEqual(r.line(), b"+OK")
        r.ok(b"QUIT")

    def test_bare_cr_does_not_end_a_line(self):
        r = self.session("txn")
        r.send(b"STAT\rDELE 1\r\nNOOP\r\n")
        self.assertEqual(r.line(), b"-ERR Invalid character in command line")
        self.assertEqual(r.line(), b"+OK")
        self.assertEqual(r.command(b"STAT"), b"+OK 2 %d" % sum(map(len, MESSAGES)))

    def test_deleted_message_cannot_be_used(self):
        r = self.session("txn")
        r.ok(b"DELE 2")
        for cmd in (b"RETR 2", b"TOP 2 0", b"LIST 2", b"UIDL 2", b"DELE 2"):
            self.assertEqual(r.command(cmd), b"-ERR Message 2 already deleted", cmd)
        self.assertTrue(r.command(b"LIST").startswith(b"+OK 1 message ("))
        self.assertEqual(r.multiline(), b"1 %d\r\n" % len(MESSAGES[0]))
        r.ok(b"RSET")
        r.ok(b"RETR 2")
        r.multiline()
        r.close()   # no QUIT
        self.assert_intact()

    def test_stls_twice(self):
        r = self.session("new")
        r.ok(b"STLS")
        r.sock = insecure_tls_context().wrap_socket(r.sock)
        self.assertEqual(r.command(b"STLS"), b"-ERR Already using TLS")
        r.login(USER, PASSWORD)
        self.assertEqual(r.command(b"STLS"), b"-ERR STLS is not valid after login")
        r.ok(b"QUIT")
        t = RawPop3(self.server.pop3s_port, tls=True)
        self.addCleanup(t.close)
        self.assertEqual(t.command(b"STLS"), b"-ERR Already using TLS")

    def test_garbage_instead_of_tls_handshake(self):
        r = self.session("new")
        r.ok(b"STLS")
        r.send(b"USER " + USER.encode() + b"\r\n" + b"\x00" * 100)
        r.closed()   # the handshake fails and the server closes; it does not run the USER
        self.session("new").ok(b"CAPA")

    def test_huge_line_is_not_buffered(self):
        with open(f"/proc/{self.server.proc.pid}/status") as f:
            before = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        r = self.session("txn")
        chunk = b"x" * (1 << 20)
        for _ in range(64):   # 64 MiB without a line end
            r.send(chunk)
        r.send(b"\r\nSTAT\r\n")
        self.assertEqual(r.line(), b"-ERR Command line too long (limit %d octets)" % MAX_LINE)
        self.assertTrue(r.line().startswith(b"+OK 2 "))
        with open(f"/proc/{self.server.proc.pid}/status") as f:
            after = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        self.assertLess(after - before, 16 * 1024, "RSS grew by %d KiB" % (after - before))

    def test_dropped_mid_command(self):
        for tail in (b"DELE 1\r\nDELE 2\r\nQUI", b"DELE 1\r\nQUIT", b"DELE 2\r\nAUTH", b"RETR 2\r\n"):
            r = self.session("txn")
            r.send(tail)
            r.sock.shutdown(socket.SHUT_WR)
            r.close()
        r = self.session("new")
        r.send(b"AUTH PLAIN\r\n")
        self.assertEqual(r.line(), b"+ ")
        r.close()   # in the middle of the SASL exchange
        r = self.session("new")
        r.send(b"USER " + USER.encode() + b"\r\nPASS " + PASSWORD.encode()[:3])
        r.close()   # in the middle of a line
        self.assert_intact()

    def test_dropped_with_reset(self):
        r = self.session("txn")
        r.ok(b"DELE 1")
        r.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        r.close()   # RST instead of FIN
        self.assert_intact()


class TooManyBadCommands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config="[limits]\nmax_bad_commands = 5\n")
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_disconnect_after_consecutive_errors(self):
        r = RawPop3(self.server.pop3_port)
        self.addCleanup(r.close)
        r.login(USER, PASSWORD)
        # Errors of every kind count; a good command in between starts the count again.
        r.send(b"FOO\r\nLIST 9\r\nSTAT x\r\nRETR\r\nNOOP\r\nBAR\r\n\r\nDELE 0\r\n\x00\r\nTOP 1\r\n")
        lines = [r.line() for _ in range(4)]
        self.assertTrue(all(l.startswith(b"-ERR") for l in lines), lines)
        self.assertEqual(r.line(), b"+OK")
        lines = [r.line() for _ in range(5)]
        self.assertTrue(all(l.startswith(b"-ERR") for l in lines), lines)
        # The fifth in a row ends the session.
        self.assertEqual(r.closed(), b"-ERR Too many bad commands; closing the connection\r\n")

    def test_long_lines_count_too(self):
        r = RawPop3(self.server.pop3_port)
        self.addCleanup(r.close)
        r.send((b"x" * 70000 + b"\r\n") * 5)
        for _ in range(5):
            self.assertTrue(r.line().startswith(b"-ERR Command line too long"))
        self.assertEqual(r.closed(), b"-ERR Too many bad commands; closing the connection\r\n")


if __name__ == "__main__":
    unittest.main()
