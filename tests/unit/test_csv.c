/* Unit tests of lib/ts_csv: RFC 4180 as spreadsheets write it (quotes,
 * "" escapes, line breaks in a quoted cell, CRLF / LF / CR), a BOM, GBK
 * text converted to UTF-8, tab-separated files, empty rows skipped but
 * counted, and the refusals (NUL, an unclosed quote, each limit). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_csv.h"

/* The rows read, as "row:cell|cell|…" lines. */
struct got {
    char text[2048];
    size_t rows;
    size_t stop_at;
};

static int collect(void *ctx, size_t row, const char *const *cells, size_t n)
{
    struct got *g = ctx;
    size_t len = strlen(g->text);
    len += (size_t)snprintf(g->text + len, sizeof g->text - len, "%zu:", row);
    for (size_t i = 0; i < n; i++)
        len +=
            (size_t)snprintf(g->text + len, sizeof g->text - len, "%s%s", i ? "|" : "", cells[i]);
    snprintf(g->text + len, sizeof g->text - len, "\n");
    return ++g->rows == g->stop_at ? 9 : 0;
}

static const char *read_all(const char *s, size_t len, const struct ts_csv_limits *lim, int *rc,
                            const char **err)
{
    static struct got g;
    memset(&g, 0, sizeof g);
    *rc = ts_csv_read_buffer(s, len, lim, collect, &g, err);
    return g.text;
}

#define READ(s, rc, err) read_all((s), sizeof(s) - 1, NULL, (rc), (err))

static void test_plain(void **state)
{
    int rc;
    const char *err;
    (void)state;
    assert_string_equal(READ("a,b,c\n1,2,3\n", &rc, &err), "1:a|b|c\n2:1|2|3\n");
    assert_int_equal(rc, 0);
    assert_null(err);
    assert_string_equal(READ("a,b\r\n1,2\r\n", &rc, &err), "1:a|b\n2:1|2\n");
    assert_string_equal(READ("a,b\r1,2", &rc, &err), "1:a|b\n2:1|2\n");
    assert_string_equal(READ("a,b\n\n\n1,2\n", &rc, &err), "1:a|b\n4:1|2\n");
    assert_string_equal(READ("a,,\n,,\n,x,\n", &rc, &err), "1:a\n3:|x\n");
    assert_string_equal(READ("a,b,", &rc, &err), "1:a|b\n");
    assert_string_equal(READ("", &rc, &err), "");
    assert_int_equal(rc, 0);
}

static void test_quotes(void **state)
{
    int rc;
    const char *err;
    (void)state;
    assert_string_equal(READ("\"a,b\",\"say \"\"hi\"\"\"\n", &rc, &err), "1:a,b|say \"hi\"\n");
    assert_string_equal(READ("\"two\nlines\",x\ny,z\n", &rc, &err), "1:two\nlines|x\n2:y|z\n");
    assert_string_equal(READ("\"\",b\n", &rc, &err), "1:|b\n");
    assert_string_equal(READ("ab\"c,d\n", &rc, &err), "1:ab\"c|d\n");
    assert_string_equal(READ("\"ab\"c,d\n", &rc, &err), "1:abc|d\n");
    READ("\"open,b\n1,2\n", &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "引号未闭合"));
}

static void test_encoding(void **state)
{
    int rc;
    const char *err;
    (void)state;
    assert_string_equal(READ("\xEF\xBB\xBF商品编码,退税率\n", &rc, &err), "1:商品编码|退税率\n");
    /* 美元 in GBK: C3C0 D4AA */
    assert_string_equal(READ("\xC3\xC0\xD4\xAA,7.1\n", &rc, &err), "1:美元|7.1\n");
    assert_int_equal(rc, 0);
    READ("a\xFF\xFF\xFF,b\n", &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "编码"));
    assert_string_equal(read_all("a,b\0c\n", 6, NULL, &rc, &err), "");
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "不是有效的CSV"));
}

static void test_tabs(void **state)
{
    int rc;
    const char *err;
    (void)state;
    assert_string_equal(READ("a\tb\n1,5\t2\n", &rc, &err), "1:a|b\n2:1,5|2\n");
    assert_string_equal(READ("a,b\tc\n", &rc, &err), "1:a|b\tc\n");
}

static void test_limits(void **state)
{
    const struct ts_csv_limits lim = {
        .max_bytes = 64, .max_cell = 4, .max_columns = 3, .max_rows = 3};
    int rc;
    const char *err;
    (void)state;
    read_all("abcd,x\n", 7, &lim, &rc, &err);
    assert_int_equal(rc, 0);
    read_all("abcde,x\n", 8, &lim, &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "过长"));
    read_all("\"abcde\",x\n", 10, &lim, &rc, &err);
    assert_int_equal(rc, -1);
    read_all("a,b,c,d\n", 8, &lim, &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "列数"));
    read_all("1\n2\n3\n4\n", 8, &lim, &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "行数"));
    char big[65];
    memset(big, 'a', sizeof big);
    read_all(big, sizeof big, &lim, &rc, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "过大"));
}

static void test_stop(void **state)
{
    static struct got g;
    const char *err;
    (void)state;
    memset(&g, 0, sizeof g);
    g.stop_at = 2;
    assert_int_equal(ts_csv_read_buffer("1\n2\n3\n", 6, NULL, collect, &g, &err), 9);
    assert_null(err);
    assert_string_equal(g.text, "1:1\n2:2\n");
}

static void test_file(void **state)
{
    char path[] = "/tmp/test_csv_XXXXXX";
    int fd = mkstemp(path);
    static struct got g;
    const char *err;
    (void)state;
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("商品编码,商品名称\n8541430000,\"光电池,组件\"\n", f);
    fclose(f);
    memset(&g, 0, sizeof g);
    assert_int_equal(ts_csv_read(path, NULL, collect, &g, &err), 0);
    assert_string_equal(g.text, "1:商品编码|商品名称\n2:8541430000|光电池,组件\n");
    remove(path);
    assert_int_equal(ts_csv_read(path, NULL, collect, &g, &err), -1);
    assert_non_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),    cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_encoding), cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_limits),   cmocka_unit_test(test_stop),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests_name("ts_csv", tests, NULL, NULL);
}
