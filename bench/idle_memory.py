#!/usr/bin/env python3
"""Memory per IDLE session, and how fast a change reaches the sessions in IDLE (issue 8, item 2).

    python3 bench/idle_memory.py [--server pillarbox|dovecot] [--sessions 2000] [--accounts 100]
                                 [--changes 20] [--sources N] [--binary build/pillarbox]

Starts the server on a fresh data directory with --accounts accounts, all with the same
SHA512-CRYPT hash of 1000 rounds (so that logging in 100,000 sessions is not a benchmark of
Argon2id; Pillarbox gets `[auth] rehash = false`), and connection limits above --sessions.
Opens --sessions plain IMAP connections spread evenly over the accounts, each LOGIN + SELECT
INBOX + IDLE, and reads the server's memory before the first and after the last: Pillarbox's one
process, or Dovecot's master and every process under it summed (RSS, and PSS, which counts a
shared page once; PSS is the fair figure for many processes).

Each source address can hold only as many connections to one port as the ephemeral port range
has ports (about 28,000 here), so sessions are spread over --sources addresses 127.0.1.1,
127.0.1.2, ... (default: one per 20,000 sessions). Descriptor limits are raised as far as the
process may (as root: to sessions + 1000, for the server too).

Then, --changes times, APPENDs one message to one account's INBOX from another connection and
times, for every IDLE session of that account, the moment its "* n EXISTS" arrives: from the
moment the APPEND was sent, and from the moment its tagged OK arrived. One thread reads all of
it, so both clocks are the same loop's. Dovecot's IDLE is not timed (it watches Maildir with
inotify and would need fs.inotify limits raised for thousands of processes): for Dovecot the
script measures memory only. Prints the figures; --json FILE writes them.

Dovecot runs as in bench/run-vs-dovecot.sh: Debian's package, started as root with a private
base_dir, mail processes as the "mail" user, Maildir, passwd-file, process and per-user limits
raised above --sessions. Needs root and `apt-get install dovecot-imapd`.
"""
import argparse
import json
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt   # Python 3.11's; yields the $6$ hash Pillarbox and Dovecot accept

from benchserver import ROOT, start_dovecot, start_server, wait_greeting


