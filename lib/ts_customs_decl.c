/* ts_customs_decl — the 出口报关单 model, its XML reader and writer, and
 * its storage with versions (ts_customs_decl.h, docs/formats.md).
 *
 * The reader is expat without namespace processing, fed in 64 KiB chunks,
 * with the guards of lib/ts_xlsx: a DOCTYPE or an entity declaration
 * refuses the file, nesting is capped, and a single unfinished token (a
 * tag with huge attributes, a comment) longer than MAX_TOKEN stops it
 * before expat buffers it whole.  A field's text longer than
 * TS_CDECL_MAX_VALUE is not kept: the declaration gets an error. */
#include "ts_customs_decl.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_audit.h"
#include "ts_codes.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_log.h"
#include "ts_money.h"
#include "ts_reflib.h"
#include "ts_render.h"

#include <expat.h>

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK     (64 * 1024)
#define MAX_DEPTH 16          /* DecMessages/DecMessage/DecLists/DecList/field is 5 */
#define MAX_TOKEN (64 * 1024) /* bytes expat may hold for one unfinished token */

#define F(x, c, l, k, req, nul, mn, mx)                                                            \
    {                                                                                              \
        (x), (c), (l), (k), (req), (nul), (mn), (mx), NULL                                         \
    }
#define CH(x, c, l, req, ch)                                                                       \
    {                                                                                              \
        (x), (c), (l), TS_CDECL_CHOICE, (req), false, 0, 0, (ch)                                   \
    }

/* DecHead, in the column order of export_decl_head (schema/011). */
const struct ts_cdecl_field ts_cdecl_head_fields[TS_CDECL_HEAD_N] = {
    CH("DeclType", "decl_type", "报关单类型", false, "12"),
    F("SeqNo", "seq_no", "数据中心统一编号", TS_CDECL_DIGITS, false, false, 1, 18),
    F("PreEntryId", "pre_entry_id", "预录入编号", TS_CDECL_DIGITS, false, false, 1, 18),
    F("EntryId", "entry_id", "海关编号", TS_CDECL_ENTRY_ID, true, false, 0, 0),
    CH("IEFlag", "ie_flag", "进出口标志", false, "E"),
    F("CustomMaster", "custom_master", "申报地海关", TS_CDECL_DIGITS, true, false, 4, 4),
    F("IEPort", "ie_port", "出境关别", TS_CDECL_DIGITS, true, false, 4, 4),
    F("IEDate", "ie_date", "出口日期", TS_CDECL_DATE, true, false, 0, 0),
    F("DDate", "d_date", "申报日期", TS_CDECL_DATE, true, false, 0, 0),
    F("ClearDate", "clear_date", "结关日期", TS_CDECL_DATE, false, true, 0, 0),
    F("TradeCoScc", "trade_co_scc", "境内发货人统一社会信用代码", TS_CDECL_USCC, false, false, 0,
      0),
    F("TradeCode", "trade_code", "境内发货人海关编码", TS_CDECL_CUSTOMS, true, false, 0, 0),
    F("TradeName", "trade_name", "境内发货人名称", TS_CDECL_TEXT, true, false, 1, 200),
    F("OwnerCodeScc", "owner_code_scc", "生产销售单位统一社会信用代码", TS_CDECL_USCC, false, false,
      0, 0),
    F("OwnerCode", "owner_code", "生产销售单位海关编码", TS_CDECL_CUSTOMS, false, false, 0, 0),
    F("OwnerName", "owner_name", "生产销售单位名称", TS_CDECL_TEXT, false, false, 1, 200),
    F("TrafMode", "traf_mode", "运输方式", TS_CDECL_CODE, true, false, 1, 1),
    F("BillNo", "bill_no", "提运单号", TS_CDECL_TEXT, false, false, 1, 50),
    F("TradeMode", "trade_mode", "监管方式", TS_CDECL_DIGITS, true, false, 4, 4),
    F("CutMode", "cut_mode", "征免性质", TS_CDECL_DIGITS, false, false, 3, 3),
    F("TransMode", "trans_mode", "成交方式", TS_CDECL_DIGITS, true, false, 1, 1),
    CH("FeeMark", "fee_mark", "运费标记", false, "123"),
    F("FeeRate", "fee_rate", "运费", TS_CDECL_QTY, false, true, 0, 0),
    F("FeeCurr", "fee_curr", "运费币制", TS_CDECL_CODE, false, false, 3, 3),
    CH("InsurMark", "insur_mark", "保费标记", false, "13"),
    F("InsurRate", "insur_rate", "保费", TS_CDECL_QTY, false, true, 0, 0),
    F("InsurCurr", "insur_curr", "保费币制", TS_CDECL_CODE, false, false, 3, 3),
    F("ContrNo", "contr_no", "合同协议号", TS_CDECL_TEXT, false, false, 1, 50),
    F("TradeCountry", "trade_country", "运抵国（地区）", TS_CDECL_CODE, true, false, 3, 3),
    F("DistinatePort", "distinate_port", "指运港", TS_CDECL_CODE, false, false, 6, 6),
    F("PackNo", "pack_no", "件数", TS_CDECL_INT, false, false, 0, 999999999),
    F("GrossWet", "gross_wet", "毛重（千克）", TS_CDECL_QTY, false, false, 0, 0),
    F("NetWt", "net_wt", "净重（千克）", TS_CDECL_QTY, false, false, 0, 0),
};

/* DecList, in the column order of export_decl_list after head_id. */
const struct ts_cdecl_field ts_cdecl_list_fields[TS_CDECL_LIST_N] = {
    F("GNo", "g_no", "项号", TS_CDECL_INT, true, false, 1, TS_CDECL_MAX_LINES),
    F("CodeTS", "code_ts", "商品编号", TS_CDECL_HS, true, false, 0, 0),
    F("GName", "g_name", "商品名称", TS_CDECL_TEXT, true, false, 1, 255),
    F("GModel", "g_model", "规格型号", TS_CDECL_TEXT, false, false, 1, 255),
    F("GQty", "g_qty", "成交数量", TS_CDECL_QTY, true, false, 0, 0),
    F("GUnit", "g_unit", "成交计量单位", TS_CDECL_DIGITS, true, false, 3, 3),
    F("FirstQty", "first_qty", "法定第一数量", TS_CDECL_QTY, true, false, 0, 0),
    F("FirstUnit", "first_unit", "法定第一计量单位", TS_CDECL_DIGITS, true, false, 3, 3),
    F("SecondQty", "second_qty", "法定第二数量", TS_CDECL_QTY, false, true, 0, 0),
    F("SecondUnit", "second_unit", "法定第二计量单位", TS_CDECL_DIGITS, false, false, 3, 3),
    F("DeclPrice", "decl_price", "单价", TS_CDECL_PRICE, true, false, 0, 0),
    F("DeclTotal", "decl_total", "总价", TS_CDECL_MONEY, true, false, 0, 0),
    F("TradeCurr", "trade_curr", "币制", TS_CDECL_CODE, true, false, 3, 3),
    F("UsdFob", "usd_fob", "美元离岸价", TS_CDECL_MONEY, true, false, 0, 0),
    F("RmbFob", "rmb_fob", "人民币离岸价", TS_CDECL_MONEY, true, false, 0, 0),
    F("OriginCountry", "origin_country", "原产国（地区）", TS_CDECL_CODE, true, false, 3, 3),
    F("DestinationCountry", "destination_country", "最终目的国（地区）", TS_CDECL_CODE, true, false,
      3, 3),
    F("DistrictCode", "district_code", "境内货源地", TS_CDECL_DIGITS, false, false, 5, 5),
    F("DutyMode", "duty_mode", "征免", TS_CDECL_DIGITS, false, false, 1, 1),
};

/* ---- the model ---- */

/* A declaration with every value "" (never NULL: pages and SQL need no
 * special case). */
struct ts_cdecl *ts_cdecl_new(struct ts_arena *a)
{
    struct ts_cdecl *d = ts_arena_zalloc(a, sizeof *d);
    d->arena = a;
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        d->head[i] = "";
    return d;
}

/* One more product line; the array doubles in the arena (the old copy is
 * freed with the arena). */
struct ts_cdecl_line *ts_cdecl_add_line(struct ts_arena *a, struct ts_cdecl *d)
{
    if (d->nlines >= TS_CDECL_MAX_LINES)
        return NULL;
    if (d->nlines == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        struct ts_cdecl_line *n = ts_arena_alloc(a, cap * sizeof *n);
        if (d->nlines)
            memcpy(n, d->lines, d->nlines * sizeof *n);
        d->lines = n;
        d->cap = cap;
    }
    struct ts_cdecl_line *l = &d->lines[d->nlines++];
    for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
        l->v[j] = "";
    return l;
}

/* The list doubles in the arena (the old copy stays there until the
 * arena goes): problems are few, and kept in the order found. */
void ts_cdecl_errors_add(struct ts_arena *a, const char ***list, size_t *n, size_t *cap,
                         const char *msg)
{
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 8;
        const char **l = ts_arena_alloc(a, grown * sizeof *l);
        if (*n)
            memcpy(l, *list, *n * sizeof *l);
        *list = l;
        *cap = grown;
    }
    (*list)[(*n)++] = msg;
}

/* Keep a problem for the page. */
void ts_cdecl_error(struct ts_arena *a, struct ts_cdecl *d, const char *msg)
{
    ts_cdecl_errors_add(a, &d->errors, &d->nerrors, &d->errcap, msg);
}

