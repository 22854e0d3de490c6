/* Unit tests for lib/ts_export's 【导出PDF】 (ts_export_pdf), without a
 * database: documents are files in a temp folder (the JPEG and PNG of
 * tests/data/store/, PDFs made here whose pages have distinct widths so
 * that each page of the result can be told apart).  The result is read
 * back with libqpdf: the page order (catalog, then each document in
 * catalog order, a PDF with all its pages), the catalog's table header on
 * each catalog page and the 按所属期备案 mark (libharu writes each
 * character as its UTF-16 code in hex), the ToUnicode map that replaces
 * libharu's broken one, the error of an unreadable PDF, and no temp file
 * left behind.  Under the sanitizers of `make unit`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qpdf/qpdf-c.h>

#include "ts_export.h"

#define DATA "tests/data/store/"
#define A4_W 595

static char base[] = "/tmp/ts-test-export-XXXXXX";
static char out[PATH_MAX];

/* ---- fixtures ---- */

/* A PDF at base/name with one page per width in widths[0..n) (height
 * 100), each showing a line of text. */
static const char *make_pdf(const char *name, const int *widths, int n)
{
    static char paths[8][PATH_MAX];
    static int next;
    char *path = paths[next++ % 8];
    char body[8192], objs[16][512];
    size_t off[16], o = 0;
    int k = 0;
    snprintf(objs[k++], sizeof objs[0], "<< /Type /Catalog /Pages 2 0 R >>");
    char kids[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(kids + strlen(kids), sizeof kids - strlen(kids), "%d 0 R ", 5 + i);
    snprintf(objs[k++], sizeof objs[0], "<< /Type /Pages /Kids [%s] /Count %d >>", kids, n);
    snprintf(objs[k++], sizeof objs[0], "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    const char *content = "BT /F1 12 Tf 20 60 Td (page) Tj ET\n";
    snprintf(objs[k++], sizeof objs[0], "<< /Length %zu >>\nstream\n%sendstream", strlen(content),
             content);
    for (int i = 0; i < n; i++)
        snprintf(objs[k++], sizeof objs[0],
                 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 100] /Resources << /Font << /F1 "
                 "3 0 R >> >> /Contents 4 0 R >>",
                 widths[i]);
    o += (size_t)snprintf(body + o, sizeof body - o, "%%PDF-1.4\n");
    for (int i = 0; i < k; i++) {
        off[i] = o;
        o += (size_t)snprintf(body + o, sizeof body - o, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = o;
    o += (size_t)snprintf(body + o, sizeof body - o, "xref\n0 %d\n0000000000 65535 f \n", k + 1);
    for (int i = 0; i < k; i++)
        o += (size_t)snprintf(body + o, sizeof body - o, "%010zu 00000 n \n", off[i]);
    o += (size_t)snprintf(body + o, sizeof body - o,
                          "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", k + 1,
                          xref);
    snprintf(path, PATH_MAX, "%s/%s", base, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(body, 1, o, f), o);
    fclose(f);
    return path;
}

static struct ts_export_doc doc(const char *kind_name, const char *file_name, const char *file_kind,
                                const char *path, bool by_period)
{
    return (struct ts_export_doc){
        .decl_no = by_period ? "" : "510220260000000001",
        .period = "202601",
        .export_date = "2026-01-10",
        .kind_name = kind_name,
        .file_name = file_name,
        .uploaded_at = "2026-01-12 09:30:00",
        .sha256 = "5e8f53f75e8f53f75e8f53f75e8f53f75e8f53f75e8f53f75e8f53f75e8f53f7",
        .file_kind = file_kind,
        .path = path,
        .size = 1000,
        .by_period = by_period,
    };
}

static const struct ts_export_doc decl = {
    .decl_no = "510220260000000001", .period = "202601", .export_date = "2026-01-10"};

static int group_setup(void **state)
{
    (void)state;
    if (!mkdtemp(base))
        return -1;
    snprintf(out, sizeof out, "%s/out.pdf", base);
    return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- reading the result ---- */

/* The width of each page of the PDF at path into w[] (at most max): the
 * generated pages are A4 (595), the documents' pages as made above.
 * Returns the page count. */
static int page_widths(const char *path, int *w, int max)
{
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read(q, path, NULL) & QPDF_ERRORS);
    int n = qpdf_get_num_pages(q);
    for (int i = 0; i < n && i < max; i++) {
        qpdf_oh box = qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)i), "/MediaBox");
        w[i] = (int)qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, 2));
    }
    qpdf_cleanup(&q);
    return n;
}

