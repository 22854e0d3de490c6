/* customs — 报关单发布: a customs officer publishes 出口报关单 into the
 * portal, for the enterprises to query in decl (manual 003 §2.1).
 *
 * One declaration through a form (header, and body lines added a row at a
 * time), or many from an XML file of the format decl downloads
 * (docs/formats.md "报关单 XML").  A number published again becomes a new
 * version with 数据传输状态 修改; the earlier versions stay and are listed
 * on the detail page (lib/ts_customs_decl: ts_cdecl_publish).
 *
 * A file is imported whole or not at all: every declaration is checked, and
 * if one has a problem nothing is kept and the page lists every problem of
 * every declaration (第N票, its 海关编号).  A file refused as a whole (not
 * XML, DTD/entities, nesting, huge tokens) says why.  A file larger than
 * IN_REQUEST_BYTES (up to 256 MB: TS_LARGE_UPLOAD, and nginx's own
 * location for this action) is imported by the jobs worker, all or
 * nothing the same way, its page (importview) showing a progress bar and
 * then the result or the same report (lib/ts_customs_decl
 * ts_cdecl_import_job).
 *
 * Jurisdiction (docs/formats.md): an officer publishes and sees the
 * declarations whose 海关编号 starts with a 关区 of their 直属海关 — the
 * first two digits of the officer's customs district.
 *
 * 进口报关单发布 (imports, importnew, importsave, importshow): the import
 * declarations 出口退货 reads (lib/ts_import_decl), through a form of the
 * same kind; docs/declarations.md "进口报关单发布". */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_config.h"
#include "ts_customs_decl.h"
#include "ts_import_decl.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_multipart.h"
#include "ts_reflib.h"
#include "ts_retgoods.h"
#include "ts_rgaudit.h"
#include "ts_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE      20
#define LIST_URL       "/customs/"
#define FORM_LINES     3 /* body rows a new form starts with */
#define NOT_FOUND      "报关单不存在。"
#define DISTRICT_CHARS 2

/* ---- jurisdiction ---- */

/* Does the officer's district start with DISTRICT_CHARS digits?  Only
 * then is its prefix safe in a LIKE pattern (no % or _ of its own). */
static bool district_ok(const char *d)
{
    if (!d)
        return false;
    for (size_t i = 0; i < DISTRICT_CHARS; i++)
        if (d[i] < '0' || d[i] > '9')
            return false;
    return true;
}

/* The 直属海关 prefix of the officer's district ("79" for 7900) for the
 * SQL's LIKE; "-" — which no 海关编号 starts with — when the account has
 * no district or one that is not digits, so such an officer sees nothing
 * rather than everything. */
static const char *jurisdiction(struct ts_ctx *c)
{
    const char *d = c->session->customs_district_code;
    if (!district_ok(d))
        return "-";
    return ts_arena_strndup(c->arena, d, DISTRICT_CHARS);
}

/* May the officer publish this number? */
static bool in_jurisdiction(struct ts_ctx *c, const char *entry_id)
{
    const char *d = c->session->customs_district_code;
    return district_ok(d) && strncmp(entry_id, d, DISTRICT_CHARS) == 0;
}

/* ---- 报关单发布 (the list) ---- */

#define LIST_FILTER " AND (? = '' OR h.entry_id = ?)"

/* The statements that read one kind of declaration (出口 export_decl_*,
 * 进口 import_decl_*), made from its table names: one of the two
 * constants below, never input. */
struct decl_tables {
    const char *count;    /* the jurisdiction's current versions (by number) */
    const char *head;     /* one version by id within the jurisdiction */
    const char *lines;    /* its lines, 项号 order */
    const char *versions; /* every version of a number, the newest first */
};
#define DECL_TABLES(head_table, list_table)                                                        \
    {                                                                                              \
        .count = "SELECT COUNT(*) AS n FROM " head_table " h"                                      \
                 " WHERE h.current_entry_id LIKE CONCAT(?, '%')" LIST_FILTER,                      \
        .head =                                                                                    \
            "SELECT h.* FROM " head_table " h WHERE h.id = ? AND h.entry_id LIKE CONCAT(?, '%')",  \
        .lines = "SELECT * FROM " list_table " WHERE head_id = ? ORDER BY g_no",                   \
        .versions = "SELECT id, version, trans_status, published_at,"                              \
                    " current_entry_id IS NOT NULL AS current"                                     \
                    " FROM " head_table " WHERE entry_id = ? ORDER BY version DESC",               \
    }
static const struct decl_tables export_tables = DECL_TABLES("export_decl_head", "export_decl_list");
static const struct decl_tables import_tables = DECL_TABLES("import_decl_head", "import_decl_list");

/* How many current declarations of the jurisdiction match. */
static int64_t list_count(struct ts_ctx *c, const struct decl_tables *t, const char *no)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena, t->count,
                    TS_ARGS(TS_STR(jurisdiction(c)), TS_STR(no), TS_STR(no)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* One page of them, the latest published first. */
static int list_page(struct ts_ctx *c, const char *no, int64_t offset, struct ts_db_rows *r)
{
    return ts_db_query(
        c->db, c->arena,
        "SELECT h.id, h.entry_id, h.version, h.trans_status, h.decl_type, h.trade_name,"
        " h.trade_code, h.ie_date, h.d_date, h.published_at,"
        " (SELECT COUNT(*) FROM export_decl_list l WHERE l.head_id = h.id) AS nlines"
        " FROM export_decl_head h WHERE h.current_entry_id LIKE CONCAT(?, '%')" LIST_FILTER
        " ORDER BY h.published_at DESC, h.id DESC LIMIT ? OFFSET ?",
        TS_ARGS(TS_STR(jurisdiction(c)), TS_STR(no), TS_STR(no), TS_I64(PAGE_SIZE), TS_I64(offset)),
        r);
}

/* Labels of the list's stored codes. */
static void set_labels(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.status_label", prefix, i),
                      ts_cdecl_trans_status_label(ts_db_cell(r, i, "trans_status")));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.type_label", prefix, i),
                      ts_cdecl_type_label(ts_db_cell(r, i, "decl_type")));
    }
}

