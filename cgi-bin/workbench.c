/* workbench — 工作台 (000 §1.1: 集中展示…工作统计、分析) / 办税桌面 (002 §3.2:
 * 通知区, 信息区, 办税区).  The first page after login, for every role: the
 * counts that matter to the user's side of the portal as cards, bar charts
 * drawn as SVG on the server, the enterprise's own 信息区, and the 通知公告
 * panel.
 *
 *   enterprise  本企业用户数, 角色数, 今日操作; the enterprise's audit-log
 *               activity per day over the last 14 days; for a user of
 *               上传备案单证 or 单证收齐审核: 关单清册 未收齐 / 已收齐 and the
 *               备案期限临近 panel (未收齐 declarations whose 所属期's
 *               备案期限 is within TS_DOCS_DUE_WARN_DAYS days or past, with
 *               the required 单证种类 each still lacks, lib/ts_docs)
 *   operator    企业数 (生产/外贸/停用), 用户数 by scope, 今日登录;
 *               enterprises by 主管税务局; activity over the whole portal
 *   tax         enterprises whose 主管税务局 is the officer's (生产/外贸)
 *   customs     enterprises whose 主管海关 is the officer's (生产/外贸)
 *   officers    the activity of the enterprises under them
 *
 * IC卡检测 (/workbench/card): what e-port clients call a card check — the
 * rule every 申报 / 提交 runs (lib/ts_card, 001 重要提醒 "关于 IC卡/Ikey"),
 * shown to the user before there is anything to declare: bound to a card?
 * that card, no other, in the reader?  With the 卡密码 it also has the card
 * sign a nonce and verifies the signature against the bound certificate.
 *
 * Later modules (declarations, reminders) add their own cards here.  Charts
 * are plain SVG from templates/workbench/chart.cs: this file computes every
 * coordinate with integer arithmetic and the template only places them, so
 * the page needs no script and every label is escaped like any value. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_card.h"
#include "ts_docs.h"

#include <stdio.h>
#include <string.h>

#define BUREAU_BARS 10
#define DUE_SHOWN   20 /* declarations listed in 备案期限临近; the count says the rest */
#define LABEL_CHARS 16 /* longer category names are cut, full name in <title> */

/* ---- charts (SVG geometry, integer user units) ------------------------ */

struct chart_bar {
    const char *label; /* shown under / beside the bar */
    const char *full;  /* for the tooltip and the description */
    int64_t value;
};

/* Vertical chart: a 640×260 viewBox, plot area inside these margins. */
enum { VC_W = 640, VC_H = 260, VC_LEFT = 56, VC_RIGHT = 16, VC_TOP = 34, VC_BOTTOM = 58 };
/* Horizontal chart: label column, one row per bar. */
enum {
    HC_W = 640,
    HC_LABELS = 236,
    HC_RIGHT = 48,
    HC_TOP = 34,
    HC_ROW = 30,
    HC_BAR = 18,
    HC_BOTTOM = 50
};

/* A round step for a chart axis from 0 to max in at most 5 steps:
 * 1, 2 or 5 times a power of ten. */
static int64_t axis_step(int64_t max)
{
    int64_t raw = (max + 4) / 5, p = 1;
    if (raw < 1)
        raw = 1;
    while (p <= raw / 10)
        p *= 10;
    if (raw <= p)
        return p;
    if (raw <= 2 * p)
        return 2 * p;
    return raw <= 5 * p ? 5 * p : 10 * p;
}

/* The top of the axis: max rounded up to a whole step (at least one). */
static int64_t axis_top(int64_t max, int64_t step)
{
    int64_t top = (max + step - 1) / step * step;
    return top > 0 ? top : step;
}

static int64_t max_value(const struct chart_bar *bars, size_t n)
{
    int64_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > m)
            m = bars[i].value;
    return m;
}

/* prefix.key = v, for the chart's numbers. */
static void set_num(struct ts_ctx *c, const char *prefix, const char *key, int64_t v)
{
    ts_render_set_int(c, ts_arena_printf(c->arena, "%s.%s", prefix, key), v);
}

static void set_str(struct ts_ctx *c, const char *prefix, const char *key, const char *v)
{
    ts_render_set(c, ts_arena_printf(c->arena, "%s.%s", prefix, key), v);
}

/* The axis ticks of a chart, as positions along the value axis:
 * prefix.Ticks.N.V (value) and .P (coordinate), from p0 (value 0) towards
 * p1 (value top).  Works for either direction. */
