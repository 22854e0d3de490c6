/* Unit tests for ts_multipart: Chrome-shaped multipart/form-data bodies fed
 * whole, one byte at a time and cut at every point (so the delimiter
 * straddles chunks), every limit at exactly the limit and one over, the
 * malformed bodies a browser never sends, and temp files removed by
 * cleanup.  The group's temp dir must be empty at the end: the group
 * teardown fails if a test left an upload behind. */
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_multipart.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define BOUNDARY "----WebKitFormBoundaryx7Kq2ZpLrT9mYwAb"
#define CT       "multipart/form-data; boundary=" BOUNDARY
#define XLSX_CT  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* 深圳市退税贸易有限公司 and 出口发票.xlsx, as Chrome sends them: raw UTF-8. */
#define COMPANY      "深圳市退税贸易有限公司"
#define INVOICE_NAME "出口发票.xlsx"

/* The uploads of every test go here; the group teardown removes the
 * directory, which fails unless every temp file was cleaned up. */
static char tmpdir[] = "/tmp/ts-test-multipart-XXXXXX";

static const struct ts_multipart_limits small_limits = {
    .max_total = 4096,
    .max_parts = 4,
    .max_header = 256,
    .max_value = 16,
    .max_file = 32,
    .max_files = 2,
};

/* The outcome of one parse: the first status that was not OK (from a feed
 * or from finish), and what finish returned. */
struct run {
    struct ts_multipart *m;
    enum ts_form_status st;
    struct ts_kvlist fields;
    struct ts_upload *files;
};

static int group_setup(void **state)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return rmdir(tmpdir);
}

static int arena_setup(void **state)
{
    *state = ts_arena_new(0);
    return 0;
}

static int arena_teardown(void **state)
{
    ts_arena_free(*state);
    return 0;
}

/* ---- building bodies the way Chrome lays them out ---- */

