#!/usr/bin/env bash
# bench/declist.sh — the xlsx import target end to end (../shared/design.md,
# "Performance": 100k rows parsed, validated and stored in under 10 s, ≥ 10×
# faster than python3-openpyxl in read-only mode merely reading the same
# file), measured in one run on this machine; results go to
# docs/performance.md ("关单清册导入") by hand.
#
# What it does:
#   1. starts a private stack (TS_MODE=test scripts/stack.sh start) in a
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
#      iterating every row of the same file, and prints the ratio
#      openpyxl / ours;
#   6. stops and removes the stack.
#
# Environment (all optional):
#   BENCH_DECLIST_ROWS    data rows                       default 100000
#   BENCH_DECLIST_SHARED  also the shared-strings file    default 1
#   BENCH_OUT             results folder                  default build/bench
#   BENCH_KEEP=1          leave the stack running
#   B                     build folder                    default build
#
# Nothing here is a test: numbers depend on the machine and on what else
# runs on it (the script prints the load average before and after).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export B=${B:-build}
BUILD=$B
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
ROWS=${BENCH_DECLIST_ROWS:-100000}
SHARED=${BENCH_DECLIST_SHARED:-1}
OUT=${BENCH_OUT:-$REPO/build/bench}
KEEP=${BENCH_KEEP:-0}
PY=/usr/bin/python3 # Debian's python3-openpyxl imports only under this one
GEN=$BUILD/tools/ts-xlsxgen

say() { printf 'bench-declist: %s\n' "$*"; }
die() { printf 'bench-declist: error: %s\n' "$*" >&2; exit 1; }

for tool in curl python3 mariadb; do
    command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
$PY -c 'import openpyxl' 2>/dev/null || die "python3-openpyxl not importable by $PY"
[[ -x $BUILD/bin/declist.fcgi && -x $BUILD/tools/ts-worker ]] ||
    die "needs $BUILD/bin/declist.fcgi and $BUILD/tools/ts-worker (run: make all)"
make --no-print-directory "$B/tools/ts-xlsxgen" >/dev/null
mkdir -p "$OUT"
REPORT=$OUT/declist-$(date +%Y%m%d-%H%M%S).txt

# ---------------------------------------------------------------- the stack

pick_port() {
    python3 - <<'EOF'
import random, socket
while True:
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        print(p)
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

VAR=$(mktemp -d /tmp/ts-bench-declist.XXXXXX)
PORT=$(pick_port)
export VAR PORT TS_MODE=test
URL=http://127.0.0.1:$PORT
RUN=$VAR/run
WORK=$VAR/bench
mkdir -p "$WORK"

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ $KEEP == 1 ]]; then
        say "stack left running: VAR=$VAR $URL (stop: VAR=$VAR scripts/stack.sh stop)"
    else
        scripts/stack.sh stop </dev/null >/dev/null 2>&1 || true
        rm -rf "$VAR"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

say "stack in $VAR on port $PORT"
scripts/stack.sh start </dev/null >"$OUT/declist-stack-start.log" 2>&1 ||
    { tail -n 30 "$OUT/declist-stack-start.log" >&2; die "scripts/stack.sh start failed"; }
[[ -s $RUN/worker.pid ]] || die "no jobs worker running (no $RUN/worker.pid)"

db() {
    mariadb --no-defaults --socket="$RUN/mysqld.sock" --user=root -N -B tuishui "$@"
}

# csrf_of FILE — the first _csrf hidden field of a saved page.
csrf_of() {
    grep -o 'name="_csrf" value="[0-9a-f]*"' "$1" | head -n 1 | sed 's/.*value="//; s/"$//'
}

# login ACCOUNT — log in through the form as a demo account; prints
# "ts_sid csrf" (the CSRF token from the 关单清册 upload page).
login() {
    local jar=$WORK/jar.$RANDOM page=$WORK/page.$RANDOM.html code sid csrf user pw
    read -r _ user pw < <(grep "^$1 " "$VAR/demo-accounts.txt")
    [[ -n $user ]] || die "no demo account $1"
    curl -s -c "$jar" -b "$jar" -o "$page" "$URL/login/"
    code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
        --data-urlencode "username=$user" --data-urlencode "password=$pw" \
        --data-urlencode "_csrf=$(csrf_of "$page")" "$URL/login/signin")
    [[ $code == 303 ]] || die "login as $1 answered $code"
    sid=$(awk '$6 == "ts_sid" { print $7 }' "$jar")
    [[ -n $sid ]] || die "login as $1: no ts_sid cookie"
    curl -s -b "ts_sid=$sid" -o "$page" "$URL/declist/"
    csrf=$(csrf_of "$page")
    [[ -n $csrf ]] || die "login as $1: no CSRF token on /declist/"
    rm -f "$jar" "$page"
    printf '%s %s\n' "$sid" "$csrf"
}

