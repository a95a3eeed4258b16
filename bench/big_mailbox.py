#!/usr/bin/env python3
"""One very big mailbox: SELECT, UID FETCH 1:* (FLAGS) and SEARCH TEXT/BODY (issue 8, item 3).

    sudo python3 bench/big_mailbox.py [--messages 1000000] [--server both|pillarbox|dovecot]
                                      [--words linux,unsubscribe,zzqxj] [--repeat 3]
                                      [--work DIR] [--binary build/pillarbox] [--json FILE]

Builds one Maildir of --messages messages from the shared corpus's mbox files, cycling through
them; copy k of a message gets an "X-Bench-Copy: k" first header line so that no two files are
equal. About 90 % are \\Seen and 2 % \\Flagged, spread evenly. Pillarbox gets it through
`pillarbox import` into the INBOX of bench@example.org and then `pillarbox index rebuild
--missing` (both timed); Dovecot (Debian's package, Maildir, no FTS plugin: every SEARCH TEXT
reads the files) gets the same Maildir as that user's INBOX. Needs root for Dovecot; with
--server pillarbox it does not.

Over one plain IMAP connection per server it then times, from sending the command to reading its
tagged OK: SELECT INBOX (the first, which for Dovecot also builds its index files, then
--repeat more after CLOSE: median), UID FETCH 1:* (FLAGS) (median of --repeat; the answer is
read whole and its FETCH lines counted) and, per word, UID SEARCH CHARSET UTF-8 TEXT word and
BODY word (median of --repeat for Pillarbox; once for Dovecot, which reads every file each
time). A small client reads the bytes; no IMAP library parses them, so the client's cost stays
out of the figures.

--work DIR keeps the data there, and a later run with the same --work and --messages reuses what
it finds (the Maildir, Pillarbox's data, Dovecot's index): building 1,000,000 messages takes the
better part of an hour. Without --work everything goes in a temporary directory, removed at the
end. Measure on an idle machine.
"""
import argparse
import glob
import json
import mailbox
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

from benchserver import ROOT, start_dovecot, start_server

USER = "bench@example.org"
PASSWORD = "bench"


def corpus_messages():
    """Every message of the corpus's mbox files, as bytes."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus", "mbox", "*.mbox"))):
        box = mailbox.mbox(path, create=False)
        for key in box.keys():
            raw = box.get_bytes(key)
            if raw.strip():
                out.append(raw)
        box.close()
    if not out:
        sys.exit("big_mailbox.py: no corpus mbox files found beside the project (../shared/corpus/mbox)")
    return out


def build_maildir(maildir, count):
    """Writes `count` files into maildir/cur unless a complete set is there already."""
    cur = os.path.join(maildir, "cur")
    done_mark = os.path.join(maildir, f".bench-built-{count}")
    if os.path.exists(done_mark):
        return False
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    messages = corpus_messages()
    base = 1_600_000_000
    for i in range(count):
        raw = messages[i % len(messages)]
        nl = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
        flags = "" if i % 10 == 3 else ("FS" if i % 50 == 7 else "S")
        # Equal-width names sort in arrival order (pillarbox import sorts by name).
        name = f"{base + i}.M{i:07d}P1.bench:2,{flags}"
        with open(os.path.join(cur, name), "wb") as f:
            f.write(b"X-Bench-Copy: " + str(i // len(messages)).encode() + nl + raw)
        if i % 100_000 == 99_999:
            print(f"  built {i + 1} files", file=sys.stderr, flush=True)
    open(done_mark, "w").close()
    return True


class Client:
    """Plain IMAP over one socket: commands out, raw bytes back up to the tagged response."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=3600)
        self.n = 0
        self.pending = b""
        self.read_line()

    def read_line(self):
        while b"\r\n" not in self.pending:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("connection closed")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\r\n", 1)
        return line

    def command(self, text):
        """(seconds until the tagged OK, every byte of the answer); raises unless OK."""
        self.n += 1
        tag = f"b{self.n}".encode()
        chunks = [self.pending]
        self.pending = b""
        t0 = time.monotonic()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        tail = b"\r\n"   # the last bytes read, enough to hold the tagged line, which ends the answer
        while True:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError(f"connection closed during {text}")
            chunks.append(chunk)
            tail = (tail + chunk)[-8192:]
            if tail.endswith(b"\r\n"):
                start = tail.rfind(b"\r\n", 0, len(tail) - 2)
                if start >= 0 and tail[start + 2:].startswith(tag + b" "):
                    seconds = time.monotonic() - t0
                    break
        answer = b"".join(chunks)
        last = tail[tail.rfind(b"\r\n", 0, len(tail) - 2) + 2:]
        if not last.startswith(tag + b" OK"):
            raise RuntimeError(f"{text}: {last[:200]!r}")
        return seconds, answer


