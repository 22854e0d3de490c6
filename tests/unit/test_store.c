/* Unit tests for lib/ts_store: the kind of a file by its content (real
 * JPEG, progressive JPEG, PNG, PDF and XLSX files from tests/data/store/,
 * made by tests/data/store/make.py, and broken variants made here: cut at
 * every length, bad CRC, encrypted, macro-enabled, an MZ executable named
 * .pdf), then storing with ts_store_put_file: size limits at exactly the
 * limit and one byte over, the messages naming the allowed kinds, the same
 * content twice giving one file, the upload's name never mattering, and no
 * temp file left behind.
 *
 * No database: ts_store_put is ts_store_put_file then ts_store_record (one
 * INSERT IGNORE), and the file half is what is tested here; with db NULL
 * ts_store_put must fail after the file is durable (an orphan file is
 * harmless, ts_store.h).  The group makes a temp folder holding the store
 * root, the uploads and a config file naming the root, loaded with
 * ts_config_load; teardown removes it all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <qpdf/qpdf-c.h>
#include <zip.h>

#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_store.h"

#define DATA "tests/data/store/"
#define MiB  (1024 * 1024)

#define MSG_EMPTY     "文件为空"
#define MSG_PDF_BAD   "PDF文件已损坏或不完整"
#define MSG_PDF_ENC   "PDF文件已加密，请上传未加密的文件"
#define MSG_JPG_SHORT "JPG图片不完整，请重新上传完整的图片"
#define MSG_FAILED    "文件保存失败，请稍后重试"

/* base/store is the store root, base/in holds the uploads. */
static char base[] = "/tmp/ts-test-store-XXXXXX";
static char root[256];
static char in[256];

/* ---- setup ---- */

static void make_path(char *buf, const char *dir, const char *name)
{
    assert_true((size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, name) < PATH_MAX);
}