now() { date +%s.%N; }

worker_hwm_kb() {
    awk '/^VmHWM:/ { print $2 }' "/proc/$(cat "$RUN/worker.pid")/status"
}

OPENPYXL_READ='
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = cells = 0
for row in wb.worksheets[0].iter_rows(values_only=True):
    n = sum(1 for v in row if v is not None and v != "")
    if n:
        rows += 1
        cells += n
print("rows=%d cells=%d" % (rows, cells))
'

# bench_file KIND ACCOUNT — generate, import through HTTP + worker, read
# with openpyxl; prints a detail line and one table row.
bench_file() {
    local kind=$1 account=$2 file=$WORK/$1.xlsx genarg=()
    [[ $kind == shared ]] && genarg=(shared)
    "$GEN" gen "$file" "$ROWS" "${genarg[@]}"
    local sha size session sid csrf
    sha=$(sha256sum "$file" | cut -d' ' -f1)
    size=$(stat -c %s "$file")
    session=$(login "$account")
    sid=${session%% *}
    csrf=${session#* }
    local t0 t1 t2 code status="" upload job
    t0=$(now)
    code=$(curl -s -o "$WORK/upload-$kind.html" -w '%{http_code}' -b "ts_sid=$sid" \
        -F "_csrf=$csrf" -F "period=" \
        -F "file=@$file;type=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;filename=bench-$kind.xlsx" \
        "$URL/declist/upload")
    t1=$(now)
    [[ $code == 303 ]] || die "$kind: upload answered $code (see $WORK/upload-$kind.html)"
    read -r upload job < <(db -e "SELECT id, IFNULL(job_id, 0) FROM declist_upload WHERE sha256 = '$sha'")
    [[ ${job:-0} != 0 ]] || die "$kind: the upload did not become a job"
    while :; do
        status=$(db -e "SELECT status FROM job WHERE id = $job")
        [[ $status == "done" || $status == "failed" ]] && break
        sleep 0.05
    done
    t2=$(now)
    [[ $status == "done" ]] ||
        die "$kind: job $job $status: $(db -e "SELECT message FROM job WHERE id = $job")"
    local ok bad decls hwm
    read -r ok bad < <(db -e "SELECT rows_ok, rows_bad FROM declist_upload WHERE id = $upload")
    [[ $ok == "$ROWS" && $bad == 0 ]] || die "$kind: imported $ok rows, $bad bad (want $ROWS, 0)"
    decls=$(db -e "SELECT COUNT(*) FROM customs_decl WHERE upload_id = $upload")
    hwm=$(worker_hwm_kb)
    /usr/bin/time -v -o "$WORK/py-$kind.time" "$PY" -c "$OPENPYXL_READ" "$file" >"$WORK/py-$kind.out"
    local py pw
    py=$(grep -o 'rows=[0-9]* cells=[0-9]*' "$WORK/py-$kind.out")
    [[ $py == "rows=$((ROWS + 1)) "* ]] || die "$kind: openpyxl saw '$py'"
    pw=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
                        for (i = 1; i <= n; i++) w = w * 60 + t[i]; print w }' "$WORK/py-$kind.time")
    printf '%s: %s bytes; upload request %.2f s, then job %s; %s customs_decl, %s lines; openpyxl %s\n' \
        "$kind" "$size" "$(echo "$t1 - $t0" | bc)" "$job" "$decls" "$ok" "$py"
    awk -v k="$kind" -v rows="$ROWS" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v pw="$pw" \
        -v hwm="$hwm" 'BEGIN {
        e = t2 - t0
        printf "| %s | %.2f | %.2f | %.0f | %.1f | %.2f | %.1f | %s / %s |\n", k, t1 - t0, e,
               rows / e, hwm / 1024, pw, pw / e, e < 10 ? "yes" : "no", pw / e >= 10 ? "yes" : "no"
    }'
}

{
    say "$(date -Is), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
    say "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, kernel $(uname -r), Debian $(cat /etc/debian_version)"
    say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    say "$ROWS data rows per file; openpyxl $($PY -c 'import openpyxl; print(openpyxl.__version__)'), $($PY --version 2>&1)"
    lines=()
    kinds=(inline:ent-admin-trading)
    [[ $SHARED == 1 ]] && kinds+=(shared:ent-admin-production)
    for ka in "${kinds[@]}"; do
        out=$(bench_file "${ka%%:*}" "${ka#*:}")
        head -n 1 <<<"$out"
        lines+=("$(tail -n 1 <<<"$out")")
    done
    say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| file | upload request s | upload → job done s | rows/s | worker VmHWM MiB | openpyxl read s | openpyxl / ours | < 10 s / ≥ 10× |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${lines[@]}"
    echo
    echo "targets: upload → done < 10 s for 100k rows, openpyxl / ours >= 10"
} | tee "$REPORT"
say "written to $REPORT"
