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


# ---- The extensions that issue 7's other branches add. Each class fails until its extension
# ---- is on main (the capability is checked first, so the failure names what is missing).


def seqset(text):
    """The numbers of an IMAP sequence set ("1:3,7") as a sorted list."""
    out = []
    for part in text.split(","):
        if ":" in part:
            a, b = sorted(int(x) for x in part.split(":"))
            out.extend(range(a, b + 1))
        elif part:
            out.append(int(part))
    return sorted(out)


def one(untagged, name):
    """The single response of type `name` (text)."""
    items = untagged.get(name, [])
    assert len(items) == 1, (name, untagged)
    item = items[0]
    return (item if isinstance(item, bytes) else b"".join(item)).decode()


def status_items(text):
    """{item: int} of a STATUS response's list."""
    inner = text[text.rindex("(") + 1:text.rindex(")")].split()
    return {k.upper(): int(v) for k, v in zip(inner[::2], inner[1::2])}


def uid_of(c, subject):
    typ, data = c.uid("SEARCH", None, "SUBJECT", f'"{subject}"')
    uids = data[0].split()
    assert len(uids) == 1, (subject, data)
    return int(uids[0])


class Idle(ImaplibBase):
    """IDLE (RFC 2177): changes made by another session reach the idling one at once."""

    def test_idle_sees_another_sessions_changes(self):
        a = self.login()
        self.require_caps(a, "IDLE")
        kit.append(a, "INBOX", kit.message("Before IDLE"))
        a.select("INBOX")
        a.idle_start()
        b = self.login()
        start = time.monotonic()
        kit.append(b, "INBOX", kit.message("During IDLE"))
        exists = a.idle_wait("EXISTS")
        self.assertEqual(exists[-1], b"2")
        self.assertLess(time.monotonic() - start, 2.0, "EXISTS took too long (APPEND included)")
        b.select("INBOX")
        b.store("1", "+FLAGS", "(\\Flagged)")
        fetch = a.idle_wait("FETCH")
        self.assertRegex(fetch[-1], rb"^1 \(.*FLAGS \([^)]*\\Flagged")
        b.store("1", "+FLAGS", "(\\Deleted)")
        b.expunge()
        self.assertEqual(a.idle_wait("EXPUNGE")[-1], b"1")
        self.assertEqual(a.idle_done(), "OK")
        # DONE ended IDLE: commands work again, and the view is the new one.
        self.assertEqual(kit.mailbox(a, "INBOX"), {"During IDLE": set()})


class UidPlus(ImaplibBase):
    """UIDPLUS (RFC 4315): APPENDUID, COPYUID and UID EXPUNGE."""

    def test_appenduid_copyuid_uid_expunge(self):
        c = self.login()
        self.require_caps(c, "UIDPLUS")
        self.assertEqual(c.create("Dest")[0], "OK")
        typ, data = c.status("INBOX", "(UIDVALIDITY UIDNEXT)")
        st = status_items(data[0].decode())
        uids = []
        for i in range(3):
            msg = kit.message(f"Message {i}")
            typ, text, untagged = c.raw("APPEND INBOX {%d}" % len(msg), msg, "")
            self.assertEqual(typ, "OK", text)
            validity, uid = one(untagged, "APPENDUID").split()
            self.assertEqual(int(validity), st["UIDVALIDITY"])
            uids.append(int(uid))
        self.assertEqual(uids, [st["UIDNEXT"], st["UIDNEXT"] + 1, st["UIDNEXT"] + 2])

        typ, data = c.status("Dest", "(UIDVALIDITY UIDNEXT)")
        dest = status_items(data[0].decode())
        c.select("INBOX")
        typ, text, untagged = c.run("UID", "COPY", f"{uids[0]}:{uids[1]}", "Dest")
        self.assertEqual(typ, "OK", text)
        validity, source, target = one(untagged, "COPYUID").split()
        self.assertEqual(int(validity), dest["UIDVALIDITY"])
        self.assertEqual(seqset(source), uids[:2])
        self.assertEqual(seqset(target), [dest["UIDNEXT"], dest["UIDNEXT"] + 1])

        # UID EXPUNGE removes only the given \Deleted messages.
        c.uid("STORE", f"{uids[0]}:{uids[1]}", "+FLAGS.SILENT", "(\\Deleted)")
        typ, text, untagged = c.run("UID", "EXPUNGE", str(uids[1]))
        self.assertEqual(typ, "OK", text)
        self.assertEqual(untagged.get("EXPUNGE"), [b"2"])
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Message 0": {"\\Deleted"}, "Message 2": set()})


