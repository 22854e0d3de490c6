/* Unit tests of lib/ts_customs_decl: the field checks and the rules
 * across fields, the XML reader's refusals (DTD, depth, huge tokens, long
 * values, 99 lines) and the writer's round trip.  The file under test is
 * included, so the INSERT's column lists are checked against the tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../lib/ts_customs_decl.c"

#include <stdio.h>
#include <stdlib.h>

/* The sample file of docs/samples, read whole. */
static char *sample(size_t *n)
{
    FILE *f = fopen("docs/samples/export_decl/two_decls.xml", "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

struct seen {
    size_t n, ok;
    char first_errors[2048];
    struct ts_arena *a;
    struct ts_buf out;
};

static int collect(void *ud, struct ts_cdecl *d, size_t index)
{
    struct seen *s = ud;
    bool ok = ts_cdecl_check(s->a, d);
    s->n++;
    s->ok += ok;
    if (index == 0)
        for (size_t i = 0; i < d->nerrors; i++)
            strncat(s->first_errors, d->errors[i],
                    sizeof s->first_errors - strlen(s->first_errors) - 1);
    if (ok)
        ts_cdecl_write(&s->out, d, "");
    return 0;
}

static int read_text(const char *xml, struct seen *s, const char **err)
{
    memset(s, 0, sizeof *s);
    s->a = ts_arena_new(0);
    return ts_cdecl_read_mem(s->a, xml, strlen(xml), collect, s, err);
}

static void done(struct seen *s)
{
    ts_arena_free(s->a);
    ts_buf_free(&s->out);
}

/* Keep a copy of the first declaration's header values in the caller's
 * arena (the reader's is reset at the next declaration). */
struct kept {
    struct ts_arena *a;
    struct ts_cdecl *d;
};

static int keep_first(void *ud, struct ts_cdecl *d, size_t index)
{
    struct kept *k = ud;
    if (index == 0) {
        k->d = ts_cdecl_new(k->a);
        for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
            k->d->head[i] = ts_arena_strdup(k->a, d->head[i]);
    }
    return 0;
}

/* The column lists of the INSERTs are the tables' columns in order. */
static void test_columns_match_tables(void **state)
{
    char head[2048] = "", list[1024] = "";
    (void)state;
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        snprintf(head + strlen(head), sizeof head - strlen(head), "%s%s", i ? ", " : "",
                 ts_cdecl_head_fields[i].column);
    for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                 ts_cdecl_list_fields[j].column);
    char want_head[2048], want_list[1024];
    /* the macros break lines with "," + " " too */
    snprintf(want_head, sizeof want_head, "%s", HEAD_COLUMNS);
    snprintf(want_list, sizeof want_list, "%s", LIST_COLUMNS);
    for (char *p = want_head; (p = strstr(p, ",")); p++)
        if (p[1] != ' ')
            fail();
    assert_string_equal(head, want_head);
    assert_string_equal(list, want_list);
}

/* The sample file: two good declarations, normalised, written and read
 * back the same. */
static void test_sample_round_trip(void **state)
{
    size_t n;
    char *xml = sample(&n);
    struct seen s, again;
    const char *err;
    (void)state;
    memset(&s, 0, sizeof s);
    s.a = ts_arena_new(0);
    ts_cdecl_write_begin(&s.out);
    assert_int_equal(ts_cdecl_read_mem(s.a, xml, n, collect, &s, &err), 0);
    ts_cdecl_write_end(&s.out);
    assert_null(err);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ok, 2);
    assert_string_equal(s.first_errors, "");
    assert_non_null(strstr(ts_buf_cstr(&s.out), "<IEDate>20260105</IEDate>"));
    assert_non_null(strstr(ts_buf_cstr(&s.out), "<DeclTotal>3100.00</DeclTotal>"));
    assert_non_null(strstr(ts_buf_cstr(&s.out), "<DeclType>2</DeclType>"));
    assert_int_equal(read_text(ts_buf_cstr(&s.out), &again, &err), 0);
    assert_int_equal(again.ok, 2);
    done(&again);
    done(&s);
    free(xml);
}