/* GET /customs/ — 报关单发布: the jurisdiction's declarations (current
 * versions), by 海关编号, 20 a page; the import form above them. */
static enum ts_result decl_list(struct ts_ctx *c)
{
    struct ts_db_rows rows;
    struct ts_ui_pager pager;
    const char *no = ts_arg(c, "entry_id")->error ? "" : ts_arg_str(c, "entry_id");
    int64_t total = list_count(c, &export_tables, no);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (list_page(c, no, pager.offset, &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Decls", &rows);
    set_labels(c, "Decls", &rows);
    return ts_ui_page(c, "报关单发布", "customs/list.cs");
}

/* ---- the form ---- */

/* The form's parameters: the header fields by their element names, and
 * body row k's fields as <Element>_<k> (k = 1..99).  They are file-scope
 * tables filled once in main (form_params_build) because the action table
 * needs a static parameter list and the ~1900 names are made from the
 * field tables of lib/ts_customs_decl (one source for the form, the XML
 * and the storage); writing them out by hand would copy those tables.
 * Filled before ts_app_main starts any thread, read-only afterwards. */
#define FORM_PARAMS_N (TS_CDECL_HEAD_N + TS_CDECL_MAX_LINES * TS_CDECL_LIST_N + 4)
static struct ts_param form_params[FORM_PARAMS_N];
static char line_names[TS_CDECL_MAX_LINES * TS_CDECL_LIST_N][32];

/* The longest text a field's box takes (ts_cdecl_check says the rest). */
static int64_t box_max(const struct ts_cdecl_field *f)
{
    return f->kind == TS_CDECL_TEXT ? f->max : 32;
}

/* One kind of form's parameter table and body-row names to fill, and the
 * field tables they are made from. */
struct form_kind {
    struct ts_param *params;
    char (*names)[32];
    const struct ts_cdecl_field *head, *list;
    size_t head_n, list_n, max_lines;
    const char *from_label;
};

/* The export and the import form are built alike from their field tables:
 * the header fields, each body row's as <Element>_<k> into names, then
 * lines, more and from (named from_label). */
static void params_build(const struct form_kind *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->head_n; i++) {
        const struct ts_cdecl_field *f = &k->head[i];
        k->params[n++] = (struct ts_param)ts_param_str(f->xml, f->label, 0, 0, box_max(f));
    }
    for (size_t r = 0; r < k->max_lines; r++)
        for (size_t j = 0; j < k->list_n; j++) {
            const struct ts_cdecl_field *f = &k->list[j];
            char *name = k->names[r * k->list_n + j];
            snprintf(name, sizeof k->names[0], "%s_%zu", f->xml, r + 1);
            k->params[n++] = (struct ts_param)ts_param_str(name, f->label, 0, 0, box_max(f));
        }
    k->params[n++] =
        (struct ts_param)ts_param_int("lines", "表体行数", 0, 1, (int64_t)k->max_lines);
    k->params[n++] = (struct ts_param)ts_param_str("more", "增加表体行", 0, 0, 10);
    k->params[n++] = (struct ts_param)ts_param_int("from", k->from_label, 0, 1, INT64_MAX);
    k->params[n] = (struct ts_param)TS_PARAMS_END;
}

/* The export form's parameters. */
static void form_params_build(void)
{
    params_build(&(struct form_kind){form_params, line_names, ts_cdecl_head_fields,
                                     ts_cdecl_list_fields, TS_CDECL_HEAD_N, TS_CDECL_LIST_N,
                                     TS_CDECL_MAX_LINES, "报关单"});
}

/* Body row k's (0-based) field j as the form named it. */
static const char *line_param(size_t k, size_t j)
{
    return line_names[k * TS_CDECL_LIST_N + j];
}

/* The declaration the form holds: the header, and every body row with
 * anything typed in it (blank spare rows are dropped). */
static struct ts_cdecl *from_form(struct ts_ctx *c, size_t rows)
{
    struct ts_cdecl *d = ts_cdecl_new(c->arena);
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++)
        d->head[i] = ts_arg_str(c, ts_cdecl_head_fields[i].xml);
    for (size_t k = 0; k < rows; k++) {
        bool any = false;
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++)
            any = any || ts_arg_present(c, line_param(k, j));
        struct ts_cdecl_line *l = any ? ts_cdecl_add_line(c->arena, d) : NULL;
        for (size_t j = 0; l && j < TS_CDECL_LIST_N; j++)
            l->v[j] = ts_arg_str(c, line_param(k, j));
    }
    return d;
}

/* The form's header boxes: Fields.<i>.{name,label,value,req}. */
static void set_form_head(struct ts_ctx *c, const struct ts_cdecl_field *fs, size_t n,
                          const char *const *v)
{
    struct ts_arena *a = c->arena;
    for (size_t i = 0; i < n; i++) {
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.name", i), fs[i].xml);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.label", i), fs[i].label);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.value", i), v[i]);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.req", i), fs[i].required ? "1" : "");
    }
}

/* The body's column labels: LineFields.<j>.{label,req}. */
static void set_form_line_labels(struct ts_ctx *c, const struct ts_cdecl_field *fs, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        ts_render_set(c, ts_arena_printf(c->arena, "LineFields.%zu.label", j), fs[j].label);
        ts_render_set(c, ts_arena_printf(c->arena, "LineFields.%zu.req", j),
                      fs[j].required ? "1" : "");
    }
}

/* Body row k's boxes: Rows.<k>.<j>.{name,label,value}; names are the
 * row's parameter names, v its values (NULL: an empty row). */
static void set_form_row(struct ts_ctx *c, size_t k, const struct ts_cdecl_field *fs, size_t n,
                         const char (*names)[32], const char *const *v)
{
    struct ts_arena *a = c->arena;
    for (size_t j = 0; j < n; j++) {
        ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.name", k, j), names[j]);
        ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.label", k, j),
                      ts_arena_printf(a, "第%zu行%s", k + 1, fs[j].label));
        ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.value", k, j), v ? v[j] : "");
    }
}

/* The problems above a form, the row count, and where it posts. */
static void set_form_rest(struct ts_ctx *c, size_t rows, const char *const *errors, size_t nerrors,
                          const char *action)
{
    ts_render_set_int(c, "Form.lines", (int64_t)rows);
    ts_render_set(c, "Form.Action", action);
    for (size_t e = 0; e < nerrors; e++)
        ts_render_set(c, ts_arena_printf(c->arena, "Errors.%zu", e), errors[e]);
}