/* Does page i of the PDF at path show an image (an /XObject)? */
static bool page_has_image(const char *path, int i)
{
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read(q, path, NULL) & QPDF_ERRORS);
    qpdf_oh res = qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)i), "/Resources");
    bool has = qpdf_oh_is_dictionary(q, qpdf_oh_get_key_if_dict(q, res, "/XObject"));
    qpdf_cleanup(&q);
    return has;
}

/* The content stream of page i, decoded, as a malloc'd string. */
static char *page_content(const char *path, int i)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read(q, path, NULL) & QPDF_ERRORS);
    assert_false(qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, (size_t)i), &buf, &len) &
                 QPDF_ERRORS);
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, buf, len);
    s[len] = '\0';
    free(buf);
    qpdf_cleanup(&q);
    return s;
}

/* Does s hold hex (any case, spaces ignored between digits)? libharu
 * writes CJK text as <XXXX...> hex strings. */
static bool has_hex(const char *s, const char *hex)
{
    size_t n = strlen(hex);
    for (; *s; s++)
        if (strncasecmp(s, hex, n) == 0)
            return true;
    return false;
}

/* No export-cat-* temp file left in base. */
static void assert_no_temp(void)
{
    DIR *d = opendir(base);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)))
        assert_false(strncmp(e->d_name, "export-cat-", 11) == 0);
    closedir(d);
}

/* ---- tests ---- */

/* image, a 2-page PDF, image, then an 按所属期备案 PDF: the pages come in
 * that order after the catalog, not the images first. */
static void pdf_pages_in_catalog_order(void **state)
{
    (void)state;
    static const int two[] = {201, 202}, one[] = {150};
    const char *p2 = make_pdf("two.pdf", two, 2), *p1 = make_pdf("one.pdf", one, 1);
    struct ts_export_doc docs[] = {
        doc("出口合同", "合同照片.jpg", "jpeg", DATA "photo.jpg", false),
        doc("出口货物运输单据", "提单.pdf", "pdf", p2, false),
        doc("委托报关协议", "协议.png", "png", DATA "scan.png", false),
        doc("国内运输发票", "运费.pdf", "pdf", p1, true),
    };
    const char *err = NULL;
    assert_int_equal(ts_export_pdf(out, base, &decl, docs, 4, &err), 0);
    int w[16];
    int n = page_widths(out, w, 16);
    assert_int_equal(n, 6);
    int want[] = {A4_W, A4_W, 201, 202, A4_W, 150};
    for (int i = 0; i < 6; i++)
        assert_int_equal(w[i], want[i]);
    assert_false(page_has_image(out, 0));
    assert_true(page_has_image(out, 1));
    assert_true(page_has_image(out, 4));
    assert_no_temp();
}

/* The 按所属期备案 document is marked in the catalog: "按所属期备案" as
 * libharu writes it (UTF-16 hex: 6309 6240 5C5E 671F 5907 6848). */
static void pdf_marks_period_documents(void **state)
{
    (void)state;
    struct ts_export_doc own[] = {doc("出口合同", "a.jpg", "jpeg", DATA "photo.jpg", false)};
    struct ts_export_doc mixed[] = {own[0],
                                    doc("出口合同", "b.jpg", "jpeg", DATA "photo.jpg", true)};
    const char *err = NULL;
    assert_int_equal(ts_export_pdf(out, base, &decl, own, 1, &err), 0);
    char *c = page_content(out, 0);
    assert_false(has_hex(c, "630962405C5E671F59076848"));
    free(c);
    assert_int_equal(ts_export_pdf(out, base, &decl, mixed, 2, &err), 0);
    c = page_content(out, 0);
    assert_true(has_hex(c, "630962405C5E671F59076848"));
    free(c);
}

