/* ts_reflib — the reference libraries the rebate modules look things up
 * in (docs/reference.md): the 出口退税率文库, the monthly exchange rates and
 * the customs code lists (schema/012_reference_libs.sql).
 *
 * Rates are dated law (design.md "Rules change with time"): the rate of a
 * 商品编码 on a date is the entry whose code is the LONGEST prefix of the
 * code among the entries in force on that date (effective_from <= date <=
 * effective_to, an open end counting as in force).  Imports end an older
 * entry of a code before the new version's entry of it starts
 * (ts_refimport), so two versions are never both in force for one code;
 * should hand-edited data make them so, the later 生效日期 wins, which
 * keeps the answer deterministic.  ts_reflib_pick is that rule
 * alone, with no database, for the unit tests and for callers that hold
 * the entries already.
 *
 * Rates travel as int64 millionths of one (0.13 = 130000, lib/ts_money);
 * the 文库 and the pages write them as percentages ("13", "6.5"). */
#ifndef TS_REFLIB_H
#define TS_REFLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;
struct ts_db_rows;

#define TS_REFLIB_VERSION_MAX 16

/* ---- the rules (no database) ------------------------------------- */

/* One 文库 entry as the pick rule sees it.  Dates YYYY-MM-DD; to NULL or
 * "" when open; version_from is the version's 生效日期. */
struct ts_reflib_entry {
    const char *hs_code;
    const char *version_from;
    const char *effective_from;
    const char *effective_to;
};

/* Is an entry with these dates in force on date (both ends inclusive)? */
bool ts_reflib_in_force(const char *from, const char *to, const char *date);

/* The index of the entry that gives hs_code's rate on date, or -1 when
 * none does: in force on date, its code a prefix of hs_code (or equal),
 * the longest such code, then the latest version_from. */
int ts_reflib_pick(const struct ts_reflib_entry *e, size_t n, const char *hs_code,
                   const char *date);

/* A 文库 entry's 商品编码: 2, 4, 6, 8 or 10 digits (an odd length is a
 * code whose leading 0 a spreadsheet dropped, and is refused saying so). */
bool ts_reflib_entry_code_valid(const char *s, const char **err);

/* A code typed to look a rate up or to search by: 1 to 10 digits. */
bool ts_reflib_query_code_valid(const char *s, const char **err);

/* A 文库版本号: 2 to 16 of [0-9A-Za-z._-], e.g. 2026A. */
bool ts_reflib_version_valid(const char *s, const char **err);

/* A rate as the 文库 writes it, a percentage 0..100 with at most 4
 * decimals, '%' allowed ("13", "13%", "6.5") → millionths of one (130000).
 * A value between 0 and 1 ("0.13") is refused: it reads as a fraction. */
bool ts_reflib_percent_parse(const char *s, int64_t *micro, const char **err);

/* 130000 → "13", 65000 → "6.5", 0 → "0" (no trailing zeros).  buf of 16. */
void ts_reflib_percent_format(int64_t micro, char buf[16]);

/* A month as files write it — 202601, 2026-01, 2026/1, 2026-01-15,
 * 2026年1月 — as YYYYMM in out.  False with *err otherwise. */
bool ts_reflib_month_parse(const char *s, char out[7], const char **err);

/* ---- lookups ------------------------------------------------------ */

/* The rate that applies to one code on one date. */
struct ts_reflib_rate {
    char hs_code[11]; /* the entry's code: hs_code itself or a shorter prefix */
    char version[TS_REFLIB_VERSION_MAX + 1];
    char effective_from[11];
    char effective_to[11];                                   /* "" when open */
    int64_t levy_micro;                                      /* 征税率 */
    int64_t rebate_micro;                                    /* 退税率 */
    const char *goods_name, *unit, *special_flag, *category; /* in the arena; "" if none */
};

/* 商品编码 hs_code (1-10 digits) on date (YYYY-MM-DD): 1 and *out filled,
 * 0 when no entry applies (or the code or date is malformed), -1 on a
 * database error. */
int ts_reflib_rate(struct ts_db *db, struct ts_arena *a, const char *hs_code, const char *date,
                   struct ts_reflib_rate *out);

/* The newest 文库 version in force on date (商品码版本号): 1 with version
 * and its 生效日期 (from, YYYY-MM-DD), 0 none, -1 database error. */
int ts_reflib_version_on(struct ts_db *db, struct ts_arena *a, const char *date,
                         char version[TS_REFLIB_VERSION_MAX + 1], char from[11]);

/* The exchange rate of a 币制 (customs code "502" or ISO "USD") for a
 * month (YYYYMM), yuan per unit in millionths: 1 found, 0 none, -1 error. */
int ts_reflib_fx(struct ts_db *db, struct ts_arena *a, const char *currency, const char *month,
                 int64_t *rate_micro);

/* A search of the 文库 entries in force on date (effective_from <= date
 * <= effective_to, an open end counting): hs a code prefix and name a
 * part of the 商品名称, "" for either = any. */
struct ts_reflib_search {
    const char *hs, *name, *date;
};

