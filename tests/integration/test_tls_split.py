"""TLS record boundaries around literals (seed 002: APPEND over SSL hung).

The client here is ssl.SSLObject over memory BIOs on a raw socket, so every write() is exactly
one TLS record and is sent as its own TCP segment: the tests choose where records begin and end.
Checked: the literal's last bytes and its CRLF in one record; that CRLF and the next command in
the same record; every byte its own record for a whole LOGIN/SELECT/APPEND/FETCH conversation;
the same after STARTTLS. The appended message must come back unchanged from FETCH BODY[].
"""
import re
import socket
import ssl
import time
import unittest

from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "secret"
MESSAGE = (b"From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: split records\r\n"
           b"\r\nFirst line of the body.\r\nThe last line ends the literal.\r\n")
TIMEOUT = 10


class RecordClient:
    """IMAP over TLS where each send() is one TLS record in one TCP write."""

    def __init__(self, sock, gap=0.002):
        self.sock = sock
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.gap = gap
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing)
        self.plain = b""
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                self._receive(time.monotonic() + TIMEOUT)
        self._flush()

    def _flush(self):
        data = self.outgoing.read()
        if data:
            self.sock.sendall(data)

    def _receive(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no answer from the server") from None
        if not data:
            raise EOFError("connection closed")
        self.incoming.write(data)

    def send(self, data):
        """One TLS record (data must fit one record: at most 16384 octets)."""
        assert 0 < len(data) <= 16384
        self.tls.write(data)
        self._flush()
        if self.gap:
            time.sleep(self.gap)

    def send_each_byte(self, data):
        for i in range(len(data)):
            self.send(data[i:i + 1])

    def _fill(self, deadline):
        while True:
            try:
                chunk = self.tls.read(65536)
                if not chunk:
                    raise EOFError("TLS closed")
                self.plain += chunk
                return
            except ssl.SSLWantReadError:
                self._receive(deadline)

    def response(self):
        """One response with its literals, as raw bytes."""
        deadline = time.monotonic() + TIMEOUT
        out = b""
        while True:
            while b"\r\n" not in self.plain:
                self._fill(deadline)
            line, self.plain = self.plain.split(b"\r\n", 1)
            out += line + b"\r\n"
            m = re.search(rb"\{(\d+)\}$", line)
            if not m:
                return out
            size = int(m.group(1))
            while len(self.plain) < size:
                self._fill(deadline)
            out += self.plain[:size]
            self.plain = self.plain[size:]

    def until_tagged(self, tag):
        got = []
        while True:
            r = self.response()
            got.append(r)
            if r.startswith(tag + b" "):
                return got

    def continuation(self):
        r = self.response()
        if not r.startswith(b"+"):
            raise AssertionError(f"expected a continuation request, got {r!r}")


class TlsSplit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def implicit(self, gap=0.002):
        c = RecordClient(socket.create_connection(("127.0.0.1", self.server.imaps_port)), gap)
        self.assertTrue(c.response().startswith(b"* OK"))
        return c

    def via_starttls(self):
        raw = socket.create_connection(("127.0.0.1", self.server.imap_port), timeout=TIMEOUT)
        f = raw.makefile("rb")
        self.assertTrue(f.readline().startswith(b"* OK"))
        raw.sendall(b"s STARTTLS\r\n")
        self.assertTrue(f.readline().startswith(b"s OK"))
        return RecordClient(raw)

    def ok(self, c, tag):
        got = c.until_tagged(tag)
        self.assertTrue(got[-1].startswith(tag + b" OK"), got)
        return got

    def login_select(self, c, mailbox):
        c.send(b"l LOGIN %s %s\r\n" % (USER.encode(), PASSWORD.encode()))
        self.ok(c, b"l")
        c.send(b"c CREATE %s\r\n" % mailbox)
        self.ok(c, b"c")
        c.send(b"s SELECT %s\r\n" % mailbox)
        self.ok(c, b"s")

    def check_fetch(self, got, seq=1):
        body = [r for r in got if r.startswith(b"* %d FETCH" % seq)]
        self.assertEqual(len(body), 1, got)
        self.assertIn(b"BODY[] {%d}\r\n" % len(MESSAGE) + MESSAGE, body[0])

    def append_split(self, c, sync, next_command):
        """APPEND with the literal's last 3 octets + CRLF (+ next command) in one record."""
        head = b"a APPEND %s {%d%s}\r\n" % (self.mailbox, len(MESSAGE), b"" if sync else b"+")
        if sync:
            c.send(head)
            c.continuation()
            c.send(MESSAGE[:-3])
        else:
            c.send(head + MESSAGE[:-3])
        c.send(MESSAGE[-3:] + b"\r\n" + next_command)

    def run_scenario(self, c, sync, pipelined, name):
        self.mailbox = name.encode()
        self.login_select(c, self.mailbox)
        fetch = b"f FETCH 1 BODY[]\r\n"
        self.append_split(c, sync, fetch if pipelined else b"")
        got = self.ok(c, b"a")
        self.assertIn(b"* 1 EXISTS\r\n", got)
        if not pipelined:
            c.send(fetch)
        self.check_fetch(self.ok(c, b"f"))
        c.send(b"n NOOP\r\n")
        self.ok(c, b"n")

    def test_literal_end_and_crlf_in_one_record(self):
        for sync in (False, True):
            with self.subTest(sync=sync):
                c = self.implicit()
                self.run_scenario(c, sync, False, f"end-crlf-{int(sync)}")
                c.sock.close()

    def test_literal_end_crlf_and_next_command_in_one_record(self):
        for sync in (False, True):
            with self.subTest(sync=sync):
                c = self.implicit()
                self.run_scenario(c, sync, True, f"end-crlf-next-{int(sync)}")
                c.sock.close()

    def test_every_byte_its_own_record(self):
        c = self.implicit(gap=0.0005)
        c.send_each_byte(b"l LOGIN %s %s\r\n" % (USER.encode(), PASSWORD.encode()))
        self.ok(c, b"l")
        c.send_each_byte(b"c CREATE bytewise\r\n")
        self.ok(c, b"c")
        c.send_each_byte(b"s SELECT bytewise\r\n")
        self.ok(c, b"s")
        c.send_each_byte(b"a APPEND bytewise (\\Seen) {%d}\r\n" % len(MESSAGE))
        c.continuation()
        c.send_each_byte(MESSAGE + b"\r\n")
        self.assertIn(b"* 1 EXISTS\r\n", self.ok(c, b"a"))
        c.send_each_byte(b"p APPEND bytewise {%d+}\r\n" % len(MESSAGE) + MESSAGE
                         + b"\r\nf FETCH 1:2 BODY[]\r\n")
        self.ok(c, b"p")
        got = self.ok(c, b"f")
        self.check_fetch(got, 1)
        self.check_fetch(got, 2)
        c.send_each_byte(b"z LOGOUT\r\n")
        got = self.ok(c, b"z")
        self.assertTrue(got[0].startswith(b"* BYE"), got)
        c.sock.close()

    def test_starttls_then_split_records(self):
        for pipelined in (False, True):
            with self.subTest(pipelined=pipelined):
                c = self.via_starttls()
                self.run_scenario(c, False, pipelined, f"starttls-{int(pipelined)}")
                c.sock.close()

    def test_starttls_every_byte_its_own_record(self):
        c = self.via_starttls()
        c.gap = 0.0005
        c.send_each_byte(b"l LOGIN %s %s\r\nc CREATE tlsbytes\r\ns SELECT tlsbytes\r\n"
                         % (USER.encode(), PASSWORD.encode()))
        self.ok(c, b"l")
        self.ok(c, b"c")
        self.ok(c, b"s")
        c.send_each_byte(b"a APPEND tlsbytes {%d+}\r\n" % len(MESSAGE) + MESSAGE
                         + b"\r\nf FETCH 1 BODY.PEEK[]\r\n")
        self.ok(c, b"a")
        got = self.ok(c, b"f")
        body = [r for r in got if r.startswith(b"* 1 FETCH")]
        self.assertEqual(len(body), 1, got)
        self.assertIn(b"BODY[] {%d}\r\n" % len(MESSAGE) + MESSAGE, body[0])
        c.sock.close()


if __name__ == "__main__":
    unittest.main()
