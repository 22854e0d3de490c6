/* ts_reflib — the reference libraries (see ts_reflib.h). */
#include "ts_reflib.h"

#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_db.h"
#include "ts_money.h"
#include "ts_render.h"
#include "ts_ui.h"

#include <stdio.h>
#include <string.h>

/* ---- the rules ---------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool ts_reflib_in_force(const char *from, const char *to, const char *date)
{
    return strcmp(from, date) <= 0 && (!to || !to[0] || strcmp(date, to) <= 0);
}

/* Does entry e beat the best so far for the pick rule (longer code, then
 * a later version)?  The second test never decides after an import
 * (ts_refimport ends older entries before the new ones start); it is
 * there so hand-edited overlapping data still has one answer. */
static bool better(const struct ts_reflib_entry *e, const struct ts_reflib_entry *best)
{
    size_t le = strlen(e->hs_code), lb = strlen(best->hs_code);
    if (le != lb)
        return le > lb;
    return strcmp(e->version_from, best->version_from) > 0;
}

int ts_reflib_pick(const struct ts_reflib_entry *e, size_t n, const char *hs_code, const char *date)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(e[i].hs_code);
        if (!len || strncmp(e[i].hs_code, hs_code, len) != 0)
            continue;
        if (!ts_reflib_in_force(e[i].effective_from, e[i].effective_to, date))
            continue;
        if (best < 0 || better(&e[i], &e[best]))
            best = (int)i;
    }
    return best;
}

bool ts_reflib_entry_code_valid(const char *s, const char **err)
{
    size_t n = s ? strlen(s) : 0;
    if (!n)
        return ts_codes_refuse(err, "请填写商品编码");
    if (!digits(s, n))
        return ts_codes_refuse(err, "商品编码只能是数字");
    if (n > 10)
        return ts_codes_refuse(err, "商品编码最长10位");
    if (n < 2 || n % 2)
        return ts_codes_refuse(
            err, "商品编码应为2、4、6、8或10位数字（以0开头的编码请将单元格设为文本格式）");
    return ts_codes_accept(err);
}

bool ts_reflib_query_code_valid(const char *s, const char **err)
{
    size_t n = s ? strlen(s) : 0;
    if (!n)
        return ts_codes_refuse(err, "请填写商品编码");
    if (!digits(s, n))
        return ts_codes_refuse(err, "商品编码只能是数字");
    if (n > 10)
        return ts_codes_refuse(err, "商品编码最长10位");
    return ts_codes_accept(err);
}

bool ts_reflib_version_valid(const char *s, const char **err)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > TS_REFLIB_VERSION_MAX)
        return ts_codes_refuse(err, "文库版本号应为2至16位，如 2026A");
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-", s[i]))
            return ts_codes_refuse(err, "文库版本号只能包含字母、数字和 . _ -");
    return ts_codes_accept(err);
}

bool ts_reflib_percent_parse(const char *s, int64_t *micro, const char **err)
{
    char num[32];
    int64_t v;
    size_t n = s ? strlen(s) : 0;
    if (!n)
        return ts_codes_refuse(err, "请填写税率");
    if (s[n - 1] == '%')
        n--;
    if (!n || n >= sizeof num)
        return ts_codes_refuse(err, "税率应为0至100之间的百分数，如13");
    memcpy(num, s, n);
    num[n] = '\0';
    if (!ts_money_rate_parse(num, &v, NULL))
        return ts_codes_refuse(err, "税率应为0至100之间的百分数，如13");
    if (v > 100 * TS_MONEY_RATE_ONE)
        return ts_codes_refuse(err, "税率不能超过100");
    if (v % 100)
        return ts_codes_refuse(err, "税率最多四位小数");
    if (v > 0 && v < TS_MONEY_RATE_ONE)
        return ts_codes_refuse(err, "税率请按百分数填写（如13表示13%），不要填写小数0.13");
    *micro = v / 100;
    return ts_codes_accept(err);
}

