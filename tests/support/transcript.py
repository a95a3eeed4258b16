#!/usr/bin/env python3
"""Runs protocol transcripts (tests/transcripts/{imap,pop3,lmtp}/*.t) against the real binary.

The file format is described in tests/transcripts/README.md. In short:

    # comment
    @protocol pop3                     imap (the default), pop3 or lmtp
    @user alice@example.org secret     account to create (default: this one)
    @alias sales alice@example.org     set-up before the server starts: an alias,
    @mailbox alice@example.org Lists   a mailbox,
    @deliver alice@example.org m.msg   a delivered message (file relative to the transcript)
    @quota alice@example.org --storage 1K   limits (pillarbox user quota ADDRESS ARGS...)
    @config quota.messages = 5         a configuration line (section.key = TOML value)
    @only plain                        run over plain TCP only (or: @only tls)
    C: a LOGIN alice@example.org secret
    S: a OK ...
    S?: * OK [ALERT] ...               optional server line
    S(tls): * CAPABILITY IMAP4rev1 ... line only used over TLS (also C(plain): and so on)
    @starttls                          negotiate TLS on the connection here (plain only)
    S: <EOF>                           the server closes the connection here
    @connect imap                      close the connection, open a new one (imap, pop3, lmtp)

An IMAP transcript runs in six modes: the transports "plain" and "tls" (implicit TLS) times the
write patterns
    whole  each block of consecutive C: lines in one write (only split where a synchronising
           literal makes the client wait for the "+" continuation, which the transcript lists)
    bytes  one byte per write (TCP_NODELAY; over TLS one byte per TLS record)
    split  each literal's last byte, the CRLF after it and whatever follows in the block (the
           next pipelined command) in one write, everything before it in another
POP3 has no literals, so no "split": plain/whole, plain/bytes, tls/whole, tls/bytes. LMTP has no
TLS: plain/whole, plain/bytes and unix/whole (the LMTP unix socket).

As a program, for humans:
    python3 tests/support/transcript.py [--binary build/pillarbox] [--mode plain/whole] FILE...
    python3 tests/support/transcript.py --show FILE      prints what the server answers to the
                                                         C: lines, as S: lines, to write a new one
"""
import argparse
import os
import re
import select
import socket
import ssl
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbserver import PillarboxServer  # noqa: E402

DEFAULT_USER = ("alice@example.org", "secret")
PROTOCOLS = ("imap", "pop3", "lmtp")
TRANSPORTS = ("plain", "tls")
WRITES = ("whole", "bytes", "split")
MODES = tuple(f"{t}/{w}" for t in TRANSPORTS for w in WRITES)
PROTOCOL_MODES = {
    "imap": MODES,
    "pop3": ("plain/whole", "plain/bytes", "tls/whole", "tls/bytes"),
    "lmtp": ("plain/whole", "plain/bytes", "unix/whole"),
}
ALL_MODES = MODES + ("unix/whole",)
RESPONSE_TIMEOUT = 10.0
EOF_MARK = "<EOF>"

_LINE_RE = re.compile(r"^(C|S\??)(?:\((plain|tls)\))?:(?: (.*))?$")
_CLIENT_LITERAL_RE = re.compile(rb"\{(\d+)\+?\}$")
_SERVER_LITERAL_RE = re.compile(rb"\{(\d+)\}$")
_TOKEN_RE = re.compile(r"\$\$|\$([a-z][a-z0-9_]*)")
CAPTURE_CHARS = r'[^\s()\[\]{}"]+'


class TranscriptError(Exception):
    """A transcript that does not match what the server did (or a malformed transcript file)."""


class Step:
    def __init__(self, kind, text, cond=None, optional=False, lineno=0):
        self.kind = kind          # "C", "S", "starttls" or "connect" (text: the protocol)
        self.text = text
        self.cond = cond          # None, "plain" or "tls"
        self.optional = optional
        self.lineno = lineno


