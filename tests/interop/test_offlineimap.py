"""OfflineIMAP (offlineimap3) against the real server: a two-way sync over IMAPS (certificate
verified) between the account and a local Maildir tree. Server to local with flags; local flag
changes, a new message and a new folder to the server; server-side changes back. Checked in the
Maildir files and in the server's store (imaplib, read-only).

OfflineIMAP runs with a private HOME, its own configuration and metadata directory, one-shot
(-o) and with the plain "basic" UI. It connects to "localhost", not 127.0.0.1: its own
certificate check (imapserver.py __verifycert) compares the host with the commonName and the
DNS subjectAltNames only, never an IP address entry (see docs/clients.md, quirks).
"""
import os
import shutil
import tempfile
import unittest

import interopkit as kit
from pbserver import PillarboxServer

USER, PASSWORD = "offline@example.org", "offlineimap pass 2"


class OfflineimapTest(kit.RecordsResult, unittest.TestCase):
    client = "offlineimap"

    @classmethod
    def setUpClass(cls):
        kit.require("offlineimap")
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="pbofflineimap-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.mail = os.path.join(self.home, "mail")
        self.rc = os.path.join(self.home, "offlineimaprc")
        with open(self.rc, "w") as f:
            f.write(f"[general]\naccounts = pb\nmetadata = {self.home}/meta\nui = basic\n"
                    f"maxsyncaccounts = 1\n\n"
                    f"[Account pb]\nlocalrepository = local\nremoterepository = remote\n\n"
                    f"[Repository local]\ntype = Maildir\nlocalfolders = {self.mail}\nsep = /\n\n"
                    f"[Repository remote]\ntype = IMAP\nremotehost = localhost\n"
                    f"remoteport = {self.server.imaps_port}\nremoteuser = {USER}\n"
                    f"remotepass = {PASSWORD}\nssl = yes\nsslcacertfile = {kit.cert(self.server)}\n"
                    f"starttls = no\nmaxconnections = 1\nholdconnectionopen = no\n"
                    f"createfolders = True\n")

    def offlineimap(self):
        status, out = kit.run(["offlineimap", "-c", self.rc, "-o", "-u", "basic"],
                              env=kit.private_env(self.home))
        self.assertEqual(status, 0, out)
        # OfflineIMAP reports a failed folder on its output and may still exit 0.
        self.assertNotIn("ERROR", out, out)
        return out

    def local(self, folder):
        return kit.maildir(os.path.join(self.mail, folder))

    def server_box(self, folder):
        with kit.session(self.server, USER, PASSWORD) as c:
            return kit.mailbox(c, folder)

    def test_two_way_sync(self):
        with kit.session(self.server, USER, PASSWORD) as c:
            for box in ("Work", "Work/Reports"):
                self.assertEqual(c.create(box)[0], "OK")
            kit.append(c, "INBOX", kit.message("Welcome", "Admin <admin@example.org>"), ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Please reply"), ["\\Flagged"])
            kit.append(c, "INBOX", kit.message("Newsletter"))
            kit.append(c, "Work", kit.message("Minutes"), ["\\Seen", "\\Answered"])
            kit.append(c, "Work/Reports", kit.message("Q3 report"), ["\\Seen"])
            server_folders = kit.folders(c)

        # Server to local.
        self.offlineimap()
        self.assertEqual(self.local("INBOX"), {"Welcome": "S", "Please reply": "F", "Newsletter": ""})
        self.assertEqual(self.local("Work"), {"Minutes": "RS"})
        self.assertEqual(self.local("Work/Reports"), {"Q3 report": "S"})
        for folder in server_folders:
            self.assertTrue(os.path.isdir(os.path.join(self.mail, folder, "cur")), folder)

        # Local to server: flags, a deletion, a new message, a new folder.
        inbox = os.path.join(self.mail, "INBOX")
        kit.set_maildir_flags(inbox, "Newsletter", "S")
        kit.set_maildir_flags(inbox, "Please reply", "FRS")
        os.unlink(kit.maildir_file(inbox, "Welcome"))
        kit.deliver_to_maildir(os.path.join(self.mail, "Work"), kit.message("Offline notes"), "S")
        kit.deliver_to_maildir(os.path.join(self.mail, "Travel"), kit.message("Tickets"), "F")
        self.offlineimap()
        self.assertEqual(self.server_box("INBOX"), {"Please reply": {"\\Flagged", "\\Answered", "\\Seen"},
                                                    "Newsletter": {"\\Seen"}})
        self.assertEqual(self.server_box("Work"), {"Minutes": {"\\Seen", "\\Answered"},
                                                   "Offline notes": {"\\Seen"}})
        self.assertEqual(self.server_box("Travel"), {"Tickets": {"\\Flagged"}})

        # Server to local again: a flag removed, a new message, an expunge.
        with kit.session(self.server, USER, PASSWORD) as c:
            c.select("INBOX")
            typ, data = c.search(None, "SUBJECT", '"Please reply"')
            c.store(data[0].decode(), "-FLAGS", "(\\Flagged)")
            kit.append(c, "INBOX", kit.message("Late arrival"), ["\\Flagged"])
            c.select("Work")
            typ, data = c.search(None, "SUBJECT", "Minutes")
            c.store(data[0].decode(), "+FLAGS", "(\\Deleted)")
            c.expunge()
        self.offlineimap()
        self.assertEqual(self.local("INBOX"), {"Please reply": "RS", "Newsletter": "S", "Late arrival": "F"})
        self.assertEqual(self.local("Work"), {"Offline notes": "S"})
        self.assertEqual(self.local("Travel"), {"Tickets": "F"})


if __name__ == "__main__":
    unittest.main()
