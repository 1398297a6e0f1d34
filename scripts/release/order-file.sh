#!/usr/bin/env bash
# Regenerates scripts/release/storegate.order: the functions a running daemon executes, sorted by name (so a
# module's functions sit together and the file diffs well), recorded from a release build doing a daemon's work — start-up, replayed checkout scans through
# the ledger, the uplink publishing them to a private local broker and marking them delivered.
#
# Package.swift hands the list to the release link (lld --symbol-ordering-file), which lays those functions out
# next to each other. The kernel maps code into a process 64 KiB at a time around each first use, so a daemon whose
# few thousand functions are spread over 21 MB of code maps most of it; packed together they map a few MB
# (docs/performance.md has the figures). A stale list costs memory, never correctness: names that are no longer in
# the binary are ignored. Regenerate after larger changes:
#   scripts/release/order-file.sh        (needs valgrind, mosquitto, python3; ~2 minutes)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
STOREGATE_APT_PACKAGES+=(valgrind)
cd "$(storegate_root)"
install_missing_packages
require_swift

SCANS=${SCANS:-2000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
swift build -c release --product storegate --static-swift-stdlib 2>&1 | tail -1
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate
# valgrind 3.19 cannot read the DWARF 5 of a Swift release build; the symbol table is what the list needs.
strip -g "$BIN" -o "$OUT/storegate"

source scripts/bench/broker.sh
start_bench_broker "$OUT/broker"
DB="$OUT/ledger.sqlite"
"$BIN" ledger init --db "$DB" --store-id S1 --region EU-DE >/dev/null
python3 - "$OUT" "$SCANS" <<'PY'
import sys
out, scans = sys.argv[1], int(sys.argv[2])
codes = [f'01/09506000134352/21/P{i}' for i in range(scans)]
open(f'{out}/codes.csv', 'w').write('code\n' + '\n'.join(codes) + '\n')
open(f'{out}/scans.txt', 'w').write('\n'.join(codes) + '\n')
PY
"$BIN" import --db "$DB" "$OUT/codes.csv" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$OUT/storegate" run --db "$DB" \
    --broker "mqtt://127.0.0.1:$PORT" --source "replay:$OUT/scans.txt" --role checkout --exit-when-drained \
    --log-level error 2>"$OUT/valgrind.log" >/dev/null
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM outbox WHERE delivered_ms IS NULL')" = 0 ] \
    || { echo "error: the profiled run did not deliver every event; see $OUT/valgrind.log" >&2; exit 1; }

# Function names as callgrind first names them (fn= and cfn= lines), kept if the binary defines them.
nm --defined-only "$BIN" | awk '{print $3}' | sort -u >"$OUT/defined.txt"
python3 - "$OUT/callgrind.out" "$OUT/defined.txt" scripts/release/storegate.order <<'PY'
import re, sys
profile, defined, target = sys.argv[1:]
names = set(open(defined).read().split())
order = {}
for line in open(profile, errors='replace'):
    match = re.match(r"c?fn=\(\d+\) (.+?)(?:'\d+)?$", line.rstrip('\n'))
    if match and match.group(1) in names:
        order.setdefault(match.group(1))
open(target, 'w').write(''.join(name + '\n' for name in sorted(order)))
print(f'{len(order)} functions written to {target}')
PY
# SwiftPM does not know the link reads this file: remove the binary so that the next release build links again.
rm -f "$BIN"
