"""One account cannot reach another's mail by any way of writing a mailbox name, nor log in as
it, and only the server's own user may use the admin socket (issue 9, item 7).

bob has an INBOX, Secret, Secret/Sub and Entw&APw-rfe (modified UTF-7 for "Entwürfe"), each
with a message whose body holds a marker string, some flags, two subscriptions, an ACL entry for
carol on Secret, a quota and two aliases. He grants alice nothing.

alice then aims about 290 spellings at bob's mailboxes: bob written in other cases, as his
address, by his aliases, in modified UTF-7 (canonical, forced onto ASCII letters, with bad
padding, bits or endings), in UTF-8, with NUL and other control bytes; bob's mailbox names in
other cases, encodings and normal forms; the shared prefix as NAMESPACE announces it and in
other cases or encodings; "..", ".", empty levels, leading and trailing "/", "~bob",
"#user/bob", "user.bob", "bob@example.org/INBOX", the public namespace with ".." in it, names
longer than the limits; each sent quoted (or as a literal where a quoted string cannot hold
it), and some also as literals and atoms. For every spelling she sends about 50 commands:
SELECT, EXAMINE, STATUS, GETQUOTAROOT, MYRIGHTS, GETACL, LISTRIGHTS, SETACL, DELETEACL,
DELETE, RENAME from it and to it, APPEND, COPY, MOVE, UID COPY and UID MOVE from her INBOX,
SUBSCRIBE, UNSUBSCRIBE, LIST and LSUB with the name as reference and as pattern (also
LIST-EXTENDED and LIST-STATUS), and CREATE.

Checked for each spelling:
  - the answers equal, byte for byte once the name alice sent is masked, those for the same
    spelling aimed at a user who does not exist ("zed"): a hidden mailbox answers as a missing
    one, so no answer tells alice anything about bob, his mailboxes or his quota;
  - no answer holds bob's marker, his mailbox names, his own name or an alias, or carol's
    name, other than in the echo of the name alice sent;
  - every command that would read or change the named mailbox is refused (NO or BAD).
    SUBSCRIBE, UNSUBSCRIBE, LIST and LSUB may succeed: they concern alice's own subscription
    list (RFC 3501 §6.3.6 allows names that do not exist) and show nothing of bob's.
    CREATE and RENAME may succeed only where the name is an ordinary one of alice's own (say
    "user.bob"): the new mailbox must then be alice's (all rights), empty and listed under that
    name, and no mailbox alice comes to own may have a first level that reads, decoded from
    modified UTF-7 and in any case, as a namespace's ("other users/bob" would look like bob's);
    what a probe creates, superiors included, is removed again;
  - alice's own mailboxes, subscriptions and INBOX are as before after every spelling.
LIST and LSUB with wildcards, from the top and from the shared prefixes, show alice's mailboxes
only. At the end, read as bob and as carol over new logins and with the administrator's
commands, every mailbox, message, flag, modseq, subscription, ACL, quota, alias and account is as
it was, and no public folder appeared.

Allowed, because it crosses no account: alice may own names that merely resemble the shared
prefix (" Other users/bob", "Other users /bob", "Other&AKA-users/bob" with a no-break space).
They hold her own mail only, and only she sees them.

Logins that try to reach bob with alice's password (bob's address in other cases, with NUL,
with spaces, his aliases, master-user separators, SASL PLAIN with bob as authorization identity)
are refused and leave the connection unauthenticated.

The admin socket (src/admin/control_socket.cpp) is owner-only: uid 65534 cannot connect with the
file mode the server gave it (0600), and when the mode is loosened to 0666 the server still
answers it only "error permission denied" whatever it asks (who, kick, log); the owner is
answered. Switching users needs root: run as another user the test skips that part, saying so.
"""
import base64
import os
import pickle
import re
import socket
import stat
import unicodedata
import unittest

from pbserver import PillarboxServer

DOMAIN = "example.org"
ALICE, BOB, CAROL = f"alice@{DOMAIN}", f"bob@{DOMAIN}", f"carol@{DOMAIN}"
PASSWORDS = {ALICE: "pw-isolation-alice", BOB: "pw-isolation-bob", CAROL: "pw-isolation-carol"}
BOB_ALIAS, BOB_BARE_ALIAS = f"rodney@{DOMAIN}", "bobby"
# Only bob's messages hold this string.
MARKER = b"qv7-isolation-marker-b0b"
BOB_BOXES = ("INBOX", "Secret", "Secret/Sub", "Entw&APw-rfe")
# alice's mailboxes: those of a new account and one she makes.
ALICE_BOXES = (b"INBOX", b"Archive", b"Drafts", b"Junk", b"Mine", b"Sent", b"Trash")
PROBE_MESSAGE = b"From: alice@example.org\r\nSubject: probe\r\n\r\nfrom alice\r\n"
NOBODY_UID = 65534


class Target:
    """Whose mailboxes a spelling aims at: bob, or a twin that names no account and no alias
    (same lengths, so literal counts in answers match)."""

    def __init__(self, local, alias_local, bare_alias):
        self.local, self.alias_local, self.bare_alias = local, alias_local, bare_alias
        self.address = f"{local}@{DOMAIN}"


BOB_T = Target("bob", "rodney", "bobby")
TWIN_T = Target("zed", "rupert", "zedzy")
assert (len(BOB_T.local), len(BOB_T.alias_local), len(BOB_T.bare_alias)) == \
       (len(TWIN_T.local), len(TWIN_T.alias_local), len(TWIN_T.bare_alias))


# --- modified UTF-7 (RFC 3501 §5.1.3), written here so the test does not trust the server's ----