static void chart_ticks(struct ts_ctx *c, const char *prefix, int64_t step, int64_t top, int64_t p0,
                        int64_t p1)
{
    int i = 0;
    for (int64_t v = 0; v <= top; v += step, i++) {
        const char *t = ts_arena_printf(c->arena, "%s.Ticks.%d", prefix, i);
        set_num(c, t, "V", v);
        set_num(c, t, "P", p0 + (p1 - p0) * v / top);
        set_num(c, t, "T", p0 + (p1 - p0) * v / top + 4);
    }
}

/* Lay out a vertical bar chart (one bar per day) under prefix: viewBox,
 * plot edges, ticks, and per bar its rectangle, its value label above it
 * and its category label below the axis. */
static void chart_vertical(struct ts_ctx *c, const char *prefix, const struct chart_bar *bars,
                           size_t n)
{
    int64_t x0 = VC_LEFT, x1 = VC_W - VC_RIGHT, y0 = VC_H - VC_BOTTOM, y1 = VC_TOP;
    int64_t step = axis_step(max_value(bars, n)), top = axis_top(max_value(bars, n), step);
    int64_t slot = (x1 - x0) / (int64_t)(n ? n : 1), bar_w = slot * 3 / 5;
    set_num(c, prefix, "W", VC_W);
    set_num(c, prefix, "H", VC_H);
    set_num(c, prefix, "TitleX", VC_W / 2);
    set_num(c, prefix, "AxisLX", x0 - 8);
    set_num(c, prefix, "XTitleY", VC_H - 10);
    set_num(c, prefix, "X0", x0);
    set_num(c, prefix, "X1", x1);
    set_num(c, prefix, "Y0", y0);
    set_num(c, prefix, "Y1", y1);
    set_num(c, prefix, "MidX", (x0 + x1) / 2);
    set_num(c, prefix, "MidY", (y0 + y1) / 2);
    chart_ticks(c, prefix, step, top, y0, y1);
    for (size_t i = 0; i < n; i++) {
        const char *b = ts_arena_printf(c->arena, "%s.Bars.%zu", prefix, i);
        int64_t h = (y0 - y1) * bars[i].value / top, x = x0 + (int64_t)i * slot;
        set_num(c, b, "X", x + (slot - bar_w) / 2);
        set_num(c, b, "Y", y0 - h);
        set_num(c, b, "W", bar_w);
        set_num(c, b, "H", h);
        set_num(c, b, "CX", x + slot / 2);
        set_num(c, b, "VY", y0 - h - 5);
        set_num(c, b, "LY", y0 + 16);
        set_num(c, b, "Value", bars[i].value);
        set_str(c, b, "Label", bars[i].label);
        set_str(c, b, "Full", bars[i].full);
    }
}

/* Lay out a horizontal bar chart (one row per category, labels at the
 * left): the height grows with the rows. */
static void chart_horizontal(struct ts_ctx *c, const char *prefix, const struct chart_bar *bars,
                             size_t n)
{
    int64_t x0 = HC_LABELS, x1 = HC_W - HC_RIGHT, y1 = HC_TOP;
    int64_t y0 = HC_TOP + (int64_t)n * HC_ROW;
    int64_t step = axis_step(max_value(bars, n)), top = axis_top(max_value(bars, n), step);
    set_num(c, prefix, "W", HC_W);
    set_num(c, prefix, "H", y0 + HC_BOTTOM);
    set_num(c, prefix, "TitleX", HC_W / 2);
    set_num(c, prefix, "X0", x0);
    set_num(c, prefix, "X1", x1);
    set_num(c, prefix, "Y0", y0);
    set_num(c, prefix, "Y1", y1);
    set_num(c, prefix, "MidX", (x0 + x1) / 2);
    set_num(c, prefix, "TickY", y0 + 16);
    set_num(c, prefix, "TitleY", y0 + 40);
    chart_ticks(c, prefix, step, top, x0, x1);
    for (size_t i = 0; i < n; i++) {
        const char *b = ts_arena_printf(c->arena, "%s.Bars.%zu", prefix, i);
        int64_t w = (x1 - x0) * bars[i].value / top, y = y1 + (int64_t)i * HC_ROW;
        set_num(c, b, "X", x0);
        set_num(c, b, "Y", y + (HC_ROW - HC_BAR) / 2);
        set_num(c, b, "W", w);
        set_num(c, b, "H", HC_BAR);
        set_num(c, b, "LX", x0 - 8);
        set_num(c, b, "VX", x0 + w + 6);
        set_num(c, b, "TY", y + HC_ROW / 2 + 5);
        set_num(c, b, "Value", bars[i].value);
        set_str(c, b, "Label", bars[i].label);
        set_str(c, b, "Full", bars[i].full);
    }
}