void ts_reflib_percent_format(int64_t micro, char buf[16])
{
    /* micro / 10^6 as a fraction = micro / 10^4 percent */
    int64_t whole = micro / 10000, frac = micro % 10000;
    int len = snprintf(buf, 16, "%lld", (long long)whole);
    if (frac && len > 0 && len < 11) {
        char f[6];
        snprintf(f, sizeof f, "%04lld", (long long)frac);
        for (int i = 3; i >= 0 && f[i] == '0'; i--)
            f[i] = '\0';
        snprintf(buf + len, (size_t)(16 - len), ".%s", f);
    }
}

/* Year and month from "YYYY" + separator + "M" or "MM" (+ rest ignored
 * when it is a day); false if s is not of that shape. */
static bool split_month(const char *s, int *y, int *m)
{
    size_t n = strlen(s);
    if (n == 6 && digits(s, 6)) {
        *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        *m = (s[4] - '0') * 10 + (s[5] - '0');
        return true;
    }
    if (n < 6 || !digits(s, 4))
        return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    const char *p = s + 4;
    if (*p == '-' || *p == '/' || *p == '.')
        p++;
    else if (strncmp(p, "年", 3) == 0)
        p += 3;
    else
        return false;
    if (!digits(p, 1))
        return false;
    *m = *p++ - '0';
    if (digits(p, 1))
        *m = *m * 10 + (*p++ - '0');
    return *p == '\0' || strcmp(p, "月") == 0 ||
           ((p[0] == '-' || p[0] == '/' || p[0] == '.') && strlen(p) <= 3 &&
            digits(p + 1, strlen(p + 1)));
}

bool ts_reflib_month_parse(const char *s, char out[7], const char **err)
{
    int y, m;
    if (!s || !s[0])
        return ts_codes_refuse(err, "请填写月份");
    if (!split_month(s, &y, &m))
        return ts_codes_refuse(err, "月份格式应为 YYYYMM，如 202601");
    if (y < 2000 || y > 2099 || m < 1 || m > 12)
        return ts_codes_refuse(err, "月份不存在，应为2000年至2099年的01至12月");
    snprintf(out, 7, "%04d%02d", y, m);
    return ts_codes_accept(err);
}

/* ---- lookups ------------------------------------------------------ */

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The prefixes of code of 2..10 characters, as the nine placeholders of
 * the candidate query (a shorter code repeats itself). */
static void prefixes(struct ts_arena *a, const char *code, const char *out[9])
{
    size_t n = strlen(code);
    for (size_t len = 2; len <= 10; len++)
        out[len - 2] = ts_arena_strndup(a, code, len <= n ? len : n);
}

/* Fill *out from row i of the candidate query. */
static void fill_rate(const struct ts_db_rows *r, size_t i, struct ts_reflib_rate *out)
{
    *out = (struct ts_reflib_rate){0};
    copy(out->hs_code, sizeof out->hs_code, ts_db_cell(r, i, "hs_code"));
    copy(out->version, sizeof out->version, ts_db_cell(r, i, "version"));
    copy(out->effective_from, sizeof out->effective_from, ts_db_cell(r, i, "effective_from"));
    copy(out->effective_to, sizeof out->effective_to, ts_db_cell(r, i, "effective_to"));
    ts_money_rate_parse(ts_db_cell(r, i, "levy_rate"), &out->levy_micro, NULL);
    ts_money_rate_parse(ts_db_cell(r, i, "rebate_rate"), &out->rebate_micro, NULL);
    out->goods_name = or_empty(ts_db_cell(r, i, "goods_name"));
    out->unit = or_empty(ts_db_cell(r, i, "unit"));
    out->special_flag = or_empty(ts_db_cell(r, i, "special_flag"));
    out->category = or_empty(ts_db_cell(r, i, "category"));
}

