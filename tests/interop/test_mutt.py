"""Mutt against the real server: interactive under tmux (index, pager, delete, save, flag) over
imap://, STARTTLS and imaps://, and batch mode (send with an IMAP Fcc). What mutt shows is read
back with `tmux capture-pane`; what it did is checked on the server with imaplib.

Mutt trusts the server's self-signed certificate (DATA/fullchain.pem) through certificate_file,
with host and date checks on. Set PB_MUTT_DEBUG=1 to keep mutt's protocol trace
(HOME/.muttdebug0 in the test's temp dir, printed on failure).
"""
import imaplib
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import interopkit as kit
from pbserver import PillarboxServer

PASSWORD = "mutt pass 1"
# Seconds for any one screen or state to appear. Every wait polls for a condition, so a long
# limit costs nothing when things work; it is long because beside heavy tests on 2 cores a
# TLS login and the first index can take many seconds.
WAIT = 120

# Maildir messages as stored on disk (LF line ends). The server serves them with CRLF.
MESSAGES = [
    ("1762077600.M1P1.host:2,S",
     b"From: Alice Able <alice.able@example.net>\n"
     b"To: Test User <user@example.org>\n"
     b"Subject: Quarterly report draft\n"
     b"Date: Mon, 2 Nov 2026 10:00:00 +0000\n"
     b"Message-ID: <report-1@example.net>\n"
     b"\n"
     b"The quarterly numbers look fine.\n"
     b"Please review section three before Thursday.\n"),
    ("1762164000.M2P1.host:2,",
     b"From: Bob Baker <bob@example.com>\n"
     b"To: user@example.org\n"
     b"Subject: Lunch on Friday?\n"
     b"Date: Tue, 3 Nov 2026 10:00:00 +0000\n"
     b"Message-ID: <lunch-2@example.com>\n"
     b"\n"
     b"Shall we meet at noon by the fountain?\n"),
    ("1762250400.M3P1.host:2,",
     b"From: Carol Chen <carol@example.org>\n"
     b"To: user@example.org\n"
     b"Subject: Holiday photos\n"
     b"Date: Wed, 4 Nov 2026 10:00:00 +0000\n"
     b"Message-ID: <photos-3@example.org>\n"
     b"MIME-Version: 1.0\n"
     b"Content-Type: multipart/mixed; boundary=\"sep42\"\n"
     b"\n"
     b"--sep42\n"
     b"Content-Type: text/plain; charset=us-ascii\n"
     b"\n"
     b"Here are the photos from the mountain trip.\n"
     b"--sep42\n"
     b"Content-Type: text/plain; name=\"packing-list.txt\"\n"
     b"Content-Disposition: attachment; filename=\"packing-list.txt\"\n"
     b"\n"
     b"boots, rope, stove\n"
     b"--sep42--\n"),
]
SUBJECTS = ["Quarterly report draft", "Lunch on Friday?", "Holiday photos"]
SENDERS = ["Alice Able", "Bob Baker", "Carol Chen"]


def crlf(b):
    return b.replace(b"\n", b"\r\n")


def write_maildir(path):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    for name, content in MESSAGES:
        with open(os.path.join(path, "cur", name), "wb") as f:
            f.write(content)