static bool in_range(char c, char lo, char hi)
{
    return c >= lo && c <= hi;
}

/* Only characters of the set (digits; with capitals when caps). */
static bool code_chars(const char *s, bool caps)
{
    for (; *s; s++)
        if (!in_range(*s, '0', '9') && !(caps && in_range(*s, 'A', 'Z')))
            return false;
    return true;
}

/* A decimal as customs writes it: digits, optionally a point and 1..frac
 * digits, at most int_max digits before the point.  No sign, no spaces. */
static bool decimal_ok(const char *s, size_t int_max, size_t frac)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > int_max)
        return false;
    if (!s[n])
        return true;
    if (s[n] != '.')
        return false;
    size_t m = strspn(s + n + 1, "0123456789");
    return m >= 1 && m <= frac && !s[n + 1 + m];
}

/* Two digits at s whose value is at most max. */
static bool two_digits_upto(const char *s, int max)
{
    return in_range(s[0], '0', '9') && in_range(s[1], '0', '9') &&
           (s[0] - '0') * 10 + (s[1] - '0') <= max;
}

/* The time a message may write after its date — hhmm[ss] right after
 * YYYYMMDD (compact), or hh:mm[:ss][.fraction][Z|±hh:mm] after
 * "YYYY-MM-DD " / "YYYY-MM-DDT" — is well formed.  Customs' DDate carries
 * the declaring time (20261101093000); the portal keeps only the day
 * (docs/formats.md), but a garbled time still means a garbled value. */
static bool time_ok(const char *t, bool compact)
{
    size_t n = strlen(t);
    if (compact)
        return (n == 4 || n == 6) && code_chars(t, false) && two_digits_upto(t, 23) &&
               two_digits_upto(t + 2, 59) && (n == 4 || two_digits_upto(t + 4, 60));
    if (n < 5 || !two_digits_upto(t, 23) || t[2] != ':' || !two_digits_upto(t + 3, 59))
        return false;
    t += 5;
    if (t[0] == ':') {
        if (!two_digits_upto(t + 1, 60))
            return false;
        t += 3;
        if (t[0] == '.') {
            size_t f = strspn(t + 1, "0123456789");
            if (f < 1 || f > 9)
                return false;
            t += 1 + f;
        }
    }
    if (t[0] == 'Z')
        return t[1] == '\0';
    if (t[0] == '+' || t[0] == '-')
        return strlen(t) == 6 && two_digits_upto(t + 1, 14) && t[3] == ':' &&
               two_digits_upto(t + 4, 59);
    return t[0] == '\0';
}

/* A date as stored (YYYY-MM-DD) from YYYY-MM-DD or the message's
 * YYYYMMDD, either with a time after it that is dropped (time_ok); NULL
 * if it is not a real date. */
static const char *date_norm(struct ts_arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n >= 8 && strspn(s, "0123456789") >= 8) {
        if (!time_ok(s + 8, true) && n != 8)
            return NULL;
        s = ts_arena_printf(a, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    } else if (n > 10) {
        if ((s[10] != ' ' && s[10] != 'T') || !time_ok(s + 11, false))
            return NULL;
        s = ts_arena_strndup(a, s, 10);
    }
    return ts_codes_date_valid(s, NULL) ? s : NULL;
}

/* Text: valid UTF-8 without control characters, min..max characters. */
static const char *text_problem(const struct ts_cdecl_field *f, const char *v)
{
    if (!ts_codes_utf8_valid(v, strlen(v)))
        return "含有无效字符";
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "不能包含换行等控制字符";
    size_t n = ts_codes_utf8_chars(v);
    return n < (size_t)f->min || n > (size_t)f->max ? "长度超出限制" : NULL;
}

/* Money: yuan, not negative, stored with two decimals. */
static const char *money_problem(struct ts_arena *a, const char **v)
{
    int64_t fen;
    char buf[TS_MONEY_BUF];
    if (!ts_money_parse(*v, &fen, NULL))
        return "应为金额（元），最多2位小数";
    if (fen < 0)
        return "不能为负数";
    ts_money_format(fen, buf, sizeof buf);
    *v = ts_arena_strdup(a, buf);
    return NULL;
}

/* A whole number within min..max, stored without leading zeros. */
static const char *int_problem(struct ts_arena *a, const struct ts_cdecl_field *f, const char **v)
{
    const char *s = *v;
    size_t n = strlen(s);
    if (n == 0 || n > 9 || !code_chars(s, false))
        return "应为整数";
    int64_t x = 0;
    for (; *s; s++)
        x = x * 10 + (*s - '0');
    if (x < f->min || x > f->max)
        return ts_arena_printf(a, "应在%lld到%lld之间", (long long)f->min, (long long)f->max);
    *v = ts_arena_printf(a, "%lld", (long long)x);
    return NULL;
}

/* A code of a length range.  Membership of the code lists (币制, 国别
 * ...) needs the database: ts_cdecl_check_codes, when customs publishes. */
static const char *code_problem(struct ts_arena *a, const struct ts_cdecl_field *f, const char *v,
                                bool caps)
{
    size_t n = strlen(v);
    if (n >= (size_t)f->min && n <= (size_t)f->max && code_chars(v, caps))
        return NULL;
    const char *what = caps ? "数字或大写字母" : "数字";
    return f->min == f->max ? ts_arena_printf(a, "应为%lld位%s", (long long)f->min, what)
                            : ts_arena_printf(a, "应为%lld-%lld位%s", (long long)f->min,
                                              (long long)f->max, what);
}

/* The problem with one non-empty value, or NULL; *v may be replaced by its
 * stored form. */
static const char *value_problem(struct ts_arena *a, const struct ts_cdecl_field *f, const char **v)
{
    const char *err = NULL;
    switch (f->kind) {
    case TS_CDECL_TEXT:
        return text_problem(f, *v);
    case TS_CDECL_CODE:
        return code_problem(a, f, *v, true);
    case TS_CDECL_DIGITS:
        return code_problem(a, f, *v, false);
    case TS_CDECL_ENTRY_ID:
        return ts_codes_export_entry_id_valid(*v, &err) ? NULL : err;
    case TS_CDECL_CUSTOMS:
        return ts_codes_customs_code_valid(*v, &err) ? NULL : err;
    case TS_CDECL_USCC:
        return ts_codes_uscc_valid(*v, &err) ? NULL : err;
    case TS_CDECL_HS:
        return ts_codes_hs_valid(*v, &err) ? NULL : err;
    case TS_CDECL_DATE: {
        const char *d = date_norm(a, *v);
        return d ? (*v = d, NULL) : "应为日期，如 2026-01-05";
    }
    case TS_CDECL_QTY:
        return decimal_ok(*v, 14, 5) ? NULL : "应为不小于0的数，最多5位小数";
    case TS_CDECL_PRICE:
        return decimal_ok(*v, 15, 4) ? NULL : "应为不小于0的数，最多4位小数";
    case TS_CDECL_MONEY:
        return money_problem(a, v);
    case TS_CDECL_INT:
        return int_problem(a, f, v);
    case TS_CDECL_CHOICE:
        return strlen(*v) == 1 && strchr(f->choices, **v)
                   ? NULL
                   : ts_arena_printf(a, "应为%s之一", f->choices);
    }
    return "类型未知";
}

const char *ts_cdecl_value_problem(struct ts_arena *a, const struct ts_cdecl_field *f,
                                   const char **v)
{
    return value_problem(a, f, v);
}

/* Check one part's values (the header, or one line) against its table;
 * where names the part in the messages ("表头", "表体第2行"). */
static void check_values(struct ts_arena *a, struct ts_cdecl *d, const struct ts_cdecl_field *fs,
                         size_t n, const char **v, const char *where)
{
    for (size_t i = 0; i < n; i++) {
        const char *problem = NULL;
        if (!v[i][0])
            problem = fs[i].required ? "不能为空" : NULL;
        else
            problem = value_problem(a, &fs[i], &v[i]);
        if (problem)
            ts_cdecl_error(a, d, ts_arena_printf(a, "%s【%s】%s", where, fs[i].label, problem));
    }
}

/* Is v a stored date (check_values has normalised the valid ones)? */
static bool is_date(const char *v)
{
    return strlen(v) == 10 && ts_codes_date_valid(v, NULL);
}

/* 申报日期 ≤ 出口日期 ≤ 结关日期: an export is declared (DDate) before the
 * goods leave (IEDate), and customs closes it (结关) after they left
 * (docs/declarations.md "Date order").  Same days are fine; dates that
 * are missing or malformed are said elsewhere. */
static void check_date_order(struct ts_arena *a, struct ts_cdecl *d)
{
    const char *decl = d->head[TS_CDECL_H_D_DATE], *exp = d->head[TS_CDECL_H_IE_DATE],
               *clear = d->head[TS_CDECL_H_CLEAR_DATE];
    if (is_date(decl) && is_date(exp) && strcmp(decl, exp) > 0)
        ts_cdecl_error(
            a, d,
            ts_arena_printf(a, "表头【申报日期】%s 晚于出口日期 %s：应先申报后出口", decl, exp));
    if (is_date(clear) && is_date(exp) && strcmp(clear, exp) < 0)
        ts_cdecl_error(
            a, d,
            ts_arena_printf(a, "表头【结关日期】%s 早于出口日期 %s：应出口后结关", clear, exp));
}