/* A category name cut to LABEL_CHARS characters (UTF-8) with "…". */
static const char *short_label(struct ts_ctx *c, const char *s)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > LABEL_CHARS - 1)
            break;
    }
    if (!s[i])
        return s;
    size_t rest = 0;
    for (size_t k = i; s[k]; k++)
        rest += ((unsigned char)s[k] & 0xC0) != 0x80;
    return rest <= 1 ? s : ts_arena_printf(c->arena, "%.*s…", (int)i, s);
}

/* Rows of (label, full, n) from a query into bars. */
static struct chart_bar *bars_from_rows(struct ts_ctx *c, const struct ts_db_rows *r, bool cut)
{
    struct chart_bar *bars = ts_arena_zalloc(c->arena, (r->nrows + 1) * sizeof *bars);
    for (size_t i = 0; i < r->nrows; i++) {
        bars[i].full = ts_db_cell(r, i, "full");
        bars[i].label = cut ? short_label(c, bars[i].full) : ts_db_cell(r, i, "label");
        bars[i].value = ts_db_cell_i64(r, i, "n");
    }
    return bars;
}

/* The 14-day activity chart (audit-log rows per day, oldest first) from
 * rows of (label MM-DD, full YYYY-MM-DD, n). */
static void activity_chart(struct ts_ctx *c, const char *title, const struct ts_db_rows *r)
{
    int64_t total = 0;
    for (size_t i = 0; i < r->nrows; i++)
        total += ts_db_cell_i64(r, i, "n");
    chart_vertical(c, "Activity", bars_from_rows(c, r, false), r->nrows);
    ts_render_set(c, "Activity.Title", title);
    ts_render_set_int(c, "Activity.Total", total);
}

/* ---- cards ---------------------------------------------------------- */

/* One card: a count with its label (and a note under it). */
static void card(struct ts_ctx *c, int *n, const char *key, const char *label, int64_t value,
                 const char *note)
{
    const char *p = ts_arena_printf(c->arena, "Cards.%d", (*n)++);
    set_str(c, p, "Key", key);
    set_str(c, p, "Label", label);
    set_num(c, p, "Value", value);
    if (note)
        set_str(c, p, "Note", note);
}

/* The last 14 days, oldest first, as (label MM-DD, full YYYY-MM-DD, n):
 * each day's count n comes from the correlated subquery the caller adds,
 * an index range scan of audit_log (ent_id, at) or (at) per day. */
#define DAYS_CTE                                                                                   \
    "WITH RECURSIVE days (k, d) AS (SELECT 0, CURDATE() UNION ALL"                                 \
    " SELECT k + 1, d - INTERVAL 1 DAY FROM days WHERE k < 13)"                                    \
    " SELECT SUBSTRING(CAST(days.d AS CHAR), 6) AS label, CAST(days.d AS CHAR) AS full,"
#define DAY_RANGE   "at >= days.d AND at < days.d + INTERVAL 1 DAY"
#define DAY_RANGE_A "a.at >= days.d AND a.at < days.d + INTERVAL 1 DAY"

/* ---- one section per kind of user ---------------------------------- */

/* 关单清册 cards: the enterprise's declarations 未收齐 and 已收齐. */
static int decl_cards(struct ts_ctx *c, int *n)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT IFNULL(SUM(status = 'incomplete'), 0) AS incomplete,"
                       " IFNULL(SUM(status = 'complete'), 0) AS complete"
                       " FROM customs_decl WHERE ent_id = ?",
                       TS_NOARGS, &r) < 0)
        return -1;
    card(c, n, "decl-incomplete", "关单清册 未收齐", ts_db_cell_i64(&r, 0, "incomplete"),
         "单证尚未收齐的报关单");
    card(c, n, "decl-complete", "关单清册 已收齐", ts_db_cell_i64(&r, 0, "complete"),
         "已审核收齐的报关单");
    return 0;
}

/* The enterprise's 未收齐 declarations whose 所属期's 备案期限 is at most
 * ? days away or already past (after "SELECT ..."). */