def _b64(chars):
    return base64.b64encode(chars.encode("utf-16-be")).decode().rstrip("=").replace("/", ",")


def mutf7(text, force=""):
    """`text` in modified UTF-7. Printable ASCII characters listed in `force` are encoded too,
    which the RFC forbids (a non-canonical spelling of the same name)."""
    out, run = "", ""
    for ch in text:
        if 0x20 <= ord(ch) <= 0x7e and ch not in force:
            if run:
                out += "&" + _b64(run) + "-"
                run = ""
            out += "&-" if ch == "&" else ch
        else:
            run += ch
    if run:
        out += "&" + _b64(run) + "-"
    return out


def mutf7_decode(name):
    """How a client shows `name` (bytes): modified UTF-7 decoded leniently (encoded ASCII
    accepted, as some clients do), or None when it cannot be decoded at all."""
    try:
        text = name.decode("ascii")
    except UnicodeDecodeError:
        return None
    out, i = "", 0
    while i < len(text):
        if text[i] != "&":
            out += text[i]
            i += 1
            continue
        end = text.find("-", i)
        if end < 0:
            return None
        data = text[i + 1:end].replace(",", "/")
        if not data:
            out += "&"
        else:
            try:
                out += base64.b64decode(data + "=" * (-len(data) % 4), validate=True).decode("utf-16-be")
            except (ValueError, UnicodeDecodeError):
                return None
        i = end + 1
    return out


def bad_pad_bits(ch):
    """One character in base64 whose unused low bits are not zero ("&AGJ-" for "b")."""
    enc = _b64(ch)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,"
    return "&" + enc[:-1] + alphabet[alphabet.index(enc[-1]) + 1] + "-"


# --- the spellings ------------------------------------------------------------------------------

def user_spellings(t):
    """Ways to write the <user> level meaning `t`: {label: text (str) or raw bytes}."""
    l, a = t.local, t.address
    fullwidth_first = chr(0xFF00 + ord(l[0]) - 0x20) + l[1:]
    return {
        "as is": l,
        "upper": l.upper(),
        "title": l.title(),
        "address": a,
        "address upper": a.upper(),
        "address domain upper": f"{l}@{DOMAIN.upper()}",
        "address trailing dot": f"{a}.",
        "alias local part": t.alias_local,
        "alias address": f"{t.alias_local}@{DOMAIN}",
        "bare alias": t.bare_alias,
        "plus tag": f"{l}+tag",
        "plus tag address": f"{l}+tag@{DOMAIN}",
        "leading space": " " + l,
        "trailing space": l + " ",
        "percent-encoded": "%%%02X" % ord(l[0]) + l[1:],
        "quoted local part": f'"{l}"@{DOMAIN}',
        "mutf7 first letter": "&" + _b64(l[0]) + "-" + l[1:],
        "mutf7 middle letter": l[0] + "&" + _b64(l[1]) + "-" + l[2:],
        "mutf7 all letters": mutf7(l, force=l),
        "mutf7 @": mutf7(a, force="@"),
        "mutf7 whole address": mutf7(a, force=a),
        "mutf7 padded": "&" + _b64(l[0]) + "=-" + l[1:],
        "mutf7 nonzero pad bits": bad_pad_bits(l[0]) + l[1:],
        "mutf7 unterminated": l + "&" + _b64(l[0]),
        "mutf7 ampersand": "&-" + l,
        "bare ampersand": l[0] + "&" + l[1:],
        "utf8 fullwidth": fullwidth_first.encode(),
        "mutf7 fullwidth": mutf7(fullwidth_first),
        "latin-1 byte": l.encode() + b"\xe9",
        "NUL after": l.encode() + b"\0",
        "NUL before domain": l.encode() + b"\0@" + DOMAIN.encode(),
        "CR LF": l.encode() + b"\r\n",
        "tab": l.encode() + b"\t",
        "DEL": l.encode() + b"\x7f",
        "wildcard *": l[:-1] + "*",
        "wildcard %": l[:-1] + "%",
    }


def mailbox_spellings():
    """Ways to write bob's mailboxes below his level: {label: str or bytes}."""
    ue = "Entw\u00fcrfe"
    nfd = unicodedata.normalize("NFD", ue)
    return {
        "INBOX": "INBOX", "inbox": "inbox", "Inbox": "Inbox", "iNbOx": "iNbOx", "INBOX/": "INBOX/",
        "INBOX/.": "INBOX/.", "INBOX/..": "INBOX/..", "mutf7 INBOX": mutf7("INBOX", force="I"),
        "Secret": "Secret", "SECRET": "SECRET", "secret": "secret", "Secret/": "Secret/",
        "Secret//": "Secret//", "Secret/.": "Secret/.", "./Secret": "./Secret", "../bob/Secret": "../bob/Secret",
        "Secret/../Secret": "Secret/../Secret", "Secret/Sub": "Secret/Sub", "secret/sub": "secret/sub",
        "Secret//Sub": "Secret//Sub", "Secret/./Sub": "Secret/./Sub", "Secret/Sub/..": "Secret/Sub/..",
        "Secret/Sub/../../INBOX": "Secret/Sub/../../INBOX", "Secret + mutf7 /": "Secret&AC8-Sub",
        "Secret\\Sub": "Secret\\Sub", "Secret.Sub": "Secret.Sub", "mutf7 S": mutf7("Secret", force="S"),
        "mutf7 whole Secret": mutf7("Secret", force="Secret"), "Secret NUL": b"Secret\0",
        "Secret NUL ..": b"Secret\0/../INBOX", "Secret CTL": b"Sec\x01ret", "Secret DEL": b"Secret\x7f",
        "Entw canonical": mutf7(ue), "entw lower": mutf7(ue.lower()), "ENTW upper": mutf7(ue.upper()),
        "Entw ASCII encoded too": "Entw" + mutf7("\u00fcrfe", force="rfe"),
        "Entw unterminated": "Entw&APw", "Entw nonzero pad bits": "Entw" + bad_pad_bits("\u00fc") + "rfe",
        "Entw padded": "Entw&APw=-rfe", "Entw trailing /": mutf7(ue) + "/", "Entw utf-8": ue.encode(),
        "Entw latin-1": ue.encode("latin-1"), "Entw NFD utf-8": nfd.encode(), "Entw NFD mutf7": mutf7(nfd),
        "Entw surrogate": "Entw&2D3cAA-rfe",
    }