/* The rules across header fields, once each field is valid on its own. */
static void check_head_rules(struct ts_arena *a, struct ts_cdecl *d)
{
    const char **h = d->head;
    if (!h[TS_CDECL_H_IE_FLAG][0])
        h[TS_CDECL_H_IE_FLAG] = "E";
    h[TS_CDECL_H_DECL_TYPE] = strcmp(h[TS_CDECL_H_DECL_TYPE], "2") == 0 ? "port" : "clear";
    if (strlen(h[TS_CDECL_H_ENTRY_ID]) == 18 && strlen(h[TS_CDECL_H_CUSTOM_MASTER]) == 4 &&
        strncmp(h[TS_CDECL_H_ENTRY_ID], h[TS_CDECL_H_CUSTOM_MASTER], 4) != 0)
        ts_cdecl_error(a, d,
                       ts_arena_printf(a, "表头【申报地海关】应与海关编号前4位（%.4s）一致",
                                       h[TS_CDECL_H_ENTRY_ID]));
    if (strcmp(h[TS_CDECL_H_DECL_TYPE], "clear") == 0 && !h[TS_CDECL_H_CLEAR_DATE][0])
        ts_cdecl_error(a, d, "表头【结关日期】结关报关单应有结关日期");
    check_date_order(a, d);
}

/* 项号 once each: the 关联号 of a line is the number + its 项号. */
static void check_line_numbers(struct ts_arena *a, struct ts_cdecl *d)
{
    bool seen[TS_CDECL_MAX_LINES + 1] = {false};
    if (d->nlines == 0)
        ts_cdecl_error(a, d, "报关单至少应有一项表体");
    for (size_t k = 0; k < d->nlines; k++) {
        const char *g = d->lines[k].v[TS_CDECL_L_G_NO];
        size_t n = strlen(g);
        if (n == 0 || n > 2 || !code_chars(g, false))
            continue; /* said by check_values */
        int x = n == 1 ? g[0] - '0' : (g[0] - '0') * 10 + (g[1] - '0');
        if (x >= 1 && seen[x])
            ts_cdecl_error(a, d, ts_arena_printf(a, "表体【项号】%d重复", x));
        seen[x] = true;
    }
}

bool ts_cdecl_check(struct ts_arena *a, struct ts_cdecl *d)
{
    check_values(a, d, ts_cdecl_head_fields, TS_CDECL_HEAD_N, d->head, "表头");
    for (size_t k = 0; k < d->nlines; k++)
        check_values(a, d, ts_cdecl_list_fields, TS_CDECL_LIST_N, d->lines[k].v,
                     ts_arena_printf(a, "表体第%zu行", k + 1));
    check_head_rules(a, d);
    check_line_numbers(a, d);
    return d->nerrors == 0;
}

/* The code list of a coded field, for checking (checked) or only for
 * showing the code's name (关区). */
struct coded {
    const char *xml;
    enum ts_reflib_list list;
    bool checked;
};

static const struct coded coded_fields[] = {
    {"CustomMaster", TS_REFLIB_CUSTOMS_DISTRICT, false},
    {"IEPort", TS_REFLIB_CUSTOMS_DISTRICT, false},
    {"TrafMode", TS_REFLIB_TRANS_MODE, true},
    {"TradeMode", TS_REFLIB_TRADE_MODE, true},
    {"CutMode", TS_REFLIB_CUT_MODE, true},
    {"TransMode", TS_REFLIB_TRANSAC_MODE, true},
    {"FeeCurr", TS_REFLIB_CURRENCY, true},
    {"InsurCurr", TS_REFLIB_CURRENCY, true},
    {"TradeCountry", TS_REFLIB_COUNTRY, true},
    {"DistinatePort", TS_REFLIB_PORT, true},
    {"GUnit", TS_REFLIB_UNIT, true},
    {"FirstUnit", TS_REFLIB_UNIT, true},
    {"SecondUnit", TS_REFLIB_UNIT, true},
    {"TradeCurr", TS_REFLIB_CURRENCY, true},
    {"OriginCountry", TS_REFLIB_COUNTRY, true},
    {"DestinationCountry", TS_REFLIB_COUNTRY, true},
    {"DistrictCode", TS_REFLIB_DISTRICT, true},
    {"DutyMode", TS_REFLIB_DUTY_MODE, true},
};

/* The coded entry of a field, or NULL when the field is not a code. */
static const struct coded *coded_of(const struct ts_cdecl_field *f)
{
    for (size_t i = 0; i < sizeof coded_fields / sizeof coded_fields[0]; i++)
        if (strcmp(coded_fields[i].xml, f->xml) == 0)
            return &coded_fields[i];
    return NULL;
}

/* The coded values of one part against their lists. */
static void check_part_codes(struct ts_arena *a, struct ts_cdecl *d,
                             const struct ts_cdecl_field *fs, size_t n, const char **v,
                             const char *where, const struct ts_reflib_codes *codes)
{
    for (size_t i = 0; i < n; i++) {
        const struct coded *k = coded_of(&fs[i]);
        const char *copy = v[i];
        if (!k || !k->checked || !v[i][0] || value_problem(a, &fs[i], &copy))
            continue;
        if (!ts_reflib_codes_find(codes, k->list, v[i], NULL))
            ts_cdecl_error(a, d,
                           ts_arena_printf(a, "%s【%s】%s 不在%s代码表中", where, fs[i].label, v[i],
                                           ts_reflib_list_label(k->list)));
    }
}

bool ts_cdecl_check_codes(struct ts_arena *a, struct ts_cdecl *d,
                          const struct ts_reflib_codes *codes)
{
    size_t before = d->nerrors;
    check_part_codes(a, d, ts_cdecl_head_fields, TS_CDECL_HEAD_N, d->head, "表头", codes);
    for (size_t k = 0; k < d->nlines; k++)
        check_part_codes(a, d, ts_cdecl_list_fields, TS_CDECL_LIST_N, d->lines[k].v,
                         ts_arena_printf(a, "表体第%zu行", k + 1), codes);
    return d->nerrors == before;
}

const char *ts_cdecl_trans_status_label(const char *stored)
{
    return stored && strcmp(stored, "modified") == 0 ? "修改" : "新增";
}

const char *ts_cdecl_type_label(const char *stored)
{
    return stored && strcmp(stored, "port") == 0 ? "启运港退税" : "结关";
}

/* ---- the XML reader ---- */

enum part { P_NONE, P_HEAD, P_LISTS, P_LIST };

struct reader {
    XML_Parser p;
    struct ts_arena *msg;  /* the caller's: the refusal's text */
    struct ts_arena *decl; /* ours: one declaration at a time */
    ts_cdecl_each cb;
    void *ud;
    const char *err;
    bool stopped;
    int depth;
    enum part part;
    struct ts_cdecl *d;
    struct ts_cdecl_line *line;
    bool lines_over; /* more than TS_CDECL_MAX_LINES said once */
    const struct ts_cdecl_field *field;
    const char **slot; /* where the field's value goes */
    int field_depth;   /* the depth of the field's own element */
    struct ts_buf text;
    bool text_over;
    bool text_child; /* an element inside the field's (not its text) */
    size_t index;
};

/* Refuse the whole file and stop expat. */
static void refuse(struct reader *r, const char *msg)
{
    if (!r->err)
        r->err = msg;
    XML_StopParser(r->p, XML_FALSE);
}

/* The name after any namespace prefix. */
static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static int field_index(const struct ts_cdecl_field *fs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i].xml, name) == 0)
            return (int)i;
    return -1;
}

/* A new <DecMessage>: the previous declaration's memory goes. */
static void begin_decl(struct reader *r)
{
    if (r->index >= TS_CDECL_MAX_DECLS) {
        refuse(r,
               ts_arena_printf(r->msg, "文件中的报关单超过%d票，请分批上传", TS_CDECL_MAX_DECLS));
        return;
    }
    ts_arena_reset(r->decl);
    r->d = ts_cdecl_new(r->decl);
    r->lines_over = false;
}

/* Start collecting the text of a known field (an unknown one is skipped:
 * real messages carry more elements than the portal keeps). */
static void begin_field(struct reader *r, const struct ts_cdecl_field *fs, size_t n,
                        const char **values, const char *name)
{
    int i = field_index(fs, n, name);
    if (i < 0)
        return;
    r->field = &fs[i];
    r->slot = &values[i];
    r->field_depth = r->depth;
    ts_buf_reset(&r->text);
    r->text_over = false;
    r->text_child = false;
}

/* A <DecList>: one more line, or the 99-line error once. */
static void begin_line(struct reader *r)
{
    r->part = P_LIST;
    r->line = ts_cdecl_add_line(r->decl, r->d);
    if (!r->line && !r->lines_over) {
        r->lines_over = true;
        ts_cdecl_error(
            r->decl, r->d,
            ts_arena_printf(r->decl, "表体超过%d项，多出的表体未读入", TS_CDECL_MAX_LINES));
    }
}

/* expat's start of an element.  The reader is a small state machine on
 * the depth, not a tree: DecMessages (1) / DecMessage (2) / DecHead or
 * DecLists (3) / a header field or DecList (4) / a line field (5), so a
 * file of 50 000 declarations needs the memory of one.  An element inside
 * a field being read is noted (the field gets a problem), and anything at
 * another depth or with another name is skipped: real messages carry
 * elements the portal does not keep. */
