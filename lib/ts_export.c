/* ts_export — ZIP, xlsx and PDF files of 导出备案目录; see ts_export.h. */
#include "ts_export.h"

#include "ts_arena.h"
#include "ts_config.h"
#include "ts_db.h"
#include "ts_log.h"
#include "ts_pdf.h"
#include "ts_store.h"

#include <hpdf.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#define NAME_MAX_BYTES 180 /* of one path component in the ZIP (UTF-8 bytes) */

/* ---- safe names ----------------------------------------------------- */

/* Length of the valid UTF-8 character at s (1–4), 0 if s starts none. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xe0) == 0xc0 ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (n == 2 && s[0] < 0xc2)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* An uploaded file name (or 报关单号, 单证种类) as one safe component of a
 * path in the ZIP: no '/' or '\\', no control characters, none of the
 * characters Windows refuses (:*?"<>|), no ".." (every second dot of a run
 * becomes '_'), no leading dot, invalid UTF-8 bytes replaced; Chinese is
 * kept.  Cut at NAME_MAX_BYTES on a character boundary (keeping the
 * extension would be nicer; names that long are rare).  "" becomes "_".
 * Returns the length written to out (cap ≥ 2). */
size_t ts_export_safe_name(const char *name, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t o = 0, limit = cap - 1 < NAME_MAX_BYTES ? cap - 1 : NAME_MAX_BYTES;
    while (*p) {
        size_t n = utf8_len(p);
        bool bad = n == 0 || *p < 0x20 || *p == 0x7f || (n == 1 && strchr("/\\:*?\"<>|", *p)) ||
                   (*p == '.' && (o == 0 || out[o - 1] == '.'));
        if (n == 0)
            n = 1;
        if (o + (bad ? 1 : n) > limit)
            break;
        if (bad)
            out[o++] = '_';
        else
            for (size_t i = 0; i < n; i++)
                out[o++] = (char)p[i];
        p += n;
    }
    if (o == 0)
        out[o++] = '_';
    out[o] = '\0';
    return o;
}

/* ---- xlsx catalog --------------------------------------------------- */

struct ts_export_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head;
    enum ts_export_layout layout;
    lxw_row_t row;
};

static const char *const table_cols[] = {"报关单号", "所属期",       "出口日期", "单证种类",
                                         "文件名",   "大小（字节）", "上传时间", "SHA-256"};
/* lint:allow the xlsx column widths below are not money */
static const double table_widths[] = {21, 9, 12, 22, 36, 13, 20, 66};
static const char *const zip_cols[] = {"报关单号",     "单证种类", "文件名", "ZIP内路径",
                                       "大小（字节）", "上传时间", "SHA-256"};
static const double zip_widths[] = {21, 22, 36, 60, 13, 20, 66}; /* lint:allow xlsx column widths */

/* Start a catalog workbook at path, rows streamed through tmpdir
 * (constant_memory: only the current row is in memory).  NULL on error
 * (logged). */
struct ts_export_xlsx *ts_export_xlsx_open(const char *path, const char *tmpdir,
                                           enum ts_export_layout layout)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
    struct ts_export_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->layout = layout;
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb || !(x->ws = workbook_add_worksheet(x->wb, "备案目录"))) {
        ts_log_error("ts_export: cannot start workbook %s", path);
        if (x->wb)
            workbook_close(x->wb);
        free(x);
        return NULL;
    }
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    const char *const *cols = layout == TS_EXPORT_TABLE ? table_cols : zip_cols;
    const double *w = layout == TS_EXPORT_TABLE ? table_widths : zip_widths; /* lint:allow */
    size_t n = layout == TS_EXPORT_TABLE ? 8 : 7;
    for (size_t i = 0; i < n; i++) {
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w[i], NULL);
        worksheet_write_string(x->ws, 0, (lxw_col_t)i, cols[i], x->head);
    }
    x->row = 1;
    return x;
}

/* A string cell; "" is left blank (libxlsxwriter would write a blank). */
static lxw_error put(struct ts_export_xlsx *x, lxw_col_t col, const char *s)
{
    return s && *s ? worksheet_write_string(x->ws, x->row, col, s, NULL) : LXW_NO_ERROR;
}

/* One row of the catalog: a document, or a declaration without documents
 * (d->path NULL: the document columns are empty).  zip_path: where the
 * file is in the ZIP (TS_EXPORT_IN_ZIP), else ignored.  -1 when the sheet
 * is full or the temp file fails. */
