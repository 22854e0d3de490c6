/* operator — 企业管理 and 审计日志, the portal operator's pages.
 *
 * 002 §2.3: an enterprise logs in with its 海关代码, 纳税人识别号 or 统一社会
 * 信用代码, and its initial password is the last 8 digits of its bank
 * account.  Creating an enterprise here also creates its 企业管理员 role and
 * administrator account (lib/ts_enterprise.c: login name = 海关编码, forced
 * change at first login).  Because each of the three codes logs in as that
 * administrator, a code may belong to one enterprise only — in any of the
 * three columns — and the codes are fixed once the enterprise exists.
 * 停用 ends every session of the enterprise's users at once; the login
 * check refuses them from then on.
 *
 * 审计日志 shows the newest rows of the chained audit log and walks the
 * chain on request (ts_audit_verify), naming the first row that fails. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_enterprise.h"
#include "ts_money.h"
#include "ts_multipart.h"
#include "ts_refimport.h"
#include "ts_reflib.h"
#include "ts_ui.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE_SIZE        20
#define AUDIT_ROWS       50
#define LIST_URL         "/operator/"
#define NOT_FOUND        "企业不存在。"
#define RATES_URL        "/operator/ref/"
#define FX_URL           "/operator/ref/fx"
#define RATE_ROWS        50
#define FX_ROWS          500
#define ERRORS_SHOWN     500
#define IMPORT_MAX_BYTES (20 * 1024 * 1024)
#define NAME_MAX_CHARS   200

static const char *const ent_types[] = {"production", "trading", NULL};
static const char *const statuses[] = {"normal", "disabled", NULL};

/* The editable fields of an enterprise, as typed or as stored. */
struct ent_values {
    const char *name, *uscc, *customs_code, *taxpayer_id, *ent_type, *tax_bureau_code,
        *customs_district_code, *bank_name, *bank_account, *contact, *phone;
};

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* An uploaded file's name cut to NAME_MAX_CHARS characters, never inside
 * a character (rebate_library.source). */
static const char *cut_name(struct ts_ctx *c, const char *s)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > NAME_MAX_CHARS)
            break;
    return s[i] ? ts_arena_strndup(c->arena, s, i) : s;
}

/* ---- 企业管理: list ------------------------------------------------- */

#define LIST_FILTER                                                                                \
    " FROM enterprise e JOIN tax_bureau b ON b.code = e.tax_bureau_code"                           \
    " WHERE (? = '' OR e.name LIKE ? ESCAPE '!' OR e.uscc LIKE ? ESCAPE '!'"                       \
    " OR e.customs_code LIKE ? ESCAPE '!' OR e.taxpayer_id LIKE ? ESCAPE '!')"                     \
    " AND (? = '' OR e.status = ?)"

/* GET /operator/ — 企业管理: every enterprise, newest first, 20 a page,
 * filtered by a search text (name anywhere, codes by prefix) and status. */
static enum ts_result ent_list(struct ts_ctx *c)
{
    const char *q = ts_arg_str(c, "q"), *status = ts_arg_str(c, "status");
    const char *any = ts_db_like_pattern(c->arena, q, true),
               *prefix = ts_db_like_pattern(c->arena, q, false);
    struct ts_db_rows count, rows;
    struct ts_ui_pager pager;
    if (ts_db_query(c->db, c->arena, "SELECT COUNT(*) AS n" LIST_FILTER,
                    TS_ARGS(TS_STR(q), TS_STR(any), TS_STR(prefix), TS_STR(prefix), TS_STR(prefix),
                            TS_STR(status), TS_STR(status)),
                    &count) < 0)
        return TS_FAIL;
    ts_ui_pager(c, ts_db_cell_i64(&count, 0, "n"), PAGE_SIZE, &pager);
    if (ts_db_query(c->db, c->arena,
                    "SELECT e.id, e.name, e.uscc, e.customs_code, e.taxpayer_id, e.ent_type,"
                    " b.name AS bureau_name, e.status,"
                    " DATE_FORMAT(e.created_at, '%Y-%m-%d %H:%i') AS created_at" LIST_FILTER
                    " ORDER BY e.id DESC LIMIT ? OFFSET ?",
                    TS_ARGS(TS_STR(q), TS_STR(any), TS_STR(prefix), TS_STR(prefix), TS_STR(prefix),
                            TS_STR(status), TS_STR(status), TS_I64(PAGE_SIZE),
                            TS_I64(pager.offset)),
                    &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Ents", &rows);
    ts_render_set(c, "CanEdit", ts_session_can(c, "operator.edit") ? "1" : "");
    return ts_ui_page(c, "企业管理", "operator/list.cs");
}

/* ---- 企业管理: 新增 / 修改 ------------------------------------------- */

/* One select's options as Prefix.N.code/name, the chosen one marked Sel. */
static void set_options(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r,
                        const char *chosen)
{
    ts_render_rows(c, prefix, r);
    for (size_t i = 0; i < r->nrows; i++)
        if (chosen && strcmp(chosen, ts_db_cell(r, i, "code")) == 0)
            ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.Sel", prefix, i), "1");
}

/* The form's 主管税务局 and 主管海关 choices: the enabled ones, and the
 * current one even if it was disabled since. */
static int set_choices(struct ts_ctx *c, const struct ent_values *v)
{
    struct ts_db_rows b, d;
    const char *bureau = or_empty(v->tax_bureau_code),
               *district = or_empty(v->customs_district_code);
    if (ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM tax_bureau WHERE status = 'normal' OR code = ?"
                    " ORDER BY code",
                    TS_ARGS(TS_STR(bureau)), &b) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM customs_district WHERE status = 'normal' OR code = ?"
                    " ORDER BY code",
                    TS_ARGS(TS_STR(district)), &d) < 0)
        return -1;
    set_options(c, "Bureaus", &b, bureau);
    set_options(c, "Districts", &d, district);
    return 0;
}

