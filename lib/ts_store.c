/* ts_store — the content-addressed store of uploaded documents (see
 * ts_store.h).  Two halves:
 *
 *   sniffing   the kind of a file from its bytes: magic, then a walk of the
 *              format's structure that stays in bounds (JPEG segments to EOI,
 *              PNG chunks with their CRCs to IEND), or a real parse (PDF with
 *              libqpdf, XLSX with libzip).  A truncated file is refused.
 *   storing    the bytes that were sniffed are the bytes stored: the upload
 *              is mapped once, checked, then hashed while it is copied to
 *              <root>/tmp-XXXXXX, fsync'd, renamed to <root>/ab/cd/<sha256>
 *              and the directory fsync'd, all before the row is inserted.
 *
 *   sweeping   files no row names (a request stored one, then rolled
 *              back), older than store.orphan_age, are removed by
 *              ts_store_sweep (tools/ts-worker); so are tmp-* files a crash
 *              left.  The store's lock (<root>/.sweep.lock, flock) keeps a
 *              put that reuses a file from racing the sweep that removes it.
 *
 * Nothing here keeps state between calls.  Files are mapped read-only; an
 * upload's temp file belongs to this request, so nobody truncates it while
 * it is mapped. */
#include "ts_store.h"
#include "ts_config.h"
#include "ts_arena.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <qpdf/qpdf-c.h>
#include <zip.h>
#include <zlib.h>

/* Messages a user sees (design.md: precise, Chinese, say what to do). */
#define MSG_FAILED        "文件保存失败，请稍后重试"
#define MSG_READ_FAILED   "文件读取失败，请稍后重试"
#define MSG_EMPTY         "文件为空"
#define MSG_UNKNOWN       "文件不是JPG、PDF、PNG或XLSX格式（按内容判断）"
#define MSG_JPEG_SHORT    "JPG图片不完整，请重新上传完整的图片"
#define MSG_JPEG_BAD      "JPG图片已损坏，无法识别"
#define MSG_PNG_SHORT     "PNG图片不完整，请重新上传完整的图片"
#define MSG_PNG_BAD       "PNG图片已损坏，无法识别"
#define MSG_PDF_BAD       "PDF文件已损坏或不完整"
#define MSG_PDF_ENCRYPTED "PDF文件已加密，请上传未加密的文件"
#define MSG_PDF_NO_PAGES  "PDF文件没有任何页面"
#define MSG_XLSX_BAD      "Excel文件（.xlsx）已损坏或不完整"
#define MSG_XLSX_MACRO    "不支持含宏的Excel文件，请另存为.xlsx格式后上传"
#define MSG_XLS_OLD       "不支持Excel 97-2003工作簿（.xls），请在Excel中另存为.xlsx格式后上传"

/* A PDF's header may follow some junk (the spec allows 1024 bytes of it);
 * its last %%EOF may be followed by a little padding. */
#define PDF_HEAD_WINDOW 1024
#define PDF_TAIL_WINDOW 1024

#define COPY_CHUNK (64 * 1024)

typedef unsigned char u8;

/* The outcome of walking a structure: whole, cut short, or malformed. */
enum walk { WALK_OK, WALK_SHORT, WALK_BAD };

/* An upload opened and (once its size passed) mapped read-only. */
struct mapped {
    int fd;
    size_t n;
    const u8 *p;
};

/* ---- kinds ---- */

/* The value of stored_file.kind (schema/003_store.sql) for a kind. */
const char *ts_store_kind_name(enum ts_file_kind kind)
{
    switch (kind) {
    case TS_FILE_JPEG:
        return "jpeg";
    case TS_FILE_PDF:
        return "pdf";
    case TS_FILE_PNG:
        return "png";
    case TS_FILE_XLSX:
        return "xlsx";
    default:
        return "unknown";
    }
}

/* The kind a stored_file.kind value names (a download looks up its MIME
 * type from the row); TS_FILE_UNKNOWN for anything else. */
enum ts_file_kind ts_store_kind_parse(const char *name)
{
    static const enum ts_file_kind kinds[] = {TS_FILE_JPEG, TS_FILE_PDF, TS_FILE_PNG, TS_FILE_XLSX};
    for (size_t i = 0; name && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(name, ts_store_kind_name(kinds[i])) == 0)
            return kinds[i];
    return TS_FILE_UNKNOWN;
}

/* The Content-Type a stored file is served with: always from the sniffed
 * kind, so a browser never guesses (nosniff is sent too). */
const char *ts_store_mime(enum ts_file_kind kind)
{
    switch (kind) {
    case TS_FILE_JPEG:
        return "image/jpeg";
    case TS_FILE_PDF:
        return "application/pdf";
    case TS_FILE_PNG:
        return "image/png";
    case TS_FILE_XLSX:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    default:
        return "application/octet-stream";
    }
}

