#include "ts_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One place that decides what running out of memory means: log and abort,
 * so a core dump shows where, and no caller needs a NULL check. */
static void out_of_memory(size_t n)
{
    fprintf(stderr, "tuishui: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ts_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *ts_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *ts_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *ts_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ts_xmalloc(n), s, n);
}
