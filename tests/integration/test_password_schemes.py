"""Password schemes (issue 4 item 3): accounts imported with `user add --password-hash` in
Dovecot's {SCHEME} forms log in over IMAP and POP3, their hashes become Argon2id at the first
successful login (unless [auth] rehash = false), and a storm of 1000 simultaneous logins is
answered correctly, without starving an ordinary session and within a bounded memory."""
import asyncio
import imaplib
import os
import poplib
import time
import unittest

from pbserver import PillarboxServer

PW = "correct horse battery staple"

# Made with libxcrypt (Python's crypt module and crypt_gensalt) for PW; the SHA-512 one with
# rounds=10000, the bcrypt ones with cost 5 to keep the test quick.
IMPORTED = {
    "sha512@example.org": ("SHA512-CRYPT",
                           "{SHA512-CRYPT}$6$rounds=10000$YWbKZG/7ILIfeLjb$XvFgdhWOxsu.w690VCg93/NoqHuyhRtk8"
                           "GTT4eH.3y0YDX/3Npgc8tVFiBACHVn0JY5mOv1B4ZndNTXH8zPbv/"),
    "sha512bare@example.org": ("SHA512-CRYPT",
                               "$6$c7ElVymBNdrK.qiK$N/jYWrI9O1/clikIkEVnHRMulLD8USk..V2X/iAYb5qOuWwq/"
                               "H6yLU5Qr1PxYNB9ELqW6SAnjNHybAkk/LVcU0"),
    "sha256@example.org": ("SHA256-CRYPT",
                           "{SHA256-CRYPT}$5$X.Cb9fH5eENEBo19$rv9kqDuoLTjfEtrnC2NoI1dF/qwnAUflsRsHOjFXViC"),
    "bcrypt@example.org": ("BLF-CRYPT", "{BLF-CRYPT}$2y$05$KqhzF2ObjsRMPZLxUsxXGu/5G6h9SaikG8d7BjPoc4mUYqcedaxYq"),
    "bcrypt2b@example.org": ("BLF-CRYPT", "$2b$05$eZbeF4AlCg7GdojOvNQ9a.4ZG/RrEXzUAxTtd9HVDmRlkzitcFV4i"),
    "yescrypt@example.org": ("YESCRYPT", "{CRYPT}$y$j9T$IoBu1rTrGyg4/hFGNVgSC0$0FXGAhLNtDvVT6pRKLTeXDGa3J4nynbD2On9jrbPCW8"),
}

REFUSED = [
    ("{PLAIN}" + PW, b"password scheme {PLAIN} is refused"),
    ("{MD5-CRYPT}$1$mlKQoZjb$FH8L2bgy5PHtaSled/F8c.", b"password scheme {MD5-CRYPT} is refused"),
    ("{CRYPT}abhfCpXqd4GrI", b"password scheme DES-CRYPT is refused"),
    ("{SSHA}abcdefghijklmnopqrstuvwxyz", b"password scheme {SSHA} is refused"),
    ("{NOSUCH}abc", b"unknown password scheme {NOSUCH}"),
    ("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMH", b"malformed SHA512-CRYPT hash"),
]


def stored_hash(srv, address):
    """The hash in the store (there is no CLI that shows it)."""
    rows = srv.sql("SELECT password_hash FROM accounts WHERE address = ?", address)
    return rows[0][0] if rows else None


def imap_login(srv, user, password):
    """'OK' or the refusal text."""
    c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
    try:
        typ, _ = c.login(user, password)
        c.logout()
        return typ
    except imaplib.IMAP4.error as e:
        c.shutdown()
        return str(e)


def pop3_login(srv, user, password):
    """b'+OK...' or the -ERR line."""
    p = poplib.POP3("127.0.0.1", srv.pop3_port, timeout=30)
    try:
        p.user(user)
        answer = p.pass_(password)
        p.quit()
        return answer
    except poplib.error_proto as e:
        p.close()
        return e.args[0]


def add_imported(srv):
    for address, (_, hash_) in IMPORTED.items():
        srv.cli("user", "add", address, "--password-hash", hash_)


