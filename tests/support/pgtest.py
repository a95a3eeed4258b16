"""Scratch databases on the test PostgreSQL server (scripts/pg-test.sh), for servers that run
with [store] backend = "postgresql".

CTest starts the server once per run (the "pg" fixture, tests/CMakeLists.txt) and names it in
PILLARBOX_TEST_PG_STATE (the directory whose "url" file pg-test.sh wrote), or a URL is given in
PILLARBOX_TEST_PG_URL. PILLARBOX_TEST_STORE=postgresql makes every PillarboxServer use one.
"""
import itertools
import os
import subprocess
import threading

_counter = itertools.count()
_lock = threading.Lock()


def wanted():
    """Whether the tests of this run use the PostgreSQL store rather than SQLite."""
    return os.environ.get("PILLARBOX_TEST_STORE", "sqlite") == "postgresql"


def server_url():
    """The test server's URL (its maintenance database). Raises RuntimeError when none is set."""
    url = os.environ.get("PILLARBOX_TEST_PG_URL")
    if url:
        return url
    state = os.environ.get("PILLARBOX_TEST_PG_STATE")
    if not state:
        raise RuntimeError("no test PostgreSQL server: run through ctest, or start one with "
                           "`scripts/pg-test.sh start DIR` and set PILLARBOX_TEST_PG_STATE=DIR")
    with open(os.path.join(state, "url")) as f:
        return f.read().strip()


def with_database(url, name):
    """`url` naming database `name` instead of its own."""
    base, _, query = url.partition("?")
    return base[:base.rindex("/") + 1] + name + ("?" + query if query else "")


def _sql(statement):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server_url(), "-c", statement],
                   check=True, capture_output=True, timeout=120)


def run_sql(database, statement, params=()):
    """Runs `statement` on `database`, each `?` in it standing for one of `params` (text, sent
    as psql variables so that nothing needs quoting); returns the rows as tuples of text."""
    parts = statement.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} parameters")
    script = parts[0] + "".join(f":'p{i}'" + rest for i, rest in enumerate(parts[1:])) + ";\n"
    args = ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
            "-d", with_database(server_url(), database)]
    for i, value in enumerate(params):
        args += ["-v", f"p{i}={value}"]
    done = subprocess.run(args, input=script.encode(), capture_output=True, check=True, timeout=120)
    return [tuple(line.split("\x1f")) for line in done.stdout.decode().splitlines()]


def create_database(template=None):
    """Creates an empty database (or a copy of `template`, which nobody may be connected to);
    returns its name."""
    with _lock:
        name = f"pbit_{os.getpid()}_{next(_counter)}"
    _sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def drop_database(name):
    """Drops `name`, ending whatever sessions are still connected to it."""
    _sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