static int group_setup(void **state)
{
    char conf[PATH_MAX];
    if (!mkdtemp(base))
        return -1;
    snprintf(root, sizeof root, "%s/store", base);
    snprintf(in, sizeof in, "%s/in", base);
    snprintf(conf, sizeof conf, "%s/tuishui.hdf", base);
    FILE *f = fopen(conf, "w");
    if (mkdir(root, 0750) < 0 || mkdir(in, 0750) < 0 || !f)
        return -1;
    fprintf(f, "mode = test\nstore.root = %s\ntmp.dir = %s\n", root, in);
    fclose(f);
    return ts_config_load(conf);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_teardown(void **state)
{
    ts_config_free();
    return nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- files ---- */

static void slurp(const char *path, struct ts_buf *b)
{
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        ts_buf_add(b, chunk, (size_t)n);
    close(fd);
}

static void data_file(const char *name, struct ts_buf *b)
{
    char path[PATH_MAX];
    make_path(path, DATA, name);
    slurp(path, b);
}

/* Write an upload named name under base/in; its path in path. */
static void write_input(char *path, const char *name, const void *p, size_t n)
{
    make_path(path, in, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_true(n == 0 || write(fd, p, n) == (ssize_t)n);
    close(fd);
}

static enum ts_file_kind sniff_bytes(const void *p, size_t n, const char **err)
{
    char path[PATH_MAX];
    write_input(path, "sniff.bin", p, n);
    return ts_store_sniff(path, err);
}

static enum ts_file_kind sniff_data(const char *name, const char **err)
{
    char path[PATH_MAX];
    make_path(path, DATA, name);
    return ts_store_sniff(path, err);
}

/* Files in the store, and how many of them are tmp-* leftovers. */
static int nfiles, ntemps;

static int count_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    if (flag == FTW_F) {
        nfiles++;
        ntemps += strncmp(path + ftw->base, "tmp-", 4) == 0;
    }
    return 0;
}

static int store_files(void)
{
    nfiles = ntemps = 0;
    assert_int_equal(nftw(root, count_entry, 16, FTW_PHYS), 0);
    assert_int_equal(ntemps, 0);
    return nfiles;
}

/* ---- sniffing real files ---- */

static void sniff_real_files(void **state)
{
    static const struct {
        const char *name;
        enum ts_file_kind kind;
    } files[] = {
        {"photo.jpg", TS_FILE_JPEG}, {"progressive.jpg", TS_FILE_JPEG},
        {"scan.png", TS_FILE_PNG},   {"invoice.pdf", TS_FILE_PDF},
        {"scan.pdf", TS_FILE_PDF},   {"table.xlsx", TS_FILE_XLSX},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *err = "unset";
        assert_int_equal(sniff_data(files[i].name, &err), files[i].kind);
        assert_null(err);
    }
}

static void sniff_empty(void **state)
{
    const char *err = NULL;
    assert_int_equal(sniff_bytes("", 0, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_EMPTY);
}

/* An executable renamed to 合同.pdf is no PDF: the name is never read. */
static void sniff_exe_named_pdf(void **state)
{
    static const char mz[] = "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0This program cannot be run in "
                             "DOS mode.\r\n$";
    char path[PATH_MAX];
    const char *err = NULL;
    write_input(path, "合同.pdf", mz, sizeof mz - 1);
    assert_int_equal(ts_store_sniff(path, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "文件不是JPG、PDF、PNG或XLSX格式（按内容判断）");
}

static void sniff_text_and_html(void **state)
{
    const char *err = NULL;
    assert_int_equal(sniff_bytes("<html><body>发票</body></html>", 30, &err), TS_FILE_UNKNOWN);
    assert_int_equal(sniff_bytes("\xff\xd8", 2, &err), TS_FILE_UNKNOWN);
    assert_int_equal(sniff_bytes("%PDF", 4, &err), TS_FILE_UNKNOWN);
    assert_int_equal(sniff_bytes("PK\3\4", 4, &err), TS_FILE_UNKNOWN);
}

static void sniff_missing_file(void **state)
{
    const char *err = NULL;
    assert_int_equal(ts_store_sniff("/nonexistent/ts-store", &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "文件读取失败，请稍后重试");
}

/* ---- JPEG ---- */

/* Every proper prefix of a real JPEG is refused: the segment walk or the
 * scan runs out before EOI. */
static void jpeg_cut_anywhere(void **state)
{
    static const char *const names[] = {"photo.jpg", "progressive.jpg"};
    for (size_t f = 0; f < 2; f++) {
        struct ts_buf b = {0};
        data_file(names[f], &b);
        for (size_t n = 1; n < b.len; n++) {
            const char *err = NULL;
            if (sniff_bytes(b.data, n, &err) != TS_FILE_UNKNOWN)
                fail_msg("%s cut at %zu of %zu accepted", names[f], n, b.len);
            if (n >= 3)
                assert_true(strncmp(err, "JPG图片", strlen("JPG图片")) == 0);
        }
        const char *err = NULL;
        sniff_bytes(b.data, b.len - 2, &err);
        assert_string_equal(err, MSG_JPG_SHORT);
        ts_buf_free(&b);
    }
}

/* Phones append their own data after EOI; that is still the photo. */
static void jpeg_trailer_after_eoi(void **state)
{
    struct ts_buf b = {0};
    const char *err = "unset";
    data_file("photo.jpg", &b);
    ts_buf_adds(&b, "SEFHtrailer of a phone camera");
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_JPEG);
    assert_null(err);
    ts_buf_free(&b);
}

/* A segment length pointing past the end, a frame of width 0, a second
 * SOI: each is refused, none read out of bounds (ASan watches). */
static void jpeg_broken_segments(void **state)
{
    static const char huge_app[] = "\xff\xd8\xff\xe0\xff\xf0JFIF";
    static const char zero_len[] = "\xff\xd8\xff\xe0\x00\x00";
    static const char no_sof[] = "\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9";
    static const char zero_width[] = "\xff\xd8\xff\xc0\x00\x0b\x08\x00\x10\x00\x00\x01\x01\x11\x00"
                                     "\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\xff\xd9";
    static const char two_soi[] = "\xff\xd8\xff\xd8\xff\xd9";
    const char *err = NULL;
    assert_int_equal(sniff_bytes(huge_app, sizeof huge_app - 1, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_JPG_SHORT);
    assert_int_equal(sniff_bytes(zero_len, sizeof zero_len - 1, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "JPG图片已损坏，无法识别");
    assert_int_equal(sniff_bytes(no_sof, sizeof no_sof - 1, &err), TS_FILE_UNKNOWN);
    assert_int_equal(sniff_bytes(zero_width, sizeof zero_width - 1, &err), TS_FILE_UNKNOWN);
    assert_int_equal(sniff_bytes(two_soi, sizeof two_soi - 1, &err), TS_FILE_UNKNOWN);
}

/* The smallest frame the walk accepts: SOF0 8x8 grey, one scan, EOI. */
static void jpeg_minimal_structure(void **state)
{
    static const char ok[] = "\xff\xd8\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
                             "\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\xff\x00\x34\xff\xd0"
                             "\x56\xff\xff\xd9";
    const char *err = "unset";
    assert_int_equal(sniff_bytes(ok, sizeof ok - 1, &err), TS_FILE_JPEG);
    assert_null(err);
}

/* ---- PNG ---- */

static void png_cut_anywhere(void **state)
{
    struct ts_buf b = {0};
    data_file("scan.png", &b);
    for (size_t n = 1; n < b.len; n++) {
        const char *err = NULL;
        if (sniff_bytes(b.data, n, &err) != TS_FILE_UNKNOWN)
            fail_msg("scan.png cut at %zu of %zu accepted", n, b.len);
    }
    const char *err = NULL;
    sniff_bytes(b.data, b.len - 1, &err);
    assert_string_equal(err, "PNG图片不完整，请重新上传完整的图片");
    ts_buf_free(&b);
}

/* One flipped bit in IDAT fails its CRC; bytes after IEND are refused. */
static void png_bad_crc_and_trailer(void **state)
{
    struct ts_buf b = {0};
    const char *err = NULL;
    data_file("scan.png", &b);
    char *idat = memmem(b.data, b.len, "IDAT", 4);
    assert_non_null(idat);
    idat[6] ^= 0x01;
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "PNG图片已损坏，无法识别");
    idat[6] ^= 0x01;
    ts_buf_adds(&b, "<script>");
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_UNKNOWN);
    ts_buf_free(&b);
}

/* ---- PDF ---- */

/* A PDF with the given objects (1 0 obj is the catalog), xref offsets
 * computed as a writer does. */
static void pdf_build(struct ts_buf *b, const char *const *objs, size_t n)
{
    size_t offsets[16];
    assert_true(n < 16);
    ts_buf_adds(b, "%PDF-1.4\n");
    for (size_t i = 0; i < n; i++) {
        offsets[i] = b->len;
        ts_buf_printf(b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b->len;
    ts_buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        ts_buf_printf(b, "%010zu 00000 n \n", offsets[i]);
    ts_buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                  xref);
}

/* Cut before its %%EOF, invoice.pdf is refused at every length. */
static void pdf_cut_anywhere(void **state)
{
    struct ts_buf b = {0};
    data_file("invoice.pdf", &b);
    const char *eof = memmem(b.data, b.len, "%%EOF", 5);
    assert_non_null(eof);
    for (size_t n = 1; n < (size_t)(eof - b.data) + 5; n++) {
        const char *err = NULL;
        if (sniff_bytes(b.data, n, &err) != TS_FILE_UNKNOWN)
            fail_msg("invoice.pdf cut at %zu of %zu accepted", n, b.len);
    }
    ts_buf_free(&b);
}

/* The middle of a file lost but its tail (with %%EOF) kept: the
 * cross-reference table points nowhere and, recovery off, qpdf refuses. */
static void pdf_middle_missing(void **state)
{
    struct ts_buf b = {0}, cut = {0};
    const char *err = NULL;
    data_file("scan.pdf", &b);
    ts_buf_add(&cut, b.data, 600);
    ts_buf_add(&cut, b.data + b.len - 400, 400);
    assert_int_equal(sniff_bytes(cut.data, cut.len, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_PDF_BAD);
    ts_buf_free(&b);
    ts_buf_free(&cut);
}

static void pdf_bad_startxref(void **state)
{
    struct ts_buf b = {0};
    const char *err = NULL;
    data_file("invoice.pdf", &b);
    char *sx = memmem(b.data, b.len, "startxref\n", 10);
    assert_non_null(sx);
    memcpy(sx + 10, "12", 2);
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_PDF_BAD);
    ts_buf_free(&b);
}

static void pdf_no_pages(void **state)
{
    static const char *const objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
    };
    struct ts_buf b = {0};
    const char *err = NULL;
    pdf_build(&b, objs, 2);
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "PDF文件没有任何页面");
    ts_buf_free(&b);
}

/* Sniff p[0..n) with stderr sent to a file; what was written there is
 * captured (the program log must not fill with qpdf's chatter). */
static enum ts_file_kind sniff_quietly(const void *p, size_t n, const char **err,
                                       struct ts_buf *captured)
{
    char path[PATH_MAX];
    make_path(path, in, "stderr.txt");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int saved = dup(STDERR_FILENO);
    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    enum ts_file_kind kind = sniff_bytes(p, n, err);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    slurp(path, captured);
    return kind;
}

/* A trailer whose /Root is no dictionary: qpdf reads the file, then fails
 * on the page tree.  Refused, and silently (once qpdf printed "application
 * did not handle error" for every such upload). */
static void pdf_root_not_a_dictionary(void **state)
{
    static const char *const objs[] = {"42"};
    struct ts_buf b = {0}, captured = {0};
    const char *err = NULL;
    pdf_build(&b, objs, 1);
    assert_int_equal(sniff_quietly(b.data, b.len, &err, &captured), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_PDF_BAD);
    assert_int_equal(captured.len, 0);
    ts_buf_free(&b);
    ts_buf_free(&captured);
}

/* A header after up to 1024 bytes of junk is still a PDF (the spec allows
 * it and qpdf reads it); one further in is not looked for. */
static void pdf_header_window(void **state)
{
    struct ts_buf b = {0}, pdf = {0};
    const char *err = "unset";
    data_file("invoice.pdf", &pdf);
    for (int i = 0; i < 100; i++)
        ts_buf_adds(&b, "junk junk\n");
    ts_buf_add(&b, pdf.data, pdf.len);
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_PDF);
    assert_null(err);
    ts_buf_reset(&b);
    for (int i = 0; i < 103; i++)
        ts_buf_adds(&b, "junk junk\n");
    ts_buf_add(&b, pdf.data, pdf.len);
    assert_int_equal(sniff_bytes(b.data, b.len, &err), TS_FILE_UNKNOWN);
    ts_buf_free(&b);
    ts_buf_free(&pdf);
}

/* Write invoice.pdf encrypted (AES-256, R6) to out with libqpdf. */
static void pdf_encrypt(const char *out, const char *user_pw, const char *owner_pw)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    assert_int_equal(qpdf_read(q, DATA "invoice.pdf", NULL) & QPDF_ERRORS, 0);
    assert_int_equal(qpdf_init_write(q, out) & QPDF_ERRORS, 0);
    qpdf_set_r6_encryption_parameters2(q, user_pw, owner_pw, QPDF_TRUE, QPDF_FALSE, QPDF_FALSE,
                                       QPDF_FALSE, QPDF_FALSE, QPDF_FALSE, qpdf_r3p_full,
                                       QPDF_TRUE);
    assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
    qpdf_cleanup(&q);
}

/* Encrypted with a password to open, or only with an owner password
 * (opens, but copying and editing are locked): both refused. */
static void pdf_encrypted(void **state)
{
    char path[PATH_MAX];
    const char *err = NULL;
    make_path(path, in, "加密.pdf");
    pdf_encrypt(path, "123456", "owner-secret");
    assert_int_equal(ts_store_sniff(path, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_PDF_ENC);
    pdf_encrypt(path, "", "owner-secret");
    err = NULL;
    assert_int_equal(ts_store_sniff(path, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, MSG_PDF_ENC);
}

/* ---- XLSX ---- */

/* table.xlsx with one more entry added by libzip, written to path. */
static void xlsx_with_entry(char *path, const char *name, const char *entry)
{
    struct ts_buf b = {0};
    int zerr = 0;
    data_file("table.xlsx", &b);
    write_input(path, name, b.data, b.len);
    ts_buf_free(&b);
    zip_t *za = zip_open(path, 0, &zerr);
    assert_non_null(za);
    zip_source_t *src = zip_source_buffer(za, "x", 1, 0);
    assert_true(zip_file_add(za, entry, src, ZIP_FL_ENC_UTF_8) >= 0);
    assert_int_equal(zip_close(za), 0);
}

static void xlsx_other_zips(void **state)
{
    char path[PATH_MAX];
    const char *err = NULL;
    /* A Word file is a ZIP too, without xl/workbook.xml. */
    assert_int_equal(sniff_data("letter.docx", &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "文件不是JPG、PDF、PNG或XLSX格式（按内容判断）");
    xlsx_with_entry(path, "宏.xlsm", "xl/vbaProject.bin");
    assert_int_equal(ts_store_sniff(path, &err), TS_FILE_UNKNOWN);
    assert_string_equal(err, "不支持含宏的Excel文件，请另存为.xlsx格式后上传");
    xlsx_with_entry(path, "more.xlsx", "docProps/custom.xml");
    err = "unset";
    assert_int_equal(ts_store_sniff(path, &err), TS_FILE_XLSX);
    assert_null(err);
}

static void xlsx_cut(void **state)
{
    struct ts_buf b = {0};
    data_file("table.xlsx", &b);
    for (size_t n = 4; n < b.len; n += 97) {
        const char *err = NULL;
        if (sniff_bytes(b.data, n, &err) != TS_FILE_UNKNOWN)
            fail_msg("table.xlsx cut at %zu of %zu accepted", n, b.len);
        assert_string_equal(err, "Excel文件（.xlsx）已损坏或不完整");
    }
    ts_buf_free(&b);
}

/* ---- storing ---- */

/* The stored file is at <root>/ab/cd/<sha256>, read-only, holding exactly
 * the upload's bytes, and named by their SHA-256. */
static void assert_stored(const struct ts_stored *f, const struct ts_buf *content)
{
    char sha[TS_CRYPTO_HEX64_SIZE], want[PATH_MAX];
    struct ts_arena *a = ts_arena_new(0);
    struct ts_buf got = {0};
    struct stat st;
    assert_int_equal(ts_crypto_sha256_hex(content->data, content->len, sha), 0);
    assert_string_equal(f->sha256, sha);
    assert_int_equal(f->size, (int64_t)content->len);
    snprintf(want, sizeof want, "%s/%.2s/%.2s/%s", root, sha, sha + 2, sha);
    const char *path = ts_store_path(a, f->sha256);
    assert_string_equal(path, want);
    slurp(path, &got);
    assert_true(got.len == content->len && memcmp(got.data, content->data, got.len) == 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0440);
    ts_buf_free(&got);
    ts_arena_free(a);
}

static void put_each_kind(void **state)
{
    static const struct {
        const char *name;
        enum ts_file_kind kind;
    } files[] = {
        {"photo.jpg", TS_FILE_JPEG},
        {"scan.png", TS_FILE_PNG},
        {"scan.pdf", TS_FILE_PDF},
        {"table.xlsx", TS_FILE_XLSX},
    };
    unsigned all = TS_FILE_JPEG | TS_FILE_PDF | TS_FILE_PNG | TS_FILE_XLSX;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct ts_buf b = {0};
        struct ts_stored f;
        char path[PATH_MAX];
        const char *err = "unset";
        data_file(files[i].name, &b);
        write_input(path, "upload", b.data, b.len);
        assert_int_equal(ts_store_put_file(path, 5 * MiB, all, &f, &err), 0);
        assert_null(err);
        assert_int_equal(f.kind, files[i].kind);
        assert_stored(&f, &b);
        ts_buf_free(&b);
    }
}

/* The same content uploaded twice, under different names (one with "..",
 * one Chinese and ending in .exe), is one file: the name is never used. */
static void put_same_content_once(void **state)
{
    static const char *const names[] = {"..%2F..%2Fetc%2Fpasswd.pdf", "报关单 (1).exe",
                                        "..合同..jpg"};
    struct ts_buf b = {0};
    struct ts_stored first, f;
    char path[PATH_MAX];
    const char *err = NULL;
    data_file("progressive.jpg", &b);
    write_input(path, names[0], b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &first, &err), 0);
    int before = store_files();
    for (size_t i = 1; i < 3; i++) {
        write_input(path, names[i], b.data, b.len);
        assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &f, &err), 0);
        assert_string_equal(f.sha256, first.sha256);
        assert_int_equal(f.kind, TS_FILE_JPEG);
    }
    /* through a path with a ".." component, too */
    make_path(path, in, "sub");
    mkdir(path, 0750);
    make_path(path, in, "sub/../..合同..jpg");
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &f, &err), 0);
    assert_string_equal(f.sha256, first.sha256);
    assert_int_equal(store_files(), before);
    assert_stored(&first, &b);
    ts_buf_free(&b);
}

