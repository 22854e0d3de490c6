/* prearchive — 单证预归档 (000 §2.3).
 *
 * Before a declaration exists, an enterprise opens a 业务跟踪号 for a deal
 * (§2.3.1 新增业务跟踪号: *合同协议号, *内部跟踪号, 报关单号, 提运单号,
 * 出口日期, 出口月份, 备注) and files the deal's documents under it as they
 * come in (§2.3.2 传预归档单证: 选择单证种类, then the files — jpg or pdf,
 * each at most 5M).  The list shows the enterprise's 业务跟踪号 20 a page;
 * 【>】 opens a row's files (a <details>, so it works without JavaScript).
 *
 * Uploads: the type is decided by content (lib/ts_store), never by the
 * name.  Every file of one upload is checked before any is stored, and all
 * are stored in the request's transaction: if one is refused, none is kept,
 * and the page names the file and the reason.  A file whose content is
 * already on the item under the same 单证种类 is recognised and not stored
 * twice.  The name the browser sent is kept for display only; the stored
 * file is named by its sha256.
 *
 * Tenancy: items and files are read and changed through ts_scope_*, so
 * another enterprise's id answers 404 on every action. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_docs.h"
#include "ts_log.h"
#include "ts_multipart.h"
#include "ts_store.h"
#include "ts_upload.h"
#include "ts_ui.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE       20
#define LIST_URL        "/prearchive/"
#define MAX_FILE_BYTES  (5 * 1024 * 1024)
#define FILE_FIELD      "files"
#define NAME_MAX_CHARS  255 /* prearchive_file.file_name */
#define FLASH_MAX_CHARS 490 /* session.flash is 500 */
#define ITEM_NOT_FOUND  "业务跟踪号不存在。"
#define FILE_NOT_FOUND  "单证文件不存在。"

static const char *const from_choices[] = {"list", "upload", NULL};

/* A 业务跟踪号 as loaded for a page or a change. */
struct item {
    int64_t id;
    const char *contract_no;
    const char *tracking_no;
    const char *decl_no;
    const char *on; /* the date its kinds are looked up by; NULL: today */
};

/* Load one of the enterprise's items: 1 found, 0 not (another enterprise's
 * id looks the same as a missing one), -1 database error.  lock: FOR
 * UPDATE, so two uploads to one item take turns (the same-file check). */
static int item_load(struct ts_ctx *c, int64_t id, bool lock, struct item *it)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       lock ? "SELECT id, contract_no, tracking_no, IFNULL(decl_no, '') AS decl_no,"
                              " IFNULL(export_date, '') AS export_date,"
                              " IFNULL(export_month, '') AS export_month"
                              " FROM prearchive_item WHERE ent_id = ? AND id = ? FOR UPDATE"
                            : "SELECT id, contract_no, tracking_no, IFNULL(decl_no, '') AS decl_no,"
                              " IFNULL(export_date, '') AS export_date,"
                              " IFNULL(export_month, '') AS export_month"
                              " FROM prearchive_item WHERE ent_id = ? AND id = ?",
                       TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    *it = (struct item){
        .id = ts_db_cell_i64(&r, 0, "id"),
        .contract_no = ts_db_cell(&r, 0, "contract_no"),
        .tracking_no = ts_db_cell(&r, 0, "tracking_no"),
        .decl_no = ts_db_cell(&r, 0, "decl_no"),
        .on = ts_docs_decl_date(c->arena, ts_db_cell(&r, 0, "export_date"),
                                ts_db_cell(&r, 0, "export_month")),
    };
    return 1;
}

/* 出口月份 as stored (YYYYMM) from what the month input sends (YYYY-MM; a
 * browser without one may let the user type YYYYMM).  NULL if neither. */
