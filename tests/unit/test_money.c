/* Unit tests of lib/ts_money: parsing, rounding, formatting and rate
 * arithmetic of int64 fen, at the edges of DECIMAL(18,2) and DECIMAL(9,6).
 * Expected products were computed independently with exact decimals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_money.h"

#define SENTINEL INT64_C(-777)

typedef bool (*parser)(const char *s, int64_t *out, const char **err);

/* An input and either the value it must give or a fragment of the message
 * it must be refused with. */
struct parse_case {
    const char *in;
    int64_t want;
    const char *err;
};

/* Run each case; on refusal the output must stay untouched. */
static void run_cases(parser fn, const struct parse_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t v = SENTINEL;
        const char *err = "unset";
        bool ok = fn(c[i].in, &v, &err);
        bool good = c[i].err == NULL ? ok && v == c[i].want && err == NULL
                                     : !ok && v == SENTINEL && err && strstr(err, c[i].err) != NULL;
        if (!good) {
            print_error("case %zu \"%s\": got %s %lld (%s)\n", i, c[i].in ? c[i].in : "(null)",
                        ok ? "ok" : "refused", (long long)v, err ? err : "no message");
            fail();
        }
    }
}

#define RUN_CASES(fn, cases) run_cases(fn, cases, sizeof(cases) / sizeof(cases[0]))

/* ---- parsing ---- */

static void test_parse_valid(void **state)
{
    static const struct parse_case cases[] = {
        {"0", 0, NULL},
        {"123", 12300, NULL},
        {"123.4", 12340, NULL},
        {"123.45", 12345, NULL},
        {"-5.00", -500, NULL},
        {"-0.05", -5, NULL},
        {"0.01", 1, NULL},
        {"-0", 0, NULL},
        {"-0.00", 0, NULL},
        {"007.10", 710, NULL}, /* leading zeros as spreadsheets export */
        {"1234567.89", 123456789, NULL},
        {"9999999999999999.99", TS_MONEY_MAX_FEN, NULL},
        {"-9999999999999999.99", -TS_MONEY_MAX_FEN, NULL},
        {"0000000000000000000000000000000001.00", 100, NULL},
    };
    (void)state;
    RUN_CASES(ts_money_parse, cases);
}

static void test_parse_invalid(void **state)
{
    static const struct parse_case cases[] = {
        {NULL, 0, "请填写"},
        {"", 0, "请填写"},
        {"1.234", 0, "两位小数"},
        {"0.001", 0, "两位小数"},
        {"1.230", 0, "两位小数"}, /* a third decimal is refused even if 0 */
        {"1,234.56", 0, "千位分隔符"},
        {"1,234", 0, "千位分隔符"},
        {" 1", 0, "空格"},
        {"1 ", 0, "空格"},
        {"1 000", 0, "空格"},
        {"\t1", 0, "空格"},
        {"+5", 0, "格式不正确"},
        {".5", 0, "格式不正确"},
        {"5.", 0, "格式不正确"},
        {"-", 0, "格式不正确"},
        {"--5", 0, "格式不正确"},
        {"5-", 0, "格式不正确"},
        {"1.2.3", 0, "格式不正确"},
        {"1e5", 0, "格式不正确"},
        {"0x10", 0, "格式不正确"},
        {"12%", 0, "格式不正确"},
        {"abc", 0, "格式不正确"},
        {"１２３", 0, "半角"}, /* full-width digits */
        {"123元", 0, "半角"},
        {"¥123", 0, "半角"},
        {"−5", 0, "半角"}, /* U+2212 MINUS SIGN */
        {"一百", 0, "半角"},
        {"\xff", 0, "半角"},
        {"10000000000000000", 0, "超出"}, /* 10^16 元 */
        {"-10000000000000000.00", 0, "超出"},
        {"99999999999999999999999999", 0, "超出"}, /* would overflow int64 */
        /* longer than any amount: refused before it is read */
        {"1.0000000000000000000000000000000000000000000000000000000000000000", 0, "格式"},
    };
    (void)state;
    RUN_CASES(ts_money_parse, cases);
}

static void test_parse_round(void **state)
{
    static const struct parse_case cases[] = {
        {"1.005", 101, NULL},
        {"1.0049999", 100, NULL},
        {"1.0050000001", 101, NULL},
        {"-1.005", -101, NULL}, /* away from zero */
        {"-1.0049", -100, NULL},
        {"0.125", 13, NULL},
        {"0.135", 14, NULL},  /* half-up, not to even */
        {"2.675", 268, NULL}, /* 2.67 in binary floating point */
        {"1.1", 110, NULL},
        {"7", 700, NULL},
        {"0.994", 99, NULL},
        {"0.995", 100, NULL}, /* carries into the yuan */
        {"-0.004", 0, NULL},
        {"-0.005", -1, NULL},
        {"1.23456789012345678901234567890", 123, NULL},
        {"9999999999999999.994", TS_MONEY_MAX_FEN, NULL},
        {"9999999999999999.995", 0, "超出"}, /* rounds up to 10^16 元 */
        {"1,000.005", 0, "千位分隔符"},
        {"1.005 ", 0, "空格"},
        {"1.", 0, "格式不正确"},
        {"", 0, "请填写"},
    };
    (void)state;
    RUN_CASES(ts_money_parse_round, cases);
}