def memory_kib(root_pid):
    """(RSS, PSS, processes) summed over root_pid and every process below it, in KiB."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    rss = pss = count = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            count += 1
        except OSError:
            pass
    return rss, pss, count


def read_until(sock, token, timeout=60):
    data = b""
    deadline = time.monotonic() + timeout
    while token not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError(f"connection closed; got {data!r}")
        data += chunk
    return data


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return
        except (ValueError, OSError):
            pass   # not root: as far as the hard limit goes
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    if hard < want:
        raise SystemExit(f"idle_memory.py: needs {want} open files per process (client and server), but the "
                         f"hard limit is {hard} and this process may not raise it (root without "
                         f"CAP_SYS_RESOURCE, or not root); use fewer --sessions or a machine that allows it")


def open_sessions(port, users, password, sessions, sources):
    """Opens `sessions` connections, session i as users[i % len(users)] from sources[i % len]:
    LOGIN, SELECT INBOX, IDLE, in batches of 200 so that the server works on many at once.
    Returns (sockets, account index of each)."""
    socks, owner = [], []
    for start in range(0, sessions, 200):
        batch = []
        for i in range(start, min(sessions, start + 200)):
            s = socket.socket()
            s.bind((sources[i % len(sources)], 0))
            s.connect(("127.0.0.1", port))
            batch.append((i, s))
        for i, s in batch:
            read_until(s, b"\r\n")
            s.sendall(f'a LOGIN {users[i % len(users)]} "{password}"\r\nb SELECT INBOX\r\nc IDLE\r\n'.encode())
        for i, s in batch:
            read_until(s, b"+ idling")
            socks.append(s)
            owner.append(i % len(users))
    return socks, owner


def time_changes(port, users, password, socks, owner, changes):
    """APPENDs `changes` messages, one account at a time; returns the latencies (ms) of every
    IDLE session of that account from sending the APPEND and from its tagged OK arriving."""
    from_send, from_ok = [], []
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
    for n in range(changes):
        account = n % len(users)
        writer = socket.create_connection(("127.0.0.1", port))
        read_until(writer, b"\r\n")
        writer.sendall(f'a LOGIN {users[account]} "{password}"\r\n'.encode())
        read_until(writer, b"a OK")
        targets = [s for s, o in zip(socks, owner) if o == account]
        pending = {s.fileno(): b"" for s in targets}
        for s in targets:
            sel.register(s, selectors.EVENT_READ)
        writer.setblocking(False)
        sel.register(writer, selectors.EVENT_READ)
        body = b"Subject: change %d\r\n\r\nbody\r\n" % n
        sent = time.monotonic()
        writer.sendall(b"b APPEND INBOX {%d+}\r\n%s\r\n" % (len(body), body))
        arrived, ok_at, reply = [], None, b""
        deadline = sent + 60
        while (pending or ok_at is None) and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                sock = key.fileobj
                chunk = sock.recv(65536)
                now = time.monotonic()
                if sock is writer:
                    reply += chunk
                    if b"b OK" in reply:
                        ok_at = now
                        sel.unregister(writer)
                    elif b"b NO" in reply or b"b BAD" in reply or not chunk:
                        raise RuntimeError(f"APPEND failed: {reply!r}")
                    continue
                fd = sock.fileno()
                pending[fd] += chunk
                if b" EXISTS\r\n" in pending[fd]:
                    arrived.append(now)
                    del pending[fd]
                    sel.unregister(sock)
        writer.close()
        if pending or ok_at is None:
            raise RuntimeError(f"{len(pending)} IDLE sessions never heard of change {n}")
        from_send.extend((t - sent) * 1000 for t in arrived)
        from_ok.extend((t - ok_at) * 1000 for t in arrived)
    return from_send, from_ok


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", choices=["pillarbox", "dovecot"], default="pillarbox")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pillarbox"))
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--sources", type=int, default=0, help="source addresses (default: one per 20,000 sessions)")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()
    raise_fd_limit(args.sessions + 1000)
    sources = [f"127.0.{1 + k // 250}.{1 + k % 250}" for k in range(args.sources or -(-args.sessions // 20000))]
    work = tempfile.mkdtemp(prefix="pb-idle-bench-")
    data = os.path.join(work, "data")
    password = "idle-bench"
    hashed = "{SHA512-CRYPT}" + crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512, rounds=1000))
    users = [f"u{i}@bench.test" for i in range(args.accounts)]
    server, socks = None, []
    try:
        if args.server == "pillarbox":
            pb = [args.binary, "--data", data]
            for u in users:
                subprocess.run(pb + ["user", "add", u, "--password-hash", hashed], check=True,
                               stdout=subprocess.DEVNULL)
            want = args.sessions + 100
            server, port = start_server(args.binary, work, data,
                                        f'[auth]\nrehash = false\n[limits]\nmax_connections = {want}\n'
                                        f'max_connections_per_user = {want}\nmax_connections_per_ip = {want}\n')
        else:
            server, port = start_dovecot(work, users, hashed, args.sessions)
        time.sleep(0.5)
        before = memory_kib(server.pid)
        t0 = time.monotonic()
        socks, owner = open_sessions(port, users, password, args.sessions, sources)
        setup_s = time.monotonic() - t0
        time.sleep(2.0)
        after = memory_kib(server.pid)
        result = {"server": args.server, "sessions": args.sessions, "accounts": args.accounts,
                  "source_addresses": len(sources), "setup_s": round(setup_s, 1),
                  "before_kib": {"rss": before[0], "pss": before[1], "processes": before[2]},
                  "with_sessions_kib": {"rss": after[0], "pss": after[1], "processes": after[2]}}
        print(f"{args.server}: {args.sessions} sessions in IDLE over {args.accounts} accounts from "
              f"{len(sources)} source address(es), set up in {setup_s:.1f} s")
        print(f"memory before: RSS {before[0] / 1024:.1f} MiB, PSS {before[1] / 1024:.1f} MiB in {before[2]} process(es)")
        print(f"with sessions: RSS {after[0] / 1024:.1f} MiB, PSS {after[1] / 1024:.1f} MiB in {after[2]} process(es); "
              f"{(after[1] - before[1]) / args.sessions:.1f} KiB PSS per IDLE session")
        if args.server == "pillarbox" and args.changes:
            from_send, from_ok = time_changes(port, users, password, socks, owner, args.changes)
            result["change_to_idle_ms"] = {
                "deliveries": len(from_ok), "changes": args.changes,
                "from_send_p50": round(statistics.median(from_send), 2), "from_send_p99": round(p99(from_send), 2),
                "from_ok_p50": round(statistics.median(from_ok), 2), "from_ok_p99": round(p99(from_ok), 2)}
            print(f"change to IDLE over {len(from_ok)} deliveries ({args.changes} APPENDs): from sending the APPEND "
                  f"(its durable commit included) p50 {statistics.median(from_send):.2f} ms, p99 {p99(from_send):.2f} ms; "
                  f"from the APPEND's tagged OK p50 {statistics.median(from_ok):.2f} ms, p99 {p99(from_ok):.2f} ms "
                  f"(negative: before the OK reached the appending client)")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=1)
    finally:
        for s in socks:
            s.close()
        if server:
            server.terminate()
            server.wait(timeout=120)
        if os.environ.get("KEEP_BENCH_DIR"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