class Transcript:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.protocol = "imap"
        self.users = []
        self.setup = []           # ("alias", ALIAS, ADDRESS), ("mailbox", ADDRESS, NAME),
        self.only = None          # ("deliver", ADDRESS, bytes), ("quota", ADDRESS, ARGS)
        self.config = []          # (section, "key = value") lines for the server's configuration
        self.steps = []
        self._read(path, depth=0)
        if not self.users:
            self.users.append(DEFAULT_USER)

    def _read(self, path, depth):
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f.read().split("\n"), 1):
                line = raw[:-1] if raw.endswith("\r") else raw
                if not line.strip() or line.startswith("#"):
                    continue
                if line.startswith("@include "):
                    if depth > 4:
                        raise TranscriptError(f"{path}:{n}: @include nested too deeply")
                    self._read(os.path.join(os.path.dirname(path), line.split(None, 1)[1].strip()), depth + 1)
                    continue
                if line.startswith("@"):
                    self._directive(line, n, os.path.dirname(path))
                    continue
                m = _LINE_RE.match(line)
                if not m:
                    raise TranscriptError(f"{path}:{n}: cannot parse line: {line!r}")
                kind, cond, text = m.group(1), m.group(2), m.group(3) or ""
                self.steps.append(Step(kind[0], text, cond, kind == "S?", n))

    def _directive(self, line, n, base):
        words = line.split()
        if words[0] == "@protocol" and len(words) == 2 and words[1] in PROTOCOLS:
            if self.steps:
                raise TranscriptError(f"{self.path}:{n}: @protocol comes before the first line")
            self.protocol = words[1]
        elif words[0] == "@connect" and len(words) == 2 and words[1] in PROTOCOLS:
            self.steps.append(Step("connect", words[1], lineno=n))
        elif words[0] == "@user" and len(words) == 3:
            self.users.append((words[1], words[2]))
        elif words[0] in ("@alias", "@mailbox") and len(words) == 3:
            self.setup.append((words[0][1:], words[1], words[2]))
        elif words[0] == "@quota" and len(words) >= 3:
            self.setup.append(("quota", words[1], tuple(words[2:])))
        elif words[0] == "@config" and len(words) >= 4 and words[2] == "=" and "." in words[1]:
            section, key = words[1].split(".", 1)
            self.config.append((section, f"{key} = {line.split('=', 1)[1].strip()}"))
        elif words[0] == "@deliver" and len(words) == 3:
            with open(os.path.join(base, words[2]), "rb") as f:
                self.setup.append(("deliver", words[1], f.read()))
        elif words[0] == "@only" and len(words) == 2 and words[1] in TRANSPORTS:
            self.only = words[1]
        elif words[0] == "@starttls" and len(words) == 1:
            self.steps.append(Step("starttls", "", "plain", lineno=n))
            self.only = "plain"
        else:
            raise TranscriptError(f"{self.path}:{n}: unknown directive: {line!r}")

    def modes(self):
        return [m for m in PROTOCOL_MODES[self.protocol]
                if self.only is None or m.startswith(self.only + "/")]

    def blocks(self, transport):
        """Steps for one transport, grouped: ("C", [steps]), ("S", [steps]), ("starttls", [step]),
        ("connect", [step]). The unix transport counts as plain for S(plain): lines."""
        out = []
        for s in self.steps:
            if s.cond is not None and s.cond != ("tls" if transport == "tls" else "plain"):
                continue
            if out and out[-1][0] == s.kind and s.kind in ("C", "S"):
                out[-1][1].append(s)
            else:
                out.append((s.kind, [s]))
        return out


# ---------------------------------------------------------------------------------------------
# Patterns


def substitute(text, captures):
    """C: line text with $name replaced by captured values; $$ is a literal $."""
    def repl(m):
        if m.group(0) == "$$":
            return "$"
        return captures.get(m.group(1), m.group(0))
    return _TOKEN_RE.sub(repl, text)


def compile_pattern(text, captures):
    """Regex for one S: line segment; returns (regex, names of new captures)."""
    free = text.endswith(" ...")
    if free:
        text = text[:-4]
    out, pos, new = [], 0, []
    for m in _TOKEN_RE.finditer(text):
        out.append(re.escape(text[pos:m.start()]))
        pos = m.end()
        if m.group(0) == "$$":
            out.append(re.escape("$"))
            continue
        name = m.group(1)
        if name in captures:
            out.append(re.escape(captures[name]))
        elif name in new:
            out.append(f"(?P={name})")
        else:
            new.append(name)
            out.append(f"(?P<{name}>{CAPTURE_CHARS})")
    out.append(re.escape(text[pos:]))
    if free:
        out.append(r" .+")
    return re.compile("".join(out), re.S), new


