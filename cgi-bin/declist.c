/* declist — 生成关单清册 (000 §2.4.1).
 *
 * An enterprise uploads the 外贸企业出口退税出口明细申请表 or 生产企业出口货物
 * 劳务免抵退税申请明细表 it downloaded from the 电子税务局 (【上传出口退税明细
 * 申报表】, xlsx by content, at most 20 MB, *所属期 when the sheet has none);
 * the rows are parsed and summed into the 关单清册 (one customs_decl per
 * 报关单号) and an 按所属期备案 record (lib/ts_declist).  A small file is
 * imported in the request, read once; a larger one (its parts inflate to
 * more than IN_REQUEST_BYTES, which the zip directory says without
 * inflating anything: about 2 500 rows of the usual 13-15 columns) has only its header looked at
 * (ts_declist_probe) and becomes a job for tools/ts-worker, which reads it
 * and counts its rows; the page returns at once, its 【>】 page showing a
 * progress bar (meta refresh, no script) until the job is done.  Rows that
 * fail their checks are listed with the reason in an xlsx (下载错误明细).
 * The same file again (same sha256 for the enterprise) is recognised and
 * nothing is imported twice.
 *
 * Tenancy: uploads and their results are read through ts_scope_*, so
 * another enterprise's upload id answers 404. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_declist.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_money.h"
#include "ts_multipart.h"
#include "ts_store.h"
#include "ts_ui.h"
#include "ts_xlsx.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE        20
#define LIST_URL         "/declist/"
#define MAX_FILE_BYTES   (20 * 1024 * 1024)
#define FILE_FIELD       "file"
#define IN_REQUEST_BYTES (1536 * 1024) /* inflated parts; larger files become a job */
#define PROBE_ROWS       100           /* data rows a job's file is looked at in the request */
#define DECLS_SHOWN      1000
#define NAME_MAX_CHARS   255
#define NOT_FOUND        "上传记录不存在。"

/* ---- 生成关单清册 (the list) ----------------------------------------- */

/* The status of an upload as the page says it. */
static const char *status_label(const char *s)
{
    if (strcmp(s, "queued") == 0)
        return "排队中";
    if (strcmp(s, "running") == 0)
        return "处理中";
    if (strcmp(s, "done") == 0)
        return "已完成";
    return "失败";
}

/* Labels for each listed upload: Uploads.<i>.kind_label, status_label. */
static void set_labels(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.kind_label", prefix, i),
                      ts_declist_kind_label(ts_db_cell(r, i, "table_kind")));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%zu.status_label", prefix, i),
                      status_label(ts_db_cell(r, i, "status")));
    }
}

/* The list of uploads (newest first) and the upload form, with whatever the
 * form's errors are. */
static enum ts_result list_page(struct ts_ctx *c)
{
    struct ts_db_rows r, n;
    struct ts_ui_pager pager;
    if (ts_scope_query(c, "SELECT COUNT(*) AS n FROM declist_upload WHERE ent_id = ?", TS_NOARGS,
                       &n) < 0)
        return TS_FAIL;
    ts_ui_pager(c, ts_db_cell_i64(&n, 0, "n"), PAGE_SIZE, &pager);
    if (ts_scope_query(c,
                       "SELECT id, file_name, table_kind, IFNULL(period, '') AS period, status,"
                       " rows_total, rows_ok, rows_bad, IFNULL(errors_sha256, '') AS errors,"
                       " created_at FROM declist_upload WHERE ent_id = ?"
                       " ORDER BY id DESC LIMIT ? OFFSET ?",
                       TS_ARGS(TS_I64(PAGE_SIZE), TS_I64(pager.offset)), &r) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Uploads", &r);
    set_labels(c, "Uploads", &r);
    return ts_ui_page(c, "生成关单清册", "declist/list.cs");
}

/* GET /declist/ — 生成关单清册. */
static enum ts_result upload_list(struct ts_ctx *c)
{
    return list_page(c);
}

/* ---- 上传出口退税明细申报表 ------------------------------------------ */

/* The chosen file, or NULL when the file box was left empty. */
static struct ts_upload *chosen_file(struct ts_ctx *c)
{
    for (struct ts_upload *u = c->uploads; u; u = u->next)
        if (strcmp(u->field, FILE_FIELD) == 0 && (u->filename[0] || u->size > 0))
            return u;
    return NULL;
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

/* The form again with an error next to the file box (TS_ROLLBACK). */
static enum ts_result refuse_file(struct ts_ctx *c, const char *why)
{
    ts_arg_error(c, FILE_FIELD, why);
    return list_page(c) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* The same file uploaded before by the enterprise: "" if not, else the
 * message naming when.  NULL on a database error. */
static const char *uploaded_before(struct ts_ctx *c, const char *sha256)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT created_at FROM declist_upload WHERE ent_id = ? AND sha256 = ?",
                       TS_ARGS(TS_STR(sha256)), &r) < 0)
        return NULL;
    if (r.nrows == 0)
        return "";
    return ts_arena_printf(c->arena, "该文件已上传过（上传时间 %s），未重复导入。",
                           ts_db_cell(&r, 0, "created_at"));
}

