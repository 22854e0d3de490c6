/* ts_docs — shared rules of 上传备案单证 and 单证收齐审核; see ts_docs.h.
 *
 * A kind applies to an enterprise when it is one of its own, or a default
 * kind (ent_id NULL) for all types or for the enterprise's 企业类型 — the
 * type on its 电子化管理备案 when that exists, else the enterprise's — and
 * is enabled and in force today.  A declaration's documents are the
 * decl_document rows with its decl_id, 申报关联号专属单证 (line_id set)
 * included: a contract filed for one product line is on the declaration. */
#include "ts_docs.h"

#include "ts_arena.h"

#include <stdlib.h>
#include <string.h>

/* The kinds applying to the enterprise bound at the first placeholder. */
#define KINDS_FROM                                                                                 \
    " FROM (SELECT e.id AS ent_id, IFNULL(f.ent_type, e.ent_type) AS ent_type"                     \
    " FROM enterprise e LEFT JOIN efiling f ON f.ent_id = e.id) t"                                 \
    " JOIN doc_kind k ON k.ent_id = t.ent_id"                                                      \
    " OR (k.ent_id IS NULL AND k.applies_to IN ('all', t.ent_type))"                               \
    " WHERE t.ent_id = ? AND k.status = 'normal'"                                                  \
    " AND (k.effective_from IS NULL OR k.effective_from <= CURDATE())"                             \
    " AND (k.effective_to IS NULL OR k.effective_to >= CURDATE())"

/* The 单证种类 that apply to the session's enterprise, in the order of
 * 备案单证种类 (defaults first).  Columns id, name, required. */
int ts_docs_kinds(struct ts_ctx *c, struct ts_db_rows *out)
{
    return ts_scope_query(
        c, "SELECT k.id, k.name, k.required" KINDS_FROM " ORDER BY k.ent_key, k.sort_order, k.id",
        TS_NOARGS, out);
}

/* The required kinds (doc_kind.required = 1) applying to the enterprise of
 * which the declaration has no file, as "出口合同、出口货物运输单据" in
 * *names ("" when none).  Returns how many are missing, -1 on a database
 * error.  The caller has checked the declaration is the enterprise's. */
int ts_docs_missing(struct ts_ctx *c, int64_t decl_id, const char **names)
{
    struct ts_db_rows r;
    *names = "";
    if (ts_scope_query(c,
                       "SELECT k.name" KINDS_FROM " AND k.required = 1 AND NOT EXISTS"
                       " (SELECT 1 FROM decl_document d WHERE d.ent_id = t.ent_id"
                       " AND d.decl_id = ? AND d.doc_kind_id = k.id)"
                       " ORDER BY k.ent_key, k.sort_order, k.id",
                       TS_ARGS(TS_I64(decl_id)), &r) < 0)
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