static void test_round_half_up(void **state)
{
    (void)state;
    assert_int_equal(ts_money_round_half_up(15, 10), 2);
    assert_int_equal(ts_money_round_half_up(25, 10), 3);
    assert_int_equal(ts_money_round_half_up(14, 10), 1);
    assert_int_equal(ts_money_round_half_up(-15, 10), -2);
    assert_int_equal(ts_money_round_half_up(-14, 10), -1);
    assert_int_equal(ts_money_round_half_up(0, 7), 0);
    assert_int_equal(ts_money_round_half_up(10, 3), 3); /* 3.33 */
    assert_int_equal(ts_money_round_half_up(11, 3), 4); /* 3.67 */
    assert_int_equal(ts_money_round_half_up(-11, 3), -4);
    assert_int_equal(ts_money_round_half_up(500000, 1000000), 1);
    assert_int_equal(ts_money_round_half_up(499999, 1000000), 0);
    assert_true(ts_money_round_half_up(INT64_MAX, 1) == INT64_MAX);
    assert_true(ts_money_round_half_up(INT64_MIN, 1) == INT64_MIN);
    assert_true(ts_money_round_half_up(INT64_MAX, 2) == INT64_C(4611686018427387904));
    assert_true(ts_money_round_half_up(INT64_MIN, 10) == INT64_C(-922337203685477581));
    assert_true(ts_money_round_half_up(INT64_MIN, INT64_MAX) == -1);
}

/* ---- formatting ---- */

static void expect_format(int64_t fen, const char *plain, const char *grouped)
{
    char buf[TS_MONEY_BUF];
    assert_true(ts_money_format(fen, buf, sizeof buf));
    assert_string_equal(buf, plain);
    assert_true(ts_money_format_grouped(fen, buf, sizeof buf));
    assert_string_equal(buf, grouped);
}

static void test_format(void **state)
{
    (void)state;
    expect_format(0, "0.00", "0.00");
    expect_format(5, "0.05", "0.05");
    expect_format(-5, "-0.05", "-0.05");
    expect_format(-100, "-1.00", "-1.00");
    expect_format(99999, "999.99", "999.99");
    expect_format(100000, "1000.00", "1,000.00");
    expect_format(123450, "1234.50", "1,234.50");
    expect_format(-123456789, "-1234567.89", "-1,234,567.89");
    expect_format(TS_MONEY_MAX_FEN, "9999999999999999.99", "9,999,999,999,999,999.99");
    expect_format(INT64_MAX, "92233720368547758.07", "92,233,720,368,547,758.07");
    expect_format(INT64_MIN, "-92233720368547758.08", "-92,233,720,368,547,758.08");
}

static void test_format_small_buffer(void **state)
{
    char buf[8];
    (void)state;
    memset(buf, 'x', sizeof buf);
    assert_false(ts_money_format(0, buf, 4)); /* "0.00" needs 5 */
    assert_string_equal(buf, "");
    assert_true(ts_money_format(0, buf, 5));
    assert_string_equal(buf, "0.00");
    assert_false(ts_money_format_grouped(100000, buf, 8)); /* "1,000.00" needs 9 */
    assert_string_equal(buf, "");
    buf[0] = 'x';
    assert_false(ts_money_format(0, buf, 0)); /* nothing written */
    assert_int_equal(buf[0], 'x');
}

/* What is written is read back unchanged, at the edges too. */
static void test_format_parse_round_trip(void **state)
{
    static const int64_t values[] = {
        0, 1, -1, 10, 99, 100, -12345, 123456789, TS_MONEY_MAX_FEN, -TS_MONEY_MAX_FEN};
    char buf[TS_MONEY_BUF];
    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        int64_t back = SENTINEL;
        assert_true(ts_money_format(values[i], buf, sizeof buf));
        assert_true(ts_money_parse(buf, &back, NULL));
        assert_true(back == values[i]);
    }
}

/* ---- rates ---- */

static void expect_mul(int64_t fen, int64_t rate, int64_t want)
{
    int64_t out = SENTINEL;
    assert_true(ts_money_mul_rate(fen, rate, &out));
    if (out != want) {
        print_error("%lld × %lld: got %lld, want %lld\n", (long long)fen, (long long)rate,
                    (long long)out, (long long)want);
        fail();
    }
}