#define DUE_NEAR                                                                                   \
    " FROM customs_decl d JOIN period_filing f ON f.ent_id = d.ent_id AND f.period = d.period"     \
    " WHERE d.ent_id = ? AND d.status = 'incomplete'"                                              \
    " AND f.due_date <= CURDATE() + INTERVAL ? DAY"

/* 备案期限临近: those declarations, most urgent first, each with the
 * required kinds it lacks by its own date (Due.<i>.missing) and the note
 * on its deadline (Due.<i>.due_note); Due.Total counts them all, Due.Shown says whether
 * the panel is shown at all (the user may upload or check documents). */
static int due_panel(struct ts_ctx *c)
{
    struct ts_db_rows r, n;
    if (ts_scope_query(c, "SELECT COUNT(*) AS n" DUE_NEAR, TS_ARGS(TS_I64(TS_DOCS_DUE_WARN_DAYS)),
                       &n) < 0 ||
        ts_scope_query(
            c,
            "SELECT d.id, d.decl_no, d.period, d.status, CAST(f.due_date AS CHAR) AS due_date,"
            " IFNULL(d.export_date, '') AS export_date,"
            " DATEDIFF(f.due_date, CURDATE()) AS due_days" DUE_NEAR
            " ORDER BY f.due_date, d.decl_no LIMIT ?",
            TS_ARGS(TS_I64(TS_DOCS_DUE_WARN_DAYS), TS_I64(DUE_SHOWN)), &r) < 0)
        return -1;
    ts_render_set(c, "Due.Shown", "1");
    ts_render_set_int(c, "Due.WarnDays", TS_DOCS_DUE_WARN_DAYS);
    ts_render_set_int(c, "Due.Total", ts_db_cell_i64(&n, 0, "n"));
    ts_docs_render_decls(c, "Due.List", &r);
    for (size_t i = 0; i < r.nrows; i++) {
        const char *missing, *on = ts_docs_decl_date(c->arena, ts_db_cell(&r, i, "export_date"),
                                                     ts_db_cell(&r, i, "period"));
        if (ts_docs_missing(c, ts_db_cell_i64(&r, i, "id"), on, &missing) < 0)
            return -1;
        ts_render_set(c, ts_arena_printf(c->arena, "Due.List.%zu.missing", i), missing);
    }
    return 0;
}

/* What an enterprise user with 上传备案单证 or 单证收齐审核 sees of the
 * 关单清册: the cards after *n, and the 备案期限临近 panel. */
static int decl_desk(struct ts_ctx *c, int *n)
{
    if (!ts_session_can(c, "docupload") && !ts_session_can(c, "doccheck"))
        return 0;
    return decl_cards(c, n) < 0 || due_panel(c) < 0 ? -1 : 0;
}

/* 企业's cards: its users, its roles and today's audit rows (today's
 * operations by its users). */
static int enterprise_cards(struct ts_ctx *c)
{
    struct ts_db_rows users, roles, today;
    int n = 0;
    if (ts_scope_query(c,
                       "SELECT COUNT(*) AS n, IFNULL(SUM(status = 'normal'), 0) AS active"
                       " FROM app_user WHERE ent_key = ?",
                       TS_NOARGS, &users) < 0 ||
        ts_scope_query(c, "SELECT COUNT(*) AS n FROM role WHERE ent_key = ?", TS_NOARGS, &roles) <
            0 ||
        ts_scope_query(c,
                       "SELECT COUNT(*) AS n FROM audit_log WHERE ent_id = ? AND at >= CURDATE()",
                       TS_NOARGS, &today) < 0)
        return -1;
    card(c, &n, "users", "本企业用户数", ts_db_cell_i64(&users, 0, "n"),
         ts_arena_printf(c->arena, "其中正常 %lld 个",
                         (long long)ts_db_cell_i64(&users, 0, "active")));
    card(c, &n, "roles", "角色数", ts_db_cell_i64(&roles, 0, "n"), NULL);
    card(c, &n, "today", "今日操作", ts_db_cell_i64(&today, 0, "n"), "本企业今天的操作记录");
    return decl_desk(c, &n);
}

/* 企业: the cards, its activity, and the 信息区 (the enterprise's basic
 * facts, 002 §3.2). */
