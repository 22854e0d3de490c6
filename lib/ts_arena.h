/* ts_arena — the per-request memory pool.
 *
 * Every allocation a request makes comes from its arena and is released at
 * once when the request ends (ts_arena_reset), as nginx's ngx_pool does.
 * Handlers never free anything, so they cannot leak or free twice. */
#ifndef TS_ARENA_H
#define TS_ARENA_H

#include <stddef.h>

struct ts_arena;

struct ts_arena *ts_arena_new(size_t block_size);
void *ts_arena_alloc(struct ts_arena *a, size_t n);
void *ts_arena_zalloc(struct ts_arena *a, size_t n);
char *ts_arena_strdup(struct ts_arena *a, const char *s);
char *ts_arena_strndup(struct ts_arena *a, const char *s, size_t n);
char *ts_arena_memdup0(struct ts_arena *a, const void *p, size_t n);
char *ts_arena_printf(struct ts_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ts_arena_reset(struct ts_arena *a);
void ts_arena_free(struct ts_arena *a);
size_t ts_arena_used(const struct ts_arena *a);

#endif