/* Field and cross-field problems, each said in Chinese with its part. */
static void test_bad_values(void **state)
{
    struct seen s;
    const char *err;
    (void)state;
    assert_int_equal(
        read_text("<DecMessages><DecMessage><DecHead><EntryId>790020261000000101</EntryId>"
                  "<CustomMaster>7901</CustomMaster><IEDate>20260231</IEDate>"
                  "<TradeCode>51019400</TradeCode><DeclType>1</DeclType></DecHead>"
                  "<DecLists><DecList><GNo>1</GNo><CodeTS>84592900</CodeTS>"
                  "<DeclTotal>-1</DeclTotal><GQty>1.123456</GQty></DecList>"
                  "<DecList><GNo>01</GNo></DecList></DecLists></DecMessage></DecMessages>",
                  &s, &err),
        0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ok, 0);
    const char *want[] = {"表头【海关编号】报关单号第9位为1，是进口报关单",
                          "表头【出口日期】应为日期",
                          "表头【申报日期】不能为空",
                          "表头【境内发货人海关编码】海关编码应为10位",
                          "表头【结关日期】结关报关单应有结关日期",
                          "表体第1行【商品编号】商品编号应为10位数字",
                          "表体第1行【总价】不能为负数",
                          "表体第1行【成交数量】应为不小于0的数，最多5位小数",
                          "表体【项号】1重复"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(s.first_errors, want[i])) {
            print_error("missing \"%s\" in %s\n", want[i], s.first_errors);
            fail();
        }
    done(&s);
}

/* 申报地海关 must be the number's first four digits. */
static void test_custom_master_rule(void **state)
{
    struct seen s;
    const char *err;
    (void)state;
    read_text("<DecMessages><DecMessage><DecHead><EntryId>790020260000000101</EntryId>"
              "<CustomMaster>7901</CustomMaster></DecHead></DecMessage></DecMessages>",
              &s, &err);
    assert_non_null(strstr(s.first_errors, "申报地海关】应与海关编号前4位（7900）一致"));
    assert_non_null(strstr(s.first_errors, "报关单至少应有一项表体"));
    done(&s);
}

/* Whole-file refusals: each a -1 with its message, nothing handed over. */
static void test_refusals(void **state)
{
    struct {
        const char *xml, *want;
    } cases[] = {
        {"<!DOCTYPE DecMessages [<!ENTITY a \"x\">]><DecMessages>&a;</DecMessages>", "DTD"},
        {"<DecMessages><DecMessage>", "格式正确的XML"},
        {"<Other/>", "根元素应为DecMessages"},
        {"", "格式正确的XML"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct seen s;
        const char *err = NULL;
        assert_int_equal(read_text(cases[i].xml, &s, &err), -1);
        assert_non_null(err);
        if (!strstr(err, cases[i].want)) {
            print_error("case %zu: %s\n", i, err);
            fail();
        }
        assert_int_equal(s.n, 0);
        done(&s);
    }
}

/* Nesting, a huge attribute, a value over the cap, 100 lines. */
static void test_limits(void **state)
{
    struct ts_buf b = {0};
    struct seen s;
    const char *err;
    (void)state;
    ts_buf_adds(&b, "<DecMessages>");
    for (int i = 0; i < 20; i++)
        ts_buf_adds(&b, "<a>");
    assert_int_equal(read_text(ts_buf_cstr(&b), &s, &err), -1);
    assert_non_null(strstr(err, "嵌套层次过深"));
    done(&s);

    ts_buf_reset(&b);
    ts_buf_adds(&b, "<DecMessages><DecMessage x=\"");
    for (int i = 0; i < 100000; i++)
        ts_buf_adds(&b, "AA");
    ts_buf_adds(&b, "\"/></DecMessages>");
    assert_int_equal(read_text(ts_buf_cstr(&b), &s, &err), -1);
    assert_non_null(strstr(err, "超长的标记或属性"));
    done(&s);

    ts_buf_reset(&b);
    ts_buf_adds(&b, "<DecMessages><DecMessage><DecHead><TradeName>");
    for (int i = 0; i < 400; i++)
        ts_buf_adds(&b, "长");
    ts_buf_adds(&b, "</TradeName></DecHead><DecLists>");
    for (int i = 0; i < 100; i++)
        ts_buf_adds(&b, "<DecList><GNo>1</GNo></DecList>");
    ts_buf_adds(&b, "</DecLists></DecMessage></DecMessages>");
    assert_int_equal(read_text(ts_buf_cstr(&b), &s, &err), 0);
    assert_non_null(strstr(s.first_errors, "【境内发货人名称】超过1024字节"));
    assert_non_null(strstr(s.first_errors, "表体超过99项"));
    done(&s);
    ts_buf_free(&b);
}

/* Dates as real messages write them: with the declaring time (compact,
 * with a space, ISO with T and a zone) read as the day; a garbled time or
 * day is still refused. */
static void test_dates_with_time(void **state)
{
    struct {
        const char *in, *want; /* want NULL: refused */
    } cases[] = {
        {"20261101", "2026-11-01"},
        {"2026-11-01", "2026-11-01"},
        {"20261101093000", "2026-11-01"},
        {"202611010930", "2026-11-01"},
        {"2026-11-01 09:30:00", "2026-11-01"},
        {"2026-11-01 09:30", "2026-11-01"},
        {"2026-11-01T09:30:00", "2026-11-01"},
        {"2026-11-01T09:30:00.123+08:00", "2026-11-01"},
        {"2026-11-01T09:30:00Z", "2026-11-01"},
        {"20261101253000", NULL},
        {"20261131093000", NULL},
        {"2026110109", NULL},
        {"2026-11-01 9:30", NULL},
        {"2026-11-01X09:30:00", NULL},
        {"2026-11-01 09:30:00 junk", NULL},
        {"2026-11-01T09:30:00+0800", NULL},
    };
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = date_norm(a, cases[i].in);
        if (cases[i].want ? !got || strcmp(got, cases[i].want) != 0 : got != NULL) {
            print_error("%s: got %s\n", cases[i].in, got ? got : "NULL");
            fail();
        }
    }
    ts_arena_free(a);
}