int ts_export_xlsx_add(struct ts_export_xlsx *x, const struct ts_export_doc *d,
                       const char *zip_path)
{
    lxw_error e = LXW_NO_ERROR;
    bool doc = d->path != NULL;
    if (x->row >= LXW_ROW_MAX)
        return -1;
    if (x->layout == TS_EXPORT_TABLE) {
        e |= put(x, 0, d->decl_no);
        e |= put(x, 1, d->period);
        e |= put(x, 2, d->export_date);
        e |= put(x, 3, doc ? d->kind_name : "");
        e |= put(x, 4, doc ? d->file_name : "（无单证）");
        if (doc)
            e |= worksheet_write_number(x->ws, x->row, 5, d->size, NULL);
        e |= put(x, 6, doc ? d->uploaded_at : "");
        e |= put(x, 7, doc ? d->sha256 : "");
    } else {
        char label[64];
        snprintf(label, sizeof label, "（按所属期备案 %s）", d->period ? d->period : "");
        e |= put(x, 0, d->decl_no[0] ? d->decl_no : label);
        e |= put(x, 1, doc ? d->kind_name : "");
        e |= put(x, 2, doc ? d->file_name : "（无单证）");
        e |= put(x, 3, doc ? zip_path : "");
        if (doc)
            e |= worksheet_write_number(x->ws, x->row, 4, d->size, NULL);
        e |= put(x, 5, doc ? d->uploaded_at : "");
        e |= put(x, 6, doc ? d->sha256 : "");
    }
    x->row++;
    return e == LXW_NO_ERROR ? 0 : -1;
}

/* Write the workbook out and free x.  -1 on error (logged). */
int ts_export_xlsx_close(struct ts_export_xlsx *x)
{
    lxw_error e = workbook_close(x->wb);
    free(x);
    if (e != LXW_NO_ERROR) {
        ts_log_error("ts_export: workbook_close: %s", lxw_strerror(e));
        return -1;
    }
    return 0;
}

/* ---- ZIP ------------------------------------------------------------ */

struct ts_export_zip {
    zip_t *za;
    char name[4 * NAME_MAX_BYTES]; /* the last entry's path */
    ts_export_progress_fn progress;
    void *progress_ctx;
    int64_t total;
    int64_t last_done;
    bool cancel; /* progress asked to stop */
};

/* Start a ZIP at path (replaced if there).  NULL on error (logged). */
struct ts_export_zip *ts_export_zip_open(const char *path)
{
    int err = 0;
    struct ts_export_zip *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z->za) {
        ts_log_error("ts_export: zip_open %s failed (%d)", path, err);
        free(z);
        return NULL;
    }
    return z;
}

/* Add the file at src_path as name, read from disk only when the archive
 * is written (ts_export_zip_close).  compress: deflate, else store. */
int ts_export_zip_add_file(struct ts_export_zip *z, const char *name, const char *src_path,
                           bool compress)
{
    zip_source_t *src = zip_source_file(z->za, src_path, 0, 0);
    if (!src)
        goto fail;
    zip_int64_t i = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(src);
        goto fail;
    }
    if (zip_set_file_compression(z->za, (zip_uint64_t)i, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 0) < 0)
        goto fail;
    return 0;
fail:
    ts_log_error("ts_export: zip add %s: %s", name, zip_strerror(z->za));
    return -1;
}

/* "dir/stem(k).ext" for the k-th file of the same name in dir. */
static void numbered(char *out, size_t cap, const char *dir, const char *file, int k)
{
    const char *dot = strrchr(file, '.');
    int stem = dot && dot != file ? (int)(dot - file) : (int)strlen(file);
    snprintf(out, cap, "%s/%.*s(%d)%s", dir, stem, file, k, dot && dot != file ? dot : "");
}

/* Add a document as <报关单号>/<单证种类>/<safe file name> (a document of
 * an 按所属期备案 record, decl_no "": <所属期>/<单证种类>/...), the name
 * numbered "(2)", "(3)"... when the folder has it already.  Returns the
 * path in the ZIP (valid until the next add), NULL on error. */
const char *ts_export_zip_add(struct ts_export_zip *z, const struct ts_export_doc *d)
{
    char decl[NAME_MAX_BYTES + 1], kind[NAME_MAX_BYTES + 1], file[NAME_MAX_BYTES + 1];
    char dir[2 * NAME_MAX_BYTES + 2];
    ts_export_safe_name(d->decl_no[0] ? d->decl_no : d->period, decl, sizeof decl);
    ts_export_safe_name(d->kind_name, kind, sizeof kind);
    ts_export_safe_name(d->file_name, file, sizeof file);
    snprintf(dir, sizeof dir, "%s/%s", decl, kind);
    snprintf(z->name, sizeof z->name, "%s/%s", dir, file);
    for (int k = 2; zip_name_locate(z->za, z->name, ZIP_FL_ENC_UTF_8) >= 0; k++)
        numbered(z->name, sizeof z->name, dir, file, k);
    return ts_export_zip_add_file(z, z->name, d->path, false) < 0 ? NULL : z->name;
}

/* Write the archive (this is where the files are read and copied) and
 * free z.  -1 on error (logged; the target is not left behind). */
int ts_export_zip_close(struct ts_export_zip *z)
{
    int rc = zip_close(z->za);
    if (rc < 0) {
        ts_log_error("ts_export: zip_close: %s", zip_strerror(z->za));
        zip_discard(z->za);
    }
    free(z);
    return rc < 0 ? -1 : 0;
}

/* libzip's progress while writing: fraction of the archive written. */
static void zip_progress_cb(zip_t *za, double fraction, void *ud) /* lint:allow libzip fraction */
{
    (void)za;
    struct ts_export_zip *z = ud;
    int64_t done = (int64_t)(fraction * (double)z->total); /* lint:allow libzip fraction */
    if (done == z->last_done && fraction < 1)
        return;
    z->last_done = done;
    if (z->progress(z->progress_ctx, done, z->total) != 0)
        z->cancel = true;
}

