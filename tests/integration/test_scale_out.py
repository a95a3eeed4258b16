"""Several `pillarbox serve` front ends on one PostgreSQL database ([store] backend =
"postgresql"; docs/deployment.md). Runs only on that store: CTest registers it as
integration_pg.test_scale_out alone (tests/CMakeLists.txt), and it fails when run on SQLite.

- A change through one front end (APPEND, STORE, EXPUNGE, an LMTP delivery) reaches sessions in
  IDLE on the other two with no command from them: IDLE never polls, so whatever arrives came
  by LISTEN/NOTIFY. The bound here is generous (5 s, a liveness check); the time it takes is
  printed, and measured in bench/scale_out.py (docs/benchmarks.md).
- 30 clients, 10 on each of 3 front ends, APPEND to one mailbox at once: the UIDs are 1..N with
  no gap and no repeat, in the order of their MODSEQs, and HIGHESTMODSEQ never goes down.
- A front end killed (SIGKILL) while its clients append leaves nothing locked: the others go on
  writing to the same mailbox, no transaction stays open, every APPEND it acknowledged is kept
  and the UIDs still have no gap.
"""
import imaplib
import queue
import re
import signal
import statistics
import threading
import time
import unittest

import pgtest
from imapraw import RawImap
from lmtpraw import Lmtp
from pbserver import PillarboxServer

PASSWORD = "scale-out-pw"
PUSH_BOUND = 5.0   # seconds: an update that has not arrived by then never will (IDLE never polls)


def message(n, subject="scale-out"):
    return (f"From: sender@example.org\r\nTo: someone@example.org\r\nSubject: {subject} {n}\r\n"
            f"Message-ID: <{subject}-{n}-{time.monotonic_ns()}@example.org>\r\n\r\nbody {n}\r\n").encode()


def login(srv, user):
    c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
    c.login(user, PASSWORD)
    return c


def appenduid(response):
    """(UIDVALIDITY, UID) from an APPEND's tagged OK (RFC 4315 APPENDUID)."""
    m = re.search(rb"\[APPENDUID (\d+) (\d+)\]", response[1][0])
    return int(m.group(1)), int(m.group(2))


class IdleWatcher:
    """A raw session in IDLE on `mailbox`; a thread stamps every line that arrives."""

    def __init__(self, srv, user, mailbox):
        self.raw = RawImap.connect(srv.imap_port)
        self.raw.greeting()
        self.raw.command(f'l LOGIN {user} "{PASSWORD}"')
        self.raw.command(f"s SELECT {mailbox}")
        self.raw.send(b"i IDLE\r\n")
        assert self.raw.readline().startswith(b"+"), "no IDLE continuation"
        self.lines = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            while True:
                line = self.raw.readline()
                self.lines.put((time.monotonic(), line))
        except Exception:   # noqa: BLE001 - the connection closed: the reader's work is done
            self.lines.put((time.monotonic(), None))

    def wait_for(self, pattern):
        """The time the first line matching `pattern` (bytes regex) arrived; fails after PUSH_BOUND."""
        deadline = time.monotonic() + PUSH_BOUND
        while True:
            try:
                at, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} within {PUSH_BOUND} s") from None
            if line is None:
                raise AssertionError(f"connection closed before a line matching {pattern!r}")
            if re.search(pattern, line):
                return at

    def close(self):
        try:
            self.raw.send(b"DONE\r\n")
            self.raw.close()
        except OSError:
            pass