/* A put that finds its content stored makes the file young again: the
 * sweep (ts_store_sweep) judges a file without a row by its mtime, and
 * this put's row is not committed yet (docs/uploads.md). */
static void put_reuse_makes_young(void **state)
{
    struct ts_buf b = {0};
    struct ts_stored first, f;
    struct ts_arena *a = ts_arena_new(0);
    char path[PATH_MAX];
    const char *err = NULL;
    struct stat st;
    data_file("progressive.jpg", &b);
    write_input(path, "first.jpg", b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &first, &err), 0);
    const char *stored = ts_store_path(a, first.sha256);
    struct timespec old[2] = {{time(NULL) - 2 * 86400, 0}, {time(NULL) - 2 * 86400, 0}};
    assert_int_equal(utimensat(AT_FDCWD, stored, old, 0), 0);
    assert_int_equal(stat(stored, &st), 0);
    ino_t ino = st.st_ino;
    write_input(path, "again.jpg", b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &f, &err), 0);
    assert_string_equal(f.sha256, first.sha256);
    assert_int_equal(stat(stored, &st), 0);
    assert_true(st.st_mtime >= time(NULL) - 60);
    assert_true(st.st_ino == ino); /* the same file, not a copy */
    assert_stored(&f, &b);
    ts_arena_free(a);
    ts_buf_free(&b);
}

