"""The administrator's side of sharing (docs/sharing.md): `pillarbox acl` on accounts' mailboxes and
public folders, `pillarbox public`, and delivery to a public folder's address by `pillarbox deliver`
and LMTP. Every misconfiguration is one line on stderr and exit status 1."""
import imaplib
import json
import unittest

from lmtpraw import Lmtp
from pbserver import PillarboxServer

ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"
PASSWORD = "secret words"
PROJECT = BOB + "/Project"
ALL = "lrswipkxteacd"   # what the owner has, as IMAP GETACL shows it


def message(tag):
    return (b"From: Sender <sender@example.com>\r\nTo: news@example.org\r\nSubject: " + tag.encode() +
            b"\r\n\r\nHello.\r\n")


class AclCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = PillarboxServer()
        for user in (ALICE, BOB, CAROL):
            cls.srv.add_user(user, PASSWORD)
        cls.srv.cli("user", "alias", "add", "al", ALICE)
        cls.srv.cli("user", "alias", "add", "two", ALICE)
        cls.srv.cli("user", "alias", "add", "two", BOB)
        cls.srv.start()
        c = imaplib.IMAP4("127.0.0.1", cls.srv.imap_port)
        c.login(BOB, PASSWORD)
        for name in ("Project", "Shared", "Ops"):
            typ, data = c.create(name)
            assert typ == "OK", data
        c.logout()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def ok(self, *args, input=None):
        """Runs `pillarbox ARGS`, expects exit 0; returns stdout as text."""
        r = self.srv.cli(*args, input=input, check=False)
        self.assertEqual(r.returncode, 0, (args, r.stderr))
        return r.stdout.decode()

    def fails(self, *args, status=1):
        """Runs `pillarbox ARGS`, expects `status` and one line on stderr; returns it without
        "pillarbox: " and the newline."""
        r = self.srv.cli(*args, check=False)
        self.assertEqual(r.returncode, status, (args, r.stdout, r.stderr))
        err = r.stderr.decode()
        self.assertTrue(err.startswith("pillarbox: ") and err.endswith("\n") and err.count("\n") == 1, err)
        return err[len("pillarbox: "):-1]

    def acl(self, mailbox):
        return self.ok("acl", "get", mailbox)

    # --- acl ------------------------------------------------------------------------------------

    def test_acl_errors(self):
        self.ok("acl", "set", BOB + "/Ops", ALICE, "lr")
        before = self.acl(BOB + "/Ops")
        cases = [
            (("acl", "set", "nobody@example.org/INBOX", ALICE, "lr"), "nobody@example.org: no such account"),
            (("acl", "get", "Nobody@example.org/INBOX"), "nobody@example.org: no such account"),
            (("acl", "set", "al/INBOX", BOB, "lr"),
             "al is an alias of alice@example.org, not an account: name the account"),
            (("acl", "set", BOB + "/Nope", ALICE, "lr"), "bob@example.org/Nope: no such mailbox"),
            (("acl", "set", BOB + "/ops", ALICE, "lr"), "bob@example.org/ops: no such mailbox"),
            (("acl", "del", BOB + "/Nope", ALICE), "bob@example.org/Nope: no such mailbox"),
            (("acl", "set", "Public Folders/Nope", "anyone", "lr"), "Public Folders/Nope: no such public folder"),
            (("acl", "get", "Public Folders/Nope"), "Public Folders/Nope: no such public folder"),
            (("acl", "set", "INBOX", ALICE, "lr"),
             '"INBOX" names no mailbox: write ADDRESS/NAME for an account\'s mailbox '
             '(bob@example.org/Project, bob@example.org/INBOX), or "Public Folders/NAME"'),
            (("acl", "set", BOB + "/Ops", "nobody@example.org", "lr"),
             'identifier "nobody@example.org": no such account (an identifier is an account\'s address, '
             'anyone or authenticated, perhaps after -)'),
            (("acl", "set", BOB + "/Ops", "-nobody@example.org", "lr"),
             'identifier "-nobody@example.org": no such account (an identifier is an account\'s address, '
             'anyone or authenticated, perhaps after -)'),
            (("acl", "set", BOB + "/Ops", "two", "lr"),
             "two is an alias of 2 accounts (alice@example.org, bob@example.org): name one of them"),
            (("acl", "set", BOB + "/Ops", "--anyone", "lr"), "unknown option --anyone; usage: "
             "pillarbox acl set MAILBOX IDENTIFIER RIGHTS"),
            (("acl", "set", BOB + "/Ops", "-", "lr"), 'identifier "-": Identifier "-" names nobody'),
            (("acl", "set", BOB + "/Ops", ALICE, "lrz"), 'rights "lrz": Unknown right "z" (known: lrswipkxtea, c, d)'),
            (("acl", "set", BOB + "/Ops", ALICE, "+1"), 'rights "+1": Unknown right "1" (known: lrswipkxtea, c, d)'),
            (("acl", "set", BOB + "/Ops", ALICE, "LR"), 'rights "LR": Rights must be lower-case letters, not "L"'),
            (("acl", "set", BOB + "/Ops", BOB, "lr"),
             "bob@example.org owns bob@example.org/Ops and always has every right; it takes no entry"),
            (("acl", "set", BOB + "/Ops", "-Bob@Example.org", "w"),
             "bob@example.org owns bob@example.org/Ops and always has every right; it takes no entry"),
            (("acl", "del", BOB + "/Ops", BOB),
             "bob@example.org owns bob@example.org/Ops and always has every right; it takes no entry"),
            (("acl", "del", BOB + "/Ops", CAROL), "bob@example.org/Ops: no entry for carol@example.org"),
            (("acl", "del", BOB + "/Ops", "-" + ALICE), "bob@example.org/Ops: no entry for -alice@example.org"),
            (("acl", "del", BOB + "/Ops", "anyone"), "bob@example.org/Ops: no entry for anyone"),
            (("acl", "set", BOB + "/Ops", ALICE), "usage: pillarbox acl set MAILBOX IDENTIFIER RIGHTS"),
            (("acl", "set", BOB + "/Ops", ALICE, "lr", "extra"), "usage: pillarbox acl set MAILBOX IDENTIFIER RIGHTS"),
            (("acl", "del", BOB + "/Ops"), "usage: pillarbox acl del MAILBOX IDENTIFIER"),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                self.assertEqual(self.fails(*args), expected)
        self.assertEqual(self.acl(BOB + "/Ops"), before)   # nothing changed on the way
        self.assertNotEqual(self.srv.cli("acl", "get", check=False).returncode, 0)   # MAILBOX is required

    def test_acl_round_trip(self):
        self.assertEqual(self.acl(PROJECT), f"{BOB} {ALL} (owner)\n")
        # c is k and x, d is t and e (RFC 4314 §2.1.1); GETACL shows c and d beside them.
        self.assertEqual(self.ok("acl", "set", PROJECT, "Alice@Example.ORG", "lrc"), f"{PROJECT}: {ALICE} lrkxc\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, ALICE, "+wd"), f"{PROJECT}: {ALICE} lrwkxtecd\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, ALICE, "-kxte"), f"{PROJECT}: {ALICE} lrw\n")
        # Negative identifiers and rights to remove start with "-" and are not options.
        self.assertEqual(self.ok("acl", "set", PROJECT, "-anyone", "w"), f"{PROJECT}: -anyone w\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, "-anyone", "+s"), f"{PROJECT}: -anyone sw\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, "authenticated", "lr"), f"{PROJECT}: authenticated lr\n")
        # An alias of one account stands for that account.
        self.assertEqual(self.ok("acl", "set", PROJECT, "al", "+i"),
                         f"al is an alias of {ALICE}; the entry names the account\n{PROJECT}: {ALICE} lrwi\n")
        self.assertEqual(self.acl(PROJECT),
                         f"{BOB} {ALL} (owner)\n-anyone sw\n{ALICE} lrwi\nauthenticated lr\n")
        self.assertEqual(self.ok("acl", "get", "bob@example.org/Project", "--json"),
                         self.ok("--json", "acl", "get", PROJECT))
        got = json.loads(self.ok("--json", "acl", "get", PROJECT))
        self.assertEqual(got, {"mailbox": PROJECT, "owner": BOB, "acl": [
            {"identifier": BOB, "rights": ALL, "letters": "lrswipkxtea", "owner": True},
            {"identifier": "-anyone", "rights": "sw", "letters": "sw", "owner": False},
            {"identifier": ALICE, "rights": "lrwi", "letters": "lrwi", "owner": False},
            {"identifier": "authenticated", "rights": "lr", "letters": "lr", "owner": False}]})
        # Rights without l: said, since the mailbox then does not exist for that identifier.
        r = self.srv.cli("acl", "set", PROJECT, CAROL, "rs", check=False)
        self.assertEqual((r.returncode, r.stdout), (0, f"{PROJECT}: {CAROL} rs\n".encode()))
        self.assertIn(b"note: without l (lookup)", r.stderr)
        # An empty result removes the entry; removing from nothing changes nothing.
        self.assertEqual(self.ok("acl", "set", PROJECT, CAROL, "-rs"), f"{PROJECT}: removed the entry of {CAROL} (no rights left)\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, CAROL, "-rs"), f"{PROJECT}: {CAROL} has no entry; nothing changed\n")
        self.assertEqual(self.ok("acl", "set", PROJECT, "-anyone", ""), f"{PROJECT}: removed the entry of -anyone (no rights left)\n")
        # "--" is allowed before operands that start with "-", and global options may follow them.
        self.assertEqual(self.ok("acl", "set", PROJECT, "--", "-authenticated", "-lr"),
                         f"{PROJECT}: -authenticated has no entry; nothing changed\n")
        self.assertEqual(self.ok("acl", "del", PROJECT, "authenticated", "--config", self.srv.config),
                         f"{PROJECT}: removed the entry of authenticated\n")
        self.assertEqual(self.ok("acl", "del", PROJECT, "al"),
                         f"al is an alias of {ALICE}; the entry names the account\n{PROJECT}: removed the entry of {ALICE}\n")
        self.assertEqual(self.acl(PROJECT), f"{BOB} {ALL} (owner)\n")
        # INBOX in any case.
        self.assertEqual(self.ok("acl", "set", BOB + "/inbox", CAROL, "lr"), f"{BOB}/INBOX: {CAROL} lr\n")
        self.assertEqual(self.acl(BOB + "/InBox"), f"{BOB} {ALL} (owner)\n{CAROL} lr\n")
        self.ok("acl", "del", BOB + "/INBOX", CAROL)

    def test_deleting_an_account_removes_its_entries(self):
        self.srv.add_user("dave@example.org", PASSWORD)
        self.ok("acl", "set", BOB + "/Shared", "dave@example.org", "lr")
        self.ok("acl", "set", BOB + "/Shared", "-dave@example.org", "w")
        self.ok("user", "del", "dave@example.org")
        self.assertEqual(self.acl(BOB + "/Shared"), f"{BOB} {ALL} (owner)\n")

    # --- public ---------------------------------------------------------------------------------

    def public_list(self):
        return {f["name"]: f for f in json.loads(self.ok("--json", "public", "list"))}

    def test_public_folders(self):
        self.assertEqual(self.ok("public", "create", "Board/2024"),
                         "created Public Folders/Board\ncreated Public Folders/Board/2024\n"
                         "nobody can see Public Folders/Board/2024 yet: "
                         "pillarbox acl set 'Public Folders/Board/2024' anyone lr\n")
        self.assertEqual(self.ok("public", "create", "Public Folders/Board/2025", "--address", "Board@Example.org"),
                         "created Public Folders/Board/2025\nPublic Folders/Board/2025 receives mail at board@example.org\n"
                         "nobody can see Public Folders/Board/2025 yet: "
                         "pillarbox acl set 'Public Folders/Board/2025' anyone lr\n")
        # pillarbox check notes a folder that takes mail nobody may read (a note, not a problem).
        self.assertIn(b"note: Public Folders/Board/2025 receives mail at board@example.org but nobody may read it",
                      self.srv.cli("check", check=False).stdout)
        # A new folder has no entries and no owner line.
        self.assertEqual(self.acl("Public Folders/Board"),
                         "no entries: nobody can see Public Folders/Board (pillarbox acl set 'Public Folders/Board' anyone lr)\n")
        self.assertEqual(json.loads(self.ok("--json", "acl", "get", "Public Folders/Board")),
                         {"mailbox": "Public Folders/Board", "owner": None, "acl": []})
        self.assertEqual(self.ok("acl", "set", "Public Folders/Board", "anyone", "lr"), "Public Folders/Board: anyone lr\n")
        self.assertEqual(self.ok("acl", "set", "Public Folders/Board", "-" + CAROL, "r"), f"Public Folders/Board: -{CAROL} r\n")
        self.assertEqual(self.acl("Public Folders/Board"), f"-{CAROL} r\nanyone lr\n")

        folders = self.public_list()
        self.assertEqual(folders["Board"], {"name": "Board", "mailbox": "Public Folders/Board", "address": None,
                                            "messages": 0, "acl": [
                                                {"identifier": "-" + CAROL, "rights": "r", "letters": "r", "owner": False},
                                                {"identifier": "anyone", "rights": "lr", "letters": "lr", "owner": False}]})
        self.assertEqual(folders["Board/2025"]["address"], "board@example.org")
        text = self.ok("public", "list")
        self.assertIn(f"Public Folders/Board: 0 messages, no address; -{CAROL} r, anyone lr\n", text)
        self.assertIn("Public Folders/Board/2024: 0 messages, no address; no ACL entries (nobody can see it)\n", text)
        self.assertIn("Public Folders/Board/2025: 0 messages, address board@example.org; no ACL entries "
                      "(nobody can see it)\n", text)

        # Addresses: shown, changed, removed; each one unique among accounts, aliases and folders.
        self.assertEqual(self.ok("public", "address", "Board/2025"), "Public Folders/Board/2025 receives mail at board@example.org\n")
        self.assertEqual(self.ok("public", "address", "Board/2025", "board25@example.org"),
                         "Public Folders/Board/2025 receives mail at board25@example.org (was board@example.org)\n")
        self.assertEqual(self.fails("public", "address", "Board/2024", "board25@example.org"),
                         "board25@example.org: Another mailbox has this address")
        self.assertEqual(self.fails("public", "address", "Board/2024", ALICE), "alice@example.org: An account has this address")
        self.assertEqual(self.fails("public", "create", "Taken", "--address", ALICE), "alice@example.org: An account has this address")
        self.assertNotIn("Taken", self.public_list())   # undone
        self.assertEqual(self.fails("user", "alias", "add", "board25@example.org", ALICE),
                         "board25@example.org: A public folder has this address")
        self.assertEqual(self.ok("public", "address", "Board/2025", "--remove"),
                         "Public Folders/Board/2025 no longer receives mail (was board25@example.org)\n")
        self.assertEqual(self.ok("public", "address", "Board/2025"), "Public Folders/Board/2025 has no address\n")
        self.assertEqual(self.fails("public", "address", "Board/2025", "--remove"), "Public Folders/Board/2025 has no address to remove")
        self.ok("public", "address", "Board/2025", "board25@example.org")
        self.assertEqual(self.ok("public", "address", "Board/2025", ""),
                         "Public Folders/Board/2025 no longer receives mail (was board25@example.org)\n")
        self.assertEqual(self.fails("public", "address", "Board/2025", "x@example.org", "--remove"), "give ADDR or --remove, not both")
        self.assertEqual(self.fails("public", "address", "Board/2025", "not-an-address"),
                         '"not-an-address" is not a valid address (name@domain)')
        self.assertEqual(self.fails("public", "address", "Nope", "x@example.org"), "Public Folders/Nope: no such public folder")

        # Names are checked as IMAP CREATE checks them.
        for name, problem in [
                ("", '"": Mailbox name is empty'),
                ("Board/2024", "Public Folders/Board/2024 already exists"),
                ("a//b", '"a//b": Mailbox name has an empty level (//)'),
                ("/a", '"/a": Mailbox name may not start or end with /'),
                ("a/", '"a/": Mailbox name may not start or end with /'),
                ("a*", '"a*": Mailbox name may not contain * or %'),
                ("a%b", '"a%b": Mailbox name may not contain * or %'),
                ("R&D", '"R&D": Mailbox name is not valid modified UTF-7 (RFC 3501 5.1.3): write & as &- and others as &...-'),
                ("Caf\u00e9", '"Caf\u00e9": Mailbox name must be 7-bit: modified UTF-7 (RFC 3501 5.1.3) carries other characters'),
                ("x" * 1001, f'"{"x" * 1001}": Mailbox name is longer than 1000 octets'),
                ("inbox", '"inbox": a public folder may not be called "inbox"'),
                ("INBOX/x", '"INBOX/x": a public folder may not be called "INBOX"'),
                ("Other users/x", '"Other users/x": a public folder may not be called "Other users"'),
                ("Public Folders", '"Public Folders": a public folder may not be called "Public Folders"')]:
            with self.subTest(name=name):
                self.assertEqual(self.fails("public", "create", name), problem)
        self.ok("public", "create", "Caf&AOk-")   # modified UTF-7 for "Café"
        self.assertIn("Caf&AOk-", self.public_list())

        # Deleting: refused while folders lie below, unless --recursive; entries and address go too.
        self.assertEqual(self.fails("public", "del", "Board"),
                         "Public Folders/Board has 2 folders below it (Public Folders/Board/2024, "
                         "Public Folders/Board/2025); delete them first or add --recursive")
        self.assertEqual(self.ok("public", "del", "Board/2024"), "deleted Public Folders/Board/2024 (0 messages)\n")
        self.ok("public", "address", "Board/2025", "board25@example.org")
        self.assertEqual(self.ok("public", "del", "Public Folders/Board", "--recursive"),
                         "deleted Public Folders/Board/2025 (0 messages)\ndeleted Public Folders/Board (0 messages)\n")
        self.assertEqual(self.fails("public", "del", "Board"), "Public Folders/Board: no such public folder")
        self.assertFalse([n for n in self.public_list() if n.startswith("Board")])
        self.ok("user", "alias", "add", "board25@example.org", ALICE)   # the address is free again
        self.ok("user", "alias", "del", "board25@example.org", ALICE)
        self.ok("public", "del", "Caf&AOk-")

    # --- delivery -------------------------------------------------------------------------------

    def test_delivery_to_a_public_folder(self):
        self.ok("public", "create", "News", "--address", "news@example.org")
        self.ok("acl", "set", "Public Folders/News", "anyone", "lr")
        # pillarbox deliver, with --mailbox ignored for a folder's address.
        self.ok("deliver", "news@example.org", input=message("by deliver"))
        self.ok("deliver", "NEWS@example.org", "--mailbox", "INBOX", input=message("by deliver 2"))
        self.assertEqual(self.public_list()["News"]["messages"], 2)
        r = self.srv.cli("deliver", "news+x@example.org", input=message("sub"), check=False)
        self.assertEqual((r.returncode, r.stderr), (67, b"pillarbox: news+x@example.org: no such user\n"))

        # LMTP: 250 for the folder, 550 for unknown addresses and a subaddress of the folder's.
        with Lmtp("127.0.0.1", self.srv.lmtp_port) as lmtp:
            lmtp.ehlo("mta.example.com")
            self.assertEqual(lmtp.docmd("MAIL FROM:<sender@example.com>")[0], 250)
            self.assertEqual(lmtp.docmd("RCPT TO:<news@example.org>")[0], 250)
            self.assertEqual(lmtp.docmd("RCPT TO:<nobody@example.org>")[0], 550)
            self.assertEqual(lmtp.docmd("RCPT TO:<news+x@example.org>")[0], 550)
            self.assertEqual(lmtp.docmd(f"RCPT TO:<{CAROL}>")[0], 250)
            replies = lmtp.data_each(message("by lmtp"), 2)
            self.assertEqual([code for code, _ in replies], [250, 250])
        self.assertEqual(self.public_list()["News"]["messages"], 3)
        self.assertIn("mailbox=News", self.srv.stderr())
        self.assertIn('account="Public Folders/News"', self.srv.stderr())

        # The folder vanishes between RCPT and DATA: 451, so the MTA keeps the message.
        self.ok("public", "create", "Gone", "--address", "gone@example.org")
        with Lmtp("127.0.0.1", self.srv.lmtp_port) as lmtp:
            lmtp.ehlo("mta.example.com")
            lmtp.docmd("MAIL FROM:<sender@example.com>")
            self.assertEqual(lmtp.docmd("RCPT TO:<gone@example.org>")[0], 250)
            self.ok("public", "del", "Gone")
            self.assertEqual([code for code, _ in lmtp.data_each(message("too late"), 1)], [451])
        self.assertNotIn("Gone", self.public_list())
        self.ok("public", "del", "News")


if __name__ == "__main__":
    unittest.main()
