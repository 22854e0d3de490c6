/* Unit tests of lib/ts_retgoods without a database: the state machine
 * (every pair of states, allowed and refused), which states allow 暂存 /
 * 删除 / 提交 and the reason given, the field rules of §4.1.1 with their
 * messages, the 直属关区 rule, and the canonical text a card signs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ts_arena.h"
#include "ts_retgoods.h"

/* ---- states ---- */

/* The contract's moves, written out once more as a table. */
static bool want_allowed(int from, int to)
{
    static const int moves[][2] = {
        {-1, 0}, {0, 0}, {2, 0}, {4, 0}, {6, 0}, {8, 0}, {0, 1}, {2, 1}, {4, 1},
        {6, 1},  {8, 1}, {1, 2}, {1, 3}, {1, 4}, {3, 5}, {3, 6}, {5, 7}, {5, 8},
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (moves[i][0] == from && moves[i][1] == to)
            return true;
    return false;
}

static void test_every_pair(void **state)
{
    (void)state;
    int allowed = 0;
    for (int from = -1; from < TS_RG_NSTATUS; from++)
        for (int to = -1; to <= TS_RG_NSTATUS; to++) {
            bool got = ts_retgoods_allowed(from, to);
            if (got != want_allowed(from, to)) {
                print_error("%d -> %d: got %d\n", from, to, got);
                fail();
            }
            allowed += got;
        }
    assert_int_equal(allowed, 18);
}

static void test_editable(void **state)
{
    (void)state;
    const char *why = NULL;
    for (int s = 0; s < TS_RG_NSTATUS; s++) {
        bool open = s == 0 || s == 2 || s == 4 || s == 6 || s == 8;
        assert_int_equal(ts_retgoods_editable(s, &why), open);
        assert_int_equal(ts_retgoods_submittable(s, &why), open);
        if (open)
            continue;
        assert_non_null(why);
        /* the reason names the state (已提交, 海关接收成功, ...) */
        assert_non_null(ts_retgoods_editable(s, &why) ? NULL : strstr(why, "不允许"));
    }
    ts_retgoods_editable(TS_RG_RECEIVED, &why);
    assert_non_null(strstr(why, "海关接收成功"));
    ts_retgoods_submittable(TS_RG_SUBMITTED, &why);
    assert_non_null(strstr(why, "不能重复提交"));
    assert_true(ts_retgoods_editable(TS_RG_NEW, NULL));
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(ts_retgoods_status_name(0), "暂存");
    assert_string_equal(ts_retgoods_status_name(5), "电子审核完成，待人工审核");
    assert_string_equal(ts_retgoods_status_name(8), "人工审核退单");
    assert_string_equal(ts_retgoods_status_name(9), "");
    assert_string_equal(ts_retgoods_status_name(-1), "");
}

static void test_direct_district(void **state)
{
    (void)state;
    assert_true(ts_retgoods_district_direct("0100"));
    assert_true(ts_retgoods_district_direct("7900"));
    assert_false(ts_retgoods_district_direct("7901"));
    assert_false(ts_retgoods_district_direct("5141"));
    assert_false(ts_retgoods_district_direct("00"));
}

/* ---- field rules ---- */

struct found {
    char field[64];
    char message[256];
    int n;
};

static void collect(void *ctx, const char *field, const char *message)
{
    struct found *f = ctx;
    if (f->n++ == 0) {
        snprintf(f->field, sizeof f->field, "%s", field);
        snprintf(f->message, sizeof f->message, "%s", message);
    }
}

static struct ts_retgoods_line valid_line = {1,     "8466930000", "",    "钻床零件", 155000,
                                             "USD", "100",        "007", "120.5", "N"};

/* A record every rule accepts. */
static void valid(struct ts_retgoods *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        r->f[i] = "";
    r->f[TS_RG_I_ENTRY_ID] = "790020261000810101";
    r->f[TS_RG_RECEIVER_ADDR] = "四川省成都市";
    r->f[TS_RG_RECEIVER_CONTACT] = "王五";
    r->f[TS_RG_RECEIVER_PHONE] = "028-88886666";
    r->f[TS_RG_OWNER_DISTRICT] = "7900";
    r->f[TS_RG_HANDLE_WAYS] = "1,3";
    r->f[TS_RG_PROD_SCC] = "91510100MA6CAB126W";
    r->f[TS_RG_PROD_CODE] = "5101940001";
    r->f[TS_RG_PROD_NAME] = "四川天府机械制造有限公司";
    r->f[TS_RG_PROD_CONTACT] = "张敏";
    r->f[TS_RG_PROD_PHONE] = "13800000001";
    r->f[TS_RG_PROD_REGION] = "510100";
    r->f[TS_RG_PROD_DISTRICT] = "7901";
    r->f[TS_RG_EXPORT_INSPECT] = "N";
    r->f[TS_RG_ORIG_TRADE_MODE] = "0110";
    r->f[TS_RG_REASON_KINDS] = "T";
    r->f[TS_RG_REASONS] = "T1";
    r->lines = &valid_line;
    r->nlines = 1;
}

/* The first problem of r with orig as 原出口报关单号: field and message. */
static struct found check(struct ts_retgoods *r, const char *orig)
{
    struct ts_arena *a = ts_arena_new(0);
    struct found f = {"", "", 0};
    ts_retgoods_check(a, r, orig, collect, &f);
    ts_arena_free(a);
    return f;
}

static void expect(struct ts_retgoods *r, const char *orig, const char *field, const char *msg)
{
    struct found f = check(r, orig);
    if (!field) {
        if (f.n) {
            print_error("unexpected %s: %s\n", f.field, f.message);
            fail();
        }
        return;
    }
    if (f.n == 0 || strcmp(f.field, field) != 0 || !strstr(f.message, msg)) {
        print_error("want %s \"%s\", got %s \"%s\"\n", field, msg, f.n ? f.field : "nothing",
                    f.message);
        fail();
    }
}

#define ORIG "790020260000810001"

static void test_valid_record(void **state)
{
    (void)state;
    struct ts_retgoods r;
    valid(&r);
    expect(&r, ORIG, NULL, NULL);
    expect(&r, ORIG "/790020260000810002", NULL, NULL);
}

/* One field changed, the message expected. */
struct rule_case {
    enum ts_retgoods_field f;
    const char *value;
    const char *field, *msg;
};

static void test_header_rules(void **state)
{
    (void)state;
    static const struct rule_case cases[] = {
        {TS_RG_I_ENTRY_ID, "", "i_entry_id", "请填写进口报关单号"},
        {TS_RG_I_ENTRY_ID, "79002026100081010", "i_entry_id", "进口报关单号应为18位数字"},
        {TS_RG_I_ENTRY_ID, "790020260000810101", "i_entry_id", "进口报关单号第9位为0，是出口报关单"},
        {TS_RG_RECEIVER_ADDR, "", "receiver_addr", "请填写收货人所在地"},
        {TS_RG_RECEIVER_CONTACT, "", "receiver_contact", "请填写收货联系人"},
        {TS_RG_RECEIVER_PHONE, "", "receiver_phone", "请填写联系电话"},
        {TS_RG_RECEIVER_PHONE, "call me", "receiver_phone", "联系电话格式不正确"},
        {TS_RG_RECEIVER_PHONE, "123", "receiver_phone", "联系电话格式不正确"},
        {TS_RG_OWNER_DISTRICT, "", "owner_district", "请选择消费使用单位所在地关区"},
        {TS_RG_RET_DATE, "2026-02-30", "ret_date", "退货日期应为有效日期"},
        {TS_RG_HANDLE_WAYS, "", "handle_ways", "请勾选拟处理方式"},
        {TS_RG_HANDLE_WAYS, "1,9", "handle_ways", "拟处理方式的选项不正确"},
        {TS_RG_HANDLE_WAYS, "5", "handle_other", "拟处理方式为“其他”时需填写其他具体内容"},
        {TS_RG_HANDLE_OTHER, "转卖", "handle_other", "仅拟处理方式为“其他”时填写"},
        {TS_RG_PROD_SCC, "", "prod_scc", "请填写原生产企业18位统一社会信用代码"},
        {TS_RG_PROD_SCC, "91510100MA6CAB1260", "prod_scc", "原生产企业统一社会信用代码不正确"},
        {TS_RG_PROD_CODE, "", "prod_code", "请填写原生产企业10位海关编码"},
        {TS_RG_PROD_CODE, "51019", "prod_code", "原生产企业海关编码不正确"},
        {TS_RG_PROD_NAME, "", "prod_name", "请填写原生产企业名称"},
        {TS_RG_PROD_CONTACT, "", "prod_contact", "请填写原生产企业联系人"},
        {TS_RG_PROD_PHONE, "x", "prod_phone", "原生产企业联系电话格式不正确"},
        {TS_RG_PROD_REGION, "", "prod_region", "请选择原生产企业行政区划"},
        {TS_RG_PROD_DISTRICT, "", "prod_district", "请选择原生产企业所属机构"},
        {TS_RG_EXPORT_INSPECT, "", "export_inspect", "请选择出口是否法检"},
        {TS_RG_EXPORT_INSPECT, "X", "export_inspect", "请选择出口是否法检"},
        {TS_RG_ORIG_TRADE_MODE, "", "orig_trade_mode", "请勾选关联报关单原出口监管方式：一般贸易"},
        {TS_RG_REASON_KINDS, "", "reason_kinds", "请勾选退货原因类别"},
        {TS_RG_REASONS, "", "reasons", "请勾选贸易原因的具体退运原因"},
        {TS_RG_REASONS, "T1,S1", "reasons", "“运输途中货损货差”不属于所选的退货原因类别"},
        {TS_RG_REASONS, "T1,ZZ", "reasons", "具体退运原因的选项不正确"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ts_retgoods r;
        valid(&r);
        r.f[cases[i].f] = cases[i].value;
        expect(&r, ORIG, cases[i].field, cases[i].msg);
    }
}

static void test_quality_needs_note(void **state)
{
    (void)state;
    struct ts_retgoods r;
    valid(&r);
    r.f[TS_RG_REASON_KINDS] = "Q,T";
    r.f[TS_RG_REASONS] = "Q1,T1";
    expect(&r, ORIG, "reason_note", "退货原因类别为质量原因时，退货原因具体说明必填");
    r.f[TS_RG_REASON_NOTE] = "尺寸超差";
    expect(&r, ORIG, NULL, NULL);
    r.f[TS_RG_REASON_KINDS] = "Q";
    r.f[TS_RG_REASONS] = "Q1,T1";
    expect(&r, ORIG, "reasons", "不属于所选的退货原因类别");
}

/* n export numbers joined with "/", each distinct. */
static void many(char *buf, size_t size, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s7900202600%08d", i ? "/" : "", i + 1);
}

static void test_orig_rules(void **state)
{
    (void)state;
    struct ts_retgoods r;
    char buf[2048];
    valid(&r);
    expect(&r, "", "orig_entry_ids", "请填写原出口报关单号");
    expect(&r, "790020261000810001", "orig_entry_ids", "应为18位数字，第9位为0");
    expect(&r, "79002026000081000", "orig_entry_ids", "不正确");
    expect(&r, ORIG "/", "orig_entry_ids", "不正确");
    expect(&r, ORIG "," ORIG, "orig_entry_ids", "不正确");
    expect(&r, ORIG "/" ORIG, "orig_entry_ids", "重复");
    many(buf, sizeof buf, 50);
    expect(&r, buf, NULL, NULL);
    assert_int_equal(r.norig, 50);
    many(buf, sizeof buf, 51);
    expect(&r, buf, "orig_entry_ids", "原出口报关单号最多50个");
}

static void test_weight(void **state)
{
    (void)state;
    struct ts_retgoods r;
    struct ts_retgoods_line l = valid_line;
    valid(&r);
    r.lines = &l;
    l.ret_weight = "";
    expect(&r, ORIG, NULL, NULL);
    l.ret_weight = "12.123456";
    expect(&r, ORIG, "weight_1", "第1项退货重量应为数字（千克），最多5位小数");
    l.ret_weight = "-1";
    expect(&r, ORIG, "weight_1", "退货重量");
    l.ret_weight = "";
    l.industrial = "Y";
    expect(&r, ORIG, NULL, NULL);
    l.industrial = "X"; /* 是否属于工业品: Y or N */
    expect(&r, ORIG, "weight_1", "请选择第1项是否属于工业品（Y-是，N-否）");
    l.industrial = "";
    expect(&r, ORIG, "weight_1", "是否属于工业品");
    assert_true(ts_retgoods_decimal_valid("0.5", 14, 5));
    assert_false(ts_retgoods_decimal_valid(".5", 14, 5));
    assert_false(ts_retgoods_decimal_valid("5.", 14, 5));
}

/* ---- the canonical text ---- */

static void test_canonical(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new(0);
    struct ts_retgoods r;
    const char *orig[] = {ORIG};
    valid(&r);
    r.orig = orig;
    r.norig = 1;
    r.f[TS_RG_REASON_NOTE] = "第一行\n第二行";
    const char *t = ts_retgoods_canonical(a, &r);
    assert_non_null(strstr(t, "TUISHUI-RETGOODS/2\n"));
    assert_non_null(strstr(t, "\ni_entry_id=790020261000810101\n"));
    assert_non_null(strstr(t, "\nreason_note=第一行\\n第二行\n"));
    assert_non_null(strstr(t, "\nline=1|8466930000||钻床零件|1550.00|USD|100|007|120.5|N\n"));
    assert_non_null(strstr(t, "\norig_entry_id=" ORIG "\n"));
    assert_null(strstr(t, "ret_no="));
    /* any field changes the text */
    r.f[TS_RG_RECEIVER_PHONE] = "028-88886667";
    assert_string_not_equal(t, ts_retgoods_canonical(a, &r));
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair),
        cmocka_unit_test(test_editable),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_direct_district),
        cmocka_unit_test(test_valid_record),
        cmocka_unit_test(test_header_rules),
        cmocka_unit_test(test_quality_needs_note),
        cmocka_unit_test(test_orig_rules),
        cmocka_unit_test(test_weight),
        cmocka_unit_test(test_canonical),
    };
    return cmocka_run_group_tests_name("ts_retgoods", tests, NULL, NULL);
}
