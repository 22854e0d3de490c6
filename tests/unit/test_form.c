/* Unit tests for ts_form: urlencoded bodies and query strings as Chrome and
 * Firefox send them, the Cookie header, strict UTF-8, and every limit at
 * exactly the limit and one byte (or one field) over it. */
#include "ts_arena.h"
#include "ts_form.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* 退税 (export tax rebate), as a browser percent-encodes it. */
#define TUISHUI_PCT  "%E9%80%80%E7%A8%8E"
#define TUISHUI_UTF8 "\xE9\x80\x80\xE7\xA8\x8E"

static const struct ts_form_limits small_limits = {
    .max_total = 64,
    .max_fields = 3,
    .max_name = 8,
    .max_value = 16,
};

/* Each test gets a fresh request arena, as a request would. */
static int arena_setup(void **state)
{
    *state = ts_arena_new(0);
    return 0;
}

static int arena_teardown(void **state)
{
    ts_arena_free(*state);
    return 0;
}

static enum ts_form_status parse(void **state, const char *s, const struct ts_form_limits *lim,
                                 struct ts_kvlist *out)
{
    memset(out, 0, sizeof *out);
    return ts_form_parse_urlencoded(*state, s, strlen(s), lim, out);
}

static enum ts_form_status parse_cookies(void **state, const char *s,
                                         const struct ts_form_limits *lim, struct ts_kvlist *out)
{
    memset(out, 0, sizeof *out);
    return ts_form_parse_cookies(*state, s, strlen(s), lim, out);
}

/* n copies of c, NUL-terminated, in the arena. */
static char *repeat(void **state, char c, size_t n)
{
    char *s = ts_arena_alloc(*state, n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* "k=v&k=v&..." with n pairs, for the field-count limits. */
static char *many_pairs(void **state, size_t n)
{
    char *s = ts_arena_alloc(*state, 4 * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 4 * i, "k=v&", 4);
    s[n ? 4 * n - 1 : 0] = '\0';
    return s;
}

static void assert_status(enum ts_form_status got, enum ts_form_status want)
{
    assert_int_equal(got, want);
}

/* ---- urlencoded: what browsers send ---- */

/* A Chrome POST of the declaration form: Chinese text, '+' for space,
 * a checkbox group sent as repeated names, an empty field. */
static void test_chrome_declaration_body(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state,
                        "company=" TUISHUI_PCT "%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8"
                        "&amount=1234.50&note=hello+world+%2B1&goods=8471&goods=8517"
                        "&goods=9013&remark=",
                        &ts_form_default_limits, &l),
                  TS_FORM_OK);
    assert_int_equal(l.count, 7);
    assert_string_equal(ts_form_get(&l, "company"), TUISHUI_UTF8 "有限公司");
    assert_string_equal(ts_form_get(&l, "amount"), "1234.50");
    assert_string_equal(ts_form_get(&l, "note"), "hello world +1");
    assert_int_equal(ts_form_count(&l, "goods"), 3);
    assert_string_equal(ts_form_get(&l, "goods"), "8471");
    assert_string_equal(l.head->next->next->next->next->value, "8517");
    assert_string_equal(l.tail->name, "remark");
    assert_string_equal(l.tail->value, "");
    assert_int_equal(l.tail->value_len, 0);
    assert_null(ts_form_get(&l, "missing"));
    assert_int_equal(ts_form_count(&l, "missing"), 0);
}

/* Lower-case hex and escaped reserved characters decode the same. */
static void test_escapes_and_case(void **state)
{
    struct ts_kvlist l;
    assert_status(
        parse(state, "q=%e9%80%80%E7%a8%8e&eq=a%3Db%26c&pct=100%25", &ts_form_default_limits, &l),
        TS_FORM_OK);
    assert_string_equal(ts_form_get(&l, "q"), TUISHUI_UTF8);
    assert_string_equal(ts_form_get(&l, "eq"), "a=b&c");
    assert_string_equal(ts_form_get(&l, "pct"), "100%");
    assert_int_equal(l.head->value_len, 6);
}