/* Put stored values into the form (修改 before anything was typed). */
static void set_form(struct ts_ctx *c, const struct ent_values *v)
{
    ts_render_set(c, "Form.name", v->name);
    ts_render_set(c, "Form.uscc", v->uscc);
    ts_render_set(c, "Form.customs_code", v->customs_code);
    ts_render_set(c, "Form.taxpayer_id", v->taxpayer_id);
    ts_render_set(c, "Form.ent_type", v->ent_type);
    ts_render_set(c, "Form.bank_name", v->bank_name);
    ts_render_set(c, "Form.bank_account", v->bank_account);
    ts_render_set(c, "Form.contact", v->contact);
    ts_render_set(c, "Form.phone", v->phone);
}

/* Load an enterprise (locked FOR UPDATE before a change): 1 found, 0 no
 * such enterprise, -1 database error. */
static int load_enterprise(struct ts_ctx *c, int64_t id, bool lock, struct ts_db_rows *r,
                           struct ent_values *v)
{
    const char *sql = lock ? "SELECT name, uscc, customs_code, taxpayer_id, ent_type,"
                             " tax_bureau_code, customs_district_code, bank_name, bank_account,"
                             " contact, phone, status FROM enterprise WHERE id = ? FOR UPDATE"
                           : "SELECT name, uscc, customs_code, taxpayer_id, ent_type,"
                             " tax_bureau_code, customs_district_code, bank_name, bank_account,"
                             " contact, phone, status FROM enterprise WHERE id = ?";
    if (ts_db_query(c->db, c->arena, sql, TS_ARGS(TS_I64(id)), r) < 0)
        return -1;
    if (r->nrows != 1)
        return 0;
    *v = (struct ent_values){
        .name = ts_db_cell(r, 0, "name"),
        .uscc = ts_db_cell(r, 0, "uscc"),
        .customs_code = ts_db_cell(r, 0, "customs_code"),
        .taxpayer_id = ts_db_cell(r, 0, "taxpayer_id"),
        .ent_type = ts_db_cell(r, 0, "ent_type"),
        .tax_bureau_code = ts_db_cell(r, 0, "tax_bureau_code"),
        .customs_district_code = or_empty(ts_db_cell(r, 0, "customs_district_code")),
        .bank_name = ts_db_cell(r, 0, "bank_name"),
        .bank_account = ts_db_cell(r, 0, "bank_account"),
        .contact = or_empty(ts_db_cell(r, 0, "contact")),
        .phone = or_empty(ts_db_cell(r, 0, "phone")),
    };
    return 1;
}

/* Show the 新增 or 修改 form.  stored is the enterprise's row when editing
 * (its codes are shown read-only); v holds the choices to mark. */
static enum ts_result show_form(struct ts_ctx *c, int64_t id, const struct ent_values *stored,
                                const struct ent_values *v, enum ts_result ok)
{
    if (set_choices(c, v) < 0)
        return TS_FAIL;
    if (id) {
        ts_render_set_int(c, "Form.id", id);
        ts_render_set(c, "Ent.uscc", stored->uscc);
        ts_render_set(c, "Ent.customs_code", stored->customs_code);
        ts_render_set(c, "Ent.taxpayer_id", stored->taxpayer_id);
    }
    return ts_ui_page(c, id ? "修改企业" : "新增企业", "operator/form.cs") == TS_OK ? ok : TS_FAIL;
}

/* GET /operator/new — 新增企业: an empty form. */
static enum ts_result ent_new(struct ts_ctx *c)
{
    struct ent_values v = {0};
    return show_form(c, 0, NULL, &v, TS_OK);
}

/* GET /operator/edit?id= — 修改企业: the stored values; codes read-only. */
static enum ts_result ent_edit(struct ts_ctx *c)
{
    struct ts_db_rows r;
    struct ent_values v;
    int64_t id = ts_arg_int(c, "id");
    int found = load_enterprise(c, id, false, &r, &v);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    set_form(c, &v);
    return show_form(c, id, &v, &v, TS_OK);
}

/* The typed values of the save form. */
static void values_from_args(struct ts_ctx *c, struct ent_values *v)
{
    *v = (struct ent_values){
        .name = ts_arg_str(c, "name"),
        .uscc = ts_arg_str(c, "uscc"),
        .customs_code = ts_arg_str(c, "customs_code"),
        .taxpayer_id = ts_arg_str(c, "taxpayer_id"),
        .ent_type = ts_arg_str(c, "ent_type"),
        .tax_bureau_code = ts_arg_str(c, "tax_bureau_code"),
        .customs_district_code = ts_arg_str(c, "customs_district_code"),
        .bank_name = ts_arg_str(c, "bank_name"),
        .bank_account = ts_arg_str(c, "bank_account"),
        .contact = ts_arg_str(c, "contact"),
        .phone = ts_arg_str(c, "phone"),
    };
}

/* Run a ts_codes validator on a field that passed its declared checks;
 * returns whether it is valid.  An empty required code says which. */
static bool check_code(struct ts_ctx *c, const char *name, const char *label,
                       bool (*valid)(const char *, const char **))
{
    const char *err = NULL;
    if (ts_arg(c, name)->error)
        return false;
    if (!ts_arg_present(c, name)) {
        ts_arg_error(c, name, ts_arena_printf(c->arena, "请填写%s", label));
        return false;
    }
    if (!valid(ts_arg_str(c, name), &err)) {
        ts_arg_error(c, name, err);
        return false;
    }
    return true;
}

