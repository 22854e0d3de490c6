/* ts_buf — a growing byte string (response bodies, assembled values).
 * Backed by ts_xrealloc; the owner calls ts_buf_free once. */
#ifndef TS_BUF_H
#define TS_BUF_H

#include <stddef.h>

struct ts_buf {
    char *data;
    size_t len;
    size_t cap;
};

void ts_buf_add(struct ts_buf *b, const void *p, size_t n);
void ts_buf_adds(struct ts_buf *b, const char *s);
void ts_buf_addc(struct ts_buf *b, char c);
void ts_buf_printf(struct ts_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as XML character data or an attribute value: & < > " ' escaped (the
 * caller has kept control characters out). */
void ts_buf_add_xml(struct ts_buf *b, const char *s);
const char *ts_buf_cstr(struct ts_buf *b);
void ts_buf_reset(struct ts_buf *b);
void ts_buf_free(struct ts_buf *b);

#endif
