"""Real POP3 clients against the real server: curl (pop3:// with and without STLS, pop3s://)
and fetchmail (POP3, STLS, POP3S; keeping and deleting). What the clients deliver is compared
byte for byte with what was APPENDed over IMAP, and the mailbox is checked over IMAP afterwards.

fetchmail runs with a private HOME and rcfile (mode 0600), --nosyslog and its own pid file, so
it never touches the real user's files; it delivers through an MDA that writes each message to
a file. fetchmail adds one Received: header at the top and hands the MDA LF line ends; apart
from that the message must arrive intact.
"""
import imaplib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from pbserver import PillarboxServer
from pop3raw import insecure_tls_context

PASSWORD = "client pass 7"
TIMEOUT = 60  # seconds, for each client run

MESSAGES = [
    b"From: Alice <alice@example.net>\r\nTo: user@example.org\r\nSubject: Report\r\n"
    b"Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <r1@example.net>\r\n\r\n"
    b"The numbers look fine.\r\n.\r\n..two dots\r\n.one dot\r\nEnd.\r\n",
    b"From: Bob <bob@example.com>\nTo: user@example.org\nSubject: Lunch\n"
    b"Date: Tue, 3 Nov 2026 10:00:00 +0000\nMessage-ID: <l2@example.com>\n\nNoon?\n",
    b"From: Carol <carol@example.org>\r\nTo: user@example.org\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln.\r\n" + b"A longer line of text. " * 20 + b"\r\n",
]


def crlf(b):
    return re.sub(rb"\r?\n", b"\r\n", b)


def lf(b):
    return b.replace(b"\r\n", b"\n")


class ClientBase(unittest.TestCase):
    counter = 0

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def new_user(self, messages=MESSAGES):
        ClientBase.counter += 1
        user = f"client{ClientBase.counter}@example.org"
        self.server.add_user(user, PASSWORD)
        c = self.imap(user)
        for m in messages:
            self.assertEqual(c.append("INBOX", None, None, m)[0], "OK")
        c.logout()
        return user

    def imap(self, user):
        c = imaplib.IMAP4_SSL("127.0.0.1", self.server.imaps_port, ssl_context=insecure_tls_context())
        c.login(user, PASSWORD)
        return c

    def inbox(self, user):
        """[(flags, bytes)] of INBOX in order."""
        c = self.imap(user)
        typ, data = c.select("INBOX", readonly=True)
        out = []
        if int(data[0]):
            typ, data = c.fetch("1:*", "(FLAGS BODY.PEEK[])")
            for item in data:
                if isinstance(item, tuple):
                    flags = [f for f in re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode().split()
                             if f != "\\Recent"]
                    out.append((flags, item[1]))
        c.logout()
        return out


class Curl(ClientBase):
    def curl(self, user, url, *args, check=True):
        r = subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT), "--user", f"{user}:{PASSWORD}", *args, url],
                           capture_output=True, timeout=TIMEOUT + 10)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def urls(self):
        plain = f"pop3://127.0.0.1:{self.server.pop3_port}"
        tls = f"pop3s://127.0.0.1:{self.server.pop3s_port}"
        return [(plain, []), (plain, ["--ssl-reqd", "-k"]), (tls, ["-k"])]

    def test_list_and_retrieve(self):
        user = self.new_user()
        served = [crlf(m) for m in MESSAGES]
        for base, opts in self.urls():
            with self.subTest(url=base, opts=opts):
                listing = self.curl(user, base + "/", *opts).stdout
                self.assertEqual(listing, b"".join(b"%d %d\r\n" % (i, len(m)) for i, m in enumerate(served, 1)))
                for i, m in enumerate(served, 1):
                    # curl undoes the byte-stuffing; what it prints is the message itself.
                    self.assertEqual(self.curl(user, f"{base}/{i}", *opts).stdout, m)
        # RETR made them \Seen at QUIT; nothing was deleted.
        self.assertEqual(self.inbox(user), [(["\\Seen"], m) for m in served])

    def test_custom_commands(self):
        user = self.new_user()
        base, opts = self.urls()[2]
        uidl = self.curl(user, base + "/", "-X", "UIDL", *opts).stdout.split(b"\r\n")
        self.assertEqual(uidl[-1], b"")
        ids = [l.split(b" ") for l in uidl[:-1]]
        self.assertEqual([n for n, _ in ids], [b"1", b"2", b"3"])
        for _, uid in ids:
            self.assertRegex(uid, rb"^[0-9a-f]{16}$")
        top = self.curl(user, base + "/", "-X", "TOP 1 1", *opts).stdout
        self.assertEqual(top, crlf(MESSAGES[0]).split(b"\r\n\r\n")[0] + b"\r\n\r\nThe numbers look fine.\r\n")
        # DELE: curl sends it and QUIT, so the server expunges it (-I: no body expected).
        self.curl(user, base + "/2", "-X", "DELE", "-I", *opts)
        self.assertEqual([m for _, m in self.inbox(user)], [crlf(MESSAGES[0]), crlf(MESSAGES[2])])
        after = self.curl(user, base + "/", "-X", "UIDL", *opts).stdout.split(b"\r\n")[:-1]
        # The unique-ids of the messages that are left did not change; their numbers did.
        self.assertEqual(after, [b"1 " + ids[0][1], b"2 " + ids[2][1]])

    def test_login_denied(self):
        user = self.new_user([])
        r = subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT), "--user", f"{user}:wrong",
                            f"pop3://127.0.0.1:{self.server.pop3_port}/"], capture_output=True, timeout=TIMEOUT + 10)
        self.assertEqual(r.returncode, 67, r.stderr)   # CURLE_LOGIN_DENIED


