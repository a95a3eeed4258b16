"""Shared parts of the real-client matrix (tests/interop/test_*.py).

MATRIX names every client of the matrix, how to read its installed version, and the scenario its
test drives; docs/clients.md lists them (test_clients_doc checks that, `python3 clients_doc.py
--write` regenerates the table). Each client test calls record() as it ends, so a run leaves
BUILD/interop-versions.json: {client: {"version", "result", "scenario"}} for this machine.

Server-side checks read the store through imaplib (EXAMINE and BODY.PEEK, so they change
nothing), never through a client's own report.
"""
import contextlib
import email
import email.header
import email.policy
import fcntl
import imaplib
import json
import os
import platform
import re
import shutil
import ssl
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
SPECIAL_USE_DEFAULTS = {"Drafts", "Sent", "Trash", "Junk", "Archive"}


def _first_line(cmd, pattern):
    r = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    text = (r.stdout + r.stderr).decode("utf-8", "replace")
    m = re.search(pattern, text, re.M)
    if not m:
        raise RuntimeError(f"cannot read the version from {cmd}: {text[:300]!r}")
    return m.group(1)


def _imapflow_version():
    with open(os.path.join(NODE_DIR, "node_modules", "imapflow", "package.json")) as f:
        flow = json.load(f)["version"]
    node = _first_line(["node", "--version"], r"^v(\d+\.\d+\.\d+)")
    return f"{flow} (Node.js {node})"


# client id -> (name shown in docs/clients.md, test file, scenario, version reader)
MATRIX = {
    "imaplib": ("Python imaplib", "test_imaplib.py",
                "every extension of issue 7 over imaplib: IDLE, UIDPLUS, MOVE, UNSELECT, ID, ENABLE, "
                "CHILDREN, CONDSTORE/QRESYNC, ESEARCH, SEARCHRES, SPECIAL-USE, LIST-EXTENDED/LIST-STATUS, "
                "STATUS=SIZE, QUOTA, APPENDLIMIT, MULTIAPPEND, BINARY, LITERAL+ and LITERAL-, "
                "COMPRESS=DEFLATE",
                lambda: f"{imaplib.__version__} (Python {platform.python_version()})"),
    "mbsync": ("mbsync (isync)", "test_mbsync.py",
               "two-way sync over IMAPS of INBOX and nested folders: server to Maildir with flags; "
               "local flag changes, a deletion, a new message and a new folder to the server; "
               "server-side flags, new message, expunge and folder back to the Maildir",
               lambda: _first_line(["mbsync", "--version"], r"^isync (\S+)")),
    "offlineimap": ("OfflineIMAP (offlineimap3)", "test_offlineimap.py",
                    "two-way sync over IMAPS: server to Maildir with flags; local flag change, "
                    "new message and new folder to the server; server-side change back",
                    lambda: _first_line(["offlineimap", "--version"], r"^(\d\S*)")),
    "mutt": ("Mutt", "test_mutt.py",
             "interactive under tmux over imap://, STARTTLS and imaps://: index, pager, delete, "
             "save, copy, flags, server-side search; batch mode and an IMAP Fcc",
             lambda: _first_line(["mutt", "-v"], r"^Mutt (\S+)")),
    "curl": ("curl", "test_curl.py",
             "LIST, FETCH by UID/index/section/partial, APPEND, SEARCH, EXAMINE, STATUS, STORE "
             "over imap://, STARTTLS and imaps://; login refused without TLS",
             lambda: _first_line(["curl", "--version"], r"^curl (\S+)")),
    "fetchmail": ("fetchmail", "test_fetchmail.py",
                  "IMAP over IMAPS and STARTTLS: fetches only unseen mail from INBOX and a "
                  "folder, keeps it marked \\Seen, then fetches and deletes (expunged)",
                  lambda: _first_line(["fetchmail", "--version"], r"fetchmail release (\d[\d.]*)")),
    "imapfilter": ("IMAPFilter", "test_imapfilter.py",
                   "rules over IMAPS: move by sender, subject and header to folders it creates, "
                   "flag, delete; results read back on the server",
                   lambda: _first_line(["imapfilter", "-V"], r"^IMAPFilter (\S+)")),
    "imapflow": ("ImapFlow (npm)", "test_imapflow.py",
                 "list, open, fetch envelopes and flags, append, flag, move, and IDLE that sees "
                 "a message appended by a second session",
                 _imapflow_version),
}


def build_dir():
    """The build directory: beside the binary CTest runs (PILLARBOX_BINARY)."""
    return os.path.dirname(os.path.abspath(os.environ["PILLARBOX_BINARY"]))


def versions_path():
    return os.path.join(build_dir(), "interop-versions.json")


def record(client, test_class, result):
    """Writes the client's installed version and the result ("pass"/"fail") of one of its test
    classes into BUILD/interop-versions.json, under a lock (tests run in parallel). A client's
    "result" is "fail" when any of its classes failed in its latest run."""
    name, test, scenario, reader = MATRIX[client]
    path = versions_path()
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
        classes = data.get(client, {}).get("classes", {})
        classes[test_class] = result
        data[client] = {"name": name, "version": reader(), "scenario": scenario, "test": test,
                        "classes": classes,
                        "result": "fail" if "fail" in classes.values() else "pass"}
        with open(path + ".tmp", "w") as f:
            json.dump(data, f, indent=2, sort_keys=True)
        os.replace(path + ".tmp", path)