static void XMLCALL on_start(void *ud, const XML_Char *qname, const XML_Char **attrs)
{
    struct reader *r = ud;
    const char *name = local_name(qname);
    if (r->err || r->stopped)
        return;
    if (++r->depth > MAX_DEPTH) {
        refuse(r, "文件嵌套层次过深，不是报关单数据文件");
        return;
    }
    if (r->field)
        r->text_child = true;
    else if (r->depth == 1 && strcmp(name, "DecMessages") != 0)
        refuse(r, "文件的根元素应为DecMessages，不是报关单数据文件");
    else if (r->depth == 2 && strcmp(name, "DecMessage") == 0)
        begin_decl(r);
    else if (r->depth == 3 && r->d)
        r->part = strcmp(name, "DecHead") == 0    ? P_HEAD
                  : strcmp(name, "DecLists") == 0 ? P_LISTS
                                                  : P_NONE;
    else if (r->depth == 4 && r->part == P_HEAD)
        begin_field(r, ts_cdecl_head_fields, TS_CDECL_HEAD_N, r->d->head, name);
    else if (r->depth == 4 && r->part == P_LISTS && strcmp(name, "DecList") == 0)
        begin_line(r);
    else if (r->depth == 5 && r->part == P_LIST && r->line)
        begin_field(r, ts_cdecl_list_fields, TS_CDECL_LIST_N, r->line->v, name);
}

/* Trim the ASCII white space pretty-printing puts around a value. */
static const char *trimmed(struct ts_arena *a, const char *s, size_t n)
{
    while (n && strchr(" \t\r\n", *s))
        s++, n--;
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    return ts_arena_strndup(a, s, n);
}

/* The end of a known field: keep its text, or say why not. */
static void end_field(struct reader *r)
{
    const char *where = r->part == P_HEAD ? "表头" : "表体";
    if (r->text_over)
        ts_cdecl_error(r->decl, r->d,
                       ts_arena_printf(r->decl, "%s【%s】超过%d字节，未读入", where,
                                       r->field->label, TS_CDECL_MAX_VALUE));
    else if (r->text_child)
        ts_cdecl_error(r->decl, r->d,
                       ts_arena_printf(r->decl, "%s【%s】含有子元素，应只有文字，未读入", where,
                                       r->field->label));
    else if ((*r->slot)[0])
        ts_cdecl_error(r->decl, r->d,
                       ts_arena_printf(r->decl, "%s【%s】重复出现", where, r->field->label));
    else
        *r->slot = trimmed(r->decl, r->text.data ? r->text.data : "", r->text.len);
    r->field = NULL;
}

/* expat's end of an element, the mirror of on_start: a field ends only at
 * its own element's end (not at a child's), a DecList ends its line, and
 * the end of a DecMessage hands the declaration to the caller, whose -1
 * stops the file. */
static void XMLCALL on_end(void *ud, const XML_Char *qname)
{
    struct reader *r = ud;
    if (r->err || r->stopped)
        return;
    if (r->field) {
        if (r->depth == r->field_depth)
            end_field(r);
        /* else the end of a child of the field: noted by on_start */
    } else if (r->depth == 4 && r->part == P_LIST)
        r->part = P_LISTS, r->line = NULL;
    else if (r->depth == 3)
        r->part = P_NONE;
    else if (r->depth == 2 && r->d) {
        if (r->cb(r->ud, r->d, r->index++) < 0) {
            r->stopped = true;
            XML_StopParser(r->p, XML_FALSE);
        }
        r->d = NULL;
    }
    r->depth--;
}

/* Text of the field being read, up to TS_CDECL_MAX_VALUE bytes. */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct reader *r = ud;
    if (r->err || r->stopped || !r->field || r->depth != r->field_depth || len <= 0 || r->text_over)
        return;
    if (r->text.len + (size_t)len > TS_CDECL_MAX_VALUE) {
        r->text_over = true;
        return;
    }
    ts_buf_add(&r->text, s, (size_t)len);
}

/* A DOCTYPE is where entities come from (billion laughs, external files):
 * the format has none, so its presence refuses the file. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    refuse(ud, "文件含有DTD或实体声明，出于安全原因不予读入");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    refuse(ud, "文件含有DTD或实体声明，出于安全原因不予读入");
}

/* The parser with the guards of lib/ts_xlsx; UTF-8 whatever the prologue
 * says. */
static bool reader_init(struct reader *r, struct ts_arena *a, ts_cdecl_each cb, void *ud)
{
    *r = (struct reader){.msg = a, .cb = cb, .ud = ud};
    r->p = XML_ParserCreate("UTF-8");
    if (!r->p)
        return false;
    r->decl = ts_arena_new(0);
    XML_SetUserData(r->p, r);
    XML_SetElementHandler(r->p, on_start, on_end);
    XML_SetCharacterDataHandler(r->p, on_text);
    XML_SetStartDoctypeDeclHandler(r->p, on_doctype);
    XML_SetEntityDeclHandler(r->p, on_entity);
    XML_SetParamEntityParsing(r->p, XML_PARAM_ENTITY_PARSING_NEVER);
    return true;
}

static void reader_free(struct reader *r)
{
    if (r->p)
        XML_ParserFree(r->p);
    if (r->decl)
        ts_arena_free(r->decl);
    ts_buf_free(&r->text);
}

/* A source of bytes: a file descriptor, or memory. */
struct source {
    int fd;
    const char *data;
    size_t n, off;
};

/* Up to max bytes into buf; -1 on a read error. */
static ssize_t source_read(struct source *s, void *buf, size_t max)
{
    if (s->fd < 0) {
        size_t k = s->n - s->off < max ? s->n - s->off : max;
        memcpy(buf, s->data + s->off, k);
        s->off += k;
        return (ssize_t)k;
    }
    ssize_t k;
    do
        k = read(s->fd, buf, max);
    while (k < 0 && errno == EINTR);
    return k;
}

/* Why expat stopped, in words a clerk can act on. */
static const char *syntax_error(struct reader *r)
{
    return ts_arena_printf(r->msg, "文件不是格式正确的XML（第%lu行第%lu列），请检查文件后重新上传",
                           (unsigned long)XML_GetCurrentLineNumber(r->p),
                           (unsigned long)XML_GetCurrentColumnNumber(r->p));
}

/* Feed the source to expat chunk by chunk with the token cap. */
static int feed(struct reader *r, struct source *s)
{
    uint64_t fed = 0;
    for (;;) {
        void *buf = XML_GetBuffer(r->p, CHUNK);
        if (!buf)
            return refuse(r, "文件读取失败"), -1;
        ssize_t n = source_read(s, buf, CHUNK);
        if (n < 0)
            return refuse(r, "文件读取失败"), -1;
        fed += (uint64_t)n;
        enum XML_Status st = XML_ParseBuffer(r->p, (int)n, n == 0);
        if (r->err || r->stopped)
            return -1;
        if (st != XML_STATUS_OK)
            return refuse(r, syntax_error(r)), -1;
        if (n == 0)
            return r->depth == 0 && r->index == 0 && fed == 0 ? (refuse(r, "文件是空的"), -1) : 0;
        XML_Index at = XML_GetCurrentByteIndex(r->p);
        if ((at < 0 ? fed : fed - (uint64_t)at) > MAX_TOKEN)
            return refuse(r, "文件中有超长的标记或属性，不是报关单数据文件"), -1;
    }
}

/* Read a whole source; see ts_cdecl_read_fd. */
static int read_source(struct ts_arena *a, struct source *s, ts_cdecl_each cb, void *ud,
                       const char **err)
{
    struct reader r;
    *err = NULL;
    if (!reader_init(&r, a, cb, ud)) {
        *err = "内存不足";
        reader_free(&r);
        return -1;
    }
    int rc = feed(&r, s);
    *err = r.err;
    reader_free(&r);
    return rc;
}

int ts_cdecl_read_fd(struct ts_arena *a, int fd, ts_cdecl_each cb, void *ud, const char **err)
{
    struct source s = {.fd = fd};
    return read_source(a, &s, cb, ud, err);
}

int ts_cdecl_read_mem(struct ts_arena *a, const char *data, size_t n, ts_cdecl_each cb, void *ud,
                      const char **err)
{
    struct source s = {.fd = -1, .data = data, .n = n};
    return read_source(a, &s, cb, ud, err);
}

/* ---- the XML writer ---- */

/* One field as the message writes it: dates YYYYMMDD, 报关单类型 1 / 2. */
static void add_field(struct ts_buf *b, const char *indent, const struct ts_cdecl_field *f,
                      const char *v)
{
    char ymd[9];
    if (!v || !v[0])
        return;
    if (f->kind == TS_CDECL_DATE && strlen(v) == 10) {
        memcpy(ymd, v, 4);
        memcpy(ymd + 4, v + 5, 2);
        memcpy(ymd + 6, v + 8, 2);
        ymd[8] = '\0';
        v = ymd;
    } else if (f == &ts_cdecl_head_fields[TS_CDECL_H_DECL_TYPE])
        v = strcmp(v, "port") == 0 ? "2" : "1";
    ts_buf_printf(b, "%s<%s>", indent, f->xml);
    ts_buf_add_xml(b, v);
    ts_buf_printf(b, "</%s>\n", f->xml);
}

void ts_cdecl_write_begin(struct ts_buf *b)
{
    ts_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DecMessages>\n");
}