static int enterprise_desk(struct ts_ctx *c)
{
    struct ts_db_rows days, info;
    if (enterprise_cards(c) < 0 ||
        ts_scope_query(c,
                       DAYS_CTE " (SELECT COUNT(*) FROM audit_log WHERE ent_id = ? AND " DAY_RANGE
                                ") AS n FROM days ORDER BY days.d",
                       TS_NOARGS, &days) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT e.name, e.uscc, e.customs_code, e.taxpayer_id, e.ent_type,"
                    " (SELECT COUNT(*) FROM efiling f WHERE f.ent_id = e.id) AS efiled,"
                    " b.name AS bureau_name, d.name AS district_name, e.contact, e.phone"
                    " FROM enterprise e JOIN tax_bureau b ON b.code = e.tax_bureau_code"
                    " LEFT JOIN customs_district d ON d.code = e.customs_district_code"
                    " WHERE e.id = ?",
                    TS_ARGS(TS_I64(c->session->ent_id)), &info) < 0)
        return -1;
    activity_chart(c, "本企业近14天操作量", &days);
    ts_render_rows(c, "Info", &info);
    return 0;
}

/* 运维's cards: enterprises by type and status, users by side of the
 * portal, and how many users logged in today. */
static int operator_cards(struct ts_ctx *c)
{
    struct ts_db_rows ents, users, logins;
    int n = 0;
    if (ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n, IFNULL(SUM(ent_type = 'production'), 0) AS production,"
                    " IFNULL(SUM(ent_type = 'trading'), 0) AS trading,"
                    " IFNULL(SUM(status = 'disabled'), 0) AS disabled FROM enterprise",
                    TS_NOARGS, &ents) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT IFNULL(SUM(scope = 'enterprise'), 0) AS enterprise,"
                    " IFNULL(SUM(scope = 'tax'), 0) AS tax,"
                    " IFNULL(SUM(scope = 'customs'), 0) AS customs,"
                    " IFNULL(SUM(scope = 'operator'), 0) AS operator FROM app_user",
                    TS_NOARGS, &users) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n FROM app_user WHERE last_login_at >= CURDATE()",
                    TS_NOARGS, &logins) < 0)
        return -1;
    card(c, &n, "ents", "企业数", ts_db_cell_i64(&ents, 0, "n"),
         ts_arena_printf(c->arena, "已停用 %lld 户",
                         (long long)ts_db_cell_i64(&ents, 0, "disabled")));
    card(c, &n, "production", "生产企业", ts_db_cell_i64(&ents, 0, "production"), NULL);
    card(c, &n, "trading", "外贸企业", ts_db_cell_i64(&ents, 0, "trading"), NULL);
    card(c, &n, "users-enterprise", "企业用户", ts_db_cell_i64(&users, 0, "enterprise"), NULL);
    card(c, &n, "users-tax", "税务人员", ts_db_cell_i64(&users, 0, "tax"), NULL);
    card(c, &n, "users-customs", "海关人员", ts_db_cell_i64(&users, 0, "customs"), NULL);
    card(c, &n, "users-operator", "运维人员", ts_db_cell_i64(&users, 0, "operator"), NULL);
    card(c, &n, "logins", "今日登录", ts_db_cell_i64(&logins, 0, "n"), "今天登录过的用户数");
    return 0;
}

/* 运维: the cards, enterprises per 主管税务局 (the ten with the most), and
 * the whole portal's activity. */
static int operator_desk(struct ts_ctx *c)
{
    struct ts_db_rows bureaus, days;
    if (operator_cards(c) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT b.name AS full, COUNT(*) AS n FROM enterprise e"
                    " JOIN tax_bureau b ON b.code = e.tax_bureau_code"
                    " GROUP BY b.code, b.name ORDER BY n DESC, b.code LIMIT ?",
                    TS_ARGS(TS_I64(BUREAU_BARS)), &bureaus) < 0 ||
        ts_db_query(c->db, c->arena,
                    DAYS_CTE " (SELECT COUNT(*) FROM audit_log WHERE " DAY_RANGE
                             ") AS n FROM days ORDER BY days.d",
                    TS_NOARGS, &days) < 0)
        return -1;
    chart_horizontal(c, "Bureaus", bars_from_rows(c, &bureaus, true), bureaus.nrows);
    ts_render_set(c, "Bureaus.Title", "各主管税务局的企业数");
    activity_chart(c, "全门户近14天操作量", &days);
    return 0;
}

