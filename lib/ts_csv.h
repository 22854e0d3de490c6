/* ts_csv — a reader of uploaded CSV tables (the 出口退税率文库 and the
 * exchange rates, when an operator has them as .csv rather than .xlsx).
 *
 * The same shape as lib/ts_xlsx: rows go to a callback one at a time, as
 * strings indexed by column, so an importer reads either kind of file with
 * one row function.  RFC 4180 as spreadsheets write it: comma-separated
 * (or tab-separated when the first line has tabs and no comma), fields in
 * double quotes may hold commas, line breaks and "" for a quote; lines end
 * in CRLF, LF or CR.  Encoding: UTF-8 (a BOM is dropped) or, when the file
 * is not valid UTF-8, GB18030/GBK as Excel saves a Chinese CSV, converted
 * to UTF-8 before parsing.
 *
 * Outside input: the file size, a cell's bytes, the columns and the rows
 * are capped (struct ts_csv_limits); a NUL byte or an unclosed quote
 * refuses the file.  Fuzz target: tests/fuzz/fuzz_csv.c. */
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stddef.h>

struct ts_csv_limits {
    size_t max_bytes;   /* the whole file, before conversion */
    size_t max_cell;    /* bytes of one cell (UTF-8) */
    size_t max_columns; /* cells in one row */
    size_t max_rows;    /* the highest row number handed over */
};

extern const struct ts_csv_limits ts_csv_default_limits;

/* Called once per row with at least one non-empty cell; row is the
 * 1-based record number (a quoted line break does not start a new one,
 * as in a spreadsheet); ncells is the highest non-empty column + 1.
 * Return 0 to go on, non-zero to stop (returned by ts_csv_read). */
typedef int (*ts_csv_row_fn)(void *ctx, size_t row, const char *const *cells, size_t ncells);

/* Read the CSV file at path (or the data..len copy in memory).  lim NULL
 * means the defaults.  Returns 0 when every row was read; -1 when the file
 * is refused, with *err a static Chinese sentence ("文件过大",
 * "CSV格式错误：引号未闭合", "文件编码无法识别…", ...); or the callback's
 * non-zero value with *err NULL.  Cells are valid UTF-8 without NUL and
 * valid only during the call. */
int ts_csv_read(const char *path, const struct ts_csv_limits *lim, ts_csv_row_fn fn, void *ctx,
                const char **err);
int ts_csv_read_buffer(const void *data, size_t len, const struct ts_csv_limits *lim,
                       ts_csv_row_fn fn, void *ctx, const char **err);

#endif