/* The form page with rows body rows: Fields (header), LineFields, Rows.<k>
 * with each box's name and value, and the problems above it. */
static enum ts_result form_page(struct ts_ctx *c, const struct ts_cdecl *d, size_t rows,
                                const char *const *errors, size_t nerrors)
{
    set_form_head(c, ts_cdecl_head_fields, TS_CDECL_HEAD_N, d->head);
    set_form_line_labels(c, ts_cdecl_list_fields, TS_CDECL_LIST_N);
    for (size_t k = 0; k < rows; k++)
        set_form_row(c, k, ts_cdecl_list_fields, TS_CDECL_LIST_N,
                     (const char(*)[32])line_names[k * TS_CDECL_LIST_N],
                     k < d->nlines ? d->lines[k].v : NULL);
    set_form_rest(c, rows, errors, nerrors, LIST_URL "save");
    return ts_ui_page(c, "发布报关单", "customs/form.cs");
}

/* A stored version by id within the jurisdiction, with its lines: 1, 0
 * not found, -1. */
static int head_load(struct ts_ctx *c, const struct decl_tables *t, int64_t id,
                     struct ts_db_rows *head, struct ts_db_rows *lines)
{
    if (ts_db_query(c->db, c->arena, t->head, TS_ARGS(TS_I64(id), TS_STR(jurisdiction(c))), head) <
        0)
        return -1;
    if (head->nrows != 1)
        return 0;
    return ts_db_query(c->db, c->arena, t->lines, TS_ARGS(TS_I64(id)), lines) < 0 ? -1 : 1;
}

/* A stored declaration back in the form's terms (报关单类型 1 / 2). */
static struct ts_cdecl *for_form(struct ts_ctx *c, struct ts_cdecl *d)
{
    d->head[TS_CDECL_H_DECL_TYPE] = strcmp(d->head[TS_CDECL_H_DECL_TYPE], "port") == 0 ? "2" : "1";
    return d;
}

/* GET /customs/new — 发布报关单: an empty form, or (?from=) the current
 * version of a published one to correct and publish again (修改). */
static enum ts_result decl_new(struct ts_ctx *c)
{
    struct ts_db_rows head, lines;
    struct ts_cdecl *d = ts_cdecl_new(c->arena);
    if (ts_arg_present(c, "from")) {
        int found = head_load(c, &export_tables, ts_arg_int(c, "from"), &head, &lines);
        if (found <= 0)
            return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
        d = for_form(c, ts_cdecl_from_rows(c->arena, &head, 0, &lines));
    }
    size_t rows = d->nlines > FORM_LINES ? d->nlines : FORM_LINES;
    return form_page(c, d, rows, NULL, 0);
}

