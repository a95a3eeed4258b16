"""Other users' mailboxes and public folders (issue 5; seeds 001 and 003): three accounts (an
owner, a reader with "lr", a stranger in another domain) and public folders set up with the
admin CLI, checked through what each account's LIST shows exactly, what each may do, private
\\Seen per reader with two readers, delivery to a public folder's address, and clients that
show only subscriptions (LSUB)."""
import imaplib
import re
import subprocess
import unittest

from pbserver import PillarboxServer

BOB, ALICE, CAROL = "bob@example.org", "alice@example.org", "carol@example.net"
PW = "pw-sharing"


def message(subject, body="hello\r\n"):
    return f"From: Bob <{BOB}>\r\nTo: news@example.org\r\nSubject: {subject}\r\n\r\n{body}".encode()


class Client:
    """imaplib with the few things this test needs said plainly."""

    def __init__(self, srv, address):
        self.c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        self.c.login(address, PW)

    def list(self, pattern="*", reference='""', command="LIST"):
        typ, data = self.c._simple_command(command, reference, f'"{pattern}"')
        assert typ == "OK", (typ, data)
        lines = self.c.untagged_responses.pop(command, [])
        return [line.decode() for line in lines if line is not None]

    def run(self, *args):
        """(status, text of the tagged line, untagged responses) of one command."""
        self.c.untagged_responses.clear()
        try:
            typ, data = self.c._simple_command(*args)
        except imaplib.IMAP4.error as e:
            return "NO/BAD", str(e), {}
        return typ, b" ".join(d for d in data if d).decode(), dict(self.c.untagged_responses)

    def select(self, name):
        """SELECT (not EXAMINE) even when the answer is READ-ONLY; returns the tagged text."""
        typ, text, untagged = self.run("SELECT", f'"{name}"')
        assert typ == "OK", (name, text)
        self.c.state = "SELECTED"
        self.c.is_readonly = "READ-ONLY" in text
        return text, untagged

    def flags(self, seq):
        typ, data = self.c.fetch(seq, "(FLAGS)")
        assert typ == "OK", data
        # \Recent is whoever selected first: not what these tests are about.
        return [f for f in re.search(rb"FLAGS \(([^)]*)\)", data[0]).group(1).decode().split() if f != "\\Recent"]

    def logout(self):
        self.c.logout()


# The mailboxes every new account has (config [[mailboxes]] default, RFC 6154 attributes).
DEFAULTS = {name: f'(\\HasNoChildren \\{name}) "/" "{name}"' for name in ("Archive", "Drafts", "Junk", "Sent", "Trash")}


def with_defaults(lines):
    """`lines` (INBOX first) with the default mailboxes in their place in LIST's name order."""
    rest = sorted(lines[1:] + list(DEFAULTS.values()), key=lambda l: l.split('"/" ')[1])
    return lines[:1] + rest


