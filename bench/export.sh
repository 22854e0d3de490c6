#!/usr/bin/env bash
# bench/export.sh [lib|e2e|table-e2e] — the export targets of ../shared/design.md
# ("Performance"): 导出表格 of 100k rows under 3 s with RSS < 64 MB, and
# memory flat (under 64 MB RSS) whether the ZIP of 导出ZIP holds 10 MB or
# ~1 GB.  Results go to docs/performance.md ("导出") by hand.
#
# lib (the default): builds a small driver of lib/ts_export (the code the
# docexport program and the jobs worker run, without the database and HTTP
# around it) into $B/bench/ts-exportbench, then under /usr/bin/time -v
# (wall, peak RSS):
#   1. table: $BENCH_EXPORT_ROWS catalog rows (8 columns, as 导出表格 writes
#      them: libxlsxwriter constant_memory, temp files in the output folder);
#   2. zip:   a 5 MiB random file added 2 times (10 MiB) and
#             $BENCH_EXPORT_ZIP_COUNT times (~1 GiB by default) under
#             <报关单号>/<单证种类>/ names, plus the catalog xlsx — as many
#             decl_document rows pointing at one stored file would be.
# The ZIP and xlsx files are removed afterwards.
#
# e2e: the 导出ZIP job end to end through nginx, on a private stack
# (bench/lib.sh, app.workers = $BENCH_WORKERS):
#   1. one declaration of the trading enterprise (customs_decl and its
#      按所属期备案 row inserted with SQL) gets $BENCH_EXPORT_ZIP_COUNT
#      documents of $BENCH_EXPORT_DOC_MIB MiB each (~1 GB by default): random
#      files written straight into the content-addressed store
#      (<store.root>/ab/cd/<sha256>, docs/uploads.md) with their stored_file
#      and decl_document rows — the export copies the stored bytes by path
#      and never re-checks their type, so random bytes named .pdf do;
#   2. curl logs in as ent-admin-trading (bench/lib.sh), GETs 【导出ZIP】
#      for that declaration (/docexport/zip: over export.zip_job_bytes it
#      answers the confirm page), POSTs 【开始导出】 (/docexport/zipjob,
#      with the page's _csrf) and polls the job page /docexport/job every
#      250 ms until it shows 下载 (or 导出失败);
#   3. downloads /docexport/download through nginx to a file while sampling,
#      every 100 ms, the RSS of the docexport FastCGI workers and of the
#      nginx workers;
#   4. checks the ZIP: its size is the zip_bytes the job page states, it
#      holds every document + 备案目录.xlsx, and the first document's bytes
#      are the stored file's;
#   5. counts nginx's "buffered to a temporary file" warnings (the
#      download spooled to $VAR/nginx/fastcgi when the client is slower
#      than the program) and prints the times, the jobs worker's peak RSS (VmHWM of
#      /proc/<ts-worker>/status, before the job and after) and the
#      docexport workers' RSS (sampled peak, and their VmHWM after).
#
# table-e2e: 导出表格 end to end through nginx, on a private stack:
#   1. $BENCH_EXPORT_ROWS declarations of the trading enterprise's 关单清册
#      (customs_decl, one customs_decl_line each, 12 所属期 with their
#      period_filing rows), every 10th with two documents (出口合同 and
#      出口货物运输单据, decl_document + stored_file rows; the table reads
#      rows only, no stored bytes are needed) and two 按所属期备案 documents
#      per 所属期 — all with INSERT … SELECT over MariaDB's seq_1_to_N
#      (not timed);
#   2. curl logs in as ent-admin-trading and GETs /docexport/table (全部,
#      no filter) through nginx $BENCH_EXPORT_REPEAT times, each timed by
#      curl (the median is reported), while a sampler reads the docexport
#      FastCGI workers' VmRSS every 100 ms; their VmHWM is read before and
#      after, and MariaDB's Handler_icp_attempts (index entries checked
#      against a pushed-down condition) before and after;
#   3. checks the xlsx with /usr/bin/python3 openpyxl (read-only): a header
#      and one row per document plus one per declaration without documents
#      (the expected count comes from the database), the first data row's
#      报关单号 the smallest one;
#   4. prints the time, the size and the workers' RSS, and EXPLAIN of the
#      batch query (decl_batch of lib/ts_export.c) for the first batch.
#
# Environment (all optional):
#   BENCH_EXPORT_ROWS       rows of the table (lib) /
#                           declarations (table-e2e)         default 100000
#   BENCH_EXPORT_ZIP_COUNT  5 MiB entries (lib) / documents (e2e)
#                                                            default 200
#   BENCH_EXPORT_DOC_MIB    MiB per document (e2e)           default 5
#   BENCH_WORKERS           app.workers of the stack (e2e)   default 2
#   BENCH_EXPORT_REPEAT     GETs of the table (table-e2e)    default 3
#   BENCH_EXPORT_RATE       curl --limit-rate of the download (e2e), e.g.
#                           20M: a slow client               default none
#   BENCH_OUT               results + temp folder            default build/bench
#   BENCH_KEEP=1            leave the e2e stack running
#   BENCH_PORT              the e2e stack's port             default a free one
#   B                       build folder                     default build
#
# Nothing here is a test: numbers depend on the machine and on what else
# runs on it (the script prints the load average before and after).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init export
MODE=${1:-lib}
ROWS=${BENCH_EXPORT_ROWS:-100000}
COUNT=${BENCH_EXPORT_ZIP_COUNT:-200}
DOC_MIB=${BENCH_EXPORT_DOC_MIB:-5}
WORKERS=${BENCH_WORKERS:-2}
REPEAT=${BENCH_EXPORT_REPEAT:-3}
RATE=${BENCH_EXPORT_RATE:-}
case $MODE in
lib | e2e | table-e2e) ;;
*) die "usage: bench/export.sh [lib|e2e|table-e2e]" ;;
esac