/* Raw (unescaped) UTF-8 in a query string, as typed into the address bar. */
static void test_raw_utf8_accepted(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "q=" TUISHUI_UTF8, &ts_form_default_limits, &l), TS_FORM_OK);
    assert_string_equal(ts_form_get(&l, "q"), TUISHUI_UTF8);
}

/* Empty pieces ("a=1&&b=2&") are skipped; a bare name has an empty value;
 * only the first '=' separates. */
static void test_empty_pieces_and_bare_names(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "&a=1&&b=2&flag&c=x=y&", &ts_form_default_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 4);
    assert_string_equal(ts_form_get(&l, "a"), "1");
    assert_string_equal(ts_form_get(&l, "flag"), "");
    assert_string_equal(ts_form_get(&l, "c"), "x=y");
    assert_status(parse(state, "", &ts_form_default_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 0);
    assert_null(l.head);
}

/* A query string and a body parsed into one list: the field limit counts
 * both. */
static void test_append_to_list(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "a=1&b=2", &small_limits, &l), TS_FORM_OK);
    assert_status(ts_form_parse_urlencoded(*state, "c=3", 3, &small_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.tail->value, "3");
    assert_status(ts_form_parse_urlencoded(*state, "d=4", 3, &small_limits, &l), TS_FORM_TOO_LARGE);
}

/* ---- urlencoded: limits ---- */

static void test_limit_total(void **state)
{
    struct ts_kvlist l;
    char *s = repeat(state, 'x', 64);
    s[0] = 'a', s[1] = '=';
    assert_status(parse(state, s, &(struct ts_form_limits){64, 3, 8, 64}, &l), TS_FORM_OK);
    s = repeat(state, 'x', 65);
    s[0] = 'a', s[1] = '=';
    assert_status(parse(state, s, &(struct ts_form_limits){64, 3, 8, 64}, &l), TS_FORM_TOO_LARGE);
}

static void test_limit_fields(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "a=1&b=2&c=3", &small_limits, &l), TS_FORM_OK);
    assert_status(parse(state, "a=1&b=2&c=3&d=4", &small_limits, &l), TS_FORM_TOO_LARGE);
    /* Empty pieces are not fields. */
    assert_status(parse(state, "a=1&&&b=2&&c=3&&&", &small_limits, &l), TS_FORM_OK);
    /* The default: 2000 fields. */
    assert_status(parse(state, many_pairs(state, 2000), &ts_form_default_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 2000);
    assert_status(parse(state, many_pairs(state, 2001), &ts_form_default_limits, &l),
                  TS_FORM_TOO_LARGE);
}

/* Name limits count decoded bytes, not the escaped form. */
static void test_limit_name(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "abcdefgh=1", &small_limits, &l), TS_FORM_OK);
    assert_status(parse(state, "abcdefghi=1", &small_limits, &l), TS_FORM_TOO_LARGE);
    assert_status(parse(state, "%61%62%63%64%65%66%67%68=1", &small_limits, &l), TS_FORM_OK);
    assert_status(parse(state, TUISHUI_PCT "ab=1", &small_limits, &l), TS_FORM_OK);
    assert_status(parse(state, TUISHUI_PCT "abc=1", &small_limits, &l), TS_FORM_TOO_LARGE);
    /* Bare names (no '=') are held to the same limit. */
    assert_status(parse(state, "abcdefghi", &small_limits, &l), TS_FORM_TOO_LARGE);
}

static void test_limit_value(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "v=0123456789abcdef", &small_limits, &l), TS_FORM_OK);
    assert_int_equal(l.head->value_len, 16);
    assert_status(parse(state, "v=0123456789abcdefg", &small_limits, &l), TS_FORM_TOO_LARGE);
    /* 16 decoded bytes from 48 escaped ones. */
    assert_status(parse(state, "v=" TUISHUI_PCT TUISHUI_PCT "%41%42%43%44", &small_limits, &l),
                  TS_FORM_OK);
    assert_status(parse(state, "v=" TUISHUI_PCT TUISHUI_PCT "%41%42%43%44%45", &small_limits, &l),
                  TS_FORM_TOO_LARGE);
}

