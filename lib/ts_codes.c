#include "ts_codes.h"

#include <string.h>

/* The messages are shown next to the field the value came from, so they
 * name the field only where the rule is specific to it. */
#define MSG_EMPTY     "此项不能为空"
#define MSG_FULLWIDTH "请用半角数字和字母输入（不要用全角字符或汉字）"
#define MSG_SPACE     "不能包含空格"

/* Record a refusal for the caller's form and say no. */
bool ts_codes_refuse(const char **err, const char *msg)
{
    if (err)
        *err = msg;
    return false;
}

/* Record that there is nothing to say and say yes. */
bool ts_codes_accept(const char **err)
{
    if (err)
        *err = NULL;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static bool has_lower(const char *s)
{
    for (; *s; s++)
        if (is_lower(*s))
            return true;
    return false;
}

/* The value of n (at most 4) digits the caller has already checked. */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The mistakes people make typing any code, found before the code's own
 * rules so the message names the real problem: an empty field, an input
 * method left in full-width mode (全角) or Chinese pasted in, and spaces
 * copied from a document. Returns the message or NULL. */
static const char *typing_problem(const char *s)
{
    if (!s || !*s)
        return MSG_EMPTY;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return MSG_FULLWIDTH;
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            return MSG_SPACE;
    return NULL;
}

/* A field that is exactly n digits and nothing else: 报关单号, HS 编号. */
static bool fixed_digits(const char *s, size_t n, const char *msg, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (strlen(s) != n || !all_digits(s, n))
        return ts_codes_refuse(err, msg);
    return ts_codes_accept(err);
}

/* ---- 统一社会信用代码 (GB 32100-2015) ---- */

/* The 31 characters of the code, in value order: digits, then the capital
 * letters without I, O, Z, S and V (they look like 1, 0, 2, 5 and U). */
static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weights of positions 1-17: 3^(i-1) mod 31 (ISO 7064 MOD 31-3). */
static const int uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};

/* The value of one code character, or -1 if it is not in the set. */
static int uscc_value(char c)
{
    const char *p = c ? strchr(uscc_charset, c) : NULL;
    return p ? (int)(p - uscc_charset) : -1;
}

/* GB 32100 check character: 31 - (Σ weight·value mod 31), where 31 maps
 * to 0. Used to verify position 18 and by tests and seed data to make
 * codes. */
char ts_codes_uscc_check_char(const char first17[17])
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(first17[i]);
        if (v < 0)
            return '\0';
        sum += uscc_weights[i] * v;
    }
    return uscc_charset[(31 - sum % 31) % 31];
}

/* GB 11714 check character of a 组织机构代码 body (8 characters, digits
 * and capitals worth 0-35): 11 - (Σ weight·value mod 11), 10 → 'X' and
 * 11 → '0'. Positions 9-17 of a USCC are such a code. */
static char org_code_check_char(const char body[8])
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = is_digit(body[i]) ? body[i] - '0' : body[i] - 'A' + 10;
        sum += weights[i] * v;
    }
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* Why a USCC-length string has a character outside the code's set. */
static const char *uscc_charset_problem(const char *s)
{
    if (has_lower(s))
        return "统一社会信用代码中的字母应为大写";
    for (const char *p = s; *p; p++)
        if (strchr("IOZSV", *p))
            return "统一社会信用代码不使用字母 I、O、Z、S、V，请核对（常见：O 应为数字 0）";
    for (const char *p = s; *p; p++)
        if (uscc_value(*p) < 0)
            return "统一社会信用代码只能包含数字和大写字母";
    return NULL;
}

/* The 18-character code every enterprise has since 2015, checked by its
 * structure and both check characters. Positions 1-2 (登记管理部门 and
 * 机构类别) are only checked against the character set: the departments'
 * table has grown since 2015 and the check character already guards them. */
