/* docupload — 上传备案单证 (000 §2.4.2).
 *
 * The 关单清册 (customs_decl, imported by declist) in three tabs — 未收齐,
 * 已收齐, 全部 — 20 a page, with the 按所属期备案 records below.  【上传】
 * opens a declaration's (or a 按所属期备案's) 单证种类 list: each kind that
 * applies to the enterprise with 必须, its number of files, and 【上传单证】
 * (several jpg / pdf files at once, each at most 5 MB).  【添加申报关联号
 * 专属单证】 lists the declaration's product lines (申报关联号 + 商品序号);
 * files uploaded for a line are its 专属单证 (decl_document.line_id), and a
 * kind with such files shows 【专属单证】 on the kind list.  【预览】 shows
 * the files in folders by kind, the chosen one on the right.
 *
 * Uploads work as in prearchive: the type by content (lib/ts_store), every
 * file checked before any row is written, all or none with a reason per
 * file, and the same content under the same kind of the same declaration
 * (and line) recognised and not stored twice.
 *
 * The kinds offered are those in force on the date that applies (lib/ts_docs):
 * a declaration's 出口日期 (else the first day of its 所属期), a 按所属期
 * 备案's first day of its 所属期.
 *
 * A file of a 已收齐 declaration cannot be deleted (the check that made it
 * 已收齐 counted it): 单证收齐审核's 撤销收齐 first.  A 按所属期备案's
 * files may be (its 已收齐 says its declarations are, docs/filing.md).
 *
 * Tenancy: every row is read and changed through ts_scope_*, so another
 * enterprise's id answers 404. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_docs.h"
#include "ts_log.h"
#include "ts_multipart.h"
#include "ts_resp.h"
#include "ts_store.h"
#include "ts_upload.h"
#include "ts_ui.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE        20
#define PERIOD_ROWS      60
#define LIST_URL         "/docupload/"
#define MAX_FILE_BYTES   (5 * 1024 * 1024)
#define FILE_FIELD       "files"
#define NAME_MAX_CHARS   255 /* decl_document.file_name */
#define FLASH_MAX_CHARS  490 /* session.flash is 500 */
#define TARGET_NOT_FOUND "报关单或按所属期备案记录不存在。"
#define LINE_NOT_FOUND   "商品不存在。"
#define FILE_NOT_FOUND   "单证文件不存在。"

static const char *const status_choices[] = {"incomplete", "complete", "all", NULL};

/* What documents are filed for: a declaration (decl_id) or a 按所属期备案
 * (period_id), exactly one of them. */
struct target {
    int64_t decl_id;
    int64_t period_id;
    const char *decl_no; /* "" for a period filing */
    const char *period;
    const char *status;
    const char *due_date;
    const char *retention_until;
    const char *on;       /* the date its kinds are looked up by; NULL: today */
    const char *on_basis; /* what that date is: 出口日期 / 所属期首日 */
};

/* Load a declaration of the enterprise: 1 found, 0 not, -1 error.  lock:
 * FOR UPDATE, so two uploads take turns (the same-file check). */
static int decl_load(struct ts_ctx *c, int64_t id, bool lock, struct target *t)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       lock ? "SELECT d.id, d.decl_no, d.period, d.status, '' AS due_date,"
                              " '' AS retention_until, IFNULL(d.export_date, '') AS export_date"
                              " FROM customs_decl d WHERE d.ent_id = ? AND d.id = ? FOR UPDATE"
                            : "SELECT d.id, d.decl_no, d.period, d.status,"
                              " IFNULL(d.export_date, '') AS export_date,"
                              " IFNULL(p.due_date, '') AS due_date,"
                              " IFNULL(p.retention_until, '') AS retention_until"
                              " FROM customs_decl d LEFT JOIN period_filing p"
                              " ON p.ent_id = d.ent_id AND p.period = d.period"
                              " WHERE d.ent_id = ? AND d.id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *t = (struct target){
        .decl_id = id,
        .decl_no = ts_db_cell(&r, 0, "decl_no"),
        .period = ts_db_cell(&r, 0, "period"),
        .status = ts_db_cell(&r, 0, "status"),
        .due_date = ts_db_cell(&r, 0, "due_date"),
        .retention_until = ts_db_cell(&r, 0, "retention_until"),
        .on = ts_docs_decl_date(c->arena, ts_db_cell(&r, 0, "export_date"),
                                ts_db_cell(&r, 0, "period")),
        .on_basis = ts_db_cell(&r, 0, "export_date")[0] ? "出口日期" : "所属期首日",
    };
    return 1;
}