static int zip_cancel_cb(zip_t *za, void *ud)
{
    (void)za;
    return ((struct ts_export_zip *)ud)->cancel ? 1 : 0;
}

void ts_export_zip_progress(struct ts_export_zip *z, int64_t total, ts_export_progress_fn fn,
                            void *ctx)
{
    z->progress = fn;
    z->progress_ctx = ctx;
    z->total = total > 0 ? total : 1;
    z->last_done = -1;
    zip_register_progress_callback_with_state(z->za, 0.001, zip_progress_cb, NULL,
                                              z); /* lint:allow libzip precision */
    zip_register_cancel_callback_with_state(z->za, zip_cancel_cb, NULL, z);
}

/* Give up an archive being built: nothing is written. */
void ts_export_zip_discard(struct ts_export_zip *z)
{
    zip_discard(z->za);
    free(z);
}

/* ---- PDF ------------------------------------------------------------ */

#define A4_W   TS_PDF_A4_W
#define A4_H   TS_PDF_A4_H
#define MARGIN 40
#define LEAD   11 /* line height of the table */

struct pdfgen {
    struct ts_pdf p; /* the document, its CJK font, its first error */
    HPDF_Page page;
    HPDF_REAL y;             /* where the next line goes */
    const char *const *head; /* the table's header, drawn again atop each continuation page */
};

/* A new A4 page (of the catalog, or for an image). */
static void pdf_new_page(struct pdfgen *g)
{
    g->page = HPDF_AddPage(g->p.doc);
    HPDF_Page_SetSize(g->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_SetLineWidth(g->page, 0.5f);
    g->y = A4_H - MARGIN;
}

static void pdf_text(struct pdfgen *g, HPDF_REAL x, HPDF_REAL y, HPDF_REAL size, const char *s)
{
    ts_pdf_text(&g->p, g->page, x, y, size, s);
}

struct cat_col {
    HPDF_REAL x, w, size;
};

static const struct cat_col cat_cols[] = {
    {MARGIN, 24, 8},       {MARGIN + 24, 86, 8},   {MARGIN + 110, 150, 8},
    {MARGIN + 260, 70, 8}, {MARGIN + 330, 150, 7}, {MARGIN + 480, 35, 8},
};
#define NCOLS (sizeof cat_cols / sizeof cat_cols[0])

/* One row of the catalog table with its cells wrapped.  When it does not
 * fit, a new page, headed by the table's header (g->head) so that a
 * continuation page reads on its own. */
static void pdf_row(struct pdfgen *g, const char *const cells[NCOLS])
{
    char bufs[NCOLS][1024];
    const char *lines[NCOLS][6];
    int n[NCOLS], rows = 1;
    for (size_t i = 0; i < NCOLS; i++) {
        HPDF_Page_SetFontAndSize(g->page, g->p.font, cat_cols[i].size);
        n[i] =
            ts_pdf_wrap(g->page, cells[i], cat_cols[i].w - 4, bufs[i], sizeof bufs[i], lines[i], 6);
        rows = n[i] > rows ? n[i] : rows;
    }
    HPDF_REAL h = (HPDF_REAL)(rows * LEAD + 4);
    if (g->y - h < MARGIN) {
        pdf_new_page(g);
        if (g->head && cells != g->head)
            pdf_row(g, g->head);
    }
    for (size_t i = 0; i < NCOLS; i++)
        for (int k = 0; k < n[i]; k++)
            pdf_text(g, cat_cols[i].x + 2, g->y - (HPDF_REAL)((k + 1) * LEAD) + 2, cat_cols[i].size,
                     lines[i][k]);
    HPDF_Page_Rectangle(g->page, MARGIN, g->y - h, A4_W - 2 * MARGIN, h);
    HPDF_Page_Stroke(g->page);
    g->y -= h;
}

/* Under the table, what the 按所属期备案 mark means (as on 打印单证). */
static void pdf_period_note(struct pdfgen *g, const char *period)
{
    char note[256];
    snprintf(
        note, sizeof note,
        "注：标注“按所属期备案”的单证是所属期 %s 按所属期备案的单证，属于该所属期的全部报关单。",
        period);
    if (g->y - 20 < MARGIN)
        pdf_new_page(g);
    pdf_text(g, MARGIN, g->y - 14, 8, note);
    g->y -= 20;
}

static const char *const cat_head[NCOLS] = {"序号",     "单证种类", "文件名",
                                            "上传时间", "SHA-256",  "页数"};

/* The 备案单证目录 page(s): title, the declaration, the table (its header
 * on every page).  An 按所属期备案 document says so under its 单证种类. */
static void pdf_catalog(struct pdfgen *g, const struct ts_export_doc *decl,
                        const struct ts_export_doc *docs, size_t n, const int *pages)
{
    char line[256], num[32], cnt[32], when[64], kind[512];
    pdf_new_page(g);
    pdf_text(g, A4_W / 2 - 54, g->y - 18, 18, "备案单证目录");
    g->y -= 48;
    snprintf(line, sizeof line, "报关单号：%s    所属期：%s    出口日期：%s", decl->decl_no,
             decl->period, decl->export_date);
    pdf_text(g, MARGIN, g->y, 10, line);
    g->y -= 14;
    g->head = cat_head;
    pdf_row(g, cat_head);
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%zu", i + 1);
        snprintf(cnt, sizeof cnt, "%d", pages[i]);
        snprintf(when, sizeof when, "%s", docs[i].uploaded_at);
        char *sp = strchr(when, ' ');
        if (sp)
            *sp = '\n'; /* date and time on two lines */
        snprintf(kind, sizeof kind, docs[i].by_period ? "%s\n（按所属期备案）" : "%s",
                 docs[i].kind_name);
        const char *cells[NCOLS] = {num, kind, docs[i].file_name, when, docs[i].sha256, cnt};
        pdf_row(g, cells);
    }
    if (n == 0) {
        const char *cells[NCOLS] = {"", "", "（无单证）", "", "", ""};
        pdf_row(g, cells);
    }
    if (n > 0 && docs[n - 1].by_period) /* they come last */
        pdf_period_note(g, decl->period);
}