/* How many entries match: 0 with *n, -1 on a database error. */
int ts_reflib_search_count(struct ts_db *db, struct ts_arena *a, const struct ts_reflib_search *q,
                           int64_t *n);

/* One page of them by code then start: hs_code, goods_name, unit,
 * levy_rate, rebate_rate (DECIMAL fractions), effective_from,
 * effective_to ("" open), special_flag, category, version.  -1 on a
 * database error. */
int ts_reflib_search_page(struct ts_db *db, struct ts_arena *a, const struct ts_reflib_search *q,
                          int64_t limit, int64_t offset, struct ts_db_rows *out);

/* A 商品名称 to search by: at least TS_REFLIB_NAME_MIN characters (a
 * single character matches most of the 文库 and costs a scan of it). */
#define TS_REFLIB_NAME_MIN 2
bool ts_reflib_search_name_valid(const char *s, const char **err);

/* Each row's levy_rate and rebate_rate as percentages for a page:
 * prefix.N.levy_pct and prefix.N.rebate_pct ("13", "6.5"). */
struct ts_ctx;
void ts_reflib_set_percents(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r);

/* The search's page for a page: the pager (ts_ui_pager over its count)
 * and Rates.N with their percentages — what the operator's 文库 page and
 * the public 出口退税率查询 both show.  0, or -1 on a database error. */
int ts_reflib_render_search(struct ts_ctx *c, const struct ts_reflib_search *q, int64_t page_size);

/* The code lists. */
enum ts_reflib_list {
    TS_REFLIB_CURRENCY,         /* 币制 */
    TS_REFLIB_TRADE_MODE,       /* 监管方式 */
    TS_REFLIB_TRANSAC_MODE,     /* 成交方式 */
    TS_REFLIB_TRANS_MODE,       /* 运输方式 */
    TS_REFLIB_UNIT,             /* 计量单位 */
    TS_REFLIB_COUNTRY,          /* 国别地区 */
    TS_REFLIB_CUT_MODE,         /* 征免性质 (schema/015) */
    TS_REFLIB_DUTY_MODE,        /* 征免 (征减免税方式, schema/015) */
    TS_REFLIB_PORT,             /* 港口 (指运港, schema/018) */
    TS_REFLIB_DISTRICT,         /* 国内地区 (境内货源地, schema/018) */
    TS_REFLIB_CUSTOMS_DISTRICT, /* 关区 (customs_district) */
    TS_REFLIB_TAX_BUREAU,       /* 税务机关 (tax_bureau) */
    TS_REFLIB_NLISTS
};

/* code_list.list of a list ("currency"), and its Chinese name ("币制"). */
const char *ts_reflib_list_name(enum ts_reflib_list list);
const char *ts_reflib_list_label(enum ts_reflib_list list);
/* The list named name, or TS_REFLIB_NLISTS. */
enum ts_reflib_list ts_reflib_list_from_name(const char *name);

/* Is code well-formed for the list, as customs writes it (币制, 计量单位,
 * 国别地区, 征免性质: 3 digits; 监管方式 and 关区: 4; 国内地区: 5; 成交方式
 * and 征免: 1; 运输方式: one digit or capital letter; 港口: 3 capital
 * letters and 3 digits; 税务机关: 11 digits)?  A code one
 * character short that a leading 0 would complete is refused saying so. */
bool ts_reflib_list_code_valid(enum ts_reflib_list list, const char *code, const char **err);

/* Does the list carry an international code (code_list.alt)?  币制 (ISO
 * 4217), 国别地区 (ISO 3166-1 alpha-3) and 成交方式 (Incoterms) do. */
bool ts_reflib_list_has_alt(enum ts_reflib_list list);

/* Is alt well-formed for the list: 3 capital letters (币制, 国别地区), 2 to
 * 4 capital letters (成交方式)? */
bool ts_reflib_list_alt_valid(enum ts_reflib_list list, const char *alt, const char **err);

/* Is code an enabled code of the list?  Customs' code or the ISO one
 * (alt: "USD" finds 502).  1 with *canonical (customs' code) and *name,
 * 0 unknown or disabled, -1 database error.  canonical/name may be NULL. */
int ts_reflib_code(struct ts_db *db, struct ts_arena *a, enum ts_reflib_list list, const char *code,
                   const char **canonical, const char **name);

/* Every enabled code of the code lists and the 关区, loaded once where
 * many values are checked or shown (a declaration's header and lines, an
 * import of thousands): one query instead of one per value. */
struct ts_reflib_codes {
    struct ts_db_rows *rows; /* list, code, alt, name */
};

/* Load the set into the arena: 0, or -1 on a database error. */
int ts_reflib_codes_load(struct ts_db *db, struct ts_arena *a, struct ts_reflib_codes *out);

/* Is code (customs' code or the ISO alt) an enabled code of the list?
 * true with *name (may be NULL); false when unknown or disabled. */
bool ts_reflib_codes_find(const struct ts_reflib_codes *k, enum ts_reflib_list list,
                          const char *code, const char **name);

#endif