static void part_field(struct ts_buf *b, const char *name, const char *value, size_t vlen)
{
    ts_buf_printf(b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n", BOUNDARY, name);
    ts_buf_add(b, value, vlen);
    ts_buf_adds(b, "\r\n");
}

static void part_file(struct ts_buf *b, const char *name, const char *filename, const char *data,
                      size_t len)
{
    ts_buf_printf(b,
                  "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n",
                  BOUNDARY, name, filename);
    ts_buf_add(b, data, len);
    ts_buf_adds(b, "\r\n");
}

static void body_end(struct ts_buf *b)
{
    ts_buf_printf(b, "--%s--\r\n", BOUNDARY);
}

/* ---- feeding ---- */

static void run_begin(void **state, const struct ts_multipart_limits *lim, struct run *r)
{
    enum ts_form_status st = TS_FORM_MALFORMED;
    memset(r, 0, sizeof *r);
    r->m = ts_multipart_new(*state, CT, lim, tmpdir, &st);
    assert_non_null(r->m);
    assert_int_equal(st, TS_FORM_OK);
}

/* Feed one chunk unless an earlier one already failed. */
static void run_feed(struct run *r, const char *p, size_t n)
{
    if (r->st == TS_FORM_OK)
        r->st = ts_multipart_feed(r->m, p, n);
}

static void run_finish(struct run *r)
{
    enum ts_form_status st = ts_multipart_finish(r->m, &r->fields, &r->files);
    if (r->st == TS_FORM_OK)
        r->st = st;
}

/* The body in chunks of `chunk` bytes (0: whole). */
static enum ts_form_status run_chunked(void **state, const struct ts_buf *b,
                                       const struct ts_multipart_limits *lim, size_t chunk,
                                       struct run *r)
{
    run_begin(state, lim, r);
    size_t step = chunk ? chunk : b->len;
    for (size_t at = 0; at < b->len; at += step)
        run_feed(r, b->data + at, b->len - at < step ? b->len - at : step);
    run_finish(r);
    return r->st;
}

/* The body in three chunks cut at i <= j. */
static enum ts_form_status run_cut(void **state, const struct ts_buf *b,
                                   const struct ts_multipart_limits *lim, size_t i, size_t j,
                                   struct run *r)
{
    run_begin(state, lim, r);
    run_feed(r, b->data, i);
    run_feed(r, b->data + i, j - i);
    run_feed(r, b->data + j, b->len - j);
    run_finish(r);
    return r->st;
}

/* ---- checking ---- */

static void assert_file_content(const char *path, const char *want, size_t n)
{
    char got[4096];
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t r = read(fd, got, sizeof got);
    close(fd);
    assert_int_equal(r, n);
    assert_memory_equal(got, want, n);
}

static void assert_gone(const char *path)
{
    errno = 0;
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(errno, ENOENT);
}

/* Clean up a run and check that its temp files went with it. */
static void run_cleanup(struct run *r)
{
    struct ts_upload *files = r->files;
    ts_multipart_cleanup(r->m);
    for (struct ts_upload *u = files; u; u = u->next)
        assert_gone(u->path);
}

/* ---- the Chrome declaration upload, fed every way ---- */

/* File content that holds the boundary string without a CRLF before it, and
 * near misses of the delimiter: none of it may end the part. */
static const char invoice_data[] = "--" BOUNDARY "\r\n"
                                   "PK\x03\x04\0\0\r\n\r\n"
                                   "x--" BOUNDARY "--\r\n"
                                   "\n--" BOUNDARY "\r\n"
                                   "\r--" BOUNDARY "\r\n"
                                   "\r\n-" BOUNDARY "\r\n"
                                   "\r\n--"
                                   "----WebKitFormBoundaryx7Kq2ZpLrT9mYwA"
                                   "\xff\xfe\r\n\r";

static void chrome_body(struct ts_buf *b)
{
    part_field(b, "company", COMPANY, strlen(COMPANY));
    part_field(b, "goods", "8471", 4);
    part_field(b, "goods", "8517", 4);
    part_field(b, "remark", "第一行\r\n第二行", strlen("第一行\r\n第二行"));
    ts_buf_printf(b,
                  "--%s\r\nContent-Disposition: form-data; name=\"invoice\"; "
                  "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n",
                  BOUNDARY, INVOICE_NAME, XLSX_CT);
    ts_buf_add(b, invoice_data, sizeof invoice_data - 1);
    ts_buf_adds(b, "\r\n");
    body_end(b);
}

static void check_chrome(struct run *r)
{
    assert_int_equal(r->st, TS_FORM_OK);
    assert_int_equal(r->fields.count, 4);
    assert_string_equal(ts_form_get(&r->fields, "company"), COMPANY);
    assert_int_equal(ts_form_count(&r->fields, "goods"), 2);
    assert_string_equal(r->fields.head->next->value, "8471");
    assert_string_equal(r->fields.head->next->next->value, "8517");
    assert_string_equal(ts_form_get(&r->fields, "remark"), "第一行\r\n第二行");
    assert_non_null(r->files);
    assert_null(r->files->next);
    assert_string_equal(r->files->field, "invoice");
    assert_string_equal(r->files->filename, INVOICE_NAME);
    assert_int_equal(r->files->size, sizeof invoice_data - 1);
    assert_file_content(r->files->path, invoice_data, sizeof invoice_data - 1);
}

static void test_chrome_whole(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    chrome_body(&b);
    run_chunked(state, &b, &ts_multipart_default_limits, 0, &r);
    check_chrome(&r);
    run_cleanup(&r);
    ts_buf_free(&b);
}

static void test_chrome_byte_by_byte(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    chrome_body(&b);
    for (size_t chunk = 1; chunk <= 7; chunk++) {
        run_chunked(state, &b, &ts_multipart_default_limits, chunk, &r);
        check_chrome(&r);
        run_cleanup(&r);
        ts_arena_reset(*state);
    }
    ts_buf_free(&b);
}

static void test_chrome_every_split(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    chrome_body(&b);
    for (size_t i = 0; i <= b.len; i++) {
        run_cut(state, &b, &ts_multipart_default_limits, i, i, &r);
        check_chrome(&r);
        run_cleanup(&r);
        ts_arena_reset(*state);
    }
    ts_buf_free(&b);
}

/* A small body cut in three at every pair of points, so a delimiter can
 * straddle three chunks. */
static void test_small_every_two_splits(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    ts_buf_adds(&b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n");
    ts_buf_adds(&b, "\xE9\x80\x80\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "
                    "name=\"b\"\r\n\r\n\r\n--" BOUNDARY "--");
    for (size_t i = 0; i <= b.len; i++) {
        for (size_t j = i; j <= b.len; j++) {
            if (run_cut(state, &b, &ts_multipart_default_limits, i, j, &r) != TS_FORM_OK ||
                r.fields.count != 2 || strcmp(ts_form_get(&r.fields, "a"), "\xE9\x80\x80") != 0 ||
                strcmp(ts_form_get(&r.fields, "b"), "") != 0)
                fail_msg("cut at %zu, %zu: status %d", i, j, r.st);
            run_cleanup(&r);
            ts_arena_reset(*state);
        }
    }
    ts_buf_free(&b);
}

/* ---- what a browser may send around the parts ---- */

/* A preamble before the first delimiter and an epilogue after the last are
 * ignored; the closing delimiter needs no CRLF after it. */
static void test_preamble_epilogue(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    ts_buf_adds(&b, "This is a preamble, --" BOUNDARY " in it.\r\n");
    part_field(&b, "a", "1", 1);
    ts_buf_adds(&b, "--" BOUNDARY "--\r\nepilogue\r\n--" BOUNDARY "\r\ngarbage");
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    assert_int_equal(r.fields.count, 1);
    assert_string_equal(ts_form_get(&r.fields, "a"), "1");
    run_cleanup(&r);
    ts_buf_reset(&b);
    part_field(&b, "a", "1", 1);
    ts_buf_adds(&b, "--" BOUNDARY "--");
    assert_int_equal(run_chunked(state, &b, &small_limits, 1, &r), TS_FORM_OK);
    run_cleanup(&r);
    ts_buf_free(&b);
}

/* Chrome sends an unselected file input as a file part with filename=""
 * and no content; it arrives as an empty upload the handler must skip. */
static void test_empty_file_input(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    part_file(&b, "attachment", "", "", 0);
    part_field(&b, "a", "", 0);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    assert_non_null(r.files);
    assert_string_equal(r.files->filename, "");
    assert_int_equal(r.files->size, 0);
    assert_string_equal(ts_form_get(&r.fields, "a"), "");
    run_cleanup(&r);
    ts_buf_free(&b);
}

/* Filenames are kept as sent: Chrome escapes a quote as %22 and the parser
 * does not decode it. */
static void test_filename_verbatim(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    part_file(&b, "f", "报关单 %22草稿%22 (2).pdf", "%PDF", 4);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    assert_string_equal(r.files->filename, "报关单 %22草稿%22 (2).pdf");
    assert_file_content(r.files->path, "%PDF", 4);
    run_cleanup(&r);
    ts_buf_free(&b);
}

/* ---- the Content-Type header ---- */

static void test_boundary_param(void **state)
{
    static const char b70[] =
        "0123456789012345678901234567890123456789012345678901234567890123456789";
    char ct[160];
    assert_string_equal(ts_multipart_boundary(CT, *state), BOUNDARY);
    assert_string_equal(
        ts_multipart_boundary("Multipart/Form-Data; BOUNDARY=abc; charset=UTF-8", *state), "abc");
    assert_string_equal(ts_multipart_boundary("multipart/form-data; boundary=\"a b;c\"", *state),
                        "a b;c");
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", b70);
    assert_string_equal(ts_multipart_boundary(ct, *state), b70);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%sx", b70);
    assert_null(ts_multipart_boundary(ct, *state));
    assert_null(ts_multipart_boundary("application/x-www-form-urlencoded", *state));
    assert_null(ts_multipart_boundary("multipart/form-data", *state));
    assert_null(ts_multipart_boundary("multipart/form-data; boundary=", *state));
    assert_null(ts_multipart_boundary("multipart/form-data; boundary=\"\"", *state));
    assert_null(ts_multipart_boundary("multipart/form-data; boundary=\"abc", *state));
}

static void test_new_refuses_bad_content_type(void **state)
{
    enum ts_form_status st = TS_FORM_OK;
    assert_null(ts_multipart_new(*state, NULL, &small_limits, tmpdir, &st));
    assert_int_equal(st, TS_FORM_MALFORMED);
    st = TS_FORM_OK;
    assert_null(ts_multipart_new(*state, "text/plain", &small_limits, tmpdir, &st));
    assert_int_equal(st, TS_FORM_MALFORMED);
}

/* ---- limits: exactly at the limit passes, one over is TOO_LARGE ---- */

static void expect(void **state, const struct ts_buf *b, const struct ts_multipart_limits *lim,
                   enum ts_form_status want)
{
    struct run r;
    for (size_t chunk = 0; chunk <= 3; chunk++) {
        if (run_chunked(state, b, lim, chunk, &r) != want)
            fail_msg("chunk %zu: status %d, want %d", chunk, r.st, want);
        run_cleanup(&r);
    }
}

static void test_limit_total(void **state)
{
    struct ts_buf b = {0};
    struct ts_multipart_limits lim = small_limits;
    part_field(&b, "a", "1", 1);
    body_end(&b);
    lim.max_total = b.len;
    expect(state, &b, &lim, TS_FORM_OK);
    lim.max_total = b.len - 1;
    expect(state, &b, &lim, TS_FORM_TOO_LARGE);
    ts_buf_free(&b);
}

static void test_limit_parts(void **state)
{
    struct ts_buf b = {0};
    part_field(&b, "a", "1", 1);
    part_field(&b, "a", "2", 1);
    part_file(&b, "f", "a.txt", "x", 1);
    part_field(&b, "a", "3", 1);
    ts_buf_adds(&b, "--" BOUNDARY "--");
    expect(state, &b, &small_limits, TS_FORM_OK);
    b.len -= strlen("--" BOUNDARY "--");
    part_field(&b, "a", "4", 1);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_TOO_LARGE);
    ts_buf_free(&b);
}

/* A part's headers of exactly max_header bytes, then one more: the result
 * may not depend on where the chunks are cut (the blank line that ends the
 * headers straddling two chunks once made the exact limit fail). */
static void test_limit_header(void **state)
{
    struct ts_buf b = {0};
    struct ts_multipart_limits lim = small_limits;
    struct run r;
    part_field(&b, "name-padded-to-the-limit", "v", 1);
    body_end(&b);
    const char *h = b.data + strlen("--" BOUNDARY "\r\n");
    lim.max_header = (size_t)(strstr(h, "\r\n\r\n") - h);
    for (size_t i = 0; i <= b.len; i++) {
        if (run_cut(state, &b, &lim, i, i, &r) != TS_FORM_OK)
            fail_msg("exact limit, cut at %zu: status %d", i, r.st);
        run_cleanup(&r);
    }
    lim.max_header--;
    for (size_t i = 0; i <= b.len; i++) {
        if (run_cut(state, &b, &lim, i, i, &r) != TS_FORM_TOO_LARGE)
            fail_msg("one over, cut at %zu: status %d", i, r.st);
        run_cleanup(&r);
    }
    ts_buf_free(&b);
}

/* Headers that never end are refused once they pass the limit, before the
 * body ends. */
static void test_header_unterminated(void **state)
{
    struct run r;
    char line[64];
    run_begin(state, &small_limits, &r);
    run_feed(&r, "--" BOUNDARY "\r\n", strlen("--" BOUNDARY "\r\n"));
    memset(line, 'h', sizeof line);
    for (int i = 0; i < 4; i++)
        run_feed(&r, line, sizeof line);
    assert_int_equal(r.st, TS_FORM_OK);
    run_feed(&r, line, 4);
    assert_int_equal(r.st, TS_FORM_TOO_LARGE);
    run_finish(&r);
    run_cleanup(&r);
}

static void test_limit_value(void **state)
{
    struct ts_buf b = {0};
    part_field(&b, "v", "0123456789abcdef", 16);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_OK);
    ts_buf_reset(&b);
    part_field(&b, "v", "0123456789abcdefg", 17);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_TOO_LARGE);
    ts_buf_free(&b);
}