/* Load a 按所属期备案 of the enterprise: 1 found, 0 not, -1 error. */
static int period_load(struct ts_ctx *c, int64_t id, bool lock, struct target *t)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       lock ? "SELECT id, period, status, due_date, retention_until"
                              " FROM period_filing WHERE ent_id = ? AND id = ? FOR UPDATE"
                            : "SELECT id, period, status, due_date, retention_until"
                              " FROM period_filing WHERE ent_id = ? AND id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *t = (struct target){
        .period_id = id,
        .decl_no = "",
        .period = ts_db_cell(&r, 0, "period"),
        .status = ts_db_cell(&r, 0, "status"),
        .due_date = ts_db_cell(&r, 0, "due_date"),
        .retention_until = ts_db_cell(&r, 0, "retention_until"),
        .on = ts_docs_period_date(c->arena, ts_db_cell(&r, 0, "period")),
        .on_basis = "所属期首日",
    };
    return 1;
}

/* The target the request names (?decl= or ?period=): 1, 0 none, -1 error. */
static int target_load(struct ts_ctx *c, bool lock, struct target *t)
{
    if (ts_arg_present(c, "decl"))
        return decl_load(c, ts_arg_int(c, "decl"), lock, t);
    if (ts_arg_present(c, "period"))
        return period_load(c, ts_arg_int(c, "period"), lock, t);
    return 0;
}

/* "decl=12" or "period=3": the target in a URL's query. */
static const char *target_query(struct ts_ctx *c, const struct target *t)
{
    return t->decl_id ? ts_arena_printf(c->arena, "decl=%lld", (long long)t->decl_id)
                      : ts_arena_printf(c->arena, "period=%lld", (long long)t->period_id);
}

/* The target for the page: Target.{Kind,Id,DeclNo,Period,...,Query}. */
static void set_target(struct ts_ctx *c, const struct target *t)
{
    ts_render_set(c, "Target.Kind", t->decl_id ? "decl" : "period");
    ts_render_set_int(c, "Target.Id", t->decl_id ? t->decl_id : t->period_id);
    ts_render_set(c, "Target.DeclNo", t->decl_no);
    ts_render_set(c, "Target.Period", t->period);
    ts_render_set(c, "Target.Status", ts_docs_status_label(t->status));
    ts_render_set(c, "Target.DueDate", t->due_date);
    ts_render_set(c, "Target.RetentionUntil", t->retention_until);
    ts_render_set(c, "Target.Query", target_query(c, t));
    if (t->on) {
        ts_render_set(c, "Target.KindsOn", t->on);
        ts_render_set(c, "Target.KindsOnBasis", t->on_basis);
    }
}

/* A file size as people read it: 812 B, 12.3 KB, 4.5 MB. */
static const char *size_text(struct ts_ctx *c, int64_t n)
{
    if (n < 1024)
        return ts_arena_printf(c->arena, "%lld B", (long long)n);
    if (n < 1024 * 1024)
        return ts_arena_printf(c->arena, "%lld.%lld KB", (long long)(n / 1024),
                               (long long)(n % 1024 * 10 / 1024));
    return ts_arena_printf(c->arena, "%lld.%lld MB", (long long)(n / (1024 * 1024)),
                           (long long)(n % (1024 * 1024) * 10 / (1024 * 1024)));
}

/* ---- 上传备案单证 (the list) ---------------------------------------- */