/* How a kind is named to the user in messages ("只支持JPG、PDF格式"). */
static const char *kind_label(enum ts_file_kind kind)
{
    switch (kind) {
    case TS_FILE_JPEG:
        return "JPG";
    case TS_FILE_PDF:
        return "PDF";
    case TS_FILE_PNG:
        return "PNG";
    case TS_FILE_XLSX:
        return "XLSX";
    default:
        return "未知";
    }
}

/* ---- byte helpers ---- */

static unsigned be16(const u8 *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const u8 *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- JPEG: SOI, segments to the first SOS, scans to EOI ---- */

/* Start-of-frame markers: SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC). */
static bool jpeg_is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Markers without a length: TEM, RST0..7, SOI, EOI. */
static bool jpeg_is_standalone(unsigned m)
{
    return m == 0x01 || (m >= 0xD0 && m <= 0xD9);
}

/* The marker at *pos: 0xFF, any 0xFF fill bytes, then the code.  Between
 * header segments nothing else may stand there. */
static enum walk jpeg_marker(const u8 *p, size_t n, size_t *pos, unsigned *m)
{
    size_t i = *pos;
    if (i >= n)
        return WALK_SHORT;
    if (p[i] != 0xFF)
        return WALK_BAD;
    while (i < n && p[i] == 0xFF)
        i++;
    if (i >= n)
        return WALK_SHORT;
    if (p[i] == 0x00)
        return WALK_BAD;
    *m = p[i];
    *pos = i + 1;
    return WALK_OK;
}

/* The segment whose 2-byte length (counting itself) is at *pos; its body
 * must lie inside the file, else the file was cut. */
static enum walk jpeg_segment(const u8 *p, size_t n, size_t *pos, const u8 **body, size_t *len)
{
    size_t i = *pos;
    if (n - i < 2)
        return WALK_SHORT;
    size_t l = be16(p + i);
    if (l < 2)
        return WALK_BAD;
    if (n - i < l)
        return WALK_SHORT;
    *body = p + i + 2;
    *len = l - 2;
    *pos = i + l;
    return WALK_OK;
}

/* A frame header: precision, height, width, then 3 bytes per component.
 * A zero height (left to a DNL marker) is refused: no viewer shows it. */
static bool jpeg_sof_ok(const u8 *b, size_t len)
{
    if (len < 6)
        return false;
    size_t nc = b[5];
    return b[0] >= 2 && b[0] <= 16 && be16(b + 1) > 0 && be16(b + 3) > 0 && nc >= 1 && nc <= 4 &&
           len == 6 + 3 * nc;
}

/* A scan header: component count, 2 bytes per component, 3 bytes of
 * spectral selection and approximation. */
static bool jpeg_sos_ok(const u8 *b, size_t len)
{
    return len >= 1 && b[0] >= 1 && b[0] <= 4 && len == 1 + 2 * (size_t)b[0] + 3;
}

/* Walk the header segments after SOI up to the end of the first scan
 * header; exactly one frame header must come before it. */
static enum walk jpeg_header(const u8 *p, size_t n, size_t *pos)
{
    bool sof = false;
    for (;;) {
        unsigned m = 0;
        const u8 *b;
        size_t len;
        enum walk r = jpeg_marker(p, n, pos, &m);
        if (r != WALK_OK)
            return r;
        if (jpeg_is_standalone(m))
            return WALK_BAD; /* EOI before any image, a second SOI, a stray RST */
        if ((r = jpeg_segment(p, n, pos, &b, &len)) != WALK_OK)
            return r;
        if (jpeg_is_sof(m)) {
            if (sof || !jpeg_sof_ok(b, len))
                return WALK_BAD;
            sof = true;
        }
        if (m == 0xDA)
            return sof && jpeg_sos_ok(b, len) ? WALK_OK : WALK_BAD;
    }
}

/* From the end of the first scan header to EOI: entropy-coded data (where
 * 0xFF is followed by a stuffed 0x00, a restart marker or fill), and the
 * tables and scan headers between the scans of a progressive JPEG.  Bytes
 * after EOI are allowed: phones append their own trailers there. */
static enum walk jpeg_scans(const u8 *p, size_t n, size_t pos)
{
    for (;;) {
        const u8 *ff = pos < n ? memchr(p + pos, 0xFF, n - pos) : NULL;
        if (!ff)
            return WALK_SHORT;
        size_t i = (size_t)(ff - p) + 1;
        if (i >= n)
            return WALK_SHORT;
        unsigned m = p[i];
        if (m == 0xD9)
            return WALK_OK;
        if (m == 0xFF) { /* fill: the next 0xFF starts the marker */
            pos = i;
            continue;
        }
        pos = i + 1;
        if (m == 0x00 || jpeg_is_standalone(m)) {
            if (m == 0xD8)
                return WALK_BAD;
            continue;
        }
        const u8 *b;
        size_t len;
        enum walk r = jpeg_segment(p, n, &pos, &b, &len);
        if (r != WALK_OK)
            return r;
        if (jpeg_is_sof(m) || (m == 0xDA && !jpeg_sos_ok(b, len)))
            return WALK_BAD;
    }
}

/* NULL when p[0..n) is a whole JPEG (FF D8 FF seen by the caller), else
 * why not. */
static const char *jpeg_check(const u8 *p, size_t n)
{
    size_t pos = 2;
    enum walk r = jpeg_header(p, n, &pos);
    if (r == WALK_OK)
        r = jpeg_scans(p, n, pos);
    return r == WALK_OK ? NULL : r == WALK_SHORT ? MSG_JPEG_SHORT : MSG_JPEG_BAD;
}

/* ---- PNG: signature, IHDR first, chunks with good CRCs, IEND last ---- */

static const u8 png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static bool png_type_ok(const u8 *t)
{
    for (int k = 0; k < 4; k++)
        if (!((t[k] >= 'A' && t[k] <= 'Z') || (t[k] >= 'a' && t[k] <= 'z')))
            return false;
    return true;
}

/* The chunk at *pos: length, type, data and a CRC over type and data.  A
 * chunk that runs past the end means the file was cut. */
static enum walk png_chunk(const u8 *p, size_t n, size_t *pos, const u8 **type, uint32_t *len)
{
    size_t i = *pos;
    if (n - i < 12)
        return WALK_SHORT;
    uint32_t l = be32(p + i);
    if (l > 0x7FFFFFFFu)
        return WALK_BAD;
    if (n - i - 12 < l)
        return WALK_SHORT;
    const u8 *t = p + i + 4;
    if (!png_type_ok(t))
        return WALK_BAD;
    if (crc32(crc32(0L, Z_NULL, 0), t, (uInt)l + 4) != be32(t + 4 + l))
        return WALK_BAD;
    *type = t;
    *len = l;
    *pos = i + 12 + l;
    return WALK_OK;
}

/* IHDR's data: width and height 1..2^31-1, a bit depth and colour type
 * the PNG spec defines, compression and filter 0, interlace 0 or 1. */
static bool png_ihdr_ok(const u8 *d)
{
    uint32_t w = be32(d), h = be32(d + 4);
    unsigned depth = d[8], colour = d[9];
    bool depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    bool colour_ok = colour == 0 || colour == 2 || colour == 3 || colour == 4 || colour == 6;
    return w > 0 && h > 0 && w <= 0x7FFFFFFFu && h <= 0x7FFFFFFFu && depth_ok && colour_ok &&
           d[10] == 0 && d[11] == 0 && d[12] <= 1;
}

/* Every chunk from IHDR to IEND, at least one IDAT, nothing after IEND. */
static enum walk png_walk(const u8 *p, size_t n)
{
    size_t pos = 8;
    const u8 *t;
    uint32_t len;
    bool idat = false;
    enum walk r = png_chunk(p, n, &pos, &t, &len);
    if (r != WALK_OK)
        return r;
    if (memcmp(t, "IHDR", 4) != 0 || len != 13 || !png_ihdr_ok(t + 4))
        return WALK_BAD;
    for (;;) {
        if ((r = png_chunk(p, n, &pos, &t, &len)) != WALK_OK)
            return r;
        if (memcmp(t, "IHDR", 4) == 0)
            return WALK_BAD;
        if (memcmp(t, "IDAT", 4) == 0)
            idat = true;
        if (memcmp(t, "IEND", 4) == 0)
            return len == 0 && idat && pos == n ? WALK_OK : WALK_BAD;
    }
}

static const char *png_check(const u8 *p, size_t n)
{
    enum walk r = png_walk(p, n);
    return r == WALK_OK ? NULL : r == WALK_SHORT ? MSG_PNG_SHORT : MSG_PNG_BAD;
}

/* ---- PDF: header, %%EOF at the end, a strict parse by libqpdf ---- */

/* Whether "%PDF-1.x" (or 2.x) starts within the first 1024 bytes. */
static bool pdf_header(const u8 *p, size_t n)
{
    size_t w = n < PDF_HEAD_WINDOW ? n : PDF_HEAD_WINDOW;
    const u8 *h = memmem(p, w, "%PDF-", 5);
    if (!h || (size_t)(h - p) + 8 > n)
        return false;
    return (h[5] == '1' || h[5] == '2') && h[6] == '.' && h[7] >= '0' && h[7] <= '9';
}

/* Whether the last 1024 bytes hold "%%EOF": a cut PDF has lost it. */
static bool pdf_tail(const u8 *p, size_t n)
{
    size_t w = n < PDF_TAIL_WINDOW ? n : PDF_TAIL_WINDOW;
    return memmem(p + n - w, w, "%%EOF", 5) != NULL;
}

/* Parse with libqpdf, its recovery off so a damaged cross-reference table
 * is an error rather than silently rebuilt, and walk the page tree.  A
 * file that needs a password, or is encrypted at all (even owner-only,
 * which opens without one), is refused: the archive must open anywhere
 * and the pages must be appendable to generated PDFs.  Damage qpdf only
 * warns about (an undecodable image) is accepted, as for JPEG we check the
 * structure, not every pixel. */
static const char *pdf_parse(const u8 *p, size_t n)
{
    const char *err = NULL;
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    qpdf_set_attempt_recovery(q, QPDF_FALSE);
    if (qpdf_read_memory(q, "upload", (const char *)p, (unsigned long long)n, NULL) & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(q);
        err = e && qpdf_get_error_code(q, e) == qpdf_e_password ? MSG_PDF_ENCRYPTED : MSG_PDF_BAD;
        goto out;
    }
    if (qpdf_is_encrypted(q)) {
        err = MSG_PDF_ENCRYPTED;
        goto out;
    }
    int pages = qpdf_get_num_pages(q);
    if (qpdf_has_error(q) || pages < 0)
        err = MSG_PDF_BAD;
    else if (pages == 0)
        err = MSG_PDF_NO_PAGES;
out:
    if (qpdf_has_error(q))
        qpdf_get_error(q); /* taken, or qpdf_cleanup prints it to stderr */
    qpdf_cleanup(&q);
    return err;
}

static const char *pdf_check(const u8 *p, size_t n)
{
    return pdf_tail(p, n) ? pdf_parse(p, n) : MSG_PDF_BAD;
}

/* ---- XLSX: a ZIP libzip opens, with the two parts every workbook has ---- */

static bool zip_has(zip_t *za, const char *name)
{
    return zip_name_locate(za, name, 0) >= 0;
}

/* The verdict on a ZIP: XLSX, a damaged one (family XLSX, err set), or
 * some other ZIP (a .docx: family UNKNOWN).  Entries are not inflated
 * here; lib/ts_xlsx caps their sizes before reading them. */
static const char *xlsx_check(const u8 *p, size_t n, enum ts_file_kind *family)
{
    const char *err = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *za = NULL;
    zip_source_t *src = zip_source_buffer_create(p, n, 0, &ze);
    if (!src || !(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
        zip_source_free(src);
        err = MSG_XLSX_BAD;
        goto out;
    }
    if (!zip_has(za, "[Content_Types].xml") || !zip_has(za, "xl/workbook.xml")) {
        *family = TS_FILE_UNKNOWN;
        err = MSG_UNKNOWN;
    } else if (zip_has(za, "xl/vbaProject.bin")) {
        err = MSG_XLSX_MACRO;
    }
    zip_discard(za);
out:
    zip_error_fini(&ze);
    return err;
}

/* ---- sniffing ---- */

/* The kind of p[0..n) by content.  *family is what the magic bytes claim
 * (so "PDF文件已损坏" can be told from "not a PDF at all"); the result is
 * that kind only when the structure checks out, else TS_FILE_UNKNOWN with
 * *err saying why. */
static enum ts_file_kind sniff_bytes(const u8 *p, size_t n, enum ts_file_kind *family,
                                     const char **err)
{
    *family = TS_FILE_UNKNOWN;
    *err = MSG_UNKNOWN;
    if (n == 0) {
        *err = MSG_EMPTY;
    } else if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        *family = TS_FILE_JPEG;
        *err = jpeg_check(p, n);
    } else if (n >= 8 && memcmp(p, png_signature, 8) == 0) {
        *family = TS_FILE_PNG;
        *err = png_check(p, n);
    } else if (pdf_header(p, n)) {
        *family = TS_FILE_PDF;
        *err = pdf_check(p, n);
    } else if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0) {
        *family = TS_FILE_XLSX;
        *err = xlsx_check(p, n, family);
    }
    return *err ? TS_FILE_UNKNOWN : *family;
}

