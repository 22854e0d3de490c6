/* Unit tests of lib/ts_codes: each validator against real-format samples,
 * boundaries, malformed and multibyte input, and the message it gives. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_codes.h"

typedef bool (*validator)(const char *s, const char **err);

/* One input and the outcome expected: want NULL means valid, otherwise a
 * fragment the message must contain (the message is what the user reads). */
struct code_case {
    const char *in;
    const char *want;
};

/* Run every case through fn, with and without an err pointer, and report
 * the failing input by name. */
static void run_cases(validator fn, const struct code_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *err = "unset";
        bool ok = fn(c[i].in, &err);
        bool want_ok = c[i].want == NULL;
        bool msg_ok = ok ? err == NULL : err != NULL && strstr(err, c[i].want) != NULL;
        if (ok != want_ok || !msg_ok || fn(c[i].in, NULL) != ok) {
            print_error("case %zu \"%s\": got %s (%s), want %s\n", i, c[i].in ? c[i].in : "(null)",
                        ok ? "valid" : "invalid", err ? err : "no message",
                        want_ok ? "valid" : c[i].want);
            fail();
        }
    }
}

#define RUN_CASES(fn, cases) run_cases(fn, cases, sizeof(cases) / sizeof(cases[0]))

/* ---- 统一社会信用代码 ---- */

/* Codes published on business licences (the unnamed ones are from the
 * corpus of real codes in python-stdnum's tests); both check characters
 * were verified by an independent computation before they were written. */
static void test_uscc_real_codes(void **state)
{
    static const struct code_case cases[] = {
        {"91350100M000100Y43", NULL}, /* the example in GB 32100-2015 itself */
        {"914403001922038216", NULL}, /* 华为技术有限公司 */
        {"9144030071526726XG", NULL}, /* 腾讯科技（深圳）有限公司 */
        {"91440300708461136T", NULL}, /* 深圳市腾讯计算机系统有限公司 */
        {"91330100716105852F", NULL}, /* 阿里巴巴（中国）有限公司 */
        {"91110000802100433B", NULL}, /* 百度在线网络技术（北京）有限公司 */
        {"91110108551385082Q", NULL}, /* 北京小米科技有限责任公司 */
        {"121200004013590816", NULL}, /* 事业单位 (机构编制 1, 类别 2) */
        {"92340602MA2PBMEM24", NULL}, /* 个体工商户 with an assigned MA code */
        {"91620105L015101280", NULL}, /* check character 0 (sum ≡ 0 mod 31) */
        {"9162010558590643X0", NULL}, /* X as the GB 11714 check at 17 */
        {"91620105585923360D", NULL}, /* 0 at 17: GB 11714's 11 → 0 */
        {"91340621MA2PBPLU08", NULL}, /* 0 at 17 in an assigned MA code */
        {"92340604MA2UK2B104", NULL},
    };
    (void)state;
    RUN_CASES(ts_codes_uscc_valid, cases);
}

static void test_uscc_invalid(void **state)
{
    static const struct code_case cases[] = {
        {NULL, "不能为空"},
        {"", "不能为空"},
        {"91350100M000100Y44", "校验位"}, /* last character changed */
        {"914403001922038217", "校验位"},
        {"91350100M000100Y34", "组织机构代码"}, /* 17 and 18 swapped */
        {"91350100m000100y43", "大写"},
        {"91350100M000100O43", "I、O、Z、S、V"},
        {"91350100M000I00Y43", "I、O、Z、S、V"},
        {"9135010OM000100Y43", "I、O、Z、S、V"},
        {"Z1350100M000100Y43", "I、O、Z、S、V"},
        {"91350100S000100Y43", "I、O、Z、S、V"},
        {"91350100V000100Y43", "I、O、Z、S、V"},
        {"91350100M000100Y4", "18位"},
        {"91350100M000100Y431", "18位"},
        {"91350100M000-00Y43", "只能包含"},
        {"91350100M000100Y4#", "只能包含"},
        {" 91350100M000100Y43", "空格"},
        {"91350100M000100Y43 ", "空格"},
        {"９１350100M000100Y43", "半角"}, /* full-width digits */
        {"统一社会信用代码", "半角"},
        /* A real pre-2016 Xiamen code whose check character does not follow
         * the standard (hutool issue #4119): refused, see the docs. */
        {"91350203M0001QKT19", "校验位"},
    };
    (void)state;
    RUN_CASES(ts_codes_uscc_valid, cases);
}