class Move(ImaplibBase):
    """MOVE (RFC 6851): COPYUID first, then an EXPUNGE for each message moved; flags kept."""

    def test_uid_move(self):
        c = self.login()
        self.require_caps(c, "MOVE", "UIDPLUS")
        self.assertEqual(c.create("Dest")[0], "OK")
        kit.append(c, "INBOX", kit.message("Keep"))
        kit.append(c, "INBOX", kit.message("Go 1"), ["\\Seen"])
        kit.append(c, "INBOX", kit.message("Go 2"), ["\\Flagged", "$Work"])
        c.select("INBOX")
        go = [uid_of(c, "Go 1"), uid_of(c, "Go 2")]
        typ, text, untagged = c.run("UID", "MOVE", f"{go[0]},{go[1]}", "Dest")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(seqset(one(untagged, "COPYUID").split()[1]), go)
        self.assertEqual(untagged.get("EXPUNGE"), [b"2", b"2"])
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Keep": set()})
        self.assertEqual(kit.mailbox(c, "Dest"), {"Go 1": {"\\Seen"}, "Go 2": {"\\Flagged", "$Work"}})
        # To a mailbox that does not exist: NO [TRYCREATE], nothing moves.
        c.select("INBOX")
        typ, text, untagged = c.run("MOVE", "1", "Nowhere")
        self.assertEqual(typ, "NO", text)
        self.assertIn("TRYCREATE", untagged)
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Keep": set()})


class Unselect(ImaplibBase):
    """UNSELECT (RFC 3691): leaves the mailbox without expunging."""

    def test_unselect_keeps_deleted_messages(self):
        c = self.login()
        self.require_caps(c, "UNSELECT")
        kit.append(c, "INBOX", kit.message("Marked"))
        c.select("INBOX")
        c.store("1", "+FLAGS", "(\\Deleted)")
        typ, data = c.unselect()
        self.assertEqual(typ, "OK", data)
        self.assertEqual(c.state, "AUTH")
        # Without a selected mailbox it is an error.
        typ, text, _ = c.run("UNSELECT")
        self.assertNotEqual(typ, "OK", text)
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Marked": {"\\Deleted"}})


class Id(ImaplibBase):
    """ID (RFC 2971): in any state; the server answers its name and version only."""

    def check(self, untagged):
        fields = re.findall(r'"((?:[^"\\]|\\.)*)"', one(untagged, "ID"))
        pairs = dict(zip(fields[::2], fields[1::2]))
        self.assertEqual(set(pairs), {"name", "version"}, pairs)
        self.assertEqual(pairs["name"].lower(), "pillarbox")
        self.assertRegex(pairs["version"], r"^\d")

    def test_id_before_and_after_login(self):
        c = Client(self.server)
        self.clients.append(c)
        self.require_caps(c, "ID")
        typ, text, untagged = c.run("ID", '("name" "imaplib test" "version" "3.11")')
        self.assertEqual(typ, "OK", text)
        self.check(untagged)
        c.login(self.user, PASSWORD)
        typ, text, untagged = c.run("ID", "NIL")
        self.assertEqual(typ, "OK", text)
        self.check(untagged)
        typ, text, _ = c.run("ID", '("name")')   # an odd number of strings
        self.assertEqual(typ, "BAD", text)


class Enable(ImaplibBase):
    """ENABLE (RFC 5161): only after login; answers what it enabled, ignores the unknown."""

    def test_enable(self):
        c = Client(self.server)
        self.clients.append(c)
        typ, text, _ = c.run("ENABLE", "CONDSTORE")
        self.assertNotEqual(typ, "OK", text)
        c.login(self.user, PASSWORD)
        self.require_caps(c, "ENABLE", "CONDSTORE")
        typ, text, untagged = c.run("ENABLE", "X-NO-SUCH-EXTENSION")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(one(untagged, "ENABLED").split(), [])
        typ, text, untagged = c.run("ENABLE", "CONDSTORE", "X-NO-SUCH-EXTENSION")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(one(untagged, "ENABLED").split(), ["CONDSTORE"])
        # With CONDSTORE enabled, a SELECT reports HIGHESTMODSEQ without being asked.
        typ, text, untagged = c.run("SELECT", "INBOX")
        self.assertIn("HIGHESTMODSEQ", untagged)


