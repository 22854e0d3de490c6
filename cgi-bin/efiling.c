/* efiling — 电子化管理备案 (000 §2.5.1).
 *
 * One form per enterprise: *企业类型, *主管税务局, *管理方式 (自行制作电子
 * 文档, the only one the manual offers), the 备案申请表 — "PDF格式或JPG格式"
 * — and 备注; 【保存】 files it, saving again updates it.  "第一次登录使用
 * 系统，请前往“系统管理—>电子化管理备案”，设置企业类型等信息" (§2.2): the
 * workbench shows that notice until the enterprise's row exists, and the
 * type filed here decides which default 备案单证种类 apply (doctypes).
 *
 * 【下载模板】 is the 备案申请表 as a PDF file filled with the enterprise's
 * facts (GET /efiling/template, an attachment); 【打印模板】 the same as a
 * page to print (GET /efiling/print): "下载后填制、打印、签章，扫描或拍照"
 * — printed, signed and stamped, scanned, and uploaded here.
 * The uploaded file is judged by its content (lib/ts_store: a PDF or a
 * JPEG, at most 5 MB, never by its name) and kept in the content-addressed
 * store; GET /efiling/form shows it again.
 *
 * Tenancy: the efiling row is read and changed only through ts_scope_*
 * (its ent_id is the session's enterprise), so each enterprise sees its
 * own filing and its own file only.  Every save is audited. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_export.h"
#include "ts_log.h"
#include "ts_multipart.h"
#include "ts_render.h"
#include "ts_resp.h"
#include "ts_store.h"
#include "ts_ui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_URL       "/efiling/"
#define FORM_MAX_BYTES (5 * 1024 * 1024)
#define FORM_FIELD     "form_file"
#define NAME_CHARS     200 /* efiling.form_name */

static const char *const type_choices[] = {"production", "trading", NULL};
static const char *const mode_choices[] = {"self_made", NULL};

/* The enterprise's filing as stored (exists false before the first save). */
struct filing {
    bool exists;
    const char *ent_type;
    const char *tax_bureau_code;
    const char *form_sha256; /* NULL: no 备案申请表 uploaded */
    const char *form_name;
    const char *remark;
};

/* The 企业类型 as the manual names it. */
static const char *type_label(const char *type)
{
    return strcmp(type, "production") == 0 ? "生产企业" : "外贸企业";
}

/* The enterprise record (name, codes, type, bureau): the defaults of a
 * first filing and the facts on the 备案申请表.  0, or -1 on a database
 * error (or no such enterprise). */
static int enterprise_row(struct ts_ctx *c, struct ts_db_rows *r)
{
    if (ts_db_query(c->db, c->arena,
                    "SELECT e.name, e.uscc, e.customs_code, e.taxpayer_id, e.ent_type,"
                    " e.tax_bureau_code, b.name AS bureau_name FROM enterprise e"
                    " JOIN tax_bureau b ON b.code = e.tax_bureau_code WHERE e.id = ?",
                    TS_ARGS(TS_I64(c->session->ent_id)), r) < 0)
        return -1;
    return r->nrows == 1 ? 0 : -1;
}

/* Load the enterprise's filing (locked when lock, for a save).  0 or -1
 * on a database error. */
static int filing_load(struct ts_ctx *c, struct filing *f, bool lock)
{
    struct ts_db_rows r;
    if (ts_scope_query(
            c,
            lock ? "SELECT ent_type, tax_bureau_code, form_sha256, form_name,"
                   " IFNULL(remark, '') AS remark FROM efiling WHERE ent_id = ? FOR UPDATE"
                 : "SELECT ent_type, tax_bureau_code, form_sha256, form_name,"
                   " IFNULL(remark, '') AS remark FROM efiling WHERE ent_id = ?",
            TS_NOARGS, &r) < 0)
        return -1;
    *f = (struct filing){.exists = r.nrows == 1};
    if (!f->exists)
        return 0;
    f->ent_type = ts_db_cell(&r, 0, "ent_type");
    f->tax_bureau_code = ts_db_cell(&r, 0, "tax_bureau_code");
    f->form_sha256 = ts_db_cell(&r, 0, "form_sha256");
    f->form_name = ts_db_cell(&r, 0, "form_name");
    f->remark = ts_db_cell(&r, 0, "remark");
    return 0;
}

/* The saved state shown above the form: who filed and saved it, when,
 * and the 备案申请表 with its kind and size. */