class Mutt:
    """One mutt process in a private tmux server, with its own HOME and muttrc."""

    def __init__(self, test, server, user, transport, extra="", args=()):
        self.test = test
        self.dir = tempfile.mkdtemp(prefix="pbmutt-")
        self.socket = os.path.join(self.dir, "tmux.sock")
        self.rc_path = os.path.join(self.dir, "rc")
        self.muttrc = os.path.join(self.dir, "muttrc")
        if transport == "imaps":
            folder = f"imaps://{user.replace('@', '%40')}@127.0.0.1:{server.imaps_port}/"
            tls = "set ssl_starttls=no\n"
        elif transport == "starttls":
            folder = f"imap://{user.replace('@', '%40')}@127.0.0.1:{server.imap_port}/"
            tls = "set ssl_starttls=yes\nset ssl_force_tls=yes\n"
        else:
            folder = f"imap://{user.replace('@', '%40')}@127.0.0.1:{server.imap_port}/"
            tls = "set ssl_starttls=no\nset ssl_force_tls=no\n"
        with open(self.muttrc, "w") as f:
            f.write(f'set folder="{folder}"\n'
                    f'set spoolfile="+INBOX"\n'
                    f'set imap_user="{user}"\n'
                    f'set imap_pass="{PASSWORD}"\n'
                    f'{tls}'
                    f'set certificate_file="{os.path.join(server.data, "fullchain.pem")}"\n'
                    f'set ssl_verify_host=yes\n'
                    f'set ssl_verify_dates=yes\n'
                    f'set header_cache=""\n'
                    f'set message_cachedir=""\n'
                    f'set tmpdir="{self.dir}"\n'
                    f'set sort=date\n'
                    f'set index_format="%4C [%Z] %-20.20n %s"\n'
                    f'set status_format="-STATUS- %f [Msgs:%m Del:%d Flag:%F] -END-"\n'
                    f'set pager_index_lines=0\n'
                    f'set pager_stop=yes\n'
                    f'set timeout=1\n'
                    f'set mail_check=1\n'
                    f'set imap_keepalive=300\n'
                    f'set imap_check_subscribed=no\n'
                    f'set confirmappend=no\n'
                    f'set confirmcreate=no\n'
                    f'set delete=yes\n'
                    f'set move=no\n'
                    f'set mark_old=no\n'
                    f'set quit=yes\n'
                    f'set wait_key=no\n'
                    f'set beep=no\n'
                    f'set help=no\n'
                    f'set record=""\n'
                    f'set sendmail="/bin/true"\n'
                    f'{extra}\n')
        self.env = dict(os.environ, HOME=self.dir, TERM="xterm", LC_ALL="C.UTF-8", LANG="C.UTF-8")
        self.env.pop("MAIL", None)
        self.env.pop("MAILCHECK", None)
        self.args = list(args)
        self.started = False

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], env=self.env,
                              capture_output=True, timeout=WAIT, check=check)

    def start(self):
        debug = ["-d", "5"] if os.environ.get("PB_MUTT_DEBUG") else []
        cmd = " ".join(["mutt", "-n", "-F", self.muttrc, *debug, *self.args])
        # The shell records mutt's exit status so batch runs can wait for it.
        self.tmux("new-session", "-d", "-s", "mutt", "-x", "200", "-y", "50",
                  f"{cmd} 2>{self.dir}/stderr; echo $? > {self.rc_path}; sleep 600")
        self.started = True
        return self

    def close(self):
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False
        if os.environ.get("PB_MUTT_DEBUG"):
            print(f"mutt debug log kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "mutt").stdout.decode("utf-8", "replace")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "mutt", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "mutt", "-l", text)

    def wait_for(self, what, timeout=WAIT):
        """Polls the screen until `what` (a string, or a predicate on the screen) holds."""
        test = what if callable(what) else (lambda s: what in s)
        deadline = time.time() + timeout
        screen = ""
        while time.time() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            if os.path.exists(self.rc_path) and os.path.getsize(self.rc_path) > 0:
                screen = self.screen()
                if test(screen):
                    return screen
                break
            time.sleep(0.1)
        self.test.fail(f"timed out waiting for {what!r}; mutt stderr: {self.stderr()!r}\n"
                       f"screen:\n{screen}{self.debug_log()}")

    def wait_exit(self, timeout=WAIT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with open(self.rc_path) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except OSError:
                pass
            time.sleep(0.1)
        self.test.fail(f"mutt did not exit; screen:\n{self.screen()}{self.debug_log()}")

    def stderr(self):
        try:
            with open(os.path.join(self.dir, "stderr"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def debug_log(self):
        path = os.path.join(self.dir, ".muttdebug0")
        if not os.path.exists(path):
            return ""
        with open(path, "rb") as f:
            return "\nmutt debug log (tail):\n" + f.read()[-6000:].decode("utf-8", "replace")


def index_rows(screen):
    """The index lines: (number, flags, sender, subject) per message row."""
    rows = []
    for line in screen.splitlines():
        m = re.match(r"^\s*(\d+) \[(.*?)\] (.{20}) (.*?)\s*$", line)
        if m:
            rows.append((int(m.group(1)), m.group(2), m.group(3).strip(), m.group(4)))
    return rows


def status_of(screen):
    m = re.search(r"-STATUS- (\S+) \[Msgs:(\d+)(?: Del:(\d+))?(?: Flag:(\d+))?\]", screen)
    return m


class MuttTest(kit.RecordsResult, unittest.TestCase):
    client = "mutt"
    users = ["view-imaps", "view-plain", "view-starttls", "delete", "save", "flag", "search", "batch",
             "send"]

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        try:
            maildir = os.path.join(cls.server.dir, "import-maildir")
            write_maildir(maildir)
            for u in cls.users:
                address = f"{u}@example.org"
                cls.server.add_user(address, PASSWORD)
                cls.server.cli("import", address, maildir)
            cls.server.start()
            for u in cls.users:
                c = cls.imap(f"{u}@example.org")
                # Every new account has them (with \Archive and \Sent, RFC 6154), empty.
                for box in ("Archive", "Sent"):
                    typ, data = c.status(box, "(MESSAGES)")
                    assert typ == "OK" and data == [f'"{box}" (MESSAGES 0)'.encode()], data
                c.logout()
        except BaseException:
            cls.server.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    @classmethod
    def imap(cls, address):
        c = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        c.login(address, PASSWORD)
        return c

    def setUp(self):
        self.mutts = []

    def tearDown(self):
        for m in self.mutts:
            m.close()

    def mutt(self, user, transport="imaps", extra="", args=()):
        m = Mutt(self, self.server, f"{user}@example.org", transport, extra, args)
        self.mutts.append(m)
        return m

    def mailbox_contents(self, address, mailbox):
        """[(uid, FETCH response text with FLAGS, bytes)] of a mailbox, read without side effects
        (EXAMINE, BODY.PEEK)."""
        c = self.imap(address)
        typ, data = c.select(f'"{mailbox}"', readonly=True)
        self.assertEqual(typ, "OK", data)
        out = []
        if int(data[0]) > 0:
            typ, data = c.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            self.assertEqual(typ, "OK", data)
            for i, item in enumerate(data):
                if not isinstance(item, tuple):
                    continue
                # The FLAGS may come before or after the literal; keep both halves.
                head = item[0].decode()
                if i + 1 < len(data) and isinstance(data[i + 1], bytes):
                    head += data[i + 1].decode()
                uid = int(re.search(r"UID (\d+)", head).group(1))
                out.append((uid, head, item[1]))
        c.logout()
        return out

    def flags_of(self, address, mailbox):
        c = self.imap(address)
        c.select(f'"{mailbox}"', readonly=True)
        typ, data = c.uid("FETCH", "1:*", "(FLAGS)")
        c.logout()
        flags = {}
        for line in data:
            if not line:
                continue
            m = re.search(rb"UID (\d+)", line)
            f = re.search(rb"FLAGS \(([^)]*)\)", line)
            flags[int(m.group(1))] = set(f.group(1).decode().split())
        return flags

    def wait_status(self, address, mailbox, messages, timeout=WAIT):
        """Polls STATUS until the mailbox holds `messages` messages."""
        deadline = time.time() + timeout
        c = self.imap(address)
        try:
            while True:
                typ, data = c.status(f'"{mailbox}"', "(MESSAGES)")
                n = int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))
                if n == messages or time.time() > deadline:
                    self.assertEqual(n, messages, f"{mailbox}: {data}")
                    return
                time.sleep(0.1)
        finally:
            c.logout()

    def wait_index(self, m, count):
        def ready(screen):
            st = status_of(screen)
            return st is not None and int(st.group(2)) == count and len(index_rows(screen)) == count
        return m.wait_for(ready)

    def check_index(self, screen, expected):
        rows = index_rows(screen)
        self.assertEqual([r[0] for r in rows], list(range(1, len(expected) + 1)), screen)
        self.assertEqual([(r[2], r[3]) for r in rows], expected, screen)
        return rows

    # ---- (a) the index and the pager, over each transport ----

    def view_index_and_pager(self, user, transport):
        m = self.mutt(user, transport).start()
        screen = self.wait_index(m, 3)
        rows = self.check_index(screen, list(zip(SENDERS, SUBJECTS)))
        # The first message is \Seen in the Maildir (":2,S"), the other two are new.
        self.assertNotIn("N", rows[0][1], screen)
        self.assertIn("N", rows[1][1], screen)
        self.assertIn("N", rows[2][1], screen)
        st = status_of(screen)
        self.assertIn("INBOX", st.group(1))

        # Open message 2: headers and body as stored.
        m.type("2")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.keys("Enter")
        screen = m.wait_for("Shall we meet at noon by the fountain?")
        self.assertIn("Subject: Lunch on Friday?", screen)
        self.assertIn("From: Bob Baker <bob@example.com>", screen)
        self.assertIn("Message-ID: <lunch-2@example.com>", screen)
        m.keys("i")
        self.wait_index(m, 3)

        # Open message 3: the multipart one shows its text part and names its attachment.
        m.type("3")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.keys("Enter")
        screen = m.wait_for("Here are the photos from the mountain trip.")
        self.assertIn("Subject: Holiday photos", screen)
        self.assertIn("packing-list.txt", screen)
        # The attachment menu lists both parts.
        m.keys("v")
        screen = m.wait_for(lambda s: re.search(r"2 packing-list\.txt +\[text/plain", s))
        self.assertRegex(screen, r"1 <no description> +\[text/plain, 7bit, us-ascii")
        m.keys("q")
        m.wait_for("Here are the photos")
        m.keys("i")
        self.wait_index(m, 3)
        m.keys("q")
        self.assertEqual(m.wait_exit(), 0, m.stderr())

        # Reading marked both messages \Seen on the server; nothing else changed.
        flags = self.flags_of(f"{user}@example.org", "INBOX")
        self.assertEqual(sorted(flags), [1, 2, 3])
        for uid in (1, 2, 3):
            self.assertIn("\\Seen", flags[uid], flags)
            self.assertNotIn("\\Deleted", flags[uid], flags)

    def test_index_and_pager_imaps(self):
        self.view_index_and_pager("view-imaps", "imaps")

    def test_index_and_pager_plain_imap(self):
        self.view_index_and_pager("view-plain", "imap")

    def test_index_and_pager_starttls(self):
        self.view_index_and_pager("view-starttls", "starttls")

    # ---- (b) changes made in mutt, checked on the server ----

    def test_delete_and_sync(self):
        address = "delete@example.org"
        before = self.mailbox_contents(address, "INBOX")
        m = self.mutt("delete").start()
        self.wait_index(m, 3)
        m.type("2")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.type("d")
        screen = m.wait_for(lambda s: (status_of(s) is not None and status_of(s).group(3) == "1"))
        rows = index_rows(screen)
        self.assertIn("D", rows[1][1], screen)
        m.type("$")
        screen = self.wait_index(m, 2)
        self.check_index(screen, [(SENDERS[0], SUBJECTS[0]), (SENDERS[2], SUBJECTS[2])])
        # Server side: UID 2 is gone, the others are untouched byte for byte.
        after = self.mailbox_contents(address, "INBOX")
        self.assertEqual([u for u, _, _ in after], [1, 3])
        self.assertEqual([b for _, _, b in after], [before[0][2], before[2][2]])
        self.assertEqual(after[0][2], crlf(MESSAGES[0][1]))
        self.assertEqual(after[1][2], crlf(MESSAGES[2][1]))
        m.keys("q")
        self.assertEqual(m.wait_exit(), 0, m.stderr())

    def test_save_to_other_folder_and_copy(self):
        address = "save@example.org"
        m = self.mutt("save").start()
        self.wait_index(m, 3)
        # Save (move) message 1 to =Archive.
        m.type("1")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.type("s")
        m.wait_for("Save to mailbox")
        m.keys("C-u")
        m.type("=Archive")
        m.keys("Enter")
        m.wait_for(lambda s: status_of(s) is not None and status_of(s).group(3) == "1")
        # Copy message 3 to =Sent (the original stays).
        m.type("3")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.type("C")
        m.wait_for("Copy to mailbox")
        m.keys("C-u")
        m.type("=Sent")
        m.keys("Enter")
        self.wait_status(address, "Sent", 1)
        m.type("$")
        screen = self.wait_index(m, 2)
        self.check_index(screen, [(SENDERS[1], SUBJECTS[1]), (SENDERS[2], SUBJECTS[2])])

        # Look at =Archive from mutt too.
        m.type("c")
        m.wait_for("Open mailbox")
        m.keys("C-u")
        m.type("=Archive")
        m.keys("Enter")
        screen = m.wait_for(lambda s: status_of(s) is not None and "Archive" in status_of(s).group(1)
                            and len(index_rows(s)) == 1)
        self.check_index(screen, [(SENDERS[0], SUBJECTS[0])])
        m.keys("q")
        self.assertEqual(m.wait_exit(), 0, m.stderr())

        inbox = self.mailbox_contents(address, "INBOX")
        archive = self.mailbox_contents(address, "Archive")
        sent = self.mailbox_contents(address, "Sent")
        self.assertEqual([u for u, _, _ in inbox], [2, 3])
        self.assertEqual([b for _, _, b in archive], [crlf(MESSAGES[0][1])])
        self.assertEqual([b for _, _, b in sent], [crlf(MESSAGES[2][1])])
        self.assertIn("\\Seen", archive[0][1])  # the Maildir said S; COPY keeps flags

    def test_flag_and_mark_unread(self):
        address = "flag@example.org"
        m = self.mutt("flag").start()
        self.wait_index(m, 3)
        m.type("2")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.type("F")  # flag message 2
        m.wait_for(lambda s: status_of(s) is not None and status_of(s).group(4) == "1")
        m.type("1")
        m.wait_for("Jump to message:")
        m.keys("Enter")
        m.type("N")  # toggle new on message 1 (it is \Seen): becomes unread
        m.wait_for(lambda s: len(index_rows(s)) == 3 and "N" in index_rows(s)[0][1])
        m.type("$")
        m.keys("q")
        self.assertEqual(m.wait_exit(), 0, m.stderr())
        flags = self.flags_of(address, "INBOX")
        self.assertEqual(flags[2], {"\\Flagged"}, flags)
        self.assertEqual(flags[1], set(), flags)
        self.assertEqual(flags[3], set(), flags)
        # A fresh mutt sees the flags from the server.
        m = self.mutt("flag").start()
        screen = self.wait_index(m, 3)
        rows = index_rows(screen)
        self.assertIn("!", rows[1][1], screen)
        self.assertIn("N", rows[0][1], screen)
        st = status_of(screen)
        self.assertEqual(st.group(4), "1", screen)

    def test_limit_with_server_side_search(self):
        # =b and =s patterns make mutt ask the server (UID SEARCH BODY / HEADER SUBJECT).
        m = self.mutt("search").start()
        self.wait_index(m, 3)
        for pattern, expected in (("=b fountain", [(SENDERS[1], SUBJECTS[1])]),
                                  ("=b mountain", [(SENDERS[2], SUBJECTS[2])]),
                                  ("=s report", [(SENDERS[0], SUBJECTS[0])]),
                                  ("=b zebra-not-there", [])):
            m.type("l")
            m.wait_for("Limit to messages matching:")
            m.keys("C-u")
            m.type(pattern)
            m.keys("Enter")
            if expected:
                # Not 'limit to "all"': the previous limit leaves that line on screen, with its
                # rows, until mutt has the server's answer to this one.
                screen = m.wait_for(lambda s, e=expected: [(r[2], r[3]) for r in index_rows(s)] == e
                                    or "No messages matched" in s)
            else:
                screen = m.wait_for(lambda s: not index_rows(s) and 'limit to "all"' in s)
            self.assertEqual([(r[2], r[3]) for r in index_rows(screen)], expected,
                             f"limit {pattern!r}:\n{screen}")
        m.keys("q")
        self.assertEqual(m.wait_exit(), 0, m.stderr())

    # ---- (c) batch: pushed commands, and sending with an IMAP Fcc ----

    def test_batch_pushed_commands(self):
        address = "batch@example.org"
        push = ('push "<tag-pattern>~s Lunch<enter>'
                '<tag-prefix><save-message>=Archive<enter>'
                '<sync-mailbox><quit>"')
        m = self.mutt("batch", args=["-e", f"'{push}'"]).start()
        self.assertEqual(m.wait_exit(), 0, m.stderr())
        inbox = self.mailbox_contents(address, "INBOX")
        archive = self.mailbox_contents(address, "Archive")
        self.assertEqual([b for _, _, b in inbox], [crlf(MESSAGES[0][1]), crlf(MESSAGES[2][1])])
        self.assertEqual([b for _, _, b in archive], [crlf(MESSAGES[1][1])])

    def test_batch_send_with_imap_fcc(self):
        address = "send@example.org"
        m = Mutt(self, self.server, address, "imaps", extra='set record="=Sent"\nset copy=yes\n'
                 'set from="Send Tester <send@example.org>"\nset fcc_attach=yes\n')
        self.mutts.append(m)
        body = b"Batch body line one.\nAnd line two.\n"
        r = subprocess.run(["mutt", "-n", "-F", m.muttrc, "-s", "Batch subject 7", "friend@example.com"],
                           input=body, env=m.env, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        sent = self.mailbox_contents(address, "Sent")
        self.assertEqual(len(sent), 1, sent)
        msg = sent[0][2]
        self.assertIn(b"\r\nSubject: Batch subject 7\r\n", msg)
        self.assertIn(b"\r\nTo: friend@example.com\r\n", msg)
        self.assertIn(b"From: Send Tester <send@example.org>\r\n", msg)
        self.assertTrue(msg.endswith(b"\r\n\r\nBatch body line one.\r\nAnd line two.\r\n")
                        or b"\r\n\r\nBatch body line one.\r\nAnd line two.\r\n" in msg, msg)
        self.assertIn("\\Seen", sent[0][1])
        self.assertNotIn(b"\n", msg.replace(b"\r\n", b""))  # CRLF throughout


if __name__ == "__main__":
    unittest.main()