/* The upload's row, queued; -1 with TS_DB_ER_DUP_ENTRY when the same file
 * was uploaded at the same moment.  table_kind is the probe's for a job,
 * and for a file imported here the import writes it (and rows_total) with
 * its result, in this transaction. */
static int upload_insert(struct ts_ctx *c, const struct ts_upload *u, const struct ts_stored *st,
                         const struct ts_declist_probe *p, const char *period, int64_t *id)
{
    struct ts_db_result res;
    if (ts_db_exec(c->db,
                   "INSERT INTO declist_upload (ent_id, sha256, file_name, table_kind, period,"
                   " created_by) VALUES (?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_STR(st->sha256),
                           TS_STR(cut_chars(c, u->filename[0] ? u->filename : "未命名文件.xlsx",
                                            NAME_MAX_CHARS)),
                           TS_STR(ts_declist_kind_name(p->kind)), TS_STR(period[0] ? period : NULL),
                           TS_I64(c->session->user_id)),
                   &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* A large file: a job for the worker (woken once this commits); the page
 * returns at once. */
static int queue_job(struct ts_ctx *c, int64_t upload_id)
{
    int64_t job_id;
    if (ts_job_create(c->db, ts_scope_tenant(c), "declist.import", upload_id, c->session->user_id,
                      &job_id) < 0)
        return -1;
    c->wake_jobs = true;
    return ts_scope_exec(c, "UPDATE declist_upload SET job_id = ? WHERE ent_id = ? AND id = ?",
                         TS_ARGS(TS_I64(job_id), TS_I64(upload_id)), NULL);
}

/* Check the file: stored (xlsx by content, ≤ 20 MB), not uploaded before,
 * within the reader's limits; for a job (*as_job: larger than
 * IN_REQUEST_BYTES inflated) also a table we know with its columns, so a
 * wrong file is refused at once.  A file imported in the request is
 * checked by the import itself, in its one read.  NULL when fine, else the
 * reason. */
static const char *check_file(struct ts_ctx *c, struct ts_upload *u, struct ts_stored *st,
                              struct ts_declist_probe *p, bool *as_job, bool *db_error)
{
    const char *err, *before, *path;
    char *why = ts_arena_zalloc(c->arena, 300);
    uint64_t inflated;
    *db_error = *as_job = false;
    *p = (struct ts_declist_probe){0};
    if (!u)
        return "请选择要上传的出口退税明细申报表";
    if (ts_store_put(c->db, u->path, MAX_FILE_BYTES, TS_FILE_XLSX, st, &err) < 0)
        return err;
    if (!(before = uploaded_before(c, st->sha256))) {
        *db_error = true;
        return "";
    }
    if (before[0])
        return before;
    path = ts_store_path(c->arena, st->sha256);
    if (ts_xlsx_inflated_size(path, NULL, &inflated, &err) < 0)
        return err;
    if (!(*as_job = inflated > IN_REQUEST_BYTES))
        return NULL;
    if (ts_declist_probe(path, ts_arg_str(c, "period"), PROBE_ROWS, p, why, 300) < 0)
        return why;
    return NULL;
}

/* POST /declist/upload — 【上传出口退税明细申报表】. */
static enum ts_result upload_save(struct ts_ctx *c)
{
    struct ts_stored st;
    struct ts_declist_probe p;
    bool as_job, db_error;
    int64_t id;
    char msg[300];
    if (ts_scope_tenant(c) <= 0)
        return ts_ui_not_found(c, NOT_FOUND);
    const char *period = ts_arg_str(c, "period");
    if (period[0] && !ts_arg(c, "period")->error && !ts_codes_period_valid(period, NULL))
        ts_arg_error(c, "period", "所属期应为YYYYMM，如 202601");
    if (ts_arg_has_errors(c))
        return list_page(c) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    struct ts_upload *u = chosen_file(c);
    const char *why = check_file(c, u, &st, &p, &as_job, &db_error);
    if (db_error)
        return TS_FAIL;
    if (why)
        return refuse_file(c, why);
    if (upload_insert(c, u, &st, &p, period, &id) < 0)
        return ts_db_errno(c->db) == TS_DB_ER_DUP_ENTRY
                   ? refuse_file(c, "该文件已上传过，未重复导入。")
                   : TS_FAIL;
    if (ts_audit_log(c, "declist_upload", id,
                     ts_arena_printf(c->arena, "upload sha256=%s %s", st.sha256,
                                     as_job ? "as a job" : "in the request")) < 0)
        return TS_FAIL;
    const char *view = ts_arena_printf(c->arena, LIST_URL "view?id=%lld", (long long)id);
    if (as_job) {
        if (queue_job(c, id) < 0)
            return TS_FAIL;
        return ts_ui_done(c, "文件较大，已转入后台导入，请稍候查看结果。", view);
    }
    int rc = ts_declist_import(c->db, id, NULL, NULL, msg, sizeof msg);
    if (rc < 0)
        return TS_FAIL;
    if (rc > 0)
        return refuse_file(c, ts_arena_strdup(c->arena, msg));
    return ts_ui_done(c, ts_arena_strdup(c->arena, msg), view);
}

/* ---- 【>】 the result of one upload ------------------------------------ */

/* Load one of the enterprise's uploads with its job: 1, 0 not found, -1. */
static int upload_load(struct ts_ctx *c, int64_t id, struct ts_db_rows *r)
{
    if (ts_scope_query(c,
                       "SELECT u.id, u.file_name, u.table_kind, IFNULL(u.period, '') AS period,"
                       " u.status, u.rows_total, u.rows_ok, u.rows_bad,"
                       " IFNULL(u.errors_sha256, '') AS errors, IFNULL(u.message, '') AS message,"
                       " u.created_at, IFNULL(u.finished_at, '') AS finished_at,"
                       " IFNULL(j.progress_done, 0) AS done, IFNULL(j.progress_total, 0) AS total"
                       " FROM declist_upload u LEFT JOIN job j ON j.id = u.job_id"
                       " WHERE u.ent_id = ? AND u.id = ?",
                       TS_ARGS(TS_I64(id)), r) < 0)
        return -1;
    return r->nrows == 1;
}

/* The 关单清册 of the upload (Decls.<i>, fob as money) and its 按所属期备案
 * records (Filings.<i>). */
static int set_result(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows d, f;
    if (ts_scope_query(c,
                       "SELECT decl_no, IFNULL(export_date, '') AS export_date, line_count,"
                       " fob_usd, period FROM customs_decl WHERE ent_id = ? AND upload_id = ?"
                       " ORDER BY decl_no LIMIT ?",
                       TS_ARGS(TS_I64(id), TS_I64(DECLS_SHOWN)), &d) < 0 ||
        ts_scope_query(c,
                       "SELECT DISTINCT f.period, f.declared_on, f.due_date, f.retention_until"
                       " FROM period_filing f JOIN customs_decl d ON d.period_filing_id = f.id"
                       " WHERE f.ent_id = ? AND d.upload_id = ? ORDER BY f.period",
                       TS_ARGS(TS_I64(id)), &f) < 0)
        return -1;
    ts_render_rows(c, "Decls", &d);
    for (size_t i = 0; i < d.nrows; i++) {
        int64_t fen = 0;
        char buf[TS_MONEY_BUF];
        ts_money_parse(ts_db_cell(&d, i, "fob_usd"), &fen, NULL);
        ts_money_format(fen, buf, sizeof buf);
        ts_render_set(c, ts_arena_printf(c->arena, "Decls.%zu.fob", i), buf);
    }
    ts_render_rows(c, "Filings", &f);
    return 0;
}

/* The progress bar's numbers while the job runs; the page refreshes. */
static void set_progress(struct ts_ctx *c, const struct ts_db_rows *r)
{
    int64_t done = ts_db_cell_i64(r, 0, "done"), total = ts_db_cell_i64(r, 0, "total");
    ts_render_set(c, "Job.Running", "1");
    if (total <= 0) /* the worker has not read the file yet: rows unknown */
        ts_render_set(c, "Job.Reading", "1");
    ts_render_set(c, "Page.Refresh", "2"); /* the layout's <meta http-equiv="refresh"> */
    ts_render_set_int(c, "Job.Done", done);
    ts_render_set_int(c, "Job.Total", total > 0 ? total : 1);
    ts_render_set_int(c, "Job.Percent", total > 0 ? done * 100 / total : 0);
}

/* GET /declist/view?id= — 【>】: the upload, its progress while it is
 * imported, then its 关单清册 and 按所属期备案. */
static enum ts_result upload_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = upload_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    ts_render_rows(c, "Uploads", &r);
    set_labels(c, "Uploads", &r);
    const char *status = ts_db_cell(&r, 0, "status");
    if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0)
        set_progress(c, &r);
    else if (set_result(c, ts_db_cell_i64(&r, 0, "id")) < 0)
        return TS_FAIL;
    return ts_ui_page(c, "关单清册", "declist/view.cs");
}