/* The cards of an officer's jurisdiction from one row of counts. */
static void jurisdiction_cards(struct ts_ctx *c, const struct ts_db_rows *ents, const char *where)
{
    int n = 0;
    ts_render_set(c, "Desk.Jurisdiction", where);
    card(c, &n, "ents", "辖区企业数", ts_db_cell_i64(ents, 0, "n"),
         ts_arena_printf(c->arena, "已停用 %lld 户",
                         (long long)ts_db_cell_i64(ents, 0, "disabled")));
    card(c, &n, "production", "生产企业", ts_db_cell_i64(ents, 0, "production"), NULL);
    card(c, &n, "trading", "外贸企业", ts_db_cell_i64(ents, 0, "trading"), NULL);
}

#define JURISDICTION_COUNTS                                                                        \
    "SELECT COUNT(*) AS n, IFNULL(SUM(ent_type = 'production'), 0) AS production,"                 \
    " IFNULL(SUM(ent_type = 'trading'), 0) AS trading,"                                            \
    " IFNULL(SUM(status = 'disabled'), 0) AS disabled FROM enterprise"

/* An officer's jurisdiction: the statements that count its enterprises,
 * name it and chart its activity.  The SQL differs only in the column that
 * ties an enterprise to the jurisdiction, and SQL is never assembled at run
 * time, so each kind spells its statements out. */
struct jurisdiction {
    const char *counts_sql;
    const char *name_sql;
    const char *days_sql;
};

/* 税务人员: the enterprises whose 主管税务局 is the officer's bureau. */
static const struct jurisdiction tax_bureau = {
    JURISDICTION_COUNTS " WHERE tax_bureau_code = ?",
    "SELECT name FROM tax_bureau WHERE code = ?",
    DAYS_CTE " (SELECT COUNT(*) FROM audit_log a JOIN enterprise e ON e.id = a.ent_id"
             " WHERE e.tax_bureau_code = ? AND " DAY_RANGE_A ") AS n FROM days ORDER BY days.d",
};

/* 海关: the enterprises whose 主管海关 is the officer's customs district. */
static const struct jurisdiction customs_district = {
    JURISDICTION_COUNTS " WHERE customs_district_code = ?",
    "SELECT name FROM customs_district WHERE code = ?",
    DAYS_CTE " (SELECT COUNT(*) FROM audit_log a JOIN enterprise e ON e.id = a.ent_id"
             " WHERE e.customs_district_code = ? AND " DAY_RANGE_A
             ") AS n FROM days ORDER BY days.d",
};

/* An officer's desk: the jurisdiction's enterprises as cards and their
 * 14-day activity as a chart. */
static int officer_desk(struct ts_ctx *c, const struct jurisdiction *j, const char *code)
{
    struct ts_db_rows ents, where, days;
    code = code ? code : "";
    if (ts_db_query(c->db, c->arena, j->counts_sql, TS_ARGS(TS_STR(code)), &ents) < 0 ||
        ts_db_query(c->db, c->arena, j->name_sql, TS_ARGS(TS_STR(code)), &where) < 0 ||
        ts_db_query(c->db, c->arena, j->days_sql, TS_ARGS(TS_STR(code)), &days) < 0)
        return -1;
    jurisdiction_cards(c, &ents, where.nrows ? ts_db_cell(&where, 0, "name") : code);
    activity_chart(c, "辖区企业近14天操作量", &days);
    return 0;
}

/* The user's bound card for the 信息区 line "IC卡" (with IC卡检测). */
static int set_card(struct ts_ctx *c)
{
    struct ts_card_binding b;
    if (ts_card_binding_load(c->db, c->arena, c->session->user_id, &b) < 0)
        return -1;
    ts_render_set(c, "User.Card", b.bound ? ts_arena_strdup(c->arena, b.card_no) : "");
    ts_render_set(c, "User.CardShown", "1");
    return 0;
}

/* GET /workbench/ — 工作台 for whoever is logged in. */
static enum ts_result workbench(struct ts_ctx *c)
{
    int rc;
    switch (c->session->scope) {
    case TS_SCOPE_ENTERPRISE:
        rc = enterprise_desk(c);
        break;
    case TS_SCOPE_OPERATOR:
        rc = operator_desk(c);
        break;
    case TS_SCOPE_TAX:
        rc = officer_desk(c, &tax_bureau, c->session->tax_bureau_code);
        break;
    case TS_SCOPE_CUSTOMS:
        rc = officer_desk(c, &customs_district, c->session->customs_district_code);
        break;
    default:
        rc = -1;
    }
    if (rc < 0 || (c->session->scope == TS_SCOPE_ENTERPRISE && set_card(c) < 0))
        return TS_FAIL;
    ts_render_set(c, "Page.Title", "工作台");
    return ts_render(c, "workbench/index.cs") ? TS_FAIL : TS_OK;
}

