/* ts_export — the files 导出备案目录 (000 §2.4.4) produces: a ZIP of a
 * query's 备案单证 in folders, the 备案目录 as .xlsx, and one declaration's
 * documents as one PDF behind a generated 备案单证目录 page.
 *
 * Everything streams (design.md "Performance": memory flat under 64 MB
 * whether the ZIP holds 10 MB or 2 GB, 100k catalog rows under 3 s):
 *   - ZIP: libzip adds each stored file by path (zip_source_file); the
 *     bytes are read from disk at ts_export_zip_close, one entry at a time,
 *     into a temp file next to the target — never into memory.  Documents
 *     (JPEG, PDF: already compressed) are stored, not deflated.
 *   - xlsx: libxlsxwriter in constant_memory mode, each row flushed to a
 *     temp file in tmpdir as it is written.
 *   - PDF: libharu draws the catalog and the image pages; libqpdf puts
 *     the pages of uploaded PDFs among them in catalog order (libharu
 *     cannot import pages).
 *
 * Callers hand over one struct ts_export_doc per document (a declaration
 * without documents: path NULL, file_name "").  The strings need only live
 * during the call; the writers copy what they keep. */
#ifndef TS_EXPORT_H
#define TS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_export_doc {
    const char *decl_no;     /* 报关单号 */
    const char *period;      /* 所属期 YYYYMM */
    const char *export_date; /* 出口日期 YYYY-MM-DD or "" */
    const char *kind_name;   /* 单证种类 ("" for a declaration without documents) */
    const char *file_name;   /* as uploaded */
    const char *uploaded_at; /* 上传时间 */
    const char *sha256;
    const char *file_kind; /* "jpeg", "png", "pdf", "xlsx" */
    const char *path;      /* the stored file; NULL: a declaration without documents */
    int64_t size;
    bool by_period; /* 按所属期备案: filed for the 所属期 (decl_no ""), not one declaration */
};

/* Which columns a catalog sheet has. */
enum ts_export_layout {
    TS_EXPORT_TABLE, /* 导出表格: 报关单号 所属期 出口日期 单证种类 文件名 大小 上传时间 SHA-256 */
    TS_EXPORT_IN_ZIP /* 备案目录.xlsx of a ZIP: 报关单号 单证种类 文件名 ZIP内路径 大小 上传时间
                        SHA-256 */
};

struct ts_export_xlsx;
struct ts_export_xlsx *ts_export_xlsx_open(const char *path, const char *tmpdir,
                                           enum ts_export_layout layout);
int ts_export_xlsx_add(struct ts_export_xlsx *x, const struct ts_export_doc *d,
                       const char *zip_path);
int ts_export_xlsx_close(struct ts_export_xlsx *x);

struct ts_export_zip;
struct ts_export_zip *ts_export_zip_open(const char *path);
const char *ts_export_zip_add(struct ts_export_zip *z, const struct ts_export_doc *d);
int ts_export_zip_add_file(struct ts_export_zip *z, const char *name, const char *src_path,
                           bool compress);
int ts_export_zip_close(struct ts_export_zip *z);
void ts_export_zip_discard(struct ts_export_zip *z);

/* Report the writing of the archive (ts_export_zip_close): done of total
 * documents, as libzip reads them.  A non-zero return from fn cancels the
 * close (the archive is not written). */
typedef int (*ts_export_progress_fn)(void *ctx, int64_t done, int64_t total);
void ts_export_zip_progress(struct ts_export_zip *z, int64_t total, ts_export_progress_fn fn,
                            void *ctx);

size_t ts_export_safe_name(const char *name, char *out, size_t cap);

/* 【导出PDF】: the declaration decl (its decl_no, period, export_date)
 * with its documents docs[0..n) (n may be 0; its own first, then the
 * 按所属期备案 ones of its 所属期, by_period set) as one PDF at out_path:
 * the 备案单证目录 page(s), then each document in catalog order — a
 * JPEG/PNG as one page, a PDF with all its pages.  Temp files in tmpdir.
 * err: a Chinese reason on failure (details logged). */