class Sharing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = srv = PillarboxServer()
        for who in (BOB, ALICE, CAROL):
            srv.add_user(who, PW)
        # Public folders, as an administrator sets them up.
        srv.cli("public", "create", "News", "--address", "news@example.org")
        srv.cli("acl", "set", "Public Folders/News", "anyone", "lr")
        srv.cli("acl", "set", "Public Folders/News", ALICE, "lrsw")
        srv.cli("acl", "set", "Public Folders/News", CAROL, "lrs")
        srv.cli("public", "create", "Staff/Board")
        srv.cli("acl", "set", "Public Folders/Staff", ALICE, "lrswi")
        srv.cli("acl", "set", "Public Folders/Staff/Board", BOB, "lrs")
        srv.cli("public", "create", "Archive")  # nobody has rights: nobody sees it
        for subject in ("first", "second"):
            srv.cli("deliver", "news@example.org", input=message(subject))
        srv.start()
        # The owner shares: alice reads Project (not its child Docs), carol reads Private.
        bob = Client(srv, BOB)
        for name in ("Project/Docs", "Private"):
            assert bob.run("CREATE", f'"{name}"')[0] == "OK"
        bob.c.append("Project", None, None, message("plan"))
        assert bob.run("SETACL", "Project", ALICE, "lr")[0] == "OK"
        assert bob.run("SETACL", "Private", CAROL, "lr")[0] == "OK"
        bob.logout()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_namespace_is_exactly_seed_003(self):
        c = Client(self.srv, CAROL)
        typ, text, untagged = c.run("NAMESPACE")
        self.assertEqual(typ, "OK")
        self.assertEqual(untagged["NAMESPACE"], [b'(("" "/")) (("Other users/" "/")) (("Public Folders/" "/"))'])
        c.logout()

    def test_list_of_each_account(self):
        expected = {
            BOB: [
                '(\\HasNoChildren) "/" "INBOX"',
                '(\\HasNoChildren) "/" "Private"',
                '(\\HasChildren) "/" "Project"',
                '(\\HasNoChildren) "/" "Project/Docs"',
                '(\\Noselect \\HasChildren) "/" "Public Folders"',
                '(\\HasNoChildren) "/" "Public Folders/News"',
                # bob may see Board but not Staff: the level is there, not selectable.
                '(\\Noselect \\HasChildren) "/" "Public Folders/Staff"',
                '(\\HasNoChildren) "/" "Public Folders/Staff/Board"',
            ],
            ALICE: [
                '(\\HasNoChildren) "/" "INBOX"',
                '(\\Noselect \\HasChildren) "/" "Other users"',
                '(\\Noselect \\HasChildren) "/" "Other users/bob"',
                # Docs is not shared with alice, so Project has no children for her.
                '(\\HasNoChildren) "/" "Other users/bob/Project"',
                '(\\Noselect \\HasChildren) "/" "Public Folders"',
                '(\\HasNoChildren) "/" "Public Folders/News"',
                '(\\HasNoChildren) "/" "Public Folders/Staff"',
            ],
            CAROL: [
                '(\\HasNoChildren) "/" "INBOX"',
                '(\\Noselect \\HasChildren) "/" "Other users"',
                # Another domain: the owner is shown by full address.
                '(\\Noselect \\HasChildren) "/" "Other users/bob@example.org"',
                '(\\HasNoChildren) "/" "Other users/bob@example.org/Private"',
                '(\\Noselect \\HasChildren) "/" "Public Folders"',
                '(\\HasNoChildren) "/" "Public Folders/News"',
            ],
        }
        for who, lines in expected.items():
            lines = with_defaults(lines)
            with self.subTest(who=who):
                c = Client(self.srv, who)
                self.assertEqual(c.list("*"), lines)
                self.assertEqual(c.list("%"), [l for l in lines if "/" not in l.split('"/" ')[1]])
                c.logout()
        a = Client(self.srv, ALICE)
        self.assertEqual(a.list("Other users/%"), ['(\\Noselect \\HasChildren) "/" "Other users/bob"'])
        self.assertEqual(a.list("%", '"Other users/bob/"'), ['(\\HasNoChildren) "/" "Other users/bob/Project"'])
        # Her own Archive only: the public one gives her no rights.
        self.assertEqual(a.list("*Archive*"), [DEFAULTS["Archive"]])
        self.assertEqual(a.list("*Docs*"), [])
        a.logout()

    def test_reader_does_what_lr_allows_and_nothing_more(self):
        a = Client(self.srv, ALICE)
        text, untagged = a.select("Other users/bob/Project")
        self.assertIn("[READ-ONLY]", text)
        self.assertEqual(untagged["PERMANENTFLAGS"], [b"()"])
        self.assertEqual(a.c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1][0][1], b"Subject: plan\r\n\r\n")
        typ, text, _ = a.run("STORE", "1", "+FLAGS", "(\\Flagged)")
        self.assertEqual(typ, "NO")
        self.assertIn("[NOPERM]", text)
        typ, text, _ = a.run("EXPUNGE")
        self.assertIn("[NOPERM]", text)
        self.assertEqual(a.run("CREATE", '"Other users/bob/Project/Mine"')[1].split("]")[0], "[NOPERM")
        self.assertIn("[NOPERM]", a.run("DELETE", '"Other users/bob/Project"')[1])
        typ, data = a.c._simple_command("MYRIGHTS", '"Other users/bob/Project"')
        self.assertEqual(a.c.untagged_responses.pop("MYRIGHTS"), [b'"Other users/bob/Project" lr'])
        self.assertIn("[NOPERM]", a.run("GETACL", '"Other users/bob/Project"')[1])
        a.logout()

    def test_append_needs_i(self):
        a = Client(self.srv, ALICE)
        typ, data = a.c.append('"Other users/bob/Project"', None, None, message("nope"))
        self.assertEqual((typ, data[0][:8]), ("NO", b"[NOPERM]"))
        # Staff gives alice "i": her message lands there, with the flags her rights allow.
        typ, _ = a.c.append('"Public Folders/Staff"', "(\\Flagged \\Deleted)", None, message("minutes"))
        self.assertEqual(typ, "OK")
        a.select("Public Folders/Staff")
        self.assertEqual(a.flags("1"), ["\\Flagged"])  # no "t": \Deleted dropped
        a.logout()

    def test_stranger_sees_nothing_of_bob_but_what_is_shared(self):
        c = Client(self.srv, CAROL)
        for name in ("Other users/bob@example.org/Project", "Other users/bob@example.org/INBOX",
                     "Other users/bob/Project", "Public Folders/Archive", "Public Folders/Staff"):
            with self.subTest(name=name):
                typ, text, _ = c.run("SELECT", f'"{name}"')
                self.assertEqual((typ, text), ("NO", "[NONEXISTENT] No such mailbox"))
        c.logout()

    def test_private_seen_with_two_readers(self):
        a, c = Client(self.srv, ALICE), Client(self.srv, CAROL)
        a.select("Public Folders/News")
        c.select("Public Folders/News")
        self.assertEqual(a.c.fetch("1", "(BODY[TEXT])")[0], "OK")  # sets alice's \Seen only
        self.assertIn("\\Seen", a.flags("1"))
        self.assertNotIn("\\Seen", c.flags("1"))
        self.assertEqual(c.c.search(None, "UNSEEN")[1], [b"1 2"])
        self.assertEqual(a.c.search(None, "UNSEEN")[1], [b"2"])
        self.assertEqual(a.c.search(None, "SEEN")[1], [b"1"])
        # Other flags are shared: alice ("w") flags message 2 and carol sees it, unseen.
        self.assertEqual(a.c.store("2", "+FLAGS", "(\\Flagged)")[0], "OK")
        c.c.noop()
        self.assertEqual(c.flags("2"), ["\\Flagged"])
        # carol has "s" but not "w": her \Seen changes, \Flagged is left alone.
        self.assertEqual(c.c.store("2", "FLAGS", "(\\Seen)")[0], "OK")
        self.assertEqual(sorted(c.flags("2")), ["\\Flagged", "\\Seen"])
        self.assertNotIn("\\Seen", a.flags("2"))
        # STATUS counts each reader's own unseen messages.
        a2 = Client(self.srv, ALICE)
        self.assertEqual(a2.c.status('"Public Folders/News"', "(MESSAGES UNSEEN)")[1],
                         [b'"Public Folders/News" (MESSAGES 2 UNSEEN 1)'])
        c2 = Client(self.srv, CAROL)
        self.assertEqual(c2.c.status('"Public Folders/News"', "(MESSAGES UNSEEN)")[1],
                         [b'"Public Folders/News" (MESSAGES 2 UNSEEN 1)'])
        self.assertEqual(c2.c.select('"Public Folders/News"', readonly=True)[0], "OK")
        self.assertEqual(c2.flags("1"), [])  # carol never read message 1
        for x in (a, c, a2, c2):
            x.logout()

    def test_subscriptions_in_every_namespace(self):
        a = Client(self.srv, ALICE)
        for name in ("Other users/bob/Project", "Public Folders/News", "INBOX"):
            self.assertEqual(a.run("SUBSCRIBE", f'"{name}"')[0], "OK")
        self.assertEqual(a.list("*", command="LSUB"), [
            '() "/" "INBOX"',
            '() "/" "Archive"',
            '() "/" "Drafts"',
            '() "/" "Junk"',
            '() "/" "Other users/bob/Project"',
            '() "/" "Public Folders/News"',
            '() "/" "Sent"',
            '() "/" "Trash"',
        ])
        self.assertEqual(a.list("Public Folders/%", command="LSUB"), ['() "/" "Public Folders/News"'])
        # A client that shows only subscriptions can open what it lists.
        for line in a.list("*", command="LSUB"):
            name = line.split('"/" ')[1].strip('"')
            self.assertEqual(a.run("EXAMINE", f'"{name}"')[0], "OK", name)
        self.assertEqual(a.run("UNSUBSCRIBE", '"Public Folders/News"')[0], "OK")
        self.assertEqual(len(a.list("*", command="LSUB")), 7)
        a.logout()



