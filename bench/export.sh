#!/usr/bin/env bash
# bench/export.sh — the export targets of ../shared/design.md ("Performance"):
# 导出表格 of 100k rows under 3 s with RSS < 64 MB, and memory flat (under
# 64 MB RSS) whether the ZIP of 导出ZIP holds 10 MB or ~1 GB.  Results go to
# docs/performance.md by hand.
#
# What it does: builds a small driver of lib/ts_export (the code the
# docexport program runs, without the database and HTTP around it) into
# $B/bench/ts-exportbench, then under /usr/bin/time -v (wall, peak RSS):
#   1. table: $BENCH_EXPORT_ROWS catalog rows (8 columns, as 导出表格 writes
#      them: libxlsxwriter constant_memory, temp files in the output folder);
#   2. zip:   a 5 MiB random file added 2 times (10 MiB) and
#             $BENCH_EXPORT_ZIP_COUNT times (~1 GiB by default) under
#             <报关单号>/<单证种类>/ names, plus the catalog xlsx — as many
#             decl_document rows pointing at one stored file would be.
# The ZIP and xlsx files are removed afterwards.
#
# Environment (all optional):
#   BENCH_EXPORT_ROWS       rows of the table      default 100000
#   BENCH_EXPORT_ZIP_COUNT  5 MiB entries          default 200
#   BENCH_OUT               results + temp folder  default build/bench
#   B                       build folder           default build
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
B=${B:-build}
ROWS=${BENCH_EXPORT_ROWS:-100000}
COUNT=${BENCH_EXPORT_ZIP_COUNT:-200}
OUT=${BENCH_OUT:-$REPO/build/bench}
mkdir -p "$OUT" "$B/bench"
make -s "$B/lib/libtuishui.a" >/dev/null

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
    echo "bench/export.sh $(date -Is) on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
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
