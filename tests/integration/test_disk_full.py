"""Disk full: the data directory sits on a small filesystem of its own (tmpfs, mounted by the
test; it needs root, as the README's test command runs), which is then filled.

- Writes fail with a clear temporary answer and lose nothing: IMAP APPEND of large messages
  (kept in files) and of small ones (kept in the database) gets `NO [UNAVAILABLE]`, CREATE and
  STORE get `NO` or succeed (they write a few bytes, which may still fit), and LMTP answers
  `452 4.3.1` (RFC 3463: mail system full), a temporary failure the MTA retries, never a
  bounce. The sessions stay usable.
- Nothing already stored is damaged: every message stored before is fetched byte for byte
  while the disk is full, after space returns, and after a restart, and `pillarbox check
  --store` finds no problem.
- Service resumes when space returns, without a restart: the same sessions APPEND again, and
  LMTP delivers.
"""
import imaplib
import os
import smtplib
import subprocess
import tempfile
import unittest

from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "pw-full-1"
SIZE_MB = 32


def message(i, size):
    head = f"From: bob@example.org\r\nSubject: message {i}\r\nMessage-ID: <{i}@full.example>\r\n\r\n".encode()
    line = f"line of message {i} ".encode().ljust(76, b"x") + b"\r\n"
    return head + line * max(1, size // len(line))


class DiskFull(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("mounting a small filesystem needs root (the README's test command runs as root)")

    def setUp(self):
        self.server = PillarboxServer()
        self.addCleanup(self.server.__exit__, None, None, None)
        os.makedirs(self.server.data)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m,mode=0700", "tmpfs", self.server.data],
                       check=True, capture_output=True)
        # After the server's stop (cleanups run last-in first-out).
        self.addCleanup(subprocess.run, ["umount", "-l", self.server.data], capture_output=True)
        self.server.add_user(USER, PASSWORD)
        self.server.start()
        self.filler = os.path.join(self.server.data, "filler")

    def free_bytes(self):
        st = os.statvfs(self.server.data)
        return st.f_bavail * st.f_frsize

    def fill(self, leave):
        """Fills the filesystem until only `leave` bytes are free."""
        with open(self.filler, "ab") as f:
            while self.free_bytes() > leave:
                f.write(b"\0" * min(1 << 20, self.free_bytes() - leave))
                f.flush()
                os.fsync(f.fileno())

    def imap(self):
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port, timeout=60)
        c.login(USER, PASSWORD)
        self.assertEqual(c.select("INBOX")[0], "OK")
        return c

    def assert_all_intact(self, c, stored, when):
        for uid, data in stored.items():
            typ, got = c.uid("FETCH", str(uid), "(BODY.PEEK[])")
            self.assertEqual(typ, "OK", f"{when}: {got}")
            self.assertTrue(got and isinstance(got[0], tuple), f"{when}: UID {uid} is gone: {got}")
            self.assertEqual(got[0][1], data, f"{when}: UID {uid} changed")

    def append_until_refused(self, c, stored, size, start):
        """APPENDs messages of `size` octets until one is refused; returns the refusal."""
        for i in range(start, start + 100000):
            data = message(i, size)
            typ, answer = c.append("INBOX", None, None, data)
            if typ != "OK":
                return typ, answer[0].decode()
            uid = int(answer[0].split()[2].rstrip(b"]"))
            stored[uid] = data
        self.fail("the disk never filled")

    def lmtp(self, i):
        with smtplib.LMTP("127.0.0.1", self.server.lmtp_port, timeout=60) as lmtp:
            lmtp.ehlo("mta.example")
            try:
                refused = lmtp.sendmail("bob@example.org", [USER], message(i, 2000))
            except smtplib.SMTPRecipientsRefused as e:
                return e.recipients[USER]
            except smtplib.SMTPDataError as e:
                return e.smtp_code, e.smtp_error
            return refused.get(USER, (250, b""))

    def test_full_disk_refuses_writes_keeps_mail_and_recovers(self):
        c = self.imap()
        stored = {}
        # Mail from before: files and database rows.
        for i, size in enumerate((200_000, 1_000, 150_000, 3_000)):
            data = message(i, size)
            typ, answer = c.append("INBOX", None, None, data)
            self.assertEqual(typ, "OK", answer)
            stored[int(answer[0].split()[2].rstrip(b"]"))] = data
        self.assertEqual(c.create("Before")[0], "OK")

        self.fill(leave=3 << 20)
        # Large messages, each in a file of its own, until the disk refuses one.
        typ, text = self.append_until_refused(c, stored, 400_000, 100)
        self.assertEqual(typ, "NO", text)
        self.assertIn("[UNAVAILABLE]", text)
        # Small messages, kept in the database, until it refuses too.
        self.fill(leave=0)
        typ, text = self.append_until_refused(c, stored, 2_000, 10_000)
        self.assertEqual(typ, "NO", text)
        self.assertIn("[UNAVAILABLE]", text)
        self.assertLess(self.free_bytes(), 64 << 10)

        # LMTP: a temporary failure, so the MTA keeps the message and tries again.
        code, text = self.lmtp(20_000)
        self.assertEqual(code, 452, text)
        self.assertIn(b"4.3.1", text)

        # Other writes: refused cleanly or done; the session goes on either way.
        for command, args in (("CREATE", ("During",)), ("STORE", ("1", "+FLAGS", r"(\Flagged)")),
                              ("SUBSCRIBE", ("Before",))):
            typ, answer = (c.uid("STORE", *args) if command == "STORE" else getattr(c, command.lower())(*args))
            self.assertIn(typ, ("OK", "NO"), f"{command}: {answer}")
        self.assertEqual(c.noop()[0], "OK")
        self.assert_all_intact(c, stored, "with the disk full")
        # A second session can still log in and read.
        other = self.imap()
        self.assert_all_intact(other, stored, "with the disk full, another session")

        # Space returns: the same sessions write again, without a restart.
        os.remove(self.filler)
        for i in range(30_000, 30_003):
            for size in (2_000, 300_000):
                data = message(i, size)
                typ, answer = c.append("INBOX", None, None, data)
                self.assertEqual(typ, "OK", f"APPEND after space returned: {answer}")
                stored[int(answer[0].split()[2].rstrip(b"]"))] = data
        self.assertEqual(other.create("After")[0], "OK")
        code, text = self.lmtp(40_000)
        self.assertEqual(code, 250, text)
        self.assert_all_intact(c, stored, "after space returned")
        other.logout()
        c.logout()

        # And after a restart, with the store checked while the server is down.
        self.server.stop()
        check = self.server.cli("check", "--store", check=False)
        self.assertEqual(check.returncode, 0, check.stdout.decode() + check.stderr.decode())
        self.assertIn(b"no problems found", check.stdout)
        self.server.start()
        c = self.imap()
        self.assert_all_intact(c, stored, "after a restart")
        c.logout()


if __name__ == "__main__":
    unittest.main()