static void test_limit_file_size(void **state)
{
    static const char data[] = "0123456789abcdef0123456789ABCDEF!";
    struct ts_buf b = {0};
    struct run r;
    part_file(&b, "f", "a.bin", data, 32);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    assert_int_equal(r.files->size, 32);
    assert_file_content(r.files->path, data, 32);
    run_cleanup(&r);
    ts_buf_reset(&b);
    part_file(&b, "f", "a.bin", data, 33);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_TOO_LARGE);
    ts_buf_free(&b);
}

static void test_limit_file_count(void **state)
{
    struct ts_buf b = {0};
    part_file(&b, "f", "1.txt", "1", 1);
    part_file(&b, "f", "2.txt", "2", 1);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_OK);
    ts_buf_reset(&b);
    part_file(&b, "f", "1.txt", "1", 1);
    part_file(&b, "f", "2.txt", "2", 1);
    part_file(&b, "f", "3.txt", "3", 1);
    body_end(&b);
    expect(state, &b, &small_limits, TS_FORM_TOO_LARGE);
    ts_buf_free(&b);
}

/* ---- malformed ---- */

static void expect_malformed(void **state, const char *body)
{
    struct ts_buf b = {0};
    struct run r;
    ts_buf_adds(&b, body);
    for (size_t chunk = 0; chunk <= 2; chunk++) {
        if (run_chunked(state, &b, &small_limits, chunk, &r) != TS_FORM_MALFORMED)
            fail_msg("status %d, chunk %zu, for: %s", r.st, chunk, body);
        run_cleanup(&r);
    }
    ts_buf_free(&b);
}

