#!/usr/bin/env bash
# bench/run.sh — `make bench`: the design's performance targets, measured
# with wrk in one run on this machine (docs/performance.md).
#
# What it does:
#   1. starts a private stack (bench/lib.sh: TS_MODE=test
#      TS_WORKERS=$BENCH_WORKERS scripts/stack.sh start) in a mktemp folder
#      on a free port;
#   2. logs in as the production enterprise's administrator with curl
#      through the real login form, and seeds users through the real
#      用户管理 form until /users/ shows a full page of 20 rows;
#   3. saves the exact bytes of that page as a static file, served by the
#      same nginx from an extra location (/bench-static/, written into this
#      stack's nginx.d only — the production config is not touched);
#   4. runs wrk -c$BENCH_CONNECTIONS -t$BENCH_THREADS -d$BENCH_DURATION
#      --latency (64 / 2 / 15s) against
#        (a) the static copy,
#        (b) the logged-in list page GET /users/,
#        (c) a save: POST /users/save of one user with its own values under a
#            session's CSRF token (one transaction: UPDATE app_user + chained
#            audit row), round robin over the seeded users and 8 sessions;
#   5. prints req/s and p50/p99 of each, b/a, and the targets; checks that
#      every save really wrote its audit row; writes it all to
#      $BENCH_OUT/bench-<time>.txt; stops and removes the stack.
#
# BENCH_MODE=decl measures the 报关单查询 page instead (issue 6): after the
# stack starts, the customs officer imports $BENCH_DECL_COUNT declarations
# (bench/gen_decl_xml.py, 2 lines each, 出口日期 over November 2026) of the
# production enterprise through POST /customs/import (a job), and wrk loads
#   (a) the static copy of the page, byte for byte, from /bench-static/,
#   (d) GET /decl/?decl_type=clear&by=date&start=2026-11-01&end=2026-11-30
#       as that enterprise's administrator: COUNT over its declarations of
#       the range plus a page of 20, with the layout;
# both with p50/p99, in one run; the page bytes are checked against the
# copy and the row count (20, of 5 000 + the demo's).
#
# BENCH_MODE=retgoods measures the 出口退货信息查询 page (issue 7): after the
# stack starts, $BENCH_RETGOODS_COUNT 出口退货 records of the production
# enterprise (and a fifth as many of the trading one) are written straight
# into retgoods_head (the real path, a card-signed 提交 each, is far too
# slow for thousands), 最近操作时间 spread over the last 29 days and the
# states 0-8; wrk loads
#   (a) the static copy of the page,
#   (e) GET /retgoods/query?start=<today-29>&end=<today> as the production
#       enterprise's administrator: COUNT over its records of the 30 days
#       plus a page of 20, with the layout.
#
# Environment (all optional):
#   BENCH_MODE         users (list + save), decl or retgoods   default users
#   BENCH_DECL_COUNT   declarations for BENCH_MODE=decl  default 5000
#   BENCH_RETGOODS_COUNT  records for BENCH_MODE=retgoods default 5000
#   BENCH_WORKERS      worker processes per program      default 8
#   BENCH_DURATION     wrk -d                            default 15s
#   BENCH_WARMUP       an unmeasured wrk run before each default 3s
#   BENCH_CONNECTIONS  wrk -c                            default 64
#   BENCH_THREADS      wrk -t                            default 2
#   BENCH_OUT          results folder                    default build/bench
#   BENCH_PERF=1       also record `perf record -a -g` during (b) and (c)
#                      (perf-list.data, perf-save.data in BENCH_OUT) and
#                      print the top symbols
#   BENCH_KEEP=1       leave the stack running (prints VAR and URL)
#   BENCH_PORT         the stack's port                  default a free one
#   B                  build folder                      default build
#
# Nothing here is a test: numbers depend on the machine and on what else
# runs on it (the script prints the load average before it starts).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init ""
WORKERS=${BENCH_WORKERS:-8}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
PERF=${BENCH_PERF:-0}
MODE=${BENCH_MODE:-users}
DECL_COUNT=${BENCH_DECL_COUNT:-5000}
DECL_PATH='/decl/?decl_type=clear&by=date&start=2026-11-01&end=2026-11-30'
RG_COUNT=${BENCH_RETGOODS_COUNT:-5000}
[[ $MODE == users || $MODE == decl || $MODE == retgoods ]] ||
    die "BENCH_MODE is users, decl or retgoods, not $MODE"
