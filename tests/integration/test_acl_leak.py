"""A mailbox one may not look up does not exist for one (RFC 4314 §6; SPEC "Mailboxes you may
not look up do not exist for you"): every command that takes a mailbox name must answer for it
exactly as for a name nobody uses, byte for byte apart from the name, and no LIST or LSUB line
may show it.

bob has Secret (two messages) with a child Secret/Sub, and Open with a child Open/Hidden. alice
sends, for a hidden name and for a missing one, SELECT, EXAMINE, STATUS, CREATE (the name and a
child), DELETE, RENAME (from it, and to it), SUBSCRIBE, UNSUBSCRIBE, APPEND, COPY and UID COPY
from her INBOX, GETACL, SETACL, DELETEACL, LISTRIGHTS, MYRIGHTS, and LIST and LSUB with several
patterns; the untagged lines and the tagged line without its tag are compared. That is done with
no entry for alice, with rights but not "l" (only "r"; everything else), with "l" taken away by
a negative entry, and with a visible sibling and parent (Open, every right but "k") so that
"Other users/bob" is a level alice sees. A public folder without entries is checked the same way.

Not checked, because it cannot hold: with "k" on a visible parent, CREATE of a free name below
it succeeds and CREATE of a hidden one cannot, so "k" on a mailbox tells which names below it
are taken (RFC 4314 gives "k" no way around that).
"""
import imaplib
import re
import socket
import unittest

from pbserver import PillarboxServer

BOB, ALICE = "bob@example.org", "alice@example.org"
PW = "pw-acl-leak"
MESSAGE = b"From: bob@example.org\r\nSubject: secret\r\n\r\nnot for alice\r\n"
PROBE = b"From: alice@example.org\r\nSubject: probe\r\n\r\nhello\r\n"
# The LIST and LSUB patterns of every probe, besides those made from the probed name.
PATTERNS = ("*", "%", "Other users/*", "Other users/%", "Other users/bob/*", "Public Folders/*",
            "*Secret*", "*Hidden*", "Other users/bob/Secret")
# Answers for a name that does not exist (RFC 5530 codes; the texts are the server's fixed ones).
NONEXISTENT = "NO [NONEXISTENT] No such mailbox"
TRYCREATE = "NO [TRYCREATE] Mailbox does not exist"
# alice's own mailboxes besides INBOX, as LIST shows them: the defaults of a new account and Mine.
OWN = ['* LIST (\\HasNoChildren \\Archive) "/" "Archive"', '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
       '* LIST (\\HasNoChildren \\Junk) "/" "Junk"', '* LIST (\\HasNoChildren) "/" "Mine"',
       '* LIST (\\HasNoChildren \\Sent) "/" "Sent"', '* LIST (\\HasNoChildren \\Trash) "/" "Trash"']


