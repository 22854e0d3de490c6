/* Unit tests of lib/ts_docs's rule dates: the date a declaration's or a
 * 按所属期备案's 单证种类 are looked up by (出口日期, else the first day of
 * the 所属期; NULL — today — when there is neither), design.md "Rules
 * change with time". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_arena.h"
#include "ts_docs.h"

static void decl_date_prefers_export_date(void **state)
{
    struct ts_arena *a = ts_arena_new(4096);
    (void)state;
    assert_string_equal(ts_docs_decl_date(a, "2026-06-30", "202607"), "2026-06-30");
    assert_string_equal(ts_docs_decl_date(a, "", "202607"), "2026-07-01");
    assert_string_equal(ts_docs_decl_date(a, NULL, "202512"), "2025-12-01");
    assert_null(ts_docs_decl_date(a, "", ""));
    assert_null(ts_docs_decl_date(a, NULL, NULL));
    ts_arena_free(a);
}

static void period_date_first_day(void **state)
{
    struct ts_arena *a = ts_arena_new(4096);
    (void)state;
    assert_string_equal(ts_docs_period_date(a, "202601"), "2026-01-01");
    assert_null(ts_docs_period_date(a, "2026"));
    assert_null(ts_docs_period_date(a, "2026-1"));
    assert_null(ts_docs_period_date(a, "2026011"));
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decl_date_prefers_export_date),
        cmocka_unit_test(period_date_first_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
