#include "ts_arena.h"
#include "ts_alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A block of arena memory; blocks form a singly linked list, newest first. */
struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

struct ts_arena {
    struct block *head;
    size_t block_size;
    size_t total;
};

#define ALIGN_UP(n) (((n) + (_Alignof(max_align_t) - 1)) & ~(_Alignof(max_align_t) - 1))

static struct block *block_new(size_t size)
{
    struct block *b = ts_xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

/* Create an arena whose blocks are block_size bytes; larger requests get a
 * block of their own. */
struct ts_arena *ts_arena_new(size_t block_size)
{
    struct ts_arena *a = ts_xmalloc(sizeof *a);
    a->block_size = block_size ? block_size : 16384;
    a->head = block_new(a->block_size);
    a->total = 0;
    return a;
}

/* Bump-allocate n bytes, aligned for any type. */
void *ts_arena_alloc(struct ts_arena *a, size_t n)
{
    size_t need = ALIGN_UP(n ? n : 1);
    struct block *b = a->head;
    if (b->size - b->used < need) {
        size_t size = need > a->block_size ? need : a->block_size;
        b = block_new(size);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *ts_arena_zalloc(struct ts_arena *a, size_t n)
{
    return memset(ts_arena_alloc(a, n), 0, n);
}

char *ts_arena_memdup0(struct ts_arena *a, const void *p, size_t n)
{
    char *s = ts_arena_alloc(a, n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

char *ts_arena_strdup(struct ts_arena *a, const char *s)
{
    return ts_arena_memdup0(a, s, strlen(s));
}

char *ts_arena_strndup(struct ts_arena *a, const char *s, size_t n)
{
    return ts_arena_memdup0(a, s, strnlen(s, n));
}

/* Formatted string in the arena; for names and numbers, never for SQL or
 * HTML (make lint rejects those). */
char *ts_arena_printf(struct ts_arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ts_arena_strdup(a, "");
    if ((size_t)n < sizeof small)
        return ts_arena_memdup0(a, small, (size_t)n);
    char *s = ts_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Release everything but the first block, which the next request reuses.
 * Every byte handed out is wiped first: request memory held passwords and
 * session tokens, and must not linger in a reused or freed block. */
void ts_arena_reset(struct ts_arena *a)
{
    struct block *b = a->head;
    while (b->next) {
        struct block *next = b->next;
        explicit_bzero(b->data, b->used);
        free(b);
        b = next;
    }
    explicit_bzero(b->data, b->used);
    b->used = 0;
    a->head = b;
    a->total = 0;
}

void ts_arena_free(struct ts_arena *a)
{
    if (!a)
        return;
    ts_arena_reset(a);
    free(a->head);
    free(a);
}

size_t ts_arena_used(const struct ts_arena *a)
{
    return a->total;
}