#define CD    "Content-Disposition: form-data; "
#define OPEN  "--" BOUNDARY "\r\n"
#define CLOSE "\r\n--" BOUNDARY "--\r\n"

/* The body ends before the closing delimiter: finish refuses it. */
static void test_missing_close(void **state)
{
    expect_malformed(state, "");
    expect_malformed(state, "no delimiter at all");
    expect_malformed(state, OPEN);
    expect_malformed(state, OPEN CD "name=\"a\"");
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n1");
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n1\r\n");
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n1\r\n--" BOUNDARY);
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n1\r\n--" BOUNDARY "-");
    expect_malformed(state, OPEN CD "name=\"a\"; filename=\"a.txt\"\r\n\r\nfile data");
}

static void test_bad_parts(void **state)
{
    expect_malformed(state, OPEN "Content-Type: text/plain\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "filename=\"a.txt\"\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=\"\"\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=a\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=\"a\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=\"\xE9\x80\"\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=\"f\"; filename=\"\xC0\xAF.txt\"\r\n\r\n1" CLOSE);
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n1\r\n--" BOUNDARY "junk\r\n");
}

/* A non-file value must be valid UTF-8 without NUL; file content is bytes. */
static void test_bad_values(void **state)
{
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n\xC0\xAF" CLOSE);
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n\xED\xA0\x80" CLOSE);
    expect_malformed(state, OPEN CD "name=\"a\"\r\n\r\n\xE9\x80" CLOSE);
    struct ts_buf b = {0};
    struct run r;
    part_field(&b, "a", "x\0y", 3);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_MALFORMED);
    run_cleanup(&r);
    ts_buf_reset(&b);
    part_file(&b, "f", "a.bin", "\0\xC0\xAF\xFF", 4);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    assert_file_content(r.files->path, "\0\xC0\xAF\xFF", 4);
    run_cleanup(&r);
    ts_buf_free(&b);
}