class Expected:
    """One expected server response: line segments (patterns) and literals in between."""

    def __init__(self, segments, literals, optional, lineno):
        self.segments = segments  # texts (str), len(literals) + 1 of them
        self.literals = literals  # bytes
        self.optional = optional
        self.lineno = lineno

    def describe(self):
        parts = []
        for i, seg in enumerate(self.segments):
            parts.append(seg)
            if i < len(self.literals):
                parts.append(repr(self.literals[i]))
        return "".join(parts)

    def match(self, actual, captures):
        """Matches an Actual; on success stores new captures and returns True."""
        if len(actual.literals) != len(self.literals) or actual.literals != self.literals:
            return False
        found = {}
        for seg, line in zip(self.segments, actual.segments):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
            rx, _ = compile_pattern(seg, {**captures, **found})
            m = rx.fullmatch(text)
            if not m:
                return False
            found.update({k: v for k, v in m.groupdict().items() if v is not None})
        captures.update(found)
        return True


def expected_responses(steps, imap=True):
    """Groups S: steps into Expected responses, following literals ({N} at the end of a line)
    in IMAP."""
    out = []
    i = 0
    while i < len(steps):
        first = steps[i]
        if first.text == EOF_MARK:
            out.append(Expected([EOF_MARK], [], first.optional, first.lineno))
            i += 1
            continue
        segments, literals = [], []
        current = first.text
        i += 1
        while True:
            m = imap and _SERVER_LITERAL_RE.search(current.encode("utf-8"))
            if not m:
                segments.append(current)
                break
            size = int(m.group(1))
            segments.append(current)
            stream = b""
            while len(stream) < size:
                if i >= len(steps):
                    raise TranscriptError(f"line {first.lineno}: literal of {size} octets runs "
                                          "past the end of the S: block")
                stream += steps[i].text.encode("utf-8") + b"\r\n"
                i += 1
            literals.append(stream[:size])
            rest = stream[size:]
            if not rest:
                # The literal ended with a line's CRLF: the response goes on in the next line.
                if i >= len(steps):
                    raise TranscriptError(f"line {first.lineno}: the response ends inside a "
                                          "literal (add the line that follows it)")
                rest = steps[i].text.encode("utf-8") + b"\r\n"
                i += 1
            current = rest[:-2].decode("utf-8")
        out.append(Expected(segments, literals, first.optional, first.lineno))
    return out


# ---------------------------------------------------------------------------------------------
# Connection


class Actual:
    def __init__(self, segments, literals, raw):
        self.segments = segments
        self.literals = literals
        self.raw = raw

    def describe(self):
        return self.raw.decode("utf-8", "backslashreplace").rstrip("\r\n")


