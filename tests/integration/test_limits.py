"""Connection limits and licensing modes (SPEC "Connection limits", seed 000), `pillarbox who`
and `pillarbox kick`, across IMAP and POP3 with imaplib, poplib and raw sockets."""
import imaplib
import os
import poplib
import socket
import ssl
import stat
import subprocess
import unittest

from pbserver import PillarboxServer

PASSWORD = "limits-password-1"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def greeting(port, source="127.0.0.1", tls=False):
    """Connects and returns (socket, first line); the socket is left open."""
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(30)
    s.connect(("127.0.0.1", port))
    if tls:
        s = tls_context().wrap_socket(s)
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = s.recv(1000)
        if not chunk:
            break
        line += chunk
    return s, line.decode()


def closed_by_server(s, timeout=60):
    """True when the server has closed the connection (reads EOF); the timeout only keeps a
    server that never closes from hanging the test (it then raises socket.timeout)."""
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(1000):
                return True
    except (ConnectionResetError, ssl.SSLError):
        return True


def imap_login(srv, user):
    c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
    c.login(user, PASSWORD)
    return c


def people(srv, n):
    users = [f"person{i}@example.org" for i in range(n)]
    for u in users:
        srv.add_user(u, PASSWORD)
    return users


class PerConnectionCounting(unittest.TestCase):
    """Seed 000: per-server licensing for 10 connections; 5 people with 2 sessions each fill it."""

    def test_five_people_with_two_sessions_each_fill_the_server(self):
        with PillarboxServer(extra_config="[limits]\nmax_connections = 10\ncounting = \"per-connection\"\n") as srv:
            users = people(srv, 6)
            srv.start()
            srv.wait_for_sessions(0)
            sessions = [imap_login(srv, u) for u in users[:5] for _ in range(2)]
            w = srv.wait_for_sessions(10)
            self.assertEqual((w["in_use"], w["capacity"], w["counting"]), (10, 10, "per-connection"))
            self.assertEqual(w["accounts"], 5)

            # The 11th session, IMAP or POP3, plain or TLS, is told why at the greeting.
            s, line = greeting(srv.imap_port)
            self.assertEqual(line, "* BYE [UNAVAILABLE] All 10 connections are in use; try again later\r\n")
            self.assertTrue(closed_by_server(s))
            s, line = greeting(srv.imaps_port, tls=True)
            self.assertTrue(line.startswith("* BYE [UNAVAILABLE] "), line)
            s, line = greeting(srv.pop3_port)
            self.assertEqual(line, "-ERR [SYS/TEMP] All 10 connections are in use; try again later\r\n")
            self.assertTrue(closed_by_server(s))
            self.assertIn("event=limit", srv.stderr())
            self.assertIn("stage=connect limit=server_full", srv.stderr())
            self.assertEqual(srv.who()["counted_sessions"], 10)
            m = srv.metrics()
            self.assertEqual(m['pillarbox_refusals_total{reason="server_full"}'], 3)
            self.assertEqual(m['pillarbox_license_in_use'], 10)
            self.assertEqual(m['pillarbox_license_capacity{counting="per-connection"}'], 10)
            self.assertEqual(m['pillarbox_accounts_logged_in'], 5)

            # One session ends: its place is free at once for someone else.
            sessions.pop().logout()
            srv.wait_for_sessions(9)
            sixth = imap_login(srv, users[5])
            self.assertEqual(sixth.noop()[0], "OK")
            for c in sessions + [sixth]:
                c.logout()
            srv.wait_for_sessions(0)


