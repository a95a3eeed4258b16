"""Python's imaplib against the real server over IMAPS, one scenario per IMAP extension of issue 7,
each asserting what the extension's RFC says the server answers. imaplib (Python 3.11) has no
methods for most extensions; Client below sends their commands through imaplib's own command
machinery (tags, literals, untagged responses and response codes collected by name), reads
IDLE's untagged responses as they come, and runs COMPRESS=DEFLATE by wrapping imaplib's
send/read in raw deflate streams, so every byte still goes through imaplib.
"""
import email
import re
import time
import unittest
import zlib

import imaplib

import interopkit as kit
from pbserver import PillarboxServer

PASSWORD = "imaplib pass 8"


class ClientMixin:
    """imaplib with a generic command (`run`), raw commands with literals (`raw`), IDLE and
    COMPRESS=DEFLATE."""
    _deflate = None
    compressed_in = 0   # octets received while compressed, before inflating

    # -- generic commands -------------------------------------------------------------------

    def run(self, *words):
        """Sends one command (words joined by spaces, as given) in any state, so that the server
        is the one that refuses; returns (status, tagged text, {untagged type or response code:
        [data]}). A BAD answer comes back as status "BAD". imaplib's idea of the state follows a
        successful SELECT, EXAMINE, UNSELECT or CLOSE."""
        name = words[0].upper()
        states = imaplib.Commands.get(name)
        imaplib.Commands[name] = ("NONAUTH", "AUTH", "SELECTED", "LOGOUT")
        self.untagged_responses = {}
        try:
            typ, data = self._simple_command(*words)
        except self.error as e:
            return "BAD", str(e), dict(self.untagged_responses)
        finally:
            if states is None:
                del imaplib.Commands[name]
            else:
                imaplib.Commands[name] = states
        if typ == "OK" and name in ("SELECT", "EXAMINE"):
            self.state = "SELECTED"
        elif typ == "OK" and name in ("UNSELECT", "CLOSE"):
            self.state = "AUTH"
        untagged = dict(self.untagged_responses)
        self.untagged_responses = {}
        return typ, b" ".join(d for d in data if d).decode(), untagged

    def raw(self, *parts):
        """A command made of lines and literals: parts alternate line text (ending in a literal
        marker when a literal follows) and literal bytes. A synchronizing literal ("{n}",
        "~{n}") waits for the server's "+"; a non-synchronizing one ("{n+}") does not. Returns
        (status, tagged text, untagged) as run() does."""
        tag = self._new_tag()
        self.tagged_commands[tag] = None
        self.untagged_responses = {}
        line = tag + b" " + parts[0].encode()
        for i in range(1, len(parts), 2):
            self.send(line + imaplib.CRLF)
            if not parts[i - 1].endswith("+}"):
                # Wait for "+" (None), or a tagged answer that refuses the literal.
                while self._get_response():
                    if self.tagged_commands[tag]:
                        break
                if self.tagged_commands[tag]:
                    break
            self.send(parts[i])
            line = parts[i + 1].encode()
        else:
            self.send(line + imaplib.CRLF)
        typ, data = self._get_tagged_response(tag)
        untagged = dict(self.untagged_responses)
        self.untagged_responses = {}
        return typ, b" ".join(d for d in data if d).decode(), untagged

    def caps(self):
        typ, data = self.capability()
        return data[0].decode().upper().split()

    # -- IDLE (RFC 2177) --------------------------------------------------------------------

    def idle_start(self):
        self._idle_tag = self._new_tag()
        self.tagged_commands[self._idle_tag] = None
        self.untagged_responses = {}
        self.send(self._idle_tag + b" IDLE" + imaplib.CRLF)
        line = self._get_line()
        if not line.startswith(b"+"):
            raise AssertionError(f"IDLE: no continuation: {line!r}")

    def idle_wait(self, name):
        """Reads untagged responses until one of type `name` came; returns its data."""
        while name not in self.untagged_responses:
            self._get_response()
        return self.untagged_responses.pop(name)

    def idle_done(self):
        self.send(b"DONE" + imaplib.CRLF)
        typ, data = self._get_tagged_response(self._idle_tag)
        return typ

    # -- COMPRESS=DEFLATE (RFC 4978) ----------------------------------------------------------

    def compress(self):
        typ, text, _ = self.run("COMPRESS", "DEFLATE")
        if typ == "OK":
            self._deflate = (zlib.compressobj(6, zlib.DEFLATED, -15), zlib.decompressobj(-15))
            self._inflated = b""
        return typ, text

    def send(self, data):
        if self._deflate:
            data = self._deflate[0].compress(data) + self._deflate[0].flush(zlib.Z_SYNC_FLUSH)
        super().send(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise self.abort("socket closed")
        self.compressed_in += len(chunk)
        self._inflated += self._deflate[1].decompress(chunk)

    def read(self, size):
        if not self._deflate:
            return super().read(size)
        while len(self._inflated) < size:
            self._fill()
        out, self._inflated = self._inflated[:size], self._inflated[size:]
        return out

    def readline(self):
        if not self._deflate:
            return super().readline()
        while b"\n" not in self._inflated:
            self._fill()
        line, self._inflated = self._inflated.split(b"\n", 1)
        return line + b"\n"


class Client(ClientMixin, imaplib.IMAP4_SSL):
    """Over IMAPS, the server's certificate verified."""

    def __init__(self, server):
        super().__init__("127.0.0.1", server.imaps_port, ssl_context=kit.tls_context(server), timeout=30)


class PlainClient(ClientMixin, imaplib.IMAP4):
    """On the plain port (STARTTLS by starttls())."""

    def __init__(self, server):
        super().__init__("127.0.0.1", server.imap_port, timeout=30)


def fetch_items(untagged):
    """{sequence number: FETCH data text} from run()'s untagged responses."""
    out = {}
    for item in untagged.get("FETCH", []):
        text = (b"".join(item) if isinstance(item, tuple) else item).decode("utf-8", "replace")
        if not text[:1].isdigit():
            continue   # the rest of a response after a literal
        n, rest = text.split(" ", 1)
        out[int(n)] = rest
    return out


def list_lines(untagged):
    """[(attributes, name)] of LIST responses."""
    out = []
    for line in untagged.get("LIST", []):
        text = line.decode() if isinstance(line, bytes) else b"".join(line).decode()
        m = re.match(r'\(([^)]*)\) (?:"[^"]*"|NIL) "?(.*?)"?(?: \(.*\))?$', text)
        out.append((set(m.group(1).split()), m.group(2)))
    return out


class ImaplibBase(kit.RecordsResult, unittest.TestCase):
    client = "imaplib"

    @classmethod
    def setUpClass(cls):
        cls.server = PillarboxServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        self.user = self.id().rsplit(".", 1)[1].replace("_", "-") + "@example.org"
        self.server.add_user(self.user, PASSWORD)
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            try:
                c.logout()
            except Exception:
                pass

    def login(self):
        c = Client(self.server)
        c.login(self.user, PASSWORD)
        self.clients.append(c)
        return c

    def require_caps(self, c, *names):
        caps = c.caps()
        for n in names:
            self.assertTrue(n in caps or any(cap.startswith(n + "=") for cap in caps),
                            f"{n} is not advertised: {caps}")


class Children(ImaplibBase):
    """CHILDREN (RFC 3348): \\HasChildren and \\HasNoChildren in LIST."""

    def test_children_attributes(self):
        c = self.login()
        self.require_caps(c, "CHILDREN")
        for box in ("Work", "Work/Projects", "Leaf"):
            self.assertEqual(c.create(box)[0], "OK")
        typ, text, untagged = c.run("LIST", '""', '"*"')
        attrs = {name: a for a, name in list_lines(untagged)}
        self.assertIn("\\HasChildren", attrs["Work"])
        self.assertIn("\\HasNoChildren", attrs["Work/Projects"])
        self.assertIn("\\HasNoChildren", attrs["Leaf"])
        # Deleting the child changes the parent's answer.
        self.assertEqual(c.delete("Work/Projects")[0], "OK")
        typ, text, untagged = c.run("LIST", '""', "Work")
        self.assertEqual(list_lines(untagged)[0][0] & {"\\HasChildren", "\\HasNoChildren"}, {"\\HasNoChildren"})


class LiteralPlus(ImaplibBase):
    """LITERAL+ (RFC 7888): non-synchronizing literals, here in APPEND and in a mailbox name."""

    def test_non_synchronizing_literals(self):
        c = self.login()
        self.require_caps(c, "LITERAL+")
        msg = kit.message("Sent with a non-synchronizing literal")
        typ, text, _ = c.raw("APPEND INBOX (\\Seen) {%d+}" % len(msg), msg, "")
        self.assertEqual(typ, "OK", text)
        name = "Literal box"
        typ, text, _ = c.raw("CREATE {%d+}" % len(name), name.encode(), "")
        self.assertEqual(typ, "OK", text)
        self.assertIn(name, kit.folders(c))
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Sent with a non-synchronizing literal": {"\\Seen"}})


if __name__ == "__main__":
    unittest.main()
