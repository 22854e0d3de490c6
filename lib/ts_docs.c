/* ts_docs — shared rules of 上传备案单证 and 单证收齐审核; see ts_docs.h.
 *
 * A kind applies to an enterprise when it is one of its own, or a default
 * kind (ent_id NULL) for all types or for the enterprise's 企业类型 — the
 * type on its 电子化管理备案 when that exists, else the enterprise's — and
 * is enabled and in force on the date that applies (design.md "Rules
 * change with time"): a declaration's 出口日期, else the first day of its
 * 所属期; a 按所属期备案's first day of its 所属期.  A declaration's
 * documents are the decl_document rows with its decl_id, 申报关联号专属单证
 * (line_id set) included: a contract filed for one product line is on the
 * declaration.
 *
 * A 按所属期备案 is 已收齐 when it has declarations and every one of them
 * is 已收齐, else 未收齐 (docs/filing.md).  Whoever changes a declaration's
 * status or adds declarations to a 所属期 locks the period_filing row first
 * (ts_docs_period_lock), then the declarations, and calls
 * ts_docs_period_sync before the transaction ends: the period row is the
 * one place concurrent changes of one 所属期 take turns, and the sync's
 * locking read sees what the others committed. */
#include "ts_docs.h"

#include "ts_arena.h"
#include "ts_audit.h"

#include <stdlib.h>
#include <string.h>

/* The kinds applying to the enterprise bound at the first placeholder. */
#define KINDS_FROM                                                                                 \
    " FROM (SELECT e.id AS ent_id, IFNULL(f.ent_type, e.ent_type) AS ent_type"                     \
    " FROM enterprise e LEFT JOIN efiling f ON f.ent_id = e.id) t"                                 \
    " JOIN doc_kind k ON k.ent_id = t.ent_id"                                                      \
    " OR (k.ent_id IS NULL AND k.applies_to IN ('all', t.ent_type))"                               \
    " WHERE t.ent_id = ? AND k.status = 'normal'"                                                  \
    " AND (k.effective_from IS NULL OR k.effective_from <= IFNULL(CAST(? AS DATE), CURDATE()))"    \
    " AND (k.effective_to IS NULL OR k.effective_to >= IFNULL(CAST(? AS DATE), CURDATE()))"

/* KINDS_FROM's date arguments: the date that applies, NULL for today. */
#define KINDS_ON(on) TS_STR(on), TS_STR(on)

/* The date a declaration's 单证种类 are looked up by: its 出口日期
 * (YYYY-MM-DD), else the first day of its 所属期 (YYYYMM); NULL (today)
 * when it has neither. */
const char *ts_docs_decl_date(struct ts_arena *a, const char *export_date, const char *period)
{
    if (export_date && export_date[0])
        return export_date;
    return ts_docs_period_date(a, period);
}

/* The date a 按所属期备案's kinds are looked up by: the first day of its
 * 所属期 ("202607" -> "2026-07-01"); NULL (today) when period is not
 * YYYYMM. */
const char *ts_docs_period_date(struct ts_arena *a, const char *period)
{
    if (!period || strlen(period) != 6 || strspn(period, "0123456789") != 6)
        return NULL;
    return ts_arena_printf(a, "%.4s-%.2s-01", period, period + 4);
}

/* The 单证种类 that apply to the session's enterprise on the date `on`
 * (YYYY-MM-DD, NULL: today), in the order of 备案单证种类 (defaults
 * first).  Columns id, name, required. */
int ts_docs_kinds(struct ts_ctx *c, const char *on, struct ts_db_rows *out)
{
    return ts_scope_query(
        c, "SELECT k.id, k.name, k.required" KINDS_FROM " ORDER BY k.ent_key, k.sort_order, k.id",
        TS_ARGS(KINDS_ON(on)), out);
}

/* The required kinds (doc_kind.required = 1) applying to the enterprise on
 * the declaration's date `on` (ts_docs_decl_date) of which the declaration
 * has no file, as "出口合同、出口货物运输单据" in *names ("" when none).
 * Returns how many are missing, -1 on a database error.  The caller has
 * checked the declaration is the enterprise's. */