void ts_cdecl_write(struct ts_buf *b, const struct ts_cdecl *d, const char *trans_status)
{
    ts_buf_adds(b, "  <DecMessage>\n    <DecHead>\n");
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        add_field(b, "      ", &ts_cdecl_head_fields[i], d->head[i]);
    if (trans_status && trans_status[0]) {
        ts_buf_adds(b, "      <TransStatus>");
        ts_buf_add_xml(b, trans_status);
        ts_buf_adds(b, "</TransStatus>\n");
    }
    ts_buf_adds(b, "    </DecHead>\n    <DecLists>\n");
    for (size_t k = 0; k < d->nlines; k++) {
        ts_buf_adds(b, "      <DecList>\n");
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
            add_field(b, "        ", &ts_cdecl_list_fields[j], d->lines[k].v[j]);
        ts_buf_adds(b, "      </DecList>\n");
    }
    ts_buf_adds(b, "    </DecLists>\n  </DecMessage>\n");
}

void ts_cdecl_write_end(struct ts_buf *b)
{
    ts_buf_adds(b, "</DecMessages>\n");
}

/* ---- storage ---- */

/* The stored value of a field: NULL for an empty nullable one, 0 for an
 * empty number, else the text. */
static struct ts_db_arg stored_arg(const struct ts_cdecl_field *f, const char *v)
{
    if (v[0])
        return TS_STR(v);
    if (f->nullable)
        return TS_STR(NULL);
    return TS_STR(f->kind == TS_CDECL_INT || f->kind == TS_CDECL_QTY ? "0" : "");
}

/* The number's current version, locked: 1 found (id, version), 0 none. */
static int current_version(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl_storage *s,
                           const char *entry_id, int64_t *id, int64_t *version)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a, s->current, TS_ARGS(TS_STR(entry_id)), &r) < 0)
        return -1;
    if (r.nrows == 0)
        return 0;
    *id = ts_db_cell_i64(&r, 0, "id");
    *version = ts_db_cell_i64(&r, 0, "version");
    return 1;
}

#define HEAD_COLUMNS                                                                               \
    "decl_type, seq_no, pre_entry_id, entry_id, ie_flag, custom_master, ie_port, ie_date,"         \
    " d_date, clear_date, trade_co_scc, trade_code, trade_name, owner_code_scc, owner_code,"       \
    " owner_name, traf_mode, bill_no, trade_mode, cut_mode, trans_mode, fee_mark, fee_rate,"       \
    " fee_curr, insur_mark, insur_rate, insur_curr, contr_no, trade_country, distinate_port,"      \
    " pack_no, gross_wet, net_wt"
#define LIST_COLUMNS                                                                               \
    "g_no, code_ts, g_name, g_model, g_qty, g_unit, first_qty, first_unit, second_qty,"            \
    " second_unit, decl_price, decl_total, trade_curr, usd_fob, rmb_fob, origin_country,"          \
    " destination_country, district_code, duty_mode"

/* 33 header columns and the 4 of the version; head_id and 19 line columns. */
static const struct ts_cdecl_storage export_storage = {
    TS_CDECL_STORAGE_SQL("export_decl_head", "export_decl_list", HEAD_COLUMNS,
                         TS_CDECL_Q10 ", " TS_CDECL_Q10 ", " TS_CDECL_Q10 ", " TS_CDECL_Q5 ", ?, ?",
                         LIST_COLUMNS, TS_CDECL_Q10 ", " TS_CDECL_Q10),
    .head_fields = ts_cdecl_head_fields,
    .list_fields = ts_cdecl_list_fields,
    .head_n = TS_CDECL_HEAD_N,
    .list_n = TS_CDECL_LIST_N,
    .entry_id = TS_CDECL_H_ENTRY_ID,
};