/* Is a code already taken?  Any of an enterprise's three codes logs in as
 * its administrator, so a code must not appear in any code column of
 * another enterprise, nor be some user's 登录名称. */
static int check_taken(struct ts_ctx *c, const char *name, const char *code)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT (SELECT COUNT(*) FROM enterprise WHERE uscc = ? OR customs_code = ?"
                    " OR taxpayer_id = ?) AS ents,"
                    " (SELECT COUNT(*) FROM app_user WHERE login_name = ?) AS users",
                    TS_ARGS(TS_STR(code), TS_STR(code), TS_STR(code), TS_STR(code)), &r) < 0)
        return -1;
    if (ts_db_cell_i64(&r, 0, "ents"))
        ts_arg_error(c, name, "已被其他企业使用");
    else if (ts_db_cell_i64(&r, 0, "users"))
        ts_arg_error(c, name, "已被其他用户用作登录名称");
    return 0;
}

/* 新增 only: the three codes, each by its rule, then unused. */
static int check_codes(struct ts_ctx *c, const struct ent_values *v)
{
    if (check_code(c, "uscc", "统一社会信用代码", ts_codes_uscc_valid) &&
        check_taken(c, "uscc", v->uscc) < 0)
        return -1;
    if (check_code(c, "customs_code", "海关编码", ts_codes_customs_code_valid) &&
        check_taken(c, "customs_code", v->customs_code) < 0)
        return -1;
    if (check_code(c, "taxpayer_id", "纳税人识别号", ts_codes_taxpayer_id_valid) &&
        strcmp(v->taxpayer_id, v->uscc) != 0 && check_taken(c, "taxpayer_id", v->taxpayer_id) < 0)
        return -1;
    return 0;
}

/* 联系电话: a mobile or a landline with area code and extension — digits
 * and the separators people type ("028-8888 6666", "+86 13800000000"). */
static bool phone_ok(const char *s)
{
    int digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (!strchr("-+() ", *s))
            return false;
    }
    return digits >= 7;
}

/* The fields both 新增 and 修改 check beyond their declared limits.  The
 * 主管税务局 and 主管海关 must be enabled ones, unless unchanged (old holds
 * the stored values when editing). */
static int check_common(struct ts_ctx *c, const struct ent_values *v, const struct ent_values *old)
{
    struct ts_db_rows r;
    check_code(c, "bank_account", "银行账号", ts_codes_bank_account_valid);
    if (ts_arg_present(c, "phone") && !ts_arg(c, "phone")->error && !phone_ok(v->phone))
        ts_arg_error(c, "phone", "联系电话只能包含数字和 - + ( ) 空格，至少7位数字");
    if (ts_db_query(c->db, c->arena,
                    "SELECT (SELECT COUNT(*) FROM tax_bureau WHERE code = ?"
                    " AND (status = 'normal' OR code = ?)) AS bureau,"
                    " (SELECT COUNT(*) FROM customs_district WHERE code = ?"
                    " AND (status = 'normal' OR code = ?)) AS district",
                    TS_ARGS(TS_STR(v->tax_bureau_code), TS_STR(or_empty(old->tax_bureau_code)),
                            TS_STR(v->customs_district_code),
                            TS_STR(or_empty(old->customs_district_code))),
                    &r) < 0)
        return -1;
    if (!ts_arg(c, "tax_bureau_code")->error && !ts_db_cell_i64(&r, 0, "bureau"))
        ts_arg_error(c, "tax_bureau_code", "请从列表中选择主管税务局");
    if (v->customs_district_code[0] && !ts_arg(c, "customs_district_code")->error &&
        !ts_db_cell_i64(&r, 0, "district"))
        ts_arg_error(c, "customs_district_code", "请从列表中选择主管海关");
    return 0;
}

/* Insert the enterprise with its admin role and account; a duplicate key
 * that slipped past check_codes (another operator at the same moment)
 * becomes a field error too. */
static enum ts_result create_enterprise(struct ts_ctx *c, const struct ent_values *v)
{
    const struct ts_enterprise e = {
        .name = v->name,
        .uscc = v->uscc,
        .customs_code = v->customs_code,
        .taxpayer_id = v->taxpayer_id,
        .ent_type = v->ent_type,
        .tax_bureau_code = v->tax_bureau_code,
        .customs_district_code = v->customs_district_code,
        .bank_name = v->bank_name,
        .bank_account = v->bank_account,
        .contact = v->contact,
        .phone = v->phone,
    };
    int64_t ent_id, admin_id;
    if (ts_enterprise_create(c->db, &e, &ent_id, &admin_id) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        ts_arg_error(c, "customs_code",
                     "已被其他企业使用（统一社会信用代码、海关编码或纳税人识别号"
                     "刚被占用），请核对");
        return show_form(c, 0, NULL, v, TS_ROLLBACK);
    }
    const char *detail = ts_arena_printf(
        c->arena,
        "create name=%s; uscc=%s; customs_code=%s; taxpayer_id=%s; ent_type=%s;"
        " tax_bureau_code=%s; customs_district_code=%s; bank_name=%s; contact=%s; phone=%s",
        v->name, v->uscc, v->customs_code, v->taxpayer_id, v->ent_type, v->tax_bureau_code,
        v->customs_district_code, v->bank_name, v->contact, v->phone);
    if (ts_audit_log(c, "enterprise", ent_id, detail) < 0 ||
        ts_audit_log(c, "app_user", admin_id,
                     ts_arena_printf(c->arena,
                                     "create enterprise admin login_name=%s ent_id=%lld"
                                     " initial_password=bank_account_last8 must_change=1",
                                     v->customs_code, (long long)ent_id)) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena,
                                      "保存成功。已创建企业管理员账号，登录名称为 %s（海关编码，"
                                      "也可用纳税人识别号或统一社会信用代码登录），初始密码为"
                                      "银行账号后8位，首次登录须修改密码。",
                                      v->customs_code),
                      LIST_URL);
}

