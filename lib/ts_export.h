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
 *   - PDF: libharu draws the catalog and the image pages; libqpdf appends
 *     the pages of uploaded PDFs (libharu cannot import pages).
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
};

/* Which columns a catalog sheet has. */
enum ts_export_layout {
    TS_EXPORT_TABLE, /* 导出表格: 报关单号 所属期 出口日期 单证种类 文件名 大小 上传时间 SHA-256 */
    TS_EXPORT_IN_ZIP /* 备案目录.xlsx of a ZIP: 报关单号 单证种类 文件名 ZIP内路径 大小 上传时间 SHA-256 */
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

size_t ts_export_safe_name(const char *name, char *out, size_t cap);

int ts_export_pdf(const char *out_path, const char *tmpdir, const struct ts_export_doc *docs,
                  size_t n, const char **err);

#endif