# ================================================================ e2e

# e2e_make_docs ENT DECL KIND USER — COUNT random files of DOC_MIB MiB in
# the store, with their stored_file and decl_document rows (one
# transaction); prints the sha256 of the first.
e2e_make_docs() {
    local ent=$1 decl=$2 kind=$3 user=$4 i tmp sha dir first="" sql=$WORK/docs.sql
    local bytes=$((DOC_MIB * 1024 * 1024))
    echo "START TRANSACTION;" >"$sql"
    for ((i = 1; i <= COUNT; i++)); do
        tmp=$VAR/store/bench-tmp
        head -c "$bytes" /dev/urandom >"$tmp"
        sha=$(sha256sum "$tmp" | cut -d' ' -f1)
        dir=$VAR/store/${sha:0:2}/${sha:2:2}
        mkdir -p "$dir"
        mv "$tmp" "$dir/$sha"
        [[ -n $first ]] || first=$sha
        printf "INSERT INTO stored_file (sha256, size, kind) VALUES ('%s', %d, 'pdf');\n" "$sha" "$bytes" >>"$sql"
        printf "INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by) VALUES (%d, %d, %d, '%s', '出口合同扫描件-%03d.pdf', %d, 'pdf', %d);\n" \
            "$ent" "$decl" "$kind" "$sha" "$i" "$bytes" "$user" >>"$sql"
    done
    echo "COMMIT;" >>"$sql"
    bench_db <"$sql"
    echo "$first"
}

# e2e_sample_rss OUTFILE PID... — until killed, every 100 ms: the largest
# VmRSS (KiB) seen so far of any of the PIDs, written to OUTFILE.
e2e_sample_rss() {
    local out=$1 max=0 pid rss
    shift
    while :; do
        for pid in "$@"; do
            rss=$(bench_rss_kb "$pid")
            ((rss > max)) && { max=$rss; echo "$max" >"$out"; }
        done
        sleep 0.1
    done
}

# e2e_max_hwm PID... — the largest VmHWM (KiB) of the PIDs.
e2e_max_hwm() {
    local pid max=0 v
    for pid in "$@"; do
        v=$(bench_hwm_kb "$pid")
        ((v > max)) && max=$v
    done
    echo "$max"
}

