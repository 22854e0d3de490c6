/* libFuzzer target: ts_csv_read_buffer, the reader of uploaded CSV tables
 * (the 出口退税率文库 and exchange-rate imports of the operator).
 *
 * Input: byte 0 bit 0: tight limits, else the defaults; bits 4-7: stop
 * after that many rows (0: never), to test the callback's stop value; the
 * rest is the file (UTF-8, a BOM, GBK, anything).  Invariants (abort when
 * broken): rows come in ascending order within max_rows; 1 <= ncells <=
 * max_columns and the last cell is not empty; every cell is valid UTF-8
 * without NUL within max_cell; the result is 0 with no message, -1 with
 * one, or the callback's stop value with none. */
#include "ts_codes.h"
#include "ts_csv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ts_csv_limits tight = {
    .max_bytes = 4096,
    .max_cell = 64,
    .max_columns = 8,
    .max_rows = 50,
};

#define STOP_RC 42

struct seen {
    const struct ts_csv_limits *lim;
    size_t last_row, rows, stop_after;
};

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv: invariant broken: %s\n", what);
        abort();
    }
}

static int on_row(void *ctx, size_t row, const char *const *cells, size_t n)
{
    struct seen *s = ctx;
    check(row > s->last_row, "rows ascend");
    check(row <= s->lim->max_rows, "row within max_rows");
    check(n >= 1 && n <= s->lim->max_columns, "ncells within limits");
    check(cells[n - 1][0] != '\0', "last cell not empty");
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(cells[i]);
        check(len <= s->lim->max_cell, "cell within max_cell");
        check(ts_codes_utf8_valid(cells[i], len), "cell is UTF-8");
    }
    s->last_row = row;
    return ++s->rows == s->stop_after ? STOP_RC : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct seen s = {.lim = (data[0] & 1) ? &tight : &ts_csv_default_limits,
                     .stop_after = data[0] >> 4};
    const char *err = "unset";
    int rc = ts_csv_read_buffer(data + 1, size - 1, s.lim, on_row, &s, &err);
    if (rc == 0 || rc == STOP_RC)
        check(err == NULL, "no message on success or stop");
    else if (rc == -1)
        check(err != NULL && ts_codes_utf8_valid(err, strlen(err)), "a message on refusal");
    else
        check(false, "result is 0, -1 or the stop value");
    if (rc == STOP_RC)
        check(s.rows == s.stop_after, "stopped at the asked row");
    return 0;
}
