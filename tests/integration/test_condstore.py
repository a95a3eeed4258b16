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

    def status_modseq(self, mailbox):
        c = self.connect()
        typ, data = c.status(mailbox, "(HIGHESTMODSEQ)")
        c.logout()
        return int(re.search(rb"HIGHESTMODSEQ (\d+)", data[0]).group(1))

    def test_expunge_and_move_answer_highestmodseq_under_qresync(self):
        # RFC 7162 §3.2: a QRESYNC client resumes from the HIGHESTMODSEQ of the tagged OK of
        # EXPUNGE, UID EXPUNGE and MOVE, which must cover the expunge just made.
        self.fill("Trim", 4)
        self.connect().create("TrimOut")
        a = self.connect(qresync=True)
        a.select("Trim")
        a.response("HIGHESTMODSEQ")
        a.uid("STORE", "1:2", "+FLAGS.SILENT", r"(\Deleted)")
        typ, _ = a.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(a.response("VANISHED")[1], [b"1:2"])
        after_expunge = int(a.response("HIGHESTMODSEQ")[1][0])
        typ, _ = a.uid("EXPUNGE", "3")   # nothing \Deleted there: still answered with the value
        self.assertEqual(typ, "OK")
        self.assertEqual(int(a.response("HIGHESTMODSEQ")[1][0]), after_expunge)
        typ, _ = a.uid("MOVE", "3", "TrimOut")
        self.assertEqual(typ, "OK")
        self.assertEqual(a.response("VANISHED")[1], [b"3"])
        after_move = int(a.response("HIGHESTMODSEQ")[1][0])
        self.assertGreater(after_move, after_expunge)
        a.close()
        self.assertEqual(self.status_modseq("Trim"), after_move)
        # Without QRESYNC, no code: a CONDSTORE-only client is not told.
        b = self.connect()
        b.select("Trim")
        b.response("HIGHESTMODSEQ")
        typ, _ = b.expunge()
        self.assertEqual(typ, "OK")
        self.assertEqual(b.response("HIGHESTMODSEQ")[1], [None])
        a.logout()
        b.logout()

    def test_deferred_expunge_comes_with_a_safe_highestmodseq(self):
        # RFC 7162 §3.2: while an expunge waits (a FETCH may not announce it, RFC 3501 §7.4.1)
        # and FETCH shows higher MODSEQs, the server names a HIGHESTMODSEQ below the expunge's.
        self.fill("Pending", 3)
        a = self.connect()
        typ, _ = a._simple_command("SELECT", "Pending", "(CONDSTORE)")
        self.assertEqual(typ, "OK")
        a.state = "SELECTED"
        start = int(a.response("HIGHESTMODSEQ")[1][-1])
        b = self.connect()
        b.select("Pending")
        b.uid("STORE", "2", "+FLAGS.SILENT", r"(\Deleted)")
        b.expunge()
        b.uid("STORE", "1", "+FLAGS", r"(\Flagged)")
        typ, data = a.fetch("1", "(FLAGS)")
        self.assertEqual(typ, "OK")
        self.assertIsNone(a.response("EXPUNGE")[1][0])   # not during FETCH
        safe = [int(x) for x in a.response("HIGHESTMODSEQ")[1]]
        self.assertEqual(safe, [start])
        typ, _ = a.noop()
        self.assertEqual(a.response("EXPUNGE")[1], [b"2"])
        self.assertEqual(a.response("HIGHESTMODSEQ")[1], [None])   # nothing pending any more
        a.logout()
        b.logout()

    def test_silent_store_still_reports_another_sessions_change(self):
        # Another session flagged the message after this one last heard of it; a STORE
        # .SILENT here must not hide that change for good (the client would never see it).
        self.fill("Quiet", 2)
        a = self.connect()
        a.select("Quiet")
        b = self.connect()
        b.select("Quiet")
        b.uid("STORE", "1", "+FLAGS", r"(\Flagged)")
        typ, data = a.uid("STORE", "1:2", "+FLAGS.SILENT", r"(\Seen)")
        self.assertEqual(typ, "OK")
        lines = [d for d in data if d]
        self.assertEqual(len(lines), 1, lines)   # message 1 only: 2 changed only here
        self.assertIn(b"UID 1", lines[0])
        self.assertIn(b"\\Flagged", lines[0])
        self.assertIn(b"\\Seen", lines[0])
        typ, _ = a.noop()
        self.assertEqual(a.response("FETCH")[1], [None])   # told once, not again by the sync
        a.logout()
        b.logout()

    def test_changedsince_with_implicit_seen_shows_and_marks_only_the_changed(self):
        self.fill("Since", 3)
        a = self.connect()
        a.select("Since")
        typ, data = a.fetch("1:*", "(MODSEQ)")
        since = max(int(x) for x in re.findall(rb"MODSEQ \((\d+)\)", b" ".join(data)))
        a.uid("STORE", "2", "+FLAGS", r"(\Answered)")
        typ, data = a._simple_command("FETCH", "1:*", "(BODY[TEXT])", f"(CHANGEDSINCE {since})")
        self.assertEqual(typ, "OK", data)
        shown = a.response("FETCH")[1]
        self.assertEqual(len([x for x in shown if isinstance(x, tuple)]), 1, shown)
        self.assertTrue(shown[0][0].startswith(b"2 (UID 2 "), shown)
        typ, data = a.fetch("1:*", "(FLAGS)")
        flags = {int(line.split()[0]): line for line in data}
        self.assertNotIn(b"\\Seen", flags[1])
        self.assertIn(b"\\Seen", flags[2])
        self.assertNotIn(b"\\Seen", flags[3])
        a.logout()


if __name__ == "__main__":
    unittest.main()