/* Append "field: before -> after" when a field changed. */
static void diff(struct ts_buf *b, const char *field, const char *before, const char *after)
{
    if (strcmp(or_empty(before), or_empty(after)) == 0)
        return;
    if (b->len)
        ts_buf_adds(b, "; ");
    ts_buf_printf(b, "%s: %s -> %s", field, or_empty(before), or_empty(after));
}

/* What 修改 changed, for the audit row ("" if nothing).  The bank account
 * is the source of the initial password, so only its change is noted. */
static const char *changes(struct ts_ctx *c, const struct ent_values *o, const struct ent_values *v)
{
    struct ts_buf b = {0};
    diff(&b, "name", o->name, v->name);
    diff(&b, "ent_type", o->ent_type, v->ent_type);
    diff(&b, "tax_bureau_code", o->tax_bureau_code, v->tax_bureau_code);
    diff(&b, "customs_district_code", o->customs_district_code, v->customs_district_code);
    diff(&b, "bank_name", o->bank_name, v->bank_name);
    if (strcmp(o->bank_account, v->bank_account) != 0)
        ts_buf_adds(&b, b.len ? "; bank_account changed" : "bank_account changed");
    diff(&b, "contact", o->contact, v->contact);
    diff(&b, "phone", o->phone, v->phone);
    const char *s = ts_arena_strdup(c->arena, ts_buf_cstr(&b));
    ts_buf_free(&b);
    return s;
}

/* Store 修改 (never the codes) and audit what changed. */
static enum ts_result update_enterprise(struct ts_ctx *c, int64_t id, const struct ent_values *old,
                                        const struct ent_values *v)
{
    const char *detail = changes(c, old, v);
    if (detail[0] &&
        (ts_db_exec(c->db,
                    "UPDATE enterprise SET name = ?, ent_type = ?, tax_bureau_code = ?,"
                    " customs_district_code = ?, bank_name = ?, bank_account = ?, contact = ?,"
                    " phone = ? WHERE id = ?",
                    TS_ARGS(TS_STR(v->name), TS_STR(v->ent_type), TS_STR(v->tax_bureau_code),
                            TS_STR(v->customs_district_code[0] ? v->customs_district_code : NULL),
                            TS_STR(v->bank_name), TS_STR(v->bank_account),
                            TS_STR(v->contact[0] ? v->contact : NULL),
                            TS_STR(v->phone[0] ? v->phone : NULL), TS_I64(id)),
                    NULL) < 0 ||
         ts_audit_log(c, "enterprise", id, ts_arena_printf(c->arena, "update %s", detail)) < 0))
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。", LIST_URL);
}

/* POST /operator/save — 保存 of 新增 (no id) or 修改 (id).  Any error shows
 * the form again with everything typed and the message at the field. */
static enum ts_result ent_save(struct ts_ctx *c)
{
    struct ts_db_rows r;
    struct ent_values v, old = {0};
    int64_t id = ts_arg_int(c, "id");
    values_from_args(c, &v);
    if (id) {
        int found = load_enterprise(c, id, true, &r, &old);
        if (found <= 0)
            return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    } else if (check_codes(c, &v) < 0) {
        return TS_FAIL;
    }
    if (check_common(c, &v, &old) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return show_form(c, id, &old, &v, TS_ROLLBACK);
    return id ? update_enterprise(c, id, &old, &v) : create_enterprise(c, &v);
}

/* POST /operator/status — 停用 / 启用.  Disabling ends every session of the
 * enterprise's users (the login check refuses them from now on). */
static enum ts_result ent_status(struct ts_ctx *c)
{
    struct ts_db_rows r;
    struct ent_values v;
    struct ts_db_result ended = {0};
    int64_t id = ts_arg_int(c, "id");
    const char *to = ts_arg_str(c, "status");
    if (ts_arg_has_errors(c)) {
        ts_render_error(c, 400, "请求格式不正确，请返回上一页重新操作。");
        return TS_ROLLBACK;
    }
    int found = load_enterprise(c, id, true, &r, &v);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    const char *from = ts_db_cell(&r, 0, "status");
    bool disable = strcmp(to, "disabled") == 0;
    if (strcmp(from, to) != 0) {
        if (ts_db_exec(c->db, "UPDATE enterprise SET status = ? WHERE id = ?",
                       TS_ARGS(TS_STR(to), TS_I64(id)), NULL) < 0 ||
            (disable && ts_db_exec(c->db,
                                   "DELETE FROM session WHERE user_id IN"
                                   " (SELECT id FROM app_user WHERE ent_id = ?)",
                                   TS_ARGS(TS_I64(id)), &ended) < 0) ||
            ts_audit_log(c, "enterprise", id,
                         ts_arena_printf(c->arena, "status %s->%s; sessions ended=%llu", from, to,
                                         (unsigned long long)ended.affected)) < 0)
            return TS_FAIL;
    }
    return ts_ui_done(
        c,
        disable
            ? ts_arena_printf(c->arena, "企业“%s”已停用，其用户已全部退出且不能再登录。", v.name)
            : ts_arena_printf(c->arena, "企业“%s”已启用。", v.name),
        LIST_URL);
}

/* ---- 审计日志 ---------------------------------------------------------- */

/* GET /operator/audit — the newest 50 rows of the audit log. */
static enum ts_result audit_page(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT a.id, DATE_FORMAT(a.at, '%Y-%m-%d %H:%i:%s') AS at, u.login_name,"
                    " u.nickname, e.name AS ent_name, a.action, a.object, a.object_id, a.detail,"
                    " a.request_id FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id"
                    " LEFT JOIN enterprise e ON e.id = a.ent_id ORDER BY a.id DESC LIMIT ?",
                    TS_ARGS(TS_I64(AUDIT_ROWS)), &r) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Audit", &r);
    ts_render_set_int(c, "AuditLimit", AUDIT_ROWS);
    return ts_ui_page(c, "审计日志", "operator/audit.cs");
}