/* A document the PDF shows as a page of its own (JPEG, PNG). */
static bool is_image(const struct ts_export_doc *d)
{
    return strcmp(d->file_kind, "jpeg") == 0 || strcmp(d->file_kind, "png") == 0;
}

/* An image document as one A4 page, scaled to fit inside the margins with
 * its proportions kept. */
static void pdf_image_page(struct pdfgen *g, const struct ts_export_doc *d)
{
    bool png = strcmp(d->file_kind, "png") == 0;
    HPDF_Image img = png ? HPDF_LoadPngImageFromFile(g->p.doc, d->path)
                         : HPDF_LoadJpegImageFromFile(g->p.doc, d->path);
    if (!img)
        return; /* g->p.error is set */
    pdf_new_page(g);
    HPDF_REAL iw = (HPDF_REAL)HPDF_Image_GetWidth(img), ih = (HPDF_REAL)HPDF_Image_GetHeight(img);
    HPDF_REAL bw = A4_W - 2 * 20, bh = A4_H - 2 * 20;
    HPDF_REAL s = bw / iw < bh / ih ? bw / iw : bh / ih;
    HPDF_Page_DrawImage(g->page, img, (A4_W - iw * s) / 2, (A4_H - ih * s) / 2, iw * s, ih * s);
}

/* Open each PDF document with qpdf for its pages (kept open: the pages
 * are copied from it at the end); pages[i]: an image 1, a PDF its page
 * count, anything else (an xlsx: not printable) 0. */
static int open_pdfs(const struct ts_export_doc *docs, size_t n, qpdf_data *src, int *pages,
                     const char **err)
{
    for (size_t i = 0; i < n; i++) {
        pages[i] = is_image(&docs[i]) ? 1 : 0;
        if (strcmp(docs[i].file_kind, "pdf") != 0)
            continue;
        src[i] = qpdf_init();
        qpdf_set_suppress_warnings(src[i], QPDF_TRUE);
        if ((qpdf_read(src[i], docs[i].path, NULL) & QPDF_ERRORS) ||
            (pages[i] = qpdf_get_num_pages(src[i])) < 0) {
            ts_log_error("ts_export: qpdf cannot read %s (%s): %s", docs[i].path, docs[i].file_name,
                         qpdf_has_error(src[i])
                             ? qpdf_get_error_full_text(src[i], qpdf_get_error(src[i]))
                             : "no pages");
            *err = "有PDF单证无法读取，未能合并";
            return -1;
        }
    }
    return 0;
}

/* The catalog page(s), then the image pages in catalog order, drawn with
 * libharu into path. */
static int haru_part(const char *path, const struct ts_export_doc *decl,
                     const struct ts_export_doc *docs, size_t n, const int *pages, const char **err)
{
    struct pdfgen g = {0};
    int rc = -1;
    if (ts_pdf_begin(&g.p) < 0)
        goto out;
    pdf_catalog(&g, decl, docs, n, pages);
    for (size_t i = 0; i < n && !g.p.error; i++)
        if (is_image(&docs[i]))
            pdf_image_page(&g, &docs[i]);
    if (!g.p.error && HPDF_SaveToFile(g.p.doc, path) == HPDF_OK && !g.p.error)
        rc = 0;
out:
    if (rc < 0) {
        ts_log_error("ts_export: libharu error 0x%04X detail %u", (unsigned)g.p.error,
                     (unsigned)g.p.detail);
        *err = "PDF生成失败";
    }
    ts_pdf_free(&g.p);
    return rc;
}

/* Put the pages of PDF document s before the page `before` of the
 * generated part (an image's page), or at the end when before is NULL. */
static int place_pages(qpdf_data q, qpdf_data s, int npages, const qpdf_oh *before)
{
    for (int k = 0; k < npages; k++) {
        qpdf_oh page = qpdf_get_page_n(s, (size_t)k);
        QPDF_ERROR_CODE e = before ? qpdf_add_page_at(q, s, page, QPDF_TRUE, *before)
                                   : qpdf_add_page(q, s, page, QPDF_FALSE);
        if (e & QPDF_ERRORS)
            return -1;
    }
    return 0;
}