static void test_limit_value_default(void **state)
{
    struct ts_kvlist l;
    char *s = repeat(state, '+', 2 + 256 * 1024);
    s[0] = 'v', s[1] = '=';
    assert_status(parse(state, s, &ts_form_default_limits, &l), TS_FORM_OK);
    assert_int_equal(l.head->value_len, 256 * 1024);
    s = repeat(state, '+', 3 + 256 * 1024);
    s[0] = 'v', s[1] = '=';
    assert_status(parse(state, s, &ts_form_default_limits, &l), TS_FORM_TOO_LARGE);
}

/* ---- urlencoded: malformed ---- */

static void test_bad_escapes(void **state)
{
    static const char *const bad[] = {
        "a=%G1", "a=%1G", "a=%", "a=%4", "a=1%", "a=%%41", "a=% 1", "%G1=x", "a%=1", "a=%-1",
    };
    struct ts_kvlist l;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(state, bad[i], &ts_form_default_limits, &l) != TS_FORM_MALFORMED)
            fail_msg("not refused: %s", bad[i]);
    }
}

/* NUL may not reach a value: neither %00 nor a raw NUL byte. */
static void test_nul_refused(void **state)
{
    struct ts_kvlist l = {0};
    assert_status(parse(state, "a=%00", &ts_form_default_limits, &l), TS_FORM_MALFORMED);
    assert_status(parse(state, "a%00b=1", &ts_form_default_limits, &l), TS_FORM_MALFORMED);
    memset(&l, 0, sizeof l);
    assert_status(ts_form_parse_urlencoded(*state, "a=1\0b", 5, &ts_form_default_limits, &l),
                  TS_FORM_MALFORMED);
}

static void test_invalid_utf8_refused(void **state)
{
    static const char *const bad[] = {
        "a=%C0%AF",          /* overlong '/' */
        "a=%E0%80%AF",       /* overlong, 3 bytes */
        "a=%F0%80%80%AF",    /* overlong, 4 bytes */
        "a=%ED%A0%80",       /* surrogate U+D800 */
        "a=%ED%BF%BF",       /* surrogate U+DFFF */
        "a=%E9%80",          /* truncated */
        "a=%E9",             /* truncated */
        "a=%E9%80x",         /* truncated, then ASCII */
        "a=%80",             /* lone continuation */
        "a=%F4%90%80%80",    /* above U+10FFFF */
        "a=%FF",             /* never valid */
        "a=%F8%88%80%80%80", /* 5-byte form */
        "%E9%80=1",          /* in a name */
        "a=\xC0\xAF",        /* raw, not escaped */
    };
    struct ts_kvlist l;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(state, bad[i], &ts_form_default_limits, &l) != TS_FORM_MALFORMED)
            fail_msg("not refused: %s", bad[i]);
    }
}

static void test_empty_name_refused(void **state)
{
    struct ts_kvlist l;
    assert_status(parse(state, "=x", &ts_form_default_limits, &l), TS_FORM_MALFORMED);
    assert_status(parse(state, "a=1&=x", &ts_form_default_limits, &l), TS_FORM_MALFORMED);
    assert_status(parse(state, "=", &ts_form_default_limits, &l), TS_FORM_MALFORMED);
}

/* ---- strict UTF-8 at the edges of each encoding length ---- */