def path_spellings(t, other, public):
    """Other tricks: relative levels, other namespaces' syntax, prefixes in other cases and
    encodings, control bytes, very long names. `other`, `public`: the prefixes as NAMESPACE
    gives them, without their delimiter."""
    l, a = t.local, t.address
    o, p = other, public
    names = {
        "leading /": f"/{o}/{l}/Secret", "trailing /": f"{o}/{l}/Secret/", "double / after prefix": f"{o}//{l}/Secret",
        "double / after user": f"{o}/{l}//Secret", "trailing //": f"{o}/{l}/Secret//", "user/": f"{o}/{l}/",
        "user//": f"{o}/{l}//", "prefix/./user": f"{o}/./{l}/Secret", "user/./": f"{o}/{l}/./Secret",
        "./prefix": f"./{o}/{l}/Secret", "user/../user": f"{o}/{l}/../{l}/Secret", "x/../user": f"{o}/x/../{l}/Secret",
        "alice/../bob": f"{o}/{ALICE}/../{l}/Secret", "alice/../../prefix": f"{o}/{ALICE}/../../{o}/{l}/Secret",
        "Sub/../..": f"{o}/{l}/Secret/Sub/../..", "INBOX/../../prefix": f"INBOX/../../{o}/{l}/Secret",
        "INBOX/../../prefix/INBOX": f"INBOX/../../{o}/{l}/INBOX", "INBOX/../../prefix/user": f"INBOX/../../{o}/{l}",
        "Mine/../../prefix": f"Mine/../../{o}/{l}/Secret", "..": "..", "../user": f"../{l}",
        "../user/INBOX": f"../{l}/INBOX", "../../user/Secret": f"../../{l}/Secret", "./user": f"./{l}",
        "~user": f"~{l}", "~user/INBOX": f"~{l}/INBOX", "~user/Secret": f"~{l}/Secret",
        "~address/Secret": f"~{a}/Secret",
        "#user/user": f"#user/{l}", "#user/user/Secret": f"#user/{l}/Secret", "#user.user.Secret": f"#user.{l}.Secret",
        "#users/user/Secret": f"#users/{l}/Secret", "#shared/user/Secret": f"#shared/{l}/Secret",
        "#shared/address/INBOX": f"#shared/{a}/INBOX", "#public/../prefix": f"#public/../{o}/{l}/Secret",
        "user.user": f"user.{l}", "user.user.Secret": f"user.{l}.Secret", "user/user": f"user/{l}",
        "user/user/Secret": f"user/{l}/Secret", "user/address/INBOX": f"user/{a}/INBOX", "address": a,
        "address/INBOX": f"{a}/INBOX", "address/Secret": f"{a}/Secret", "user/INBOX": f"{l}/INBOX",
        "user/Secret": f"{l}/Secret", "Shared/user/Secret": f"Shared/{l}/Secret",
        "Shared Folders/user": f"Shared Folders/{l}/Secret",
        "public/../prefix": f"{p}/../{o}/{l}/Secret", "public/../prefix/user": f"{p}/../{o}/{l}",
        "public/../../prefix": f"{p}/../../{o}/{l}/INBOX", "public/prefix": f"{p}/{o}/{l}/Secret",
        "public/user": f"{p}/{l}/Secret", "public lower/../prefix": f"{p.lower()}/../{o}/{l}/Secret",
        "prefix backslash": f"{o}\\{l}\\Secret", "prefix dots": f"{o}.{l}.Secret",
        "prefix mutf7 /": f"{o}&AC8-{l}&AC8-Secret", "user mutf7 /": f"{o}/{l}&AC8-Secret",
        "prefix mutf7 / only": f"{o}&AC8-{l}/Secret", "prefix mutf7 space": f"{o.replace(' ', '&ACA-')}/{l}/Secret",
        "prefix mutf7 first": f"{mutf7(o, force=o[0])}/{l}/Secret",
        "prefix mutf7 whole": f"{mutf7(o, force=o)}/{l}/Secret",
        "prefix nbsp utf-8": f"{o.replace(' ', chr(0xa0))}/{l}/Secret".encode(),
        "prefix nbsp mutf7": f"{mutf7(o.replace(' ', chr(0xa0)))}/{l}/Secret",
        "prefix trailing space": f"{o} /{l}/Secret", "prefix double space": f"{o.replace(' ', '  ')}/{l}/Secret",
        "prefix leading space": f" {o}/{l}/Secret",
        "prefix NUL": f"{o}\0/{l}/Secret".encode(), "NUL prefix": f"\0{o}/{l}/Secret".encode(),
        "user NUL": f"{o}/{l}\0/Secret".encode(), "INBOX NUL prefix": f"INBOX\0{o}/{l}/Secret".encode(),
        "CR LF inside": f"{o}/{l}/Secret\r\nx".encode(), "wildcard user": f"{o}/*/Secret",
        "wildcard % user": f"{o}/%/Secret", "wildcard mailbox": f"{o}/{l}/*", "wildcard % mailbox": f"{o}/{l}/%",
        "wildcard first": f"*/{l}/Secret",
        "long mailbox": f"{o}/{l}/" + "x" * 2000, "long tail of /": f"{o}/{l}/Secret" + "/" * 1500,
        "many user levels": f"{o}/" + f"{l}/" * 250 + "Secret", "long ..": f"{o}/{l}/Secret/" + "../" * 400 + "Secret",
        "long prefix before ..": "A" * 990 + f"/../../{o}/{l}/Secret",
        "long levels then ..": "x/" * 600 + "../" * 600 + f"{o}/{l}/Secret",
        "very long user": f"{o}/" + l * 3000 + "/INBOX",
    }
    for case, text in (("lower", o.lower()), ("upper", o.upper()), ("title", o.title()), ("swapped", o.swapcase())):
        if text != o:
            names[f"prefix {case}"] = f"{text}/{l}/Secret"
            names[f"prefix {case} INBOX"] = f"{text}/{l}/INBOX"
            names[f"prefix {case} user"] = f"{text}/{l}"
    return names


