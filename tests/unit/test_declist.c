/* Unit tests of lib/ts_declist's date arithmetic: 备案期限 (申报日期 + 15
 * days) and 保存期限 (申报日期 + 5 or 10 years, by the 2026-01-01 change of
 * 公告2026年第5号), on both sides of that date and across month, year and
 * leap-day edges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_declist.h"

static void add_days_edges(void **state)
{
    char out[11];
    (void)state;
    assert_true(ts_declist_add_days("2026-01-20", 15, out));
    assert_string_equal(out, "2026-02-04");
    assert_true(ts_declist_add_days("2025-12-20", 15, out));
    assert_string_equal(out, "2026-01-04");
    assert_true(ts_declist_add_days("2028-02-20", 15, out));
    assert_string_equal(out, "2028-03-06");
    assert_true(ts_declist_add_days("2027-02-20", 15, out));
    assert_string_equal(out, "2027-03-07");
    assert_false(ts_declist_add_days("2026-02-30", 15, out));
    assert_false(ts_declist_add_days("20260101", 15, out));
}

static void add_years_leap_day(void **state)
{
    char out[11];
    (void)state;
    assert_true(ts_declist_add_years("2028-02-29", 10, out));
    assert_string_equal(out, "2038-02-28");
    assert_true(ts_declist_add_years("2024-02-29", 4, out));
    assert_string_equal(out, "2028-02-29");
}

/* The last day of the old rule and the first day of the new one. */
static void retention_both_sides(void **state)
{
    char due[11], keep[11];
    (void)state;
    assert_true(ts_declist_filing_dates("2025-12-31", 5, due, keep));
    assert_string_equal(due, "2026-01-15");
    assert_string_equal(keep, "2030-12-31");
    assert_true(ts_declist_filing_dates("2026-01-01", 10, due, keep));
    assert_string_equal(due, "2026-01-16");
    assert_string_equal(keep, "2036-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_days_edges),
        cmocka_unit_test(add_years_leap_day),
        cmocka_unit_test(retention_both_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
