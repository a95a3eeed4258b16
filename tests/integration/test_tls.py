"""TLS as clients meet it: which protocol versions and ciphers the server accepts, checked with
`openssl s_client` on every TLS entry (implicit TLS for IMAP and POP3, IMAP STARTTLS, POP3 STLS),
and the certificate reload on SIGHUP.

Versions: TLS 1.0 and 1.1 are refused (RFC 8996) and 1.2 and 1.3 work. A refusal only means
something if the client would have gone ahead, and Debian's OpenSSL refuses old versions on its
own at its default security level; so each refused version or cipher is first shown to work
between the same s_client settings and an `openssl s_server` that allows it, with the server's
own certificate. Ciphers: TLS 1.2 gets a forward-secret AEAD suite, and suites without forward
secrecy, with CBC or without encryption are refused. `[tls] min_version`, `ciphers` and
`ciphersuites` change that, and a list that selects nothing stops the start with the key named.

Reload: with an IMAP and a POP3 session logged in over TLS, the certificate and key are replaced
and the server gets SIGHUP. New connections (implicit TLS, STARTTLS, STLS) see the new
certificate, the sessions already open go on working on the old one. A key that does not match
and a missing file are each refused with a `tls_reload` error event, and the last good
certificate stays in use.
"""
import imaplib
import os
import poplib
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "pw-tls-1"
MESSAGE = b"From: bob@example.org\r\nSubject: kept across the reload\r\n\r\nbody\r\n"
OPENSSL = shutil.which("openssl")