def spellings(t, other, public):
    """[(label, name bytes)] aimed at `t`; labels do not depend on `t`."""
    out = []
    for ukey, user in user_spellings(t).items():
        user = user.encode() if isinstance(user, str) else user
        for box in ("INBOX", "Secret", "Entw&APw-rfe"):
            out.append((f"user {ukey} / {box}", other.encode() + b"/" + user + b"/" + box.encode()))
        out.append((f"user {ukey} (level)", other.encode() + b"/" + user))
    for mkey, box in mailbox_spellings().items():
        box = box.encode() if isinstance(box, str) else box
        out.append((f"mailbox {mkey}", f"{other}/{t.local}/".encode() + box))
    for key, name in path_spellings(t, other, public).items():
        out.append((f"path {key}", name.encode() if isinstance(name, str) else name))
    return out


# Spellings also sent in other forms than the default (quoted when printable ASCII, else a literal).
OTHER_FORMS = ("user as is / Secret", "user as is / INBOX", "user address / INBOX", "path ~user",
               "path user.user", "path #user/user/Secret", "path ../user", "path address/INBOX",
               "path INBOX/../../prefix", "mailbox Entw canonical")


def render(name, form):
    """The name as an IMAP string: "quoted", "literal" (LITERAL+) or "atom"."""
    if form == "literal":
        return b"{%d+}\r\n" % len(name) + name
    if form == "atom":
        return name
    return b'"' + name.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def default_form(name):
    return "quoted" if all(0x20 <= c < 0x7f for c in name) else "literal"


def atom_able(name):
    return bool(name) and all(0x20 < c < 0x7f and c not in b'(){%*"\\]' for c in name)


# Every command of a probe: (label, template). "<N>" is the name; "<Nx>" the name followed by x.
# Commands that reach the named mailbox must be refused before CREATE has run.
PROBE = [
    ("SELECT", "SELECT <N>"),
    ("EXAMINE", "EXAMINE <N>"),
    ("SELECT CONDSTORE", "SELECT <N> (CONDSTORE)"),
    ("STATUS", "STATUS <N> (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)"),
    ("GETQUOTAROOT", "GETQUOTAROOT <N>"),
    ("MYRIGHTS", "MYRIGHTS <N>"),
    ("GETACL", "GETACL <N>"),
    ("LISTRIGHTS alice", f"LISTRIGHTS <N> {ALICE}"),
    ("LISTRIGHTS anyone", "LISTRIGHTS <N> anyone"),
    ("SETACL alice", f"SETACL <N> {ALICE} lrswipkxtea"),
    ("SETACL anyone +", "SETACL <N> anyone +lr"),
    ("DELETEACL carol", f"DELETEACL <N> {CAROL}"),
    ("DELETEACL anyone", "DELETEACL <N> anyone"),
    ("DELETE", "DELETE <N>"),
    ("RENAME from", 'RENAME <N> "Taken by alice"'),
    ("RENAME from to child", 'RENAME <N> "Mine/Taken"'),
    ("RENAME from onto existing", "RENAME <N> Mine"),
    ("APPEND", "APPEND <N> (\\Seen \\Flagged) <MESSAGE>"),
    ("STATUS child", "STATUS <N/Sub> (MESSAGES)"),
    ("DELETE child", "DELETE <N/Sub>"),
    ("select own INBOX", "SELECT INBOX"),
    ("COPY", "COPY 1 <N>"),
    ("UID COPY", "UID COPY 1:* <N>"),
    ("MOVE", "MOVE 1 <N>"),
    ("UID MOVE", "UID MOVE 1:* <N>"),
    ("unselect own INBOX", "UNSELECT"),
    ("SUBSCRIBE", "SUBSCRIBE <N>"),
    ("LSUB subscribed", 'LSUB "" <N>'),
    ("LIST SUBSCRIBED", 'LIST (SUBSCRIBED) "" <N> RETURN (CHILDREN)'),
    ("UNSUBSCRIBE", "UNSUBSCRIBE <N>"),
    ("LSUB after UNSUBSCRIBE", 'LSUB "" <N>'),
    ("LIST name", 'LIST "" <N>'),
    ("LIST name*", 'LIST "" <N*>'),
    ("LIST name/*", 'LIST "" <N/*>'),
    ("LIST name%", 'LIST "" <N%>'),
    ("LIST ref *", 'LIST <N> "*"'),
    ("LIST ref %", 'LIST <N> "%"'),
    ("LIST ref/ *", 'LIST <N/> "*"'),
    ("LIST ref empty", 'LIST <N> ""'),
    ("LSUB ref *", 'LSUB <N> "*"'),
    ("LIST-EXTENDED", 'LIST (SUBSCRIBED RECURSIVEMATCH) "" (<N> <N/*>) '
                      'RETURN (STATUS (MESSAGES UNSEEN SIZE) SUBSCRIBED CHILDREN SPECIAL-USE)'),
    ("LIST-STATUS", 'LIST "" <N*> RETURN (STATUS (MESSAGES UIDNEXT HIGHESTMODSEQ))'),
    ("RENAME to", "RENAME Mine <N>"),
    ("RENAME back", "RENAME <N> Mine"),
    ("CREATE", "CREATE <N>"),
    ("CREATE child", "CREATE <N/Sub>"),
    ("RENAME to child", "RENAME Mine <N/Renamed>"),
    ("RENAME back from child", "RENAME <N/Renamed> Mine"),
    ("cleanup DELETE child", "DELETE <N/Sub>"),
    ("cleanup DELETE", "DELETE <N>"),
]
# Commands that read or change the named mailbox (or its child) and must be refused outright.
MUST_REFUSE = {"SELECT", "EXAMINE", "SELECT CONDSTORE", "STATUS", "GETQUOTAROOT", "MYRIGHTS", "GETACL",
               "LISTRIGHTS alice", "LISTRIGHTS anyone", "SETACL alice", "SETACL anyone +", "DELETEACL carol",
               "DELETEACL anyone", "DELETE", "RENAME from", "RENAME from to child", "RENAME from onto existing",
               "APPEND", "STATUS child", "DELETE child", "COPY", "UID COPY", "MOVE", "UID MOVE"}
