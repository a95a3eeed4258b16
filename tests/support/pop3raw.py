"""A raw POP3 connection for tests that need to see the exact bytes: pipelined writes,
malformed input, SASL exchanges and multi-line responses read without any client library's
help (RFC 1939 §3: lines end with CRLF, multi-line responses end with ".\r\n").
"""
from rawline import RawLineClient, insecure_tls_context  # noqa: F401 (re-exported for tests)


class RawPop3(RawLineClient):
    def __init__(self, port, tls=False, timeout=15):
        super().__init__(port, tls, timeout)
        self.greeting = self.line()

    def multiline(self):
        """The body of a multi-line response up to its "." line, raw (still byte-stuffed)."""
        while True:
            if self.buf.startswith(b".\r\n"):
                self.buf = self.buf[3:]
                return b""
            end = self.buf.find(b"\r\n.\r\n")
            if end >= 0:
                body, self.buf = self.buf[:end + 2], self.buf[end + 5:]
                return body
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed inside a multi-line response")
            self.buf += chunk

    def command(self, text):
        """Sends one command line; returns the status line."""
        self.send(text + b"\r\n")
        return self.line()

    def ok(self, text):
        reply = self.command(text)
        assert reply.startswith(b"+OK"), (text, reply)
        return reply

    def login(self, user, password):
        self.ok(b"USER " + user.encode())
        return self.ok(b"PASS " + password.encode())


def unstuff(body):
    """A multi-line body as the client sees it (RFC 1939 §3): one leading "." removed per line."""
    lines = body.split(b"\r\n")
    assert lines[-1] == b"", body[-20:]
    return b"".join((l[1:] if l.startswith(b".") else l) + b"\r\n" for l in lines[:-1])
