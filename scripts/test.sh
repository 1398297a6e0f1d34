#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, checks the systemd unit (seconds), builds once (debug, with tests), fuzzes the parsers of untrusted bytes
# for a bounded time, runs the whole Swift Testing suite (storegate-hq's against a private PostgreSQL per test),
# runs the suites that start the executable again against the release binary (linked differently: see
# Package.swift), SIGKILLs it 100 times under load, stops the broker under it for a minute and fills its disk three times (scripts/soak), checks that binary holds no HQ code, then the USB lab (scripts/usb-lab/test.sh: the
# storegate binary against virtual USB scanners in a qemu guest, 1-2 minutes; its summary is the last line).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

echo "== systemd unit (sandbox exposure, syntax)"
bash scripts/check-systemd.sh

echo "== build"
swift build --build-tests

echo "== fuzz (libFuzzer, bounded)"
STOREGATE_FUZZ_RUNS="${STOREGATE_FUZZ_RUNS:-30000}" STOREGATE_FUZZ_SEED="${STOREGATE_FUZZ_SEED:-1}" bash scripts/fuzz.sh

echo "== test"
# One test at a time: the broker, crash and lab-style tests start real processes with their own timing, and on
# 2 cores running them side by side made progress timeouts flaky without making the suite faster (~30 s either way).
swift test --skip-build --disable-xctest --no-parallel

echo "== the release binary, as a store box runs it, under the tests that start the executable"
swift build -c release --product storegate --static-swift-stdlib 2>&1 | grep -v "the use of \`mktemp' is dangerous"
STOREGATE_BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate" \
    swift test --skip-build --disable-xctest --no-parallel --filter 'StoregateCLITests|StoregateDaemonTests'

echo "== storegate-hq builds in release mode too (its package, the benchmarks and a deployment use that build)"
swift build -c release --product storegate-hq 2>&1 | grep -v "the use of \`mktemp' is dangerous" | tail -1

echo "== soak: the release binary SIGKILLed 100 times while tills redeem and sell and the outbox drains"
/usr/bin/python3 scripts/soak/kill9.py "$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate" \
    --rounds "${STOREGATE_SOAK_ROUNDS:-100}"
echo "== soak: the broker down for 60 s while a till verifies 20 times a second"
/usr/bin/python3 scripts/soak/broker_down.py "$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate" \
    --down "${STOREGATE_BROKER_DOWN_SECONDS:-60}"

echo "== soak: the ledger's small file system filled up 3 times under a redeeming till (loop-mounted ext4)"
/usr/bin/python3 scripts/soak/disk_full.py "$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate" \
    --cycles "${STOREGATE_DISK_FULL_CYCLES:-3}"

echo "== the store's binary links no HQ code (no PostgreSQL driver, no storegate-hq module)"
HQ_SYMBOLS=$(nm "$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate" | grep -c -E 'PostgresNIO|11StoregateHQ[0-9A-Z]' || true)
if [ "$HQ_SYMBOLS" -ne 0 ]; then echo "error: the storegate binary holds $HQ_SYMBOLS symbols of PostgresNIO or StoregateHQ" >&2; exit 1; fi
echo "none"

echo "== usb lab"
sh scripts/usb-lab/test.sh "$(swift build --show-bin-path)/storegate"