/* The 按所属期备案 records (matching the 所属期 asked for), newest first,
 * with their number of files, their declarations and how many of those
 * are 未收齐, and status_label (Periods.<n>). */
static int set_periods(struct ts_ctx *c, const char *period)
{
    struct ts_db_rows r;
    if (ts_scope_query(
            c,
            "SELECT p.id, p.period, p.due_date, p.retention_until, p.status,"
            " (SELECT COUNT(*) FROM decl_document x WHERE x.period_filing_id = p.id) AS ndocs,"
            " (SELECT COUNT(*) FROM customs_decl d WHERE d.ent_id = p.ent_id"
            " AND d.period = p.period) AS ndecls,"
            " (SELECT COUNT(*) FROM customs_decl d WHERE d.ent_id = p.ent_id"
            " AND d.period = p.period AND d.status = 'incomplete') AS nopen"
            " FROM period_filing p WHERE p.ent_id = ?"
            " AND (? = '' OR p.period = ?) ORDER BY p.period DESC LIMIT ?",
            TS_ARGS(TS_STR(period), TS_STR(period), TS_I64(PERIOD_ROWS)), &r) < 0)
        return -1;
    ts_render_rows(c, "Periods", &r);
    for (size_t i = 0; i < r.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Periods.%zu.status_label", i),
                      ts_docs_status_label(ts_db_cell(&r, i, "status")));
    return 0;
}

/* GET /docupload/ — the declarations of the tab (?status=, 未收齐 by
 * default) matching 报关单号 / 所属期, 20 a page, and the 按所属期备案. */
static enum ts_result decl_list(struct ts_ctx *c)
{
    struct ts_docs_filter f = {
        .status = ts_arg_present(c, "status") ? ts_arg_str(c, "status") : "incomplete",
        .decl_no = ts_arg_str(c, "decl_no"),
        .period = ts_arg(c, "period")->error ? "" : ts_arg_str(c, "period"),
    };
    struct ts_db_rows decls;
    struct ts_ui_pager pager;
    int64_t total = ts_docs_decl_count(c, &f);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (ts_docs_decl_page(c, &f, PAGE_SIZE, pager.offset, &decls) < 0 ||
        set_periods(c, f.period) < 0)
        return TS_FAIL;
    ts_docs_render_decls(c, "Decls", &decls);
    ts_render_set(c, "Tab", f.status);
    ts_render_set(c, "Can.Edit", ts_session_can(c, "docupload.edit") ? "1" : "");
    return ts_ui_page(c, "上传备案单证", "docupload/list.cs");
}

/* ---- 单证种类 (the upload page of a declaration / 按所属期备案) ------ */

/* Each applying kind with its number of files on the target — of the
 * declaration itself (line_id NULL) or of one line when line > 0 — and,
 * on the declaration's page, of 专属单证 of any line: Kinds.<n>. */
static int set_kinds(struct ts_ctx *c, const struct target *t, int64_t line)
{
    struct ts_db_rows kinds, counts;
    if (ts_docs_kinds(c, t->on, &kinds) < 0 ||
        ts_scope_query(
            c,
            "SELECT doc_kind_id, IFNULL(line_id, 0) AS line_id, COUNT(*) AS n"
            " FROM decl_document WHERE ent_id = ? AND (decl_id = ? OR period_filing_id = ?)"
            " GROUP BY doc_kind_id, IFNULL(line_id, 0)",
            TS_ARGS(TS_I64(t->decl_id), TS_I64(t->period_id)), &counts) < 0)
        return -1;
    for (size_t i = 0; i < kinds.nrows; i++) {
        const char *p = ts_arena_printf(c->arena, "Kinds.%zu", i);
        int64_t id = ts_db_cell_i64(&kinds, i, "id");
        ts_render_set_int(c, ts_arena_printf(c->arena, "%s.id", p), id);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.name", p), ts_db_cell(&kinds, i, "name"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.required", p),
                      ts_db_cell_i64(&kinds, i, "required") ? "1" : "");
        int64_t n = 0, nl = 0;
        for (size_t k = 0; k < counts.nrows; k++) {
            if (ts_db_cell_i64(&counts, k, "doc_kind_id") != id)
                continue;
            int64_t of = ts_db_cell_i64(&counts, k, "line_id"),
                    cnt = ts_db_cell_i64(&counts, k, "n");
            n += of == line ? cnt : 0;
            nl += of ? cnt : 0;
        }
        ts_render_set_int(c, ts_arena_printf(c->arena, "%s.nfiles", p), n);
        ts_render_set_int(c, ts_arena_printf(c->arena, "%s.nlines", p), nl);
    }
    return 0;
}