bool ts_codes_uscc_valid(const char *s, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (strlen(s) != TS_CODES_USCC_LEN)
        return ts_codes_refuse(err, "统一社会信用代码应为18位");
    problem = uscc_charset_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (!all_digits(s + 2, 6))
        return ts_codes_refuse(err, "统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字");
    if (org_code_check_char(s + 8) != s[16])
        return ts_codes_refuse(err, "统一社会信用代码第9至17位（组织机构代码）校验不符，请核对");
    if (ts_codes_uscc_check_char(s) != s[17])
        return ts_codes_refuse(err, "统一社会信用代码校验位（第18位）不符，请核对");
    return ts_codes_accept(err);
}

/* ---- 海关编码, 纳税人识别号, 报关单号, HS 编号 ---- */

/* 省级行政区划代码 (GB/T 2260), the first two digits of a 海关编码. */
static bool is_province_code(int code)
{
    static const unsigned char provinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33,
                                              34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
                                              51, 52, 53, 54, 61, 62, 63, 64, 65};
    for (size_t i = 0; i < sizeof provinces; i++)
        if (provinces[i] == code)
            return true;
    return false;
}

/* True when every character is a digit or a capital letter. */
static bool digits_and_capitals(const char *s)
{
    for (; *s; s++)
        if (!is_digit(*s) && !is_upper(*s))
            return false;
    return true;
}

/* 企业海关编码 (海关注册编码) as on the 报关单位注册登记证书: positions 1-4
 * the registration place's 行政区划 (province, city), 5 经济区划, 6 企业
 * 经济类型, 7-10 a sequence number. Positions 5-10 may hold capitals, so
 * only 1-4 are held to digits, and 1-2 to a real province: that also
 * catches a USCC pasted into this field. */
bool ts_codes_customs_code_valid(const char *s, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (strlen(s) != TS_CODES_CUSTOMS_LEN)
        return ts_codes_refuse(err, "海关编码应为10位");
    if (has_lower(s))
        return ts_codes_refuse(err, "海关编码中的字母应为大写");
    if (!digits_and_capitals(s))
        return ts_codes_refuse(err, "海关编码只能包含数字和大写字母");
    if (!all_digits(s, 4))
        return ts_codes_refuse(err, "海关编码前4位应为数字（注册地行政区划）");
    if (!is_province_code(digits_value(s, 2)))
        return ts_codes_refuse(err, "海关编码前2位不是省级行政区划代码，请核对");
    return ts_codes_accept(err);
}

/* 纳税人识别号 as tax records hold it: 15 (old 税务登记证号), 17, 18 (the
 * USCC) or 20 characters (身份证号 based). Only the 18-character form has
 * a check character we can verify. */
bool ts_codes_taxpayer_id_valid(const char *s, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    size_t len = strlen(s);
    if (len == TS_CODES_USCC_LEN)
        return ts_codes_uscc_valid(s, err);
    if (len != 15 && len != 17 && len != 20)
        return ts_codes_refuse(err, "纳税人识别号应为15、17、18或20位");
    if (has_lower(s))
        return ts_codes_refuse(err, "纳税人识别号中的字母应为大写");
    if (!digits_and_capitals(s))
        return ts_codes_refuse(err, "纳税人识别号只能包含数字和大写字母");
    return ts_codes_accept(err);
}

/* 报关单号 (海关编号): 4 关区 + 4 year + 1 进出口标志 + 9 sequence. Only
 * the length and digits are enforced. */
bool ts_codes_decl_no_valid(const char *s, const char **err)
{
    return fixed_digits(s, TS_CODES_DECL_NO_LEN, "报关单号应为18位数字", err);
}

/* 海关编号 by its parts (ts_codes.h): the messages name the part that is
 * wrong, so a clerk who typed a 预录入编号 or an import number sees why. */
