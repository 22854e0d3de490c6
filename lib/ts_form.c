#include "ts_form.h"
#include "ts_arena.h"

#include <string.h>

const struct ts_form_limits ts_form_default_limits = {
    .max_total = 1024 * 1024,
    .max_fields = 2000,
    .max_name = 128,
    .max_value = 256 * 1024,
};

const struct ts_form_limits ts_form_cookie_limits = {
    .max_total = 8192,
    .max_fields = 50,
    .max_name = 64,
    .max_value = 4096,
};

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Browsers send UTF-8 for our pages (meta charset); anything else is not a
 * browser and is refused rather than stored as mojibake. */
bool ts_form_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned min, cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

/* Decode one %-escaped, '+'-for-space component into the arena.  Returns
 * NULL (and sets *st) when it is malformed or longer than max decoded bytes. */
static char *decode(struct ts_arena *a, const char *s, size_t len, size_t max, size_t *out_len,
                    enum ts_form_status *st)
{
    char *d = ts_arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = len - i < 3 ? -1 : hexval((unsigned char)s[i + 1]);
            int lo = len - i < 3 ? -1 : hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) {
                *st = TS_FORM_MALFORMED;
                return NULL;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') {
            *st = TS_FORM_MALFORMED;
            return NULL;
        }
        d[n++] = (char)c;
    }
    d[n] = '\0';
    if (n > max) {
        *st = TS_FORM_TOO_LARGE;
        return NULL;
    }
    if (!ts_form_utf8_valid(d, n)) {
        *st = TS_FORM_MALFORMED;
        return NULL;
    }
    *out_len = n;
    return d;
}

/* Append a pair to a list (arena memory; the strings are not copied). */
void ts_form_kv_add(struct ts_arena *a, struct ts_kvlist *l, const char *name, const char *value,
                    size_t value_len)
{
    struct ts_kv *kv = ts_arena_alloc(a, sizeof *kv);
    kv->name = name;
    kv->value = value;
    kv->value_len = value_len;
    kv->next = NULL;
    if (l->tail)
        l->tail->next = kv;
    else
        l->head = kv;
    l->tail = kv;
    l->count++;
}

/* Decode one "name=value" piece and add it; an empty piece is skipped, as
 * browsers may send "a=1&&b=2". */
static enum ts_form_status add_pair(struct ts_arena *a, const char *p, size_t n,
                                    const struct ts_form_limits *lim, struct ts_kvlist *out)
{
    enum ts_form_status st = TS_FORM_OK;
    if (n == 0)
        return TS_FORM_OK;
    if (out->count >= lim->max_fields)
        return TS_FORM_TOO_LARGE;
    const char *eq = memchr(p, '=', n);
    size_t nlen = eq ? (size_t)(eq - p) : n;
    size_t name_len, value_len = 0;
    char *name = decode(a, p, nlen, lim->max_name, &name_len, &st);
    if (!name)
        return st;
    if (name_len == 0)
        return TS_FORM_MALFORMED;
    char *value = eq ? decode(a, eq + 1, n - nlen - 1, lim->max_value, &value_len, &st)
                     : ts_arena_strdup(a, "");
    if (!value)
        return st;
    ts_form_kv_add(a, out, name, value, value_len);
    return TS_FORM_OK;
}

/* application/x-www-form-urlencoded, and query strings (same grammar). */
enum ts_form_status ts_form_parse_urlencoded(struct ts_arena *a, const char *data, size_t len,
                                             const struct ts_form_limits *lim,
                                             struct ts_kvlist *out)
{
    if (len > lim->max_total)
        return TS_FORM_TOO_LARGE;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        enum ts_form_status st = add_pair(a, p, (size_t)(stop - p), lim, out);
        if (st != TS_FORM_OK)
            return st;
        p = stop + (amp ? 1 : 0);
    }
    return TS_FORM_OK;
}

static bool is_cookie_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Is p..vend (with its '=' at eq) a cookie we can use: a non-empty name
 * without blanks, printable ASCII throughout? */
static bool cookie_pair_ok(const char *p, const char *eq, const char *vend)
{
    if (!eq || eq == p)
        return false;
    for (const char *q = p; q < vend; q++) {
        unsigned char ch = (unsigned char)*q;
        if ((ch < 0x21 || ch > 0x7E) && (!is_cookie_space(*q) || q < eq))
            return false;
    }
    return true;
}

/* The Cookie header: "a=1; b=2".  Cookie values are taken verbatim (we only
 * ever set hex tokens and check them where they are used).  A pair that is
 * not name=value in printable ASCII is skipped, not fatal: any script or
 * other application on the host can set such a cookie, and it must not
 * lock users out.  Limits stay hard (413), and a NUL byte refuses the
 * header (400). */
enum ts_form_status ts_form_parse_cookies(struct ts_arena *a, const char *header, size_t len,
                                          const struct ts_form_limits *lim, struct ts_kvlist *out)
{
    if (len > lim->max_total)
        return TS_FORM_TOO_LARGE;
    if (memchr(header, '\0', len))
        return TS_FORM_MALFORMED;
    const char *p = header, *end = header + len;
    while (p < end) {
        while (p < end && (is_cookie_space(*p) || *p == ';'))
            p++;
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (p == stop)
            break;
        const char *vend = stop;
        while (eq && vend > eq + 1 && is_cookie_space(vend[-1]))
            vend--;
        size_t nlen = (size_t)((eq ? eq : stop) - p), vlen = eq ? (size_t)(vend - eq - 1) : 0;
        if (nlen > lim->max_name || vlen > lim->max_value)
            return TS_FORM_TOO_LARGE;
        if (cookie_pair_ok(p, eq, vend)) {
            if (out->count >= lim->max_fields)
                return TS_FORM_TOO_LARGE;
            ts_form_kv_add(a, out, ts_arena_memdup0(a, p, nlen),
                           ts_arena_memdup0(a, eq + 1, vlen), vlen);
        }
        p = stop;
    }
    return TS_FORM_OK;
}

/* Percent-encode a value for a query string: everything but the
 * unreserved characters and '/' (used for ?next= paths). */
char *ts_form_encode(struct ts_arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = ts_arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The first value of a name, or NULL. */
const char *ts_form_get(const struct ts_kvlist *l, const char *name)
{
    for (const struct ts_kv *kv = l->head; kv; kv = kv->next)
        if (strcmp(kv->name, name) == 0)
            return kv->value;
    return NULL;
}

size_t ts_form_count(const struct ts_kvlist *l, const char *name)
{
    size_t n = 0;
    for (const struct ts_kv *kv = l->head; kv; kv = kv->next)
        n += strcmp(kv->name, name) == 0;
    return n;
}
