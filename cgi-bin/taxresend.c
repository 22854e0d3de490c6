/* taxresend — 报关单重新发送记录: the tax side of 重新发往税务总局 (manual
 * 003 §2.1.3).  An enterprise asks in decl for published 出口报关单 to be
 * sent to the 税务总局 again; each request is a row of export_decl_resend
 * (schema/014).  Here a tax officer reads those rows, read-only: when,
 * which enterprise (企业名称, 统一社会信用代码), which declaration and
 * which version of it, who asked, and whether it has gone out yet
 * (待发送 while sent_at is NULL, 已发送 at sent_at).
 *
 * Jurisdiction: the enterprises whose 主管税务局 is the officer's 税务机关
 * or a bureau under it by the code's levels (lib/ts_scope:
 * ts_scope_bureau_query; docs/declarations.md "The tax side").  Every
 * query here goes through that filter, so an officer of another bureau
 * sees none of these rows, and nobody but a tax officer holds the
 * permission.
 *
 * Each 报关单号 of the list opens the declaration as it was resent (the
 * version the row names): header and body as the enterprise's 报关单详情
 * shows them (ts_cdecl_render and layout/export_decl.cs), read-only. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_customs_decl.h"
#include "ts_scope.h"
#include "ts_ui.h"

#include <stdint.h>
#include <string.h>

#define PAGE_SIZE 20
#define NOT_FOUND                                                                                                                             \
    "未查询到该报关单重新发送记录，或申请企业不在您所在税务机关（含下级税务机关）的管辖范围内，" \
    "无权查看。"

/* The query: 报关单号 (whole or part), 企业 (a part of the name or the
 * whole 统一社会信用代码), 申请时间 from / to (civil days, both included). */
struct resend_query {
    const char *entry_id;
    const char *ent;
    const char *start;
    const char *end;
};

#define FROM_WHERE                                                                                 \
    " FROM export_decl_resend r JOIN enterprise e ON e.id = r.ent_id"                              \
    " JOIN app_user u ON u.id = r.user_id"                                                         \
    " WHERE e.tax_bureau_code LIKE ?"                                                              \
    " AND (? = '' OR INSTR(r.entry_id, ?) > 0)"                                                    \
    " AND (? = '' OR e.uscc = ? OR INSTR(e.name, ?) > 0)"                                          \
    " AND (? = '' OR r.created_at >= ?)"                                                           \
    " AND (? = '' OR r.created_at < DATE_ADD(?, INTERVAL 1 DAY))"

#define QUERY_ARGS(q)                                                                              \
    TS_STR((q)->entry_id), TS_STR((q)->entry_id), TS_STR((q)->ent), TS_STR((q)->ent),              \
        TS_STR((q)->ent), TS_STR((q)->start), TS_STR((q)->start), TS_STR((q)->end),                \
        TS_STR((q)->end)

