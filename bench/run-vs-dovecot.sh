#!/usr/bin/env bash
# Runs the same IMAP load (pillarbox-loadgen) against Pillarbox and against Debian's Dovecot,
# one after the other, on loopback, and writes the results to bench/results/<time>/.
#
#   sudo bash bench/run-vs-dovecot.sh                      # defaults: 10 and 100 clients, 20 s each
#   sudo bash bench/run-vs-dovecot.sh --clients "10 100 1000" --duration 60 --accounts 50
#
# What it does (docs/benchmarks.md describes the method and the caveats):
#   1. installs dovecot-imapd with apt-get if it is missing (needs root; Dovecot runs as root);
#   2. builds pillarbox and pillarbox-loadgen (under the shared build lock) unless --no-build;
#   3. picks --messages messages spread evenly over the corpus (no NUL bytes, at most 1 MiB),
#      writes them as one Maildir and gives every account the same copy: Pillarbox through
#      `pillarbox user add` + `pillarbox import`, Dovecot by copying the Maildir;
#   4. both servers check the same Argon2id hash (m=32 MiB, t=3, p=1): the one `pillarbox user add`
#      stored is given to Dovecot's passwd-file as {ARGON2ID};
#   5. for each client count: starts Pillarbox, runs the load, stops it; starts Dovecot (private
#      configuration in the temporary directory, `dovecot -F`), runs the same load (same clients,
#      accounts, duration, seed), stops it. Memory is sampled every 0.25 s from /proc during each
#      run: RSS and PSS of the Pillarbox process, and the sums over Dovecot's master and all its
#      child processes (PSS counts shared pages once, so it is the fairer figure for Dovecot);
#   6. writes each load generator JSON, memory figures, versions and a summary table.
#
# --servers "pillarbox pg1 pg2 pg3" compares the embedded store with Pillarbox on PostgreSQL
# ([store] backend = "postgresql", docs/postgresql.md) behind 1, 2 and 3 front ends: a private
# PostgreSQL server (scripts/pg-test.sh: Debian's postgresql, its defaults, fsync on) is filled
# the same way through the first front end; the load generator spreads its clients over the
# front ends' ports in turn; memory is the sum over the front ends and PostgreSQL's processes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CLIENTS="10 100"
DURATION=20
WARMUP=3
ACCOUNTS=10
MESSAGES=200
SEED=1
MIX="login=5,select=10,fetch=30,store=15,append=10,search=10,expunge=5,noop=15"
CORPUS=${CORPUS:-$ROOT/../shared/corpus/real}
OUT=""
DO_BUILD=1
PB_MAX_MEMORY=$((4 << 30))
KEEP=0
DOVECOT_FSYNC=optimized
PB_CONFIG=""
SERVERS="pillarbox dovecot"
RATE=0
PASSWORD="bench-$(date +%s)-pw"

usage() {
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF
Options:
  --clients "N M ..."   client counts, one run per server each (default: "$CLIENTS")
  --duration S          measured seconds per run (default: $DURATION)
  --warmup S            seconds of load before measuring (default: $WARMUP)
  --accounts N          accounts user1..userN@bench.test (default: $ACCOUNTS)
  --messages N          messages per account (default: $MESSAGES)
  --seed N              load generator seed (default: $SEED)
  --mix SPEC            command weights (default: $MIX)
  --corpus DIR          .eml files (default: $CORPUS)
  --out DIR             results directory (default: bench/results/<UTC time>)
  --pb-max-memory BYTES address-space limit (prlimit --as) for Pillarbox, 0 for none
                        (default: $PB_MAX_MEMORY)
  --no-build            use the binaries in \$BUILD ($BUILD) as they are
  --keep                keep the temporary directory (data, configurations, logs)
  --pb-config TOML      lines added to Pillarbox's configuration, e.g. $'[store]\\nthreads = 16'
                        (no [store] table with pgN servers: theirs says where the database is)
  --servers "S ..."     pillarbox, dovecot, pg1..pg9 (Pillarbox on PostgreSQL, N front ends)
                        (default: "$SERVERS")
  --rate R              operations per second of all clients together, each client a Poisson
                        process (default: 0, closed loop: each client sends its next operation
                        as soon as the last is answered). Both servers get the same offered load,
                        so their latencies compare; closed loop measures how much each can do
  --servers "A B"       which servers to run, of "pillarbox dovecot" (default: both; one alone is
                        for quick experiments, not for comparisons)
  --dovecot-fsync MODE  Dovecot's mail_fsync: optimized (its default) or always (every index and
                        flag change synced before the reply, as Pillarbox does) (default: $DOVECOT_FSYNC)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --mix) MIX=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    --pb-max-memory) PB_MAX_MEMORY=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --dovecot-fsync) DOVECOT_FSYNC=$2; shift 2 ;;
    --pb-config) PB_CONFIG=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-vs-dovecot.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