/* The final PDF at out_path from the generated part at cat_path (catalog
 * pages, then one page per image in catalog order) and the PDF documents
 * (src[i]): each PDF's pages go in before the page of the next image in
 * catalog order, or at the end, so that the pages follow the catalog.
 * qpdf, because libharu can only draw, not import pages of another PDF. */
static int qpdf_part(const char *cat_path, const char *out_path, const struct ts_export_doc *docs,
                     size_t n, qpdf_data *src, const int *pages, const char **err)
{
    int rc = -1, total;
    size_t nimg = 0, next = 0;
    qpdf_oh *img = NULL;
    qpdf_data q = qpdf_init();
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    for (size_t i = 0; i < n; i++)
        nimg += is_image(&docs[i]);
    if ((qpdf_read(q, cat_path, NULL) & QPDF_ERRORS) || (total = qpdf_get_num_pages(q)) < 0 ||
        (size_t)total <= nimg || !(img = calloc(nimg + 1, sizeof *img)))
        goto out;
    ts_pdf_fix_to_unicode(q, (size_t)total - nimg);
    for (size_t k = 0; k < nimg; k++)
        img[k] = qpdf_get_page_n(q, (size_t)total - nimg + k);
    for (size_t i = 0; i < n; i++) {
        if (is_image(&docs[i]))
            next++;
        else if (src[i] && place_pages(q, src[i], pages[i], next < nimg ? &img[next] : NULL) < 0)
            goto out;
    }
    if (qpdf_init_write(q, out_path) & QPDF_ERRORS)
        goto out;
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    if (qpdf_write(q) & QPDF_ERRORS)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        if (qpdf_has_error(q))
            ts_log_error("ts_export: qpdf: %s", qpdf_get_error_full_text(q, qpdf_get_error(q)));
        *err = "PDF合并失败";
    }
    free(img);
    qpdf_cleanup(&q);
    return rc;
}

/* 【导出PDF】 (see ts_export.h).  A temp file in tmpdir holds the part
 * libharu draws. */
int ts_export_pdf(const char *out_path, const char *tmpdir, const struct ts_export_doc *decl,
                  const struct ts_export_doc *docs, size_t n, const char **err)
{
    int rc = -1, fd = -1;
    char cat[4096];
    qpdf_data *src = calloc(n + 1, sizeof *src);
    int *pages = calloc(n + 1, sizeof *pages);
    snprintf(cat, sizeof cat, "%s/export-cat-XXXXXX", tmpdir);
    *err = "PDF生成失败";
    if (!src || !pages || (fd = mkstemp(cat)) < 0)
        goto out;
    close(fd);
    if (open_pdfs(docs, n, src, pages, err) < 0 || haru_part(cat, decl, docs, n, pages, err) < 0 ||
        qpdf_part(cat, out_path, docs, n, src, pages, err) < 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0)
        unlink(cat);
    for (size_t i = 0; src && i < n; i++)
        if (src[i])
            qpdf_cleanup(&src[i]);
    free(src);
    free(pages);
    return rc;
}

/* ---- a one-page form (备案申请表) ------------------------------------ */

#define FORM_SIZE  11 /* the form's text */
#define FORM_LEAD  18 /* its line height: room to write by hand */
#define FORM_LABEL 120

/* One row of the form: the label on the left, the value wrapped on the
 * right, at least min_lines high (room to write in or to stamp). */
static void form_row(struct pdfgen *g, const struct ts_export_form_row *row)
{
    char buf[4096];
    const char *lines[24];
    HPDF_REAL vw = A4_W - 2 * MARGIN - FORM_LABEL;
    HPDF_Page_SetFontAndSize(g->page, g->p.font, FORM_SIZE);
    int n = ts_pdf_wrap(g->page, row->value ? row->value : "", vw - 12, buf, sizeof buf, lines, 24);
    int rows = n > row->min_lines ? n : row->min_lines;
    HPDF_REAL h = (HPDF_REAL)(rows * FORM_LEAD + 8);
    if (g->y - h < MARGIN)
        pdf_new_page(g);
    pdf_text(g, MARGIN + 6, g->y - FORM_LEAD + 2, FORM_SIZE, row->label);
    for (int k = 0; k < n; k++)
        pdf_text(g, MARGIN + FORM_LABEL + 6, g->y - (HPDF_REAL)((k + 1) * FORM_LEAD) + 2, FORM_SIZE,
                 lines[k]);
    HPDF_Page_Rectangle(g->page, MARGIN, g->y - h, FORM_LABEL, h);
    HPDF_Page_Rectangle(g->page, MARGIN + FORM_LABEL, g->y - h, vw, h);
    HPDF_Page_Stroke(g->page);
    g->y -= h;
}

/* Draw the form with libharu into path: the title centred, the rows, the
 * note under the table. */