int ts_reflib_rate(struct ts_db *db, struct ts_arena *a, const char *hs_code, const char *date,
                   struct ts_reflib_rate *out)
{
    const char *p[9];
    struct ts_db_rows r;
    if (!ts_reflib_query_code_valid(hs_code, NULL) || !ts_codes_date_valid(date, NULL))
        return 0;
    prefixes(a, hs_code, p);
    if (ts_db_query(db, a,
                    "SELECT r.hs_code, r.version,"
                    " DATE_FORMAT(l.effective_from, '%Y-%m-%d') AS version_from,"
                    " DATE_FORMAT(r.effective_from, '%Y-%m-%d') AS effective_from,"
                    " IFNULL(DATE_FORMAT(r.effective_to, '%Y-%m-%d'), '') AS effective_to,"
                    " r.goods_name, r.unit, r.levy_rate, r.rebate_rate, r.special_flag,"
                    " r.category FROM rebate_rate r JOIN rebate_library l ON l.version = r.version"
                    " WHERE r.hs_code IN (?, ?, ?, ?, ?, ?, ?, ?, ?) AND r.effective_from <= ?"
                    " AND (r.effective_to IS NULL OR r.effective_to >= ?)",
                    TS_ARGS(TS_STR(p[0]), TS_STR(p[1]), TS_STR(p[2]), TS_STR(p[3]), TS_STR(p[4]),
                            TS_STR(p[5]), TS_STR(p[6]), TS_STR(p[7]), TS_STR(p[8]), TS_STR(date),
                            TS_STR(date)),
                    &r) < 0)
        return -1;
    struct ts_reflib_entry *e = ts_arena_zalloc(a, (r.nrows + 1) * sizeof *e);
    for (size_t i = 0; i < r.nrows; i++)
        e[i] = (struct ts_reflib_entry){
            ts_db_cell(&r, i, "hs_code"), ts_db_cell(&r, i, "version_from"),
            ts_db_cell(&r, i, "effective_from"), ts_db_cell(&r, i, "effective_to")};
    int best = ts_reflib_pick(e, r.nrows, hs_code, date);
    if (best < 0)
        return 0;
    fill_rate(&r, (size_t)best, out);
    return 1;
}

int ts_reflib_version_on(struct ts_db *db, struct ts_arena *a, const char *date,
                         char version[TS_REFLIB_VERSION_MAX + 1], char from[11])
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT version, DATE_FORMAT(effective_from, '%Y-%m-%d') AS effective_from"
                    " FROM rebate_library WHERE effective_from <= ?"
                    " ORDER BY effective_from DESC LIMIT 1",
                    TS_ARGS(TS_STR(date)), &r) < 0)
        return -1;
    if (r.nrows == 0)
        return 0;
    copy(version, TS_REFLIB_VERSION_MAX + 1, ts_db_cell(&r, 0, "version"));
    copy(from, 11, ts_db_cell(&r, 0, "effective_from"));
    return 1;
}

int ts_reflib_fx(struct ts_db *db, struct ts_arena *a, const char *currency, const char *month,
                 int64_t *rate_micro)
{
    const char *code;
    struct ts_db_rows r;
    int known = ts_reflib_code(db, a, TS_REFLIB_CURRENCY, currency, &code, NULL);
    if (known <= 0)
        return known;
    if (ts_db_query(db, a, "SELECT rate FROM exchange_rate WHERE currency = ? AND month = ?",
                    TS_ARGS(TS_STR(code), TS_STR(month)), &r) < 0)
        return -1;
    if (r.nrows == 0)
        return 0;
    return ts_money_rate_parse(ts_db_cell(&r, 0, "rate"), rate_micro, NULL) ? 1 : -1;
}

