/* doctypes — 备案单证种类 (000 §2.5.2).
 *
 * "列表中展示了所有可备案的单证种类": the default kinds the system gives
 * (ent_id NULL in doc_kind: the documents 税务总局公告2026年第5号 第四十四—
 * 四十六条 says an exporter keeps, schema/004_doc_kinds.sql) that apply to
 * the enterprise's type, followed by the kinds the enterprise added itself.
 * The enterprise's type is the one it filed in 电子化管理备案 (efiling), or
 * the one of its enterprise record until it has filed.
 *
 * 新增 (添加备案单证种类: *单证种类名称, *类别, 是否必须, 说明, 状态),
 * 修改 and 删除 apply to the enterprise's own kinds only:
 * 【企业只能修改或者删除自定义的单证种类，系统默认的单证种类不可被修改或删除。】
 * — default kinds show no buttons, and a request against one is refused
 * (409) with those words.  Names are unique within the enterprise and may
 * not repeat a default kind's name (the documents of a declaration are
 * filed by kind name).  A kind with documents filed under it is not deleted
 * (kind_documents); it may be 停用 instead.
 *
 * Tenancy: default kinds are read with a plain query on ent_id IS NULL;
 * the enterprise's own kinds are read and changed only through ts_scope_*,
 * so another enterprise's kind id answers 404.  Every change is audited. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_ui.h"

#include <string.h>

#define LIST_URL  "/doctypes/"
#define NOT_FOUND "单证种类不存在。"
#define LOCKED    "企业只能修改或者删除自定义的单证种类，系统默认的单证种类不可被修改或删除。"

/* MariaDB: a row still referenced by a foreign key (ER_ROW_IS_REFERENCED_2). */
#define ER_ROW_IS_REFERENCED 1451

static const char *const category_choices[] = {"contract", "transport", "customs_agency", "other",
                                               NULL};
static const char *const category_labels[] = {"购销合同", "出口货物的运输单据", "委托报关的单据",
                                              "其他", NULL};
static const char *const yes_no[] = {"1", "0", NULL};
static const char *const status_choices[] = {"normal", "disabled", NULL};

/* One of the enterprise's own kinds, as loaded for a change. */
struct kind {
    int64_t id;
    const char *name;
    const char *category;
    const char *description;
    const char *required;
    const char *status;
};

/* The manual's name of a 类别 (doc_kind.category). */
static const char *category_label(const char *category)
{
    for (size_t i = 0; category_choices[i]; i++)
        if (strcmp(category_choices[i], category) == 0)
            return category_labels[i];
    return category;
}

/* The enterprise's type for choosing default kinds: the one filed in
 * 电子化管理备案, else the enterprise record's ('production' / 'trading').
 * NULL on a database error. */
static const char *ent_type(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT IFNULL(f.ent_type, e.ent_type) AS ent_type FROM enterprise e"
                    " LEFT JOIN efiling f ON f.ent_id = e.id WHERE e.id = ?",
                    TS_ARGS(TS_I64(c->session->ent_id)), &r) < 0 ||
        r.nrows != 1)
        return NULL;
    return ts_db_cell(&r, 0, "ent_type");
}

/* How many documents are filed under one of the enterprise's kinds: the
 * files of 单证预归档 (prearchive_file, 000 §2.3).  Later modules that
 * file documents by kind (上传备案单证, docupload §2.4.2) add their count
 * here.  Any table that references doc_kind by foreign key also makes the
 * DELETE itself fail, which kind_delete turns into the same refusal.  -1
 * on a database error. */
