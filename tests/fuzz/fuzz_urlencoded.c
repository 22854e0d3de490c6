/* libFuzzer target: ts_form_parse_urlencoded, the decoder of every query
 * string and urlencoded POST body.
 *
 * Input: byte 0 picks the limits (bit 0: tiny limits that the fuzzer can
 * reach, else the defaults), the rest is the body.  On success every pair
 * must keep the promises of ts_form.h (valid UTF-8, no NUL, within the
 * limits), and re-encoding the pairs as a browser would and parsing again
 * must give the same list.  A broken invariant aborts. */
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_form.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ts_form_limits tiny_limits = {
    .max_total = 256,
    .max_fields = 4,
    .max_name = 8,
    .max_value = 24,
};

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_urlencoded: invariant broken: %s\n", what);
        abort();
    }
}

/* Percent-encode n bytes as a browser does: unreserved characters kept,
 * space as '+', everything else %XX. */
static void encode(struct ts_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c) != NULL) {
            ts_buf_addc(b, (char)c);
        } else if (c == ' ') {
            ts_buf_addc(b, '+');
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            ts_buf_add(b, e, 3);
        }
    }
}

/* Every decoded pair is what ts_form.h promises, within the limits. */
static void check_list(const struct ts_kvlist *l, const struct ts_form_limits *lim)
{
    size_t n = 0;
    check(l->count <= lim->max_fields, "count <= max_fields");
    for (const struct ts_kv *kv = l->head; kv; kv = kv->next, n++) {
        size_t nlen = strlen(kv->name);
        check(nlen > 0 && nlen <= lim->max_name, "0 < name length <= max_name");
        check(ts_form_utf8_valid(kv->name, nlen), "name is UTF-8");
        check(strlen(kv->value) == kv->value_len, "value holds no NUL");
        check(kv->value_len <= lim->max_value, "value length <= max_value");
        check(ts_form_utf8_valid(kv->value, kv->value_len), "value is UTF-8");
        check(kv->next != NULL || kv == l->tail, "tail is the last pair");
    }
    check(n == l->count, "count matches the list");
}

/* Encode the pairs again and parse them: the same list must come back. */
static void check_roundtrip(struct ts_arena *a, const struct ts_kvlist *l,
                            const struct ts_form_limits *lim)
{
    struct ts_form_limits relaxed = *lim;
    struct ts_buf b = {0};
    struct ts_kvlist again = {0};
    relaxed.max_total = SIZE_MAX;
    for (const struct ts_kv *kv = l->head; kv; kv = kv->next) {
        if (kv != l->head)
            ts_buf_addc(&b, '&');
        encode(&b, kv->name, strlen(kv->name));
        ts_buf_addc(&b, '=');
        encode(&b, kv->value, kv->value_len);
    }
    enum ts_form_status st =
        ts_form_parse_urlencoded(a, b.data ? b.data : "", b.len, &relaxed, &again);
    check(st == TS_FORM_OK, "re-encoded pairs parse");
    check(again.count == l->count, "round trip keeps the count");
    for (const struct ts_kv *x = l->head, *y = again.head; x; x = x->next, y = y->next) {
        check(strcmp(x->name, y->name) == 0, "round trip keeps names");
        check(x->value_len == y->value_len && memcmp(x->value, y->value, x->value_len) == 0,
              "round trip keeps values");
    }
    ts_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const struct ts_form_limits *lim = data[0] & 1 ? &tiny_limits : &ts_form_default_limits;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_kvlist l = {0};
    enum ts_form_status st = ts_form_parse_urlencoded(a, (const char *)data + 1, size - 1, lim, &l);
    check(st == TS_FORM_OK || st == TS_FORM_TOO_LARGE || st == TS_FORM_MALFORMED,
          "status is one of the three");
    check(st != TS_FORM_OK || size - 1 <= lim->max_total, "input within max_total");
    if (st == TS_FORM_OK) {
        check_list(&l, lim);
        check_roundtrip(a, &l, lim);
    }
    ts_arena_free(a);
    return 0;
}