class Connection:
    """A socket (TCP, TLS or unix) that reads responses: lines plus, for IMAP, the literals they
    announce."""

    def __init__(self, port, tls, literals=True, host="127.0.0.1"):
        if isinstance(port, str):   # a unix socket's path
            self.raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.raw.settimeout(RESPONSE_TIMEOUT)
            self.raw.connect(port)
        else:
            self.raw = socket.create_connection((host, port), timeout=RESPONSE_TIMEOUT)
            self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.literals = literals
        self.sock = self.raw
        if tls:
            self.sock = tls_context().wrap_socket(self.raw)
        self.buf = b""
        self.eof = False

    def starttls(self):
        if self.buf:
            raise TranscriptError(f"data after the STARTTLS/STLS answer, before TLS: {self.buf!r}")
        self.sock = tls_context().wrap_socket(self.raw)

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError from None
        except (ConnectionResetError, ssl.SSLError, OSError) as e:
            if isinstance(e, TimeoutError):
                raise
            chunk = b""
        if not chunk:
            self.eof = True
            raise EOFError
        self.buf += chunk

    def read_response(self, timeout=RESPONSE_TIMEOUT):
        """One response; raises EOFError (connection closed) or TimeoutError."""
        deadline = time.monotonic() + timeout
        segments, literals, raw, pos = [], [], b"", 0
        while True:
            while True:
                nl = self.buf.find(b"\n", pos)
                if nl >= 0:
                    break
                pos = len(self.buf)
                if self.eof:
                    raise EOFError
                self._fill(deadline)
            line = self.buf[:nl + 1]
            self.buf = self.buf[nl + 1:]
            pos = 0
            raw += line
            if not line.endswith(b"\r\n"):
                raise TranscriptError(f"server line not terminated by CRLF: {line!r}")
            text = line[:-2]
            segments.append(text)
            m = self.literals and _SERVER_LITERAL_RE.search(text)
            if not m:
                return Actual(segments, literals, raw)
            size = int(m.group(1))
            while len(self.buf) < size:
                if self.eof:
                    raise EOFError
                self._fill(deadline)
            literals.append(self.buf[:size])
            raw += self.buf[:size]
            self.buf = self.buf[size:]

    def pending(self):
        """Bytes the server has sent that nobody has read yet (without waiting)."""
        try:
            while True:
                if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
                    pass
                else:
                    r, _, _ = select.select([self.sock], [], [], 0)
                    if not r:
                        break
                self.sock.settimeout(0.5)
                chunk = self.sock.recv(65536)
                if not chunk:
                    self.eof = True
                    break
                self.buf += chunk
        except (OSError, ssl.SSLError):
            pass
        return self.buf

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def connect(srv, protocol, transport):
    """A connection to a PillarboxServer's listener for protocol over transport."""
    if protocol == "lmtp":   # no TLS: "tls" runs use plain TCP
        return Connection(srv.lmtp_socket if transport == "unix" else srv.lmtp_port, False, False)
    plain, tls = (srv.imap_port, srv.imaps_port) if protocol == "imap" else (srv.pop3_port, srv.pop3s_port)
    return Connection(tls if transport == "tls" else plain, transport == "tls", protocol == "imap")


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


# ---------------------------------------------------------------------------------------------
# Client side: the byte stream and where the writes are cut


class ClientStream:
    """Tracks IMAP framing across the client's bytes to know where literals end."""

    def __init__(self):
        self.line = b""        # current line so far (outside literals)
        self.literal_left = 0  # octets of literal still to come

    def literal_ends(self, data):
        """Offsets in data just past the last octet of each (non-empty) literal ending in it."""
        ends = []
        i = 0
        while i < len(data):
            if self.literal_left:
                take = min(self.literal_left, len(data) - i)
                self.literal_left -= take
                i += take
                if self.literal_left == 0:
                    ends.append(i)
                continue
            nl = data.find(b"\n", i)
            if nl < 0:
                self.line += data[i:]
                break
            self.line += data[i:nl + 1]
            i = nl + 1
            m = _CLIENT_LITERAL_RE.search(self.line.rstrip(b"\r\n"))
            self.line = b""
            if m and int(m.group(1)) > 0:
                self.literal_left = int(m.group(1))
        return ends


def writes_for(data, mode, stream):
    ends = stream.literal_ends(data) if stream else []
    if mode == "whole":
        return [data]
    if mode == "bytes":
        return [data[i:i + 1] for i in range(len(data))]
    cuts = sorted({e - 1 for e in ends if e - 1 > 0})
    pieces, prev = [], 0
    for c in cuts:
        pieces.append(data[prev:c])
        prev = c
    pieces.append(data[prev:])
    return [p for p in pieces if p]


# ---------------------------------------------------------------------------------------------
# Running