def s_client(port, *options, starttls=None):
    """Runs one `openssl s_client -brief` handshake against 127.0.0.1:port; returns (ok, the
    negotiated protocol, the cipher, all output)."""
    args = [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", "-brief", *options]
    if starttls:
        args += ["-starttls", starttls]
    p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    version = re.search(r"Protocol version: (\S+)", out)
    cipher = re.search(r"Ciphersuite: (\S+)", out)
    ok = p.returncode == 0 and "CONNECTION ESTABLISHED" in out
    return ok, version and version.group(1), cipher and cipher.group(1), out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def control_handshake(cert, key, server_options, client_options):
    """A handshake between `openssl s_server` (with `server_options`) and s_client (with
    `client_options`): proves the client side can do what Pillarbox then refuses."""
    port = free_port()
    # s_server stops when its stdin ends, so it reads from a pipe that stays open; it prints
    # ACCEPT once it listens.
    with subprocess.Popen([OPENSSL, "s_server", "-accept", str(port), "-cert", cert, "-key", key,
                           "-naccept", "1", *server_options],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as server:
        try:
            for line in server.stdout:
                if line.startswith(b"ACCEPT"):
                    break
            return s_client(port, *client_options)
        finally:
            server.kill()


def make_certificate(directory, name):
    """A new self-signed EC certificate and key for localhost; returns (cert path, key path)."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN=localhost/O={name}",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def insecure_context(**versions):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for attribute, value in versions.items():
        setattr(ctx, attribute, value)
    return ctx


def peer_certificate(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with insecure_context().wrap_socket(raw) as s:
            return s.getpeercert(binary_form=True)


@unittest.skipUnless(OPENSSL, "the openssl command-line tool is needed (Debian package openssl)")
class Versions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer().__enter__()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        s = cls.server
        # Every TLS entry: (name, port, s_client's -starttls protocol).
        cls.entries = [("imaps", s.imaps_port, None), ("imap starttls", s.imap_port, "imap"),
                       ("pop3s", s.pop3s_port, None), ("pop3 stls", s.pop3_port, "pop3")]
        cls.cert = os.path.join(s.data, "fullchain.pem")
        cls.key = os.path.join(s.data, "privkey.pem")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def refused_everywhere(self, options, why):
        for name, port, starttls in self.entries:
            with self.subTest(entry=name, options=options):
                ok, version, cipher, out = s_client(port, *options, starttls=starttls)
                self.assertFalse(ok, f"{name} accepted {why}: {version} {cipher}\n{out}")
                self.assertIsNone(cipher, out)

    def test_tls_1_0_and_1_1_are_refused(self):
        for flag, name in (("-tls1", "TLSv1"), ("-tls1_1", "TLSv1.1")):
            client = [flag, "-cipher", "ALL@SECLEVEL=0"]
            ok, version, _, out = control_handshake(self.cert, self.key, [flag, "-cipher", "ALL@SECLEVEL=0"], client)
            self.assertTrue(ok, f"the control handshake with {flag} failed, so a refusal proves nothing:\n{out}")
            self.assertEqual(version, name)
            self.refused_everywhere(client, name)

    def test_tls_1_2_and_1_3_work_with_strong_ciphers(self):
        for name, port, starttls in self.entries:
            with self.subTest(entry=name):
                ok, version, cipher, out = s_client(port, "-tls1_2", starttls=starttls)
                self.assertTrue(ok, out)
                self.assertEqual(version, "TLSv1.2")
                # Forward secret key exchange, authenticated encryption (RFC 9325 §4.2).
                self.assertRegex(cipher, r"^(ECDHE|DHE)-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$")
                ok, version, cipher, out = s_client(port, "-tls1_3", starttls=starttls)
                self.assertTrue(ok, out)
                self.assertEqual(version, "TLSv1.3")
                self.assertIn(cipher, ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"))

    def test_weak_tls_1_2_ciphers_are_refused(self):
        # CBC with SHA-1 and SHA-384 MACs, no encryption at all, and (for an RSA certificate) no
        # forward secrecy: each works against a permissive s_server first.
        for cipher in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-NULL-SHA"):
            client = ["-tls1_2", "-cipher", cipher + "@SECLEVEL=0"]
            ok, _, got, out = control_handshake(self.cert, self.key, ["-cipher", "ALL:eNULL@SECLEVEL=0"], client)
            self.assertTrue(ok, f"the control handshake with {cipher} failed:\n{out}")
            self.assertEqual(got, cipher)
            self.refused_everywhere(client, cipher)

    def test_logins_over_tls_1_2_and_1_3(self):
        s = self.server
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                ctx = insecure_context(minimum_version=version, maximum_version=version)
                imap = imaplib.IMAP4_SSL("127.0.0.1", s.imaps_port, ssl_context=ctx, timeout=30)
                self.assertEqual(imap.sock.version(), version.name.replace("_", "."))
                imap.login(USER, PASSWORD)
                self.assertEqual(imap.select("INBOX")[0], "OK")
                imap.logout()
                pop = poplib.POP3_SSL("127.0.0.1", s.pop3s_port, context=ctx, timeout=30)
                pop.user(USER)
                pop.pass_(PASSWORD)
                pop.stat()
                pop.quit()


@unittest.skipUnless(OPENSSL, "the openssl command-line tool is needed (Debian package openssl)")
class Settings(unittest.TestCase):
    def test_min_version_1_3_refuses_1_2(self):
        with PillarboxServer(extra_config='[tls]\nmin_version = "TLSv1.3"\n') as s:
            s.start()
            ok, _, _, out = s_client(s.imaps_port, "-tls1_2")
            self.assertFalse(ok, out)
            ok, version, _, out = s_client(s.imaps_port)
            self.assertTrue(ok, out)
            self.assertEqual(version, "TLSv1.3")

    def test_cipher_lists_are_used(self):
        config = ('[tls]\nciphers = "ECDHE-ECDSA-CHACHA20-POLY1305"\n'
                  'ciphersuites = "TLS_CHACHA20_POLY1305_SHA256"\n')
        with PillarboxServer(extra_config=config) as s:
            s.start()
            ok, _, cipher, out = s_client(s.imaps_port, "-tls1_2")
            self.assertTrue(ok, out)
            self.assertEqual(cipher, "ECDHE-ECDSA-CHACHA20-POLY1305")
            ok, _, _, out = s_client(s.imaps_port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
            self.assertFalse(ok, out)
            ok, _, cipher, out = s_client(s.imaps_port, "-tls1_3")
            self.assertTrue(ok, out)
            self.assertEqual(cipher, "TLS_CHACHA20_POLY1305_SHA256")

    def test_a_list_that_selects_nothing_stops_the_start(self):
        for key, value in (("ciphers", "NO-SUCH-CIPHER"), ("ciphersuites", "TLS_NOPE")):
            with self.subTest(key=key), PillarboxServer(extra_config=f'[tls]\n{key} = "{value}"\n') as s:
                with self.assertRaises(RuntimeError) as caught:
                    s.start()
                self.assertIn(f"tls.{key}", str(caught.exception))
        with PillarboxServer(extra_config='[tls]\nmin_version = "TLSv1.1"\n') as s:
            with self.assertRaises(RuntimeError) as caught:
                s.start()
            self.assertIn("tls.min_version", str(caught.exception))


@unittest.skipUnless(OPENSSL, "the openssl command-line tool is needed (Debian package openssl)")
class Reload(unittest.TestCase):
    def setUp(self):
        self.server = PillarboxServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.server.add_user(USER, PASSWORD)
        self.server.start()
        self.scratch = tempfile.mkdtemp(prefix="pbtls-")
        self.addCleanup(shutil.rmtree, self.scratch, True)
        self.cert = os.path.join(self.server.data, "fullchain.pem")
        self.key = os.path.join(self.server.data, "privkey.pem")

    def install(self, cert, key):
        # As certbot does: new files renamed into place.
        for source, target in ((key, self.key), (cert, self.cert)):
            shutil.copyfile(source, target + ".new")
            os.replace(target + ".new", target)

    def hangup_and_wait(self, result):
        """Sends SIGHUP and waits for the next tls_reload event; asserts its result."""
        before = self.server.stderr().count("tls_reload")
        self.server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 20
        while self.server.stderr().count("tls_reload") == before:
            self.assertLess(time.time(), deadline, "no tls_reload event after SIGHUP:\n" + self.server.stderr())
            time.sleep(0.02)
        line = [l for l in self.server.stderr().splitlines() if "tls_reload" in l][-1]
        self.assertIn(f"result={result}", line)
        return line

    def starttls_certificate(self):
        imap = imaplib.IMAP4("127.0.0.1", self.server.imap_port, timeout=30)
        imap.starttls(insecure_context())
        der = imap.sock.getpeercert(binary_form=True)
        imap.logout()
        pop = poplib.POP3("127.0.0.1", self.server.pop3_port, timeout=30)
        pop.stls(insecure_context())
        self.assertEqual(pop.sock.getpeercert(binary_form=True), der, "STLS and STARTTLS disagree")
        pop.quit()
        return der

    def test_sighup_replaces_the_certificate_without_dropping_sessions(self):
        s = self.server
        old = peer_certificate(s.imaps_port)
        # Sessions over the old certificate, one of each protocol, in the middle of their work.
        imap = imaplib.IMAP4_SSL("127.0.0.1", s.imaps_port, ssl_context=insecure_context(), timeout=30)
        imap.login(USER, PASSWORD)
        self.assertEqual(imap.append("INBOX", None, None, MESSAGE)[0], "OK")
        imap.select("INBOX")
        pop = poplib.POP3_SSL("127.0.0.1", s.pop3s_port, context=insecure_context(), timeout=30)
        pop.user(USER)
        pop.pass_(PASSWORD)

        new_cert, new_key = make_certificate(self.scratch, "renewed")
        self.install(new_cert, new_key)
        self.hangup_and_wait("ok")
        new = peer_certificate(s.imaps_port)
        self.assertNotEqual(new, old)
        with open(new_cert) as f:
            self.assertEqual(new, ssl.PEM_cert_to_DER_cert(f.read()))
        self.assertEqual(peer_certificate(s.pop3s_port), new)
        self.assertEqual(self.starttls_certificate(), new)

        # The sessions that began before the reload go on, on the certificate they began with.
        self.assertEqual(imap.sock.getpeercert(binary_form=True), old)
        typ, data = imap.fetch("1", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0][1], MESSAGE)
        self.assertEqual(imap.noop()[0], "OK")
        self.assertEqual(pop.stat()[0], 1)
        self.assertEqual(b"\r\n".join(pop.retr(1)[1]) + b"\r\n", MESSAGE)
        pop.quit()
        imap.logout()

    def test_a_broken_reload_keeps_the_last_good_certificate(self):
        s = self.server
        good = peer_certificate(s.imaps_port)
        session = imaplib.IMAP4_SSL("127.0.0.1", s.imaps_port, ssl_context=insecure_context(), timeout=30)
        session.login(USER, PASSWORD)

        # A certificate with another certificate's key.
        cert_a, _ = make_certificate(self.scratch, "a")
        _, key_b = make_certificate(self.scratch, "b")
        self.install(cert_a, key_b)
        line = self.hangup_and_wait("failed")
        self.assertRegex(line, "does not match|mismatch")
        self.assertEqual(peer_certificate(s.imaps_port), good)

        # Both files gone.
        os.remove(self.cert)
        os.remove(self.key)
        line = self.hangup_and_wait("failed")
        self.assertIn("fullchain.pem", line)
        self.assertEqual(peer_certificate(s.imaps_port), good)
        self.assertEqual(self.starttls_certificate(), good)
        self.assertEqual(session.noop()[0], "OK")
        session.logout()

        # Put right, the next SIGHUP takes it.
        cert_c, key_c = make_certificate(self.scratch, "c")
        self.install(cert_c, key_c)
        self.hangup_and_wait("ok")
        with open(cert_c) as f:
            self.assertEqual(peer_certificate(s.imaps_port), ssl.PEM_cert_to_DER_cert(f.read()))


if __name__ == "__main__":
    unittest.main()