int ts_docs_missing(struct ts_ctx *c, int64_t decl_id, const char *on, const char **names)
{
    struct ts_db_rows r;
    *names = "";
    if (ts_scope_query(c,
                       "SELECT k.name" KINDS_FROM " AND k.required = 1 AND NOT EXISTS"
                       " (SELECT 1 FROM decl_document d WHERE d.ent_id = t.ent_id"
                       " AND d.decl_id = ? AND d.doc_kind_id = k.id)"
                       " ORDER BY k.ent_key, k.sort_order, k.id",
                       TS_ARGS(KINDS_ON(on), TS_I64(decl_id)), &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        *names =
            ts_arena_printf(c->arena, "%s%s%s", *names, i ? "、" : "", ts_db_cell(&r, i, "name"));
    return (int)r.nrows;
}

/* The list's conditions after "d.ent_id = ?", and their arguments. */
#define DECL_FILTER                                                                                \
    " AND (? = 'all' OR d.status = ?) AND (? = '' OR INSTR(d.decl_no, ?) > 0)"                     \
    " AND (? = '' OR d.period = ?)"
#define DECL_ARGS(f)                                                                               \
    TS_STR((f)->status), TS_STR((f)->status), TS_STR((f)->decl_no), TS_STR((f)->decl_no),          \
        TS_STR((f)->period), TS_STR((f)->period)

/* How many of the enterprise's declarations match the filter; -1 on error. */
int64_t ts_docs_decl_count(struct ts_ctx *c, const struct ts_docs_filter *f)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT COUNT(*) AS n FROM customs_decl d WHERE d.ent_id = ?" DECL_FILTER,
                       TS_ARGS(DECL_ARGS(f)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* One page of the matching declarations, by 所属期 then 报关单号, with the
 * number of files uploaded and their 按所属期备案's 备案期限 / 保存期限
 * (matched by 所属期) and the days left until the 备案期限 (due_days). */
int ts_docs_decl_page(struct ts_ctx *c, const struct ts_docs_filter *f, int64_t limit,
                      int64_t offset, struct ts_db_rows *out)
{
    return ts_scope_query(
        c,
        "SELECT d.id, d.decl_no, d.period, IFNULL(d.export_date, '') AS export_date,"
        " d.line_count, d.status, IFNULL(p.due_date, '') AS due_date,"
        " IFNULL(p.retention_until, '') AS retention_until,"
        " IFNULL(DATEDIFF(p.due_date, CURDATE()), '') AS due_days,"
        " (SELECT COUNT(*) FROM decl_document x WHERE x.decl_id = d.id) AS ndocs"
        " FROM customs_decl d LEFT JOIN period_filing p ON p.ent_id = d.ent_id"
        " AND p.period = d.period WHERE d.ent_id = ?" DECL_FILTER
        " ORDER BY d.period DESC, d.decl_no LIMIT ? OFFSET ?",
        TS_ARGS(DECL_ARGS(f), TS_I64(limit), TS_I64(offset)), out);
}

/* 未收齐 / 已收齐. */
const char *ts_docs_status_label(const char *status)
{
    return strcmp(status, "complete") == 0 ? "已收齐" : "未收齐";
}

/* The words next to a 未收齐 declaration whose 备案期限 is near or past:
 * "已超过备案期限", "今天是备案期限", "距备案期限还有N天" (N ≤ 3); NULL
 * otherwise — a 已收齐 one has its documents, and one without a
 * 按所属期备案 has no 备案期限.  due_days: DATEDIFF(due_date, today). */
const char *ts_docs_due_note(struct ts_arena *a, const char *status, const char *due_days)
{
    char *end;
    if (strcmp(status, "complete") == 0 || !due_days || !due_days[0])
        return NULL;
    long days = strtol(due_days, &end, 10);
    if (*end)
        return NULL;
    if (days < 0)
        return "已超过备案期限";
    if (days == 0)
        return "今天是备案期限";
    if (days <= TS_DOCS_DUE_WARN_DAYS)
        return ts_arena_printf(a, "距备案期限还有%ld天", days);
    return NULL;
}

/* The declarations for a page as prefix.<n>.<column>, plus status_label
 * and due_note (ts_docs_due_note). */
void ts_docs_render_decls(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r)
{
    ts_render_rows(c, prefix, r);
    for (size_t i = 0; i < r->nrows; i++) {
        const char *status = ts_db_cell(r, i, "status");
        const char *note = ts_docs_due_note(c->arena, status, ts_db_cell(r, i, "due_days"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.status_label", prefix, i),
                      ts_docs_status_label(status));
        if (note)
            ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.due_note", prefix, i), note);
    }
}

/* ---- 按所属期备案 未收齐 / 已收齐 ------------------------------------ */

/* Lock the enterprise's 按所属期备案 of the 所属期 (FOR UPDATE) before its
 * declarations are changed: 1 locked, 0 there is none, -1 on error. */
int ts_docs_period_lock_db(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *period)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT id FROM period_filing WHERE ent_id = ? AND period = ? FOR UPDATE",
                    TS_ARGS(TS_I64(ent_id), TS_STR(period)), &r) < 0)
        return -1;
    return r.nrows > 0;
}

/* How many declarations the 所属期 has and how many are 未收齐, read with
 * a lock so that what other transactions committed is seen. */
static int period_counts(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *period,
                         int64_t *decls, int64_t *open)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT COUNT(*) AS n, IFNULL(SUM(status = 'incomplete'), 0) AS open"
                    " FROM customs_decl WHERE ent_id = ? AND period = ? LOCK IN SHARE MODE",
                    TS_ARGS(TS_I64(ent_id), TS_STR(period)), &r) < 0)
        return -1;
    *decls = ts_db_cell_i64(&r, 0, "n");
    *open = ts_db_cell_i64(&r, 0, "open");
    return 0;
}