/* The target's files (of one line when line > 0, else all), by kind:
 * columns id, doc_kind_id, kind_name, file_name, size, kind, uploaded_at,
 * line_id, link_no, item_no. */
static int files_query(struct ts_ctx *c, const struct target *t, int64_t line, struct ts_db_rows *r)
{
    return ts_scope_query(
        c,
        "SELECT f.id, f.doc_kind_id, k.name AS kind_name, f.file_name, f.size, f.kind,"
        " f.uploaded_at, IFNULL(f.line_id, '') AS line_id, IFNULL(l.link_no, '') AS link_no,"
        " IFNULL(l.item_no, '') AS item_no FROM decl_document f"
        " JOIN doc_kind k ON k.id = f.doc_kind_id"
        " LEFT JOIN customs_decl_line l ON l.id = f.line_id"
        " WHERE f.ent_id = ? AND (f.decl_id = ? OR f.period_filing_id = ?)"
        " AND (? = 0 OR f.line_id = ?)"
        " ORDER BY k.ent_key, k.sort_order, k.id, f.line_id, f.id",
        TS_ARGS(TS_I64(t->decl_id), TS_I64(t->period_id), TS_I64(line), TS_I64(line)), r);
}

/* The files for a table on the page: Files.<n> with a readable size. */
static int set_files(struct ts_ctx *c, const struct target *t, int64_t line)
{
    struct ts_db_rows r;
    if (files_query(c, t, line, &r) < 0)
        return -1;
    ts_render_rows(c, "Files", &r);
    for (size_t i = 0; i < r.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Files.%zu.size", i),
                      size_text(c, ts_db_cell_i64(&r, i, "size")));
    return 0;
}

/* The 单证种类 page of the target (also shown again, with the upload's
 * problems, after a refused upload). */
static enum ts_result kinds_page(struct ts_ctx *c, const struct target *t)
{
    if (set_kinds(c, t, 0) < 0 || set_files(c, t, 0) < 0)
        return TS_FAIL;
    set_target(c, t);
    ts_render_set(c, "Can.Edit", ts_session_can(c, "docupload.edit") ? "1" : "");
    return ts_ui_page(c, "上传单证", "docupload/kinds.cs");
}

/* GET /docupload/docs?decl= | ?period= — 【上传】 on a row. */
static enum ts_result docs_page(struct ts_ctx *c)
{
    struct target t;
    int found = target_load(c, false, &t);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, TARGET_NOT_FOUND);
    return kinds_page(c, &t);
}

/* ---- 添加申报关联号专属单证 ---------------------------------------- */

/* The declaration's product lines (商品列表) with their 专属单证 counts. */
static int set_lines(struct ts_ctx *c, int64_t decl_id)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT l.id, l.link_no, l.item_no, IFNULL(l.goods_name, '') AS goods_name,"
                       " (SELECT COUNT(*) FROM decl_document x WHERE x.line_id = l.id) AS nfiles"
                       " FROM customs_decl_line l WHERE l.ent_id = ? AND l.decl_id = ?"
                       " ORDER BY l.link_no, l.item_no",
                       TS_ARGS(TS_I64(decl_id)), &r) < 0)
        return -1;
    ts_render_rows(c, "Lines", &r);
    return 0;
}

/* Is the line one of the declaration's?  1, 0, -1 on error; *label gets
 * "申报关联号 / 商品序号 商品名称". */
