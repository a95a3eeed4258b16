"""COMPRESS=DEFLATE (RFC 4978) against the real server, with Python's zlib as the client:
plain TCP, after STARTTLS, over implicit TLS; a large FETCH; pipelined commands and compressed
bytes sent one at a time; a second COMPRESS; garbage instead of DEFLATE (the session ends with a
log line and the server goes on); the protocol log holds the uncompressed IMAP; what the logout
line and the byte metrics count.
"""
import glob
import os
import random
import re
import time
import unittest
import zlib

from imapraw import RawImap, login, tagged
from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "secret"




def message(size, seed=1):
    rng = random.Random(seed)
    words = ["Received", "from", "mail.example.org", "by", "pillarbox", "quarterly", "report", "the",
             "and", "meeting", "minutes", "attached", "regards"]
    body = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(words) for _ in range(12)) + "\r\n"
        body.append(line)
        n += len(line)
    return (f"From: Bob <bob@example.org>\r\nTo: {USER}\r\nSubject: big\r\n\r\n" + "".join(body)).encode()


def append(c, data, tag="p1", mailbox="INBOX"):
    c.send(f"{tag} APPEND {mailbox} {{{len(data)}+}}\r\n".encode() + data + b"\r\n")
    lines = c.read_until_tagged(tag)
    assert tagged(lines).startswith(f"{tag} OK".encode()), lines