/* The header row of the new version. */
static int insert_head(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl_storage *s,
                       const char *const *head, int64_t version, int64_t user_id, int64_t *id)
{
    struct ts_db_arg *args = ts_arena_zalloc(a, (s->head_n + 5) * sizeof *args);
    size_t n = 0;
    for (size_t i = 0; i < s->head_n; i++)
        args[n++] = stored_arg(&s->head_fields[i], head[i]);
    args[n++] = TS_I64(version);
    args[n++] = TS_STR(head[s->entry_id]);
    args[n++] = TS_STR(version > 1 ? "modified" : "new");
    args[n++] = user_id > 0 ? TS_I64(user_id) : TS_NULL;
    args[n].type = TS_DB_END;
    struct ts_db_result res;
    if (ts_db_exec(db, s->insert_head, args, &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* One body line of the new version. */
static int insert_line(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl_storage *s,
                       int64_t head_id, const char *const *v)
{
    struct ts_db_arg *args = ts_arena_zalloc(a, (s->list_n + 2) * sizeof *args);
    size_t n = 0;
    args[n++] = TS_I64(head_id);
    for (size_t j = 0; j < s->list_n; j++)
        args[n++] = stored_arg(&s->list_fields[j], v[j]);
    args[n].type = TS_DB_END;
    return ts_db_exec(db, s->insert_line, args, NULL);
}

/* Whether a refused write met another publisher: a duplicate (entry_id,
 * version) or current_entry_id, the deadlock two first publications of one
 * number can run into, or a lock held past innodb_lock_wait_timeout (the
 * number's current row locked by another publisher; or an import storing
 * the same exporter's declarations of the same 出口日期 holds their
 * export_decl_day_count rows until it commits: schema/017). */
static bool other_publisher(struct ts_db *db)
{
    unsigned e = ts_db_errno(db);
    return e == TS_DB_ER_DUP_ENTRY || e == TS_DB_ER_LOCK_DEADLOCK || e == TS_DB_ER_LOCK_WAIT;
}

/* -1, or TS_CDECL_BUSY when the error is another publisher's. */
static int publish_failed(struct ts_db *db)
{
    return other_publisher(db) ? TS_CDECL_BUSY : -1;
}

/* Publishing is a new version, never an update in place: the old one
 * stays for what was filled from it; current_entry_id moves to the new
 * row. */
int ts_cdecl_store_version(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl_storage *s,
                           const char *const *head, const char *const *const *lines, size_t nlines,
                           int64_t user_id, struct ts_cdecl_published *out)
{
    int64_t old_id = 0, version = 0;
    int found = current_version(db, a, s, head[s->entry_id], &old_id, &version);
    if (found < 0)
        return publish_failed(db);
    if (found && ts_db_exec(db, s->uncurrent, TS_ARGS(TS_I64(old_id)), NULL) < 0)
        return publish_failed(db);
    *out = (struct ts_cdecl_published){.version = version + 1, .modified = found > 0};
    if (insert_head(db, a, s, head, out->version, user_id, &out->head_id) < 0)
        return publish_failed(db);
    for (size_t k = 0; k < nlines; k++)
        if (insert_line(db, a, s, out->head_id, lines[k]) < 0)
            return publish_failed(db);
    return 0;
}

int ts_cdecl_publish(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl *d,
                     int64_t user_id, struct ts_cdecl_published *out)
{
    const char *const **lines = ts_arena_zalloc(a, (d->nlines + 1) * sizeof *lines);
    for (size_t k = 0; k < d->nlines; k++)
        lines[k] = d->lines[k].v;
    return ts_cdecl_store_version(db, a, &export_storage, d->head, lines, d->nlines, user_id, out);
}

struct ts_cdecl *ts_cdecl_from_rows(struct ts_arena *a, const struct ts_db_rows *head, size_t i,
                                    const struct ts_db_rows *lines)
{
    struct ts_cdecl *d = ts_cdecl_new(a);
    const char *id = ts_db_cell(head, i, "id");
    for (size_t f = 0; f < TS_CDECL_HEAD_N; f++) {
        const char *v = ts_db_cell(head, i, ts_cdecl_head_fields[f].column);
        d->head[f] = v ? v : "";
    }
    for (size_t k = 0; lines && k < lines->nrows; k++) {
        const char *hid = ts_db_cell(lines, k, "head_id");
        struct ts_cdecl_line *l;
        if ((hid && id && strcmp(hid, id) != 0) || !(l = ts_cdecl_add_line(a, d)))
            continue;
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++) {
            const char *v = ts_db_cell(lines, k, ts_cdecl_list_fields[j].column);
            l->v[j] = v ? v : "";
        }
    }
    return d;
}

/* The day counts as export_decl_head says they are. */
#define DAY_COUNT_TRUTH                                                                            \
    "SELECT owner_key, decl_type, ie_date, COUNT(*) AS n FROM export_decl_head"                    \
    " WHERE current_entry_id IS NOT NULL GROUP BY owner_key, decl_type, ie_date"

/* Counted before the rebuild, inside its transaction: the rows the truth
 * lacks or counts differently, and the truth's rows the table lacks. */
static int day_count_differences(struct ts_db *db, struct ts_arena *a, uint64_t *changed)
{
    struct ts_db_rows r;
    if (ts_db_query(
            db, a,
            "SELECT (SELECT COUNT(*) FROM export_decl_day_count d LEFT JOIN (" DAY_COUNT_TRUTH
            ") t USING (owner_key, decl_type, ie_date) WHERE t.n IS NULL OR t.n <> d.n)"
            " + (SELECT COUNT(*) FROM (" DAY_COUNT_TRUTH ") t LEFT JOIN"
            " export_decl_day_count d USING (owner_key, decl_type, ie_date)"
            " WHERE d.n IS NULL) AS n",
            NULL, &r) < 0)
        return -1;
    *changed = (uint64_t)ts_db_cell_i64(&r, 0, "n");
    return 0;
}

int ts_cdecl_recount_days(struct ts_db *db, uint64_t *days, uint64_t *changed)
{
    struct ts_arena *a = ts_arena_new(0);
    struct ts_db_result res = {0};
    struct ts_db_rows locked;
    /* Every day row and the gaps between them locked first (a scan FOR
     * UPDATE), so a publish waits for the commit instead of counting
     * itself into a table being rebuilt. */
    int rc = ts_db_query(db, a, "SELECT COUNT(*) AS n FROM export_decl_day_count FOR UPDATE", NULL,
                         &locked) < 0 ||
                     day_count_differences(db, a, changed) < 0 ||
                     ts_db_exec(db, "DELETE FROM export_decl_day_count", NULL, NULL) < 0 ||
                     ts_db_exec(db,
                                "INSERT INTO export_decl_day_count (owner_key, decl_type, ie_date, "
                                "n) " DAY_COUNT_TRUTH,
                                NULL, &res) < 0
                 ? -1
                 : 0;
    *days = res.affected;
    ts_arena_free(a);
    return rc;
}

/* ---- pages ---- */

/* A stored decimal without the zeros DECIMAL's scale adds ("2.00000" →
 * "2", "1250.50000" → "1250.5"): text only, no floating point, and
 * anything that is not plain digits and one point is left alone. */
static const char *decimal_shown(struct ts_arena *a, const char *v)
{
    size_t n = strspn(v, "0123456789");
    if (n == 0 || v[n] != '.' || strspn(v + n + 1, "0123456789") != strlen(v + n + 1))
        return v;
    size_t end = strlen(v);
    while (end > n + 1 && v[end - 1] == '0')
        end--;
    if (end == n + 1)
        end = n;
    return ts_arena_strndup(a, v, end);
}

const char *ts_cdecl_shown(struct ts_arena *a, const struct ts_reflib_codes *codes,
                           const struct ts_cdecl_field *f, const char *v)
{
    const struct coded *k;
    const char *name;
    if (!v)
        return "";
    if (f == &ts_cdecl_head_fields[TS_CDECL_H_DECL_TYPE])
        return ts_cdecl_type_label(v);
    if (f->kind == TS_CDECL_QTY)
        return decimal_shown(a, v);
    if (v[0] && (k = coded_of(f)) && ts_reflib_codes_find(codes, k->list, v, &name) && name)
        return ts_arena_printf(a, "%s %s", v, name);
    return v;
}

const struct ts_reflib_codes *ts_cdecl_page_codes(struct ts_ctx *c)
{
    if (!c->db)
        return NULL;
    struct ts_reflib_codes *k = ts_arena_zalloc(c->arena, sizeof *k);
    if (ts_reflib_codes_load(c->db, c->arena, k) < 0) {
        ts_log_error("code lists not loaded: codes shown without names");
        return NULL;
    }
    return k;
}

void ts_cdecl_render(struct ts_ctx *c, const char *prefix, const struct ts_cdecl *d)
{
    struct ts_arena *a = c->arena;
    const struct ts_reflib_codes *codes = ts_cdecl_page_codes(c);
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++) {
        const struct ts_cdecl_field *f = &ts_cdecl_head_fields[i];
        ts_render_set(c, ts_arena_printf(a, "%s.Head.%zu.label", prefix, i), f->label);
        ts_render_set(c, ts_arena_printf(a, "%s.Head.%zu.name", prefix, i), f->xml);
        const char *v = ts_cdecl_shown(a, codes, f, d->head[i]);
        ts_render_set(c, ts_arena_printf(a, "%s.Head.%zu.value", prefix, i), v);
        ts_render_set(c, ts_arena_printf(a, "%s.H.%s", prefix, f->xml), v);
    }
    for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
        ts_render_set(c, ts_arena_printf(a, "%s.LineFields.%zu", prefix, j),
                      ts_cdecl_list_fields[j].label);
    for (size_t k = 0; k < d->nlines; k++) {
        char link[TS_CODES_LINK_NO_LEN + 1];
        int g = (int)strtol(d->lines[k].v[TS_CDECL_L_G_NO], NULL, 10);
        ts_codes_link_no_make(d->head[TS_CDECL_H_ENTRY_ID], g, link);
        ts_render_set(c, ts_arena_printf(a, "%s.Lines.%zu.link", prefix, k), link);
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
            ts_render_set(c, ts_arena_printf(a, "%s.Lines.%zu.v.%zu", prefix, k, j),
                          ts_cdecl_shown(a, codes, &ts_cdecl_list_fields[j], d->lines[k].v[j]));
    }
}

/* ---- importing a whole file ----
 *
 * Good declarations are written in batches: ts_db binds at most 64
 * arguments, so a batch travels as ONE bound argument, a JSON array the
 * server unpacks with JSON_TABLE (as lib/ts_declist does).  The SQL is a
 * fixed literal; data is only ever in the bound JSON (json_str escapes
 * every string).  Per batch: one UPDATE takes the earlier versions off
 * current (its count is the 修改 count), one INSERT the headers with their
 * version (1 + the number's highest), one INSERT the lines joined to their
 * new header by current_entry_id. */
#define BATCH_DECLS     500
#define BATCH_LINES     2000
#define BATCH_BYTES     (4 * 1024 * 1024)
#define PROGRESS_EVERY  1000       /* declarations between progress reports */
#define SEEN_SLOTS      (1u << 17) /* > 2 × TS_CDECL_MAX_DECLS */
#define IMPORT_DIR      "customs-import"
#define NOT_IN_DISTRICT "海关编号的关区不在您所在海关的辖区内，不能发布"

struct batch {
    struct ts_buf entries, heads, lines;
    size_t ndecls, nlines;
};

struct importer {
    struct ts_db *db;
    struct ts_arena *a;
    struct ts_cdecl_import *im;
    int fd;
    int64_t fsize;
    char (*seen)[TS_CODES_DECL_NO_LEN + 1];
    struct ts_reflib_codes codes; /* the code lists, loaded once per file */
    struct batch b;
};

/* s as a JSON string; NULL as null. */
static void json_str(struct ts_buf *b, const char *s)
{
    if (!s) {
        ts_buf_adds(b, "null");
        return;
    }
    ts_buf_addc(b, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            ts_buf_addc(b, '\\');
            ts_buf_addc(b, (char)ch);
        } else if (ch < 0x20)
            ts_buf_printf(b, "\\u%04x", ch);
        else
            ts_buf_addc(b, (char)ch);
    }
    ts_buf_addc(b, '"');
}

/* The stored value of a field as ts_cdecl_publish binds it (stored_arg). */
static const char *stored_text(const struct ts_cdecl_field *f, const char *v)
{
    if (v[0])
        return v;
    if (f->nullable)
        return NULL;
    return f->kind == TS_CDECL_INT || f->kind == TS_CDECL_QTY ? "0" : "";
}

/* Add a checked declaration to the batch (the JSON of its number, header
 * and lines): it may live in the reader's arena, which is reset next. */
static void batch_add(struct batch *b, const struct ts_cdecl *d)
{
    ts_buf_addc(&b->entries, b->ndecls ? ',' : '[');
    json_str(&b->entries, d->head[TS_CDECL_H_ENTRY_ID]);
    ts_buf_addc(&b->heads, b->ndecls ? ',' : '[');
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++) {
        ts_buf_addc(&b->heads, i ? ',' : '[');
        json_str(&b->heads, stored_text(&ts_cdecl_head_fields[i], d->head[i]));
    }
    ts_buf_addc(&b->heads, ']');
    for (size_t k = 0; k < d->nlines; k++) {
        ts_buf_addc(&b->lines, b->nlines++ ? ',' : '[');
        ts_buf_addc(&b->lines, '[');
        json_str(&b->lines, d->head[TS_CDECL_H_ENTRY_ID]);
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++) {
            ts_buf_addc(&b->lines, ',');
            json_str(&b->lines, stored_text(&ts_cdecl_list_fields[j], d->lines[k].v[j]));
        }
        ts_buf_addc(&b->lines, ']');
    }
    b->ndecls++;
}

#define HJ(i)    "h" #i " VARCHAR(1024) PATH '$[" #i "]'"
#define LJ(i, p) "l" #i " VARCHAR(1024) PATH '$[" #p "]'"

/* The batch's numbers: earlier versions no longer current.  -1, or the
 * count of numbers that had one (修改).  A join, not "IN (SELECT … FROM
 * JSON_TABLE)": that form scans the whole table per batch. */
static int64_t batch_uncurrent(struct importer *ip)
{
    struct ts_db_result res;
    if (ts_db_exec(ip->db,
                   "UPDATE JSON_TABLE(?, '$[*]' COLUMNS (e VARCHAR(18) PATH '$')) AS j"
                   " JOIN export_decl_head h ON h.current_entry_id = CONVERT(j.e USING ascii)"
                   " SET h.current_entry_id = NULL",
                   TS_ARGS(TS_STR(ts_buf_cstr(&ip->b.entries))), &res) < 0)
        return -1;
    return (int64_t)res.affected;
}

