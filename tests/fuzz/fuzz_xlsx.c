/* libFuzzer target: ts_xlsx_read_buffer, the reader of every uploaded
 * spreadsheet (出口明细申请表 and the other imports).
 *
 * Input: byte 0 says how the rest becomes an archive.
 *   bits 0-1 == 0   the rest is the .xlsx itself (seeds are real files,
 *                   zip bombs, billion laughs; mutations mostly test libzip
 *                   and the entry checks, as CRCs rarely survive them)
 *   bits 0-1 != 0   the rest is XML parts split at 0xFF bytes (never in
 *                   UTF-8): sheet, shared strings, workbook, workbook rels;
 *                   a missing workbook or rels gets the usual one.  They are
 *                   zipped here (bit 2: deflated, else stored), so the
 *                   fuzzer mutates XML, not compressed bytes.
 *   bits 4-7        stop after that many rows (0: never), to test the
 *                   callback's stop value.
 * The limits are tight so every one of them is reachable.  Invariants
 * (abort when broken): rows come in ascending order, within max_rows;
 * 1 <= ncells <= max_columns and the last cell is not empty; every cell
 * is valid UTF-8 within max_cell ("FALSE" aside); ts_xlsx_serial_date
 * gives YYYY-MM-DD or "" in both date systems, and the workbook's (a
 * workbookPr date1904 is filled in before the first row); the result is 0 with no message, -1 with
 * one, or the callback's stop value with none. */
#include "ts_form.h"
#include "ts_xlsx.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

static const struct ts_xlsx_limits tight = {
    .max_entries = 16,
    .max_uncompressed = 256 * 1024,
    .max_shared_strings = 64,
    .max_cell = 256,
    .max_columns = 32,
    .max_rows = 200,
    .max_shared_bytes = 4096,
};

#define STOP_RC 42

static const char WORKBOOK[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_xlsx: invariant broken: %s\n", what);
        abort();
    }
}

struct seen {
    struct ts_xlsx_book book;
    size_t last_row;
    size_t rows;
    size_t stop_after;
};

/* YYYY-MM-DD with digits where digits belong. */
static bool date_shaped(const char *d)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
            return false;
    return d[10] == '\0';
}

static void check_date(const char *cell, bool date1904)
{
    char date[11];
    if (ts_xlsx_serial_date(cell, date1904, date) == 0)
        check(date_shaped(date), "serial date is YYYY-MM-DD");
    else
        check(date[0] == '\0', "refused serial date is empty");
}

static void check_cell(const char *cell)
{
    size_t n = strlen(cell);
    check(n <= tight.max_cell || strcmp(cell, "FALSE") == 0, "cell within max_cell");
    check(ts_form_utf8_valid(cell, n), "cell is UTF-8");
    check_date(cell, false);
    check_date(cell, true);
}

static int on_row(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
    struct seen *s = ctx;
    check(row > s->last_row, "rows ascend");
    check(row >= 1 && row <= tight.max_rows, "row within max_rows");
    check(ncells >= 1 && ncells <= tight.max_columns, "ncells within max_columns");
    check(cells[ncells - 1][0] != '\0', "the last cell has a value");
    for (size_t i = 0; i < ncells; i++)
        check_cell(cells[i]);
    s->last_row = row;
    s->rows++;
    return s->stop_after && s->rows >= s->stop_after ? STOP_RC : 0;
}

/* Add one part to the archive being built (stored or deflated). */
static void add_part(zip_t *z, const char *name, const char *p, size_t n, bool deflate)
{
    zip_source_t *src = zip_source_buffer(z, p, n, 0);
    check(src != NULL, "zip_source_buffer");
    zip_int64_t i = zip_file_add(z, name, src, 0);
    check(i >= 0, "zip_file_add");
    zip_set_file_compression(z, (zip_uint64_t)i, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
}

/* The next part of the input, up to a 0xFF byte or the end. */
static bool next_part(const uint8_t **at, const uint8_t *end, const char **p, size_t *n)
{
    if (*at > end)
        return false;
    const uint8_t *stop = memchr(*at, 0xFF, (size_t)(end - *at));
    if (!stop)
        stop = end;
    *p = (const char *)*at;
    *n = (size_t)(stop - *at);
    *at = stop + 1;
    return true;
}

/* Zip the parts into memory; the bytes are malloc'd for the caller. */
static uint8_t *zip_parts(const uint8_t *data, size_t size, bool deflate, size_t *len)
{
    static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                        "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
    const uint8_t *at = data, *end = data + size;
    const char *p;
    size_t n, k = 0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
    check(out != NULL, "zip_source_buffer_create");
    zip_source_keep(out);
    zip_t *z = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
    check(z != NULL, "zip_open_from_source");
    for (; k < 4 && next_part(&at, end, &p, &n); k++)
        add_part(z, names[k], p, n, deflate);
    if (k < 3)
        add_part(z, names[2], WORKBOOK, sizeof WORKBOOK - 1, deflate);
    if (k < 4)
        add_part(z, names[3], RELS, sizeof RELS - 1, deflate);
    check(zip_close(z) == 0, "zip_close");
    zip_stat_t st;
    check(zip_source_stat(out, &st) == 0 && zip_source_open(out) == 0, "reopen");
    uint8_t *bytes = malloc(st.size ? st.size : 1);
    check(zip_source_read(out, bytes, st.size) == (zip_int64_t)st.size, "read back");
    zip_source_close(out);
    zip_source_free(out);
    zip_error_fini(&ze);
    *len = st.size;
    return bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    struct seen s = {.stop_after = mode >> 4};
    const char *err = "unset";
    size_t len = size - 1;
    uint8_t *zipped = NULL;
    const uint8_t *xlsx = data + 1;
    if (mode & 3) {
        zipped = zip_parts(data + 1, size - 1, mode & 4, &len);
        xlsx = zipped;
    }
    int rc = ts_xlsx_read_buffer(xlsx, len, &tight, on_row, &s, &s.book, &err);
    if (rc == -1)
        check(err != NULL && err[0] != '\0', "a refusal says why");
    else if (rc == 0)
        check(err == NULL && (!s.stop_after || s.rows < s.stop_after), "success: no message");
    else
        check(rc == STOP_RC && err == NULL && s.rows == s.stop_after, "the stop value returns");
    free(zipped);
    return 0;
}
