/* roles — 角色管理 (000 §2.5.3).
 *
 * The list of the tenant's roles; 新增 / 修改 with *角色名称, 状态, 菜单权限
 * and 备注; 删除.  "企业管理员" (is_admin) is the default role the system
 * gives every enterprise: it holds every enterprise permission, and cannot
 * be deleted, renamed, disabled or have its 菜单权限 changed (only its 备注).
 * The manual's rule: 菜单权限 must have at least one box checked.
 *
 * No privilege escalation: a 菜单权限 is granted to a role, or taken from
 * it, only by someone who holds it; nobody changes the 菜单权限 of a role
 * they hold themself.  The form greys out what the user may not change; a
 * request that tries anyway is refused (409).
 *
 * Tenancy: an enterprise user manages the enterprise's roles; the operator
 * (tenant 0) manages the portal staff's roles, each made for one kind of
 * staff — 税务, 海关 or 运维 — which decides the 菜单权限 it may grant.
 * Every read and change of a role row goes through ts_scope_*, so another
 * tenant's role id answers 404. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_ui.h"

#include <string.h>

#define LIST_URL  "/roles/"
#define NOT_FOUND "角色不存在。"

static const char *const status_choices[] = {"normal", "disabled", NULL};
static const char *const staff_scopes[] = {"tax", "customs", "operator", NULL};

/* A role row as loaded for a change. */
struct role {
    int64_t id;
    const char *scope;
    const char *name;
    const char *status;
    const char *remark;
    bool is_admin;
    bool held; /* the session's own user holds it */
};

/* Does the session's own user hold this role?  Its 菜单权限 are then not
 * theirs to change: they would be granting themself.  1 yes, 0 no, -1 on
 * a database error. */
static int held_by_me(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT COUNT(*) AS n FROM role r JOIN user_role ur ON ur.role_id = r.id"
                       " WHERE r.ent_key = ? AND r.id = ? AND ur.user_id = ?",
                       TS_ARGS(TS_I64(id), TS_I64(c->session->user_id)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n") > 0;
}

/* The 菜单权限 the role holds now (column 0). */
static int stored_perms(struct ts_ctx *c, int64_t id, struct ts_db_rows *r)
{
    return ts_scope_query(c,
                          "SELECT rp.perm FROM role r JOIN role_perm rp ON rp.role_id = r.id"
                          " WHERE r.ent_key = ? AND r.id = ?",
                          TS_ARGS(TS_I64(id)), r);
}

/* May the session grant this 菜单权限 to a role, or take it away?  Only if
 * it holds it (ts_perm_first_missing has the rule). */
static bool can_hand_on(struct ts_ctx *c, const char *code)
{
    return !ts_perm_first_missing(c->session->perms, c->session->nperms, c->session->scope, &code,
                                  1);
}

/* Load one of the tenant's roles: 1 found, 0 not (another tenant's id
 * looks the same as a missing one), -1 database error. */
static int role_load(struct ts_ctx *c, int64_t id, struct role *r)
{
    struct ts_db_rows rows;
    if (ts_scope_query(c,
                       "SELECT id, scope, name, status, is_admin, IFNULL(remark, '') AS remark"
                       " FROM role WHERE ent_key = ? AND id = ? FOR UPDATE",
                       TS_ARGS(TS_I64(id)), &rows) < 0)
        return -1;
    if (rows.nrows != 1)
        return 0;
    r->id = ts_db_cell_i64(&rows, 0, "id");
    r->scope = ts_db_cell(&rows, 0, "scope");
    r->name = ts_db_cell(&rows, 0, "name");
    r->status = ts_db_cell(&rows, 0, "status");
    r->remark = ts_db_cell(&rows, 0, "remark");
    r->is_admin = ts_db_cell_i64(&rows, 0, "is_admin") != 0;
    int held = held_by_me(c, r->id);
    r->held = held > 0;
    return held < 0 ? -1 : 1;
}

/* GET /roles/ — 角色列表: every role of the tenant, the default ones first. */
static enum ts_result role_list(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT id, scope, name, status, is_admin, IFNULL(remark, '') AS remark,"
                       " created_at FROM role WHERE ent_key = ? ORDER BY is_admin DESC, id",
                       TS_NOARGS, &r) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Roles", &r);
    for (size_t i = 0; i < r.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Roles.%zu.ScopeLabel", i),
                      ts_ui_scope_label(ts_db_cell(&r, i, "scope")));
    ts_render_set(c, "Can.Edit", ts_session_can(c, "roles.edit") ? "1" : "");
    ts_render_set(c, "Tenant.Staff", ts_ui_staff_tenant(c) ? "1" : "");
    return ts_ui_page(c, "角色管理", "roles/list.cs");
}

