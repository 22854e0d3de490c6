#!/usr/bin/env bash
# bench/customs.sh — 报关单发布 bulk import end to end (issue 6: 50 000
# declarations with 200 000 body lines in under 30 s), in one run on this
# machine; results go to docs/performance.md ("报关单导入") by hand.
#
# What it does:
#   1. starts a private stack (bench/lib.sh) with MariaDB, the programs,
#      nginx and the jobs worker;
#   2. writes the 报关单 XML file with bench/gen_decl_xml.py (deterministic:
#      $BENCH_CUSTOMS_DECLS declarations, $BENCH_CUSTOMS_LINES lines spread
#      evenly, every field filled, all numbers of 成都海关 7900, serials
#      from 100000001 so none meets the demo data's);
#   3. logs in with curl through the real login form as the customs officer
#      (customs01) and POSTs the file to /customs/import through nginx
#      (multipart, _csrf): over 2 MB, so the request keeps the file and
#      queues a customs.import job (303 to /customs/importview?id=); the
#      clock runs from the start of the POST until the job row says done
#      (polled every 50 ms through the MariaDB socket); checks the counts
#      (declarations 新增, rows of export_decl_list) and that the progress
#      page answers;
#   4. the worker's VmHWM (peak RSS) after the import, and the CPU time the
#      worker and mariadbd used from the POST to done (/proc, 10 ms ticks);
#   5. baselines in the same run, on the same file:
#      - python3 xml.etree.ElementTree.iterparse merely reading the file
#        (counting DecMessage and DecList, clearing each message) under
#        /usr/bin/python3: the reading floor of a stdlib streaming reader,
#        against which our read + check + store is compared;
#      - nginx serving the same file statically (GET of a copy under the
#        stack's own extra location, curl to /dev/null): the cost of moving
#        the bytes through nginx and curl alone;
#   6. with BENCH_CUSTOMS_AGAIN=1 (default) the same file once more: every
#      declaration becomes version 2 (修改), the path with the UPDATE of
#      the earlier versions;
#   7. stops and removes the stack.
#
# Environment (all optional):
#   BENCH_CUSTOMS_DECLS  declarations          default 50000
#   BENCH_CUSTOMS_LINES  body lines in all     default 200000
#   BENCH_CUSTOMS_AGAIN  import it a 2nd time  default 1
#   BENCH_OUT, BENCH_KEEP, BENCH_PORT, B       as bench/lib.sh
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init customs
DECLS=${BENCH_CUSTOMS_DECLS:-50000}
LINES=${BENCH_CUSTOMS_LINES:-200000}
AGAIN=${BENCH_CUSTOMS_AGAIN:-1}
PY=/usr/bin/python3
for tool in curl mariadb bc; do
    command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
[[ -x $BUILD/bin/customs.fcgi && -x $BUILD/tools/ts-worker ]] ||
    die "needs $BUILD/bin/customs.fcgi and $BUILD/tools/ts-worker (run: make all)"
REPORT=$OUT/customs-$(date +%Y%m%d-%H%M%S).txt

bench_stack_start
[[ -s $RUN/worker.pid ]] || die "no jobs worker running (no $RUN/worker.pid)"

# The static copy for the nginx baseline: this stack's nginx.d only (as
# bench/run.sh does), then reload.
static_location() {
    mkdir -p "$WORK/static"
    cat >"$ETC/nginx.d/zz-bench-static.conf" <<CONF
# Written by bench/customs.sh for this benchmark stack only.
location /bench-static/ {
    alias $WORK/static/;
}
CONF
    nginx -p "$VAR/nginx" -c "$ETC/nginx.conf" -e "$VAR/log/nginx-error.log" -t -q ||
        die "nginx rejected the bench location"
    kill -HUP "$(cat "$RUN/nginx.pid")"
    local i
    for ((i = 0; i < 50; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL/bench-static/decls.xml") == 200 ]] && break
        sleep 0.1
    done
}

# wall_cpu FILE.time — "wall_s cpu_s" (cpu: user + sys) from /usr/bin/time -v.
wall_cpu() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
                                            for (i = 1; i <= n; i++) w = w * 60 + t[i] }
                /User time|System time/ { c += $2 }
                END { printf "%.2f %.2f\n", w, c }' "$1"
}