/* A stored file damaged to the wrong size is replaced by the next upload
 * of its content. */
static void put_repairs_damaged_copy(void **state)
{
    struct ts_buf b = {0};
    struct ts_stored f;
    char path[PATH_MAX];
    const char *err = NULL;
    struct ts_arena *a = ts_arena_new(0);
    data_file("invoice.pdf", &b);
    write_input(path, "invoice.pdf", b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_PDF, &f, &err), 0);
    const char *stored = ts_store_path(a, f.sha256);
    assert_int_equal(chmod(stored, 0640), 0);
    assert_int_equal(truncate(stored, 10), 0);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_PDF, &f, &err), 0);
    assert_stored(&f, &b);
    ts_buf_free(&b);
    ts_arena_free(a);
}

/* A real JPEG of exactly size bytes: photo.jpg with COM segments of
 * padding after SOI. */
static void jpeg_of_size(struct ts_buf *out, size_t size)
{
    struct ts_buf photo = {0};
    data_file("photo.jpg", &photo);
    assert_true(size >= photo.len + 4);
    size_t pad = size - photo.len;
    ts_buf_add(out, photo.data, 2);
    while (pad > 0) {
        size_t seg = pad > 65537 ? 65537 : pad; /* FF FE + length + body */
        if (pad - seg > 0 && pad - seg < 4)
            seg -= 4;
        unsigned char head[4] = {0xFF, 0xFE, (unsigned char)((seg - 2) >> 8),
                                 (unsigned char)((seg - 2) & 0xFF)};
        ts_buf_add(out, head, 4);
        for (size_t i = 4; i < seg; i++)
            ts_buf_addc(out, 'x');
        pad -= seg;
    }
    ts_buf_add(out, photo.data + 2, photo.len - 2);
    assert_int_equal(out->len, size);
    ts_buf_free(&photo);
}

