#!/usr/bin/env bash
# The whole flow on one machine: a private mosquitto, a seeded ledger, `storegate run` playing a store's morning
# from replay files, HQ's reference subscriber (`storegate hq tail`), signed downlink (a revocation, plus a
# tampered and an unsigned message that must be rejected), and what the cashier saw beside what HQ received.
# It ends at HQ's system of record: storegate-hq on a private PostgreSQL, started after the store's first lane
# (so it must heal that gap with a signed requeue), a second store redeeming a cap the first already redeemed
# (a double redemption only HQ sees, answered with a signed revocation to every store), store sales (a POS basket
# refused whole and then accepted, a return, a scanner-only till, the sales summary), and what HQ stored: sell-out
# per SKU as HQ reconstructs it beside what the tills did.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(storegate_root)"
install_missing_packages
require_swift

echo "== building"
(cd "$ROOT" && swift build 2>&1 | tail -1)
SG="$ROOT/.build/debug/storegate"
SGHQ="$ROOT/.build/debug/storegate-hq"
WORK="$(mktemp -d /tmp/storegate-demo.XXXXXX)"
chmod 0777 "$WORK"   # mosquitto drops to its own user when started as root
DB="$WORK/ledger.sqlite"
BROKER_PID=""; TAIL_PID=""; GATEWAY_PID=""; STREAM_PID=""; HQ_PID=""; PG_STARTED=""
cleanup() {
    for pid in "$GATEWAY_PID" "$STREAM_PID" "$TAIL_PID" "$HQ_PID"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    [ -n "$HQ_PID" ] && wait "$HQ_PID" 2>/dev/null || true
    [ -n "$PG_STARTED" ] && bash "$ROOT/scripts/postgres-private.sh" stop "$WORK/pg" && echo "== PostgreSQL stopped" || true
    [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && echo "== broker stopped" || true
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BROKER="mqtt://127.0.0.1:$PORT"
cat > "$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
# Explicit queue limits: the default (1000) silently drops QoS 1 messages for a slow subscriber.
max_queued_messages 0
max_queued_bytes 0
log_dest file $WORK/mosquitto.log
CONF
echo "== starting mosquitto on $BROKER"
mosquitto -c "$WORK/mosquitto.conf" & BROKER_PID=$!
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

echo "== seeding the ledger: store S1 in EU-DE, a signed batch (a case of caps, loose units, codes for EU-FR)"
GTIN=09506000134352
"$SG" ledger init --db "$DB" --store-id S1 --region EU-DE >/dev/null
CODE_PUB=$("$SG" codes keygen --key-id HQ1 --out "$WORK")
"$SG" ledger keys add --db "$DB" HQ1 "$CODE_PUB" >/dev/null
"$SG" codes issue --key "$WORK/HQ1.key" --key-id HQ1 --gtin $GTIN --count 8 --serial-prefix CAP > "$WORK/caps.txt"
"$SG" codes issue --key "$WORK/HQ1.key" --key-id HQ1 --gtin $GTIN --count 2 --serial-prefix FR > "$WORK/fr.txt"
"$SG" codes issue --key "$WORK/HQ1.key" --key-id HQ1 --gtin $GTIN --count 1 --serial-prefix TILL > "$WORK/till.txt"
SSCC=001234560000000018
TODAY=$(date -u +%Y-%m-%d); LATER=$(date -u -d '+30 days' +%Y-%m-%d)
{
    echo "code,product,parent,campaign,regions"
    echo "00/$SSCC,case of 6,,,"
    for n in 1 2 3 4 5 6; do echo "01/$GTIN/21/CAP$n,lemonade 330ml,00/$SSCC,summer-caps,EU-DE"; done
    echo "01/$GTIN/21/CAP7,lemonade 330ml,,loyal-caps,EU-DE"
    echo "01/$GTIN/21/CAP8,lemonade 330ml,,summer-caps,EU-DE"
    echo "01/$GTIN/21/FR1,limonade 330ml,,summer-caps,EU-FR"
    echo "01/$GTIN/21/FR2,limonade 330ml,,summer-caps,EU-FR"
    echo "01/$GTIN/21/TILL1,lemonade 330ml,,,EU-DE"
} > "$WORK/batch.csv"
"$SG" import --db "$DB" "$WORK/batch.csv" | tail -1
"$SG" ledger campaign set --db "$DB" summer-caps --from "$TODAY" --to "$LATER" >/dev/null
"$SG" ledger campaign set --db "$DB" loyal-caps --from "$TODAY" --to "$LATER" --sold-here >/dev/null

echo "== HQ: a downlink signing key, trusted by the gateway (separate from the code-signing key)"
DL_PUB=$("$SG" hq keygen --key-id hq-dl-1 --out "$WORK/hq-dl-1.key")
"$SG" hq trust --db "$DB" --key-id hq-dl-1 --public-key "$DL_PUB" >/dev/null

echo "== HQ: starting the reference subscriber (storegate hq tail)"
"$SG" hq tail --broker "$BROKER" --summary "$WORK/hq-summary.json" > "$WORK/hq.jsonl" 2>"$WORK/hq-tail.err" & TAIL_PID=$!
sleep 0.5

cap() { sed -n "${1}p" "$WORK/caps.txt"; }
counterfeit() { cap 4 | sed 's/21CAP4/21CAP9/'; }   # a real code's signature on a serial HQ never issued
run_lane() {   # run the daemon on one replay file until HQ acknowledged everything
    "$SG" run --db "$DB" --broker "$BROKER" --exit-when-drained --log-level warning \
        --source "replay:$1" --role "$2" --lane "$3" | tee -a "$WORK/cashier.log"
}

echo; echo "== 07:00 receiving lane: the case arrives (its 6 caps are received with it)"
printf '%s\n' "00$SSCC" > "$WORK/receiving.txt"
run_lane "$WORK/receiving.txt" receiving 1

echo; echo "== HQ: a private PostgreSQL 15 and storegate-hq, started only now: it never saw the receiving lane"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bash "$ROOT/scripts/postgres-private.sh" start "$WORK/pg" "$PG_PORT"; PG_STARTED=1
cat > "$WORK/hq.toml" <<TOML
[database]
port = $PG_PORT
user = "storegate"
name = "storegate_hq"
[mqtt]
url = "$BROKER"
client_id = "storegate-hq-demo"
[downlink]
key_id = "hq-dl-1"
key_file = "$WORK/hq-dl-1.key"
sync_beacon_seconds = 0
[ingest]
gap_requeue_after_seconds = 1
requeue_resend_seconds = 5
TOML
cat > "$WORK/stores.csv" <<CSV
store_id,name,region,province,city,county,township,distributor,time_zone
S1,Lindenstraße,EU-DE,Berlin,Berlin,Mitte,,Nordgetränke,Europe/Berlin
S2,Hafenkiosk,EU-DE,Hamburg,Hamburg,Altona,,Nordgetränke,Europe/Berlin
CSV
"$SGHQ" stores import --config "$WORK/hq.toml" "$WORK/stores.csv"
"$SGHQ" run --config "$WORK/hq.toml" 2>"$WORK/hq.log" & HQ_PID=$!
for _ in $(seq 100); do grep -q "connected to the broker" "$WORK/hq.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5

echo; echo "== 07:30 HQ revokes CAP5 (stolen shipment) with a signed message; also a tampered and an unsigned one"
"$SG" hq publish --broker "$BROKER" --key-id hq-dl-1 --key "$WORK/hq-dl-1.key" --kind revocations --store S1 --seq 1 \
    --body "{\"revocations\":[{\"code\":\"01/$GTIN/21/CAP5\",\"reason\":\"stolen shipment\"}]}"
GOOD=$("$SG" hq sign --key-id hq-dl-1 --key "$WORK/hq-dl-1.key" --kind revocations --store S1 --seq 2 \
    --body "{\"revocations\":[{\"code\":\"01/$GTIN/21/CAP1\",\"reason\":\"x\"}]}" 2>/dev/null)
TAMPERED=$(python3 -c 'import sys,json,base64; e=json.loads(sys.argv[1]); p=base64.urlsafe_b64decode(e["payload"]+"=="); p=p.replace(b"CAP1",b"CAP2"); e["payload"]=base64.urlsafe_b64encode(p).decode().rstrip("="); print(json.dumps(e))' "$GOOD")
"$SG" hq publish --broker "$BROKER" --key-id hq-dl-1 --key "$WORK/hq-dl-1.key" --kind revocations --store S1 --seq 2 --raw "$TAMPERED" >/dev/null
"$SG" hq publish --broker "$BROKER" --key-id hq-dl-1 --key "$WORK/hq-dl-1.key" --kind revocations --store S1 --seq 3 \
    --raw '{"v":1,"payload":"e30"}' >/dev/null
# The store's gateway connects (its persistent session holds the three messages) and applies what verifies,
# before the first sale of the day.
"$SG" run --db "$DB" --broker "$BROKER" --log-level warning & GATEWAY_PID=$!
for _ in $(seq 200); do "$SG" ledger show --db "$DB" "01/$GTIN/21/CAP5" 2>/dev/null | head -1 | grep -q revoked && break; sleep 0.1; done
kill -TERM "$GATEWAY_PID"; wait "$GATEWAY_PID" || true; GATEWAY_PID=""

echo; echo "== 09:00 checkout lane 2: sales (one is the revoked CAP5, one a code meant for France)"
{ cap 1; cap 2; cap 3; cap 5; sed -n 1p "$WORK/fr.txt"; } > "$WORK/checkout.txt"
run_lane "$WORK/checkout.txt" checkout 2

echo; echo "== 10:00 redemption counter 3: caps, the same cap again, a counterfeit, an unsold loyal-caps code"
{ cap 1; cap 6; cap 1; counterfeit; cap 7; } > "$WORK/redemption.txt"
run_lane "$WORK/redemption.txt" redemption 3

echo; echo "== 10:15 lane 2 voids the sale of CAP3 (same lane, within the undo window)"
"$SG" void --db "$DB" --lane 2 --operator lane-2 --role checkout "01/$GTIN/21/CAP3" | tee -a "$WORK/cashier.log" || true
"$SG" run --db "$DB" --broker "$BROKER" --exit-when-drained --log-level warning   # no lanes: just deliver it

echo; echo "== 10:30 till 4 redeems CAP8 itself over the local POS API (docs/api.md); the event stream shows it"
API_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
API="http://127.0.0.1:$API_PORT"
TOKEN=$("$SG" api token add --db "$DB" --till 4 --scopes redeem,read 2>/dev/null)   # till 4's token: its lane and operator
"$SG" run --db "$DB" --broker "$BROKER" --log-level warning --api "127.0.0.1:$API_PORT" & GATEWAY_PID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$API_PORT) 2>/dev/null && break; sleep 0.1; done
curl -sN -H "Authorization: Bearer $TOKEN" "$API/v1/events" > "$WORK/events.txt" & STREAM_PID=$!
for _ in $(seq 100); do [ -s "$WORK/events.txt" ] && break; sleep 0.05; done   # subscribed once its first line is in
ANSWER=$(curl -s -X POST "$API/v1/redeem" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: till4-0001' -d "{\"scan\":\"01/$GTIN/21/CAP8\"}")
echo "POST /v1/redeem → $ANSWER"
python3 - "$ANSWER" >> "$WORK/cashier.log" <<'PY'
import json, sys
a = json.loads(sys.argv[1])
print(f"till 4 (API) redeem {a.get('id', '-')}: {a['result']}: {a['reason']} [event {a['seq']}]")
PY
kill -TERM "$GATEWAY_PID"; wait "$GATEWAY_PID" || true; GATEWAY_PID=""
wait "$STREAM_PID" 2>/dev/null || true; STREAM_PID=""
echo "GET /v1/events saw:"; sed 's/^/  /' "$WORK/events.txt"
"$SG" run --db "$DB" --broker "$BROKER" --exit-when-drained --log-level warning   # deliver anything left

echo; echo "== 11:00 store S2 (another gateway, same region) redeems CAP6 — which S1 already redeemed at 10:00"
DB2="$WORK/ledger-s2.sqlite"
"$SG" ledger init --db "$DB2" --store-id S2 --region EU-DE >/dev/null
"$SG" ledger keys add --db "$DB2" HQ1 "$CODE_PUB" >/dev/null
"$SG" hq trust --db "$DB2" --key-id hq-dl-1 --public-key "$DL_PUB" >/dev/null
"$SG" import --db "$DB2" "$WORK/batch.csv" | tail -1
"$SG" ledger campaign set --db "$DB2" summer-caps --from "$TODAY" --to "$LATER" >/dev/null
"$SG" redeem --db "$DB2" --lane 1 --operator s2-counter "$(cap 6)" || true
"$SG" run --db "$DB2" --broker "$BROKER" --exit-when-drained --log-level warning

echo; echo "== 12:00 till 5 rings up a basket over the POS API: a unit, two plain bottles, a 再来一瓶 reward"
# First with the loyal-caps cap CAP7 as the reward: that campaign redeems only caps sold here, so the whole basket
# is refused and nothing changes; the POS drops it and uses CAP3 (summer-caps) instead.
TILL5=$("$SG" api token add --db "$DB" --till 5 --scopes sell,redeem,return 2>/dev/null)   # till 5's token: its lane
"$SG" run --db "$DB" --broker "$BROKER" --log-level warning --api "127.0.0.1:$API_PORT" & GATEWAY_PID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$API_PORT) 2>/dev/null && break; sleep 0.1; done
basket() {
    echo "{\"receipt\":\"T5-0001\",\"currency\":\"EUR\",\"lines\":[
      {\"code\":\"$(cap 4)\",\"unit_price\":250},
      {\"gtin\":\"4006381333931\",\"quantity\":2,\"unit_price\":150,\"discount\":20},
      {\"type\":\"reward\",\"code\":\"01/$GTIN/21/$1\",\"gtin\":\"$GTIN\"}]}"
}
sale_line() {   # an answer of the API as the cashier's line
    python3 - "$1" <<'PY'
import json, sys
a = json.loads(sys.argv[1])
if "return_id" in a:
    print(f"till 5 (API) return {a['return_id']}: refund {a['refund']} {a['currency']} [event {a['seq']}]")
else:
    verdict = "ACCEPTED" if a["accepted"] else "REJECTED"
    lines = "; ".join(f"line {l['line']} {l['result']}" for l in a["lines"])
    recorded = f"[event {a['seq']}]" if a.get("seq") else "[nothing recorded]"
    print(f"till 5 (API) basket {a['receipt']}: {verdict}: {lines} {recorded}")
PY
}
for reward in CAP7 CAP3; do
    ANSWER=$(curl -s -X POST "$API/v1/sales" -H "Authorization: Bearer $TILL5" -H 'Content-Type: application/json' -d "$(basket $reward)")
    sale_line "$ANSWER" | tee -a "$WORK/cashier.log"
done
echo "== 12:10 the customer brings one plain bottle back"
ANSWER=$(curl -s -X POST "$API/v1/returns" -H "Authorization: Bearer $TILL5" -H 'Content-Type: application/json' \
    -d '{"return_id":"T5-R-0001","receipt":"T5-0001","lines":[{"line":2,"quantity":1}]}')
sale_line "$ANSWER" | tee -a "$WORK/cashier.log"
kill -TERM "$GATEWAY_PID"; wait "$GATEWAY_PID" || true; GATEWAY_PID=""

echo; echo "== 12:30 lane 6 is a scanner-only till (role sale): each scan is a one-line basket"
{ sed -n 1p "$WORK/till.txt"; echo 4006381333931; } > "$WORK/sale-lane.txt"
run_lane "$WORK/sale-lane.txt" sale 6
echo "== 13:00 the sales summary: a gateway writes one every 15 minutes and when it stops (lane 6's run just did);"
echo "   storegate sales-summary writes one at once, when anything was sold, returned or redeemed since"
"$SG" sales-summary --db "$DB"
"$SG" run --db "$DB" --broker "$BROKER" --exit-when-drained --log-level warning   # deliver it

echo; echo "== HQ heals its gap: each gateway runs until HQ holds its whole journal (HQ's requeue arrives over the downlink)"
hq_sql() { /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$PG_PORT" -U storegate -d storegate_hq -tAq -c "$1"; }
for store in S1 S2; do
    db=$([ "$store" = S1 ] && echo "$DB" || echo "$DB2")
    head=$("$SG" status --db "$db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["journal_length"])')
    "$SG" run --db "$db" --broker "$BROKER" --log-level warning & GATEWAY_PID=$!
    for _ in $(seq 300); do
        [ "$(hq_sql "SELECT coalesce(max(watermark), 0) FROM gateways WHERE store_id = '$store'")" -ge "$head" ] 2>/dev/null && break
        sleep 0.1
    done
    sleep 1   # let the broadcast revocation reach this gateway too
    kill -TERM "$GATEWAY_PID"; wait "$GATEWAY_PID" || true; GATEWAY_PID=""
done

sleep 1
kill "$TAIL_PID" 2>/dev/null; wait "$TAIL_PID" 2>/dev/null || true; TAIL_PID=""

echo; echo "== what the cashier saw | what HQ received"
python3 - "$WORK/cashier.log" "$WORK/hq.jsonl" <<'PY'
import json, re, sys
cashier = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
hq = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
events = {m["event"]["seq"]: m["event"] for m in hq if m["type"] == "event" and m["store"] == "S1"}
for line in cashier:
    m = re.search(r"event (\d+)\]", line)
    seq = int(m.group(1)) if m else None
    e = events.get(seq)
    right = f'seq {seq}: {e["op"]} {e.get("code","-")} -> {e["result"]}' if e else "(not received)"
    print(f"{line[:95]:95} | {right}")
downlink = [m["message"] for m in hq if m["type"] == "downlink"]
print()
print("== downlink reports HQ received from the gateway")
for d in downlink:
    print(f'  {d["outcome"]:9} {d.get("problem","") or "":14} {d["reason"]}')
uniq = len(events); dups = sum(1 for m in hq if m["type"] == "duplicate")
gaps = [m for m in hq if m["type"] == "gap"]
print()
print(f"== summary: {len(cashier)} answers at S1's lanes, {uniq} unique events of S1 at HQ, {dups} duplicates dropped, "
      f"{len(gaps)} gaps, {sum(1 for e in events.values() if e['op']=='redeem' and e['result']=='accepted')} redemptions accepted")
PY
echo; "$SG" status --db "$DB"
"$SG" ledger check --db "$DB" | tail -1

echo; echo "== what storegate-hq stored in PostgreSQL"
hq_sql "SELECT 'store ' || store_id || ': watermark ' || watermark || ', events ' || events || ', duplicates dropped ' || duplicates
        || ', status ' || coalesce(status_state, '?') FROM gateways ORDER BY store_id"
echo "-- sell-out and redemptions per store and GTIN (hourly rollups, written with the events):"
hq_sql "SELECT store_id || ' ' || gtin || ' ' || (CASE WHEN campaign = '' THEN '-' ELSE campaign END) || ': received ' || sum(received)
        || ', sold ' || sum(sold) || ', redeemed ' || sum(redemptions) || ', voided ' || sum(voids) || ', rejected ' || sum(rejections)
        FROM rollups_hourly GROUP BY store_id, gtin, campaign ORDER BY 1"
echo "-- the same counted again from the raw events (must equal the rollups):"
hq_sql "SELECT 'events ' || count(*) || ', sold ' || (count(*) FILTER (WHERE op = 'sell' AND result = 'accepted')
            + (SELECT coalesce(sum((l->>'quantity')::int), 0) FROM events AS e,
               jsonb_array_elements(convert_from(e.payload, 'UTF8')::jsonb->'details'->'lines') AS l WHERE e.op = 'sale'))
        || ', redeemed ' || count(*) FILTER (WHERE op = 'redeem' AND result = 'accepted') FROM events"
echo "-- sell-out per SKU at S1: what the tills did (the gateway's sales summary) | what HQ reconstructs from the events"
python3 - "$WORK/hq.jsonl" "$(hq_sql "SELECT gtin || ',' || campaign || ',' || sum(sold) || ',' || sum(returned) || ',' || sum(redemptions) || ',' || sum(revenue_minor)
        FROM rollups_hourly WHERE store_id = 'S1' AND gtin <> '' GROUP BY gtin, campaign ORDER BY 1")" <<'PY'
import json, sys
summaries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summaries = [m["event"]["details"]["summary"] for m in summaries if m["type"] == "event" and m["store"] == "S1" and m["event"]["op"] == "sales_summary"]
tills = {}
for summary in summaries:
    for sku in summary["skus"]:
        key = (sku["gtin"], sku["campaign"])
        t = tills.setdefault(key, [0, 0, 0, 0])
        t[0] += sku["sold"]; t[1] += sku["returned"]; t[2] += sku["redemptions"]; t[3] += sum(m["minor"] for m in sku["revenue"])
hq = {}
for row in sys.argv[2].split("\n"):
    if row:
        gtin, campaign, *numbers = row.split(",")
        hq[(gtin, campaign)] = [int(n) for n in numbers]
print(f"  {'GTIN':15} {'campaign':12} {'tills: sold returned redeemed revenue':40} | HQ: sold returned redeemed revenue")
for key in sorted(set(tills) | set(hq)):
    t, h = tills.get(key, [0] * 4), hq.get(key, [0] * 4)
    mark = "" if t == h else "   <-- differs"
    print(f"  {key[0]:15} {key[1] or '-':12} {t[0]:6} {t[1]:8} {t[2]:8} {t[3]:8}{'':8} | {h[0]:6} {h[1]:8} {h[2]:8} {h[3]:8}{mark}")
PY
echo "-- summaries HQ checked against the events of their range:"
hq_sql "SELECT store_id || ' summary at seq ' || seq || ' covers ' || first_seq || '-' || last_seq || ': '
        || coalesce(problem, CASE WHEN checked_ms IS NULL THEN 'not checked yet' ELSE 'agrees' END) FROM sales_summaries
        ORDER BY store_id, seq"
echo "-- gaps healed (signed requeues HQ sent):"
hq_sql "SELECT store_id || ' seq ' || from_seq || '-' || to_seq || ': ' || attempts || ' requeue(s), '
        || CASE WHEN filled_ms IS NULL THEN 'NOT filled' ELSE 'filled' END FROM requeues ORDER BY 1"
echo "-- alerts raised:"
hq_sql "SELECT kind || ' ' || coalesce(code, '') || ' ' || details::text FROM alerts ORDER BY id"
echo "-- downlink HQ sent, and what the gateways reported:"
hq_sql "SELECT o.stream || ' seq ' || o.seq || ' → ' || coalesce(string_agg(r.store_id || ' ' || r.outcome, ', '), 'no report yet')
        FROM downlink_outbox o LEFT JOIN downlink_reports r ON r.stream = o.stream AND r.seq = o.seq GROUP BY o.stream, o.seq ORDER BY 1"
kill -TERM "$HQ_PID" 2>/dev/null; wait "$HQ_PID" 2>/dev/null || true; HQ_PID=""