static int64_t kind_documents(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows r;
    if (ts_scope_query(
            c, "SELECT COUNT(*) AS n FROM prearchive_file WHERE ent_id = ? AND doc_kind_id = ?",
            TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* 状态 as the list shows it.  A disabled kind applies to nothing: 停用.
 * A kind with effective dates (the dated rule it comes from) applies to
 * the declarations whose date — 出口日期, else the first day of the 所属期
 * (lib/ts_docs) — falls within them, whatever today is; so the label says
 * where today stands and the dates: 未生效（2027-01-01起）, 已失效（至
 * 2025-12-31）, 正常（2026-07-01起）; an undated one is 正常. */
static const char *status_label(struct ts_ctx *c, const struct ts_db_rows *r, size_t i)
{
    const char *from = ts_db_cell(r, i, "effective_from"), *to = ts_db_cell(r, i, "effective_to");
    const char *state = ts_db_cell_i64(r, i, "not_yet")   ? "未生效"
                        : ts_db_cell_i64(r, i, "expired") ? "已失效"
                                                          : "正常";
    if (strcmp(ts_db_cell(r, i, "status"), "normal") != 0)
        return "停用";
    if (from[0] && to[0])
        return ts_arena_printf(c->arena, "%s（%s至%s）", state, from, to);
    if (from[0])
        return ts_arena_printf(c->arena, "%s（%s起）", state, from);
    if (to[0])
        return ts_arena_printf(c->arena, "%s（至%s）", state, to);
    return state;
}

/* Append rows of kinds to the page's Kinds list from position *n on, with
 * the labels the list shows. */
static void add_kinds(struct ts_ctx *c, const struct ts_db_rows *r, bool own, int *n)
{
    for (size_t i = 0; i < r->nrows; i++, (*n)++) {
        const char *p = ts_arena_printf(c->arena, "Kinds.%d", *n);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.id", p), ts_db_cell(r, i, "id"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.name", p), ts_db_cell(r, i, "name"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.Category", p),
                      category_label(ts_db_cell(r, i, "category")));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.description", p),
                      ts_db_cell(r, i, "description"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.Required", p),
                      ts_db_cell_i64(r, i, "required") ? "是" : "否");
        ts_render_set(c, ts_arena_printf(c->arena, "%s.Source", p), own ? "自定义" : "系统默认");
        ts_render_set(c, ts_arena_printf(c->arena, "%s.Status", p), status_label(c, r, i));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.status", p), ts_db_cell(r, i, "status"));
        if (own)
            ts_render_set(c, ts_arena_printf(c->arena, "%s.Own", p), "1");
    }
}

#define KIND_COLUMNS                                                                               \
    "SELECT id, name, category, IFNULL(description, '') AS description, required, status,"         \
    " IFNULL(effective_from > CURDATE(), 0) AS not_yet,"                                           \
    " IFNULL(effective_to < CURDATE(), 0) AS expired,"                                             \
    " IFNULL(CAST(effective_from AS CHAR), '') AS effective_from,"                                 \
    " IFNULL(CAST(effective_to AS CHAR), '') AS effective_to FROM doc_kind"

/* The 备案单证保存期限 rules (retention_rule), newest first, for the note
 * under the list: 5 years, 10 since 2026-01-01. */
static int set_retention(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT CAST(effective_from AS CHAR) AS effective_from, years, basis"
                    " FROM retention_rule ORDER BY effective_from DESC",
                    TS_NOARGS, &r) < 0)
        return -1;
    ts_render_rows(c, "Retention", &r);
    return 0;
}

/* GET /doctypes/ — 备案单证种类列表: the default kinds for the enterprise's
 * type, then its own. */
static enum ts_result kind_list(struct ts_ctx *c)
{
    struct ts_db_rows defaults, own;
    const char *type = ent_type(c);
    int n = 0;
    if (!type ||
        ts_db_query(c->db, c->arena,
                    KIND_COLUMNS " WHERE ent_id IS NULL AND applies_to IN ('all', ?)"
                                 " ORDER BY sort_order, id",
                    TS_ARGS(TS_STR(type)), &defaults) < 0 ||
        ts_scope_query(c, KIND_COLUMNS " WHERE ent_key = ? ORDER BY sort_order, id", TS_NOARGS,
                       &own) < 0 ||
        set_retention(c) < 0)
        return TS_FAIL;
    add_kinds(c, &defaults, false, &n);
    add_kinds(c, &own, true, &n);
    ts_render_set(c, "Ent.Type", strcmp(type, "production") == 0 ? "生产企业" : "外贸企业");
    ts_render_set(c, "Can.Edit", ts_session_can(c, "doctypes.edit") ? "1" : "");
    return ts_ui_page(c, "备案单证种类", "doctypes/list.cs");
}

