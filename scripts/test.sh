#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds once (debug, with tests), runs the suite, the bounded
# fuzzer, then the USB lab (scripts/usb-lab/test.sh: the storegate binary against virtual USB scanners in a qemu
# guest, 1-2 minutes).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

echo "== build"
swift build --build-tests
echo "== test"
swift test --skip-build

echo "== fuzz (libFuzzer, bounded)"
bash scripts/fuzz.sh "${STOREGATE_FUZZ_SECONDS:-45}"
echo "== usb lab"
sh scripts/usb-lab/test.sh "$(swift build --show-bin-path)/storegate"
