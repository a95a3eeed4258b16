"""A small raw IMAP client for tests that imaplib cannot do: COMPRESS=DEFLATE (RFC 4978) with
Python's zlib, literal8 (RFC 3516), STARTTLS and implicit TLS, byte-exact literals.

    c = RawImap.connect(port)            # or RawImap.connect(port, tls=True)
    c.greeting()
    c.command("a LOGIN alice@example.org secret")   # -> list of response lines (bytes)
    c.compress()                         # after "OK DEFLATE active": deflate both ways
"""
import re
import socket
import ssl
import zlib

TIMEOUT = 15
_LITERAL = re.compile(rb"~?\{(\d+)\+?\}$")


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class RawImap:
    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(TIMEOUT)
        self.buf = b""
        self.deflater = None
        self.inflater = None
        self.sent_wire = 0      # octets written to the socket (compressed when compressing)
        self.sent_plain = 0     # protocol octets sent through send() (before compression)
        self.received_wire = 0

    @classmethod
    def connect(cls, port, tls=False):
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        if tls:
            sock = client_context().wrap_socket(sock)
        return cls(sock)

    # --- bytes ---------------------------------------------------------------------------
    def send(self, data):
        self.sent_plain += len(data)
        if self.deflater:
            data = self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        self.send_wire(data)

    def send_wire(self, data):
        """Sends bytes as they are (already compressed, or garbage)."""
        self.sent_wire += len(data)
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.received_wire += len(data)
        if self.inflater:
            data = self.inflater.decompress(data)
        self.buf += data

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def readline(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def response(self):
        """One response line with its literals inline: (line text, [literal bytes...])."""
        line = self.readline()
        literals = []
        while True:
            m = _LITERAL.search(line)
            if not m:
                return line, literals
            data = self.read_exact(int(m.group(1)))
            literals.append(data)
            line += b"\r\n" + data + self.readline()

    def read_until_tagged(self, tag):
        """Responses up to and including the one tagged `tag`: a list of (line, literals)."""
        out = []
        while True:
            r = self.response()
            out.append(r)
            if r[0].startswith(tag.encode() + b" "):
                return out

    def command(self, text, literals=()):
        """Sends `text` CRLF (with LITERAL+ literals already inside) and returns the lines."""
        tag = text.split(" ", 1)[0]
        self.send(text.encode() + b"\r\n" if isinstance(text, str) else text)
        return self.read_until_tagged(tag)

    def greeting(self):
        return self.readline()

    # --- layers --------------------------------------------------------------------------
    def starttls(self, tag="t1"):
        lines = self.command(f"{tag} STARTTLS")
        assert lines[-1][0].startswith(f"{tag} OK".encode()), lines
        assert self.buf == b""
        self.sock = client_context().wrap_socket(self.sock)
        self.sock.settimeout(TIMEOUT)

    def compress(self, tag="z1", algorithm="DEFLATE"):
        lines = self.command(f"{tag} COMPRESS {algorithm}")
        last = lines[-1][0]
        if not last.startswith(f"{tag} OK".encode()):
            return last
        assert self.buf == b"", self.buf  # nothing may follow the OK uncompressed
        self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.inflater = zlib.decompressobj(-15)
        return last

    def compress_pipelined(self, then, tag="z1"):
        """Sends COMPRESS DEFLATE and, in the same write, `then` already compressed (RFC 4978
        §3 lets a client go on without waiting). Returns the tagged line of COMPRESS."""
        deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        line = f"{tag} COMPRESS DEFLATE\r\n".encode()
        tail = deflater.compress(then) + deflater.flush(zlib.Z_SYNC_FLUSH)
        self.sent_plain += len(line) + len(then)
        self.send_wire(line + tail)
        last = self.readline()
        assert last.startswith(f"{tag} OK".encode()), last
        self.deflater = deflater
        self.inflater = zlib.decompressobj(-15)
        self.buf = self.inflater.decompress(self.buf)  # what came after the OK is compressed
        return last

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def tagged(lines):
    """The tagged line of a command's responses."""
    return lines[-1][0]


def login(c, user, password):
    """Reads the greeting and logs in with tag "a"; returns the tagged line."""
    c.greeting()
    lines = c.command(f"a LOGIN {user} {password}")
    assert tagged(lines).startswith(b"a OK"), lines
    return tagged(lines)