static int line_of(struct ts_ctx *c, int64_t decl_id, int64_t line, const char **label)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT link_no, item_no, IFNULL(goods_name, '') AS goods_name"
                       " FROM customs_decl_line WHERE ent_id = ? AND decl_id = ? AND id = ?",
                       TS_ARGS(TS_I64(decl_id), TS_I64(line)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *label = ts_arena_printf(c->arena, "%s / %s %s", ts_db_cell(&r, 0, "link_no"),
                             ts_db_cell(&r, 0, "item_no"), ts_db_cell(&r, 0, "goods_name"));
    return 1;
}

/* The 专属单证 page: the 商品列表 on the left and, for the chosen line, its
 * kinds with 【上传单证】 and its files. */
static enum ts_result lines_page_of(struct ts_ctx *c, const struct target *t, int64_t line)
{
    const char *label = "";
    if (set_lines(c, t->decl_id) < 0)
        return TS_FAIL;
    if (line) {
        int ok = line_of(c, t->decl_id, line, &label);
        if (ok <= 0)
            return ok < 0 ? TS_FAIL : ts_ui_not_found(c, LINE_NOT_FOUND);
        if (set_kinds(c, t, line) < 0 || set_files(c, t, line) < 0)
            return TS_FAIL;
        ts_render_set_int(c, "Line.Id", line);
        ts_render_set(c, "Line.Label", label);
    }
    set_target(c, t);
    ts_render_set(c, "Can.Edit", ts_session_can(c, "docupload.edit") ? "1" : "");
    return ts_ui_page(c, "添加申报关联号专属单证", "docupload/lines.cs");
}

/* GET /docupload/lines?decl=&line= — 【添加申报关联号专属单证】. */
static enum ts_result lines_page(struct ts_ctx *c)
{
    struct target t;
    int found = decl_load(c, ts_arg_int(c, "decl"), false, &t);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, TARGET_NOT_FOUND);
    return lines_page_of(c, &t, ts_arg_int(c, "line"));
}

/* ---- 上传单证 (POST) ------------------------------------------------ */

/* The chosen kind's name if it applies to the enterprise on the target's
 * date, else NULL. */
static const char *kind_name(struct ts_ctx *c, const struct target *t, int64_t kind)
{
    struct ts_db_rows kinds;
    if (ts_docs_kinds(c, t->on, &kinds) < 0)
        return NULL;
    for (size_t k = 0; k < kinds.nrows; k++)
        if (ts_db_cell_i64(&kinds, k, "id") == kind)
            return ts_db_cell(&kinds, k, "name");
    return NULL;
}

/* Put every file in the store (lib/ts_upload: size, then type by content;
 * no row yet); each problem becomes a line Upload.Errors.<n> naming the
 * file.  Returns the number of problems. */
static size_t store_files(struct ts_ctx *c, struct ts_upload_batch *b)
{
    if (b->n == 0) {
        ts_upload_error(c, b, "请选择要上传的单证文件");
        return 1;
    }
    size_t bad = ts_upload_store_all(c, b, MAX_FILE_BYTES, TS_FILE_JPEG | TS_FILE_PDF);
    if (bad && b->n > 1)
        ts_render_set(c, "Upload.Summary",
                      "有文件未能上传，本次选择的文件均未保存，请处理后重新选择。");
    return bad;
}

/* Is this content already filed under the kind for the target (and line)? */
static int already_there(struct ts_ctx *c, const struct target *t, int64_t line, int64_t kind,
                         const char *sha256)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT id FROM decl_document WHERE ent_id = ?"
                       " AND (decl_id = ? OR period_filing_id = ?) AND IFNULL(line_id, 0) = ?"
                       " AND doc_kind_id = ? AND sha256 = ?",
                       TS_ARGS(TS_I64(t->decl_id), TS_I64(t->period_id), TS_I64(line), TS_I64(kind),
                               TS_STR(sha256)),
                       &r) < 0)
        return -1;
    return r.nrows > 0;
}