class Condstore(ImaplibBase):
    """CONDSTORE (RFC 7162 §3.1): MODSEQ, HIGHESTMODSEQ, UNCHANGEDSINCE/[MODIFIED], CHANGEDSINCE,
    SEARCH MODSEQ, STATUS HIGHESTMODSEQ."""

    def modseqs(self, c):
        typ, text, untagged = c.run("UID", "FETCH", "1:*", "(MODSEQ)")
        self.assertEqual(typ, "OK", text)
        out = {}
        for n, data in fetch_items(untagged).items():
            out[int(re.search(r"UID (\d+)", data).group(1))] = int(re.search(r"MODSEQ \((\d+)\)", data).group(1))
        return out

    def test_condstore(self):
        c = self.login()
        self.require_caps(c, "CONDSTORE")
        for i in range(3):
            kit.append(c, "INBOX", kit.message(f"M{i}"))
        typ, text, untagged = c.run("SELECT", "INBOX", "(CONDSTORE)")
        self.assertEqual(typ, "OK", text)
        highest = int(one(untagged, "HIGHESTMODSEQ"))
        before = self.modseqs(c)
        self.assertEqual(max(before.values()), highest)
        uid1, uid2, uid3 = sorted(before)

        # A STORE raises the message's MODSEQ above HIGHESTMODSEQ and reports it.
        typ, text, untagged = c.run("UID", "STORE", str(uid1), "+FLAGS", "(\\Seen)")
        self.assertEqual(typ, "OK", text)
        stored = int(re.search(r"MODSEQ \((\d+)\)", fetch_items(untagged)[1]).group(1))
        self.assertGreater(stored, highest)

        # UNCHANGEDSINCE: applies while unchanged; after another session's change, [MODIFIED].
        typ, text, untagged = c.run("UID", "STORE", str(uid2), f"(UNCHANGEDSINCE {before[uid2]})",
                                    "+FLAGS", "(\\Flagged)")
        self.assertEqual(typ, "OK", text)
        self.assertNotIn("MODIFIED", untagged)
        other = self.login()
        other.select("INBOX")
        other.uid("STORE", str(uid3), "+FLAGS", "($Changed)")
        typ, text, untagged = c.run("UID", "STORE", str(uid3), f"(UNCHANGEDSINCE {before[uid3]})",
                                    "+FLAGS", "(\\Answered)")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(seqset(one(untagged, "MODIFIED")), [uid3])
        self.assertEqual(kit.mailbox(other, "INBOX")["M2"], {"$Changed"})

        # CHANGEDSINCE: only what changed after the given mod-sequence.
        c.select("INBOX")
        typ, text, untagged = c.run("UID", "FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {stored})")
        self.assertEqual(typ, "OK", text)
        changed = {int(re.search(r"UID (\d+)", d).group(1)) for d in fetch_items(untagged).values()}
        self.assertEqual(changed, {uid2, uid3})
        self.assertTrue(all("MODSEQ" in d for d in fetch_items(untagged).values()))

        # SEARCH MODSEQ, and the highest in STATUS.
        typ, text, untagged = c.run("UID", "SEARCH", "MODSEQ", str(stored + 1))
        text_search = one(untagged, "SEARCH")
        self.assertEqual(sorted(int(x) for x in text_search.split("(")[0].split()), sorted({uid2, uid3}))
        now = self.modseqs(c)
        self.assertRegex(text_search, rf"\(MODSEQ {max(now.values())}\)")
        typ, data = c.status("INBOX", "(HIGHESTMODSEQ)")
        self.assertEqual(status_items(data[0].decode())["HIGHESTMODSEQ"], max(now.values()))