int ts_export_pdf(const char *out_path, const char *tmpdir, const struct ts_export_doc *decl,
                  const struct ts_export_doc *docs, size_t n, const char **err);

/* One row of a form: its label, its value (wrapped; "\n" breaks a line)
 * and the least number of lines it is high (room to write in, to stamp). */
struct ts_export_form_row {
    const char *label;
    const char *value;
    int min_lines;
};

/* A one-page form (the 备案申请表 template) as a PDF at out_path: the
 * title, a two-column table of rows[0..n), the note under it; drawn with
 * libharu (font wqy-zenhei), its text made extractable by qpdf.  A temp
 * file in tmpdir.  err: a Chinese reason on failure (details logged). */
int ts_export_form_pdf(const char *out_path, const char *tmpdir, const char *title,
                       const struct ts_export_form_row *rows, size_t n, const char *note,
                       const char **err);

/* ---- the query of 导出备案目录 (cgi-bin/docexport and the worker) ---- */

struct ts_db;

/* The matching declarations: the enterprise's, status "incomplete" /
 * "complete" / "all", 报关单号 containing decl_no ("" any), 所属期 period
 * ("" any).  Their documents are the declarations' own (申报关联号专属单证
 * included) and those of the 按所属期备案 records (period_filing) the
 * declarations belong to; the latter have decl_no "" and go in the ZIP
 * under <所属期>/<单证种类>/. */
struct ts_export_query {
    int64_t ent_id;
    const char *status;
    const char *decl_no;
    const char *period;
};

typedef int (*ts_export_doc_fn)(void *ctx, const struct ts_export_doc *d);

/* Number and total size (sum of decl_document.size) of the query's
 * documents.  -1 on a database error. */
int ts_export_totals(struct ts_db *db, const struct ts_export_query *q, int64_t *ndocs,
                     int64_t *bytes);
/* fn for every document of the matching declarations (and once for each
 * declaration without any), in 报关单号 order, batch by batch in an arena
 * of its own; then for the 按所属期备案 documents, by 所属期.  The number
 * of declarations, -1 on error (fn's or the database's). */
int64_t ts_export_each(struct ts_db *db, const struct ts_export_query *q, ts_export_doc_fn fn,
                       void *ctx);

#define TS_EXPORT_STOPPED (-2)
/* 【导出ZIP】: the ZIP of the query at zip_path with 备案目录.xlsx at its
 * root (temp files in tmpdir).  progress (may be NULL) as for
 * ts_export_zip_progress.  The number of declarations (0: none matched,
 * nothing written), -1 on error, TS_EXPORT_STOPPED when progress asked to
 * stop; zip_path is left only on success. */
int64_t ts_export_zip_query(struct ts_db *db, const struct ts_export_query *q, const char *zip_path,
                            const char *tmpdir, ts_export_progress_fn progress, void *ctx);

/* A job's ZIP is kept this long after it is made (docexport_job.expires_at,
 * set by tools/ts-worker); downloads are refused after, and the worker
 * removes expired ZIPs (and sets removed_at) every worker.sweep_interval
 * seconds. */
#define TS_EXPORT_JOB_KEEP_HOURS 24

/* Where the ZIP of export job id (docexport_job.id) is kept:
 * <tmp.dir>/docexport/job-<id>.zip; the directory is made if missing. */
int ts_export_job_file(int64_t id, char *out, size_t cap);

/* The same ZIP as nginx's internal URI, /_docexport/job-<id>.zip: nginx's
 * `internal` location /_docexport/ aliases <tmp.dir>/docexport/ (nginx/
 * tuishui.conf.in, INSTALL), and /docexport/download answers with an
 * X-Accel-Redirect to it after its checks. */
#define TS_EXPORT_JOB_URI_PREFIX "/_docexport/"
int ts_export_job_uri(int64_t id, char *out, size_t cap);

struct ts_arena;
struct ts_db_rows;
struct ts_export_doc ts_export_row_doc(struct ts_arena *a, const struct ts_db_rows *r, size_t i);

#endif
