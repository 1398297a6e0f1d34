#!/usr/bin/env bash
# Benchmarks, each side by side with a reference run in the same script on the same data.
#   scripts/bench.sh [ROWS]      ROWS codes for the import and redemption ledgers (default 10,000,000)
# Prints figures; docs/performance.md records a run. Builds storegate in release mode.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
STOREGATE_APT_PACKAGES+=(time python3)
cd "$(storegate_root)"
install_missing_packages
require_swift

ROWS=${1:-10000000}
REDEMPTIONS=${REDEMPTIONS:-20000}
OUT=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$OUT"
echo "== release build (Swift runtime linked statically, as deployed: see systemd/install.sh)"
swift build -c release --product storegate --static-swift-stdlib 2>&1 | tail -1
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/storegate
cc -O2 -o "$OUT/redeem_reference" scripts/bench/redeem_reference.c -lsqlite3
cc -O2 -o "$OUT/basket_reference" scripts/bench/basket_reference.c -lsqlite3

# Runs a command under GNU time; prints its output and "peak RSS" from the kernel's accounting.
measure() {
    /usr/bin/time -f "    peak RSS %M KiB, wall %e s" "$@"
}

echo
echo "== parse (release, one core)"
"$BIN" bench parse --count 500000

echo
echo "== import of $ROWS codes (CSV) — storegate import vs sqlite3 .import of the same CSV into the same schema"
python3 scripts/bench/gen_codes.py "$ROWS" "$OUT/codes.csv"
"$BIN" ledger init --db "$OUT/import.sqlite" --store-id S1 --region CN-31 >/dev/null
cp "$OUT/import.sqlite" "$OUT/reference.sqlite"
# The reference goes through a view whose trigger fills the same codes table the ledger's importer fills.
sqlite3 "$OUT/reference.sqlite" <<'SQL'
CREATE VIEW import_rows(code, product, lot, expiry) AS SELECT id, product, lot, expiry FROM codes;
CREATE TRIGGER import_rows_insert INSTEAD OF INSERT ON import_rows
BEGIN INSERT INTO codes(id, kind, product, lot, expiry) VALUES (NEW.code, 'unit', NEW.product, NEW.lot, NEW.expiry); END;
SQL
echo "-- storegate import"
measure "$BIN" import --db "$OUT/import.sqlite" "$OUT/codes.csv"
echo "-- sqlite3 .import (synchronous=FULL, WAL)"
start=$(date +%s.%N)
measure sqlite3 -cmd "PRAGMA synchronous=FULL" "$OUT/reference.sqlite" ".import --csv --skip 1 $OUT/codes.csv import_rows"
end=$(date +%s.%N)
python3 -c "print(f'    {int($ROWS/($end-$start)):,} rows/s')"
for db in import reference; do
    printf '    %s: %s codes\n' "$db" "$(sqlite3 "$OUT/$db.sqlite" 'SELECT count(*) FROM codes')"
done

echo
echo "== durable redemption on the $ROWS-code ledger (synchronous=FULL): storegate vs C program, same statements"
# Pairs back to back on fresh copies of the freshly imported ledger, so both start from the same file. Before
# each run the copies' dirty pages are written back (sync) and its copy is read once, so that neither side runs
# during the other's writeback or starts with a colder page cache. Wall time on a shared machine varies from run
# to run: compare within a pair, and look at every pair. REDEEM_SIZED=1 adds the C program storing rows as big
# as storegate's (context: how much of a difference is only the bytes written; not the reference).
for pair in $(seq "${REDEEM_PAIRS:-3}"); do
    echo "-- pair $pair"
    rm -f "$OUT"/redeem-*.sqlite*
    for side in storegate reference $([ "${REDEEM_SIZED:-0}" = 1 ] && echo sized); do
        cp "$OUT/import.sqlite" "$OUT/redeem-$side.sqlite"
    done
    sync; cat "$OUT/redeem-reference.sqlite" >/dev/null
    "$OUT/redeem_reference" "$OUT/redeem-reference.sqlite" "$OUT/codes.csv" "$REDEMPTIONS"
    sync; cat "$OUT/redeem-storegate.sqlite" >/dev/null
    "$BIN" bench redeem --db "$OUT/redeem-storegate.sqlite" --codes "$OUT/codes.csv" --count "$REDEMPTIONS"
    if [ "${REDEEM_SIZED:-0}" = 1 ]; then
        sync; cat "$OUT/redeem-sized.sqlite" >/dev/null
        printf '(storegate-sized rows) '
        "$OUT/redeem_reference" "$OUT/redeem-sized.sqlite" "$OUT/codes.csv" "$REDEMPTIONS" --storegate-sized-rows
    fi
done
rm -f "$OUT"/redeem-*.sqlite*

echo
echo "== durable 5-line baskets (3 serialised) on the $ROWS-code ledger: storegate vs C program, same statements"
BASKETS=${BASKETS:-5000}
for pair in $(seq "${BASKET_PAIRS:-3}"); do
    echo "-- pair $pair"
    rm -f "$OUT"/basket-*.sqlite*
    for side in storegate reference; do cp "$OUT/import.sqlite" "$OUT/basket-$side.sqlite"; done
    sync; cat "$OUT/basket-reference.sqlite" >/dev/null
    "$OUT/basket_reference" "$OUT/basket-reference.sqlite" "$OUT/codes.csv" "$BASKETS"
    sync; cat "$OUT/basket-storegate.sqlite" >/dev/null
    "$BIN" bench basket --db "$OUT/basket-storegate.sqlite" --codes "$OUT/codes.csv" --count "$BASKETS"
done
rm -f "$OUT"/basket-*.sqlite*
if command -v valgrind >/dev/null; then
    echo "-- instructions per redemption (callgrind; user space only)"
    scripts/bench/redeem_instructions.sh "$BIN" "$OUT/redeem_reference" "$OUT/import.sqlite" "$OUT/codes.csv"
fi

echo
echo "== MQTT uplink: drain of a ${DRAIN_EVENTS:=200000}-event backlog through a local mosquitto vs mosquitto_pub -l -q 1"
scripts/bench/mqtt_drain.sh "$BIN" "$DRAIN_EVENTS" "$OUT/mqtt"

echo
echo "== replayed scan → PUBACK latency (${LATENCY_SCANS:=5000} scans)"
scripts/bench/scan_latency.sh "$BIN" "$LATENCY_SCANS" "$OUT/latency"

echo
echo "bench data in $OUT (delete it when done)"