/* 5 MB exactly is stored; one byte more is refused before it is read. */
static void put_size_limit(void **state)
{
    struct ts_buf b = {0};
    struct ts_stored f;
    char path[PATH_MAX];
    const char *err = NULL;
    jpeg_of_size(&b, 5 * MiB);
    write_input(path, "at-limit.jpg", b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PDF, &f, &err), 0);
    assert_int_equal(f.size, 5 * MiB);
    assert_int_equal(f.kind, TS_FILE_JPEG);
    ts_buf_reset(&b);
    jpeg_of_size(&b, 5 * MiB + 1);
    write_input(path, "over-limit.jpg", b.data, b.len);
    int before = store_files();
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, "文件超过5MB");
    assert_int_equal(ts_store_put_file(path, 512 * 1024, TS_FILE_JPEG, &f, &err), -1);
    assert_string_equal(err, "文件超过512KB");
    assert_int_equal(ts_store_put_file(path, 1000, TS_FILE_JPEG, &f, &err), -1);
    assert_string_equal(err, "文件超过1000字节");
    assert_int_equal(store_files(), before);
    ts_buf_free(&b);
}

/* The refusal names the kinds the field takes. */
static void put_kind_not_allowed(void **state)
{
    struct ts_buf png = {0}, pdf = {0};
    struct ts_stored f;
    char path[PATH_MAX];
    const char *err = NULL;
    static const char mz[] = "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0";
    int before = store_files();
    data_file("scan.png", &png);
    write_input(path, "scan.jpg", png.data, png.len);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, "只支持JPG、PDF格式（此文件按内容是PNG）");
    write_input(path, "发票.pdf", mz, sizeof mz - 1);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, "文件不是JPG或PDF格式（按内容判断）");
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, "文件不是PDF格式（按内容判断）");
    assert_int_equal(
        ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PNG | TS_FILE_XLSX, &f, &err), -1);
    assert_string_equal(err, "文件不是JPG、PNG或XLSX格式（按内容判断）");
    /* a damaged PDF where PDFs are taken says so; where not, the kinds */
    data_file("invoice.pdf", &pdf);
    write_input(path, "cut.pdf", pdf.data, pdf.len / 2);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG | TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, MSG_PDF_BAD);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_JPEG, &f, &err), -1);
    assert_string_equal(err, "只支持JPG格式（此文件按内容是PDF）");
    assert_int_equal(store_files(), before);
    ts_buf_free(&png);
    ts_buf_free(&pdf);
}

