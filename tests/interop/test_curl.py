"""curl's IMAP client against the real server over imap://, STARTTLS (--ssl-reqd) and imaps://:
list mailboxes, fetch by UID / index / section / partial, upload (APPEND), SEARCH, EXAMINE,
STATUS and STORE through -X, and the login-denied exit code. The output curl prints is compared
with the stored messages, and uploads are read back with imaplib.

imaps:// and STARTTLS runs verify the server's self-signed certificate (DATA/fullchain.pem,
whose SAN includes 127.0.0.1) with --cacert; one run uses -k instead.
"""
import imaplib
import os
import re
import subprocess
import tempfile
import unittest

import interopkit as kit
from pbserver import PillarboxServer

USER, PASSWORD = "curl@example.org", "curl pass 9"
TIMEOUT = 30  # seconds, for curl's --max-time

# Maildir messages as stored on disk (LF line ends). The server serves them with CRLF.
MSG1 = (b"From: Alice Able <alice.able@example.net>\n"
        b"To: curl@example.org\n"
        b"Subject: Quarterly report draft\n"
        b"Date: Mon, 2 Nov 2026 10:00:00 +0000\n"
        b"Message-ID: <report-1@example.net>\n"
        b"\n"
        b"The quarterly numbers look fine.\n"
        b"Please review section three before Thursday.\n")
MSG2 = (b"From: Bob Baker <bob@example.com>\n"
        b"To: curl@example.org\n"
        b"Subject: Lunch on Friday?\n"
        b"Date: Tue, 3 Nov 2026 10:00:00 +0000\n"
        b"Message-ID: <lunch-2@example.com>\n"
        b"\n"
        b"Shall we meet at noon by the fountain?\n")
PART1_HEADER = b"Content-Type: text/plain; charset=us-ascii\n\n"
PART1_BODY = b"Here are the photos from the mountain trip."
PART2_HEADER = (b"Content-Type: text/plain; name=\"packing-list.txt\"\n"
                b"Content-Disposition: attachment; filename=\"packing-list.txt\"\n\n")
PART2_BODY = b"boots, rope, stove"
MSG3_HEADER = (b"From: Carol Chen <carol@example.org>\n"
               b"To: curl@example.org\n"
               b"Subject: Holiday photos\n"
               b"Date: Wed, 4 Nov 2026 10:00:00 +0000\n"
               b"Message-ID: <photos-3@example.org>\n"
               b"MIME-Version: 1.0\n"
               b"Content-Type: multipart/mixed; boundary=\"sep42\"\n"
               b"\n")
MSG3_TEXT = (b"--sep42\n" + PART1_HEADER + PART1_BODY + b"\n"
             b"--sep42\n" + PART2_HEADER + PART2_BODY + b"\n"
             b"--sep42--\n")
MSG3 = MSG3_HEADER + MSG3_TEXT
MESSAGES = [("1762077600.M1P1.host:2,S", MSG1),  # \Seen
            ("1762164000.M2P1.host:2,", MSG2),
            ("1762250400.M3P1.host:2,", MSG3)]

# A new account's defaults (Drafts, Sent, Trash, Junk, Archive; the import fills Archive) and
# what the tests create.
DEFAULT_MAILBOXES = ["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"]
MAILBOXES = set(DEFAULT_MAILBOXES) | {"Sent Items", "Uploads", "Work", "Work/Projects"}


def crlf(b):
    return b.replace(b"\n", b"\r\n")


def list_names(output):
    """Mailbox names from curl's LIST output; fails on a line that is not a LIST response."""
    names = []
    for line in output.decode().split("\r\n"):
        if not line:
            continue
        m = re.fullmatch(r'\* LIST \(([^)]*)\) "/" (?:"((?:[^"\\]|\\.)*)"|([^ "]+))', line)
        if not m:
            raise AssertionError(f"not a LIST response: {line!r}")
        names.append(m.group(2) if m.group(2) is not None else m.group(3))
    return names


def search_numbers(output):
    lines = [l for l in output.decode().split("\r\n") if l]
    assert len(lines) == 1 and re.fullmatch(r"\* SEARCH( \d+)*", lines[0]), output
    return [int(n) for n in lines[0].split()[2:]]


