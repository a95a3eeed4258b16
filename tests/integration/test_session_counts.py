"""Exact session counters under faults (seed 002, SPEC "Connection limits"): thousands of
connections ended in every way a connection ends -- LOGOUT, QUIT, TCP reset, a client that stops
reading while the server writes, the idle and login timeouts, a TLS handshake abandoned half way,
STARTTLS/STLS then silence, and server shutdown. `pillarbox who --json` must report exactly the
live sessions while they are open and 0 when they are gone."""
import resource
import socket
import struct
import time
import unittest

from pbserver import PillarboxServer

PASSWORD = "counts-password-1"
ACCOUNTS = [f"user{i}@example.org" for i in range(20)]


def config(login_timeout=600, idle_timeout=600):
    return (f"[limits]\nmax_connections = 100000\nmax_connections_per_user = 100000\n"
            f"max_connections_per_ip = 100000\nlogin_timeout_seconds = {login_timeout}\n"
            f"idle_timeout_seconds = {idle_timeout}\n")


def raise_descriptor_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def read_until(s, marker, limit=1 << 20):
    data = b""
    while marker not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before {marker!r}; got {data[-200:]!r}")
        data += chunk
        if len(data) > limit:
            raise AssertionError("no end marker in a megabyte")
    return data


def open_many(port, n, greeting=b"\r\n"):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        socks.append(s)
    for s in socks:
        if greeting:
            read_until(s, greeting)
    return socks


def imap_login_all(socks, accounts=ACCOUNTS):
    """Pipelined: every LOGIN is sent before any answer is read, so the server verifies them
    concurrently."""
    for i, s in enumerate(socks):
        s.sendall(f"a LOGIN {accounts[i % len(accounts)]} {PASSWORD}\r\n".encode())
    for s in socks:
        assert b"a OK" in read_until(s, b"a OK"), "login failed"


