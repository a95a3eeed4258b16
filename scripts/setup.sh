#!/usr/bin/env bash
# Installs the Debian packages Pillarbox needs (when missing; needs root for that) and builds it
# into ./build. Used by demo.sh and test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config ccache
          libasio-dev libssl-dev libsqlite3-dev libsodium-dev libcrypt-dev libtomlplusplus-dev libcli11-dev
          libspdlog-dev libfmt-dev libicu-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
          libpq-dev postgresql    # the PostgreSQL store, and the private test server (pg-test.sh)
          python3 curl openssl mutt tmux postfix fetchmail gsasl
          isync offlineimap3 imapfilter)    # the real-client matrix (tests/interop/)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the ImapFlow client of the matrix: Debian's, unless a node and an npm are
# already installed some other way (checked by command, as they need not come from Debian).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: run as root (or with sudo) to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Postfix is only used by the tests, with a private configuration; keep the system one unconfigured.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CMAKE_ARGS:-} >/dev/null
cmake --build build
