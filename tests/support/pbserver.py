"""Starts the real pillarbox binary on free loopback ports for a test, and stops it.

Usage:
    with PillarboxServer(binary) as srv:
        srv.add_user("alice@example.org", "secret")
        srv.start()
        imaplib.IMAP4("127.0.0.1", srv.imap_port)

Every process it starts is stopped on exit (SIGTERM, then SIGKILL after 10 s).

With PILLARBOX_TEST_STORE=postgresql each server keeps its mail in a scratch database of its
own on the test PostgreSQL server (pgtest.py), dropped on exit, instead of SQLite in its data
directory.
"""
import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

import pgtest


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary_from_env():
    path = os.environ.get("PILLARBOX_BINARY")
    if not path:
        raise SystemExit("PILLARBOX_BINARY is not set (CTest sets it)")
    return path


class PillarboxServer:
    def __init__(self, binary=None, extra_config="", plaintext="loopback", failure_delay_ms=300,
                 failure_delay_max_ms=300, imap_config="", template=None, share_store_of=None):
        """`template`: a stopped server whose data directory (and database) this one starts
        from a copy of. `share_store_of`: a server (on PostgreSQL) whose database this one
        uses too, as a second front end; the first one drops it."""
        self.binary = binary or binary_from_env()
        self.dir = tempfile.mkdtemp(prefix="pbtest-")
        self.data = os.path.join(self.dir, "data")
        if template is not None:
            shutil.copytree(template.data, self.data)
        self.database = None
        self._owns_database = share_store_of is None
        if share_store_of is not None:
            if share_store_of.database is None:
                raise RuntimeError("front ends can share only a PostgreSQL store (PILLARBOX_TEST_STORE)")
            self.database = share_store_of.database
        elif pgtest.wanted():
            self.database = pgtest.create_database(template.database if template is not None else None)
        self.lmtp_socket = os.path.join(self.dir, "lmtp.sock")
        self.config = os.path.join(self.dir, "pillarbox.toml")
        self._plaintext = plaintext
        self._extra_config = extra_config
        self._imap_config = imap_config   # more lines for the [imap] table (TOML has each table once)
        self._failure_delay_ms = failure_delay_ms
        self._failure_delay_max_ms = failure_delay_max_ms
        self._pick_ports()
        self.proc = None
        self.stderr_path = os.path.join(self.dir, "stderr.log")

    def _pick_ports(self):
        """Chooses free ports and writes the configuration that uses them."""
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.pop3_port = free_port()
        self.pop3s_port = free_port()
        self.lmtp_port = free_port()
        self.metrics_port = free_port()
        with open(self.config, "w") as f:
            f.write(f'data_dir = "{self.data}"\n'
                    f'[imap]\nlisten = ["127.0.0.1:{self.imap_port}"]\n'
                    f'tls_listen = ["127.0.0.1:{self.imaps_port}"]\n'
                    f'{self._imap_config}'
                    f'[pop3]\nlisten = ["127.0.0.1:{self.pop3_port}"]\n'
                    f'tls_listen = ["127.0.0.1:{self.pop3s_port}"]\n'
                    f'[lmtp]\nlisten = ["unix:{self.lmtp_socket}", "127.0.0.1:{self.lmtp_port}"]\n'
                    f'[metrics]\nlisten = "127.0.0.1:{self.metrics_port}"\n'
                    f'[auth]\nplaintext_without_tls = "{self._plaintext}"\n'
                    # Failed logins wait a fixed 300 ms here (the first step of the real back-off),
                    # so tests that fail many logins stay quick; test_login_names tests the growth.
                    f'failure_delay_ms = {self._failure_delay_ms}\nfailure_delay_max_ms = {self._failure_delay_max_ms}\n'
                    f'{self._with_store(self._extra_config)}\n')

    def _with_store(self, extra):
        """`extra` with the [store] keys that put this server on its database, in the [store]
        table `extra` already has if it has one (TOML allows a table once)."""
        if self.database is None:
            return extra
        url = pgtest.with_database(pgtest.server_url(), self.database)
        keys = f'backend = "postgresql"\nurl = "{url}"\npool_size = 8\n'
        if "[store]\n" in extra:
            return extra.replace("[store]\n", "[store]\n" + keys, 1)
        return extra + "\n[store]\n" + keys

    def cli(self, *args, input=None, check=True):
        """Runs a pillarbox subcommand against this server's configuration."""
        return subprocess.run([self.binary, "--config", self.config, *args], input=input,
                              capture_output=True, check=check, timeout=600)

    def sql(self, statement, *params):
        """Runs one SQL statement on this server's store, SQLite or PostgreSQL, for tests that
        look at or change what no command shows; `?` marks each of `params` (text). Returns
        the rows as tuples of text."""
        if self.database is None:
            db = sqlite3.connect(os.path.join(self.data, "pillarbox.sqlite3"))
            try:
                rows = db.execute(statement, params).fetchall()
                db.commit()
            finally:
                db.close()
            return [tuple(None if v is None else str(v) for v in row) for row in rows]
        return pgtest.run_sql(self.database, statement, params)

    @contextlib.contextmanager
    def store_unwritable(self):
        """While the `with` block runs, storing a message fails as a broken disk or database
        makes it fail: SQLite: the message files' directory is a plain file (so only messages
        larger than [store] inline_max_octets fail); PostgreSQL: the table of message bytes is
        renamed away."""
        if self.database is not None:
            self.sql("ALTER TABLE blobs RENAME TO blobs_away")
            try:
                yield
            finally:
                self.sql("ALTER TABLE blobs_away RENAME TO blobs")
            return
        messages = os.path.join(self.data, "messages")
        os.rename(messages, messages + ".away")
        try:
            with open(messages, "w") as f:
                f.write("in the way")
            yield
        finally:
            os.remove(messages)
            os.rename(messages + ".away", messages)

    def add_user(self, address, password):
        self.cli("user", "add", address, "--password-stdin", input=(password + "\n").encode())

    def start(self):
        # free_port() cannot reserve a port: between it and the server's bind another process
        # (a client's connect(), another test's server) may take one. Then the server exits at
        # once saying so, and it is started again on new ports (read the *_port attributes
        # after start()).
        for _ in range(4):
            try:
                return self._start_once()
            except RuntimeError as e:
                if "Address already in use" not in str(e):
                    raise
                self._stderr.close()
                self._pick_ports()
        return self._start_once()

    def _start_once(self):
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([self.binary, "--config", self.config, "serve"],
                                     stdout=subprocess.DEVNULL, stderr=self._stderr)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("pillarbox exited at start:\n" + self.stderr())
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as s:
                    # A greeting, not just an accepted connection: the listening socket takes
                    # connections before a later listener fails and the server exits.
                    if s.recv(100):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("pillarbox did not start listening:\n" + self.stderr())

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit status."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        status = self.proc.returncode
        self.proc = None
        self.check_sanitizers()
        return status

    # What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer print when they find
    # something (the sanitizer build, README "Sanitizers").
    SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

    def check_sanitizers(self):
        """Raises AssertionError with the report when the server's stderr holds a sanitizer
        finding, so that a finding fails the test even where the test does not look at the exit
        status (a leak is reported only as the server exits)."""
        text = self.stderr()
        for marker in self.SANITIZER_MARKERS:
            at = text.find(marker)
            if at >= 0:
                raise AssertionError(f"sanitizer report in the server's stderr ({self.stderr_path}):\n"
                                     + text[max(0, at - 200):at + 4000])

    def who(self):
        """The running server's `pillarbox who --json` answer, parsed."""
        return json.loads(self.cli("--json", "who").stdout)

    def metrics(self):
        """The /metrics endpoint's samples as {"name{labels}": value}."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=30) as r:
            text = r.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def wait_for_sessions(self, counted, timeout=30):
        """Waits until `who` and the metrics both report exactly `counted` IMAP/POP3 sessions
        (the server notices a closed connection a moment after the client closes it); returns
        the last `who` answer. Raises AssertionError naming the numbers when it does not get
        there."""
        deadline = time.time() + timeout
        while True:
            w = self.who()
            m = self.metrics()
            from_metrics = m['pillarbox_sessions{protocol="imap"}'] + m['pillarbox_sessions{protocol="pop3"}']
            if w["counted_sessions"] == counted and from_metrics == counted:
                return w
            if time.time() > deadline:
                raise AssertionError(f"who reports {w['counted_sessions']} sessions and the metrics {from_metrics}, "
                                     f"expected {counted}: {w}")
            time.sleep(0.05)

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            if self.database is not None and self._owns_database:
                pgtest.drop_database(self.database)
                self.database = None
