/* libFuzzer target: ts_form_parse_cookies, the Cookie header of every
 * request.
 *
 * Input: byte 0 picks the limits (bit 0: tiny limits, else the cookie
 * defaults), the rest is the header value.  On success every cookie must
 * be printable ASCII, names without blanks, '=' or ';', values without ';'
 * or trailing blanks, all within the limits; and joining the cookies again
 * as a browser does ("a=1; b=2") must parse to the same list. */
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_form.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ts_form_limits tiny_limits = {
    .max_total = 128,
    .max_fields = 4,
    .max_name = 8,
    .max_value = 24,
};

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_cookies: invariant broken: %s\n", what);
        abort();
    }
}

static bool printable(unsigned char c)
{
    return c >= 0x21 && c <= 0x7E;
}

static void check_name(const char *s, const struct ts_form_limits *lim)
{
    size_t n = strlen(s);
    check(n > 0 && n <= lim->max_name, "0 < name length <= max_name");
    for (size_t i = 0; i < n; i++)
        check(printable((unsigned char)s[i]) && s[i] != '=' && s[i] != ';',
              "name is printable ASCII without '=' or ';'");
}

static void check_value(const char *s, size_t n, const struct ts_form_limits *lim)
{
    check(strlen(s) == n, "value holds no NUL");
    check(n <= lim->max_value, "value length <= max_value");
    for (size_t i = 0; i < n; i++)
        check((printable((unsigned char)s[i]) || s[i] == ' ' || s[i] == '\t') && s[i] != ';',
              "value is printable ASCII or blanks, without ';'");
    check(n == 0 || (s[n - 1] != ' ' && s[n - 1] != '\t'), "value has no trailing blank");
}

/* Join the cookies as a browser does and parse again: same list. */
static void check_roundtrip(struct ts_arena *a, const struct ts_kvlist *l,
                            const struct ts_form_limits *lim)
{
    struct ts_form_limits relaxed = *lim;
    struct ts_buf b = {0};
    struct ts_kvlist again = {0};
    relaxed.max_total = SIZE_MAX;
    for (const struct ts_kv *kv = l->head; kv; kv = kv->next)
        ts_buf_printf(&b, "%s%s=%s", kv == l->head ? "" : "; ", kv->name, kv->value);
    enum ts_form_status st =
        ts_form_parse_cookies(a, b.data ? b.data : "", b.len, &relaxed, &again);
    check(st == TS_FORM_OK, "joined cookies parse");
    check(again.count == l->count, "round trip keeps the count");
    for (const struct ts_kv *x = l->head, *y = again.head; x; x = x->next, y = y->next) {
        check(strcmp(x->name, y->name) == 0, "round trip keeps names");
        check(x->value_len == y->value_len && strcmp(x->value, y->value) == 0,
              "round trip keeps values");
    }
    ts_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const struct ts_form_limits *lim = data[0] & 1 ? &tiny_limits : &ts_form_cookie_limits;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_kvlist l = {0};
    enum ts_form_status st = ts_form_parse_cookies(a, (const char *)data + 1, size - 1, lim, &l);
    check(st == TS_FORM_OK || st == TS_FORM_TOO_LARGE || st == TS_FORM_MALFORMED,
          "status is one of the three");
    if (st == TS_FORM_OK) {
        size_t n = 0;
        check(size - 1 <= lim->max_total, "input within max_total");
        check(l.count <= lim->max_fields, "count <= max_fields");
        for (const struct ts_kv *kv = l.head; kv; kv = kv->next, n++) {
            check_name(kv->name, lim);
            check_value(kv->value, kv->value_len, lim);
        }
        check(n == l.count, "count matches the list");
        check_roundtrip(a, &l, lim);
    }
    ts_arena_free(a);
    return 0;
}