/* The form again with its problems and everything typed (TS_ROLLBACK). */
static enum ts_result form_again(struct ts_ctx *c, size_t rows, const struct ts_cdecl *d)
{
    struct ts_cdecl *typed = from_form(c, rows);
    return form_page(c, typed, rows, d->errors, d->nerrors) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* The audit row of one published version. */
static int audit_publish(struct ts_ctx *c, const struct ts_cdecl *d,
                         const struct ts_cdecl_published *p, const char *how)
{
    return ts_audit_log(c, "export_decl_head", p->head_id,
                        ts_arena_printf(c->arena, "publish %s entry_id=%s version=%lld status=%s",
                                        how, d->head[TS_CDECL_H_ENTRY_ID], (long long)p->version,
                                        p->modified ? "modified" : "new"));
}

/* POST /customs/save — 【发布】 (or 【增加表体行】, which only shows the
 * form with one more row). */
static enum ts_result decl_save(struct ts_ctx *c)
{
    size_t rows = ts_arg_present(c, "lines") ? (size_t)ts_arg_int(c, "lines") : FORM_LINES;
    if (ts_arg_present(c, "more")) {
        rows += rows < TS_CDECL_MAX_LINES;
        return form_page(c, from_form(c, rows), rows, NULL, 0) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    struct ts_cdecl *d = from_form(c, rows);
    for (size_t i = 0; form_params[i].name; i++)
        if (c->values[i].error)
            ts_cdecl_error(c->arena, d, c->values[i].error);
    struct ts_reflib_codes codes;
    if (ts_reflib_codes_load(c->db, c->arena, &codes) < 0)
        return TS_FAIL;
    bool ok = ts_cdecl_check(c->arena, d);
    ok = ts_cdecl_check_codes(c->arena, d, &codes) && ok;
    if (ok && !in_jurisdiction(c, d->head[TS_CDECL_H_ENTRY_ID]))
        ts_cdecl_error(c->arena, d, "海关编号的关区不在您所在海关的辖区内，不能发布");
    if (d->nerrors)
        return form_again(c, rows, d);
    struct ts_cdecl_published p;
    int rc = ts_cdecl_publish(c->db, c->arena, d, c->session->user_id, &p);
    if (rc == TS_CDECL_BUSY) {
        ts_cdecl_error(c->arena, d, TS_CDECL_BUSY_MSG);
        return form_again(c, rows, d);
    }
    if (rc < 0 || audit_publish(c, d, &p, "form") < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena, "报关单%s已发布（%s）。",
                                      d->head[TS_CDECL_H_ENTRY_ID], p.modified ? "修改" : "新增"),
                      ts_arena_printf(c->arena, LIST_URL "view?id=%lld", (long long)p.head_id));
}

/* ---- 导入XML文件 ---- */

/* Files up to this size are imported in the request (about 1 500
 * declarations with 4 lines each); larger ones by the jobs worker
 * (customs.import), the page returning at once with a progress bar.
 * customs.import_in_request_bytes changes it (the tests make it small). */
#define IN_REQUEST_BYTES (2 * 1024 * 1024)
#define NAME_MAX_CHARS   255
#define IMPORT_NOT_FOUND "导入记录不存在。"

/* The upload page again with a refusal of the file as a whole. */
static enum ts_result import_refused(struct ts_ctx *c, const char *why)
{
    ts_render_set(c, "Form.Err.file", why);
    return decl_list(c) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* The report after a refused import: nothing kept, every problem listed
 * (Problems.<i>, the first TS_CDECL_MAX_REPORT). */
static enum ts_result import_report(struct ts_ctx *c, const struct ts_cdecl_import *im,
                                    const char *file_name)
{
    for (size_t i = 0; i < im->nreport; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Problems.%zu", i), im->report[i]);
    ts_render_set(c, "Import.FileName", file_name);
    ts_render_set_int(c, "Import.Total", (int64_t)im->total);
    ts_render_set_int(c, "Import.Bad", (int64_t)im->bad);
    ts_render_set_int(c, "Import.Problems", (int64_t)im->problems);
    if (im->problems > TS_CDECL_MAX_REPORT)
        ts_render_set_int(c, "Import.More", (int64_t)(im->problems - TS_CDECL_MAX_REPORT));
    return ts_ui_page(c, "导入报关单", "customs/import.cs") == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* A small file: imported here, all or nothing, the result at once. */
static enum ts_result import_here(struct ts_ctx *c, const struct ts_upload *u)
{
    struct ts_cdecl_import im = {.district = jurisdiction(c), .user_id = c->session->user_id};
    const char *err = NULL, *name = u->filename ? u->filename : "";
    int fd = open(u->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TS_FAIL;
    int rc = ts_cdecl_import_fd(c->db, c->arena, fd, &im, &err);
    close(fd);
    if (im.db_failed)
        return TS_FAIL;
    if (im.busy)
        return import_refused(c, "文件中的报关单" TS_CDECL_BUSY_MSG "；整个文件未导入");
    if (rc < 0)
        return import_refused(c, err ? err : "文件读取失败");
    if (im.total == 0)
        return import_refused(c, "文件中没有报关单（DecMessage）");
    if (im.bad)
        return import_report(c, &im, name);
    if (ts_audit_log(c, "export_decl_head", 0,
                     ts_arena_printf(c->arena,
                                     "publish import file=%s count=%zu new=%zu"
                                     " modified=%zu first=%s last=%s",
                                     name, im.total, im.added, im.modified, im.first, im.last)) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena, "导入成功：共%zu票报关单，新增%zu票，修改%zu票。",
                                      im.total, im.added, im.modified),
                      LIST_URL);
}

/* s cut to at most max characters, never inside a character. */
static const char *cut_chars(struct ts_ctx *c, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
            break;
    return s[i] ? ts_arena_strndup(c->arena, s, i) : s;
}

/* A large file: kept for the worker, a customs.import job queued (the
 * worker is woken once this commits); the page returns at once. */
static enum ts_result import_as_job(struct ts_ctx *c, const struct ts_upload *u)
{
    struct ts_db_result res;
    int64_t id, job_id;
    const char *name = u->filename && u->filename[0] ? u->filename : "未命名文件.xml";
    if (ts_db_exec(c->db,
                   "INSERT INTO customs_import (file_name, file_bytes, district, created_by)"
                   " VALUES (?, ?, ?, ?)",
                   TS_ARGS(TS_STR(cut_chars(c, name, NAME_MAX_CHARS)), TS_I64(u->size),
                           TS_STR(jurisdiction(c)), TS_I64(c->session->user_id)),
                   &res) < 0)
        return TS_FAIL;
    id = (int64_t)res.insert_id;
    const char *path = ts_cdecl_import_path(c->arena, id);
    if (!path || rename(u->path, path) < 0) {
        ts_log_error("customs: cannot keep the import file %s: %s", path ? path : "",
                     strerror(errno));
        return TS_FAIL;
    }
    if (ts_job_create(c->db, 0, "customs.import", id, c->session->user_id, &job_id) < 0 ||
        ts_db_exec(c->db, "UPDATE customs_import SET job_id = ? WHERE id = ?",
                   TS_ARGS(TS_I64(job_id), TS_I64(id)), NULL) < 0 ||
        ts_audit_log(c, "customs_import", id,
                     ts_arena_printf(c->arena, "import queued as a job file=%s bytes=%lld", name,
                                     (long long)u->size)) < 0) {
        unlink(path); /* rolled back: no row will name it (a crash leaves it to the sweep) */
        return TS_FAIL;
    }
    c->wake_jobs = true;
    return ts_ui_done(c, "文件较大，已转入后台导入，请稍候查看结果。",
                      ts_arena_printf(c->arena, LIST_URL "importview?id=%lld", (long long)id));
}

/* POST /customs/import — 【导入】 of an XML file: all or nothing; a large
 * file as a job. */
static enum ts_result decl_import(struct ts_ctx *c)
{
    struct ts_upload *u = ts_arg_file(c, "file");
    if (!u || u->size == 0)
        return import_refused(c, "请选择要导入的报关单XML文件");
    if (u->size > ts_config_int("customs.import_in_request_bytes", IN_REQUEST_BYTES))
        return import_as_job(c, u);
    return import_here(c, u);
}

/* The status of an import as the page says it. */
static const char *import_status_label(const char *s)
{
    if (strcmp(s, "queued") == 0)
        return "排队中";
    if (strcmp(s, "running") == 0)
        return "导入中";
    if (strcmp(s, "done") == 0)
        return "已完成";
    return "失败";
}

/* The report of a refused job, one problem a line, as Problems.<i>. */
static void set_report(struct ts_ctx *c, const char *report)
{
    size_t i = 0;
    for (const char *p = report; *p; i++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        ts_render_set(c, ts_arena_printf(c->arena, "Problems.%zu", i),
                      ts_arena_strndup(c->arena, p, n));
        p += n + (nl != NULL);
    }
}

/* GET /customs/importview?id= — an import run by the worker: a progress
 * bar (the page refreshes itself, 【刷新】 too) while it runs, then its
 * result or its report. */
static enum ts_result import_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT i.id, i.file_name, i.file_bytes, i.status, i.decl_total, i.decl_new,"
                    " i.decl_modified, i.decl_bad, i.problems, IFNULL(i.report, '') AS report,"
                    " IFNULL(i.message, '') AS message, i.created_at,"
                    " IFNULL(i.finished_at, '') AS finished_at,"
                    " IFNULL(j.progress_done, 0) AS done, IFNULL(j.progress_total, 0) AS total"
                    " FROM customs_import i LEFT JOIN job j ON j.id = i.job_id"
                    " WHERE i.id = ? AND i.district = ?",
                    TS_ARGS(TS_I64(ts_arg_int(c, "id")), TS_STR(jurisdiction(c))), &r) < 0)
        return TS_FAIL;
    if (r.nrows != 1)
        return ts_ui_not_found(c, IMPORT_NOT_FOUND);
    ts_render_rows(c, "Imports", &r);
    const char *status = ts_db_cell(&r, 0, "status");
    ts_render_set(c, "Imports.0.status_label", import_status_label(status));
    if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0) {
        int64_t done = ts_db_cell_i64(&r, 0, "done"), total = ts_db_cell_i64(&r, 0, "total");
        ts_render_set(c, "Job.Running", "1");
        ts_render_set(c, "Page.Refresh", "2"); /* the layout's <meta http-equiv="refresh"> */
        ts_render_set_int(c, "Job.Percent", total > 0 ? done * 100 / total : 0);
    }
    set_report(c, ts_db_cell(&r, 0, "report"));
    int64_t problems = ts_db_cell_i64(&r, 0, "problems");
    if (problems > TS_CDECL_MAX_REPORT)
        ts_render_set_int(c, "Import.More", problems - TS_CDECL_MAX_REPORT);
    return ts_ui_page(c, "导入报关单", "customs/importview.cs");
}