/* Is box code of role r's form one the session may not change?  All are
 * when it holds the role; otherwise the codes it lacks.  The default role's
 * boxes are all disabled by the template and never posted, so none is
 * "fixed" (posted as it stands) there. */
static bool perm_fixed(struct ts_ctx *c, const struct role *r, const char *code)
{
    return !r->is_admin && (r->held || !can_hand_on(c, code));
}

/* The 菜单权限 a role of this kind may grant, grouped by menu group as the
 * left menu shows them.  Modules not built yet are included, so roles can
 * be prepared before the module arrives.  Boxes the session may not change
 * are greyed out and kept as they are (Role.SomeFixed says some are). */
static void set_perm_options(struct ts_ctx *c, enum ts_scope scope, const struct role *r)
{
    const char *group = NULL, *items = NULL;
    int g = -1, n = 0;
    for (size_t i = 0; i < ts_perm_count; i++) {
        const struct ts_perm *p = &ts_perm_table[i];
        if (!(p->scopes & scope))
            continue;
        if (!group || strcmp(group, p->group) != 0) {
            group = p->group;
            n = 0;
            ts_render_set(c, ts_arena_printf(c->arena, "Perms.%d.Name", ++g), group);
            items = ts_arena_printf(c->arena, "Perms.%d.Items", g);
        }
        ts_ui_option(c, items, n, p->code, p->label);
        if (perm_fixed(c, r, p->code)) {
            ts_ui_option_fixed(c, items, n);
            ts_render_set(c, "Role.SomeFixed", "1");
        }
        n++;
    }
}

/* Check the boxes of the 菜单权限 the role holds now. */
static int check_stored_perms(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows r;
    if (stored_perms(c, id, &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        ts_ui_checked(c, "perms", ts_db_cell_at(&r, i, 0));
    return 0;
}

/* The 新增 (r->id 0) / 修改 form for a role of this kind; Form.* holds the
 * values typed or loaded.  The default role shows its fixed name and
 * 菜单权限 greyed out. */
static enum ts_result role_form(struct ts_ctx *c, const char *scope, const struct role *r)
{
    if (r->is_admin && check_stored_perms(c, r->id) < 0)
        return TS_FAIL;
    ts_ui_option(c, "Options.Status", 0, "normal", "正常");
    ts_ui_option(c, "Options.Status", 1, "disabled", "停用");
    set_perm_options(c, ts_perm_scope_from_name(scope), r);
    ts_render_set(c, "Role.Held", r->held && !r->is_admin ? "1" : "");
    ts_render_set(c, "Role.Scope", scope);
    ts_render_set(c, "Role.ScopeLabel", ts_ui_scope_label(scope));
    ts_render_set(c, "Role.Name", r->name);
    ts_render_set(c, "Role.Locked", r->is_admin ? "1" : "");
    ts_render_set(c, "Tenant.Staff", ts_ui_staff_tenant(c) ? "1" : "");
    return ts_ui_page(c, r->id ? "修改角色" : "新增角色", "roles/form.cs");
}

/* The kind of a new role: an enterprise's roles are enterprise roles; the
 * operator picks 税务, 海关 or 运维 (NULL until picked). */
static const char *new_role_scope(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "scope");
    if (!ts_ui_staff_tenant(c))
        return "enterprise";
    return v && v->present && !v->error ? v->raw : NULL;
}

/* GET /roles/new — 新增角色.  The operator first chooses the kind of staff
 * the role is for, as the 菜单权限 offered depend on it. */
static enum ts_result role_new(struct ts_ctx *c)
{
    const struct role none = {0};
    const char *scope = new_role_scope(c);
    if (!scope)
        return ts_ui_page(c, "新增角色", "roles/scope.cs");
    ts_render_set(c, "Form.status", "normal");
    return role_form(c, scope, &none);
}

/* GET /roles/edit?id= — 修改角色: the form filled from the role and its
 * 菜单权限. */
static enum ts_result role_edit(struct ts_ctx *c)
{
    struct role r;
    int found = role_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (!r.is_admin && check_stored_perms(c, r.id) < 0)
        return TS_FAIL;
    ts_render_set(c, "Form.name", r.name);
    ts_render_set(c, "Form.status", r.status);
    ts_render_set(c, "Form.remark", r.remark);
    return role_form(c, r.scope, &r);
}

/* Is the name used by another role of the tenant? (Names are unique per
 * tenant, whatever the kind of staff.) */
static int name_taken(struct ts_ctx *c, const char *name, int64_t id)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT id FROM role WHERE ent_key = ? AND name = ? AND id <> ?",
                       TS_ARGS(TS_STR(name), TS_I64(id)), &r) < 0)
        return -1;
    return r.nrows > 0;
}