class Qresync(ImaplibBase):
    """QRESYNC (RFC 7162 §3.2): SELECT ... QRESYNC with VANISHED (EARLIER), VANISHED instead of
    EXPUNGE, and the CLOSED response."""

    def test_qresync(self):
        c = self.login()
        self.require_caps(c, "QRESYNC", "ENABLE")
        for i in range(4):
            kit.append(c, "INBOX", kit.message(f"Q{i}"))
        typ, text, untagged = c.run("ENABLE", "QRESYNC")
        self.assertEqual(one(untagged, "ENABLED").split(), ["QRESYNC"])
        typ, text, untagged = c.run("SELECT", "INBOX")
        validity = int(one(untagged, "UIDVALIDITY"))
        known = int(one(untagged, "HIGHESTMODSEQ"))
        typ, data = c.uid("SEARCH", None, "ALL")
        uids = [int(u) for u in data[0].split()]

        # Selecting another mailbox closes this one with [CLOSED] first.
        typ, text, untagged = c.run("SELECT", "INBOX")
        self.assertIn("CLOSED", untagged)
        typ, text, untagged = c.run("UNSELECT")

        # Meanwhile another session expunges one message and flags another.
        other = self.login()
        other.select("INBOX")
        other.uid("STORE", str(uids[1]), "+FLAGS", "(\\Deleted)")
        other.expunge()
        other.uid("STORE", str(uids[2]), "+FLAGS", "(\\Flagged)")

        typ, text, untagged = c.run("SELECT", "INBOX", f"(QRESYNC ({validity} {known}))")
        self.assertEqual(typ, "OK", text)
        vanished = one(untagged, "VANISHED")
        self.assertTrue(vanished.upper().startswith("(EARLIER) "), vanished)
        self.assertEqual(seqset(vanished.split()[1]), [uids[1]])
        fetched = list(fetch_items(untagged).values())
        self.assertEqual(len(fetched), 1, fetched)
        self.assertIn(f"UID {uids[2]}", fetched[0])
        self.assertIn("\\Flagged", fetched[0])
        self.assertIn("MODSEQ", fetched[0])

        # With QRESYNC enabled, an expunge is reported as VANISHED, not EXPUNGE.
        c.uid("STORE", str(uids[0]), "+FLAGS.SILENT", "(\\Deleted)")
        typ, text, untagged = c.run("EXPUNGE")
        self.assertEqual(typ, "OK", text)
        self.assertNotIn("EXPUNGE", untagged)
        self.assertEqual(seqset(one(untagged, "VANISHED")), [uids[0]])

        # UID FETCH ... (CHANGEDSINCE n VANISHED) reports what vanished since.
        typ, text, untagged = c.run("UID", "FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {known} VANISHED)")
        self.assertEqual(typ, "OK", text)
        earlier = one(untagged, "VANISHED")
        self.assertTrue(earlier.upper().startswith("(EARLIER) "), earlier)
        self.assertEqual(seqset(earlier.split()[1]), [uids[0], uids[1]])