static const struct {
    const char *name, *label;
} lists[TS_REFLIB_NLISTS] = {
    [TS_REFLIB_CURRENCY] = {"currency", "币制"},
    [TS_REFLIB_TRADE_MODE] = {"trade_mode", "监管方式"},
    [TS_REFLIB_TRANSAC_MODE] = {"transac_mode", "成交方式"},
    [TS_REFLIB_TRANS_MODE] = {"trans_mode", "运输方式"},
    [TS_REFLIB_UNIT] = {"unit", "计量单位"},
    [TS_REFLIB_COUNTRY] = {"country", "国别地区"},
    [TS_REFLIB_CUT_MODE] = {"cut_mode", "征免性质"},
    [TS_REFLIB_DUTY_MODE] = {"duty_mode", "征免"},
    [TS_REFLIB_PORT] = {"port", "港口"},
    [TS_REFLIB_DISTRICT] = {"district", "国内地区"},
    [TS_REFLIB_CUSTOMS_DISTRICT] = {"customs_district", "关区"},
    [TS_REFLIB_TAX_BUREAU] = {"tax_bureau", "税务机关"},
};

const char *ts_reflib_list_name(enum ts_reflib_list list)
{
    return list < TS_REFLIB_NLISTS ? lists[list].name : "";
}

const char *ts_reflib_list_label(enum ts_reflib_list list)
{
    return list < TS_REFLIB_NLISTS ? lists[list].label : "";
}

enum ts_reflib_list ts_reflib_list_from_name(const char *name)
{
    for (int i = 0; i < TS_REFLIB_NLISTS; i++)
        if (name && strcmp(lists[i].name, name) == 0)
            return (enum ts_reflib_list)i;
    return TS_REFLIB_NLISTS;
}

/* The length of a list's codes and whether a capital letter may stand
 * for a digit (运输方式 G, H, ...; 港口 codes have a form of their own:
 * port_code_valid).  A 国内地区 code never starts with 0 (its first two
 * digits are a province), so one digit short is not a lost 0 there. */
static const struct {
    size_t len;
    bool letters;
} code_forms[TS_REFLIB_NLISTS] = {
    [TS_REFLIB_CURRENCY] = {3, false},
    [TS_REFLIB_TRADE_MODE] = {4, false},
    [TS_REFLIB_TRANSAC_MODE] = {1, false},
    [TS_REFLIB_TRANS_MODE] = {1, true},
    [TS_REFLIB_UNIT] = {3, false},
    [TS_REFLIB_COUNTRY] = {3, false},
    [TS_REFLIB_CUT_MODE] = {3, false},
    [TS_REFLIB_DUTY_MODE] = {1, false},
    [TS_REFLIB_PORT] = {6, true},
    [TS_REFLIB_DISTRICT] = {5, false},
    [TS_REFLIB_CUSTOMS_DISTRICT] = {4, false},
    [TS_REFLIB_TAX_BUREAU] = {11, false},
};

/* A 港口 code: the country's ISO alpha-3 code and three digits (DEU000
 * for 德国 when its port is not in the table, HKG003 香港). */
static bool port_code_valid(const char *code, const char **err)
{
    if (strlen(code) != 6 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3 ||
        strspn(code + 3, "0123456789") != 3)
        return ts_codes_refuse(err, "港口代码应为3位大写字母的国家代码加3位数字（如HKG003）");
    return ts_codes_accept(err);
}

bool ts_reflib_list_code_valid(enum ts_reflib_list list, const char *code, const char **err)
{
    if (list >= TS_REFLIB_NLISTS)
        return ts_codes_refuse(err, "没有这个代码表");
    if (list == TS_REFLIB_PORT && code && code[0])
        return port_code_valid(code, err);
    size_t want = code_forms[list].len, n = code ? strlen(code) : 0;
    const char *ok =
        code_forms[list].letters ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "0123456789";
    if (n == 0)
        return ts_codes_refuse(err, "代码不能为空");
    if (strspn(code, ok) != n)
        return ts_codes_refuse(err, code_forms[list].letters ? "代码只能是数字或大写字母"
                                                             : "代码只能是数字");
    if (n + 1 == want && !code_forms[list].letters && list != TS_REFLIB_DISTRICT)
        return ts_codes_refuse(err, "代码少一位：以0开头的代码请将单元格设为文本格式后重新导出");
    if (n != want)
        return ts_codes_refuse(err, want == 1   ? "代码应为1位"
                                    : want == 3 ? "代码应为3位"
                                    : want == 4 ? "代码应为4位"
                                    : want == 5 ? "代码应为5位"
                                                : "代码应为11位");
    return ts_codes_accept(err);
}