/* Changes that keep position 18 right make sure the other rules are
 * checked on their own, not only through the final check character. */
static void test_uscc_structure_rules(void **state)
{
    char code[19] = "91350100M000100Y5";
    const char *err = NULL;
    (void)state;

    code[17] = ts_codes_uscc_check_char(code); /* 18 right, 17 wrong */
    code[18] = '\0';
    assert_false(ts_codes_uscc_valid(code, &err));
    assert_non_null(strstr(err, "组织机构代码"));

    memcpy(code, "91A50100M000100Y4", 17); /* letter in the 行政区划码 */
    code[17] = ts_codes_uscc_check_char(code);
    assert_false(ts_codes_uscc_valid(code, &err));
    assert_non_null(strstr(err, "第3至8位"));
}

static void test_uscc_check_char(void **state)
{
    (void)state;
    assert_int_equal(ts_codes_uscc_check_char("91350100M000100Y4"), '3');
    assert_int_equal(ts_codes_uscc_check_char("9144030071526726X"), 'G');
    /* sum ≡ 0 (mod 31): 31 - 0 = 31 maps to '0' */
    assert_int_equal(ts_codes_uscc_check_char("91620105L01510128"), '0');
    assert_int_equal(ts_codes_uscc_check_char("911522010783762860"), '0');
    /* a character outside the set gives no check character */
    assert_int_equal(ts_codes_uscc_check_char("91350100M000100I4"), '\0');
    assert_int_equal(ts_codes_uscc_check_char("91350100m000100Y4"), '\0');
    assert_int_equal(ts_codes_uscc_check_char("9135010\0M000100Y4"), '\0');
}

/* ---- 海关编码, 纳税人识别号, 报关单号, HS ---- */