def run_on_server(transcript, mode, srv, log=None):
    """Runs one transcript in one mode against a running server. Raises TranscriptError."""
    transport, write = mode.split("/")
    protocol = transcript.protocol
    conn = connect(srv, protocol, transport)
    captures = {}
    stream = ClientStream() if protocol == "imap" else None
    history = []

    def fail(msg):
        tail = "\n".join(history[-15:])
        raise TranscriptError(f"{transcript.path} [{mode}]: {msg}\n--- last exchanges:\n{tail}")

    try:
        for kind, steps in transcript.blocks(transport):
            if kind == "starttls":
                try:
                    conn.starttls()
                except (ssl.SSLError, OSError) as e:
                    fail(f"line {steps[0].lineno}: TLS negotiation after STARTTLS/STLS failed: {e}")
                history.append("   (TLS started)")
                continue
            if kind == "connect":
                left = conn.pending()
                if left:
                    fail("the server sent more than the transcript lists: "
                         + left.decode("utf-8", "backslashreplace"))
                conn.close()
                protocol = steps[0].text
                try:
                    conn = connect(srv, protocol, transport)
                except OSError as e:
                    fail(f"line {steps[0].lineno}: cannot connect ({protocol}): {e}")
                stream = ClientStream() if protocol == "imap" else None
                history.append(f"   (new {protocol} connection)")
                continue
            if kind == "C":
                data = b"".join(substitute(s.text, captures).encode("utf-8") + b"\r\n"
                                for s in steps)
                for s in steps:
                    history.append("C: " + substitute(s.text, captures))
                try:
                    for piece in writes_for(data, write, stream):
                        conn.send(piece)
                except OSError as e:
                    fail(f"line {steps[0].lineno}: send failed: {e}")
                continue
            try:
                expected = expected_responses(steps, protocol == "imap")
            except TranscriptError as e:
                raise TranscriptError(f"{transcript.path}: {e}") from None
            k = 0
            while k < len(expected):
                exp = expected[k]
                if exp.segments == [EOF_MARK]:
                    try:
                        extra = conn.read_response()
                        fail(f"line {exp.lineno}: expected the server to close the connection, "
                             f"got: {extra.describe()}")
                    except EOFError:
                        history.append("S: <EOF>")
                    except TimeoutError:
                        fail(f"line {exp.lineno}: the server did not close the connection")
                    k += 1
                    continue
                try:
                    actual = conn.read_response()
                except EOFError:
                    fail(f"line {exp.lineno}: connection closed, expected: {exp.describe()}")
                except TimeoutError:
                    fail(f"line {exp.lineno}: no answer in {RESPONSE_TIMEOUT:.0f} s, "
                         f"expected: {exp.describe()}")
                history.append("S: " + actual.describe())
                while True:
                    if exp.match(actual, captures):
                        k += 1
                        break
                    if exp.optional and k + 1 < len(expected):
                        k += 1
                        exp = expected[k]
                        continue
                    fail(f"line {exp.lineno}: expected: {exp.describe()}\n"
                         f"{'':>{len(str(exp.lineno)) + 7}}got: {actual.describe()}")
        left = conn.pending()
        if left:
            fail("the server sent more than the transcript lists: "
                 + left.decode("utf-8", "backslashreplace"))
    finally:
        conn.close()
        if log is not None:
            log.extend(history)


class ServerFactory:
    """Fresh servers with the transcript's accounts, started from a copied template data dir."""

    def __init__(self, binary=None, extra_config=""):
        self.binary = binary
        self.extra_config = extra_config
        self.templates = {}
        self.keep = []

    def _server(self, config=(), template=None):
        """A server whose configuration has the transcript's @config lines: [imap] keys go into the
        [imap] table the server already has (TOML allows a table once), the rest after it."""
        tables = {}
        for section, line in config:
            tables.setdefault(section, []).append(line)
        imap = "".join(line + "\n" for line in tables.pop("imap", []))
        extra = self.extra_config + "".join(f"\n[{section}]\n" + "".join(line + "\n" for line in lines)
                                            for section, lines in tables.items())
        return PillarboxServer(self.binary, extra_config=extra, imap_config=imap, template=template)

    def _template(self, users, setup=(), config=()):
        key = (tuple(users), tuple(setup), tuple(config))
        if key not in self.templates:
            srv = self._server(config)
            try:
                for u, p in users:
                    srv.add_user(u, p)
                for what, a, b in setup:
                    if what == "alias":
                        args, data = ("user", "alias", "add", a, b), None
                    elif what == "mailbox":   # importing nothing creates the mailbox
                        args, data = ("import", a, os.devnull, "--mailbox", b), None
                    elif what == "quota":
                        args, data = ("user", "quota", a, *b), None
                    else:
                        args, data = ("deliver", a), b
                    done = srv.cli(*args, input=data, check=False)
                    if done.returncode != 0:
                        raise TranscriptError(f"set-up failed: pillarbox {' '.join(args[:4])}: "
                                              + done.stderr.decode("utf-8", "replace"))
                srv.start()   # creates the TLS key and certificate once
                srv.stop()
            except BaseException:
                srv.__exit__(None, None, None)
                raise
            self.templates[key] = srv
        return self.templates[key]

    def new(self, users, setup=(), config=()):
        srv = self._server(config, template=self._template(users, setup, config))
        srv.start()
        return srv

    def close(self):
        for srv in self.templates.values():
            srv.__exit__(None, None, None)
        self.templates = {}


