/* docexport — 导出备案目录 (000 §2.4.4).
 *
 * A query form (报关单号, 所属期, 状态 未收齐 / 已收齐 / 全部) over the
 * 关单清册 and the matching declarations (报关单号, 所属期, 出口日期, 单证数,
 * 状态), with four outputs of the same query:
 *   【导出ZIP】  every document of the matching declarations in folders
 *               <报关单号>/<单证种类>/<file name> plus 备案目录.xlsx at the root;
 *   【导出PDF】  one declaration only: a generated 备案单证目录 page, then
 *               every document in the catalog's order (an image as a
 *               page, an uploaded PDF with all its pages);
 *   【导出表格】 the 备案目录 as .xlsx, one row per document, declarations
 *               without documents as rows too;
 *   【打印单证】 one declaration only: a print page of the catalog with each
 *               image full-width (PDFs are printed from 【导出PDF】).
 * The two one-declaration outputs include the 按所属期备案 documents of
 * the declaration's 所属期, marked as such in the catalog.
 * "Only one declaration" is the manual's rule (导出的PDF文件必须唯一报关单下
 * 的文件); a query matching more or none is answered with the reason.
 *
 * The files are built by lib/ts_export in temp files under tmp.dir and
 * streamed out by ts_resp_send_file, then removed (send_file_unlink):
 * memory stays flat however large the ZIP.  Rows are read in batches of
 * declarations, each batch in its own arena, so 100k catalog rows do not
 * pile up in the request arena.  Documents are those filed for a
 * declaration (its 申报关联号专属单证 included) and the 按所属期备案
 * documents of the declarations' periods (ZIP: <所属期>/<单证种类>/...).
 *
 * A ZIP whose documents total more than export.zip_job_bytes (default
 * ZIP_JOB_BYTES, 50 MB) is not made in the request (design.md: long work
 * never blocks a request): the query goes into a docexport_job row with a
 * job (kind docexport.zip) that tools/ts-worker runs with the same
 * lib/ts_export code, and the answer is a redirect to /docexport/job, a
 * progress bar refreshed every 2 s, then a 下载 link.  The worker keeps
 * the ZIP in <tmp.dir>/docexport/ for TS_EXPORT_JOB_KEEP_HOURS (24 h);
 * /docexport/download refuses it after, and the worker's sweep (every
 * worker.sweep_interval s) removes it; the job page then says 已过期.  The only writes here are
 * that row, its job and its audit row.
 *
 * Every action is a GET.  Tenancy: every query is bound to the session's
 * enterprise (ts_scope), so another enterprise's declaration, file id or
 * export job answers 404. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_docs.h"
#include "ts_export.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_store.h"
#include "ts_ui.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE      20
#define BATCH_DECLS    500
#define ONE_PDF        "导出PDF须唯一报关单，请输入报关单号查询"
#define ONE_PRINT      "打印单证须唯一报关单，请输入报关单号查询"
#define NONE_MATCH     "没有符合条件的报关单，未导出。"
#define FILE_NOT_FOUND "单证文件不存在。"
#define ZIP_JOB_BYTES  (50LL * 1024 * 1024) /* export.zip_job_bytes: a larger ZIP is a job */
#define JOB_KIND       "docexport.zip"
#define JOB_NOT_FOUND  "导出任务不存在。"
#define JOB_EXPIRED    "已过期：导出的ZIP已超过保留期限被删除，请重新导出。"
#define MIME_XLSX      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static const char *const status_choices[] = {"incomplete", "complete", "all", NULL};

/* The query form as a ts_docs filter; 全部 unless chosen. */
static struct ts_docs_filter query_filter(struct ts_ctx *c)
{
    return (struct ts_docs_filter){
        .status = ts_arg_present(c, "status") ? ts_arg_str(c, "status") : "all",
        .decl_no = ts_arg_str(c, "decl_no"),
        .period = ts_arg(c, "period")->error ? "" : ts_arg_str(c, "period"),
    };
}

/* The list page, with a refusal of an export above it when reason is set. */
static enum ts_result list_page(struct ts_ctx *c, const char *reason)
{
    struct ts_docs_filter f = query_filter(c);
    struct ts_db_rows decls;
    struct ts_ui_pager pager;
    int64_t total = ts_docs_decl_count(c, &f);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (ts_docs_decl_page(c, &f, PAGE_SIZE, pager.offset, &decls) < 0)
        return TS_FAIL;
    ts_docs_render_decls(c, "Decls", &decls);
    ts_render_set(c, "Tab", f.status);
    if (reason)
        ts_render_set(c, "Refusal", reason);
    return ts_ui_page(c, "导出备案目录", "docexport/list.cs");
}

