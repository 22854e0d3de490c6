/* Unit tests of lib/ts_reflib's rules, without a database: which 文库
 * entry gives a code's rate on a date (in force on both ends, the longest
 * prefix, the later version on a tie), and the parsing of what the 文库
 * files carry — 商品编码, 版本号, rates in percent, months. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_reflib.h"

/* The seed's 8541 family in three versions, as the lookup sees it. */
static const struct ts_reflib_entry lib[] = {
    {"8541430000", "2024-01-01", "2024-01-01", "2024-11-30"}, /* 0: 13% */
    {"8541430000", "2024-12-01", "2024-12-01", "2026-03-31"}, /* 1: 9% */
    {"8541430000", "2026-04-01", "2026-04-01", NULL},         /* 2: 0 */
    {"8541", "2024-01-01", "2024-01-01", "2024-11-30"},       /* 3 */
    {"8541", "2024-12-01", "2024-12-01", "2026-03-31"},       /* 4 */
    {"8541", "2026-04-01", "2026-04-01", ""},                 /* 5: open written as "" */
    {"85414900", "2026-04-01", "2026-04-01", NULL},           /* 6 */
    {"854", "2026-04-01", "2026-04-01", NULL},                /* 7: odd, still a prefix */
};
#define NLIB (sizeof lib / sizeof lib[0])

static void test_in_force(void **state)
{
    (void)state;
    assert_true(ts_reflib_in_force("2024-12-01", "2026-03-31", "2024-12-01"));
    assert_true(ts_reflib_in_force("2024-12-01", "2026-03-31", "2026-03-31"));
    assert_false(ts_reflib_in_force("2024-12-01", "2026-03-31", "2024-11-30"));
    assert_false(ts_reflib_in_force("2024-12-01", "2026-03-31", "2026-04-01"));
    assert_true(ts_reflib_in_force("2024-12-01", NULL, "2099-12-31"));
    assert_true(ts_reflib_in_force("2024-12-01", "", "2030-01-01"));
}

/* Both sides of each change. */
static void test_pick_dates(void **state)
{
    (void)state;
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541430000", "2024-11-30"), 0);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541430000", "2024-12-01"), 1);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541430000", "2026-03-31"), 1);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541430000", "2026-04-01"), 2);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541430000", "2023-12-31"), -1);
}

static void test_pick_longest_prefix(void **state)
{
    (void)state;
    /* no entry of its own: the heading's */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541100000", "2025-01-01"), 4);
    /* 85414900 is longer than 8541 and 854 */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541490000", "2026-05-01"), 6);
    /* before 85414900 existed, 8541 */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541490000", "2026-03-01"), 4);
    /* only the 3-digit prefix covers 8542… */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8549000000", "2026-05-01"), 7);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8549000000", "2026-03-01"), -1);
    /* a query shorter than the entries: only entries that are its prefix */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "8541", "2026-05-01"), 5);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "85", "2026-05-01"), -1);
    /* a longer entry that merely starts like the code does not count */
    assert_int_equal(ts_reflib_pick(lib, NLIB, "85414", "2026-05-01"), 5);
    assert_int_equal(ts_reflib_pick(lib, NLIB, "9403200000", "2026-05-01"), -1);
    assert_int_equal(ts_reflib_pick(lib, 0, "8541430000", "2026-05-01"), -1);
}

/* Two versions both in force for the same code (a 起始日期 overlapping an
 * older version): the later version wins, whatever the order. */
static void test_pick_later_version(void **state)
{
    const struct ts_reflib_entry e[] = {
        {"6109100010", "2027-01-01", "2026-06-01", NULL},
        {"6109100010", "2026-04-01", "2026-04-01", NULL},
        {"61091000", "2028-01-01", "2026-01-01", NULL},
    };
    (void)state;
    assert_int_equal(ts_reflib_pick(e, 3, "6109100010", "2026-07-01"), 0);
    assert_int_equal(ts_reflib_pick(e + 1, 2, "6109100010", "2026-07-01"), 0);
    assert_int_equal(ts_reflib_pick(e, 3, "6109100010", "2026-05-01"), 1);
    assert_int_equal(ts_reflib_pick(e, 3, "6109100099", "2026-05-01"), 2);
}

