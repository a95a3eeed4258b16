"""A raw connection to a line protocol (POP3, LMTP) for tests that must see the exact bytes:
pipelined writes, malformed input, replies read without any client library's help. Lines end
with CRLF (RFC 1939 §3, RFC 5321 §2.3.8, RFC 3501 §2.2). pop3raw and lmtpraw build on it.
"""
import socket
import ssl


def insecure_tls_context():
    """The test server's certificate is self-signed: no verification."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect(where, timeout=15):
    """A socket to `where`: a TCP port on 127.0.0.1 (int) or a unix socket path (str)."""
    if isinstance(where, int):
        s = socket.create_connection(("127.0.0.1", where), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(where)
    return s


class RawLineClient:
    """Lines over a new connection to `where` (see connect), or over `sock`, a connected socket
    the caller already has; `timeout` seconds per read either way."""

    def __init__(self, where=None, tls=False, timeout=15, sock=None):
        if sock is None:
            sock = connect(where, timeout)
        else:
            sock.settimeout(timeout)
        self.sock = insecure_tls_context().wrap_socket(sock) if tls else sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        """The next line without its CRLF; EOFError if the server closed first."""
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; unread: %r" % self.buf[:200])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def closed(self, timeout=10):
        """Waits up to `timeout` seconds for the server to close the connection (EOF or reset);
        returns the bytes read before the close (the unread lines included)."""
        self.sock.settimeout(timeout)
        rest = self.buf
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                return rest
            if not chunk:
                return rest
            rest += chunk

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class RawImapLines(RawLineClient):
    """IMAP as bare lines (literals are not parsed: their bytes arrive as lines), for tests that
    check the exact lines of commands whose replies hold no literal. imapraw.RawImap parses
    literals and speaks COMPRESS and TLS."""

    def until_tagged(self, tag):
        """Lines up to and including the one tagged `tag` (bytes)."""
        lines = []
        while True:
            line = self.line()
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    def command(self, text, tag=b"t"):
        """Sends `text` (bytes, without CRLF) and returns the lines up to `tag`'s."""
        self.send(text + b"\r\n")
        return self.until_tagged(tag)
