/* Unit tests of lib/ts_rgaudit that need no database: the 回执 reason
 * (numbered sentences, cut at 500 characters, never inside a character)
 * and the 退货编号 / texts the customs side writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../lib/ts_rgaudit.c"

static void test_reason_numbered(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_rgaudit_problems p = {0};
    add(a, &p, "甲");
    add(a, &p, "乙");
    assert_string_equal(ts_rgaudit_reason(a, "电子审核退单", &p), "电子审核退单：1. 甲；2. 乙");
    ts_arena_free(a);
}

static void test_reason_cut(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_rgaudit_problems p = {0};
    for (int i = 0; i < 60; i++)
        add(a, &p, "原出口报关单未找到海关已发布的出口报关单");
    const char *s = ts_rgaudit_reason(a, "电子审核退单", &p);
    assert_int_equal(ts_codes_utf8_chars(s), REASON_MAX_CHARS);
    assert_true(ts_codes_utf8_valid(s, strlen(s)));
    ts_arena_free(a);
}

static void test_many_problems_kept_in_order(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_rgaudit_problems p = {0};
    for (int i = 0; i < 20; i++)
        add(a, &p, ts_arena_printf(a, "问题%d", i));
    assert_int_equal(p.n, 20);
    assert_string_equal(p.msg[0], "问题0");
    assert_string_equal(p.msg[19], "问题19");
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reason_numbered),
        cmocka_unit_test(test_reason_cut),
        cmocka_unit_test(test_many_problems_kept_in_order),
    };
    return cmocka_run_group_tests_name("ts_rgaudit", tests, NULL, NULL);
}
