#!/usr/bin/env bash
# The main job, on a real ledger file: HQ issues a signed batch, the store imports it, then
# verifies, sells, redeems the same cap twice, voids, and checks the ledger's hash chain.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

echo "== build"
swift build --product storegate 2>&1 | tail -1
STOREGATE=$(swift build --show-bin-path)/storegate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/ledger.sqlite"

step() { printf '\n== %s\n' "$*"; }
# Runs an operation and shows its answer; a rejection (exit 1) is part of the story, not a failure.
lane() { "$STOREGATE" "$@" --db "$DB" || [ $? -eq 1 ]; }

step "HQ: a signing key and a signed batch of 5 units (GTIN 09506000134352, lot L42)"
PUBLIC_KEY=$("$STOREGATE" codes keygen --key-id hq1 --out "$WORK" 2>/dev/null)
"$STOREGATE" codes issue --key "$WORK/hq1.key" --key-id hq1 --gtin 09506000134352 --count 5 \
    --lot L42 --expiry 271231 --csv >"$WORK/batch.csv"
cut -c1-110 "$WORK/batch.csv"
UNIT1=$(sed -n 2p "$WORK/batch.csv" | cut -d, -f1)
UNIT2=$(sed -n 3p "$WORK/batch.csv" | cut -d, -f1)
UNIT3_GS1=$("$STOREGATE" codes issue --key "$WORK/hq1.key" --key-id hq1 --gtin 09506000134352 --count 1 \
    --start 3 --lot L42 --expiry 271231 --format gs1)

step "store: create the ledger, trust HQ's key, import the batch"
"$STOREGATE" ledger init --db "$DB" --store-id S001 --region CN-31
"$STOREGATE" ledger keys add --db "$DB" hq1 "$PUBLIC_KEY"
"$STOREGATE" import --db "$DB" "$WORK/batch.csv"

step "what the scanner sends: unit 3 as a GS1 DataMatrix element string (GS shown as {GS})"
"$STOREGATE" parse "]d2$UNIT3_GS1"

step "checkout lane L1 (operator alice): verify and sell unit 1"
lane verify --lane L1 --operator alice --role checkout "$UNIT1"
lane sell --lane L1 --operator alice --role checkout "$UNIT1"

step "redemption counter L2 (operator bob): redeem unit 2's cap, then the same cap again"
lane redeem --lane L2 --operator bob --role redemption --key pos-7781 "$UNIT2"
lane redeem --lane L2 --operator bob --role redemption --key pos-7781 "$UNIT2"
lane redeem --lane L2 --operator bob --role redemption "$UNIT2"

step "a counterfeit: unit 2's identity with a forged signature"
FORGED=$(printf '%s' "$UNIT2" | sed -E 's/92=[A-Za-z0-9_-]{8}/92=AAAAAAAA/')
lane redeem --lane L2 --operator bob --role redemption "$FORGED"

step "void of the redemption: first from another lane (refused), then by bob on L2"
lane void --lane L1 --operator alice --role checkout "$UNIT2"
lane void --lane L2 --operator bob --role redemption "$UNIT2"

step "unit 2's state and history"
"$STOREGATE" ledger show --db "$DB" "$UNIT2"

step "the ledger: totals and integrity (hash chain, gap-free sequence, outbox coverage)"
"$STOREGATE" ledger stats --db "$DB"
"$STOREGATE" ledger check --db "$DB"