bool ts_reflib_list_has_alt(enum ts_reflib_list list)
{
    return list == TS_REFLIB_CURRENCY || list == TS_REFLIB_COUNTRY ||
           list == TS_REFLIB_TRANSAC_MODE;
}

bool ts_reflib_list_alt_valid(enum ts_reflib_list list, const char *alt, const char **err)
{
    size_t n = alt ? strlen(alt) : 0;
    if (!ts_reflib_list_has_alt(list))
        return ts_codes_refuse(err, "该代码表没有国际代码");
    if (strspn(alt, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n ||
        (list == TS_REFLIB_TRANSAC_MODE ? n < 2 || n > 4 : n != 3))
        return ts_codes_refuse(err, list == TS_REFLIB_TRANSAC_MODE
                                        ? "国际代码应为2至4位大写字母（如FOB）"
                                        : "国际代码应为3位大写字母（如USD）");
    return ts_codes_accept(err);
}

int ts_reflib_code(struct ts_db *db, struct ts_arena *a, enum ts_reflib_list list, const char *code,
                   const char **canonical, const char **name)
{
    struct ts_db_rows r;
    int rc;
    if (!code || !code[0] || list >= TS_REFLIB_NLISTS)
        return 0;
    if (list == TS_REFLIB_CUSTOMS_DISTRICT)
        rc = ts_db_query(db, a,
                         "SELECT code, name FROM customs_district WHERE code = ?"
                         " AND status = 'normal'",
                         TS_ARGS(TS_STR(code)), &r);
    else if (list == TS_REFLIB_TAX_BUREAU)
        rc = ts_db_query(db, a,
                         "SELECT code, name FROM tax_bureau WHERE code = ? AND status = 'normal'",
                         TS_ARGS(TS_STR(code)), &r);
    else
        rc = ts_db_query(
            db, a,
            "SELECT code, name FROM code_list WHERE list = ? AND (code = ? OR alt = ?)"
            " AND status = 'normal' ORDER BY code = ? DESC LIMIT 1",
            TS_ARGS(TS_STR(lists[list].name), TS_STR(code), TS_STR(code), TS_STR(code)), &r);
    if (rc < 0)
        return -1;
    if (r.nrows == 0)
        return 0;
    if (canonical)
        *canonical = ts_db_cell(&r, 0, "code");
    if (name)
        *name = ts_db_cell(&r, 0, "name");
    return 1;
}

int ts_reflib_codes_load(struct ts_db *db, struct ts_arena *a, struct ts_reflib_codes *out)
{
    out->rows = ts_arena_zalloc(a, sizeof *out->rows);
    return ts_db_query(db, a,
                       "SELECT CAST(list AS CHAR) AS list, code, alt, name FROM code_list"
                       " WHERE status = 'normal' UNION ALL SELECT 'customs_district', code,"
                       " NULL, name FROM customs_district WHERE status = 'normal'",
                       TS_NOARGS, out->rows) < 0
               ? -1
               : 0;
}

bool ts_reflib_codes_find(const struct ts_reflib_codes *k, enum ts_reflib_list list,
                          const char *code, const char **name)
{
    const char *want = ts_reflib_list_name(list);
    for (size_t i = 0; k && k->rows && code && code[0] && i < k->rows->nrows; i++) {
        const char *c = ts_db_cell_at(k->rows, i, 1), *alt = ts_db_cell_at(k->rows, i, 2);
        if (strcmp(ts_db_cell_at(k->rows, i, 0), want) != 0 ||
            (strcmp(c, code) != 0 && (!alt || strcmp(alt, code) != 0)))
            continue;
        if (name)
            *name = ts_db_cell_at(k->rows, i, 3);
        return true;
    }
    return false;
}

/* ---- searching the 文库 (the operator's page and the public one) ---- */

#define SEARCH_FILTER                                                                              \
    " FROM rebate_rate r WHERE r.effective_from <= ?"                                              \
    " AND (r.effective_to IS NULL OR r.effective_to >= ?)"                                         \
    " AND (? = '' OR r.hs_code LIKE ? ESCAPE '!') AND (? = '' OR r.goods_name LIKE ? ESCAPE '!')"

int ts_reflib_search_count(struct ts_db *db, struct ts_arena *a, const struct ts_reflib_search *q,
                           int64_t *n)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a, "SELECT COUNT(*) AS n" SEARCH_FILTER,
                    TS_ARGS(TS_STR(q->date), TS_STR(q->date), TS_STR(q->hs),
                            TS_STR(ts_db_like_pattern(a, q->hs, false)), TS_STR(q->name),
                            TS_STR(ts_db_like_pattern(a, q->name, true))),
                    &r) < 0)
        return -1;
    *n = ts_db_cell_i64(&r, 0, "n");
    return 0;
}