static const char *month_value(struct ts_ctx *c, const char *s)
{
    char ym[7];
    size_t n = strlen(s);
    if (n == 7 && s[4] == '-') {
        memcpy(ym, s, 4);
        memcpy(ym + 4, s + 5, 2);
    } else if (n == 6) {
        memcpy(ym, s, 6);
    } else {
        return NULL;
    }
    ym[6] = '\0';
    return ts_codes_period_valid(ym, NULL) ? ts_arena_strdup(c->arena, ym) : NULL;
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

/* The 单证种类 that apply to the enterprise (000 §2.5.2) for an item: in
 * force on its 出口日期, else the first day of its 出口月份, else today
 * (lib/ts_docs; docs/filing.md).  Columns id, name, required. */
static int kinds_query(struct ts_ctx *c, const struct item *it, struct ts_db_rows *r)
{
    return ts_docs_kinds(c, it->on, r);
}

/* ---- 单证预归档列表 ------------------------------------------------- */

#define LIST_FILTER                                                                                \
    " AND (? = '' OR INSTR(i.contract_no, ?) > 0) AND (? = '' OR INSTR(i.tracking_no, ?) > 0)"     \
    " AND (? = '' OR INSTR(IFNULL(i.decl_no, ''), ?) > 0) AND (? = '' OR i.export_month = ?)"

/* The query form's conditions, in LIST_FILTER's order; month is YYYYMM or "". */
#define LIST_ARGS(c, month)                                                                        \
    TS_STR(ts_arg_str(c, "contract_no")), TS_STR(ts_arg_str(c, "contract_no")),                    \
        TS_STR(ts_arg_str(c, "tracking_no")), TS_STR(ts_arg_str(c, "tracking_no")),                \
        TS_STR(ts_arg_str(c, "decl_no")), TS_STR(ts_arg_str(c, "decl_no")), TS_STR(month),         \
        TS_STR(month)

/* The query form's 出口月份 as YYYYMM, "" when not given; one that is not
 * a month gets its message next to the field and filters nothing. */
static const char *list_month(struct ts_ctx *c)
{
    const char *raw = ts_arg_str(c, "export_month"), *m;
    if (!raw[0])
        return "";
    if ((m = month_value(c, raw)))
        return m;
    ts_arg_error(c, "export_month", "出口月份应为年月，如 2026-01");
    return "";
}

/* How many items match the query form. */
static int64_t list_count(struct ts_ctx *c, const char *month)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT COUNT(*) AS n FROM prearchive_item i WHERE i.ent_id = ?" LIST_FILTER,
                       TS_ARGS(LIST_ARGS(c, month)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* One page of the matching items, the newest first, with their file counts. */
static int list_page(struct ts_ctx *c, const char *month, int64_t offset, struct ts_db_rows *r)
{
    return ts_scope_query(
        c,
        "SELECT i.id, i.contract_no, i.tracking_no, IFNULL(i.decl_no, '') AS decl_no,"
        " IFNULL(i.bl_no, '') AS bl_no, IFNULL(i.export_date, '') AS export_date,"
        " IFNULL(i.export_month, '') AS export_month, IFNULL(i.remark, '') AS remark,"
        " (SELECT COUNT(*) FROM prearchive_file f WHERE f.item_id = i.id) AS nfiles"
        " FROM prearchive_item i WHERE i.ent_id = ?" LIST_FILTER
        " ORDER BY i.id DESC LIMIT ? OFFSET ?",
        TS_ARGS(LIST_ARGS(c, month), TS_I64(PAGE_SIZE), TS_I64(offset)), r);
}

/* The files of the same page of items, in one query (the page again as a
 * derived table), ordered by item, 单证种类 and upload. */
static int page_files(struct ts_ctx *c, const char *month, int64_t offset, struct ts_db_rows *r)
{
    return ts_scope_query(
        c,
        "SELECT f.id, f.item_id, k.name AS kind_name, f.file_name, f.size, f.uploaded_at"
        " FROM (SELECT i.id FROM prearchive_item i WHERE i.ent_id = ?" LIST_FILTER
        " ORDER BY i.id DESC LIMIT ? OFFSET ?) p"
        " JOIN prearchive_file f ON f.item_id = p.id JOIN doc_kind k ON k.id = f.doc_kind_id"
        " ORDER BY f.item_id, k.sort_order, f.id",
        TS_ARGS(LIST_ARGS(c, month), TS_I64(PAGE_SIZE), TS_I64(offset)), r);
}

/* One file as a page shows it: prefix.{id,kind_name,file_name,size,uploaded_at}. */
static void set_file(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r, size_t i)
{
    static const char *const cols[] = {"id", "kind_name", "file_name", "uploaded_at"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        ts_render_set(c, ts_arena_printf(c->arena, "%s.%s", prefix, cols[k]),
                      ts_db_cell(r, i, cols[k]));
    ts_render_set(c, ts_arena_printf(c->arena, "%s.size", prefix),
                  size_text(c, ts_db_cell_i64(r, i, "size")));
}

/* Put each file under its item's row: Items.<row>.Files.<n>. */
static void set_item_files(struct ts_ctx *c, const struct ts_db_rows *items,
                           const struct ts_db_rows *files)
{
    size_t *n = ts_arena_zalloc(c->arena, (items->nrows + 1) * sizeof *n);
    for (size_t f = 0; f < files->nrows; f++) {
        int64_t item_id = ts_db_cell_i64(files, f, "item_id");
        size_t row = 0;
        while (row < items->nrows && ts_db_cell_i64(items, row, "id") != item_id)
            row++;
        if (row == items->nrows)
            continue;
        set_file(c, ts_arena_printf(c->arena, "Items.%zu.Files.%zu", row, n[row]++), files, f);
    }
}

/* The row the user just worked on (?open=) starts expanded. */
static void set_open(struct ts_ctx *c, const struct ts_db_rows *items)
{
    int64_t open = ts_arg_int(c, "open");
    for (size_t row = 0; open && row < items->nrows; row++)
        if (ts_db_cell_i64(items, row, "id") == open)
            ts_render_set(c, ts_arena_printf(c->arena, "Items.%zu.open", row), "1");
}

/* GET /prearchive/ — 单证预归档: the enterprise's 业务跟踪号 matching the
 * query form (合同协议号 / 内部跟踪号 / 报关单号 contain, 出口月份), 20 a
 * page, each with its files behind 【>】. */
static enum ts_result item_list(struct ts_ctx *c)
{
    struct ts_db_rows items, files;
    struct ts_ui_pager pager;
    const char *month = list_month(c);
    int64_t total = list_count(c, month);
    if (total < 0)
        return TS_FAIL;
    ts_ui_pager(c, total, PAGE_SIZE, &pager);
    if (list_page(c, month, pager.offset, &items) < 0 ||
        page_files(c, month, pager.offset, &files) < 0)
        return TS_FAIL;
    ts_render_rows(c, "Items", &items);
    set_item_files(c, &items, &files);
    set_open(c, &items);
    ts_render_set(c, "Can.Edit", ts_session_can(c, "prearchive.edit") ? "1" : "");
    return ts_ui_page(c, "单证预归档", "prearchive/list.cs");
}

/* ---- 新增业务跟踪号 ------------------------------------------------- */

/* GET /prearchive/new — the 新增业务跟踪号 form. */
static enum ts_result item_new(struct ts_ctx *c)
{
    return ts_ui_page(c, "新增业务跟踪号", "prearchive/new.cs");
}

/* Is the 内部跟踪号 taken in this enterprise?  -1 on a database error. */
static int tracking_taken(struct ts_ctx *c, const char *tracking_no)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT id FROM prearchive_item WHERE ent_id = ? AND tracking_no = ?",
                       TS_ARGS(TS_STR(tracking_no)), &r) < 0)
        return -1;
    return r.nrows > 0;
}

