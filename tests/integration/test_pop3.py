"""POP3 (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH) against the real server with
Python's poplib and a raw socket: login by USER/PASS and SASL PLAIN/LOGIN (SCRAM: test_sasl), CAPA in each state
and before/after STLS, implicit TLS, every command's answer checked byte for byte against what
was APPENDed over IMAP, DELE/RSET/QUIT semantics seen from IMAP, the per-account lock, UIDL
stability, pipelining, and the plaintext policy.
"""
import base64
import imaplib
import poplib
import re
import signal
import socket
import time
import unittest

from pbserver import PillarboxServer
from pop3raw import RawPop3, insecure_tls_context, unstuff

PASSWORD = "pop pass 1"

# Messages as APPENDed. The server stores them as sent and serves them with CRLF line ends.
MESSAGES = [
    b"From: Alice <alice@example.net>\r\nTo: bob@example.org\r\nSubject: First\r\n"
    b"Message-ID: <first@example.net>\r\n\r\nLine one of the body.\r\nLine two.\r\nLine three.\r\n",
    # Lines that start with "." must be byte-stuffed (RFC 1939 §3), a lone "." above all.
    b"From: Dot <dot@example.net>\r\nSubject: Dots\r\n\r\n.\r\n..\r\n.leading dot\r\n"
    b"middle . dot\r\n. \r\n...\r\nlast\r\n",
    # Bare LF line ends: served (and counted by LIST) with CRLF.
    b"From: Unix <unix@example.net>\nSubject: LF only\n\nbody with LF\n.dot after LF\n",
    # A header without a body.
    b"From: Head <head@example.net>\r\nSubject: No body\r\n",
]


def crlf(b):
    return re.sub(rb"\r?\n", b"\r\n", b)


def imap_login(srv, user):
    c = imaplib.IMAP4_SSL("127.0.0.1", srv.imaps_port, ssl_context=insecure_tls_context())
    c.login(user, PASSWORD)
    return c


def append(srv, user, messages):
    c = imap_login(srv, user)
    for m in messages:
        typ, _ = c.append("INBOX", None, None, m)
        assert typ == "OK"
    c.logout()


def inbox_state(srv, user):
    """{uid: flags} of INBOX, and its UIDVALIDITY."""
    c = imap_login(srv, user)
    c.select("INBOX", readonly=True)
    uidvalidity = int(c.untagged_responses["UIDVALIDITY"][0])
    typ, data = c.fetch("1:*", "(UID FLAGS)")
    out = {}
    for item in data:
        if item is None:
            continue
        m = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", item)
        out[int(m.group(1))] = m.group(2).decode().split()
    c.logout()
    return out, uidvalidity


def b64(b):
    return base64.b64encode(b)


class Pop3Base(unittest.TestCase):
    plaintext = "loopback"
    extra_config = ""
    counter = 0

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(plaintext=cls.plaintext, extra_config=cls.extra_config)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def new_user(self, messages=()):
        """A fresh account (so tests do not share state) with `messages` in its INBOX."""
        Pop3Base.counter += 1
        user = f"pop{Pop3Base.counter}@example.org"
        self.server.add_user(user, PASSWORD)
        if messages:
            append(self.server, user, messages)
        return user

    def pop(self, user=None):
        p = poplib.POP3("127.0.0.1", self.server.pop3_port, timeout=15)
        if user:
            p.user(user)
            p.pass_(PASSWORD)
        return p

    def raw(self, user=None, tls=False):
        r = RawPop3(self.server.pop3s_port if tls else self.server.pop3_port, tls=tls)
        self.addCleanup(r.close)
        if user:
            r.login(user, PASSWORD)
        return r