class Fetchmail(ClientBase):
    @classmethod
    def setUpClass(cls):
        # Not a skip: a missing client must fail the run, not pass it quietly.
        if not shutil.which("fetchmail"):
            raise RuntimeError("fetchmail is not installed; scripts/setup.sh installs it")
        super().setUpClass()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="pbfetchmail-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.out = os.path.join(self.home, "delivered")
        os.mkdir(self.out)
        self.mda = os.path.join(self.home, "mda.py")
        with open(self.mda, "w") as f:
            f.write("import os, sys\n"
                    "d = sys.argv[1]\n"
                    "with open(os.path.join(d, '%04d' % len(os.listdir(d))), 'wb') as f:\n"
                    "    f.write(sys.stdin.buffer.read())\n")

    def fetchmail(self, user, mode, keep, fetchall=True):
        """Runs fetchmail once; returns (exit status, verbose output)."""
        if mode == "pop3s":
            port, tls = self.server.pop3s_port, "ssl no sslcertck"
        elif mode == "stls":
            port, tls = self.server.pop3_port, "sslproto 'tls1.2+' no sslcertck"
        else:
            port, tls = self.server.pop3_port, "sslproto ''"
        rc = os.path.join(self.home, "fetchmailrc")
        with open(os.open(rc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(f"set no syslog\n"
                    f"poll 127.0.0.1 with proto POP3 service {port} auth password\n"
                    f'  user "{user}" there with password "{PASSWORD}" is "nobody" here\n'
                    f"  options {'keep' if keep else 'nokeep'} {'fetchall' if fetchall else ''} no rewrite {tls}\n"
                    f'  mda "{sys.executable} {self.mda} {self.out}"\n')
        os.chmod(rc, 0o600)
        env = {"HOME": self.home, "FETCHMAILHOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "LC_ALL": "C"}
        r = subprocess.run(["fetchmail", "--nosyslog", "--nodetach", "-v", "-f", rc,
                            "--pidfile", os.path.join(self.home, "fetchmail.pid")],
                           env=env, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")

    def delivered(self):
        out = []
        for name in sorted(os.listdir(self.out)):
            with open(os.path.join(self.out, name), "rb") as f:
                out.append(f.read())
        shutil.rmtree(self.out)
        os.mkdir(self.out)
        return out

    def assert_delivered(self, got, expected):
        """Each delivered message is one Received: header that fetchmail adds, then the original
        message, intact (with the LF line ends fetchmail gives an MDA)."""
        self.assertEqual(len(got), len(expected))
        for g, m in zip(got, expected):
            m = lf(crlf(m))
            self.assertTrue(g.endswith(m), (g[:300], m[:100]))
            added = g[:len(g) - len(m)]
            self.assertRegex(added, rb"^Received: from 127\.0\.0\.1 [^\n]*\n(\t[^\n]*\n)*$")

    def test_keep_then_delete(self):
        for mode in ("plain", "stls", "pop3s"):
            with self.subTest(mode=mode):
                user = self.new_user()
                status, log = self.fetchmail(user, mode, keep=True)
                self.assertEqual(status, 0, log)
                if mode == "stls":
                    self.assertIn("POP3> STLS", log)
                if mode != "plain":
                    self.assertIn("SSL/TLS: using protocol", log)
                self.assertIn("POP3> RETR 3", log)
                self.assert_delivered(self.delivered(), MESSAGES)
                # --keep: all still there, now \Seen (RETR, then QUIT).
                self.assertEqual(self.inbox(user), [(["\\Seen"], crlf(m)) for m in MESSAGES])
                status, log = self.fetchmail(user, mode, keep=False)
                self.assertEqual(status, 0, log)
                self.assertIn("POP3> DELE 3", log)
                self.assert_delivered(self.delivered(), MESSAGES)
                self.assertEqual(self.inbox(user), [])
                status, log = self.fetchmail(user, mode, keep=False)
                self.assertEqual(status, 1, log)   # 1: no mail
                self.assertEqual(self.delivered(), [])

    def test_keep_fetches_only_new_mail_by_uidl(self):
        """Without fetchall, fetchmail remembers the UIDL of what it has seen (in HOME/.fetchids)
        and fetches only new messages: the unique-ids must be stable across sessions."""
        user = self.new_user(MESSAGES[:2])
        status, log = self.fetchmail(user, "pop3s", keep=True, fetchall=False)
        self.assertEqual(status, 0, log)
        self.assertIn("POP3> UIDL", log)
        self.assert_delivered(self.delivered(), MESSAGES[:2])
        status, log = self.fetchmail(user, "pop3s", keep=True, fetchall=False)
        self.assertEqual(status, 1, log)
        self.assertEqual(self.delivered(), [])
        c = self.imap(user)
        c.append("INBOX", None, None, MESSAGES[2])
        c.logout()
        status, log = self.fetchmail(user, "pop3s", keep=True, fetchall=False)
        self.assertEqual(status, 0, log)
        self.assert_delivered(self.delivered(), MESSAGES[2:])
        self.assertEqual(len(self.inbox(user)), 3)


if __name__ == "__main__":
    unittest.main()