/* The row of a stored file and its audit row. */
static int file_insert(struct ts_ctx *c, const struct target *t, int64_t line, int64_t kind,
                       const char *name, const struct ts_stored *s)
{
    struct ts_db_result res;
    if (ts_db_exec(c->db,
                   "INSERT INTO decl_document (ent_id, decl_id, line_id, period_filing_id,"
                   " doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(ts_scope_tenant(c)), t->decl_id ? TS_I64(t->decl_id) : TS_NULL,
                           line ? TS_I64(line) : TS_NULL,
                           t->period_id ? TS_I64(t->period_id) : TS_NULL, TS_I64(kind),
                           TS_STR(s->sha256), TS_STR(name), TS_I64(s->size),
                           TS_STR(ts_store_kind_name(s->kind)), TS_I64(c->session->user_id)),
                   &res) < 0)
        return -1;
    return ts_audit_log(c, "decl_document", (int64_t)res.insert_id,
                        ts_arena_printf(c->arena,
                                        "upload decl=%lld period_filing=%lld line=%lld kind=%lld"
                                        " sha256=%s size=%lld name=%s",
                                        (long long)t->decl_id, (long long)t->period_id,
                                        (long long)line, (long long)kind, s->sha256,
                                        (long long)s->size, name));
}

/* What one upload did, for the message after it. */
struct upload_result {
    size_t stored;
    const char *notes; /* files recognised as already there */
};

/* Record one stored file for the target, unless the same content is there
 * under the kind already (before, or twice in this upload). */
static int record_one(struct ts_ctx *c, const struct target *t, int64_t line, int64_t kind,
                      size_t i, const char *name, const struct ts_stored *s,
                      struct upload_result *res)
{
    int there;
    if (ts_store_record(c->db, s) < 0 || (there = already_there(c, t, line, kind, s->sha256)) < 0)
        return -1;
    if (there) {
        res->notes = ts_arena_printf(c->arena, "%s第%zu个文件 %s：已上传过相同文件，未重复保存。",
                                     res->notes, i + 1, name);
        return 0;
    }
    res->stored++;
    return file_insert(c, t, line, kind, name, s);
}

/* The message after an upload, cut to fit the flash. */
static const char *upload_message(struct ts_ctx *c, const char *kind,
                                  const struct upload_result *res)
{
    const char *m =
        res->stored == 0
            ? ts_arena_printf(c->arena, "没有新的文件需要保存。%s", res->notes)
            : ts_arena_printf(c->arena, "“%s”上传成功%zu个文件。%s", kind, res->stored, res->notes);
    return ts_upload_cut(c, m, FLASH_MAX_CHARS, true);
}

/* Where the upload came from and goes back to. */
static const char *back_url(struct ts_ctx *c, const struct target *t, int64_t line)
{
    if (line)
        return ts_arena_printf(c->arena, LIST_URL "lines?decl=%lld&line=%lld",
                               (long long)t->decl_id, (long long)line);
    return ts_arena_printf(c->arena, LIST_URL "docs?%s", target_query(c, t));
}

/* The page again with the upload's problems (TS_ROLLBACK). */
static enum ts_result upload_again(struct ts_ctx *c, const struct target *t, int64_t line,
                                   const char *kind)
{
    enum ts_result r;
    ts_render_set(c, "Upload.Kind", kind ? kind : "");
    r = line ? lines_page_of(c, t, line) : kinds_page(c, t);
    return r == TS_OK ? TS_ROLLBACK : r;
}

/* POST /docupload/upload — 【上传单证】: the chosen files under one kind,
 * for the declaration, one of its lines, or a 按所属期备案; all or none. */