static int set_saved_state(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT CAST(f.created_at AS CHAR) AS created_at,"
                       " CAST(f.updated_at AS CHAR) AS updated_at, f.form_name, s.kind, s.size,"
                       " CONCAT(cu.nickname, '（', cu.login_name, '）') AS created_by,"
                       " CONCAT(uu.nickname, '（', uu.login_name, '）') AS updated_by"
                       " FROM efiling f JOIN app_user cu ON cu.id = f.created_by"
                       " JOIN app_user uu ON uu.id = IFNULL(f.updated_by, f.created_by)"
                       " LEFT JOIN stored_file s ON s.sha256 = f.form_sha256 WHERE f.ent_id = ?",
                       TS_NOARGS, &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    ts_render_rows(c, "Saved", &r);
    if (ts_db_cell(&r, 0, "kind")) {
        int64_t size = ts_db_cell_i64(&r, 0, "size");
        ts_render_set(
            c, "Saved.0.Size",
            size >= 1024 * 1024
                ? ts_arena_printf(c->arena, "%lld.%lld MB", (long long)(size >> 20),
                                  (long long)((size & 0xFFFFF) * 10 >> 20))
                : ts_arena_printf(c->arena, "%lld KB", (long long)((size + 1023) / 1024)));
        ts_render_set(c, "Saved.0.Kind",
                      strcmp(ts_db_cell(&r, 0, "kind"), "pdf") == 0 ? "PDF" : "JPG");
    }
    return 0;
}

/* The 主管税务局 choices: the enabled bureaus and the one chosen now, even
 * if it was disabled since. */
static int set_bureaus(struct ts_ctx *c, const char *current)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM tax_bureau WHERE status = 'normal' OR code = ?"
                    " ORDER BY code",
                    TS_ARGS(TS_STR(current)), &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        ts_ui_option(c, "Options.Bureau", (int)i, ts_db_cell(&r, i, "code"),
                     ts_db_cell(&r, i, "name"));
    return 0;
}

/* The page: the saved state and the form (Form.* holds the values typed or
 * loaded); current is the bureau that stays offered even if disabled. */
static enum ts_result filing_page(struct ts_ctx *c, const char *current)
{
    struct ts_db_rows e;
    if (enterprise_row(c, &e) < 0 || set_bureaus(c, current) < 0 || set_saved_state(c) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Ent", &e);
    ts_ui_option(c, "Options.EntType", 0, "production", "生产企业");
    ts_ui_option(c, "Options.EntType", 1, "trading", "外贸企业");
    ts_render_set_int(c, "Limit.MB", FORM_MAX_BYTES >> 20);
    return ts_ui_page(c, "电子化管理备案", "efiling/form.cs");
}

/* GET /efiling/ — 电子化管理备案: the form filled from the filing, or for
 * a first filing from the enterprise record. */
static enum ts_result filing_show(struct ts_ctx *c)
{
    struct filing f;
    struct ts_db_rows e;
    if (filing_load(c, &f, false) < 0 || enterprise_row(c, &e) < 0)
        return TS_FAIL;
    const char *bureau = f.exists ? f.tax_bureau_code : ts_db_cell(&e, 0, "tax_bureau_code");
    ts_render_set(c, "Form.ent_type", f.exists ? f.ent_type : ts_db_cell(&e, 0, "ent_type"));
    ts_render_set(c, "Form.tax_bureau_code", bureau);
    ts_render_set(c, "Form.manage_mode", "self_made");
    ts_render_set(c, "Form.remark", f.exists ? f.remark : "");
    return filing_page(c, bureau);
}

/* The file the user chose for the 备案申请表, or NULL when none was chosen
 * (a browser sends an empty part with an empty name then).  A chosen file
 * of 0 bytes is returned too: ts_arg_file would take it for "none". */
static struct ts_upload *chosen_file(struct ts_ctx *c)
{
    for (struct ts_upload *u = c->uploads; u; u = u->next)
        if (strcmp(u->field, FORM_FIELD) == 0 && (u->size > 0 || (u->filename && u->filename[0])))
            return u;
    return NULL;
}

/* Is the 主管税务局 one of the list: enabled, or the one filed before?
 * -1 on a database error. */
static int bureau_ok(struct ts_ctx *c, const char *code, const struct filing *old)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n FROM tax_bureau WHERE code = ?"
                    " AND (status = 'normal' OR code = ?)",
                    TS_ARGS(TS_STR(code), TS_STR(old->exists ? old->tax_bureau_code : "")), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n") > 0;
}

