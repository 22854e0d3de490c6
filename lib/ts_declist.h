/* ts_declist — the import of one uploaded 明细申请表 into the 关单清册
 * (000 §2.4.1 生成关单清册), shared by cgi-bin/declist (small files, in the
 * request) and tools/ts-worker (large files, as a job).
 *
 * The sheet is the 外贸企业出口退税出口明细申请表 or the 生产企业出口货物劳务
 * 免抵退税申请明细表, as downloaded from the 电子税务局 / 单一窗口.  The
 * header row is found by its Chinese column names (never by position) and
 * decides which table it is; a missing required column refuses the whole
 * file ("缺少必需的列：报关单号、…").  Each data row is checked (报关单号 18
 * digits, 出口日期 YYYY-MM-DD / YYYYMMDD / Excel serial day, 美元离岸价
 * rounded half-up at fen, 商品代码 10 digits, 所属期 YYYYMM) and the good
 * ones become customs_decl (one per 报关单号, fob_usd and line_count summed)
 * and customs_decl_line (申报关联号 + 商品序号, unique); each 所属期 gets its
 * period_filing (按所属期备案: 备案期限 = 申报日期 + 15 days, 保存期限 =
 * 申报日期 + the retention_rule's years).  Bad rows are kept with their row
 * number and reason and written to an xlsx (the row as uploaded plus
 * 错误原因), stored in the file store and named by declist_upload.
 * errors_sha256. */
#ifndef TS_DECLIST_H
#define TS_DECLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_db;

enum ts_declist_kind { TS_DECLIST_UNKNOWN = 0, TS_DECLIST_TRADING, TS_DECLIST_PRODUCTION };

#define TS_DECLIST_DUE_DAYS 15   /* 备案期限: within 15 days of declaring */
#define TS_DECLIST_PROGRESS 1000 /* rows between progress reports */

/* declist_upload.table_kind: "trading" / "production"; the label:
 * 外贸企业出口退税出口明细申请表 / 生产企业出口货物劳务免抵退税申请明细表. */
const char *ts_declist_kind_name(enum ts_declist_kind kind);
const char *ts_declist_kind_label(const char *kind_name);

/* What a first look at the file found: the table, the data rows (the rows
 * under the header) seen, and the first 所属期 in them ("" if none). */
struct ts_declist_probe {
    enum ts_declist_kind kind;
    size_t data_rows;
    char period[7];
};

/* Look at the file before it is queued for the worker: its header (the
 * table, the required columns) and data rows until a 所属期 is found or
 * max_rows were seen (0: every row, and data_rows counts them all).  The
 * refusals are the import's: no header, a missing column, no data row,
 * and — only when the sheet was read to its end — no 所属期 in the sheet
 * nor in form_period.  0, or -1 with err (a Chinese sentence for the
 * user).  With max_rows small its cost is the shared strings and the
 * first rows, not the sheet. */
int ts_declist_probe(const char *path, const char *form_period, size_t max_rows,
                     struct ts_declist_probe *out, char *err, size_t errlen);

/* Called once the file is read (done 0: the total is known), then every
 * TS_DECLIST_PROGRESS rows with the rows written so far; it
 * must write through a connection of its own (the import's transaction is
 * still open).  Non-zero stops the import (TS_DECLIST_STOPPED). */
typedef int (*ts_declist_progress_fn)(void *ctx, int64_t done, int64_t total);

/* ts_declist_import's results besides 0 (done) and -1 (system error). */
#define TS_DECLIST_REFUSED 1 /* the file was refused; msg says why */
#define TS_DECLIST_STOPPED 2 /* progress asked to stop (the worker's SIGTERM) */

/* Import declist_upload row upload_id (its file from the store) in the
 * caller's transaction, all or nothing (the one full read of the file; a
 * file without a header, a required column, data rows, or any 所属期 in
 * the sheet or the upload's period is refused here, as by the probe): the rows, customs_decl,
 * customs_decl_line, period_filing and the upload's final status are
 * written there, so the caller's COMMIT makes the import visible at once
 * and a ROLLBACK leaves nothing of it (the request's transaction, or the
 * worker's one transaction per job).  progress may be NULL.  Returns 0 done
 * (msg says what was imported), TS_DECLIST_REFUSED (the upload is marked
 * failed in the transaction; msg says why), TS_DECLIST_STOPPED, or -1 on a
 * system error (logged; msg is the Chinese reason for the page, naming the
 * row when a row's write failed).  On anything but 0 the caller rolls
 * back. */
int ts_declist_import(struct ts_db *db, int64_t upload_id, ts_declist_progress_fn progress,
                      void *ctx, char *msg, size_t msglen);

/* Set the upload's status (queued, running, failed) and message outside
 * the import: the worker marks it running before, and failed or queued
 * after rolling an import back.  -1 on a database error. */
int ts_declist_set_status(struct ts_db *db, int64_t upload_id, const char *status,
                          const char *message);

/* Date arithmetic of the 按所属期备案 (dates YYYY-MM-DD, Gregorian).  False
 * when date is not a date. */
bool ts_declist_add_days(const char *date, int days, char out[11]);
/* The same day years later; 02-29 becomes 02-28 in a common year. */
bool ts_declist_add_years(const char *date, int years, char out[11]);
/* 备案期限 (declared_on + 15 days) and 保存期限 (declared_on + years). */
bool ts_declist_filing_dates(const char *declared_on, int years, char due[11], char retention[11]);

#endif