/* POST /operator/audit — 校验哈希链: walk the whole chain and show the
 * result above the newest rows. */
static enum ts_result audit_verify(struct ts_ctx *c)
{
    struct ts_audit_report rep;
    if (ts_audit_verify(c->db, &rep) < 0)
        return TS_FAIL;
    ts_render_set(c, "Verify.Done", "1");
    ts_render_set_int(c, "Verify.Rows", rep.rows);
    ts_render_set_int(c, "Verify.BadId", rep.bad_id);
    ts_render_set(c, "Verify.Reason", rep.reason);
    return audit_page(c);
}

/* ---- 参考库: 出口退税率文库 --------------------------------------------- */

/* Today in the programs' time zone (the stack's TZ), YYYY-MM-DD. */
static const char *today(struct ts_ctx *c)
{
    time_t now = time(NULL);
    struct tm tm;
    char *out = ts_arena_alloc(c->arena, 11);
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

/* The versions, newest first, and the one in force today. */
static int set_versions(struct ts_ctx *c)
{
    struct ts_db_rows r;
    char version[TS_REFLIB_VERSION_MAX + 1], from[11];
    int found = ts_reflib_version_on(c->db, c->arena, today(c), version, from);
    if (found < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT l.version, DATE_FORMAT(l.effective_from, '%Y-%m-%d') AS effective_from,"
                    " l.rows_count, l.source, IFNULL(l.note, '') AS note,"
                    " DATE_FORMAT(l.imported_at, '%Y-%m-%d %H:%i') AS imported_at,"
                    " IFNULL(u.login_name, '') AS imported_by FROM rebate_library l"
                    " LEFT JOIN app_user u ON u.id = l.imported_by ORDER BY l.effective_from DESC",
                    TS_NOARGS, &r) < 0)
        return -1;
    ts_render_rows(c, "Versions", &r);
    if (found) {
        ts_render_set(c, "Current.Version", version);
        ts_render_set(c, "Current.From", from);
    }
    return 0;
}

/* The entries in force on the query's date, by code prefix and name
 * (lib/ts_reflib: the same search as the public 出口退税率查询). */
static int set_rates(struct ts_ctx *c, const char *hs, const char *name, const char *date)
{
    const struct ts_reflib_search q = {.hs = hs, .name = name, .date = date};
    return ts_reflib_render_search(c, &q, RATE_ROWS);
}

/* The 退税率文库 page: versions, the query and its result, the import form
 * (with the last import's report when given). */
static enum ts_result rates_page(struct ts_ctx *c, const char *hs, const char *name,
                                 const char *date)
{
    if (!date[0])
        date = today(c);
    if (set_versions(c) < 0 || set_rates(c, hs, name, date) < 0)
        return TS_FAIL;
    ts_render_set(c, "Query.hs", hs);
    ts_render_set(c, "Query.name", name);
    ts_render_set(c, "Query.date", date);
    ts_render_set(c, "CanImport", ts_session_can(c, "reflib.edit") ? "1" : "");
    return ts_ui_page(c, "出口退税率文库", "operator/rates.cs");
}

/* GET /operator/ref/ — 出口退税率文库: the entries in force on a date. */
static enum ts_result rates_list(struct ts_ctx *c)
{
    const char *hs = ts_arg_str(c, "hs"), *why;
    if (hs[0] && !ts_reflib_query_code_valid(hs, &why)) {
        ts_arg_error(c, "hs", why);
        hs = "";
    }
    return rates_page(c, hs, ts_arg_str(c, "name"), ts_arg_str(c, "date"));
}

/* GET /operator/ref/history?hs= — one code's rates over time: every
 * entry of the code and of its shorter prefixes, in every version, and the
 * rate that applies on the date asked (longest prefix in force). */
