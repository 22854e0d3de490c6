#!/usr/bin/env bash
# bench/xlsx.sh — the xlsx import target (../shared/design.md, "Performance":
# 100k rows parsed, validated and stored in under 10 s, ≥ 10× faster than
# python3-openpyxl in read-only mode merely reading the same file), measured
# in one run on this machine; results go to docs/performance.md by hand.
#
# What it does:
#   1. builds build/tools/ts-xlsxgen (tools/ts-xlsxgen.c);
#   2. writes two workbooks of $BENCH_XLSX_ROWS data rows (+ a header) shaped
#      like the 外贸企业出口退税出口明细申请表 (15 columns, two of them mostly
#      empty) with libxlsxwriter: "inline" in constant_memory mode (inline
#      strings, as our exports write them) and "shared" with shared strings
#      (as Excel writes them);
#   3. for each: times `ts-xlsxgen read` (lib/ts_xlsx.c plus the checks an
#      import makes on every row: 报关单号, 商品代码, 所属期, 出口日期,
#      数量, 美元离岸价) $BENCH_XLSX_REPEAT times and keeps the median, then
#      `/usr/bin/python3` openpyxl load_workbook(read_only=True) iterating
#      every row, once; both under /usr/bin/time -v (wall, CPU, peak RSS);
#   4. checks that both saw the same number of rows and non-empty cells, and
#      prints seconds, rows/s, peak RSS and the ratios openpyxl / ours of
#      wall and of CPU time (user + sys), and the load average after; the
#      same text goes to $BENCH_OUT/xlsx-<time>.txt.
#
# Environment (all optional):
#   BENCH_XLSX_ROWS     data rows                      default 100000
#   BENCH_XLSX_REPEAT   runs of our reader per file    default 3
#   BENCH_OUT           results folder                 default build/bench
#   B                   build folder                   default build
#
# "stored" (the INSERTs of an import) is not in this script: that belongs to
# the import program's own bench; this one measures the reader and the row
# checks.  Nothing here is a test.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init xlsx
ROWS=${BENCH_XLSX_ROWS:-100000}
REPEAT=${BENCH_XLSX_REPEAT:-3}
PY=/usr/bin/python3 # Debian's python3-openpyxl imports only under this one
GEN=$B/tools/ts-xlsxgen

[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
$PY -c 'import openpyxl' 2>/dev/null || die "python3-openpyxl not importable by $PY"
make --no-print-directory "$GEN" >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
REPORT=$OUT/xlsx-$(date +%Y%m%d-%H%M%S).txt

# timed OUT_PREFIX CMD... — run CMD under /usr/bin/time -v; its stdout goes
# to OUT_PREFIX.out and the measurements to OUT_PREFIX.time.
timed() {
    local prefix=$1
    shift
    /usr/bin/time -v -o "$prefix.time" "$@" >"$prefix.out"
}

# measure FILE.time — "wall_s cpu_s rss_kb" from a /usr/bin/time -v report.
measure() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = 0
                                   for (i = 1; i <= n; i++) wall = wall * 60 + t[i] }
        /User time/   { cpu += $2 }
        /System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%.2f %.2f %d\n", wall, cpu, rss }' "$1"
}

# counts FILE.out — "rows=N cells=N" from either reader's output.
counts() {
    grep -o 'rows=[0-9]* cells=[0-9]*' "$1"
}


# bench_file KIND — generate, read with both, print one table row pair.
bench_file() {
    local kind=$1 file=$WORK/$1.xlsx
    local genarg=()
    [[ $kind == shared ]] && genarg=(shared)
    "$GEN" gen "$file" "$ROWS" "${genarg[@]}"
    local size xml
    size=$(stat -c %s "$file")
    xml=$(unzip -l "$file" | awk 'END { print $1 }')
    local i walls=()
    for ((i = 1; i <= REPEAT; i++)); do
        timed "$WORK/ours-$kind-$i" "$GEN" read "$file"
        walls+=("$(measure "$WORK/ours-$kind-$i.time") $i")
    done
    local mid
    mid=$(printf '%s\n' "${walls[@]}" | sort -n | awk -v n="$REPEAT" 'NR == int((n + 1) / 2) { print $4 }')
    timed "$WORK/py-$kind" "$PY" -c "$BENCH_OPENPYXL_READ" "$file"
    local ours py
    ours=$(counts "$WORK/ours-$kind-$mid.out")
    py=$(counts "$WORK/py-$kind.out")
    [[ $ours == "$py" ]] || die "$kind: ts_xlsx saw '$ours', openpyxl '$py'"
    local all
    all=$(printf '%s\n' "${walls[@]}" | awk '{ printf "%s%s", sep, $1; sep = " / " }')
    read -r ow oc orss < <(measure "$WORK/ours-$kind-$mid.time")
    read -r pw pc prss < <(measure "$WORK/py-$kind.time")
    printf '%s: %s bytes zipped, %s bytes of XML; %s; ts_xlsx runs %s s\n' \
        "$kind" "$size" "$xml" "$ours" "$all"
    awk -v k="$kind" -v rows="$ROWS" -v ow="$ow" -v oc="$oc" -v orss="$orss" \
        -v pw="$pw" -v pc="$pc" -v prss="$prss" 'BEGIN {
        printf "| %s | ts_xlsx + row checks | %.2f | %.2f | %.0f | %.1f | %.1f | %.1f |\n",
               k, ow, oc, rows / (ow > 0 ? ow : 0.01), orss / 1024, pw / (ow > 0 ? ow : 0.01),
               pc / (oc > 0 ? oc : 0.01)
        printf "| %s | openpyxl read_only | %.2f | %.2f | %.0f | %.1f | 1 | 1 |\n",
               k, pw, pc, rows / pw, prss / 1024
    }'
}

{
    say "$(date -Is), commit $(bench_commit), $(nproc) CPUs, load average $(bench_loadavg) before"
    say "(on a shared machine the CPU ratio, user + sys of each process, is the steadier of the two)"
    say "$ROWS data rows, $REPEAT runs of ours per file (median), 1 of openpyxl"
    say "openpyxl $($PY -c 'import openpyxl; print(openpyxl.__version__)'), $($PY --version 2>&1)"
    lines=()
    for kind in inline shared; do
        out=$(bench_file "$kind")
        head -n 1 <<<"$out"
        lines+=("$(tail -n 2 <<<"$out")")
    done
    echo
    echo "| file | reader | wall s | CPU s | rows/s | peak RSS MiB | openpyxl / ours (wall) | (CPU) |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${lines[@]}"
    echo
    say "load average after: $(bench_loadavg)"
    echo "targets: ours < 10 s for 100k rows (parse + checks; storing is the import's), ratio >= 10"
} | tee "$REPORT"
say "written to $REPORT"
