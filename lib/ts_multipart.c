#include "ts_multipart.h"
#include "ts_arena.h"
#include "ts_buf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const struct ts_multipart_limits ts_multipart_default_limits = {
    .max_total = 60 * 1024 * 1024,
    .max_parts = 200,
    .max_header = 4096,
    .max_value = 256 * 1024,
    .max_file = 20 * 1024 * 1024,
    .max_files = 20,
};

const struct ts_multipart_limits ts_multipart_large_limits = {
    .max_total = 260 * 1024 * 1024,
    .max_parts = 20,
    .max_header = 4096,
    .max_value = 256 * 1024,
    .max_file = 256 * 1024 * 1024,
    .max_files = 1,
};

enum state { PREAMBLE, AFTER_DELIM, HEADERS, BODY, DONE };

struct ts_multipart {
    struct ts_arena *arena;
    const struct ts_multipart_limits *lim;
    const char *tmpdir;
    char *delim; /* "\r\n--" boundary */
    size_t dlen;
    enum state state;
    enum ts_form_status status; /* the first failure; final */
    struct ts_buf pending;      /* bytes not yet consumed */
    size_t total;
    size_t parts;
    /* the part being read */
    const char *name;
    const char *filename;
    int fd;
    const char *path;
    int64_t size;
    struct ts_buf value;
    struct ts_kvlist fields;
    struct ts_upload *files, *files_tail;
    size_t nfiles;
};

/* The boundary parameter of a Content-Type header, unquoted; NULL if absent
 * or not a legal boundary (1..70 chars). */
const char *ts_multipart_boundary(const char *ct, struct ts_arena *a)
{
    if (strncasecmp(ct, "multipart/form-data", 19) != 0)
        return NULL;
    const char *p = strcasestr(ct, "boundary=");
    if (!p)
        return NULL;
    p += 9;
    size_t n;
    if (*p == '"') {
        const char *q = strchr(++p, '"');
        if (!q)
            return NULL;
        n = (size_t)(q - p);
    } else {
        n = strcspn(p, "; \t");
    }
    if (n == 0 || n > 70)
        return NULL;
    return ts_arena_memdup0(a, p, n);
}

struct ts_multipart *ts_multipart_new(struct ts_arena *a, const char *content_type,
                                      const struct ts_multipart_limits *lim, const char *tmpdir,
                                      enum ts_form_status *st)
{
    const char *b = content_type ? ts_multipart_boundary(content_type, a) : NULL;
    if (!b) {
        *st = TS_FORM_MALFORMED;
        return NULL;
    }
    struct ts_multipart *m = ts_arena_zalloc(a, sizeof *m);
    m->arena = a;
    m->lim = lim;
    m->tmpdir = tmpdir;
    /* The first boundary has no leading CRLF: start as if one preceded it. */
    m->delim = ts_arena_printf(a, "\r\n--%s", b);
    m->dlen = strlen(m->delim);
    m->state = PREAMBLE;
    m->fd = -1;
    ts_buf_add(&m->pending, "\r\n", 2);
    *st = TS_FORM_OK;
    return m;
}

/* Drop the first n pending bytes. */
static void consume(struct ts_multipart *m, size_t n)
{
    memmove(m->pending.data, m->pending.data + n, m->pending.len - n);
    m->pending.len -= n;
}

/* The value of a parameter like name="x" in a Content-Disposition header;
 * browsers percent-encode quotes inside, so a quoted string has no escapes. */
static const char *disposition_param(struct ts_arena *a, const char *h, size_t hlen,
                                     const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = h; p + klen + 2 <= h + hlen; p++) {
        if ((p == h || p[-1] == ' ' || p[-1] == ';') && strncasecmp(p, key, klen) == 0 &&
            p[klen] == '=' && p[klen + 1] == '"') {
            const char *v = p + klen + 2;
            const char *q = memchr(v, '"', (size_t)(h + hlen - v));
            return q ? ts_arena_memdup0(a, v, (size_t)(q - v)) : NULL;
        }
    }
    return NULL;
}