/* GET /docexport/ — 导出备案目录. */
static enum ts_result decl_list(struct ts_ctx *c)
{
    return list_page(c, NULL);
}

/* ---- reading the documents ------------------------------------------ */

/* The query form as lib/ts_export's query, bound to the session's
 * enterprise (ts_scope_tenant): another enterprise's rows never match. */
static struct ts_export_query export_query(struct ts_ctx *c)
{
    struct ts_docs_filter f = query_filter(c);
    return (struct ts_export_query){
        .ent_id = ts_scope_tenant(c),
        .status = f.status,
        .decl_no = f.decl_no,
        .period = f.period,
    };
}

/* A fresh temp file name in tmp.dir ending in suffix; NULL on error. */
static char *temp_path(struct ts_ctx *c, const char *suffix)
{
    char *p =
        ts_arena_printf(c->arena, "%s/export-XXXXXX%s", ts_config_str("tmp.dir", "/tmp"), suffix);
    int fd = mkstemps(p, (int)strlen(suffix));
    if (fd < 0) {
        ts_log_error("docexport: cannot create %s", p);
        return NULL;
    }
    close(fd);
    return p;
}

/* "备案目录-20260115.zip" */
static const char *download_name(struct ts_ctx *c, const char *ext)
{
    char day[16];
    time_t now = time(NULL);
    struct tm tm;
    strftime(day, sizeof day, "%Y%m%d", localtime_r(&now, &tm));
    return ts_arena_printf(c->arena, "备案目录-%s.%s", day, ext);
}

/* Send the temp file at path and remove it once sent. */
static enum ts_result send_temp(struct ts_ctx *c, const char *mime, const char *path,
                                const char *name)
{
    ts_resp_send_file(c, mime, path, name);
    c->send_file_unlink = true;
    return TS_OK;
}

/* ---- 导出ZIP --------------------------------------------------------- */

/* A large ZIP as a job for tools/ts-worker (kind docexport.zip): the
 * query in a docexport_job row, the job, and the job's page. */
static enum ts_result zip_as_job(struct ts_ctx *c, const struct ts_export_query *q, int64_t ndocs,
                                 int64_t bytes)
{
    struct ts_db_result res;
    int64_t job_id;
    if (ts_db_exec(c->db,
                   "INSERT INTO docexport_job (ent_id, status_filter, decl_no, period, doc_count,"
                   " total_bytes, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(q->ent_id), TS_STR(q->status), TS_STR(q->decl_no),
                           TS_STR(q->period), TS_I64(ndocs), TS_I64(bytes),
                           TS_I64(c->session->user_id)),
                   &res) < 0)
        return TS_FAIL;
    int64_t id = (int64_t)res.insert_id;
    if (ts_job_create(c->db, q->ent_id, JOB_KIND, id, c->session->user_id, &job_id) < 0 ||
        ts_scope_exec(c, "UPDATE docexport_job SET job_id = ? WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_I64(job_id), TS_I64(id)), NULL) < 0 ||
        ts_audit_log(c, "docexport_job", id,
                     ts_arena_printf(c->arena, "zip job docs=%lld bytes=%lld", (long long)ndocs,
                                     (long long)bytes)) < 0)
        return TS_FAIL;
    c->wake_jobs = true;
    ts_resp_redirect(c, ts_arena_printf(c->arena, "/docexport/job?id=%lld", (long long)id));
    return TS_OK;
}

/* A large ZIP is not started by the GET of 【导出ZIP】 (a GET changes
 * nothing): the page says how large it is and offers 【开始导出】, a POST
 * with the query and the CSRF token (/docexport/zipjob). */
static enum ts_result zip_confirm(struct ts_ctx *c, int64_t ndocs, int64_t bytes)
{
    ts_render_set_int(c, "Export.Docs", ndocs);
    ts_render_set_int(c, "Export.MB", (bytes + 1024 * 1024 - 1) / (1024 * 1024));
    return ts_ui_page(c, "导出ZIP", "docexport/confirm.cs");
}

/* GET /docexport/zip — 【导出ZIP】 of the query: built in the request, or,
 * when its documents total more than export.zip_job_bytes, the page that
 * starts it as a job. */