static void test_codes(void **state)
{
    const char *err;
    (void)state;
    assert_true(ts_reflib_entry_code_valid("8541430000", &err));
    assert_null(err);
    assert_true(ts_reflib_entry_code_valid("85", NULL));
    assert_true(ts_reflib_entry_code_valid("85414900", NULL));
    assert_false(ts_reflib_entry_code_valid("101210010", &err));
    assert_non_null(strstr(err, "文本格式"));
    assert_false(ts_reflib_entry_code_valid("8", NULL));
    assert_false(ts_reflib_entry_code_valid("85414300001", &err));
    assert_non_null(strstr(err, "最长10位"));
    assert_false(ts_reflib_entry_code_valid("8541.43", &err));
    assert_non_null(strstr(err, "只能是数字"));
    assert_false(ts_reflib_entry_code_valid("", NULL));
    assert_false(ts_reflib_entry_code_valid(NULL, NULL));
    assert_true(ts_reflib_query_code_valid("8", NULL));
    assert_true(ts_reflib_query_code_valid("854143000", NULL));
    assert_false(ts_reflib_query_code_valid("85A1", NULL));
    assert_false(ts_reflib_query_code_valid("12345678901", NULL));
    assert_true(ts_reflib_search_name_valid("", NULL));
    assert_true(ts_reflib_search_name_valid("电池", NULL));
    assert_false(ts_reflib_search_name_valid("电", &err));
    assert_non_null(strstr(err, "至少输入2个字"));
    assert_false(ts_reflib_search_name_valid("x", NULL));
    assert_true(ts_reflib_version_valid("2026A", NULL));
    assert_true(ts_reflib_version_valid("2026B.1", NULL));
    assert_false(ts_reflib_version_valid("A", NULL));
    assert_false(ts_reflib_version_valid("2026 A", &err));
    assert_non_null(strstr(err, "只能包含"));
    assert_false(ts_reflib_version_valid("12345678901234567", NULL));
    assert_false(ts_reflib_version_valid("文库2026", NULL));
}

static void test_percent(void **state)
{
    static const struct {
        const char *in;
        int64_t want; /* -1: refused */
    } cases[] = {
        {"13", 130000},   {"13%", 130000},  {"9", 90000},   {"0", 0},
        {"6.5", 65000},   {"100", 1000000}, {"1", 10000},   {"12.3456", 123456},
        {"12.34567", -1}, {"0.13", -1},     {"100.01", -1}, {"-1", -1},
        {"", -1},         {"%", -1},        {"13%%", -1},   {"abc", -1},
        {" 13", -1},      {"1e1", -1},      {"0.0", 0},     {"13.0000", 130000},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -7;
        const char *err = NULL;
        bool ok = ts_reflib_percent_parse(cases[i].in, &v, &err);
        if (cases[i].want < 0 ? ok || !err || v != -7 : !ok || v != cases[i].want) {
            print_error("case \"%s\": %s %lld\n", cases[i].in, ok ? "ok" : err, (long long)v);
            fail();
        }
    }
}

static void test_percent_format(void **state)
{
    char buf[16];
    (void)state;
    ts_reflib_percent_format(130000, buf);
    assert_string_equal(buf, "13");
    ts_reflib_percent_format(65000, buf);
    assert_string_equal(buf, "6.5");
    ts_reflib_percent_format(0, buf);
    assert_string_equal(buf, "0");
    ts_reflib_percent_format(123456, buf);
    assert_string_equal(buf, "12.3456");
    ts_reflib_percent_format(1000000, buf);
    assert_string_equal(buf, "100");
    ts_reflib_percent_format(1, buf);
    assert_string_equal(buf, "0.0001");
}

