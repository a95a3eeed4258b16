#!/usr/bin/env python3
"""Instructions per IMAP command, counted by callgrind (issue 8, item 5): a figure that does not
depend on the machine's load, so a change that makes a command dearer shows.

    python3 bench/callgrind_commands.py [--binary build/pillarbox] [--messages 200] [--repeat 20]

Imports --messages messages of the shared corpus (every n-th .eml file of ../shared/corpus/real)
into one account's INBOX, indexes them (`pillarbox index rebuild --missing`), and starts
then for each command below starts `pillarbox serve` under
`valgrind --tool=callgrind --instr-atstart=no`, logs one client in and selects INBOX, switches
callgrind's instrumentation on (callgrind_control -i on), sends the command --repeat times
(waiting for each answer), switches it off and stops the server. The figure is the
instructions (Ir) of the whole server process -- every thread: I/O, store, SQLite -- divided
by --repeat.
Prints a Markdown table; --json FILE writes the figures.
"""
import argparse
import glob
import imaplib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchserver import ROOT, free_port, wait_greeting

COMMANDS = [
    ("NOOP", "NOOP", "a NOOP: the floor every command pays (read, parse, sync, answer)"),
    ("FETCH list", "UID FETCH {lo}:{hi} (FLAGS ENVELOPE BODY.PEEK[HEADER])", "20 messages, as a client lists a folder"),
    ("FETCH flags", "UID FETCH 1:* (FLAGS)", "every message's flags (the resync of a client)"),
    ("FETCH body", "UID FETCH {one} (BODY.PEEK[])", "one whole message"),
    ("STORE", "UID STORE {one} {sign}FLAGS (\\Flagged)", "one message, flags changed (a durable commit)"),
    ("SEARCH UNSEEN", "UID SEARCH UNSEEN", "flags only"),
    ("SEARCH SUBJECT", "UID SEARCH SUBJECT {word}", "header key: header blocks, cached"),
    ("SEARCH TEXT", "UID SEARCH TEXT {word}", "full-text index"),
]


def count_command(args, config, port, user, password, template, out_file):
    """Starts the server under callgrind with instrumentation off, logs in and selects INBOX,
    counts --repeat runs of the command (instrumentation on only around them), stops the
    server and returns the instructions counted. A server per command: callgrind's dumps of a
    running multi-threaded process gave inconsistent totals."""
    server = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out_file}",
                               args.binary, "--config", config, "serve"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_greeting(server, port, "pillarbox serve under callgrind", seconds=120)
        imap = imaplib.IMAP4("127.0.0.1", port)
        imap.login(user, password)
        imap.select("INBOX")
        uids = imap.uid("SEARCH", "ALL")[1][0].split()
        time.sleep(1)   # let start-up work (orphan sweep, indexer check) finish
        control = ["callgrind_control", "-i"]
        subprocess.run(control + ["on", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        for k in range(args.repeat):
            lo = (k * 20) % max(1, len(uids) - 20)
            command = template.format(lo=int(uids[lo]), hi=int(uids[min(len(uids), lo + 20) - 1]),
                                      one=int(uids[k % len(uids)]), sign="+" if k % 2 == 0 else "-",
                                      word=args.word)
            typ, data = imap._simple_command(*command.split(" ", 1))
            if typ != "OK":
                raise RuntimeError(f"{command}: {typ} {data}")
            imap.untagged_responses.clear()
        subprocess.run(control + ["off", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        imap.logout()
    finally:
        server.terminate()
        server.wait(timeout=120)
    with open(out_file, errors="replace") as fh:
        m = re.search(r"^totals: (\d+)", fh.read(), re.M)
    if not m:
        raise RuntimeError(f"no totals in {out_file}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pillarbox"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "real"))
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--word", default="linux", help="the SUBJECT and TEXT needle")
    ap.add_argument("--only", help="only the commands whose name starts with this (e.g. FETCH)")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--pb-config", default="",
                    help="TOML lines added to the configuration of the import and the server, "
                         "e.g. $'[store]\\ninline_max_octets = 0'")
    args = ap.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("callgrind_commands.py: needs valgrind (apt-get install valgrind)")
    files = sorted(glob.glob(os.path.join(args.corpus, "*.eml")))
    if not files:
        raise SystemExit(f"callgrind_commands.py: no .eml files in {args.corpus}")
    chosen = files[:: max(1, len(files) // args.messages)][: args.messages]
    work = tempfile.mkdtemp(prefix="pb-callgrind-")
    data = os.path.join(work, "data")
    maildir = os.path.join(work, "maildir")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub))
    for i, f in enumerate(chosen):
        shutil.copy(f, os.path.join(maildir, "cur", f"{1700000000 + i}.M{i}P1.bench:2,"))
    port = free_port()
    config = os.path.join(work, "pillarbox.toml")
    with open(config, "w") as f:
        f.write(f'data_dir = "{data}"\n{args.pb_config}\n[imap]\nlisten = ["127.0.0.1:{port}"]\ntls_listen = []\n'
                f'[pop3]\nlisten = []\ntls_listen = []\n[lmtp]\nlisten = []\n[log]\nlevel = "warn"\n')
    pb = [args.binary, "--config", config]
    user, password = "bench@example.org", "callgrind-bench"
    subprocess.run(pb + ["user", "add", user, "--password-stdin"], input=password.encode(), check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(pb + ["import", user, maildir], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(pb + ["index", "rebuild", "--missing"], check=True, stdout=subprocess.DEVNULL)
    results = []
    try:
        for n, (name, template, what) in enumerate(COMMANDS):
            if args.only and not name.startswith(args.only):
                continue
            total = count_command(args, config, port, user, password, template, os.path.join(work, f"callgrind.{n}"))
            results.append({"command": name, "sent": template, "what": what, "repeat": args.repeat,
                            "instructions_per_command": total // args.repeat})
            print(f"{name}: {total // args.repeat:,} instructions per command", file=sys.stderr)
    finally:
        if os.environ.get("KEEP_BENCH_DIR"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    print(f"Pillarbox {commit}, {len(chosen)} corpus messages in INBOX, {args.repeat} of each command, "
          f"instructions of the whole server process per command (callgrind)\n")
    print("| command | sent | instructions per command |")
    print("| --- | --- | ---: |")
    for r in results:
        print(f"| {r['command']} ({r['what']}) | `{r['sent']}` | {r['instructions_per_command']:,} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"commit": commit, "messages": len(chosen), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
