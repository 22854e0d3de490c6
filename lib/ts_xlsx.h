/* ts_xlsx — a streaming reader of the first worksheet of an .xlsx file.
 *
 * Built on libzip and expat, as design.md asks: no DOM of a whole sheet.
 * The sheet is found through xl/workbook.xml and its relationships (never
 * by a fixed name); shared strings (t="s"), inline strings (t="inlineStr"),
 * numbers, booleans and formula results (t="str") are read; cells may skip
 * columns (the r attribute places them).  Outside input: before any XML is
 * parsed the archive's entry count and every entry's uncompressed size are
 * checked against hard limits (an xlsx inflates ~19×), the XML parsers
 * refuse DTDs and entities, and a cell longer than max_cell is an error.
 * Fuzz target: tests/fuzz/fuzz_xlsx.c.
 *
 * Rows are handed to a callback one at a time, as strings indexed by column
 * (0 = A); a row's missing cells are "".  Numbers come as written in the
 * sheet (e.g. "12345.67", "4.5E-3"): callers parse amounts with ts_money.
 * Dates stored as numbers are serial days; ts_xlsx_serial_date converts
 * them to YYYY-MM-DD.
 */
#ifndef TS_XLSX_H
#define TS_XLSX_H

#include <stddef.h>
#include <stdint.h>

struct ts_xlsx_limits {
    size_t max_entries;         /* entries in the zip */
    uint64_t max_uncompressed;  /* of any one entry, and of all together */
    size_t max_shared_strings;  /* count */
    size_t max_cell;            /* bytes of one cell's text */
    size_t max_columns;         /* highest column index + 1 */
    size_t max_rows;
};

extern const struct ts_xlsx_limits ts_xlsx_default_limits;

/* Called once per row that has at least one cell.  row is the 1-based row
 * number of the sheet.  Return 0 to go on, non-zero to stop (that value is
 * returned by ts_xlsx_read). */
typedef int (*ts_xlsx_row_fn)(void *ctx, size_t row, const char *const *cells, size_t ncells);

int ts_xlsx_read(const char *path, const struct ts_xlsx_limits *lim, ts_xlsx_row_fn fn,
                 void *ctx, const char **err);
int ts_xlsx_read_buffer(const void *data, size_t len, const struct ts_xlsx_limits *lim,
                        ts_xlsx_row_fn fn, void *ctx, const char **err);
int ts_xlsx_serial_date(const char *cell, char out[11]);

#endif