static enum ts_result rates_history(struct ts_ctx *c)
{
    const char *hs = ts_arg_str(c, "hs"), *why;
    const char *date = ts_arg_present(c, "date") ? ts_arg_str(c, "date") : today(c);
    struct ts_db_rows r;
    struct ts_reflib_rate rate;
    char pct[16];
    if (!ts_reflib_query_code_valid(hs, &why)) {
        ts_arg_error(c, "hs", why);
        return rates_page(c, "", "", date) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    if (ts_db_query(c->db, c->arena,
                    "SELECT r.hs_code, r.goods_name, IFNULL(r.unit, '') AS unit, r.levy_rate,"
                    " r.rebate_rate, DATE_FORMAT(r.effective_from, '%Y-%m-%d') AS effective_from,"
                    " IFNULL(DATE_FORMAT(r.effective_to, '%Y-%m-%d'), '') AS effective_to,"
                    " IFNULL(DATE_FORMAT(r.listed_from, '%Y-%m-%d'), '') AS listed_from, r.version"
                    " FROM rebate_rate r WHERE ? LIKE CONCAT(r.hs_code, '%')"
                    " AND r.hs_code LIKE CONCAT(LEFT(?, 2), '%')"
                    " ORDER BY r.effective_from, LENGTH(r.hs_code), r.hs_code",
                    TS_ARGS(TS_STR(hs), TS_STR(hs)), &r) < 0)
        return TS_FAIL;
    ts_render_rows(c, "History", &r);
    ts_reflib_set_percents(c, "History", &r);
    int found = ts_reflib_rate(c->db, c->arena, hs, date, &rate);
    if (found < 0)
        return TS_FAIL;
    if (found) {
        ts_render_set(c, "Applies.hs_code", rate.hs_code);
        ts_render_set(c, "Applies.goods_name", rate.goods_name);
        ts_render_set(c, "Applies.version", rate.version);
        ts_render_set(c, "Applies.effective_from", rate.effective_from);
        ts_render_set(c, "Applies.effective_to", rate.effective_to);
        ts_reflib_percent_format(rate.levy_micro, pct);
        ts_render_set(c, "Applies.levy_pct", pct);
        ts_reflib_percent_format(rate.rebate_micro, pct);
        ts_render_set(c, "Applies.rebate_pct", pct);
    }
    ts_render_set(c, "Query.hs", hs);
    ts_render_set(c, "Query.date", date);
    return ts_ui_page(c, "商品编码税率历史", "operator/rate_history.cs");
}

/* The chosen file of an import form, or NULL when the box was empty. */
static struct ts_upload *import_file(struct ts_ctx *c)
{
    for (struct ts_upload *u = c->uploads; u; u = u->next)
        if (strcmp(u->field, "file") == 0 && (u->filename[0] || u->size > 0))
            return u;
    return NULL;
}

/* The report of a refused import above its form: the reason, or the rows
 * with their reasons (the first ERRORS_SHOWN of them). */
static void set_report(struct ts_ctx *c, const struct ts_refimport_report *rep)
{
    if (rep->refused)
        ts_arg_error(c, "file", rep->refused);
    if (!rep->nerrors)
        return;
    ts_arg_error(c, "file",
                 ts_arena_printf(c->arena,
                                 "共%zu行数据，其中%zu行有误，未导入任何数据。请修改后重新上传。",
                                 rep->rows, rep->nerrors));
    ts_render_set_int(c, "Report.Count", (int64_t)rep->nerrors);
    ts_render_set_int(c, "Report.Shown",
                      rep->nerrors < ERRORS_SHOWN ? (int64_t)rep->nerrors : ERRORS_SHOWN);
    for (size_t i = 0; i < rep->nerrors && i < ERRORS_SHOWN; i++) {
        ts_render_set_int(c, ts_arena_printf(c->arena, "Report.Rows.%zu.row", i),
                          (int64_t)rep->errors[i].row);
        ts_render_set(c, ts_arena_printf(c->arena, "Report.Rows.%zu.reason", i),
                      rep->errors[i].reason);
    }
}

/* The reason an import has no usable file, or NULL. */
static const char *check_import_file(const struct ts_upload *u)
{
    if (!u)
        return "请选择要导入的文件（xlsx或csv）";
    if (u->size > IMPORT_MAX_BYTES)
        return "文件不能大于20M";
    return NULL;
}

/* POST /operator/ref/import — 导入出口退税率文库: a new version from an
 * xlsx or csv, all rows or none; the earlier versions' entries end the day
 * before its 生效日期. */
static enum ts_result rates_import(struct ts_ctx *c)
{
    struct ts_upload *u = import_file(c);
    struct ts_refimport_report rep;
    const char *why = check_import_file(u);
    if (why || ts_arg_has_errors(c)) {
        if (why)
            ts_arg_error(c, "file", why);
        return rates_page(c, "", "", "") == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    const struct ts_refimport_library lib = {
        .version = ts_arg_str(c, "version"),
        .effective_from = ts_arg_str(c, "effective_from"),
        .source = cut_name(c, u->filename[0] ? u->filename : "未命名文件"),
        .note = ts_arg_str(c, "note"),
        .user_id = c->session->user_id,
    };
    int rc = ts_refimport_rates(c->db, c->arena, u->path, &lib, &rep);
    if (rc < 0)
        return TS_FAIL;
    if (rc == TS_REFIMPORT_REFUSED) {
        set_report(c, &rep);
        return rates_page(c, "", "", "") == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    if (ts_audit_log(c, "rebate_library", 0,
                     ts_arena_printf(c->arena,
                                     "import version=%s effective_from=%s rows=%zu closed=%zu"
                                     " file=%s sha256=%s",
                                     lib.version, lib.effective_from, rep.imported, rep.closed,
                                     lib.source, rep.sha256)) < 0)
        return TS_FAIL;
    return ts_ui_done(
        c,
        ts_arena_printf(c->arena,
                        "导入成功：文库版本 %s，共 %zu 条，自 %s 起执行；此前版本有 %zu "
                        "条于新条目起始的前一日截止。",
                        lib.version, rep.imported, lib.effective_from, rep.closed),
        RATES_URL);
}

/* ---- 参考库: 汇率 ------------------------------------------------------ */

/* The 币制 choices of the filter. */
static int set_currencies(struct ts_ctx *c, const char *chosen)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT code, CONCAT(code, ' ', IFNULL(alt, ''), ' ', name) AS name"
                    " FROM code_list WHERE list = 'currency' ORDER BY code",
                    TS_NOARGS, &r) < 0)
        return -1;
    set_options(c, "Currencies", &r, chosen);
    return 0;
}

