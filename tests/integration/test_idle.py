"""IDLE (RFC 2177) against the real binary: a change made elsewhere (another IMAP session's
APPEND, STORE, EXPUNGE, COPY, MOVE, an LMTP delivery, `pillarbox deliver`) reaches a session
waiting in IDLE without any command from it; the keepalive; DONE; BYE on shutdown and kick
during IDLE; the protocol log during IDLE.

The IDLE session is a raw socket, so the test sees exactly what arrives and when; the other
sessions use imaplib. Bounds are generous (2 s for an update to arrive): the test checks that
the update is pushed at all, not how fast, since without the wake-up nothing arrives until
the client's next command.
"""
import glob
import imaplib
import os
import select
import signal
import socket
import tempfile
import threading
import time
import unittest

from lmtpraw import Lmtp
from pbserver import PillarboxServer

ALICE, ALICE_PW = "alice@example.org", "secret one"
BOB, BOB_PW = "bob@example.org", "secret two"
PUSH_BOUND = 2.0   # seconds within which a pushed update must arrive (generous on purpose)
MESSAGE = b"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: hello\r\n\r\nbody\r\n"


class RawImap:
    """A raw IMAP connection: lines with timeouts, nothing hidden."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        assert self.line().startswith("* OK")

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def line(self, timeout=10):
        """The next line without CRLF; socket.timeout when none comes within `timeout`."""
        deadline = time.monotonic() + timeout
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout(f"no line within {timeout} s; unread {self.buf!r}")
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError(f"connection closed; unread {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def until_tagged(self, tag, timeout=10):
        """Lines up to and including the tagged one."""
        lines = []
        while True:
            lines.append(self.line(timeout))
            if lines[-1].startswith(tag + " "):
                return lines

    def command(self, tag, text):
        self.send(f"{tag} {text}")
        return self.until_tagged(tag)

    def nothing_within(self, seconds):
        """True when no byte arrives within `seconds`."""
        if self.buf:
            return False
        ready, _, _ = select.select([self.sock], [], [], seconds)
        return not ready

    def closed(self, timeout=10):
        """Everything read until the server closes the connection."""
        self.sock.settimeout(timeout)
        data = self.buf
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(4096)
            except ConnectionResetError:
                return data.decode("utf-8", "replace")
            if not chunk:
                return data.decode("utf-8", "replace")
            data += chunk

    def close(self):
        self.sock.close()


class IdleBase(unittest.TestCase):
    extra_config = ""

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config=cls.extra_config)
        cls.server.add_user(ALICE, ALICE_PW)
        cls.server.add_user(BOB, BOB_PW)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def other(self):
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port)
        c.login(ALICE, ALICE_PW)
        self.addCleanup(self._logout, c)
        return c

    @staticmethod
    def _logout(c):
        try:
            c.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def idler(self, mailbox):
        """A raw session of alice's with `mailbox` selected (None: none) and in IDLE."""
        r = RawImap(self.server.imap_port)
        self.addCleanup(r.close)
        self.assertTrue(r.command("l", f'LOGIN {ALICE} "{ALICE_PW}"')[-1].startswith("l OK"))
        if mailbox:
            lines = r.command("s", f"SELECT {mailbox}")
            self.assertTrue(lines[-1].startswith("s OK"), lines)
        r.send("i IDLE")
        self.assertEqual(r.line(), "+ idling")
        return r

    def expect_pushed(self, r, wanted):
        """Reads lines until each string of `wanted` has been seen, each within PUSH_BOUND of
        the previous; returns the lines read."""
        seen = []
        start = time.monotonic()
        while not all(any(w == line for line in seen) for w in wanted):
            left = PUSH_BOUND - (time.monotonic() - start)
            self.assertGreater(left, 0, f"waited {PUSH_BOUND} s for {wanted}; got {seen}")
            seen.append(r.line(timeout=left))
        return seen

    def pushed_line(self, r, predicate):
        """The first line that satisfies `predicate`, arriving within PUSH_BOUND."""
        start = time.monotonic()
        while True:
            left = PUSH_BOUND - (time.monotonic() - start)
            self.assertGreater(left, 0, f"waited {PUSH_BOUND} s for a pushed line")
            line = r.line(timeout=left)
            if predicate(line):
                return line

    def done(self, r):
        r.send("DONE")
        lines = r.until_tagged("i")
        self.assertTrue(lines[-1].startswith("i OK"), lines)
        return lines