SAMPLERS=()
bench_on_exit() {
    local pid
    for pid in "${SAMPLERS[@]}"; do kill "$pid" 2>/dev/null || true; done
}

e2e() {
    for tool in curl python3 mariadb; do
        command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
    done
    [[ -x $BUILD/bin/docexport.fcgi && -x $BUILD/tools/ts-worker ]] ||
        die "needs $BUILD/bin/docexport.fcgi and $BUILD/tools/ts-worker (run: make all)"
    local report load_before
    report=$OUT/export-e2e-$(date +%Y%m%d-%H%M%S).txt
    load_before=$(bench_loadavg)
    bench_stack_start TS_WORKERS="$WORKERS"
    [[ -s $RUN/worker.pid ]] || die "no jobs worker running (no $RUN/worker.pid)"

    # ---- data: one declaration with COUNT documents
    local login ent user period pf decl_no decl kind first t0 t1
    read -r login _ < <(bench_account ent-admin-trading)
    read -r ent user < <(bench_db -e "SELECT ent_id, id FROM app_user WHERE login_name = '$login'")
    period=202601
    decl_no=510120260000000001
    bench_db -e "INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)
                 VALUES ($ent, '$period', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')"
    pf=$(bench_db -e "SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period'")
    bench_db -e "INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)
                 VALUES ($ent, '$decl_no', '$period', $pf, '2026-01-10', 1)"
    decl=$(bench_db -e "SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$decl_no'")
    kind=$(bench_db -e "SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'")
    [[ -n $decl && -n $kind ]] || die "no declaration or no 出口合同 kind"
    t0=$(bench_now)
    first=$(e2e_make_docs "$ent" "$decl" "$kind" "$user")
    t1=$(bench_now)
    local docs bytes
    read -r docs bytes < <(bench_db -e "SELECT COUNT(*), SUM(size) FROM decl_document WHERE decl_id = $decl")
    say "$docs documents, $bytes bytes in the store ($(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s to write)"

    # ---- 导出ZIP → confirm page → 开始导出 (POST with CSRF)
    local session sid csrf q code job_url job_id
    session=$(bench_login_as ent-admin-trading /docexport/)
    sid=${session%% *}
    q="status=all&decl_no=$decl_no&period="
    code=$(curl -s -o "$WORK/confirm.html" -w '%{http_code}' -b "ts_sid=$sid" "$URL/docexport/zip?$q")
    [[ $code == 200 ]] && grep -q 'action="/docexport/zipjob"' "$WORK/confirm.html" ||
        die "导出ZIP answered $code without the 开始导出 form (see $WORK/confirm.html)"
    csrf=$(bench_csrf_of "$WORK/confirm.html")
    local hwm_worker_before t_post t_done t_dl0 t_dl1
    hwm_worker_before=$(bench_hwm_kb "$(cat "$RUN/worker.pid")")
    t_post=$(bench_now)
    read -r code job_url < <(bench_post "$sid $csrf" /docexport/zipjob status=all "decl_no=$decl_no" period=)
    [[ $code == 303 && $job_url == */docexport/job\?id=* ]] ||
        die "开始导出 answered $code $job_url (see $WORK/last-post.html)"
    job_id=${job_url##*=}

    # ---- poll the job page until 下载 (or 导出失败)
    local page=$WORK/job.html polls=0
    while :; do
        curl -s -o "$page" -b "ts_sid=$sid" "$job_url"
        polls=$((polls + 1))
        grep -q 'id="job-download"' "$page" && break
        grep -q '导出失败' "$page" && die "the export job failed: $(grep -o '导出失败[^<]*' "$page")"
        sleep 0.25
    done
    t_done=$(bench_now)
    local hwm_worker zip_bytes
    hwm_worker=$(bench_hwm_kb "$(cat "$RUN/worker.pid")")
    zip_bytes=$(grep -o '个报关单，[0-9]* 字节' "$page" | grep -o '[0-9]* 字节' | cut -d' ' -f1)
    [[ -n $zip_bytes ]] || die "no ZIP size on the job page (see $page)"

    # ---- the download through nginx, RSS sampled meanwhile
    local fcgi_pids nginx_pids dl=$WORK/download.zip curl_out
    mapfile -t fcgi_pids < <(pgrep -P "$(cat "$RUN/docexport.pid")")
    mapfile -t nginx_pids < <(pgrep -P "$(cat "$RUN/nginx.pid")")
    ((${#fcgi_pids[@]} > 0)) || die "no docexport workers"
    echo 0 >"$WORK/rss-fcgi"
    echo 0 >"$WORK/rss-nginx"
    e2e_sample_rss "$WORK/rss-fcgi" "${fcgi_pids[@]}" &
    SAMPLERS+=($!)
    e2e_sample_rss "$WORK/rss-nginx" "${nginx_pids[@]}" &
    SAMPLERS+=($!)
    sleep 0.3 # a first sample of each before the download
    t_dl0=$(bench_now)
    curl_out=$(curl -s ${RATE:+--limit-rate "$RATE"} -o "$dl" -b "ts_sid=$sid" -w '%{http_code} %{size_download} %{speed_download} %{content_type}' \
        "$URL/docexport/download?id=$job_id")
    t_dl1=$(bench_now)
    sleep 0.3
    bench_on_exit
    SAMPLERS=()
    local dl_code dl_size dl_speed dl_type
    read -r dl_code dl_size dl_speed dl_type <<<"$curl_out"
    [[ $dl_code == 200 && $dl_type == application/zip ]] || die "download answered $dl_code $dl_type"
    [[ $dl_size == "$zip_bytes" && $(stat -c %s "$dl") == "$zip_bytes" ]] ||
        die "downloaded $dl_size bytes, the job page says $zip_bytes"

    # ---- what is in it
    local check
    check=$(python3 - "$dl" "$VAR/store/${first:0:2}/${first:2:2}/$first" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
docs = [n for n in names if n.endswith(".pdf")]
first = sorted(docs)[0]
with z.open(first) as a, open(sys.argv[2], "rb") as b:
    same = a.read() == b.read()
print(len(names), len(docs), int("备案目录.xlsx" in names), int(same), first)
PY
)
    local entries pdfs catalog same first_name
    read -r entries pdfs catalog same first_name <<<"$check"
    [[ $pdfs == "$COUNT" && $entries == $((COUNT + 1)) && $catalog == 1 && $same == 1 ]] ||
        die "ZIP holds $entries entries ($pdfs documents, catalog $catalog, first document equal $same)"

    local rss_fcgi rss_nginx hwm_fcgi spooled
    spooled=$(grep -c 'buffered to a temporary file' "$VAR/log/nginx-error.log" || true)
    rss_fcgi=$(cat "$WORK/rss-fcgi")
    rss_nginx=$(cat "$WORK/rss-nginx")
    hwm_fcgi=$(e2e_max_hwm "${fcgi_pids[@]}")
    {
        say "$(date -Is), commit $(bench_commit)"
        say "machine: $(bench_machine)"
        say "load average before the stack started: $load_before; after the run: $(bench_loadavg)"
        say "stack: app.workers = $WORKERS; $COUNT documents × $DOC_MIB MiB on one declaration"
        say "download: curl${RATE:+ --limit-rate $RATE}; nginx spooled the response to a temp file: $([[ ${spooled:-0} -gt 0 ]] && echo yes || echo no)"
        say "job page polled $polls times; ZIP entries: $entries ($pdfs documents + 备案目录.xlsx; $first_name equal to its stored file)"
        echo
        echo "| step | value |"
        echo "|---|---:|"
        awk -v a="$t_post" -v b="$t_done" -v c="$t_dl0" -v d="$t_dl1" -v z="$zip_bytes" -v s="$dl_speed" \
            -v bytes="$bytes" -v hb="$hwm_worker_before" -v hw="$hwm_worker" -v rf="$rss_fcgi" \
            -v hf="$hwm_fcgi" -v rn="$rss_nginx" 'BEGIN {
            printf "| documents | %.1f MiB |\n", bytes / 1048576
            printf "| ZIP | %d bytes (%.1f MiB) |\n", z, z / 1048576
            printf "| 开始导出 POST → job page shows 下载 | %.1f s |\n", b - a
            printf "| download through nginx | %.1f s (%.0f MiB/s) |\n", d - c, s / 1048576
            printf "| jobs worker VmHWM before the job / after | %.1f / %.1f MiB |\n", hb / 1024, hw / 1024
            printf "| docexport FastCGI workers: peak VmRSS sampled during the download | %.1f MiB |\n", rf / 1024
            printf "| docexport FastCGI workers: VmHWM after | %.1f MiB |\n", hf / 1024
            printf "| nginx workers: peak VmRSS sampled during the download | %.1f MiB |\n", rn / 1024
        }'
        echo
        echo "target: RSS under 64 MB for a 1 GB ZIP export"
    } | tee "$report"
    say "written to $report"
}

# ================================================================ table-e2e

# table_make_rows ENT USER — ROWS declarations with one line each, every
# 10th with two documents, two 按所属期备案 documents per 所属期 (12).
table_make_rows() {
    local ent=$1 user=$2 contract transport
    contract=$(bench_db -e "SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'")
    transport=$(bench_db -e "SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口货物运输单据'")
    [[ -n $contract && -n $transport ]] || die "no 出口合同 / 出口货物运输单据 kind"
    bench_db <<SQL
SET NAMES utf8mb4;
SET SESSION unique_checks = 0, foreign_key_checks = 0;
START TRANSACTION;
INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)
  SELECT $ent, CONCAT('2026', LPAD(seq, 2, '0')), '2026-12-01', '2026-12-20', '2036-12-31'
  FROM seq_1_to_12;
INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, fob_usd, line_count)
  SELECT $ent, CONCAT('51012026', LPAD(s.seq, 10, '0')), f.period, f.id,
         '2026-01-10' + INTERVAL (s.seq % 300) DAY, 1234.56, 1
  FROM seq_1_to_$ROWS s JOIN period_filing f
    ON f.ent_id = $ent AND f.period = CONCAT('2026', LPAD(1 + s.seq % 12, 2, '0'));
INSERT INTO customs_decl_line (ent_id, decl_id, link_no, item_no, hs_code, goods_name, unit,
                               quantity, fob_usd, invoice_no, source_row)
  SELECT $ent, d.id, CONCAT('LINK', d.id), 1, '8471300000', '便携式自动数据处理设备', '台',
         10, 1234.56, CONCAT('INV', d.id), NULL
  FROM customs_decl d WHERE d.ent_id = $ent;
INSERT INTO stored_file (sha256, size, kind)
  SELECT SHA2(CONCAT('bench-table-', seq), 256), 100000 + seq, 'pdf' FROM seq_1_to_1000;
INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)
  SELECT $ent, d.id, k.kind, SHA2(CONCAT('bench-table-', 1 + d.id % 1000), 256),
         CONCAT(k.label, '-', CONVERT(d.decl_no USING utf8mb4), '.pdf'), 100000 + 1 + d.id % 1000, 'pdf', $user
  FROM customs_decl d
  JOIN (SELECT $contract AS kind, '出口合同扫描件' AS label
        UNION ALL SELECT $transport, '提单扫描件') k
  WHERE d.ent_id = $ent AND d.id % 10 = 0;
INSERT INTO decl_document (ent_id, period_filing_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)
  SELECT $ent, f.id, k.kind, SHA2(CONCAT('bench-table-', f.id % 1000 + 1), 256),
         CONCAT(k.label, '-', f.period, '.pdf'), 100000 + 1 + f.id % 1000, 'pdf', $user
  FROM period_filing f
  JOIN (SELECT $contract AS kind, '所属期合同汇总' AS label
        UNION ALL SELECT $transport, '所属期运输单据汇总') k
  WHERE f.ent_id = $ent;
COMMIT;
ANALYZE TABLE customs_decl, customs_decl_line, decl_document;
SQL
}

table_e2e() {
    for tool in curl python3 mariadb; do
        command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
    done
    /usr/bin/python3 -c 'import openpyxl' 2>/dev/null || die "python3-openpyxl not importable by /usr/bin/python3"
    [[ -x $BUILD/bin/docexport.fcgi ]] || die "needs $BUILD/bin/docexport.fcgi (run: make all)"
    local report load_before
    report=$OUT/export-table-e2e-$(date +%Y%m%d-%H%M%S).txt
    load_before=$(bench_loadavg)
    bench_stack_start TS_WORKERS="$WORKERS"

    local login ent user t0 t1
    read -r login _ < <(bench_account ent-admin-trading)
    read -r ent user < <(bench_db -e "SELECT ent_id, id FROM app_user WHERE login_name = '$login'")
    t0=$(bench_now)
    table_make_rows "$ent" "$user" >/dev/null
    t1=$(bench_now)
    local ndecl nbare ndoc nper expect first_no
    read -r ndecl nbare < <(bench_db -e "SELECT COUNT(*), SUM(NOT EXISTS (SELECT 1 FROM decl_document x
        WHERE x.ent_id = d.ent_id AND x.decl_id = d.id)) FROM customs_decl d WHERE d.ent_id = $ent")
    ndoc=$(bench_db -e "SELECT COUNT(*) FROM decl_document WHERE ent_id = $ent AND decl_id IS NOT NULL")
    nper=$(bench_db -e "SELECT COUNT(*) FROM decl_document WHERE ent_id = $ent AND decl_id IS NULL")
    first_no=$(bench_db -e "SELECT MIN(decl_no) FROM customs_decl WHERE ent_id = $ent")
    expect=$((nbare + ndoc + nper))
    say "$ndecl declarations ($nbare without documents), $ndoc documents, $nper 按所属期备案 documents: $expect table rows expected ($(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s to insert)"

    local session sid fcgi_pids hwm_before
    session=$(bench_login_as ent-admin-trading /docexport/)
    sid=${session%% *}
    mapfile -t fcgi_pids < <(pgrep -P "$(cat "$RUN/docexport.pid")")
    ((${#fcgi_pids[@]} > 0)) || die "no docexport workers"
    hwm_before=$(e2e_max_hwm "${fcgi_pids[@]}")
    echo 0 >"$WORK/rss-fcgi"
    e2e_sample_rss "$WORK/rss-fcgi" "${fcgi_pids[@]}" &
    SAMPLERS+=($!)
    sleep 0.3
    local xl=$WORK/table.xlsx curl_out code size secs ctype i times=() icp0 icp1
    icp0=$(bench_db -e "SHOW GLOBAL STATUS LIKE 'Handler_icp_attempts'" | cut -f2)
    for ((i = 1; i <= REPEAT; i++)); do
        curl_out=$(curl -s -o "$xl" -b "ts_sid=$sid" -w '%{http_code} %{size_download} %{time_total} %{content_type}' \
            "$URL/docexport/table?status=all&decl_no=&period=")
        read -r code size secs ctype <<<"$curl_out"
        [[ $code == 200 && $ctype == application/vnd.openxmlformats* ]] || die "导出表格 answered $code $ctype"
        times+=("$secs")
    done
    icp1=$(bench_db -e "SHOW GLOBAL STATUS LIKE 'Handler_icp_attempts'" | cut -f2)
    sleep 0.3
    bench_on_exit
    SAMPLERS=()
    secs=$(printf '%s\n' "${times[@]}" | sort -n | awk -v n="$REPEAT" 'NR == int((n + 1) / 2)')
    local hwm_after rss_peak
    hwm_after=$(e2e_max_hwm "${fcgi_pids[@]}")
    rss_peak=$(cat "$WORK/rss-fcgi")

    local check rows first
    check=$(/usr/bin/python3 - "$xl" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = 0
first = None
for i, row in enumerate(wb.worksheets[0].iter_rows(values_only=True)):
    if i == 0:
        continue
    if any(v not in (None, "") for v in row):
        rows += 1
        if first is None:
            first = row[0]
print(rows, first)
PY
)
    read -r rows first <<<"$check"
    [[ $rows == "$expect" && $first == "$first_no" ]] ||
        die "the xlsx holds $rows data rows (expected $expect), first 报关单号 $first (expected $first_no)"

    local explain mid_no
    mid_no=$(bench_db -e "SELECT decl_no FROM customs_decl WHERE ent_id = $ent ORDER BY decl_no LIMIT 1 OFFSET $((ndecl / 2))")
    explain=$(bench_db -t --column-names -e "EXPLAIN SELECT d.id AS decl_id, d.decl_no, d.period, d.export_date, x.id, k.name
        FROM (SELECT d.id, d.ent_id, d.decl_no, d.period, IFNULL(d.export_date, '') AS export_date
              FROM customs_decl d FORCE INDEX (uk_customs_decl) WHERE d.ent_id = $ent AND ('all' = 'all' OR d.status = 'all')
              AND ('' = '' OR INSTR(d.decl_no, '') > 0) AND ('' = '' OR d.period = '')
              AND d.decl_no > '$mid_no' ORDER BY d.decl_no LIMIT 500) d
        LEFT JOIN decl_document x ON x.ent_id = d.ent_id AND x.decl_id = d.id
        LEFT JOIN doc_kind k ON k.id = x.doc_kind_id
        ORDER BY d.decl_no, k.ent_key, k.sort_order, k.id, x.id")
    {
        say "$(date -Is), commit $(bench_commit)"
        say "machine: $(bench_machine)"
        say "load average before the stack started: $load_before; after the run: $(bench_loadavg)"
        say "stack: app.workers = $WORKERS; $ndecl declarations, $ndoc documents + $nper 按所属期备案 ones"
        say "xlsx: $size bytes, $rows data rows + header (openpyxl), first 报关单号 $first"
        echo
        echo "| step | value |"
        echo "|---|---:|"
        awk -v s="$secs" -v z="$size" -v r="$rows" -v hb="$hwm_before" -v ha="$hwm_after" -v rp="$rss_peak" \
            -v all="${times[*]}" -v icp="$(((icp1 - icp0) / REPEAT))" 'BEGIN {
            printf "| GET /docexport/table through nginx (curl time_total), median of %d | %.2f s (%.0f rows/s) |\n", split(all, t, " "), s, r / s
            printf "| each request | %s s |\n", all
            printf "| MariaDB Handler_icp_attempts per request | %d |\n", icp
            printf "| xlsx | %d bytes, %d rows |\n", z, r
            printf "| docexport FastCGI workers: VmHWM before / after | %.1f / %.1f MiB |\n", hb / 1024, ha / 1024
            printf "| docexport FastCGI workers: peak VmRSS sampled during the request | %.1f MiB |\n", rp / 1024
        }'
        echo
        echo "target: under 3 s, RSS under 64 MB"
        echo
        echo "EXPLAIN of the batch after 报关单号 $mid_no (decl_batch, lib/ts_export.c):"
        echo "$explain"
    } | tee "$report"
    say "written to $report"
}

if [[ $MODE == table-e2e ]]; then
    table_e2e
    exit 0
fi

if [[ $MODE == e2e ]]; then
    e2e
    exit 0
fi

# ================================================================ lib

make -s "$B/lib/libtuishui.a" >/dev/null
mkdir -p "$B/bench"
DRV=$B/bench/ts-exportbench
cat >"$B/bench/ts-exportbench.c" <<'C'
/* driver of lib/ts_export for bench/export.sh */
#include "ts_export.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ts_export_doc doc(char *no, char *name, const char *path, long i)
{
    snprintf(no, 32, "5101202600%08ld", i / 2);
    snprintf(name, 64, "出口合同扫描件-%ld.pdf", i);
    return (struct ts_export_doc){.decl_no = no, .period = "202601", .export_date = "2026-01-10",
        .kind_name = i % 2 ? "出口货物运输单据" : "出口合同", .file_name = name,
        .uploaded_at = "2026-01-12 09:30:00",
        .sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        .file_kind = "pdf", .path = path, .size = 5242880};
}

int main(int argc, char **argv)
{
    char no[32], name[64], p[4096];
    long n = atol(argv[3]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (strcmp(argv[1], "table") == 0) {
        snprintf(p, sizeof p, "%s/bench-table.xlsx", argv[2]);
        struct ts_export_xlsx *x = ts_export_xlsx_open(p, argv[2], TS_EXPORT_TABLE);
        for (long i = 0; x && i < n; i++) {
            struct ts_export_doc d = doc(no, name, "x", i);
            if (ts_export_xlsx_add(x, &d, NULL) < 0) return 1;
        }
        if (!x || ts_export_xlsx_close(x) < 0) return 1;
    } else {
        snprintf(p, sizeof p, "%s/bench.zip", argv[2]);
        struct ts_export_zip *z = ts_export_zip_open(p);
        snprintf(p, sizeof p, "%s/bench-cat.xlsx", argv[2]);
        struct ts_export_xlsx *x = ts_export_xlsx_open(p, argv[2], TS_EXPORT_IN_ZIP);
        for (long i = 0; z && x && i < n; i++) {
            struct ts_export_doc d = doc(no, name, argv[4], i);
            const char *in = ts_export_zip_add(z, &d);
            if (!in || ts_export_xlsx_add(x, &d, in) < 0) return 1;
        }
        if (!z || !x || ts_export_xlsx_close(x) < 0 ||
            ts_export_zip_add_file(z, "备案目录.xlsx", p, true) < 0 || ts_export_zip_close(z) < 0)
            return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("seconds %.2f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
C
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -Ilib -o "$DRV" "$B/bench/ts-exportbench.c" "$B/lib/libtuishui.a" \
    -lfcgi $(pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb) \
    -lneo_cgi -lneo_cs -lneo_utl -lz -lcrypto -lqpdf -lhpdf -lzip -lexpat -lxlsxwriter -lpthread

REPORT=$OUT/export-$(date +%Y%m%d-%H%M%S).txt
# run NAME ARGS... — the driver under /usr/bin/time -v: seconds and peak RSS.
run() {
    local name=$1 log
    shift
    log=$(mktemp)
    /usr/bin/time -v "$DRV" "$@" >"$log.out" 2>"$log"
    printf '%-28s %8s s  peak RSS %6d KiB' "$name" "$(awk '/^seconds/ {print $2}' "$log.out")" \
        "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")" | tee -a "$REPORT"
    rm -f "$log" "$log.out"
}

{
    say "$(date -Is), commit $(bench_commit)"
    say "machine: $(bench_machine); load average before: $(bench_loadavg)"
} | tee "$REPORT"
run "导出表格 $ROWS rows" table "$OUT" "$ROWS"
printf '  (%s bytes)\n' "$(stat -c %s "$OUT/bench-table.xlsx")" | tee -a "$REPORT"
head -c 5242880 /dev/urandom >"$OUT/bench-doc.bin"
run "导出ZIP 2 × 5 MiB" zip "$OUT" 2 "$OUT/bench-doc.bin"
printf '  (%s bytes)\n' "$(stat -c %s "$OUT/bench.zip")" | tee -a "$REPORT"
run "导出ZIP $COUNT × 5 MiB" zip "$OUT" "$COUNT" "$OUT/bench-doc.bin"
printf '  (%s bytes)\n' "$(stat -c %s "$OUT/bench.zip")" | tee -a "$REPORT"
rm -f "$OUT/bench.zip" "$OUT/bench-cat.xlsx" "$OUT/bench-table.xlsx" "$OUT/bench-doc.bin"
echo "report: $REPORT"
