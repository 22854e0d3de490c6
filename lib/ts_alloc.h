/* ts_alloc — long-lived memory that aborts with a logged reason on failure.
 *
 * Request memory comes from the request arena (ts_arena.h); this is only for
 * what outlives a request (connection state, caches, the arena blocks
 * themselves).  Out of memory is not a condition a handler can recover from,
 * so these never return NULL. */
#ifndef TS_ALLOC_H
#define TS_ALLOC_H

#include <stddef.h>

void *ts_xmalloc(size_t n);
void *ts_xcalloc(size_t count, size_t size);
void *ts_xrealloc(void *p, size_t n);
char *ts_xstrdup(const char *s);

#endif
