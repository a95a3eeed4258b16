"""SASL against the real server (RFC 4422): SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802,
RFC 7677) with GNU SASL's `gsasl` client as the real implementation (IMAP directly; POP3 by
relaying its messages), channel binding tls-exporter (RFC 9266, TLS 1.3, gsasl) and
tls-server-end-point (RFC 5929, TLS 1.2 and 1.3, a small client here, since Python's ssl cannot
export keying material), the RFC 5802 §6 downgrade rule, unknown names indistinguishable from
wrong passwords, master users acting for others through PLAIN authzid and SCRAM "a=", and
accounts without SCRAM keys that get them at their next plaintext login.
"""
import base64
import hashlib
import hmac
import imaplib
import os
import poplib
import queue
import re
import socket
import ssl
import subprocess
import threading
import time
import unittest

from pbserver import PillarboxServer

ALICE, ALICE_PW = "alice@example.org", "alice pässword"
BOB, BOB_PW = "bob@example.org", "bob secret"
ADMIN, ADMIN_PW = "admin@example.org", "master key"
TIMEOUT = 30


def tls_context(version=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


def b64(data):
    return base64.b64encode(data).decode()


class ScramClient:
    """The client side of SCRAM-SHA-256 (RFC 5802 §3), written from the RFC for these tests.
    `gs2` is the GS2 header ("n,,", "y,,", "p=tls-server-end-point,,"), `cb_data` the channel
    binding bytes for "p=", `lie_cb` replaces them in c= (a man in the middle's view)."""

    def __init__(self, user, password, gs2="n,,", cb_data=b"", lie_cb=None):
        self.user, self.password, self.gs2, self.cb_data, self.lie_cb = user, password, gs2, cb_data, lie_cb
        self.nonce = b64(os.urandom(18))
        self.server_first = None

    def first(self):
        self.bare = f"n={self.user.replace('=', '=3D').replace(',', '=2C')},r={self.nonce}"
        return (self.gs2 + self.bare).encode()

    def final(self, server_first):
        self.server_first = server_first.decode()
        attrs = dict(a.split("=", 1) for a in self.server_first.split(","))
        assert attrs["r"].startswith(self.nonce)
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        cb = self.lie_cb if self.lie_cb is not None else self.cb_data
        without_proof = f"c={b64(self.gs2.encode() + cb)},r={attrs['r']}"
        self.auth_message = f"{self.bare},{self.server_first},{without_proof}".encode()
        signature = hmac.digest(stored_key, self.auth_message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        self.expected_v = "v=" + b64(hmac.digest(server_key, self.auth_message, "sha256"))
        return f"{without_proof},p={b64(proof)}".encode()


class Lines:
    """A line-based connection (IMAP or POP3), plain or TLS."""

    def __init__(self, port, tls=None):
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock = tls.wrap_socket(sock) if tls else sock
        self.buf = b""

    def starttls(self, ctx):
        self.sock = ctx.wrap_socket(self.sock)

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n" if isinstance(line, str) else line + b"\r\n")

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("connection closed; got " + repr(self.buf))
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def until(self, prefix):
        while True:
            line = self.line()
            if line.startswith(prefix):
                return line

    def close(self):
        self.sock.close()


def server_end_point(sock):
    # RFC 5929 §4.1: the certificate's hash; Pillarbox's self-signed one is ECDSA with SHA-256.
    return hashlib.sha256(sock.getpeercert(binary_form=True)).digest()


def imap_scram(conn, client, mechanism="SCRAM-SHA-256", tag="s1"):
    """Runs AUTHENTICATE with `client`; returns the tagged reply line."""
    conn.send(f"{tag} AUTHENTICATE {mechanism} {b64(client.first())}")
    line = conn.line()
    if not line.startswith("+ "):
        return line
    conn.send(b64(client.final(base64.b64decode(line[2:]))))
    line = conn.line()
    if not line.startswith("+ "):
        return line
    assert base64.b64decode(line[2:]).decode() == client.expected_v, line
    conn.send("")
    return conn.line()


class GsaslRelay:
    """Drives `gsasl` on stdin/stdout (its protocol-less mode) so another protocol can carry its
    messages: client() returns the next base64 message it printed, server(b64) hands it one."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(["gsasl", "--client", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def client(self):
        while True:
            line = self.lines.get(timeout=TIMEOUT)
            if line is None:
                return None
            if line == "Output from client:":
                return self.lines.get(timeout=TIMEOUT)
            if "error" in line:
                return None

    def server(self, data):
        self.proc.stdin.write(data + "\n")
        self.proc.stdin.flush()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=TIMEOUT)
        self.proc.stdout.close()


class Sasl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config=f'master_users = ["{ADMIN.upper()}"]\n')
        for user, pw in ((ALICE, ALICE_PW), (BOB, BOB_PW), (ADMIN, ADMIN_PW)):
            cls.server.add_user(user, pw)
        cls.server.cli("user", "alias", "add", "al", ALICE)
        cls.server.start()
        cls.ca = os.path.join(cls.server.data, "fullchain.pem")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def log_has(self, text):
        # Log lines are written before the reply goes out, but give the writer a moment.
        for _ in range(50):
            if text in self.server.stderr():
                return True
            time.sleep(0.1)
        return False

    # --- gsasl, the real client ----------------------------------------------------------------

    def gsasl_imap(self, *args, user=ALICE, password=ALICE_PW):
        return subprocess.run(["gsasl", "--imap", "--connect", f"127.0.0.1:{self.server.imap_port}",
                               "-a", user, "-p", password, "--verbose", *args],
                              capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)

    def test_gsasl_scram_sha_256_over_plain_imap(self):
        r = self.gsasl_imap("-m", "SCRAM-SHA-256", "--no-starttls")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(". OK [CAPABILITY", r.stdout)
        self.assertIn("AUTH=SCRAM-SHA-256", r.stdout)
        self.assertNotIn("AUTH=SCRAM-SHA-256-PLUS", r.stdout)
        self.assertTrue(self.log_has(f"account={ALICE} mechanism=SCRAM-SHA-256\n"))
        # gsasl checks the server's signature (v=) itself: a server that did not know the keys
        # could not have produced it.
        self.assertIn("Client authentication finished", r.stdout + r.stderr)

    def test_gsasl_wrong_password_refused(self):
        r = self.gsasl_imap("-m", "SCRAM-SHA-256", "--no-starttls", password="wrong")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("NO [AUTHENTICATIONFAILED]", r.stdout)

    def test_gsasl_scram_sha_256_plus_tls13_exporter(self):
        # STARTTLS with TLS 1.3: gsasl binds with tls-exporter (RFC 9266).
        r = self.gsasl_imap("-m", "SCRAM-SHA-256-PLUS", "--starttls", "--x509-ca-file=" + self.ca)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("TLS1.3", r.stdout + r.stderr)
        self.assertIn("AUTH=SCRAM-SHA-256-PLUS", r.stdout)
        first = re.search(r"AUTHENTICATE SCRAM-SHA-256-PLUS\n\+ \n(\S+)", r.stdout)
        self.assertIsNotNone(first, r.stdout)
        self.assertTrue(base64.b64decode(first.group(1)).startswith(b"p=tls-exporter,,"))
        self.assertTrue(self.log_has(f"account={ALICE} mechanism=SCRAM-SHA-256-PLUS\n"))

    def test_gsasl_master_user_with_authzid(self):
        r = self.gsasl_imap("-m", "SCRAM-SHA-256", "--no-starttls", "-z", ALICE, user=ADMIN, password=ADMIN_PW)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(self.log_has(f"result=success account={ALICE} mechanism=SCRAM-SHA-256 master={ADMIN}\n"))
        r = self.gsasl_imap("-m", "SCRAM-SHA-256", "--no-starttls", "-z", ALICE, user=BOB, password=BOB_PW)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("NO [AUTHORIZATIONFAILED]", r.stdout)

    def test_gsasl_over_pop3(self):
        # gsasl speaks IMAP and SMTP only; its protocol-less mode does the SASL part while this
        # test carries the messages in POP3 AUTH (RFC 5034 §4).
        for password, ok in ((BOB_PW, True), ("wrong", False)):
            relay = GsaslRelay("-m", "SCRAM-SHA-256", "-a", BOB, "-p", password, "--no-cb")
            conn = Lines(self.server.pop3_port)
            try:
                self.assertTrue(conn.line().startswith("+OK"))
                conn.send("AUTH SCRAM-SHA-256")
                line = conn.line()
                while line.startswith("+ "):
                    if line != "+ ":
                        relay.server(line[2:])
                    msg = relay.client()
                    conn.send(msg or "")
                    line = conn.line()
                if ok:
                    self.assertTrue(line.startswith("+OK"), line)
                else:
                    self.assertEqual(line, "-ERR [AUTH] Authentication failed")
                conn.send("QUIT")
                conn.line()
            finally:
                conn.close()
                relay.close()
        self.assertTrue(self.log_has(f"protocol=pop3 remote=127.0.0.1 result=success account={BOB} mechanism=SCRAM-SHA-256"))

    # --- channel binding with the client above --------------------------------------------------

    def test_plus_tls12_server_end_point(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            conn = Lines(self.server.imaps_port, tls_context(version))
            conn.line()
            client = ScramClient(ALICE, ALICE_PW, "p=tls-server-end-point,,", server_end_point(conn.sock))
            reply = imap_scram(conn, client, "SCRAM-SHA-256-PLUS")
            self.assertRegex(reply, r"^s1 OK \[CAPABILITY ", version)
            conn.close()

    def test_plus_refuses_other_bindings(self):
        conn = Lines(self.server.imaps_port, tls_context(ssl.TLSVersion.TLSv1_2))
        conn.line()
        cert_hash = server_end_point(conn.sock)
        # Another connection's certificate hash (a man in the middle's) does not match.
        liar = ScramClient(ALICE, ALICE_PW, "p=tls-server-end-point,,", cert_hash, lie_cb=b"\0" * 32)
        self.assertEqual(imap_scram(conn, liar, "SCRAM-SHA-256-PLUS", "a1"), "a1 NO [AUTHENTICATIONFAILED] Authentication failed")
        # tls-exporter needs TLS 1.3 here; tls-unique is not offered at all.
        for gs2 in ("p=tls-exporter,,", "p=tls-unique,,"):
            client = ScramClient(ALICE, ALICE_PW, gs2, b"x" * 32)
            self.assertRegex(imap_scram(conn, client, "SCRAM-SHA-256-PLUS", "a2"), r"^a2 NO \[AUTHENTICATIONFAILED\]")
        # 'y': "I could bind, but you cannot" - yet -PLUS is offered here, so it is a downgrade.
        y = ScramClient(ALICE, ALICE_PW, "y,,")
        self.assertRegex(imap_scram(conn, y, "SCRAM-SHA-256", "a3"), r"^a3 NO \[AUTHENTICATIONFAILED\]")
        # 'n' is fine on TLS.
        n = ScramClient(ALICE, ALICE_PW, "n,,")
        self.assertRegex(imap_scram(conn, n, "SCRAM-SHA-256", "a4"), r"^a4 OK ")
        conn.close()
        # Over plain TCP -PLUS does not exist and 'y' is honest.
        conn = Lines(self.server.imap_port)
        conn.line()
        conn.send("b1 AUTHENTICATE SCRAM-SHA-256-PLUS")
        self.assertEqual(conn.line(), "b1 NO [CANNOT] Unsupported authentication mechanism")
        self.assertRegex(imap_scram(conn, ScramClient(ALICE, ALICE_PW, "y,,"), "SCRAM-SHA-256", "b2"), r"^b2 OK ")
        conn.close()

    def test_pop3s_plus_server_end_point(self):
        conn = Lines(self.server.pop3s_port, tls_context())
        self.assertTrue(conn.line().startswith("+OK"))
        conn.send("CAPA")
        caps = []
        while (line := conn.line()) != ".":
            caps.append(line)
        self.assertIn("SASL PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS", caps)
        client = ScramClient(BOB, BOB_PW, "p=tls-server-end-point,,", server_end_point(conn.sock))
        conn.send(f"AUTH SCRAM-SHA-256-PLUS {b64(client.first())}")
        line = conn.line()
        conn.send(b64(client.final(base64.b64decode(line[2:]))))
        line = conn.line()
        self.assertEqual(base64.b64decode(line[2:]).decode(), client.expected_v)
        conn.send("")
        self.assertTrue(conn.line().startswith("+OK"))
        conn.send("QUIT")
        conn.line()
        conn.close()

    # --- no account enumeration ----------------------------------------------------------------

    def server_first(self, user):
        conn = Lines(self.server.imap_port)
        conn.line()
        client = ScramClient(user, "whatever")
        conn.send(f"e1 AUTHENTICATE SCRAM-SHA-256 {b64(client.first())}")
        line = conn.line()
        attrs = dict(a.split("=", 1) for a in base64.b64decode(line[2:]).decode().split(","))
        conn.send(b64(client.final(base64.b64decode(line[2:]))))
        reply = conn.line()
        conn.close()
        return attrs, reply

    def test_unknown_user_looks_like_a_wrong_password(self):
        known1, reply_known = self.server_first(ALICE)
        unknown1, reply_unknown = self.server_first("nobody@example.org")
        unknown2, _ = self.server_first("nobody@example.org")
        other, _ = self.server_first("someone@example.org")
        self.assertEqual(reply_known, reply_unknown)
        self.assertEqual(reply_known, "e1 NO [AUTHENTICATIONFAILED] Authentication failed")
        self.assertEqual(known1["i"], unknown1["i"])
        self.assertEqual(len(base64.b64decode(known1["s"])), len(base64.b64decode(unknown1["s"])))
        # The same salt for the same unknown name each time, as for a real account.
        self.assertEqual(unknown1["s"], unknown2["s"])
        self.assertNotEqual(unknown1["s"], other["s"])
        self.assertEqual(known1["s"], self.server_first(ALICE)[0]["s"])

    # --- authorization identities with PLAIN ---------------------------------------------------

    def plain(self, authzid, user, password):
        c = imaplib.IMAP4("127.0.0.1", self.server.imap_port)
        try:
            typ, _ = c.authenticate("PLAIN", lambda _: f"{authzid}\0{user}\0{password}".encode())
            return c
        except imaplib.IMAP4.error as e:
            c.logout()
            return str(e)

    def test_master_user_plain_authzid(self):
        # Mail only Alice has, to see whose mailbox the master user got.
        alice = self.plain("", ALICE, ALICE_PW)
        alice.append("INBOX", None, None, b"Subject: for alice\r\n\r\nhi\r\n")
        alice.create("OnlyAlice")
        alice.logout()
        for target in (ALICE, "AL"):   # full address or a unique alias
            c = self.plain(target, ADMIN, ADMIN_PW)
            self.assertIsInstance(c, imaplib.IMAP4, c)
            typ, data = c.list()
            self.assertTrue(any(b"OnlyAlice" in d for d in data), data)
            c.logout()
        self.assertTrue(self.log_has(f"result=success account={ALICE} mechanism=PLAIN master={ADMIN}\n"))
        # Not a master user: refused although the password is right (RFC 5530 AUTHORIZATIONFAILED).
        self.assertIn("AUTHORIZATIONFAILED", self.plain(ALICE, BOB, BOB_PW))
        # Wrong password with an authzid: an authentication failure, as without one.
        self.assertIn("AUTHENTICATIONFAILED", self.plain(ALICE, ADMIN, "wrong"))
        # A master user naming no account.
        self.assertIn("AUTHORIZATIONFAILED", self.plain("nobody@example.org", ADMIN, ADMIN_PW))
        # Naming oneself is no request to act as someone else.
        c = self.plain(BOB, BOB, BOB_PW)
        self.assertIsInstance(c, imaplib.IMAP4, c)
        c.logout()

    def test_master_user_over_pop3(self):
        p = poplib.POP3("127.0.0.1", self.server.pop3_port, timeout=TIMEOUT)
        resp = p._shortcmd("AUTH PLAIN " + b64(f"{BOB}\0{ADMIN}\0{ADMIN_PW}".encode()))
        self.assertTrue(resp.startswith(b"+OK"), resp)
        p.quit()
        self.assertTrue(self.log_has(f"protocol=pop3 remote=127.0.0.1 result=success account={BOB} mechanism=PLAIN master={ADMIN}\n"))
        p = poplib.POP3("127.0.0.1", self.server.pop3_port, timeout=TIMEOUT)
        with self.assertRaises(poplib.error_proto) as e:
            p._shortcmd("AUTH PLAIN " + b64(f"{ADMIN}\0{BOB}\0{BOB_PW}".encode()))
        self.assertIn(b"[AUTH]", e.exception.args[0])
        p.quit()


class KeysFromPlaintextLogin(unittest.TestCase):
    """An account whose hash came from elsewhere has no SCRAM keys: SCRAM fails like a wrong
    password, a plaintext login stores keys, and SCRAM works from then on."""

    def test_keys_appear_after_plain_login_and_follow_passwd(self):
        with PillarboxServer() as srv:
            srv.add_user(ALICE, ALICE_PW)
            srv.sql("UPDATE accounts SET scram_secret = '' WHERE address = ?", ALICE)
            srv.start()

            def scram(password):
                conn = Lines(srv.imap_port)
                conn.line()
                try:
                    return imap_scram(conn, ScramClient(ALICE, password))
                finally:
                    conn.close()

            self.assertEqual(scram(ALICE_PW), "s1 NO [AUTHENTICATIONFAILED] Authentication failed")
            deadline = time.time() + 10
            while "has no SCRAM keys" not in srv.stderr() and time.time() < deadline:
                time.sleep(0.1)
            self.assertIn(f"{ALICE} has no SCRAM keys", srv.stderr())
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            # AUTHENTICATE PLAIN: imaplib's LOGIN cannot send a non-ASCII password.
            c.authenticate("PLAIN", lambda _: f"\0{ALICE}\0{ALICE_PW}".encode())
            c.logout()
            self.assertIn(f"account={ALICE} SCRAM-SHA-256 keys stored at login", srv.stderr())
            self.assertRegex(scram(ALICE_PW), r"^s1 OK ")
            # A new password replaces the keys: the old one no longer works over SCRAM.
            srv.cli("user", "passwd", ALICE, "--password-stdin", input=b"new one\n")
            self.assertRegex(scram("new one"), r"^s1 OK ")
            self.assertEqual(scram(ALICE_PW), "s1 NO [AUTHENTICATIONFAILED] Authentication failed")


class ScramWithoutPlaintext(unittest.TestCase):
    def test_scram_offered_where_plaintext_is_not(self):
        with PillarboxServer(plaintext="never") as srv:
            srv.add_user(ALICE, ALICE_PW)
            srv.start()
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            self.assertIn("LOGINDISABLED", c.capabilities)
            self.assertIn("AUTH=SCRAM-SHA-256", c.capabilities)
            self.assertNotIn("AUTH=SCRAM-SHA-256-PLUS", c.capabilities)
            c.logout()
            conn = Lines(srv.imap_port)
            conn.line()
            self.assertRegex(imap_scram(conn, ScramClient(ALICE, ALICE_PW)), r"^s1 OK ")
            conn.close()
            p = Lines(srv.pop3_port)
            p.line()
            p.send("AUTH")
            self.assertEqual(p.line(), "+OK Supported mechanisms follow")
            self.assertEqual(p.line(), "SCRAM-SHA-256")
            self.assertEqual(p.line(), ".")
            p.close()


if __name__ == "__main__":
    unittest.main()
