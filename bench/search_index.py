#!/usr/bin/env python3
"""SEARCH TEXT and SEARCH BODY with and without the full-text index, on one big mailbox.

    python3 bench/search_index.py [--binary build/pillarbox] [--mbox FILE ...] [--words w1,w2,...]
                                  [--repeat 5]

Imports the given mbox files (default: every mbox of the shared corpus) into one INBOX with
`pillarbox import`, times `pillarbox index rebuild --missing`, starts `pillarbox serve` on free
loopback ports and, over imaplib, times `UID SEARCH CHARSET UTF-8 TEXT w` and `... BODY w` for
each word: first answered from the index, then with the index hidden from the server (every
blobs.text_id set to NULL through sqlite3 while it runs, so it reads each message as it did
before the index). The two answers must be equal, word by word; the script stops with an error
otherwise. Prints a Markdown table (median of --repeat runs with the index, one run without: it is slow;
milliseconds) and the disk use of
the database and of the message files. Measure on an idle machine: nothing else should run.
"""
import argparse
import glob
import imaplib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from benchserver import ROOT, start_server


def du(path):
    total = 0
    for base, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(base, f))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pillarbox"))
    ap.add_argument("--mbox", nargs="*", default=sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus", "mbox", "*.mbox"))))
    ap.add_argument("--words", default="linux,unsubscribe,Stra\u00dfe,zzqxj")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    words = args.words.split(",")
    work = tempfile.mkdtemp(prefix="pb-search-bench-")
    data = os.path.join(work, "data")
    pb = [args.binary, "--data", data]
    server = None
    try:
        subprocess.run(pb + ["user", "add", "bench@example.org", "--password-stdin"], input=b"bench\n", check=True,
                       stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        for mbox in args.mbox:
            subprocess.run(pb + ["import", "bench@example.org", mbox], check=True, stdout=subprocess.DEVNULL)
        import_s = time.monotonic() - t0
        db_before = os.path.getsize(os.path.join(data, "pillarbox.sqlite3"))
        t0 = time.monotonic()
        out = subprocess.run(pb + ["index", "rebuild", "--missing"], check=True, capture_output=True).stdout.decode()
        index_s = time.monotonic() - t0
        indexed = int(out.split()[1])
        db_after = os.path.getsize(os.path.join(data, "pillarbox.sqlite3"))
        files = du(os.path.join(data, "messages"))

        server, imap_port = start_server(args.binary, work, data)
        c = imaplib.IMAP4("127.0.0.1", imap_port)
        c.login("bench@example.org", "bench")
        typ, data_exists = c.select("INBOX")
        messages = int(data_exists[0])

        def timed(key, word, repeat):
            runs, answer = [], None
            for _ in range(repeat):
                t = time.monotonic()
                if word.isascii():
                    typ, res = c.uid("SEARCH", "CHARSET", "UTF-8", key, word)
                else:   # sent as a literal, which imaplib appends after the other arguments
                    c.literal = word.encode()
                    typ, res = c.uid("SEARCH", "CHARSET", "UTF-8", key)
                runs.append((time.monotonic() - t) * 1000)
                assert typ == "OK", res
                answer = res[0]
            return statistics.median(runs), answer

        with_index = {(k, w): timed(k, w, args.repeat) for w in words for k in ("TEXT", "BODY")}
        db = sqlite3.connect(os.path.join(data, "pillarbox.sqlite3"))
        db.execute("UPDATE blobs SET text_id = NULL")
        db.commit()
        db.close()
        without = {(k, w): timed(k, w, 1) for w in words for k in ("TEXT", "BODY")}   # slow: once
        c.logout()

        print(f"{messages} messages in INBOX ({files / 2**20:.0f} MiB of message files), imported in {import_s:.1f} s; "
              f"`index rebuild --missing` indexed {indexed} in {index_s:.1f} s; database "
              f"{db_before / 2**20:.1f} MiB before the index, {db_after / 2**20:.1f} MiB after\n")
        print("| key | word | matches | with index (ms) | reading every message (ms) | speed-up |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for (k, w), (ms, answer) in with_index.items():
            ms2, answer2 = without[(k, w)]
            if answer != answer2:
                sys.exit(f"different answers for {k} {w}: index {len(answer.split())} UIDs, reading {len(answer2.split())}")
            print(f"| {k} | {w} | {len(answer.split())} | {ms:.1f} | {ms2:.1f} | {ms2 / ms:.0f}x |")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
