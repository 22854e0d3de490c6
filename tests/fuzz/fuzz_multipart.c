/* libFuzzer target: ts_multipart, the streaming multipart/form-data decoder
 * of every upload (报关单, 发票 spreadsheets).
 *
 * Input: byte 0 picks the boundary (see boundaries[]), byte 1 how the body
 * is cut into chunks (bit 7 set: chunks of (byte & 0x7F) + 1 bytes, else
 * pseudo-random sizes of 1..32 seeded by it), byte 2 the limits (bit 0:
 * tiny limits the fuzzer can reach, else the defaults); the rest is the
 * body.  The body is parsed twice, whole and in chunks: both must agree,
 * and on success every field and file must keep the promises of
 * ts_multipart.h.  After cleanup the temp dir must be empty again.  A
 * broken invariant aborts. */
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_multipart.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const boundaries[] = {
    "b",
    "--",
    "XyZ",
    "----WebKitFormBoundaryx7Kq2ZpLrT9mYwAb",
};

static const struct ts_multipart_limits tiny_limits = {
    .max_total = 1024,
    .max_parts = 6,
    .max_header = 64,
    .max_value = 32,
    .max_file = 64,
    .max_files = 3,
};

/* The uploads go here: $TMPDIR (or /tmp)/fuzz_multipart-XXXXXX, made once
 * per process and removed at exit (a crash leaves it behind, empty or with
 * the crashing input's uploads). */
static char tmpdir[4096];

/* One parse of the body: its first failing status and what finish gave. */
struct outcome {
    struct ts_multipart *m;
    enum ts_form_status st;
    struct ts_kvlist fields;
    struct ts_upload *files;
};

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_multipart: invariant broken: %s\n", what);
        abort();
    }
}