/* The business rules of the form; errors go next to their fields.  *month
 * gets 出口月份 as stored (NULL when not given).  -1 on a database error. */
static int check_item(struct ts_ctx *c, const char **month)
{
    const char *raw = ts_arg_str(c, "export_month");
    int taken = 0;
    *month = NULL;
    if (raw[0] && !ts_arg(c, "export_month")->error && !(*month = month_value(c, raw)))
        ts_arg_error(c, "export_month", "出口月份应为年月，如 2026-01");
    if (ts_arg_present(c, "tracking_no") && !ts_arg(c, "tracking_no")->error &&
        (taken = tracking_taken(c, ts_arg_str(c, "tracking_no"))) > 0)
        ts_arg_error(c, "tracking_no", "内部跟踪号已存在");
    return taken < 0 ? -1 : 0;
}

/* An optional field as stored: NULL when left empty. */
static const char *opt(struct ts_ctx *c, const char *name)
{
    return ts_arg_present(c, name) ? ts_arg_str(c, name) : NULL;
}

/* Insert the item for the session's enterprise (never one the request
 * names); -1 with TS_DB_ER_DUP_ENTRY for a taken 内部跟踪号. */
static int item_insert(struct ts_ctx *c, const char *month, int64_t *id)
{
    struct ts_db_result res;
    if (ts_db_exec(c->db,
                   "INSERT INTO prearchive_item (ent_id, contract_no, tracking_no, decl_no, bl_no,"
                   " export_date, export_month, remark, created_by)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_STR(ts_arg_str(c, "contract_no")),
                           TS_STR(ts_arg_str(c, "tracking_no")), TS_STR(opt(c, "decl_no")),
                           TS_STR(opt(c, "bl_no")), TS_STR(opt(c, "export_date")), TS_STR(month),
                           TS_STR(opt(c, "remark")), TS_I64(c->session->user_id)),
                   &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* The form again with its errors and everything typed (TS_ROLLBACK). */
static enum ts_result new_again(struct ts_ctx *c)
{
    return item_new(c) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* POST /prearchive/save — 【保存】 on 新增业务跟踪号. */
static enum ts_result item_save(struct ts_ctx *c)
{
    const char *month;
    int64_t id = 0;
    if (ts_scope_tenant(c) <= 0)
        return ts_ui_not_found(c, ITEM_NOT_FOUND);
    if (check_item(c, &month) < 0)
        return TS_FAIL;
    if (ts_arg_has_errors(c))
        return new_again(c);
    if (item_insert(c, month, &id) < 0) {
        if (ts_db_errno(c->db) != TS_DB_ER_DUP_ENTRY)
            return TS_FAIL;
        ts_arg_error(c, "tracking_no", "内部跟踪号已存在");
        return new_again(c);
    }
    if (ts_audit_log(c, "prearchive_item", id,
                     ts_arena_printf(c->arena, "create contract_no=%s tracking_no=%s decl_no=%s",
                                     ts_arg_str(c, "contract_no"), ts_arg_str(c, "tracking_no"),
                                     ts_arg_str(c, "decl_no"))) < 0)
        return TS_FAIL;
    return ts_ui_done(c, "保存成功。",
                      ts_arena_printf(c->arena, LIST_URL "?open=%lld", (long long)id));
}

/* ---- 传预归档单证 --------------------------------------------------- */

/* The item's files for the upload page (Files.<n>). */
static int set_files_of(struct ts_ctx *c, int64_t item_id)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT f.id, k.name AS kind_name, f.file_name, f.size, f.uploaded_at"
                       " FROM prearchive_file f JOIN doc_kind k ON k.id = f.doc_kind_id"
                       " WHERE f.ent_id = ? AND f.item_id = ? ORDER BY k.sort_order, f.id",
                       TS_ARGS(TS_I64(item_id)), &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows; i++)
        set_file(c, ts_arena_printf(c->arena, "Files.%zu", i), &r, i);
    return 0;
}

/* The upload page of an item: 选择单证种类, the file box, the files it has. */
static enum ts_result upload_page(struct ts_ctx *c, const struct item *it,
                                  const struct ts_db_rows *kinds)
{
    for (size_t i = 0; i < kinds->nrows; i++)
        ts_ui_option(c, "Options.Kinds", (int)i, ts_db_cell(kinds, i, "id"),
                     ts_db_cell(kinds, i, "name"));
    if (set_files_of(c, it->id) < 0)
        return TS_FAIL;
    ts_render_set_int(c, "Item.Id", it->id);
    ts_render_set(c, "Item.ContractNo", it->contract_no);
    ts_render_set(c, "Item.TrackingNo", it->tracking_no);
    ts_render_set(c, "Item.DeclNo", it->decl_no);
    return ts_ui_page(c, "传预归档单证", "prearchive/upload.cs");
}

/* GET /prearchive/upload?id= — 【上传】 on a row. */
static enum ts_result upload_form(struct ts_ctx *c)
{
    struct item it;
    struct ts_db_rows kinds;
    int found = item_load(c, ts_arg_int(c, "id"), false, &it);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, ITEM_NOT_FOUND);
    if (kinds_query(c, &it, &kinds) < 0)
        return TS_FAIL;
    return upload_page(c, &it, &kinds);
}