/* A header field holding a child element ends at its own end: the child
 * neither ends it early (the fields after it still read) nor becomes its
 * value; the field gets a problem. */
static void test_field_with_child(void **state)
{
    struct seen s;
    const char *err;
    (void)state;
    assert_int_equal(
        read_text("<DecMessages><DecMessage><DecHead><TradeName>甲<b>乙</b>丙</TradeName>"
                  "<BillNo>B1</BillNo></DecHead></DecMessage></DecMessages>",
                  &s, &err),
        0);
    assert_non_null(strstr(s.first_errors, "表头【境内发货人名称】含有子元素"));
    assert_null(strstr(s.first_errors, "【提运单号】"));
    done(&s);

    const char *xml = "<DecMessages><DecMessage><DecHead><BillNo>B<x/>1</BillNo>"
                      "<ContrNo>C9</ContrNo></DecHead></DecMessage></DecMessages>";
    struct kept k = {.a = ts_arena_new(0)};
    assert_int_equal(ts_cdecl_read_mem(k.a, xml, strlen(xml), keep_first, &k, &err), 0);
    assert_non_null(k.d);
    assert_string_equal(k.d->head[TS_CDECL_H_CONTR_NO], "C9");
    assert_string_equal(k.d->head[TS_CDECL_H_BILL_NO], "");
    ts_arena_free(k.a);
}

/* Quantities on a page: DECIMAL's zeros dropped by text, not by a float. */
static void test_decimal_shown(void **state)
{
    const char *cases[][2] = {{"2.00000", "2"},
                              {"1250.50000", "1250.5"},
                              {"0.00000", "0"},
                              {"100", "100"},
                              {"10.01000", "10.01"},
                              {"12345678901234.12345", "12345678901234.12345"},
                              {"", ""},
                              {"abc", "abc"}};
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(decimal_shown(a, cases[i][0]), cases[i][1]);
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_match_tables),
        cmocka_unit_test(test_sample_round_trip),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_custom_master_rule),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_dates_with_time),
        cmocka_unit_test(test_field_with_child),
        cmocka_unit_test(test_decimal_shown),
    };
    return cmocka_run_group_tests_name("ts_customs_decl", tests, NULL, NULL);
}
