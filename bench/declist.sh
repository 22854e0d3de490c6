#!/usr/bin/env bash
# bench/declist.sh — the xlsx import target end to end (../shared/design.md,
# "Performance": 100k rows parsed, validated and stored in under 10 s, ≥ 10×
# faster than python3-openpyxl in read-only mode merely reading the same
# file), measured in one run on this machine; results go to
# docs/performance.md ("关单清册导入") by hand.
#
# What it does:
#   1. starts a private stack (bench/lib.sh: TS_MODE=test scripts/stack.sh start) in a
#      mktemp folder on a free port: MariaDB, the programs, nginx and the
#      jobs worker (tools/ts-worker);
#   2. writes 外贸企业出口退税出口明细申请表-shaped workbooks of
#      $BENCH_DECLIST_ROWS data rows with build/tools/ts-xlsxgen gen (15
#      columns, every column lib/ts_declist.c requires; one 报关单号 per row,
#      i.e. as many customs_decl as lines — the import's worst case):
#      "inline" (constant_memory, inline strings) and, unless
#      BENCH_DECLIST_SHARED=0, "shared" (shared strings, as Excel writes);
#   3. for each file: logs in with curl through the real login form as an
#      enterprise administrator (inline: ent-admin-trading, shared:
#      ent-admin-production, so the two imports do not meet in one
#      enterprise's 关单清册), uploads it through POST /declist/upload
#      (multipart, with _csrf) — its parts inflate to more than 1.5 MiB
#      (about 2 500 rows), so it becomes a declist.import job — and times from the start of the upload until
#      the job row says done (polled every 50 ms through the MariaDB
#      socket); checks every row was imported (rows_ok) with no bad rows;
#   4. reads the worker's peak RSS (VmHWM of /proc/<worker pid>/status)
#      after each import;
#   5. times /usr/bin/python3 openpyxl load_workbook(read_only=True)
#      iterating every row of the same file, and the reader alone on it
#      (`ts-xlsxgen read`: lib/ts_xlsx plus the import's row checks, as in
#      bench/xlsx.sh; median of 3), and prints the ratio openpyxl / reader
#      (wall, and CPU = user + sys) next to the end-to-end time;
#   6. stops and removes the stack.
#
# Environment (all optional):
#   BENCH_DECLIST_ROWS    data rows                       default 100000
#   BENCH_DECLIST_SHARED  also the shared-strings file    default 1
#   BENCH_OUT             results folder                  default build/bench
#   BENCH_KEEP=1          leave the stack running
#   BENCH_PORT            the stack's port                default a free one
#   B                     build folder                    default build
#
# Nothing here is a test: numbers depend on the machine and on what else
# runs on it (the script prints the load average before and after).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init declist
ROWS=${BENCH_DECLIST_ROWS:-100000}
SHARED=${BENCH_DECLIST_SHARED:-1}
PY=/usr/bin/python3 # Debian's python3-openpyxl imports only under this one
GEN=$BUILD/tools/ts-xlsxgen

for tool in curl python3 mariadb; do
    command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
$PY -c 'import openpyxl' 2>/dev/null || die "python3-openpyxl not importable by $PY"
[[ -x $BUILD/bin/declist.fcgi && -x $BUILD/tools/ts-worker ]] ||
    die "needs $BUILD/bin/declist.fcgi and $BUILD/tools/ts-worker (run: make all)"
make --no-print-directory "$B/tools/ts-xlsxgen" >/dev/null
REPORT=$OUT/declist-$(date +%Y%m%d-%H%M%S).txt

bench_stack_start
[[ -s $RUN/worker.pid ]] || die "no jobs worker running (no $RUN/worker.pid)"