/* Every checked 菜单权限 is a code of the table open to the role's kind. */
static bool perms_valid(struct ts_ctx *c, enum ts_scope scope)
{
    const struct ts_value *v = ts_arg(c, "perms");
    for (size_t i = 0; i < v->count; i++) {
        const struct ts_perm *p = ts_perm_find(v->list[i]);
        if (!p || !(p->scopes & scope))
            return false;
    }
    return true;
}

/* The default role: only its 备注 may change.  A request that tries more
 * (the form does not offer it) is refused next to the field. */
static void check_locked(struct ts_ctx *c, const struct role *old)
{
    const char *why =
        ts_arena_printf(c->arena, "%s角色为系统默认角色，名称和菜单权限不可修改", old->name);
    if (ts_arg_present(c, "name") && strcmp(ts_arg_str(c, "name"), old->name) != 0)
        ts_arg_error(c, "name", why);
    if (ts_arg(c, "perms")->count > 0)
        ts_arg_error(c, "perms", why);
    if (ts_arg_present(c, "status") && strcmp(ts_arg_str(c, "status"), "normal") != 0)
        ts_arg_error(c, "status", ts_arena_printf(c->arena, "%s角色不可停用", old->name));
}

/* Was this 菜单权限 checked? */
static bool submitted(struct ts_ctx *c, const char *code)
{
    const struct ts_value *v = ts_arg(c, "perms");
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->list[i], code) == 0)
            return true;
    return false;
}

/* Is this code among the rows (column 0) of stored_perms? */
static bool stored(const struct ts_db_rows *r, const char *code)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (strcmp(ts_db_cell_at(r, i, 0), code) == 0)
            return true;
    return false;
}

/* The first 菜单权限 granted to the role or taken from it (checked, not
 * stored, or the other way round) that passes the test pass — or NULL.
 * pass NULL: the first change at all. */
static const char *first_change(struct ts_ctx *c, const struct ts_db_rows *r,
                                bool (*pass)(struct ts_ctx *, const char *))
{
    const struct ts_value *v = ts_arg(c, "perms");
    for (size_t i = 0; i < v->count; i++)
        if (!stored(r, v->list[i]) && (!pass || pass(c, v->list[i])))
            return v->list[i];
    for (size_t i = 0; i < r->nrows; i++)
        if (!submitted(c, ts_db_cell_at(r, i, 0)) && (!pass || pass(c, ts_db_cell_at(r, i, 0))))
            return ts_db_cell_at(r, i, 0);
    return NULL;
}

/* A code the session may not hand on (first_change's test). */
static bool lacked(struct ts_ctx *c, const char *code)
{
    return !can_hand_on(c, code);
}

/* Why the checked 菜单权限 may not be stored, or NULL in *why: the role is
 * one the session holds, or a code granted or taken is one it lacks.  The
 * default role is left to check_locked.  -1 on a database error. */