static int haru_form(const char *path, const char *title, const struct ts_export_form_row *rows,
                     size_t n, const char *note, const char **err)
{
    struct pdfgen g = {0};
    char buf[2048];
    const char *lines[12];
    int rc = -1;
    if (ts_pdf_begin(&g.p) < 0)
        goto out;
    pdf_new_page(&g);
    HPDF_Page_SetFontAndSize(g.page, g.p.font, 16);
    pdf_text(&g, (A4_W - HPDF_Page_TextWidth(g.page, title)) / 2, g.y - 20, 16, title);
    g.y -= 44;
    for (size_t i = 0; i < n && !g.p.error; i++)
        form_row(&g, &rows[i]);
    if (note && !g.p.error) {
        HPDF_Page_SetFontAndSize(g.page, g.p.font, 9);
        int k = ts_pdf_wrap(g.page, note, A4_W - 2 * MARGIN, buf, sizeof buf, lines, 12);
        for (int j = 0; j < k; j++)
            pdf_text(&g, MARGIN, g.y - (HPDF_REAL)(14 * (j + 1) + 4), 9, lines[j]);
    }
    if (!g.p.error && HPDF_SaveToFile(g.p.doc, path) == HPDF_OK && !g.p.error)
        rc = 0;
out:
    if (rc < 0) {
        ts_log_error("ts_export: form: libharu error 0x%04X detail %u", (unsigned)g.p.error,
                     (unsigned)g.p.detail);
        *err = "PDF生成失败";
    }
    ts_pdf_free(&g.p);
    return rc;
}

/* Copy the drawn form to out_path through qpdf, its fonts' /ToUnicode
 * fixed (ts_pdf_fix_to_unicode) so that its text extracts. */
static int qpdf_form(const char *in_path, const char *out_path, const char **err)
{
    int rc = -1, pages;
    qpdf_data q = qpdf_init();
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if ((qpdf_read(q, in_path, NULL) & QPDF_ERRORS) || (pages = qpdf_get_num_pages(q)) < 1)
        goto out;
    ts_pdf_fix_to_unicode(q, (size_t)pages);
    if (qpdf_init_write(q, out_path) & QPDF_ERRORS)
        goto out;
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    if (qpdf_write(q) & QPDF_ERRORS)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        if (qpdf_has_error(q))
            ts_log_error("ts_export: form: qpdf: %s",
                         qpdf_get_error_full_text(q, qpdf_get_error(q)));
        *err = "PDF生成失败";
    }
    qpdf_cleanup(&q);
    return rc;
}

/* A form as a PDF (see ts_export.h). */
int ts_export_form_pdf(const char *out_path, const char *tmpdir, const char *title,
                       const struct ts_export_form_row *rows, size_t n, const char *note,
                       const char **err)
{
    char part[4096];
    int fd, rc = -1;
    *err = "PDF生成失败";
    snprintf(part, sizeof part, "%s/export-form-XXXXXX", tmpdir);
    if ((fd = mkstemp(part)) < 0) {
        ts_log_error("ts_export: form: mkstemp in %s: %s", tmpdir, strerror(errno));
        return -1;
    }
    close(fd);
    if (haru_form(part, title, rows, n, note, err) == 0 && qpdf_form(part, out_path, err) == 0)
        rc = 0;
    unlink(part);
    return rc;
}

/* ---- the query of 导出备案目录 ---------------------------------------- */

#define BATCH_DECLS 500

/* The matching declarations, as SQL after "FROM customs_decl d WHERE ",
 * with its 7 arguments (args_of). */
#define DECL_FILTER                                                                                \
    "d.ent_id = ? AND (? = 'all' OR d.status = ?) AND (? = '' OR INSTR(d.decl_no, ?) > 0)"         \
    " AND (? = '' OR d.period = ?)"
#define FILTER_ARGS(q)                                                                             \
    TS_I64((q)->ent_id), TS_STR((q)->status), TS_STR((q)->status), TS_STR((q)->decl_no),           \
        TS_STR((q)->decl_no), TS_STR((q)->period), TS_STR((q)->period)

/* The documents' columns, x the document, k its kind. */
#define DOC_COLS                                                                                   \
    " IFNULL(x.id, 0) AS doc_id, IFNULL(k.name, '') AS kind_name,"                                 \
    " IFNULL(x.file_name, '') AS file_name, IFNULL(x.size, 0) AS size,"                            \
    " IFNULL(x.uploaded_at, '') AS uploaded_at, IFNULL(x.sha256, '') AS sha256,"                   \
    " IFNULL(x.kind, '') AS kind"

/* The 按所属期备案 documents counted as period_docs finds them: the
 * filings of the matching declarations' (ent_id, 所属期). */
int ts_export_totals(struct ts_db *db, const struct ts_export_query *q, int64_t *ndocs,
                     int64_t *bytes)
{
    struct ts_arena *a = ts_arena_new(4096);
    struct ts_db_rows r;
    int rc = -1;
    if (!a)
        return -1;
    if (ts_db_query(db, a,
                    "SELECT COUNT(*) AS n, IFNULL(SUM(x.size), 0) AS bytes FROM decl_document x"
                    " WHERE x.ent_id = ? AND (x.decl_id IN (SELECT d.id FROM customs_decl d"
                    " WHERE " DECL_FILTER ") OR (x.decl_id IS NULL AND x.period_filing_id IN"
                    " (SELECT f.id FROM customs_decl d JOIN period_filing f"
                    " ON f.ent_id = d.ent_id AND f.period = d.period WHERE " DECL_FILTER ")))",
                    TS_ARGS(TS_I64(q->ent_id), FILTER_ARGS(q), FILTER_ARGS(q)), &r) == 0 &&
        r.nrows == 1) {
        *ndocs = ts_db_cell_i64(&r, 0, "n");
        *bytes = ts_db_cell_i64(&r, 0, "bytes");
        rc = 0;
    }
    ts_arena_free(a);
    return rc;
}

