/* Unit tests of lib/ts_import_decl: the INSERT column lists against the
 * field tables, and ts_import_decl_check (an import 海关编号, the
 * 申报地海关 rule, date order, lines, values normalised).  The file under
 * test is included for its column macros. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../lib/ts_import_decl.c"

#include <stdio.h>

/* A good declaration with one line. */
static struct ts_import_decl_in *good(struct ts_arena *a)
{
    struct ts_import_decl_in *d = ts_import_decl_in_new(a);
    const char **h = d->head;
    h[TS_IDECL_H_ENTRY_ID] = "790020261000810101";
    h[TS_IDECL_H_CUSTOM_MASTER] = "7900";
    h[TS_IDECL_H_IE_PORT] = "7900";
    h[TS_IDECL_H_IE_DATE] = "20261125";
    h[TS_IDECL_H_D_DATE] = "2026-11-26";
    h[TS_IDECL_H_AGENT_CODE] = "5101980009";
    h[TS_IDECL_H_AGENT_NAME] = "四川蓉城报关有限公司";
    h[TS_IDECL_H_TRADE_CODE] = "5101940001";
    h[TS_IDECL_H_TRADE_NAME] = "四川天府机械制造有限公司";
    h[TS_IDECL_H_TRADE_COUNTRY] = "DEU";
    h[TS_IDECL_H_TRADE_MODE] = "4561";
    const char **l = d->lines[d->nlines++];
    l[TS_IDECL_L_G_NO] = "1";
    l[TS_IDECL_L_CODE_TS] = "8459290000";
    l[TS_IDECL_L_G_NAME] = "数控钻床";
    l[TS_IDECL_L_G_QTY] = "1";
    l[TS_IDECL_L_G_UNIT] = "001";
    l[TS_IDECL_L_DECL_TOTAL] = "25000";
    l[TS_IDECL_L_TRADE_CURR] = "USD";
    return d;
}

/* Is one of d's problems exactly msg? */
static bool has_error(const struct ts_import_decl_in *d, const char *msg)
{
    for (size_t i = 0; i < d->nerrors; i++)
        if (strcmp(d->errors[i], msg) == 0)
            return true;
    return false;
}

/* The column lists of the INSERTs are the tables' columns in order. */
static void test_columns_match_tables(void **state)
{
    char head[2048] = "", list[1024] = "";
    (void)state;
    for (size_t i = 0; i < TS_IDECL_HEAD_N; i++)
        snprintf(head + strlen(head), sizeof head - strlen(head), "%s%s", i ? ", " : "",
                 ts_import_decl_head_fields[i].column);
    for (size_t j = 0; j < TS_IDECL_LIST_N; j++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                 ts_import_decl_list_fields[j].column);
    assert_string_equal(head, HEAD_COLUMNS);
    assert_string_equal(list, LIST_COLUMNS);
}

static void test_good_is_normalised(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_import_decl_in *d = good(a);
    assert_true(ts_import_decl_check(a, d));
    assert_string_equal(d->head[TS_IDECL_H_IE_DATE], "2026-11-25");
    assert_string_equal(d->lines[0][TS_IDECL_L_DECL_TOTAL], "25000.00");
    ts_arena_free(a);
}

static void test_export_number_refused(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_import_decl_in *d = good(a);
    d->head[TS_IDECL_H_ENTRY_ID] = "790020260000810101";
    assert_false(ts_import_decl_check(a, d));
    assert_true(has_error(d, "表头【海关编号】报关单号第9位为0，是出口报关单，请输入进口报关单号"));
    ts_arena_free(a);
}

static void test_cross_field_rules(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_import_decl_in *d = good(a);
    d->head[TS_IDECL_H_CUSTOM_MASTER] = "7901";
    d->head[TS_IDECL_H_D_DATE] = "2026-11-20";
    d->head[TS_IDECL_H_OWNER_NAME] = "某公司";
    d->lines[d->nlines][TS_IDECL_L_G_NO] = "1";
    d->nlines++;
    assert_false(ts_import_decl_check(a, d));
    assert_true(has_error(d, "表头【申报地海关】应与海关编号前4位（7900）一致"));
    assert_true(
        has_error(d, "表头【申报日期】2026-11-20 早于进口日期 2026-11-25：进口货物应到港后申报"));
    assert_true(has_error(d, "表头【消费使用单位】有名称时应有统一社会信用代码或海关编码"));
    assert_true(has_error(d, "表体【项号】1重复"));
    assert_true(has_error(d, "表体第2行【商品编号】不能为空"));
    ts_arena_free(a);
}

static void test_no_lines_and_bad_values(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_import_decl_in *d = good(a);
    d->nlines = 0;
    d->head[TS_IDECL_H_OWNER_CUSTOMS] = "79";
    d->head[TS_IDECL_H_TRADE_CODE] = "";
    assert_false(ts_import_decl_check(a, d));
    assert_true(has_error(d, "报关单至少应有一项表体"));
    assert_true(has_error(d, "表头【消费使用单位所在地关区】应为4位数字"));
    assert_true(has_error(d, "表头【境内收货人海关编码】不能为空"));
    ts_arena_free(a);
}

static void test_qty_shown(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    assert_string_equal(qty_shown(a, "2.00000"), "2");
    assert_string_equal(qty_shown(a, "2000.50000"), "2000.5");
    assert_string_equal(qty_shown(a, "7"), "7");
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_match_tables),    cmocka_unit_test(test_good_is_normalised),
        cmocka_unit_test(test_export_number_refused),   cmocka_unit_test(test_cross_field_rules),
        cmocka_unit_test(test_no_lines_and_bad_values), cmocka_unit_test(test_qty_shown),
    };
    return cmocka_run_group_tests_name("ts_import_decl", tests, NULL, NULL);
}
