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
 * XML, DTD/entities, nesting, huge tokens) says why.
 *
 * Jurisdiction (docs/formats.md): an officer publishes and sees the
 * declarations whose 海关编号 starts with a 关区 of their 直属海关 — the
 * first two digits of the officer's customs district. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_customs_decl.h"
#include "ts_log.h"
#include "ts_multipart.h"
#include "ts_reflib.h"
#include "ts_ui.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE      20
#define LIST_URL       "/customs/"
#define FORM_LINES     3   /* body rows a new form starts with */
#define MAX_REPORT     200 /* problems listed after a refused import */
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

/* How many current declarations of the jurisdiction match. */
static int64_t list_count(struct ts_ctx *c, const char *no)
{
    struct ts_db_rows r;
    if (ts_db_query(c->db, c->arena,
                    "SELECT COUNT(*) AS n FROM export_decl_head h WHERE h.current_entry_id"
                    " LIKE CONCAT(?, '%')" LIST_FILTER,
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
    int64_t total = list_count(c, no);
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

static void form_params_build(void)
{
    size_t n = 0;
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++) {
        const struct ts_cdecl_field *f = &ts_cdecl_head_fields[i];
        form_params[n++] = (struct ts_param)ts_param_str(f->xml, f->label, 0, 0, box_max(f));
    }
    for (size_t k = 0; k < TS_CDECL_MAX_LINES; k++)
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++) {
            const struct ts_cdecl_field *f = &ts_cdecl_list_fields[j];
            char *name = line_names[k * TS_CDECL_LIST_N + j];
            snprintf(name, sizeof line_names[0], "%s_%zu", f->xml, k + 1);
            form_params[n++] = (struct ts_param)ts_param_str(name, f->label, 0, 0, box_max(f));
        }
    form_params[n++] = (struct ts_param)ts_param_int("lines", "表体行数", 0, 1, TS_CDECL_MAX_LINES);
    form_params[n++] = (struct ts_param)ts_param_str("more", "增加表体行", 0, 0, 10);
    form_params[n++] = (struct ts_param)ts_param_int("from", "报关单", 0, 1, INT64_MAX);
    form_params[n] = (struct ts_param)TS_PARAMS_END;
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

/* The form page with rows body rows: Fields (header), LineFields, Rows.<k>
 * with each box's name and value, and the problems above it. */
static enum ts_result form_page(struct ts_ctx *c, const struct ts_cdecl *d, size_t rows,
                                const char *const *errors, size_t nerrors)
{
    struct ts_arena *a = c->arena;
    for (size_t i = 0; i < TS_CDECL_HEAD_N; i++) {
        const struct ts_cdecl_field *f = &ts_cdecl_head_fields[i];
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.name", i), f->xml);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.label", i), f->label);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.value", i), d->head[i]);
        ts_render_set(c, ts_arena_printf(a, "Fields.%zu.req", i), f->required ? "1" : "");
    }
    for (size_t j = 0; j < TS_CDECL_LIST_N; j++) {
        ts_render_set(c, ts_arena_printf(a, "LineFields.%zu.label", j),
                      ts_cdecl_list_fields[j].label);
        ts_render_set(c, ts_arena_printf(a, "LineFields.%zu.req", j),
                      ts_cdecl_list_fields[j].required ? "1" : "");
    }
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < TS_CDECL_LIST_N; j++) {
            ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.name", k, j), line_param(k, j));
            ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.label", k, j),
                          ts_arena_printf(a, "第%zu行%s", k + 1, ts_cdecl_list_fields[j].label));
            ts_render_set(c, ts_arena_printf(a, "Rows.%zu.%zu.value", k, j),
                          k < d->nlines ? d->lines[k].v[j] : "");
        }
    ts_render_set_int(c, "Form.lines", (int64_t)rows);
    for (size_t e = 0; e < nerrors; e++)
        ts_render_set(c, ts_arena_printf(a, "Errors.%zu", e), errors[e]);
    return ts_ui_page(c, "发布报关单", "customs/form.cs");
}

