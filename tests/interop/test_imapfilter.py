"""IMAPFilter against the real server: a Lua configuration of sorting rules run over IMAPS with
the certificate verified against the server's own certificate as the trust store (-t), and
options.certificates off so that it never asks to accept a certificate. Messages are moved by sender, subject and header into
folders the rules create, flagged and deleted; the result is read back from the server's store
(imaplib, read-only), folder by folder with subjects and flags.

IMAPFilter runs with a private HOME (its ~/.imapfilter would otherwise keep accepted
certificates) and the -c configuration.
"""
import os
import shutil
import tempfile
import unittest

import interopkit as kit
from pbserver import PillarboxServer

USER, PASSWORD = "filter@example.org", "imapfilter pass 5"

RULES = """
options.timeout = 60
options.create = true
options.expunge = true
options.subscribe = true
options.certificates = false
options.hostnames = true

account = IMAP {{
  server = 'localhost',
  port = {port},
  username = '{user}',
  password = '{password}',
  ssl = 'auto',
}}

inbox = account.INBOX

-- 1. Mailing list traffic to Lists/Debian, by sender.
inbox:contain_from('debian-devel@lists.debian.org'):move_messages(account['Lists/Debian'])

-- 2. Invoices: flagged, then moved to Finance, by subject.
invoices = inbox:contain_subject('invoice')
invoices:mark_flagged()
invoices:move_messages(account['Finance'])

-- 3. Spam by header to Junk.
inbox:contain_field('X-Spam-Flag', 'YES'):move_messages(account['Junk'])

-- 4. Read newsletters are deleted.
read_news = inbox:contain_subject('newsletter') * inbox:is_seen()
read_news:delete_messages()

-- 5. Unread mail from the bank in Finance is copied to Archive/2026, then marked seen.
bank = account.Finance:is_unseen() * account.Finance:contain_from('bank.example')
bank:copy_messages(account['Archive/2026'])
bank:mark_seen()
"""


class ImapfilterTest(kit.RecordsResult, unittest.TestCase):
    client = "imapfilter"

    @classmethod
    def setUpClass(cls):
        kit.require("imapfilter")
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="pbimapfilter-")
        self.addCleanup(shutil.rmtree, self.home, True)

    def imapfilter(self):
        config = os.path.join(self.home, "config.lua")
        with open(config, "w") as f:
            f.write(RULES.format(port=self.server.imaps_port, user=USER,
                                 password=PASSWORD))
        status, out = kit.run(["imapfilter", "-c", config, "-t", kit.cert(self.server),
                               "-l", os.path.join(self.home, "log")], env=kit.private_env(self.home))
        self.assertEqual(status, 0, out)
        return out

    def test_sorting_rules(self):
        with kit.session(self.server, USER, PASSWORD) as c:
            kit.append(c, "INBOX", kit.message("Bug #1234 fixed", "Dev <debian-devel@lists.debian.org>"))
            kit.append(c, "INBOX", kit.message("Re: transition plan", "debian-devel@lists.debian.org"),
                       ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Your invoice for November", "Billing <billing@bank.example>"))
            kit.append(c, "INBOX", kit.message("Invoice 77 overdue", "shop@store.example"), ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Cheap pills", "spam@spam.example", extra="X-Spam-Flag: YES\r\n"))
            kit.append(c, "INBOX", kit.message("Weekly newsletter", "news@paper.example"), ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Monthly newsletter", "news@paper.example"))
            kit.append(c, "INBOX", kit.message("Lunch tomorrow?", "Friend <friend@example.net>"), ["\\Flagged"])

        self.imapfilter()

        with kit.session(self.server, USER, PASSWORD) as c:
            self.assertLessEqual({"Lists/Debian", "Finance", "Junk", "Archive/2026"}, kit.folders(c))
            self.assertEqual(kit.mailbox(c, "INBOX"), {"Monthly newsletter": set(),
                                                       "Lunch tomorrow?": {"\\Flagged"}})
            self.assertEqual(kit.mailbox(c, "Lists/Debian"), {"Bug #1234 fixed": set(),
                                                              "Re: transition plan": {"\\Seen"}})
            self.assertEqual(kit.mailbox(c, "Finance"), {
                "Your invoice for November": {"\\Flagged", "\\Seen"},
                "Invoice 77 overdue": {"\\Flagged", "\\Seen"}})
            self.assertEqual(kit.mailbox(c, "Junk"), {"Cheap pills": set()})
            # Copied before it was marked seen.
            self.assertEqual(kit.mailbox(c, "Archive/2026"), {"Your invoice for November": {"\\Flagged"}})
            # options.subscribe: the folders it created are subscribed.
            typ, data = c.lsub('""', "*")
            subscribed = {line.decode().rsplit(" ", 1)[1].strip('"') for line in data if line}
            self.assertLessEqual({"Lists/Debian", "Finance", "Junk", "Archive/2026"}, subscribed)

        # The rules again change nothing: what matched has moved away.
        self.imapfilter()
        with kit.session(self.server, USER, PASSWORD) as c:
            self.assertEqual(kit.mailbox(c, "INBOX"), {"Monthly newsletter": set(),
                                                       "Lunch tomorrow?": {"\\Flagged"}})
            self.assertEqual(len(kit.mailbox(c, "Finance")), 2)
            self.assertEqual(kit.mailbox(c, "Archive/2026"), {"Your invoice for November": {"\\Flagged"}})


if __name__ == "__main__":
    unittest.main()
