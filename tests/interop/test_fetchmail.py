"""fetchmail over IMAP against the real server (POP3 is in tests/integration/test_pop3_clients.py):
IMAPS and STARTTLS with the certificate verified, two folders, only unseen mail by default, keep
(the fetched messages become \\Seen on the server) and then delete (they are expunged).

fetchmail runs with a private HOME and rcfile (mode 0600), --nosyslog and its own pid file, and
hands every message to an MDA that writes it to a file. It adds one Received: header at the top
and gives the MDA LF line ends; the rest must arrive intact.
"""
import os
import shutil
import sys
import tempfile
import unittest

import interopkit as kit
from pbserver import PillarboxServer

PASSWORD = "fetch pass 3"


class FetchmailImapTest(kit.RecordsResult, unittest.TestCase):
    client = "fetchmail"

    @classmethod
    def setUpClass(cls):
        kit.require("fetchmail")
        cls.server = PillarboxServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        self.user = self.id().rsplit(".", 1)[1].replace("_", "-") + "@example.org"
        self.server.add_user(self.user, PASSWORD)
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

    def fetchmail(self, mode, keep):
        """Runs fetchmail once over IMAP; returns (exit status, verbose output)."""
        if mode == "imaps":
            port, tls = self.server.imaps_port, "ssl"
        else:
            port, tls = self.server.imap_port, "sslproto 'tls1.2+'"
        rc = os.path.join(self.home, "fetchmailrc")
        with open(os.open(rc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(f"set no syslog\n"
                    f"poll localhost with proto IMAP service {port} auth password\n"
                    f'  user "{self.user}" there with password "{PASSWORD}" is "nobody" here\n'
                    f'  folder "INBOX", "Lists/Work"\n'
                    f"  options {'keep' if keep else 'nokeep'} no rewrite {tls}\n"
                    f"  sslcertck sslcertfile '{kit.cert(self.server)}'\n"
                    f'  mda "{sys.executable} {self.mda} {self.out}"\n')
        env = kit.private_env(self.home, FETCHMAILHOME=self.home)
        return kit.run(["fetchmail", "--nosyslog", "--nodetach", "-v", "-f", rc,
                        "--pidfile", os.path.join(self.home, "fetchmail.pid")], env=env)

    def delivered(self):
        """{subject: message bytes} delivered since the last call."""
        out = {}
        for name in sorted(os.listdir(self.out)):
            with open(os.path.join(self.out, name), "rb") as f:
                raw = f.read()
            out[kit.subject_of(raw)] = raw
            os.unlink(os.path.join(self.out, name))
        return out

    def assert_intact(self, got, original):
        original = original.replace(b"\r\n", b"\n")
        self.assertTrue(got.endswith(original), (got[:300], original[:100]))
        self.assertRegex(got[:len(got) - len(original)], rb"^Received: from localhost [^\n]*\n(\t[^\n]*\n)*$")

    def run_modes(self, mode):
        messages = {"Unread report": kit.message("Unread report", body="Numbers.\r\n.\r\n..dots"),
                    "Already read": kit.message("Already read"),
                    "Work item": kit.message("Work item", "Boss <boss@example.com>"),
                    "Flagged work": kit.message("Flagged work")}
        with kit.session(self.server, self.user, PASSWORD) as c:
            self.assertEqual(c.create("Lists/Work")[0], "OK")
            kit.append(c, "INBOX", messages["Unread report"])
            kit.append(c, "INBOX", messages["Already read"], ["\\Seen"])
            kit.append(c, "Lists/Work", messages["Work item"])
            kit.append(c, "Lists/Work", messages["Flagged work"], ["\\Flagged"])

        # keep: only the unseen messages of both folders come; they stay, now \Seen.
        status, log = self.fetchmail(mode, keep=True)
        self.assertEqual(status, 0, log)
        self.assertIn("SSL/TLS: using protocol", log)
        if mode == "starttls":
            self.assertRegex(log, r"IMAP> A\d+ STARTTLS")
            self.assertIn("upgrade to TLS succeeded", log)
        got = self.delivered()
        self.assertEqual(set(got), {"Unread report", "Work item", "Flagged work"}, log)
        for subject, raw in got.items():
            self.assert_intact(raw, messages[subject])
        with kit.session(self.server, self.user, PASSWORD) as c:
            self.assertEqual(kit.mailbox(c, "INBOX"), {"Unread report": {"\\Seen"}, "Already read": {"\\Seen"}})
            self.assertEqual(kit.mailbox(c, "Lists/Work"), {"Work item": {"\\Seen"},
                                                            "Flagged work": {"\\Flagged", "\\Seen"}})
        # Nothing unseen is left: a second run fetches nothing (exit status 1: no mail).
        status, log = self.fetchmail(mode, keep=True)
        self.assertEqual(status, 1, log)
        self.assertEqual(self.delivered(), {})

        # A new message, then nokeep: it is fetched, then deleted and expunged on the server.
        with kit.session(self.server, self.user, PASSWORD) as c:
            kit.append(c, "Lists/Work", kit.message("Late work"))
        status, log = self.fetchmail(mode, keep=False)
        self.assertEqual(status, 0, log)
        self.assertEqual(set(self.delivered()), {"Late work"})
        with kit.session(self.server, self.user, PASSWORD) as c:
            self.assertEqual(kit.mailbox(c, "Lists/Work"), {"Work item": {"\\Seen"},
                                                            "Flagged work": {"\\Flagged", "\\Seen"}})
            self.assertEqual(len(kit.mailbox(c, "INBOX")), 2)

    def test_imaps(self):
        self.run_modes("imaps")

    def test_starttls(self):
        self.run_modes("starttls")


if __name__ == "__main__":
    unittest.main()
