#!/usr/bin/env bash
# Quick start: set up, build, and run the server on its demo settings (loopback only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec ./build/pillarbox serve --demo --data "${PILLARBOX_DEMO_DATA:-pillarbox-demo}"
