#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds once (debug, with tests), fuzzes the parser
# for a bounded time, runs the whole Swift Testing suite, then the USB lab (scripts/usb-lab/test.sh: the storegate
# binary against virtual USB scanners in a qemu guest, 1-2 minutes; its summary is the last line).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

echo "== build"
swift build --build-tests

echo "== fuzz (libFuzzer, bounded)"
bash scripts/fuzz.sh "${STOREGATE_FUZZ_SECONDS:-45}"

echo "== test"
swift test --skip-build --disable-xctest

echo "== usb lab"
sh scripts/usb-lab/test.sh "$(swift build --show-bin-path)/storegate"