/* Load one of the enterprise's own kinds: 1 found, 0 not (another
 * enterprise's id looks the same as a missing one), -1 database error. */
static int kind_load(struct ts_ctx *c, int64_t id, struct kind *k)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT id, name, category, IFNULL(description, '') AS description,"
                       " required, status FROM doc_kind WHERE ent_key = ? AND id = ? FOR UPDATE",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *k = (struct kind){
        .id = ts_db_cell_i64(&r, 0, "id"),
        .name = ts_db_cell(&r, 0, "name"),
        .category = ts_db_cell(&r, 0, "category"),
        .description = ts_db_cell(&r, 0, "description"),
        .required = ts_db_cell(&r, 0, "required"),
        .status = ts_db_cell(&r, 0, "status"),
    };
    return 1;
}

/* The name of a default kind with this id, or NULL: a default kind is
 * shown to every enterprise, so its id is no secret, and a change asked
 * for it gets the manual's reason instead of 404.  *err on a database
 * error. */
static const char *default_name(struct ts_ctx *c, int64_t id, bool *err)
{
    struct ts_db_rows r;
    *err = ts_db_query(c->db, c->arena, "SELECT name FROM doc_kind WHERE ent_id IS NULL AND id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0;
    return !*err && r.nrows == 1 ? ts_db_cell(&r, 0, "name") : NULL;
}

/* The kind a 修改 / 删除 names: the enterprise's own (1), or the answer for
 * any other id — the refusal of a default kind, 404 otherwise — in *out
 * (0), or TS_FAIL in *out on a database error (0). */
static int kind_for_change(struct ts_ctx *c, int64_t id, struct kind *k, enum ts_result *out)
{
    bool err = false;
    int found = kind_load(c, id, k);
    if (found > 0)
        return 1;
    const char *name = found < 0 ? NULL : default_name(c, id, &err);
    if (found < 0 || err)
        *out = TS_FAIL;
    else if (name)
        *out =
            ts_ui_refuse(c, ts_arena_printf(c->arena, "“%s”是系统默认的单证种类。" LOCKED, name));
    else
        *out = ts_ui_not_found(c, NOT_FOUND);
    return 0;
}

/* The 新增 (id 0) / 修改 form; Form.* holds the values typed or loaded. */
static enum ts_result kind_form(struct ts_ctx *c, int64_t id)
{
    for (int i = 0; category_choices[i]; i++)
        ts_ui_option(c, "Options.Category", i, category_choices[i], category_labels[i]);
    ts_ui_option(c, "Options.Required", 0, "1", "是");
    ts_ui_option(c, "Options.Required", 1, "0", "否");
    ts_ui_option(c, "Options.Status", 0, "normal", "正常");
    ts_ui_option(c, "Options.Status", 1, "disabled", "停用");
    if (id)
        ts_render_set_int(c, "Kind.Id", id);
    return ts_ui_page(c, id ? "修改备案单证种类" : "添加备案单证种类", "doctypes/form.cs");
}

/* GET /doctypes/new — 添加备案单证种类. */
static enum ts_result kind_new(struct ts_ctx *c)
{
    ts_render_set(c, "Form.required", "0");
    ts_render_set(c, "Form.status", "normal");
    return kind_form(c, 0);
}

/* GET /doctypes/edit?id= — 修改: the form filled from the kind. */
static enum ts_result kind_edit(struct ts_ctx *c)
{
    struct kind k;
    enum ts_result out;
    if (!kind_for_change(c, ts_arg_int(c, "id"), &k, &out))
        return out;
    ts_render_set(c, "Form.name", k.name);
    ts_render_set(c, "Form.category", k.category);
    ts_render_set(c, "Form.description", k.description);
    ts_render_set(c, "Form.required", k.required);
    ts_render_set(c, "Form.status", k.status);
    return kind_form(c, k.id);
}

/* Is the name taken: by a default kind (2), by another of the
 * enterprise's kinds (1), or free (0)?  -1 on a database error.  Every
 * default kind counts, whatever type it applies to: an enterprise that
 * changes its type must not end up with two kinds of one name. */
static int name_taken(struct ts_ctx *c, const char *name, int64_t id)
{
    struct ts_db_rows d, own;
    if (ts_db_query(c->db, c->arena, "SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = ?",
                    TS_ARGS(TS_STR(name)), &d) < 0 ||
        ts_scope_query(c, "SELECT id FROM doc_kind WHERE ent_key = ? AND name = ? AND id <> ?",
                       TS_ARGS(TS_STR(name), TS_I64(id)), &own) < 0)
        return -1;
    return d.nrows ? 2 : own.nrows ? 1 : 0;
}

/* A choice the form must have (a select or radios): "请选择…" when none
 * was made (a choice not among the offered ones has its error already). */
static void require_choice(struct ts_ctx *c, const char *name, const char *label)
{
    if (!ts_arg_present(c, name))
        ts_arg_error(c, name, ts_arena_printf(c->arena, "请选择%s", label));
}

/* The business rules beyond the declared limits; errors go next to their
 * fields.  -1 only on a database error. */
static int check_kind(struct ts_ctx *c, int64_t id)
{
    require_choice(c, "category", "类别");
    require_choice(c, "required", "是否必须");
    require_choice(c, "status", "状态");
    if (ts_arg(c, "name")->error)
        return 0;
    int taken = name_taken(c, ts_arg_str(c, "name"), id);
    if (taken == 2)
        ts_arg_error(c, "name", "与系统默认的单证种类名称相同，请换一个名称");
    else if (taken == 1)
        ts_arg_error(c, "name", "单证种类名称已存在");
    return taken < 0 ? -1 : 0;
}

/* 说明 as stored: NULL when left empty. */
static struct ts_db_arg description_arg(struct ts_ctx *c)
{
    const char *d = ts_arg_str(c, "description");
    return TS_STR(d[0] ? d : NULL);
}

/* A new kind of the session's enterprise (never one named by the request);
 * it applies to the enterprise whatever its type. */
static int kind_insert(struct ts_ctx *c, int64_t *id)
{
    struct ts_db_result res;
    if (ts_db_exec(
            c->db,
            "INSERT INTO doc_kind (ent_id, applies_to, category, name, description,"
            " required, locked, sort_order, status) VALUES (?, 'all', ?, ?, ?, ?, 0, 1000, ?)",
            TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_STR(ts_arg_str(c, "category")),
                    TS_STR(ts_arg_str(c, "name")), description_arg(c),
                    TS_I64(strcmp(ts_arg_str(c, "required"), "1") == 0),
                    TS_STR(ts_arg_str(c, "status"))),
            &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* Store the form over one of the enterprise's own kinds. */
static int kind_update(struct ts_ctx *c, int64_t id)
{
    return ts_scope_exec(
        c,
        "UPDATE doc_kind SET name = ?, category = ?, description = ?, required = ?,"
        " status = ? WHERE ent_key = ? AND id = ? AND ent_id IS NOT NULL",
        TS_ARGS(TS_STR(ts_arg_str(c, "name")), TS_STR(ts_arg_str(c, "category")),
                description_arg(c), TS_I64(strcmp(ts_arg_str(c, "required"), "1") == 0),
                TS_STR(ts_arg_str(c, "status")), TS_I64(id)),
        NULL);
}

/* What the audit row says about a saved kind. */
static const char *kind_detail(struct ts_ctx *c, const struct kind *old)
{
    const char *now = ts_arena_printf(c->arena, "name=%s category=%s required=%s status=%s",
                                      ts_arg_str(c, "name"), ts_arg_str(c, "category"),
                                      ts_arg_str(c, "required"), ts_arg_str(c, "status"));
    if (!old->id)
        return ts_arena_printf(c->arena, "create %s", now);
    return ts_arena_printf(c->arena, "update name=%s category=%s required=%s status=%s -> %s",
                           old->name, old->category, old->required, old->status, now);
}

/* The form again with its errors and everything typed (TS_ROLLBACK). */
static enum ts_result form_again(struct ts_ctx *c, int64_t id)
{
    return kind_form(c, id) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /doctypes/save — 保存 on 新增 (no id) or 修改 (id). */
static enum ts_result kind_save(struct ts_ctx *c)
{
    struct kind old = {0};
    enum ts_result out;
    int64_t id = ts_arg_int(c, "id");
    if (id && !kind_for_change(c, id, &old, &out))
        return out;
    if (check_kind(c, id) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return form_again(c, id);
    if ((id ? kind_update(c, id) : kind_insert(c, &id)) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        ts_arg_error(c, "name", "单证种类名称已存在");
        return form_again(c, old.id);
    }
    if (ts_audit_log(c, "doc_kind", id, kind_detail(c, &old)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。", LIST_URL);
}

/* The refusal of deleting a kind with documents filed under it. */
static enum ts_result refuse_in_use(struct ts_ctx *c, const struct kind *k, int64_t n)
{
    const char *count =
        n > 0 ? ts_arena_printf(c->arena, "已有 %lld 份备案单证", (long long)n) : "已有备案单证";
    return ts_ui_refuse(c, ts_arena_printf(c->arena,
                                           "单证种类“%s”下%s，不能删除；"
                                           "不再使用时可将其状态改为停用。",
                                           k->name, count));
}

/* POST /doctypes/delete — 删除 one of the enterprise's own kinds; refused
 * for default kinds and for a kind with documents filed under it. */
static enum ts_result kind_delete(struct ts_ctx *c)
{
    struct kind k;
    enum ts_result out;
    if (!kind_for_change(c, ts_arg_int(c, "id"), &k, &out))
        return out;
    int64_t docs = kind_documents(c, k.id);
    if (docs < 0)
        return TS_FAIL;
    if (docs > 0)
        return refuse_in_use(c, &k, docs);
    if (ts_scope_exec(c, "DELETE FROM doc_kind WHERE ent_key = ? AND id = ? AND ent_id IS NOT NULL",
                      TS_ARGS(TS_I64(k.id)), NULL) < 0)
        return ts_db_errno(c->db) == ER_ROW_IS_REFERENCED ? refuse_in_use(c, &k, 0) : TS_FAIL;
    if (ts_audit_log(c, "doc_kind", k.id, ts_arena_printf(c->arena, "delete name=%s", k.name)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "删除成功。", LIST_URL);
}

static const struct ts_param id_params[] = {
    ts_param_int("id", "单证种类", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param save_params[] = {
    ts_param_int("id", "单证种类", 0, 1, INT64_MAX),
    ts_param_str("name", "单证种类名称", TS_REQ, 1, 50),
    ts_param_enum("category", "类别", 0, category_choices),
    ts_param_enum("required", "是否必须", 0, yes_no),
    ts_param_str("description", "说明", 0, 0, 500),
    ts_param_enum("status", "状态", 0, status_choices),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "doctypes", NULL, kind_list, 0},
    {"new", TS_GET, "doctypes.edit", NULL, kind_new, 0},
    {"edit", TS_GET, "doctypes.edit", id_params, kind_edit, 0},
    {"save", TS_POST, "doctypes.edit", save_params, kind_save, 0},
    {"delete", TS_POST, "doctypes.edit", id_params, kind_delete, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"doctypes", "备案单证种类", actions};

int main(void)
{
    return ts_app_main(&module);
}
