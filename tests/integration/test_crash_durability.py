"""Crash durability: what the server acknowledged survives SIGKILL at any moment.

Fifty times: the server runs under concurrent load (two IMAP clients APPENDing, one toggling a
keyword with STORE, one EXPUNGEing with UID EXPUNGE, one COPYing to Archive, two LMTP
deliverers), and is killed with SIGKILL after a random 0.2 to 1.5 s. Every fifth message is
larger than [store] inline_max_octets, so both ways of keeping message bytes (in the database
and in a file) are cut short. With the server down, `pillarbox check --store` must find no
problem (SQLite's integrity check on both database files, every message's bytes present, UIDs
below UIDNEXT, MODSEQs within HIGHESTMODSEQ, counts right) and, after its cleanup pass, every
file under messages/ must be named by a row of the database (read here with Python's sqlite3,
not the server's own code). Then the server starts again and, over IMAP:

- every APPEND, COPY and LMTP delivery that was answered OK / 250 is there, with its size
  (and, for the last round's, its exact bytes);
- every message whose UID EXPUNGE was answered OK is gone, and stays gone;
- every keyword change answered OK is in force (a change in flight at the kill may or may not be);
- UIDVALIDITY never changes; a UID, once seen with a message, never names another message
  later; UIDNEXT is above every UID ever seen, so none is handed out twice;
- no message appears twice.

A command in flight at the kill may or may not have happened; the test tracks those as
uncertain and checks only what the server promised.
"""
import hashlib
import imaplib
import os
import random
import re
import smtplib
import sqlite3
import threading
import time
import unittest

from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "pw-crash-1"
ROUNDS = int(os.environ.get("PILLARBOX_CRASH_ROUNDS", "50"))
KEYWORD = "$Flip"
FETCH_RE = re.compile(rb"UID (\d+)")
FLAGS_RE = re.compile(rb"FLAGS \(([^)]*)\)")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


def make_message(token, big):
    body = (("%s line of the body\r\n" % token) * (2300 if big else 3)).encode()
    return (f"From: load@example.org\r\nTo: {USER}\r\nSubject: crash test {token}\r\n"
            f"Message-ID: <{token}@crash.example>\r\nX-Token: {token}\r\n\r\n").encode() + body


