#!/usr/bin/env bash
# A private PostgreSQL server for the tests, never the system's cluster: Debian's server programs
# (package postgresql, installed by scripts/setup.sh), a data directory of its own, TCP on
# 127.0.0.1 only, on a port that was free when it started, no Unix socket.
#
#   scripts/pg-test.sh start STATE_DIR   starts it; prints its URL and writes it to STATE_DIR/url
#   scripts/pg-test.sh stop STATE_DIR    stops it and removes its data directory
#
# The superuser is "pillarbox" with trust authentication (loopback only), so tests create and
# drop a database of their own each (tests/support/pgtest.py). Run as root, the server runs as
# the "postgres" user, since PostgreSQL refuses to run as root; its data directory is then a
# private directory under /tmp, so that no directory of the checkout needs to be readable by it.
set -euo pipefail

usage() { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
state=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || {
  echo "pg-test: no PostgreSQL server programs in /usr/lib/postgresql/*/bin (package postgresql)" >&2
  exit 1
}

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    mkdir -p "$state"
    if [ -f "$state/pgdata" ] && [ -f "$(cat "$state/pgdata")/postmaster.pid" ]; then
      echo "pg-test: already running ($(cat "$state/url"))" >&2
      exit 1
    fi
    data=$(mktemp -d /tmp/pillarbox-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    chmod 700 "$data"
    echo "$data" >"$state/pgdata"
    as_server "$bindir/initdb" -D "$data" -U pillarbox --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
    # A port the kernel hands out as free, tried again if someone takes it first.
    for attempt in 1 2 3 4 5; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      if as_server "$bindir/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
           -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories= -c max_connections=300 -c shared_buffers=64MB" \
           start >/dev/null; then
        url="postgresql://pillarbox@127.0.0.1:$port/postgres"
        echo "$url" >"$state/url"
        echo "$url"
        exit 0
      fi
      tail -5 "$data/server.log" >&2 || true
      echo "pg-test: start on port $port failed (attempt $attempt)" >&2
    done
    exit 1
    ;;
  stop)
    [ -f "$state/pgdata" ] || exit 0
    data=$(cat "$state/pgdata")
    if [ -f "$data/postmaster.pid" ]; then
      as_server "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || {
        # A server that will not stop in a minute is killed: the tests must leave nothing behind.
        pid=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
      }
    fi
    case "$data" in /tmp/pillarbox-pg.*) rm -rf "$data" ;; esac
    rm -f "$state/pgdata" "$state/url"
    ;;
  *) usage ;;
esac