def measure(name, port, words, repeat, search_repeat):
    """The figures for one server, as a dict of name → milliseconds (and counts)."""
    c = Client(port)
    c.command(f"LOGIN {USER} {PASSWORD}")
    out = {"server": name}
    seconds, answer = c.command("SELECT INBOX")
    out["exists"] = int(answer.split(b" EXISTS")[0].rsplit(b"* ", 1)[1])
    out["select_first_ms"] = seconds * 1000
    runs = []
    for _ in range(repeat):
        c.command("CLOSE")
        runs.append(c.command("SELECT INBOX")[0] * 1000)
    out["select_ms"] = statistics.median(runs)
    runs = []
    for _ in range(repeat):
        seconds, answer = c.command("UID FETCH 1:* (FLAGS)")
        runs.append(seconds * 1000)
        lines = answer.count(b" FETCH (")
    out["fetch_flags_ms"] = statistics.median(runs)
    out["fetch_flags_lines"] = lines
    out["fetch_flags_bytes"] = len(answer)
    for w in words:
        for key in ("TEXT", "BODY"):
            runs = []
            for _ in range(search_repeat):
                seconds, answer = c.command(f"UID SEARCH CHARSET UTF-8 {key} {w}")
                runs.append(seconds * 1000)
            line = next(l for l in answer.split(b"\r\n") if l.startswith(b"* SEARCH"))
            out[f"search_{key.lower()}_{w}_ms"] = statistics.median(runs)
            out[f"search_{key.lower()}_{w}_matches"] = len(line.split()) - 2
    c.command("LOGOUT")
    return out


def run(cmd, **kw):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--server", choices=["both", "pillarbox", "dovecot"], default="both")
    ap.add_argument("--words", default="linux,unsubscribe,zzqxj")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pillarbox"))
    ap.add_argument("--json")
    ap.add_argument("--dovecot-vsz-limit", default="4G", help="Dovecot's default_vsz_limit (its own default: 256M)")
    args = ap.parse_args()
    words = [w for w in args.words.split(",") if w]   # --words "": no SEARCH
    if any(not w.isascii() or not w.isalnum() for w in words):
        sys.exit("big_mailbox.py: --words takes plain ASCII words (sent as atoms)")
    work = args.work or tempfile.mkdtemp(prefix="pb-big-")
    os.makedirs(work, exist_ok=True)
    maildir = os.path.join(work, "dovecot", "mail", USER, "Maildir")
    results, build = [], {}
    server = None
    try:
        t0 = time.monotonic()
        if build_maildir(maildir, args.messages):
            build["maildir_s"] = time.monotonic() - t0
        if args.server in ("both", "pillarbox"):
            data = os.path.join(work, "pillarbox")
            pb = [args.binary, "--data", data]
            mark = os.path.join(work, f".pillarbox-imported-{args.messages}")
            if not os.path.exists(mark):
                shutil.rmtree(data, ignore_errors=True)
                run(pb + ["user", "add", USER, "--password-stdin"], input=PASSWORD.encode() + b"\n")
                build["pillarbox_import_s"] = run(pb + ["import", USER, maildir])
                build["pillarbox_index_s"] = run(pb + ["index", "rebuild", "--missing"])
                open(mark, "w").close()
            build["pillarbox_database_mib"] = os.path.getsize(os.path.join(data, "pillarbox.sqlite3")) / 2**20
            server, port = start_server(args.binary, work, data)
            results.append(measure("Pillarbox", port, words, args.repeat, args.repeat))
            server.terminate()
            server.wait(timeout=60)
            server = None
        if args.server in ("both", "dovecot"):
            hashed = "{SHA512-CRYPT}" + crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_SHA512, rounds=1000))
            # Its default vsz_limit (256 MiB) is too small for a million-message INBOX: the
            # imap process dies at the first SELECT (block_alloc: Out of memory).
            server, port = start_dovecot(work, [USER], hashed, extra=f"default_vsz_limit = {args.dovecot_vsz_limit}")
            results.append(measure("Dovecot", port, words, args.repeat, 1))
            server.terminate()
            server.wait(timeout=60)
            server = None
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{args.messages} messages; build: " + ", ".join(f"{k} {v:.1f}" for k, v in build.items()) + "\n")
    print("| | " + " | ".join(r["server"] for r in results) + " |")
    print("| --- |" + " ---: |" * len(results))
    rows = [("messages (EXISTS)", "exists", "{:.0f}"), ("first SELECT (ms)", "select_first_ms", "{:.0f}"),
            ("SELECT again (ms)", "select_ms", "{:.0f}"), ("UID FETCH 1:* (FLAGS) (ms)", "fetch_flags_ms", "{:.0f}"),
            ("FETCH lines", "fetch_flags_lines", "{:.0f}")]
    for w in words:
        for key in ("text", "body"):
            rows.append((f"SEARCH {key.upper()} {w} (ms)", f"search_{key}_{w}_ms", "{:.1f}"))
            rows.append((f"SEARCH {key.upper()} {w}: matches", f"search_{key}_{w}_matches", "{:.0f}"))
    for label, key, form in rows:
        print(f"| {label} | " + " | ".join(form.format(r[key]) for r in results) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"messages": args.messages, "build": build, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