/* A catalog longer than a page: every catalog page starts with the
 * table's header (序号 = 5E8F 53F7, 单证种类 = 5355 8BC1 79CD 7C7B). */
static void pdf_header_on_each_catalog_page(void **state)
{
    (void)state;
    enum { N = 70 };
    struct ts_export_doc docs[N];
    for (int i = 0; i < N; i++)
        docs[i] = doc("委托报关协议", "扫描件.jpg", "jpeg", DATA "photo.jpg", false);
    const char *err = NULL;
    assert_int_equal(ts_export_pdf(out, base, &decl, docs, N, &err), 0);
    int w[128];
    int n = page_widths(out, w, 128);
    int ncat = n - N;
    assert_true(ncat >= 3);
    for (int i = 0; i < ncat; i++) {
        char *c = page_content(out, i);
        assert_true(has_hex(c, "5E8F53F7"));
        assert_true(has_hex(c, "53558BC179CD7C7B"));
        assert_int_equal(has_hex(c, "5907684853558BC176EE5F55"),
                         i == 0); /* 备案单证目录: the title once */
        free(c);
        assert_false(page_has_image(out, i));
    }
    assert_true(page_has_image(out, ncat));
}

/* The catalog font's ToUnicode is a bfrange map (libharu's own is a
 * begincidrange copy of the encoding, which readers reject). */
static void pdf_to_unicode_is_a_bfrange_map(void **state)
{
    (void)state;
    const char *err = NULL;
    assert_int_equal(ts_export_pdf(out, base, &decl, NULL, 0, &err), 0);
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read(q, out, NULL) & QPDF_ERRORS);
    assert_int_equal(qpdf_get_num_pages(q), 1);
    qpdf_oh fonts =
        qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 0), "/Resources"), "/Font");
    int seen = 0;
    qpdf_oh_begin_dict_key_iter(q, fonts);
    while (qpdf_oh_dict_more_keys(q)) {
        qpdf_oh tu =
            qpdf_oh_get_key(q, qpdf_oh_get_key(q, fonts, qpdf_oh_dict_next_key(q)), "/ToUnicode");
        unsigned char *buf = NULL;
        size_t len = 0;
        assert_false(qpdf_oh_get_stream_data(q, tu, qpdf_dl_generalized, NULL, &buf, &len) &
                     QPDF_ERRORS);
        char *s = strndup((const char *)buf, len);
        assert_non_null(strstr(s, "beginbfrange"));
        assert_non_null(strstr(s, "<4E00> <4EFF> <4E00>")); /* the CJK block maps to itself */
        assert_null(strstr(s, "cidrange"));
        assert_null(strstr(s, "<D800>"));
        free(s);
        free(buf);
        seen++;
    }
    assert_int_equal(seen, 1);
    qpdf_cleanup(&q);
}

/* A stored PDF that does not parse: a Chinese reason, no temp file. */
static void pdf_unreadable_document(void **state)
{
    (void)state;
    struct ts_export_doc docs[] = {doc("出口合同", "坏.pdf", "pdf", DATA "photo.jpg", false)};
    const char *err = NULL;
    assert_int_equal(ts_export_pdf(out, base, &decl, docs, 1, &err), -1);
    assert_string_equal(err, "有PDF单证无法读取，未能合并");
    assert_no_temp();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdf_pages_in_catalog_order),
        cmocka_unit_test(pdf_marks_period_documents),
        cmocka_unit_test(pdf_header_on_each_catalog_page),
        cmocka_unit_test(pdf_to_unicode_is_a_bfrange_map),
        cmocka_unit_test(pdf_unreadable_document),
    };
    return cmocka_run_group_tests_name("ts_export", tests, group_setup, group_teardown);
}
