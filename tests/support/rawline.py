"""A raw connection to a line protocol (POP3, LMTP) for tests that must see the exact bytes:
pipelined writes, malformed input, replies read without any client library's help. Lines end
with CRLF (RFC 1939 §3, RFC 5321 §2.3.8). pop3raw and lmtpraw build on it.
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
    def __init__(self, where, tls=False, timeout=15):
        self.sock = connect(where, timeout)
        if tls:
            self.sock = insecure_tls_context().wrap_socket(self.sock)
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