/* ---- 报关单详情 ---- */

/* Every version of a number, the newest first, on the page. */
static int versions(struct ts_ctx *c, const struct decl_tables *t, const char *entry_id,
                    struct ts_db_rows *r)
{
    if (ts_db_query(c->db, c->arena, t->versions, TS_ARGS(TS_STR(entry_id)), r) < 0)
        return -1;
    ts_render_rows(c, "Versions", r);
    set_labels(c, "Versions", r);
    return 0;
}

/* GET /customs/view?id= — one version: header, body, and the versions. */
static enum ts_result decl_view(struct ts_ctx *c)
{
    struct ts_db_rows head, lines, vers;
    int found = head_load(c, &export_tables, ts_arg_int(c, "id"), &head, &lines);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    struct ts_cdecl *d = ts_cdecl_from_rows(c->arena, &head, 0, &lines);
    ts_cdecl_render(c, "Decl", d);
    ts_render_set(c, "Decl.id", ts_db_cell(&head, 0, "id"));
    ts_render_set(c, "Decl.version", ts_db_cell(&head, 0, "version"));
    ts_render_set(c, "Decl.status_label",
                  ts_cdecl_trans_status_label(ts_db_cell(&head, 0, "trans_status")));
    ts_render_set(c, "Decl.current", ts_db_cell(&head, 0, "current_entry_id") ? "1" : "");
    if (versions(c, &export_tables, d->head[TS_CDECL_H_ENTRY_ID], &vers) < 0)
        return TS_FAIL;
    return ts_ui_page(c, "报关单详情", "customs/view.cs");
}

/* ---- 进口报关单发布 (for 出口退货, manual 004) ---- */

/* The import declarations are published through a form only: the XML
 * import above is bound to the export tables (docs/formats.md
 * "进口报关单").  The form's parameters are built like the export form's,
 * from lib/ts_import_decl's field tables. */
#define IFORM_PARAMS_N (TS_IDECL_HEAD_N + TS_IDECL_MAX_LINES * TS_IDECL_LIST_N + 4)
#define IMPORT_LIST    LIST_URL "imports"
#define IMPORT_NF      "进口报关单不存在。"
static struct ts_param iform_params[IFORM_PARAMS_N];
static char iline_names[TS_IDECL_MAX_LINES * TS_IDECL_LIST_N][32];

/* Fill iform_params from the field tables (once, before threads start). */
static void iform_params_build(void)
{
    params_build(&(struct form_kind){iform_params, iline_names, ts_import_decl_head_fields,
                                     ts_import_decl_list_fields, TS_IDECL_HEAD_N, TS_IDECL_LIST_N,
                                     TS_IDECL_MAX_LINES, "进口报关单"});
}

/* The import declaration the form holds (blank spare rows dropped). */
static struct ts_import_decl_in *from_iform(struct ts_ctx *c, size_t rows)
{
    struct ts_import_decl_in *d = ts_import_decl_in_new(c->arena);
    for (size_t i = 0; i < TS_IDECL_HEAD_N; i++)
        d->head[i] = ts_arg_str(c, ts_import_decl_head_fields[i].xml);
    for (size_t k = 0; k < rows && k < TS_IDECL_MAX_LINES; k++) {
        bool any = false;
        for (size_t j = 0; j < TS_IDECL_LIST_N; j++)
            any = any || ts_arg_present(c, iline_names[k * TS_IDECL_LIST_N + j]);
        if (!any)
            continue;
        for (size_t j = 0; j < TS_IDECL_LIST_N; j++)
            d->lines[d->nlines][j] = ts_arg_str(c, iline_names[k * TS_IDECL_LIST_N + j]);
        d->nlines++;
    }
    return d;
}

/* The import form page with rows body rows and the problems above it. */
static enum ts_result iform_page(struct ts_ctx *c, const struct ts_import_decl_in *d, size_t rows)
{
    set_form_head(c, ts_import_decl_head_fields, TS_IDECL_HEAD_N, d->head);
    set_form_line_labels(c, ts_import_decl_list_fields, TS_IDECL_LIST_N);
    for (size_t k = 0; k < rows; k++)
        set_form_row(c, k, ts_import_decl_list_fields, TS_IDECL_LIST_N,
                     (const char(*)[32])iline_names[k * TS_IDECL_LIST_N],
                     k < d->nlines ? d->lines[k] : NULL);
    set_form_rest(c, rows, d->errors, d->nerrors, LIST_URL "importsave");
    ts_render_set(c, "Form.Import", "1");
    return ts_ui_page(c, "发布进口报关单", "customs/form.cs");
}

/* A stored version back into the form's terms (dates and decimals as
 * stored; the check takes them as they are). */
