#!/usr/bin/env bash
# Instructions per durable redemption, storegate vs the C reference, counted by valgrind's callgrind: stable
# where wall time is not (a shared machine, fsync). Each side runs SMALL and LARGE redemptions on fresh copies of
# the same ledger; (LARGE run - SMALL run) / (LARGE - SMALL) cancels start-up and setup. User-space only: the
# kernel's share (fsync, pwrite) is not counted.
#   scripts/bench/redeem_instructions.sh STOREGATE_BIN REFERENCE_BIN LEDGER.sqlite CODES.csv [SMALL] [LARGE]
set -euo pipefail
BIN=$1 REFERENCE=$2 LEDGER=$3 CODES=$4 SMALL=${5:-500} LARGE=${6:-2500}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# valgrind 3.19 cannot read the DWARF 5 of a Swift release build; the symbol table is enough for totals.
strip -g "$BIN" -o "$WORK/storegate"

instructions() {  # COMMAND... -> total instructions of the run
    cp "$LEDGER" "$WORK/ledger.sqlite"
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$@" >/dev/null 2>"$WORK/valgrind.log"
    rm -f "$WORK"/ledger.sqlite*
    grep -o '^summary: [0-9]*' "$WORK/callgrind.out" | cut -d' ' -f2
}

for side in storegate reference; do
    counts=()
    for n in "$SMALL" "$LARGE"; do
        if [ "$side" = storegate ]; then
            counts+=("$(instructions "$WORK/storegate" bench redeem --db "$WORK/ledger.sqlite" --codes "$CODES" --count "$n")")
        else
            counts+=("$(instructions "$REFERENCE" "$WORK/ledger.sqlite" "$CODES" "$n")")
        fi
    done
    echo "$side: $(( (counts[1] - counts[0]) / (LARGE - SMALL) )) instructions per redemption"
done