# ticks PID — user + system CPU ticks (1/100 s) of a process (0 if gone).
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# import_file LABEL — upload, wait for the job; prints one table row.
import_file() {
    local label=$1 session sid csrf t0 t1 t2 hdr loc id job status
    session=$(bench_login_as customs-officer /customs/)
    sid=${session%% *}
    csrf=${session#* }
    hdr=$WORK/upload-$label.hdr
    local wpid mpid w0 m0 w1 m1
    wpid=$(cat "$RUN/worker.pid")
    mpid=$(cat "$RUN/mysqld.pid")
    w0=$(ticks "$wpid")
    m0=$(ticks "$mpid")
    t0=$(bench_now)
    code=$(curl -s -D "$hdr" -o "$WORK/upload-$label.html" -w '%{http_code}' -b "ts_sid=$sid" \
        -F "_csrf=$csrf" -F "file=@$FILE;type=application/xml;filename=bench-$DECLS.xml" \
        "$URL/customs/import")
    t1=$(bench_now)
    [[ $code == 303 ]] || die "$label: upload answered $code (see $WORK/upload-$label.html)"
    loc=$(tr -d '\r' <"$hdr" | awk 'tolower($1) == "location:" { print $2 }')
    id=${loc##*id=}
    [[ $id =~ ^[0-9]+$ ]] || die "$label: no importview in the answer ($loc)"
    job=$(bench_db -e "SELECT job_id FROM customs_import WHERE id = $id")
    curl -s -b "ts_sid=$sid" "$URL/customs/importview?id=$id" >"$WORK/progress-$label.html"
    grep -q '<progress\|导入成功' "$WORK/progress-$label.html" || die "$label: no progress page"
    while :; do
        status=$(bench_db -e "SELECT status FROM job WHERE id = $job")
        [[ $status == "done" || $status == "failed" ]] && break
        sleep 0.05
    done
    t2=$(bench_now)
    w1=$(ticks "$wpid")
    m1=$(ticks "$mpid")
    [[ $status == "done" ]] ||
        die "$label: job $job $status: $(bench_db -e "SELECT message FROM job WHERE id = $job")"
    local total new mod lines hwm
    read -r total new mod < <(bench_db -e "SELECT decl_total, decl_new, decl_modified FROM customs_import WHERE id = $id")
    lines=$(bench_db -e "SELECT COUNT(*) FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.current_entry_id BETWEEN '790020260100000001' AND '790020260199999999'")
    [[ $total == "$DECLS" && $lines == "$LINES" ]] ||
        die "$label: $total declarations, $lines current lines (want $DECLS, $LINES)"
    hwm=$(bench_hwm_kb "$(cat "$RUN/worker.pid")")
    awk -v l="$label" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v n="$new" -v m="$mod" -v d="$DECLS" \
        -v li="$LINES" -v hwm="$hwm" -v wc=$((w1 - w0)) -v mc=$((m1 - m0)) 'BEGIN { e = t2 - t0
        printf "| %s | %.2f | %.2f | %.0f | %.0f | %d / %d | %.1f / %.1f | %.1f | %s |\n",
               l, t1 - t0, e, d / e, li / e, n, m, wc / 100, mc / 100, hwm / 1024, e < 30 ? "yes" : "no" }'
}

{
    say "$(date -Is), commit $(bench_commit)"
    say "machine: $(bench_machine)"
    say "load average before: $(bench_loadavg)"
    FILE=$WORK/decls.xml
    $PY "$REPO/bench/gen_decl_xml.py" "$FILE" "$DECLS" "$LINES" --serial 100000001
    SIZE=$(stat -c %s "$FILE")
    say "file: $DECLS declarations, $LINES lines, $SIZE bytes ($(echo "scale=1; $SIZE / 1048576" | bc) MiB)"
    rows=("$(import_file first)")
    [[ $AGAIN == 1 ]] && rows+=("$(import_file again)")
    # baseline 1: python3 stdlib iterparse merely reading the file
    /usr/bin/time -v -o "$WORK/py.time" $PY -c '
import sys, xml.etree.ElementTree as ET
d = l = 0
for ev, el in ET.iterparse(sys.argv[1]):
    t = el.tag
    if t == "DecList":
        l += 1
    elif t == "DecMessage":
        d += 1
        el.clear()
print("decls=%d lines=%d" % (d, l))' "$FILE" >"$WORK/py.out"
    grep -q "^decls=$DECLS lines=$LINES\$" "$WORK/py.out" || die "iterparse saw $(cat "$WORK/py.out")"
    read -r pw pc < <(wall_cpu "$WORK/py.time")
    # baseline 2: nginx serving the same file
    mkdir -p "$WORK/static"
    cp "$FILE" "$WORK/static/decls.xml"
    static_location
    st=$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$URL/bench-static/decls.xml")
    [[ $st == "200 "*" $SIZE" ]] || die "static copy: $st"
    say "load average after: $(bench_loadavg)"
    echo
    echo "| import | upload request s | upload → job done s | declarations/s | lines/s | 新增 / 修改 | CPU s: worker / mariadbd | worker VmHWM MiB | < 30 s |"
    echo "|---|---:|---:|---:|---:|---|---|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| baseline on the same file | wall s | CPU s |"
    echo "|---|---:|---:|"
    echo "| /usr/bin/python3 xml.etree iterparse, reading only ($($PY --version 2>&1)) | $pw | $pc |"
    echo "| nginx serving it statically (GET, curl to /dev/null) | $(echo "$st" | cut -d' ' -f2) | – |"
} | tee "$REPORT"
say "written to $REPORT"