[[ $(id -u) -eq 0 ]] || { echo "run-vs-dovecot.sh: run as root (installs and runs Dovecot)" >&2; exit 2; }
say() { echo "== $*" >&2; }

# 1. Dovecot (and sqlite3, to read the password hash Pillarbox stored).
missing=()
command -v dovecot >/dev/null || missing+=(dovecot-imapd)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  # Keep the packaged service from starting on the system ports: a policy-rc.d that forbids it,
  # only if there is none already (containers usually have one), removed afterwards.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
  [[ $own_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
fi

# 2. Binaries.
if [[ $DO_BUILD -eq 1 ]]; then
  say "building pillarbox and pillarbox-loadgen (waiting for /tmp/pb-build.lock)"
  flock /tmp/pb-build.lock cmake -S "$ROOT" -B "$BUILD" -G Ninja >/dev/null
  flock /tmp/pb-build.lock ninja -C "$BUILD" pillarbox pillarbox-loadgen >/dev/null
fi
PILLARBOX=$BUILD/pillarbox
LOADGEN=$BUILD/bench/pillarbox-loadgen
[[ -x $PILLARBOX && -x $LOADGEN ]] || { echo "run-vs-dovecot.sh: build $PILLARBOX and $LOADGEN first" >&2; exit 2; }

T=$(mktemp -d /tmp/pb-bench.XXXXXX)
chmod 755 "$T"  # Dovecot's login processes (dovenull) must reach base_dir
[[ -n $OUT ]] || OUT=$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PB_PID=""
FE_PIDS=()
DC_PID=""
SAMPLER_PID=""
cleanup() {
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n $PB_PID ]] && kill "$PB_PID" 2>/dev/null || true
  for p in "${FE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $T/pgstate/pgdata ]] && bash "$ROOT/scripts/pg-test.sh" stop "$T/pgstate"
  [[ -n $DC_PID ]] && kill "$DC_PID" 2>/dev/null || true
  sleep 0.5
  if [[ $KEEP -eq 1 ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

# 3. The messages.
say "choosing $MESSAGES messages from $CORPUS"
mkdir -p "$T/corpus" "$T/maildir/cur" "$T/maildir/new" "$T/maildir/tmp"
mapfile -t all < <(find "$CORPUS" -maxdepth 1 -name '*.eml' -type f -size -1025k | LC_ALL=C sort)
usable=()
for f in "${all[@]}"; do
  if [[ $(tr -d '\000' < "$f" | wc -c) -eq $(wc -c < "$f") ]]; then usable+=("$f"); fi
done
n=${#usable[@]}
[[ $n -gt 0 ]] || { echo "run-vs-dovecot.sh: no usable .eml files in $CORPUS" >&2; exit 2; }
[[ $MESSAGES -le $n ]] || MESSAGES=$n
for ((i = 0; i < MESSAGES; i++)); do
  f=${usable[$((i * n / MESSAGES))]}
  cp "$f" "$T/corpus/"
  cp "$f" "$T/maildir/cur/$((1700000000 + i)).M$(printf %06d "$i")P1.bench:2,"
done
corpus_bytes=$(cat "$T"/corpus/*.eml | wc -c)

# 4. Pillarbox data and configuration.
pb_config() {  # file data-dir port tls-port [store table]
  cat > "$1" <<EOF
data_dir = "$2"
[imap]
listen = ["127.0.0.1:$3"]
tls_listen = ["127.0.0.1:$4"]
[pop3]
listen = []
tls_listen = []
[lmtp]
listen = []
[limits]
max_connections_per_user = 100000
max_connections_per_ip = 100000
[log]
level = "warn"
${5:-}
$PB_CONFIG
EOF
}
populate() {  # config
  local u
  for ((u = 1; u <= ACCOUNTS; u++)); do
    echo "$PASSWORD" | "$PILLARBOX" --config "$1" user add "user$u@bench.test" --password-stdin >/dev/null
    "$PILLARBOX" --config "$1" import "user$u@bench.test" "$T/maildir" >/dev/null
  done
}
PB_PORT=$(free_port)
pb_config "$T/pillarbox.toml" "$T/pillarbox" "$PB_PORT" "$(free_port)"
say "populating Pillarbox: $ACCOUNTS accounts x $MESSAGES messages"
start=$(date +%s.%N)
populate "$T/pillarbox.toml"
pb_populate_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}")

# 4b. Pillarbox on PostgreSQL: one database, as many front-end configurations as the largest pgN.
FRONT_ENDS=0
for s in $SERVERS; do
  if [[ $s =~ ^pg([1-9])$ ]] && ((BASH_REMATCH[1] > FRONT_ENDS)); then FRONT_ENDS=${BASH_REMATCH[1]}; fi
done
FE_PORTS=()
pg_populate_s=0
if ((FRONT_ENDS > 0)); then
  say "starting a private PostgreSQL server"
  PG_URL=$(bash "$ROOT/scripts/pg-test.sh" start "$T/pgstate")
  psql -X -q -d "$PG_URL" -c "CREATE DATABASE bench"
  for ((k = 1; k <= FRONT_ENDS; k++)); do
    FE_PORTS+=("$(free_port)")
    pb_config "$T/pg-fe$k.toml" "$T/pg-fe$k" "${FE_PORTS[k - 1]}" "$(free_port)" \
      "$(printf '[store]\nbackend = "postgresql"\nurl = "%s"' "${PG_URL%/*}/bench")"
  done
  say "populating Pillarbox on PostgreSQL: $ACCOUNTS accounts x $MESSAGES messages"
  start=$(date +%s.%N)
  populate "$T/pg-fe1.toml"
  pg_populate_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}")
  PG_POSTMASTER=$(head -1 "$(cat "$T/pgstate/pgdata")/postmaster.pid")
fi

# 5. Dovecot data and configuration: the same messages, the same Argon2id hashes.
DC_PORT=$(free_port)
D=$T/dovecot
mkdir -p "$D/run" "$D/state" "$D/mail"
say "populating Dovecot: $ACCOUNTS accounts x $MESSAGES messages"
start=$(date +%s.%N)
: > "$D/passwd"
for ((u = 1; u <= ACCOUNTS; u++)); do
  user="user$u@bench.test"
  hash=$(sqlite3 "$T/pillarbox/pillarbox.sqlite3" "SELECT password_hash FROM accounts WHERE address = '$user'")
  echo "$user:{ARGON2ID}$hash" >> "$D/passwd"
  mkdir -p "$D/mail/$user"
  cp -r "$T/maildir" "$D/mail/$user/Maildir"
done
MAIL_UID=$(id -u mail)
MAIL_GID=$(id -g mail)
chown -R mail:mail "$D/mail"
dc_populate_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}")
password_scheme=$(head -c 40 < <(sqlite3 "$T/pillarbox/pillarbox.sqlite3" "SELECT password_hash FROM accounts LIMIT 1") | cut -d'$' -f2-4)
cat > "$D/dovecot.conf" <<EOF
# Private Dovecot for bench/run-vs-dovecot.sh: loopback only, no TLS, Maildir, passwd-file.
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
info_log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = $DOVECOT_FSYNC
# The mail processes run as Debian's "mail" system user (Dovecot refuses uid 0 for mail access).
first_valid_uid = 1
first_valid_gid = 1
# Up to several thousand sessions: one imap process each (its default limit is 100).
default_process_limit = 10000
default_client_limit = 10000
passdb {
  driver = passwd-file
  args = $D/passwd
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$D/mail/%u
}
protocol imap {
  # Default 10 per user and IP; the benchmark puts clients/accounts sessions on each account.
  mail_max_userip_connections = 100000
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DC_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
doveconf -c "$D/dovecot.conf" -n > "$OUT/dovecot.conf.effective" 2>&1 ||
  { cat "$OUT/dovecot.conf.effective" >&2; exit 2; }

# Memory: RSS and PSS (kB) and the number of processes of the given processes and their children.
memory_now() {  # root-pid... -> "rss pss procs"
  local pids="$*" root
  for root in "$@"; do pids+=" $(pgrep -P "$root" | tr '\n' ' ' || true)"; done
  for p in $pids; do cat "/proc/$p/smaps_rollup" 2>/dev/null; done |
    awk '/^Rss:/{r+=$2; n++} /^Pss:/{p+=$2} END{print r+0, p+0, n+0}'
}
# Sampler: the peaks of memory_now every 0.25 s until stopped (TERM), written to the file.
sample_memory() {  # output-file root-pid...
  local out=$1 peak_rss=0 peak_pss=0 peak_procs=0 rss pss procs
  shift
  set +e +o pipefail
  trap 'echo "$peak_rss $peak_pss $peak_procs" > "$out"; exit 0' TERM
  while true; do
    read -r rss pss procs < <(memory_now "$@")
    if ((rss > peak_rss)); then peak_rss=$rss; fi
    if ((pss > peak_pss)); then peak_pss=$pss; fi
    if ((procs > peak_procs)); then peak_procs=$procs; fi
    sleep 0.25 & wait $!
  done
}

run_load() {  # name port[,port...] clients server-pid...
  local name=$1 port=$2 clients=$3 rc=0
  shift 3
  local pid=$1 pids=("$@")
  local tag="$name-c$clients"
  read -r idle_rss idle_pss idle_procs < <(memory_now "${pids[@]}")
  sample_memory "$T/mem-$tag" "${pids[@]}" &
  SAMPLER_PID=$!
  say "load: $name, $clients clients, ${WARMUP}+${DURATION} s"
  "$LOADGEN" --host 127.0.0.1 --port "$port" --user 'user%d@bench.test' --password "$PASSWORD" \
    --accounts "$ACCOUNTS" --clients "$clients" --duration "$DURATION" --warmup "$WARMUP" --seed "$SEED" \
    --mix "$MIX" --rate "$RATE" --corpus "$T/corpus" --corpus-max 0 --label "$name" --json "$OUT/$tag.json" \
    | tee "$OUT/$tag.txt" || rc=$?
  kill -TERM "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" || true
  SAMPLER_PID=""
  read -r peak_rss peak_pss peak_procs < "$T/mem-$tag"
  alive=true
  kill -0 "$pid" 2>/dev/null || alive=false
  cat > "$OUT/$tag.memory.json" <<EOF
{"server": "$name", "clients": $clients, "loadgen_exit": $rc, "server_alive_after": $alive,
 "idle_rss_kb": $idle_rss, "idle_pss_kb": $idle_pss, "idle_processes": $idle_procs,
 "peak_rss_kb": $peak_rss, "peak_pss_kb": $peak_pss, "peak_processes": $peak_procs}
EOF
  echo "   memory: idle RSS ${idle_rss} kB; peak RSS ${peak_rss} kB, PSS ${peak_pss} kB in ${peak_procs} processes; loadgen exit $rc; server alive: $alive" | tee -a "$OUT/$tag.txt"
}

start_pillarbox() {  # [config port log]
  local config=${1:-$T/pillarbox.toml} port=${2:-$PB_PORT} log=${3:-$T/pillarbox.log}
  # The address-space cap keeps a runaway server from pushing a shared machine into the OOM
  # killer (it happened: see docs/benchmarks.md); an allocation beyond it fails inside Pillarbox.
  if [[ $PB_MAX_MEMORY != 0 ]]; then
    prlimit --as="$PB_MAX_MEMORY" -- "$PILLARBOX" --config "$config" serve >> "$log" 2>&1 &
  else
    "$PILLARBOX" --config "$config" serve >> "$log" 2>&1 &
  fi
  PB_PID=$!
  wait_port "$port" 20 || { echo "Pillarbox did not start:" >&2; cat "$log" >&2; exit 1; }
}
start_front_ends() {  # n: Pillarbox on PostgreSQL, front ends 1..n
  local k
  FE_PIDS=()
  for ((k = 1; k <= $1; k++)); do
    start_pillarbox "$T/pg-fe$k.toml" "${FE_PORTS[k - 1]}" "$T/pg-fe$k.log"
    FE_PIDS+=("$PB_PID")
  done
  PB_PID=""
}
stop_front_ends() {
  local p
  for p in "${FE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${FE_PIDS[@]}"; do wait "$p" || echo "   front end $p exited with status $?" >&2; done
  FE_PIDS=()
}
stop_pillarbox() {
  if kill -0 "$PB_PID" 2>/dev/null; then
    kill -TERM "$PB_PID"
    wait "$PB_PID" || echo "   pillarbox exited with status $?" | tee -a "$OUT/pillarbox.log" >&2
  else
    wait "$PB_PID" || echo "   pillarbox had already exited, status $?" | tee -a "$OUT/pillarbox.log" >&2
  fi
  PB_PID=""
}
start_dovecot() {
  dovecot -F -c "$D/dovecot.conf" >> "$D/stdout.log" 2>&1 &
  DC_PID=$!
  wait_port "$DC_PORT" 20 || { echo "Dovecot did not start:" >&2; cat "$D/dovecot.log" "$D/stdout.log" >&2; exit 1; }
}
stop_dovecot() {
  kill -TERM "$DC_PID" 2>/dev/null || true
  wait "$DC_PID" || true
  DC_PID=""
}

for c in $CLIENTS; do
  for server in $SERVERS; do
    # Each run starts with nothing left for the disk to write back (the population, the other
    # server's run): a run should not pay for its predecessor's dirty pages in its fsyncs.
    sync
    case $server in
      pillarbox)
        start_pillarbox
        run_load pillarbox "$PB_PORT" "$c" "$PB_PID"
        stop_pillarbox ;;
      dovecot)
        start_dovecot
        run_load dovecot "$DC_PORT" "$c" "$DC_PID"
        stop_dovecot ;;
      pg[1-9])
        n=${server#pg}
        start_front_ends "$n"
        run_load "pillarbox-pg$n" "$(IFS=,; echo "${FE_PORTS[*]:0:n}")" "$c" "${FE_PIDS[@]}" "$PG_POSTMASTER"
        stop_front_ends ;;
      *) echo "run-vs-dovecot.sh: unknown server $server (pillarbox, dovecot, pg1..pg9)" >&2; exit 2 ;;
    esac
  done
done
cp "$T/pillarbox.log" "$OUT/pillarbox.log" 2>/dev/null || true
cp "$D/dovecot.log" "$OUT/dovecot.log" 2>/dev/null || true

# 6. Versions, machine, summary.
cat > "$OUT/meta.json" <<EOF
{"date_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "command": "bash bench/run-vs-dovecot.sh --servers \"$SERVERS\" --clients \"$CLIENTS\" --duration $DURATION --warmup $WARMUP --accounts $ACCOUNTS --messages $MESSAGES --seed $SEED --mix $MIX --rate $RATE",
 "pillarbox_address_space_limit": $PB_MAX_MEMORY,
 "pillarbox_commit": "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)",
 "dovecot_version": "$(dovecot --version)",
 "kernel": "$(uname -r)", "nproc": $(nproc), "mem_total_kb": $(awk '/MemTotal/{print $2}' /proc/meminfo),
 "cpu": "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)",
 "accounts": $ACCOUNTS, "messages_per_account": $MESSAGES, "corpus_bytes": $corpus_bytes,
 "password_scheme_both": "$password_scheme (the hash Pillarbox stored, given to Dovecot as {ARGON2ID})",
 "populate_seconds": {"pillarbox": $pb_populate_s, "pillarbox_postgresql": $pg_populate_s, "dovecot_copy": $dc_populate_s}}
EOF
python3 - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
meta = json.loads((out / "meta.json").read_text())
print(f"# {meta['date_utc']}  {meta['command']}")
print(f"pillarbox {meta['pillarbox_commit']}, dovecot {meta['dovecot_version']}, {meta['nproc']} CPUs, "
      f"{meta['mem_total_kb'] // 1024} MiB, {meta['cpu']}\n")
runs = sorted(out.glob("*-c*.json"), key=lambda p: (int(p.stem.split("-c")[1].split(".")[0]), p.stem))
for p in runs:
    if p.name.endswith(".memory.json"):
        continue
    r = json.loads(p.read_text())
    m = json.loads((out / (p.stem + ".memory.json")).read_text())
    t = r["totals"]
    print(f"## {r['label']}, {r['clients']} clients: {t['operations_per_s']} ops/s, {t['commands_per_s']} commands/s, "
          f"p50 {t['p50_us']} us, p99 {t['p99_us']} us; NO/BAD {t['no_bad']}, failed {t['failed']}, "
          f"anomalies {t['anomalies']}, disconnects {t['disconnects']}; peak RSS {m['peak_rss_kb'] // 1024} MiB, "
          f"PSS {m['peak_pss_kb'] // 1024} MiB ({m['peak_processes']} processes); set-up {r['setup_s']} s\n")
    print("| op | count | per s | NO | BAD | fail | anom | p50 us | p90 us | p99 us | max us |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, o in r["ops"].items():
        print(f"| {name} | {o['count']} | {o['per_s']} | {o['no']} | {o['bad']} | {o['failed']} | {o['anomalies']} "
              f"| {o['p50_us']} | {o['p90_us']} | {o['p99_us']} | {o['max_us']} |")
    for s in r["problems"][:10]:
        print(f"- problem: `{s}`")
    print()
EOF
say "results in $OUT"