static void test_customs_code(void **state)
{
    static const struct code_case cases[] = {
        {"4403960123", NULL},       /* 深圳, 其他区, 私营 */
        {"3301961A2B", NULL},       /* capitals in the sequence number */
        {"4403W6001Z", NULL},       /* a capital as 经济区划 */
        {"1100000000", NULL},       /* 北京, lowest */
        {"6501999999", NULL},       /* 新疆, highest province */
        {"440396012", "10位"},      /* one short */
        {"44039601234", "10位"},    /* one long */
        {"4403w6001z", "大写"},     /* lowercase letters */
        {"44O3960123", "前4位"},    /* O for 0 in the 行政区划 */
        {"0003960123", "省级"},     /* no province 00 */
        {"9144030071", "省级"},     /* the start of a USCC pasted here */
        {"4403-60123", "只能包含"}, /* punctuation */
        {"4403９60123", "半角"},    /* a full-width digit */
        {"", "不能为空"},           /* empty field */
        {NULL, "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_customs_code_valid, cases);
}

static void test_taxpayer_id(void **state)
{
    static const struct code_case cases[] = {
        {"440300192203821", NULL},      /* old 15: 行政区划 + 组织机构代码 */
        {"44030019220382101", NULL},    /* 17 */
        {"9144030071526726XG", NULL},   /* 18 is a USCC */
        {"11010519491231002X01", NULL}, /* 20: GB 11643's sample 身份号码 + 2 */
        {"9144030071526726XH", "校验位"},
        {"9144030071526726xg", "大写"},
        {"4403001922038210", "15、17、18或20位"},
        {"44030019220382", "15、17、18或20位"},
        {"44030019220382_", "只能包含"},
        {"44030019220382x", "大写"},
        {"", "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_taxpayer_id_valid, cases);
}

static void test_decl_no(void **state)
{
    static const struct code_case cases[] = {
        {"530420261000123456", NULL},       {"000000000000000000", NULL},
        {"53042026100012345", "18位数字"},  {"5304202610001234567", "18位数字"},
        {"53042026100012345A", "18位数字"}, {"530420261000123456 ", "空格"},
        {"５30420261000123456", "半角"},    {NULL, "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_decl_no_valid, cases);
}

/* 海关编号 by structure: 关区, year, direction. */
static void test_entry_id(void **state)
{
    static const struct code_case cases[] = {
        {"790120260000012345", NULL},       {"530420261000123456", NULL},
        {"010019900000000001", NULL},       {"790120990000000001", NULL},
        {"000120260000012345", "关区"},     {"790119890000012345", "年份"},
        {"790121000000012345", "年份"},     {"790120262000012345", "第9位"},
        {"79012026000001234", "18位数字"},  {"7901202600000123456", "18位数字"},
        {"79012026000001234A", "18位数字"}, {"", "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_entry_id_valid, cases);
}

/* An export number: the 9th digit 0; an import number is named as such. */
static void test_export_entry_id(void **state)
{
    static const struct code_case cases[] = {
        {"790120260000012345", NULL},
        {"790120261000012345", "进口报关单"},
        {"790120263000012345", "第9位"},
        {"79012026000001234", "18位数字"},
    };
    (void)state;
    RUN_CASES(ts_codes_export_entry_id_valid, cases);
}

/* An import number: the 9th digit 1; an export number is named as such. */
static void test_import_entry_id(void **state)
{
    static const struct code_case cases[] = {
        {"790120261000012345", NULL},      {"790120260000012345", "出口报关单"},
        {"790120263000012345", "第9位"},   {"000120261000012345", "关区"},
        {"79012026100001234", "18位数字"},
    };
    (void)state;
    RUN_CASES(ts_codes_import_entry_id_valid, cases);
}

/* 关联号 = 18 digits + "0" + 2-digit 项号, and back. */
static void test_link_no(void **state)
{
    char out[TS_CODES_LINK_NO_LEN + 1], id[TS_CODES_DECL_NO_LEN + 1];
    const char *err = NULL;
    int g = 0;
    (void)state;
    assert_true(ts_codes_link_no_make("790120260000012345", 1, out));
    assert_string_equal(out, "790120260000012345001");
    assert_true(ts_codes_link_no_make("790120260000012345", 99, out));
    assert_string_equal(out, "790120260000012345099");
    assert_true(ts_codes_link_no_make("790120260000012345", 10, out));
    assert_string_equal(out, "790120260000012345010");
    assert_false(ts_codes_link_no_make("790120260000012345", 0, out));
    assert_string_equal(out, "");
    assert_false(ts_codes_link_no_make("790120260000012345", 100, out));
    assert_false(ts_codes_link_no_make("79012026000001234", 1, out));
    assert_false(ts_codes_link_no_make(NULL, 1, out));
    assert_true(ts_codes_link_no_parse("790120260000012345012", id, &g, &err));
    assert_string_equal(id, "790120260000012345");
    assert_int_equal(g, 12);
    assert_null(err);
    assert_false(ts_codes_link_no_parse("790120260000012345112", id, &g, &err));
    assert_non_null(strstr(err, "第19位"));
    assert_string_equal(id, "");
    assert_false(ts_codes_link_no_parse("790120260000012345000", id, &g, &err));
    assert_false(ts_codes_link_no_parse("79012026000001234501", id, &g, &err));
    assert_non_null(strstr(err, "21位"));
    assert_false(ts_codes_link_no_parse("000120260000012345001", id, &g, &err));
    assert_non_null(strstr(err, "关区"));
}

static void test_hs(void **state)
{
    static const struct code_case cases[] = {
        {"8471300000", NULL},       {"6109100021", NULL},
        {"84713000", "10位数字"},   {"847130000000", "10位数字"},
        {"8471.30.00", "10位数字"}, {"847130000A", "10位数字"},
        {"", "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_hs_valid, cases);
}

/* ---- 所属期 and dates ---- */

static void test_period(void **state)
{
    static const struct code_case cases[] = {
        {"202601", NULL},         {"200001", NULL},       {"209912", NULL},
        {"202600", "01至12"},     {"202613", "01至12"},   {"199912", "2000至2099"},
        {"210001", "2000至2099"}, {"2026-01", "6位数字"}, {"20261", "6位数字"},
        {"2026011", "6位数字"},   {"2026年1月", "半角"},  {"", "不能为空"},
    };
    int y = 0, m = 0;
    (void)state;
    RUN_CASES(ts_codes_period_valid, cases);
    assert_true(ts_codes_period_parse("202603", &y, &m, NULL));
    assert_int_equal(y, 2026);
    assert_int_equal(m, 3);
    y = m = -1;
    assert_false(ts_codes_period_parse("202699", &y, &m, NULL));
    assert_int_equal(y, -1); /* untouched on failure */
}

static void test_date(void **state)
{
    static const struct code_case cases[] = {
        {"2024-02-29", NULL}, /* leap: divisible by 4 */
        {"2000-02-29", NULL}, /* leap: divisible by 400 */
        {"1900-02-28", NULL},         {"2023-12-31", NULL},
        {"2026-01-01", NULL},         {"1900-01-01", NULL},
        {"2099-12-31", NULL},         {"1900-02-29", "不存在"}, /* not leap: divisible by 100 */
        {"2025-02-29", "不存在"},     {"2023-04-31", "不存在"},
        {"2023-01-00", "不存在"},     {"2023-01-32", "不存在"},
        {"2023-00-10", "01至12"},     {"2023-13-01", "01至12"},
        {"1899-12-31", "1900至2099"}, {"2100-01-01", "1900至2099"},
        {"2023-1-5", "YYYY-MM-DD"},   {"2023/01/05", "YYYY-MM-DD"},
        {"20230105", "YYYY-MM-DD"},   {"2023-01-05T00", "YYYY-MM-DD"},
        {"2023-01-05 ", "空格"},      {"２０２３-01-05", "半角"},
        {"2023年1月5日", "半角"},     {NULL, "不能为空"},
    };
    int y = 0, m = 0, d = 0;
    (void)state;
    RUN_CASES(ts_codes_date_valid, cases);
    assert_true(ts_codes_date_parse("2026-01-15", &y, &m, &d, NULL));
    assert_int_equal(y, 2026);
    assert_int_equal(m, 1);
    assert_int_equal(d, 15);
}

/* ---- contact and bank ---- */

static void test_mobile(void **state)
{
    static const struct code_case cases[] = {
        {"13800138000", NULL},
        {"19912345678", NULL},
        {"16600000000", NULL},
        {"12345678901", "13至19"},
        {"10086100860", "13至19"},
        {"23800138000", "13至19"},
        {"1380013800", "11位数字"},
        {"138001380000", "11位数字"},
        {"+8613800138000", "11位数字"},
        {"138-0013-8000", "11位数字"},
        {"138 0013 8000", "空格"},
        {"１３800138000", "半角"},
        {"", "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_mobile_valid, cases);
}

static void test_bank_account(void **state)
{
    static const struct code_case cases[] = {
        {"6222021234567890123", NULL},
        {"12345678", NULL},
        {"12345678901234567890123456789012", NULL},
        {"1234567", "8至32位"},
        {"123456789012345678901234567890123", "8至32位"},
        {"6222 0212 3456 7890", "空格"},
        {"6222-0212-3456-7890", "只能包含数字"},
        {"62220212345678X", "只能包含数字"},
        {"６222021234567890", "半角"},
        {NULL, "不能为空"},
    };
    char last8[9];
    (void)state;
    RUN_CASES(ts_codes_bank_account_valid, cases);
    assert_true(ts_codes_bank_account_last8("6222021234567890123", last8));
    assert_string_equal(last8, "67890123");
    assert_true(ts_codes_bank_account_last8("12345678", last8));
    assert_string_equal(last8, "12345678");
    assert_false(ts_codes_bank_account_last8("1234567", last8));
    assert_string_equal(last8, "");
    assert_false(ts_codes_bank_account_last8(NULL, last8));
    assert_string_equal(last8, "");
}

/* ---- accounts ---- */

static void test_login_name(void **state)
{
    static const struct code_case cases[] = {
        {"zhang.san", NULL},       {"ab_1", NULL},
        {"Officer-01", NULL},      {"a234567890123456789012345678901b", NULL},     /* 32 */
        {"abc", "4至32"},          {"a2345678901234567890123456789012x", "4至32"}, /* 33 */
        {"1abc", "字母开头"},      {"_abc", "字母开头"},
        {".abc", "字母开头"},      {"张三丰啊", "只能包含"},
        {"zhang san", "只能包含"}, {"user@example", "只能包含"},
        {"", "不能为空"},          {NULL, "不能为空"},
    };
    (void)state;
    RUN_CASES(ts_codes_login_name_valid, cases);
}

static bool policy8(const char *pw, const char **err)
{
    return ts_codes_password_policy(pw, 8, err);
}

static bool policy12(const char *pw, const char **err)
{
    return ts_codes_password_policy(pw, 12, err);
}

static void test_password_policy(void **state)
{
    static const struct code_case enterprise[] = {
        {"Abcdef12", NULL},
        {"abcd12!?", NULL},
        {"ABCD12!?", NULL},
        {"退税密码abc123", NULL}, /* 10 characters: other, lower, digit */
        {"Abc1234", "至少8个"},
        {"密码Ab1", "至少8个"},   /* 9 bytes but 5 characters */
        {"12345678", "至少三类"}, /* the seed's initial style */
        {"abcdefgh", "至少三类"},
        {"abcd1234", "至少三类"},
        {"Abcdef12\n", "控制字符"},
        {"Abcdef12\x7f", "控制字符"},
        {"Abcdef12\xff", "无法识别"},
        {"Abcdef12\xc0\xaf", "无法识别"},
        {"", "请填写密码"},
        {NULL, "请填写密码"},
    };
    static const struct code_case officer[] = {
        {"Tuishui-2026!", NULL},
        {"Abcdefgh1234", NULL},
        {"Abcdefgh123", "至少12个"},
        {"Abcdef12", "至少12个"},
    };
    char pw[TS_CODES_PASSWORD_MAX + 2];
    (void)state;
    RUN_CASES(policy8, enterprise);
    RUN_CASES(policy12, officer);

    memset(pw, 'a', TS_CODES_PASSWORD_MAX);
    memcpy(pw, "A1", 2);
    pw[TS_CODES_PASSWORD_MAX] = '\0';
    assert_true(ts_codes_password_policy(pw, 8, NULL)); /* 128 bytes */
    pw[TS_CODES_PASSWORD_MAX] = 'a';
    pw[TS_CODES_PASSWORD_MAX + 1] = '\0';
    const char *err = NULL;
    assert_false(ts_codes_password_policy(pw, 8, &err)); /* 129 bytes */
    assert_non_null(strstr(err, "128"));
    assert_true(ts_codes_password_policy("Abcdefgh12", 10, &err)); /* any floor */
    assert_false(ts_codes_password_policy("Abcdefgh1", 10, &err));
    assert_string_equal(err, "密码长度不足");
}

/* ---- UTF-8 ---- */

static bool utf8(const char *s, size_t len)
{
    return ts_codes_utf8_valid(s, len);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(utf8("", 0));
    assert_true(utf8(NULL, 0));
    assert_true(utf8("abc", 3));
    assert_true(utf8("退税", 6));
    assert_true(utf8("\xc2\x80", 2));         /* U+0080, smallest 2-byte */
    assert_true(utf8("\xdf\xbf", 2));         /* U+07FF */
    assert_true(utf8("\xe0\xa0\x80", 3));     /* U+0800, smallest 3-byte */
    assert_true(utf8("\xed\x9f\xbf", 3));     /* U+D7FF, just below surrogates */
    assert_true(utf8("\xee\x80\x80", 3));     /* U+E000, just above */
    assert_true(utf8("\xef\xbf\xbd", 3));     /* U+FFFD */
    assert_true(utf8("\xf0\x90\x80\x80", 4)); /* U+10000 */
    assert_true(utf8("𠮷", 4));               /* U+20BB7, a 4-byte 汉字 */
    assert_true(utf8("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF, the last */
    assert_true(utf8("退税abc", 3));          /* only len bytes are read */
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    assert_false(utf8(NULL, 1));
    assert_false(utf8("\x80", 1)); /* lone continuation */
    assert_false(utf8("\xbf", 1));
    assert_false(utf8("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8("\xc1\xbf", 2));         /* overlong U+007F */
    assert_false(utf8("\xe0\x80\xaf", 3));     /* overlong '/' */
    assert_false(utf8("\xe0\x9f\xbf", 3));     /* overlong U+07FF */
    assert_false(utf8("\xf0\x8f\xbf\xbf", 4)); /* overlong U+FFFF */
    assert_false(utf8("\xed\xa0\x80", 3));     /* U+D800 surrogate */
    assert_false(utf8("\xed\xbf\xbf", 3));     /* U+DFFF surrogate */
    assert_false(utf8("\xf4\x90\x80\x80", 4)); /* U+110000 */
    assert_false(utf8("\xf5\x80\x80\x80", 4));
    assert_false(utf8("\xf8\x88\x80\x80\x80", 5)); /* old 5-byte form */
    assert_false(utf8("\xfe", 1));
    assert_false(utf8("\xff", 1));
    assert_false(utf8("\xe9\x80", 2)); /* 退 cut short */
    assert_false(utf8("退税", 5));
    assert_false(utf8("\xe9\x80\x41", 3)); /* ASCII where a continuation belongs */
    assert_false(utf8("\xc3\x28", 2));
    assert_false(utf8("a\0b", 3));                /* NUL inside */
    assert_false(utf8("GBK\xcd\xcb\xcb\xb0", 7)); /* 退税 in GBK, not UTF-8 */
}

static void test_utf8_chars(void **state)
{
    (void)state;
    assert_int_equal(ts_codes_utf8_chars(NULL), 0);
    assert_int_equal(ts_codes_utf8_chars(""), 0);
    assert_int_equal(ts_codes_utf8_chars("abc"), 3);
    assert_int_equal(ts_codes_utf8_chars("退税abc"), 5);
    assert_int_equal(ts_codes_utf8_chars("𠮷野家"), 3);
    assert_int_equal(ts_codes_utf8_chars("¥100"), 4);
}

/* Civil-day arithmetic: the epoch, leap days, spans, and back. */
static void test_day_number(void **state)
{
    int y, m, d;
    (void)state;
    assert_int_equal(ts_codes_day_number("1970-01-01"), 0);
    assert_int_equal(ts_codes_day_number("2024-03-01") - ts_codes_day_number("2024-02-28"), 2);
    assert_int_equal(ts_codes_day_number("2025-03-01") - ts_codes_day_number("2025-02-28"), 1);
    assert_int_equal(ts_codes_day_number("2026-12-31") - ts_codes_day_number("2026-01-01"), 364);
    assert_int_equal(ts_codes_day_number("2026-02-30"), 0);
    ts_codes_civil_from_days(ts_codes_days_from_civil(2000, 2, 29) + 366, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20010301);
    assert_false(ts_codes_refuse(NULL, "x"));
    const char *err = "old";
    assert_true(ts_codes_accept(&err));
    assert_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uscc_real_codes),
        cmocka_unit_test(test_uscc_invalid),
        cmocka_unit_test(test_uscc_structure_rules),
        cmocka_unit_test(test_uscc_check_char),
        cmocka_unit_test(test_customs_code),
        cmocka_unit_test(test_taxpayer_id),
        cmocka_unit_test(test_decl_no),
        cmocka_unit_test(test_entry_id),
        cmocka_unit_test(test_export_entry_id),
        cmocka_unit_test(test_import_entry_id),
        cmocka_unit_test(test_link_no),
        cmocka_unit_test(test_hs),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_bank_account),
        cmocka_unit_test(test_login_name),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_day_number),
    };
    return cmocka_run_group_tests_name("ts_codes", tests, NULL, NULL);
}