/* Row i of a document query (columns doc_id, decl_no, period, export_date,
 * kind_name, file_name, uploaded_at, sha256, kind, size) as a
 * ts_export_doc; path is the stored file (NULL for a declaration without
 * documents); a document with decl_no "" is an 按所属期备案 one. */
struct ts_export_doc ts_export_row_doc(struct ts_arena *a, const struct ts_db_rows *r, size_t i)
{
    bool doc = ts_db_cell_i64(r, i, "doc_id") != 0;
    return (struct ts_export_doc){
        .decl_no = ts_db_cell(r, i, "decl_no"),
        .period = ts_db_cell(r, i, "period"),
        .export_date = ts_db_cell(r, i, "export_date"),
        .kind_name = ts_db_cell(r, i, "kind_name"),
        .file_name = ts_db_cell(r, i, "file_name"),
        .uploaded_at = ts_db_cell(r, i, "uploaded_at"),
        .sha256 = ts_db_cell(r, i, "sha256"),
        .file_kind = ts_db_cell(r, i, "kind"),
        .path = doc ? ts_store_path(a, ts_db_cell(r, i, "sha256")) : NULL,
        .size = ts_db_cell_i64(r, i, "size"),
        .by_period = doc && !ts_db_cell(r, i, "decl_no")[0],
    };
}

/* The documents of the next batch of matching declarations after 报关单号
 * after, with the declarations without documents (doc_id 0).  FORCE INDEX
 * makes the batch a range scan of uk_customs_decl (ent_id, decl_no) that
 * starts at after: left to itself MariaDB picks ref on ent_id alone and
 * checks decl_no > after on every entry from the enterprise's first (index
 * condition pushdown), so batch k read k × 500 entries and 100k rows took
 * ~10M checks (Handler_icp_attempts; docs/performance.md "导出表格 end to
 * end").  A 状态 or 所属期 filter is then checked per entry along the
 * range: each entry is read once over all batches. */
static int decl_batch(struct ts_db *db, struct ts_arena *a, const struct ts_export_query *q,
                      const char *after, struct ts_db_rows *out)
{
    return ts_db_query(db, a,
                       "SELECT d.id AS decl_id, d.decl_no, d.period, d.export_date," DOC_COLS
                       " FROM (SELECT d.id, d.ent_id, d.decl_no, d.period,"
                       " IFNULL(d.export_date, '') AS export_date"
                       " FROM customs_decl d FORCE INDEX (uk_customs_decl) WHERE " DECL_FILTER
                       " AND d.decl_no > ? ORDER BY d.decl_no LIMIT ?) d"
                       " LEFT JOIN decl_document x ON x.ent_id = d.ent_id AND x.decl_id = d.id"
                       " LEFT JOIN doc_kind k ON k.id = x.doc_kind_id"
                       " ORDER BY d.decl_no, k.ent_key, k.sort_order, k.id, x.id",
                       TS_ARGS(FILTER_ARGS(q), TS_STR(after), TS_I64(BATCH_DECLS)), out);
}

/* The 按所属期备案 documents of the matching declarations' period filings,
 * one filing at a time.  A declaration's filing is the one of its
 * (ent_id, 所属期), as docupload and lib/ts_docs find it, not
 * customs_decl.period_filing_id: that column may be NULL (the import sets
 * it, a row written otherwise need not). */
static int period_docs(struct ts_db *db, struct ts_arena *a, const struct ts_export_query *q,
                       ts_export_doc_fn fn, void *ctx)
{
    struct ts_db_rows f, r;
    if (ts_db_query(db, a,
                    "SELECT f.id FROM period_filing f WHERE f.ent_id = ? AND f.period IN"
                    " (SELECT d.period FROM customs_decl d WHERE " DECL_FILTER ")"
                    " ORDER BY f.period",
                    TS_ARGS(TS_I64(q->ent_id), FILTER_ARGS(q)), &f) < 0)
        return -1;
    struct ts_arena *b = ts_arena_new(1 << 20);
    if (!b)
        return -1;
    for (size_t i = 0; i < f.nrows; i++) {
        ts_arena_reset(b);
        if (ts_db_query(db, b,
                        "SELECT '' AS decl_no, f.period, '' AS export_date," DOC_COLS
                        " FROM decl_document x JOIN period_filing f ON f.id = x.period_filing_id"
                        " JOIN doc_kind k ON k.id = x.doc_kind_id"
                        " WHERE x.ent_id = ? AND x.period_filing_id = ? AND x.decl_id IS NULL"
                        " ORDER BY k.ent_key, k.sort_order, k.id, x.id",
                        TS_ARGS(TS_I64(q->ent_id), TS_I64(ts_db_cell_i64(&f, i, "id"))), &r) < 0)
            goto fail;
        for (size_t j = 0; j < r.nrows; j++) {
            struct ts_export_doc d = ts_export_row_doc(b, &r, j);
            if (fn(ctx, &d) < 0)
                goto fail;
        }
    }
    ts_arena_free(b);
    return 0;
fail:
    ts_arena_free(b);
    return -1;
}