class ChangesReachTheIdleSession(IdleBase):
    def test_append_from_another_session(self):
        c = self.other()
        c.create("Push1")
        r = self.idler("Push1")
        self.assertTrue(r.nothing_within(0.3))   # nothing to say before the change
        c.append("Push1", None, None, MESSAGE)
        self.expect_pushed(r, ["* 1 EXISTS", "* 1 RECENT"])
        c.append("Push1", None, None, MESSAGE)
        self.expect_pushed(r, ["* 2 EXISTS"])
        self.done(r)

    def test_store_expunge_copy_and_move_from_another_session(self):
        c = self.other()
        c.create("Push2")
        c.create("Push2b")
        for _ in range(3):
            c.append("Push2", None, None, MESSAGE)
        r = self.idler("Push2")
        c.select("Push2")
        c.store("2", "+FLAGS", r"(\Flagged)")
        fetch = self.pushed_line(r, lambda line: "FETCH" in line)
        self.assertRegex(fetch, r"^\* 2 FETCH \(.*\\Flagged")
        # EXPUNGE is allowed during IDLE (RFC 2177 §3).
        c.store("1", "+FLAGS", r"(\Deleted)")
        c.expunge()
        self.expect_pushed(r, ["* 1 EXPUNGE"])
        # COPY into the idle mailbox, then MOVE out of it.
        c.append("Push2b", None, None, MESSAGE)
        c.select("Push2b")
        self.assertEqual(c.copy("1", "Push2")[0], "OK")
        self.expect_pushed(r, ["* 3 EXISTS"])
        c.select("Push2")
        typ, _ = c._simple_command("MOVE", "1", "Push2b")
        self.assertEqual(typ, "OK")
        self.expect_pushed(r, ["* 1 EXPUNGE"])
        self.done(r)

    def test_lmtp_delivery_and_pillarbox_deliver(self):
        r = self.idler("INBOX")
        with Lmtp("127.0.0.1", self.server.lmtp_port) as lmtp:
            lmtp.sendmail("bob@example.org", [ALICE], MESSAGE)
        n = int(self.pushed_line(r, lambda line: line.endswith(" EXISTS")).split()[1])
        self.server.cli("deliver", ALICE, input=MESSAGE)
        self.expect_pushed(r, [f"* {n + 1} EXISTS"])
        self.done(r)

    def test_pillarbox_import(self):
        # An import by the administrator while the server runs: the two messages of the mbox
        # file reach the idling session without a command from it.
        self.assertEqual(self.other().create("Imported")[0], "OK")
        r = self.idler("Imported")
        with tempfile.TemporaryDirectory() as d:
            mbox = os.path.join(d, "old.mbox")
            with open(mbox, "wb") as f:
                for n in (1, 2):
                    f.write(b"From someone@example.org Mon Jan  1 00:00:00 2024\n" + MESSAGE.replace(b"\r\n", b"\n") + b"\n")
            self.server.cli("import", ALICE, mbox, "--mailbox", "Imported")
        self.expect_pushed(r, ["* 2 EXISTS"])
        self.done(r)

    def test_changes_while_not_idling_come_at_once_with_idle(self):
        c = self.other()
        c.create("Push3")
        r = RawImap(self.server.imap_port)
        self.addCleanup(r.close)
        r.command("l", f'LOGIN {ALICE} "{ALICE_PW}"')
        r.command("s", "SELECT Push3")
        c.append("Push3", None, None, MESSAGE)
        time.sleep(0.2)
        r.send("i IDLE")
        self.assertEqual(r.line(), "+ idling")
        self.expect_pushed(r, ["* 1 EXISTS"])
        self.done(r)

    def test_idle_without_a_mailbox_and_done_in_any_case(self):
        c = self.other()
        r = self.idler(None)
        c.create("Push4")
        c.append("Push4", None, None, MESSAGE)
        self.assertTrue(r.nothing_within(0.5))   # no mailbox, no updates
        r.send("dOnE")
        self.assertTrue(r.until_tagged("i")[-1].startswith("i OK"))
        # The session works on after IDLE.
        self.assertTrue(r.command("n", "NOOP")[-1].startswith("n OK"))

    def test_anything_but_done_ends_idle_with_bad(self):
        r = self.idler("INBOX")
        r.send("x NOOP")
        lines = r.until_tagged("i")
        self.assertTrue(lines[-1].startswith("i BAD"), lines)
        self.assertTrue(r.command("n", "NOOP")[-1].startswith("n OK"))

    def test_many_idle_sessions_all_hear_one_change(self):
        c = self.other()
        c.create("Push5")
        idlers = [self.idler("Push5") for _ in range(5)]
        c.append("Push5", None, None, MESSAGE)
        for r in idlers:
            self.expect_pushed(r, ["* 1 EXISTS"])
        for r in idlers:
            self.done(r)

    def test_selected_mailbox_deleted_ends_the_session_with_bye(self):
        # Another session deletes the mailbox under an IDLE session and under one between
        # commands: each hears BYE (no tagged answer) and is disconnected, not left answering
        # NO to every command or retrying the vanished mailbox in IDLE forever.
        c = self.other()
        c.create("Doomed")
        c.append("Doomed", None, None, MESSAGE)
        r = self.idler("Doomed")
        q = RawImap(self.server.imap_port)
        self.addCleanup(q.close)
        q.command("l", f'LOGIN {ALICE} "{ALICE_PW}"')
        self.assertTrue(q.command("s", "SELECT Doomed")[-1].startswith("s OK"))
        self.assertEqual(c.delete("Doomed")[0], "OK")
        bye = self.pushed_line(r, lambda line: line.startswith("* BYE"))
        self.assertEqual(bye, "* BYE Selected mailbox was deleted, have to disconnect")
        self.assertEqual(r.closed(), "")
        q.send("f FETCH 1 (FLAGS)")
        rest = q.closed().split("\r\n")
        self.assertIn("* BYE Selected mailbox was deleted, have to disconnect", rest)
        self.assertFalse(any(line.startswith("f ") for line in rest), rest)
        deadline = time.monotonic() + 5   # the log line follows the close
        while self.server.stderr().count("end=mailbox_deleted") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.server.stderr().count("end=mailbox_deleted"), 2)

    def test_a_session_that_leaves_during_idle_is_counted_out(self):
        before = self.server.who()["counted_sessions"]
        r = self.idler("INBOX")
        self.server.wait_for_sessions(before + 1)
        r.close()
        self.server.wait_for_sessions(before)