static enum ts_result export_zip(struct ts_ctx *c)
{
    struct ts_export_query q = export_query(c);
    int64_t ndocs, bytes;
    if (ts_export_totals(c->db, &q, &ndocs, &bytes) < 0)
        return TS_FAIL;
    if (q.ent_id > 0 && bytes > ts_config_int("export.zip_job_bytes", ZIP_JOB_BYTES))
        return zip_confirm(c, ndocs, bytes);
    char *zpath = temp_path(c, ".zip");
    if (!zpath)
        return TS_FAIL;
    int64_t n = ts_export_zip_query(c->db, &q, zpath, ts_config_str("tmp.dir", "/tmp"), NULL, NULL);
    if (n <= 0)
        return n == 0 ? list_page(c, NONE_MATCH) : TS_FAIL;
    return send_temp(c, "application/zip", zpath, download_name(c, "zip"));
}

/* POST /docexport/zipjob — 【开始导出】: the query as a job for the worker. */
static enum ts_result export_zip_job(struct ts_ctx *c)
{
    struct ts_export_query q = export_query(c);
    int64_t ndocs, bytes;
    if (ts_export_totals(c->db, &q, &ndocs, &bytes) < 0)
        return TS_FAIL;
    if (ndocs == 0)
        return list_page(c, NONE_MATCH);
    return zip_as_job(c, &q, ndocs, bytes);
}

/* The export job id of the session's enterprise, with its job: 1, 0 not
 * found, -1 error. */
static int job_load(struct ts_ctx *c, struct ts_db_rows *r)
{
    if (ts_scope_query(
            c,
            "SELECT e.id, e.status_filter, e.decl_no, e.period, e.doc_count, e.total_bytes,"
            " e.created_at, IFNULL(e.zip_bytes, 0) AS zip_bytes,"
            " IFNULL(e.decl_count, 0) AS decl_count, IFNULL(e.expires_at, '') AS expires_at,"
            " IF(e.removed_at IS NOT NULL OR (e.expires_at IS NOT NULL AND e.expires_at <= NOW()),"
            " 1, 0) AS expired, IFNULL(e.removed_at, '') AS removed_at,"
            " IFNULL(j.status, 'failed') AS status, IFNULL(j.progress_done, 0) AS done,"
            " IFNULL(j.progress_total, 0) AS total, IFNULL(j.message, '') AS message"
            " FROM docexport_job e LEFT JOIN job j ON j.id = e.job_id"
            " WHERE e.ent_id = ? AND e.id = ?",
            TS_ARGS(TS_I64(ts_arg_int(c, "id"))), r) < 0)
        return -1;
    return r->nrows == 1;
}

/* GET /docexport/job?id= — the ZIP job: a progress bar refreshed every
 * 2 s while it runs, then the 下载 link (kept TS_EXPORT_JOB_KEEP_HOURS hours). */
static enum ts_result job_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = job_load(c, &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, JOB_NOT_FOUND);
    ts_render_rows(c, "Export", &r);
    const char *status = ts_db_cell(&r, 0, "status");
    if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0) {
        int64_t done = ts_db_cell_i64(&r, 0, "done"), total = ts_db_cell_i64(&r, 0, "total");
        ts_render_set(c, "Job.Running", "1");
        ts_render_set(c, "Page.Refresh", "2"); /* the layout's <meta http-equiv="refresh"> */
        ts_render_set_int(c, "Job.Done", done);
        ts_render_set_int(c, "Job.Total", total > 0 ? total : 1);
        ts_render_set_int(c, "Job.Percent", total > 0 ? done * 100 / total : 0);
    } else if (strcmp(status, "done") == 0) {
        ts_render_set(c, "Job.Finished", "1");
        ts_render_set_int(c, "Job.KeepHours", TS_EXPORT_JOB_KEEP_HOURS);
    }
    return ts_ui_page(c, "导出ZIP", "docexport/job.cs");
}

/* GET /docexport/download?id= — the finished ZIP of a job, as often as
 * wanted until it expires.  After the checks here (the session, the
 * permission and the enterprise are checked before, by ts_app and
 * job_load's ts_scope) nginx sends the file itself through an
 * X-Accel-Redirect to its internal location /_docexport/: a ZIP of up to
 * a few GB then costs no FastCGI worker while a slow client downloads it,
 * no nginx temp file, and a broken download resumes with Range
 * (docs/performance.md). */
