"""CONDSTORE and QRESYNC (RFC 7162) with Python's imaplib: a client that went offline
resynchronises with SELECT (QRESYNC ...) after another session changed flags, expunged
messages and added one; a client that stays connected hears VANISHED instead of EXPUNGE; two
clients racing with STORE (UNCHANGEDSINCE) get exactly one winner."""
import imaplib
import re
import time
import unittest

from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "correct horse"


def message(n):
    return b"From: Bob <bob@example.org>\r\nSubject: message %d\r\n\r\nbody %d\r\n" % (n, n)


class CondstoreQresync(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def connect(self, qresync=False):
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port)
        c.login(USER, PASSWORD)
        for cap in ("ENABLE", "CONDSTORE", "QRESYNC"):
            self.assertIn(cap, c.capabilities)
        if qresync:
            typ, _ = c.enable("QRESYNC")
            self.assertEqual(typ, "OK")
            self.assertEqual(c.response("ENABLED")[1], [b"QRESYNC"])
        return c

    def fill(self, mailbox, count):
        c = self.connect()
        c.create(mailbox)
        for n in range(1, count + 1):
            typ, _ = c.append(mailbox, None, imaplib.Time2Internaldate(time.time()), message(n))
            self.assertEqual(typ, "OK")
        c.logout()

    @staticmethod
    def fetches(c):
        """The untagged FETCH responses received so far, as {uid: (flags, modseq)}."""
        out = {}
        for line in c.response("FETCH")[1]:
            if line is None:
                continue
            text = line.decode() if isinstance(line, bytes) else line[0].decode()
            uid = int(re.search(r"UID (\d+)", text).group(1))
            flags = set(re.search(r"FLAGS \(([^)]*)\)", text).group(1).split())
            modseq = int(re.search(r"MODSEQ \((\d+)\)", text).group(1))
            out[uid] = (flags, modseq)
        return out

    def select_qresync(self, c, mailbox, uidvalidity, modseq, known):
        typ, data = c._simple_command("SELECT", f"{mailbox} (QRESYNC ({uidvalidity} {modseq} {known}))")
        self.assertEqual(typ, "OK", data)
        c.state = "SELECTED"  # imaplib's select() cannot send the QRESYNC parameter
        return c.response("VANISHED")[1], self.fetches(c)

    def test_offline_client_resynchronises(self):
        self.fill("Resync", 6)
        # The client's last session: it remembers UIDVALIDITY, HIGHESTMODSEQ and UIDs 1:6.
        a = self.connect(qresync=True)
        typ, _ = a.select("Resync")
        uidvalidity = int(a.response("UIDVALIDITY")[1][0])
        modseq = int(a.response("HIGHESTMODSEQ")[1][0])
        a.logout()

        # Meanwhile another client flags 2, reads 5, deletes 3 and 4, and a message arrives.
        b = self.connect()
        b.select("Resync")
        b.uid("STORE", "2", "+FLAGS", r"(\Flagged)")
        b.uid("STORE", "5", "+FLAGS", r"(\Seen)")
        b.uid("STORE", "3:4", "+FLAGS", r"(\Deleted)")
        b.expunge()
        b.append("Resync", None, imaplib.Time2Internaldate(time.time()), message(7))
        b.logout()

        a = self.connect(qresync=True)
        vanished, changed = self.select_qresync(a, "Resync", uidvalidity, modseq, "1:6")
        self.assertEqual(vanished, [b"(EARLIER) 3:4"])
        self.assertEqual(sorted(changed), [2, 5])
        self.assertIn("\\Flagged", changed[2][0])
        self.assertIn("\\Seen", changed[5][0])
        self.assertTrue(all(m > modseq for _, m in changed.values()))
        self.assertEqual(a.response("EXISTS")[1][-1], b"5")
        new_modseq = int(a.response("HIGHESTMODSEQ")[1][0])
        # The expunge and the new message came after the flag changes, each with its own.
        self.assertGreater(new_modseq, max(m for _, m in changed.values()))
        # The new message is beyond the UIDs the client knew; it asks for it separately.
        typ, data = a.uid("FETCH", "7:*", "(FLAGS)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"UID 7", data[0])
        # Nothing changed since: the same SELECT now reports nothing.
        vanished, changed = self.select_qresync(a, "Resync", uidvalidity, new_modseq, "1:7")
        self.assertEqual((vanished, changed), ([None], {}))
        a.logout()

        # A wrong UIDVALIDITY is a full resynchronisation: no VANISHED, no FETCH.
        a = self.connect(qresync=True)
        vanished, changed = self.select_qresync(a, "Resync", uidvalidity + 1, modseq, "1:6")
        self.assertEqual((vanished, changed), ([None], {}))
        # The same question in the selected state: UID FETCH ... (CHANGEDSINCE VANISHED).
        typ, data = a._simple_command("UID", "FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {modseq} VANISHED)")
        self.assertEqual(typ, "OK", data)
        self.assertEqual(a.response("VANISHED")[1], [b"(EARLIER) 3:4"])
        self.assertEqual(sorted(self.fetches(a)), [2, 5, 7])
        a.logout()

    def test_connected_client_hears_vanished_and_modseq(self):
        self.fill("Live", 4)
        a = self.connect(qresync=True)
        a.select("Live")
        b = self.connect()
        b.select("Live")
        b.uid("STORE", "1", "+FLAGS", r"(\Answered)")
        b.uid("STORE", "2", "+FLAGS", r"(\Deleted)")
        b.expunge()
        typ, _ = a.noop()
        self.assertEqual(typ, "OK")
        self.assertEqual(a.response("VANISHED")[1], [b"2"])
        self.assertIsNone(a.response("EXPUNGE")[1][0])
        changed = self.fetches(a)
        self.assertEqual(sorted(changed), [1])
        self.assertIn("\\Answered", changed[1][0])
        # EXPUNGE in the QRESYNC session itself answers VANISHED too.
        a.uid("STORE", "4", "+FLAGS.SILENT", r"(\Deleted)")
        typ, _ = a.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(a.response("VANISHED")[1], [b"4"])
        self.assertEqual(a.response("EXPUNGE")[1], [None])
        a.logout()
        b.logout()

    def test_unchangedsince_has_one_winner(self):
        self.fill("Race", 2)
        a = self.connect()
        b = self.connect()
        a.select("Race")
        b.select("Race")
        typ, data = a.fetch("1", "(MODSEQ)")
        modseq = int(re.search(rb"MODSEQ \((\d+)\)", data[0]).group(1))
        typ, data = a._simple_command("STORE", "1", f"(UNCHANGEDSINCE {modseq})", "+FLAGS", r"($Claimed)")
        self.assertEqual(typ, "OK")
        self.assertIsNone(a.response("MODIFIED")[1][0])
        typ, data = b._simple_command("STORE", "1", f"(UNCHANGEDSINCE {modseq})", "+FLAGS", r"($Mine)")
        self.assertEqual(typ, "OK")
        self.assertEqual(b.response("MODIFIED")[1], [b"1"])
        typ, data = b.fetch("1", "(FLAGS)")
        self.assertIn(b"$Claimed", data[-1])
        self.assertNotIn(b"$Mine", data[-1])
        a.logout()
        b.logout()


if __name__ == "__main__":
    unittest.main()