static void put_empty_and_encrypted(void **state)
{
    struct ts_stored f;
    char path[PATH_MAX];
    const char *err = NULL;
    int before = store_files();
    write_input(path, "empty.pdf", "", 0);
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, MSG_EMPTY);
    make_path(path, in, "locked.pdf");
    pdf_encrypt(path, "123456", "owner");
    assert_int_equal(ts_store_put_file(path, 5 * MiB, TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, MSG_PDF_ENC);
    assert_int_equal(store_files(), before);
}

/* Errors the user did not cause get the generic message (and a log line). */
static void put_internal_errors(void **state)
{
    struct ts_buf b = {0};
    struct ts_stored f;
    char path[PATH_MAX];
    const char *err = NULL;
    assert_int_equal(ts_store_put_file("/nonexistent/upload", 5 * MiB, TS_FILE_PDF, &f, &err), -1);
    assert_string_equal(err, MSG_FAILED);
    data_file("scan.png", &b);
    write_input(path, "scan.png", b.data, b.len);
    assert_int_equal(ts_store_put_file(path, 0, TS_FILE_PNG, &f, &err), -1);
    assert_string_equal(err, MSG_FAILED);
    /* no database: the file is stored, the row cannot be */
    assert_int_equal(ts_store_put(NULL, path, 5 * MiB, TS_FILE_PNG, &f, &err), -1);
    assert_string_equal(err, MSG_FAILED);
    assert_stored(&f, &b);
    ts_buf_free(&b);
}