class PublicFolderDelivery(unittest.TestCase):
    def setUp(self):
        self.srv = PillarboxServer()
        self.srv.add_user(CAROL, PW)
        self.srv.start()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_delivery_to_a_public_folder_address(self):
        # Made while the server runs: the administrator's CLI works beside it.
        self.srv.cli("public", "create", "Lists/Announce", "--address", "announce@example.org")
        self.srv.cli("acl", "set", "Public Folders/Lists/Announce", "authenticated", "lr")
        self.srv.cli("deliver", "ANNOUNCE@example.org", input=message("third"))
        c = Client(self.srv, CAROL)
        typ, data = c.c.status('"Public Folders/Lists/Announce"', "(MESSAGES UNSEEN)")
        self.assertEqual(data, [b'"Public Folders/Lists/Announce" (MESSAGES 1 UNSEEN 1)'])
        # Lists itself has no ACL entry: a \Noselect level above what carol may read.
        self.assertEqual(c.list("Public Folders/Lists*"), [
            '(\\Noselect \\HasChildren) "/" "Public Folders/Lists"',
            '(\\HasNoChildren) "/" "Public Folders/Lists/Announce"',
        ])
        c.logout()


class ListStatusAcrossNamespaces(unittest.TestCase):
    """LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154) on other users' and public mailboxes:
    STATUS only where the reader has "r" (RFC 4314), no special use on anyone else's mailbox."""

    def setUp(self):
        self.srv = PillarboxServer()
        for who in (BOB, ALICE):
            self.srv.add_user(who, PW)
        self.srv.cli("public", "create", "News")
        self.srv.cli("acl", "set", "Public Folders/News", "anyone", "lr")
        self.srv.start()
        bob = Client(self.srv, BOB)
        bob.c.append("Sent", None, None, message("sent by bob"))
        assert bob.run("SETACL", "Sent", ALICE, "lr")[0] == "OK"
        assert bob.run("CREATE", "Peek")[0] == "OK"
        assert bob.run("SETACL", "Peek", ALICE, "l")[0] == "OK"
        bob.logout()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_status_follows_rights_and_special_use_stays_personal(self):
        a = Client(self.srv, ALICE)
        typ, text, untagged = a.run("LIST", '""', '("Other users/*" "Public Folders/*")',
                                    "RETURN", "(STATUS (MESSAGES UNSEEN) SPECIAL-USE)")
        self.assertEqual(typ, "OK", text)
        self.assertEqual([l.decode() for l in untagged["LIST"]], [
            '(\\Noselect \\HasChildren) "/" "Other users/bob"',
            '(\\HasNoChildren) "/" "Other users/bob/Peek"',
            '(\\HasNoChildren) "/" "Other users/bob/Sent"',
            '(\\HasNoChildren) "/" "Public Folders/News"',
        ])
        self.assertEqual([l.decode() for l in untagged["STATUS"]], [
            '"Other users/bob/Sent" (MESSAGES 1 UNSEEN 1)',
            '"Public Folders/News" (MESSAGES 0 UNSEEN 0)',
        ])
        typ, text, untagged = a.run("LIST", "(SPECIAL-USE)", '""', '"*"')
        self.assertEqual(typ, "OK", text)
        self.assertEqual([l.decode() for l in untagged["LIST"]], sorted(DEFAULTS.values()))
        a.logout()