static void test_mul_rate(void **state)
{
    (void)state;
    expect_mul(10000, 130000, 1300);          /* 100.00 × 13% */
    expect_mul(12345, 130000, 1605);          /* 1604.85 fen */
    expect_mul(-12345, 130000, -1605);        /* 红字 mirrors it */
    expect_mul(987654321, 170000, 167901235); /* 167901234.57 fen */
    expect_mul(100000, 7123400, 712340);      /* USD 1000.00 × 7.1234 */
    expect_mul(1, 500000, 1);                 /* half a fen rounds up */
    expect_mul(1, 499999, 0);
    expect_mul(3, 500000, 2);
    expect_mul(-3, 500000, -2);
    expect_mul(0, TS_MONEY_RATE_MAX, 0);
    expect_mul(12345, 0, 0);
    expect_mul(12345, TS_MONEY_RATE_ONE, 12345);
    expect_mul(TS_MONEY_MAX_FEN, TS_MONEY_RATE_ONE, TS_MONEY_MAX_FEN);
    expect_mul(-TS_MONEY_MAX_FEN, TS_MONEY_RATE_ONE, -TS_MONEY_MAX_FEN);
    expect_mul(INT64_C(123456789012345678), 999999, INT64_C(123456665555556666));
    expect_mul(INT64_C(999999999999), TS_MONEY_RATE_MAX, INT64_C(999999998999000));
}

static void test_mul_rate_out_of_range(void **state)
{
    int64_t out = SENTINEL;
    (void)state;
    assert_false(ts_money_mul_rate(TS_MONEY_MAX_FEN, TS_MONEY_RATE_ONE + 1, &out));
    assert_false(ts_money_mul_rate(TS_MONEY_MAX_FEN, TS_MONEY_RATE_MAX, &out));
    assert_false(ts_money_mul_rate(TS_MONEY_MAX_FEN + 1, 1, &out));
    assert_false(ts_money_mul_rate(-TS_MONEY_MAX_FEN - 1, 1, &out));
    assert_false(ts_money_mul_rate(INT64_MIN, 1, &out));
    assert_false(ts_money_mul_rate(INT64_MAX, 0, &out));
    assert_false(ts_money_mul_rate(1, TS_MONEY_RATE_MAX + 1, &out));
    assert_false(ts_money_mul_rate(1, INT64_MIN, &out));
    /* 10^16 fen × 100: the exact part alone is past the range */
    assert_false(ts_money_mul_rate(INT64_C(10000000000000000), 100 * TS_MONEY_RATE_ONE, &out));
    /* whole·rate is 2^64 + 926272001639: wrapping would look in range */
    assert_false(ts_money_mul_rate(INT64_C(999999999999000000), 18446745, &out));
    assert_true(out == SENTINEL);
}

static void test_rate_parse(void **state)
{
    static const struct parse_case cases[] = {
        {"0.13", 130000, NULL},
        {"0.130000", 130000, NULL},
        {"0.09", 90000, NULL},
        {"0", 0, NULL},
        {"1", TS_MONEY_RATE_ONE, NULL},
        {"7.1234", 7123400, NULL},
        {"0.000001", 1, NULL},
        {"999.999999", TS_MONEY_RATE_MAX, NULL},
        {"13%", 0, "0.13"},
        {"0.1300001", 0, "六位小数"},
        {"1000", 0, "超出"},
        {"-0.13", 0, "不能为负"},
        {".13", 0, "格式不正确"},
        {"0,13", 0, "格式不正确"}, /* decimal comma */
        {"0.13 ", 0, "空格"},
        {"０.13", 0, "半角"},
        {"百分之十三", 0, "半角"},
        {"", 0, "请填写"},
        {NULL, 0, "请填写"},
    };
    (void)state;
    RUN_CASES(ts_money_rate_parse, cases);
}

static void test_rate_format(void **state)
{
    char buf[TS_MONEY_BUF];
    (void)state;
    assert_true(ts_money_rate_format(130000, buf, sizeof buf));
    assert_string_equal(buf, "0.130000");
    assert_true(ts_money_rate_format(0, buf, sizeof buf));
    assert_string_equal(buf, "0.000000");
    assert_true(ts_money_rate_format(TS_MONEY_RATE_MAX, buf, sizeof buf));
    assert_string_equal(buf, "999.999999");
    assert_true(ts_money_rate_format(7123400, buf, sizeof buf));
    assert_string_equal(buf, "7.123400");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_round),
        cmocka_unit_test(test_round_half_up),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_small_buffer),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_mul_rate),
        cmocka_unit_test(test_mul_rate_out_of_range),
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_rate_format),
    };
    return cmocka_run_group_tests_name("ts_money", tests, NULL, NULL);
}