# Commands that may succeed, but only on a mailbox of alice's own, checked as it happens.
MAY_CREATE = {"RENAME to": b"", "CREATE": b"", "CREATE child": b"/Sub", "RENAME to child": b"/Renamed"}
# Sent only after such a success, to undo it.
CLEANUP = {"RENAME back", "RENAME back from child", "cleanup DELETE child", "cleanup DELETE"}
# Steps of the probe itself, which must succeed.
SETUP = {"select own INBOX", "unselect own INBOX"}
# The others (SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB) concern alice's own lists: they may succeed,
# and are checked by comparison with the missing user and for bob's names in their answers.

assert len({label for label, _ in PROBE}) == len(PROBE)

# Text none of alice's answers may hold once the name she sent is masked (ASCII case ignored).
FORBIDDEN = (MARKER.lower(), b"bob", BOB_T.alias_local.encode(), b"secret", b"entw", b"&apw", "\u00fc".encode(),
             b"\xc3\x9c", b"carol")


def expand(template, name, form):
    """The command text for `template` about `name` sent in `form`."""
    out = b""
    pos = 0
    for m in re.finditer(r"<N([^>]*)>|<MESSAGE>", template):
        out += template[pos:m.start()].encode()
        if m.group(0) == "<MESSAGE>":
            out += render(PROBE_MESSAGE, "literal")
        else:
            full = name + m.group(1).encode()
            # An atom cannot hold the wildcards or a trailing extra that makes it no atom.
            out += render(full, form if form != "atom" or atom_able(full) else "quoted")
        pos = m.end()
    return out + template[pos:].encode()


class Imap:
    """A raw IMAP client: answers as bytes, literals kept inline, reconnects when the server
    closes the connection (that is then the command's answer)."""

    def __init__(self, port, user):
        self.port, self.user = port, user
        self.tag = 0
        self._connect()

    def _connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.buf = b""
        greeting = self._line()
        assert greeting.startswith(b"* OK"), greeting
        if self.user:
            _, status = self.run(b"LOGIN " + render(self.user.encode(), "literal") + b" "
                                 + render(PASSWORDS[self.user].encode(), "literal"))
            assert status.startswith(b"OK"), status

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(1 << 16)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        m = re.search(rb"~?\{(\d+)\}$", line)
        if m:
            size = int(m.group(1))
            while len(self.buf) < size:
                data = self.sock.recv(1 << 16)
                if not data:
                    raise EOFError(self.buf)
                self.buf += data
            line += b"\r\n" + self.buf[:size]
            self.buf = self.buf[size:]
            line += self._line()
        return line

    def run(self, text):
        """(untagged lines, tagged line without its tag); a closed connection answers
        ([...], b"<closed>") and a new one is opened."""
        if isinstance(text, str):
            text = text.encode()
        self.tag += 1
        tag = b"i%d " % self.tag
        untagged = []
        try:
            self.sock.sendall(tag + text + b"\r\n")
            while True:
                line = self._line()
                if line.startswith(tag):
                    return untagged, line[len(tag):]
                untagged.append(line)
        except (EOFError, ConnectionError):
            self.sock.close()
            self._connect()
            return untagged, b"<closed>"

    def ok(self, text):
        untagged, status = self.run(text)
        assert status.startswith(b"OK"), (text, untagged, status)
        return untagged

    def close(self):
        try:
            self.run(b"LOGOUT")
        finally:
            self.sock.close()


def list_name(line):
    """The mailbox name at the end of a LIST or LSUB line."""
    m = re.search(rb' (?:"((?:[^"\\]|\\.)*)"|\{\d+\}\r\n(.*)|([^ ]+))$', line, re.S)
    if m.group(1) is not None:
        return re.sub(rb"\\(.)", rb"\1", m.group(1))
    return m.group(2) if m.group(2) is not None else m.group(3)