/* The file name as efiling.form_name keeps it: at most NAME_CHARS
 * characters (UTF-8, display only; never part of a path). */
static const char *display_name(struct ts_ctx *c, const char *name)
{
    size_t chars = 0, i = 0;
    for (; name[i]; i++)
        if (((unsigned char)name[i] & 0xC0) != 0x80 && ++chars > NAME_CHARS)
            break;
    return ts_arena_strndup(c->arena, name, i);
}

/* A file's error next to its field, with the reminder that a file input
 * cannot be filled in again. */
static void file_error(struct ts_ctx *c, const char *why)
{
    size_t n = strlen(why);
    if (n >= 3 && strcmp(why + n - 3, "。") == 0)
        n -= 3;
    ts_arg_error(c, FORM_FIELD, ts_arena_printf(c->arena, "%.*s，请重新选择文件", (int)n, why));
}

/* A choice the form must have (a select): "请选择…" when none was made (a
 * choice not among the offered ones has its error already). */
static void require_choice(struct ts_ctx *c, const char *name, const char *label)
{
    if (!ts_arg_present(c, name))
        ts_arg_error(c, name, ts_arena_printf(c->arena, "请选择%s", label));
}

/* Check the form; errors go next to their fields.  A chosen file is put
 * in the store now (lib/ts_store judges it by content: a PDF or a JPEG,
 * not empty, at most 5 MB) — durable before the row naming it commits;
 * its stored_file row is written only with the filing (ts_store_record).
 * -1 only on a database error. */
static int check_filing(struct ts_ctx *c, const struct filing *old, struct ts_upload *u,
                        struct ts_stored *s)
{
    const char *err = NULL;
    require_choice(c, "ent_type", "企业类型");
    require_choice(c, "manage_mode", "管理方式");
    if (u && ts_store_put_file(u->path, FORM_MAX_BYTES, TS_FILE_PDF | TS_FILE_JPEG, s, &err) < 0)
        file_error(c, err ? err : "文件保存失败，请稍后重试");
    require_choice(c, "tax_bureau_code", "主管税务局");
    if (!ts_arg_present(c, "tax_bureau_code") || ts_arg(c, "tax_bureau_code")->error)
        return 0;
    int ok = bureau_ok(c, ts_arg_str(c, "tax_bureau_code"), old);
    if (ok == 0)
        ts_arg_error(c, "tax_bureau_code", "请从列表中选择主管税务局");
    return ok < 0 ? -1 : 0;
}

/* Write the filing: the first save inserts the enterprise's row (its
 * ent_id is the session's, never the request's), later ones update it.
 * Without a new file the stored 备案申请表 stays. */
static int filing_write(struct ts_ctx *c, const struct filing *old, const char *sha,
                        const char *name)
{
    const char *remark = ts_arg_str(c, "remark");
    struct ts_db_arg rm = TS_STR(remark[0] ? remark : NULL);
    if (!old->exists)
        return ts_db_exec(
            c->db,
            "INSERT INTO efiling (ent_id, ent_type, tax_bureau_code, manage_mode,"
            " form_sha256, form_name, remark, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_STR(ts_arg_str(c, "ent_type")),
                    TS_STR(ts_arg_str(c, "tax_bureau_code")), TS_STR(ts_arg_str(c, "manage_mode")),
                    TS_STR(sha), TS_STR(name), rm, TS_I64(c->session->user_id)),
            NULL);
    return ts_scope_exec(c,
                         "UPDATE efiling SET ent_type = ?, tax_bureau_code = ?, manage_mode = ?,"
                         " form_sha256 = IFNULL(?, form_sha256), form_name = IFNULL(?, form_name),"
                         " remark = ?, updated_by = ?, updated_at = NOW() WHERE ent_id = ?",
                         TS_ARGS(TS_STR(ts_arg_str(c, "ent_type")),
                                 TS_STR(ts_arg_str(c, "tax_bureau_code")),
                                 TS_STR(ts_arg_str(c, "manage_mode")), TS_STR(sha), TS_STR(name),
                                 rm, TS_I64(c->session->user_id)),
                         NULL);
}

/* What the audit row says: the values saved, and before an update the
 * ones they replace. */