static enum ts_result job_download(struct ts_ctx *c)
{
    struct ts_db_rows r;
    char path[4096], uri[128];
    int found = job_load(c, &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, JOB_NOT_FOUND);
    if (strcmp(ts_db_cell(&r, 0, "status"), "done") != 0)
        return ts_ui_not_found(c, "ZIP尚未生成完毕。");
    if (ts_db_cell_i64(&r, 0, "expired"))
        return ts_ui_not_found(c, JOB_EXPIRED);
    int64_t id = ts_db_cell_i64(&r, 0, "id");
    if (ts_export_job_file(id, path, sizeof path) < 0 || access(path, R_OK) != 0 ||
        ts_export_job_uri(id, uri, sizeof uri) < 0) {
        ts_log_warn("docexport: ZIP of export job %lld is gone", (long long)id);
        return ts_ui_not_found(c, JOB_EXPIRED);
    }
    ts_resp_accel_file(c, "application/zip", uri, download_name(c, "zip"));
    return TS_OK;
}

/* ---- 导出表格 -------------------------------------------------------- */

static int table_one(void *ctx, const struct ts_export_doc *d)
{
    return ts_export_xlsx_add(ctx, d, NULL);
}

/* GET /docexport/table — 【导出表格】: the 备案目录 of the query as .xlsx. */
static enum ts_result export_table(struct ts_ctx *c)
{
    char *path = temp_path(c, ".xlsx");
    struct ts_export_xlsx *x;
    if (!path)
        return TS_FAIL;
    if (!(x = ts_export_xlsx_open(path, ts_config_str("tmp.dir", "/tmp"), TS_EXPORT_TABLE))) {
        unlink(path);
        return TS_FAIL;
    }
    struct ts_export_query q = export_query(c);
    int64_t n = ts_export_each(c->db, &q, table_one, x);
    if (ts_export_xlsx_close(x) < 0 || n <= 0) {
        unlink(path);
        return n == 0 ? list_page(c, NONE_MATCH) : TS_FAIL;
    }
    return send_temp(c, MIME_XLSX, path, download_name(c, "xlsx"));
}

/* ---- one declaration: 导出PDF, 打印单证 ------------------------------ */

/* The one declaration the query matches (its row in *decl: id, decl_no,
 * period, export_date): 1 found, 0 not exactly one, -1 error. */
static int only_decl(struct ts_ctx *c, struct ts_db_rows *decl)
{
    struct ts_docs_filter f = query_filter(c);
    int64_t n = ts_docs_decl_count(c, &f);
    if (n != 1)
        return n < 0 ? -1 : 0;
    if (ts_docs_decl_page(c, &f, 1, 0, decl) < 0 || decl->nrows != 1)
        return -1;
    return 1;
}

/* The documents of declaration decl_id in catalog order: its own (by
 * 单证种类, then upload), then the 按所属期备案 documents of its 所属期
 * (period_filing, decl_id NULL) with decl_no "" and by_period 1 — the
 * documents the ZIP puts under <所属期>/.  The filing is the one of the
 * declaration's (ent_id, 所属期), as lib/ts_export and docupload find it
 * (customs_decl.period_filing_id may be NULL). */
static int decl_docs(struct ts_ctx *c, int64_t decl_id, struct ts_db_rows *out)
{
    return ts_scope_query(
        c,
        "SELECT t.* FROM (SELECT 0 AS by_period, d.decl_no, d.period,"
        " IFNULL(d.export_date, '') AS export_date, x.id AS doc_id, k.name AS kind_name,"
        " x.file_name, x.size, x.uploaded_at, x.sha256, x.kind,"
        " k.ent_key, k.sort_order, k.id AS kind_id"
        " FROM customs_decl d JOIN decl_document x ON x.ent_id = d.ent_id AND x.decl_id = d.id"
        " JOIN doc_kind k ON k.id = x.doc_kind_id WHERE d.ent_id = ? AND d.id = ?"
        " UNION ALL SELECT 1, '', d.period, '', x.id, k.name, x.file_name, x.size,"
        " x.uploaded_at, x.sha256, x.kind, k.ent_key, k.sort_order, k.id"
        " FROM customs_decl d JOIN period_filing p ON p.ent_id = d.ent_id AND p.period = d.period"
        " JOIN decl_document x ON x.ent_id = p.ent_id"
        " AND x.decl_id IS NULL AND x.period_filing_id = p.id"
        " JOIN doc_kind k ON k.id = x.doc_kind_id WHERE d.ent_id = ? AND d.id = ?) t"
        " ORDER BY t.by_period, t.ent_key, t.sort_order, t.kind_id, t.doc_id",
        TS_ARGS(TS_I64(decl_id), TS_I64(ts_scope_tenant(c)), TS_I64(decl_id)), out);
}