static void test_month(void **state)
{
    static const struct {
        const char *in, *want; /* want NULL: refused */
    } cases[] = {
        {"202601", "202601"},     {"2026-01", "202601"},   {"2026/1", "202601"},
        {"2026-01-15", "202601"}, {"2026年1月", "202601"}, {"2026年12月", "202612"},
        {"2026.12", "202612"},    {"202613", NULL},        {"2026-00", NULL},
        {"1999-12", NULL},        {"26-01", NULL},         {"", NULL},
        {"2026", NULL},           {"2026-1x", NULL},       {"2026年1日", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[7] = "";
        const char *err = NULL;
        bool ok = ts_reflib_month_parse(cases[i].in, out, &err);
        if (cases[i].want ? !ok || strcmp(out, cases[i].want) != 0 : ok || !err) {
            print_error("case \"%s\": %s \"%s\"\n", cases[i].in, ok ? "ok" : err, out);
            fail();
        }
    }
}

static void test_lists(void **state)
{
    (void)state;
    assert_string_equal(ts_reflib_list_name(TS_REFLIB_CURRENCY), "currency");
    assert_string_equal(ts_reflib_list_label(TS_REFLIB_TRADE_MODE), "监管方式");
    assert_int_equal(ts_reflib_list_from_name("trans_mode"), TS_REFLIB_TRANS_MODE);
    assert_int_equal(ts_reflib_list_from_name("tax_bureau"), TS_REFLIB_TAX_BUREAU);
    assert_int_equal(ts_reflib_list_from_name("nope"), TS_REFLIB_NLISTS);
    assert_int_equal(ts_reflib_list_from_name(NULL), TS_REFLIB_NLISTS);
    assert_string_equal(ts_reflib_list_name(TS_REFLIB_NLISTS), "");
    assert_int_equal(ts_reflib_list_from_name("cut_mode"), TS_REFLIB_CUT_MODE);
    assert_string_equal(ts_reflib_list_label(TS_REFLIB_DUTY_MODE), "征免");
    assert_int_equal(ts_reflib_list_from_name("port"), TS_REFLIB_PORT);
    assert_int_equal(ts_reflib_list_from_name("district"), TS_REFLIB_DISTRICT);
    assert_string_equal(ts_reflib_list_label(TS_REFLIB_PORT), "港口");
    assert_string_equal(ts_reflib_list_label(TS_REFLIB_DISTRICT), "国内地区");
    assert_false(ts_reflib_list_has_alt(TS_REFLIB_PORT));
}

/* Each list's code format, and the advice for a code that lost its 0. */
static void test_list_codes(void **state)
{
    (void)state;
    static const struct {
        enum ts_reflib_list list;
        const char *code;
        const char *err; /* NULL: valid; else a part of the message */
    } cases[] = {
        {TS_REFLIB_CURRENCY, "502", NULL},
        {TS_REFLIB_CURRENCY, "50", "以0开头"},
        {TS_REFLIB_CURRENCY, "USD", "只能是数字"},
        {TS_REFLIB_TRADE_MODE, "0110", NULL},
        {TS_REFLIB_TRADE_MODE, "110", "以0开头"},
        {TS_REFLIB_TRADE_MODE, "01100", "4位"},
        {TS_REFLIB_TRANSAC_MODE, "3", NULL},
        {TS_REFLIB_TRANSAC_MODE, "FOB", "只能是数字"},
        {TS_REFLIB_TRANS_MODE, "G", NULL},
        {TS_REFLIB_TRANS_MODE, "g", "大写字母"},
        {TS_REFLIB_TRANS_MODE, "22", "1位"},
        {TS_REFLIB_UNIT, "035", NULL},
        {TS_REFLIB_UNIT, "35", "以0开头"},
        {TS_REFLIB_COUNTRY, "142", NULL},
        {TS_REFLIB_CUT_MODE, "101", NULL},
        {TS_REFLIB_CUT_MODE, "1010", "3位"},
        {TS_REFLIB_DUTY_MODE, "1", NULL},
        {TS_REFLIB_DUTY_MODE, "", "不能为空"},
        {TS_REFLIB_PORT, "HKG003", NULL},
        {TS_REFLIB_PORT, "DEU000", NULL},
        {TS_REFLIB_PORT, "DE0000", "HKG003"},
        {TS_REFLIB_PORT, "deu000", "3位大写字母"},
        {TS_REFLIB_PORT, "DEU00", "加3位数字"},
        {TS_REFLIB_PORT, "DEU0000", "加3位数字"},
        {TS_REFLIB_PORT, "", "不能为空"},
        {TS_REFLIB_DISTRICT, "51019", NULL},
        {TS_REFLIB_DISTRICT, "5101", "5位"},
        {TS_REFLIB_DISTRICT, "5101X", "只能是数字"},
        {TS_REFLIB_CUSTOMS_DISTRICT, "7900", NULL},
        {TS_REFLIB_CUSTOMS_DISTRICT, "790", "以0开头"},
        {TS_REFLIB_TAX_BUREAU, "15101000000", NULL},
        {TS_REFLIB_TAX_BUREAU, "151010000000", "11位"},
        {TS_REFLIB_NLISTS, "1", "没有这个代码表"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *err = NULL;
        bool ok = ts_reflib_list_code_valid(cases[i].list, cases[i].code, &err);
        if (cases[i].err ? ok || !err || !strstr(err, cases[i].err) : !ok) {
            print_error("list %d code \"%s\": %s\n", (int)cases[i].list, cases[i].code,
                        ok ? "ok" : err);
            fail();
        }
    }
    const char *err = NULL;
    assert_true(ts_reflib_list_alt_valid(TS_REFLIB_CURRENCY, "USD", &err));
    assert_false(ts_reflib_list_alt_valid(TS_REFLIB_CURRENCY, "usd", &err));
    assert_false(ts_reflib_list_alt_valid(TS_REFLIB_COUNTRY, "US", &err));
    assert_true(ts_reflib_list_alt_valid(TS_REFLIB_TRANSAC_MODE, "FOB", &err));
    assert_false(ts_reflib_list_alt_valid(TS_REFLIB_TRADE_MODE, "ABC", &err));
    assert_true(ts_reflib_list_has_alt(TS_REFLIB_COUNTRY));
    assert_false(ts_reflib_list_has_alt(TS_REFLIB_TAX_BUREAU));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_force),
        cmocka_unit_test(test_pick_dates),
        cmocka_unit_test(test_pick_longest_prefix),
        cmocka_unit_test(test_pick_later_version),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_percent_format),
        cmocka_unit_test(test_month),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_list_codes),
    };
    return cmocka_run_group_tests_name("ts_reflib", tests, NULL, NULL);
}