class CurlOnShared(unittest.TestCase):
    """curl, a real IMAP client, walking the namespaces by URL."""

    def setUp(self):
        self.srv = PillarboxServer()
        for who in (BOB, ALICE):
            self.srv.add_user(who, PW)
        self.srv.start()
        bob = Client(self.srv, BOB)
        bob.run("CREATE", "Project")
        bob.c.append("Project", None, None, message("plan for curl"))
        bob.run("SETACL", "Project", ALICE, "lr")
        bob.logout()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def curl(self, path, *args, expect=0):
        r = subprocess.run(["curl", "-s", "-S", "--max-time", "30", "--user", f"{ALICE}:{PW}", *args,
                            f"imap://127.0.0.1:{self.srv.imap_port}/{path}"], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, expect, r.stderr)
        return r.stdout

    def test_curl_lists_and_reads_a_shared_mailbox(self):
        listing = self.curl("").decode().split("\r\n")
        self.assertIn('* LIST (\\Noselect \\HasChildren) "/" "Other users"', listing)
        self.assertIn('* LIST (\\HasNoChildren) "/" "Other users/bob/Project"', listing)
        body = self.curl("Other%20users/bob/Project/;UID=1")
        self.assertEqual(body, message("plan for curl"))
        self.assertIn(b'* NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/"))',
                      self.curl("", "-X", "NAMESPACE"))
        self.assertIn(b'* MYRIGHTS "Other users/bob/Project" lr',
                      self.curl("", "-X", 'MYRIGHTS "Other users/bob/Project"'))
        # Without "i", curl's upload fails (curl exits 78 for a refused APPEND: "remote file not found").
        r = subprocess.run(["curl", "-s", "--max-time", "30", "--user", f"{ALICE}:{PW}", "-T", "-",
                            f"imap://127.0.0.1:{self.srv.imap_port}/Other%20users/bob/Project"],
                           input=message("nope"), capture_output=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        b = Client(self.srv, BOB)
        self.assertEqual(b.c.status("Project", "(MESSAGES)")[1], [b'"Project" (MESSAGES 1)'])
        b.logout()


if __name__ == "__main__":
    unittest.main()