static enum ts_result upload_save(struct ts_ctx *c)
{
    struct target t;
    struct upload_result res = {0, ""};
    const char *label, *kind;
    struct ts_upload_batch b;
    int64_t line = ts_arg_int(c, "line"), kind_id = ts_arg_int(c, "doc_kind_id");
    int found = target_load(c, true, &t);
    if (found <= 0 || (line && !t.decl_id))
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, TARGET_NOT_FOUND);
    if (line && (found = line_of(c, t.decl_id, line, &label)) <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, LINE_NOT_FOUND);
    if (!(kind = kind_name(c, &t, kind_id)))
        return ts_ui_not_found(c, "单证种类不存在。");
    ts_upload_collect(c, FILE_FIELD, NAME_MAX_CHARS, &b);
    if (store_files(c, &b) > 0)
        return upload_again(c, &t, line, kind);
    for (size_t i = 0; i < b.n; i++)
        if (record_one(c, &t, line, kind_id, i, b.names[i], &b.stored[i], &res) < 0)
            return TS_FAIL;
    return ts_ui_done(c, upload_message(c, kind, &res), back_url(c, &t, line));
}

/* ---- 预览 / 文件 / 删除 -------------------------------------------- */

/* The preview's folders: Groups.<g>.{name, Files.<n>} by kind, and the
 * chosen file (?file=, else the first) as Shown.{id,file_name,kind,...}. */
static void set_groups(struct ts_ctx *c, const struct ts_db_rows *r, int64_t chosen)
{
    int64_t last_kind = 0;
    size_t g = 0, n = 0, shown = r->nrows;
    for (size_t i = 0; i < r->nrows; i++) {
        int64_t kind = ts_db_cell_i64(r, i, "doc_kind_id");
        if (i == 0 || kind != last_kind) {
            g += i > 0;
            n = 0;
            ts_render_set(c, ts_arena_printf(c->arena, "Groups.%zu.name", g),
                          ts_db_cell(r, i, "kind_name"));
            last_kind = kind;
        }
        const char *p = ts_arena_printf(c->arena, "Groups.%zu.Files.%zu", g, n++);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.id", p), ts_db_cell(r, i, "id"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.file_name", p),
                      ts_db_cell(r, i, "file_name"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.link_no", p), ts_db_cell(r, i, "link_no"));
        if (ts_db_cell_i64(r, i, "id") == chosen || (shown == r->nrows && !chosen))
            shown = i;
        if (shown == i)
            ts_render_set(c, ts_arena_printf(c->arena, "%s.current", p), "1");
    }
    if (shown == r->nrows)
        return;
    static const char *const cols[] = {"id",          "file_name", "kind",   "kind_name",
                                       "uploaded_at", "link_no",   "item_no"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        ts_render_set(c, ts_arena_printf(c->arena, "Shown.%s", cols[k]),
                      ts_db_cell(r, shown, cols[k]));
    ts_render_set(c, "Shown.size", size_text(c, ts_db_cell_i64(r, shown, "size")));
}

/* GET /docupload/preview?decl=|period=&file= — 【预览】. */
static enum ts_result preview_page(struct ts_ctx *c)
{
    struct target t;
    struct ts_db_rows r;
    int found = target_load(c, false, &t);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, TARGET_NOT_FOUND);
    if (files_query(c, &t, 0, &r) < 0)
        return TS_FAIL;
    set_groups(c, &r, ts_arg_int(c, "file"));
    set_target(c, &t);
    return ts_ui_page(c, "预览单证", "docupload/preview.cs");
}

/* Load one of the enterprise's files with its declaration's status:
 * 1 found, 0 not, -1 error. */
static int file_load(struct ts_ctx *c, int64_t id, struct ts_db_rows *r)
{
    if (ts_scope_query(
            c,
            "SELECT f.id, IFNULL(f.decl_id, 0) AS decl_id,"
            " IFNULL(f.period_filing_id, 0) AS period_id, IFNULL(f.line_id, 0) AS line_id,"
            " f.doc_kind_id, f.sha256, f.file_name, f.kind,"
            " IFNULL(d.status, '') AS decl_status, IFNULL(d.decl_no, '') AS decl_no"
            " FROM decl_document f LEFT JOIN customs_decl d ON d.id = f.decl_id"
            " WHERE f.ent_id = ? AND f.id = ?",
            TS_ARGS(TS_I64(id)), r) < 0)
        return -1;
    return r->nrows == 1;
}