/* Read one part's headers (without the blank line) and prepare its sink. */
static enum ts_form_status start_part(struct ts_multipart *m, const char *h, size_t hlen)
{
    const char *cd = NULL;
    for (const char *line = h; line < h + hlen;) {
        const char *eol = memmem(line, (size_t)(h + hlen - line), "\r\n", 2);
        size_t n = eol ? (size_t)(eol - line) : (size_t)(h + hlen - line);
        if (n > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0)
            cd = ts_arena_memdup0(m->arena, line, n);
        line = eol ? eol + 2 : h + hlen;
    }
    if (!cd || (m->name = disposition_param(m->arena, cd, strlen(cd), "name")) == NULL ||
        !*m->name || !ts_form_utf8_valid(m->name, strlen(m->name)))
        return TS_FORM_MALFORMED;
    if (++m->parts > m->lim->max_parts)
        return TS_FORM_TOO_LARGE;
    m->filename = disposition_param(m->arena, cd, strlen(cd), "filename");
    m->size = 0;
    ts_buf_reset(&m->value);
    if (!m->filename)
        return TS_FORM_OK;
    if (!ts_form_utf8_valid(m->filename, strlen(m->filename)))
        return TS_FORM_MALFORMED;
    if (++m->nfiles > m->lim->max_files)
        return TS_FORM_TOO_LARGE;
    char *path = ts_arena_printf(m->arena, "%s/ts-upload-XXXXXX", m->tmpdir);
    m->fd = mkstemp(path);
    if (m->fd < 0)
        return TS_FORM_MALFORMED;
    m->path = path;
    struct ts_upload *u = ts_arena_zalloc(m->arena, sizeof *u);
    u->field = m->name;
    u->filename = m->filename;
    u->path = path;
    if (m->files_tail)
        m->files_tail->next = u;
    else
        m->files = u;
    m->files_tail = u;
    return TS_FORM_OK;
}

/* Append body bytes of the current part to its file or value. */
static enum ts_form_status part_data(struct ts_multipart *m, const char *p, size_t n)
{
    if (n == 0)
        return TS_FORM_OK;
    m->size += (int64_t)n;
    if (m->filename) {
        if ((size_t)m->size > m->lim->max_file)
            return TS_FORM_TOO_LARGE;
        while (n > 0) {
            ssize_t w = write(m->fd, p, n);
            if (w <= 0)
                return TS_FORM_MALFORMED;
            p += w;
            n -= (size_t)w;
        }
        return TS_FORM_OK;
    }
    if ((size_t)m->size > m->lim->max_value)
        return TS_FORM_TOO_LARGE;
    ts_buf_add(&m->value, p, n);
    return TS_FORM_OK;
}

/* The current part ended: store its value or close its file. */
static enum ts_form_status end_part(struct ts_multipart *m)
{
    if (m->filename) {
        m->files_tail->size = m->size;
        close(m->fd);
        m->fd = -1;
        return TS_FORM_OK;
    }
    if (memchr(m->value.data ? m->value.data : "", '\0', m->value.len) ||
        !ts_form_utf8_valid(m->value.data ? m->value.data : "", m->value.len))
        return TS_FORM_MALFORMED;
    char *v = ts_arena_memdup0(m->arena, m->value.data ? m->value.data : "", m->value.len);
    ts_form_kv_add(m->arena, &m->fields, m->name, v, m->value.len);
    return TS_FORM_OK;
}

/* PREAMBLE or BODY: look for the next delimiter.  Body bytes before it go
 * to the part; without one, all but the last dlen-1 bytes (which may be
 * the start of a delimiter) are passed on.  Returns true to step again. */
static bool step_to_delimiter(struct ts_multipart *m, enum ts_form_status *st)
{
    struct ts_buf *b = &m->pending;
    char *hit = memmem(b->data, b->len, m->delim, m->dlen);
    if (!hit) {
        size_t keep = m->dlen - 1;
        if (b->len > keep) {
            if (m->state == BODY)
                *st = part_data(m, b->data, b->len - keep);
            consume(m, b->len - keep);
        }
        return false;
    }
    if (m->state == BODY) {
        *st = part_data(m, b->data, (size_t)(hit - b->data));
        if (*st == TS_FORM_OK)
            *st = end_part(m);
    }
    consume(m, (size_t)(hit - b->data) + m->dlen);
    m->state = AFTER_DELIM;
    return *st == TS_FORM_OK;
}