/* Set the 按所属期备案 of the 所属期 to what its declarations say (已收齐
 * when it has some and all are 已收齐), with completed_by / completed_at
 * and an audit row when that changes its status; nothing when there is no
 * such record.  In the caller's transaction, after ts_docs_period_lock_db.
 * -1 on a database error. */
int ts_docs_period_sync_db(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *period,
                           const struct ts_docs_actor *who)
{
    struct ts_db_rows r;
    int64_t decls = 0, open = 0;
    if (ts_db_query(
            db, a,
            "SELECT id, status FROM period_filing WHERE ent_id = ? AND period = ? FOR UPDATE",
            TS_ARGS(TS_I64(ent_id), TS_STR(period)), &r) < 0 ||
        (r.nrows == 1 && period_counts(db, a, ent_id, period, &decls, &open) < 0))
        return -1;
    if (r.nrows != 1)
        return 0;
    const char *was = ts_db_cell(&r, 0, "status");
    const char *now = decls > 0 && open == 0 ? "complete" : "incomplete";
    bool done = strcmp(now, "complete") == 0;
    if (strcmp(was, now) == 0)
        return 0;
    if (ts_db_exec(db,
                   "UPDATE period_filing SET status = ?, completed_by = ?,"
                   " completed_at = IF(? = 'complete', NOW(), NULL) WHERE ent_id = ? AND id = ?",
                   TS_ARGS(TS_STR(now), done && who->user_id ? TS_I64(who->user_id) : TS_NULL,
                           TS_STR(now), TS_I64(ent_id), TS_I64(ts_db_cell_i64(&r, 0, "id"))),
                   NULL) < 0)
        return -1;
    return ts_audit_append(db, who->user_id, ent_id, who->request_id, who->action, "period_filing",
                           ts_db_cell(&r, 0, "id"),
                           ts_arena_printf(a,
                                           "status %s->%s period=%s declarations=%lld"
                                           " incomplete=%lld%s%s",
                                           was, now, period, (long long)decls, (long long)open,
                                           who->note ? " " : "", who->note ? who->note : ""));
}

/* ts_docs_period_lock_db for the session's enterprise. */
int ts_docs_period_lock(struct ts_ctx *c, const char *period)
{
    return ts_docs_period_lock_db(c->db, c->arena, ts_scope_tenant(c), period);
}

/* ts_docs_period_sync_db for the session's enterprise, audited as the
 * request's action (like ts_audit_log). */
int ts_docs_period_sync(struct ts_ctx *c, const char *period)
{
    struct ts_docs_actor who = {
        .user_id = c->session ? c->session->user_id : 0,
        .request_id = c->request_id,
        .action = ts_arena_printf(c->arena, "%s.%s", c->module->name,
                                  c->action->name[0] ? c->action->name : "index"),
        .note = NULL,
    };
    return ts_docs_period_sync_db(c->db, c->arena, ts_scope_tenant(c), period, &who);
}