bool ts_codes_entry_id_valid(const char *s, const char **err)
{
    if (!fixed_digits(s, TS_CODES_DECL_NO_LEN, "报关单号应为18位数字", err))
        return false;
    if (s[0] == '0' && s[1] == '0')
        return ts_codes_refuse(err, "报关单号前4位应为申报地海关的关区代码");
    int year = digits_value(s + 4, 4);
    if (year < 1990 || year > 2099)
        return ts_codes_refuse(err, "报关单号第5-8位应为申报年份");
    if (s[8] != '0' && s[8] != '1')
        return ts_codes_refuse(err, "报关单号第9位应为0（出口）或1（进口）");
    return ts_codes_accept(err);
}

/* An export declaration's 海关编号: the 9th digit is 0. */
bool ts_codes_export_entry_id_valid(const char *s, const char **err)
{
    if (!ts_codes_entry_id_valid(s, err))
        return false;
    if (s[8] != '0')
        return ts_codes_refuse(err, "报关单号第9位为1，是进口报关单，请输入出口报关单号");
    return ts_codes_accept(err);
}

/* An import declaration's 海关编号: the 9th digit is 1. */
bool ts_codes_import_entry_id_valid(const char *s, const char **err)
{
    if (!ts_codes_entry_id_valid(s, err))
        return false;
    if (s[8] != '1')
        return ts_codes_refuse(err, "报关单号第9位为0，是出口报关单，请输入进口报关单号");
    return ts_codes_accept(err);
}

/* 关联号 of one product line: number + "0" + 项号 in two digits. */
bool ts_codes_link_no_make(const char *entry_id, int g_no, char out[TS_CODES_LINK_NO_LEN + 1])
{
    out[0] = '\0';
    if (!ts_codes_entry_id_valid(entry_id, NULL) || g_no < 1 || g_no > 99)
        return false;
    memcpy(out, entry_id, TS_CODES_DECL_NO_LEN);
    out[18] = '0';
    out[19] = (char)('0' + g_no / 10);
    out[20] = (char)('0' + g_no % 10);
    out[21] = '\0';
    return true;
}

/* A 关联号 split into its 海关编号 and 项号. */
bool ts_codes_link_no_parse(const char *s, char entry_id[TS_CODES_DECL_NO_LEN + 1], int *g_no,
                            const char **err)
{
    entry_id[0] = '\0';
    if (!fixed_digits(s, TS_CODES_LINK_NO_LEN, "关联号应为21位数字（报关单号+0+2位项号）", err))
        return false;
    memcpy(entry_id, s, TS_CODES_DECL_NO_LEN);
    entry_id[TS_CODES_DECL_NO_LEN] = '\0';
    if (!ts_codes_entry_id_valid(entry_id, err)) {
        entry_id[0] = '\0';
        return false;
    }
    int n = digits_value(s + 19, 2);
    if (s[18] != '0' || n < 1) {
        entry_id[0] = '\0';
        return ts_codes_refuse(err, "关联号第19位应为0，第20-21位为项号（01-99）");
    }
    *g_no = n;
    return ts_codes_accept(err);
}

/* HS 商品编号 as the 报关单 carries it: 10 digits (8 of the tariff plus 2
 * of the customs' own statistics). */
bool ts_codes_hs_valid(const char *s, const char **err)
{
    return fixed_digits(s, TS_CODES_HS_LEN, "商品编号应为10位数字", err);
}

/* ---- 所属期 and dates ---- */

/* 所属期 (the month a declaration belongs to), YYYYMM; year and month are
 * written only on success and may be NULL. */
bool ts_codes_period_parse(const char *s, int *year, int *month, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (strlen(s) != 6 || !all_digits(s, 6))
        return ts_codes_refuse(err, "所属期应为6位数字，如 202601");
    int y = digits_value(s, 4), m = digits_value(s + 4, 2);
    if (y < 2000 || y > 2099)
        return ts_codes_refuse(err, "所属期年份应在2000至2099之间");
    if (m < 1 || m > 12)
        return ts_codes_refuse(err, "所属期月份应为01至12");
    if (year)
        *year = y;
    if (month)
        *month = m;
    return ts_codes_accept(err);
}