static const char *filing_detail(struct ts_ctx *c, const struct filing *old, const char *sha)
{
    const char *now = ts_arena_printf(c->arena, "ent_type=%s tax_bureau=%s mode=%s form=%s",
                                      ts_arg_str(c, "ent_type"), ts_arg_str(c, "tax_bureau_code"),
                                      ts_arg_str(c, "manage_mode"),
                                      sha                               ? sha
                                      : old->exists && old->form_sha256 ? old->form_sha256
                                                                        : "-");
    if (!old->exists)
        return ts_arena_printf(c->arena, "create %s", now);
    return ts_arena_printf(c->arena, "update ent_type=%s tax_bureau=%s form=%s -> %s",
                           old->ent_type, old->tax_bureau_code,
                           old->form_sha256 ? old->form_sha256 : "-", now);
}

/* The form again with its errors and everything typed but the file
 * (TS_ROLLBACK).  A valid file that was not saved because of another
 * field's error is named, so the user knows to choose it again. */
static enum ts_result form_again(struct ts_ctx *c, const struct filing *old, struct ts_upload *u)
{
    if (u)
        ts_render_set(c, "File.Again", u->filename && u->filename[0] ? u->filename : "1");
    enum ts_result r =
        filing_page(c, old->exists ? old->tax_bureau_code : ts_arg_str(c, "tax_bureau_code"));
    return r == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /efiling/save — 【保存】: file the form, or update the filing. */
static enum ts_result filing_save(struct ts_ctx *c)
{
    struct filing old;
    struct ts_stored s;
    struct ts_upload *u = chosen_file(c);
    const char *sha = NULL, *name = NULL;
    if (filing_load(c, &old, true) < 0 || check_filing(c, &old, u, &s) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return form_again(c, &old, u);
    if (u) {
        if (ts_store_record(c->db, &s) < 0)
            return TS_FAIL;
        sha = s.sha256;
        name = display_name(c, u->filename && u->filename[0] ? u->filename : "备案申请表");
    }
    if (filing_write(c, &old, sha, name) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        return ts_ui_refuse(c, "本企业的电子化管理备案刚由其他用户保存，请返回查看后再修改。");
    }
    if (ts_audit_log(c, "efiling", c->session->ent_id, filing_detail(c, &old, sha)) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功，电子化管理备案已完成。", PAGE_URL);
}

/* GET /efiling/form — the uploaded 备案申请表, shown in the browser with
 * its type (PDF or JPEG, as decided by content when it was stored). */
static enum ts_result filing_form(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT f.form_sha256, f.form_name, s.kind FROM efiling f"
                       " JOIN stored_file s ON s.sha256 = f.form_sha256 WHERE f.ent_id = ?",
                       TS_NOARGS, &r) < 0)
        return TS_FAIL;
    if (r.nrows != 1)
        return ts_ui_not_found(c, "尚未上传备案申请表。");
    return ts_ui_send_stored(c, ts_db_cell(&r, 0, "form_sha256"), ts_db_cell(&r, 0, "kind"),
                             ts_db_cell(&r, 0, "form_name"));
}

/* What the 备案申请表 is filled with: the enterprise (its row), its type
 * and bureau as filed (else the enterprise record's), and the 备案单证保存
 * 期限 in force today (retention_rule: years, basis), for the undertaking
 * printed on the form. */
struct apply {
    struct ts_db_rows ent, retention;
    const char *type, *bureau, *mode;
};

/* Load the facts of the form; -1 on a database error. */
static int apply_load(struct ts_ctx *c, struct apply *a)
{
    struct filing f;
    struct ts_db_rows b;
    if (filing_load(c, &f, false) < 0 || enterprise_row(c, &a->ent) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT years, basis FROM retention_rule WHERE effective_from <= CURDATE()"
                    " ORDER BY effective_from DESC LIMIT 1",
                    TS_NOARGS, &a->retention) < 0)
        return -1;
    const char *code = f.exists ? f.tax_bureau_code : ts_db_cell(&a->ent, 0, "tax_bureau_code");
    if (ts_db_query(c->db, c->arena, "SELECT name FROM tax_bureau WHERE code = ?",
                    TS_ARGS(TS_STR(code)), &b) < 0 ||
        b.nrows != 1)
        return -1;
    a->type = type_label(f.exists ? f.ent_type : ts_db_cell(&a->ent, 0, "ent_type"));
    a->bureau = ts_db_cell(&b, 0, "name");
    a->mode = "自行制作电子文档";
    return 0;
}

