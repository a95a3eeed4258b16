#!/usr/bin/env bash
# The tests again under sanitizers, each in a build directory of its own (README "Sanitizers"):
#  - every test (unit, conformance, transcripts, integration, real clients) under AddressSanitizer
#    and UndefinedBehaviorSanitizer in build-asan; the integration tests fail on any report in the
#    server's stderr (tests/support/pbserver.py), the unit tests abort on one. The second run of
#    the integration and client tests on PostgreSQL (integration_pg.*, interop_pg.*) is left to
#    the plain build to keep CI within its time: the PostgreSQL store's own code is under ASan
#    through its unit tests and the conformance suite, and the layers above it are the same;
#  - the threaded parts under ThreadSanitizer in build-tsan: the store (group commit, the
#    full-text indexer, the checkpoint and sweep threads, readers on other threads), change
#    delivery (ChangeBus), LMTP/deliver's delivery, with the store conformance suite, and the
#    session registry and timers that the server's I/O threads share.
# Any report fails the run. Run by test.sh after the plain run; needs scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

# -O1 -g1, as the sanitizers' own documentation advises: it compiles in well under half the time
# of RelWithDebInfo's -O2 -g (sqlite_store.cpp 29 s against 68 s under ASan) and line tables are
# all a report's stack needs.
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
       "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")

cmake -S . -B build-asan -G Ninja "${flags[@]}" -DPILLARBOX_SANITIZE=ON >/dev/null
cmake --build build-asan
# alloc_dealloc_mismatch=0: Asio's coroutine frame allocator trips a false report.
# PILLARBOX_TEST_SANITIZED widens the memory bounds tests assert (sanitizers use more);
# PILLARBOX_TEST_MEMLIMIT_GB=0 lifts the corpus test's address-space cap (ASan reserves terabytes).
(cd build-asan &&
 ASAN_OPTIONS=alloc_dealloc_mismatch=0 UBSAN_OPTIONS=print_stacktrace=1 \
 PILLARBOX_TEST_SANITIZED=1 PILLARBOX_TEST_MEMLIMIT_GB=0 \
 ctest --output-on-failure -j2 --timeout 1800 -E '^(integration_pg|interop_pg)[.]')

tsan_tests=(pb_store_test pb_store_conformance pb_delivery_test pb_session_test)
cmake -S . -B build-tsan -G Ninja "${flags[@]}" -DPILLARBOX_TSAN=ON >/dev/null
cmake --build build-tsan --target "${tsan_tests[@]}"
# The store's tests include the PostgreSQL store's: they need the private test server, as under
# CTest (the "pg" fixture).
bash scripts/pg-test.sh start build-tsan/pg >/dev/null
trap 'bash scripts/pg-test.sh stop build-tsan/pg' EXIT
export PILLARBOX_TEST_PG_STATE=$PWD/build-tsan/pg
for t in "${tsan_tests[@]}"; do
  binary=build-tsan/$t
  [ -x "$binary" ] || binary=build-tsan/tests/$t   # the conformance suite is built in tests/
  echo "sanitizers: $t under ThreadSanitizer"
  # setarch -R: g++ 12's ThreadSanitizer cannot map its shadow memory with the address-space
  # randomization of newer kernels (vm.mmap_rnd_bits > 28); without randomization it always can.
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" setarch "$(uname -m)" -R "$binary" --gtest_brief=1
done
echo "sanitizers: no reports"
