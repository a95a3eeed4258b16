"""The server log (issue 6 item 6) and the metrics (item 7), seen from outside: a client run
over IMAP (imaplib), POP3 (poplib) and LMTP (smtplib.LMTP) between two scrapes of /metrics must
move each number by exactly what the run did, and every line the server wrote to stderr must
parse in the configured format ([log] format = "json" and "logfmt") and carry the events with
their reasons, bytes and durations, and never the password."""
import imaplib
import json
import poplib
import re
import smtplib
import socket
import time
import unittest
import urllib.request

from pbserver import PillarboxServer

USER = "alice@example.org"
PASSWORD = "Metrics-Secret-pw-7"
WRONG = "Not-The-Password-8"
NOBODY = "nobody@example.org"

MESSAGE = "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: metrics {}\r\n\r\nHello {}.\r\n"

LOGFMT_PAIR = re.compile(r'([a-z0-9_]+)=("(?:[^"\\]|\\.)*"|[^ "]+)(?: |$)')


def parse_logfmt(line):
    """One logfmt line as a dict; quoted values use JSON's escapes. Raises on anything else."""
    out = {}
    pos = 0
    while pos < len(line):
        m = LOGFMT_PAIR.match(line, pos)
        if not m:
            raise ValueError(f"not logfmt at offset {pos}: {line!r}")
        key, value = m.group(1), m.group(2)
        out[key] = json.loads(value) if value.startswith('"') else value
        pos = m.end()
    return out


def parse_lines(text, fmt):
    """Every stderr line parsed; fails the test on a line that is not valid in `fmt`."""
    parse = json.loads if fmt == "json" else parse_logfmt
    records = []
    for line in text.splitlines():
        record = parse(line)
        if not isinstance(record, dict) or "ts" not in record or "level" not in record:
            raise AssertionError(f"line without ts and level: {line!r}")
        if ("event" in record) == ("msg" in record):
            raise AssertionError(f"line with neither or both of event and msg: {line!r}")
        records.append(record)
    return records


def scrape_text(srv):
    with urllib.request.urlopen(f"http://127.0.0.1:{srv.metrics_port}/metrics", timeout=30) as r:
        return r.read().decode()


def delta(before, after, name):
    return after.get(name, 0) - before.get(name, 0)