# bench_file KIND ACCOUNT — generate, import through HTTP + worker, read
# with openpyxl; prints a detail line and one table row.
bench_file() {
    local kind=$1 account=$2 file=$WORK/$1.xlsx genarg=()
    [[ $kind == shared ]] && genarg=(shared)
    "$GEN" gen "$file" "$ROWS" "${genarg[@]}"
    local sha size session sid csrf
    sha=$(sha256sum "$file" | cut -d' ' -f1)
    size=$(stat -c %s "$file")
    session=$(bench_login_as "$account" /declist/)
    sid=${session%% *}
    csrf=${session#* }
    local t0 t1 t2 code status="" upload job
    t0=$(bench_now)
    code=$(curl -s -o "$WORK/upload-$kind.html" -w '%{http_code}' -b "ts_sid=$sid" \
        -F "_csrf=$csrf" -F "period=" \
        -F "file=@$file;type=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;filename=bench-$kind.xlsx" \
        "$URL/declist/upload")
    t1=$(bench_now)
    [[ $code == 303 ]] || die "$kind: upload answered $code (see $WORK/upload-$kind.html)"
    read -r upload job < <(bench_db -e "SELECT id, IFNULL(job_id, 0) FROM declist_upload WHERE sha256 = '$sha'")
    [[ ${job:-0} != 0 ]] || die "$kind: the upload did not become a job"
    while :; do
        status=$(bench_db -e "SELECT status FROM job WHERE id = $job")
        [[ $status == "done" || $status == "failed" ]] && break
        sleep 0.05
    done
    t2=$(bench_now)
    [[ $status == "done" ]] ||
        die "$kind: job $job $status: $(bench_db -e "SELECT message FROM job WHERE id = $job")"
    local ok bad decls hwm
    read -r ok bad < <(bench_db -e "SELECT rows_ok, rows_bad FROM declist_upload WHERE id = $upload")
    [[ $ok == "$ROWS" && $bad == 0 ]] || die "$kind: imported $ok rows, $bad bad (want $ROWS, 0)"
    decls=$(bench_db -e "SELECT COUNT(*) FROM customs_decl WHERE upload_id = $upload")
    hwm=$(bench_hwm_kb "$(cat "$RUN/worker.pid")")
    /usr/bin/time -v -o "$WORK/py-$kind.time" "$PY" -c "$BENCH_OPENPYXL_READ" "$file" >"$WORK/py-$kind.out"
    local py pw pc i rd=() rw rc
    py=$(grep -o 'rows=[0-9]* cells=[0-9]*' "$WORK/py-$kind.out")
    [[ $py == "rows=$((ROWS + 1)) "* ]] || die "$kind: openpyxl saw '$py'"
    read -r pw pc < <(wall_cpu "$WORK/py-$kind.time")
    # the reader alone (ts_xlsx + the import's row checks, bench/xlsx.sh),
    # on the same file in the same run: median of 3 by wall time
    for ((i = 1; i <= 3; i++)); do
        /usr/bin/time -v -o "$WORK/rd-$kind.time" "$GEN" read "$file" >"$WORK/rd-$kind.out"
        grep -q "^rows=$((ROWS + 1)) .* bad=0 " "$WORK/rd-$kind.out" || die "$kind: ts-xlsxgen read: $(cat "$WORK/rd-$kind.out")"
        rd+=("$(wall_cpu "$WORK/rd-$kind.time")")
    done
    read -r rw rc < <(printf '%s\n' "${rd[@]}" | sort -n | sed -n 2p)
    printf '%s: %s bytes; upload request %.2f s, then job %s; %s customs_decl, %s lines; openpyxl %s\n' \
        "$kind" "$size" "$(echo "$t1 - $t0" | bc)" "$job" "$decls" "$ok" "$py"
    awk -v k="$kind" -v rows="$ROWS" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v pw="$pw" -v pc="$pc" \
        -v rw="$rw" -v rc="$rc" -v hwm="$hwm" 'BEGIN {
        e = t2 - t0
        printf "| %s | %.2f | %.2f | %.0f | %.1f | %.2f (%.2f) | %.2f (%.2f) | %.1f (%.1f) | %s | %s |\n",
               k, t1 - t0, e, rows / e, hwm / 1024, rw, rc, pw, pc, pw / rw, pc / rc,
               pw / rw >= 10 ? "yes" : "no", e < 10 ? "yes" : "no"
    }'
}

# wall_cpu FILE.time — "wall_s cpu_s" (cpu: user + sys) from /usr/bin/time -v.
wall_cpu() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
                                            for (i = 1; i <= n; i++) w = w * 60 + t[i] }
                /User time|System time/ { c += $2 }
                END { printf "%.2f %.2f\n", w, c }' "$1"
}

{
    say "$(date -Is), commit $(bench_commit)"
    say "machine: $(bench_machine)"
    say "load average before: $(bench_loadavg)"
    say "$ROWS data rows per file; openpyxl $($PY -c 'import openpyxl; print(openpyxl.__version__)'), $($PY --version 2>&1)"
    lines=()
    kinds=(inline:ent-admin-trading)
    [[ $SHARED == 1 ]] && kinds+=(shared:ent-admin-production)
    for ka in "${kinds[@]}"; do
        out=$(bench_file "${ka%%:*}" "${ka#*:}")
        head -n 1 <<<"$out"
        lines+=("$(tail -n 1 <<<"$out")")
    done
    say "load average after: $(bench_loadavg)"
    echo
    echo "| file | upload request s | end to end: upload → job done s | rows/s | worker VmHWM MiB | reader: parse + check s (CPU) | openpyxl read s (CPU) | openpyxl / reader (CPU) | reader ≥ 10× | end to end < 10 s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    printf '%s\n' "${lines[@]}"
    echo
    echo "targets: the reader (parse + check every row) >= 10x openpyxl merely reading the same file; upload → done < 10 s for 100k rows"
} | tee "$REPORT"
say "written to $REPORT"
