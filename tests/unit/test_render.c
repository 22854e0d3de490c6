/* Unit tests of lib/ts_render and lib/ts_param: what reaches the page is
 * escaped by default, field errors and typed values come back, the menu
 * shows exactly the permissions held, and declared parameters are checked
 * by type.  The real templates are rendered (make unit runs from the
 * repository root, so templates.dir = templates). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_app.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_form.h"

static const struct ts_action no_actions[] = {{NULL, 0, NULL, NULL, NULL, 0}};
static const struct ts_module test_module = {"workbench", "工作台", no_actions};

/* Write a config naming the real templates and load it. */
static int setup(void **state)
{
    char path[] = "/tmp/ts-render-conf-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "templates.dir = templates\nmode = test\n");
    fclose(f);
    int rc = ts_config_load(path);
    unlink(path);
    *state = NULL;
    return rc;
}

static int teardown(void **state)
{
    ts_config_free();
    return 0;
}

/* A context as ts_app makes one, without a database. */
static struct ts_ctx *new_ctx(struct ts_session *s)
{
    struct ts_ctx *c = calloc(1, sizeof *c);
    c->arena = ts_arena_new(0);
    c->module = &test_module;
    c->session = s;
    strcpy(c->request_id, "0123456789abcdef");
    return c;
}

static void free_ctx(struct ts_ctx *c)
{
    ts_render_free(c);
    ts_buf_free(&c->body);
    ts_arena_free(c->arena);
    free(c);
}

/* The error page escapes markup and quotes in its message. */
static void test_error_page_escapes(void **state)
{
    struct ts_ctx *c = new_ctx(NULL);
    c->anon_csrf = "ab";
    assert_int_equal(ts_render_error(c, 404, "<script>alert(1)</script>\"'&"), 0);
    const char *html = ts_buf_cstr(&c->body);
    assert_int_equal(c->status, 404);
    assert_null(strstr(html, "<script>alert"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "页面不存在"));
    assert_non_null(strstr(html, "0123456789abcdef"));
    free_ctx(c);
}

/* A logged-in page: user and enterprise names escaped, and the menu holds
 * exactly the granted, built functions. */
static void test_menu_and_header(void **state)
{
    const char *perms[] = {"users", "workbench"}; /* sorted */
    struct ts_session s = {
        .user_id = 7, .scope = TS_SCOPE_ENTERPRISE, .ent_id = 3, .login_name = "clerk01",
        .nickname = "王<b>单证</b>", .ent_name = "A&B 公司", .csrf = "c0ffee",
        .perms = perms, .nperms = 2,
    };
    struct ts_ctx *c = new_ctx(&s);
    assert_int_equal(ts_render(c, "layout/error.cs"), 0);
    const char *html = ts_buf_cstr(&c->body);
    assert_non_null(strstr(html, "王&lt;b&gt;单证&lt;/b&gt;"));
    assert_non_null(strstr(html, "A&amp;B 公司"));
    assert_non_null(strstr(html, "<li><a href=\"/users/\">用户管理</a></li>"));
    assert_non_null(strstr(html, "<a href=\"/workbench/\">工作台</a></li>"));
    assert_null(strstr(html, "href=\"/roles/\""));
    assert_non_null(strstr(html, "value=\"c0ffee\""));
    free_ctx(c);
}

/* No role, no menu (000 §2.5.4), and a message that says why. */
static void test_no_role_no_menu(void **state)
{
    struct ts_session s = {.user_id = 8, .scope = TS_SCOPE_ENTERPRISE, .login_name = "x",
                           .nickname = "x", .csrf = "c"};
    struct ts_ctx *c = new_ctx(&s);
    assert_int_equal(ts_render(c, "layout/error.cs"), 0);
    const char *html = ts_buf_cstr(&c->body);
    assert_null(strstr(html, "menu-group-name"));
    assert_non_null(strstr(html, "尚未被分配角色"));
    free_ctx(c);
}

/* Declared parameters: types, limits, required, repeated, Chinese length. */
static void test_param_check(void **state)
{
    static const char *const kinds[] = {"production", "trading", NULL};
    static const struct ts_param params[] = {
        ts_param_str("name", "企业名称", TS_REQ, 1, 4),
        ts_param_int("page", "页码", 0, 1, 1000),
        ts_param_money("amount", "金额", 0, 0, 100000),
        ts_param_enum("kind", "企业类型", TS_REQ, kinds),
        ts_param_code("uscc", "统一社会信用代码", 0, TS_CODE_USCC),
        ts_param_ids("id", "编号", 0),
        TS_PARAMS_END,
    };
    struct ts_arena *a = ts_arena_new(0);
    struct ts_kvlist in = {0};
    const char *body = "name=%E5%9B%9B%E5%B7%9D%E5%A4%A9%E5%BA%9C&page=12&amount=12.34"
                       "&kind=trading&uscc=91510100MA6CAB126W&id=3&id=5&extra=ignored";
    assert_int_equal(ts_form_parse_urlencoded(a, body, strlen(body), &ts_form_default_limits, &in),
                     TS_FORM_OK);
    struct ts_value v[7];
    assert_int_equal(ts_param_check(a, params, &in, v), 0);
    assert_string_equal(v[0].raw, "四川天府");
    assert_int_equal(v[1].num, 12);
    assert_int_equal(v[2].num, 1234);
    assert_int_equal(v[5].count, 2);
    assert_int_equal(v[5].nums[1], 5);

    struct ts_kvlist bad = {0};
    const char *body2 = "name=%E5%9B%9B%E5%B7%9D%E5%A4%A9%E5%BA%9C%E5%8E%BF&page=0"
                        "&amount=1.234&kind=other&uscc=91510100MA6CAB126X&id=x";
    ts_form_parse_urlencoded(a, body2, strlen(body2), &ts_form_default_limits, &bad);
    assert_int_equal(ts_param_check(a, params, &bad, v), 6);
    assert_non_null(strstr(v[0].error, "最多4个字"));
    assert_non_null(strstr(v[1].error, "超出范围"));
    assert_non_null(strstr(v[3].error, "请选择企业类型"));

    struct ts_kvlist missing = {0};
    assert_int_equal(ts_param_check(a, params, &missing, v), 2);
    assert_string_equal(v[0].error, "请填写企业名称");
    ts_arena_free(a);
}

/* Downloads with Chinese file names: an ASCII fallback and the RFC 5987
 * filename* in UTF-8, percent-encoded; quotes and CR/LF cannot get in. */
static void test_content_disposition(void **state)
{
    struct ts_ctx *c = new_ctx(NULL);
    const char *v = ts_resp_content_disposition(c, "备案目录-2026.zip");
    assert_string_equal(v, "attachment; filename=\"____________-2026.zip\"; "
                           "filename*=UTF-8''%E5%A4%87%E6%A1%88%E7%9B%AE%E5%BD%95-2026.zip");
    v = ts_resp_content_disposition(c, "a\"b\r\nSet-Cookie: x.txt");
    assert_null(strchr(v, '\r'));
    assert_null(strchr(v, '\n'));
    assert_non_null(strstr(v, "filename=\"a_b__Set-Cookie__x.txt\""));
    free_ctx(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_page_escapes),
        cmocka_unit_test(test_menu_and_header),
        cmocka_unit_test(test_no_role_no_menu),
        cmocka_unit_test(test_param_check),
        cmocka_unit_test(test_content_disposition),
    };
    return cmocka_run_group_tests_name("ts_render", tests, setup, teardown);
}
