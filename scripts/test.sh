#!/usr/bin/env bash
# Set up, build, and run every test (unit, store conformance, transcripts, integration with
# real clients, and the real-client matrix of tests/interop/) under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The npm client of the real-client matrix, at the version package-lock.json pins.
(cd tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)
cd build
ctest --output-on-failure -j2 --timeout 1200