def masked(lines, name):
    """`lines` with `name` (as sent, as a quoted string, with INBOX folded) written <N>."""
    variants = {name, render(name, "quoted")[1:-1]}
    if b"/" in name:  # LIST <name> "" answers with the reference's first level (RFC 3501 §6.3.8)
        variants.add(name.split(b"/")[0] + b"/")
    if name[:5].upper() == b"INBOX" and (len(name) == 5 or name[5:6] == b"/"):
        variants.add(b"INBOX" + name[5:])
    out = []
    for line in lines:
        for v in sorted(variants, key=len, reverse=True):
            if v:
                line = line.replace(v, b"<N>")
        out.append(line)
    return out


def refused(status):
    return status.startswith((b"NO", b"BAD")) or status == b"<closed>"


def snapshot(port, user):
    """Everything `user` can see of their own account, as text to compare."""
    c = Imap(port, user)
    try:
        state = {"LIST": sorted(c.ok('LIST "" "*"')), "LSUB": sorted(c.ok('LSUB "" "*"')),
                 "QUOTA": c.ok("GETQUOTAROOT INBOX")}
        for line in state["LIST"]:
            if b"\\Noselect" in line:
                continue  # a namespace level ("Other users"), not a mailbox
            box = list_name(line)
            q = render(box, "literal")
            state[box] = {
                "STATUS": c.ok(b"STATUS " + q + b" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)"),
                "ACL": c.run(b"GETACL " + q),
                "MYRIGHTS": c.ok(b"MYRIGHTS " + q),
                "EXAMINE": [ln for ln in c.ok(b"EXAMINE " + q) if b"RECENT" not in ln],
                "FETCH": c.ok(b"UID FETCH 1:* (FLAGS MODSEQ INTERNALDATE BODY.PEEK[])"),
            }
            c.ok("UNSELECT")
        return state
    finally:
        c.close()


def as_nobody(fn):
    """Runs `fn` in a forked child as uid/gid 65534 without groups; returns ("ok", value) or
    ("error", errno, text)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setgroups([])
            os.setgid(NOBODY_UID)
            os.setuid(NOBODY_UID)
            result = ("ok", fn())
        except BaseException as e:  # noqa: B036 - everything goes back to the parent
            result = ("error", getattr(e, "errno", None), f"{type(e).__name__}: {e}")
        with os.fdopen(w, "wb") as f:
            f.write(pickle.dumps(result))
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def admin_ask(path, line):
    """Connects to the admin socket, sends `line`, returns everything the server writes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(15)
    try:
        s.connect(path)
        try:
            s.sendall(line.encode() + b"\n")
        except OSError:
            pass  # the server may have answered and closed already
        answer = b""
        while True:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
        return answer
    finally:
        s.close()