class Imap:
    """A raw IMAP connection: each command's untagged lines and its tagged line, as sent."""

    def __init__(self, port, user):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        self.buf = b""
        self.tags = 0
        greeting = self._line()
        assert greeting.startswith(b"* OK"), greeting
        _, status = self.command(f"LOGIN {user} {PW}")
        assert status.startswith("OK"), status

    def _line(self):
        """The next response line; a literal in it ({N} at a line's end) is kept inline."""
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed; unread: {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        m = re.search(rb"\{(\d+)\}$", line)
        if m:
            size = int(m.group(1))
            while len(self.buf) < size:
                self.buf += self.sock.recv(65536)
            line += b"\r\n" + self.buf[:size]
            self.buf = self.buf[size:]
            line += self._line()
        return line

    def command(self, text, literal=None):
        """Sends `text` (and a LITERAL+ literal after it); returns (untagged lines, tagged line
        without its tag)."""
        self.tags += 1
        tag = f"x{self.tags}"
        data = f"{tag} {text}".encode()
        if literal is not None:
            data += b" {%d+}\r\n" % len(literal) + literal
        self.sock.sendall(data + b"\r\n")
        untagged = []
        while True:
            line = self._line().decode("utf-8", "replace")
            if line.startswith(tag + " "):
                return untagged, line[len(tag) + 1:]
            untagged.append(line)

    def close(self):
        try:
            self.command("LOGOUT")
        finally:
            self.sock.close()


def q(name):
    """A quoted string (the names here have no quote or backslash)."""
    return '"' + name + '"'


def probe(srv, name, rename_from=()):
    """Every command with a mailbox name, about `name`, as alice on a new connection:
    {command with the name written "<N>": (untagged lines, tagged line without the tag)}.
    `rename_from` adds RENAMEs to `name` and below it from those (visible) mailboxes."""
    n, child = q("<N>"), q("<N>/Child")
    commands = [
        f"SELECT {n}",
        f"EXAMINE {n}",
        f"STATUS {n} (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)",
        f"CREATE {n}",
        f"CREATE {child}",
        f'CREATE "<N>/Child/"',
        f"DELETE {n}",
        f"DELETE {child}",
        f"RENAME {n} Renamed",
        f'RENAME {n} "<N>2"',
        f"RENAME {n} {child}",
        f"RENAME Mine {n}",
        f"RENAME Mine {child}",
    ]
    for source in rename_from:
        commands += [f"RENAME {q(source)} {n}", f"RENAME {q(source)} {child}"]
    commands += [
        f"SUBSCRIBE {n}",
        f'lsub "" {n}',          # subscribed: the answers that may name it (\NonExistent)
        f'list (subscribed) "" {n} return (status (messages) children)',
        'list (subscribed recursivematch) "" "%"',  # "Other users" gets CHILDINFO
        f"UNSUBSCRIBE {n}",
        f"unsubscribe {n}",      # again, now that it is not subscribed
        f"APPEND {n} (\\Seen \\Flagged) <literal>",
        f"APPEND {child} <literal>",
        "EXAMINE INBOX",
        f"COPY 1 {n}",
        f"UID COPY 1 {n}",
        f"COPY 1 {child}",
        "CLOSE",
        f"GETACL {n}",
        f"SETACL {n} {ALICE} lrswipkxtea",
        f"SETACL {n} anyone +l",
        f"DELETEACL {n} anyone",
        f"DELETEACL {n} {BOB}",
        f"LISTRIGHTS {n} anyone",
        f"LISTRIGHTS {n} {ALICE}",
        f"MYRIGHTS {n}",
        f"MYRIGHTS {child}",
    ]
    for pattern in PATTERNS + ("<N>", "<N>*", "<N>/*", "<N>%"):
        commands += [f'LIST "" {q(pattern)}', f'LSUB "" {q(pattern)}']
    commands += ['LIST "<N>/" *', 'LIST "<N>/" %', f'LIST {n} ""']
    # LIST-EXTENDED, LIST-STATUS and SPECIAL-USE forms (RFC 5258, 5819, 6154).
    commands += [f'LIST "" ({n} "<N>/*" "Other users/*") RETURN (STATUS (MESSAGES UNSEEN SIZE) SUBSCRIBED CHILDREN SPECIAL-USE)',
                 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*" RETURN (STATUS (MESSAGES))',
                 'LIST (SPECIAL-USE SUBSCRIBED RECURSIVEMATCH) "" "Other users/*"']
    assert len(set(commands)) == len(commands)
    c = Imap(srv.imap_port, ALICE)
    out = {}
    try:
        for template in commands:
            cmd, literal = template.replace("<N>", name), None
            if cmd.endswith(" <literal>"):
                cmd, literal = cmd[:-len(" <literal>")], PROBE
            out[template] = c.command(cmd, literal)
    finally:
        c.close()
    return out


def masked(answers, name):
    """`answers` with `name` written "<N>" in every line (the commands are so already)."""
    return {label: ([line.replace(name, "<N>") for line in untagged], status.replace(name, "<N>"))
            for label, (untagged, status) in answers.items()}


class AclLeak(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = srv = PillarboxServer()
        srv.add_user(BOB, PW)
        srv.add_user(ALICE, PW)
        srv.start()
        bob = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        bob.login(BOB, PW)
        for name in ("Secret/Sub", "Open/Hidden"):
            assert bob.create(q(name))[0] == "OK"
        for _ in range(2):
            assert bob.append("Secret", "(\\Seen)", None, MESSAGE)[0] == "OK"
        assert bob.append("Secret/Sub", None, None, MESSAGE)[0] == "OK"
        bob.logout()
        alice = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        alice.login(ALICE, PW)
        assert alice.create("Mine")[0] == "OK"
        assert alice.append("INBOX", "(\\Seen)", None, PROBE)[0] == "OK"
        alice.logout()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def bob_sets(self, *commands):
        """Runs SETACL/DELETEACL commands as bob; each must succeed."""
        bob = Imap(self.srv.imap_port, BOB)
        try:
            for cmd in commands:
                _, status = bob.command(cmd)
                self.assertTrue(status.startswith("OK"), (cmd, status))
        finally:
            bob.close()

    def assert_same(self, hidden, missing, forbidden, rename_from=()):
        """`hidden` answers exactly as `missing` does, and no answer names any of `forbidden`
        (but the LSUB of the name alice has just subscribed to, which must name it)."""
        raw = probe(self.srv, hidden, rename_from)
        seen = masked(raw, hidden)
        expected = masked(probe(self.srv, missing, rename_from), missing)
        self.assertEqual(list(seen), list(expected))
        for label, answer in expected.items():
            with self.subTest(hidden=hidden, missing=missing, command=label):
                self.assertEqual(seen[label], answer)
                if label == 'lsub "" "<N>"' or label.startswith("list (subscribed"):
                    continue
                untagged, status = raw[label]
                for word in forbidden:
                    for line in untagged + [status]:
                        self.assertNotIn(word, line.replace("\\Subscribed", ""))
        return expected

    def test_no_entry_for_alice(self):
        # Secret exists with messages and a child; Nothing and nosuchuser do not exist.
        forbidden = ("bob", "Secret", "Sub", "Hidden")
        for missing in ("Other users/bob/Nothing", "Other users/nosuchuser/X"):
            answers = self.assert_same("Other users/bob/Secret", missing, forbidden)
        # The answers themselves are the documented ones (from the last pair).
        for label, (untagged, status) in answers.items():
            with self.subTest(command=label):
                if label.startswith(("SELECT", "EXAMINE \"", "STATUS", "CREATE", "DELETE", "RENAME \"",
                                     "GETACL", "SETACL", "DELETEACL", "LISTRIGHTS", "MYRIGHTS")):
                    self.assertEqual((untagged, status), ([], NONEXISTENT))
                elif label.startswith(("APPEND", "COPY", "UID COPY")):
                    self.assertEqual((untagged, status), ([], TRYCREATE))
                elif label.startswith("RENAME Mine"):
                    self.assertEqual(untagged, [])
                    self.assertTrue(status.startswith("NO [CANNOT] "), status)
                elif label.startswith(("SUBSCRIBE", "UNSUBSCRIBE")):
                    self.assertEqual((untagged, status), ([], "OK " + label.split()[0] + " completed"))
        self.assertEqual(answers['LIST "" "*"'][0], ['* LIST (\\HasNoChildren) "/" "INBOX"', *OWN])
        self.assertEqual(answers['lsub "" "<N>"'][0], ['* LSUB () "/" "<N>"'])
        self.assertEqual(answers['list (subscribed) "" "<N>" return (status (messages) children)'][0],
                         ['* LIST (\\NonExistent \\Subscribed) "/" "<N>"'])
        self.assertEqual(answers['LSUB "" "<N>"'][0], [])
        # Below the hidden mailbox, bob's INBOX, bob's level itself, the full-address form.
        self.assert_same("Other users/bob/Secret/Sub", "Other users/bob/Nothing/Sub", forbidden)
        self.assert_same("Other users/bob/INBOX", "Other users/bob/Nothing", forbidden)
        self.assert_same("Other users/bob", "Other users/nosuchuser", forbidden)
        self.assert_same("Other users/bob@example.org/Secret", "Other users/bob@example.org/Nothing", forbidden)

    def test_rights_without_l(self):
        forbidden = ("bob", "Secret", "Sub", "Hidden")
        grants = (
            # "r" alone: reading rights do not make the mailbox visible.
            [f"SETACL Secret {ALICE} r", f"SETACL Secret/Sub {ALICE} r"],
            # Every right but "l".
            [f"SETACL Secret {ALICE} rswipkxtea", f"SETACL Secret/Sub {ALICE} rswipkxtea",
             f"SETACL INBOX {ALICE} rswipkxtea"],
            # "l" for anyone, taken from alice by a negative entry (RFC 4314 §2).
            ["SETACL Secret anyone lrswipkxtea", f"SETACL Secret -{ALICE} l",
             "SETACL Secret/Sub authenticated lr", f"SETACL Secret/Sub -{ALICE} l"],
        )
        try:
            for grant in grants:
                with self.subTest(grant=grant):
                    self.bob_sets(*grant)
                    for missing in ("Other users/bob/Nothing", "Other users/nosuchuser/X"):
                        self.assert_same("Other users/bob/Secret", missing, forbidden)
                    self.assert_same("Other users/bob/Secret/Sub", "Other users/bob/Nothing/Sub", forbidden)
                    self.assert_same("Other users/bob/INBOX", "Other users/bob/Nothing", forbidden)
                    self.assert_same("Other users/bob", "Other users/nosuchuser", forbidden)
                    self.bob_sets(*(f"DELETEACL {cmd.split()[1]} {cmd.split()[2]}" for cmd in grant))
        finally:
            self.bob_sets(*(f"DELETEACL {box} {who}" for box in ("Secret", "Secret/Sub", "INBOX")
                            for who in (ALICE, "-" + ALICE, "anyone", "authenticated")))

    def test_beside_a_visible_mailbox(self):
        # Open is visible with every right but "k", so "Other users/bob" is a level alice sees;
        # its child Hidden and the sibling Secret are not.
        self.bob_sets(f"SETACL Open {ALICE} lrswipxtea")
        try:
            forbidden = ("Secret", "Sub", "Hidden")
            answers = self.assert_same("Other users/bob/Secret", "Other users/bob/Nothing", forbidden,
                                       rename_from=("Other users/bob/Open",))
            self.assertEqual(answers['LIST "" "*"'][0], [
                '* LIST (\\HasNoChildren) "/" "INBOX"',
                *OWN[:4],
                '* LIST (\\Noselect \\HasChildren) "/" "Other users"',
                '* LIST (\\Noselect \\HasChildren) "/" "Other users/bob"',
                # Hidden is not counted as a child.
                '* LIST (\\HasNoChildren) "/" "Other users/bob/Open"',
                *OWN[4:],
            ])
            self.assert_same("Other users/bob/Secret/Sub", "Other users/bob/Nothing/Sub", forbidden,
                             rename_from=("Other users/bob/Open",))
            self.assert_same("Other users/bob/Open/Hidden", "Other users/bob/Open/Nothing", forbidden)
            # What alice gets for the mailbox she may see, for contrast.
            c = Imap(self.srv.imap_port, ALICE)
            try:
                self.assertEqual(c.command('MYRIGHTS "Other users/bob/Open"'),
                                 (['* MYRIGHTS "Other users/bob/Open" lrswipxteacd'], "OK MYRIGHTS completed"))
                self.assertTrue(c.command('SELECT "Other users/bob/Open"')[1].startswith("OK [READ-WRITE]"))
            finally:
                c.close()
        finally:
            self.bob_sets(f"DELETEACL Open {ALICE}")

    def test_public_folder_without_entries(self):
        srv = self.srv
        if srv.cli("public", "list", check=False).returncode != 0:
            self.skipTest("no `pillarbox public` on this branch")
        srv.cli("public", "create", "Secret/Sub")
        srv.cli("public", "address", "Secret", "secret-folder@example.org")
        srv.cli("deliver", "secret-folder@example.org", input=MESSAGE)
        forbidden = ("bob", "Secret", "Sub", "Hidden")
        self.assert_same("Public Folders/Secret", "Public Folders/Nothing", forbidden)
        self.assert_same("Public Folders/Secret/Sub", "Public Folders/Nothing/Sub", forbidden)
        # Rights without "l" change nothing.
        srv.cli("acl", "set", "Public Folders/Secret", ALICE, "rswipkxtea")
        srv.cli("acl", "set", "Public Folders/Secret/Sub", "anyone", "r")
        self.assert_same("Public Folders/Secret", "Public Folders/Nothing", forbidden)
        self.assert_same("Public Folders/Secret/Sub", "Public Folders/Nothing/Sub", forbidden)


if __name__ == "__main__":
    unittest.main()