class PerUserCounting(unittest.TestCase):
    """Seed 000's remedy: per-seat licensing; a person counts once however many sessions."""

    def test_ten_people_with_three_sessions_each_are_served_and_an_eleventh_person_is_refused(self):
        with PillarboxServer(extra_config="[limits]\nmax_connections = 10\ncounting = \"per-user\"\n") as srv:
            users = people(srv, 12)
            srv.start()
            srv.wait_for_sessions(0)
            held = {}
            for u in users[:10]:
                # Two IMAP sessions and a POP3 one each, as a phone plus a desktop client might.
                p = poplib.POP3("127.0.0.1", srv.pop3_port)
                p.user(u)
                p.pass_(PASSWORD)
                held[u] = [imap_login(srv, u), imap_login(srv, u), p]
            w = srv.wait_for_sessions(30)
            self.assertEqual((w["in_use"], w["capacity"], w["counting"]), (10, 10, "per-user"))
            table = srv.cli("who").stdout.decode()
            self.assertTrue(table.startswith("10 of 10 seats in use (per-user counting)"), table)

            # The 11th person is let in to the greeting but refused at login, clearly.
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            typ, data = c._simple_command("LOGIN", users[10], PASSWORD)
            self.assertEqual(typ, "NO")
            self.assertEqual(data[0], b"[LIMIT] All 10 seats are in use; try again later")
            self.assertEqual(c.noop()[0], "OK")   # the session stays usable
            p = poplib.POP3("127.0.0.1", srv.pop3_port)
            p.user(users[10])
            with self.assertRaises(poplib.error_proto) as e:
                p.pass_(PASSWORD)
            self.assertEqual(e.exception.args[0], b"-ERR [SYS/TEMP] All 10 seats are in use; try again later")
            p.quit()
            self.assertRegex(srv.stderr(), r"event=login .*result=failure reason=limit .*limit=seats_full")

            # A seated person's fourth session takes no new seat.
            extra = imap_login(srv, users[0])
            self.assertEqual(srv.who()["in_use"], 10)
            extra.logout()

            # When every session of one person has ended, the seat is free for the next.
            for session in held.pop(users[3]):
                if isinstance(session, poplib.POP3):
                    session.quit()
                else:
                    session.logout()
            srv.wait_for_sessions(28)   # 27 held + the 11th person's logged-out IMAP session
            self.assertEqual(srv.who()["in_use"], 9)
            c.login(users[10], PASSWORD)
            self.assertEqual(srv.who()["in_use"], 10)
            c.logout()
            for sessions in held.values():
                for session in sessions:
                    if isinstance(session, poplib.POP3):
                        session.quit()
                    else:
                        session.logout()
            srv.wait_for_sessions(0)


class PerAccountAndPerAddressLimits(unittest.TestCase):
    def test_an_account_over_its_limit_is_refused_at_login(self):
        with PillarboxServer(extra_config="[limits]\nmax_connections_per_user = 2\n") as srv:
            srv.add_user("alice@example.org", PASSWORD)
            srv.add_user("bob@example.org", PASSWORD)
            srv.start()
            a1 = imap_login(srv, "alice@example.org")
            a2 = imap_login(srv, "alice@example.org")
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            typ, data = c._simple_command("LOGIN", "alice@example.org", PASSWORD)
            self.assertEqual((typ, data[0]), ("NO", b"[LIMIT] Too many connections for this account (limit 2); "
                                                     b"close another one first"))
            c.login("bob@example.org", PASSWORD)   # the refused session may still log in as someone else
            p = poplib.POP3("127.0.0.1", srv.pop3_port)
            p.user("alice@example.org")
            with self.assertRaises(poplib.error_proto) as e:
                p.pass_(PASSWORD)
            self.assertEqual(e.exception.args[0], b"-ERR [IN-USE] Too many connections for this account (limit 2); "
                                                  b"close another one first")
            a1.logout()
            srv.wait_for_sessions(3)
            p.user("alice@example.org")   # a place freed is usable again
            self.assertTrue(p.pass_(PASSWORD).startswith(b"+OK"))
            p.quit()
            a2.logout()
            c.logout()
            self.assertRegex(srv.stderr(), r"event=login .*result=failure reason=limit .*limit=user_full")

    def test_connections_from_one_address_are_limited(self):
        # A long login timeout: the refused TLS connection below must be closed by the short
        # refusal deadline, not by this.
        with PillarboxServer(extra_config="[limits]\nmax_connections_per_ip = 3\nlogin_timeout_seconds = 600\n") as srv:
            srv.start()
            srv.wait_for_sessions(0)
            held = [greeting(srv.imap_port)[0] for _ in range(2)] + [greeting(srv.pop3_port)[0]]
            s, line = greeting(srv.imap_port)
            self.assertEqual(line, "* BYE [UNAVAILABLE] Too many connections from your address (limit 3)\r\n")
            self.assertTrue(closed_by_server(s))
            # A refused connection on the TLS port that never starts its handshake is not left
            # holding a descriptor for the whole login timeout.
            t = socket.create_connection(("127.0.0.1", srv.imaps_port))
            self.assertTrue(closed_by_server(t))
            s, line = greeting(srv.imap_port, source="127.0.0.2")   # another address is not affected
            self.assertTrue(line.startswith("* OK "), line)
            s.close()
            for h in held:
                h.close()
            srv.wait_for_sessions(0)
            self.assertIn("stage=connect limit=ip_full", srv.stderr())


