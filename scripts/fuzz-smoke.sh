#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan+UBSan) into ./build-fuzz and runs every
# target of PB_FUZZ_TARGETS (fuzz/CMakeLists.txt) for FUZZ_SECONDS (default 60) each, FUZZ_JOBS
# (default 2) at a time, each from a scratch corpus seeded with fuzz/corpus/<target> (and the
# shared real-mail corpus for fuzz_mime, read in place). Prints one summary line per target and
# exits non-zero when any target finds a crash, a leak, a timeout or runs out of memory, with
# the input that did it and the command that replays it. A "slow unit" (an input that took at
# least 10 s, libFuzzer's -report_slow_units) is printed but is not a failure: libFuzzer does
# not count it as one, and on a shared machine a stall of the whole machine makes them (a CI
# run once wrote one for each of the two targets running at that moment, whose 30-minute runs
# had no input slower than 1 s). A unit that runs past -timeout (25 s, OSS-Fuzz's value) fails.
#
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 FUZZ_TARGETS="fuzz_sasl fuzz_search" scripts/fuzz-smoke.sh
#
# Artifacts (inputs that failed, logs) stay in FUZZ_OUT (default build-fuzz/fuzz-smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
build=${FUZZ_BUILD_DIR:-build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-smoke}
real_corpus=${PB_REAL_CORPUS:-$root/../shared/corpus/real}

# --- clang and its fuzzer runtime (Debian 12), as scripts/setup.sh installs packages ---------
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz-smoke: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "fuzz-smoke: run as root (or with sudo) to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- build (under the shared build lock when there is one, so builds never overlap) ----------
lock=()
if command -v flock >/dev/null; then lock=(flock "${PB_BUILD_LOCK:-/tmp/pb-build.lock}"); fi
"${lock[@]}" cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPILLARBOX_FUZZ=ON -DPILLARBOX_TESTS=OFF >/dev/null
"${lock[@]}" cmake --build "$build" --target fuzz

# --- the targets: PB_FUZZ_TARGETS from fuzz/CMakeLists.txt, or FUZZ_TARGETS -----------------
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  read -r -a targets <<<"$(sed -n '/^set(PB_FUZZ_TARGETS/,/)/p' fuzz/CMakeLists.txt |
                           sed -e 's/set(PB_FUZZ_TARGETS//' -e 's/)//' | tr '\n' ' ')"
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz-smoke: no targets found" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"

# Runs one target; writes $out/<target>.log and $out/<target>.status.
run_target() {
  local t=$1
  local bin="$build/fuzz/$t"
  local scratch="$out/$t.corpus"
  mkdir -p "$scratch" "$out/$t.artifacts"
  local seeds=()
  [ -d "fuzz/corpus/$t" ] && seeds+=("fuzz/corpus/$t")
  if [ "$t" = fuzz_mime ] && [ -d "$real_corpus" ]; then seeds+=("$real_corpus"); fi
  local rc=0
  # A fuzzer that hangs outside an input (libFuzzer's -timeout covers inputs) is stopped too.
  timeout --kill-after=30 $((seconds + 300)) \
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-25}" -print_final_stats=1 \
    -artifact_prefix="$out/$t.artifacts/" "$scratch" "${seeds[@]}" >"$out/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$out/$t.status"
}

echo "fuzz-smoke: ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/$t" ]; then
    echo "fuzz-smoke: $t was not built" >&2
    echo 127 >"$out/$t.status"
    continue
  fi
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

# --- summary ---------------------------------------------------------------------------------
failed=0
printf '%-20s %-8s %12s %8s %14s %8s\n' target result executions exec/s cov corpus
for t in "${targets[@]}"; do
  log="$out/$t.log"
  touch "$log"
  rc=$(cat "$out/$t.status" 2>/dev/null || echo 127)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" 2>/dev/null | tail -1)
  cov_start=$(grep -m1 -o 'INITED cov: [0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
  cov_end=$(grep -o ' cov: [0-9]*' "$log" 2>/dev/null | tail -1 | grep -o '[0-9]*$' || true)
  corpus=$( (find "$out/$t.corpus" -type f 2>/dev/null || true) | wc -l)
  artifacts=$( (find "$out/$t.artifacts" -type f ! -name 'slow-unit-*' 2>/dev/null || true) | sort)
  slow=$( (find "$out/$t.artifacts" -type f -name 'slow-unit-*' 2>/dev/null || true) | sort)
  result=ok
  if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
    result=FAILED
    failed=1
  fi
  printf '%-20s %-8s %12s %8s %14s %8s\n' "$t" "$result" "${execs:--}" "${rate:--}" \
         "${cov_start:-?} -> ${cov_end:-?}" "$corpus"
  if [ "$result" = FAILED ]; then
    echo "  exit status $rc; log: $log"
    grep -m3 -E 'ERROR: |check failed|SUMMARY: ' "$log" 2>/dev/null | sed 's/^/  /' || true
    for a in $artifacts; do
      echo "  artifact: $a"
      echo "  reproduce: $build/fuzz/$t $a"
    done
  fi
  if [ -n "$slow" ]; then
    echo "  slow units, not failures (slowest: $(grep -o 'Slowest unit: [0-9]* s' "$log" | tail -1 | grep -o '[0-9]* s' || echo '?')):"
    for a in $slow; do echo "    $a"; done
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz-smoke: FAILED (inputs and logs in $out)" >&2
  exit 1
fi
echo "fuzz-smoke: all ${#targets[@]} targets ran ${seconds} s without a finding"