bool ts_codes_period_valid(const char *s, const char **err)
{
    return ts_codes_period_parse(s, NULL, NULL, err);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* True when s has the shape DDDD-DD-DD. */
static bool date_shape(const char *s)
{
    return strlen(s) == 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) &&
           s[7] == '-' && all_digits(s + 8, 2);
}

/* A calendar date as forms and MySQL write it, YYYY-MM-DD, that exists
 * (2024-02-29 does, 2025-02-29 and 1900-02-29 do not). Years outside
 * 1900-2099 are refused as typing mistakes. The parts are written only on
 * success and may be NULL. */
bool ts_codes_date_parse(const char *s, int *year, int *month, int *day, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    if (!date_shape(s))
        return ts_codes_refuse(err, "日期格式应为 YYYY-MM-DD，如 2026-01-15");
    int y = digits_value(s, 4), m = digits_value(s + 5, 2), d = digits_value(s + 8, 2);
    if (y < 1900 || y > 2099)
        return ts_codes_refuse(err, "日期年份应在1900至2099之间");
    if (m < 1 || m > 12)
        return ts_codes_refuse(err, "日期月份应为01至12");
    if (d < 1 || d > days_in_month(y, m))
        return ts_codes_refuse(err, "日期不存在（该月没有这一天）");
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return ts_codes_accept(err);
}

bool ts_codes_date_valid(const char *s, const char **err)
{
    return ts_codes_date_parse(s, NULL, NULL, NULL, err);
}

/* ---- contact and bank ---- */

/* A mainland 手机号 as typed, without +86 or separators. */
bool ts_codes_mobile_valid(const char *s, const char **err)
{
    if (!fixed_digits(s, 11, "手机号应为11位数字", err))
        return false;
    if (s[0] != '1' || s[1] < '3')
        return ts_codes_refuse(err, "手机号应以13至19开头");
    return ts_codes_accept(err);
}

/* 银行账号 (退税账户) as the bank prints it, digits only: 8-32 covers
 * corporate and card accounts. Spaces are refused rather than removed so
 * that what is stored is what was checked. */
bool ts_codes_bank_account_valid(const char *s, const char **err)
{
    const char *problem = typing_problem(s);
    if (problem)
        return ts_codes_refuse(err, problem);
    size_t len = strlen(s);
    if (!all_digits(s, len))
        return ts_codes_refuse(err, "银行账号只能包含数字");
    if (len < 8 || len > 32)
        return ts_codes_refuse(err, "银行账号应为8至32位数字");
    return ts_codes_accept(err);
}

/* The last 8 digits, which pages show instead of the whole account. */
bool ts_codes_bank_account_last8(const char *acct, char out[9])
{
    out[0] = '\0';
    if (!ts_codes_bank_account_valid(acct, NULL))
        return false;
    memcpy(out, acct + strlen(acct) - 8, 8);
    out[8] = '\0';
    return true;
}

/* ---- accounts ---- */

static bool login_char(char c)
{
    return is_digit(c) || is_upper(c) || is_lower(c) || c == '_' || c == '.' || c == '-';
}

/* 登录名称 for every role: ASCII so it is typed the same on any keyboard
 * and safe in logs and URLs; a leading letter so it never looks like a
 * number or an option. */
bool ts_codes_login_name_valid(const char *s, const char **err)
{
    if (!s || !*s)
        return ts_codes_refuse(err, MSG_EMPTY);
    for (const char *p = s; *p; p++)
        if (!login_char(*p))
            return ts_codes_refuse(
                err, "登录名称只能包含英文字母、数字、下划线（_）、点（.）和连字符（-）");
    size_t len = strlen(s);
    if (len < 4 || len > 32)
        return ts_codes_refuse(err, "登录名称应为4至32个字符");
    if (!is_upper(s[0]) && !is_lower(s[0]))
        return ts_codes_refuse(err, "登录名称应以英文字母开头");
    return ts_codes_accept(err);
}