class ImportedHashes(unittest.TestCase):
    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_refused_at_user_add(self):
        self.srv = srv = PillarboxServer()
        for i, (hash_, message) in enumerate(REFUSED):
            r = srv.cli("user", "add", f"refused{i}@example.org", "--password-hash", hash_, check=False)
            self.assertNotEqual(r.returncode, 0, hash_)
            self.assertIn(message, r.stderr, hash_)
            self.assertIsNone(stored_hash(srv, f"refused{i}@example.org"))
        # With a password option as well it is a usage error.
        r = srv.cli("user", "add", "both@example.org", "--password-stdin", "--password-hash",
                    IMPORTED["bcrypt@example.org"][1], input=b"pw\n", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"excludes", r.stderr)
        # `user passwd --password-hash` replaces a hash the same way, and refuses the same way.
        srv.add_user("changed@example.org", "old password")
        r = srv.cli("user", "passwd", "changed@example.org", "--password-hash", "{PLAIN}x", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(stored_hash(srv, "changed@example.org").startswith("$argon2id$"))
        srv.cli("user", "passwd", "changed@example.org", "--password-hash", IMPORTED["sha256@example.org"][1])
        self.assertTrue(stored_hash(srv, "changed@example.org").startswith("$5$"))
        srv.start()
        self.assertIn("[AUTHENTICATIONFAILED]", imap_login(srv, "changed@example.org", "old password"))
        self.assertEqual(imap_login(srv, "changed@example.org", PW), "OK")

    def test_login_then_rehash(self):
        self.srv = srv = PillarboxServer()
        add_imported(srv)
        for address, (_, hash_) in IMPORTED.items():
            # Stored without Dovecot's {SCHEME} prefix: the $id$ names the scheme.
            self.assertEqual(stored_hash(srv, address), hash_[hash_.index("$"):])
        srv.start()
        for n, (address, (scheme, hash_)) in enumerate(IMPORTED.items()):
            with self.subTest(address=address):
                before = stored_hash(srv, address)
                # A wrong password is refused over both protocols and changes nothing.
                self.assertIn("[AUTHENTICATIONFAILED]", imap_login(srv, address, PW + "!"))
                self.assertTrue(pop3_login(srv, address, "wrong").startswith(b"-ERR [AUTH]"))
                self.assertEqual(stored_hash(srv, address), before)
                # The first success, over IMAP for some accounts and POP3 for the others.
                if n % 2:
                    self.assertTrue(pop3_login(srv, address, PW).startswith(b"+OK"))
                else:
                    self.assertEqual(imap_login(srv, address, PW), "OK")
                after = stored_hash(srv, address)
                self.assertTrue(after.startswith("$argon2id$v=19$m=32768,t=3,p=1$"), after)
                self.assertIn(f"rehashed password of {address} from {scheme} to argon2id", srv.stderr())
                # The same password still works, over both; the hash is not made again.
                self.assertEqual(imap_login(srv, address, PW), "OK")
                self.assertTrue(pop3_login(srv, address, PW).startswith(b"+OK"))
                self.assertIn("[AUTHENTICATIONFAILED]", imap_login(srv, address, "wrong"))
                self.assertEqual(stored_hash(srv, address), after)
        self.assertEqual(srv.stderr().count("rehashed password of"), len(IMPORTED))

    def test_rehash_off_keeps_the_hash(self):
        self.srv = srv = PillarboxServer(extra_config="rehash = false\n")
        add_imported(srv)
        srv.start()
        for n, address in enumerate(IMPORTED):
            with self.subTest(address=address):
                before = stored_hash(srv, address)
                for _ in range(2):
                    self.assertEqual(imap_login(srv, address, PW), "OK")
                    self.assertTrue(pop3_login(srv, address, PW).startswith(b"+OK"))
                self.assertTrue(pop3_login(srv, address, "wrong").startswith(b"-ERR [AUTH]"))
                self.assertEqual(stored_hash(srv, address), before)
        self.assertNotIn("rehashed password", srv.stderr())


# The login storm. Every login costs one Argon2id computation (32 MiB, tens of ms), a wrong
# password and an unknown account included, so 1000 of them keep the hash pool busy for a while.
STORM_LOGINS = 1000
HASH_THREADS = 2
MIB = 1024


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


class LoginStorm(unittest.TestCase):
    def setUp(self):
        # Failed logins wait 10 ms (the back-off is per address and every client here is
        # 127.0.0.1); the login timeout is long because a connection may wait its turn at the
        # hash pool for most of the storm.
        self.srv = PillarboxServer(
            failure_delay_ms=10, failure_delay_max_ms=10,
            extra_config=f"hash_threads = {HASH_THREADS}\n"
                         "[limits]\nlogin_timeout_seconds = 600\nmax_connections = 5000\n"
                         "max_connections_per_ip = 5000\nmax_connections_per_user = 5000\n")
        self.accounts = [f"storm{i}@example.org" for i in range(4)]
        for a in self.accounts:
            self.srv.add_user(a, "pw-" + a)

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_storm(self):
        srv = self.srv
        srv.start()
        pid = srv.proc.pid
        base_kib = status_kib(pid, "VmHWM")
        events = []  # ("login", i) / ("noop", n) in the order the answers arrived

        def expectation(i):
            """Login i's credentials and whether they are right: a mix of right passwords, wrong
            passwords and unknown accounts."""
            account = self.accounts[i % len(self.accounts)]
            if i % 5 == 1:
                return account, "wrong-" + str(i), False
            if i % 5 == 3:
                return f"nobody{i}@example.org", "pw", False
            return account, "pw-" + account, True

        async def read_tagged(reader, tag):
            while True:
                line = await reader.readline()
                if not line:
                    raise ConnectionError(f"{tag}: connection closed")
                if line.startswith(tag + b" "):
                    return line

        async def noop_session(stop, logins_sent):
            reader, writer = await asyncio.open_connection("127.0.0.1", srv.imap_port)
            await reader.readline()
            account = self.accounts[0]
            writer.write(f'n0 LOGIN "{account}" "pw-{account}"\r\n'.encode())
            self.assertTrue((await read_tagged(reader, b"n0")).startswith(b"n0 OK"))
            n = 0
            after_sent = 0
            while not stop.is_set():
                n += 1
                tag = f"n{n}".encode()
                writer.write(tag + b" NOOP\r\n")
                line = await read_tagged(reader, tag)
                self.assertTrue(line.startswith(tag + b" OK"), line)
                if logins_sent.is_set():
                    after_sent += 1
                events.append(("noop", n))
                # Paced so that the client does not take the CPU the hashes need; the
                # assertions below are on the order of answers, not on time.
                await asyncio.sleep(0.02)
            writer.write(b"z LOGOUT\r\n")
            await writer.drain()
            writer.close()
            return after_sent

        async def one_login(i, connected, go):
            user, password, right = expectation(i)
            reader, writer = await asyncio.open_connection("127.0.0.1", srv.imap_port)
            greeting = await reader.readline()
            self.assertTrue(greeting.startswith(b"* OK"), greeting)
            connected.release()
            await go.wait()
            tag = f"s{i}".encode()
            writer.write(tag + f' LOGIN "{user}" "{password}"\r\n'.encode())
            await writer.drain()
            line = await read_tagged(reader, tag)
            events.append(("login", i))
            if right:
                self.assertTrue(line.startswith(tag + b" OK"), (i, line))
                writer.write(b"z LOGOUT\r\n")
            else:
                self.assertEqual(line.strip(), tag + b" NO [AUTHENTICATIONFAILED] Authentication failed", i)
            await writer.drain()
            writer.close()
            return right

        async def storm():
            stop = asyncio.Event()
            logins_sent = asyncio.Event()
            noop = asyncio.create_task(noop_session(stop, logins_sent))
            connected = asyncio.Semaphore(0)
            go = asyncio.Event()
            logins = [asyncio.create_task(one_login(i, connected, go)) for i in range(STORM_LOGINS)]
            for _ in range(STORM_LOGINS):  # every connection greeted before any LOGIN is sent
                await connected.acquire()
            go.set()
            await asyncio.sleep(0)  # the LOGIN writes are made as the tasks resume
            logins_sent.set()
            results = await asyncio.gather(*logins)
            stop.set()
            after_sent = await noop
            return results, after_sent

        # The time-out only keeps a hung server from hanging CTest; nothing is measured by it.
        results, noops_during = asyncio.run(asyncio.wait_for(storm(), timeout=900))
        self.assertEqual(len(results), STORM_LOGINS)
        self.assertEqual(sum(results), sum(expectation(i)[2] for i in range(STORM_LOGINS)))

        # The NOOP session was answered while logins were still waiting for the hash pool:
        # some of its answers arrived after every LOGIN had been sent and before the last
        # LOGIN answer.
        last_login = max(k for k, e in enumerate(events) if e[0] == "login")
        first_login = min(k for k, e in enumerate(events) if e[0] == "login")
        noops_inside = sum(1 for k, e in enumerate(events) if e[0] == "noop" and first_login < k < last_login)
        self.assertGreaterEqual(noops_inside, 10, f"{noops_during} NOOPs after the LOGINs were sent")

        # Memory: what the server had after start, plus one Argon2id work area (32 MiB) per
        # hash thread, plus 1000 connections at 16 KiB each (buffers, coroutine frames, TLS
        # not used), plus 16 MiB for allocator slack (per-thread arenas) and the log.
        peak_kib = status_kib(pid, "VmHWM")
        per_connection_kib = 16
        bound_kib = base_kib + HASH_THREADS * 32 * MIB + STORM_LOGINS * per_connection_kib + 16 * MIB
        if os.environ.get("PILLARBOX_TEST_SANITIZED"):
            bound_kib += 512 * MIB  # ASan's shadow memory and quarantine
        print(f"\nlogin storm: base VmHWM {base_kib} KiB, peak VmHWM {peak_kib} KiB, bound {bound_kib} KiB, "
              f"{noops_inside} NOOPs answered during the storm")
        self.assertLess(peak_kib, bound_kib)
        # And the server still works.
        self.assertEqual(imap_login(srv, self.accounts[1], "pw-" + self.accounts[1]), "OK")


class RememberedPasswords(unittest.TestCase):
    """[auth] cache_entries: a password that was verified is accepted again without computing
    the hash; a changed password, a wrong one and a rehashed import never are."""

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    @staticmethod
    def verifications(srv):
        m = srv.metrics()
        return (m.get('pillarbox_password_verifications_total{how="computed"}', 0),
                m.get('pillarbox_password_verifications_total{how="remembered"}', 0))

    def test_remembered_until_the_password_changes(self):
        self.srv = srv = PillarboxServer()
        srv.cli("user", "add", "amy@example.org", "--password-stdin", input=b"first secret\n")
        add_imported(srv)
        srv.start()
        self.assertEqual(self.verifications(srv), (0, 0))
        self.assertEqual(imap_login(srv, "amy@example.org", "first secret"), "OK")
        self.assertEqual(self.verifications(srv), (1, 0))
        # Again over IMAP and over POP3: the same password, remembered.
        self.assertEqual(imap_login(srv, "AMY@example.org", "first secret"), "OK")
        self.assertTrue(pop3_login(srv, "amy@example.org", "first secret").startswith(b"+OK"))
        self.assertEqual(self.verifications(srv), (1, 2))
        # Anything else is verified in full and refused.
        for wrong in ("first secret ", "First secret", "first", ""):
            self.assertIn("[AUTHENTICATIONFAILED]", imap_login(srv, "amy@example.org", wrong))
        self.assertEqual(self.verifications(srv), (1, 2))
        # The administrator changes the password while the server runs: the old one is refused
        # at once, the new one is verified in full, then remembered.
        srv.cli("user", "passwd", "amy@example.org", "--password-stdin", input=b"second secret\n")
        self.assertIn("[AUTHENTICATIONFAILED]", imap_login(srv, "amy@example.org", "first secret"))
        self.assertTrue(pop3_login(srv, "amy@example.org", "first secret").startswith(b"-ERR"))
        self.assertEqual(imap_login(srv, "amy@example.org", "second secret"), "OK")
        self.assertEqual(self.verifications(srv), (2, 2))
        self.assertEqual(imap_login(srv, "amy@example.org", "second secret"), "OK")
        self.assertEqual(self.verifications(srv), (2, 3))
        # An imported hash: the login that rehashes it is not remembered, so the next one
        # verifies the new Argon2id hash in full; only then is it remembered.
        address = "sha256@example.org"
        self.assertEqual(imap_login(srv, address, PW), "OK")
        self.assertTrue(stored_hash(srv, address).startswith("$argon2id$"))
        self.assertEqual(imap_login(srv, address, PW), "OK")
        self.assertEqual(imap_login(srv, address, PW), "OK")
        self.assertEqual(self.verifications(srv), (4, 4))

    def test_off(self):
        self.srv = srv = PillarboxServer(extra_config="cache_entries = 0\n")
        srv.cli("user", "add", "amy@example.org", "--password-stdin", input=b"first secret\n")
        srv.start()
        for _ in range(3):
            self.assertEqual(imap_login(srv, "amy@example.org", "first secret"), "OK")
        self.assertEqual(self.verifications(srv), (3, 0))

    def test_ttl(self):
        self.srv = srv = PillarboxServer(extra_config="cache_ttl_seconds = 1\n")
        srv.cli("user", "add", "amy@example.org", "--password-stdin", input=b"first secret\n")
        srv.start()
        self.assertEqual(imap_login(srv, "amy@example.org", "first secret"), "OK")
        time.sleep(1.5)
        self.assertEqual(imap_login(srv, "amy@example.org", "first secret"), "OK")
        self.assertEqual(self.verifications(srv), (2, 0))


if __name__ == "__main__":
    unittest.main()
