/* users — 用户管理 (000 §2.5.4).
 *
 * The tenant's users: a list with a query form and paging; 新增 (*用户昵称,
 * *用户类型, *归属企业, 状态, *登录名称, *用户密码, *手机号, *选择角色, 备注);
 * 修改 (the same without the password, the 登录名称 fixed); 停用 / 启用;
 * 重置密码; 分配角色.  A new or reset password must be changed at the next
 * login.  "每个用户都需要分配相应的角色，否则登录系统后，看不到系统左侧菜单"
 * — so every user keeps at least one role.
 *
 * Guard rails: nobody disables themself; the enterprise's 企业管理员 account
 * (created with the enterprise) is never disabled and keeps the 企业管理员
 * role — each would lock the tenant out of 用户管理.  Disabling a user or
 * resetting a password ends that user's sessions.
 *
 * No privilege escalation: nobody changes their own roles; a role is given
 * or taken only by someone who holds every 菜单权限 of it; a password is
 * reset only by someone who holds every 菜单权限 of its user (else resetting
 * it would hand over the stronger account).  The forms grey out what the
 * user may not change; a request that tries anyway is refused (409).
 *
 * Tenancy: an enterprise user manages the enterprise's users; the operator
 * (tenant 0) manages the portal staff — 税务 officers (with their 主管税务局),
 * 海关 officers (with their 关区) and operators.  User rows are read and
 * changed through ts_scope_*, so another tenant's user id answers 404.
 *
 * 绑定IC卡 / 解除绑定 (001 重要提醒 "关于 IC卡/Ikey"; enterprise users,
 * permission users.card): the 卡号 and the certificate are read from the
 * chosen reader through signd, the card proves it is there and its holder
 * knows the PIN by signing a nonce issued with the form, and both are
 * stored with when and by whom (lib/ts_card, docs/card.md "The portal").
 * A card bound to another user anywhere in the portal is refused.  Binding
 * a card lets its holder log in as the user (卡介质登录), so the same guard
 * as 重置密码 applies: not the 企业管理员 account unless it is one's own,
 * not a user holding a 菜单权限 the session lacks. */
#include "ts_account.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_card.h"
#include "ts_crypto.h"
#include "ts_sm.h"
#include "ts_ui.h"

#include <string.h>

#define PAGE_SIZE  20
#define LIST_URL   "/users/"
#define NOT_FOUND  "用户不存在。"
#define SELF_ROLES "不能为本人分配角色，请由其他有权限的管理员操作。"

static const char *const status_choices[] = {"normal", "disabled", NULL};
static const char *const type_choices[] = {"admin", "operator", "officer", NULL};
static const char *const staff_scopes[] = {"tax", "customs", "operator", NULL};

/* A user row as loaded for a page or a change. */
struct user {
    int64_t id;
    const char *scope;
    const char *login_name;
    const char *nickname;
    const char *user_type;
    const char *phone;
    const char *remark;
    const char *status;
    const char *tax_bureau_code;
    const char *customs_district_code;
    const char *card_no; /* 绑定的IC卡号, "" when none */
    bool is_ent_admin;
};

/* Load one of the tenant's users: 1 found, 0 not (another tenant's id looks
 * the same as a missing one), -1 database error. */