class ThreeFrontEnds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not pgtest.wanted():
            raise RuntimeError("front ends share only a PostgreSQL store: run this test as CTest's "
                               "integration_pg.test_scale_out (PILLARBOX_TEST_STORE=postgresql)")
        cls.servers = [PillarboxServer()]
        try:
            cls.servers += [PillarboxServer(share_store_of=cls.servers[0]) for _ in range(2)]
            for srv in cls.servers:
                srv.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for srv in reversed(cls.servers):   # the first one drops the database, so it goes last
            srv.__exit__(None, None, None)

    def add_user(self, user):
        self.servers[0].add_user(user, PASSWORD)

    def test_changes_reach_idle_sessions_on_the_other_front_ends(self):
        user = "idle@example.org"
        self.add_user(user)
        a, b, c = self.servers
        watchers = [IdleWatcher(b, user, "INBOX"), IdleWatcher(c, user, "INBOX")]
        writer = login(a, user)
        latencies = []

        def expect_everywhere(sent_at, pattern):
            for w in watchers:
                latencies.append(w.wait_for(pattern) - sent_at)

        try:
            sent = time.monotonic()
            writer.append("INBOX", None, None, message(1))
            expect_everywhere(sent, rb"^\* 1 EXISTS")
            writer.select("INBOX")
            sent = time.monotonic()
            writer.store("1", "+FLAGS", r"(\Flagged)")
            expect_everywhere(sent, rb"^\* 1 FETCH \(.*FLAGS \([^)]*\\Flagged")
            lmtp = Lmtp("127.0.0.1", a.lmtp_port)
            sent = time.monotonic()
            lmtp.sendmail("sender@example.org", [user], message(2))
            lmtp.quit()
            expect_everywhere(sent, rb"^\* 2 EXISTS")
            writer.store("1", "+FLAGS", r"(\Deleted)")
            sent = time.monotonic()
            writer.expunge()
            expect_everywhere(sent, rb"^\* 1 EXPUNGE")
        finally:
            writer.logout()
            for w in watchers:
                w.close()
        print(f"\nIDLE on the other front ends: {len(latencies)} updates, command sent -> untagged "
              f"response: median {statistics.median(latencies) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")

    def test_thirty_clients_append_at_once_without_colliding(self):
        user, mailbox, per_client = "many@example.org", "Shared", 5
        self.add_user(user)
        first = login(self.servers[0], user)
        first.create(mailbox)
        first.logout()
        results, errors = [], []
        modseqs, stop = [], threading.Event()

        def client(srv, n):
            try:
                conn = login(srv, user)
                for i in range(per_client):
                    results.append(appenduid(conn.append(mailbox, None, None, message(n * 100 + i))))
                conn.logout()
            except Exception as e:   # noqa: BLE001 - reported below
                errors.append(f"client {n} on port {srv.imap_port}: {e!r}")

        def watch_highestmodseq():
            conn = login(self.servers[2], user)
            while not stop.is_set():
                status = conn.status(mailbox, "(HIGHESTMODSEQ)")[1][0]
                modseqs.append(int(re.search(rb"HIGHESTMODSEQ (\d+)", status).group(1)))
            conn.logout()

        watcher = threading.Thread(target=watch_highestmodseq)
        watcher.start()
        threads = [threading.Thread(target=client, args=(self.servers[n % 3], n)) for n in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        watcher.join()
        self.assertEqual(errors, [])
        total = 30 * per_client
        self.assertEqual(len({v for v, _ in results}), 1, "one UIDVALIDITY")
        self.assertEqual(sorted(uid for _, uid in results), list(range(1, total + 1)),
                         "UIDs 1..N, each handed out once")
        self.assertEqual(modseqs, sorted(modseqs), "HIGHESTMODSEQ went down")
        conn = login(self.servers[1], user)
        conn.select(mailbox)
        typ, data = conn.uid("FETCH", "1:*", "(MODSEQ)")
        conn.logout()
        pairs = sorted((int(u), int(m)) for u, m in
                       (re.search(rb"UID (\d+) MODSEQ \((\d+)\)", d).groups() for d in data))
        self.assertEqual(len(pairs), total)
        by_uid = [m for _, m in pairs]
        self.assertEqual(by_uid, sorted(set(by_uid)), "MODSEQs grow with UIDs and are distinct")

    def test_a_killed_front_end_leaves_nothing_locked(self):
        user, mailbox = "killed@example.org", "INBOX"
        self.add_user(user)
        doomed = PillarboxServer(share_store_of=self.servers[0])
        doomed.start()
        acknowledged, started = [], threading.Event()

        def client(n):
            try:
                conn = login(doomed, user)
                for i in range(1000):
                    subject = f"doomed-{n}-{i}"
                    conn.append(mailbox, None, None, message(i, subject))
                    acknowledged.append(subject)
                    started.set()
            except Exception:   # noqa: BLE001 - the front end was killed under it: expected
                pass

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        try:
            for t in threads:
                t.start()
            self.assertTrue(started.wait(30), "no APPEND went through the doomed front end")
            time.sleep(0.5)   # appends in flight at every moment
            doomed.stop(signal.SIGKILL)
            for t in threads:
                t.join(30)
        finally:
            doomed.__exit__(None, None, None)
        # The survivors write to the same mailbox at once: nothing of the dead one holds its row.
        conn = login(self.servers[1], user)
        done = conn.append(mailbox, None, None, message(0, "after-the-kill"))
        self.assertEqual(done[0], "OK")
        conn.select(mailbox)
        typ, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        conn.logout()
        uids, subjects = [], set()
        for item in data:
            if isinstance(item, tuple):
                uids.append(int(re.search(rb"UID (\d+)", item[0]).group(1)))
                subjects.add(re.search(rb"Subject: (\S+)", item[1]).group(1).decode())
        self.assertEqual(sorted(uids), list(range(1, len(uids) + 1)), "a gap in the UIDs")
        self.assertEqual(set(acknowledged) - subjects, set(), "acknowledged APPENDs were lost")
        self.assertIn("after-the-kill", subjects)
        # No session of the killed front end stays inside a transaction or holds a lock.
        deadline = time.monotonic() + 30
        while True:
            open_tx = pgtest.run_sql(self.servers[0].database,
                                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                     " AND state LIKE 'idle in transaction%'")
            locks = pgtest.run_sql(self.servers[0].database,
                                   "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid"
                                   " WHERE s.datname = current_database() AND s.pid <> pg_backend_pid()"
                                   " AND l.locktype IN ('advisory', 'tuple', 'transactionid')")
            if open_tx == [("0",)] and locks == [("0",)]:
                break
            self.assertLess(time.monotonic(), deadline, f"open transactions {open_tx}, locks {locks}")
            time.sleep(0.2)


if __name__ == "__main__":
    unittest.main()