class MetricsAndLog(unittest.TestCase):
    def test_json(self):
        self.client_run("json")

    def test_logfmt(self):
        self.client_run("logfmt")

    def client_run(self, fmt):
        with PillarboxServer(extra_config=f'[log]\nformat = "{fmt}"\n') as srv:
            srv.add_user(USER, PASSWORD)
            srv.start()
            srv.wait_for_sessions(0)   # the launcher's probe connection has ended
            with urllib.request.urlopen(f"http://127.0.0.1:{srv.metrics_port}/health", timeout=30) as r:
                self.assertEqual(r.read(), b"ok\n")
            before = srv.metrics()
            self.assertIn("pillarbox_protocol_log_bytes_total", before)   # the hook for the protocol log
            self.assertEqual(before['pillarbox_logins_total{protocol="imap",result="success"}'], 0)

            # LMTP: two messages for alice, one recipient unknown.
            lmtp = smtplib.LMTP("127.0.0.1", srv.lmtp_port)
            refused = lmtp.sendmail("bob@example.org", [USER, NOBODY], MESSAGE.format(1, 1))
            self.assertEqual(list(refused), [NOBODY])
            lmtp.sendmail("bob@example.org", [USER], MESSAGE.format(2, 2))
            lmtp.quit()

            # IMAP: a session that logs in and reads, checked while it is open.
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(USER, PASSWORD)
            c.select("INBOX")
            during = srv.metrics()
            self.assertEqual(during['pillarbox_sessions{protocol="imap"}'], 1)
            self.assertEqual(during['pillarbox_sessions_by_state{protocol="imap",state="selected"}'], 1)
            self.assertEqual(during['pillarbox_sessions_by_state{protocol="imap",state="not_authenticated"}'], 0)
            c.fetch("1:*", "(FLAGS)")
            c.fetch("1", "(BODY.PEEK[])")
            c.uid("FETCH", "1:*", "(UID)")
            with self.assertRaises(imaplib.IMAP4.error):
                c.xatom("XYZZY")   # unknown: counted as "other", never as a series of its own
            c.logout()

            # IMAP: a wrong password.
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            with self.assertRaises(imaplib.IMAP4.error):
                c.login(USER, WRONG)
            c.logout()

            # POP3: an unknown user, then alice, who reads a message.
            p = poplib.POP3("127.0.0.1", srv.pop3_port)
            p.user(NOBODY)
            with self.assertRaises(poplib.error_proto):
                p.pass_(PASSWORD)
            p.quit()
            p = poplib.POP3("127.0.0.1", srv.pop3_port)
            p.user(USER)
            p.pass_(PASSWORD)
            during = srv.metrics()
            self.assertEqual(during['pillarbox_sessions_by_state{protocol="pop3",state="transaction"}'], 1)
            self.assertEqual(p.stat()[0], 2)
            p.retr(1)
            p.quit()

            # A TLS handshake that fails: plain text on the implicit-TLS port.
            with socket.create_connection(("127.0.0.1", srv.imaps_port), timeout=30) as raw:
                raw.sendall(b"a001 LOGIN alice@example.org x\r\n" * 20)
                try:
                    while raw.recv(4096):
                        pass
                except ConnectionResetError:   # closed with our bytes unread
                    pass

            srv.wait_for_sessions(0)
            after = srv.metrics()
            text = scrape_text(srv)
            self.check_metrics(before, after, text)
            self.wait_for_log(srv, fmt)
            srv.stop()
            self.check_log(srv, fmt)
            self.assertEqual(parse_lines(srv.stderr(), fmt)[-1]["event"], "stop")

    def check_metrics(self, before, after, text):
        d = lambda name: delta(before, after, name)
        # Logins by result, exactly.
        self.assertEqual(d('pillarbox_logins_total{protocol="imap",result="success"}'), 1)
        self.assertEqual(d('pillarbox_logins_total{protocol="imap",result="wrong_password"}'), 1)
        self.assertEqual(d('pillarbox_logins_total{protocol="pop3",result="unknown_user"}'), 1)
        self.assertEqual(d('pillarbox_logins_total{protocol="pop3",result="success"}'), 1)
        logins = sum(d(k) for k in after if k.startswith("pillarbox_logins_total{"))
        self.assertEqual(logins, 4)

        # Commands by name.
        imap = lambda c: d(f'pillarbox_commands_total{{protocol="imap",command="{c}"}}')
        pop3 = lambda c: d(f'pillarbox_commands_total{{protocol="pop3",command="{c}"}}')
        lmtp = lambda c: d(f'pillarbox_commands_total{{protocol="lmtp",command="{c}"}}')
        self.assertEqual(imap("SELECT"), 1)
        self.assertEqual(imap("FETCH"), 2)
        self.assertEqual(imap("UID FETCH"), 1)
        self.assertEqual(imap("LOGIN"), 2)
        self.assertEqual(imap("LOGOUT"), 2)
        self.assertEqual(imap("other"), 1)
        self.assertNotIn("XYZZY", text)
        self.assertEqual((pop3("USER"), pop3("PASS"), pop3("STAT"), pop3("RETR"), pop3("QUIT")), (2, 2, 1, 1, 2))
        self.assertEqual((lmtp("LHLO"), lmtp("MAIL"), lmtp("RCPT"), lmtp("DATA"), lmtp("QUIT")), (1, 2, 3, 2, 1))

        # Each command histogram counts what the counter counts, with cumulative buckets.
        histograms = 0
        for key, value in after.items():
            m = re.fullmatch(r"pillarbox_command_duration_seconds_count(\{.*\})", key)
            if not m:
                continue
            histograms += 1
            labels = m.group(1)
            self.assertEqual(value, after["pillarbox_commands_total" + labels], labels)
            buckets = [(float(le), after[k]) for k in after
                       for le in re.findall(r'le="([^"]+)"', k)
                       if k.startswith("pillarbox_command_duration_seconds_bucket" + labels[:-1] + ",le=")]
            buckets.sort()
            counts = [n for _, n in buckets]
            self.assertEqual(counts, sorted(counts), labels)      # cumulative
            self.assertEqual(buckets[-1], (float("inf"), value), labels)
        self.assertGreaterEqual(histograms, 15)
        self.assertEqual(d('pillarbox_command_duration_seconds_count{protocol="imap",command="FETCH"}'), 2)

        # Store calls, timed under the command that made them.
        self.assertGreaterEqual(d('pillarbox_store_duration_seconds_count{protocol="imap",command="SELECT"}'), 1)
        self.assertGreaterEqual(d('pillarbox_store_duration_seconds_count{protocol="lmtp",command="DATA"}'), 2)
        self.assertGreaterEqual(d('pillarbox_store_duration_seconds_count{protocol="pop3",command="PASS"}'), 1)

        # Bytes in and out, per protocol.
        for protocol in ("imap", "pop3", "lmtp"):
            self.assertGreater(d(f'pillarbox_received_bytes_total{{protocol="{protocol}"}}'), 0, protocol)
            self.assertGreater(d(f'pillarbox_sent_bytes_total{{protocol="{protocol}"}}'), 0, protocol)
        # The message went out whole in the FETCH BODY[] and the RETR.
        self.assertGreater(d('pillarbox_sent_bytes_total{protocol="imap"}'), len(MESSAGE))

        # Deliveries by result.
        self.assertEqual(d('pillarbox_deliveries_total{result="delivered"}'), 2)
        self.assertEqual(d('pillarbox_deliveries_total{result="no_such_user"}'), 1)
        self.assertEqual(d('pillarbox_deliveries_total{result="temporary_failure"}'), 0)

        self.assertEqual(d('pillarbox_tls_failures_total{protocol="imap"}'), 1)

        # No session left, and none in any state.
        self.assertEqual(sum(v for k, v in after.items() if k.startswith("pillarbox_sessions_by_state{")), 0)
        self.assertEqual(after['pillarbox_store_errors_total{protocol="imap"}'], 0)

    def wait_for_log(self, srv, fmt):
        """Waits until the last session's end is written (just after its connection closes): a
        hang guard, not a timing check."""
        deadline = time.monotonic() + 30
        while True:
            records = parse_lines(srv.stderr(), fmt)
            ends = [r for r in records if r.get("event") in ("logout", "disconnect")]
            if len(ends) >= 6 or time.monotonic() > deadline:   # probe + 2 IMAP + 2 POP3 + LMTP
                return
            time.sleep(0.05)

    def check_log(self, srv, fmt):
        text = srv.stderr()
        self.assertNotIn(PASSWORD, text)
        self.assertNotIn(WRONG, text)
        records = parse_lines(text, fmt)
        events = [r for r in records if "event" in r]
        num = int   # logfmt values are text; JSON numbers are numbers
        by = lambda name, **kw: [r for r in events if r["event"] == name and all(r.get(k) == v for k, v in kw.items())]

        start = by("start")
        self.assertEqual(len(start), 1)
        self.assertTrue(start[0]["version"])
        self.assertIn(str(srv.imap_port), start[0]["imap"])
        self.assertEqual(len(by("stop")), 1)

        self.assertEqual(len(by("login", protocol="imap", result="success", account=USER, mechanism="LOGIN")), 1)
        wrong = by("login", protocol="imap", result="failure", reason="wrong_password")
        self.assertEqual(len(wrong), 1)
        self.assertEqual(wrong[0]["user"], USER)
        self.assertGreaterEqual(num(wrong[0]["delay_ms"]), 0)
        unknown = by("login", protocol="pop3", result="failure", reason="unknown_user")
        self.assertEqual(len(unknown), 1)
        self.assertEqual(unknown[0]["user"], NOBODY)
        self.assertEqual(len(by("login", protocol="pop3", result="success", account=USER)), 1)

        imap_sessions = {r["session"] for r in by("connect", protocol="imap")}
        logouts = by("logout", protocol="imap", account=USER)
        self.assertEqual(len(logouts), 1)
        out = logouts[0]
        self.assertIn(out["session"], imap_sessions)
        self.assertEqual(out["end"], "logout")
        self.assertGreater(num(out["bytes_in"]), 0)
        self.assertGreater(num(out["bytes_out"]), len(MESSAGE))
        self.assertGreaterEqual(num(out["duration_ms"]), 0)
        self.assertEqual(len(by("logout", protocol="pop3", account=USER, end="quit")), 1)

        delivered = by("delivery", result="delivered", to=USER)
        self.assertEqual(len(delivered), 2)
        self.assertEqual(delivered[0]["mailbox"], "INBOX")
        self.assertEqual(len(by("delivery", result="no_such_user", to=NOBODY)), 1)
        self.assertEqual(len(by("disconnect", protocol="lmtp", end="quit")), 1)
        failed = by("tls_failure", protocol="imap", phase="implicit")
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["remote"], "127.0.0.1")
        self.assertTrue(failed[0]["error"])
        connect = by("connect", protocol="imap")[0]
        self.assertEqual(connect["remote"], "127.0.0.1")
        self.assertEqual(connect["tls"], "no")


if __name__ == "__main__":
    unittest.main()
