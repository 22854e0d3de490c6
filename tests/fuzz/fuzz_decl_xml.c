/* libFuzzer target: ts_cdecl_read_mem, the reader of the 报关单 XML files
 * customs uploads (cgi-bin/customs.c), then ts_cdecl_check and the writer.
 *
 * Invariants (abort when broken): the result is 0 with no message or -1
 * with one (the callback never stops here); every declaration handed over
 * has at most TS_CDECL_MAX_LINES lines and no NULL value; a declaration
 * that passes the checks, written out and read back, reads back as one
 * declaration with the same values and passes again. */
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_customs_decl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One written-and-read-back declaration, compared with the original. */
struct again {
    const struct ts_cdecl *want;
    size_t seen;
};

static void same_values(const struct ts_cdecl *a, const struct ts_cdecl *b)
{
    if (a->nlines != b->nlines)
        abort();
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        if (strcmp(a->head[i], b->head[i]) != 0)
            abort();
    for (size_t k = 0; k < a->nlines; k++)
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
            if (strcmp(a->lines[k].v[j], b->lines[k].v[j]) != 0)
                abort();
}

/* The read-back: checked again (so values take their stored form) and
 * compared. */
static int on_again(void *ud, struct ts_cdecl *d, size_t index)
{
    struct again *g = ud;
    struct ts_arena *a = ts_arena_new(0);
    g->seen++;
    if (!ts_cdecl_check(a, d))
        abort();
    same_values(g->want, d);
    ts_arena_free(a);
    return 0;
}

/* Every declaration of the input: invariants, then the round trip. */
static int on_decl(void *ud, struct ts_cdecl *d, size_t index)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *err;
    if (d->nlines > TS_CDECL_MAX_LINES)
        abort();
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        if (!d->head[i])
            abort();
    bool ok = ts_cdecl_check(a, d);
    if (ok) {
        struct ts_buf b = {0};
        struct again g = {d, 0};
        ts_cdecl_write_begin(&b);
        ts_cdecl_write(&b, d, "新增");
        ts_cdecl_write_end(&b);
        if (ts_cdecl_read_mem(a, b.data, b.len, on_again, &g, &err) != 0 || g.seen != 1)
            abort();
        ts_buf_free(&b);
    }
    ts_arena_free(a);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *err = NULL;
    int rc = ts_cdecl_read_mem(a, (const char *)data, size, on_decl, NULL, &err);
    if ((rc == 0) != (err == NULL) || (rc != 0 && rc != -1))
        abort();
    ts_arena_free(a);
    return 0;
}