/* GET /docupload/file?id= — the stored file, shown inline with the mime
 * of the type the store found.  预览 frames a PDF in the browser's viewer,
 * so this response (and no page) may be framed by the portal's own pages
 * (X-Frame-Options SAMEORIGIN, frame-ancestors 'self'). */
static enum ts_result file_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = file_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, FILE_NOT_FOUND);
    enum ts_result rc = ts_ui_send_stored(c, ts_db_cell(&r, 0, "sha256"), ts_db_cell(&r, 0, "kind"),
                                          ts_db_cell(&r, 0, "file_name"));
    if (rc == TS_OK)
        ts_resp_frame_same_origin(c);
    return rc;
}

/* POST /docupload/delete — 删除 of one file; back to its page.  Refused
 * for a 已收齐 declaration. */
static enum ts_result file_delete(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = file_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, FILE_NOT_FOUND);
    if (strcmp(ts_db_cell(&r, 0, "decl_status"), "complete") == 0)
        return ts_ui_refuse(c, ts_arena_printf(c->arena,
                                               "报关单 %s 已收齐，不能删除其单证；"
                                               "如需更换，请先在单证收齐审核中撤销收齐。",
                                               ts_db_cell(&r, 0, "decl_no")));
    int64_t id = ts_db_cell_i64(&r, 0, "id");
    struct target t = {.decl_id = ts_db_cell_i64(&r, 0, "decl_id"),
                       .period_id = ts_db_cell_i64(&r, 0, "period_id")};
    if (ts_scope_exec(c, "DELETE FROM decl_document WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_I64(id)), NULL) < 0 ||
        ts_audit_log(c, "decl_document", id,
                     ts_arena_printf(c->arena,
                                     "delete decl=%lld period_filing=%lld line=%lld kind=%s"
                                     " sha256=%s name=%s",
                                     (long long)t.decl_id, (long long)t.period_id,
                                     (long long)ts_db_cell_i64(&r, 0, "line_id"),
                                     ts_db_cell(&r, 0, "doc_kind_id"), ts_db_cell(&r, 0, "sha256"),
                                     ts_db_cell(&r, 0, "file_name"))) < 0)
        return TS_FAIL;
    return ts_ui_done(c,
                      ts_arena_printf(c->arena, "已删除文件“%s”。", ts_db_cell(&r, 0, "file_name")),
                      back_url(c, &t, ts_db_cell_i64(&r, 0, "line_id")));
}

static const struct ts_param list_params[] = {
    ts_param_enum("status", "状态", 0, status_choices),
    ts_param_str("decl_no", "报关单号", 0, 0, 18),
    ts_param_code("period", "所属期", 0, TS_CODE_PERIOD),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param target_params[] = {
    ts_param_int("decl", "报关单", 0, 1, INT64_MAX),
    ts_param_int("period", "按所属期备案", 0, 1, INT64_MAX),
    ts_param_int("file", "单证文件", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param lines_params[] = {
    ts_param_int("decl", "报关单", TS_REQ, 1, INT64_MAX),
    ts_param_int("line", "商品", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param upload_params[] = {
    ts_param_int("decl", "报关单", 0, 1, INT64_MAX),
    ts_param_int("period", "按所属期备案", 0, 1, INT64_MAX),
    ts_param_int("line", "商品", 0, 1, INT64_MAX),
    ts_param_int("doc_kind_id", "单证种类", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param file_params[] = {
    ts_param_int("id", "单证文件", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "docupload", list_params, decl_list, TS_QUERY_FORM},
    {"docs", TS_GET, "docupload", target_params, docs_page, 0},
    {"lines", TS_GET, "docupload", lines_params, lines_page, 0},
    {"upload", TS_POST, "docupload.edit", upload_params, upload_save, TS_MULTIPART},
    {"preview", TS_GET, "docupload", target_params, preview_page, 0},
    {"file", TS_GET, "docupload", file_params, file_view, 0},
    {"delete", TS_POST, "docupload.edit", file_params, file_delete, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"docupload", "上传备案单证", actions};

int main(void)
{
    return ts_app_main(&module);
}