/* How many of the 4 classes (lower, upper, digit, other) a password uses;
 * any non-ASCII character counts as other. */
static int password_classes(const char *pw)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (const char *p = pw; *p; p++) {
        if (is_lower(*p))
            lower = true;
        else if (is_upper(*p))
            upper = true;
        else if (is_digit(*p))
            digit = true;
        else
            other = true;
    }
    return lower + upper + digit + other;
}

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

/* The message for a password shorter than min_len, for the floors the
 * design sets (enterprises 8, officers and operators 12). */
static const char *password_short_msg(size_t min_len)
{
    switch (min_len) {
    case 8:
        return "密码至少8个字符";
    case 12:
        return "密码至少12个字符";
    default:
        return "密码长度不足";
    }
}

/* The rule for a new password (design.md, Security baseline). Length is
 * counted in characters, as the rule is written, and capped in bytes,
 * because that is what the hash and the form limit see. */
bool ts_codes_password_policy(const char *pw, size_t min_len, const char **err)
{
    if (!pw || !*pw)
        return ts_codes_refuse(err, "请填写密码");
    size_t len = strlen(pw);
    if (len > TS_CODES_PASSWORD_MAX)
        return ts_codes_refuse(err, "密码不能超过128个字节");
    if (!ts_codes_utf8_valid(pw, len))
        return ts_codes_refuse(err, "密码包含无法识别的字符");
    if (has_control(pw))
        return ts_codes_refuse(err, "密码不能包含控制字符");
    if (ts_codes_utf8_chars(pw) < min_len)
        return ts_codes_refuse(err, password_short_msg(min_len));
    if (password_classes(pw) < 3)
        return ts_codes_refuse(err, "密码需包含大写字母、小写字母、数字和其他符号中的至少三类");
    return ts_codes_accept(err);
}

/* ---- UTF-8 ---- */

/* Length of the sequence a lead byte starts and the allowed range of the
 * byte after it, which is where overlongs (E0, F0), surrogates (ED) and
 * code points above U+10FFFF (F4) are excluded. 0 for an invalid lead. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF) {
        *lo = c == 0xE0 ? 0xA0 : 0x80;
        *hi = c == 0xED ? 0x9F : 0xBF;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        *lo = c == 0xF0 ? 0x90 : 0x80;
        *hi = c == 0xF4 ? 0x8F : 0xBF;
        return 4;
    }
    return 0;
}

/* Bytes in the well-formed character at p (left bytes remain), 0 if it is
 * not one. NUL is refused: text goes on as C strings, where it would cut
 * the value short without anyone seeing it. */
static size_t utf8_char_len(const unsigned char *p, size_t left)
{
    if (p[0] == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    unsigned char lo, hi;
    size_t n = utf8_lead(p[0], &lo, &hi);
    if (n == 0 || left < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Strict UTF-8 (RFC 3629 well-formed) for form fields and imported text,
 * checked before anything counts characters or stores the value. */
bool ts_codes_utf8_valid(const char *s, size_t len)
{
    if (!s)
        return len == 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_char_len(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Characters as forms count them (a 汉字 is one): every byte that is not a
 * continuation byte starts one. */
size_t ts_codes_utf8_chars(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* H. Hinnant's days_from_civil. */
int64_t ts_codes_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* H. Hinnant's civil_from_days. */
void ts_codes_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* For spans between two dates a form gave (a query's range in days). */
int64_t ts_codes_day_number(const char *ymd)
{
    int y, m, d;
    if (!ts_codes_date_parse(ymd, &y, &m, &d, NULL))
        return 0;
    return ts_codes_days_from_civil(y, m, d);
}
