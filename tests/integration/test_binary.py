"""BINARY (RFC 3516) where the bytes matter and the transcripts cannot show them: NUL octets.
APPEND with a literal8 ("~{N}" and "~{N+}") holding NUL stores the message unchanged; FETCH
BINARY of content holding NUL answers with a literal8 (§4.3), content without NUL with an
ordinary literal; base64 decoding to NUL; BINARY.SIZE; a literal (not literal8) with NUL is
refused; BODY[] and friends send NUL as 0x80 in an ordinary literal; the same over
COMPRESS=DEFLATE.
"""
import base64
import unittest

from imapraw import RawImap, login, tagged
from pbserver import PillarboxServer

USER, PASSWORD = "alice@example.org", "secret"
PAYLOAD = bytes(range(256)) * 4  # every octet, NUL included, CR and LF not in pairs




class Binary(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def fetch(self, c, tag, what):
        lines = c.command(f"{tag} FETCH {what}")
        self.assertTrue(tagged(lines).startswith(f"{tag} OK".encode()), lines)
        return lines[0]

    def run_session(self, compress):
        c = RawImap.connect(self.server.imap_port)
        login(c, USER, PASSWORD)
        self.assertIn(b" BINARY ", c.command("c CAPABILITY")[0][0] + b" ")
        if compress:
            c.compress()
        box = "Bin" + ("Z" if compress else "")
        c.command(f"cr CREATE {box}")
        # 1: a binary part, sent as a literal8 (non-synchronizing), NUL and all.
        msg1 = (b"Subject: raw\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
                b"--zz\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                b"--zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                + b"A\x00B\x00\r\nC" + b"\r\n--zz--\r\n")
        c.send(f"p1 APPEND {box} ~{{{len(msg1)}+}}\r\n".encode() + msg1 + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p1")).startswith(b"p1 OK"))
        # 2: base64 that decodes to every octet, sent as a synchronizing literal8.
        b64 = base64.encodebytes(PAYLOAD).replace(b"\n", b"\r\n")
        msg2 = (b"Subject: b64\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Transfer-Encoding: base64\r\n\r\n" + b64)
        c.send(f"p2 APPEND {box} ~{{{len(msg2)}}}\r\n".encode())
        self.assertTrue(c.readline().startswith(b"+ "))
        c.send(msg2 + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p2")).startswith(b"p2 OK"))
        # A literal8 with a bare LF could not be served unchanged (LF becomes CRLF): refused.
        bare = b"S: x\r\n\r\na\nb"
        c.send(f"p4 APPEND {box} ~{{{len(bare)}+}}\r\n".encode() + bare + b"\r\n")
        self.assertTrue(tagged(c.read_until_tagged("p4")).startswith(b"p4 NO [UNKNOWN-CTE]"))
        # A plain literal with NUL is refused (RFC 3501 CHAR8; §4.4 is for literal8 only).
        c.send(f"p3 APPEND {box} {{3+}}\r\na\x00b\r\n".encode())
        self.assertTrue(tagged(c.read_until_tagged("p3")).startswith(b"p3 BAD"))

        c.command(f"s SELECT {box}")
        # The stored message is unchanged (BINARY[] is the whole message as stored), but an
        # ordinary literal cannot carry NUL (RFC 3501 CHAR8): BODY[] and RFC822 send it as 0x80,
        # with the size unchanged, so RFC822.SIZE stays the literal's size.
        self.assertIn(b"\x00", msg1)
        line, lits = self.fetch(c, "f0", "1 BINARY.PEEK[]")
        self.assertEqual(lits, [msg1])
        self.assertIn(b"BINARY[] ~{", line)
        line, lits = self.fetch(c, "f1", "1 (RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(lits, [msg1.replace(b"\x00", b"\x80")])
        self.assertIn(f"RFC822.SIZE {len(msg1)} ".encode(), line)
        self.assertNotIn(b"~{", line)
        line, lits = self.fetch(c, "f1b", "1 (BODY.PEEK[2] BODY.PEEK[TEXT])")
        self.assertEqual(len(lits), 2)
        self.assertEqual(lits[0], b"A\x80B\x80\r\nC")
        self.assertNotIn(b"\x00", lits[1])
        self.assertNotIn(b"~{", line)
        # BINARY[2]: binary CTE, as is, with NUL: literal8.
        line, lits = self.fetch(c, "f2", "1 BINARY.PEEK[2]")
        self.assertIn(b"BINARY[2] ~{7}", line)
        self.assertEqual(lits, [b"A\x00B\x00\r\nC"])
        # BINARY[1]: no NUL: an ordinary literal.
        line, lits = self.fetch(c, "f3", "1 BINARY.PEEK[1]")
        self.assertIn(b"BINARY[1] {5}", line)
        self.assertNotIn(b"~{", line)
        self.assertEqual(lits, [b"hello"])
        # base64 decoded to every octet.
        line, lits = self.fetch(c, "f4", "2 (BINARY.SIZE[1] BINARY.PEEK[1])")
        self.assertIn(f"BINARY.SIZE[1] {len(PAYLOAD)} ".encode(), line)
        self.assertIn(f"BINARY[1] ~{{{len(PAYLOAD)}}}".encode(), line)
        self.assertEqual(lits, [PAYLOAD])
        # A partial of the decoded data: octets 1..3 hold no NUL, octets 0..1 do.
        line, lits = self.fetch(c, "f5", "2 BINARY.PEEK[1]<1.3>")
        self.assertIn(b"BINARY[1]<1> {3}", line)
        self.assertEqual(lits, [b"\x01\x02\x03"])
        line, lits = self.fetch(c, "f6", "2 BINARY.PEEK[1]<0.2>")
        self.assertIn(b"BINARY[1]<0> ~{2}", line)
        self.assertEqual(lits, [b"\x00\x01"])
        # BINARY (not PEEK) sets \Seen and reports FLAGS.
        line, lits = self.fetch(c, "f7", "2 BINARY[1]<0.1>")
        self.assertIn(b"\\Seen", line)
        c.command("l LOGOUT")
        c.close()

    def test_nul_content(self):
        self.run_session(compress=False)

    def test_nul_content_over_compress(self):
        self.run_session(compress=True)


if __name__ == "__main__":
    unittest.main()