/* ---- names ---- */

static void path_validates_sha256(void **state)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    char want[PATH_MAX];
    snprintf(want, sizeof want, "%s/e3/b0/%s", root, sha);
    assert_string_equal(ts_store_path(a, sha), want);
    assert_null(
        ts_store_path(a, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
    assert_null(
        ts_store_path(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
    assert_null(
        ts_store_path(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555"));
    assert_null(ts_store_path(a, "../../../../../../etc/passwd"));
    assert_null(ts_store_path(a, ""));
    assert_null(ts_store_path(a, NULL));
    ts_arena_free(a);
}

static void kind_names_and_mime(void **state)
{
    static const enum ts_file_kind kinds[] = {TS_FILE_JPEG, TS_FILE_PDF, TS_FILE_PNG, TS_FILE_XLSX};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(ts_store_kind_parse(ts_store_kind_name(kinds[i])), kinds[i]);
    assert_string_equal(ts_store_kind_name(TS_FILE_PDF), "pdf");
    assert_string_equal(ts_store_mime(TS_FILE_JPEG), "image/jpeg");
    assert_string_equal(ts_store_mime(TS_FILE_PDF), "application/pdf");
    assert_string_equal(ts_store_mime(TS_FILE_PNG), "image/png");
    assert_string_equal(ts_store_mime(TS_FILE_XLSX),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(ts_store_mime(TS_FILE_UNKNOWN), "application/octet-stream");
    assert_int_equal(ts_store_kind_parse("exe"), TS_FILE_UNKNOWN);
    assert_int_equal(ts_store_kind_parse(NULL), TS_FILE_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sniff_real_files),
        cmocka_unit_test(sniff_empty),
        cmocka_unit_test(sniff_exe_named_pdf),
        cmocka_unit_test(sniff_text_and_html),
        cmocka_unit_test(sniff_missing_file),
        cmocka_unit_test(jpeg_cut_anywhere),
        cmocka_unit_test(jpeg_trailer_after_eoi),
        cmocka_unit_test(jpeg_broken_segments),
        cmocka_unit_test(jpeg_minimal_structure),
        cmocka_unit_test(png_cut_anywhere),
        cmocka_unit_test(png_bad_crc_and_trailer),
        cmocka_unit_test(pdf_cut_anywhere),
        cmocka_unit_test(pdf_middle_missing),
        cmocka_unit_test(pdf_bad_startxref),
        cmocka_unit_test(pdf_no_pages),
        cmocka_unit_test(pdf_root_not_a_dictionary),
        cmocka_unit_test(pdf_header_window),
        cmocka_unit_test(pdf_encrypted),
        cmocka_unit_test(xlsx_other_zips),
        cmocka_unit_test(xlsx_cut),
        cmocka_unit_test(put_each_kind),
        cmocka_unit_test(put_same_content_once),
        cmocka_unit_test(put_reuse_makes_young),
        cmocka_unit_test(put_repairs_damaged_copy),
        cmocka_unit_test(put_size_limit),
        cmocka_unit_test(put_kind_not_allowed),
        cmocka_unit_test(put_empty_and_encrypted),
        cmocka_unit_test(put_internal_errors),
        cmocka_unit_test(path_validates_sha256),
        cmocka_unit_test(kind_names_and_mime),
    };
    return cmocka_run_group_tests_name("ts_store", tests, group_setup, group_teardown);
}