/* The batch's headers, each the next version of its number. */
static int batch_heads(struct importer *ip)
{
    int64_t uid = ip->im->user_id;
    return ts_db_exec(ip->db,
                      "INSERT INTO export_decl_head (" HEAD_COLUMNS
                      ", version, current_entry_id, trans_status,"
                      " published_by)"
                      " SELECT v.h0, v.h1, v.h2, v.h3, v.h4, v.h5, v.h6, v.h7, v.h8, v.h9, v.h10, "
                      "v.h11, v.h12,"
                      " v.h13, v.h14, v.h15, v.h16, v.h17, v.h18, v.h19, v.h20, v.h21, v.h22, "
                      "v.h23, v.h24,"
                      " v.h25, v.h26, v.h27, v.h28, v.h29, v.h30, v.h31, v.h32, v.ver, v.h3,"
                      " IF(v.ver > 1, 'modified', 'new'), ?"
                      " FROM (SELECT j.*, 1 + IFNULL((SELECT MAX(o.version) FROM export_decl_head o"
                      "  WHERE o.entry_id = CONVERT(j.h3 USING ascii)), 0) AS ver"
                      "  FROM JSON_TABLE(?, '$[*]' COLUMNS (" HJ(0) ", " HJ(1) ", " HJ(2) ", " HJ(3) ", " HJ(
                          4) ", " HJ(5) ", " HJ(6) ", " HJ(7) ", " HJ(8) ", " HJ(9) ", " HJ(10) ","
                                                                                                " " HJ(11) ", " HJ(12) ", " HJ(13) ", " HJ(14) ", " HJ(15) ", " HJ(16) ", " HJ(17) ", " HJ(18) ", " HJ(19) ", " HJ(20) ", " HJ(21) ", " HJ(22) ", " HJ(23) ", " HJ(24) ", " HJ(25) ", " HJ(26) ", " HJ(27) ", " HJ(28) ", " HJ(29) ", " HJ(30) ", " HJ(31) ", " HJ(32) ")) AS j) AS v",
                      TS_ARGS(uid > 0 ? TS_I64(uid) : TS_NULL, TS_STR(ts_buf_cstr(&ip->b.heads))),
                      NULL);
}

/* The batch's lines, joined to their new (current) header. */
static int batch_lines(struct importer *ip)
{
    if (!ip->b.nlines)
        return 0;
    return ts_db_exec(
        ip->db,
        "INSERT INTO export_decl_list (head_id, " LIST_COLUMNS ")"
        " SELECT h.id, j.l0, j.l1, j.l2, j.l3, j.l4, j.l5, j.l6, j.l7, j.l8, j.l9, j.l10, j.l11,"
        " j.l12, j.l13, j.l14, j.l15, j.l16, j.l17, j.l18"
        " FROM JSON_TABLE(?, '$[*]' COLUMNS (e VARCHAR(18) PATH '$[0]', " LJ(0, 1) ", " LJ(
            1, 2) ", " LJ(2,
                          3) ", " LJ(3,
                                     4) ", " LJ(4,
                                                5) ", " LJ(5,
                                                           6) ", " LJ(6,
                                                                      7) ", " LJ(7,
                                                                                 8) ", " LJ(8,
                                                                                            9) ","
                                                                                               " " LJ(9,
                                                                                                      10) ", " LJ(10,
                                                                                                                  11) ", " LJ(11,
                                                                                                                              12) ", " LJ(12,
                                                                                                                                          13) ", " LJ(13,
                                                                                                                                                      14) ", " LJ(14,
                                                                                                                                                                  15) ", " LJ(15,
                                                                                                                                                                              16) ", " LJ(16,
                                                                                                                                                                                          17) ", " LJ(17,
                                                                                                                                                                                                      18) ", " LJ(18, 19) ")) AS j"
                                                                                                                                                                                                                          " JOIN export_decl_head h ON h.current_entry_id = CONVERT(j.e USING ascii)",
        TS_ARGS(TS_STR(ts_buf_cstr(&ip->b.lines))), NULL);
}

/* Write the batch (three statements) and empty it. */
static int batch_flush(struct importer *ip)
{
    struct batch *b = &ip->b;
    if (!b->ndecls)
        return 0;
    ts_buf_addc(&b->entries, ']');
    ts_buf_addc(&b->heads, ']');
    if (b->nlines)
        ts_buf_addc(&b->lines, ']');
    int64_t modified = batch_uncurrent(ip);
    if (modified < 0 || batch_heads(ip) < 0 || batch_lines(ip) < 0)
        return -1;
    ip->im->modified += (size_t)modified;
    ip->im->added += b->ndecls - (size_t)modified;
    ts_buf_reset(&b->entries);
    ts_buf_reset(&b->heads);
    ts_buf_reset(&b->lines);
    b->ndecls = b->nlines = 0;
    return 0;
}

/* Add a number to the file's set; false if it was there (a number given
 * twice in a file is refused: which one would be current?). */