/* Is the chosen 单证种类 one that applies to the enterprise? */
static bool kind_offered(struct ts_ctx *c, const struct ts_db_rows *kinds)
{
    int64_t kind = ts_arg_int(c, "doc_kind_id");
    for (size_t k = 0; k < kinds->nrows; k++)
        if (ts_db_cell_i64(kinds, k, "id") == kind)
            return true;
    return false;
}

/* Check the 单证种类 and put every file in the store (lib/ts_upload: size,
 * then the type by content; no row yet).  Problems go on the page, one line
 * per file.  Returns the number of problems. */
static size_t store_files(struct ts_ctx *c, const struct ts_db_rows *kinds,
                          struct ts_upload_batch *b)
{
    if (!ts_arg(c, "doc_kind_id")->error && !kind_offered(c, kinds))
        ts_arg_error(c, "doc_kind_id", "请选择单证种类");
    if (b->n == 0)
        ts_arg_error(c, FILE_FIELD, "请选择要上传的单证文件");
    size_t bad = ts_upload_store_all(c, b, MAX_FILE_BYTES, TS_FILE_JPEG | TS_FILE_PDF);
    if (bad)
        ts_arg_error(c, FILE_FIELD,
                     b->n > 1 ? "有文件未能上传，本次选择的文件均未保存，请处理后重新选择"
                              : "文件未能上传，未保存");
    return bad + (ts_arg_has_errors(c) ? 1 : 0);
}

