#!/usr/bin/env bash
# Set up, build, and run every test (unit, store conformance, transcripts, integration with
# real clients, and the real-client matrix of tests/interop/) under CTest; then the same tests
# under AddressSanitizer+UndefinedBehaviorSanitizer and the threaded parts under
# ThreadSanitizer (scripts/sanitizers.sh), and every fuzz target for 60 s
# (scripts/fuzz-smoke.sh). Any failure or sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The npm client of the real-client matrix, at the version package-lock.json pins.
(cd tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)
(cd build && ctest --output-on-failure -j2 --timeout 1200)
bash scripts/sanitizers.sh
bash scripts/fuzz-smoke.sh
