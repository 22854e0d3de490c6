/* doccheck — 单证收齐审核 (000 §2.4.3).
 *
 * The 关单清册 in the tabs of 上传备案单证 (未收齐 / 已收齐 / 全部), each
 * declaration with its 按所属期备案's 备案期限 and 保存期限, a note when a
 * 未收齐 one's 备案期限 is at most 3 days away or past, and for 未收齐 ones
 * the required kinds still missing.  【一键收齐】 completes the checked rows,
 * 【收齐】 one row; 【撤销收齐】 sets a 已收齐 one back to 未收齐.
 *
 * The rule: a declaration is 已收齐 only when every required 单证种类
 * (doc_kind.required = 1) applying to the enterprise's type and in force on
 * its 出口日期 (else the first day of its 所属期) has at least one file
 * (lib/ts_docs).  一键收齐 is per row, not all-or-nothing: the
 * checked declarations that meet the rule are completed and the others are
 * refused, each named with the kinds it lacks ("报关单 123…：缺少 出口合同、
 * 出口货物运输单据").  Asking for several is asking for each; one lacking a
 * contract should not hold back the rest.  All the completions of one
 * request are written in the request's one transaction, so they are
 * committed together (or, on a database error, none is).
 *
 * Every change sets or clears completed_by / completed_at and writes an
 * audit row.  The declaration's 按所属期备案 follows in the same
 * transaction: 已收齐 when the last 未收齐 declaration of its 所属期 is
 * completed, 未收齐 again on 撤销收齐 (lib/ts_docs, audited too).  Tenancy: through ts_scope_*,
 * another enterprise's id is 404 (单条) or "不存在" (一键收齐). */
#include "ts_app.h"
#include "ts_form.h"
#include "ts_arena.h"
#include "ts_docs.h"
#include "ts_ui.h"

#include <stdint.h>
#include <string.h>

#define PAGE_SIZE       20
#define LIST_URL        "/doccheck/"
#define FLASH_MAX_CHARS 490 /* session.flash is 500 */
#define DECL_NOT_FOUND  "报关单不存在。"

static const char *const status_choices[] = {"incomplete", "complete", "all", NULL};

/* The list's query form as the filter of ts_docs. */
static struct ts_docs_filter list_filter(struct ts_ctx *c)
{
    return (struct ts_docs_filter){
        .status = ts_arg_present(c, "status") ? ts_arg_str(c, "status") : "incomplete",
        .decl_no = ts_arg_str(c, "decl_no"),
        .period = ts_arg(c, "period")->error ? "" : ts_arg_str(c, "period"),
    };
}

/* For each 未收齐 declaration of the page, the required kinds it still
 * lacks by its own date: Decls.<n>.missing. */
static int set_missing(struct ts_ctx *c, const struct ts_db_rows *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        const char *names;
        if (strcmp(ts_db_cell(r, i, "status"), "complete") == 0)
            continue;
        const char *on = ts_docs_decl_date(c->arena, ts_db_cell(r, i, "export_date"),
                                           ts_db_cell(r, i, "period"));
        if (ts_docs_missing(c, ts_db_cell_i64(r, i, "id"), on, &names) < 0)
            return -1;
        ts_render_set(c, ts_arena_printf(c->arena, "Decls.%zu.missing", i), names);
    }
    return 0;
}

/* The list page (GET, and again after a 一键收齐 with refusals). */
static enum ts_result list_page(struct ts_ctx *c)
{
    struct ts_docs_filter f = list_filter(c);
    struct ts_db_rows decls;
    struct ts_ui_pager pager;
    int64_t total = ts_docs_decl_count(c, &f);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (ts_docs_decl_page(c, &f, PAGE_SIZE, pager.offset, &decls) < 0)
        return TS_FAIL;
    ts_docs_render_decls(c, "Decls", &decls);
    if (set_missing(c, &decls) < 0)
        return TS_FAIL;
    ts_render_set(c, "Tab", f.status);
    ts_render_set(c, "Can.Edit", ts_session_can(c, "doccheck.edit") ? "1" : "");
    return ts_ui_page(c, "单证收齐审核", "doccheck/list.cs");
}

/* GET /doccheck/ — 单证收齐审核. */
static enum ts_result decl_list(struct ts_ctx *c)
{
    return list_page(c);
}

/* A declaration as locked for a change of its status. */
struct decl {
    const char *decl_no;
    const char *period;
    const char *status;
    const char *on; /* the date its kinds are looked up by (ts_docs_decl_date) */
};

/* A declaration locked for the change, its 按所属期备案 first (the order
 * lib/ts_docs asks for): 1 found, 0 not, -1 error. */