/* Is this content already on the item under the kind?  -1 on a database
 * error. */
static int already_there(struct ts_ctx *c, int64_t item_id, int64_t kind, const char *sha256)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT id FROM prearchive_file WHERE ent_id = ? AND item_id = ?"
                       " AND doc_kind_id = ? AND sha256 = ?",
                       TS_ARGS(TS_I64(item_id), TS_I64(kind), TS_STR(sha256)), &r) < 0)
        return -1;
    return r.nrows > 0;
}

/* The row of a stored file on the item, and its audit row. */
static int file_insert(struct ts_ctx *c, int64_t item_id, int64_t kind, const char *name,
                       const struct ts_stored *s)
{
    struct ts_db_result res;
    if (ts_db_exec(c->db,
                   "INSERT INTO prearchive_file (ent_id, item_id, doc_kind_id, sha256, file_name,"
                   " size, kind, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_I64(item_id), TS_I64(kind),
                           TS_STR(s->sha256), TS_STR(name), TS_I64(s->size),
                           TS_STR(ts_store_kind_name(s->kind)), TS_I64(c->session->user_id)),
                   &res) < 0)
        return -1;
    return ts_audit_log(
        c, "prearchive_file", (int64_t)res.insert_id,
        ts_arena_printf(c->arena, "upload item=%lld kind=%lld sha256=%s size=%lld name=%s",
                        (long long)item_id, (long long)kind, s->sha256, (long long)s->size, name));
}

