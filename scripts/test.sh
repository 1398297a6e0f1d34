#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds once (debug, with tests), runs the suite.
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