class CurlTest(kit.RecordsResult, unittest.TestCase):
    client = "curl"

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.tmp = tempfile.TemporaryDirectory(prefix="pbcurl-")
        try:
            maildir = os.path.join(cls.tmp.name, "maildir")
            for sub in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(maildir, sub))
            for name, content in MESSAGES:
                with open(os.path.join(maildir, "cur", name), "wb") as f:
                    f.write(content)
            cls.server.add_user(USER, PASSWORD)
            cls.server.cli("import", USER, maildir)
            # Archive holds the same messages and is only read through EXAMINE, STATUS and SEARCH,
            # so its flags stay as imported.
            cls.server.cli("import", USER, maildir, "--mailbox", "Archive")
            cls.server.start()
            c = cls.imap()
            for box in ("Sent Items", "Uploads", "Work", "Work/Projects"):
                typ, data = c.create(f'"{box}"')
                assert typ == "OK", data
            cls.mailboxes = kit.folders(c)
            assert MAILBOXES <= cls.mailboxes, cls.mailboxes
            typ, data = c.status("Archive", "(UIDVALIDITY)")
            cls.archive_uidvalidity = int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
            typ, data = c.status("INBOX", "(UIDVALIDITY)")
            cls.inbox_uidvalidity = int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
            c.logout()
        except BaseException:
            cls.server.__exit__(None, None, None)
            cls.tmp.cleanup()
            raise
        cls.cert = os.path.join(cls.server.data, "fullchain.pem")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()
        super().tearDownClass()

    @classmethod
    def imap(cls):
        c = imaplib.IMAP4("127.0.0.1", cls.server.imap_port)
        c.login(USER, PASSWORD)
        return c

    def url(self, path="", scheme="imap"):
        port = self.server.imaps_port if scheme == "imaps" else self.server.imap_port
        return f"{scheme}://127.0.0.1:{port}/{path}"

    def curl(self, url, *args, user=USER, password=PASSWORD, expect=0):
        """Runs curl; checks its exit status; returns its stdout (bytes)."""
        tls = ["--cacert", self.cert] if url.startswith("imaps:") or "--ssl-reqd" in args else []
        cmd = ["curl", "-s", "-S", "--max-time", str(TIMEOUT), "--user", f"{user}:{password}",
               *tls, *args, url]
        r = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT + 30)
        if r.returncode != expect:
            trace = subprocess.run(cmd[:1] + ["-v"] + cmd[1:], capture_output=True, timeout=TIMEOUT + 30)
            self.fail(f"{cmd} exited {r.returncode}, expected {expect}: {r.stderr!r}\n"
                      f"protocol trace:\n{trace.stderr.decode('utf-8', 'replace')}")
        return r.stdout

    def mailbox(self, name):
        """[(uid, flags, bytes)] without side effects (EXAMINE, BODY.PEEK)."""
        c = self.imap()
        typ, data = c.select(f'"{name}"', readonly=True)
        self.assertEqual(typ, "OK", data)
        out = []
        if int(data[0]):
            typ, data = c.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            for i, item in enumerate(data):
                if isinstance(item, tuple):
                    head = item[0] + (data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b"")
                    uid = int(re.search(rb"UID (\d+)", head).group(1))
                    flags = set(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().split())
                    out.append((uid, flags, item[1]))
        c.logout()
        return out

    # ---- LIST ----

    def test_list_mailboxes_plain(self):
        names = list_names(self.curl(self.url()))
        self.assertEqual(sorted(names), sorted(self.mailboxes))
        self.assertEqual(len(names), len(set(names)))

    def test_list_mailboxes_imaps_verified(self):
        names = list_names(self.curl(self.url(scheme="imaps")))
        self.assertEqual(sorted(names), sorted(self.mailboxes))

    def test_list_mailboxes_imaps_insecure(self):
        out = subprocess.run(["curl", "-s", "-S", "-k", "--max-time", str(TIMEOUT), "--user",
                              f"{USER}:{PASSWORD}", self.url(scheme="imaps")],
                             capture_output=True, timeout=TIMEOUT + 30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(sorted(list_names(out.stdout)), sorted(self.mailboxes))

    def test_list_mailboxes_starttls(self):
        names = list_names(self.curl(self.url(), "--ssl-reqd"))
        self.assertEqual(sorted(names), sorted(self.mailboxes))

    def test_list_top_level_and_children(self):
        names = list_names(self.curl(self.url(), "-X", 'LIST "" %'))
        self.assertEqual(sorted(names), sorted(m for m in self.mailboxes if "/" not in m))
        # curl lists imap://host/Work/ as LIST "Work" *: the children of Work, perhaps Work itself.
        names = list_names(self.curl(self.url("Work/")))
        self.assertIn("Work/Projects", names)
        self.assertLessEqual(set(names), {"Work", "Work/Projects"})

    # ---- FETCH ----

    def test_fetch_by_uid(self):
        for uid, (_, content) in enumerate(MESSAGES, start=1):
            with self.subTest(uid=uid):
                self.assertEqual(self.curl(self.url(f"INBOX;UID={uid}")), crlf(content))
        # The same over imaps, with the certificate verified.
        self.assertEqual(self.curl(self.url("INBOX;UID=2", scheme="imaps")), crlf(MSG2))
        # curl fetches BODY[] (not PEEK), which sets \Seen (RFC 3501 6.4.5).
        flags = {uid: f for uid, f, _ in self.mailbox("INBOX")}
        for uid in (1, 2, 3):
            self.assertIn("\\Seen", flags[uid])

    def test_fetch_by_index_and_uidvalidity(self):
        self.assertEqual(self.curl(self.url("INBOX;MAILINDEX=3")), crlf(MSG3))
        self.assertEqual(self.curl(self.url(f"INBOX;UIDVALIDITY={self.inbox_uidvalidity};UID=1")),
                         crlf(MSG1))
        # A stale UIDVALIDITY makes curl refuse (CURLE_REMOTE_FILE_NOT_FOUND).
        out = self.curl(self.url(f"INBOX;UIDVALIDITY={self.inbox_uidvalidity + 1};UID=1"), expect=78)
        self.assertEqual(out, b"")

    def test_fetch_missing_uid_and_mailbox(self):
        # No such UID: the server answers OK without a FETCH, curl reports "not found" (78).
        self.assertEqual(self.curl(self.url("INBOX;UID=99"), expect=78), b"")
        # No such mailbox: SELECT fails, which curl reports as 67.
        self.assertEqual(self.curl(self.url("Nonexistent;UID=1"), expect=67), b"")

    def test_fetch_sections(self):
        base = "INBOX;UID=3;SECTION="
        cases = {
            "HEADER": crlf(MSG3_HEADER),
            "TEXT": crlf(MSG3_TEXT),
            "HEADER.FIELDS%20(SUBJECT%20FROM)": b"From: Carol Chen <carol@example.org>\r\n"
                                                b"Subject: Holiday photos\r\n\r\n",
            "HEADER.FIELDS.NOT%20(SUBJECT%20FROM%20TO%20DATE%20MESSAGE-ID)":
                b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"sep42\"\r\n\r\n",
            "1": PART1_BODY,
            "2": PART2_BODY,
            "1.MIME": crlf(PART1_HEADER),
            "2.MIME": crlf(PART2_HEADER),
        }
        for section, expected in cases.items():
            with self.subTest(section=section):
                self.assertEqual(self.curl(self.url(base + section)), expected)
        with self.subTest(section="1 of a non-multipart message"):
            self.assertEqual(self.curl(self.url("INBOX;UID=2;SECTION=1")),
                             crlf(MSG2).split(b"\r\n\r\n", 1)[1])

    def test_fetch_partial(self):
        whole = crlf(MSG1)
        self.assertEqual(self.curl(self.url("INBOX;UID=1;PARTIAL=0.20")), whole[:20])
        self.assertEqual(self.curl(self.url("INBOX;UID=1;PARTIAL=6.10")), whole[6:16])
        self.assertEqual(self.curl(self.url("INBOX;UID=1;SECTION=TEXT;PARTIAL=4.9")),
                         whole.split(b"\r\n\r\n", 1)[1][4:13])
        # Past the end: an empty string, not an error.
        self.assertEqual(self.curl(self.url(f"INBOX;UID=1;PARTIAL={len(whole) + 5}.10")), b"")

    # ---- SEARCH, EXAMINE, STATUS, STORE through -X and URL queries ----

    def test_search(self):
        cases = {
            "SEARCH SUBJECT lunch": [2],
            "SEARCH FROM carol": [3],
            "SEARCH BODY fountain": [2],
            "SEARCH UNSEEN": [2, 3],
            "SEARCH SEEN": [1],
            "SEARCH ALL": [1, 2, 3],
            "UID SEARCH SUBJECT photos": [3],
            "SEARCH OR SUBJECT lunch FROM alice": [1, 2],
            "SEARCH SUBJECT zebra": [],
        }
        for command, expected in cases.items():
            with self.subTest(command=command):
                self.assertEqual(search_numbers(self.curl(self.url("Archive"), "-X", command)), expected)
        # imap://host/MAILBOX?QUERY is curl's own SEARCH.
        self.assertEqual(search_numbers(self.curl(self.url("Archive?SUBJECT%20Quarterly"))), [1])
        self.assertEqual(search_numbers(self.curl(self.url("Archive?BODY%20noon", scheme="imaps"))), [2])

    def test_examine(self):
        out = self.curl(self.url(), "-X", "EXAMINE Archive").decode()
        lines = [l for l in out.split("\r\n") if l]
        self.assertIn("* 3 EXISTS", lines)
        self.assertIn(f"* OK [UIDVALIDITY {self.archive_uidvalidity}] UIDs valid", lines)
        self.assertTrue(any(re.fullmatch(r"\* OK \[UIDNEXT 4\].*", l) for l in lines), lines)
        self.assertTrue(any(re.fullmatch(r"\* OK \[UNSEEN 2\].*", l) for l in lines), lines)
        self.assertTrue(any(re.fullmatch(r"\* OK \[PERMANENTFLAGS \(\)\].*", l) for l in lines), lines)
        self.assertTrue(any(l.startswith("* FLAGS (") and "\\Seen" in l for l in lines), lines)
        self.assertTrue(all(l.startswith("* ") for l in lines), lines)

    def test_status(self):
        for scheme in ("imap", "imaps"):
            with self.subTest(scheme=scheme):
                out = self.curl(self.url(scheme=scheme), "-X",
                                "STATUS Archive (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)").decode()
                m = re.fullmatch(r'\* STATUS "?Archive"? \((.*)\)\r\n', out)
                self.assertIsNotNone(m, out)
                items = m.group(1).split()
                self.assertEqual(dict(zip(items[::2], map(int, items[1::2]))),
                                 {"MESSAGES": 3, "UIDNEXT": 4, "UIDVALIDITY": self.archive_uidvalidity,
                                  "UNSEEN": 2})
        out = self.curl(self.url(), "-X", 'STATUS "Sent Items" (MESSAGES)').decode()
        self.assertRegex(out, r'^\* STATUS "Sent Items" \(MESSAGES \d+\)\r\n$')

    def test_store_flag(self):
        out = self.curl(self.url("Work/Projects"), "-X", "NOOP")
        self.assertEqual(out, b"")
        out = self.curl(self.url("INBOX"), "-X", r"UID STORE 3 +FLAGS (\Flagged $Label1)").decode()
        lines = [l for l in out.split("\r\n") if l]
        fetches = [l for l in lines if l.startswith("* 3 FETCH ")]
        self.assertEqual(len(fetches), 1, lines)
        self.assertIn("UID 3", fetches[0])
        fetched = set(re.search(r"FLAGS \(([^)]*)\)", fetches[0]).group(1).split())
        self.assertLessEqual({"\\Flagged", "$Label1"}, fetched)
        # A new keyword may be announced with FLAGS / PERMANENTFLAGS; nothing else is expected.
        for l in lines:
            if l.startswith("* FLAGS ") or l.startswith("* OK [PERMANENTFLAGS "):
                self.assertIn("$Label1", l)
            else:
                self.assertIn(l, fetches)
        flags = {uid: f for uid, f, _ in self.mailbox("INBOX")}
        self.assertLessEqual({"\\Flagged", "$Label1"}, flags[3])
        self.assertNotIn("\\Flagged", flags[1])

    # ---- APPEND (upload) ----

    def upload_file(self, content):
        path = os.path.join(self.tmp.name, f"upload-{self.id()}.eml")
        with open(path, "wb") as f:
            f.write(content)
        return path

    def test_upload_plain(self):
        msg = (b"From: Dave Doe <dave@example.net>\r\nTo: curl@example.org\r\n"
               b"Subject: Uploaded with curl\r\nDate: Thu, 5 Nov 2026 09:30:00 +0100\r\n"
               b"\r\nThis came in through APPEND.\r\n.\r\nA line with a dot above.\r\n")
        out = self.curl(self.url("Sent%20Items"), "-T", self.upload_file(msg))
        self.assertEqual(out, b"")
        stored = self.mailbox("Sent Items")
        self.assertEqual(len(stored), 1, stored)
        uid, flags, content = stored[0]
        self.assertEqual(content, msg)
        self.assertIn("\\Seen", flags)  # curl appends with (\Seen)
        # And curl reads it back the same.
        self.assertEqual(self.curl(self.url(f"Sent%20Items;UID={uid}")), msg)

    def test_upload_imaps_twice(self):
        first = b"Subject: first over TLS\r\nFrom: x@example.org\r\n\r\none\r\n"
        second = b"Subject: second over TLS\r\nFrom: y@example.org\r\n\r\ntwo\r\n"
        self.curl(self.url("Uploads", scheme="imaps"), "-T", self.upload_file(first))
        self.curl(self.url("Uploads", scheme="imaps"), "-T", self.upload_file(second))
        stored = self.mailbox("Uploads")
        self.assertEqual([c for _, _, c in stored], [first, second])
        self.assertLess(stored[0][0], stored[1][0])
        self.assertEqual(self.curl(self.url(f"Uploads;UID={stored[1][0]}", scheme="imaps")), second)

    def test_upload_large(self):
        body = b"".join(b"line %06d of a large upload, padded to make it longer than a buffer\r\n" % i
                        for i in range(6000))
        msg = b"From: big@example.org\r\nSubject: Large upload\r\n\r\n" + body
        self.assertGreater(len(msg), 400_000)
        self.curl(self.url("Work/Projects"), "-T", self.upload_file(msg))
        stored = self.mailbox("Work/Projects")
        self.assertEqual(len(stored), 1)
        self.assertEqual(len(stored[0][2]), len(msg))
        self.assertEqual(stored[0][2], msg)
        self.assertEqual(self.curl(self.url(f"Work/Projects;UID={stored[0][0]}", scheme="imaps")), msg)

    def test_upload_to_missing_mailbox(self):
        msg = b"Subject: nowhere\r\n\r\nx\r\n"
        # APPEND gets NO [TRYCREATE]; curl reports CURLE_UPLOAD_FAILED (25).
        self.curl(self.url("NoSuchBox"), "-T", self.upload_file(msg), expect=25)
        self.assertEqual(sorted(list_names(self.curl(self.url()))), sorted(self.mailboxes))

    # ---- authentication ----

    def test_wrong_password_is_login_denied(self):
        for scheme in ("imap", "imaps"):
            with self.subTest(scheme=scheme):
                self.assertEqual(self.curl(self.url(scheme=scheme), password="wrong", expect=67), b"")
                self.assertEqual(self.curl(self.url(scheme=scheme), user="nobody@example.org",
                                           expect=67), b"")
        self.assertEqual(self.curl(self.url("INBOX;UID=1"), password=PASSWORD + "x", expect=67), b"")


class CurlPlaintextNever(kit.RecordsResult, unittest.TestCase):
    """With plaintext_without_tls = "never", curl must use TLS to log in."""
    client = "curl"

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(plaintext="never")
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def run_curl(self, *args):
        return subprocess.run(["curl", "-s", "-S", "--max-time", str(TIMEOUT), "--user",
                               f"{USER}:{PASSWORD}", *args], capture_output=True, timeout=TIMEOUT + 30)

    def test_plain_login_refused_starttls_works(self):
        url = f"imap://127.0.0.1:{self.server.imap_port}/"
        r = self.run_curl(url)
        self.assertEqual(r.returncode, 67, r.stderr)  # LOGINDISABLED, no AUTH=PLAIN: login denied
        self.assertEqual(r.stdout, b"")
        cert = os.path.join(self.server.data, "fullchain.pem")
        r = self.run_curl("--ssl-reqd", "--cacert", cert, url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(list_names(r.stdout), DEFAULT_MAILBOXES)
        r = self.run_curl("--cacert", cert, f"imaps://127.0.0.1:{self.server.imaps_port}/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(list_names(r.stdout), DEFAULT_MAILBOXES)


if __name__ == "__main__":
    unittest.main()