/* What one upload did, for the message after it. */
struct upload_result {
    size_t stored;
    const char *notes; /* files recognised as already there */
};

/* Record one stored file and put it on the item, unless the same content
 * is there under the kind already (uploaded before, or twice in this
 * upload).  -1 on a database error. */
static int record_one(struct ts_ctx *c, int64_t item_id, int64_t kind, size_t i,
                      const char *name, const struct ts_stored *s, struct upload_result *res)
{
    int there;
    if (ts_store_record(c->db, s) < 0 || (there = already_there(c, item_id, kind, s->sha256)) < 0)
        return -1;
    if (there) {
        res->notes = ts_arena_printf(c->arena, "%s第%zu个文件 %s：已上传过相同文件，未重复保存。",
                                     res->notes, i + 1, name);
        return 0;
    }
    res->stored++;
    return file_insert(c, item_id, kind, name, s);
}

/* The message after an upload: how many were stored, and which were
 * recognised as already there — cut to fit the flash (session.flash is
 * 500 characters). */
static const char *upload_message(struct ts_ctx *c, const struct upload_result *res)
{
    const char *m =
        res->stored == 0
            ? ts_arena_printf(c->arena, "没有新的文件需要保存。%s", res->notes)
            : ts_arena_printf(c->arena, "上传成功%zu个文件。%s", res->stored, res->notes);
    return ts_upload_cut(c, m, FLASH_MAX_CHARS, true);
}

/* POST /prearchive/upload — 【上传】: the chosen files under the chosen
 * 单证种类, all or none: every file is checked and stored first, and only
 * when all passed are their rows written, in the request's transaction. */
static enum ts_result upload_save(struct ts_ctx *c)
{
    struct item it;
    struct ts_db_rows kinds;
    struct upload_result res = {0, ""};
    struct ts_upload_batch b;
    int found = item_load(c, ts_arg_int(c, "id"), true, &it);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, ITEM_NOT_FOUND);
    if (kinds_query(c, &it, &kinds) < 0)
        return TS_FAIL;
    ts_upload_collect(c, FILE_FIELD, NAME_MAX_CHARS, &b);
    if (store_files(c, &kinds, &b) > 0)
        return upload_page(c, &it, &kinds) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    for (size_t i = 0; i < b.n; i++)
        if (record_one(c, it.id, ts_arg_int(c, "doc_kind_id"), i, b.names[i], &b.stored[i],
                       &res) < 0)
            return TS_FAIL;
    return ts_ui_done(c, upload_message(c, &res),
                      ts_arena_printf(c->arena, LIST_URL "?open=%lld", (long long)it.id));
}

/* ---- 查看 / 删除 ---------------------------------------------------- */

/* Load one of the enterprise's files: 1 found, 0 not, -1 database error. */
static int file_load(struct ts_ctx *c, int64_t id, struct ts_db_rows *r)
{
    if (ts_scope_query(c,
                       "SELECT f.id, f.item_id, f.doc_kind_id, f.sha256, f.file_name, f.kind"
                       " FROM prearchive_file f WHERE f.ent_id = ? AND f.id = ?",
                       TS_ARGS(TS_I64(id)), r) < 0)
        return -1;
    return r->nrows == 1;
}

/* GET /prearchive/file?id= — 查看: the stored file, shown in the browser
 * with its type's mime (the type the store found, not the name's). */