static int user_load(struct ts_ctx *c, int64_t id, struct user *u)
{
    struct ts_db_rows r;
    if (ts_scope_query(
            c,
            "SELECT id, scope, login_name, nickname, user_type, IFNULL(phone, '') AS phone,"
            " IFNULL(remark, '') AS remark, status, is_ent_admin,"
            " IFNULL(tax_bureau_code, '') AS tax_bureau_code,"
            " IFNULL(customs_district_code, '') AS customs_district_code,"
            " IFNULL(card_no, '') AS card_no"
            " FROM app_user WHERE ent_key = ? AND id = ? FOR UPDATE",
            TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *u = (struct user){
        .id = ts_db_cell_i64(&r, 0, "id"),
        .scope = ts_db_cell(&r, 0, "scope"),
        .login_name = ts_db_cell(&r, 0, "login_name"),
        .nickname = ts_db_cell(&r, 0, "nickname"),
        .user_type = ts_db_cell(&r, 0, "user_type"),
        .phone = ts_db_cell(&r, 0, "phone"),
        .remark = ts_db_cell(&r, 0, "remark"),
        .status = ts_db_cell(&r, 0, "status"),
        .tax_bureau_code = ts_db_cell(&r, 0, "tax_bureau_code"),
        .customs_district_code = ts_db_cell(&r, 0, "customs_district_code"),
        .card_no = ts_db_cell(&r, 0, "card_no"),
        .is_ent_admin = ts_db_cell_i64(&r, 0, "is_ent_admin") != 0,
    };
    return 1;
}

/* The ids of the roles a user holds now (column 0). */
static int held_roles(struct ts_ctx *c, int64_t user_id, struct ts_db_rows *r)
{
    return ts_scope_query(c,
                          "SELECT ur.role_id FROM app_user u JOIN user_role ur ON ur.user_id = u.id"
                          " WHERE u.ent_key = ? AND u.id = ? ORDER BY ur.role_id",
                          TS_ARGS(TS_I64(user_id)), r);
}

/* The roles a user may be given: the tenant's enabled roles, and any role
 * the user already holds (shown so it is not dropped unseen). */
static int role_choices(struct ts_ctx *c, int64_t user_id, struct ts_db_rows *r)
{
    return ts_scope_query(c,
                          "SELECT r.id, r.name, r.scope, r.status, r.is_admin FROM role r"
                          " WHERE r.ent_key = ? AND (r.status = 'normal' OR r.id IN"
                          " (SELECT ur.role_id FROM user_role ur WHERE ur.user_id = ?))"
                          " ORDER BY r.is_admin DESC, r.id",
                          TS_ARGS(TS_I64(user_id)), r);
}

/* Is this role among the held ones (rows of held_roles)? */
static bool holds(const struct ts_db_rows *held, int64_t role_id)
{
    for (size_t i = 0; i < held->nrows; i++)
        if (ts_db_cell_i64(held, i, "role_id") == role_id)
            return true;
    return false;
}

/* Ids of column 0 as "1,2,3", for the audit log. */
static const char *id_list(struct ts_ctx *c, const struct ts_db_rows *r)
{
    const char *s = "";
    for (size_t i = 0; i < r->nrows; i++)
        s = ts_arena_printf(c->arena, "%s%s%s", s, i ? "," : "", ts_db_cell_at(r, i, 0));
    return s;
}

/* The checked role ids as "1,2,3", for the audit log. */
static const char *chosen_list(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "roles");
    const char *s = "";
    for (size_t i = 0; i < v->count; i++)
        s = ts_arena_printf(c->arena, "%s%s%lld", s, i ? "," : "", (long long)v->nums[i]);
    return s;
}

/* Was this role id checked? */
static bool chosen(struct ts_ctx *c, int64_t role_id)
{
    const struct ts_value *v = ts_arg(c, "roles");
    for (size_t i = 0; i < v->count; i++)
        if (v->nums[i] == role_id)
            return true;
    return false;
}

/* ---- who may give what ------------------------------------------- */

/* The first code of rows (column 0) the session may not hand on, or NULL
 * (ts_perm_first_missing has the rule). */
static const char *lacked(struct ts_ctx *c, const struct ts_db_rows *r)
{
    const char **codes = ts_arena_alloc(c->arena, (r->nrows + 1) * sizeof *codes);
    for (size_t i = 0; i < r->nrows; i++)
        codes[i] = ts_db_cell_at(r, i, 0);
    return ts_perm_first_missing(c->session->perms, c->session->nperms, c->session->scope, codes,
                                 r->nrows);
}

/* Why the session may not give or take the role, or NULL in *why: the role
 * holds a 菜单权限 the session lacks.  -1 on a database error. */
static int grant_refused(struct ts_ctx *c, int64_t role_id, const char *name, const char **why)
{
    struct ts_db_rows r;
    const char *code;
    *why = NULL;
    if (ts_scope_query(c,
                       "SELECT rp.perm FROM role r JOIN role_perm rp ON rp.role_id = r.id"
                       " WHERE r.ent_key = ? AND r.id = ?",
                       TS_ARGS(TS_I64(role_id)), &r) < 0)
        return -1;
    if ((code = lacked(c, &r)))
        *why = ts_arena_printf(c->arena,
                               "不能分配或取消角色“%s”：该角色含有您本人不具备的菜单权限“%s”。",
                               name, ts_perm_label(code));
    return 0;
}

/* Do the checked roles differ from the held ones (rows of held_roles)? */
static bool roles_changed(struct ts_ctx *c, const struct ts_db_rows *held)
{
    const struct ts_value *v = ts_arg(c, "roles");
    for (size_t i = 0; i < v->count; i++)
        if (!holds(held, v->nums[i]))
            return true;
    for (size_t i = 0; i < held->nrows; i++)
        if (!chosen(c, ts_db_cell_i64(held, i, "role_id")))
            return true;
    return false;
}

/* Why the checked roles may not be stored, or NULL in *why: the user is
 * the session's own (nobody changes their own roles), or a role given or
 * taken holds a 菜单权限 the session lacks.  u is NULL for a new user,
 * held its roles now.  Roles not of the tenant are left to check_roles.
 * -1 on a database error. */
static int check_grants(struct ts_ctx *c, const struct user *u, const struct ts_db_rows *held,
                        const char **why)
{
    struct ts_db_rows r;
    *why = NULL;
    if (u && u->id == c->session->user_id) {
        *why = roles_changed(c, held) ? SELF_ROLES : NULL;
        return 0;
    }
    if (role_choices(c, u ? u->id : 0, &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows && !*why; i++) {
        int64_t id = ts_db_cell_i64(&r, i, "id");
        if (chosen(c, id) != holds(held, id) &&
            grant_refused(c, id, ts_db_cell(&r, i, "name"), why) < 0)
            return -1;
    }
    return 0;
}

/* Every 菜单权限 of every role the user holds (enabled or not: a disabled
 * role can be enabled again), column 0. */
static int user_perms(struct ts_ctx *c, int64_t user_id, struct ts_db_rows *r)
{
    return ts_scope_query(c,
                          "SELECT DISTINCT rp.perm FROM app_user u"
                          " JOIN user_role ur ON ur.user_id = u.id"
                          " JOIN role_perm rp ON rp.role_id = ur.role_id"
                          " WHERE u.ent_key = ? AND u.id = ?",
                          TS_ARGS(TS_I64(user_id)), r);
}

/* ---- 用户列表 ------------------------------------------------------ */

#define LIST_FILTER                                                                                \
    " AND (? = '' OR INSTR(u.login_name, ?) > 0) AND (? = '' OR INSTR(u.nickname, ?) > 0)"         \
    " AND (? = '' OR u.status = ?)"

/* The query form's conditions, in LIST_FILTER's order. */
#define LIST_ARGS(c)                                                                               \
    TS_STR(ts_arg_str(c, "login_name")), TS_STR(ts_arg_str(c, "login_name")),                      \
        TS_STR(ts_arg_str(c, "nickname")), TS_STR(ts_arg_str(c, "nickname")),                      \
        TS_STR(ts_arg_str(c, "status")), TS_STR(ts_arg_str(c, "status"))

/* How many users match the query form. */
static int64_t list_count(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT COUNT(*) AS n FROM app_user u WHERE u.ent_key = ?" LIST_FILTER,
                       TS_ARGS(LIST_ARGS(c)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* One page of the matching users with the names of their roles: the
 * 企业管理员 account first, then the newest (a user just added is on top). */
static int list_page(struct ts_ctx *c, int64_t offset, struct ts_db_rows *r)
{
    return ts_scope_query(
        c,
        "SELECT u.id, u.nickname, u.login_name, u.user_type, u.scope, IFNULL(u.phone, '') AS phone,"
        " u.status, u.is_ent_admin, IFNULL(u.last_login_at, '') AS last_login,"
        " IFNULL(u.card_no, '') AS card_no,"
        " IFNULL((SELECT GROUP_CONCAT(r.name ORDER BY r.id SEPARATOR '、') FROM user_role ur"
        " JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '') AS roles"
        " FROM app_user u WHERE u.ent_key = ?" LIST_FILTER
        " ORDER BY u.is_ent_admin DESC, u.id DESC LIMIT ? OFFSET ?",
        TS_ARGS(LIST_ARGS(c), TS_I64(PAGE_SIZE), TS_I64(offset)), r);
}

/* GET /users/ — 用户列表: the tenant's users matching the query form
 * (登录名称 / 用户昵称 contain, 状态), 20 a page, with their roles. */
static enum ts_result user_list(struct ts_ctx *c)
{
    struct ts_db_rows rows;
    struct ts_ui_pager pager;
    int64_t total = list_count(c);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (list_page(c, pager.offset, &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Users", &rows);
    ts_ui_option(c, "Options.Status", 0, "normal", "正常");
    ts_ui_option(c, "Options.Status", 1, "disabled", "停用");
    ts_render_set(c, "Can.Edit", ts_session_can(c, "users.edit") ? "1" : "");
    ts_render_set(c, "Can.ResetPw", ts_session_can(c, "users.resetpw") ? "1" : "");
    ts_render_set(c, "Can.Card", ts_session_can(c, "users.card") ? "1" : "");
    ts_render_set(c, "Tenant.Staff", ts_ui_staff_tenant(c) ? "1" : "");
    return ts_ui_page(c, "用户管理", "users/list.cs");
}

/* ---- 新增 / 修改 --------------------------------------------------- */

/* One 选择角色 box: the role's name, the kind of staff it is for (the
 * operator's page), and why it may not be changed (greyed out).  self: the
 * user is the session's own, whose roles are all fixed.  -1 on a database
 * error. */
static int set_role_option(struct ts_ctx *c, const struct ts_db_rows *r, size_t i, bool self)
{
    const char *label = ts_db_cell(r, i, "name"), *why = NULL;
    if (ts_ui_staff_tenant(c))
        label = ts_arena_printf(c->arena, "%s（%s）", label,
                                ts_ui_scope_label(ts_db_cell(r, i, "scope")));
    if (strcmp(ts_db_cell(r, i, "status"), "normal") != 0)
        label = ts_arena_printf(c->arena, "%s（已停用）", label);
    if (!self && grant_refused(c, ts_db_cell_i64(r, i, "id"), label, &why) < 0)
        return -1;
    if (why)
        label = ts_arena_printf(c->arena, "%s（无权分配）", label);
    ts_ui_option(c, "Options.Roles", (int)i, ts_db_cell(r, i, "id"), label);
    if (why || self)
        ts_ui_option_fixed(c, "Options.Roles", (int)i);
    return 0;
}

/* 选择角色: the tenant's roles as checkboxes; those the session may not
 * give or take — and all of its own — greyed out and kept as they are. */
static int set_role_options(struct ts_ctx *c, int64_t user_id)
{
    struct ts_db_rows r;
    bool self = user_id && user_id == c->session->user_id;
    if (role_choices(c, user_id, &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        if (set_role_option(c, &r, i, self) < 0)
            return -1;
    ts_render_set(c, "Roles.Self", self ? "1" : "");
    return 0;
}

/* The operator's choices for a staff account: 人员类别, 主管税务局, 关区. */
static int set_staff_options(struct ts_ctx *c)
{
    struct ts_db_rows b, d;
    if (ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM tax_bureau WHERE status = 'normal' ORDER BY code",
                    TS_NOARGS, &b) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM customs_district WHERE status = 'normal' ORDER BY code",
                    TS_NOARGS, &d) < 0)
        return -1;
    ts_ui_option(c, "Options.Scope", 0, "tax", "税务人员");
    ts_ui_option(c, "Options.Scope", 1, "customs", "海关人员");
    ts_ui_option(c, "Options.Scope", 2, "operator", "运维人员");
    for (size_t i = 0; i < b.nrows; i++)
        ts_ui_option(c, "Options.TaxBureau", (int)i, ts_db_cell_at(&b, i, 0),
                     ts_db_cell_at(&b, i, 1));
    for (size_t i = 0; i < d.nrows; i++)
        ts_ui_option(c, "Options.Customs", (int)i, ts_db_cell_at(&d, i, 0),
                     ts_db_cell_at(&d, i, 1));
    return 0;
}

/* The 新增 (u NULL) / 修改 form; Form.* holds the values typed or loaded. */
static enum ts_result user_form(struct ts_ctx *c, const struct user *u)
{
    bool staff = ts_ui_staff_tenant(c);
    if (set_role_options(c, u ? u->id : 0) < 0 || (staff && set_staff_options(c) < 0))
        return TS_FAIL;
    ts_ui_option(c, "Options.Status", 0, "normal", "正常");
    ts_ui_option(c, "Options.Status", 1, "disabled", "停用");
    ts_ui_option(c, "Options.UserType", 0, "admin", "管理员");
    ts_ui_option(c, "Options.UserType", 1, "operator", "操作员");
    if (staff)
        ts_ui_option(c, "Options.UserType", 2, "officer", "审核人员");
    ts_render_set(c, "Tenant.Staff", staff ? "1" : "");
    ts_render_set(c, "Account.EntName", staff ? "门户运维" : c->session->ent_name);
    ts_render_set_int(
        c, "Password.Min",
        (int64_t)ts_account_password_min(staff ? TS_SCOPE_OPERATOR : TS_SCOPE_ENTERPRISE));
    if (u) {
        ts_render_set_int(c, "Account.Id", u->id);
        ts_render_set(c, "Account.LoginName", u->login_name);
        ts_render_set(c, "Account.Scope", u->scope);
        ts_render_set(c, "Account.ScopeLabel",
                      ts_arena_printf(c->arena, "%s人员", ts_ui_scope_label(u->scope)));
    }
    return ts_ui_page(c, u ? "修改用户" : "新增用户", "users/form.cs");
}

/* GET /users/new — 新增用户. */
static enum ts_result user_new(struct ts_ctx *c)
{
    ts_render_set(c, "Form.status", "normal");
    return user_form(c, NULL);
}

/* Check the boxes of the roles the user holds now. */
static int check_held_roles(struct ts_ctx *c, int64_t user_id)
{
    struct ts_db_rows r;
    if (held_roles(c, user_id, &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Checked.roles.%s", ts_db_cell_at(&r, i, 0)),
                      "1");
    return 0;
}

/* GET /users/edit?id= — 修改用户: the form filled from the user. */
static enum ts_result user_edit(struct ts_ctx *c)
{
    struct user u;
    int found = user_load(c, ts_arg_int(c, "id"), &u);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (check_held_roles(c, u.id) < 0)
        return TS_FAIL;
    ts_render_set(c, "Form.nickname", u.nickname);
    ts_render_set(c, "Form.user_type", u.user_type);
    ts_render_set(c, "Form.status", u.status);
    ts_render_set(c, "Form.phone", u.phone);
    ts_render_set(c, "Form.remark", u.remark);
    ts_render_set(c, "Form.tax_bureau_code", u.tax_bureau_code);
    ts_render_set(c, "Form.customs_district_code", u.customs_district_code);
    return user_form(c, &u);
}

/* Why this user may not be disabled, or NULL. */
static const char *disable_refused(struct ts_ctx *c, const struct user *u)
{
    if (u->id == c->session->user_id)
        return "不能停用当前登录的用户。";
    if (u->is_ent_admin)
        return "企业管理员账号为系统默认账号，不可停用。";
    return NULL;
}

/* The kind of a new user: an enterprise's users are enterprise users; the
 * operator picks 税务, 海关 or 运维 ("" until validly picked). */
static const char *new_user_scope(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "scope");
    if (!ts_ui_staff_tenant(c))
        return "enterprise";
    return v && !v->error ? v->raw : "";
}

/* Is the name an enterprise's 海关代码, 纳税人识别号 or 统一社会信用代码?
 * Its administrator logs in with those, so no account may be named so. */
static int names_an_enterprise(struct ts_ctx *c, const char *login)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n FROM enterprise"
                    " WHERE customs_code = ? OR taxpayer_id = ? OR uscc = ?",
                    TS_ARGS(TS_STR(login), TS_STR(login), TS_STR(login)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n") > 0;
}

/* 新增 only: 人员类别 (operator), *登录名称, *用户密码 and its policy. */
static int check_new(struct ts_ctx *c, const char *scope)
{
    const char *err = NULL;
    int taken = 0;
    if (ts_ui_staff_tenant(c) && !ts_arg_present(c, "scope"))
        ts_arg_error(c, "scope", "请选择人员类别");
    if (!ts_arg_present(c, "login_name"))
        ts_arg_error(c, "login_name", "请填写登录名称");
    else if ((taken = names_an_enterprise(c, ts_arg_str(c, "login_name"))) > 0)
        ts_arg_error(c, "login_name", "登录名称已存在");
    enum ts_scope s = ts_perm_scope_from_name(scope);
    if (!ts_arg_present(c, "password"))
        ts_arg_error(c, "password", "请填写用户密码");
    else if (!ts_account_password_ok(s ? s : TS_SCOPE_OPERATOR, ts_arg_str(c, "password"), &err))
        ts_arg_error(c, "password", err);
    return taken < 0 ? -1 : 0;
}

/* Is code an enabled row of the reference table (主管税务局 / 关区)? */
static int unit_exists(struct ts_ctx *c, bool bureau, const char *code)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    bureau
                        ? "SELECT code FROM tax_bureau WHERE code = ? AND status = 'normal'"
                        : "SELECT code FROM customs_district WHERE code = ? AND status = 'normal'",
                    TS_ARGS(TS_STR(code)), &r) < 0)
        return -1;
    return r.nrows == 1;
}

/* A 税务 officer belongs to a 主管税务局, a 海关 officer to a 关区. */
static int check_unit(struct ts_ctx *c, const char *scope)
{
    bool tax = strcmp(scope, "tax") == 0;
    const char *field = tax ? "tax_bureau_code" : "customs_district_code";
    if (!tax && strcmp(scope, "customs") != 0)
        return 0;
    if (!ts_arg_present(c, field)) {
        ts_arg_error(c, field, tax ? "税务人员须选择主管税务局" : "海关人员须选择关区");
        return 0;
    }
    int ok = unit_exists(c, tax, ts_arg_str(c, field));
    if (ok == 0)
        ts_arg_error(c, field, tax ? "请选择主管税务局" : "请选择关区");
    return ok < 0 ? -1 : 0;
}

/* The 企业管理员 account keeps the 企业管理员 role: without it the tenant
 * could be locked out of 用户管理.  (Nobody changes their own roles at all:
 * check_grants.) */
static void check_admin_roles(struct ts_ctx *c, const struct user *u, const struct ts_db_rows *r)
{
    for (size_t i = 0; u && u->is_ent_admin && i < r->nrows; i++) {
        if (ts_db_cell_i64(r, i, "is_admin") && !chosen(c, ts_db_cell_i64(r, i, "id")) &&
            strcmp(ts_db_cell(r, i, "scope"), "enterprise") == 0) {
            ts_arg_error(c, "roles",
                         ts_arena_printf(c->arena, "企业管理员账号必须保留“%s”角色",
                                         ts_db_cell(r, i, "name")));
            return;
        }
    }
}

/* 选择角色 / 分配角色: at least one; each a role of this tenant, enabled (or
 * already held) and made for the user's kind of staff.  u is NULL for a new
 * user.  Returns -1 only on a database error. */
static int check_roles(struct ts_ctx *c, const struct user *u, const char *scope)
{
    const struct ts_value *v = ts_arg(c, "roles");
    struct ts_db_rows r;
    if (v->count == 0) {
        ts_arg_error(c, "roles", "请至少选择一个角色");
        return 0;
    }
    if (role_choices(c, u ? u->id : 0, &r) < 0)
        return -1;
    for (size_t k = 0; k < v->count; k++) {
        size_t i = 0;
        while (i < r.nrows && ts_db_cell_i64(&r, i, "id") != v->nums[k])
            i++;
        if (i == r.nrows || strcmp(ts_db_cell(&r, i, "scope"), scope) != 0) {
            ts_arg_error(c, "roles", "所选角色不存在、已停用或不适用于该用户");
            return 0;
        }
    }
    check_admin_roles(c, u, &r);
    return 0;
}

/* The business rules of the form; errors go next to their fields.  old is
 * NULL for 新增.  Returns -1 only on a database error. */
static int check_user(struct ts_ctx *c, const struct user *old, const char *scope)
{
    const char *why;
    if (!old && check_new(c, scope) < 0)
        return -1;
    if (!ts_ui_staff_tenant(c) && strcmp(ts_arg_str(c, "user_type"), "officer") == 0)
        ts_arg_error(c, "user_type", "请选择用户类型");
    if (old && strcmp(ts_arg_str(c, "status"), "disabled") == 0 &&
        strcmp(old->status, "normal") == 0 && (why = disable_refused(c, old)))
        ts_arg_error(c, "status", why);
    if (ts_ui_staff_tenant(c) && check_unit(c, scope) < 0)
        return -1;
    return check_roles(c, old, scope);
}

/* The 关区 or 主管税务局 column for a user of this kind (NULL otherwise). */
static const char *unit_code(struct ts_ctx *c, const char *scope, const char *kind,
                             const char *field)
{
    return strcmp(scope, kind) == 0 ? ts_arg_str(c, field) : NULL;
}

/* A new user of the session's tenant (never a tenant named by the request),
 * whose password must be changed at the first login. */
static int user_insert(struct ts_ctx *c, const char *scope, int64_t *id)
{
    struct ts_account_new u = {
        .scope = ts_perm_scope_from_name(scope),
        .ent_id = ts_scope_tenant(c),
        .tax_bureau_code = unit_code(c, scope, "tax", "tax_bureau_code"),
        .customs_district_code = unit_code(c, scope, "customs", "customs_district_code"),
        .login_name = ts_arg_str(c, "login_name"),
        .nickname = ts_arg_str(c, "nickname"),
        .user_type = ts_arg_str(c, "user_type"),
        .phone = ts_arg_str(c, "phone"),
        .remark = ts_arg_str(c, "remark"),
        .password = ts_arg_str(c, "password"),
        .must_change_password = true,
        .status = ts_arg_str(c, "status"),
    };
    return ts_account_create(c->db, &u, id);
}

/* Store the 修改 form over an existing user. */
static int user_update(struct ts_ctx *c, const struct user *old)
{
    const char *remark = ts_arg_str(c, "remark");
    return ts_scope_exec(
        c,
        "UPDATE app_user SET nickname = ?, user_type = ?, phone = ?, remark = ?, status = ?,"
        " tax_bureau_code = ?, customs_district_code = ? WHERE ent_key = ? AND id = ?",
        TS_ARGS(TS_STR(ts_arg_str(c, "nickname")), TS_STR(ts_arg_str(c, "user_type")),
                TS_STR(ts_arg_str(c, "phone")), TS_STR(remark[0] ? remark : NULL),
                TS_STR(ts_arg_str(c, "status")),
                TS_STR(unit_code(c, old->scope, "tax", "tax_bureau_code")),
                TS_STR(unit_code(c, old->scope, "customs", "customs_district_code")),
                TS_I64(old->id)),
        NULL);
}

/* Replace the user's roles with the checked ones.  The insert joins user
 * and role on the tenant, so only this tenant's pairs can be written. */
static int set_roles(struct ts_ctx *c, int64_t user_id)
{
    const struct ts_value *v = ts_arg(c, "roles");
    if (ts_scope_exec(c,
                      "DELETE ur FROM user_role ur JOIN app_user u ON u.id = ur.user_id"
                      " WHERE u.ent_key = ? AND u.id = ?",
                      TS_ARGS(TS_I64(user_id)), NULL) < 0)
        return -1;
    for (size_t i = 0; i < v->count; i++)
        if (ts_scope_exec(c,
                          "INSERT IGNORE INTO user_role (user_id, role_id) SELECT u.id, r.id"
                          " FROM app_user u JOIN role r ON r.ent_key = u.ent_key"
                          " WHERE u.ent_key = ? AND u.id = ? AND r.id = ?",
                          TS_ARGS(TS_I64(user_id), TS_I64(v->nums[i])), NULL) < 0)
            return -1;
    return 0;
}

/* The form again with its errors and everything typed (TS_ROLLBACK). */
static enum ts_result form_again(struct ts_ctx *c, const struct user *old)
{
    return user_form(c, old) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* What the audit row says about a saved user. */
static const char *save_detail(struct ts_ctx *c, const struct user *old, const char *scope,
                               const struct ts_db_rows *held)
{
    if (!old)
        return ts_arena_printf(c->arena, "create login=%s scope=%s type=%s status=%s roles=%s",
                               ts_arg_str(c, "login_name"), scope, ts_arg_str(c, "user_type"),
                               ts_arg_str(c, "status"), chosen_list(c));
    return ts_arena_printf(c->arena, "update status=%s->%s roles=%s->%s", old->status,
                           ts_arg_str(c, "status"), id_list(c, held), chosen_list(c));
}

/* A user just disabled loses their sessions at once. */
static int end_sessions_if_disabled(struct ts_ctx *c, const struct user *old, int64_t id)
{
    if (!old || strcmp(old->status, "normal") != 0 ||
        strcmp(ts_arg_str(c, "status"), "disabled") != 0)
        return 0;
    return ts_session_destroy_user(c, id);
}

/* Insert or update, then the roles; -1 with TS_DB_ER_DUP_ENTRY for a taken
 * 登录名称. */
static int user_store(struct ts_ctx *c, const struct user *old, const char *scope, int64_t *id)
{
    if ((old ? user_update(c, old) : user_insert(c, scope, id)) < 0)
        return -1;
    return set_roles(c, *id);
}

/* A user to change, with the roles they hold now: 1 found, 0 not the
 * tenant's, -1 database error. */
static int load_with_roles(struct ts_ctx *c, int64_t id, struct user *u, struct ts_db_rows *held)
{
    int found = user_load(c, id, u);
    return found == 1 && held_roles(c, id, held) < 0 ? -1 : found;
}

/* POST /users/save — 确定 on 新增 (no id) or 修改 (id).  A role change the
 * session may not make is refused before anything else is looked at. */
static enum ts_result user_save(struct ts_ctx *c)
{
    struct user loaded;
    const struct user *old = NULL;
    struct ts_db_rows held = {0};
    const char *why;
    int64_t id = ts_arg_int(c, "id");
    if (id) {
        int found = load_with_roles(c, id, &loaded, &held);
        if (found <= 0)
            return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
        old = &loaded;
    }
    if (check_grants(c, old, &held, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    const char *scope = old ? old->scope : new_user_scope(c);
    if (check_user(c, old, scope) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return form_again(c, old);
    if (user_store(c, old, scope, &id) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        ts_arg_error(c, "login_name", "登录名称已存在");
        return form_again(c, old);
    }
    if (end_sessions_if_disabled(c, old, id) < 0 ||
        ts_audit_log(c, "app_user", id, save_detail(c, old, scope, &held)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。", LIST_URL);
}

/* ---- 停用 / 启用 --------------------------------------------------- */

/* Why the session may not 停用 or 启用 this user, or NULL in *why: the user
 * holds a 菜单权限 the session lacks (a weaker maintainer must not switch a
 * stronger one off, as with 重置密码).  -1 on a database error. */
static int status_change_refused(struct ts_ctx *c, const struct user *u, const char **why)
{
    struct ts_db_rows r;
    const char *code;
    *why = NULL;
    if (user_perms(c, u->id, &r) < 0)
        return -1;
    if ((code = lacked(c, &r)))
        *why = ts_arena_printf(c->arena,
                               "不能停用或启用该用户：该用户具有您本人不具备的菜单权限“%s”。",
                               ts_perm_label(code));
    return 0;
}

/* POST /users/status — 停用 or 启用 from the list (status = the new one). */
static enum ts_result user_status(struct ts_ctx *c)
{
    struct user u;
    const char *to = ts_arg_str(c, "status"), *why;
    if (ts_arg_has_errors(c))
        return ts_ui_refuse(c, "请求参数不正确，请返回用户列表重新操作。");
    int found = user_load(c, ts_arg_int(c, "id"), &u);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (strcmp(to, "disabled") == 0 && (why = disable_refused(c, &u)))
        return ts_ui_refuse(c, why);
    if (status_change_refused(c, &u, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    if (strcmp(u.status, to) == 0)
        return ts_ui_done(
            c, strcmp(to, "disabled") == 0 ? "该用户已是停用状态。" : "该用户已是正常状态。",
            LIST_URL);
    if (ts_scope_exec(c, "UPDATE app_user SET status = ? WHERE ent_key = ? AND id = ?",
                      TS_ARGS(TS_STR(to), TS_I64(u.id)), NULL) < 0 ||
        (strcmp(to, "disabled") == 0 && ts_session_destroy_user(c, u.id) < 0) ||
        ts_audit_log(c, "app_user", u.id,
                     ts_arena_printf(c->arena, "status %s->%s", u.status, to)) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena, "已%s用户“%s”。",
                                      strcmp(to, "disabled") == 0 ? "停用" : "启用", u.nickname),
                      LIST_URL);
}

/* ---- 重置密码 ------------------------------------------------------ */

/* The 重置密码 form for a user (Form.* and errors already set). */
static enum ts_result password_page(struct ts_ctx *c, const struct user *u)
{
    ts_render_set_int(c, "Account.Id", u->id);
    ts_render_set(c, "Account.Nickname", u->nickname);
    ts_render_set(c, "Account.LoginName", u->login_name);
    ts_render_set_int(c, "Password.Min",
                      (int64_t)ts_account_password_min(ts_perm_scope_from_name(u->scope)));
    return ts_ui_page(c, "重置密码", "users/password.cs");
}

/* Why this user's password is not reset here, or NULL in *why: not one's
 * own (修改密码 is for that), nor the 企业管理员 account's, which the 主管
 * 税务机关 resets (002 §5.1) — a second administrator must not be able to
 * take the first one's account over — nor that of a user holding a 菜单权限
 * the session lacks: whoever sets a password can log in with it.  -1 on a
 * database error. */
static int reset_refused(struct ts_ctx *c, const struct user *u, const char **why)
{
    struct ts_db_rows r;
    const char *code;
    *why = NULL;
    if (u->id == c->session->user_id)
        *why = "不能重置本人的密码，请使用页面右上角的“修改密码”。";
    else if (u->is_ent_admin)
        *why = "企业管理员账号的密码须由主管税务机关重置（重置后为银行账号后8位）。";
    else if (user_perms(c, u->id, &r) < 0)
        return -1;
    else if ((code = lacked(c, &r)))
        *why = ts_arena_printf(c->arena,
                               "不能重置该用户的密码：该用户具有您本人不具备的菜单权限“%s”。",
                               ts_perm_label(code));
    return 0;
}

/* GET /users/password?id= — 重置密码. */
static enum ts_result password_form(struct ts_ctx *c)
{
    struct user u;
    const char *why;
    int found = user_load(c, ts_arg_int(c, "id"), &u);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (reset_refused(c, &u, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    return password_page(c, &u);
}

/* POST /users/password — store the new password (policy of the user's
 * kind), force a change at the next login, end the user's sessions. */
static enum ts_result password_save(struct ts_ctx *c)
{
    struct user u;
    const char *err = NULL, *why, *pw = ts_arg_str(c, "password");
    int found = user_load(c, ts_arg_int(c, "id"), &u);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (reset_refused(c, &u, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    if (!ts_arg_has_errors(c) &&
        !ts_account_password_ok(ts_perm_scope_from_name(u.scope), pw, &err))
        ts_arg_error(c, "password", err);
    if (ts_arg_has_errors(c))
        return password_page(c, &u) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    if (ts_account_set_password(c->db, u.id, pw, true) < 0 ||
        ts_session_destroy_user(c, u.id) < 0 ||
        ts_audit_log(c, "app_user", u.id, "password reset") < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。该用户下次登录时须修改密码。", LIST_URL);
}

/* ---- 分配角色 ------------------------------------------------------ */

/* The 分配角色 page for a user (checked boxes already set). */
static enum ts_result roles_page(struct ts_ctx *c, const struct user *u)
{
    if (set_role_options(c, u->id) < 0)
        return TS_FAIL;
    ts_render_set_int(c, "Account.Id", u->id);
    ts_render_set(c, "Account.Nickname", u->nickname);
    ts_render_set(c, "Account.LoginName", u->login_name);
    return ts_ui_page(c, "分配角色", "users/roles.cs");
}

/* GET /users/roles?id= — 分配角色: the roles with the user's checked.
 * Not for oneself: nobody changes their own roles. */
static enum ts_result roles_form(struct ts_ctx *c)
{
    struct user u;
    int found = user_load(c, ts_arg_int(c, "id"), &u);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (u.id == c->session->user_id)
        return ts_ui_refuse(c, SELF_ROLES);
    if (check_held_roles(c, u.id) < 0)
        return TS_FAIL;
    return roles_page(c, &u);
}

/* POST /users/roles — 提交: replace the user's roles; not one's own, and
 * only roles the session may give or take (check_grants). */
static enum ts_result roles_save(struct ts_ctx *c)
{
    struct user u;
    struct ts_db_rows held;
    const char *why;
    int found = load_with_roles(c, ts_arg_int(c, "id"), &u, &held);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    if (u.id == c->session->user_id)
        return ts_ui_refuse(c, SELF_ROLES);
    if (check_grants(c, &u, &held, &why) < 0)
        return TS_FAIL;
    if (why)
        return ts_ui_refuse(c, why);
    if (check_roles(c, &u, u.scope) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return roles_page(c, &u) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    if (set_roles(c, u.id) < 0 ||
        ts_audit_log(c, "app_user", u.id,
                     ts_arena_printf(c->arena, "roles %s->%s", id_list(c, &held), chosen_list(c))) <
            0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。", LIST_URL);
}

/* ---- 绑定IC卡 / 解除绑定 ------------------------------------------- */

/* Why the session may not bind or unbind this user's card, or NULL in
 * *why: whoever binds a card can log in with it, so — as for 重置密码 —
 * not the 企业管理员 account unless it is one's own, not a user holding a
 * 菜单权限 the session lacks.  -1 on a database error. */
static int card_refused(struct ts_ctx *c, const struct user *u, const char **why)
{
    struct ts_db_rows r;
    const char *code;
    *why = NULL;
    if (u->id == c->session->user_id)
        return 0;
    if (u->is_ent_admin)
        *why = "企业管理员账号的IC卡须由企业管理员本人绑定或解除绑定。";
    else if (user_perms(c, u->id, &r) < 0)
        return -1;
    else if ((code = lacked(c, &r)))
        *why = ts_arena_printf(
            c->arena, "不能为该用户绑定或解除绑定IC卡：该用户具有您本人不具备的菜单权限“%s”。",
            ts_perm_label(code));
    return 0;
}

/* A user of the tenant the session may bind a card to: 1 with u set, 0
 * when the page answered (404 / 409), -1 database error. */
static int card_user(struct ts_ctx *c, struct user *u)
{
    const char *why;
    int found = user_load(c, ts_arg_int(c, "id"), u);
    if (found <= 0) {
        if (found == 0)
            ts_ui_not_found(c, NOT_FOUND);
        return found;
    }
    if (card_refused(c, u, &why) < 0)
        return -1;
    if (why)
        ts_ui_refuse(c, why);
    return why ? 0 : 1;
}

/* The binding shown on the page: 卡号, when, by whom. */
static int set_binding(struct ts_ctx *c, const struct user *u)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT u.card_no, IFNULL(u.card_bound_at, '') AS bound_at,"
                       " IFNULL(b.nickname, '系统管理员（命令行）') AS bound_by,"
                       " LENGTH(u.card_cert) AS cert_bytes"
                       " FROM app_user u LEFT JOIN app_user b ON b.id = u.card_bound_by"
                       " WHERE u.ent_key = ? AND u.id = ? AND u.card_no IS NOT NULL",
                       TS_ARGS(TS_I64(u->id)), &r) < 0)
        return -1;
    if (r.nrows == 1) {
        ts_render_set(c, "Card.No", ts_db_cell(&r, 0, "card_no"));
        ts_render_set(c, "Card.BoundAt", ts_db_cell(&r, 0, "bound_at"));
        ts_render_set(c, "Card.BoundBy", ts_db_cell(&r, 0, "bound_by"));
        ts_render_set(c, "Card.CertBytes", ts_db_cell(&r, 0, "cert_bytes"));
    }
    return 0;
}

/* The 绑定IC卡 page of a user: the binding, or the form with the readers
 * and a fresh nonce for the card to sign. */
static enum ts_result card_page(struct ts_ctx *c, const struct user *u)
{
    char nonce[65];
    if (set_binding(c, u) < 0)
        return TS_FAIL;
    if (!u->card_no[0]) {
        if (ts_card_nonce_issue(c, TS_CARD_BIND, u->id, nonce) < 0)
            return TS_FAIL;
        ts_card_set_readers(c);
        ts_render_set(c, "Card.Nonce", nonce);
    }
    ts_render_set_int(c, "Account.Id", u->id);
    ts_render_set(c, "Account.Nickname", u->nickname);
    ts_render_set(c, "Account.LoginName", u->login_name);
    return ts_ui_page(c, "绑定IC卡", "users/card.cs");
}

/* GET /users/card?id= — 绑定IC卡 (or the binding, with 解除绑定). */
static enum ts_result card_form(struct ts_ctx *c)
{
    struct user u;
    int ok = card_user(c, &u);
    if (ok <= 0)
        return ok < 0 ? TS_FAIL : TS_ROLLBACK;
    return card_page(c, &u);
}

/* The form again with a message above it; TS_OK, so the used nonce stays
 * used and the new one is kept. */
static enum ts_result card_again(struct ts_ctx *c, const struct user *u, const char *message)
{
    if (message)
        ts_render_set(c, "Card.Error", message);
    return card_page(c, u);
}

/* The card in the reader: its 卡号 and certificate, which must be an SM2
 * certificate valid today.  NULL, or why not (Chinese). */
static const char *read_card(struct ts_ctx *c, const char *reader, char no[TS_SIGN_CARD_NO + 1],
                             unsigned char *der, size_t *len)
{
    struct ts_sign_opts o;
    struct ts_sign_error err;
    const char *why = NULL;
    X509 *cert;
    ts_sign_opts_from_config(&o);
    if (ts_sign_card_no(&o, reader, no, &err) != TS_SIGN_OK ||
        ts_sign_cert(&o, reader, der, len, &err) != TS_SIGN_OK)
        return ts_arena_strdup(c->arena, err.message);
    if (!(cert = ts_sm_cert_load(der, *len)))
        return "IC卡中的证书无法识别（不是SM2证书），不能绑定。";
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0 ||
        X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
        why = "IC卡中的证书不在有效期内，不能绑定，请到发卡机构更新证书。";
    X509_free(cert);
    return why;
}

/* Is the card bound to someone else?  The one look across tenants: a card
 * belongs to one user in the whole portal.  It tells only "taken", never
 * whose.  NULL, or the refusal. */
static const char *card_taken(struct ts_ctx *c, const char *no, int64_t user_id, int *err)
{
    int64_t holder;
    *err = ts_card_user_of(c->db, c->arena, no, &holder);
    if (*err < 0 || !holder || holder == user_id)
        return NULL;
    return ts_arena_printf(c->arena, "该IC卡（卡号 %s）已绑定其他用户，不能重复绑定。", no);
}

/* The checks before the card is asked: the user has no card yet, the
 * nonce (used up whatever follows), the PIN's form.  NULL to go on, else
 * the message (Form errors may be set too); *err on a database error. */
static const char *bind_precheck(struct ts_ctx *c, const struct user *u, int *err)
{
    const char *pin = ts_arg_str(c, "pin");
    size_t n = strlen(pin);
    *err = 0;
    if (u->card_no[0])
        return ts_arena_printf(c->arena, "该用户已绑定IC卡（卡号 %s），如需更换请先解除绑定。",
                               u->card_no);
    int taken = ts_card_nonce_take(c, TS_CARD_BIND, u->id, ts_arg_str(c, "nonce"));
    if (taken <= 0) {
        *err = taken < 0;
        return "页面已过期，请重新选择读卡器并输入卡密码。";
    }
    if (n < 6 || n > 8 || strspn(pin, "0123456789") != n)
        ts_arg_error(c, "pin", "卡密码应为6至8位数字");
    return ts_arg_has_errors(c) ? "" : NULL;
}

/* Read the card, refuse a taken one, and have it sign this binding's
 * challenge, verified against its own certificate (proof of possession).
 * NULL when proven, else why; *err on a database error. */
static const char *bind_prove(struct ts_ctx *c, const struct user *u, char no[TS_SIGN_CARD_NO + 1],
                              unsigned char *der, size_t *len, int *err)
{
    const char *reader = ts_arg_str(c, "reader"), *why;
    struct ts_sign_opts o;
    struct ts_card_check chk;
    char msg[TS_CARD_CHALLENGE_MAX];
    unsigned char sig[TS_SIGN_SIG_MAX];
    size_t sig_len;
    *err = 0;
    if ((why = read_card(c, reader, no, der, len)) || (why = card_taken(c, no, u->id, err)) || *err)
        return why;
    ts_sign_opts_from_config(&o);
    size_t n = ts_card_challenge(TS_CARD_BIND, ts_arg_str(c, "nonce"), no, u->id, msg);
    if (ts_card_prove(&o, reader, no, ts_arg_str(c, "pin"), der, *len, msg, n, sig, &sig_len, &chk))
        return ts_arena_strdup(c->arena, chk.message);
    return NULL;
}

/* Store the binding: 卡号, the certificate (DER), when and by whom.  -1
 * with TS_DB_ER_DUP_ENTRY when another user got the card meanwhile. */
static int store_binding(struct ts_ctx *c, const struct user *u, const char *no,
                         const unsigned char *der, size_t len)
{
    char *hex = ts_arena_alloc(c->arena, 2 * len + 1);
    ts_crypto_hex(der, len, hex);
    return ts_scope_exec(
        c,
        "UPDATE app_user SET card_no = ?, card_cert = UNHEX(?),"
        " card_bound_at = NOW(), card_bound_by = ? WHERE ent_key = ? AND id = ?",
        TS_ARGS(TS_STR(no), TS_STR(hex), TS_I64(c->session->user_id), TS_I64(u->id)), NULL);
}

/* POST /users/card — 绑定: check, prove, store, audit. */
static enum ts_result card_bind(struct ts_ctx *c)
{
    struct user u;
    char no[TS_SIGN_CARD_NO + 1];
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    const char *why;
    int err, ok = card_user(c, &u);
    if (ok <= 0)
        return ok < 0 ? TS_FAIL : TS_ROLLBACK;
    if ((why = bind_precheck(c, &u, &err)) || err ||
        (why = bind_prove(c, &u, no, der, &len, &err)) || err)
        return err ? TS_FAIL : card_again(c, &u, why[0] ? why : NULL);
    if (store_binding(c, &u, no, der, len) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        return card_again(
            c, &u,
            ts_arena_printf(c->arena, "该IC卡（卡号 %s）已绑定其他用户，不能重复绑定。", no));
    }
    if (ts_audit_log(c, "app_user", u.id,
                     ts_arena_printf(c->arena, "card bind card_no=%s cert_bytes=%zu", no, len)) < 0)
        return TS_FAIL;
    return ts_ui_done(
        c, ts_arena_printf(c->arena, "已为用户“%s”绑定IC卡（卡号 %s）。", u.nickname, no),
        LIST_URL);
}

/* POST /users/card-unbind — 解除绑定. */
static enum ts_result card_unbind(struct ts_ctx *c)
{
    struct user u;
    int ok = card_user(c, &u);
    if (ok <= 0)
        return ok < 0 ? TS_FAIL : TS_ROLLBACK;
    if (!u.card_no[0])
        return ts_ui_done(c, "该用户未绑定IC卡。", LIST_URL);
    if (ts_scope_exec(c,
                      "UPDATE app_user SET card_no = NULL, card_cert = NULL, card_bound_at = NULL,"
                      " card_bound_by = NULL WHERE ent_key = ? AND id = ?",
                      TS_ARGS(TS_I64(u.id)), NULL) < 0 ||
        ts_audit_log(c, "app_user", u.id,
                     ts_arena_printf(c->arena, "card unbind card_no=%s", u.card_no)) < 0)
        return TS_FAIL;
    return ts_ui_done(
        c,
        ts_arena_printf(c->arena, "已解除用户“%s”的IC卡绑定（卡号 %s）。", u.nickname, u.card_no),
        LIST_URL);
}

static const struct ts_param list_params[] = {
    ts_param_str("login_name", "登录名称", 0, 0, 32),
    ts_param_str("nickname", "用户昵称", 0, 0, 50),
    ts_param_enum("status", "状态", 0, status_choices),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param id_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param save_params[] = {
    ts_param_int("id", "用户", 0, 1, INT64_MAX),
    ts_param_str("nickname", "用户昵称", TS_REQ, 1, 50),
    ts_param_enum("user_type", "用户类型", TS_REQ, type_choices),
    ts_param_enum("scope", "人员类别", 0, staff_scopes),
    ts_param_str("tax_bureau_code", "主管税务局", 0, 0, 11),
    ts_param_str("customs_district_code", "关区", 0, 0, 4),
    ts_param_enum("status", "状态", TS_REQ, status_choices),
    ts_param_code("login_name", "登录名称", 0, TS_CODE_LOGIN_NAME),
    ts_param_str("password", "用户密码", TS_SECRET, 0, 128),
    ts_param_code("phone", "手机号", TS_REQ, TS_CODE_MOBILE),
    ts_param_ids("roles", "选择角色", 0),
    ts_param_str("remark", "备注", 0, 0, 500),
    TS_PARAMS_END,
};

static const struct ts_param status_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    ts_param_enum("status", "状态", TS_REQ, status_choices),
    TS_PARAMS_END,
};

static const struct ts_param password_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    ts_param_str("password", "新密码", TS_REQ | TS_SECRET, 1, 128),
    TS_PARAMS_END,
};

static const struct ts_param roles_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    ts_param_ids("roles", "选择角色", 0),
    TS_PARAMS_END,
};

static const struct ts_param card_form_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    ts_param_str("reader", "读卡器", 0, 0, TS_SIGN_READER_MAX),
    TS_PARAMS_END,
};

static const struct ts_param card_params[] = {
    ts_param_int("id", "用户", TS_REQ, 1, INT64_MAX),
    ts_param_str("reader", "读卡器", TS_REQ, 1, TS_SIGN_READER_MAX),
    ts_param_str("pin", "卡密码", TS_REQ | TS_SECRET, 1, 16),
    ts_param_str("nonce", "页面校验码", 0, 0, 64),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "users", list_params, user_list, 0},
    {"new", TS_GET, "users.edit", NULL, user_new, 0},
    {"edit", TS_GET, "users.edit", id_params, user_edit, 0},
    {"save", TS_POST, "users.edit", save_params, user_save, 0},
    {"status", TS_POST, "users.edit", status_params, user_status, 0},
    {"password", TS_GET, "users.resetpw", id_params, password_form, 0},
    {"password", TS_POST, "users.resetpw", password_params, password_save, 0},
    {"roles", TS_GET, "users.edit", id_params, roles_form, 0},
    {"roles", TS_POST, "users.edit", roles_params, roles_save, 0},
    {"card", TS_GET, "users.card", card_form_params, card_form, 0},
    {"card", TS_POST, "users.card", card_params, card_bind, 0},
    {"card-unbind", TS_POST, "users.card", id_params, card_unbind, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"users", "用户管理", actions};

int main(void)
{
    return ts_app_main(&module);
}
