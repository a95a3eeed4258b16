"""Debian's Postfix in front of Pillarbox: mail sent over SMTP (smtplib) to a private Postfix
instance on a free loopback port is handed to Pillarbox over LMTP and read back through IMAP
(imaplib) and POP3 (poplib).

The Postfix instance is the system's Postfix programs with a configuration of its own, written
into the test's temporary directory: config_directory (main.cf, master.cf), queue_directory,
data_directory and maillog_file all live there, smtpd listens on 127.0.0.1:<free port> only,
and nothing is ever relayed off the host (default_transport is "error"). The system's queue
(/var/spool/postfix), syslog and main.cf/master.cf are not used; of /etc/postfix only the
package's read-only metadata is (meta_directory: postfix-files, dynamicmaps.cf). Two domains take
the two ways into Pillarbox: example.org over the unix socket (virtual_transport =
lmtp:unix:PATH), example.net over TCP (transport_maps: lmtp:inet:127.0.0.1:PORT).

Needs root (Postfix's master daemon runs as root and its daemons as the "postfix" user) and the
postfix package (scripts/setup.sh installs it, leaving the system's Postfix unconfigured). Set
PB_POSTFIX_KEEP=1 to keep the Postfix directory (main.cf, master.cf, maillog) for a look afterwards.
"""
import base64
import grp
import imaplib
import os
import poplib
import pwd
import random
import re
import shutil
import signal
import smtplib
import subprocess
import tempfile
import time
import unittest

from pbserver import PillarboxServer, free_port

PASSWORD = "postfix test pw"
ALICE, BOB, DAN = "alice@example.org", "bob@example.org", "dan@example.org"
CAROL = "carol@example.net"
ACCOUNTS = (ALICE, BOB, CAROL, DAN)
# Pillarbox aliases: one maps to two accounts (a copy for each), one to one account.
ALIASES = {"team@example.org": (ALICE, CAROL), "info@example.net": (BOB,)}
MAILBOXES = [(account, "INBOX") for account in ACCOUNTS] + [(BOB, "Lists")]
SENDER = "Sender.Person@Outside.test"   # an outside envelope sender, with its case kept
WAIT = 60                               # seconds for any delivery to show up

POSTFIX = "/usr/sbin/postfix"
POSTQUEUE = "/usr/sbin/postqueue"
SYSTEM_QUEUE = "/var/spool/postfix"


def crlf(text):
    return text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def make_message(msgid, subject, body, to="undisclosed-recipients:;", extra=b""):
    head = (b"From: Sender Person <Sender.Person@Outside.test>\r\n"
            b"To: " + to.encode() + b"\r\n"
            b"Subject: " + subject.encode() + b"\r\n"
            b"Date: Tue, 01 Dec 2026 12:00:00 +0000\r\n"
            b"Message-ID: " + msgid.encode() + b"\r\n"
            b"MIME-Version: 1.0\r\n" + extra)
    return head + b"\r\n" + body