/* Open a file to sniff or store: a regular file, its size in m->n. */
static int map_open(const char *path, struct mapped *m)
{
    struct stat st;
    m->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (m->fd < 0 || fstat(m->fd, &st) < 0) {
        ts_log_error("store: open %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX) {
        ts_log_error("store: %s is not a regular file", path);
        return -1;
    }
    m->n = (size_t)st.st_size;
    return 0;
}

/* Map the opened file (nothing to map when it is empty). */
static int map_bytes(const char *path, struct mapped *m)
{
    if (m->n == 0)
        return 0;
    void *p = mmap(NULL, m->n, PROT_READ, MAP_PRIVATE, m->fd, 0);
    if (p == MAP_FAILED) {
        ts_log_error("store: mmap %s: %s", path, strerror(errno));
        return -1;
    }
    m->p = p;
    return 0;
}

static void map_close(struct mapped *m)
{
    if (m->p)
        munmap((void *)m->p, m->n);
    if (m->fd >= 0)
        close(m->fd);
}

/* The kind of the file at path by its content alone (the name is never
 * looked at).  TS_FILE_UNKNOWN with *err saying why: empty, damaged,
 * truncated, encrypted, or no kind we know. */
enum ts_file_kind ts_store_sniff(const char *path, const char **err)
{
    struct mapped m = {.fd = -1};
    enum ts_file_kind family, kind = TS_FILE_UNKNOWN;
    *err = MSG_READ_FAILED;
    if (map_open(path, &m) < 0 || map_bytes(path, &m) < 0)
        goto out;
    kind = sniff_bytes(m.p, m.n, &family, err);
out:
    map_close(&m);
    return kind;
}

/* ---- messages composed for one upload ---- */

/* "5MB", "512KB" or "1000字节": the limit as the user reads it, exact. */
static void size_label(int64_t max, char *buf, size_t size)
{
    const int64_t mb = 1024 * 1024;
    if (max % mb == 0)
        snprintf(buf, size, "%lldMB", (long long)(max / mb));
    else if (max % 1024 == 0)
        snprintf(buf, size, "%lldKB", (long long)(max / 1024));
    else
        snprintf(buf, size, "%lld字节", (long long)max);
}

/* The allowed kinds joined for a message: "JPG、PDF" (sep "、") or
 * "JPG或PDF" (last "或"). */
static void kinds_label(unsigned allowed, const char *last, char *buf, size_t size)
{
    size_t len = 0;
    unsigned left = allowed & (TS_FILE_JPEG | TS_FILE_PDF | TS_FILE_PNG | TS_FILE_XLSX);
    buf[0] = '\0';
    for (unsigned bit = 1; left && len < size; bit <<= 1) {
        if (!(left & bit))
            continue;
        left &= ~bit;
        const char *sep = len == 0 ? "" : left ? "、" : last;
        int w = snprintf(buf + len, size - len, "%s%s", sep, kind_label((enum ts_file_kind)bit));
        len += w > 0 ? (size_t)w : 0;
    }
}

/* The refusal of a file whose kind is not in the mask: "文件不是JPG或PDF
 * 格式（按内容判断）" when it is nothing we know, "只支持JPG、PDF格式（此
 * 文件按内容是PNG）" when it is another kind. */
static const char *refuse_kind(unsigned allowed, enum ts_file_kind family, struct ts_stored *out)
{
    char kinds[64];
    if (family == TS_FILE_UNKNOWN) {
        kinds_label(allowed, "或", kinds, sizeof kinds);
        snprintf(out->msg, sizeof out->msg, "文件不是%s格式（按内容判断）", kinds);
    } else {
        kinds_label(allowed, "、", kinds, sizeof kinds);
        snprintf(out->msg, sizeof out->msg, "只支持%s格式（此文件按内容是%s）", kinds,
                 kind_label(family));
    }
    return out->msg;
}

/* ---- storing ---- */

/* The store root from the config (store.root); NULL, logged, if unset. */
static const char *store_root(void)
{
    const char *root = ts_config_str("store.root", NULL);
    if (!root || !*root) {
        ts_log_error("store: store.root is not set in the config");
        return NULL;
    }
    return root;
}

/* Write all of p[0..n) to fd, through short writes and signals. */
static int write_all(int fd, const u8 *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy p[0..n) to fd while hashing it, so the name is the SHA-256 of
 * exactly the bytes written. */
static int copy_hashed(int fd, const u8 *p, size_t n, char hex[TS_CRYPTO_HEX64_SIZE])
{
    int rc = -1;
    unsigned char md[TS_CRYPTO_SHA256_LEN];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    for (size_t at = 0, k; at < n; at += k) {
        k = n - at < COPY_CHUNK ? n - at : COPY_CHUNK;
        if (EVP_DigestUpdate(ctx, p + at, k) != 1 || write_all(fd, p + at, k) < 0)
            goto out;
    }
    if (EVP_DigestFinal_ex(ctx, md, NULL) != 1)
        goto out;
    ts_crypto_hex(md, sizeof md, hex);
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* fsync a directory, so the names created or renamed in it are durable. */
static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (rc < 0)
        ts_log_error("store: fsync %s: %s", dir, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

/* mkdir dir unless it exists; a new directory is made durable in its
 * parent at once. */
static int make_dir(const char *dir, const char *parent)
{
    if (mkdir(dir, 0750) == 0)
        return fsync_dir(parent);
    if (errno == EEXIST)
        return 0;
    ts_log_error("store: mkdir %s: %s", dir, strerror(errno));
    return -1;
}

/* Write the bytes to a new <root>/tmp-XXXXXX (the store's own filesystem,
 * so the rename is atomic), hashed, read-only, fsync'd. */
static int write_temp(const char *root, const u8 *p, size_t n, char *tmp, size_t tmpsize,
                      char hex[TS_CRYPTO_HEX64_SIZE])
{
    int fd = -1, rc = -1;
    if ((size_t)snprintf(tmp, tmpsize, "%s/tmp-XXXXXX", root) >= tmpsize) {
        ts_log_error("store: store.root too long");
        tmp[0] = '\0';
        return -1;
    }
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
        ts_log_error("store: mkstemp in %s: %s", root, strerror(errno));
        tmp[0] = '\0';
        return -1;
    }
    if (copy_hashed(fd, p, n, hex) < 0 || fchmod(fd, 0440) < 0 || fsync(fd) < 0) {
        ts_log_error("store: write %s: %s", tmp, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (close(fd) < 0 && rc == 0) {
        ts_log_error("store: close %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* The store's lock, LOCK_SH or LOCK_EX: the fd to close, or -1 (logged).
 * A put holds it shared while it places a file, the sweep exclusive while
 * it judges and removes one, so a file the sweep found old and unnamed is
 * never the one a put has just decided to reuse. */
static int store_lock(const char *root, int how)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/.sweep.lock", root) >= sizeof path)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
    if (fd < 0) {
        ts_log_error("store: open %s: %s", path, strerror(errno));
        return -1;
    }
    while (flock(fd, how) < 0)
        if (errno != EINTR) {
            ts_log_error("store: flock %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
    return fd;
}

/* Put the temp file at its final name.  The same content stored before
 * stays (the copy is dropped) but is made young again: the sweep judges a
 * file by its mtime, and this upload's row is not committed yet.  Where
 * the time cannot be set (another owner), the copy replaces it, which is
 * as young.  A file of the wrong size there (a damaged store) is replaced,
 * with a warning.  Under the store's lock, shared. */
static int place(const char *root, const char *tmp, const char *final, int64_t size)
{
    struct stat st;
    int lock = store_lock(root, LOCK_SH), rc = -1;
    if (lock < 0)
        return -1;
    if (lstat(final, &st) == 0) {
        if (S_ISREG(st.st_mode) && st.st_size == size && utimensat(AT_FDCWD, final, NULL, 0) == 0) {
            unlink(tmp);
            rc = 0;
            goto out;
        }
        if (!S_ISREG(st.st_mode) || st.st_size != size)
            ts_log_warn("store: %s is %lld bytes, not %lld; replacing it", final,
                        (long long)st.st_size, (long long)size);
    }
    if (rename(tmp, final) < 0) {
        ts_log_error("store: rename %s: %s", final, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(lock);
    return rc;
}

/* Store p[0..n) under <root>/ab/cd/<sha256>: temp file, fsync, the two
 * directory levels, rename, fsync of the directory.  out->sha256 is set. */
static int store_bytes(const char *root, const u8 *p, size_t n, struct ts_stored *out)
{
    char tmp[PATH_MAX], d1[PATH_MAX], d2[PATH_MAX], final[PATH_MAX];
    int rc = -1;
    if (write_temp(root, p, n, tmp, sizeof tmp, out->sha256) < 0)
        goto out;
    if ((size_t)snprintf(d1, sizeof d1, "%s/%.2s", root, out->sha256) >= sizeof d1 ||
        (size_t)snprintf(d2, sizeof d2, "%s/%.2s", d1, out->sha256 + 2) >= sizeof d2 ||
        (size_t)snprintf(final, sizeof final, "%s/%s", d2, out->sha256) >= sizeof final) {
        ts_log_error("store: store.root too long");
        goto out;
    }
    if (make_dir(d1, root) < 0 || make_dir(d2, d1) < 0 || place(root, tmp, final, (int64_t)n) < 0 ||
        fsync_dir(d2) < 0)
        goto out;
    tmp[0] = '\0';
    rc = 0;
out:
    if (tmp[0])
        unlink(tmp);
    return rc;
}

/* Whether p[0..n) is an Excel 97-2003 workbook: an OLE compound file
 * with a "Workbook" (or Excel 5's "Book") stream, named in UTF-16LE in its
 * directory.  Where an xlsx is wanted, the refusal then says to save it as
 * .xlsx (docs/filing.md) rather than "not an XLSX". */
static bool xls_workbook(const u8 *p, size_t n)
{
    static const u8 magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    static const char workbook[] = "W\0o\0r\0k\0b\0o\0o\0k\0", book[] = "B\0o\0o\0k\0";
    return n >= 8 && memcmp(p, magic, 8) == 0 &&
           (memmem(p, n, workbook, sizeof workbook - 1) || memmem(p, n, book, sizeof book - 1));
}

/* The checks a user can fail, in the order that costs least: size (before
 * reading a byte), empty, kind by content, kind allowed. */
static int check_upload(const char *path, struct mapped *m, int64_t max_size, unsigned allowed,
                        struct ts_stored *out, const char **err)
{
    char limit[32];
    enum ts_file_kind family;
    if ((uint64_t)m->n > (uint64_t)max_size) {
        size_label(max_size, limit, sizeof limit);
        snprintf(out->msg, sizeof out->msg, "文件超过%s", limit);
        *err = out->msg;
        return -1;
    }
    if (map_bytes(path, m) < 0)
        return -1;
    out->kind = sniff_bytes(m->p, m->n, &family, err);
    if (m->n == 0)
        return -1;
    if (!(family & allowed)) {
        *err = (allowed & TS_FILE_XLSX) && xls_workbook(m->p, m->n)
                   ? MSG_XLS_OLD
                   : refuse_kind(allowed, family, out);
        return -1;
    }
    return out->kind == TS_FILE_UNKNOWN ? -1 : 0;
}

/* The file half of ts_store_put, usable without a database: check the
 * upload and make it durable in the store.  Returns 0 with out filled, or
 * -1 with *err (a user's error, or the generic one after logging). */
int ts_store_put_file(const char *tmp_path, int64_t max_size, unsigned allowed,
                      struct ts_stored *out, const char **err)
{
    struct mapped m = {.fd = -1};
    const char *root = store_root();
    int rc = -1;
    memset(out, 0, sizeof *out);
    *err = MSG_FAILED;
    if (max_size <= 0 || !allowed) {
        ts_log_error("store: bad call: max_size %lld, allowed %#x", (long long)max_size, allowed);
        goto out;
    }
    if (!root || map_open(tmp_path, &m) < 0)
        goto out;
    if (check_upload(tmp_path, &m, max_size, allowed, out, err) < 0)
        goto out;
    *err = MSG_FAILED;
    out->size = (int64_t)m.n;
    if (store_bytes(root, m.p, m.n, out) < 0)
        goto out;
    *err = NULL;
    rc = 0;
out:
    map_close(&m);
    return rc;
}

/* The row naming a stored file, in the caller's transaction (ts_db starts
 * it at this first write).  The same content uploaded again keeps its
 * first row and created_at. */
int ts_store_record(struct ts_db *db, const struct ts_stored *f)
{
    if (!db) {
        ts_log_error("store: no database for %s", f->sha256);
        return -1;
    }
    return ts_db_exec(
        db, "INSERT IGNORE INTO stored_file (sha256, size, kind) VALUES (?, ?, ?)",
        TS_ARGS(TS_STR(f->sha256), TS_I64(f->size), TS_STR(ts_store_kind_name(f->kind))), NULL);
}

/* Store an upload and record it: the file is durable before the row is
 * written, and the row commits with the caller's transaction. */
int ts_store_put(struct ts_db *db, const char *tmp_path, int64_t max_size, unsigned allowed,
                 struct ts_stored *out, const char **err)
{
    if (ts_store_put_file(tmp_path, max_size, allowed, out, err) < 0)
        return -1;
    if (ts_store_record(db, out) < 0) {
        *err = MSG_FAILED;
        return -1;
    }
    return 0;
}

/* ---- reading back ---- */

/* Whether s is a SHA-256 as we write them: 64 lower-case hex digits.
 * Anything else could walk out of the store root. */
static bool sha256_ok(const char *s)
{
    size_t i = 0;
    for (; s && i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s && s[i] == '\0';
}

/* The path of the stored file with this sha256 (in the arena), or NULL if
 * the name is not a sha256 or the store is not configured.  Whether the
 * file exists is the caller's open() to find out. */
const char *ts_store_path(struct ts_arena *a, const char *sha256)
{
    const char *root;
    if (!sha256_ok(sha256) || !(root = store_root()))
        return NULL;
    return ts_arena_printf(a, "%s/%.2s/%.2s/%s", root, sha256, sha256 + 2, sha256);
}

/* ---- sweeping ---- */

/* Whether name is two lower-case hex digits: a store directory level. */
static bool hex2(const char *name)
{
    for (int i = 0; i < 2; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    return name[2] == '\0';
}

/* Whether the file at path was last written (or reused) before cutoff;
 * false for anything that is not a regular file. */
static bool older_than(const char *path, time_t cutoff)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < cutoff;
}

/* qsort/bsearch order of the sha256 names (lower-case hex: strcmp). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The stored_file names under <root>/<top>/ (sha256 starting with top),
 * sorted: one range query per top directory instead of one per file.
 * NULL on a database error. */
static const char **recorded_under(struct ts_db *db, struct ts_arena *a, const char *top, size_t *n)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT sha256 FROM stored_file WHERE sha256 >= ? AND sha256 < ?"
                    " ORDER BY sha256",
                    TS_ARGS(TS_STR(top), TS_STR(ts_arena_printf(a, "%s~", top))), &r) < 0)
        return NULL;
    const char **v = ts_arena_zalloc(a, (r.nrows + 1) * sizeof *v);
    for (size_t i = 0; i < r.nrows; i++)
        v[i] = ts_db_cell_at(&r, i, 0);
    qsort(v, r.nrows, sizeof *v, cmp_str);
    *n = r.nrows;
    return v;
}

/* Whether any row names the file although stored_file has none.  Every
 * column that names a store file (docs/uploads.md "Files without rows"):
 * decl_document.sha256, prearchive_file.sha256 and efiling.form_sha256
 * have foreign keys to stored_file; declist_upload.sha256 and
 * errors_sha256 have none but are written with their stored_file row.  So
 * this is asked only of files stored_file does not name (rare), and is the
 * check that keeps a file a future table names without a foreign key.
 * 1 named, 0 not, -1 error. */
static int named_elsewhere(struct ts_db *db, struct ts_arena *a, const char *sha)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT (SELECT COUNT(*) FROM declist_upload WHERE sha256 = ?"
                    "  OR errors_sha256 = ?)"
                    " + (SELECT COUNT(*) FROM decl_document WHERE sha256 = ?)"
                    " + (SELECT COUNT(*) FROM prearchive_file WHERE sha256 = ?)"
                    " + (SELECT COUNT(*) FROM efiling WHERE form_sha256 = ?) AS n",
                    TS_ARGS(TS_STR(sha), TS_STR(sha), TS_STR(sha), TS_STR(sha), TS_STR(sha)),
                    &r) < 0 ||
        r.nrows != 1)
        return -1;
    return ts_db_cell_i64(&r, 0, "n") > 0;
}

/* Remove an orphan under the store's lock, exclusive, if it is still old:
 * a put that reused it since the check made it young (place). */
static void remove_orphan(const char *root, const char *path, time_t cutoff,
                          struct ts_store_sweep *s)
{
    int lock = store_lock(root, LOCK_EX);
    if (lock < 0) {
        s->errors++;
        return;
    }
    if (!older_than(path, cutoff))
        s->young++;
    else if (unlink(path) == 0) {
        s->removed++;
        ts_log_info("store: removed %s (no row names it)", path);
    } else if (errno != ENOENT) {
        ts_log_error("store: unlink %s: %s", path, strerror(errno));
        s->errors++;
    }
    close(lock);
}

/* Judge one file of <root>/ab/cd/. */
static void sweep_file(struct ts_db *db, struct ts_arena *a, const char *root, const char *path,
                       const char *sha, const char **recorded, size_t nrecorded, time_t cutoff,
                       struct ts_store_sweep *s)
{
    int named;
    if (!older_than(path, cutoff)) {
        s->young++;
        return;
    }
    if (bsearch(&sha, recorded, nrecorded, sizeof *recorded, cmp_str)) {
        s->named++;
        return;
    }
    if ((named = named_elsewhere(db, a, sha)) > 0) {
        s->named++;
        return;
    }
    if (named < 0) {
        s->errors++;
        return;
    }
    remove_orphan(root, path, cutoff, s);
}

/* The files of <root>/<top>/<sub>/ whose names are sha256s beginning with
 * top and sub; anything else there is left alone. */
static void sweep_sub(struct ts_db *db, struct ts_arena *a, const char *root, const char *top,
                      const char *sub, const char **recorded, size_t nrecorded, time_t cutoff,
                      struct ts_store_sweep *s)
{
    char dir[PATH_MAX], path[PATH_MAX];
    struct dirent *e;
    snprintf(dir, sizeof dir, "%s/%s/%s", root, top, sub);
    DIR *d = opendir(dir);
    if (!d) {
        s->errors++;
        return;
    }
    while ((e = readdir(d)) && !(s->stop && s->stop()))
        if (sha256_ok(e->d_name) && memcmp(e->d_name, top, 2) == 0 &&
            memcmp(e->d_name + 2, sub, 2) == 0 &&
            (size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
            sweep_file(db, a, root, path, e->d_name, recorded, nrecorded, cutoff, s);
    closedir(d);
}

/* <root>/<top>/: the names stored_file has for it, then each sub-folder.
 * A database error skips the folder: nothing is removed in doubt. */
static void sweep_top(struct ts_db *db, const char *root, const char *top, time_t cutoff,
                      struct ts_store_sweep *s)
{
    char dir[PATH_MAX];
    struct dirent *e;
    size_t n = 0;
    struct ts_arena *a = ts_arena_new(64 * 1024);
    const char **recorded = a ? recorded_under(db, a, top, &n) : NULL;
    DIR *d = NULL;
    snprintf(dir, sizeof dir, "%s/%s", root, top);
    if (!recorded || !(d = opendir(dir))) {
        s->errors++;
        goto out;
    }
    while ((e = readdir(d)) && !(s->stop && s->stop()))
        if (hex2(e->d_name))
            sweep_sub(db, a, root, top, e->d_name, recorded, n, cutoff, s);
out:
    if (d)
        closedir(d);
    if (a)
        ts_arena_free(a);
}

/* A tmp-* file of a put that never finished (a crash between write and
 * rename): nothing will ever rename it. */
static void sweep_temp(const char *root, const char *name, time_t cutoff, struct ts_store_sweep *s)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root, name) >= sizeof path ||
        !older_than(path, cutoff))
        return;
    if (unlink(path) == 0) {
        s->temps++;
        ts_log_info("store: removed %s (left by an unfinished upload)", path);
    } else if (errno != ENOENT) {
        s->errors++;
    }
}

/* Walk <root>: tmp-* files, then each ab/cd/ folder. */
int ts_store_sweep(struct ts_db *db, struct ts_store_sweep *s)
{
    const char *root = store_root();
    struct dirent *e;
    DIR *d;
    if (!root || s->min_age_s < 60) {
        ts_log_error("store: sweep refused: min_age_s %lld", (long long)s->min_age_s);
        return -1;
    }
    time_t cutoff = time(NULL) - (time_t)s->min_age_s;
    if (!(d = opendir(root))) {
        ts_log_error("store: opendir %s: %s", root, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) && !(s->stop && s->stop())) {
        if (strncmp(e->d_name, "tmp-", 4) == 0)
            sweep_temp(root, e->d_name, cutoff, s);
        else if (hex2(e->d_name))
            sweep_top(db, root, e->d_name, cutoff, s);
    }
    closedir(d);
    return s->errors ? -1 : 0;
}