static void remove_tmpdir(void)
{
    rmdir(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/fuzz_multipart-XXXXXX", base && *base ? base : "/tmp");
    check(mkdtemp(tmpdir) != NULL, "mkdtemp");
    atexit(remove_tmpdir);
    return 0;
}

/* The size of the next chunk, from the cutting byte and a running state. */
static size_t next_chunk(uint8_t cut, uint32_t *s)
{
    if (cut & 0x80)
        return (size_t)(cut & 0x7F) + 1;
    *s = *s * 1103515245u + 12345u;
    return (size_t)((*s >> 16) % 32) + 1;
}

/* Parse the body whole (cut == 0) or in chunks; feeding goes on after a
 * failure, as a careless caller would, which must change nothing. */
static void parse(struct ts_arena *a, const char *ct, const struct ts_multipart_limits *lim,
                  const char *body, size_t len, uint8_t cut, struct outcome *o)
{
    enum ts_form_status st = TS_FORM_OK;
    uint32_t s = cut;
    memset(o, 0, sizeof *o);
    o->m = ts_multipart_new(a, ct, lim, tmpdir, &st);
    check(o->m != NULL && st == TS_FORM_OK, "a legal boundary is accepted");
    for (size_t at = 0, n; at < len; at += n) {
        n = cut ? next_chunk(cut, &s) : len;
        n = n < len - at ? n : len - at;
        st = ts_multipart_feed(o->m, body + at, n);
        check(o->st == TS_FORM_OK || st == o->st, "a failure is final");
        if (o->st == TS_FORM_OK)
            o->st = st;
    }
    st = ts_multipart_finish(o->m, &o->fields, &o->files);
    check(o->st == TS_FORM_OK || st == o->st, "finish repeats the failure");
    o->st = st;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    check(stat(path, &sb) == 0, "an upload's temp file exists");
    return (int64_t)sb.st_size;
}

/* The fields and files of a successful parse keep ts_multipart.h's
 * promises and the limits. */
static void check_success(const struct outcome *o, const struct ts_multipart_limits *lim)
{
    size_t nfields = 0, nfiles = 0;
    for (const struct ts_kv *kv = o->fields.head; kv; kv = kv->next, nfields++) {
        check(*kv->name && ts_form_utf8_valid(kv->name, strlen(kv->name)), "field name");
        check(strlen(kv->value) == kv->value_len, "value holds no NUL");
        check(kv->value_len <= lim->max_value, "value length <= max_value");
        check(ts_form_utf8_valid(kv->value, kv->value_len), "value is UTF-8");
    }
    check(nfields == o->fields.count, "count matches the list");
    for (const struct ts_upload *u = o->files; u; u = u->next, nfiles++) {
        check(*u->field && ts_form_utf8_valid(u->field, strlen(u->field)), "file field name");
        check(ts_form_utf8_valid(u->filename, strlen(u->filename)), "filename is UTF-8");
        check(strncmp(u->path, tmpdir, strlen(tmpdir)) == 0, "temp file in tmpdir");
        check(u->size >= 0 && (uint64_t)u->size <= lim->max_file, "size <= max_file");
        check(file_size(u->path) == u->size, "size is the temp file's size");
    }
    check(nfiles <= lim->max_files, "files <= max_files");
    check(nfields + nfiles <= lim->max_parts, "parts <= max_parts");
}

static void read_all(const char *path, struct ts_buf *b)
{
    char buf[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);
    check(fd >= 0, "an upload's temp file opens");
    while ((n = read(fd, buf, sizeof buf)) > 0)
        ts_buf_add(b, buf, (size_t)n);
    close(fd);
}

static bool same_file(const char *p, const char *q)
{
    struct ts_buf x = {0}, y = {0};
    read_all(p, &x);
    read_all(q, &y);
    bool same = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    ts_buf_free(&x);
    ts_buf_free(&y);
    return same;
}

/* Whole and chunked parses of one body give the same result. */
static void check_same(const struct outcome *x, const struct outcome *y)
{
    check(x->st == y->st, "chunking does not change the status");
    if (x->st != TS_FORM_OK)
        return;
    check(x->fields.count == y->fields.count, "chunking keeps the field count");
    for (const struct ts_kv *p = x->fields.head, *q = y->fields.head; p; p = p->next, q = q->next)
        check(strcmp(p->name, q->name) == 0 && p->value_len == q->value_len &&
                  memcmp(p->value, q->value, p->value_len) == 0,
              "chunking keeps the fields");
    const struct ts_upload *u = x->files, *v = y->files;
    for (; u && v; u = u->next, v = v->next)
        check(strcmp(u->field, v->field) == 0 && strcmp(u->filename, v->filename) == 0 &&
                  u->size == v->size && same_file(u->path, v->path),
              "chunking keeps the files");
    check(!u && !v, "chunking keeps the file count");
}

/* Nothing may be left in the temp dir once both parses are cleaned up. */
static void check_tmpdir_empty(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    check(d != NULL, "tmpdir opens");
    while ((e = readdir(d)) != NULL)
        check(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0,
              "cleanup removed every temp file");
    closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const char *boundary = boundaries[data[0] % (sizeof boundaries / sizeof boundaries[0])];
    const struct ts_multipart_limits *lim =
        data[2] & 1 ? &tiny_limits : &ts_multipart_default_limits;
    const char *body = (const char *)data + 3;
    size_t len = size - 3;
    char ct[128];
    struct outcome whole, chunked;
    struct ts_arena *a = ts_arena_new(0);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", boundary);
    parse(a, ct, lim, body, len, 0, &whole);
    parse(a, ct, lim, body, len, data[1] ? data[1] : 1, &chunked);
    if (whole.st == TS_FORM_OK)
        check_success(&whole, lim);
    if (chunked.st == TS_FORM_OK)
        check_success(&chunked, lim);
    /* Over max_total the whole body is refused before it is parsed, while
     * the chunks before the limit may fail for another reason first. */
    if (len <= lim->max_total)
        check_same(&whole, &chunked);
    else
        check(whole.st == TS_FORM_TOO_LARGE, "over max_total is TOO_LARGE");
    ts_multipart_cleanup(whole.m);
    ts_multipart_cleanup(chunked.m);
    check_tmpdir_empty();
    ts_arena_free(a);
    return 0;
}
