#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer + AddressSanitizer of what reads untrusted bytes:
#   parser    scan bytes → a parsed code (seeds: the golden test table)
#   hid       a USB report descriptor and input reports → HID POS and keyboard decoding (seeds: the captures)
#   downlink  an MQTT downlink message → the signed-envelope verifier and the message checks behind it
#   config    a config file → the config loader (seeds: the shipped config)
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (SECONDS per target, default 60; all targets unless named)
# Run by hand it explores: a new seed each time, for as long as asked. CI runs a fixed number of inputs from a fixed
# seed (STOREGATE_FUZZ_RUNS, STOREGATE_FUZZ_SEED): the same inputs on every machine, so CI fails for a change in
# the code, not for a crash the fuzzer happens to reach only on a faster machine. Exits non-zero and leaves the
# crashing input in .build-fuzz/artifacts when a crash or a broken invariant is found.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(parser hid downlink config event)
TOOLCHAIN_LIB="$(dirname "$(dirname "$(command -v swift)")")/lib/swift/clang/lib/linux"
FUZZER_RUNTIME="$TOOLCHAIN_LIB/libclang_rt.fuzzer_no_main-x86_64.a"
[ -f "$FUZZER_RUNTIME" ] || { echo "error: $FUZZER_RUNTIME not found (needs the swift.org toolchain)" >&2; exit 2; }

echo "== build the fuzz harness (address sanitizer + coverage)"
swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$FUZZER_RUNTIME" -Xlinker -lstdc++ 2>&1 | tail -1
HARNESS=.build-fuzz/debug/storegate-fuzz

# Seeds: real inputs of each kind, so the fuzzer starts from the shapes that matter.
seed() {
    local target=$1 corpus=.build-fuzz/corpus/$1 n=0
    mkdir -p "$corpus"
    case "$target" in
    parser)
        # The golden table's first column; {GS} stands for 0x1D there.
        while IFS=$'\t' read -r input _; do
            case "$input" in ''|'#'*) continue ;; esac
            printf '%s' "$input" | sed 's/{GS}/\x1d/g' >"$corpus/seed-$n"
            n=$((n + 1))
        done <Tests/StoregateCoreTests/Fixtures/golden-codes.tsv ;;
    hid)
        # Each capture as the harness reads it: descriptor length, report size, descriptor, reports.
        python3 - "$corpus" Tests/StoregateScannerTests/Fixtures/captures/*.hex <<'PY'
import re, sys
corpus, files = sys.argv[1], sys.argv[2:]
for n, path in enumerate(files):
    lines = open(path).read().splitlines()
    match = re.search(r"descriptor=([0-9a-f]+)", lines[0]) if lines else None
    descriptor = bytes.fromhex(match.group(1)) if match else b""
    reports = [bytes.fromhex(line.split()[-1]) for line in lines[1:] if line and not line.startswith("#")]
    size = len(reports[0]) if reports else 8
    if len(descriptor) < 256 and size < 256:
        open(f"{corpus}/seed-{n}", "wb").write(bytes([len(descriptor), size % 256]) + descriptor + b"".join(reports))
PY
        n=$(ls "$corpus" | wc -l) ;;
    downlink)
        printf '%s' '{"v":1,"kind":"revocations","target":"S1","seq":1,"issued_ms":1,"body":{"revocations":[{"code":"01/09506000134352/21/A1","reason":"recalled"}]}}' >"$corpus/seed-0"
        printf '%s' '{"v":1,"kind":"commands","target":"S1","seq":2,"issued_ms":1,"body":{"command":"requeue","from_seq":1,"to_seq":9}}' >"$corpus/seed-1"
        printf '%s' '{"v":1,"key_id":"fuzz","payload":"eyJ2IjoxfQ","sig":"AAAA"}' >"$corpus/seed-2"
        n=3 ;;
    config)
        cp systemd/storegate.toml "$corpus/seed-0"
        n=1 ;;
    event)
        # A gateway's event as it publishes it, and one with details the scanner leaves to JSONDecoder.
        printf '%s' '{"v":1,"seq":7,"event_id":"0190c5a8-0000-7000-8000-000000000001","store_id":"S1","gateway_id":"g1","op":"redeem","code":"01/09506000134352/21/X","result":"accepted","reason":"","lane":"1","operator":"li","role":"checkout","time_ms":1780000000000,"provisional":false,"details":{"campaign":"cap","state":"sold","extra":[1,-2.5e3,{"a":[true,false,null]}]},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000"}' >"$corpus/seed-0"
        printf '%s' '{"v":1,"seq":8,"event_id":"0190c5a8-0000-7000-8000-000000000002","op":"sale","code":null,"result":"accepted","reason":"","lane":"1","operator":"li","role":"checkout","time_ms":1780000000001,"provisional":false,"details":{"currency":"CNY","lines":[{"line":1,"quantity":2,"unit_price":150}]},"prev_hash":"1111111111111111111111111111111111111111111111111111111111111111"}' >"$corpus/seed-1"
        n=2 ;;
    esac
    echo "$n"
}

mkdir -p .build-fuzz/artifacts
for target in "${TARGETS[@]}"; do
    seeds=$(seed "$target")
    if [ -n "${STOREGATE_FUZZ_RUNS:-}" ]; then
        bound=(-runs="$STOREGATE_FUZZ_RUNS" -seed="${STOREGATE_FUZZ_SEED:-1}")
        echo "== fuzz $target: $STOREGATE_FUZZ_RUNS inputs from seed ${STOREGATE_FUZZ_SEED:-1} (seeds: $seeds)"
    else
        bound=(-max_total_time="$SECONDS_PER_TARGET")
        echo "== fuzz $target for ${SECONDS_PER_TARGET}s (seeds: $seeds)"
    fi
    log=.build-fuzz/fuzz-$target.log
    # SWIFT_BACKTRACE off: Swift's crash reporter reads memory ASan reports as an overflow of its own.
    if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$HARNESS" "$target" "${bound[@]}" \
        -max_len=4096 -artifact_prefix=.build-fuzz/artifacts/"$target"- .build-fuzz/corpus/"$target" >"$log" 2>&1; then
        grep -E "ERROR|panic|Fatal|Precondition|Assertion|SUMMARY|Test unit written" "$log" | head -20
        echo "FAIL: the fuzzer found a crash in $target; the input is in .build-fuzz/artifacts" >&2
        exit 1
    fi
    grep -E "^Done [0-9]+ runs" "$log"
done
echo "no crash; corpora in .build-fuzz/corpus"
