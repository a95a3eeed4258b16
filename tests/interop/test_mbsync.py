"""mbsync (isync) against the real server: a two-way sync over IMAPS (certificate verified) of
INBOX and nested folders, with flags both ways, deletions, new messages and new folders on each
side. The result is checked in the local Maildir (files and their flag letters) and in the
server's store (imaplib, read-only).

mbsync runs with a private HOME and its own configuration; its state lives in the Maildir.
"""
import os
import shutil
import tempfile
import unittest

import interopkit as kit
from pbserver import PillarboxServer

PASSWORD = "mbsync pass 4"


class MbsyncTest(kit.RecordsResult, unittest.TestCase):
    client = "mbsync"

    @classmethod
    def setUpClass(cls):
        kit.require("mbsync")
        cls.server = PillarboxServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        # One account per test, so the tests do not see each other's folders.
        self.user = self.id().rsplit(".", 1)[1].replace("_", "-") + "@example.org"
        self.server.add_user(self.user, PASSWORD)
        self.home = tempfile.mkdtemp(prefix="pbmbsync-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.mail = os.path.join(self.home, "mail")
        os.mkdir(self.mail)
        self.rc = os.path.join(self.home, "mbsyncrc")
        with open(self.rc, "w") as f:
            f.write(f"IMAPAccount pb\nHost 127.0.0.1\nPort {self.server.imaps_port}\n"
                    f"User {self.user}\nPass \"{PASSWORD}\"\nSSLType IMAPS\n"
                    f"CertificateFile {kit.cert(self.server)}\n\n"
                    f"IMAPStore pb-far\nAccount pb\n\n"
                    f"MaildirStore pb-near\nPath {self.mail}/\nInbox {self.mail}/INBOX\n"
                    f"SubFolders Verbatim\n\n"
                    f"Channel pb\nFar :pb-far:\nNear :pb-near:\nPatterns *\n"
                    f"Create Both\nRemove None\nExpunge Both\nSyncState *\nCopyArrivalDate yes\n")

    def mbsync(self):
        status, out = kit.run(["mbsync", "-c", self.rc, "-V", "-a"], env=kit.private_env(self.home))
        if status != 0:
            # Again with the protocol trace (-Dn) for the failure message; the state is unchanged
            # where mbsync stopped on a protocol error.
            _, trace = kit.run(["mbsync", "-c", self.rc, "-Dn", "-a"], env=kit.private_env(self.home))
            self.fail(f"mbsync exited {status}:\n{out}\nprotocol trace (tail):\n{trace[-6000:]}")
        return out

    def local(self, folder):
        return kit.maildir(os.path.join(self.mail, folder))

    def server_box(self, folder):
        with kit.session(self.server, self.user, PASSWORD) as c:
            return kit.mailbox(c, folder)

    def seed(self):
        """Gives the test's account three folders (one nested) with flagged messages, syncs them
        down and checks the Maildir; returns the server's folder names."""
        with kit.session(self.server, self.user, PASSWORD) as c:
            for box in ("Work", "Lists", "Lists/Debian"):
                self.assertEqual(c.create(box)[0], "OK")
            kit.append(c, "INBOX", kit.message("Read already"), ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Important"), ["\\Flagged"])
            kit.append(c, "INBOX", kit.message("Unread one"))
            kit.append(c, "INBOX", kit.message("Answered one"), ["\\Seen", "\\Answered"])
            kit.append(c, "Work", kit.message("Budget 2027", "Boss <boss@example.com>"), ["\\Seen"])
            kit.append(c, "Work", kit.message("Draft plan"), ["\\Draft"])
            kit.append(c, "Lists/Debian", kit.message("[debian] release notes", "list@lists.example"))
            server_folders = kit.folders(c)
        self.mbsync()
        self.assertEqual(self.local("INBOX"), {"Read already": "S", "Important": "F", "Unread one": "",
                                               "Answered one": "RS"})
        self.assertEqual(self.local("Work"), {"Budget 2027": "S", "Draft plan": "D"})
        self.assertEqual(self.local("Lists/Debian"), {"[debian] release notes": ""})
        for folder in server_folders - {"INBOX"}:
            self.assertTrue(os.path.isdir(os.path.join(self.mail, folder, "cur")), folder)
        return server_folders

    def test_flags_and_expunges_both_ways(self):
        self.seed()
        # Local to server: read and flag, unflag, trash (expunged there by Expunge Both).
        inbox = os.path.join(self.mail, "INBOX")
        kit.set_maildir_flags(inbox, "Unread one", "FS")
        kit.set_maildir_flags(inbox, "Important", "")
        kit.set_maildir_flags(inbox, "Read already", "ST")
        kit.set_maildir_flags(os.path.join(self.mail, "Work"), "Draft plan", "DS")
        # A folder made locally (empty: uploading messages is the UIDPLUS test below).
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(self.mail, "Made Here", "Nested", sub))
        self.mbsync()
        with kit.session(self.server, self.user, PASSWORD) as c:
            self.assertLessEqual({"Made Here", "Made Here/Nested"}, kit.folders(c))
        self.assertEqual(self.server_box("INBOX"), {"Important": set(), "Unread one": {"\\Seen", "\\Flagged"},
                                                    "Answered one": {"\\Seen", "\\Answered"}})
        self.assertEqual(self.server_box("Work"), {"Budget 2027": {"\\Seen"}, "Draft plan": {"\\Draft", "\\Seen"}})
        self.assertEqual(self.local("INBOX"), {"Important": "", "Unread one": "FS", "Answered one": "RS"})

        # Server to local: flags, a new message, an expunge, a new nested folder.
        with kit.session(self.server, self.user, PASSWORD) as c:
            c.select("Work")
            typ, data = c.search(None, "SUBJECT", '"Budget 2027"')
            self.assertEqual(c.store(data[0].decode(), "+FLAGS", "(\\Flagged \\Answered)")[0], "OK")
            c.select('"Lists/Debian"')
            c.store("1", "+FLAGS", "(\\Deleted)")
            c.expunge()
            kit.append(c, "INBOX", kit.message("Arrived later"))
            self.assertEqual(c.create("Projects/2027")[0], "OK")
            kit.append(c, "Projects/2027", kit.message("Kick-off"), ["\\Seen"])
        self.mbsync()
        self.assertEqual(self.local("Work"), {"Budget 2027": "FRS", "Draft plan": "DS"})
        self.assertEqual(self.local("Lists/Debian"), {})
        self.assertEqual(self.local("INBOX"), {"Important": "", "Unread one": "FS", "Answered one": "RS",
                                               "Arrived later": ""})
        self.assertEqual(self.local("Projects/2027"), {"Kick-off": "S"})

        # A sync with nothing changed changes nothing on either side.
        before = {f: self.server_box(f) for f in ("INBOX", "Work", "Projects/2027")}
        self.mbsync()
        self.assertEqual({f: self.server_box(f) for f in before}, before)
        self.assertEqual(self.local("Work"), {"Budget 2027": "FRS", "Draft plan": "DS"})

    def test_new_messages_and_folders_both_ways(self):
        # Needs UIDPLUS on the server: mbsync 1.4.4 finds an uploaded message by APPENDUID; its
        # fallback (X-TUID search) fails with "received extraneous data in FETCH response".
        self.seed()
        kit.deliver_to_maildir(os.path.join(self.mail, "Work"), kit.message("Written offline"), "S")
        kit.deliver_to_maildir(os.path.join(self.mail, "INBOX"), kit.message("Local draft"), "D")
        kit.deliver_to_maildir(os.path.join(self.mail, "Local Only"), kit.message("Made locally"))
        kit.deliver_to_maildir(os.path.join(self.mail, "Local Only", "Nested"), kit.message("Deep"), "FS")
        self.mbsync()
        self.assertEqual(self.server_box("Work"), {"Budget 2027": {"\\Seen"}, "Draft plan": {"\\Draft"},
                                                   "Written offline": {"\\Seen"}})
        self.assertIn("Local draft", self.server_box("INBOX"))
        self.assertEqual(self.server_box("INBOX")["Local draft"], {"\\Draft"})
        self.assertEqual(self.server_box("Local Only"), {"Made locally": set()})
        self.assertEqual(self.server_box("Local Only/Nested"), {"Deep": {"\\Flagged", "\\Seen"}})
        # The uploaded messages are paired, not fetched back as new ones.
        self.assertEqual(self.local("Work"), {"Budget 2027": "S", "Draft plan": "D", "Written offline": "S"})
        # And a new server message arrives next to them.
        with kit.session(self.server, self.user, PASSWORD) as c:
            kit.append(c, "Local Only", kit.message("From the server"), ["\\Answered"])
        self.mbsync()
        self.assertEqual(self.local("Local Only"), {"Made locally": "", "From the server": "R"})
        self.assertEqual(self.server_box("Local Only"), {"Made locally": set(), "From the server": {"\\Answered"}})


if __name__ == "__main__":
    unittest.main()