static int decl_lock(struct ts_ctx *c, int64_t id, struct decl *d)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT period FROM customs_decl WHERE ent_id = ? AND id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    if (ts_docs_period_lock(c, ts_db_cell(&r, 0, "period")) < 0 ||
        ts_scope_query(c,
                       "SELECT decl_no, period, status, IFNULL(export_date, '') AS export_date"
                       " FROM customs_decl WHERE ent_id = ? AND id = ? FOR UPDATE",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *d = (struct decl){
        .decl_no = ts_db_cell(&r, 0, "decl_no"),
        .period = ts_db_cell(&r, 0, "period"),
        .status = ts_db_cell(&r, 0, "status"),
        .on = ts_docs_decl_date(c->arena, ts_db_cell(&r, 0, "export_date"),
                                ts_db_cell(&r, 0, "period")),
    };
    return 1;
}

/* What one request of 收齐 did. */
struct outcome {
    size_t done;
    size_t refused;
};

/* One refusal on the page: Result.Refused.<n>. */
static void refuse_one(struct ts_ctx *c, struct outcome *o, const char *reason)
{
    ts_render_set(c, ts_arena_printf(c->arena, "Result.Refused.%zu", o->refused++), reason);
}

/* 收齐 one declaration if the rule allows it (see the top of the file);
 * a refusal goes on the page.  -1 on a database error. */
static int complete_one(struct ts_ctx *c, int64_t id, struct outcome *o)
{
    struct decl d;
    const char *missing;
    int found = decl_lock(c, id, &d), n;
    if (found <= 0) {
        if (found == 0)
            refuse_one(c, o,
                       ts_arena_printf(c->arena, "报关单（编号%lld）不存在。", (long long)id));
        return found;
    }
    if (strcmp(d.status, "complete") == 0)
        return 0; /* already 已收齐: nothing to do, nothing to refuse */
    if ((n = ts_docs_missing(c, id, d.on, &missing)) < 0)
        return -1;
    if (n > 0) {
        refuse_one(c, o, ts_arena_printf(c->arena, "报关单 %s：缺少 %s", d.decl_no, missing));
        return 0;
    }
    if (ts_scope_exec(c,
                      "UPDATE customs_decl SET status = 'complete', completed_by = ?,"
                      " completed_at = NOW() WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_I64(c->session->user_id), TS_I64(id)), NULL) < 0 ||
        ts_audit_log(
            c, "customs_decl", id,
            ts_arena_printf(c->arena, "status incomplete->complete decl_no=%s", d.decl_no)) < 0 ||
        ts_docs_period_sync(c, d.period) < 0)
        return -1;
    o->done++;
    return 0;
}

/* The list as the user had queried it (tab, 报关单号, 所属期), to return to
 * after 收齐. */
static const char *back_to_query(struct ts_ctx *c)
{
    return ts_arena_printf(c->arena, LIST_URL "?status=%s&decl_no=%s&period=%s",
                           ts_form_encode(c->arena, ts_arg_str(c, "status")),
                           ts_form_encode(c->arena, ts_arg_str(c, "decl_no")),
                           ts_form_encode(c->arena, ts_arg_str(c, "period")));
}

/* POST /doccheck/complete — 【一键收齐】 (the checked ids) or 【收齐】 on
 * one row (one=, which then is the only one).  Per row: see the top. */
static enum ts_result decl_complete(struct ts_ctx *c)
{
    struct outcome o = {0, 0};
    const struct ts_value *ids = ts_arg(c, "ids");
    if (ts_arg_present(c, "one")) {
        if (complete_one(c, ts_arg_int(c, "one"), &o) < 0)
            return TS_FAIL;
    } else if (ids->count == 0 || ids->error) {
        ts_render_set(c, "Result.Refused.0", "请勾选要收齐的报关单。");
        o.refused = 1;
    } else {
        for (size_t i = 0; i < ids->count; i++)
            if (complete_one(c, ids->nums[i], &o) < 0)
                return TS_FAIL;
    }
    if (o.refused == 0)
        return ts_ui_done(c, ts_arena_printf(c->arena, "已收齐%zu条报关单。", o.done),
                          back_to_query(c));
    ts_render_set_int(c, "Result.Done", (int64_t)o.done);
    ts_render_set(c, "Result.Shown", "1");
    return list_page(c);
}

/* POST /doccheck/reopen — 【撤销收齐】: a 已收齐 declaration back to 未收齐,
 * and with it its 按所属期备案. */
static enum ts_result decl_reopen(struct ts_ctx *c)
{
    struct decl d;
    int64_t id = ts_arg_int(c, "id");
    int found = decl_lock(c, id, &d);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, DECL_NOT_FOUND);
    if (strcmp(d.status, "complete") != 0)
        return ts_ui_refuse(c,
                            ts_arena_printf(c->arena, "报关单 %s 未收齐，无需撤销。", d.decl_no));
    if (ts_scope_exec(c,
                      "UPDATE customs_decl SET status = 'incomplete', completed_by = NULL,"
                      " completed_at = NULL WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_I64(id)), NULL) < 0 ||
        ts_audit_log(
            c, "customs_decl", id,
            ts_arena_printf(c->arena, "status complete->incomplete decl_no=%s", d.decl_no)) < 0 ||
        ts_docs_period_sync(c, d.period) < 0)
        return TS_FAIL;
    return ts_ui_done(c, ts_arena_printf(c->arena, "报关单 %s 已撤销收齐。", d.decl_no),
                      LIST_URL "?status=complete");
}

#define LIST_PARAMS                                                                                \
    ts_param_enum("status", "状态", 0, status_choices),                                            \
        ts_param_str("decl_no", "报关单号", 0, 0, 18),                                             \
        ts_param_code("period", "所属期", 0, TS_CODE_PERIOD),                                      \
        ts_param_int("page", "页码", 0, 1, 1000000)

static const struct ts_param list_params[] = {
    LIST_PARAMS,
    TS_PARAMS_END,
};

static const struct ts_param complete_params[] = {
    LIST_PARAMS,
    ts_param_ids("ids", "报关单", 0),
    ts_param_int("one", "报关单", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param reopen_params[] = {
    ts_param_int("id", "报关单", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "doccheck", list_params, decl_list, TS_QUERY_FORM},
    {"complete", TS_POST, "doccheck.edit", complete_params, decl_complete, 0},
    {"reopen", TS_POST, "doccheck.edit", reopen_params, decl_reopen, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"doccheck", "单证收齐审核", actions};

int main(void)
{
    return ts_app_main(&module);
}
