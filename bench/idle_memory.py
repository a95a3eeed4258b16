#!/usr/bin/env python3
"""Memory per IDLE session, and how fast a change reaches the sessions in IDLE (issue 8, item 2).

    python3 bench/idle_memory.py [--binary build/pillarbox] [--sessions 2000] [--accounts 100]
                                 [--changes 20]

Starts `pillarbox serve` on a fresh data directory with --accounts accounts (SHA512-CRYPT
hashes of 1000 rounds, `[auth] rehash = false`, so that logging in thousands of sessions is not a
benchmark of Argon2id) and connection limits above --sessions. Opens --sessions plain IMAP
connections from 127.0.0.1, spread evenly over the accounts, each LOGIN + SELECT INBOX + IDLE,
and reads the server's resident memory (VmRSS, /proc) before the first and after the last.
Then, --changes times, APPENDs one message to one account's INBOX from another connection and
times, for every IDLE session of that account, the moment its "* n EXISTS" arrives, from the
moment the APPEND was sent: the latency a person in IDLE sees. Prints the figures. One source
address is enough up to about 28,000 sessions (the ephemeral port range); beyond that the
issue's 100,000 need several 127.x.y.z addresses, which this script does not do yet.
"""
import argparse
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt   # Python 3.11's; yields the $6$ hash Pillarbox and Dovecot accept
import imaplib
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from benchserver import ROOT, start_server


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def read_until(sock, token, timeout=30):
    data = b""
    deadline = time.monotonic() + timeout
    while token not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError(f"connection closed; got {data!r}")
        data += chunk
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "pillarbox"))
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--changes", type=int, default=20)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.sessions + 200
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    work = tempfile.mkdtemp(prefix="pb-idle-bench-")
    data = os.path.join(work, "data")
    pb = [args.binary, "--data", data]
    password = "idle-bench"
    hashed = "{SHA512-CRYPT}" + crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512, rounds=1000))
    users = [f"u{i}@bench.test" for i in range(args.accounts)]
    server, socks = None, []
    try:
        for u in users:
            subprocess.run(pb + ["user", "add", u, "--password-hash", hashed], check=True, stdout=subprocess.DEVNULL)
        server, port = start_server(args.binary, work, data,
                                    f'[auth]\nrehash = false\n[limits]\nmax_connections = {want}\n'
                                    f'max_connections_per_user = {want}\nmax_connections_per_ip = {want}\n')
        time.sleep(0.5)
        before = rss_kib(server.pid)
        owner = []
        t0 = time.monotonic()
        for i in range(args.sessions):
            user = users[i % len(users)]
            s = socket.create_connection(("127.0.0.1", port))
            read_until(s, b"\r\n")
            s.sendall(f'a LOGIN {user} "{password}"\r\nb SELECT INBOX\r\nc IDLE\r\n'.encode())
            read_until(s, b"+ idling\r\n")
            socks.append(s)
            owner.append(i % len(users))
        setup_s = time.monotonic() - t0
        time.sleep(1.0)
        after = rss_kib(server.pid)

        latencies, after_ok = [], []   # ms from sending the APPEND; from its tagged OK
        sel = selectors.DefaultSelector()
        for s in socks:
            s.setblocking(False)
        writer = imaplib.IMAP4("127.0.0.1", port)
        for n in range(args.changes):
            account = n % len(users)
            writer.logout() if n else None
            writer = imaplib.IMAP4("127.0.0.1", port)
            writer.login(users[account], password)
            targets = [s for s, o in zip(socks, owner) if o == account]
            for s in targets:
                sel.register(s, selectors.EVENT_READ)
            pending = {s.fileno(): b"" for s in targets}
            done = {}

            def append(w=writer, n=n):
                w.append("INBOX", None, None, b"Subject: change %d\r\n\r\nbody\r\n" % n)
                done["ok"] = time.monotonic()

            sent = time.monotonic()
            thread = threading.Thread(target=append)
            thread.start()
            arrived = []
            limit = time.monotonic() + 30
            while pending and time.monotonic() < limit:
                for key, _ in sel.select(timeout=1):
                    chunk = key.fileobj.recv(4096)
                    fd = key.fileobj.fileno()
                    pending[fd] += chunk
                    if b" EXISTS\r\n" in pending[fd]:
                        arrived.append(time.monotonic())
                        del pending[fd]
                        sel.unregister(key.fileobj)
            thread.join()
            if pending:
                raise RuntimeError(f"{len(pending)} IDLE sessions never heard of change {n}")
            latencies.extend((t - sent) * 1000 for t in arrived)
            after_ok.extend((t - done["ok"]) * 1000 for t in arrived)
        writer.logout()
        def p99(values):
            values = sorted(values)
            return values[min(len(values) - 1, int(len(values) * 0.99))]

        print(f"{args.sessions} sessions in IDLE over {args.accounts} accounts, set up in {setup_s:.1f} s")
        print(f"server RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB with them: "
              f"{(after - before) / args.sessions:.1f} KiB per IDLE session")
        print(f"change to IDLE over {len(latencies)} deliveries ({args.changes} APPENDs): from sending the APPEND "
              f"(its durable commit included) p50 {statistics.median(latencies):.2f} ms, p99 {p99(latencies):.2f} ms; "
              f"from the APPEND's tagged OK p50 {statistics.median(after_ok):.2f} ms, p99 {p99(after_ok):.2f} ms "
              f"(negative: before the OK reached the appending client)")
    finally:
        for s in socks:
            s.close()
        if server:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
