"""The administrator's command line: accounts and import, with exit status and messages."""
import imaplib
import os
import unittest

from pbserver import PillarboxServer


class Cli(unittest.TestCase):
    def setUp(self):
        self.srv = PillarboxServer()

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_user_lifecycle(self):
        srv = self.srv
        out = srv.cli("user", "add", "Alice@Example.ORG", "--password-stdin", input=b"pw1\n")
        self.assertEqual(out.stdout, b"added alice@example.org\n")
        again = srv.cli("user", "add", "alice@example.org", "--password-stdin", input=b"x\n", check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertTrue(again.stderr.startswith(b"pillarbox: alice@example.org: "), again.stderr)
        bad = srv.cli("user", "add", "not-an-address", "--password-stdin", input=b"x\n", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn(b"not a valid address", bad.stderr)
        empty = srv.cli("user", "add", "bob@example.org", "--password-stdin", input=b"\n", check=False)
        self.assertNotEqual(empty.returncode, 0)
        srv.cli("user", "add", "bob@example.org", "--password-stdin", input=b"pw2\n")
        self.assertEqual(srv.cli("user", "list").stdout, b"alice@example.org\nbob@example.org\n")
        self.assertEqual(srv.cli("--json", "user", "list").stdout,
                         b'[{"address":"alice@example.org"},{"address":"bob@example.org"}]\n')
        srv.cli("user", "passwd", "alice@example.org", "--password-stdin", input=b"new secret\n")
        srv.start()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        with self.assertRaises(imaplib.IMAP4.error):
            c.login("alice@example.org", "pw1")
        c.logout()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("ALICE@example.org", "new secret")   # the address is case-insensitive
        c.logout()
        srv.stop()
        srv.cli("user", "del", "bob@example.org")
        self.assertEqual(srv.cli("user", "list").stdout, b"alice@example.org\n")
        gone = srv.cli("user", "del", "bob@example.org", check=False)
        self.assertNotEqual(gone.returncode, 0)

    def test_user_quota(self):
        # `pillarbox user quota`: shows limits and usage; sets own limits; back to the default.
        with PillarboxServer(extra_config='[quota]\nstorage = "1G"\n') as srv:
            srv.cli("user", "add", "alice@example.org", "--password-stdin", input=b"pw\n")
            quota = lambda *a, **k: srv.cli("user", "quota", "alice@example.org", *a, **k)
            self.assertEqual(quota().stdout, b"alice@example.org: default limits\n"
                                             b"  storage  0 KiB used, limit 1048576 KiB\n"
                                             b"  messages 0 used, limit none\n")
            self.assertEqual(quota("--storage", "500M", "--messages", "1000").stdout,
                             b"alice@example.org: own limits\n"
                             b"  storage  0 KiB used, limit 512000 KiB\n"
                             b"  messages 0 used, limit 1000\n")
            # One resource changes, the other stays.
            self.assertIn(b"messages 0 used, limit none", quota("--messages", "none").stdout)
            self.assertEqual(srv.cli("--json", "user", "quota", "alice@example.org").stdout,
                             b'{"address":"alice@example.org","limits":"own","storage_kib":0,'
                             b'"storage_limit_kib":512000,"messages":0,"messages_limit":null}\n')
            srv.start()
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login("alice@example.org", "pw")
            typ, data = c.append("INBOX", None, None, b"Subject: x\r\n\r\n" + b"y" * 2000 + b"\r\n")
            self.assertEqual(typ, "OK", data)
            c.logout()
            self.assertIn(b"storage  2 KiB used, limit 512000 KiB\n  messages 1 used", quota().stdout)
            self.assertEqual(quota("--none").stdout, b"alice@example.org: own limits\n"
                                                     b"  storage  2 KiB used, limit none\n"
                                                     b"  messages 1 used, limit none\n")
            self.assertIn(b"default limits\n  storage  2 KiB used, limit 1048576 KiB", quota("--default").stdout)
            for bad, why in ((("--storage", "5X"), b"is not a size"), (("--storage", "0"), b"above 0"),
                             (("--messages", "0"), b"not a number above 0"), (("--messages", "1K"), b"not a number"),
                             (("--none", "--storage", "1M"), b"excludes")):
                r = quota(*bad, check=False)
                self.assertNotEqual(r.returncode, 0, bad)
                self.assertIn(why, r.stderr, bad)
            r = srv.cli("user", "quota", "nobody@example.org", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(b"nobody@example.org", r.stderr)

    def test_aliases(self):
        srv = self.srv
        out = srv.cli("user", "add", "user@site1.example", "--alias", "User", "--alias", "sales@site1.example",
                      "--password-stdin", input=b"pw1\n")
        self.assertEqual(out.stdout, b"added user@site1.example\nalias user -> user@site1.example\n"
                                     b"alias sales@site1.example -> user@site1.example\n")
        srv.add_user("user@site2.example", "pw2")
        for bad in ("a+b", "has space", ""):
            r = srv.cli("user", "alias", "add", bad, "user@site2.example", check=False)
            self.assertNotEqual(r.returncode, 0, bad)
            self.assertIn(b"not a valid alias", r.stderr)
        r = srv.cli("user", "alias", "add", "x", "nobody@site2.example", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"No such account", r.stderr)
        r = srv.cli("user", "alias", "add", "user@site1.example", "user@site2.example", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(srv.cli("user", "alias", "list").stdout,
                         b"sales@site1.example -> user@site1.example\nuser -> user@site1.example\n")
        srv.start()
        # While "user" names one account it is a login name for it.
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("USER", "pw1")
        c.logout()
        srv.cli("user", "alias", "add", "user", "user@site2.example")
        self.assertEqual(srv.cli("--json", "user", "alias", "list").stdout,
                         b'[{"alias":"sales@site1.example","address":"user@site1.example"},'
                         b'{"alias":"user","address":"user@site1.example"},'
                         b'{"alias":"user","address":"user@site2.example"}]\n')
        # Now it is ambiguous: refused exactly like a wrong password, and the log says why.
        for password in ("pw1", "pw2"):
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            with self.assertRaises(imaplib.IMAP4.error) as e:
                c.login("user", password)
            self.assertIn("[AUTHENTICATIONFAILED]", str(e.exception))
            c.logout()
        self.assertIn('reason=ambiguous_alias user=user detail="ambiguous alias \\"user\\" names user@site1.example, '
                      'user@site2.example"', srv.stderr())
        for address, password in (("user@site1.example", "pw1"), ("user@site2.example", "pw2")):
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(address, password)
            c.logout()
        srv.cli("user", "alias", "del", "user", "user@site1.example")
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("user", "pw2")
        c.logout()
        r = srv.cli("user", "alias", "del", "user", "user@site1.example", check=False)
        self.assertNotEqual(r.returncode, 0)

    def test_import_maildir_keeps_bytes_flags_and_dates(self):
        srv = self.srv
        srv.add_user("carol@example.org", "pw")
        md = os.path.join(srv.dir, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(md, sub))
        messages = {
            "cur/1000.a:2,FS": b"Subject: one\n\nbody one\n",
            "cur/1001.b:2,": b"Subject: two\r\n\r\nbody two\r\n",
            "new/1002.c": b"Subject: three\n\nbody three\n",
        }
        for name, data in messages.items():
            path = os.path.join(md, name)
            with open(path, "wb") as f:
                f.write(data)
            os.utime(path, (820631134, 820631134))
        out = srv.cli("import", "carol@example.org", md, "--mailbox", "Old")
        self.assertIn(b"imported 3 messages", out.stdout)
        srv.start()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("carol@example.org", "pw")
        self.assertEqual(c.select("Old"), ("OK", [b"3"]))
        typ, data = c.fetch("1:3", "(FLAGS INTERNALDATE BODY.PEEK[])")
        bodies = [d[1] for d in data if isinstance(d, tuple)]
        self.assertEqual(bodies, [b"Subject: one\r\n\r\nbody one\r\n", b"Subject: two\r\n\r\nbody two\r\n",
                                  b"Subject: three\r\n\r\nbody three\r\n"])
        self.assertIn(b"\\Flagged \\Seen", data[0][0].replace(b"\\Seen \\Flagged", b"\\Flagged \\Seen"))
        self.assertIn(b'"03-Jan-1996 01:05:34 +0000"', data[0][0])
        c.logout()

    def test_index_rebuild_while_serving(self):
        # `pillarbox index rebuild` next to a running server: SEARCH TEXT gives the same answer
        # before, during and after, and the counts are the messages stored (a copy shares one).
        srv = self.srv
        srv.add_user("erin@example.org", "pw")
        srv.start()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("erin@example.org", "pw")
        for n, word in enumerate(["Stra\u00dfe", "gasse", "STRASSE", "weg"]):
            c.append("INBOX", None, None, f"Subject: {n}\r\n\r\nin der {word}\r\n".encode())
        c.select("INBOX")
        c.copy("1", "Archive")

        def found():
            typ, data = c.uid("SEARCH", "CHARSET", "UTF-8", "TEXT", "strasse")
            self.assertEqual(typ, "OK")
            return data[0]

        self.assertEqual(found(), b"1 3")
        # The server indexes what arrives on its own thread; the command indexes what is still
        # missing, so it finds between none and all four files (the copy shares its file).
        self.assertRegex(srv.cli("index", "rebuild", "--missing").stdout, rb"^indexed [0-4] messages?\n$")
        self.assertRegex(srv.cli("--json", "index", "rebuild").stdout, rb'^\{"indexed":[0-4]\}\n$')
        self.assertEqual(found(), b"1 3")
        self.assertEqual(srv.cli("index", "rebuild", "--missing").stdout, b"indexed 0 messages\n")
        bad = srv.cli("index", check=False)
        self.assertNotEqual(bad.returncode, 0)
        c.logout()

    def test_import_errors(self):
        srv = self.srv
        srv.add_user("dave@example.org", "pw")
        missing = srv.cli("import", "dave@example.org", "/nonexistent/file.mbox", check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn(b"/nonexistent/file.mbox", missing.stderr)
        nobody = srv.cli("import", "nobody@example.org", "/dev/null", check=False)
        self.assertNotEqual(nobody.returncode, 0)
        self.assertIn(b"no such account", nobody.stderr)
        # The names IMAP CREATE refuses are refused here too, and nothing is made.
        mbox = os.path.join(srv.dir, "one.mbox")
        with open(mbox, "wb") as f:
            f.write(b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n")
        for name, why in (("Other users/x", b"belongs to a namespace"), ("R&D", b"modified UTF-7"),
                          ("a//b", b"empty level")):
            bad = srv.cli("import", "dave@example.org", mbox, "--mailbox", name, check=False)
            self.assertNotEqual(bad.returncode, 0, name)
            self.assertIn(why, bad.stderr, name)
        ok = srv.cli("import", "dave@example.org", mbox, "--mailbox", "R&-D")
        self.assertEqual(ok.returncode, 0)


    def test_mailbox_special_use(self):
        srv = self.srv
        srv.cli("user", "add", "mig@example.org", "--password-stdin", input=b"pw\n")
        srv.start()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("mig@example.org", "pw")
        c.delete("Sent")
        c.create('"Sent Messages"')
        c.create("INBOX/Sent")
        c.logout()
        srv.stop()
        cli = lambda *a, **k: srv.cli("mailbox", "special-use", *a, **k)
        self.assertEqual(cli("mig@example.org", "Sent Messages").stdout,
                         b"Sent Messages of mig@example.org: none\n")
        self.assertEqual(cli("MIG@example.org", "Sent Messages", "\\sent").stdout,
                         b"Sent Messages of mig@example.org: \\Sent\n")
        # One mailbox per use: the other must let go first.
        r = cli("mig@example.org", "INBOX/Sent", "Sent", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"already the use of Sent Messages", r.stderr)
        for args, text in ((("mig@example.org", "Nope", "\\Sent"), b"no mailbox"),
                           (("nobody@example.org", "INBOX"), b"nobody@example.org"),
                           (("mig@example.org", "INBOX", "\\All"), b"virtual"),
                           (("mig@example.org", "INBOX", "\\Important"), b"is not one of")):
            r = cli(*args, check=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(text, r.stderr, args)
        self.assertEqual(cli("mig@example.org", "Sent Messages", "none").stdout,
                         b"Sent Messages of mig@example.org: none\n")
        cli("mig@example.org", "INBOX/Sent", "\\Sent")
        srv.start()
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("mig@example.org", "pw")
        typ, data = c._simple_command("LIST", "(SPECIAL-USE)", '""', '"*"')
        self.assertEqual(typ, "OK")
        self.assertIn(b'(\\HasNoChildren \\Sent) "/" "INBOX/Sent"', c.untagged_responses.pop("LIST"))
        c.logout()
        srv.stop()


class DefaultMailboxes(unittest.TestCase):
    """[[mailboxes]] decides what `user add` makes (docs/configuration.md "Default mailboxes")."""

    def test_configured_set(self):
        srv = PillarboxServer(extra_config=(
            '[[mailboxes]]\nname = "Sent Items"\nspecial_use = "\\\\Sent"\nauto = "create"\n'
            '[[mailboxes]]\nname = "Lists/Pillarbox"\n'
            '[[mailboxes]]\nname = "Spam"\nspecial_use = "\\\\Junk"\nauto = "no"\n'))
        try:
            srv.add_user("carol@example.org", "pw")
            srv.start()
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login("carol@example.org", "pw")
            typ, data = c._simple_command("LIST", '""', '"*"', "RETURN", "(SUBSCRIBED)")
            self.assertEqual(typ, "OK")
            self.assertEqual(c.untagged_responses.pop("LIST"), [
                b'(\\HasNoChildren) "/" "INBOX"',
                b'(\\HasChildren) "/" "Lists"',
                b'(\\Subscribed \\HasNoChildren) "/" "Lists/Pillarbox"',
                b'(\\HasNoChildren \\Sent) "/" "Sent Items"',
            ])
            # auto = "no": not made, but the name brings its use when the user makes it.
            self.assertEqual(c.create("Spam")[0], "OK")
            self.assertEqual(c.list('""', "Spam")[1], [b'(\\HasNoChildren \\Junk) "/" "Spam"'])
            c.logout()
        finally:
            srv.__exit__(None, None, None)

    def test_bad_set_stops_user_add(self):
        srv = PillarboxServer(extra_config='[[mailboxes]]\nname = "X"\nspecial_use = "\\\\Important"\n')
        try:
            r = srv.cli("user", "add", "dave@example.org", "--password-stdin", input=b"pw\n", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(b"mailboxes[0].special_use", r.stderr)
        finally:
            srv.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
