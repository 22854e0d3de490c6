#!/usr/bin/env bash
# scripts/fuzz.sh [smoke|long] [target...] — run the libFuzzer targets.
#
# Convention (every parser of outside input has one, see design.md):
#   tests/fuzz/fuzz_<name>.c   the target (LLVMFuzzerTestOneInput); built by
#                              `make build/fuzz/fuzz_<name>` with clang,
#                              -fsanitize=fuzzer,address,undefined
#   tests/fuzz/corpus/fuzz_<name>/
#                              its regression folder, checked in: seeds and
#                              every input that once broke it (one file each,
#                              best named for what it broke, e.g.
#                              params-huge-length)
#   build/fuzz/corpus/fuzz_<name>/
#                              the working corpus `long` grows (not in git)
#   build/fuzz/crashes/        crash/leak/timeout inputs libFuzzer writes
#   build/fuzz/logs/fuzz_<name>.log   each target's output
#
# Modes:
#   smoke (default; make check)  every regression input, then up to 20000
#                                runs or 20 s, from a fresh corpus
#   long  (make fuzz)            FUZZ_SECONDS (default 600) per target,
#                                growing build/fuzz/corpus/fuzz_<name>/
# A target is named by <name> or fuzz_<name>; none named = all.
# Output is TAP, one line per target; the exit status is non-zero when any
# target failed (a crash input is then in build/fuzz/crashes/: fix the bug,
# then add the input to tests/fuzz/corpus/fuzz_<name>/ so it stays fixed).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
MODE=smoke
if [[ ${1:-} == smoke || ${1:-} == long ]]; then
    MODE=$1
    shift
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
OUT=build/fuzz
# UBSan only reports and carries on unless told to stop; a fuzzer must stop.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# The targets to run: the ones named, or every tests/fuzz/fuzz_*.c.
TARGETS=()
if [[ $# -gt 0 ]]; then
    for t in "$@"; do
        t=fuzz_${t#fuzz_}
        [[ -f tests/fuzz/$t.c ]] || { echo "fuzz: no tests/fuzz/$t.c" >&2; exit 2; }
        TARGETS+=("$t")
    done
else
    for f in tests/fuzz/fuzz_*.c; do
        [[ -e $f ]] && TARGETS+=("$(basename "$f" .c)")
    done
fi
if [[ ${#TARGETS[@]} -eq 0 ]]; then
    echo "1..0 # SKIP no fuzz targets (tests/fuzz/fuzz_*.c)"
    exit 0
fi

mkdir -p "$OUT/crashes" "$OUT/logs"
WORK_TMP=""
trap '[[ -z $WORK_TMP ]] || rm -rf "$WORK_TMP"' EXIT

# run_target T — build T and fuzz it in MODE; false when it failed.
run_target() {
    local t=$1 work reg=tests/fuzz/corpus/$1 log=$OUT/logs/$1.log
    local limits=()
    if ! make --no-print-directory "$OUT/$t" >"$log" 2>&1; then
        echo "# build of $t failed:"
        tail -n 20 "$log" | sed 's/^/#   /'
        return 1
    fi
    if [[ $MODE == long ]]; then
        work=$OUT/corpus/$t
        mkdir -p "$work"
        limits=(-max_total_time="$FUZZ_SECONDS")
    else
        WORK_TMP=$(mktemp -d)
        work=$WORK_TMP
        limits=(-runs=20000 -max_total_time=20)
    fi
    [[ -d $reg ]] || echo "# $t: no regression folder $reg/ yet"
    # The first folder receives new inputs; the regression folder is only
    # read (all its inputs run first, before any mutation).
    local dirs=("$work")
    [[ -d $reg ]] && dirs+=("$reg")
    local rc=0
    "$OUT/$t" "${limits[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$t-" "${dirs[@]}" >>"$log" 2>&1 </dev/null || rc=$?
    if [[ -n $WORK_TMP ]]; then
        rm -rf "$WORK_TMP"
        WORK_TMP=""
    fi
    if ((rc != 0)); then
        echo "# $t failed (exit $rc); log $log; tail:"
        tail -n 30 "$log" | sed 's/^/#   /'
        return 1
    fi
    return 0
}

echo "1..${#TARGETS[@]}"
n=0
failed=0
for t in "${TARGETS[@]}"; do
    n=$((n + 1))
    t0=$SECONDS
    if run_target "$t"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/logs/$t.log" | tail -n 1)
        echo "ok $n - $t ($MODE, ${runs:-?} runs, $((SECONDS - t0))s)"
    else
        echo "not ok $n - $t ($MODE)"
        failed=1
    fi
done
exit "$failed"