class Keepalive(IdleBase):
    extra_config = "[limits]\nidle_keepalive_seconds = 1\n"

    def test_still_here_every_second_and_not_outside_idle(self):
        r = self.idler("INBOX")
        start = time.monotonic()
        self.assertEqual(r.line(timeout=5), "* OK Still here")
        self.assertEqual(r.line(timeout=5), "* OK Still here")
        self.assertGreater(time.monotonic() - start, 1.0)   # not sooner than the interval
        self.done(r)
        self.assertTrue(r.nothing_within(1.5))   # only during IDLE


class NoKeepalive(IdleBase):
    extra_config = "[limits]\nidle_keepalive_seconds = 0\nidle_timeout_seconds = 3\n"

    def test_off_sends_nothing_and_the_autologout_still_ends_idle(self):
        # 0 turns the keepalive off; IDLE does not stop the autologout timer (RFC 9051 §5.4).
        r = self.idler("INBOX")
        rest = r.closed(timeout=15)
        self.assertNotIn("Still here", rest)
        self.assertIn("* BYE", rest)

    def test_changes_during_idle_do_not_postpone_the_autologout(self):
        c = self.other()
        c.create("Busy")
        r = self.idler("Busy")
        start = time.monotonic()
        stop = threading.Event()

        def keep_changing():   # a change every 0.3 s for up to 9 s, well past the 3 s timeout
            end = time.monotonic() + 9
            while not stop.is_set() and time.monotonic() < end:
                c.append("Busy", None, None, MESSAGE)
                time.sleep(0.3)

        writer = threading.Thread(target=keep_changing)
        writer.start()
        try:
            rest = r.closed(timeout=15)
        finally:
            stop.set()
            writer.join()
        elapsed = time.monotonic() - start
        self.assertIn("EXISTS", rest)   # the changes did reach it
        self.assertIn("* BYE", rest)
        self.assertLess(elapsed, 6.5, "the changes kept the idle session alive past its autologout")


class EndOfServer(unittest.TestCase):
    def start(self):
        srv = PillarboxServer()
        self.addCleanup(srv.__exit__, None, None, None)
        srv.add_user(ALICE, ALICE_PW)
        srv.start()
        r = RawImap(srv.imap_port)
        self.addCleanup(r.close)
        r.command("l", f'LOGIN {ALICE} "{ALICE_PW}"')
        r.command("s", "SELECT INBOX")
        r.send("i IDLE")
        self.assertEqual(r.line(), "+ idling")
        return srv, r

    def test_shutdown_during_idle_says_bye(self):
        srv, r = self.start()
        srv.proc.send_signal(signal.SIGTERM)
        rest = r.closed()
        self.assertIn("* BYE", rest)
        self.assertEqual(srv.stop(), 0)

    def test_kick_during_idle_says_bye(self):
        srv, r = self.start()
        srv.cli("kick", ALICE)
        rest = r.closed()
        self.assertIn("* BYE Disconnected by the administrator", rest)

    def test_protocol_log_records_idle(self):
        srv, r = self.start()
        srv.cli("log", "on", "--user", ALICE)
        # The log starts between commands; IDLE is one, so end it and start another.
        r.send("DONE")
        r.until_tagged("i")
        r.send("j IDLE")
        self.assertEqual(r.line(), "+ idling")
        srv.cli("deliver", ALICE, input=MESSAGE)
        self.assertEqual(r.line(timeout=PUSH_BOUND), "* 1 EXISTS")
        r.send("DONE")
        r.until_tagged("j")
        text = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "j OK" not in text:
            paths = glob.glob(os.path.join(srv.data, "protocol-log", "*", "*.log"))
            text = ""
            for p in paths:
                with open(p, encoding="utf-8", errors="replace") as f:
                    text += f.read()
            time.sleep(0.05)
        for wanted in ("C: j IDLE", "S: + idling", "S: * 1 EXISTS", "C: DONE", "S: j OK"):
            self.assertIn(wanted, text)


if __name__ == "__main__":
    unittest.main()