static int check_grants(struct ts_ctx *c, const struct role *old, const char **why)
{
    struct ts_db_rows r = {0};
    const char *code;
    *why = NULL;
    if (old->is_admin)
        return 0;
    if (old->id && stored_perms(c, old->id, &r) < 0)
        return -1;
    if (old->held && first_change(c, &r, NULL))
        *why = "不能修改您本人所持角色的菜单权限，请由其他有权限的管理员修改。";
    else if ((code = first_change(c, &r, lacked)))
        *why = ts_arena_printf(c->arena, "不能授予或取消您本人不具备的菜单权限“%s”。",
                               ts_perm_label(code));
    return 0;
}

/* The business rules of the form; errors go next to their fields.
 * Returns -1 only on a database error. */
static int check_role(struct ts_ctx *c, const struct role *old, const char *scope)
{
    if (old->is_admin) {
        check_locked(c, old);
        return 0;
    }
    int taken = 0;
    if (!ts_arg_present(c, "name"))
        ts_arg_error(c, "name", "请填写角色名称");
    else if ((taken = name_taken(c, ts_arg_str(c, "name"), old->id)) > 0)
        ts_arg_error(c, "name", "角色名称已存在");
    if (!ts_arg_present(c, "status"))
        ts_arg_error(c, "status", "请选择状态");
    if (ts_arg(c, "perms")->count == 0)
        ts_arg_error(c, "perms", "请至少勾选一项菜单权限");
    else if (!perms_valid(c, ts_perm_scope_from_name(scope)))
        ts_arg_error(c, "perms", "所选菜单权限不适用于此角色");
    return taken < 0 ? -1 : 0;
}