/* ---- errors are final ---- */

/* Once a feed failed, later feeds and finish report the same failure, even
 * if the caller goes on feeding: the rest of the body is not parsed (an
 * empty file part refused by max_files once crashed end_part here). */
static void test_error_is_sticky(void **state)
{
    struct ts_buf b = {0};
    struct ts_multipart_limits lim = small_limits;
    struct ts_kvlist fields;
    struct ts_upload *files;
    enum ts_form_status st;
    lim.max_files = 0;
    part_file(&b, "f", "", "", 0);
    part_field(&b, "a", "1", 1);
    body_end(&b);
    size_t cut = (size_t)(strstr(b.data, "\r\n\r\n") - b.data) + 4;
    st = TS_FORM_OK;
    struct ts_multipart *m = ts_multipart_new(*state, CT, &lim, tmpdir, &st);
    assert_int_equal(ts_multipart_feed(m, b.data, cut), TS_FORM_TOO_LARGE);
    assert_int_equal(ts_multipart_feed(m, b.data + cut, b.len - cut), TS_FORM_TOO_LARGE);
    assert_int_equal(ts_multipart_finish(m, &fields, &files), TS_FORM_TOO_LARGE);
    ts_multipart_cleanup(m);
    ts_buf_free(&b);
}

/* A bad value refused at its closing delimiter: finish may not then return
 * OK with the value silently missing. */
