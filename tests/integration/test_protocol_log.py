"""Protocol transcripts (issue 6): `pillarbox log on|off|status|list|show` against the running
server, transcripts for IMAP, POP3 and LMTP, credentials redacted on every authentication path
(checked by searching every file the server wrote and its stderr for the password), the size
cap, and a shown transcript turned into a transcript test that passes.
"""
import base64
import glob
import imaplib
import json
import os
import poplib
import re
import smtplib
import subprocess
import sys
import time
import unittest

from pbserver import PillarboxServer
from test_sasl import Lines, ScramClient, imap_scram, b64, tls_context as tls

ALICE, BOB = "alice@example.org", "bob@example.org"
# Distinctive, atom-safe passwords: any occurrence in a file is a leak, not a coincidence.
ALICE_PW = "Zq7xTranscriptSecret"
BOB_PW = "Wv3yOtherSecret"
TIMEOUT = 30


def transcripts(server):
    return sorted(glob.glob(os.path.join(server.data, "protocol-log", "*", "*.log")))


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def wait_for(predicate, what, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def session_file(server, needle):
    """The transcript whose text contains `needle`."""
    found = [p for p in transcripts(server) if needle in read(p)]
    return found


class Redaction(unittest.TestCase):
    """Every way to authenticate, logged with --bodies, and then the password is nowhere."""

    def test_no_password_anywhere_after_every_authentication_path(self):
        with PillarboxServer() as s:
            s.add_user(ALICE, ALICE_PW)
            s.add_user(BOB, BOB_PW)
            s.cli("user", "passwd", BOB, "--password-stdin", input=(BOB_PW + "\n").encode())
            # Set while the server is stopped: the rules file carries it into the start.
            out = s.cli("log", "on", "--all", "--bodies").stdout.decode()
            self.assertIn("the server is not running", out)
            s.start()
            plain = base64.b64encode(f"\0{ALICE}\0{ALICE_PW}".encode()).decode()
            plain_authz = base64.b64encode(f"{ALICE}\0{ALICE}\0{ALICE_PW}".encode()).decode()
            pw64 = base64.b64encode(ALICE_PW.encode()).decode()
            user64 = base64.b64encode(ALICE.encode()).decode()
            ok = []

            def imap(conn_tls=None, starttls=False):
                c = Lines(s.imaps_port if conn_tls else s.imap_port, tls() if conn_tls else None)
                c.line()
                if starttls:
                    c.send("t STARTTLS")
                    c.until("t ")
                    c.starttls(tls())
                return c

            # IMAP LOGIN: atom, quoted, synchronising literal, non-synchronising literal, wrong
            # user with the right password, over plain, STARTTLS and implicit TLS.
            for variant in ("atom", "quoted", "literal", "literal+", "wrong-user", "starttls", "tls"):
                c = imap(conn_tls=variant == "tls", starttls=variant == "starttls")
                if variant in ("atom", "starttls", "tls"):
                    c.send(f"a LOGIN {ALICE} {ALICE_PW}")
                elif variant == "quoted":
                    c.send(f'a LOGIN "{ALICE}" "{ALICE_PW}"')
                elif variant == "literal":
                    c.send(f"a LOGIN {ALICE} {{{len(ALICE_PW)}}}")
                    self.assertTrue(c.line().startswith("+"))
                    c.send(ALICE_PW)
                elif variant == "literal+":
                    c.send(f"a LOGIN {{{len(ALICE)}+}}\r\n{ALICE} {{{len(ALICE_PW)}+}}\r\n{ALICE_PW}")
                else:
                    c.send(f"a LOGIN nobody@example.org {ALICE_PW}")
                reply = c.until("a ")
                ok.append((variant, reply))
                c.send("z LOGOUT")
                c.close()
            # AUTHENTICATE PLAIN with SASL-IR, without (continuation), with an authzid;
            # SCRAM-SHA-256; a cancelled exchange.
            c = imap()
            c.send(f"b1 AUTHENTICATE PLAIN {plain}")
            ok.append(("plain-ir", c.until("b1 ")))
            c.close()
            c = imap()
            c.send("b2 AUTHENTICATE PLAIN")
            self.assertTrue(c.line().startswith("+"))
            c.send(plain_authz)
            ok.append(("plain", c.until("b2 ")))
            c.close()
            # A mechanism IMAP does not offer, with a credential as its initial response.
            c = imap()
            c.send(f"b3 AUTHENTICATE LOGIN {pw64}")
            self.assertIn("NO", c.until("b3 "))
            c.close()
            c = imap()
            ok.append(("scram", imap_scram(c, ScramClient(ALICE, ALICE_PW), tag="b4")))
            c.close()
            c = imap()
            c.send("b5 AUTHENTICATE PLAIN")
            c.line()
            c.send("*")
            c.until("b5 ")
            c.close()
            # imaplib, as a real client library does it.
            m = imaplib.IMAP4("127.0.0.1", s.imap_port)
            m.login(ALICE, ALICE_PW)
            m.logout()
            # POP3: USER/PASS, AUTH PLAIN with and without initial response, AUTH LOGIN, SCRAM,
            # STLS then USER/PASS, POP3S.
            for variant in ("pass", "auth-ir", "auth", "auth-login", "scram", "stls", "pop3s"):
                p = Lines(s.pop3s_port if variant == "pop3s" else s.pop3_port, tls() if variant == "pop3s" else None)
                p.line()
                if variant == "stls":
                    p.send("STLS")
                    p.line()
                    p.starttls(tls())
                if variant in ("pass", "stls", "pop3s"):
                    p.send(f"USER {ALICE}")
                    p.line()
                    p.send(f"PASS {ALICE_PW}")
                elif variant == "auth-ir":
                    p.send(f"AUTH PLAIN {plain}")
                elif variant == "auth":
                    p.send("AUTH PLAIN")
                    p.line()
                    p.send(plain)
                elif variant == "auth-login":
                    p.send("AUTH LOGIN")
                    p.line()
                    p.send(user64)
                    p.line()
                    p.send(pw64)
                else:
                    client = ScramClient(ALICE, ALICE_PW)
                    p.send("AUTH SCRAM-SHA-256 " + b64(client.first()))
                    first = p.line()
                    p.send(b64(client.final(base64.b64decode(first[2:]))))
                    last = p.line()
                    if last.startswith("+ "):
                        p.send("")
                        last = p.line()
                    p.send("QUIT")
                    ok.append(("pop3-" + variant, last))
                    p.line()
                    p.close()
                    continue
                ok.append(("pop3-" + variant, p.line()))
                p.send("QUIT")
                p.line()
                p.close()
            # LMTP too (no credentials, but its transcript must exist).
            with smtplib.LMTP("127.0.0.1", s.lmtp_port) as l:
                l.sendmail("x@example.net", [ALICE], b"Subject: lmtp\r\n\r\nhello\r\n")

            for variant, reply in ok:
                if variant.startswith("pop3"):
                    self.assertTrue(reply.startswith("+OK"), (variant, reply))
                else:
                    self.assertEqual(reply.split(" ")[1], "NO" if variant == "wrong-user" else "OK", (variant, reply))
            self.assertEqual(len(ok), 7 + 3 + 7)
            self.assertEqual(s.stop(), 0)

            # The transcripts were written (so the search below means something) and show the
            # redaction where each credential was.
            files = transcripts(s)
            texts = "\n".join(read(p) for p in files)
            self.assertGreaterEqual(len(files), 22, files)
            self.assertIn(f"C: a LOGIN {ALICE} <redacted>", texts)
            self.assertIn(f'C: a LOGIN "{ALICE}" <redacted>', texts)
            self.assertIn("C: b1 AUTHENTICATE PLAIN <redacted>", texts)
            self.assertIn("C: PASS <redacted>", texts)
            self.assertIn("C: AUTH PLAIN <redacted>", texts)
            self.assertIn("Subject: lmtp", texts)  # --bodies: the LMTP body is there
            self.assertIn("# tls: TLSv1.", texts)

            # Nothing anywhere: data directory (store, transcripts, rules, keys), configuration,
            # stderr. The password in clear, base64 and in the PLAIN blobs.
            needles = [ALICE_PW.encode(), BOB_PW.encode(), pw64.encode(), plain.encode(), plain_authz.encode(),
                       base64.b64encode(BOB_PW.encode())]
            searched = 0
            for root, _, names in os.walk(s.dir):
                for name in names:
                    path = os.path.join(root, name)
                    if os.path.islink(path) or not os.path.isfile(path):
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                    searched += 1
                    for needle in needles:
                        self.assertNotIn(needle, data, f"{needle!r} found in {path}")
            self.assertGreaterEqual(searched, len(files) + 3)
            err = s.stderr().encode()
            self.assertIn(b"event=connect", err)
            for needle in needles:
                self.assertNotIn(needle, err)


class LiveSwitching(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.add_user(ALICE, ALICE_PW)
        cls.server.add_user(BOB, BOB_PW)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def setUp(self):
        self.server.cli("log", "off", "--all")

    def login(self, user, pw):
        m = imaplib.IMAP4("127.0.0.1", self.server.imap_port)
        m.login(user, pw)
        return m

    def test_user_rule_reaches_a_running_session_and_off_stops_it(self):
        s = self.server
        alice = self.login(ALICE, ALICE_PW)
        alice.create("BeforeLogging")
        bob = self.login(BOB, BOB_PW)
        out = s.cli("log", "on", "--user", ALICE.upper()).stdout.decode()
        self.assertIn("user alice@example.org", out)
        alice.create("WhileLogging")
        bob.create("BobNotLogged")
        files = session_file(s, "WhileLogging")
        self.assertEqual(len(files), 1, transcripts(s))
        text = read(files[0])
        self.assertIn("# account: alice@example.org", text)
        self.assertIn("# logging started mid-session", text)
        self.assertIn('S: ', text)
        self.assertNotIn("BeforeLogging", text)
        self.assertEqual(session_file(s, "BobNotLogged"), [])
        status = s.cli("log", "status").stdout.decode()
        self.assertIn("user alice@example.org", status)
        s.cli("log", "off", "--user", ALICE)
        alice.create("AfterLogging")
        text = read(files[0])
        self.assertIn("# logging switched off", text)
        self.assertNotIn("AfterLogging", text)
        self.assertIn("protocol logging is off", s.cli("log", "status").stdout.decode())
        alice.logout()
        bob.logout()
        # Removing a rule that is not there is an error, with its reason.
        r = s.cli("log", "off", "--user", ALICE, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no rule", r.stderr.decode())

    def test_ip_rule_logs_from_the_greeting_and_list_filters(self):
        s = self.server
        s.cli("log", "on", "--ip", "127.0.0.0/8")
        m = self.login(BOB, BOB_PW)
        m.create("ByIp")
        m.logout()
        wait_for(lambda: any("# session ended" in read(p) for p in session_file(s, "ByIp")), "the transcript to end")
        path = session_file(s, "ByIp")[0]
        text = read(path)
        lines = [l for l in text.splitlines() if not l.startswith("#")]
        self.assertRegex(lines[0], r"^\d\d:\d\d:\d\d\.\d{3} S: \* OK \[CAPABILITY ")
        self.assertRegex(text, r"\d\d:\d\d:\d\d\.\d{3} C: \S+ LOGIN bob@example.org <redacted>\n")
        self.assertIn("# remote: 127.0.0.1:", text)
        session = os.path.basename(path)[:-4]
        listed = json.loads(s.cli("--json", "log", "list", "--user", BOB).stdout)
        self.assertIn(session, [t["session"] for t in listed])
        self.assertTrue(all(t["account"] == BOB for t in listed))
        self.assertIn(session, s.cli("log", "list", "--ip", "127.0.0.1").stdout.decode())
        self.assertNotIn(session, s.cli("log", "list", "--ip", "10.0.0.0/8").stdout.decode())
        self.assertIn(session, s.cli("log", "list", "--since", "1h").stdout.decode())
        self.assertNotIn(session, s.cli("log", "list", "--since", "2999-01-01").stdout.decode())
        shown = s.cli("log", "show", session).stdout.decode()
        self.assertEqual(shown, text)
        bad = s.cli("log", "list", "--since", "yesterday", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--since", bad.stderr.decode())
        missing = s.cli("log", "show", "0000000000000000", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no transcript", missing.stderr.decode())

    def test_bad_selections_are_refused(self):
        s = self.server
        for args, reason in ((["--ip", "10.1.2.3/8"], "host bits"), (["--ip", "nonsense"], "not an address"),
                             (["--user", "bob"], "not an address"), ([], "exactly one"),
                             (["--all", "--user", BOB], "exactly one")):
            r = s.cli("log", "on", *args, check=False)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(reason, r.stderr.decode(), args)

    def test_follow_prints_a_live_session_until_it_ends(self):
        s = self.server
        s.cli("log", "on", "--user", BOB)
        m = self.login(BOB, BOB_PW)
        m.noop()
        m.noop()  # the transcript starts at the command after the login
        wait_for(lambda: session_file(s, "NOOP"), "a transcript")
        session = os.path.basename(session_file(s, "NOOP")[0])[:-4]
        follow = subprocess.Popen([s.binary, "--config", s.config, "log", "show", session, "--follow"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)
            m.create("SeenByFollow")
            m.logout()
            out, _ = follow.communicate(timeout=TIMEOUT)
        finally:
            follow.kill()
        self.assertIn("SeenByFollow", out)
        self.assertTrue(out.rstrip().endswith("# session ended"), out[-200:])

    def test_protocol_log_bytes_metric_counts_what_is_written(self):
        s = self.server
        before = s.metrics()["pillarbox_protocol_log_bytes_total"]
        s.cli("log", "on", "--user", ALICE)
        m = self.login(ALICE, ALICE_PW)
        m.create("Counted")
        m.logout()
        wait_for(lambda: any("# session ended" in read(p) for p in session_file(s, "Counted")), "the transcript")
        written = os.path.getsize(session_file(s, "Counted")[0])
        self.assertEqual(s.metrics()["pillarbox_protocol_log_bytes_total"] - before, written)

    def test_rules_survive_a_restart(self):
        s = self.server
        s.cli("log", "on", "--user", BOB, "--bodies")
        s.stop()
        s.start()
        self.assertIn("user bob@example.org bodies", s.cli("log", "status").stdout.decode())
        m = self.login(BOB, BOB_PW)
        m.append("INBOX", None, None, b"Subject: kept body\r\n\r\nafter restart\r\n")
        m.logout()
        wait_for(lambda: session_file(s, "after restart"), "the body in a transcript")


class CapAndProtocols(unittest.TestCase):
    def test_size_cap_removes_oldest_and_bodies_are_summaries_by_default(self):
        with PillarboxServer(extra_config="[log]\nprotocol_log_max_mb = 1\n") as s:
            s.add_user(ALICE, ALICE_PW)
            s.cli("log", "on", "--all")
            s.start()
            m = imaplib.IMAP4("127.0.0.1", s.imap_port)
            m.login(ALICE, ALICE_PW)
            m.append("INBOX", None, None, b"Subject: small\r\n\r\nsecret body text\r\n")
            m.logout()
            first = session_file(s, " APPEND INBOX ")[0]   # not MULTIAPPEND in a greeting
            text = read(first)
            self.assertIn("{36 bytes}", text)
            self.assertNotIn("secret body text", text)
            # POP3 RETR and LMTP DATA are summarised too.
            with smtplib.LMTP("127.0.0.1", s.lmtp_port) as l:
                l.sendmail("x@example.net", [ALICE], b"Subject: lmtp\r\n\r\nlmtp body text\r\n")
            p = poplib.POP3("127.0.0.1", s.pop3_port)
            p.user(ALICE)
            p.pass_(ALICE_PW)
            p.retr(1)
            p.quit()
            wait_for(lambda: len(session_file(s, "# session ended")) >= 4, "the transcripts to end")
            all_text = "\n".join(read(p) for p in transcripts(s))
            self.assertNotIn("lmtp body text", all_text)
            self.assertNotIn("secret body text", all_text)
            self.assertRegex(all_text, r"S: \{\d+ bytes\}\n\S+ S: \.\n")  # POP3 RETR
            self.assertRegex(all_text, r"C: \{\d+ bytes\}\n\S+ C: \.\n")  # LMTP DATA
            # Now fill the log: with --bodies 300 KB messages, over a few sessions.
            s.cli("log", "on", "--all", "--bodies")
            for i in range(6):
                m = imaplib.IMAP4("127.0.0.1", s.imap_port)
                m.login(ALICE, ALICE_PW)
                m.append("INBOX", None, None, b"Subject: big\r\n\r\n" + (b"x" * 76 + b"\r\n") * 4000)
                m.logout()
            wait_for(lambda: sum(os.path.getsize(p) for p in transcripts(s)) <= (1 << 20), "the cap")
            self.assertFalse(os.path.exists(first), "the oldest transcript is removed first")
            self.assertGreater(len(transcripts(s)), 1)
            self.assertIn(" of 1.0 MiB used", s.cli("log", "status").stdout.decode())

    def test_shown_transcript_runs_as_a_transcript_test(self):
        with PillarboxServer() as s:
            s.add_user(ALICE, ALICE_PW)
            s.cli("log", "on", "--all", "--bodies")
            s.start()
            c = Lines(s.imap_port)
            c.line()
            for cmd in ("a1 CAPABILITY", f"a2 LOGIN {ALICE} {ALICE_PW}", "a3 CREATE Projects",
                        'a4 LIST "" "*"', "a5 NOOP", "a6 LOGOUT"):
                c.send(cmd)
                c.until(cmd.split()[0] + " ")
            c.close()
            wait_for(lambda: session_file(s, "a6 LOGOUT"), "the transcript")
            session = os.path.basename(session_file(s, "a6 LOGOUT")[0])[:-4]
            wait_for(lambda: "# session ended" in read(session_file(s, "a6 LOGOUT")[0]), "the end")
            shown = s.cli("log", "show", session, "--as-test").stdout.decode()
            # The documented edits (docs/protocol-log.md): the password back, the account as @user.
            test = f"@user {ALICE} {ALICE_PW}\n" + shown.replace("<redacted>", ALICE_PW)
            path = os.path.join(s.dir, "converted.t")
            with open(path, "w") as f:
                f.write(test)
            tool = os.path.join(os.path.dirname(__file__), "..", "support", "transcript.py")
            r = subprocess.run([sys.executable, tool, "--mode", "plain/whole", path], capture_output=True, text=True,
                               timeout=300, env=dict(os.environ))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr + "\n---\n" + test)


if __name__ == "__main__":
    unittest.main()
