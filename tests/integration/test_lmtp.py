"""LMTP delivery (RFC 2033) over TCP and the unix socket with Python's smtplib.LMTP and a raw
socket, read back over IMAP; and `pillarbox deliver`."""
import imaplib
import os
import re
import signal
import socket
import subprocess
import time
import unittest
import uuid

from lmtpraw import Lmtp, RawLmtp, stuff
from pbserver import PillarboxServer

ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"
PASSWORD = "secret words"
MAX_MESSAGE = 100000


def token():
    return uuid.uuid4().hex


def message(tag, body=b"Hello.\r\n"):
    return (b"From: Sender <sender@example.com>\r\nTo: someone@example.org\r\nSubject: test " +
            tag.encode() + b"\r\nMessage-ID: <" + tag.encode() + b"@example.com>\r\n\r\n" + body)


class LmtpDelivery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config=f"[limits]\nmax_message_octets = {MAX_MESSAGE}\n")
        for user in (ALICE, BOB, CAROL):
            cls.server.add_user(user, PASSWORD)
        cls.server.cli("user", "alias", "add", "sales@example.org", ALICE)
        cls.server.cli("user", "alias", "add", "sales@example.org", BOB)
        cls.server.start()
        c = cls.imap(ALICE)
        for name in ("Work", "lists/pillarbox"):
            typ, data = c.create(name)
            assert typ == "OK", data
        c.logout()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    @classmethod
    def imap(cls, user):
        c = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        c.login(user, PASSWORD)
        return c

    def stored(self, user, mailbox, tag):
        """Every message in `mailbox` of `user` whose Subject carries `tag`, as stored."""
        c = self.imap(user)
        try:
            typ, data = c.select(mailbox, readonly=True)
            self.assertEqual(typ, "OK", data)
            typ, data = c.search(None, "SUBJECT", tag)
            out = []
            for seq in data[0].split():
                typ, d = c.fetch(seq, "BODY.PEEK[]")
                out.append(d[0][1])
            return out
        finally:
            c.logout()

    def count(self, user, mailbox="INBOX"):
        c = self.imap(user)
        try:
            typ, data = c.status(mailbox, "(MESSAGES)")
            return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))
        finally:
            c.logout()

    def expect_copy(self, user, mailbox, tag, sender, recipient, body):
        copies = self.stored(user, mailbox, tag)
        self.assertEqual(len(copies), 1, f"{user} {mailbox}")
        # Return-Path and Delivered-To first, then the message byte for byte, except that
        # BODY[] sends a NUL as 0x80 (an ordinary literal cannot carry NUL, RFC 3501 CHAR8;
        # only BINARY[] sends the stored octets).
        self.assertEqual(copies[0], b"Return-Path: <%s>\r\nDelivered-To: %s\r\n" % (sender.encode(), recipient.encode())
                         + body.replace(b"\x00", b"\x80"))

    # --- the session ------------------------------------------------------------------------

    def test_greeting_and_lhlo_capabilities(self):
        raw = RawLmtp(self.server.lmtp_port)
        self.assertEqual(raw.greeting[0], 220)
        self.assertIn("LMTP", raw.greeting[1])
        raw.send(b"LHLO client.example\r\n")
        lines = [raw.line() for _ in range(5)]
        self.assertTrue(lines[0].startswith(b"250-"))
        self.assertEqual(lines[1:], [b"250-PIPELINING", b"250-ENHANCEDSTATUSCODES", b"250-8BITMIME",
                                     b"250 SIZE %d" % MAX_MESSAGE])
        self.assertEqual(raw.command("NOOP"), (250, "2.0.0 OK"))
        code, text = raw.command("QUIT")
        self.assertEqual((code, text[:5]), (221, "2.0.0"))
        self.assertTrue(raw.closed_by_server())
        raw.close()

    def test_helo_and_ehlo_are_refused(self):
        raw = RawLmtp(self.server.lmtp_port)
        self.assertEqual(raw.command("HELO x")[0], 500)
        code, text = raw.command("EHLO x")
        self.assertEqual(code, 500)
        # RFC 2034 §3: replies to HELO/EHLO (and LHLO) carry no enhanced status code.
        self.assertEqual(text, "This is an LMTP server: use LHLO (RFC 2033)")
        self.assertEqual(raw.command("LHLO x")[0], 250)
        raw.close()

    def multi_recipient(self, where):
        tag = token()
        body = message(tag, b"Line one\r\n.leading dot\r\n..two dots\r\n\r\nend\r\n")
        c = Lmtp(where) if isinstance(where, str) else Lmtp("127.0.0.1", where)
        try:
            self.assertEqual(c.ehlo("client.example")[0], 250)
            self.assertEqual(c.mail("sender@example.com")[0], 250)
            self.assertEqual(c.rcpt(ALICE), (250, b"2.1.5 <alice@example.org> Recipient OK"))
            code, text = c.rcpt("nobody@example.org")
            self.assertEqual(code, 550)
            self.assertEqual(text, b"5.1.1 <nobody@example.org>: no such user")
            self.assertEqual(c.rcpt("Bob@EXAMPLE.org")[0], 250)
            replies = c.data_each(body, 2)
            self.assertEqual([r[0] for r in replies], [250, 250])
            self.assertTrue(replies[0][1].startswith(b"2.0.0 <alice@example.org>"), replies)
            self.assertTrue(replies[1][1].startswith(b"2.0.0 <Bob@EXAMPLE.org>"), replies)
            self.assertEqual(c.noop()[0], 250)
        finally:
            c.quit()
        self.expect_copy(ALICE, "INBOX", tag, "sender@example.com", ALICE, body)
        self.expect_copy(BOB, "INBOX", tag, "sender@example.com", "Bob@EXAMPLE.org", body)

    def test_multi_recipient_over_tcp(self):
        self.multi_recipient(self.server.lmtp_port)

    def test_multi_recipient_over_unix_socket(self):
        self.assertTrue(os.path.exists(self.server.lmtp_socket))
        self.assertEqual(os.stat(self.server.lmtp_socket).st_mode & 0o777, 0o660)
        self.multi_recipient(self.server.lmtp_socket)

    def test_alias_reaches_every_account(self):
        tag = token()
        body = message(tag)
        c = Lmtp(self.server.lmtp_socket)
        c.ehlo("x")
        c.mail("")
        self.assertEqual(c.rcpt("Sales@Example.org")[0], 250)
        self.assertEqual([r[0] for r in c.data_each(body, 1)], [250])
        c.quit()
        self.expect_copy(ALICE, "INBOX", tag, "", "Sales@Example.org", body)
        self.expect_copy(BOB, "INBOX", tag, "", "Sales@Example.org", body)
        self.assertEqual(self.stored(CAROL, "INBOX", tag), [])

    def test_subaddress(self):
        tag = token()
        body = message(tag)
        rcpts = ["alice+Work@example.org", "alice+lists/pillarbox@example.org", "alice+Nowhere@example.org",
                 "alice+work@example.org", "sales+Work@example.org"]
        c = Lmtp("127.0.0.1", self.server.lmtp_port)
        c.ehlo("x")
        c.mail("s@example.com")
        for r in rcpts:
            self.assertEqual(c.rcpt(r)[0], 250, r)
        self.assertEqual([r[0] for r in c.data_each(body, len(rcpts))], [250] * len(rcpts))
        c.quit()
        self.expect_copy(ALICE, "lists/pillarbox", tag, "s@example.com", rcpts[1], body)
        work = self.stored(ALICE, "Work", tag)
        self.assertEqual(sorted(work), sorted(b"Return-Path: <s@example.com>\r\nDelivered-To: %s\r\n" % r.encode() + body
                                              for r in (rcpts[0], rcpts[4])))
        # A missing mailbox, or one that differs in case, means INBOX.
        inbox = self.stored(ALICE, "INBOX", tag)
        self.assertEqual(sorted(inbox), sorted(b"Return-Path: <s@example.com>\r\nDelivered-To: %s\r\n" % r.encode() + body
                                               for r in (rcpts[2], rcpts[3])))
        self.expect_copy(BOB, "INBOX", tag, "s@example.com", rcpts[4], body)

    def test_case_folding(self):
        tag = token()
        body = message(tag)
        c = Lmtp("127.0.0.1", self.server.lmtp_port)
        c.ehlo("x")
        c.mail("s@example.com")
        self.assertEqual(c.rcpt("CAROL@Example.ORG")[0], 250)
        self.assertEqual(c.rcpt('"carol"@example.org')[0], 250)   # a quoted Dot-string is the same
        self.assertEqual([r[0] for r in c.data_each(body, 2)], [250, 250])
        c.quit()
        copies = self.stored(CAROL, "INBOX", tag)
        self.assertEqual(sorted(copies), sorted([
            b"Return-Path: <s@example.com>\r\nDelivered-To: CAROL@Example.ORG\r\n" + body,
            b"Return-Path: <s@example.com>\r\nDelivered-To: carol@example.org\r\n" + body]))

    def test_eight_bit_body_is_kept_byte_for_byte(self):
        tag = token()
        body = message(tag, "Grüße, ça va?\r\n".encode() + b"\x00nul and \xff\r\nbare\rcr\r\n")
        c = Lmtp(self.server.lmtp_socket)
        c.ehlo("x")
        c.mail("s@example.com", ["BODY=8BITMIME", "SIZE=%d" % len(body)])
        c.rcpt(CAROL)
        self.assertEqual([r[0] for r in c.data_each(body, 1)], [250])
        c.quit()
        self.expect_copy(CAROL, "INBOX", tag, "s@example.com", CAROL, body)

    def test_size_refused_at_mail(self):
        raw = RawLmtp(self.server.lmtp_port)
        raw.command("LHLO x")
        code, text = raw.command(f"MAIL FROM:<s@example.com> SIZE={MAX_MESSAGE + 1}")
        self.assertEqual(code, 552)
        self.assertTrue(text.startswith("5.3.4"), text)
        self.assertEqual(raw.command(f"MAIL FROM:<s@example.com> SIZE={MAX_MESSAGE}")[0], 250)
        raw.close()

    def test_size_refused_at_data(self):
        before = (self.count(ALICE), self.count(BOB))
        tag = token()
        body = message(tag, (b"y" * 998 + b"\r\n") * 101)
        self.assertGreater(len(body), MAX_MESSAGE)
        c = Lmtp("127.0.0.1", self.server.lmtp_port)
        c.ehlo("x")
        c.mail("s@example.com")
        c.rcpt(ALICE)
        c.rcpt(BOB)
        replies = c.data_each(body, 2)
        self.assertEqual([r[0] for r in replies], [552, 552])
        self.assertTrue(all(r[1].startswith(b"5.3.4") for r in replies), replies)
        # The session goes on, and a message within the limit still goes through.
        small = message(tag)
        c.mail("s@example.com")
        c.rcpt(ALICE)
        self.assertEqual([r[0] for r in c.data_each(small, 1)], [250])
        c.quit()
        self.assertEqual((self.count(ALICE), self.count(BOB)), (before[0] + 1, before[1]))
        self.expect_copy(ALICE, "INBOX", tag, "s@example.com", ALICE, small)

    def test_pipelining(self):
        tag = token()
        body = message(tag)
        raw = RawLmtp(self.server.lmtp_port)
        raw.send(b"LHLO x\r\nMAIL FROM:<s@example.com>\r\nRCPT TO:<carol@example.org>\r\n"
                 b"RCPT TO:<nobody@example.org>\r\nRCPT TO:<alice+Work@example.org>\r\nDATA\r\n")
        self.assertEqual([r[0] for r in raw.replies(6)], [250, 250, 250, 550, 250, 354])
        raw.send(stuff(body) + b"RSET\r\nNOOP\r\nQUIT\r\n")
        replies = raw.replies(5)
        self.assertEqual([r[0] for r in replies], [250, 250, 250, 250, 221])
        self.assertTrue(replies[0][1].startswith("2.0.0 <carol@example.org>"))
        self.assertTrue(replies[1][1].startswith("2.0.0 <alice+Work@example.org>"))
        self.assertTrue(raw.closed_by_server())
        raw.close()
        self.expect_copy(CAROL, "INBOX", tag, "s@example.com", CAROL, body)
        self.expect_copy(ALICE, "Work", tag, "s@example.com", "alice+Work@example.org", body)

    def test_terminator_split_across_writes(self):
        tag = token()
        body = message(tag, b"a\r\n.b\r\n")
        raw = RawLmtp(self.server.lmtp_socket)
        raw.send(b"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n")
        self.assertEqual([r[0] for r in raw.replies(4)], [250, 250, 250, 354])
        data = stuff(body)
        for i in range(0, len(data), 7):
            raw.send(data[i:i + 7])
            time.sleep(0.002)
        self.assertEqual(raw.reply()[0], 250)
        raw.close()
        self.expect_copy(CAROL, "INBOX", tag, "", CAROL, body)

    def test_connection_dropped_inside_data_stores_nothing(self):
        for where in (self.server.lmtp_port, self.server.lmtp_socket):
            for tail in (b"partial body\r\n", b"partial body\r\n.", b"partial body\r\n.\r"):
                before = self.count(CAROL)
                raw = RawLmtp(where)
                raw.send(b"LHLO x\r\nMAIL FROM:<s@example.com>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n")
                self.assertEqual([r[0] for r in raw.replies(4)], [250, 250, 250, 354])
                raw.send(message(token(), tail))
                raw.sock.shutdown(socket.SHUT_RDWR)
                raw.close()
                time.sleep(0.2)
                self.assertEqual(self.count(CAROL), before, (where, tail))

    def test_too_many_recipients(self):
        # limits.max_recipients is 1000 here; the bad-input test uses a small limit.
        raw = RawLmtp(self.server.lmtp_port)
        raw.send(b"LHLO x\r\nMAIL FROM:<>\r\n" + b"RCPT TO:<nobody@example.org>\r\n" * 3 + b"RSET\r\n")
        self.assertEqual([r[0] for r in raw.replies(6)], [250, 250, 550, 550, 550, 250])
        raw.close()

    def test_store_failure_is_451_and_loses_nothing(self):
        # While the store cannot write (PillarboxServer.store_unwritable) the recipient gets
        # 451 4.3.0 (the MTA keeps the message and retries) and nothing is stored; once the
        # store works again the same transaction succeeds. The message is larger than [store]
        # inline_max_octets (64 KiB), so SQLite puts it in a file.
        before = self.count(CAROL)
        tag = token()
        body = message(tag, b"Hello.\r\n" + b"0123456789abcdef" * 4800 + b"\r\n")
        with self.server.store_unwritable():
            raw = RawLmtp(self.server.lmtp_port)
            raw.send(b"LHLO x\r\nMAIL FROM:<s@example.com>\r\nRCPT TO:<%s>\r\nDATA\r\n" % CAROL.encode())
            self.assertEqual([c for c, _ in raw.replies(4)], [250, 250, 250, 354])
            raw.send(stuff(body))
            code, text = raw.reply()
            self.assertEqual((code, text[:5]), (451, "4.3.0"), text)
            raw.close()
        self.assertEqual(self.count(CAROL), before)
        lmtp = Lmtp("127.0.0.1", self.server.lmtp_port)
        lmtp.ehlo_or_helo_if_needed()
        lmtp.mail("s@example.com")
        lmtp.rcpt(CAROL)
        self.assertEqual([c for c, _ in lmtp.data_each(body, 1)], [250])
        lmtp.quit()
        self.expect_copy(CAROL, "INBOX", tag, "s@example.com", CAROL, body)

    def test_vrfy(self):
        raw = RawLmtp(self.server.lmtp_port)
        self.assertEqual(raw.command("VRFY alice")[0], 252)
        raw.close()

    # --- pillarbox deliver --------------------------------------------------------------------

    def deliver(self, *args, input):
        return self.server.cli("deliver", *args, input=input, check=False)

    def test_deliver_command(self):
        tag = token()
        body = message(tag)
        r = self.deliver(CAROL, "--from", "sender@example.com", input=body)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.expect_copy(CAROL, "INBOX", tag, "sender@example.com", CAROL, body)

    def test_deliver_null_sender_and_bare_lf(self):
        tag = token()
        body = message(tag, b"one\r\ntwo\r\n")
        r = self.deliver(CAROL, input=body.replace(b"\r\n", b"\n"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.expect_copy(CAROL, "INBOX", tag, "", CAROL, body)

    def test_deliver_unknown_user(self):
        before = self.count(CAROL)
        r = self.deliver("nobody@example.org", input=message(token()))
        self.assertEqual(r.returncode, 67, r.stderr)
        self.assertIn(b"no such user", r.stderr)
        self.assertEqual(self.count(CAROL), before)

    def test_deliver_mailbox_option(self):
        tag = token()
        body = message(tag)
        self.assertEqual(self.deliver(ALICE, "--mailbox", "Work", input=body).returncode, 0)
        self.expect_copy(ALICE, "Work", tag, "", ALICE, body)
        tag = token()
        body = message(tag)
        # Absent: INBOX, like dovecot-lda -m.
        self.assertEqual(self.deliver(ALICE, "--mailbox", "Missing", input=body).returncode, 0)
        self.expect_copy(ALICE, "INBOX", tag, "", ALICE, body)

    def test_deliver_alias_and_subaddress(self):
        tag = token()
        body = message(tag)
        self.assertEqual(self.deliver("sales+Work@example.org", "--from", "<s@example.com>", input=body).returncode, 0)
        self.expect_copy(ALICE, "Work", tag, "s@example.com", "sales+Work@example.org", body)
        self.expect_copy(BOB, "INBOX", tag, "s@example.com", "sales+Work@example.org", body)

    def test_deliver_temporary_failure(self):
        # A store that cannot be opened (the data directory lies under a regular file) is a
        # temporary failure: EX_TEMPFAIL, so the MTA keeps the message and retries.
        blocker = os.path.join(self.server.dir, "not-a-directory")
        with open(blocker, "w") as f:
            f.write("x")
        r = subprocess.run([self.server.binary, "--data", os.path.join(blocker, "data"), "deliver", CAROL],
                           input=message(token()), capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertTrue(r.stderr.startswith(b"pillarbox"), r.stderr)

    def test_deliver_too_big(self):
        before = self.count(CAROL)
        r = self.deliver(CAROL, input=b"x" * (MAX_MESSAGE + 1))
        self.assertEqual(r.returncode, 65, r.stderr)
        self.assertEqual(self.count(CAROL), before)


class LmtpOverQuota(unittest.TestCase):
    """Delivery to a full mailbox (RFC 9208 quota): 552 5.2.2 by default, 452 4.2.2 with
    [quota] full_tempfail (RFC 3463 X.2.2 "mailbox full"); other recipients of the same
    message still get it, and `pillarbox deliver` exits 73 or 75 to match. An alias reaching a
    full account and another one gives every account it can its copy and still answers "full",
    so the sender learns of the account that went without (over LMTP and `deliver` alike)."""

    def run_case(self, tempfail):
        config = "[quota]\nfull_tempfail = true\n" if tempfail else ""
        with PillarboxServer(extra_config=config) as srv:
            for user in (ALICE, BOB):
                srv.add_user(user, PASSWORD)
            srv.cli("user", "quota", ALICE, "--messages", "1")
            srv.cli("user", "alias", "add", "team@example.org", ALICE)
            srv.cli("user", "alias", "add", "team@example.org", BOB)
            srv.start()
            with Lmtp("127.0.0.1", srv.lmtp_port) as lmtp:
                lmtp.ehlo("client.example")
                lmtp.mail("<s@example.com>")
                for rcpt in (ALICE, BOB):
                    self.assertEqual(lmtp.rcpt(rcpt)[0], 250)
                first = lmtp.data_each(message(token()), 2)
                self.assertEqual([c for c, _ in first], [250, 250], first)
                # ALICE is full now; BOB still gets the next one.
                lmtp.mail("<s@example.com>")
                for rcpt in (ALICE, BOB):
                    self.assertEqual(lmtp.rcpt(rcpt)[0], 250)
                second = lmtp.data_each(message(token()), 2)
                # The alias: BOB gets it, ALICE cannot, and the one answer says so.
                lmtp.mail("<s@example.com>")
                self.assertEqual(lmtp.rcpt("team@example.org")[0], 250)
                third = lmtp.data_each(message(token()), 1)
            code, text = second[0]
            if tempfail:
                self.assertEqual((code, text[:5]), (452, b"4.2.2"), second)
            else:
                self.assertEqual((code, text[:5]), (552, b"5.2.2"), second)
            self.assertEqual(second[1][0], 250, second)
            self.assertEqual(third[0][0], second[0][0], third)
            for address in (ALICE, "team@example.org"):
                r = subprocess.run([srv.binary, "--config", srv.config, "deliver", address], input=message(token()),
                                   capture_output=True, timeout=60)
                self.assertEqual(r.returncode, 75 if tempfail else 73, r.stderr)
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(ALICE, PASSWORD)
            typ, data = c.status("INBOX", "(MESSAGES)")
            self.assertIn(b"MESSAGES 1", data[0])
            typ, data = c.getquotaroot("INBOX")
            self.assertEqual(typ, "OK", data)
            self.assertIn(b'"User quota" (MESSAGE 1 1)', data[1][0])
            c.logout()
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(BOB, PASSWORD)
            typ, data = c.status("INBOX", "(MESSAGES)")
            # Two direct, one through the alias over LMTP, one through it by `deliver`.
            self.assertIn(b"MESSAGES 4", data[0])
            c.logout()

    def test_full_mailbox_is_a_permanent_failure_by_default(self):
        self.run_case(tempfail=False)

    def test_full_tempfail_makes_it_temporary(self):
        self.run_case(tempfail=True)


class LmtpListening(unittest.TestCase):
    def test_silent_client_is_cut_off_after_the_timeout(self):
        # limits.login_timeout_seconds bounds how long an LMTP client may say nothing, in a
        # transaction too; it then gets 421 4.4.2 and the connection closes, nothing stored.
        with PillarboxServer(extra_config="[limits]\nlogin_timeout_seconds = 5\n") as srv:
            srv.add_user(ALICE, PASSWORD)
            srv.start()
            raw = RawLmtp(srv.lmtp_port, timeout=30)
            raw.send(b"LHLO x\r\nMAIL FROM:<s@example.com>\r\nRCPT TO:<%s>\r\n" % ALICE.encode())
            self.assertEqual([c for c, _ in raw.replies(3)], [250, 250, 250])
            code, text = raw.reply()
            self.assertEqual((code, text[:5]), (421, "4.4.2"), text)
            self.assertTrue(raw.closed_by_server())
            raw.close()

    def test_shutdown_says_421_and_removes_the_socket(self):
        with PillarboxServer() as srv:
            srv.add_user(ALICE, PASSWORD)
            srv.start()
            raw = RawLmtp(srv.lmtp_socket)
            raw.command("LHLO x")
            srv.proc.send_signal(signal.SIGTERM)
            code, text = raw.reply()
            self.assertEqual(code, 421)
            self.assertTrue(text.startswith("4.3.2"), text)
            raw.close()
            self.assertEqual(srv.stop(), 0)
            self.assertFalse(os.path.exists(srv.lmtp_socket))

    def test_stale_socket_is_replaced_and_a_live_one_is_not(self):
        with PillarboxServer() as srv:
            srv.add_user(ALICE, PASSWORD)
            stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            stale.bind(srv.lmtp_socket)
            stale.close()   # the file stays, nobody accepts on it
            srv.start()
            raw = RawLmtp(srv.lmtp_socket)
            self.assertEqual(raw.greeting[0], 220)
            raw.close()
            # A second server on the same socket must not steal it.
            other = os.path.join(srv.dir, "second.toml")
            with open(other, "w") as f:
                f.write(f'data_dir = "{os.path.join(srv.dir, "second")}"\n'
                        '[imap]\nlisten = []\ntls_listen = []\n[pop3]\nlisten = []\ntls_listen = []\n'
                        f'[lmtp]\nlisten = ["unix:{srv.lmtp_socket}"]\n')
            second = subprocess.run([srv.binary, "--config", other, "serve"], capture_output=True, timeout=60)
            self.assertEqual(second.returncode, 2, second.stderr)
            self.assertIn(b"another server is listening there", second.stderr)
            raw = RawLmtp(srv.lmtp_socket)
            self.assertEqual(raw.greeting[0], 220)
            raw.close()

    def test_unix_socket_relative_to_data_dir(self):
        with PillarboxServer(extra_config='') as srv:
            with open(srv.config) as f:
                text = f.read()
            text = text.replace(f'"unix:{srv.lmtp_socket}"', '"unix:run/lmtp"')
            with open(srv.config, "w") as f:
                f.write(text)
            srv.start()
            path = os.path.join(srv.data, "run", "lmtp")
            raw = RawLmtp(path)
            self.assertEqual(raw.greeting[0], 220)
            raw.close()


if __name__ == "__main__":
    unittest.main()