static enum ts_result file_view(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = file_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, FILE_NOT_FOUND);
    return ts_ui_send_stored(c, ts_db_cell(&r, 0, "sha256"), ts_db_cell(&r, 0, "kind"),
                             ts_db_cell(&r, 0, "file_name"));
}

/* POST /prearchive/delete — 删除 of one file; back to where it was. */
static enum ts_result file_delete(struct ts_ctx *c)
{
    struct ts_db_rows r;
    int found = file_load(c, ts_arg_int(c, "id"), &r);
    if (found <= 0)
        return found < 0 ? TS_FAIL : ts_ui_not_found(c, FILE_NOT_FOUND);
    int64_t id = ts_db_cell_i64(&r, 0, "id"), item_id = ts_db_cell_i64(&r, 0, "item_id");
    if (ts_scope_exec(c, "DELETE FROM prearchive_file WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_I64(id)), NULL) < 0 ||
        ts_audit_log(c, "prearchive_file", id,
                     ts_arena_printf(c->arena, "delete item=%lld kind=%s sha256=%s name=%s",
                                     (long long)item_id, ts_db_cell(&r, 0, "doc_kind_id"),
                                     ts_db_cell(&r, 0, "sha256"), ts_db_cell(&r, 0, "file_name"))) <
            0)
        return TS_FAIL;
    const char *back =
        strcmp(ts_arg_str(c, "from"), "upload") == 0
            ? ts_arena_printf(c->arena, LIST_URL "upload?id=%lld", (long long)item_id)
            : ts_arena_printf(c->arena, LIST_URL "?open=%lld", (long long)item_id);
    return ts_ui_done(
        c, ts_arena_printf(c->arena, "已删除文件“%s”。", ts_db_cell(&r, 0, "file_name")), back);
}

static const struct ts_param list_params[] = {
    ts_param_str("contract_no", "合同协议号", 0, 0, 50),
    ts_param_str("tracking_no", "内部跟踪号", 0, 0, 50),
    ts_param_str("decl_no", "报关单号", 0, 0, 18),
    ts_param_str("export_month", "出口月份", 0, 0, 7),
    ts_param_int("page", "页码", 0, 1, 1000000),
    ts_param_int("open", "业务跟踪号", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param save_params[] = {
    ts_param_str("contract_no", "合同协议号", TS_REQ, 1, 50),
    ts_param_str("tracking_no", "内部跟踪号", TS_REQ, 1, 50),
    ts_param_code("decl_no", "报关单号", 0, TS_CODE_DECL_NO),
    ts_param_str("bl_no", "提运单号", 0, 0, 50),
    ts_param_date("export_date", "出口日期", 0),
    ts_param_str("export_month", "出口月份", 0, 0, 7),
    ts_param_str("remark", "备注", 0, 0, 500),
    TS_PARAMS_END,
};

static const struct ts_param id_params[] = {
    ts_param_int("id", "业务跟踪号", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param upload_params[] = {
    ts_param_int("id", "业务跟踪号", TS_REQ, 1, INT64_MAX),
    ts_param_int("doc_kind_id", "单证种类", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param file_params[] = {
    ts_param_int("id", "单证文件", TS_REQ, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_param delete_params[] = {
    ts_param_int("id", "单证文件", TS_REQ, 1, INT64_MAX),
    ts_param_enum("from", "来源", 0, from_choices),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "prearchive", list_params, item_list, 0},
    {"new", TS_GET, "prearchive.edit", NULL, item_new, 0},
    {"save", TS_POST, "prearchive.edit", save_params, item_save, 0},
    {"upload", TS_GET, "prearchive.edit", id_params, upload_form, 0},
    {"upload", TS_POST, "prearchive.edit", upload_params, upload_save, TS_MULTIPART},
    {"file", TS_GET, "prearchive", file_params, file_view, 0},
    {"delete", TS_POST, "prearchive.edit", delete_params, file_delete, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"prearchive", "单证预归档", actions};

int main(void)
{
    return ts_app_main(&module);
}