class Isolation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = srv = PillarboxServer()
        for user, pw in PASSWORDS.items():
            srv.add_user(user, pw)
        srv.cli("user", "alias", "add", BOB_ALIAS, BOB)
        srv.cli("user", "alias", "add", BOB_BARE_ALIAS, BOB)
        srv.cli("user", "quota", BOB, "--storage", "80000000", "--messages", "4321")
        srv.start()
        port = srv.imap_port
        bob = Imap(port, BOB)
        for box in ("Secret", "Secret/Sub", "Entw&APw-rfe"):
            bob.ok(f'CREATE "{box}"')
        for i, box in enumerate(BOB_BOXES):
            body = b"From: bob@example.org\r\nSubject: private %d\r\n\r\n%s in %s\r\n" % (i, MARKER, box.encode())
            bob.ok(f'APPEND "{box}" (\\Flagged $Private{i}) ' + "{%d+}\r\n" % len(body) + body.decode())
        bob.ok("SELECT INBOX")
        bob.ok("STORE 1 +FLAGS (\\Seen)")
        bob.ok("UNSELECT")
        bob.ok('SUBSCRIBE "Secret"')
        bob.ok('SUBSCRIBE "Entw&APw-rfe"')
        bob.ok(f'SETACL "Secret" {CAROL} lr')
        bob.close()
        alice = Imap(port, ALICE)
        alice.ok("CREATE Mine")
        alice.ok("SUBSCRIBE Mine")
        alice.ok("APPEND INBOX (\\Seen) {%d+}\r\n" % len(PROBE_MESSAGE) + PROBE_MESSAGE.decode())
        alice.close()
        cls.before = cls.server_state()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    @classmethod
    def server_state(cls):
        srv = cls.srv
        return {
            "bob": snapshot(srv.imap_port, BOB),
            "carol": snapshot(srv.imap_port, CAROL),
            "accounts": srv.cli("--json", "user", "list").stdout,
            "aliases": srv.cli("--json", "user", "alias", "list").stdout,
            "public": srv.cli("--json", "public", "list").stdout,
            "bob acl": srv.cli("--json", "acl", "get", f"{BOB}/Secret").stdout,
            "bob quota": srv.cli("--json", "user", "quota", BOB).stdout,
        }

    def assert_untouched(self):
        after = self.server_state()
        for key in self.before:
            with self.subTest(state=key):
                self.assertEqual(after[key], self.before[key], f"{key} changed")
        # And the state is what setUpClass made, not empty by accident.
        bob = after["bob"]
        self.assertEqual(sorted(list_name(ln) for ln in bob["LIST"]),
                         sorted(b"INBOX Secret Secret/Sub Entw&APw-rfe Archive Drafts Junk Sent Trash".split()))
        self.assertTrue(any(MARKER in ln for ln in bob[b"Secret"]["FETCH"]))
        self.assertTrue(any(CAROL.encode() in ln for ln in bob[b"Secret"]["ACL"][0]))

    # --- names ----------------------------------------------------------------------------

    def test_names(self):
        port = self.srv.imap_port
        alice = Imap(port, ALICE)
        namespace = [ln for ln in alice.ok("NAMESPACE") if ln.startswith(b"* NAMESPACE ")]
        spaces = re.findall(rb'\(\("([^"]*)" "(.)"\)\)', namespace[0])
        self.assertEqual(len(spaces), 3, namespace)
        self.assertTrue(all(delim == b"/" for _, delim in spaces), namespace)
        other = spaces[1][0].decode().rstrip("/")
        public = spaces[2][0].decode().rstrip("/")
        # Once, so that later SELECTs of alice's INBOX all say RECENT 0.
        alice.ok("SELECT INBOX")
        alice.ok("UNSELECT")
        own = self.alice_state(alice)
        self.assertEqual({list_name(ln) for ln in own[0]}, set(ALICE_BOXES))
        self.check_global_lists(alice, other, public)

        aimed = spellings(BOB_T, other, public)
        twins = dict(spellings(TWIN_T, other, public))
        probes = []
        seen = set()
        for label, name in aimed:
            for form in ("default",) + (("literal", "atom") if label in OTHER_FORMS else ()):
                f = default_form(name) if form == "default" else form
                if f == "atom" and not atom_able(name):
                    continue
                if (name, f) not in seen:
                    seen.add((name, f))
                    probes.append((f"{label} [{f}]", name, twins[label], f))
        self.assertTrue(all(label in dict(aimed) for label in OTHER_FORMS))

        created = []
        for label, name, twin, form in probes:
            with self.subTest(spelling=label, name=name):
                got = self.probe(alice, name, form, created)
                self.tidy(alice, own, created)
                expected = self.probe(alice, twin, form, [])
                self.tidy(alice, own, [])
                for (cmd, untagged, status), (_, t_untagged, t_status) in zip(got, expected):
                    shown = masked(untagged + [status], name)
                    with self.subTest(command=cmd):
                        self.assertEqual(shown, masked(t_untagged + [t_status], twin),
                                         "answers differ from those for a user that does not exist")
                        for line in shown:
                            for word in FORBIDDEN:
                                self.assertNotIn(word, line.lower(), f"answer shows {word!r}")
                        if cmd in MUST_REFUSE:
                            self.assertTrue(refused(status), f"not refused: {status!r}")
                        elif cmd in SETUP:
                            self.assertTrue(status.startswith(b"OK"), status)
                self.assertEqual(self.alice_state(alice), own, "alice's own account changed")
        alice.close()
        # What alice could create: ordinary names of her own only, all removed again.
        for name, first_level in created:
            with self.subTest(created=name):
                shown = mutf7_decode(first_level)
                self.assertNotIn(shown.lower() if shown else first_level.decode("latin-1").lower(),
                                 (other.lower(), public.lower()))
        self.assert_untouched()

    def check_global_lists(self, c, other, public):
        """LIST and LSUB with wildcards, from the top and from the shared prefixes, show alice's
        own mailboxes only."""
        for ref, pattern in (("", "*"), ("", "%"), ("", "%/%"), ("", "%/%/%"), ("", "*Secret*"), ("", "*bob*"),
                             ("", "*&APw-*"), ("", "*/INBOX"), ("", f"{other}/*"), ("", f"{other}/%"),
                             ("", f"{other}/bob/*"), ("", f"{public}/*"), (f"{other}/", "*"), (f"{other}/", "%"),
                             (f"{other}/bob/", "*"), (f"{other}/bob/", "%"), (f"{public}/", "*")):
            for cmd in (f'LIST "{ref}" "{pattern}"', f'LSUB "{ref}" "{pattern}"',
                        f'LIST (SUBSCRIBED RECURSIVEMATCH) "{ref}" "{pattern}"',
                        f'LIST "{ref}" "{pattern}" RETURN (STATUS (MESSAGES UNSEEN SIZE) CHILDREN SUBSCRIBED)'):
                with self.subTest(listing=cmd):
                    for line in c.ok(cmd):
                        for word in FORBIDDEN:
                            self.assertNotIn(word, line.lower())
                        if line.startswith(b"* STATUS "):
                            box = re.match(rb'\* STATUS ("(?:[^"\\]|\\.)*"|\S+) ', line).group(1).strip(b'"')
                        else:
                            box = list_name(line)
                        self.assertIn(box, ALICE_BOXES, line)

    def tidy(self, c, own, created):
        """Removes what a probe left in alice's account (CREATE makes missing superiors too:
        "a/b/c" leaves "a" and "a/b"), after checking that each is an empty mailbox of hers;
        adds them to `created`."""
        before = {list_name(ln) for ln in own[0]}
        extra = [list_name(ln) for ln in c.ok('LIST "" "*"')]
        extra = [box for box in extra if box not in before]
        for box in sorted(extra, key=lambda b: b.count(b"/"), reverse=True):
            answer = c.ok(b"STATUS " + render(box, "literal") + b" (MESSAGES)")
            self.assertTrue(answer and answer[0].endswith(b"(MESSAGES 0)"), (box, answer))
            c.ok(b"DELETE " + render(box, "literal"))
            created.append((box, box.split(b"/")[0]))
        subscribed = {list_name(ln) for ln in own[1]}
        for line in c.ok('LSUB "" "*"'):
            if list_name(line) not in subscribed:
                c.ok(b"UNSUBSCRIBE " + render(list_name(line), "literal"))

    def alice_state(self, c):
        return (sorted(c.ok('LIST "" "*"')), sorted(c.ok('LSUB "" "*"')),
                c.ok("STATUS INBOX (MESSAGES UIDNEXT UNSEEN HIGHESTMODSEQ)"))

    def probe(self, c, name, form, created):
        """Runs PROBE about `name`; returns [(label, untagged, status)]. A CREATE or RENAME that
        succeeds is checked at once: the mailbox must be alice's own, empty and listed under
        the name sent. Other successes of MUST_REFUSE commands are left to the caller."""
        answers = []
        made = False
        for label, template in PROBE:
            if label in CLEANUP and not made:
                answers.append((label, [], b"<skipped>"))
                continue
            untagged, status = c.run(expand(template, name, form))
            answers.append((label, untagged, status))
            if status.startswith(b"BAD"):
                c.run(b"NOOP")  # so that BADs in a row do not end the session
            if label in MAY_CREATE and status.startswith(b"OK"):
                made = True
                box = name + MAY_CREATE[label]
                listed = c.ok(b'LIST "" ' + render(box, "literal"))
                self.assertEqual([list_name(ln) for ln in listed], [box],
                                 f"{label} {box!r} succeeded but alice does not see that name")
                status_line = c.ok(b"STATUS " + render(box, "literal") + b" (MESSAGES)")
                self.assertTrue(status_line and status_line[0].endswith(b"(MESSAGES 0)"), status_line)
                rights = c.ok(b"MYRIGHTS " + render(box, "literal"))
                self.assertTrue(rights and b"lrswipkxtea" in rights[0], rights)  # an owner's rights
                created.append((box, box.split(b"/")[0]))
        return answers

    # --- logins ---------------------------------------------------------------------------

    def test_logins(self):
        port = self.srv.imap_port
        pw = PASSWORDS[ALICE].encode()
        attempts = [(u.encode() if isinstance(u, str) else u, pw) for u in (
            BOB, BOB.upper(), f"bob@{DOMAIN.upper()}", "Bob@Example.Org", "bob", "BOB", BOB_ALIAS, BOB_BARE_ALIAS,
            f" {BOB} ", f"{BOB}.", f"bob+x@{DOMAIN}", f"Other users/{BOB}", "&AGI-ob@" + DOMAIN,
            BOB.encode() + b"\0", BOB.encode() + b"\0" + ALICE.encode(), ALICE.encode() + b"\0" + BOB.encode(),
            f"{ALICE}*{BOB}", f"{BOB}*{ALICE}", f"{ALICE}%{BOB}", f"{BOB}%{ALICE}", BOB.encode() + b"\r\n")]
        attempts += [(BOB.encode(), b""), (BOB.encode(), pw + b"\0"), (BOB.encode(), b"\0" + pw)]
        for user, password in attempts:
            with self.subTest(login=user, password=password):
                c = Imap(port, None)
                try:
                    _, status = c.run(b"LOGIN " + render(user, "literal") + b" " + render(password, "literal"))
                    self.assertTrue(refused(status), f"LOGIN {user!r} with alice's password: {status!r}")
                    _, status = c.run(b"MYRIGHTS INBOX")
                    self.assertTrue(refused(status), status)
                finally:
                    c.sock.close()
        # SASL PLAIN with bob (in several spellings) as the authorization identity.
        for authzid in (BOB, BOB.upper(), "bob", BOB_ALIAS, BOB_BARE_ALIAS, BOB + "\0"):
            with self.subTest(authzid=authzid):
                c = Imap(port, None)
                try:
                    blob = base64.b64encode(f"{authzid}\0{ALICE}\0{PASSWORDS[ALICE]}".encode())
                    _, status = c.run(b"AUTHENTICATE PLAIN " + blob)
                    self.assertTrue(refused(status), f"AUTHENTICATE as {authzid!r}: {status!r}")
                    _, status = c.run(b"MYRIGHTS INBOX")
                    self.assertTrue(refused(status), status)
                finally:
                    c.sock.close()
        self.assert_untouched()

    # --- the admin socket -----------------------------------------------------------------

    def test_admin_socket(self):
        path = os.path.join(self.srv.data, "admin.sock")
        st = os.stat(path)
        self.assertTrue(stat.S_ISSOCK(st.st_mode), path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, oct(st.st_mode))
        self.assertEqual(st.st_uid, os.geteuid())
        # The owner is answered.
        self.assertTrue(admin_ask(path, "who").startswith(b"ok\n"))
        log_rules = admin_ask(path, "log status")
        self.assertTrue(log_rules.startswith(b"ok\n"), log_rules)
        if os.geteuid() != 0:
            self.skipTest("switching to uid 65534 needs root; the refusal of other users is not tested")
        # A session of bob's, which a `kick` from another user must leave alone.
        bob = Imap(self.srv.imap_port, BOB)
        # Only the socket's own mode may stand in the way: the directories above it are opened
        # for traversal for the time of the test.
        dirs = [self.srv.dir, self.srv.data]
        modes = {d: stat.S_IMODE(os.stat(d).st_mode) for d in dirs}
        try:
            for d in dirs:
                os.chmod(d, modes[d] | 0o011)
            result = as_nobody(lambda: admin_ask(path, "who"))
            self.assertEqual(result[:2], ("error", 13), f"uid 65534 could connect to the 0600 socket: {result}")
            os.chmod(path, 0o666)
            try:
                for request in ("who", "who json", f"kick {BOB}", "log status", "log on all", "", "x" * 5000):
                    with self.subTest(request=request[:20]):
                        result = as_nobody(lambda: admin_ask(path, request))
                        self.assertEqual(result, ("ok", b"error permission denied\n"))
            finally:
                os.chmod(path, 0o600)
        finally:
            for d in dirs:
                os.chmod(d, modes[d])
        _, status = bob.run("NOOP")
        self.assertTrue(status.startswith(b"OK"), f"bob's session after another user's kick: {status!r}")
        bob.close()
        # "log on all" from uid 65534 switched nothing on.
        self.assertEqual(admin_ask(path, "log status"), log_rules)
        self.assertTrue(admin_ask(path, "who").startswith(b"ok\n"))


if __name__ == "__main__":
    unittest.main()