/* The 汇率 page: the rates by month, filtered by 币制 and year. */
static enum ts_result fx_page(struct ts_ctx *c, const char *cur, const char *year)
{
    struct ts_db_rows r;
    if (set_currencies(c, cur) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT x.currency, IFNULL(l.alt, '') AS alt, IFNULL(l.name, '') AS name,"
                    " x.month, x.rate, x.source, DATE_FORMAT(x.updated_at, '%Y-%m-%d %H:%i') AS"
                    " updated_at FROM exchange_rate x LEFT JOIN code_list l"
                    " ON l.list = 'currency' AND l.code = x.currency"
                    " WHERE (? = '' OR x.currency = ?) AND (? = '' OR x.month LIKE CONCAT(?, '%'))"
                    " ORDER BY x.month DESC, x.currency LIMIT ?",
                    TS_ARGS(TS_STR(cur), TS_STR(cur), TS_STR(year), TS_STR(year), TS_I64(FX_ROWS)),
                    &r) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Fx", &r);
    ts_render_set(c, "Query.year", year);
    ts_render_set(c, "CanImport", ts_session_can(c, "reflib.edit") ? "1" : "");
    return ts_ui_page(c, "汇率", "operator/fx.cs");
}

/* GET /operator/ref/fx — 汇率. */
static enum ts_result fx_list(struct ts_ctx *c)
{
    return fx_page(c, ts_arg_str(c, "currency"), ts_arg_str(c, "year"));
}

/* POST /operator/ref/fx/import — 导入汇率: each (币制, 月份) added or replaced,
 * all rows or none; replaced rates are named in the audit row. */