def reset(s):
    """Closes with an RST instead of a FIN (SO_LINGER with a zero timeout)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def wait_closed_by_server(socks, timeout=60):
    deadline = time.time() + timeout
    for s in socks:
        s.settimeout(max(1, deadline - time.time()))
        try:
            while s.recv(65536):
                pass
        except (ConnectionResetError, BrokenPipeError):
            pass
        s.close()


class ExactCounters(unittest.TestCase):
    """Each test ends its connections one way and checks the count while they are open and
    after; together they open and end over 2,000 connections."""

    def server(self, **timeouts):
        raise_descriptor_limit(4096)
        srv = PillarboxServer(extra_config=config(**timeouts))
        self.addCleanup(srv.__exit__, None, None, None)
        for a in ACCOUNTS:
            srv.add_user(a, PASSWORD)
        srv.start()
        srv.wait_for_sessions(0)
        return srv

    def expect_live(self, srv, n):
        """who reports exactly n IMAP/POP3 sessions (waiting for the server to notice closes)."""
        w = srv.wait_for_sessions(n)
        self.assertEqual(len([s for s in w["list"] if s["protocol"] != "lmtp"]), n)
        self.assertEqual(w["in_use"], n)
        return w

    def test_logout_and_quit(self):
        srv = self.server()
        imap = open_many(srv.imap_port, 400)
        imap_login_all(imap[:150])
        pop = open_many(srv.pop3_port, 300)
        for i, s in enumerate(pop[:len(ACCOUNTS)]):
            s.sendall(f"USER {ACCOUNTS[i]}\r\nPASS {PASSWORD}\r\n".encode())
            read_until(s, b"Logged in")
        w = self.expect_live(srv, 700)
        self.assertEqual(w["logged_in"], 150 + len(ACCOUNTS))
        self.assertEqual(w["accounts"], len(ACCOUNTS))
        for s in imap:
            s.sendall(b"z LOGOUT\r\n")
        for s in pop:
            s.sendall(b"QUIT\r\n")
        wait_closed_by_server(imap + pop)
        self.expect_live(srv, 0)

    def test_tcp_resets(self):
        srv = self.server()
        socks = open_many(srv.imap_port, 500)
        imap_login_all(socks[:200])
        pops = open_many(srv.pop3_port, 200)
        self.expect_live(srv, 700)
        for i, s in enumerate(socks + pops):
            if i % 2:
                s.sendall(b"x NOOP\r\n" if i < 500 else b"NOOP\r\n")   # a command in flight
            reset(s)
        self.expect_live(srv, 0)

    def test_timeouts_half_done_tls_and_starttls_then_silence(self):
        # Long enough for every group to be open at once even on a slow (sanitizer) build, short
        # enough to keep the test quick.
        srv = self.server(login_timeout=8, idle_timeout=8)
        quiet = open_many(srv.imap_port, 200) + open_many(srv.pop3_port, 100)
        half_tls = open_many(srv.imaps_port, 100, greeting=None) + open_many(srv.pop3s_port, 50, greeting=None)
        for s in half_tls:
            s.sendall(bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]))   # record header + start
        starttls = open_many(srv.imap_port, 50)
        for s in starttls:
            s.sendall(b"t STARTTLS\r\n")
        stls = open_many(srv.pop3_port, 50)
        for s in stls:
            s.sendall(b"STLS\r\n")
        for s in starttls:
            read_until(s, b"t OK")
        for s in stls:
            read_until(s, b"+OK")
        idle = open_many(srv.imap_port, 40)
        imap_login_all(idle)   # the clock is held while logins wait for the hash pool
        everyone = idle + quiet + half_tls + starttls + stls
        self.expect_live(srv, len(everyone))   # 590: a handshake in progress is a live session
        self.assertIn(b"* BYE Autologout", read_until(idle[0], b"BYE"))   # IMAP says why
        wait_closed_by_server(everyone, timeout=120)
        self.expect_live(srv, 0)

    def test_a_client_that_stops_reading_while_the_server_writes(self):
        srv = self.server(idle_timeout=3)
        big = ("Subject: big\r\n\r\n" + ("x" * 998 + "\r\n") * 1000).encode()
        feeder = open_many(srv.imap_port, 1)[0]
        imap_login_all([feeder])
        feeder.sendall(b"p APPEND INBOX {%d+}\r\n" % len(big) + big + b"\r\n")
        read_until(feeder, b"p OK")
        feeder.sendall(b"z LOGOUT\r\n")
        wait_closed_by_server([feeder])
        stuck = []
        for _ in range(10):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", srv.imap_port))
            s.settimeout(60)
            read_until(s, b"\r\n")
            stuck.append(s)
        imap_login_all(stuck, accounts=ACCOUNTS[:1])   # the account that has the big message
        for s in stuck:
            # 50 MB of answers pipelined, never read: the server's writes block.
            s.sendall(b"s SELECT INBOX\r\n" + b"".join(b"f%d FETCH 1 BODY[]\r\n" % i for i in range(50)))
        self.expect_live(srv, 10)
        # Counted while blocked; then the idle timeout ends the blocked writes and frees them.
        self.expect_live(srv, 0)
        for s in stuck:
            s.close()

    def test_server_shutdown(self):
        srv = self.server()
        imap = open_many(srv.imap_port, 100)
        imap_login_all(imap[:50])
        pop = open_many(srv.pop3_port, 50)
        tls_half = open_many(srv.imaps_port, 20, greeting=None)
        self.expect_live(srv, 170)
        srv.stop()
        for s in imap:
            self.assertIn(b"* BYE Server shutting down", read_until(s, b"BYE"))
        for s in pop:
            self.assertIn(b"-ERR [SYS/TEMP] Server shutting down", read_until(s, b"shutting down"))
        wait_closed_by_server(imap + pop + tls_half)
        log = srv.stderr()
        self.assertIn("event=stopping signal=15 sessions=170", log)
        self.assertIn("event=stop sessions=0", log)


class DescriptorLimit(unittest.TestCase):
    """Started under the usual `ulimit -n` of a login shell or a plain systemd unit, the server
    raises its soft open-file limit to the hard one instead of refusing clients past it."""

    def test_started_with_a_low_soft_limit_it_serves_more_connections_than_that(self):
        hard = raise_descriptor_limit(4096)
        if hard < 1000:
            self.fail(f"this machine's hard open-file limit ({hard}) is too low for the test")
        soft_before, hard_before = resource.getrlimit(resource.RLIMIT_NOFILE)
        srv = PillarboxServer(extra_config="[limits]\nmax_connections = 700\nmax_connections_per_ip = 700\n")
        self.addCleanup(srv.__exit__, None, None, None)
        resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard_before))  # inherited by the server
        try:
            srv.start()
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft_before, hard_before))
        socks = open_many(srv.imap_port, 600)
        try:
            for s in socks:
                s.sendall(b"a NOOP\r\n")
            for s in socks:
                self.assertIn(b"a OK", read_until(s, b"a OK"))
        finally:
            for s in socks:
                s.close()
        self.assertFalse("open-file limit" in srv.stderr(), "warned of a limit it had raised")


if __name__ == "__main__":
    unittest.main()
