#include "ts_buf.h"
#include "ts_alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make room for n more bytes plus a terminating NUL. */
static void grow(struct ts_buf *b, size_t n)
{
    if (b->cap - b->len > n)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= n)
        cap *= 2;
    b->data = ts_xrealloc(b->data, cap);
    b->cap = cap;
}

void ts_buf_add(struct ts_buf *b, const void *p, size_t n)
{
    grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ts_buf_adds(struct ts_buf *b, const char *s)
{
    ts_buf_add(b, s, strlen(s));
}

void ts_buf_addc(struct ts_buf *b, char c)
{
    ts_buf_add(b, &c, 1);
}

/* Append formatted text: for numbers and names, never SQL or HTML. */
void ts_buf_printf(struct ts_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if ((size_t)n < sizeof small) {
        ts_buf_add(b, small, (size_t)n);
        return;
    }
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The contents as a C string; an empty buffer gives "". */
const char *ts_buf_cstr(struct ts_buf *b)
{
    grow(b, 0);
    b->data[b->len] = '\0';
    return b->data;
}

void ts_buf_reset(struct ts_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ts_buf_free(struct ts_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* One escaper for every XML the portal writes (报关单 XML, the package
 * manifest), so none of them forgets a special. */
void ts_buf_add_xml(struct ts_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            ts_buf_adds(b, "&amp;");
            break;
        case '<':
            ts_buf_adds(b, "&lt;");
            break;
        case '>':
            ts_buf_adds(b, "&gt;");
            break;
        case '"':
            ts_buf_adds(b, "&quot;");
            break;
        case '\'':
            ts_buf_adds(b, "&apos;");
            break;
        default:
            ts_buf_addc(b, *s);
        }
    }
}
