#!/usr/bin/env bash
# Set up, build, and run every test (unit, store conformance, transcripts, integration with
# real clients) under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j2 --timeout 1200