static void test_error_then_finish(void **state)
{
    static const char body[] = OPEN CD "name=\"a\"\r\n\r\n\xC0\xAF" CLOSE;
    struct ts_kvlist fields;
    struct ts_upload *files;
    enum ts_form_status st = TS_FORM_OK;
    struct ts_multipart *m = ts_multipart_new(*state, CT, &small_limits, tmpdir, &st);
    size_t cut = sizeof body - 1 - strlen("--\r\n");
    assert_int_equal(ts_multipart_feed(m, body, cut), TS_FORM_MALFORMED);
    assert_int_equal(ts_multipart_feed(m, body + cut, sizeof body - 1 - cut), TS_FORM_MALFORMED);
    assert_int_equal(ts_multipart_finish(m, &fields, &files), TS_FORM_MALFORMED);
    ts_multipart_cleanup(m);
}

/* ---- temp files ---- */

/* Uploads exist until cleanup and are gone after it, also when the request
 * stopped in the middle of a file or failed on a limit. */
static void test_cleanup_removes_files(void **state)
{
    struct ts_buf b = {0};
    struct run r;
    part_file(&b, "f", "1.txt", "one", 3);
    part_file(&b, "f", INVOICE_NAME, "two", 3);
    body_end(&b);
    assert_int_equal(run_chunked(state, &b, &small_limits, 0, &r), TS_FORM_OK);
    const char *p1 = r.files->path, *p2 = r.files->next->path;
    assert_int_equal(access(p1, F_OK), 0);
    assert_int_equal(access(p2, F_OK), 0);
    assert_string_equal(r.files->next->filename, INVOICE_NAME);
    ts_multipart_cleanup(r.m);
    assert_gone(p1);
    assert_gone(p2);
    ts_multipart_cleanup(r.m); /* twice is harmless */
    ts_multipart_cleanup(NULL);

    /* Stopped in the middle of the second file, finish never called (the
     * group teardown finds the file if it was left behind). */
    run_begin(state, &small_limits, &r);
    run_feed(&r, b.data, b.len - strlen("wo\r\n--" BOUNDARY "--\r\n"));
    assert_int_equal(r.st, TS_FORM_OK);
    ts_multipart_cleanup(r.m);
    ts_buf_free(&b);
}

/* A file over max_file: its partial temp file is removed too. */
static void test_cleanup_after_limit(void **state)
{
    char data[64];
    struct ts_buf b = {0};
    struct run r;
    memset(data, 'z', sizeof data);
    part_file(&b, "f", "big.bin", data, sizeof data);
    body_end(&b);
    run_begin(state, &small_limits, &r);
    run_feed(&r, b.data, b.len);
    assert_int_equal(r.st, TS_FORM_TOO_LARGE);
    ts_multipart_cleanup(r.m);
    ts_buf_free(&b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_chrome_whole),
        T(test_chrome_byte_by_byte),
        T(test_chrome_every_split),
        T(test_small_every_two_splits),
        T(test_preamble_epilogue),
        T(test_empty_file_input),
        T(test_filename_verbatim),
        T(test_boundary_param),
        T(test_new_refuses_bad_content_type),
        T(test_limit_total),
        T(test_limit_parts),
        T(test_limit_header),
        T(test_header_unterminated),
        T(test_limit_value),
        T(test_limit_file_size),
        T(test_limit_file_count),
        T(test_missing_close),
        T(test_bad_parts),
        T(test_bad_values),
        T(test_error_is_sticky),
        T(test_error_then_finish),
        T(test_cleanup_removes_files),
        T(test_cleanup_after_limit),
    };
    return cmocka_run_group_tests_name("ts_multipart", tests, group_setup, group_teardown);
}
