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
 * them to YYYY-MM-DD in the workbook's date system (1900, or 1904 when
 * xl/workbook.xml says <workbookPr date1904="1">: struct ts_xlsx_book).
 */
#ifndef TS_XLSX_H
#define TS_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_xlsx_limits {
    size_t max_entries;        /* entries in the zip */
    uint64_t max_uncompressed; /* of any one entry, and of all together */
    size_t max_shared_strings; /* count */
    size_t max_cell;           /* bytes of one cell's text */
    size_t max_columns;        /* highest column index + 1 */
    size_t max_rows;           /* highest row number handed to the callback */
    uint64_t max_shared_bytes; /* text of all shared strings together; 0: max_uncompressed */
};

extern const struct ts_xlsx_limits ts_xlsx_default_limits;

/* What xl/workbook.xml says of the whole workbook, filled in before the
 * first row is handed over (so a row callback may read it). */
struct ts_xlsx_book {
    bool date1904; /* serial days count from 1904-01-01 (day 0), not 1900 */
};

/* Called once per row that has at least one cell with a value (styled but
 * empty cells do not count).  row is the 1-based row number of the sheet;
 * ncells is the highest column with a value + 1.  Return 0 to go on,
 * non-zero to stop (that value is returned by ts_xlsx_read). */
typedef int (*ts_xlsx_row_fn)(void *ctx, size_t row, const char *const *cells, size_t ncells);

/* Read the first worksheet of the file at path (or of the data..len copy
 * in memory), calling fn for each row.  lim NULL means the defaults;
 * book, if not NULL, is filled before the first row (zeroed first).
 * Returns 0 when every row was read; -1 when the file is refused, with
 * *err a Chinese sentence for the user (static; "文件不是有效的xlsx文件",
 * "文件解压后过大", "表格行数超过限制", "单元格内容过长", ...); or the
 * callback's non-zero value, with *err NULL, when the callback stopped the
 * read (return positive values to tell that apart from -1).  Rows whose
 * cells are all empty are not handed over; cells and their strings are
 * valid only during the call.  A boolean cell reads "TRUE" or "FALSE";
 * an error cell as written ("#N/A"). */
int ts_xlsx_read(const char *path, const struct ts_xlsx_limits *lim, ts_xlsx_row_fn fn, void *ctx,
                 struct ts_xlsx_book *book, const char **err);
int ts_xlsx_read_buffer(const void *data, size_t len, const struct ts_xlsx_limits *lim,
                        ts_xlsx_row_fn fn, void *ctx, struct ts_xlsx_book *book, const char **err);
/* The uncompressed size of all the file's entries together, as its zip
 * directory declares them (the reader never inflates more): a measure of
 * the work a read will do, found without inflating anything.  0, or -1
 * with *err as ts_xlsx_read would say it (not a zip, too many entries,
 * too large). */
int ts_xlsx_inflated_size(const char *path, const struct ts_xlsx_limits *lim, uint64_t *bytes,
                          const char **err);
/* An Excel serial day number (fraction ignored: "45658", "45658.75") as
 * YYYY-MM-DD in out.  1900 date system (date1904 false): 1..2958465 is
 * 1900-01-01..9999-12-31 and 60 is Excel's 1900-02-29; 1904 date system:
 * 0..2957003 is 1904-01-01..9999-12-31.  Returns 0, or -1 with out ""
 * when cell is not a serial day of that range. */
int ts_xlsx_serial_date(const char *cell, bool date1904, char out[11]);

#endif