class RecordsResult:
    """Mixin for a client's TestCase: records the client's version and the class's result."""
    client = None
    _failed = False

    def run(self, result=None):
        before = (len(result.failures), len(result.errors)) if result is not None else (0, 0)
        out = super().run(result)
        if result is not None and (len(result.failures), len(result.errors)) != before:
            type(self)._failed = True
        return out

    @classmethod
    def tearDownClass(cls):
        record(cls.client, cls.__name__, "fail" if cls._failed else "pass")
        super().tearDownClass()


def require(command):
    """Fails (never skips) when a client of the matrix is not installed."""
    if not shutil.which(command):
        raise RuntimeError(f"{command} is not installed; scripts/setup.sh installs it")


def tls_context(server):
    """A context that verifies the server's self-signed certificate (SAN 127.0.0.1)."""
    return ssl.create_default_context(cafile=cert(server))


def cert(server):
    return os.path.join(server.data, "fullchain.pem")


def connect(server, user, password):
    c = imaplib.IMAP4_SSL("127.0.0.1", server.imaps_port, ssl_context=tls_context(server))
    c.login(user, password)
    return c


def message(subject, sender="Alice <alice@example.net>", body="Hello.", extra="", date=None):
    """A small RFC 5322 message with CRLF line ends."""
    date = date or "Mon, 2 Nov 2026 10:00:00 +0000"
    text = (f"From: {sender}\r\nTo: user@example.org\r\nSubject: {subject}\r\nDate: {date}\r\n"
            f"Message-ID: <{abs(hash((subject, sender, body)))}@example.net>\r\n{extra}\r\n{body}\r\n")
    return text.encode()


def append(c, mailbox, msg, flags=()):
    typ, data = c.append(quote(mailbox), "(" + " ".join(flags) + ")" if flags else None, None, msg)
    assert typ == "OK", data


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def subject_of(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return str(msg["Subject"] or "")


def mailbox(c, name):
    """{subject: set of flags} of a mailbox, read without side effects; fails on two messages
    with one subject (the scenarios use distinct subjects)."""
    typ, data = c.select(quote(name), readonly=True)
    assert typ == "OK", (name, data)
    out = {}
    if int(data[0]):
        typ, data = c.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert typ == "OK", data
        for i, item in enumerate(data):
            if not isinstance(item, tuple):
                continue
            head = item[0] + (data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b"")
            flags = set(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().split()) - {"\\Recent"}
            subject = subject_of(item[1])
            assert subject not in out, f"{name}: two messages with subject {subject!r}"
            out[subject] = flags
    return out


def folders(c):
    """The account's mailbox names (LIST "" *)."""
    typ, data = c.list()
    assert typ == "OK", data
    names = []
    for line in data:
        m = re.match(rb'\(([^)]*)\) (?:"[^"]*"|NIL) (.*)$', line)
        name = m.group(2).decode()
        if name.startswith('"'):
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        names.append(name)
    return set(names)


def wait_until(predicate, timeout=30, what="condition"):
    """Polls `predicate` (every 50 ms) until it returns a true value, which it returns."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def run(cmd, env=None, timeout=120, input=None):
    """Runs a client; returns (exit status, stdout+stderr text)."""
    r = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL if input is None else None, input=input)
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def private_env(home, **extra):
    """An environment with a private HOME, so no client reads or writes the user's files."""
    env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
           "LANG": "C.UTF-8", "TZ": "UTC"}
    env.update(extra)
    return env


def maildir(path):
    """{subject: maildir flag letters} of a Maildir folder (cur and new)."""
    out = {}
    for sub in ("cur", "new"):
        d = os.path.join(path, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                subject = subject_of(f.read())
            flags = name.split(":2,", 1)[1] if ":2," in name else ""
            assert subject not in out, f"{path}: two messages with subject {subject!r}"
            out[subject] = "".join(sorted(flags))
    return out


def maildir_file(path, subject):
    """The path of the message with `subject` in a Maildir folder."""
    for sub in ("cur", "new"):
        d = os.path.join(path, sub)
        for name in os.listdir(d) if os.path.isdir(d) else ():
            with open(os.path.join(d, name), "rb") as f:
                if subject_of(f.read()) == subject:
                    return os.path.join(d, name)
    raise AssertionError(f"no message {subject!r} in {path}")


def set_maildir_flags(path, subject, letters):
    """Renames the message's file so its info part carries exactly `letters` (moving it to cur)."""
    old = maildir_file(path, subject)
    base = os.path.basename(old).split(":2,", 1)[0]
    new = os.path.join(path, "cur", base + ":2," + "".join(sorted(letters)))
    os.rename(old, new)


def deliver_to_maildir(path, msg, letters=""):
    """Puts a new message into a Maildir folder (tmp, then new or cur), creating the folder."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    name = f"{time.time_ns()}.P{os.getpid()}.pbtest"
    with open(os.path.join(path, "tmp", name), "wb") as f:
        f.write(msg.replace(b"\r\n", b"\n"))
    dest = os.path.join(path, "cur", name + ":2," + letters) if letters else os.path.join(path, "new", name)
    os.rename(os.path.join(path, "tmp", name), dest)


@contextlib.contextmanager
def session(server, user, password):
    c = connect(server, user, password)
    try:
        yield c
    finally:
        with contextlib.suppress(Exception):
            c.logout()