class Model:
    """What the server acknowledged, and what is uncertain because the kill cut it short."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = {}        # token -> bytes, every message ever sent
        self.placed = {}          # (mailbox, uid) -> token: acknowledged APPEND/COPY
        self.delivered = set()    # tokens acknowledged by LMTP (UID unknown)
        self.expunged = set()     # (mailbox, uid) whose UID EXPUNGE was acknowledged
        self.maybe_expunged = set()
        self.keyword = {}         # (mailbox, uid) -> bool, acknowledged STORE state of $Flip
        self.keyword_unknown = set()
        self.seen = {"INBOX": {}, "Archive": {}}   # uid -> token, everything ever observed
        self.uidvalidity = {}
        self.last_round = set()   # tokens acknowledged in the latest round: bytes compared
        # Work handed from the appenders to the other clients.
        self.for_store, self.for_expunge, self.for_copy = [], [], []
        self.counter = 0

    def new_token(self, prefix):
        with self.lock:
            self.counter += 1
            return f"{prefix}{self.counter}x{random.randrange(1 << 30):x}"

    def observe(self, mailbox, uid, token, where):
        known = self.seen[mailbox].get(uid)
        if known is not None and known != token:
            raise AssertionError(f"{mailbox} UID {uid} held {known} and now {token} ({where}): a UID was reused")
        self.seen[mailbox][uid] = token


def response_code(data, name):
    """The numbers of a response code such as [APPENDUID v uid] in an imaplib answer."""
    for item in data:
        text = item if isinstance(item, bytes) else b""
        m = re.search(rb"\[" + name.encode() + rb" ([^\]]*)\]", text)
        if m:
            return m.group(1).split()
    return None


class Load:
    """The clients of one round; each stops at the first connection error (the kill)."""

    def __init__(self, server, model, stop):
        self.server, self.model, self.stop = server, model, stop
        self.errors = []

    def imap(self):
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port, timeout=30)
        c.login(USER, PASSWORD)
        c.select("INBOX")
        return c

    def run(self, body):
        try:
            body()
        except (OSError, imaplib.IMAP4.abort, smtplib.SMTPServerDisconnected, EOFError):
            pass   # the kill; what was in flight is recorded as uncertain by the body
        except Exception as e:   # a wrong answer from a live server is a failure
            self.errors.append(repr(e))

    def appender(self, n):
        c = self.imap()
        m = self.model
        i = 0
        while not self.stop.is_set():
            i += 1
            token = m.new_token(f"a{n}-")
            message = make_message(token, big=(i % 5 == 0))
            with m.lock:
                m.messages[token] = message
            typ, data = c.append("INBOX", None, None, message)
            if typ != "OK":
                raise AssertionError(f"APPEND refused: {data}")
            validity, uid = (int(x) for x in response_code(data, "APPENDUID"))
            with m.lock:
                if m.uidvalidity.setdefault("INBOX", validity) != validity:
                    raise AssertionError(f"APPENDUID gave UIDVALIDITY {validity}, was {m.uidvalidity['INBOX']}")
                m.observe("INBOX", uid, token, "APPENDUID")
                m.placed[("INBOX", uid)] = token
                m.last_round.add(token)
                (m.for_store, m.for_expunge, m.for_copy)[i % 3].append(uid)

    def take(self, queue, c):
        """The next UID from `queue`, once session `c` has seen it arrive (a UID command acts
        on the messages the session knows of; one it has not heard of yet is not there for it)."""
        while not self.stop.is_set():
            with self.model.lock:
                uid = queue.pop(0) if queue else None
            if uid is not None:
                c.noop()
                return uid
            time.sleep(0.005)
        return None

    def storer(self):
        c = self.imap()
        m = self.model
        mine = []
        while not self.stop.is_set():
            uid = self.take(m.for_store, c) if not mine or random.random() < 0.5 else random.choice(mine)
            if uid is None:
                return
            if uid not in mine:
                mine.append(uid)
            key = ("INBOX", uid)
            want = not m.keyword.get(key, False)
            with m.lock:
                m.keyword_unknown.add(key)
            typ, data = c.uid("STORE", str(uid), "+FLAGS.SILENT" if want else "-FLAGS.SILENT", f"({KEYWORD})")
            if typ != "OK":
                raise AssertionError(f"STORE refused: {data}")
            with m.lock:
                m.keyword[key] = want
                m.keyword_unknown.discard(key)

    def expunger(self):
        c = self.imap()
        m = self.model
        while not self.stop.is_set():
            uid = self.take(m.for_expunge, c)
            if uid is None:
                return
            key = ("INBOX", uid)
            with m.lock:
                m.maybe_expunged.add(key)
            typ, data = c.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
            if typ != "OK":
                raise AssertionError(f"STORE \\Deleted refused: {data}")
            typ, data = c.uid("EXPUNGE", str(uid))
            if typ != "OK":
                raise AssertionError(f"UID EXPUNGE refused: {data}")
            with m.lock:
                m.expunged.add(key)
                m.maybe_expunged.discard(key)

    def copier(self):
        c = self.imap()
        m = self.model
        while not self.stop.is_set():
            uid = self.take(m.for_copy, c)
            if uid is None:
                return
            typ, data = c.uid("COPY", str(uid), "Archive")
            if typ != "OK":
                raise AssertionError(f"COPY refused: {data}")
            # imaplib keeps the tagged OK's response code with the untagged responses.
            _, codes = c.response("COPYUID")
            if not codes or codes[-1] is None:
                raise AssertionError(f"UID COPY answered without COPYUID: {data}")
            validity, source, target = codes[-1].split()
            with m.lock:
                if m.uidvalidity.setdefault("Archive", int(validity)) != int(validity):
                    raise AssertionError("COPYUID gave another UIDVALIDITY for Archive")
                token = m.placed[("INBOX", int(source))]
                m.observe("Archive", int(target), token, "COPYUID")
                m.placed[("Archive", int(target))] = token

    def deliverer(self, n):
        m = self.model
        lmtp = smtplib.LMTP("127.0.0.1", self.server.lmtp_port, timeout=30)
        lmtp.ehlo("load.example")
        i = 0
        while not self.stop.is_set():
            i += 1
            token = m.new_token(f"l{n}-")
            message = make_message(token, big=(i % 5 == 0))
            with m.lock:
                m.messages[token] = message
            refused = lmtp.sendmail("load@example.org", [USER], message)
            if refused:
                raise AssertionError(f"LMTP refused: {refused}")
            with m.lock:
                m.delivered.add(token)
                m.last_round.add(token)
            time.sleep(0.01)   # LMTP is cheap: without a pause it would be nearly all the load

    def start(self):
        bodies = [lambda: self.appender(1), lambda: self.appender(2), self.storer, self.expunger, self.copier,
                  lambda: self.deliverer(1), lambda: self.deliverer(2)]
        self.threads = [threading.Thread(target=self.run, args=(b,), daemon=True) for b in bodies]
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join(60)
            if t.is_alive():
                raise AssertionError("a load client hung after the kill")


class CrashDurability(unittest.TestCase):
    def setUp(self):
        self.server = PillarboxServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.server.add_user(USER, PASSWORD)
        self.model = Model()

    def files_without_rows(self):
        """Message files the database does not name, read without the server's code."""
        data = self.server.data
        db = sqlite3.connect(f"file:{os.path.join(data, 'pillarbox.sqlite3')}?mode=ro", uri=True)
        try:
            ids = {row[0] for row in db.execute("SELECT id FROM blobs")}
        finally:
            db.close()
        stray = []
        root = os.path.join(data, "messages")
        for sub in os.listdir(root):
            for name in os.listdir(os.path.join(root, sub)):
                if name not in ids:
                    stray.append(f"{sub}/{name}")
        return stray

    def fetch_all(self, c, mailbox):
        typ, data = c.select(mailbox, readonly=True)
        self.assertEqual(typ, "OK", data)
        validity = int(c.response("UIDVALIDITY")[1][0])
        uidnext = int(c.response("UIDNEXT")[1][0])
        found = {}
        if int(data[0]) > 0:
            items = "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (X-TOKEN)])"
            typ, rows = c.uid("FETCH", "1:*", items)
            self.assertEqual(typ, "OK", rows)
            for row in rows:
                if not isinstance(row, tuple):
                    continue
                head, header = row
                uid = int(FETCH_RE.search(head).group(1))
                flags = FLAGS_RE.search(head).group(1).decode().split()
                size = int(SIZE_RE.search(head).group(1))
                token = header.decode().split(":", 1)[1].strip() if b":" in header else ""
                found[uid] = (token, flags, size)
        return validity, uidnext, found

    def verify(self, round_number):
        m = self.model
        where = f"after kill {round_number}"
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port, timeout=60)
        c.login(USER, PASSWORD)
        tokens_present = {}
        for mailbox in ("INBOX", "Archive"):
            validity, uidnext, found = self.fetch_all(c, mailbox)
            self.assertEqual(m.uidvalidity.setdefault(mailbox, validity), validity, f"{mailbox} UIDVALIDITY changed {where}")
            tokens = [t for t, _, _ in found.values()]
            self.assertEqual(len(tokens), len(set(tokens)), f"a message appears twice in {mailbox} {where}")
            for uid, (token, flags, size) in found.items():
                m.observe(mailbox, uid, token, where)
                # LMTP puts trace fields (Return-Path, Delivered-To, Received) above the message.
                sent = len(m.messages[token])
                if token.startswith("l"):
                    self.assertGreater(size, sent, f"{mailbox} UID {uid} has the wrong size {where}")
                else:
                    self.assertEqual(size, sent, f"{mailbox} UID {uid} has the wrong size {where}")
                tokens_present.setdefault(mailbox, {})[token] = uid
                key = (mailbox, uid)
                self.assertNotIn(key, m.expunged, f"{mailbox} UID {uid} came back after its EXPUNGE was acknowledged {where}")
                if key in m.keyword and key not in m.keyword_unknown:
                    self.assertEqual(KEYWORD in flags, m.keyword[key],
                                     f"{mailbox} UID {uid}: acknowledged STORE of {KEYWORD} lost {where}")
            self.assertGreater(uidnext, max(m.seen[mailbox], default=0),
                               f"{mailbox} UIDNEXT {uidnext} is not above UIDs already seen {where}")
            for (box, uid), token in m.placed.items():
                if box != mailbox or (box, uid) in m.expunged or (box, uid) in m.maybe_expunged:
                    continue
                self.assertIn(uid, found, f"acknowledged {mailbox} UID {uid} ({token}) lost {where}")
        inbox = tokens_present.get("INBOX", {})
        for token in m.delivered:   # nobody expunges these
            self.assertIn(token, inbox, f"LMTP delivery {token}, answered 250, is lost {where}")
        # The last round's acknowledged messages, byte for byte.
        c.select("INBOX", readonly=True)
        for token in sorted(m.last_round)[:40]:
            uid = inbox.get(token)
            if uid is None:
                continue
            typ, data = c.uid("FETCH", str(uid), "(BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            got = data[0][1]
            if token.startswith("l"):
                self.assertTrue(got.endswith(m.messages[token]), f"INBOX UID {uid} ({token}) changed {where}")
            else:
                self.assertEqual(got, m.messages[token], f"INBOX UID {uid} ({token}) changed {where}")
        m.last_round.clear()
        c.logout()

    def test_sigkill_under_load_loses_nothing_acknowledged(self):
        rng = random.Random(int(os.environ.get("PILLARBOX_CRASH_SEED", str(int(time.time())))))
        orphans = 0   # files of APPENDs and expunges the kill cut short, removed by check --store
        for round_number in range(1, ROUNDS + 1):
            self.server.start()
            if round_number > 1:
                self.verify(round_number - 1)
            stop = threading.Event()
            load = Load(self.server, self.model, stop)
            load.start()
            time.sleep(rng.uniform(0.2, 1.5))
            self.server.proc.kill()          # SIGKILL
            self.server.proc.wait()
            stop.set()
            load.join()
            self.assertEqual(load.errors, [], f"wrong answers before kill {round_number}")
            self.server.stop()               # closes its log; the process is already gone
            check = self.server.cli("check", "--store", check=False)
            out = check.stdout.decode() + check.stderr.decode()
            self.assertEqual(check.returncode, 0, f"check --store after kill {round_number}:\n{out}")
            self.assertIn("no problems found", out)
            removed = re.search(r"(\d+) message files? that nothing referred to removed", out)
            self.assertIsNotNone(removed, out)
            orphans += int(removed.group(1))
            self.assertEqual(self.files_without_rows(), [], f"message files without a row after kill {round_number}")
        self.server.start()
        self.verify(ROUNDS)
        m = self.model
        acknowledged = len(m.placed) + len(m.delivered)
        # The load must have done something worth checking in most rounds.
        self.assertGreater(acknowledged, ROUNDS * 5, "the load was too small to test anything")
        self.assertGreater(len(m.expunged), ROUNDS // 2)
        self.assertGreater(len([k for k in m.placed if k[0] == "Archive"]), ROUNDS // 2)
        self.assertGreater(len(m.keyword), ROUNDS // 2)
        print(f"\n{ROUNDS} kills: {len(m.placed)} APPEND/COPY and {len(m.delivered)} LMTP deliveries acknowledged, "
              f"{len(m.expunged)} expunges, {len(m.keyword)} messages with keyword changes; nothing lost; "
              f"{orphans} message files left by cut-short writes removed by check --store")


if __name__ == "__main__":
    unittest.main()