/* GET /efiling/print — 【打印模板】: the 备案申请表 as a page to print,
 * filled in, with room for the date, the signature and the stamp. */
static enum ts_result filing_print(struct ts_ctx *c)
{
    struct apply a;
    if (apply_load(c, &a) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Ent", &a.ent);
    ts_render_rows(c, "Retention", &a.retention);
    ts_render_set(c, "Apply.EntType", a.type);
    ts_render_set(c, "Apply.Bureau", a.bureau);
    ts_render_set(c, "Apply.Mode", a.mode);
    return ts_ui_page(c, "备案申请表", "efiling/template.cs");
}

/* GET /efiling/template — 【下载模板】: the 备案申请表 as a PDF file to
 * download (attachment, 备案申请表模板.pdf), filled with the same facts as
 * the print page, drawn by lib/ts_export (libharu) in a temp file that is
 * removed once sent. */
static enum ts_result filing_template(struct ts_ctx *c)
{
    struct apply a;
    const char *err, *keep = "";
    if (apply_load(c, &a) < 0)
        return TS_FAIL;
    if (a.retention.nrows == 1)
        keep = ts_arena_printf(c->arena, "；备案单证按规定保存%s年（%s）",
                               ts_db_cell(&a.retention, 0, "years"),
                               ts_db_cell(&a.retention, 0, "basis"));
    const struct ts_export_form_row rows[] = {
        {"纳税人名称", ts_db_cell(&a.ent, 0, "name"), 1},
        {"纳税人识别号", ts_db_cell(&a.ent, 0, "taxpayer_id"), 1},
        {"海关编码", ts_db_cell(&a.ent, 0, "customs_code"), 1},
        {"统一社会信用代码", ts_db_cell(&a.ent, 0, "uscc"), 1},
        {"企业类型", a.type, 1},
        {"主管税务局", a.bureau, 1},
        {"管理方式", a.mode, 1},
        {"申请事项",
         ts_arena_printf(c->arena,
                         "本企业申请对出口退（免）税备案单证实行电子化管理，管理方式为“%s”。\n"
                         "本企业承诺：在申报出口退（免）税后15日内，将备案单证按时间顺序制作成"
                         "电子文档并编制备案单证目录，注明单证存放方式；电子文档与原始单证内容"
                         "一致、真实、完整%s，并在税务机关需要时按要求提供。",
                         a.mode, keep),
         4},
        {"申请日期", "          年      月      日", 2},
        {"签章", "法定代表人（签字）：\n\n经办人（签字）：\n\n联系电话：\n\n（企业公章）", 9},
    };
    char *path =
        ts_arena_printf(c->arena, "%s/efiling-XXXXXX.pdf", ts_config_str("tmp.dir", "/tmp"));
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        ts_log_error("efiling: mkstemps %s: %s", path, strerror(errno));
        return TS_FAIL;
    }
    close(fd);
    if (ts_export_form_pdf(
            path, ts_config_str("tmp.dir", "/tmp"), "出口退（免）税备案单证电子化管理备案申请表",
            rows, sizeof rows / sizeof rows[0],
            "本表一式一份，由企业填写申请日期，法定代表人签字并加盖企业公章后，扫描或拍照，"
            "在“电子化管理备案”中作为备案申请表上传（PDF或JPG格式，不超过5MB）；"
            "原件由企业留存备查。",
            &err) < 0) {
        unlink(path);
        return TS_FAIL;
    }
    ts_resp_send_file(c, "application/pdf", path, "备案申请表模板.pdf");
    c->send_file_unlink = true;
    return TS_OK;
}

static const struct ts_param save_params[] = {
    ts_param_enum("ent_type", "企业类型", 0, type_choices),
    ts_param_str("tax_bureau_code", "主管税务局", 0, 1, 11),
    ts_param_enum("manage_mode", "管理方式", 0, mode_choices),
    ts_param_str("remark", "备注", 0, 0, 500),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "efiling", NULL, filing_show, 0},
    {"save", TS_POST, "efiling", save_params, filing_save, TS_MULTIPART},
    {"form", TS_GET, "efiling", NULL, filing_form, 0},
    {"template", TS_GET, "efiling", NULL, filing_template, 0},
    {"print", TS_GET, "efiling", NULL, filing_print, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"efiling", "电子化管理备案", actions};

int main(void)
{
    return ts_app_main(&module);
}