/* How many resends of the jurisdiction match. */
static int64_t resend_count(struct ts_ctx *c, const struct resend_query *q)
{
    struct ts_db_rows r;
    if (ts_scope_bureau_query(c, "SELECT COUNT(*) AS n" FROM_WHERE, TS_ARGS(QUERY_ARGS(q)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* One page of them, the newest request first. */
static int resend_page(struct ts_ctx *c, const struct resend_query *q, int64_t offset,
                       struct ts_db_rows *r)
{
    return ts_scope_bureau_query(
        c,
        "SELECT r.id, DATE_FORMAT(r.created_at, '%Y-%m-%d %H:%i:%s') AS created_at,"
        " e.name AS ent_name, e.uscc, r.entry_id, r.version, u.nickname, u.login_name,"
        " DATE_FORMAT(r.sent_at, '%Y-%m-%d %H:%i:%s') AS sent_at" FROM_WHERE
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?",
        TS_ARGS(QUERY_ARGS(q), TS_I64(PAGE_SIZE), TS_I64(offset)), r);
}

/* A query value, or "" when it was refused (its message shows by the form). */
static const char *query_value(struct ts_ctx *c, const char *name)
{
    return ts_arg(c, name)->error ? "" : ts_arg_str(c, name);
}

/* GET /taxresend/ — 报关单重新发送记录: the jurisdiction's resends, 20 a
 * page, newest first, with the query form above them. */
static enum ts_result resend_list(struct ts_ctx *c)
{
    struct ts_db_rows rows;
    struct ts_ui_pager pager;
    const struct resend_query q = {
        .entry_id = query_value(c, "entry_id"),
        .ent = query_value(c, "ent"),
        .start = query_value(c, "start"),
        .end = query_value(c, "end"),
    };
    int64_t total = resend_count(c, &q);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (resend_page(c, &q, pager.offset, &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Resends", &rows);
    return ts_ui_page(c, "报关单重新发送记录", "taxresend/list.cs");
}

/* ---- the resent declaration ---- */

/* Resend row id with the header of the version it names, and that
 * version's body, when its enterprise is in the officer's jurisdiction:
 * 1; 0 when it is not (or there is no such row); -1 on a database error. */
static int load_resent(struct ts_ctx *c, int64_t id, struct ts_db_rows *head,
                       struct ts_db_rows *lines)
{
    if (ts_scope_bureau_query(
            c,
            "SELECT h.*, e.name AS ent_name, e.uscc AS ent_uscc,"
            " CAST(r.created_at AS CHAR) AS resent_at,"
            " (SELECT k.version FROM export_decl_head k WHERE k.current_entry_id = h.entry_id)"
            " AS current_version"
            " FROM export_decl_resend r JOIN enterprise e ON e.id = r.ent_id"
            " JOIN export_decl_head h ON h.id = r.head_id"
            " WHERE e.tax_bureau_code LIKE ? AND r.id = ?",
            TS_ARGS(TS_I64(id)), head) < 0)
        return -1;
    if (head->nrows != 1)
        return 0;
    return ts_scope_bureau_query(c,
                                 "SELECT l.* FROM export_decl_resend r"
                                 " JOIN enterprise e ON e.id = r.ent_id"
                                 " JOIN export_decl_list l ON l.head_id = r.head_id"
                                 " WHERE e.tax_bureau_code LIKE ? AND r.id = ? ORDER BY l.g_no",
                                 TS_ARGS(TS_I64(id)), lines) < 0
               ? -1
               : 1;
}

/* GET /taxresend/view?id= — the declaration of one resend, as it was
 * resent (header and body), with the enterprise and whether customs has
 * published a later version since. */
static enum ts_result resend_view(struct ts_ctx *c)
{
    struct ts_db_rows head, lines;
    int found = load_resent(c, ts_arg_int(c, "id"), &head, &lines);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    ts_cdecl_render(c, "Decl", ts_cdecl_from_rows(c->arena, &head, 0, &lines));
    ts_render_set(c, "Decl.status_label",
                  ts_cdecl_trans_status_label(ts_db_cell(&head, 0, "trans_status")));
    ts_render_set(c, "Resend.version", ts_db_cell(&head, 0, "version"));
    ts_render_set(c, "Resend.current_version", ts_db_cell(&head, 0, "current_version"));
    ts_render_set(c, "Resend.ent_name", ts_db_cell(&head, 0, "ent_name"));
    ts_render_set(c, "Resend.ent_uscc", ts_db_cell(&head, 0, "ent_uscc"));
    ts_render_set(c, "Resend.resent_at", ts_db_cell(&head, 0, "resent_at"));
    return ts_ui_page(c, "报关单详情", "taxresend/view.cs");
}

static const struct ts_param list_params[] = {
    ts_param_str("entry_id", "报关单号", 0, 0, 18), ts_param_str("ent", "企业", 0, 0, 100),
    ts_param_date("start", "申请日期起", 0),        ts_param_date("end", "申请日期止", 0),
    ts_param_int("page", "页码", 0, 1, 1000000),    TS_PARAMS_END,
};

static const struct ts_param view_params[] = {
    ts_param_int("id", "重新发送记录", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "taxresend", list_params, resend_list, TS_QUERY_FORM},
    {"view", TS_GET, "taxresend", view_params, resend_view, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"taxresend", "报关单重新发送记录", actions};

int main(void)
{
    return ts_app_main(&module);
}