class Pop3(Pop3Base):
    # --- greeting, CAPA, STLS ----------------------------------------------------------------

    def test_greeting_has_no_apop_timestamp_and_apop_is_refused(self):
        user = self.new_user()
        r = self.raw()
        self.assertTrue(r.greeting.startswith(b"+OK "), r.greeting)
        self.assertNotRegex(r.greeting, rb"<[^>]*@[^>]*>")   # RFC 1939 §7 APOP timestamp
        self.assertTrue(r.command(b"APOP " + user.encode() + b" c4c9334bac560ecc979e58001b3e22fb").startswith(b"-ERR"))
        r.login(user, PASSWORD)   # the session is still usable

    def test_capa_before_and_after_login(self):
        user = self.new_user()
        p = self.pop()
        caps = p.capa()
        for c in ("TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS", "IMPLEMENTATION"):
            self.assertIn(c, caps)
        self.assertEqual(caps["SASL"], ["PLAIN", "LOGIN", "SCRAM-SHA-256"])   # -PLUS needs TLS
        self.assertNotIn("APOP", caps)
        p.user(user)
        p.pass_(PASSWORD)
        after = p.capa()
        # RFC 2449 §5: in TRANSACTION only what applies there.
        self.assertEqual(set(after), {"TOP", "UIDL", "RESP-CODES", "PIPELINING", "IMPLEMENTATION"})
        p.quit()

    def test_stls_changes_capabilities(self):
        user = self.new_user([MESSAGES[0]])
        p = self.pop()
        self.assertIn("STLS", p.capa())
        p.stls(insecure_tls_context())
        caps = p.capa()
        self.assertNotIn("STLS", caps)
        self.assertIn("USER", caps)
        self.assertEqual(caps["SASL"], ["PLAIN", "LOGIN", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"])
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("STLS")
        self.assertIn(b"Already using TLS", e.exception.args[0])
        p.user(user)
        p.pass_(PASSWORD)
        self.assertEqual(p.stat(), (1, len(MESSAGES[0])))
        self.assertEqual(b"\r\n".join(p.retr(1)[1]) + b"\r\n", MESSAGES[0])
        p.quit()

    def test_stls_after_login_is_refused(self):
        user = self.new_user()
        r = self.raw(user)
        self.assertRegex(r.command(b"STLS"), rb"^-ERR STLS is not valid after login")
        r.ok(b"NOOP")

    def test_stls_discards_pipelined_plaintext(self):
        """RFC 2595 §4: commands sent in the clear after STLS must not run."""
        user = self.new_user()
        r = self.raw()
        r.send(b"STLS\r\nUSER " + user.encode() + b"\r\nPASS " + PASSWORD.encode() + b"\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertEqual(r.buf, b"")
        r.sock = insecure_tls_context().wrap_socket(r.sock)
        # Not logged in: the USER/PASS sent before TLS were dropped.
        self.assertRegex(r.command(b"STAT"), rb"^-ERR STAT is not valid before login")
        self.assertTrue(r.command(b"PASS " + PASSWORD.encode()).startswith(b"-ERR"))
        r.login(user, PASSWORD)
        r.ok(b"STAT")

    def test_implicit_tls(self):
        user = self.new_user([MESSAGES[0], MESSAGES[1]])
        p = poplib.POP3_SSL("127.0.0.1", self.server.pop3s_port, context=insecure_tls_context(), timeout=15)
        self.assertTrue(p.getwelcome().startswith(b"+OK"))
        caps = p.capa()
        self.assertNotIn("STLS", caps)
        self.assertIn("USER", caps)
        p.user(user)
        p.pass_(PASSWORD)
        self.assertEqual(p.stat(), (2, len(MESSAGES[0]) + len(MESSAGES[1])))
        self.assertEqual(b"\r\n".join(p.retr(2)[1]) + b"\r\n", MESSAGES[1])
        p.quit()

    # --- login ---------------------------------------------------------------------------------

    def test_wrong_password_and_unknown_user_look_the_same(self):
        user = self.new_user()
        answers = []
        for u, pw in ((user, "wrong"), ("nobody@example.org", "wrong"), (user, PASSWORD + " ")):
            r = self.raw()
            self.assertEqual(r.command(b"USER " + u.encode()), b"+OK Send PASS")
            answers.append(r.command(b"PASS " + pw.encode()))
            # Still in AUTHORIZATION (RFC 1939 §7): a new USER/PASS works.
            r.login(user, PASSWORD)
            r.ok(b"QUIT")
        self.assertEqual(answers, [b"-ERR [AUTH] Authentication failed"] * 3)

    def test_password_with_spaces(self):
        Pop3Base.counter += 1
        user = f"spaces{Pop3Base.counter}@example.org"
        self.server.add_user(user, " two  spaces ")
        r = self.raw()
        r.ok(b"USER " + user.encode())
        self.assertTrue(r.command(b"PASS  two  spaces ").startswith(b"+OK"))

    def test_auth_plain_with_initial_response_and_continuation(self):
        user = self.new_user([MESSAGES[0]])
        r = self.raw()
        self.assertTrue(r.command(b"AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0" + PASSWORD.encode()))
                        .startswith(b"+OK"))
        r.ok(b"STAT")
        r.ok(b"QUIT")
        r = self.raw()
        self.assertEqual(r.command(b"AUTH PLAIN"), b"+ ")
        self.assertTrue(r.command(b64(user.encode() + b"\0" + user.encode() + b"\0" + PASSWORD.encode()))
                        .startswith(b"+OK"))
        self.assertEqual(r.command(b"STAT"), b"+OK 1 %d" % len(MESSAGES[0]))

    def test_auth_login(self):
        user = self.new_user()
        r = self.raw()
        self.assertEqual(r.command(b"AUTH LOGIN"), b"+ " + b64(b"Username:"))
        self.assertEqual(r.command(b64(user.encode())), b"+ " + b64(b"Password:"))
        self.assertTrue(r.command(b64(PASSWORD.encode())).startswith(b"+OK"))
        r.ok(b"QUIT")
        r = self.raw()   # with an initial response (RFC 5034 §4)
        self.assertEqual(r.command(b"auth login " + b64(user.encode())), b"+ " + b64(b"Password:"))
        self.assertTrue(r.command(b64(PASSWORD.encode())).startswith(b"+OK"))

    def test_auth_failures(self):
        user = self.new_user()
        r = self.raw()
        self.assertEqual(r.command(b"AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0wrong")),
                         b"-ERR [AUTH] Authentication failed")
        self.assertEqual(r.command(b"AUTH PLAIN " + b64(b"other@example.org\0" + user.encode() + b"\0" +
                                                        PASSWORD.encode())),
                         b"-ERR [AUTH] Not authorized to log in as that user")   # not a master user
        self.assertEqual(r.command(b"AUTH PLAIN"), b"+ ")
        self.assertEqual(r.command(b"*"), b"-ERR Authentication cancelled")
        self.assertEqual(r.command(b"AUTH LOGIN"), b"+ " + b64(b"Username:"))
        self.assertEqual(r.command(b"*"), b"-ERR Authentication cancelled")
        self.assertTrue(r.command(b"AUTH PLAIN =").startswith(b"-ERR"))   # "=": empty, so malformed
        self.assertEqual(r.command(b"AUTH PLAIN !!!"), b"-ERR Invalid base64 in SASL response")
        self.assertEqual(r.command(b"AUTH CRAM-MD5"), b"-ERR Unsupported authentication mechanism")
        # "AUTH" alone lists the mechanisms.
        self.assertTrue(r.command(b"AUTH").startswith(b"+OK"))
        self.assertEqual(r.multiline(), b"PLAIN\r\nLOGIN\r\nSCRAM-SHA-256\r\n")
        r.login(user, PASSWORD)

    # --- the maildrop --------------------------------------------------------------------------

    def test_stat_list_uidl_retr_top_byte_for_byte(self):
        user = self.new_user(MESSAGES)
        served = [crlf(m) for m in MESSAGES]
        flags, uidvalidity = inbox_state(self.server, user)
        uids = sorted(flags)
        r = self.raw(user)
        self.assertEqual(r.command(b"STAT"), b"+OK %d %d" % (len(served), sum(map(len, served))))
        self.assertTrue(r.command(b"LIST").startswith(b"+OK"))
        self.assertEqual(r.multiline(), b"".join(b"%d %d\r\n" % (i + 1, len(m)) for i, m in enumerate(served)))
        self.assertTrue(r.command(b"UIDL").startswith(b"+OK"))
        listing = r.multiline()
        self.assertEqual(listing, b"".join(b"%d %08x%08x\r\n" % (i + 1, uidvalidity, u) for i, u in enumerate(uids)))
        for i, m in enumerate(served, 1):
            self.assertEqual(r.command(b"LIST %d" % i), b"+OK %d %d" % (i, len(m)))
            self.assertEqual(r.command(b"UIDL %d" % i), b"+OK %d %08x%08x" % (i, uidvalidity, uids[i - 1]))
            self.assertEqual(r.command(b"RETR %d" % i), b"+OK %d octets" % len(m))
            body = r.multiline()
            # Sizes are of the message before stuffing (RFC 1939 §11), which is what the client
            # gets back after unstuffing.
            self.assertEqual(unstuff(body), m, i)
            self.assertEqual(len(unstuff(body)), len(m))
        # Stuffing on the wire: every line of message 2 that starts with "." got one more.
        self.assertEqual(r.command(b"RETR 2"), b"+OK %d octets" % len(served[1]))
        self.assertIn(b"\r\n..\r\n...\r\n..leading dot\r\nmiddle . dot\r\n.. \r\n....\r\nlast\r\n", r.multiline())
        # TOP: the header, the blank line, n body lines.
        header, body = served[0].split(b"\r\n\r\n", 1)
        for n, expected in ((0, header + b"\r\n\r\n"),
                            (1, header + b"\r\n\r\nLine one of the body.\r\n"),
                            (2, header + b"\r\n\r\nLine one of the body.\r\nLine two.\r\n"),
                            (3, served[0]), (99, served[0]), (18446744073709551616, served[0])):
            self.assertTrue(r.command(b"TOP 1 %d" % n).startswith(b"+OK"))
            self.assertEqual(unstuff(r.multiline()), expected, n)
        self.assertTrue(r.command(b"TOP 2 1").startswith(b"+OK"))
        self.assertEqual(r.multiline(), b"From: Dot <dot@example.net>\r\nSubject: Dots\r\n\r\n..\r\n")
        self.assertTrue(r.command(b"TOP 4 5").startswith(b"+OK"))
        self.assertEqual(unstuff(r.multiline()), served[3])   # all header
        r.ok(b"QUIT")

    def test_poplib_retr_matches_imap_body(self):
        user = self.new_user(MESSAGES)
        c = imap_login(self.server, user)
        c.select("INBOX")
        p = self.pop(user)
        count, size = p.stat()
        self.assertEqual(count, len(MESSAGES))
        for i in range(1, count + 1):
            resp, lines, octets = p.retr(i)
            typ, data = c.fetch(str(i), "(BODY.PEEK[])")
            self.assertEqual(b"\r\n".join(lines) + b"\r\n", data[0][1])
            self.assertEqual(resp, b"+OK %d octets" % len(data[0][1]))
        p.quit()
        c.logout()

    def test_dele_quit_expunges_and_imap_sees_it(self):
        user = self.new_user(MESSAGES[:3])
        flags, _ = inbox_state(self.server, user)
        uids = sorted(flags)
        c = imap_login(self.server, user)
        typ, data = c.select("INBOX")
        self.assertEqual(data, [b"3"])
        p = self.pop(user)
        p.retr(3)            # read: \Seen at QUIT
        p.top(2, 0)          # TOP is not a read
        self.assertEqual(p.dele(1), b"+OK Message 1 deleted")
        with self.assertRaises(poplib.error_proto) as e:
            p.retr(1)
        self.assertEqual(e.exception.args[0], b"-ERR Message 1 already deleted")
        with self.assertRaises(poplib.error_proto):
            p.dele(1)
        self.assertEqual(p.stat(), (2, len(crlf(MESSAGES[1])) + len(crlf(MESSAGES[2]))))
        self.assertEqual(len(p.list()[1]), 2)
        self.assertEqual(p.quit(), b"+OK Logging out (1 deleted, 2 left)")
        typ, data = c.noop()
        self.assertEqual(c.untagged_responses.get("EXPUNGE"), [b"1"])
        c.logout()
        after, _ = inbox_state(self.server, user)
        self.assertEqual(after, {uids[1]: [], uids[2]: ["\\Seen"]})

    def test_dropped_connection_deletes_nothing(self):
        user = self.new_user(MESSAGES[:2])
        before, _ = inbox_state(self.server, user)
        r = self.raw(user)
        r.ok(b"RETR 1")
        r.multiline()
        r.ok(b"DELE 1")
        r.ok(b"DELE 2")
        r.close()            # no QUIT: no UPDATE state (RFC 1939 §6)
        # The lock is released once the server notices; then a new session sees both.
        deadline = time.time() + 10
        while True:
            r2 = self.raw()
            r2.ok(b"USER " + user.encode())
            reply = r2.command(b"PASS " + PASSWORD.encode())
            if reply.startswith(b"+OK") or time.time() > deadline:
                break
            r2.close()
            time.sleep(0.1)
        self.assertTrue(reply.startswith(b"+OK Logged in; 2 messages"), reply)
        r2.ok(b"QUIT")
        after, _ = inbox_state(self.server, user)
        self.assertEqual(after, before)   # nothing deleted, nothing marked \Seen

    def test_rset(self):
        user = self.new_user(MESSAGES[:3])
        p = self.pop(user)
        p.dele(1)
        p.dele(3)
        self.assertEqual(p.stat()[0], 1)
        self.assertEqual(p.rset(), b"+OK Maildrop has 3 messages (%d octets)" % sum(len(crlf(m)) for m in MESSAGES[:3]))
        self.assertEqual(p.stat()[0], 3)
        p.dele(2)
        p.quit()
        p = self.pop(user)
        self.assertEqual(p.stat()[0], 2)
        self.assertEqual(b"\r\n".join(p.retr(2)[1]) + b"\r\n", crlf(MESSAGES[2]))
        p.quit()

    def test_snapshot_at_login(self):
        user = self.new_user(MESSAGES[:1])
        p = self.pop(user)
        append(self.server, user, [MESSAGES[1]])
        self.assertEqual(p.stat()[0], 1)         # arrived after login: not shown
        with self.assertRaises(poplib.error_proto):
            p.retr(2)
        p.dele(1)
        p.quit()
        p = self.pop(user)
        self.assertEqual(p.stat(), (1, len(MESSAGES[1])))   # the new one survived the UPDATE
        p.quit()

    def test_message_expunged_by_imap_during_session(self):
        user = self.new_user(MESSAGES[:2])
        p = self.pop(user)
        c = imap_login(self.server, user)
        c.select("INBOX")
        c.store("1", "+FLAGS", r"(\Deleted)")
        c.expunge()
        c.logout()
        with self.assertRaises(poplib.error_proto) as e:
            p.retr(1)
        self.assertIn(b"removed by another session", e.exception.args[0])
        self.assertEqual(b"\r\n".join(p.retr(2)[1]) + b"\r\n", MESSAGES[1])
        p.dele(1)
        self.assertTrue(p.quit().startswith(b"+OK"))   # the vanished one is simply skipped

    def test_in_use(self):
        user = self.new_user(MESSAGES[:1])
        a = self.raw(user)
        b = self.raw()
        b.ok(b"USER " + user.encode())
        self.assertEqual(b.command(b"PASS " + PASSWORD.encode()),
                         b"-ERR [IN-USE] Maildrop is in use by another POP3 session")
        self.assertTrue(b.command(b"AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0" + PASSWORD.encode()))
                        .startswith(b"-ERR [IN-USE]"))
        # Another account is not affected; IMAP is not affected.
        other = self.new_user()
        self.raw(other).ok(b"QUIT")
        imap_login(self.server, user).logout()
        a.ok(b"QUIT")
        self.assertTrue(b.login(user, PASSWORD).startswith(b"+OK"))   # released by QUIT at once

    def test_uidl_stable_across_sessions_and_deletions(self):
        user = self.new_user(MESSAGES)
        p = self.pop(user)
        first = dict(l.split() for l in p.uidl()[1])
        for uid in first.values():
            self.assertRegex(uid, rb"^[0-9a-f]{16}$")
        self.assertEqual(len(set(first.values())), len(MESSAGES))
        p.quit()
        p = self.pop(user)
        self.assertEqual(dict(l.split() for l in p.uidl()[1]), first)
        p.dele(2)
        p.quit()
        append(self.server, user, [MESSAGES[0]])
        p = self.pop(user)
        now = dict(l.split() for l in p.uidl()[1])
        # Messages 3 and 4 are now 2 and 3 with the same unique-ids; the new one has a new id.
        self.assertEqual([now[b"1"], now[b"2"], now[b"3"]], [first[b"1"], first[b"3"], first[b"4"]])
        self.assertNotIn(now[b"4"], first.values())
        p.quit()

    def test_pipelining(self):
        """RFC 2449 §6.6: commands in one write are answered in order."""
        user = self.new_user(MESSAGES[:2])
        served = [crlf(m) for m in MESSAGES[:2]]
        r = self.raw()
        r.send(b"CAPA\r\nUSER " + user.encode() + b"\r\nPASS " + PASSWORD.encode() +
               b"\r\nSTAT\r\nLIST\r\nRETR 1\r\nNOOP\r\nTOP 2 0\r\nBOGUS\r\nUIDL 2\r\nDELE 1\r\nLIST 1\r\nRSET\r\nQUIT\r\n")
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertIn(b"PIPELINING\r\n", r.multiline())
        self.assertEqual(r.line(), b"+OK Send PASS")
        self.assertTrue(r.line().startswith(b"+OK Logged in"))
        self.assertEqual(r.line(), b"+OK 2 %d" % sum(map(len, served)))
        self.assertTrue(r.line().startswith(b"+OK 2 messages"))
        self.assertEqual(r.multiline(), b"1 %d\r\n2 %d\r\n" % (len(served[0]), len(served[1])))
        self.assertEqual(r.line(), b"+OK %d octets" % len(served[0]))
        self.assertEqual(unstuff(r.multiline()), served[0])
        self.assertEqual(r.line(), b"+OK")
        self.assertTrue(r.line().startswith(b"+OK"))
        self.assertEqual(unstuff(r.multiline()), served[1].split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        self.assertEqual(r.line(), b"-ERR Unknown command")
        self.assertRegex(r.line(), rb"^\+OK 2 [0-9a-f]{16}$")
        self.assertEqual(r.line(), b"+OK Message 1 deleted")
        self.assertEqual(r.line(), b"-ERR Message 1 already deleted")
        self.assertTrue(r.line().startswith(b"+OK Maildrop has 2 messages"))
        self.assertEqual(r.line(), b"+OK Logging out (0 deleted, 2 left)")
        self.assertEqual(r.closed(), b"")

    def test_large_message(self):
        """A message much larger than the output buffer, with dot lines at chunk edges."""
        line = b"." + b"x" * 62 + b"\r\n"
        msg = b"Subject: big\r\n\r\n" + line * 40000   # 2.6 MB
        user = self.new_user([msg])
        r = self.raw(user)
        self.assertEqual(r.command(b"LIST 1"), b"+OK 1 %d" % len(msg))
        self.assertEqual(r.command(b"RETR 1"), b"+OK %d octets" % len(msg))
        self.assertEqual(unstuff(r.multiline()), msg)
        r.ok(b"NOOP")


class Pop3PlaintextNever(Pop3Base):
    """[auth] plaintext_without_tls = "never": no USER, PASS or SASL PLAIN/LOGIN before TLS, even on
    loopback (SCRAM stays: it never shows the password)."""
    plaintext = "never"

    def test_capa_hides_plaintext_mechanisms(self):
        r = self.raw()
        self.assertTrue(r.command(b"CAPA").startswith(b"+OK"))
        caps = r.multiline().split(b"\r\n")
        self.assertIn(b"STLS", caps)
        # SCRAM never shows the password, so it stays (test_sasl logs in with it).
        self.assertIn(b"SASL SCRAM-SHA-256", caps)
        for c in caps:
            self.assertFalse(c.startswith(b"USER"), caps)

    def test_plaintext_login_refused(self):
        user = self.new_user()
        r = self.raw()
        refused = b"-ERR [AUTH] Plaintext authentication disallowed on non-secure connection; use STLS"
        self.assertEqual(r.command(b"USER " + user.encode()), refused)
        self.assertEqual(r.command(b"PASS " + PASSWORD.encode()), b"-ERR PASS must follow a successful USER")
        self.assertEqual(r.command(b"AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0" + PASSWORD.encode())), refused)
        self.assertEqual(r.command(b"AUTH LOGIN"), refused)
        self.assertTrue(r.command(b"AUTH").startswith(b"+OK"))
        self.assertEqual(r.multiline(), b"SCRAM-SHA-256\r\n")
        self.assertTrue(r.command(b"STAT").startswith(b"-ERR"))

    def test_after_stls_and_on_pop3s_login_works(self):
        user = self.new_user([MESSAGES[0]])
        p = self.pop()
        p.stls(insecure_tls_context())
        caps = p.capa()
        self.assertIn("USER", caps)
        self.assertEqual(caps["SASL"], ["PLAIN", "LOGIN", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"])
        p.user(user)
        p.pass_(PASSWORD)
        self.assertEqual(p.stat()[0], 1)
        p.quit()
        r = self.raw(tls=True)
        self.assertTrue(r.command(b"AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0" + PASSWORD.encode()))
                        .startswith(b"+OK"))


class Pop3Shutdown(Pop3Base):
    def test_sigterm_says_goodbye_and_deletes_nothing(self):
        user = self.new_user(MESSAGES[:2])
        r = self.raw(user)
        r.ok(b"DELE 1")
        waiting = self.raw()
        self.assertEqual(self.server.stop(signal.SIGTERM), 0)
        self.assertEqual(r.closed(), b"-ERR [SYS/TEMP] Server shutting down\r\n")
        self.assertEqual(waiting.closed(), b"-ERR [SYS/TEMP] Server shutting down\r\n")
        self.server.start()
        p = self.pop(user)
        self.assertEqual(p.stat()[0], 2)
        p.quit()


class Pop3LoginTimeout(Pop3Base):
    extra_config = "[limits]\nlogin_timeout_seconds = 5\n"

    def test_silent_autologout_before_login(self):
        """RFC 1939 §3: at the autologout the server closes without a response."""
        r = self.raw()
        r.ok(b"CAPA")
        r.multiline()
        started = time.time()
        self.assertEqual(r.closed(timeout=20), b"")
        self.assertGreater(time.time() - started, 3)


if __name__ == "__main__":
    unittest.main()