static struct ts_import_decl_in *from_irows(struct ts_ctx *c, const struct ts_db_rows *head,
                                            const struct ts_db_rows *lines)
{
    struct ts_import_decl_in *d = ts_import_decl_in_new(c->arena);
    for (size_t i = 0; i < TS_IDECL_HEAD_N; i++) {
        const char *v = ts_db_cell(head, 0, ts_import_decl_head_fields[i].column);
        d->head[i] = v ? v : "";
    }
    for (size_t k = 0; k < lines->nrows && k < TS_IDECL_MAX_LINES; k++, d->nlines++)
        for (size_t j = 0; j < TS_IDECL_LIST_N; j++) {
            const char *v = ts_db_cell(lines, k, ts_import_decl_list_fields[j].column);
            d->lines[k][j] = v ? v : "";
        }
    return d;
}

/* GET /customs/importnew — 发布进口报关单: empty, or (?from=) a published
 * version to correct and publish again (修改). */
static enum ts_result idecl_new(struct ts_ctx *c)
{
    struct ts_db_rows head, lines;
    struct ts_import_decl_in *d = ts_import_decl_in_new(c->arena);
    if (ts_arg_present(c, "from")) {
        int found = head_load(c, &import_tables, ts_arg_int(c, "from"), &head, &lines);
        if (found <= 0)
            return found < 0 ? TS_FAIL : ts_ui_not_found(c, IMPORT_NF);
        d = from_irows(c, &head, &lines);
    }
    return iform_page(c, d, d->nlines > FORM_LINES ? d->nlines : FORM_LINES);
}

/* The checks before publishing: each box, the rules, the code lists and
 * the officer's jurisdiction.  1 none failed, 0 problems (in d), -1 db
 * error. */
static int idecl_checked(struct ts_ctx *c, struct ts_import_decl_in *d)
{
    for (size_t i = 0; iform_params[i].name; i++)
        if (c->values[i].error)
            ts_import_decl_error(c->arena, d, c->values[i].error);
    struct ts_reflib_codes codes;
    if (ts_reflib_codes_load(c->db, c->arena, &codes) < 0)
        return -1;
    bool ok = ts_import_decl_check(c->arena, d);
    ok = ts_import_decl_check_codes(c->arena, d, &codes) && ok;
    if (ok && !in_jurisdiction(c, d->head[TS_IDECL_H_ENTRY_ID]))
        ts_import_decl_error(c->arena, d, "海关编号的关区不在您所在海关的辖区内，不能发布");
    return d->nerrors == 0;
}