/* GET /docexport/pdf — 【导出PDF】 of the one declaration queried. */
static enum ts_result export_pdf(struct ts_ctx *c)
{
    struct ts_db_rows d, r;
    const char *err;
    int found = only_decl(c, &d);
    if (found <= 0)
        return found < 0 ? TS_FAIL : list_page(c, ONE_PDF);
    if (decl_docs(c, ts_db_cell_i64(&d, 0, "id"), &r) < 0)
        return TS_FAIL;
    struct ts_export_doc decl = {
        .decl_no = ts_db_cell(&d, 0, "decl_no"),
        .period = ts_db_cell(&d, 0, "period"),
        .export_date = ts_db_cell(&d, 0, "export_date"),
    };
    struct ts_export_doc *docs = ts_arena_alloc(c->arena, (r.nrows + 1) * sizeof *docs);
    for (size_t i = 0; i < r.nrows; i++)
        docs[i] = ts_export_row_doc(c->arena, &r, i);
    char *path = temp_path(c, ".pdf");
    if (!path)
        return TS_FAIL;
    if (ts_export_pdf(path, ts_config_str("tmp.dir", "/tmp"), &decl, docs, r.nrows, &err) < 0) {
        unlink(path);
        return list_page(c, ts_arena_printf(c->arena, "%s，请联系运维人员（请求编号 %s）。", err,
                                            c->request_id));
    }
    return send_temp(c, "application/pdf", path,
                     ts_arena_printf(c->arena, "备案单证-%s.pdf", decl.decl_no));
}

/* GET /docexport/print — 【打印单证】 of the one declaration queried: the
 * catalog (按所属期备案 documents marked) and each image in its order. */
static enum ts_result print_page(struct ts_ctx *c)
{
    struct ts_db_rows d, r;
    int found = only_decl(c, &d);
    if (found <= 0)
        return found < 0 ? TS_FAIL : list_page(c, ONE_PRINT);
    if (decl_docs(c, ts_db_cell_i64(&d, 0, "id"), &r) < 0)
        return TS_FAIL;
    ts_render_set(c, "Decl.decl_no", ts_db_cell(&d, 0, "decl_no"));
    ts_render_set(c, "Decl.period", ts_db_cell(&d, 0, "period"));
    ts_render_set(c, "Decl.export_date", ts_db_cell(&d, 0, "export_date"));
    ts_render_rows(c, "Docs", &r);
    if (r.nrows > 0 && ts_db_cell_i64(&r, r.nrows - 1, "by_period")) /* they come last */
        ts_render_set(c, "Decl.period_docs", "1");
    return ts_ui_page(c, "打印单证", "docexport/print.cs");
}

/* GET /docexport/file?id= — an image of the print page, inline: a
 * document of a declaration or of an 按所属期备案 record. */
static enum ts_result file_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT sha256, kind FROM decl_document WHERE ent_id = ? AND id = ?"
                       " AND (decl_id IS NOT NULL OR period_filing_id IS NOT NULL)",
                       TS_ARGS(TS_I64(ts_arg_int(c, "id"))), &r) < 0)
        return TS_FAIL;
    if (r.nrows != 1)
        return ts_ui_not_found(c, FILE_NOT_FOUND);
    return ts_ui_send_stored(c, ts_db_cell(&r, 0, "sha256"), ts_db_cell(&r, 0, "kind"), NULL);
}

static const struct ts_param query_params[] = {
    ts_param_enum("status", "状态", 0, status_choices),
    ts_param_str("decl_no", "报关单号", 0, 0, 18),
    ts_param_code("period", "所属期", 0, TS_CODE_PERIOD),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param file_params[] = {
    ts_param_int("id", "单证文件", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param job_params[] = {
    ts_param_int("id", "导出任务", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "docexport", query_params, decl_list, TS_QUERY_FORM},
    {"zip", TS_GET, "docexport", query_params, export_zip, 0},
    {"zipjob", TS_POST, "docexport", query_params, export_zip_job, 0},
    {"pdf", TS_GET, "docexport", query_params, export_pdf, 0},
    {"table", TS_GET, "docexport", query_params, export_table, 0},
    {"print", TS_GET, "docexport", query_params, print_page, 0},
    {"file", TS_GET, "docexport", file_params, file_view, 0},
    {"job", TS_GET, "docexport", job_params, job_view, 0},
    {"download", TS_GET, "docexport", job_params, job_download, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"docexport", "导出备案目录", actions};

int main(void)
{
    return ts_app_main(&module);
}
