#!/usr/bin/env bash
# Coverage-guided fuzzing of the code parser with libFuzzer + AddressSanitizer.
#   scripts/fuzz.sh [SECONDS]     (default 60; the seed corpus is the golden test table)
# Exits non-zero and leaves the crashing input in the fuzz folder when a crash or a broken invariant is found.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
install_missing_packages
require_swift

SECONDS_TO_RUN=${1:-60}
TOOLCHAIN_LIB="$(dirname "$(dirname "$(command -v swift)")")/lib/swift/clang/lib/linux"
FUZZER_RUNTIME="$TOOLCHAIN_LIB/libclang_rt.fuzzer_no_main-x86_64.a"
[ -f "$FUZZER_RUNTIME" ] || { echo "error: $FUZZER_RUNTIME not found (needs the swift.org toolchain)" >&2; exit 2; }

echo "== build the fuzz harness (address sanitizer + coverage)"
swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$FUZZER_RUNTIME" -Xlinker -lstdc++ 2>&1 | tail -1
HARNESS=.build-fuzz/debug/storegate-fuzz

CORPUS=.build-fuzz/corpus
mkdir -p "$CORPUS" .build-fuzz/artifacts
# Seed with every input of the golden table (first column; {GS} stands for 0x1D there).
n=0
while IFS=$'\t' read -r input _; do
    case "$input" in ''|'#'*) continue ;; esac
    printf '%s' "$input" | sed 's/{GS}/\x1d/g' >"$CORPUS/seed-$n"
    n=$((n + 1))
done <Tests/StoregateCoreTests/Fixtures/golden-codes.tsv

echo "== fuzz the parser for ${SECONDS_TO_RUN}s (seeds: $n)"
if ! ASAN_OPTIONS=detect_leaks=0 "$HARNESS" -max_total_time="$SECONDS_TO_RUN" -max_len=512 \
    -artifact_prefix=.build-fuzz/artifacts/ "$CORPUS" >.build-fuzz/fuzz.log 2>&1; then
    grep -E "ERROR|panic|Fatal|Precondition|SUMMARY|Test unit written" .build-fuzz/fuzz.log | head -20
    echo "FAIL: the fuzzer found a crash; the input is in .build-fuzz/artifacts" >&2
    exit 1
fi
grep -E "^Done [0-9]+ runs" .build-fuzz/fuzz.log
echo "no crash; corpus in $CORPUS"