/* The form again with the problems and everything typed (TS_ROLLBACK). */
static enum ts_result iform_again(struct ts_ctx *c, size_t rows, struct ts_import_decl_in *d)
{
    struct ts_import_decl_in *typed = from_iform(c, rows);
    typed->errors = d->errors;
    typed->nerrors = d->nerrors;
    return iform_page(c, typed, rows) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /customs/importsave — 【发布】 an import declaration (or
 * 【增加表体行】). */
static enum ts_result idecl_save(struct ts_ctx *c)
{
    size_t rows = ts_arg_present(c, "lines") ? (size_t)ts_arg_int(c, "lines") : FORM_LINES;
    if (ts_arg_present(c, "more")) {
        rows += rows < TS_IDECL_MAX_LINES;
        return iform_page(c, from_iform(c, rows), rows) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    struct ts_import_decl_in *d = from_iform(c, rows);
    int ok = idecl_checked(c, d);
    if (ok < 0)
        return TS_FAIL;
    if (!ok)
        return iform_again(c, rows, d);
    struct ts_cdecl_published p;
    int rc = ts_import_decl_publish(c->db, c->arena, d, c->session->user_id, &p);
    if (rc == TS_CDECL_BUSY) {
        ts_import_decl_error(c->arena, d, TS_CDECL_BUSY_MSG);
        return iform_again(c, rows, d);
    }
    const char *no = d->head[TS_IDECL_H_ENTRY_ID];
    if (rc < 0 || ts_audit_log(c, "import_decl_head", p.head_id,
                               ts_arena_printf(
                                   c->arena, "publish import entry_id=%s version=%lld status=%s",
                                   no, (long long)p.version, p.modified ? "modified" : "new")) < 0)
        return TS_FAIL;
    return ts_ui_done(
        c,
        ts_arena_printf(c->arena, "进口报关单%s已发布（%s）。", no, p.modified ? "修改" : "新增"),
        ts_arena_printf(c->arena, LIST_URL "importshow?id=%lld", (long long)p.head_id));
}

/* GET /customs/imports — 进口报关单发布: the jurisdiction's import
 * declarations (current versions), 20 a page, the latest first. */
static enum ts_result idecl_list(struct ts_ctx *c)
{
    struct ts_db_rows rows;
    struct ts_ui_pager pager;
    const char *no = ts_arg(c, "entry_id")->error ? "" : ts_arg_str(c, "entry_id");
    const char *j = jurisdiction(c);
    int64_t total = list_count(c, &import_tables, no);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (ts_db_query(
            c->db, c->arena,
            "SELECT h.id, h.entry_id, h.version, h.trans_status, h.trade_name,"
            " h.trade_code, h.owner_name, h.ie_date, h.d_date, h.published_at,"
            " (SELECT COUNT(*) FROM import_decl_list l WHERE l.head_id = h.id) AS nlines"
            " FROM import_decl_head h WHERE h.current_entry_id LIKE CONCAT(?, '%')" LIST_FILTER
            " ORDER BY h.published_at DESC, h.id DESC LIMIT ? OFFSET ?",
            TS_ARGS(TS_STR(j), TS_STR(no), TS_STR(no), TS_I64(PAGE_SIZE), TS_I64(pager.offset)),
            &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Decls", &rows);
    for (size_t i = 0; i < rows.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Decls.%zu.status_label", i),
                      ts_cdecl_trans_status_label(ts_db_cell(&rows, i, "trans_status")));
    return ts_ui_page(c, "进口报关单发布", "customs/imports.cs");
}

/* GET /customs/importshow?id= — one version: header, goods, versions. */
static enum ts_result idecl_show(struct ts_ctx *c)
{
    struct ts_db_rows head, lines, vers;
    int found = head_load(c, &import_tables, ts_arg_int(c, "id"), &head, &lines);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, IMPORT_NF);
    struct ts_import_decl_in *d = from_irows(c, &head, &lines);
    for (size_t i = 0; i < TS_IDECL_HEAD_N; i++) {
        ts_render_set(c, ts_arena_printf(c->arena, "Head.%zu.label", i),
                      ts_import_decl_head_fields[i].label);
        ts_render_set(c, ts_arena_printf(c->arena, "Head.%zu.value", i), d->head[i]);
    }
    set_form_line_labels(c, ts_import_decl_list_fields, TS_IDECL_LIST_N);
    for (size_t k = 0; k < d->nlines; k++)
        for (size_t j = 0; j < TS_IDECL_LIST_N; j++)
            ts_render_set(c, ts_arena_printf(c->arena, "Lines.%zu.%zu", k, j), d->lines[k][j]);
    ts_render_rows(c, "Decl", &head);
    ts_render_set(c, "Decl.0.status_label",
                  ts_cdecl_trans_status_label(ts_db_cell(&head, 0, "trans_status")));
    if (versions(c, &import_tables, d->head[TS_IDECL_H_ENTRY_ID], &vers) < 0)
        return TS_FAIL;
    return ts_ui_page(c, "进口报关单详情", "customs/importshow.cs");
}

static const struct ts_param ilist_params[] = {
    ts_param_code("entry_id", "报关单号", 0, TS_CODE_DECL_NO),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

/* ---- 出口退货审核 (manual 004; docs/retgoods.md "Customs review") ---- */

/* The officer sees the records whose 受理报关机构 (the import
 * declaration's 申报地海关, retgoods_head.custom_master) is a 关区 of
 * their 直属海关 — the jurisdiction of the declarations above — in the
 * states after 提交 (1–8; 0 暂存 is the enterprise's own), and moves
 * 5 → 7 / 8 (lib/ts_retgoods ts_retgoods_transition). */
#define RG_NOT_FOUND  "出口退货信息不存在或不在您所在海关的辖区内。"
#define RG_REASON_MAX 200
#define RG_DEFAULT_ST TS_RG_AUDITED

/* The 状态 choices of the list (1–8), the chosen one marked. */
static void rg_status_choices(struct ts_ctx *c, int chosen)
{
    for (int s = TS_RG_SUBMITTED; s < TS_RG_NSTATUS; s++) {
        size_t i = (size_t)(s - TS_RG_SUBMITTED);
        ts_render_set_int(c, ts_arena_printf(c->arena, "States.%zu.code", i), s);
        ts_render_set(c, ts_arena_printf(c->arena, "States.%zu.name", i),
                      ts_retgoods_status_name(s));
        ts_render_set(c, ts_arena_printf(c->arena, "States.%zu.selected", i),
                      s == chosen ? "1" : "");
    }
}

/* GET /customs/retgoods — 出口退货审核: the jurisdiction's records in one
 * state (default 5 待人工审核), the latest operated first, 20 a page. */
static enum ts_result rg_list(struct ts_ctx *c)
{
    struct ts_db_rows r, rows;
    struct ts_ui_pager pager;
    int st = ts_arg_present(c, "status") && !ts_arg(c, "status")->error
                 ? (int)ts_arg_int(c, "status")
                 : RG_DEFAULT_ST;
    const char *j = jurisdiction(c);
    if (ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n FROM retgoods_head h WHERE h.custom_master"
                    " LIKE CONCAT(?, '%') AND h.status = ?",
                    TS_ARGS(TS_STR(j), TS_I64(st)), &r) < 0)
        return TS_FAIL;
    ts_ui_pager(c, ts_db_cell_i64(&r, 0, "n"), PAGE_SIZE, &pager);
    if (ts_db_query(c->db, c->arena,
                    "SELECT h.id, IFNULL(h.seq_no, '') AS seq_no, IFNULL(h.ret_no, '') AS ret_no,"
                    " h.i_entry_id, h.trade_code, h.trade_name, h.prod_code, h.prod_name,"
                    " h.custom_master, DATE_FORMAT(h.updated_at, '%Y-%m-%d %H:%i:%s') AS updated"
                    " FROM retgoods_head h WHERE h.custom_master LIKE CONCAT(?, '%')"
                    " AND h.status = ? ORDER BY h.updated_at DESC, h.id DESC LIMIT ? OFFSET ?",
                    TS_ARGS(TS_STR(j), TS_I64(st), TS_I64(PAGE_SIZE), TS_I64(pager.offset)),
                    &rows) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Recs", &rows);
    ts_render_set(c, "Rg.status_name", ts_retgoods_status_name(st));
    ts_render_set_int(c, "Rg.status", st);
    rg_status_choices(c, st);
    return ts_ui_page(c, "出口退货审核", "customs/retgoods.cs");
}

/* The record by id if it is in the officer's jurisdiction and past
 * 暂存: 0 loaded, 1 not (404), -1 db error. */
static int rg_load(struct ts_ctx *c, int64_t id, struct ts_retgoods *r)
{
    int rc = ts_retgoods_load(c->db, c->arena, 0, id, r);
    if (rc != 0)
        return rc;
    const char *cm = r->f[TS_RG_CUSTOM_MASTER];
    if (r->status == TS_RG_SAVED || !in_jurisdiction(c, cm ? cm : ""))
        return 1;
    return 0;
}

/* The detail page: the record read-only (ret's templates/retgoods/view.cs),
 * its 回执, and in state 5 the two review forms; error above them. */
static enum ts_result rg_page(struct ts_ctx *c, const struct ts_retgoods *r, const char *error)
{
    ts_retgoods_to_hdf(c, "Rec", r);
    ts_render_set_int(c, "Rg.id", r->id);
    ts_render_set(c, "Rg.reviewable", r->status == TS_RG_AUDITED ? "1" : "");
    ts_render_set(c, "Rg.reason", ts_arg_present(c, "reason") ? ts_arg_str(c, "reason") : "");
    if (error)
        ts_render_set(c, "Rg.error", error);
    return ts_ui_page(c, "出口退货审核", "customs/retgoods_view.cs");
}

/* GET /customs/retgoodsview?id= — one record, read-only. */
static enum ts_result rg_view(struct ts_ctx *c)
{
    struct ts_retgoods r;
    int rc = rg_load(c, ts_arg_int(c, "id"), &r);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : ts_ui_not_found(c, RG_NOT_FOUND);
    return rg_page(c, &r, NULL);
}

/* The detail again with why nothing changed (TS_ROLLBACK). */
static enum ts_result rg_refused(struct ts_ctx *c, int64_t id, const char *why)
{
    struct ts_retgoods r;
    if (ts_db_rollback(c->db) < 0 || rg_load(c, id, &r) != 0)
        return TS_FAIL;
    return rg_page(c, &r, why) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* Another officer registered the same import declaration between our
 * check and our move (the key of schema/022 refused it): the detail
 * again, naming the record now registered. */
static enum ts_result rg_registered_since(struct ts_ctx *c, const struct ts_retgoods *r)
{
    const char *seq = NULL;
    if (ts_rgaudit_registered(c->db, c->arena, r, true, &seq) < 0)
        return TS_FAIL;
    return rg_refused(c, r->id,
                      seq ? ts_rgaudit_registered_msg(c->arena, r, seq) : TS_RG_DUP_REGISTERED);
}

/* 5 → to with the 回执 text, the audit row, and the done message. */
static enum ts_result rg_move(struct ts_ctx *c, int to, const char *text)
{
    int64_t id = ts_arg_int(c, "id");
    struct ts_retgoods r;
    char err[256] = "";
    int rc = rg_load(c, id, &r);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : ts_ui_not_found(c, RG_NOT_FOUND);
    const char *seq = NULL;
    if (to == TS_RG_APPROVED && ts_rgaudit_registered(c->db, c->arena, &r, false, &seq) < 0)
        return TS_FAIL;
    if (seq)
        return rg_refused(c, id, ts_rgaudit_registered_msg(c->arena, &r, seq));
    rc = ts_retgoods_transition(c->db, c->arena, id, TS_RG_AUDITED, to, text, c->session->user_id,
                                err, sizeof err);
    if (rc == 1 && strcmp(err, TS_RG_DUP_REGISTERED) == 0)
        return rg_registered_since(c, &r);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : rg_refused(c, id, err);
    if (ts_retgoods_load(c->db, c->arena, 0, id, &r) != 0 ||
        ts_audit_log(c, "retgoods_head", id,
                     ts_arena_printf(c->arena, "review %d->%d seq_no=%s ret_no=%s", TS_RG_AUDITED,
                                     to, r.f[TS_RG_SEQ_NO], r.f[TS_RG_RET_NO])) < 0)
        return TS_FAIL;
    const char *msg = to == TS_RG_APPROVED
                          ? ts_arena_printf(c->arena, "统一编号%s：人工审核通过，退货编号%s。",
                                            r.f[TS_RG_SEQ_NO], r.f[TS_RG_RET_NO])
                          : ts_arena_printf(c->arena, "统一编号%s：已退单。", r.f[TS_RG_SEQ_NO]);
    return ts_ui_done(c, msg,
                      ts_arena_printf(c->arena, LIST_URL "retgoodsview?id=%lld", (long long)id));
}

/* POST /customs/retgoodsapprove — 审核通过: 5 → 7, 退货编号 assigned. */
static enum ts_result rg_approve(struct ts_ctx *c)
{
    return rg_move(c, TS_RG_APPROVED, TS_RGAUDIT_APPROVED);
}

/* POST /customs/retgoodsreject — 退单: 5 → 8 with the reason (required). */
static enum ts_result rg_reject(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "reason");
    const char *reason = v->error ? "" : ts_arg_str(c, "reason");
    if (v->error || !reason[0]) {
        struct ts_retgoods r;
        int rc = rg_load(c, ts_arg_int(c, "id"), &r);
        if (rc != 0)
            return rc < 0 ? TS_FAIL : ts_ui_not_found(c, RG_NOT_FOUND);
        ts_render_set(c, "Rg.reason_error", v->error ? v->error : "请填写退单原因");
        return rg_page(c, &r, NULL) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    return rg_move(c, TS_RG_REJECTED, ts_arena_printf(c->arena, "人工审核退单：%s", reason));
}

static const struct ts_param rg_list_params[] = {
    ts_param_int("status", "状态", 0, 1, 8),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param rg_move_params[] = {
    ts_param_int("id", "出口退货信息", TS_REQ, 1, INT64_MAX),
    ts_param_str("reason", "退单原因", 0, 0, RG_REASON_MAX),
    TS_PARAMS_END,
};

static const struct ts_param list_params[] = {
    ts_param_code("entry_id", "报关单号", 0, TS_CODE_EXPORT_ENTRY_ID),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param new_params[] = {
    ts_param_int("from", "报关单", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param id_params[] = {
    ts_param_int("id", "报关单", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "customs", list_params, decl_list, TS_QUERY_FORM},
    {"new", TS_GET, "customs", new_params, decl_new, 0},
    {"save", TS_POST, "customs", form_params, decl_save, 0},
    {"import", TS_POST, "customs", list_params, decl_import, TS_MULTIPART | TS_LARGE_UPLOAD},
    {"importview", TS_GET, "customs", id_params, import_view, 0},
    {"view", TS_GET, "customs", id_params, decl_view, 0},
    {"imports", TS_GET, "customs.import", ilist_params, idecl_list, TS_QUERY_FORM},
    {"importnew", TS_GET, "customs.import", new_params, idecl_new, 0},
    {"importsave", TS_POST, "customs.import", iform_params, idecl_save, 0},
    {"importshow", TS_GET, "customs.import", id_params, idecl_show, 0},
    {"retgoods", TS_GET, "customs.retgoods", rg_list_params, rg_list, TS_QUERY_FORM},
    {"retgoodsview", TS_GET, "customs.retgoods", id_params, rg_view, 0},
    {"retgoodsapprove", TS_POST, "customs.retgoods", rg_move_params, rg_approve, 0},
    {"retgoodsreject", TS_POST, "customs.retgoods", rg_move_params, rg_reject, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"customs", "报关单发布", actions};

int main(void)
{
    form_params_build();
    iform_params_build();
    return ts_app_main(&module);
}