static void test_utf8_edges(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"\x7F", true},
        {"\xC2\x80", true},          /* U+0080 */
        {"\xC1\xBF", false},         /* overlong U+007F */
        {"\xDF\xBF", true},          /* U+07FF */
        {"\xE0\x9F\xBF", false},     /* overlong U+07FF */
        {"\xE0\xA0\x80", true},      /* U+0800 */
        {"\xED\x9F\xBF", true},      /* U+D7FF */
        {"\xED\xA0\x80", false},     /* U+D800 */
        {"\xEE\x80\x80", true},      /* U+E000 */
        {"\xEF\xBF\xBF", true},      /* U+FFFF */
        {"\xF0\x8F\xBF\xBF", false}, /* overlong U+FFFF */
        {"\xF0\x90\x80\x80", true},  /* U+10000 */
        {"\xF4\x8F\xBF\xBF", true},  /* U+10FFFF */
        {"\xF4\x90\x80\x80", false}, /* U+110000 */
        {"\xF5\x80\x80\x80", false},
        {"\xFE", false},
        {"\xE7\xA8", false},
        {"\xE7\xA8\x0E", false}, /* continuation byte missing its top bit */
        {"\xF0\x90\x80", false},
        {TUISHUI_UTF8 "ok", true},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (ts_form_utf8_valid(cases[i].s, strlen(cases[i].s)) != cases[i].ok)
            fail_msg("case %zu judged wrongly", i);
    }
    assert_true(ts_form_utf8_valid("", 0));
    /* The length is honoured: a sequence cut by len is truncated. */
    assert_false(ts_form_utf8_valid(TUISHUI_UTF8, 5));
    assert_true(ts_form_utf8_valid(TUISHUI_UTF8, 3));
}

/* ---- Cookie header ---- */

static void test_cookies_browser(void **state)
{
    struct ts_kvlist l;
    assert_status(parse_cookies(state,
                                "ts_sid=9f86d081884c7d65; ts_csrf=2c26b46b68ffc68f; lang=zh-CN",
                                &ts_form_cookie_limits, &l),
                  TS_FORM_OK);
    assert_int_equal(l.count, 3);
    assert_string_equal(ts_form_get(&l, "ts_sid"), "9f86d081884c7d65");
    assert_string_equal(ts_form_get(&l, "ts_csrf"), "2c26b46b68ffc68f");
    assert_string_equal(ts_form_get(&l, "lang"), "zh-CN");
    assert_int_equal(l.tail->value_len, 5);
}

/* Spacing and separators browsers and proxies produce; values are taken
 * verbatim apart from trailing blanks. */
static void test_cookies_spacing(void **state)
{
    struct ts_kvlist l;
    assert_status(
        parse_cookies(state, " \ta=1;b=2 ;  ;c= x y \t; d=; e==v;", &ts_form_cookie_limits, &l),
        TS_FORM_OK);
    assert_int_equal(l.count, 5);
    assert_string_equal(ts_form_get(&l, "a"), "1");
    assert_string_equal(ts_form_get(&l, "b"), "2");
    assert_string_equal(ts_form_get(&l, "c"), " x y");
    assert_string_equal(ts_form_get(&l, "d"), "");
    assert_string_equal(ts_form_get(&l, "e"), "=v");
    assert_status(parse_cookies(state, "", &ts_form_cookie_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 0);
    assert_status(parse_cookies(state, " ; ;", &ts_form_cookie_limits, &l), TS_FORM_OK);
    assert_int_equal(l.count, 0);
}

/* Pairs that are not name=value in printable ASCII are skipped — a
 * script on the host can set them, and they must not lock users out — and
 * the good pairs around them are kept.  A NUL byte refuses the header. */
static void test_cookies_malformed(void **state)
{
    static const char *const bad[] = {
        "b",              /* missing '=' */
        "flag",           /* missing '=' */
        "=x",             /* empty name */
        "a b=1",          /* blank inside a name */
        "a\t=1",          /* blank ending a name */
        "z=\xE9\x80\x80", /* not ASCII */
        "z=1\x7F",        /* DEL */
        "z=\x01",         /* control */
        "z=1\r\nb=2",     /* header splitting */
    };
    struct ts_kvlist l;
    char header[64];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(header, sizeof header, "ts_sid=ab; %s; k=2", bad[i]);
        if (parse_cookies(state, header, &ts_form_cookie_limits, &l) != TS_FORM_OK)
            fail_msg("refused instead of skipped: %s", bad[i]);
        if (l.count != 2 || strcmp(ts_form_get(&l, "ts_sid"), "ab") != 0 ||
            strcmp(ts_form_get(&l, "k"), "2") != 0)
            fail_msg("bad pair not skipped cleanly: %s (%zu pairs)", bad[i], l.count);
    }
    memset(&l, 0, sizeof l);
    assert_status(ts_form_parse_cookies(*state, "a=1\0", 4, &ts_form_cookie_limits, &l),
                  TS_FORM_MALFORMED);
}