static enum ts_result fx_import(struct ts_ctx *c)
{
    struct ts_upload *u = import_file(c);
    struct ts_refimport_report rep;
    const char *why = check_import_file(u);
    if (why) {
        ts_arg_error(c, "file", why);
        return fx_page(c, "", "") == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    const char *source = cut_name(c, u->filename[0] ? u->filename : "未命名文件");
    int rc = ts_refimport_fx(c->db, c->arena, u->path, source, c->session->user_id, &rep);
    if (rc < 0)
        return TS_FAIL;
    if (rc == TS_REFIMPORT_REFUSED) {
        set_report(c, &rep);
        return fx_page(c, "", "") == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    if (ts_audit_log(c, "exchange_rate", 0,
                     ts_arena_printf(c->arena,
                                     "import rows=%zu added=%zu changed=%zu unchanged=%zu file=%s"
                                     " sha256=%s%s%s",
                                     rep.imported, rep.added, rep.changed, rep.unchanged, source,
                                     rep.sha256, rep.changed ? " changes: " : "", rep.changes)) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena,
                                      "导入成功：共 %zu 条，新增 %zu 条，修改 %zu 条，"
                                      "未变 %zu 条。",
                                      rep.imported, rep.added, rep.changed, rep.unchanged),
                      FX_URL);
}

/* ---- 参考库: 代码表 ---------------------------------------------------- */

/* The code list page of list: its codes, the list chooser, the import
 * form (with its report) for those who may import. */
static enum ts_result codes_page(struct ts_ctx *c, enum ts_reflib_list list)
{
    struct ts_db_rows r;
    int rc;
    if (list == TS_REFLIB_CUSTOMS_DISTRICT)
        rc = ts_db_query(c->db, c->arena,
                         "SELECT code, '' AS alt, name, status FROM customs_district ORDER BY code",
                         TS_NOARGS, &r);
    else if (list == TS_REFLIB_TAX_BUREAU)
        rc = ts_db_query(c->db, c->arena,
                         "SELECT code, '' AS alt, name, status FROM tax_bureau ORDER BY code",
                         TS_NOARGS, &r);
    else
        rc = ts_db_query(c->db, c->arena,
                         "SELECT code, IFNULL(alt, '') AS alt, name, status FROM code_list"
                         " WHERE list = ? ORDER BY code",
                         TS_ARGS(TS_STR(ts_reflib_list_name(list))), &r);
    if (rc < 0)
        return TS_FAIL;
    for (int i = 0; i < TS_REFLIB_NLISTS; i++) {
        ts_render_set(c, ts_arena_printf(c->arena, "Lists.%d.name", i),
                      ts_reflib_list_name((enum ts_reflib_list)i));
        ts_render_set(c, ts_arena_printf(c->arena, "Lists.%d.label", i),
                      ts_reflib_list_label((enum ts_reflib_list)i));
        if (i == (int)list)
            ts_render_set(c, ts_arena_printf(c->arena, "Lists.%d.Sel", i), "1");
    }
    ts_render_set(c, "List.name", ts_reflib_list_name(list));
    ts_render_set(c, "List.label", ts_reflib_list_label(list));
    ts_render_set(c, "List.has_alt", ts_reflib_list_has_alt(list) ? "1" : "");
    ts_render_rows(c, "Codes", &r);
    ts_render_set(c, "CanImport", ts_session_can(c, "reflib.edit") ? "1" : "");
    return ts_ui_page(c, "代码表", "operator/codes.cs");
}

/* The list named by the request's list, 币制 when none or unknown. */
static enum ts_reflib_list chosen_list(struct ts_ctx *c)
{
    enum ts_reflib_list list = ts_reflib_list_from_name(ts_arg_str(c, "list"));
    return list == TS_REFLIB_NLISTS ? TS_REFLIB_CURRENCY : list;
}

/* GET /operator/ref/codes?list= — a code list (币制 by default). */
static enum ts_result codes_list(struct ts_ctx *c)
{
    return codes_page(c, chosen_list(c));
}

/* POST /operator/ref/codes/import — 导入代码表: the chosen list's codes
 * added or renamed from an xlsx or csv, all rows or none; codes the file
 * lacks are kept (declarations carry them); the audit row names the
 * changed ones. */
static enum ts_result codes_import(struct ts_ctx *c)
{
    enum ts_reflib_list list = ts_reflib_list_from_name(ts_arg_str(c, "list"));
    struct ts_upload *u = import_file(c);
    struct ts_refimport_report rep;
    const char *why = list == TS_REFLIB_NLISTS ? "请选择代码表" : check_import_file(u);
    if (why) {
        ts_arg_error(c, "file", why);
        return codes_page(c, chosen_list(c)) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    const char *source = cut_name(c, u->filename[0] ? u->filename : "未命名文件");
    int rc = ts_refimport_codes(c->db, c->arena, u->path, list, &rep);
    if (rc < 0)
        return TS_FAIL;
    if (rc == TS_REFIMPORT_REFUSED) {
        set_report(c, &rep);
        return codes_page(c, list) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    if (ts_audit_log(c, "code_list", 0,
                     ts_arena_printf(c->arena,
                                     "import list=%s rows=%zu added=%zu changed=%zu unchanged=%zu"
                                     " file=%s sha256=%s%s%s",
                                     ts_reflib_list_name(list), rep.imported, rep.added,
                                     rep.changed, rep.unchanged, source, rep.sha256,
                                     rep.changed ? " changes: " : "", rep.changes)) < 0)
        return TS_FAIL;
    return ts_ui_done(
        c,
        ts_arena_printf(c->arena,
                        "%s导入成功：共 %zu 条，新增 %zu 条，修改 %zu 条，"
                        "未变 %zu 条；文件中没有的代码保留不变。",
                        ts_reflib_list_label(list), rep.imported, rep.added, rep.changed,
                        rep.unchanged),
        ts_arena_printf(c->arena, "/operator/ref/codes?list=%s", ts_reflib_list_name(list)));
}

/* ---- the page table -------------------------------------------------- */

static const struct ts_param list_params[] = {
    ts_param_str("q", "查询条件", 0, 0, 50),
    ts_param_enum("status", "状态", 0, statuses),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param edit_params[] = {
    ts_param_int("id", "企业", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

/* The codes are checked in the handler: required and by their rules only
 * when adding (修改 does not send them). */
static const struct ts_param save_params[] = {
    ts_param_int("id", "企业", 0, 1, INT64_MAX),
    ts_param_str("name", "企业名称", TS_REQ, 1, 200),
    ts_param_str("uscc", "统一社会信用代码", 0, 0, 18),
    ts_param_str("customs_code", "海关编码", 0, 0, 10),
    ts_param_str("taxpayer_id", "纳税人识别号", 0, 0, 20),
    ts_param_enum("ent_type", "企业类型", TS_REQ, ent_types),
    ts_param_str("tax_bureau_code", "主管税务局", TS_REQ, 1, 11),
    ts_param_str("customs_district_code", "主管海关", 0, 0, 4),
    ts_param_str("bank_name", "开户银行", TS_REQ, 1, 100),
    ts_param_str("bank_account", "银行账号", TS_REQ, 1, 32),
    ts_param_str("contact", "联系人", 0, 0, 50),
    ts_param_str("phone", "联系电话", 0, 0, 20),
    TS_PARAMS_END,
};

static const struct ts_param status_params[] = {
    ts_param_int("id", "企业", TS_REQ, 1, INT64_MAX),
    ts_param_enum("status", "状态", TS_REQ, statuses),
    TS_PARAMS_END,
};

static const struct ts_param rates_params[] = {
    ts_param_str("hs", "商品编码", 0, 0, 10),
    ts_param_str("name", "商品名称", 0, 0, 50),
    ts_param_date("date", "日期", 0),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param history_params[] = {
    ts_param_str("hs", "商品编码", TS_REQ, 1, 10),
    ts_param_date("date", "日期", 0),
    TS_PARAMS_END,
};

static const struct ts_param rates_import_params[] = {
    ts_param_str("version", "文库版本号", TS_REQ, 2, TS_REFLIB_VERSION_MAX),
    ts_param_date("effective_from", "生效日期", TS_REQ),
    ts_param_str("note", "备注", 0, 0, 500),
    TS_PARAMS_END,
};

static const struct ts_param fx_params[] = {
    ts_param_str("currency", "币制", 0, 0, 3),
    ts_param_str("year", "年度", 0, 0, 4),
    TS_PARAMS_END,
};

static const struct ts_param codes_params[] = {
    ts_param_str("list", "代码表", 0, 0, 20),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "operator", list_params, ent_list, 0},
    {"new", TS_GET, "operator.edit", NULL, ent_new, 0},
    {"edit", TS_GET, "operator.edit", edit_params, ent_edit, 0},
    {"save", TS_POST, "operator.edit", save_params, ent_save, 0},
    {"status", TS_POST, "operator.edit", status_params, ent_status, 0},
    {"audit", TS_GET, "audit", NULL, audit_page, 0},
    {"audit", TS_POST, "audit", NULL, audit_verify, 0},
    {"ref/", TS_GET, "reflib", rates_params, rates_list, TS_QUERY_FORM},
    {"ref/history", TS_GET, "reflib", history_params, rates_history, 0},
    {"ref/import", TS_POST, "reflib.edit", rates_import_params, rates_import, TS_MULTIPART},
    {"ref/fx", TS_GET, "reflib", fx_params, fx_list, TS_QUERY_FORM},
    {"ref/fx/import", TS_POST, "reflib.edit", NULL, fx_import, TS_MULTIPART},
    {"ref/codes", TS_GET, "reflib", codes_params, codes_list, 0},
    {"ref/codes/import", TS_POST, "reflib.edit", codes_params, codes_import, TS_MULTIPART},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"operator", "企业管理", actions};

int main(void)
{
    return ts_app_main(&module);
}
