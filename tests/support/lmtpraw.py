"""LMTP clients for tests (RFC 2033): a raw connection that sees the exact bytes (pipelined
writes, malformed input, one reply per recipient after DATA) and an smtplib.LMTP that reads
those per-recipient replies, which smtplib itself does not.
"""
import re
import smtplib
import socket

from rawline import RawLineClient, connect  # noqa: F401 (re-exported for tests)


def stuff(message):
    """Dot-stuffs `message` and appends the terminator (RFC 5321 §4.5.2)."""
    body = re.sub(rb"(?m)^\.", b"..", message)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"


class RawLmtp(RawLineClient):
    def __init__(self, where, timeout=15):
        super().__init__(where, timeout=timeout)
        self.greeting = self.reply()

    def reply(self):
        """One reply, multi-line ones joined: (code, text of the last line)."""
        while True:
            line = self.line()
            if len(line) < 4 or not line[:3].isdigit() or line[3:4] not in (b" ", b"-"):
                raise AssertionError("malformed reply line %r" % line)
            if line[3:4] == b" ":
                return int(line[:3]), line[4:].decode("utf-8", "replace")

    def replies(self, n):
        return [self.reply() for _ in range(n)]

    def command(self, text):
        self.send(text.encode() + b"\r\n")
        return self.reply()

    def closed_by_server(self, wait=5):
        """True when the server has closed the connection (no more bytes, EOF)."""
        self.sock.settimeout(wait)
        try:
            return self.buf == b"" and self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False



class Lmtp(smtplib.LMTP):
    """smtplib.LMTP plus DATA with one reply per accepted recipient (RFC 2033 §4.2)."""

    def data_each(self, message, recipients):
        """Sends DATA and `message`; returns the list of (code, text) replies, one per recipient."""
        code, text = self.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, text)
        self.send(stuff(message))
        return [self.getreply() for _ in range(recipients)]
