/* Unit tests of lib/ts_cdecl_pdf: the page count (12 body lines a page,
 * continuation pages after), the values as the paper form stacks them,
 * and a real PDF read back by qpdf with the expected pages.  The file
 * under test is included for its static helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../lib/ts_cdecl_pdf.c"
#include "ts_db.h"
#include "ts_reflib.h"

/* A declaration with n body lines and the header fields the form shows. */
static struct ts_cdecl *decl(struct ts_arena *a, size_t n)
{
    struct ts_cdecl *d = ts_cdecl_new(a);
    d->head[TS_CDECL_H_ENTRY_ID] = "790020260000810001";
    d->head[TS_CDECL_H_TRADE_CO_SCC] = "91510100MA6CAB126W";
    d->head[TS_CDECL_H_TRADE_NAME] = "四川天府机械制造有限公司";
    d->head[TS_CDECL_H_FEE_CURR] = "USD";
    d->head[TS_CDECL_H_FEE_RATE] = "150.00000";
    d->head[TS_CDECL_H_FEE_MARK] = "3";
    for (size_t k = 0; k < n; k++) {
        struct ts_cdecl_line *l = ts_cdecl_add_line(a, d);
        l->v[TS_CDECL_L_G_NO] = ts_arena_printf(a, "%zu", k + 1);
        l->v[TS_CDECL_L_G_NAME] = "数控钻床";
        l->v[TS_CDECL_L_G_QTY] = "2.50000";
        l->v[TS_CDECL_L_G_UNIT] = "001";
        l->v[TS_CDECL_L_DECL_PRICE] = "100.0000";
        l->v[TS_CDECL_L_DECL_TOTAL] = "250.00";
        l->v[TS_CDECL_L_TRADE_CURR] = "USD";
    }
    return d;
}

/* The page count of the PDF of one declaration, read back by qpdf. */
static int pages_of(const struct ts_cdecl *d)
{
    struct ts_cdecl_print p = {d, "新增", NULL};
    struct ts_buf out = {0};
    assert_int_equal(ts_cdecl_pdf_write(&p, 1, "2026-11-30 10:00:00", &out), 0);
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read_memory(q, "t", out.data, out.len, NULL) & QPDF_ERRORS);
    int n = qpdf_get_num_pages(q);
    qpdf_cleanup(&q);
    ts_buf_free(&out);
    return n;
}

/* A name and 规格型号 of the longest allowed (255 characters each). */
static void make_long(struct ts_arena *a, struct ts_cdecl_line *l)
{
    struct ts_buf b = {0};
    for (int i = 0; i < 255; i++)
        ts_buf_adds(&b, "钻");
    l->v[TS_CDECL_L_G_NAME] = ts_arena_strdup(a, ts_buf_cstr(&b));
    l->v[TS_CDECL_L_G_MODEL] = l->v[TS_CDECL_L_G_NAME];
    ts_buf_free(&b);
}

/* 12 ordinary lines a page; tall lines (long names, never cut) fewer. */
static void test_pages(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    assert_int_equal(pages_of(decl(a, 0)), 1);
    assert_int_equal(pages_of(decl(a, 12)), 1);
    assert_int_equal(pages_of(decl(a, 13)), 2);
    assert_int_equal(pages_of(decl(a, 99)), 9);
    struct ts_cdecl *d = decl(a, 1);
    make_long(a, &d->lines[0]);
    assert_int_equal(pages_of(d), 1);
    d = decl(a, 3);
    for (size_t k = 0; k < 3; k++)
        make_long(a, &d->lines[k]);
    assert_int_equal(pages_of(d), 3);
    ts_arena_free(a);
}

/* A few code list rows as ts_reflib_codes_load gives them (list, code,
 * alt, name). */
static const char *code_names[] = {"list", "code", "alt", "name"};
static char *code_cells[] = {
    "unit",       "001",  NULL, "台",       "currency",  "502", "USD", "美元",
    "trade_mode", "0110", NULL, "一般贸易", "duty_mode", "1",   NULL,  "照章征税",
};
static struct ts_db_rows code_rows = {4, 4, code_names, code_cells};
static const struct ts_reflib_codes codes = {&code_rows};

static void test_values(void **state)
{
    (void)state;
    char buf[TEXT_CAP];
    struct ts_arena *a = ts_arena_new(0);
    struct ts_cdecl *d = decl(a, 1);
    assert_string_equal(trimmed(buf, sizeof buf, "2.50000"), "2.5");
    assert_string_equal(trimmed(buf, sizeof buf, "90.00000"), "90");
    assert_string_equal(trimmed(buf, sizeof buf, "100"), "100");
    assert_string_equal(cell_value(d, NULL, &d->lines[0], 3, buf, sizeof buf), "2.5 001\n \n ");
    assert_string_equal(cell_value(d, NULL, &d->lines[0], 4, buf, sizeof buf), "100\n250.00\nUSD");
    assert_string_equal(box_value(d, NULL, &grid[0].boxes[0], buf, sizeof buf),
                        "(91510100MA6CAB126W)\n四川天府机械制造有限公司");
    assert_string_equal(box_value(d, NULL, &grid[4].boxes[5], buf, sizeof buf), "USD/150/3");
    assert_string_equal(box_value(d, NULL, &grid[4].boxes[6], buf, sizeof buf), "");
    ts_arena_free(a);
}

/* With the code lists: "code name" as the detail pages show them; a code
 * the lists do not know stays alone. */
static void test_named(void **state)
{
    (void)state;
    char buf[TEXT_CAP];
    struct ts_arena *a = ts_arena_new(0);
    struct ts_cdecl *d = decl(a, 1);
    d->head[TS_CDECL_H_TRADE_MODE] = "0110";
    d->head[TS_CDECL_H_TRAF_MODE] = "Q";
    d->lines[0].v[TS_CDECL_L_DUTY_MODE] = "1";
    assert_string_equal(cell_value(d, &codes, &d->lines[0], 3, buf, sizeof buf),
                        "2.5 001 台\n \n ");
    assert_string_equal(cell_value(d, &codes, &d->lines[0], 4, buf, sizeof buf),
                        "100\n250.00\nUSD 美元");
    assert_string_equal(cell_value(d, &codes, &d->lines[0], 8, buf, sizeof buf), "1 照章征税");
    assert_string_equal(box_value(d, &codes, &grid[2].boxes[1], buf, sizeof buf), "0110 一般贸易");
    assert_string_equal(box_value(d, &codes, &grid[1].boxes[1], buf, sizeof buf), "Q");
    struct ts_cdecl_print p = {d, "新增", &codes};
    struct ts_buf out = {0};
    assert_int_equal(ts_cdecl_pdf_write(&p, 1, "2026-11-30 10:00:00", &out), 0);
    ts_buf_free(&out);
    ts_arena_free(a);
}

/* Two declarations, 1 and 13 lines: three pages. */
static void test_pdf(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_cdecl_print p[2] = {{decl(a, 1), "新增", NULL}, {decl(a, 13), "修改", NULL}};
    struct ts_buf out = {0};
    assert_int_equal(ts_cdecl_pdf_write(p, 2, "2026-11-30 10:00:00", &out), 0);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-", 5);
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read_memory(q, "t", out.data, out.len, NULL) & QPDF_ERRORS);
    assert_int_equal(qpdf_get_num_pages(q), 3);
    qpdf_cleanup(&q);
    ts_buf_free(&out);
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_named),
        cmocka_unit_test(test_pdf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