/* ---- IC卡检测 ---------------------------------------------------------- */

/* The IC卡检测 page: the reader choice, the optional 卡密码, a fresh
 * nonce, and the result of the last check if there was one. */
static enum ts_result card_check_page(struct ts_ctx *c)
{
    char nonce[65];
    struct ts_card_binding b;
    if (ts_card_binding_load(c->db, c->arena, c->session->user_id, &b) < 0 ||
        ts_card_nonce_issue(c, TS_CARD_CHECK, c->session->user_id, nonce) < 0)
        return TS_FAIL;
    ts_card_set_readers(c);
    ts_render_set(c, "Card.Nonce", nonce);
    ts_render_set(c, "Card.Bound", b.bound ? ts_arena_strdup(c->arena, b.card_no) : "");
    ts_render_set(c, "Page.Title", "IC卡检测");
    return ts_render(c, "workbench/card.cs") ? TS_FAIL : TS_OK;
}

/* With a 卡密码: the card signs this check's nonce, verified against the
 * bound certificate (ts_card_sign, as a 申报 would sign).  0 signed, 1
 * refused (chk), -1 database error. */
static int check_signature(struct ts_ctx *c, struct ts_card_check *chk)
{
    const char *reader = ts_arg_str(c, "reader"), *nonce = ts_arg_str(c, "nonce");
    char msg[TS_CARD_CHALLENGE_MAX];
    unsigned char sig[TS_SIGN_SIG_MAX];
    size_t sig_len;
    int taken = ts_card_nonce_take(c, TS_CARD_CHECK, c->session->user_id, nonce);
    if (taken <= 0) {
        snprintf(chk->message, sizeof chk->message, "页面已过期，请重新检测。");
        chk->verdict = TS_CARD_SIGND;
        return taken < 0 ? -1 : 1;
    }
    size_t n = ts_card_challenge(TS_CARD_CHECK, nonce, chk->card_no, c->session->user_id, msg);
    return ts_card_sign(c, reader, ts_arg_str(c, "pin"), msg, n, sig, &sig_len, chk);
}

/* GET /workbench/card — IC卡检测. */
static enum ts_result card_check_form(struct ts_ctx *c)
{
    return card_check_page(c);
}

/* POST /workbench/card — IC卡检测: the rule of ts_card_require, exactly,
 * and with a 卡密码 a signature too; the result above the form. */
static enum ts_result card_check(struct ts_ctx *c)
{
    struct ts_card_check chk;
    bool with_pin = ts_arg_str(c, "pin")[0] != '\0';
    int rc;
    if (ts_arg_has_errors(c))
        return card_check_page(c);
    rc = ts_card_require(c, ts_arg_str(c, "reader"), &chk);
    if (rc == 0 && with_pin)
        rc = check_signature(c, &chk);
    if (rc < 0)
        return TS_FAIL;
    ts_render_set(c, "Check.Done", "1");
    ts_render_set(c, "Check.Ok", rc == 0 ? "1" : "");
    ts_render_set(c, "Check.Message", chk.message);
    ts_render_set(c, "Check.CardNo", chk.card_no);
    ts_render_set(c, "Check.Signed", rc == 0 && with_pin ? "1" : "");
    return card_check_page(c);
}

static const struct ts_param card_form_params[] = {
    ts_param_str("reader", "读卡器", 0, 0, TS_SIGN_READER_MAX),
    TS_PARAMS_END,
};

static const struct ts_param card_check_params[] = {
    ts_param_str("reader", "读卡器", TS_REQ, 1, TS_SIGN_READER_MAX),
    ts_param_str("pin", "卡密码", TS_SECRET, 0, 8),
    ts_param_str("nonce", "页面校验码", 0, 0, 64),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "workbench", NULL, workbench, 0},
    {"card", TS_GET, "workbench", card_form_params, card_check_form, 0},
    {"card", TS_POST, "workbench", card_check_params, card_check, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"workbench", "工作台", actions};

int main(void)
{
    return ts_app_main(&module);
}
