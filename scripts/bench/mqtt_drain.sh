#!/usr/bin/env bash
# Drain of an N-event backlog through a private local mosquitto: `storegate run --exit-when-drained` vs
# `mosquitto_pub -l -q 1` publishing the same payloads (one per line) to the same broker. Prints wall time,
# messages/s and peak RSS of each. Usage: mqtt_drain.sh STOREGATE_BIN EVENTS WORKDIR
set -euo pipefail
BIN=$1; EVENTS=$2; OUT=$3
source "$(dirname "$0")/broker.sh"
start_bench_broker "$OUT"

DB="$OUT/drain.sqlite"; rm -f "$DB"*
"$BIN" ledger init --db "$DB" --store-id S1 --region EU-DE >/dev/null
sqlite3 "$DB" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $EVENTS)
INSERT INTO journal(seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, details, prev_hash, hash)
SELECT i, printf('0190c0de-0000-7000-8000-%012d', i), 'redeem', printf('01/09506000134352/21/B%d', i), 'accepted',
       'Redeemed.', '1', 'alice', 'checkout', 1772366400000 + i, 0, '{}', zeroblob(32), zeroblob(32) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $EVENTS)
INSERT INTO outbox(seq, payload, created_ms)
SELECT i, printf('{"v":1,"seq":%d,"event_id":"0190c0de-0000-7000-8000-%012d","op":"redeem","code":"01/09506000134352/21/B%d","result":"accepted","reason":"Redeemed.","lane":"1","operator":"alice","role":"checkout","time_ms":%d,"provisional":false,"details":{"state":"sold"},"prev_hash":"%s"}',
       i, i, i, 1772366400000 + i, hex(zeroblob(32))), 1772366400000 + i FROM n;
SQL
sqlite3 "$DB" "SELECT payload FROM outbox ORDER BY seq" > "$OUT/payloads.txt"

rate() { python3 -c "print(f'{int($EVENTS/($2-$1)):,} msg/s')"; }
echo "-- storegate run --exit-when-drained ($EVENTS events; includes start-up and the 1 s settle before exit)"
start=$(date +%s.%N)
/usr/bin/time -f "    peak RSS %M KiB, wall %e s" "$BIN" run --db "$DB" --broker "mqtt://127.0.0.1:$PORT" --exit-when-drained --log-level error
end=$(date +%s.%N); echo "    $(rate "$start" "$end"); undelivered after: $(sqlite3 "$DB" 'SELECT count(*) FROM outbox WHERE delivered_ms IS NULL')"
echo "-- mosquitto_pub -l -q 1 (same payloads, same broker)"
start=$(date +%s.%N)
/usr/bin/time -f "    peak RSS %M KiB, wall %e s" mosquitto_pub -V mqttv5 -p "$PORT" -t storegate/v1/S1/bench/events -q 1 -l < "$OUT/payloads.txt"
end=$(date +%s.%N); echo "    $(rate "$start" "$end")"