LIST_PATH=/users/
SAVE_PATH=/users/save
ROWS=20             # rows on the list page the design's target names
SESSIONS_POST=8     # sessions the saves rotate over

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
done
[[ $PERF != 1 ]] || command -v perf >/dev/null || die "BENCH_PERF=1 needs perf"
[[ -x $BUILD/bin/login.fcgi && -x $BUILD/bin/users.fcgi ]] ||
    die "needs $BUILD/bin/login.fcgi and users.fcgi (run: make all)"

# ---------------------------------------------------------------- the stack

bench_stack_start TS_WORKERS="$WORKERS"
grep -q "^app.workers = $WORKERS\$" "$ETC/tuishui.hdf" ||
    die "the stack did not take TS_WORKERS=$WORKERS (scripts/stack.sh too old?)"
say "programs running with app.workers = $WORKERS"

# add_static_location — /bench-static/ → $WORK/static/, with the security
# headers the programs send, in this stack's nginx only; then reload.
add_static_location() {
    mkdir -p "$WORK/static"
    cat >"$ETC/nginx.d/zz-bench-static.conf" <<EOF
# Written by bench/run.sh for this benchmark stack only.
location /bench-static/ {
    alias $WORK/static/;
    include $REPO/nginx/security_headers.conf;
    add_header Cache-Control no-store always;
}
EOF
    nginx -p "$VAR/nginx" -c "$ETC/nginx.conf" -e "$VAR/log/nginx-error.log" -t -q ||
        die "nginx rejected the bench location"
    kill -HUP "$(cat "$RUN/nginx.pid")"
}

if [[ $MODE == users ]]; then
# ---------------------------------------------------------------- data

read -r ADMIN_LOGIN ADMIN_PW < <(bench_account ent-admin-production)
ADMIN=$(bench_login "$ADMIN_LOGIN" "$ADMIN_PW" "$LIST_PATH")
ENT_ID=$(bench_db -e "SELECT ent_id FROM app_user WHERE login_name = '$ADMIN_LOGIN'")

# seed_users — through the real 新增用户 form, until the enterprise has
# more users than one page holds (each with the demo 单证录入员 role).
SEED=$((ROWS + 4))
ROLE_ID=$(bench_db -e "SELECT id FROM role WHERE ent_id = $ENT_ID AND name = '单证录入员'")
seed_users() {
    local i n code
    for ((i = 1; i <= SEED; i++)); do
        n=$(printf %02d "$i")
        code=$(bench_post "$ADMIN" /users/save "nickname=压测用户$n" user_type=operator status=normal \
            "login_name=bench$n" "password=Bench#2026pw$n" "phone=139000000$n" \
            "roles=$ROLE_ID" "remark=bench/run.sh 压测数据 $n")
        [[ $code == 303* ]] || die "新增用户 bench$n answered $code (see $WORK/last-post.html)"
    done
}

# count_list_rows FILE — user rows on a saved list page (one 修改 link each).
count_list_rows() {
    grep -o 'href="/users/edit?id=[0-9]*"' "$1" | wc -l
}

# save_bodies — one 修改 body per seeded user with the values it has now,
# so every save rewrites its row unchanged and writes one audit row.
save_bodies() {
    bench_db -e "SELECT id, nickname, user_type, status, phone, IFNULL(remark, '') FROM app_user
           WHERE ent_id = $ENT_ID AND login_name LIKE 'bench%' ORDER BY id" |
        python3 -c '
import sys, urllib.parse
for line in sys.stdin:
    i, nick, typ, status, phone, remark = line.rstrip("\n").split("\t")
    print(urllib.parse.urlencode([
        ("id", i), ("nickname", nick), ("user_type", typ), ("status", status),
        ("phone", phone), ("roles", sys.argv[1]), ("remark", remark)]) + "&_csrf=@CSRF@")
' "$ROLE_ID"
}