static void test_cookies_limits(void **state)
{
    struct ts_kvlist l;
    assert_status(parse_cookies(state, "abcdefgh=1", &small_limits, &l), TS_FORM_OK);
    assert_status(parse_cookies(state, "abcdefghi=1", &small_limits, &l), TS_FORM_TOO_LARGE);
    assert_status(parse_cookies(state, "a=0123456789abcdef", &small_limits, &l), TS_FORM_OK);
    assert_status(parse_cookies(state, "a=0123456789abcdefg", &small_limits, &l),
                  TS_FORM_TOO_LARGE);
    /* Trailing blanks are not part of the value. */
    assert_status(parse_cookies(state, "a=0123456789abcdef  ", &small_limits, &l), TS_FORM_OK);
    assert_status(parse_cookies(state, "a=1; b=2; c=3", &small_limits, &l), TS_FORM_OK);
    assert_status(parse_cookies(state, "a=1; b=2; c=3; d=4", &small_limits, &l), TS_FORM_TOO_LARGE);
    char *s = repeat(state, 'x', 64);
    memcpy(s, "a=1; b=", 7);
    assert_status(parse_cookies(state, s, &(struct ts_form_limits){64, 3, 8, 64}, &l), TS_FORM_OK);
    s = repeat(state, 'x', 65);
    memcpy(s, "a=1; b=", 7);
    assert_status(parse_cookies(state, s, &(struct ts_form_limits){64, 3, 8, 64}, &l),
                  TS_FORM_TOO_LARGE);
}

/* The real cookie limits: 50 cookies of 4096-byte values fit only under the
 * 8192-byte header limit. */
static void test_cookies_default_limits(void **state)
{
    struct ts_kvlist l;
    char *s = repeat(state, 'v', 8192);
    memcpy(s, "a=", 2);
    memcpy(s + 4098, "; b=", 4);
    assert_status(parse_cookies(state, s, &ts_form_cookie_limits, &l), TS_FORM_OK);
    assert_int_equal(l.head->value_len, 4096);
    assert_int_equal(l.tail->value_len, 8192 - 4102);
    s = repeat(state, 'v', 8193);
    assert_status(parse_cookies(state, s, &ts_form_cookie_limits, &l), TS_FORM_TOO_LARGE);
    s = repeat(state, 'v', 4099);
    memcpy(s, "a=", 2);
    assert_status(parse_cookies(state, s, &ts_form_cookie_limits, &l), TS_FORM_TOO_LARGE);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_chrome_declaration_body),
        T(test_escapes_and_case),
        T(test_raw_utf8_accepted),
        T(test_empty_pieces_and_bare_names),
        T(test_append_to_list),
        T(test_limit_total),
        T(test_limit_fields),
        T(test_limit_name),
        T(test_limit_value),
        T(test_limit_value_default),
        T(test_bad_escapes),
        T(test_nul_refused),
        T(test_invalid_utf8_refused),
        T(test_empty_name_refused),
        T(test_utf8_edges),
        T(test_cookies_browser),
        T(test_cookies_spacing),
        T(test_cookies_malformed),
        T(test_cookies_limits),
        T(test_cookies_default_limits),
    };
    return cmocka_run_group_tests_name("ts_form", tests, NULL, NULL);
}