def run(transcript, mode, factory):
    """Runs one transcript in one mode on a fresh server."""
    srv = factory.new(transcript.users, transcript.setup, transcript.config)
    try:
        run_on_server(transcript, mode, srv)
    except TranscriptError as e:
        stderr = srv.stderr().strip()
        if srv.proc and srv.proc.poll() is not None:
            raise TranscriptError(f"{e}\n--- server exited ({srv.proc.returncode}):\n"
                                  f"{stderr[-3000:]}") from None
        raise
    finally:
        srv.__exit__(None, None, None)


def _in_lmtp_data(out):
    """Whether the lines shown so far end inside LMTP DATA (after 354, before the ".")."""
    for line in reversed(out):
        if line.startswith("S: ") or line == "C: .":
            return line.startswith("S: 354 ")
    return False


def show(transcript, factory, transport="plain"):
    """Sends the C: lines and prints whatever the server answers, in transcript syntax."""
    srv = factory.new(transcript.users, transcript.setup, transcript.config)
    out = []
    try:
        conn = None

        def drain(wait):
            deadline = time.monotonic() + wait
            while True:
                try:
                    a = conn.read_response(max(0.01, deadline - time.monotonic()))
                except TimeoutError:
                    return
                except EOFError:
                    out.append("S: <EOF>")
                    return
                text = a.raw.decode("utf-8", "backslashreplace")
                lines = text.split("\r\n")
                out.extend("S: " + x for x in lines[:-1])
                if not (conn.literals and a.segments[-1].startswith(b"* ")):
                    deadline = min(deadline, time.monotonic() + 0.02)

        def open_connection(protocol):
            nonlocal conn
            if conn:
                conn.close()
            conn = connect(srv, protocol, transport)
            drain(1.0)
            return ClientStream() if protocol == "imap" else None

        stream = open_connection(transcript.protocol)
        for kind, steps in transcript.blocks(transport):
            if kind == "starttls":
                out.append("@starttls")
                conn.starttls()
            elif kind == "connect":
                out.append("@connect " + steps[0].text)
                stream = open_connection(steps[0].text)
            elif kind == "C":
                for s in steps:
                    in_data = stream is None and s.text != "." and _in_lmtp_data(out)
                    out.append("C: " + s.text)
                    data = s.text.encode("utf-8") + b"\r\n"
                    conn.send(data)
                    if stream is None:
                        if not in_data:   # LMTP's message lines get no answer until "."
                            drain(0.5)
                        continue
                    stream.literal_ends(data)
                    sync = re.search(rb"\{\d+\}\r\n$", data)
                    if stream.literal_left == 0 or sync:
                        drain(0.5)
        conn.close()
    finally:
        srv.__exit__(None, None, None)
    print("\n".join(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--binary", default=os.environ.get("PILLARBOX_BINARY")
                    or os.path.join(os.path.dirname(__file__), "..", "..", "build", "pillarbox"))
    ap.add_argument("--mode", action="append", choices=ALL_MODES,
                    help="run only this mode (repeatable); default: all")
    ap.add_argument("--show", action="store_true",
                    help="print the server's answers to the C: lines instead of checking")
    ap.add_argument("--tls", action="store_true", help="with --show: over implicit TLS (not LMTP)")
    args = ap.parse_args(argv)
    factory = ServerFactory(os.path.abspath(args.binary))
    failures = 0
    try:
        for path in args.files:
            t = Transcript(path)
            if args.show:
                show(t, factory, "tls" if args.tls else "plain")
                continue
            for mode in t.modes():
                if args.mode and mode not in args.mode:
                    continue
                try:
                    run(t, mode, factory)
                    print(f"ok    {path} [{mode}]")
                except TranscriptError as e:
                    failures += 1
                    print(f"FAIL  {e}\n")
    finally:
        factory.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