seed_users
say "seeded: $(bench_db -e "SELECT COUNT(*) FROM app_user WHERE ent_id = $ENT_ID") users in the enterprise"

# The page as the benchmark's session sees it, saved byte for byte.
LIST_SESSION=$(bench_login "$ADMIN_LOGIN" "$ADMIN_PW" "$LIST_PATH")
curl -s -D "$WORK/list.headers" -o "$WORK/list.html" -b "ts_sid=${LIST_SESSION%% *}" "$URL$LIST_PATH"
grep -q '^HTTP/1.1 200' "$WORK/list.headers" || die "GET $LIST_PATH: $(head -n 1 "$WORK/list.headers")"
rows=$(count_list_rows "$WORK/list.html")
((rows == ROWS)) || die "GET $LIST_PATH shows $rows rows, not $ROWS"
add_static_location
cp "$WORK/list.html" "$WORK/static/users.html"
for ((i = 0; i < 50; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL/bench-static/users.html") == 200 ]] && break
    sleep 0.1
done
curl -s -o "$WORK/static.check" "$URL/bench-static/users.html"
cmp -s "$WORK/static.check" "$WORK/list.html" || die "the static copy does not match the page"
PAGE_BYTES=$(stat -c %s "$WORK/list.html")
say "list page: $rows rows, $PAGE_BYTES bytes; static copy at /bench-static/users.html"

# Sessions and bodies for the saves.
: >"$WORK/sessions-post.txt"
for ((i = 0; i < SESSIONS_POST; i++)); do
    bench_login "$ADMIN_LOGIN" "$ADMIN_PW" "$LIST_PATH" >>"$WORK/sessions-post.txt"
done
printf '%s\n' "$LIST_SESSION" >"$WORK/sessions-list.txt"
save_bodies >"$WORK/bodies.txt"
# One save by hand first: it must redirect (saved), not show the form again.
first=$(head -n 1 "$WORK/bodies.txt")
code=$(curl -s -o "$WORK/last-post.html" -w '%{http_code}' -b "ts_sid=${ADMIN%% *}" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "${first//@CSRF@/${ADMIN#* }}" "$URL$SAVE_PATH")
[[ $code == 303 ]] || die "a save by hand answered $code, not 303 (see $WORK/last-post.html)"

fi

# ---------------------------------------------------------------- wrk

RESULTS=$OUT/bench-$(date +%Y%m%d-%H%M%S).txt
: >"$RESULTS"
log() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

# cpu_ticks PIDFILE — user+system CPU ticks (1/100 s) of the process named
# by PIDFILE and of its children (a program's workers, nginx's workers;
# MariaDB's threads are counted in its own process).
cpu_ticks() {
    local pid t=0 p f
    pid=$(cat "$1")
    for p in "$pid" $(pgrep -P "$pid" || true); do
        f=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
        # shellcheck disable=SC2086  # fields of /proc/PID/stat after "(comm)"
        set -- $f
        t=$((t + ${12} + ${13}))
    done
    echo "$t"
}

# cpu_snapshot PROGRAM — "nginx program mariadbd" ticks now (PROGRAM "-":
# none, 0).
cpu_snapshot() {
    local prog=0
    [[ $1 == - ]] || prog=$(cpu_ticks "$RUN/$1.pid")
    echo "$(cpu_ticks "$RUN/nginx.pid") $prog $(cpu_ticks "$RUN/mysqld.pid")"
}

# run NAME PROGRAM URL SESSIONS [BODIES] — a warm-up of $WARMUP (every
# worker prepares its statements), then the measured wrk run: its BENCH line
# goes to $WORK/NAME.bench, the CPU the server side used to $WORK/NAME.cpu
# as microseconds per request "nginx program mariadbd".
run() {
    local name=$1 program=$2 url=$3 perf_pid="" before after
    shift 3
    wrk -c"$CONNS" -t"$THREADS" -d"$WARMUP" -s "$REPO/bench/wrk.lua" "$url" -- "$@" >/dev/null 2>&1 ||
        die "wrk warm-up failed ($name)"
    # Requests the warm-up left in flight finish before the count starts.
    sleep 1
    [[ $name != save ]] || audit_before=$(bench_db -e "SELECT last_id FROM audit_head WHERE id = 1")
    if [[ $PERF == 1 && $name != static ]]; then
        perf record -F 499 -a -g -o "$OUT/perf-$name.data" -- sleep "${DURATION%s}" \
            >/dev/null 2>&1 &
        perf_pid=$!
    fi
    log "--- ($name) wrk -c$CONNS -t$THREADS -d$DURATION --latency $url"
    before=$(cpu_snapshot "$program")
    # `times` in this shell (no subshell): the CPU its children used so far,
    # so the difference is mostly wrk's own.
    times >"$WORK/times.before"
    wrk -c"$CONNS" -t"$THREADS" -d"$DURATION" --latency -s "$REPO/bench/wrk.lua" "$url" -- "$@" \
        >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out" >&2; die "wrk failed ($name)"; }
    times >"$WORK/times.after"
    after=$(cpu_snapshot "$program")
    sleep 1
    [[ $name != save ]] || audit_after=$(bench_db -e "SELECT last_id FROM audit_head WHERE id = 1")
    tee -a "$RESULTS" <"$WORK/$name.out" | grep -v '^BENCH' | sed -n '/Latency Distribution/,/Requests\/sec/p'
    grep '^BENCH ' "$WORK/$name.out" >"$WORK/$name.bench"
    python3 - "$before" "$after" "$(field "$name" requests)" "$WORK/times.before" "$WORK/times.after" \
        >"$WORK/$name.cpu" <<'EOF'
import re, sys
def children_cpu(path):    # second line of `times`: children's user and system time
    m, s = zip(*re.findall(r"(\d+)m([\d.]+)s", open(path).read().splitlines()[1]))
    return sum(int(a) * 60 + float(b) for a, b in zip(m, s))
b, a, n = sys.argv[1].split(), sys.argv[2].split(), max(int(sys.argv[3]), 1)
us = [round((int(y) - int(x)) * 10000 / n) for x, y in zip(b, a)]
us.append(round((children_cpu(sys.argv[5]) - children_cpu(sys.argv[4])) * 1e6 / n))
print(" ".join(map(str, us)))
EOF
    log "CPU per request (us): nginx, $program, mariadbd, wrk = $(cat "$WORK/$name.cpu")"
    [[ -z $perf_pid ]] || wait "$perf_pid" || true
}

# field NAME KEY — a value of a run's BENCH line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$WORK/$1.bench"; }
# cpu NAME — its CPU line as "nginx / program / mariadbd / wrk".
cpu() { sed 's| | / |g' "$WORK/$1.cpu"; }
# capacity NAME — req/s the machine's CPUs would allow for that CPU per
# request (all four parts), were nothing else running.
capacity() { awk -v n="$(nproc)" '{ t = $1 + $2 + $3 + $4; printf "%.0f", t ? n * 1e6 / t : 0 }' "$WORK/$1.cpu"; }

# decl_seed — the customs officer imports DECL_COUNT declarations of the
# production enterprise (one file, a job) and waits for it.
decl_seed() {
    local file=$WORK/decls.xml session code hdr=$WORK/import.hdr id job status
    python3 "$REPO/bench/gen_decl_xml.py" "$file" "$DECL_COUNT" $((2 * DECL_COUNT)) --serial 100000001
    session=$(bench_login_as customs-officer /customs/)
    code=$(curl -s -D "$hdr" -o "$WORK/import.html" -w '%{http_code}' -b "ts_sid=${session%% *}" \
        -F "_csrf=${session#* }" -F "file=@$file;type=application/xml;filename=bench.xml" \
        "$URL/customs/import")
    [[ $code == 303 ]] || die "the import answered $code (see $WORK/import.html)"
    id=$(tr -d '\r' <"$hdr" | sed -n 's/^[Ll]ocation: .*importview?id=\([0-9]*\)$/\1/p')
    job=$(bench_db -e "SELECT job_id FROM customs_import WHERE id = ${id:-0}")
    [[ -n $job ]] || die "the import did not become a job"
    while :; do
        status=$(bench_db -e "SELECT status FROM job WHERE id = $job")
        [[ $status == "done" || $status == "failed" ]] && break
        sleep 0.2
    done
    [[ $status == "done" ]] || die "import job $status: $(bench_db -e "SELECT message FROM job WHERE id = $job")"
}

# page_fetch NAME ROLE LOGIN_PATH PATH — log in as the demo account of ROLE
# (landing on LOGIN_PATH), keep the session in $WORK/sessions-NAME.txt and
# the page PATH in $WORK/NAME.html; dies unless it answers 200.
page_fetch() {
    local sess
    sess=$(bench_login_as "$2" "$3")
    printf '%s\n' "$sess" >"$WORK/sessions-$1.txt"
    curl -s -D "$WORK/$1.headers" -o "$WORK/$1.html" -b "ts_sid=${sess%% *}" "$URL$4"
    grep -q '^HTTP/1.1 200' "$WORK/$1.headers" || die "GET $4: $(head -n 1 "$WORK/$1.headers")"
}

# page_bench NAME LETTER LABEL PATH DESCRIPTION — the page modes' common
# part once the page is fetched: its exact bytes as a static file, then
# wrk (a) on the copy and (LETTER) on PATH with NAME's sessions, the
# results table and the ratio.
page_bench() {
    local name=$1 letter=$2 label=$3 path=$4
    add_static_location
    cp "$WORK/$name.html" "$WORK/static/$name.html"
    for ((i = 0; i < 50; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL/bench-static/$name.html") == 200 ]] && break
        sleep 0.1
    done
    curl -s -o "$WORK/static.check" "$URL/bench-static/$name.html"
    cmp -s "$WORK/static.check" "$WORK/$name.html" || die "the static copy does not match the page"
    PAGE_BYTES=$(stat -c %s "$WORK/$name.html")
    log "tuishui bench ($MODE) $(date '+%Y-%m-%d %H:%M:%S %z'), commit $(bench_commit)"
    log "machine: $(bench_machine)"
    log "load average before: $(bench_loadavg)"
    log "app.workers = $WORKERS; page $PAGE_BYTES bytes, $5; warm-up $WARMUP"
    run static - "$URL/bench-static/$name.html" -
    run "$name" "$name" "$URL$path" "$WORK/sessions-$name.txt"
    for n in static "$name"; do
        [[ $(field $n status_errors) == 0 && $(field $n errors) == 0 ]] ||
            log "WARNING: ($n) had $(field $n status_errors) non-2xx/3xx answers and $(field $n errors) socket errors"
    done
    {
        log ""
        log "=== results (c$CONNS t$THREADS d$DURATION, app.workers = $WORKERS)"
        printf '%-40s %8s %7s %7s  %-24s %s\n' "" "req/s" "p50 ms" "p99 ms" "CPU us/req: nginx / prog" "CPU-bound req/s"
        printf '%-40s %8s %7s %7s  %-24s %s\n' "(a) static copy (nginx)" "$(field static rps)" "$(field static p50_ms)" "$(field static p99_ms)" "$(cpu static)" "$(capacity static)"
        printf '%-40s %8s %7s %7s  %-24s %s\n' "($letter) $label" "$(field "$name" rps)" "$(field "$name" p50_ms)" "$(field "$name" p99_ms)" "$(cpu "$name")" "$(capacity "$name")"
        echo "$letter/a = $(python3 -c "print(f'{$(field "$name" rps) / $(field static rps):.3f}')"); p99 of $letter = $(field "$name" p99_ms) ms"
    } | tee -a "$RESULTS"
    log "load average after: $(bench_loadavg)"
    say "results in $RESULTS"
}

# decl_bench — BENCH_MODE=decl: seed, copy the page, wrk (a) and (d).
decl_bench() {
    local rows total
    decl_seed
    page_fetch decl ent-admin-production /decl/ "$DECL_PATH"
    rows=$(grep -c 'href="/decl/view?entry_id=' "$WORK/decl.html" || true)
    ((rows == ROWS)) || die "GET $DECL_PATH shows $rows rows, not $ROWS"
    total=$(bench_db -e "SELECT COUNT(*) FROM export_decl_head WHERE current_entry_id IS NOT NULL
        AND owner_key = 'S91510100MA6CAB126W' AND decl_type = 'clear' AND ie_date BETWEEN '2026-11-01' AND '2026-11-30'")
    page_bench decl d "报关单查询 GET /decl/ (20 of $total)" "$DECL_PATH" \
        "$rows rows of $total declarations in the range"
}

if [[ $MODE == decl ]]; then
    decl_bench
    exit 0
fi
# retgoods_seed ENT_LOGIN COUNT PREFIX — COUNT records of the enterprise of
# that demo login, in one INSERT over MariaDB's sequence engine: states
# 0-8 in turn (7 with a 退货编号), 最近操作时间 over the last 29 days.  The
# 进口报关单号 carries PREFIX: one registration (7) per import declaration
# (schema/022), so two seeded enterprises must not share numbers.
retgoods_seed() {
    local ent user
    read -r ent user < <(bench_db -e "SELECT ent_id, id FROM app_user WHERE login_name = '$1'")
    bench_db -e "INSERT INTO retgoods_head (ent_id, seq_no, ret_no, status, collector_user, collector,
        collector_scc, collector_code, collector_name, collect_time, i_entry_id, trade_scc, trade_code,
        trade_name, receiver_addr, receiver_contact, receiver_phone, owner_district, handle_ways,
        prod_scc, prod_code, prod_name, prod_contact, prod_phone, prod_region, prod_district,
        export_inspect, reason_kinds, reasons, created_by, updated_at)
      SELECT $ent, CONCAT('2026', '$3', LPAD(seq, 12, '0')),
        IF(seq % 9 = 7, CONCAT('79', '$3', '26', LPAD(seq, 6, '0')), NULL), seq % 9, $user, '张敏',
        e.uscc, e.customs_code, e.name, IF(seq % 9 = 0, NULL, NOW() - INTERVAL seq MINUTE),
        CONCAT('790020261', '$3', LPAD(seq, 7, '0')), e.uscc, e.customs_code, e.name, '四川省成都市高新区',
        '张敏', '13800000001', '7900', '1', e.uscc, e.customs_code, e.name, '张敏', '13800000001',
        '510107', '7901', 'N', 'Q', 'Q1', $user,
        NOW() - INTERVAL (seq % 29) DAY - INTERVAL (seq % 3600) SECOND
      FROM seq_1_to_$2 JOIN enterprise e ON e.id = $ent"
}

# retgoods_bench — BENCH_MODE=retgoods: seed, copy the page, wrk (a) and (e).
retgoods_bench() {
    local rows total start end path
    retgoods_seed "$(bench_account ent-admin-production | cut -d' ' -f1)" "$RG_COUNT" 91
    retgoods_seed "$(bench_account ent-admin-trading | cut -d' ' -f1)" $((RG_COUNT / 5)) 92
    end=$(TZ=Asia/Shanghai date +%F)
    start=$(TZ=Asia/Shanghai date -d "$end -29 days" +%F)
    path="/retgoods/query?start=$start&end=$end"
    page_fetch retgoods ent-admin-production /retgoods/query "$path"
    rows=$(grep -c 'class="rg-seq"' "$WORK/retgoods.html" || true)
    ((rows == ROWS)) || die "GET $path shows $rows rows, not $ROWS"
    total=$(sed -n 's/.*id="rg-total">\([0-9]*\)<.*/\1/p' "$WORK/retgoods.html")
    page_bench retgoods e "出口退货信息查询 (20 of $total)" "$path" \
        "$rows rows of $total records in $start..$end"
}

if [[ $MODE == retgoods ]]; then
    retgoods_bench
    exit 0
fi

log "tuishui bench $(date '+%Y-%m-%d %H:%M:%S %z'), commit $(bench_commit)"
log "machine: $(bench_machine)"
log "load average before: $(bench_loadavg)"
log "app.workers = $WORKERS; list page $PAGE_BYTES bytes, $ROWS rows; warm-up $WARMUP before each run"

audit_before=0 audit_after=0
run static - "$URL/bench-static/users.html" -
run list users "$URL$LIST_PATH" "$WORK/sessions-list.txt"
run save users "$URL$SAVE_PATH" "$WORK/sessions-post.txt" "$WORK/bodies.txt"

# Every save wrk counted (all of them 303, or status_errors says otherwise)
# must have left one audit row (requests cut off at the end of the run may
# still commit: allow a connection's worth).
saves=$(field save requests)
audited=$((audit_after - audit_before))
log "--- audit rows written during the save run: $audited (wrk counted $saves saves)"
((audited >= saves && audited <= saves + CONNS)) ||
    log "WARNING: audit rows ($audited) do not match the saves wrk counted ($saves)"
for name in static list save; do
    [[ $(field $name status_errors) == 0 && $(field $name errors) == 0 ]] ||
        log "WARNING: ($name) had $(field $name status_errors) non-2xx/3xx answers and $(field $name errors) socket errors"
done

ratio=$(python3 -c "print(f'{$(field list rps) / $(field static rps):.3f}')")
{
    log ""
    log "=== results (c$CONNS t$THREADS d$DURATION, app.workers = $WORKERS)"
    printf '%-40s %8s %7s %7s  %-24s %s\n' "" "req/s" "p50 ms" "p99 ms" "CPU us/req: nginx / prog" "CPU-bound req/s"
    printf '%-40s %8s %7s %7s  %-24s %s\n' "" "" "" "" "/ mariadbd / wrk" ""
    printf '%-40s %8s %7s %7s  %-24s %s\n' "(a) static copy (nginx)" "$(field static rps)" "$(field static p50_ms)" "$(field static p99_ms)" "$(cpu static)" "$(capacity static)"
    printf '%-40s %8s %7s %7s  %-24s %s\n' "(b) list GET $LIST_PATH ($ROWS rows)" "$(field list rps)" "$(field list p50_ms)" "$(field list p99_ms)" "$(cpu list)" "$(capacity list)"
    printf '%-40s %8s %7s %7s  %-24s %s\n' "(c) save POST $SAVE_PATH (+audit)" "$(field save rps)" "$(field save p50_ms)" "$(field save p99_ms)" "$(cpu save)" "$(capacity save)"
    echo "b/a = $ratio (target >= 0.333); p99 of b = $(field list p99_ms) ms (target < 50); saves $(field save rps)/s (target >= 500)"
} | tee -a "$RESULTS"
log "load average after: $(bench_loadavg)"

if [[ $PERF == 1 ]]; then
    # report DATA LINES ARGS... — the first LINES lines with a percentage of
    # a perf report (written to a file first: head must not cut the pipe).
    report() {
        local data=$1 lines=$2
        shift 2
        perf report -i "$data" --no-children --stdio -g none "$@" >"$WORK/perf.txt" 2>/dev/null || true
        grep '%' "$WORK/perf.txt" | grep -v '^#' | head -n "$lines" | tee -a "$RESULTS" || true
    }
    for name in list save; do
        data=$OUT/perf-$name.data
        log ""
        log "=== perf ($name): CPU by process, all CPUs (other users of the machine included)"
        report "$data" 12 --sort comm
        log "=== perf ($name): users.fcgi, top symbols (share of its own samples)"
        report "$data" 25 --comm users.fcgi --percentage relative --sort dso,sym
        log "=== perf ($name): mariadbd, top symbols (share of its own samples)"
        report "$data" 15 --comm mariadbd --percentage relative --sort dso,sym
    done
fi
say "results in $RESULTS"