/* AFTER_DELIM: "--" ends the body, CRLF starts the next part's headers. */
static bool step_after_delimiter(struct ts_multipart *m, enum ts_form_status *st)
{
    struct ts_buf *b = &m->pending;
    if (b->len < 2)
        return false;
    if (memcmp(b->data, "--", 2) == 0) {
        m->state = DONE;
        b->len = 0;
        return false;
    }
    if (memcmp(b->data, "\r\n", 2) != 0) {
        *st = TS_FORM_MALFORMED;
        return false;
    }
    consume(m, 2);
    m->state = HEADERS;
    return true;
}

/* HEADERS: wait for the blank line, within max_header, then start the
 * part. */
static bool step_headers(struct ts_multipart *m, enum ts_form_status *st)
{
    struct ts_buf *b = &m->pending;
    char *hit = memmem(b->data, b->len, "\r\n\r\n", 4);
    if (!hit) {
        /* Up to 3 bytes of the blank line may already be here: a block
         * of exactly max_header may not fail for where a chunk ends. */
        if (b->len > m->lim->max_header + 3)
            *st = TS_FORM_TOO_LARGE;
        return false;
    }
    if ((size_t)(hit - b->data) > m->lim->max_header) {
        *st = TS_FORM_TOO_LARGE;
        return false;
    }
    *st = start_part(m, b->data, (size_t)(hit - b->data));
    consume(m, (size_t)(hit - b->data) + 4);
    m->state = BODY;
    return *st == TS_FORM_OK;
}

/* One step of the state machine over the pending bytes.  Returns false when
 * it needs more input (or failed: *st says). */
static bool step(struct ts_multipart *m, enum ts_form_status *st)
{
    switch (m->state) {
    case PREAMBLE:
    case BODY:
        return step_to_delimiter(m, st);
    case AFTER_DELIM:
        return step_after_delimiter(m, st);
    case HEADERS:
        return step_headers(m, st);
    case DONE:
        m->pending.len = 0;
        return false;
    }
    return false;
}

/* Feed the next chunk of the body.  The first failure is final: every later
 * feed and finish return it again and nothing more is parsed, since a part
 * refused half-way has no file or value to write to. */
enum ts_form_status ts_multipart_feed(struct ts_multipart *m, const char *data, size_t len)
{
    enum ts_form_status st = TS_FORM_OK;
    if (m->status != TS_FORM_OK)
        return m->status;
    m->total += len;
    if (m->total > m->lim->max_total)
        return m->status = TS_FORM_TOO_LARGE;
    if (m->state == DONE)
        return TS_FORM_OK;
    ts_buf_add(&m->pending, data, len);
    while (st == TS_FORM_OK && step(m, &st))
        ;
    return m->status = st;
}

/* The body ended: it must have ended with the closing delimiter, and no
 * feed may have failed. */
enum ts_form_status ts_multipart_finish(struct ts_multipart *m, struct ts_kvlist *fields,
                                        struct ts_upload **files)
{
    if (m->status != TS_FORM_OK)
        return m->status;
    if (m->state != DONE)
        return TS_FORM_MALFORMED;
    *fields = m->fields;
    *files = m->files;
    return TS_FORM_OK;
}

/* Close and remove every temp file, free the buffers.  Safe to call in any
 * state; the request's cleanup path always calls it. */
void ts_multipart_cleanup(struct ts_multipart *m)
{
    if (!m)
        return;
    if (m->fd >= 0)
        close(m->fd);
    m->fd = -1;
    for (struct ts_upload *u = m->files; u; u = u->next)
        unlink(u->path);
    m->files = m->files_tail = NULL; /* a second call must not unlink a reused name */
    ts_buf_free(&m->pending);
    ts_buf_free(&m->value);
}