class Postfix:
    """A private Postfix instance: its own main.cf/master.cf, queue, data directory and log."""

    def __init__(self, smtp_port, lmtp_socket, lmtp_port):
        self.dir = tempfile.mkdtemp(prefix="pbpostfix-")
        os.chmod(self.dir, 0o711)   # Postfix's daemons (user postfix) run below it
        self.conf = os.path.join(self.dir, "conf")
        self.queue = os.path.join(self.dir, "queue")
        self.data = os.path.join(self.dir, "data")
        self.maillog_path = os.path.join(self.dir, "maillog")
        for d in (self.conf, self.queue, self.data):
            os.mkdir(d)
        self.smtp_port = smtp_port
        self.lmtp_socket = lmtp_socket
        self.lmtp_port = lmtp_port
        self.started = False
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(f"""\
# Written by tests/integration/test_postfix.py: a private instance on loopback only.
compatibility_level = 3.6
queue_directory = {self.queue}
data_directory = {self.data}
meta_directory = /etc/postfix
maillog_file = {self.maillog_path}
maillog_file_prefixes = {self.dir}
syslog_name = postfix-pbtest
myhostname = mx.pbtest.invalid
mydomain = pbtest.invalid
myorigin = $mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
smtpd_recipient_restrictions = permit_mynetworks, reject
smtpd_peername_lookup = no
# No header rewriting or added Date/Message-ID: the message arrives as sent plus Received.
local_header_rewrite_clients =
# Nothing leaves the host: mail for other domains (bounces to outside senders) fails here.
default_transport = error:mail for other domains is not delivered in this test
relay_transport = error:mail for other domains is not delivered in this test
# The mail domains Pillarbox serves, and the way in to it for each.
virtual_mailbox_domains = example.org, example.net
virtual_transport = lmtp:unix:{lmtp_socket}
transport_maps = inline:{{ example.net=lmtp:inet:127.0.0.1:{lmtp_port} }}
recipient_delimiter = +
lmtp_destination_concurrency_limit = 2
smtputf8_enable = no
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
""")
        # Every service with chroot "n": the paths above are real paths, not under a chroot jail.
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(f"""\
127.0.0.1:{smtp_port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
""")

    def postfix(self, *args, check=True):
        r = subprocess.run([POSTFIX, "-c", self.conf, *args], capture_output=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"postfix {' '.join(args)} failed ({r.returncode}):\n"
                               f"{r.stdout.decode(errors='replace')}{r.stderr.decode(errors='replace')}\n"
                               f"maillog:\n{self.maillog()}")
        return r

    def start(self):
        # The data directory (master.lock, caches) must belong to mail_owner; "postfix check"
        # makes the queue directories with the owners and modes Postfix wants.
        os.chown(self.data, pwd.getpwnam("postfix").pw_uid, -1)
        self.postfix("check")
        self.started = True
        self.postfix("start")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=5) as s:
                    s.noop()
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Postfix's smtpd does not answer:\n" + self.maillog())

    def processes(self):
        """Pids of this instance's processes: the master and every daemon it started carry
        MAIL_CONFIG=<our config directory> in their environment."""
        want = b"MAIL_CONFIG=" + self.conf.encode()
        pids = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/environ", "rb") as f:
                    if want in f.read().split(b"\0"):
                        pids.append(int(name))
            except OSError:
                pass
        return pids

    def stop(self):
        """Stops the instance and makes sure none of its processes is left."""
        if self.started:
            self.postfix("stop", check=False)
            self.started = False
        deadline = time.time() + 15
        while self.processes() and time.time() < deadline:
            time.sleep(0.1)
        left = self.processes()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if left:
            time.sleep(0.5)
            raise RuntimeError(f"Postfix processes {left} did not stop on 'postfix stop' and were killed")

    def remove(self):
        if os.environ.get("PB_POSTFIX_KEEP"):
            print(f"\nkept the Postfix instance in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def maillog(self):
        try:
            with open(self.maillog_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def queue_is_empty(self):
        r = subprocess.run([POSTQUEUE, "-c", self.conf, "-j"], capture_output=True, timeout=60)
        return r.returncode == 0 and not r.stdout.strip()

    def queue_id(self, message_id):
        m = re.search(r" ([0-9A-F]+): message-id=" + re.escape(message_id) + r"$", self.maillog(), re.M)
        return m.group(1) if m else None

    def outcomes(self, queue_id):
        """{recipient: [(relay, dsn, status, text), ...]} from the delivery agents' log lines."""
        found = {}
        for m in re.finditer(r" " + queue_id + r": to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=(\S+), "
                             r".*?dsn=([\d.]+), status=(\w+) (.*)$", self.maillog(), re.M):
            found.setdefault(m.group(1), []).append(m.group(2, 3, 4, 5))
        return found


def system_queue_snapshot():
    """Files in the system Postfix's queue, to show the test never put anything there."""
    files = set()
    for sub in ("maildrop", "incoming", "active", "deferred", "hold", "bounce", "defer"):
        for root, _, names in os.walk(os.path.join(SYSTEM_QUEUE, sub)):
            files.update(os.path.join(root, n) for n in names)
    return files


class PostfixDelivery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("test_postfix must run as root: it runs a private Postfix instance, whose "
                                 "master daemon needs root (run scripts/test.sh or ctest as root)")
        if not (os.path.exists(POSTFIX) and os.path.exists("/usr/lib/postfix/sbin/master")):
            raise AssertionError("Postfix is not installed: run scripts/setup.sh as root (it installs the "
                                 "postfix package and leaves the system's Postfix unconfigured)")
        cls.system_queue = system_queue_snapshot()
        cls.server = PillarboxServer()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        os.chmod(cls.server.dir, 0o711)   # Postfix's lmtp client (user postfix) reaches the socket
        for account in ACCOUNTS:
            cls.server.add_user(account, PASSWORD)
        for alias, accounts in ALIASES.items():
            for account in accounts:
                cls.server.cli("user", "alias", "add", alias, account)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        deadline = time.time() + 10
        while not os.path.exists(cls.server.lmtp_socket):
            if time.time() > deadline:
                raise AssertionError(f"Pillarbox made no LMTP socket at {cls.server.lmtp_socket}:\n"
                                     + cls.server.stderr())
            time.sleep(0.05)
        # The socket is the server's (mode 0660); in production Postfix reaches it through a shared
        # group. Here: the postfix group.
        os.chown(cls.server.lmtp_socket, -1, grp.getgrnam("postfix").gr_gid)
        c = cls.imap(BOB)
        c.create("Lists")
        c.logout()
        cls.postfix = Postfix(free_port(), cls.server.lmtp_socket, cls.server.lmtp_port)
        cls.addClassCleanup(cls.postfix.remove)
        cls.addClassCleanup(cls.postfix.stop)
        cls.postfix.start()

    # --- helpers -------------------------------------------------------------------------------

    @classmethod
    def imap(cls, account):
        c = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        c.login(account, PASSWORD)
        return c

    def diagnostics(self):
        return (f"\n--- Postfix maillog ---\n{self.postfix.maillog()[-6000:]}"
                f"\n--- Pillarbox stderr ---\n{self.server.stderr()[-6000:]}")

    def send(self, sender, recipients, message, mail_options=()):
        with smtplib.SMTP("127.0.0.1", self.postfix.smtp_port, timeout=60) as s:
            refused = s.sendmail(sender, recipients, message, mail_options=list(mail_options))
        self.assertEqual(refused, {})

    def copies(self, account, mailbox, message_id):
        """The stored copies of one message in one mailbox: [(bytes, RFC822.SIZE)]."""
        c = self.imap(account)
        try:
            typ, _ = c.select(f'"{mailbox}"', readonly=True)
            self.assertEqual(typ, "OK", f"{account} {mailbox}")
            typ, data = c.search(None, "HEADER", "Message-ID", f'"{message_id}"')
            self.assertEqual(typ, "OK")
            out = []
            for n in data[0].split():
                typ, data = c.fetch(n, "(RFC822.SIZE BODY.PEEK[])")
                size = int(re.search(rb"RFC822\.SIZE (\d+)", data[0][0] + b"".join(
                    d for d in data[1:] if isinstance(d, bytes))).group(1))
                out.append((data[0][1], size))
            return out
        finally:
            c.logout()

    def wait_for_delivery(self, message_id, recipients, expected):
        """Waits until Postfix has logged a final status for each of `recipients` and removed the
        message from its queue, and every (account, mailbox) in `expected` holds its number of
        copies; then returns (queue_id, outcomes, {(account, mailbox): [copies]})."""
        deadline = time.time() + WAIT
        while True:
            qid = self.postfix.queue_id(message_id)
            outcomes = self.postfix.outcomes(qid) if qid else {}
            for rcpt, results in outcomes.items():
                for relay, dsn, status, text in results:
                    if status == "deferred":
                        self.fail(f"Postfix deferred <{rcpt}>: {text}{self.diagnostics()}")
            got = {key: self.copies(*key, message_id) for key in expected}
            logged = qid and all(r in outcomes for r in recipients) and re.search(
                f" {qid}: removed$", self.postfix.maillog(), re.M)
            if logged and all(len(got[k]) >= n for k, n in expected.items()) and self.postfix.queue_is_empty():
                # Exactly the expected copies, and none anywhere else.
                for key in MAILBOXES:
                    copies = got[key] if key in expected else self.copies(*key, message_id)
                    self.assertEqual(len(copies), expected.get(key, 0), f"copies in {key}{self.diagnostics()}")
                return qid, outcomes, got
            if time.time() > deadline:
                counts = {k: len(v) for k, v in got.items()}
                self.fail(f"{message_id} not delivered within {WAIT}s: queue id {qid}, copies {counts}, "
                          f"expected {expected}{self.diagnostics()}")
            time.sleep(0.2)

    def assert_relayed(self, outcomes, recipient, status="sent"):
        """Postfix's lmtp client handed `recipient` to Pillarbox: over the unix socket for
        example.org, over TCP for example.net."""
        self.assertIn(recipient, outcomes, self.diagnostics())
        (relay, dsn, got, text), = outcomes[recipient]
        if recipient.lower().endswith("@example.org"):
            self.assertTrue(relay.endswith(f"[{self.server.lmtp_socket}]"), relay)
        else:
            self.assertEqual(relay, f"127.0.0.1[127.0.0.1]:{self.server.lmtp_port}")
        self.assertEqual(got, status, text)
        return dsn, text

    def assert_copy(self, stored, original, sender, recipient, queue_id):
        """One stored copy: Pillarbox's trace headers, then Postfix's Received header, then the
        message exactly as sent."""
        trace = f"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n".encode()
        self.assertTrue(stored.startswith(trace), stored[:300])
        self.assertTrue(stored.endswith(original), "the message as sent is not the end of the stored copy")
        added = stored[len(trace):len(stored) - len(original)]
        self.assertTrue(added.startswith(b"Received: from "), added)
        self.assertIn(b"by mx.pbtest.invalid (Postfix) with ESMTP id " + queue_id.encode(), added)
        self.assertEqual(added.count(b"Return-Path:") + added.count(b"Delivered-To:"), 0, added)
        self.assertTrue(added.endswith(b"\r\n") and b"\n\r\n" not in added, added)

    def assert_pop3_matches_imap(self, account):
        """POP3's maildrop is the INBOX: the same messages, the same bytes, the same sizes."""
        c = self.imap(account)
        try:
            c.select("INBOX", readonly=True)
            typ, data = c.fetch("1:*", "(RFC822.SIZE BODY.PEEK[])")
            imap_messages = [d[1] for d in data if isinstance(d, tuple)]
        finally:
            c.logout()
        p = poplib.POP3("127.0.0.1", self.server.pop3_port, timeout=60)
        try:
            p.user(account)
            p.pass_(PASSWORD)
            count, octets = p.stat()
            self.assertEqual(count, len(imap_messages), account)
            self.assertEqual(octets, sum(len(m) for m in imap_messages))
            _, listing, _ = p.list()
            sizes = [int(line.split()[1]) for line in listing]
            self.assertEqual(sizes, [len(m) for m in imap_messages])
            for i, message in enumerate(imap_messages, start=1):
                _, lines, _ = p.retr(i)
                self.assertEqual(b"\r\n".join(lines) + b"\r\n", message, f"{account} message {i}")
        finally:
            p.quit()

    # --- tests -----------------------------------------------------------------------------------

    def test_mixed_case_addresses(self):
        msgid = "<mixed-case@pbtest>"
        message = make_message(msgid, "Mixed case", b"Addressed in mixed case.\r\n", to="Alice@EXAMPLE.Org")
        rcpts = ["Alice@EXAMPLE.Org", "Carol@Example.NET"]
        self.send(SENDER, rcpts, message)
        qid, outcomes, got = self.wait_for_delivery(msgid, rcpts, {(ALICE, "INBOX"): 1, (CAROL, "INBOX"): 1})
        for rcpt, key in zip(rcpts, [(ALICE, "INBOX"), (CAROL, "INBOX")]):
            self.assert_relayed(outcomes, rcpt)
            self.assert_copy(got[key][0][0], message, SENDER, rcpt, qid)
        self.assert_pop3_matches_imap(ALICE)
        self.assert_pop3_matches_imap(CAROL)

    def test_several_recipients_alias_and_subaddress(self):
        msgid = "<several@pbtest>"
        message = make_message(msgid, "To several", b"One transaction, several recipients.\r\n",
                               to="team@example.org, info@example.net")
        rcpts = [ALICE, CAROL, "team@example.org", "info@example.net", "bob+Lists@example.org",
                 "bob+nosuch@example.org"]
        self.send(SENDER, rcpts, message)
        expected = {(ALICE, "INBOX"): 2, (CAROL, "INBOX"): 2, (BOB, "INBOX"): 2, (BOB, "Lists"): 1}
        qid, outcomes, got = self.wait_for_delivery(msgid, rcpts, expected)
        for rcpt in rcpts:
            self.assert_relayed(outcomes, rcpt)
        where = {  # recipient -> where its copies went
            ALICE: [(ALICE, "INBOX")], CAROL: [(CAROL, "INBOX")],
            "team@example.org": [(ALICE, "INBOX"), (CAROL, "INBOX")],
            "info@example.net": [(BOB, "INBOX")],
            "bob+Lists@example.org": [(BOB, "Lists")],
            "bob+nosuch@example.org": [(BOB, "INBOX")]}
        delivered_to = {}
        for key, copies in got.items():
            for stored, size in copies:
                self.assertEqual(size, len(stored))
                rcpt = re.match(rb"Return-Path: <[^>]*>\r\nDelivered-To: (\S+)\r\n", stored).group(1).decode()
                delivered_to.setdefault(rcpt, []).append(key)
                self.assert_copy(stored, message, SENDER, rcpt, qid)
        self.assertEqual({r: sorted(k) for r, k in delivered_to.items()},
                         {r: sorted(k) for r, k in where.items()})
        for account in (ALICE, BOB, CAROL):
            self.assert_pop3_matches_imap(account)

    def test_eight_bit_body(self):
        msgid = "<eight-bit@pbtest>"
        body = ("Grüße aus Köln, ça va? Ωμέγα — 日本語\r\n".encode("utf-8")
                + b"Latin-1 bytes: caf\xe9 na\xefve \xff\xfe\r\n"
                + bytes(range(0x80, 0x100)).replace(b"\r", b"").replace(b"\n", b"") + b"\r\n")
        message = make_message(msgid, "8-bit body", body, to=CAROL,
                               extra=b"Content-Type: text/plain; charset=utf-8\r\n"
                                     b"Content-Transfer-Encoding: 8bit\r\n")
        self.send(SENDER, [CAROL, ALICE], message, mail_options=["BODY=8BITMIME"])
        qid, outcomes, got = self.wait_for_delivery(msgid, [CAROL, ALICE], {(CAROL, "INBOX"): 1, (ALICE, "INBOX"): 1})
        for rcpt in (CAROL, ALICE):
            self.assert_relayed(outcomes, rcpt)
            self.assert_copy(got[(rcpt, "INBOX")][0][0], message, SENDER, rcpt, qid)
        self.assert_pop3_matches_imap(CAROL)

    def test_lines_starting_with_a_dot(self):
        # smtplib stuffs these, Postfix's smtpd unstuffs, its lmtp client stuffs again, Pillarbox
        # unstuffs: the stored body must be what was sent. The last line is a lone ".".
        msgid = "<dots@pbtest>"
        body = b".leading dot\r\n..two dots\r\n.\r\n...\r\n. space\r\nmiddle . dot\r\n\r\n.\r\n"
        message = make_message(msgid, "Dots", body, to=BOB)
        self.send(SENDER, [BOB, "info@example.net"], message)
        qid, outcomes, got = self.wait_for_delivery(msgid, [BOB, "info@example.net"], {(BOB, "INBOX"): 2})
        for rcpt in (BOB, "info@example.net"):
            self.assert_relayed(outcomes, rcpt)
        for stored, _ in got[(BOB, "INBOX")]:
            rcpt = re.search(rb"Delivered-To: (\S+)", stored).group(1).decode()
            self.assert_copy(stored, message, SENDER, rcpt, qid)
        self.assert_pop3_matches_imap(BOB)

    def test_one_megabyte_message(self):
        msgid = "<megabyte@pbtest>"
        data = random.Random(20261201).randbytes(760_000)
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")   # 76-character lines
        body = (b"--b1\r\nContent-Type: text/plain\r\n\r\nA large attachment follows.\r\n"
                b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                b"Content-Disposition: attachment; filename=\"random.bin\"\r\n\r\n" + encoded + b"--b1--\r\n")
        message = make_message(msgid, "One megabyte", body, to=ALICE,
                               extra=b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n")
        self.assertGreater(len(message), 1_000_000)
        started = time.time()
        self.send(SENDER, [ALICE, CAROL], message)
        qid, outcomes, got = self.wait_for_delivery(msgid, [ALICE, CAROL], {(ALICE, "INBOX"): 1, (CAROL, "INBOX"): 1})
        elapsed = time.time() - started
        for rcpt in (ALICE, CAROL):
            self.assert_relayed(outcomes, rcpt)
            stored, size = got[(rcpt, "INBOX")][0]
            self.assertEqual(size, len(stored))
            self.assert_copy(stored, message, SENDER, rcpt, qid)
        self.assert_pop3_matches_imap(ALICE)
        self.assertLess(elapsed, WAIT)

    def test_unknown_recipient_bounces_once(self):
        # Postfix takes any address at example.org; Pillarbox refuses the unknown one at RCPT
        # (550 5.1.1). Postfix must bounce it at once (not retry), deliver the rest, and send the
        # bounce to the envelope sender, itself a Pillarbox account (with the null sender).
        msgid = "<unknown-rcpt@pbtest>"
        message = make_message(msgid, "Partly unknown", b"One of us does not exist.\r\n",
                               to="nosuchuser@example.org, bob@example.org")
        rcpts = ["nosuchuser@example.org", BOB, "nobody@example.net"]
        self.send(DAN, rcpts, message)
        qid, outcomes, got = self.wait_for_delivery(msgid, rcpts, {(BOB, "INBOX"): 1})
        self.assert_copy(got[(BOB, "INBOX")][0][0], message, DAN, BOB, qid)
        self.assert_relayed(outcomes, BOB)
        for unknown in ("nosuchuser@example.org", "nobody@example.net"):
            dsn, text = self.assert_relayed(outcomes, unknown, status="bounced")
            self.assertEqual(dsn, "5.1.1", text)
            self.assertIn("550 5.1.1", text)
            self.assertIn("in reply to RCPT TO command", text)
        # The bounce: one message in dan's INBOX, from the null sender, naming both addresses.
        deadline = time.time() + WAIT
        while True:
            c = self.imap(DAN)
            try:
                typ, data = c.select("INBOX", readonly=True)
                bounces = []
                if data[0] != b"0":
                    typ, data = c.fetch("1:*", "(BODY.PEEK[])")
                    bounces = [d[1] for d in data if isinstance(d, tuple) and b"<unknown-rcpt@pbtest>" in d[1]]
            finally:
                c.logout()
            if bounces or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(len(bounces), 1, self.diagnostics())
        bounce = bounces[0]
        self.assertTrue(bounce.startswith(b"Return-Path: <>\r\nDelivered-To: dan@example.org\r\n"), bounce[:200])
        self.assertIn(b"MAILER-DAEMON", bounce)
        self.assertIn(b"<nosuchuser@example.org>", bounce)
        self.assertIn(b"<nobody@example.net>", bounce)
        self.assertNotIn("status=deferred", self.postfix.maillog())
        self.assert_pop3_matches_imap(DAN)

    def test_system_postfix_untouched(self):
        msgid = "<private@pbtest>"
        message = make_message(msgid, "Private instance", b"Only our queue.\r\n", to=DAN)
        self.send(SENDER, [DAN], message)
        self.wait_for_delivery(msgid, [DAN], {(DAN, "INBOX"): 1})
        self.assertEqual(system_queue_snapshot(), self.system_queue)
        self.assertEqual(sorted(os.listdir(self.postfix.dir)), ["conf", "data", "maillog", "queue"])
        with open(os.path.join(self.postfix.queue, "pid", "master.pid")) as f:
            master = int(f.read())
        self.assertIn(master, self.postfix.processes())


if __name__ == "__main__":
    unittest.main()