int ts_reflib_search_page(struct ts_db *db, struct ts_arena *a, const struct ts_reflib_search *q,
                          int64_t limit, int64_t offset, struct ts_db_rows *out)
{
    return ts_db_query(
        db, a,
        "SELECT r.hs_code, r.goods_name, IFNULL(r.unit, '') AS unit, r.levy_rate,"
        " r.rebate_rate, DATE_FORMAT(r.effective_from, '%Y-%m-%d') AS effective_from,"
        " IFNULL(DATE_FORMAT(r.effective_to, '%Y-%m-%d'), '') AS effective_to,"
        " IFNULL(r.special_flag, '') AS special_flag, IFNULL(r.category, '') AS category,"
        " r.version" SEARCH_FILTER " ORDER BY r.hs_code, r.effective_from LIMIT ? OFFSET ?",
        TS_ARGS(TS_STR(q->date), TS_STR(q->date), TS_STR(q->hs),
                TS_STR(ts_db_like_pattern(a, q->hs, false)), TS_STR(q->name),
                TS_STR(ts_db_like_pattern(a, q->name, true)), TS_I64(limit), TS_I64(offset)),
        out);
}

bool ts_reflib_search_name_valid(const char *s, const char **err)
{
    if (s && s[0] && ts_codes_utf8_chars(s) < TS_REFLIB_NAME_MIN)
        return ts_codes_refuse(err, "商品名称至少输入2个字");
    return ts_codes_accept(err);
}

void ts_reflib_set_percents(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r)
{
    static const char *const cols[2][2] = {{"levy_rate", "levy_pct"},
                                           {"rebate_rate", "rebate_pct"}};
    char pct[16];
    int64_t micro;
    for (size_t i = 0; i < r->nrows; i++)
        for (int k = 0; k < 2; k++) {
            const char *v = ts_db_cell(r, i, cols[k][0]);
            if (!v || !ts_money_rate_parse(v, &micro, NULL))
                continue;
            ts_reflib_percent_format(micro, pct);
            ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.%s", prefix, i, cols[k][1]), pct);
        }
}

/* One renderer for both pages, so they cannot drift apart. */
int ts_reflib_render_search(struct ts_ctx *c, const struct ts_reflib_search *q, int64_t page_size)
{
    struct ts_db_rows r;
    struct ts_ui_pager pager;
    int64_t n;
    if (ts_reflib_search_count(c->db, c->arena, q, &n) < 0)
        return -1;
    ts_ui_pager(c, n, page_size, &pager);
    if (ts_reflib_search_page(c->db, c->arena, q, page_size, pager.offset, &r) < 0)
        return -1;
    ts_render_rows(c, "Rates", &r);
    ts_reflib_set_percents(c, "Rates", &r);
    return 0;
}
