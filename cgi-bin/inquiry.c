/* inquiry — 综合查询 (002 §3.7).
 *
 * Built so far: 公共查询 › 出口退税率查询 — "提供当前申报期出口退税率文库查询
 * 及商品码版本号".  By 商品编码 (its first digits) or 商品名称 (any part),
 * on a date (today unless given), it lists the 文库 entries in force then:
 * 商品编码, 商品名称, 计量单位, 征税率, 退税率, 起始日期, 截止日期 and the
 * 文库版本, and names the version in force (商品码版本号).  A full code
 * also gets the rate that applies to it, which may come from a shorter
 * code's entry (lib/ts_reflib: the longest prefix in force).
 *
 * The manual calls it 公共查询: it is public — /inquiry/rates answers
 * anyone, logged in or not — and it is the enterprise's 综合查询 menu
 * entry (/inquiry/, permission inquiry) until the 一户式查询 parts exist.
 * Nothing here is enterprise data. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_reflib.h"
#include "ts_ui.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#define PAGE_SIZE 20

/* Today in the programs' time zone, YYYY-MM-DD. */
static const char *today(struct ts_ctx *c)
{
    time_t now = time(NULL);
    struct tm tm;
    char *out = ts_arena_alloc(c->arena, 11);
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

/* The entries in force on date matching the code prefix and the name
 * (lib/ts_reflib: the same search as the operator's 文库 page). */
static int set_list(struct ts_ctx *c, const char *hs, const char *name, const char *date)
{
    const struct ts_reflib_search q = {.hs = hs, .name = name, .date = date};
    return ts_reflib_render_search(c, &q, PAGE_SIZE);
}

/* The rate that applies to a typed code on date (it may be a shorter
 * code's entry): Applies.*. */
static int set_applies(struct ts_ctx *c, const char *hs, const char *date)
{
    struct ts_reflib_rate rate;
    char pct[16];
    int found = ts_reflib_rate(c->db, c->arena, hs, date, &rate);
    if (found <= 0)
        return found;
    ts_render_set(c, "Applies.hs_code", rate.hs_code);
    ts_render_set(c, "Applies.goods_name", rate.goods_name);
    ts_render_set(c, "Applies.unit", rate.unit);
    ts_render_set(c, "Applies.version", rate.version);
    ts_render_set(c, "Applies.effective_from", rate.effective_from);
    ts_render_set(c, "Applies.effective_to", rate.effective_to);
    ts_reflib_percent_format(rate.levy_micro, pct);
    ts_render_set(c, "Applies.levy_pct", pct);
    ts_reflib_percent_format(rate.rebate_micro, pct);
    ts_render_set(c, "Applies.rebate_pct", pct);
    return 0;
}

/* 出口退税率查询: the query form, the version in force, the result. */
static enum ts_result rates_page(struct ts_ctx *c, const char *action)
{
    const char *hs = ts_arg_str(c, "hs"), *name = ts_arg_str(c, "name"), *why;
    const char *date = ts_arg_present(c, "date") ? ts_arg_str(c, "date") : today(c);
    char version[TS_REFLIB_VERSION_MAX + 1], from[11];
    if (hs[0] && !ts_reflib_query_code_valid(hs, &why)) {
        ts_arg_error(c, "hs", why);
        hs = "";
    }
    if (!ts_reflib_search_name_valid(name, &why)) {
        ts_arg_error(c, "name", why);
        name = "";
    }
    int found = ts_reflib_version_on(c->db, c->arena, date, version, from);
    if (found < 0)
        return TS_FAIL;
    if (found) {
        ts_render_set(c, "Version.Name", version);
        ts_render_set(c, "Version.From", from);
    }
    if ((hs[0] || name[0]) && set_list(c, hs, name, date) < 0)
        return TS_FAIL;
    if (strlen(hs) >= 2 && set_applies(c, hs, date) < 0)
        return TS_FAIL;
    ts_render_set(c, "Query.Asked", hs[0] || name[0] ? "1" : "");
    ts_render_set(c, "Query.hs", hs);
    ts_render_set(c, "Query.name", ts_arg_str(c, "name")); /* as typed, even refused */
    ts_render_set(c, "Query.date", date);
    ts_render_set(c, "Query.action", action);
    return ts_ui_page(c, "出口退税率查询", "inquiry/rates.cs");
}

/* GET /inquiry/ — 综合查询 in the enterprise's menu: 公共查询 › 出口退税率查询. */
static enum ts_result inquiry_index(struct ts_ctx *c)
{
    return rates_page(c, "/inquiry/");
}

/* GET /inquiry/rates — the same query for anyone, logged in or not. */
static enum ts_result inquiry_rates(struct ts_ctx *c)
{
    return rates_page(c, "/inquiry/rates");
}

static const struct ts_param rate_params[] = {
    ts_param_str("hs", "商品编码", 0, 0, 10),
    ts_param_str("name", "商品名称", 0, 0, 50),
    ts_param_date("date", "查询日期", 0),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "inquiry", rate_params, inquiry_index, TS_QUERY_FORM},
    {"rates", TS_GET, TS_PUBLIC, rate_params, inquiry_rates, TS_QUERY_FORM},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"inquiry", "综合查询", actions};

int main(void)
{
    return ts_app_main(&module);
}