static bool seen_add(struct importer *ip, const char *no)
{
    uint32_t h = 2166136261u;
    for (const char *p = no; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (uint32_t i = h & (SEEN_SLOTS - 1);; i = (i + 1) & (SEEN_SLOTS - 1)) {
        if (!ip->seen[i][0]) {
            snprintf(ip->seen[i], sizeof ip->seen[i], "%s", no);
            return true;
        }
        if (strcmp(ip->seen[i], no) == 0)
            return false;
    }
}

/* The problems of one declaration into the report (the first
 * TS_CDECL_MAX_REPORT; the count of all of them is kept). */
static void report_decl(struct importer *ip, const struct ts_cdecl *d, size_t index)
{
    struct ts_cdecl_import *im = ip->im;
    const char *no = d->head[TS_CDECL_H_ENTRY_ID];
    im->bad++;
    for (size_t e = 0; e < d->nerrors; e++, im->problems++)
        if (im->nreport < TS_CDECL_MAX_REPORT)
            im->report[im->nreport++] = ts_arena_printf(
                ip->a, "第%zu票（海关编号 %s）：%s", index + 1, no[0] ? no : "未填", d->errors[e]);
}

/* Progress every PROGRESS_EVERY declarations, in bytes of the file read;
 * -1 when asked to stop. */
static int report_progress(struct importer *ip)
{
    struct ts_cdecl_import *im = ip->im;
    if (!im->progress || im->total % PROGRESS_EVERY)
        return 0;
    off_t at = lseek(ip->fd, 0, SEEK_CUR);
    if (im->progress(im->progress_ctx, at < 0 ? 0 : (int64_t)at, ip->fsize)) {
        im->stopped = true;
        return -1;
    }
    return 0;
}

/* A batch the server refused: another publisher storing one of the same
 * numbers (or the same exporter's same days) at the same moment is busy,
 * the officer may try again; anything else is a database failure.  -1. */
static int flush_failed(struct importer *ip)
{
    if (other_publisher(ip->db))
        ip->im->busy = true;
    else
        ip->im->db_failed = true;
    return -1;
}

/* One declaration of the file: checked; batched while the file is still
 * clean (a later bad one makes the caller roll everything back). */
static int import_one(void *ud, struct ts_cdecl *d, size_t index)
{
    struct importer *ip = ud;
    struct ts_cdecl_import *im = ip->im;
    im->total++;
    bool ok = ts_cdecl_check(d->arena, d);
    ok = ts_cdecl_check_codes(d->arena, d, &ip->codes) && ok;
    const char *no = d->head[TS_CDECL_H_ENTRY_ID];
    if (ok && (!im->district || strncmp(no, im->district, 2) != 0))
        ts_cdecl_error(d->arena, d, NOT_IN_DISTRICT);
    if (no[0] && !seen_add(ip, no))
        ts_cdecl_error(d->arena, d, "海关编号在本文件中重复出现");
    if (d->nerrors)
        report_decl(ip, d, index);
    else if (!im->bad) {
        batch_add(&ip->b, d);
        snprintf(im->last, sizeof im->last, "%s", no);
        if (!im->first[0])
            snprintf(im->first, sizeof im->first, "%s", no);
        if ((ip->b.ndecls >= BATCH_DECLS || ip->b.nlines >= BATCH_LINES ||
             ip->b.heads.len + ip->b.lines.len >= BATCH_BYTES) &&
            batch_flush(ip) < 0)
            return flush_failed(ip);
    }
    return report_progress(ip);
}

int ts_cdecl_import_fd(struct ts_db *db, struct ts_arena *a, int fd, struct ts_cdecl_import *im,
                       const char **err)
{
    struct importer ip = {.db = db, .a = a, .im = im, .fd = fd};
    off_t end = lseek(fd, 0, SEEK_END);
    ip.fsize = end < 0 ? 0 : (int64_t)end;
    lseek(fd, 0, SEEK_SET);
    im->report = ts_arena_zalloc(a, TS_CDECL_MAX_REPORT * sizeof *im->report);
    if (ts_reflib_codes_load(db, a, &ip.codes) < 0) {
        im->db_failed = true;
        *err = "代码表读取失败";
        return -1;
    }
    ip.seen = calloc(SEEN_SLOTS, sizeof *ip.seen);
    if (!ip.seen) {
        *err = "内存不足";
        return -1;
    }
    int rc = ts_cdecl_read_fd(a, fd, import_one, &ip, err);
    if (rc == 0 && !im->bad && batch_flush(&ip) < 0)
        rc = flush_failed(&ip);
    free(ip.seen);
    ts_buf_free(&ip.b.entries);
    ts_buf_free(&ip.b.heads);
    ts_buf_free(&ip.b.lines);
    return rc;
}

/* ---- the import as a job ---- */

const char *ts_cdecl_import_path(struct ts_arena *a, int64_t import_id)
{
    const char *dir = ts_arena_printf(a, "%s/" IMPORT_DIR, ts_config_str("tmp.dir", "/tmp"));
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return NULL;
    return ts_arena_printf(a, "%s/%lld.xml", dir, (long long)import_id);
}

/* The row's status (and message) through pdb, committed at once. */
static int import_mark(struct ts_db *pdb, int64_t id, const char *status, const char *msg)
{
    return ts_db_exec(pdb,
                      "UPDATE customs_import SET status = ?, message = ?,"
                      " finished_at = IF(? IN ('done', 'failed'), NOW(), NULL) WHERE id = ?",
                      TS_ARGS(TS_STR(status), TS_STR(msg), TS_STR(status), TS_I64(id)), NULL);
}

/* A refused file's report on its row (nothing of it was stored). */
static int import_refused_row(struct ts_db *pdb, struct ts_arena *a, int64_t id,
                              const struct ts_cdecl_import *im, const char *msg)
{
    struct ts_buf r = {0};
    for (size_t i = 0; i < im->nreport; i++) {
        ts_buf_adds(&r, im->report[i]);
        ts_buf_addc(&r, '\n');
    }
    int rc = ts_db_exec(pdb,
                        "UPDATE customs_import SET status = 'failed', message = ?, decl_total = ?,"
                        " decl_bad = ?, problems = ?, report = ?, finished_at = NOW() WHERE id = ?",
                        TS_ARGS(TS_STR(msg), TS_I64((int64_t)im->total), TS_I64((int64_t)im->bad),
                                TS_I64((int64_t)im->problems), TS_STR(ts_buf_cstr(&r)), TS_I64(id)),
                        NULL);
    (void)a;
    ts_buf_free(&r);
    return rc;
}

/* The done row and the audit row of the file, in the job's transaction. */
static int import_finish(struct ts_db *db, struct ts_arena *a, int64_t id, int64_t user_id,
                         const char *file_name, const struct ts_cdecl_import *im, const char *msg)
{
    char request_id[TS_CRYPTO_HEX64_SIZE];
    if (ts_crypto_token_hex(request_id) < 0)
        return -1;
    request_id[16] = '\0'; /* a run of its own, like a tool's (audit_log.request_id) */
    if (ts_db_exec(db,
                   "UPDATE customs_import SET status = 'done', message = ?, decl_total = ?,"
                   " decl_new = ?, decl_modified = ?, finished_at = NOW() WHERE id = ?",
                   TS_ARGS(TS_STR(msg), TS_I64((int64_t)im->total), TS_I64((int64_t)im->added),
                           TS_I64((int64_t)im->modified), TS_I64(id)),
                   NULL) < 0)
        return -1;
    return ts_audit_append(db, user_id, 0, request_id, "customs.import", "export_decl_head", "0",
                           ts_arena_printf(a,
                                           "publish import job=%lld file=%s count=%zu new=%zu"
                                           " modified=%zu first=%s last=%s",
                                           (long long)id, file_name, im->total, im->added,
                                           im->modified, im->first, im->last));
}

/* A rerun of a job whose import already ended: a failed import's row is
 * final (its file is gone), so the rerun says what the row says instead of
 * looking for the file again.  (A done import cannot be rerun: the row
 * says done in the job's own transaction.)  True when it had ended. */
static bool import_ended(const struct ts_db_rows *r, char *msg, size_t n)
{
    if (strcmp(ts_db_cell(r, 0, "status"), "failed") != 0)
        return false;
    const char *m = ts_db_cell(r, 0, "message");
    snprintf(msg, n, "%s", m && m[0] ? m : "导入失败");
    return true;
}

/* The job with its arena and the row loaded; see ts_cdecl_import_job. */
static int import_job_with(struct ts_db *db, struct ts_db *pdb, struct ts_arena *a, int64_t id,
                           struct ts_cdecl_import *im, char *msg, size_t n)
{
    struct ts_db_rows r;
    const char *err = NULL, *path;
    if (ts_db_query(db, a,
                    "SELECT file_name, district, created_by, status, message FROM customs_import"
                    " WHERE id = ?",
                    TS_ARGS(TS_I64(id)), &r) < 0 ||
        r.nrows != 1)
        return snprintf(msg, n, "导入记录不存在"), -1;
    if (import_ended(&r, msg, n))
        return -1;
    im->district = ts_db_cell(&r, 0, "district");
    im->user_id = ts_db_cell_i64(&r, 0, "created_by");
    import_mark(pdb, id, "running", "");
    int fd = (path = ts_cdecl_import_path(a, id)) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) {
        ts_log_error("customs.import %lld: file %s missing", (long long)id, path ? path : "");
        return snprintf(msg, n, "导入文件已不存在，请重新导入"), -1;
    }
    int rc = ts_cdecl_import_fd(db, a, fd, im, &err);
    close(fd);
    if (im->stopped)
        return TS_CDECL_IMPORT_STOPPED;
    if (im->db_failed)
        return snprintf(msg, n, "保存报关单失败，本次导入已全部撤销，请稍后重新导入"), -1;
    if (im->busy)
        return snprintf(msg, n, "文件中的报关单%s；整个文件未导入", TS_CDECL_BUSY_MSG), -1;
    if (rc < 0 || im->total == 0)
        return snprintf(msg, n, "%s", err ? err : "文件中没有报关单（DecMessage）"), -1;
    if (im->bad) {
        snprintf(msg, n, "导入失败：共%zu票报关单，其中%zu票有问题，本文件的报关单均未保存",
                 im->total, im->bad);
        import_refused_row(pdb, a, id, im, msg);
        return -1;
    }
    snprintf(msg, n, "导入成功：共%zu票报关单，新增%zu票，修改%zu票。", im->total, im->added,
             im->modified);
    if (import_finish(db, a, id, im->user_id, ts_db_cell(&r, 0, "file_name"), im, msg) < 0)
        return snprintf(msg, n, "保存报关单失败，本次导入已全部撤销，请稍后重新导入"), -1;
    return 0; /* the file stays until the job has committed (ts_cdecl_import_committed) */
}

int ts_cdecl_import_job(struct ts_db *db, struct ts_db *pdb, int64_t import_id,
                        ts_cdecl_progress_fn progress, void *ctx, char *msg, size_t n)
{
    struct ts_arena *a = ts_arena_new(0);
    struct ts_cdecl_import im = {.progress = progress, .progress_ctx = ctx};
    int rc = import_job_with(db, pdb, a, import_id, &im, msg, n);
    ts_arena_free(a);
    return rc;
}

void ts_cdecl_import_undo(struct ts_db *pdb, int64_t import_id, bool stopped, const char *msg)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *path = ts_cdecl_import_path(a, import_id);
    if (stopped)
        import_mark(pdb, import_id, "queued", "");
    else {
        ts_db_exec(pdb,
                   "UPDATE customs_import SET status = 'failed', message = ?, finished_at = NOW()"
                   " WHERE id = ? AND status <> 'failed'",
                   TS_ARGS(TS_STR(msg), TS_I64(import_id)), NULL);
        if (path)
            unlink(path);
    }
    ts_arena_free(a);
}

void ts_cdecl_import_committed(int64_t import_id)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *path = ts_cdecl_import_path(a, import_id);
    if (path && unlink(path) < 0 && errno != ENOENT)
        ts_log_error("customs.import %lld: file %s not removed: %s", (long long)import_id, path,
                     strerror(errno));
    ts_arena_free(a);
}

/* The import id a file of the folder is named by (<digits>.xml), or 0. */
static int64_t import_file_id(const char *name)
{
    size_t digits = strspn(name, "0123456789");
    if (digits == 0 || digits > 18 || name[0] == '0' || strcmp(name + digits, ".xml") != 0)
        return 0;
    return strtoll(name, NULL, 10);
}

/* May the file of import id go?  Only when no row names it or the row
 * has ended (done, failed): a queued or running import still needs it.
 * -1 on a database error. */
static int import_file_unowned(struct ts_db *pdb, struct ts_arena *a, int64_t id)
{
    struct ts_db_rows r;
    if (ts_db_query(pdb, a,
                    "SELECT COUNT(*) AS n FROM customs_import"
                    " WHERE id = ? AND status IN ('queued', 'running')",
                    TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n") == 0;
}

/* One entry of the folder, by the rules of ts_cdecl_import_sweep. */
static void sweep_one(struct ts_db *pdb, struct ts_arena *a, int dirfd, const char *name,
                      time_t now, struct ts_cdecl_import_sweep *s)
{
    struct stat st;
    int64_t id = import_file_id(name);
    if (!id || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
        return; /* not an import file: left alone */
    if (now - st.st_mtime < s->min_age_s) {
        s->young++;
        return;
    }
    int unowned = import_file_unowned(pdb, a, id);
    if (unowned < 0 || (unowned && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)) {
        s->errors++;
        return;
    }
    if (unowned)
        s->removed++;
    else
        s->waiting++;
}

int ts_cdecl_import_sweep(struct ts_db *pdb, struct ts_cdecl_import_sweep *s)
{
    struct ts_arena *a = ts_arena_new(0);
    const char *dir = ts_arena_printf(a, "%s/" IMPORT_DIR, ts_config_str("tmp.dir", "/tmp"));
    DIR *d = opendir(dir);
    struct dirent *e;
    time_t now = time(NULL);
    int rc = 0;
    if (s->min_age_s < 60)
        s->min_age_s = 60;
    if (!d) {
        rc = errno == ENOENT ? 0 : -1;
        goto out;
    }
    while ((e = readdir(d)) && !(s->stop && s->stop()))
        sweep_one(pdb, a, dirfd(d), e->d_name, now, s);
    closedir(d);
    rc = s->errors ? -1 : 0;
out:
    if (rc < 0)
        ts_log_error("customs import sweep: %s: %zu error(s)", dir, s->errors);
    ts_arena_free(a);
    return rc;
}