/* GET /declist/errors?id= — 下载错误明细: the bad rows with their reasons. */
static enum ts_result errors_download(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = upload_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    const char *sha = ts_db_cell(&r, 0, "errors");
    if (!sha[0])
        return ts_ui_not_found(c, "该上传没有错误明细。");
    const char *path = ts_store_path(c->arena, sha);
    if (!path || access(path, R_OK) != 0) {
        ts_log_error("declist: errors file %s of upload %s is missing", sha,
                     ts_db_cell(&r, 0, "id"));
        return TS_FAIL;
    }
    const char *name = ts_db_cell(&r, 0, "file_name");
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".xlsx") == 0)
        name = ts_arena_strndup(c->arena, name, n - 5);
    return ts_resp_send_file(c, ts_store_mime(TS_FILE_XLSX), path,
                             ts_arena_printf(c->arena, "错误明细_%s.xlsx", name)) < 0
               ? TS_FAIL
               : TS_OK;
}

static const struct ts_param list_params[] = {
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param upload_params[] = {
    ts_param_str("period", "所属期", 0, 0, 6),
    TS_PARAMS_END,
};

static const struct ts_param id_params[] = {
    ts_param_int("id", "上传记录", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "declist", list_params, upload_list, 0},
    {"upload", TS_POST, "declist", upload_params, upload_save, TS_MULTIPART},
    {"view", TS_GET, "declist", id_params, upload_view, 0},
    {"errors", TS_GET, "declist", id_params, errors_download, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"declist", "生成关单清册", actions};

int main(void)
{
    return ts_app_main(&module);
}