/* A new role of the session's tenant (never a tenant named by the request). */
static int role_insert(struct ts_ctx *c, const char *scope, int64_t *id)
{
    struct ts_db_result res;
    int64_t tenant = ts_scope_tenant(c);
    const char *remark = ts_arg_str(c, "remark");
    if (ts_db_exec(
            c->db, "INSERT INTO role (scope, ent_id, name, status, remark) VALUES (?, ?, ?, ?, ?)",
            TS_ARGS(TS_STR(scope), tenant ? TS_I64(tenant) : TS_NULL, TS_STR(ts_arg_str(c, "name")),
                    TS_STR(ts_arg_str(c, "status")), TS_STR(remark[0] ? remark : NULL)),
            &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* Store the form over an existing role (the default role: its 备注 only). */
static int role_update(struct ts_ctx *c, const struct role *old)
{
    const char *remark = ts_arg_str(c, "remark");
    struct ts_db_arg rm = TS_STR(remark[0] ? remark : NULL);
    if (old->is_admin)
        return ts_scope_exec(c, "UPDATE role SET remark = ? WHERE ent_key = ? AND id = ?",
                             TS_ARGS(rm, TS_I64(old->id)), NULL);
    return ts_scope_exec(c,
                         "UPDATE role SET name = ?, status = ?, remark = ?"
                         " WHERE ent_key = ? AND id = ?",
                         TS_ARGS(TS_STR(ts_arg_str(c, "name")), TS_STR(ts_arg_str(c, "status")), rm,
                                 TS_I64(old->id)),
                         NULL);
}

/* Replace the role's 菜单权限 with the checked codes (already checked
 * against the table and the session's own).  Each row is written only for
 * a role of the session's tenant: the role id comes through the tenant
 * filter (the derived table r), so an id from anywhere else writes nothing. */
static int role_set_perms(struct ts_ctx *c, int64_t id)
{
    const struct ts_value *v = ts_arg(c, "perms");
    if (ts_scope_exec(c,
                      "DELETE rp FROM role_perm rp JOIN role r ON r.id = rp.role_id"
                      " WHERE r.ent_key = ? AND r.id = ?",
                      TS_ARGS(TS_I64(id)), NULL) < 0)
        return -1;
    for (size_t i = 0; i < v->count; i++)
        if (ts_scope_exec(c,
                          "INSERT IGNORE INTO role_perm (role_id, perm) SELECT r.id, p.perm FROM"
                          " (SELECT id FROM role WHERE ent_key = ? AND id = ?) r,"
                          " (SELECT CAST(? AS CHAR(64)) AS perm) p",
                          TS_ARGS(TS_I64(id), TS_STR(v->list[i])), NULL) < 0)
            return -1;
    return 0;
}

/* What the audit row says about a saved role. */
static const char *role_detail(struct ts_ctx *c, const struct role *old, const char *scope)
{
    const struct ts_value *v = ts_arg(c, "perms");
    const char *perms = "";
    if (old->is_admin)
        return "update remark";
    for (size_t i = 0; i < v->count; i++)
        perms = ts_arena_printf(c->arena, "%s%s%s", perms, i ? "," : "", v->list[i]);
    return ts_arena_printf(c->arena, "%s scope=%s name=%s status=%s perms=%s",
                           old->id ? "update" : "create", scope, ts_arg_str(c, "name"),
                           ts_arg_str(c, "status"), perms);
}

/* The form again with its errors and everything typed (TS_ROLLBACK). */
static enum ts_result form_again(struct ts_ctx *c, const char *scope, const struct role *old)
{
    return role_form(c, scope, old) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /roles/save — 确定 on 新增 (no id) or 修改 (id).  A valid form whose
 * 菜单权限 change the session may not make is refused (409). */
static enum ts_result role_save(struct ts_ctx *c)
{
    struct role old = {0};
    const char *why;
    int64_t id = ts_arg_int(c, "id");
    int found = id ? role_load(c, id, &old) : 1;
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    const char *scope = id ? old.scope : new_role_scope(c);
    if (!scope)
        return ts_ui_refuse(c, "请先选择角色适用的人员类别（税务、海关或运维）。");
    if (check_role(c, &old, scope) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return form_again(c, scope, &old);
    if (check_grants(c, &old, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    if ((id ? role_update(c, &old) : role_insert(c, scope, &id)) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        ts_arg_error(c, "name", "角色名称已存在");
        return form_again(c, scope, &old);
    }
    if ((!old.is_admin && role_set_perms(c, id) < 0) ||
        ts_audit_log(c, "role", id, role_detail(c, &old, scope)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。", LIST_URL);
}

/* How many users hold the role (a role in use is not deleted under them). */
static int64_t role_users(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT COUNT(*) AS n FROM role r JOIN user_role ur ON ur.role_id = r.id"
                       " WHERE r.ent_key = ? AND r.id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* POST /roles/delete — 删除.  Refused for the default role, and for a role
 * still assigned to users (they would silently lose their menus). */
static enum ts_result role_delete(struct ts_ctx *c)
{
    struct role r;
    int found = role_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (r.is_admin)
        return ts_ui_refuse(c, ts_arena_printf(c->arena, "%s角色为系统默认角色，不可删除", r.name));
    int64_t users = role_users(c, r.id);
    if (users < 0)
        return TS_FAIL;
    if (users > 0)
        return ts_ui_refuse(c, ts_arena_printf(c->arena,
                                               "角色“%s”已分配给 %lld 个用户，不能删除；"
                                               "请先在用户管理中取消分配。",
                                               r.name, (long long)users));
    if (ts_scope_exec(c, "DELETE FROM role WHERE ent_key = ? AND id = ?", TS_ARGS(TS_I64(r.id)),
                      NULL) < 0 ||
        ts_audit_log(c, "role", r.id, ts_arena_printf(c->arena, "delete name=%s", r.name)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "删除成功。", LIST_URL);
}

static const struct ts_param new_params[] = {
    ts_param_enum("scope", "人员类别", 0, staff_scopes),
    TS_PARAMS_END,
};

static const struct ts_param id_params[] = {
    ts_param_int("id", "角色", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param save_params[] = {
    ts_param_int("id", "角色", 0, 1, INT64_MAX),
    ts_param_enum("scope", "人员类别", 0, staff_scopes),
    ts_param_str("name", "角色名称", 0, 1, 50),
    ts_param_enum("status", "状态", 0, status_choices),
    ts_param_str("perms", "菜单权限", TS_MULTI, 1, 64),
    ts_param_str("remark", "备注", 0, 0, 500),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "roles", NULL, role_list, 0},
    {"new", TS_GET, "roles.edit", new_params, role_new, 0},
    {"edit", TS_GET, "roles.edit", id_params, role_edit, 0},
    {"save", TS_POST, "roles.edit", save_params, role_save, 0},
    {"delete", TS_POST, "roles.edit", id_params, role_delete, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"roles", "角色管理", actions};

int main(void)
{
    return ts_app_main(&module);
}
