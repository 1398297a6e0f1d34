#!/usr/bin/env bash
# Drain of an N-event backlog through a private local mosquitto: `storegate run --exit-when-drained` vs
# `mosquitto_pub -l -q 1` publishing the same payloads (one per line) to the same broker. Prints wall time,
# messages/s and peak RSS of each, and how many PUBLISHes the broker really received during each run.
# Usage: mqtt_drain.sh STOREGATE_BIN EVENTS WORKDIR
#
# mosquitto_pub is fed at most 50,000 lines per run: in -l mode it disconnects as soon as the PUBACK arrives for
# the message id of its last line, and message ids wrap at 65,535, so with more lines it stops early, exit
# status 0, most lines never sent (2.0.11: 3,395 of 200,000 published; its "200k msg/s" was that).
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
rm -f "$OUT"/payloads.part.*
split -l 50000 -d -a 3 "$OUT/payloads.txt" "$OUT/payloads.part."

rate() { python3 -c "print(f'{int($EVENTS/($2-$1)):,} msg/s')"; }
# The broker's own count of PUBLISHes received ($SYS, refreshed every second: see broker.sh; up to 2 s late).
received() {
    sleep 2.2
    mosquitto_sub -p "$PORT" -t '$SYS/broker/publish/messages/received' -C 1 -W 5
}
before=$(received)
echo "-- storegate run --exit-when-drained ($EVENTS events; includes start-up and the 1 s settle before exit)"
start=$(date +%s.%N)
/usr/bin/time -f "    peak RSS %M KiB, wall %e s, CPU user %U s sys %S s" "$BIN" run --db "$DB" --broker "mqtt://127.0.0.1:$PORT" --exit-when-drained --log-level error
end=$(date +%s.%N); after=$(received)
echo "    $(rate "$start" "$end"); undelivered after: $(sqlite3 "$DB" 'SELECT count(*) FROM outbox WHERE delivered_ms IS NULL'); broker received $((after - before)) PUBLISHes"
echo "-- mosquitto_pub -l -q 1 (same payloads, same broker, 50,000 lines per run)"
before=$after
start=$(date +%s.%N)
for part in "$OUT"/payloads.part.*; do
    /usr/bin/time -f "    peak RSS %M KiB, wall %e s, CPU user %U s sys %S s" \
        mosquitto_pub -V mqttv5 -p "$PORT" -t storegate/v1/S1/bench/events -q 1 -l < "$part"
done
end=$(date +%s.%N); after=$(received)
echo "    $(rate "$start" "$end"); broker received $((after - before)) PUBLISHes"