class WhoAndKick(unittest.TestCase):
    def test_who_lists_sessions_and_kick_ends_one_accounts_sessions(self):
        with PillarboxServer() as srv:
            srv.add_user("alice@example.org", PASSWORD)
            srv.add_user("bob@example.org", PASSWORD)
            srv.start()
            srv.wait_for_sessions(0)
            sock = os.path.join(srv.data, "admin.sock")
            mode = os.stat(sock).st_mode
            self.assertTrue(stat.S_ISSOCK(mode))
            self.assertEqual(stat.S_IMODE(mode), 0o600)   # owner-only

            alice = imaplib.IMAP4_SSL("127.0.0.1", srv.imaps_port, ssl_context=tls_context())
            alice.login("alice@example.org", PASSWORD)
            alice.select("INBOX")
            alice_pop = poplib.POP3("127.0.0.1", srv.pop3_port)
            alice_pop.user("alice@example.org")
            alice_pop.pass_(PASSWORD)
            bob = imap_login(srv, "bob@example.org")
            anonymous, _ = greeting(srv.imap_port)
            w = srv.wait_for_sessions(4)
            self.assertEqual((w["logged_in"], w["accounts"]), (3, 2))
            by = {(s["account"], s["protocol"]): s for s in w["list"]}
            a = by[("alice@example.org", "imap")]
            self.assertEqual((a["state"], a["mailbox"], a["tls"], a["remote"]), ("selected", "INBOX", True, "127.0.0.1"))
            self.assertTrue(a["tls_description"].startswith("TLSv1."))
            self.assertEqual(by[("alice@example.org", "pop3")]["state"], "transaction")
            self.assertEqual(by[("bob@example.org", "imap")]["state"], "authenticated")
            self.assertEqual(by[(None, "imap")]["state"], "not authenticated")
            self.assertIn(a["id"], srv.stderr())   # the id is the one in the server log

            table = srv.cli("who").stdout.decode()
            self.assertIn("alice@example.org", table)
            self.assertIn("selected", table)

            out = srv.cli("kick", "Alice@Example.org").stdout.decode()
            self.assertEqual(out, "asked 2 sessions of alice@example.org to end\n")
            with self.assertRaises(imaplib.IMAP4.abort):
                alice.noop()
            self.assertEqual(alice.untagged_responses.get("BYE"), [b"Disconnected by the administrator"])
            self.assertEqual(alice_pop.sock.recv(1000), b"-ERR Disconnected by the administrator\r\n")
            w = srv.wait_for_sessions(2)
            self.assertEqual(bob.noop()[0], "OK")   # others are untouched
            self.assertEqual([s["account"] for s in w["list"]].count("alice@example.org"), 0)
            bob.logout()
            anonymous.close()
            srv.wait_for_sessions(0)

            bad = srv.cli("kick", "two words", check=False)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("unknown request", bad.stderr.decode())

    def test_metrics_endpoint_answers_health_and_refuses_other_requests(self):
        import urllib.error
        import urllib.request
        with PillarboxServer() as srv:
            srv.start()
            base = f"http://127.0.0.1:{srv.metrics_port}"
            with urllib.request.urlopen(base + "/health", timeout=30) as r:
                self.assertEqual((r.status, r.read()), (200, b"ok\n"))
            with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
                self.assertTrue(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
                self.assertIn(b"# TYPE pillarbox_sessions gauge", r.read())
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + "/other", timeout=30)
            self.assertEqual(e.exception.code, 404)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(urllib.request.Request(base + "/metrics", data=b"x", method="POST"), timeout=30)
            self.assertEqual(e.exception.code, 405)
            s = socket.create_connection(("127.0.0.1", srv.metrics_port))
            s.sendall(b"GET /metrics HTTP/1.1\r\n" + b"X: " + b"y" * 9000)   # a head over 8 KiB is dropped
            self.assertTrue(closed_by_server(s))

    def test_who_says_so_when_the_server_is_not_running(self):
        with PillarboxServer() as srv:
            r = srv.cli("who", check=False)
            self.assertEqual(r.returncode, 1)
            self.assertIn("the server is not running", r.stderr.decode())

    def test_a_second_server_on_the_same_data_directory_does_not_take_the_socket(self):
        with PillarboxServer() as srv:
            srv.start()
            with PillarboxServer() as other:
                # Same data directory and admin socket, other ports.
                with open(other.config) as f:
                    cfg = f.read().replace(other.data, srv.data)
                with open(other.config, "w") as f:
                    f.write(cfg)
                r = subprocess.run([other.binary, "--config", other.config, "serve"], capture_output=True, timeout=60)
                self.assertEqual(r.returncode, 2)
                self.assertIn("another server is listening there", r.stderr.decode())
            self.assertIn("counted_sessions", srv.who())   # the first server still answers on it
            self.assertTrue(os.path.exists(os.path.join(srv.data, "admin.sock")))


if __name__ == "__main__":
    unittest.main()
