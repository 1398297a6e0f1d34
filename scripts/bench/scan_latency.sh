#!/usr/bin/env bash
# Replayed scan → PUBACK latency: `storegate run` replays SCANS scan lines (checkout lane, full speed) through a
# private local mosquitto; the daemon records, per scan, the time from the scan entering the pipeline to the
# PUBACK of its journal event, and prints p50/p99 at exit (--report-latency). Each scan is one durable
# (synchronous=FULL) transaction, so the figures include the commit's fsync and any queueing behind earlier scans.
# Usage: scan_latency.sh STOREGATE_BIN SCANS WORKDIR
set -euo pipefail
BIN=$1; SCANS=$2; OUT=$3
source "$(dirname "$0")/broker.sh"
start_bench_broker "$OUT"

DB="$OUT/latency.sqlite"; rm -f "$DB"*
"$BIN" ledger init --db "$DB" --store-id S1 --region EU-DE >/dev/null
python3 -c "
import sys
with open('$OUT/scans.csv', 'w') as f:
    f.write('code\n' + ''.join(f'01/09506000134352/21/L{i}\n' for i in range($SCANS)))
with open('$OUT/scans.txt', 'w') as f:
    f.write(''.join(f'01/09506000134352/21/L{i}\n' for i in range($SCANS)))
"
"$BIN" import --db "$DB" "$OUT/scans.csv" >/dev/null
echo "-- $SCANS replayed checkout scans (sell, accepted), one durable transaction each"
"$BIN" run --db "$DB" --broker "mqtt://127.0.0.1:$PORT" --source "replay:$OUT/scans.txt" --role checkout \
    --exit-when-drained --report-latency --log-level error 2>&1 >/dev/null | sed 's/^/    /'