/* A stored version by id within the jurisdiction: 1, 0 not found, -1. */
static int head_load(struct ts_ctx *c, int64_t id, struct ts_db_rows *head,
                     struct ts_db_rows *lines)
{
    if (ts_db_query(c->db, c->arena,
                    "SELECT h.* FROM export_decl_head h WHERE h.id = ? AND h.entry_id LIKE"
                    " CONCAT(?, '%')",
                    TS_ARGS(TS_I64(id), TS_STR(jurisdiction(c))), head) < 0)
        return -1;
    if (head->nrows != 1)
        return 0;
    return ts_db_query(c->db, c->arena,
                       "SELECT * FROM export_decl_list WHERE head_id = ? ORDER BY g_no",
                       TS_ARGS(TS_I64(id)), lines) < 0
               ? -1
               : 1;
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
        int found = head_load(c, ts_arg_int(c, "from"), &head, &lines);
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

/* An open-addressing set of the numbers seen in one file (a number given
 * twice in a file is refused: which one would be current?). */
#define SEEN_SLOTS (1u << 17) /* > 2 × TS_CDECL_MAX_DECLS */

struct import {
    struct ts_ctx *c;
    struct ts_reflib_codes codes;
    char (*seen)[TS_CODES_DECL_NO_LEN + 1];
    size_t total, bad, problems, added, modified;
    char first[TS_CODES_DECL_NO_LEN + 1], last[TS_CODES_DECL_NO_LEN + 1];
    bool db_failed;
    bool busy; /* another publisher stored one of the numbers meanwhile */
};

/* Add a number to the set; false if it was there. */
static bool seen_add(struct import *im, const char *no)
{
    uint32_t h = 2166136261u;
    for (const char *p = no; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (uint32_t i = h & (SEEN_SLOTS - 1);; i = (i + 1) & (SEEN_SLOTS - 1)) {
        if (!im->seen[i][0]) {
            snprintf(im->seen[i], sizeof im->seen[i], "%s", no);
            return true;
        }
        if (strcmp(im->seen[i], no) == 0)
            return false;
    }
}

/* The problems of one declaration, into the page's list (up to
 * MAX_REPORT lines; the count of the rest is said under it). */
static void report(struct import *im, const struct ts_cdecl *d, size_t index)
{
    const char *no = d->head[TS_CDECL_H_ENTRY_ID];
    im->bad++;
    for (size_t e = 0; e < d->nerrors; e++, im->problems++)
        if (im->problems < MAX_REPORT)
            ts_render_set(im->c, ts_arena_printf(im->c->arena, "Problems.%zu", im->problems),
                          ts_arena_printf(im->c->arena, "第%zu票（海关编号 %s）：%s", index + 1,
                                          no[0] ? no : "未填", d->errors[e]));
}

/* One declaration of the file: checked; published while the file is
 * still clean (a later bad one rolls the whole request back). */
static int import_one(void *ud, struct ts_cdecl *d, size_t index)
{
    struct import *im = ud;
    struct ts_ctx *c = im->c;
    const char *no;
    im->total++;
    bool ok = ts_cdecl_check(d->arena, d);
    ok = ts_cdecl_check_codes(d->arena, d, &im->codes) && ok;
    no = d->head[TS_CDECL_H_ENTRY_ID];
    if (ok && !in_jurisdiction(c, no))
        ts_cdecl_error(d->arena, d, "海关编号的关区不在您所在海关的辖区内，不能发布");
    if (no[0] && !seen_add(im, no))
        ts_cdecl_error(d->arena, d, "海关编号在本文件中重复出现");
    if (d->nerrors) {
        report(im, d, index);
        return 0;
    }
    if (im->bad)
        return 0;
    struct ts_cdecl_published p;
    int rc = ts_cdecl_publish(c->db, d->arena, d, c->session->user_id, &p);
    if (rc != 0) {
        im->busy = rc == TS_CDECL_BUSY;
        im->db_failed = rc < 0;
        if (im->busy)
            snprintf(im->last, sizeof im->last, "%s", no);
        return -1;
    }
    p.modified ? im->modified++ : im->added++;
    snprintf(im->last, sizeof im->last, "%s", no);
    if (!im->first[0])
        snprintf(im->first, sizeof im->first, "%s", no);
    return 0;
}

/* The upload page again with a refusal of the file as a whole. */
static enum ts_result import_refused(struct ts_ctx *c, const char *why)
{
    ts_render_set(c, "Form.Err.file", why);
    return decl_list(c) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* The report after a refused import: nothing kept, every problem listed. */
static enum ts_result import_report(struct ts_ctx *c, const struct import *im,
                                    const char *file_name)
{
    ts_render_set(c, "Import.FileName", file_name);
    ts_render_set_int(c, "Import.Total", (int64_t)im->total);
    ts_render_set_int(c, "Import.Bad", (int64_t)im->bad);
    ts_render_set_int(c, "Import.Problems", (int64_t)im->problems);
    if (im->problems > MAX_REPORT)
        ts_render_set_int(c, "Import.More", (int64_t)(im->problems - MAX_REPORT));
    return ts_ui_page(c, "导入报关单", "customs/import.cs") == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /customs/import — 【导入】 of an XML file: all or nothing. */
static enum ts_result decl_import(struct ts_ctx *c)
{
    struct ts_upload *u = ts_arg_file(c, "file");
    struct import im = {.c = c};
    const char *err = NULL;
    if (!u || u->size == 0)
        return import_refused(c, "请选择要导入的报关单XML文件");
    if (ts_reflib_codes_load(c->db, c->arena, &im.codes) < 0)
        return TS_FAIL;
    int fd = open(u->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TS_FAIL;
    im.seen = ts_arena_zalloc(c->arena, SEEN_SLOTS * sizeof *im.seen);
    int rc = ts_cdecl_read_fd(c->arena, fd, import_one, &im, &err);
    close(fd);
    if (im.db_failed)
        return TS_FAIL;
    if (im.busy)
        return import_refused(c, ts_arena_printf(c->arena, "海关编号 %s：%s；整个文件未导入",
                                                 im.last, TS_CDECL_BUSY_MSG));
    if (rc < 0)
        return import_refused(c, err ? err : "文件读取失败");
    if (im.total == 0)
        return import_refused(c, "文件中没有报关单（DecMessage）");
    if (im.bad)
        return import_report(c, &im, u->filename ? u->filename : "");
    if (ts_audit_log(c, "export_decl_head", 0,
                     ts_arena_printf(c->arena,
                                     "publish import file=%s count=%zu new=%zu"
                                     " modified=%zu first=%s last=%s",
                                     u->filename ? u->filename : "", im.total, im.added,
                                     im.modified, im.first, im.last)) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena, "导入成功：共%zu票报关单，新增%zu票，修改%zu票。",
                                      im.total, im.added, im.modified),
                      LIST_URL);
}

/* ---- 报关单详情 ---- */

/* Every version of a number, the newest first. */
static int versions(struct ts_ctx *c, const char *entry_id, struct ts_db_rows *r)
{
    if (ts_db_query(c->db, c->arena,
                    "SELECT id, version, trans_status, published_at,"
                    " current_entry_id IS NOT NULL AS current"
                    " FROM export_decl_head WHERE entry_id = ? ORDER BY version DESC",
                    TS_ARGS(TS_STR(entry_id)), r) < 0)
        return -1;
    ts_render_rows(c, "Versions", r);
    set_labels(c, "Versions", r);
    return 0;
}

/* GET /customs/view?id= — one version: header, body, and the versions. */
static enum ts_result decl_view(struct ts_ctx *c)
{
    struct ts_db_rows head, lines, vers;
    int found = head_load(c, ts_arg_int(c, "id"), &head, &lines);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    struct ts_cdecl *d = ts_cdecl_from_rows(c->arena, &head, 0, &lines);
    ts_cdecl_render(c, "Decl", d);
    ts_render_set(c, "Decl.id", ts_db_cell(&head, 0, "id"));
    ts_render_set(c, "Decl.version", ts_db_cell(&head, 0, "version"));
    ts_render_set(c, "Decl.status_label",
                  ts_cdecl_trans_status_label(ts_db_cell(&head, 0, "trans_status")));
    ts_render_set(c, "Decl.current", ts_db_cell(&head, 0, "current_entry_id") ? "1" : "");
    if (versions(c, d->head[TS_CDECL_H_ENTRY_ID], &vers) < 0)
        return TS_FAIL;
    return ts_ui_page(c, "报关单详情", "customs/view.cs");
}

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
    {"import", TS_POST, "customs", list_params, decl_import, TS_MULTIPART},
    {"view", TS_GET, "customs", id_params, decl_view, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"customs", "报关单发布", actions};

int main(void)
{
    form_params_build();
    return ts_app_main(&module);
}