class Compress(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def compressed(self):
        """A logged-in session on the plain port with COMPRESS active."""
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        self.assertEqual(c.compress(), b"z1 OK DEFLATE active")
        return c

    def conversation(self, c):
        """The same checks whatever the transport below: c is logged in."""
        caps = c.command("c0 CAPABILITY")
        self.assertIn(b" COMPRESS=DEFLATE", caps[0][0])
        self.assertEqual(c.compress(), b"z1 OK DEFLATE active")
        # Compressed from here on, both ways.
        caps = c.command("c1 CAPABILITY")
        self.assertTrue(caps[0][0].startswith(b"* CAPABILITY IMAP4rev1 "), caps)
        self.assertNotIn(b"COMPRESS", caps[0][0])  # RFC 4978 §3: not offered once active
        again = c.command("z2 COMPRESS DEFLATE")
        self.assertTrue(tagged(again).startswith(b"z2 NO [COMPRESSIONACTIVE]"), again)
        append(c, b"Subject: hello\r\n\r\nsmall body\r\n")
        sel = c.command("s1 SELECT INBOX")
        self.assertTrue(tagged(sel).startswith(b"s1 OK [READ-WRITE]"), sel)
        got = c.command("f1 FETCH 1 BODY.PEEK[TEXT]")
        self.assertEqual(got[0][1], [b"small body\r\n"])
        bye = c.command("l1 LOGOUT")
        self.assertTrue(bye[0][0].startswith(b"* BYE"), bye)
        self.assertTrue(tagged(bye).startswith(b"l1 OK"), bye)
        with self.assertRaises(EOFError):
            c.readline()

    def test_plain(self):
        c = RawImap.connect(self.server.imap_port)
        c.greeting()
        # Offered after login only.
        self.assertNotIn(b"COMPRESS", c.command("c CAPABILITY")[0][0])
        early = c.command("z0 COMPRESS DEFLATE")
        self.assertTrue(tagged(early).startswith(b"z0 BAD"), early)
        lines = c.command(f"a LOGIN {USER} {PASSWORD}")
        self.assertIn(b" COMPRESS=DEFLATE", tagged(lines))
        self.conversation(c)
        c.close()

    def test_after_starttls(self):
        c = RawImap.connect(self.server.imap_port)
        c.greeting()
        c.starttls()
        login_line = c.command(f"a LOGIN {USER} {PASSWORD}")
        self.assertIn(b"COMPRESS=DEFLATE", tagged(login_line))
        self.conversation(c)  # DEFLATE inside TLS
        c.close()

    def test_implicit_tls(self):
        c = RawImap.connect(self.server.imaps_port, tls=True)
        login(c, USER, PASSWORD)
        self.conversation(c)
        c.close()

    def test_bad_arguments(self):
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        for cmd in ("z COMPRESS", "z COMPRESS GZIP", "z COMPRESS DEFLATE extra", "z COMPRESS \"DEFLATE\""):
            lines = c.command(cmd)
            self.assertTrue(tagged(lines).startswith(b"z BAD"), (cmd, lines))
        # Still uncompressed: a plain NOOP works.
        self.assertTrue(tagged(c.command("n NOOP")).startswith(b"n OK"))
        self.assertEqual(c.compress("z1", "deflate"), b"z1 OK DEFLATE active")  # any case
        self.assertTrue(tagged(c.command("n2 NOOP")).startswith(b"n2 OK"))
        c.close()

    def test_large_fetch(self):
        big = message(3 * 1024 * 1024, seed=5)
        c = self.compressed()
        c.command("cr CREATE Big")
        c.send(f"p1 APPEND Big {{{len(big)}+}}\r\n".encode() + big + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p1")).startswith(b"p1 OK"))
        sent_before = c.sent_wire
        self.assertLess(sent_before, len(big) // 2)  # the client's side compressed too
        c.command("s EXAMINE Big")
        received_before = c.received_wire
        got = c.command("f FETCH 1 (RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(got[0][1], [big])
        self.assertIn(f"RFC822.SIZE {len(big)} ".encode(), got[0][0])
        self.assertLess(c.received_wire - received_before, len(big) // 2)
        c.command("l LOGOUT")
        c.close()

    def test_pipelined_and_byte_by_byte(self):
        c = self.compressed()
        c.command("cr CREATE Pipe")
        append(c, b"Subject: one\r\n\r\nbody one\r\n", "p1", "Pipe")
        # Several commands in one compressed write, a literal among them.
        two = b"Subject: two\r\n\r\nbody 2\r\n"
        c.send(b"n1 NOOP\r\ns1 SELECT Pipe\r\n" + f"p2 APPEND Pipe {{{len(two)}+}}\r\n".encode() + two + b"\r\n"
               b"f1 FETCH 1:* (UID BODY.PEEK[TEXT])\r\n")
        out = c.read_until_tagged("n1") + c.read_until_tagged("s1") + c.read_until_tagged("p2")
        out += c.read_until_tagged("f1")
        self.assertTrue(tagged(out).startswith(b"f1 OK"), out)
        bodies = [lits[0] for line, lits in out if b" FETCH (" in line and lits]
        self.assertEqual(bodies, [b"body one\r\n", b"body 2\r\n"])
        # One compressed command sent one byte at a time.
        data = c.deflater.compress(b"f2 FETCH 2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n")
        data += c.deflater.flush(zlib.Z_SYNC_FLUSH)
        for i in range(len(data)):
            c.send_wire(data[i:i + 1])
            time.sleep(0.002)
        got = c.read_until_tagged("f2")
        self.assertEqual(got[0][1], [b"Subject: two\r\n\r\n"])
        c.close()

    def test_broken_stream_ends_the_session_cleanly(self):
        before = self.server.stderr().count("event=compress_error")
        for garbage in (b"a1 NOOP\r\n",                            # uncompressed text
                        b"\xff" * 64,                             # an invalid block type
                        zlib.compress(b"n NOOP\r\n")):            # zlib framing, not raw DEFLATE
            c = RawImap.connect(self.server.imap_port)
            login(c, USER, PASSWORD)
            c.compress()
            self.assertTrue(tagged(c.command("n0 NOOP")).startswith(b"n0 OK"))
            c.send_wire(garbage)
            lines = []
            with self.assertRaises((EOFError, ConnectionResetError)):
                while True:
                    lines.append(c.readline())
            # A BYE, compressed, and nothing else.
            self.assertTrue(lines, "no BYE before the connection closed")
            self.assertTrue(all(line.startswith(b"* BYE") for line in lines), lines)
            c.close()
        deadline = time.time() + 10
        while self.server.stderr().count("event=compress_error") < before + 3 and time.time() < deadline:
            time.sleep(0.05)
        log = self.server.stderr()
        self.assertEqual(log.count("event=compress_error"), before + 3, log[-3000:])
        self.assertIn("end=compress_error", log)
        # The server goes on.
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        c.close()

    def test_broken_stream_during_idle_says_bye(self):
        # The same garbage while the session waits in IDLE, where another read path is used.
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        c.compress()
        self.assertTrue(tagged(c.command("s0 SELECT INBOX")).startswith(b"s0 OK"))
        c.send(b"i1 IDLE\r\n")
        self.assertEqual(c.readline(), b"+ idling")
        c.send_wire(b"\xff" * 64)
        lines = []
        with self.assertRaises((EOFError, ConnectionResetError)):
            while True:
                lines.append(c.readline())
        self.assertEqual(lines, [b"* BYE Compressed data could not be read"])
        c.close()

    def test_logout_line_counts_both(self):
        pattern = re.compile(r"event=logout .*bytes_in=(\d+) bytes_out=(\d+) compressed_in=(\d+) compressed_out=(\d+)")
        before = len(pattern.findall(self.server.stderr()))
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        # A command pipelined behind COMPRESS, in the same write: the server read it raw with
        # the COMPRESS line, and must count it once, inflated (not also as protocol octets).
        plain_before, wire_before = c.sent_plain, c.sent_wire
        c.compress_pipelined(b"n1 NOOP\r\n")
        wire_after_line = wire_before + len(b"z1 COMPRESS DEFLATE\r\n")
        plain_after_line = plain_before + len(b"z1 COMPRESS DEFLATE\r\n")
        self.assertTrue(tagged(c.read_until_tagged("n1")).startswith(b"n1 OK"))
        c.command("s EXAMINE INBOX")
        c.command("f FETCH 1:* (BODY.PEEK[])")
        # Something that compresses well, so protocol octets after COMPRESS outweigh wire octets.
        c.command("q SEARCH HEADER X-Pad " + "a" * 4000)
        c.command("l LOGOUT")
        c.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            found = pattern.findall(self.server.stderr())
            if len(found) > before:
                break
            time.sleep(0.05)
        self.assertGreater(len(found), before, self.server.stderr()[-2000:])
        self.assertIn("event=compress ", self.server.stderr())
        bytes_in, bytes_out, comp_in, comp_out = map(int, found[-1])
        self.assertGreater(bytes_out, 0)
        self.assertGreater(comp_out, 0)
        # Exactly what the client sent: protocol octets, and wire octets after the COMPRESS line.
        self.assertEqual(bytes_in, c.sent_plain)
        self.assertEqual(comp_in, c.sent_wire - wire_after_line)
        # Protocol octets after COMPRESS against the wire octets that carried them.
        self.assertGreater(bytes_in - plain_after_line, 10 * comp_in)


class CompressLimits(unittest.TestCase):
    """compress_max_skipped_octets, and a client that ends its DEFLATE stream."""

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer(extra_config="[limits]\nmax_literal_octets = 1024\n"
                                                  "compress_max_skipped_octets = 4096\n")
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_skipping_is_bounded_while_compressed(self):
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        c.compress()
        # Within the budget: counted off and refused, the session goes on (RFC 7888 §4).
        c.send(b"p1 APPEND INBOX {2000+}\r\n" + b"x" * 2000 + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p1")).startswith(b"p1 NO [TOOBIG]"))
        self.assertTrue(tagged(c.command("n1 NOOP")).startswith(b"n1 OK"))
        # Past it (2094 octets left): refused and the connection ends, without the server
        # inflating the gigabyte that a few kilobytes of DEFLATE could announce.
        c.send(b"p2 APPEND INBOX {1000000000+}\r\n")
        lines = []
        with self.assertRaises((EOFError, ConnectionResetError)):
            while True:
                lines.append(c.readline())
        self.assertTrue(lines and lines[0].startswith(b"p2 NO [TOOBIG]"), lines)
        self.assertTrue(lines[-1].startswith(b"* BYE"), lines)
        c.close()
        # Uncompressed, an over-limit literal is still counted off.
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        c.send(b"p3 APPEND INBOX {8000+}\r\n" + b"x" * 8000 + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p3")).startswith(b"p3 NO [TOOBIG]"))
        self.assertTrue(tagged(c.command("n2 NOOP")).startswith(b"n2 OK"))
        c.close()

    def test_final_block_is_a_disconnect(self):
        before = self.server.stderr().count("end=disconnect")
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        c.compress()
        # The client ends its DEFLATE stream (Z_FINISH: a final block) after a command.
        c.send_wire(c.deflater.compress(b"n1 NOOP\r\n") + c.deflater.flush(zlib.Z_FINISH))
        self.assertTrue(tagged(c.read_until_tagged("n1")).startswith(b"n1 OK"))
        with self.assertRaises((EOFError, ConnectionResetError)):
            while True:
                c.readline()
        c.close()
        deadline = time.time() + 10
        while self.server.stderr().count("end=disconnect") <= before and time.time() < deadline:
            time.sleep(0.05)
        log = self.server.stderr()
        self.assertGreater(log.count("end=disconnect"), before, log[-2000:])
        self.assertNotIn("compress_error", log)


class CompressProtocolLog(unittest.TestCase):
    def test_transcript_holds_uncompressed_imap(self):
        with PillarboxServer() as s:
            s.add_user(USER, PASSWORD)
            s.start()
            s.cli("log", "on", "--all", "--bodies")
            c = RawImap.connect(s.imap_port)
            login(c, USER, PASSWORD)
            # A command pipelined behind COMPRESS: logged once, inflated; its compressed form,
            # read with the COMPRESS line, is marked as such.
            c.compress_pipelined(b"n0 NOOP\r\n")
            self.assertTrue(tagged(c.read_until_tagged("n0")).startswith(b"n0 OK"))
            c.command("n1 NOOP")
            append(c, b"Subject: logged\r\n\r\nmarker-body-text\r\n", "p1")
            c.command("l LOGOUT")
            c.close()
            files = []
            deadline = time.time() + 10
            while time.time() < deadline:
                files = [p for p in glob.glob(os.path.join(s.data, "protocol-log", "*", "*.log"))
                         if "marker-body-text" in open(p, "rb").read().decode("utf-8", "replace")]
                if files and "l OK" in open(files[0], "rb").read().decode("utf-8", "replace"):
                    break
                time.sleep(0.05)
            self.assertEqual(len(files), 1)
            text = open(files[0], "rb").read().decode("utf-8", "replace")
            self.assertIn("octets read with COMPRESS were compressed data, not IMAP", text)
            for line in ("C: z1 COMPRESS DEFLATE", "S: z1 OK DEFLATE active", "C: n0 NOOP", "S: n0 OK",
                         "C: n1 NOOP", "S: n1 OK",
                         "C: marker-body-text", "C: l LOGOUT"):
                self.assertIn(line, text)
            self.assertNotIn(PASSWORD, text)


if __name__ == "__main__":
    unittest.main()