int64_t ts_export_each(struct ts_db *db, const struct ts_export_query *q, ts_export_doc_fn fn,
                       void *ctx)
{
    struct ts_arena *a = ts_arena_new(1 << 20);
    struct ts_db_rows r;
    char after[32] = "";
    int64_t ndecls = 0, in_batch;
    if (!a)
        return -1;
    do {
        ts_arena_reset(a);
        in_batch = 0;
        if (decl_batch(db, a, q, after, &r) < 0)
            goto fail;
        for (size_t i = 0; i < r.nrows; i++) {
            struct ts_export_doc d = ts_export_row_doc(a, &r, i);
            if (strcmp(d.decl_no, after) != 0)
                in_batch++;
            snprintf(after, sizeof after, "%s", d.decl_no);
            if (fn(ctx, &d) < 0)
                goto fail;
        }
        ndecls += in_batch;
    } while (in_batch == BATCH_DECLS);
    ts_arena_reset(a);
    if (ndecls > 0 && period_docs(db, a, q, fn, ctx) < 0)
        goto fail;
    ts_arena_free(a);
    return ndecls;
fail:
    ts_arena_free(a);
    return -1;
}

struct zip_build {
    struct ts_export_zip *zip;
    struct ts_export_xlsx *cat;
    ts_export_progress_fn progress;
    void *ctx;
    int64_t ndocs;
    bool stopped;
};

/* One document into the ZIP and its catalog row. */
static int zip_one(void *ctx, const struct ts_export_doc *d)
{
    struct zip_build *j = ctx;
    const char *in_zip = NULL;
    if (d->path && access(d->path, R_OK) != 0) {
        ts_log_error("ts_export: stored file %s of %s%s is missing", d->sha256, d->decl_no,
                     d->period);
        return -1;
    }
    if (d->path && !(in_zip = ts_export_zip_add(j->zip, d)))
        return -1;
    if (d->path)
        j->ndocs++;
    return ts_export_xlsx_add(j->cat, d, in_zip);
}

/* The caller's progress, remembering a request to stop. */
static int build_progress(void *ctx, int64_t done, int64_t total)
{
    struct zip_build *j = ctx;
    if (j->progress(j->ctx, done, total) != 0)
        j->stopped = true;
    return j->stopped;
}

int64_t ts_export_zip_query(struct ts_db *db, const struct ts_export_query *q, const char *zip_path,
                            const char *tmpdir, ts_export_progress_fn progress, void *ctx)
{
    struct zip_build j = {.progress = progress, .ctx = ctx};
    char cpath[4096];
    int64_t n = -1;
    int fd;
    snprintf(cpath, sizeof cpath, "%s/export-XXXXXX.xlsx", tmpdir);
    if ((fd = mkstemps(cpath, 5)) < 0) {
        ts_log_error("ts_export: cannot create %s", cpath);
        return -1;
    }
    close(fd);
    if (!(j.zip = ts_export_zip_open(zip_path)) ||
        !(j.cat = ts_export_xlsx_open(cpath, tmpdir, TS_EXPORT_IN_ZIP)))
        goto out;
    n = ts_export_each(db, q, zip_one, &j);
    int closed = ts_export_xlsx_close(j.cat);
    j.cat = NULL;
    if (n <= 0 || closed < 0) {
        n = closed < 0 ? -1 : n;
        goto out;
    }
    if (ts_export_zip_add_file(j.zip, "备案目录.xlsx", cpath, true) < 0) {
        n = -1;
        goto out;
    }
    if (progress)
        ts_export_zip_progress(j.zip, j.ndocs + 1, build_progress, &j);
    closed = ts_export_zip_close(j.zip);
    j.zip = NULL;
    if (closed < 0)
        n = j.stopped ? TS_EXPORT_STOPPED : -1;
out:
    if (j.cat)
        ts_export_xlsx_close(j.cat);
    if (j.zip)
        ts_export_zip_discard(j.zip);
    unlink(cpath);
    if (n <= 0)
        unlink(zip_path);
    return n;
}

int ts_export_job_file(int64_t id, char *out, size_t cap)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/docexport", ts_config_str("tmp.dir", "/tmp"));
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        ts_log_error("ts_export: cannot make %s", dir);
        return -1;
    }
    int k = snprintf(out, cap, "%s/job-%lld.zip", dir, (long long)id);
    return k < 0 || (size_t)k >= cap ? -1 : 0;
}

/* Beside ts_export_job_file: the one place that names a job's ZIP. */
int ts_export_job_uri(int64_t id, char *out, size_t cap)
{
    int k = snprintf(out, cap, "%sjob-%lld.zip", TS_EXPORT_JOB_URI_PREFIX, (long long)id);
    return k < 0 || (size_t)k >= cap ? -1 : 0;
}