class Esearch(ImaplibBase):
    """ESEARCH (RFC 4731): SEARCH RETURN (MIN MAX COUNT ALL)."""

    def esearch(self, c, *words):
        typ, text, untagged = c.run(*words)
        self.assertEqual(typ, "OK", text)
        self.assertNotIn("SEARCH", untagged)
        answer = one(untagged, "ESEARCH")
        m = re.match(r'\(TAG "([^"]+)"\)( UID)?(.*)$', answer)
        self.assertIsNotNone(m, answer)
        items = m.group(3).split()
        return bool(m.group(2)), dict(zip((k.upper() for k in items[::2]), items[1::2]))

    def test_esearch(self):
        c = self.login()
        self.require_caps(c, "ESEARCH")
        for i in range(6):
            kit.append(c, "INBOX", kit.message(f"E{i}"), ["\\Seen"] if i in (0, 2) else [])
        c.select("INBOX")
        uid, items = self.esearch(c, "SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "UNSEEN")
        self.assertFalse(uid)
        self.assertEqual(items["MIN"], "2")
        self.assertEqual(items["MAX"], "6")
        self.assertEqual(items["COUNT"], "4")
        self.assertEqual(seqset(items["ALL"]), [2, 4, 5, 6])
        uid, items = self.esearch(c, "UID", "SEARCH", "RETURN", "(COUNT)", "ALL")
        self.assertTrue(uid)
        self.assertEqual(items, {"COUNT": "6"})
        # RETURN () is RETURN (ALL); no match leaves out MIN, MAX and ALL.
        uid, items = self.esearch(c, "SEARCH", "RETURN", "()", "SEEN")
        self.assertEqual(seqset(items["ALL"]), [1, 3])
        uid, items = self.esearch(c, "SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "SUBJECT", "nothing-like-this")
        self.assertEqual(items, {"COUNT": "0"})


class SearchRes(ImaplibBase):
    """SEARCHRES (RFC 5182): RETURN (SAVE) and $."""

    def test_save_and_reuse(self):
        c = self.login()
        self.require_caps(c, "SEARCHRES")
        for i in range(4):
            kit.append(c, "INBOX", kit.message(f"S{i}"), ["\\Flagged"] if i % 2 else [])
        c.select("INBOX")
        # $ is empty before any SAVE.
        typ, text, untagged = c.run("FETCH", "$", "(FLAGS)")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(fetch_items(untagged), {})
        # SAVE alone returns no ESEARCH (§2.4).
        typ, text, untagged = c.run("SEARCH", "RETURN", "(SAVE)", "FLAGGED")
        self.assertEqual(typ, "OK", text)
        self.assertNotIn("ESEARCH", untagged)
        self.assertNotIn("SEARCH", untagged)
        typ, text, untagged = c.run("FETCH", "$", "(FLAGS)")
        self.assertEqual(sorted(fetch_items(untagged)), [2, 4])
        typ, text, untagged = c.run("STORE", "$", "+FLAGS", "(\\Answered)")
        self.assertEqual(typ, "OK", text)
        self.assertEqual(kit.mailbox(c, "INBOX"), {"S0": set(), "S1": {"\\Flagged", "\\Answered"},
                                                   "S2": set(), "S3": {"\\Flagged", "\\Answered"}})
        # SAVE with MIN: $ is the minimum only (§2.1).
        c.select("INBOX")
        typ, text, untagged = c.run("UID", "SEARCH", "RETURN", "(SAVE MIN)", "ANSWERED")
        self.assertIn("ESEARCH", untagged)
        typ, text, untagged = c.run("UID", "FETCH", "$", "(FLAGS)")
        self.assertEqual(sorted(fetch_items(untagged)), [2])


class SpecialUse(ImaplibBase):
    """SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154): a new account's default folders."""

    DEFAULTS = {"Drafts": "\\Drafts", "Sent": "\\Sent", "Trash": "\\Trash", "Junk": "\\Junk",
                "Archive": "\\Archive"}

    def test_defaults_and_create_special_use(self):
        c = self.login()
        self.require_caps(c, "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED")
        typ, text, untagged = c.run("LIST", '""', '"*"')
        attrs = {name: a for a, name in list_lines(untagged)}
        for name, use in self.DEFAULTS.items():
            self.assertIn(name, attrs)
            self.assertIn(use, attrs[name])
        typ, data = c.lsub('""', "*")
        subscribed = {line.decode().rsplit(" ", 1)[1].strip('"') for line in data if line}
        self.assertLessEqual(set(self.DEFAULTS), subscribed)
        # LIST (SPECIAL-USE): only the mailboxes with a special use (RFC 6154 §5.1).
        typ, text, untagged = c.run("LIST", "(SPECIAL-USE)", '""', '"*"')
        self.assertEqual({name for _, name in list_lines(untagged)}, set(self.DEFAULTS))
        # CREATE with USE: either it is made with the attribute, or NO [USEATTR] and not made.
        typ, text, untagged = c.run("CREATE", "Receipts", "(USE (\\Archive))")
        if typ == "OK":
            typ, text, untagged = c.run("LIST", '""', "Receipts")
            self.assertIn("\\Archive", list_lines(untagged)[0][0])
        else:
            self.assertIn("USEATTR", untagged)
            self.assertNotIn("Receipts", kit.folders(c))
        typ, text, untagged = c.run("CREATE", "Bogus", "(USE (\\NoSuchUse))")
        self.assertEqual(typ, "NO", text)
        self.assertIn("USEATTR", untagged)
        self.assertNotIn("Bogus", kit.folders(c))


class ListExtended(ImaplibBase):
    """LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819)."""

    def test_list_extended_and_status(self):
        c = self.login()
        self.require_caps(c, "LIST-EXTENDED", "LIST-STATUS")
        for box in ("Work", "Work/Projects", "Hidden"):
            self.assertEqual(c.create(box)[0], "OK")
        c.unsubscribe("Work")
        c.unsubscribe("Hidden")
        c.subscribe("Work/Projects")
        kit.append(c, "Work", kit.message("W1"))
        kit.append(c, "Work", kit.message("W2"), ["\\Seen"])

        typ, text, untagged = c.run("LIST", "(SUBSCRIBED)", '""', '"*"')
        names = {name: a for a, name in list_lines(untagged)}
        self.assertIn("Work/Projects", names)
        self.assertNotIn("Work", names)
        self.assertNotIn("Hidden", names)
        self.assertTrue(all("\\Subscribed" in a for a in names.values()), names)

        # Several patterns at once.
        typ, text, untagged = c.run("LIST", '""', '("INBOX" "Work")')
        self.assertEqual({name for _, name in list_lines(untagged)}, {"INBOX", "Work"})

        # RECURSIVEMATCH: Work is not subscribed but has a subscribed child (RFC 5258 §3.5).
        typ, text, untagged = c.run("LIST", "(SUBSCRIBED RECURSIVEMATCH)", '""', '"%"')
        raw = [(l if isinstance(l, bytes) else b"".join(l)).decode() for l in untagged["LIST"]]
        work = [l for l in raw if re.search(r'"?Work"? \(', l)]
        self.assertEqual(len(work), 1, raw)
        self.assertRegex(work[0], r'\("CHILDINFO" \("SUBSCRIBED"\)\)')

        # RETURN (CHILDREN SUBSCRIBED STATUS (...)).
        typ, text, untagged = c.run("LIST", '""', '"*"', "RETURN", "(CHILDREN SUBSCRIBED STATUS (MESSAGES UNSEEN))")
        self.assertEqual(typ, "OK", text)
        attrs = {name: a for a, name in list_lines(untagged)}
        self.assertIn("\\HasChildren", attrs["Work"])
        self.assertIn("\\Subscribed", attrs["Work/Projects"])
        statuses = {}
        for line in untagged["STATUS"]:
            line = (line if isinstance(line, bytes) else b"".join(line)).decode()
            statuses[line.split(" (")[0].strip('"')] = status_items(line)
        self.assertEqual(statuses["Work"], {"MESSAGES": 2, "UNSEEN": 1})
        self.assertEqual(statuses["Hidden"], {"MESSAGES": 0, "UNSEEN": 0})


class StatusSize(ImaplibBase):
    """STATUS=SIZE (RFC 8438): the mailbox's total size in octets."""

    def test_status_size(self):
        c = self.login()
        self.require_caps(c, "STATUS=SIZE")
        msgs = [kit.message("Small"), kit.message("Bigger", body="x" * 5000)]
        for m in msgs:
            kit.append(c, "INBOX", m)
        typ, data = c.status("INBOX", "(SIZE MESSAGES)")
        self.assertEqual(status_items(data[0].decode()), {"SIZE": sum(map(len, msgs)), "MESSAGES": 2})
        c.create("Empty")
        typ, data = c.status("Empty", "(SIZE)")
        self.assertEqual(status_items(data[0].decode()), {"SIZE": 0})


class Quota(ImaplibBase):
    """QUOTA (RFC 9208): limits set by `pillarbox user quota`, reported by GETQUOTAROOT and
    GETQUOTA, enforced on APPEND and COPY with [OVERQUOTA]."""

    def test_quota(self):
        c = self.login()
        self.require_caps(c, "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE")
        self.server.cli("user", "quota", self.user, "--storage", "1M", "--messages", "3")
        kit.append(c, "INBOX", kit.message("One"))
        kit.append(c, "INBOX", kit.message("Two"))
        typ, text, untagged = c.run("GETQUOTAROOT", "INBOX")
        self.assertEqual(typ, "OK", text)
        names = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', one(untagged, "QUOTAROOT"))
        names = [quoted or atom for quoted, atom in names]
        self.assertEqual(names[0], "INBOX")
        self.assertEqual(len(names), 2, names)   # one quota root for the account
        root = names[1]
        quota = one(untagged, "QUOTA")
        self.assertTrue(quota.startswith(f'"{root}" (') or quota.startswith(f"{root} ("), quota)
        items = quota[quota.index("(") + 1:quota.rindex(")")].split()
        usage = {items[i].upper(): (int(items[i + 1]), int(items[i + 2])) for i in range(0, len(items), 3)}
        self.assertEqual(usage["STORAGE"][1], 1024)       # KiB (RFC 9208 §5.1)
        self.assertEqual(usage["MESSAGE"], (2, 3))
        typ, text, untagged = c.run("GETQUOTA", f'"{root}"')
        self.assertEqual(typ, "OK", text)
        kit.append(c, "INBOX", kit.message("Three"))
        msg = kit.message("Four")
        typ, text, untagged = c.raw("APPEND INBOX {%d}" % len(msg), msg, "")
        self.assertEqual(typ, "NO", text)
        self.assertIn("OVERQUOTA", untagged)
        c.create("Copies")
        c.select("INBOX")
        typ, text, untagged = c.run("COPY", "1", "Copies")
        self.assertEqual(typ, "NO", text)
        self.assertIn("OVERQUOTA", untagged)
        self.assertEqual(len(kit.mailbox(c, "INBOX")), 3)
        self.assertEqual(kit.mailbox(c, "Copies"), {})
        # SETQUOTA is not for users.
        typ, text, _ = c.run("SETQUOTA", f'"{root}"', "(STORAGE 99999)")
        self.assertNotEqual(typ, "OK", text)


class AppendLimit(ImaplibBase):
    """APPENDLIMIT (RFC 7889): advertised limit, STATUS APPENDLIMIT, NO [TOOBIG] before the
    literal is sent."""

    def test_appendlimit(self):
        c = self.login()
        self.require_caps(c, "APPENDLIMIT")
        limit = int([cap for cap in c.caps() if cap.startswith("APPENDLIMIT=")][0].split("=")[1])
        typ, data = c.status("INBOX", "(APPENDLIMIT)")
        self.assertEqual(status_items(data[0].decode())["APPENDLIMIT"], limit)
        # A synchronizing literal one octet over: refused without a "+", so nothing is sent.
        typ, text, untagged = c.raw("APPEND INBOX {%d}" % (limit + 1), b"never sent", "")
        self.assertEqual(typ, "NO", text)
        self.assertIn("TOOBIG", untagged)
        self.assertEqual(kit.mailbox(c, "INBOX"), {})
        kit.append(c, "INBOX", kit.message("Fits"))
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Fits": set()})


class MultiAppend(ImaplibBase):
    """MULTIAPPEND (RFC 3502): several messages in one APPEND, all or nothing."""

    def test_multiappend(self):
        c = self.login()
        self.require_caps(c, "MULTIAPPEND", "UIDPLUS")
        c.create("Work")
        m1, m2, m3 = kit.message("Multi 1"), kit.message("Multi 2"), kit.message("Multi 3")
        typ, text, untagged = c.raw("APPEND Work (\\Seen) {%d}" % len(m1), m1,
                                    ' (\\Flagged) "05-Nov-2026 10:00:00 +0000" {%d}' % len(m2), m2,
                                    " {%d}" % len(m3), m3, "")
        self.assertEqual(typ, "OK", text)
        validity, uids = one(untagged, "APPENDUID").split()
        self.assertEqual(len(seqset(uids)), 3)
        self.assertEqual(kit.mailbox(c, "Work"), {"Multi 1": {"\\Seen"}, "Multi 2": {"\\Flagged"},
                                                  "Multi 3": set()})
        # The second message has an impossible date: nothing of the command is appended.
        n1, n2 = kit.message("Not stored 1"), kit.message("Not stored 2")
        typ, text, untagged = c.raw("APPEND Work {%d}" % len(n1), n1,
                                    ' "31-Feb-2026 99:99:99 +0000" {%d}' % len(n2), n2, "")
        self.assertNotEqual(typ, "OK", text)
        self.assertEqual(set(kit.mailbox(c, "Work")), {"Multi 1", "Multi 2", "Multi 3"})


class Binary(ImaplibBase):
    """BINARY (RFC 3516): FETCH BINARY[] decodes base64 and quoted-printable; APPEND of literal8."""

    ATTACHMENT = bytes(range(256)) * 3

    def test_fetch_binary_and_append_literal8(self):
        import base64
        c = self.login()
        self.require_caps(c, "BINARY")
        b64 = base64.encodebytes(self.ATTACHMENT).replace(b"\n", b"\r\n")
        msg = (b"From: a@example.org\r\nSubject: Binary parts\r\nMIME-Version: 1.0\r\n"
               b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
               b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
               b"Gr=C3=BC=C3=9Fe, a soft=\r\n line break.\r\n"
               b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + b64 +
               b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n"
               b"????\r\n--b1--\r\n")
        kit.append(c, "INBOX", msg)
        c.select("INBOX")
        typ, data = c.fetch("1", "(BINARY.PEEK[2])")
        self.assertEqual(typ, "OK", data)
        self.assertEqual(data[0][1], self.ATTACHMENT)
        typ, data = c.fetch("1", "(BINARY.PEEK[1])")
        # The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).
        self.assertEqual(data[0][1], "Grüße, a soft line break.".encode())
        typ, text, untagged = c.run("FETCH", "1", "(BINARY.SIZE[2])")
        self.assertRegex(fetch_items(untagged)[1], rf"BINARY\.SIZE\[2\] {len(self.ATTACHMENT)}\b")
        # An encoding the server cannot decode: NO [UNKNOWN-CTE] (§4.3).
        typ, text, untagged = c.run("FETCH", "1", "(BINARY.PEEK[3])")
        self.assertEqual(typ, "NO", text)
        self.assertIn("UNKNOWN-CTE", untagged)
        # FETCH BINARY[] does not mark the message read; BINARY.PEEK[] was used so far.
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Binary parts": set()})

        # APPEND of a literal8 with NUL octets, read back with BINARY.
        body = b"\x00\x01binary\x00data\xff\r\n"
        raw = (b"From: a@example.org\r\nSubject: Literal8\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n" + body)
        typ, text, untagged = c.raw("APPEND INBOX ~{%d}" % len(raw), raw, "")
        self.assertEqual(typ, "OK", text)
        c.select("INBOX")
        typ, data = c.fetch("2", "(BINARY.PEEK[1])")
        self.assertEqual(data[0][1], body)


class LiteralMinus(ImaplibBase):
    """LITERAL- (RFC 7888) with [imap] literal_plus = "minus": small non-synchronizing literals
    only; a bigger one is BAD [TOOBIG] and the connection closes."""

    @classmethod
    def setUpClass(cls):
        class MinusServer(PillarboxServer):
            def _pick_ports(self):
                super()._pick_ports()
                with open(self.config) as f:
                    text = f.read()
                with open(self.config, "w") as f:
                    f.write(text.replace("[imap]\n", '[imap]\nliteral_plus = "minus"\n', 1))
        cls.server = MinusServer()
        cls.server.start()

    def test_literal_minus(self):
        c = self.login()
        self.require_caps(c, "LITERAL-")
        self.assertNotIn("LITERAL+", c.caps())
        small = kit.message("Small non-synchronizing")
        typ, text, _ = c.raw("APPEND INBOX {%d+}" % len(small), small, "")
        self.assertEqual(typ, "OK", text)
        big = kit.message("Too big to send unasked", body="y" * 5000)
        self.assertGreater(len(big), 4096)
        with self.assertRaises((imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError, EOFError)):
            typ, text, untagged = c.raw("APPEND INBOX {%d+}" % len(big), big, "")
            c.noop()
        self.clients.remove(c)
        d = self.login()
        self.assertEqual(kit.mailbox(d, "INBOX"), {"Small non-synchronizing": set()})


class Compress(ImaplibBase):
    """COMPRESS=DEFLATE (RFC 4978) over IMAPS and after STARTTLS."""

    def scenario(self, c):
        self.require_caps(c, "COMPRESS=DEFLATE")
        typ, text = c.compress()
        self.assertEqual(typ, "OK", text)
        big = kit.message("Compressible", body="the same line again and again\r\n" * 2000)
        kit.append(c, "INBOX", big)
        c.select("INBOX")
        before = c.compressed_in
        typ, data = c.fetch("1", "(BODY.PEEK[])")
        self.assertEqual(data[0][1], big)
        self.assertLess(c.compressed_in - before, len(big) // 10)
        # A second COMPRESS: NO [COMPRESSIONACTIVE] (§3), and the stream goes on.
        typ, text, untagged = c.run("COMPRESS", "DEFLATE")
        self.assertEqual(typ, "NO", text)
        self.assertIn("COMPRESSIONACTIVE", untagged)
        self.assertEqual(kit.mailbox(c, "INBOX"), {"Compressible": set()})

    def test_compress_over_imaps(self):
        self.scenario(self.login())

    def test_compress_after_starttls(self):
        c = PlainClient(self.server)
        self.clients.append(c)
        typ, data = c.starttls(ssl_context=kit.tls_context(self.server))
        self.assertEqual(typ, "OK", data)
        c.login(self.user, PASSWORD)
        self.scenario(c)


if __name__ == "__main__":
    unittest.main()
