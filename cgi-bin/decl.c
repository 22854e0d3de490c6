/* decl — 报关单查询下载 (manual 003 §2.1): an enterprise queries the 出口
 * 报关单 customs published (cgi-bin/customs.c) and opens one.
 *
 * §2.1.1 报关单查询: 报关单类型 (结关报关单 by default, or 启运港退税报关单),
 * then either 出口报关单号 (18 digits, required when chosen) or 出口日期
 * (start and end required when chosen; the same day allowed; at most 30
 * days counted with both ends, so 1 to 30 January passes and 1 to 31
 * January does not; docs/formats.md).  The results, 20 a page; the number
 * opens §2.1.5 报关单详情 with the header and the body.  The tips of
 * §2.1.1 stand under the query form; the one on 数据传输状态 also on the
 * detail page.
 *
 * Tenancy (§2.1.1 小提示2: 只支持报关单的境内收发货人查询): a declaration
 * belongs to the enterprise whose 统一社会信用代码 it names as 境内发货人,
 * or, when it names none, whose 海关编码 (export_decl_head.owner_key).
 * Every query goes through ts_scope with the enterprise as a derived table
 * whose id is the tenant filter, so another enterprise's number answers
 * exactly like a number that does not exist.
 *
 * §2.1.3 / §2.1.7 重新发往税务总局: the declarations ticked in the list (at
 * most 10), or the one of the detail page, get a row each in
 * export_decl_resend (schema/014: who, when, which version) for the tax
 * side; audited.  §2.1.4 批量预览/打印 (at most 10 ticked) and §2.1.8
 * 预览/打印: a PDF laid out as the paper 出口货物报关单 (lib/ts_cdecl_pdf),
 * one declaration a page (more when its body is long).  §2.1.9 直接打印:
 * the same form as an HTML page that opens the browser's print dialog. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_audit.h"
#include "ts_card.h"
#include "ts_buf.h"
#include "ts_cdecl_pdf.h"
#include "ts_codes.h"
#include "ts_config.h"
#include "ts_customs_decl.h"
#include "ts_log.h"
#include "ts_package.h"
#include "ts_resp.h"
#include "ts_scope.h"
#include "ts_ui.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_SIZE    20
#define MAX_DAYS     30
#define NOT_FOUND    "未查询到该报关单。只支持报关单的境内收发货人查询，其他单位无查询权限。"
#define NOT_FOUND_NO "未查询到报关单号为%s的%s。"
#define MAX_SELECTED 10 /* §2.1.3, §2.1.4: 页面支持一次最多选择10条报关单数据 */
#define TOO_MANY     "页面支持一次最多选择10条报关单数据，您选择了%zu条，请减少后再试。"
#define NONE_CHOSEN  "请先勾选报关单。"
#define RESENT                                                                                     \
    "发送成功！已将%zu条报关单数据重新发往税务总局，请于3-5个工作日后联系当地税务局查询。"

static const char *const type_choices[] = {"clear", "port", NULL};
static const char *const by_choices[] = {"no", "date", NULL};
static const char *const auto_choices[] = {"1", NULL};

/* The enterprise's declarations: ts_scope binds the tenant at e.ent_id.
 * owner_key is ascii, the enterprise's codes utf8mb4: converted to ascii
 * so that the join can use ix_export_decl_owner_list (compared as utf8mb4 it
 * could not, and every request read the whole table: docs/performance.md
 * "报关单查询"). */
#define ENTERPRISE           " FROM (SELECT id AS ent_id, uscc, customs_code FROM enterprise) e"
#define ENT_KEY(prefix, col) "CONVERT(CONCAT('" prefix "', e." col ") USING ascii)"
#define ENT_KEYS             "(" ENT_KEY("S", "uscc") ", " ENT_KEY("C", "customs_code") ")"
#define OWNED_FROM           ENTERPRISE " JOIN export_decl_head h ON h.owner_key IN " ENT_KEYS
#define OWNED_WHERE          " WHERE e.ent_id = ? AND h.current_entry_id IS NOT NULL"
#define OWNED                OWNED_FROM OWNED_WHERE

/* ---- the query form ---- */

/* A chosen query, as the SQL takes it ("" = not used). */
struct query {
    const char *type; /* clear / port */
    const char *entry_id;
    const char *start, *end;
    int64_t total, under_s; /* found in all, under the S key (by date) */
};

/* The 出口报关单号 way: the number is required. */
static bool by_number(struct ts_ctx *c, struct query *q)
{
    if (ts_arg(c, "entry_id")->error)
        return false; /* its message is on the page already */
    if (!ts_arg_present(c, "entry_id")) {
        ts_arg_error(c, "entry_id", "请录入18位出口报关单号");
        return false;
    }
    q->entry_id = ts_arg_str(c, "entry_id");
    return true;
}

/* The 出口日期 way: both dates, end not before start, at most 30 days. */
static bool by_date(struct ts_ctx *c, struct query *q)
{
    if (ts_arg(c, "start")->error || ts_arg(c, "end")->error)
        return false;
    if (!ts_arg_present(c, "start") || !ts_arg_present(c, "end")) {
        ts_arg_error(c, ts_arg_present(c, "start") ? "end" : "start", "请选择出口日期的起止日期");
        return false;
    }
    int64_t days =
        ts_codes_day_number(ts_arg_str(c, "end")) - ts_codes_day_number(ts_arg_str(c, "start")) + 1;
    if (days < 1) {
        ts_arg_error(c, "end", "出口日期的结束日期不能早于开始日期");
        return false;
    }
    if (days > MAX_DAYS) {
        ts_arg_error(c, "end", "出口日期查询区间最长不能超过30天，请缩小查询范围");
        return false;
    }
    q->start = ts_arg_str(c, "start");
    q->end = ts_arg_str(c, "end");
    return true;
}

/* The query the form asks for; false when it asks for none (the first
 * visit) or one with a problem, said next to its field. */
static bool read_query(struct ts_ctx *c, struct query *q)
{
    *q = (struct query){.type = "clear", .entry_id = "", .start = "", .end = ""};
    if (ts_arg_present(c, "decl_type") && !ts_arg(c, "decl_type")->error)
        q->type = ts_arg_str(c, "decl_type");
    ts_render_set(c, "Query.Type", q->type);
    const char *by = ts_arg(c, "by")->error ? "" : ts_arg_str(c, "by");
    if (!by[0]) /* a link with only a number or only dates (no radio sent) */
        by = ts_arg_present(c, "entry_id")                            ? "no"
             : ts_arg_present(c, "start") || ts_arg_present(c, "end") ? "date"
                                                                      : "";
    ts_render_set(c, "Query.By", by[0] ? by : "no");
    if (strcmp(by, "no") == 0)
        return by_number(c, q);
    if (strcmp(by, "date") == 0)
        return by_date(c, q);
    return false;
}

/* ---- 报关单查询 ---- */

#define QUERY_FILTER                                                                               \
    " AND h.decl_type = ? AND (? = '' OR h.entry_id = ?)"                                          \
    " AND (? = '' OR h.ie_date >= ?) AND (? = '' OR h.ie_date <= ?)"
#define QUERY_ARGS(q)                                                                              \
    TS_STR((q)->type), TS_STR((q)->entry_id), TS_STR((q)->entry_id), TS_STR((q)->start),           \
        TS_STR((q)->start), TS_STR((q)->end), TS_STR((q)->end)

/* The 出口报关单号 way names one declaration: the general filter finds it by
 * uk_export_decl_version, whatever the enterprise's volume. */
static int64_t count_by_number(struct ts_ctx *c, const struct query *q)
{
    struct ts_db_rows r;
    if (ts_scope_query(c, "SELECT COUNT(*) AS n" OWNED QUERY_FILTER, TS_ARGS(QUERY_ARGS(q)), &r) <
        0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* The 出口日期 way counts from export_decl_day_count (schema/017: the
 * current versions per owner key, type and day, kept by triggers): at most
 * 2 keys x 30 days, where a COUNT over the declarations read every one of
 * the range (thousands for a large exporter; docs/performance.md
 * "报关单查询").  The 统一社会信用代码 key's share goes to q->under_s, so the
 * page can read one key's index range alone when the other has none. */
static int64_t count_by_date(struct ts_ctx *c, struct query *q)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT IFNULL(SUM(d.n), 0) AS n,"
                       " IFNULL(SUM(IF(LEFT(d.owner_key, 1) = 'S', d.n, 0)), 0) AS ns" ENTERPRISE
                       " JOIN export_decl_day_count d ON d.owner_key IN " ENT_KEYS
                       " WHERE e.ent_id = ? AND d.decl_type = ? AND d.ie_date >= ?"
                       " AND d.ie_date <= ?",
                       TS_ARGS(TS_STR(q->type), TS_STR(q->start), TS_STR(q->end)), &r) < 0)
        return -1;
    q->under_s = ts_db_cell_i64(&r, 0, "ns");
    return ts_db_cell_i64(&r, 0, "n");
}

/* How many declarations the query finds: by number, or by type and dates
 * (read_query gives one way or the other). */
static int64_t result_count(struct ts_ctx *c, struct query *q)
{
    q->total = q->entry_id[0] ? count_by_number(c, q) : count_by_date(c, q);
    return q->total;
}

#define PAGE_COLUMNS                                                                               \
    "SELECT h.id, h.entry_id, h.trade_name, h.ie_date, h.d_date,"                                  \
    " IFNULL(h.clear_date, '') AS clear_date, h.trade_mode, h.trade_country,"                      \
    " h.trans_status,"                                                                             \
    " (SELECT COUNT(*) FROM export_decl_list l WHERE l.head_id = h.id) AS nlines"

/* The first (offset + 20) current declarations of the type and dates
 * under one of the enterprise's owner keys ('S' + 统一社会信用代码 or
 * 'C' + 海关编码), in the list's order, taken from
 * ix_export_decl_owner_list alone.  The key is a scalar subquery, not a
 * join: joined to the enterprise the optimizer reads the whole range and
 * sorts it (EXPLAIN: ref + filesort), compared with a constant it walks
 * the index in order and stops. */
#define KEY_RANGE(prefix, col)                                                                     \
    "SELECT h.id, h.ie_date, h.entry_id FROM export_decl_head h"                                   \
    " WHERE h.owner_key = (SELECT " ENT_KEY(prefix, col) ENTERPRISE                                \
        " WHERE e.ent_id = ?)"                                                                     \
        " AND h.current_entry_id IS NOT NULL AND h.decl_type = ?"                                  \
        " AND h.ie_date >= ? AND h.ie_date <= ? ORDER BY h.ie_date, h.entry_id"
#define KEY_IDS(prefix, col) "(" KEY_RANGE(prefix, col) " LIMIT ?)"

/* One page by 出口日期: the two keys' ids merged and cut to the page, and
 * only then the page's 20 rows read (a deferred join).  The two keys never
 * name the same declaration (owner_key starts with S or C). */
#define BOTH_KEYS_IDS KEY_IDS("S", "uscc") " UNION ALL " KEY_IDS("C", "customs_code")
#define PAGE_ROWS(ids)                                                                             \
    PAGE_COLUMNS " FROM (" ids ") p"                                                               \
                 " JOIN export_decl_head h ON h.id = p.id ORDER BY p.ie_date, p.entry_id"
#define DATE_PAGE PAGE_ROWS(BOTH_KEYS_IDS " ORDER BY ie_date, entry_id LIMIT ? OFFSET ?")
/* The same when only one key has declarations in the range (most
 * enterprises: every declaration under one key): one branch, no union —
 * fewer SELECT blocks for the optimizer, which MariaDB runs again at every
 * execution (docs/performance.md "报关单查询", "One owner key"). */
#define ONE_KEY_PAGE(prefix, col) PAGE_ROWS(KEY_RANGE(prefix, col) " LIMIT ? OFFSET ?")

/* The page from the key that holds every declaration of the range.
 * Placeholders: tenant, type, start, end, LIMIT, OFFSET. */
static int page_one_key(struct ts_ctx *c, const struct query *q, int64_t offset,
                        struct ts_db_rows *r)
{
    const char *sql = q->under_s ? ONE_KEY_PAGE("S", "uscc") : ONE_KEY_PAGE("C", "customs_code");
    return ts_scope_query(c, sql,
                          TS_ARGS(TS_STR(q->type), TS_STR(q->start), TS_STR(q->end),
                                  TS_I64(PAGE_SIZE), TS_I64(offset)),
                          r);
}

/* ts_scope binds the tenant in the first key's subquery (placeholder 1);
 * the second key's is given it explicitly.  Placeholders: S key: tenant,
 * type, start, end, upto; C key: tenant, type, start, end, upto; then
 * the page's LIMIT and OFFSET.  One key's statement when the count found
 * declarations under one key only. */
static int page_by_date(struct ts_ctx *c, const struct query *q, int64_t offset,
                        struct ts_db_rows *r)
{
    if (q->under_s == 0 || q->under_s == q->total)
        return page_one_key(c, q, offset, r);
    int64_t upto = offset + PAGE_SIZE;
    return ts_scope_query(c, DATE_PAGE,
                          TS_ARGS(TS_STR(q->type), TS_STR(q->start), TS_STR(q->end), TS_I64(upto),
                                  TS_I64(ts_scope_tenant(c)), TS_STR(q->type), TS_STR(q->start),
                                  TS_STR(q->end), TS_I64(upto), TS_I64(PAGE_SIZE), TS_I64(offset)),
                          r);
}

/* One page by number: at most the one declaration. */
static int page_by_number(struct ts_ctx *c, const struct query *q, int64_t offset,
                          struct ts_db_rows *r)
{
    return ts_scope_query(
        c, PAGE_COLUMNS OWNED QUERY_FILTER " ORDER BY h.ie_date, h.entry_id LIMIT ? OFFSET ?",
        TS_ARGS(QUERY_ARGS(q), TS_I64(PAGE_SIZE), TS_I64(offset)), r);
}

/* One page of results, by 出口日期 then number. */
static int result_page(struct ts_ctx *c, const struct query *q, int64_t offset,
                       struct ts_db_rows *r)
{
    if ((q->entry_id[0] ? page_by_number(c, q, offset, r) : page_by_date(c, q, offset, r)) < 0)
        return -1;
    for (size_t i = 0; i < r->nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Decls.%zu.status_label", i),
                      ts_cdecl_trans_status_label(ts_db_cell(r, i, "trans_status")));
    return 0;
}

/* What the list says when nothing matched. */
static void say_none(struct ts_ctx *c, const struct query *q)
{
    const char *kind = strcmp(q->type, "port") == 0 ? "启运港退税报关单" : "结关报关单";
    ts_render_set(c, "Result.None",
                  q->entry_id[0] ? ts_arena_printf(c->arena, NOT_FOUND_NO, q->entry_id, kind)
                                 : ts_arena_printf(c->arena, "所选出口日期内未查询到%s。", kind));
}

/* GET /decl/ — 报关单查询: the form, and after 查询 the results. */
static enum ts_result decl_query(struct ts_ctx *c)
{
    struct query q;
    struct ts_db_rows rows;
    struct ts_ui_pager pager;
    if (read_query(c, &q)) {
        int64_t total = result_count(c, &q);
        if (total < 0)
            return TS_FAIL;
        ts_ui_pager(c, total, PAGE_SIZE, &pager);
        if (result_page(c, &q, pager.offset, &rows) < 0)
            return TS_FAIL;
        ts_render_rows(c, "Decls", &rows);
        ts_render_set(c, "Result.Shown", "1");
        ts_render_set(c, "Back", ts_arena_printf(c->arena, "/decl/?%s", c->query ? c->query : ""));
        if (total == 0)
            say_none(c, &q);
    }
    return ts_ui_page(c, "报关单查询下载", "decl/query.cs");
}

/* ---- 报关单详情 ---- */

/* The current version of the enterprise's declaration no, with its
 * lines, into *out and its header row into *head (id, version); 0 when it is not the
 * enterprise's (or does not exist), -1 on a database error. */
static int load_decl(struct ts_ctx *c, const char *no, struct ts_cdecl_print *out,
                     struct ts_db_rows *head)
{
    struct ts_db_rows lines;
    if (ts_scope_query(c, "SELECT h.*" OWNED " AND h.current_entry_id = ?", TS_ARGS(TS_STR(no)),
                       head) < 0)
        return -1;
    if (head->nrows != 1)
        return 0;
    if (ts_scope_query(c,
                       "SELECT l.*" OWNED_FROM
                       " JOIN export_decl_list l ON l.head_id = h.id" OWNED_WHERE
                       " AND h.id = ? ORDER BY l.g_no",
                       TS_ARGS(TS_I64(ts_db_cell_i64(head, 0, "id"))), &lines) < 0)
        return -1;
    out->decl = ts_cdecl_from_rows(c->arena, head, 0, &lines);
    out->trans_status = ts_cdecl_trans_status_label(ts_db_cell(head, 0, "trans_status"));
    return 1;
}

/* GET /decl/view?entry_id= — §2.1.5: the current version's header and
 * body, if the declaration is the enterprise's. */
static enum ts_result decl_view(struct ts_ctx *c)
{
    struct ts_db_rows head;
    struct ts_cdecl_print d;
    int found = load_decl(c, ts_arg_str(c, "entry_id"), &d, &head);
    if (found < 0)
        return TS_FAIL;
    if (!found)
        return ts_ui_not_found(c, NOT_FOUND);
    ts_cdecl_render(c, "Decl", d.decl);
    ts_render_set(c, "Decl.status_label", d.trans_status);
    ts_render_set(
        c, "Back",
        ts_arena_printf(c->arena, "/decl/view?entry_id=%s", d.decl->head[TS_CDECL_H_ENTRY_ID]));
    return ts_ui_page(c, "报关单详情", "decl/view.cs");
}

/* ---- XML 文件下载 (§2.1.2) ----
 *
 * Every result of the query (not only the page) as the 报关单 XML of
 * docs/formats.md, in a data package signed by the portal's key and
 * encrypted to the certificate of the user's bound card, so that only
 * that card reads it into the rebate modules (小提示).  Limits: at most
 * 1000 body rows when the 出口日期 range is longer than one day (the
 * manual's); a file of at most 8 MB for every query (the manual's for a
 * range longer than a day; ours for a day too, so that the memory a
 * download takes is bounded: the XML is built in batches and given up as
 * soon as it passes 8 MB).  docs/declarations.md "XML 文件下载". */

#define DOWNLOAD_MAX_LINES 1000
/* 8M read as 8 000 000 bytes: the stricter reading, and the only one the
 * rule can meet at all with 1000 body rows (docs/declarations.md). */
#define DOWNLOAD_MAX_BYTES 8000000u
/* 「下载失败：您本次下载的N条数据，」 then this. */
#define MSG_TOO_MANY_REST "超过了1000条的下载上限，请重新设置查询条件进行下载，缩小查询范围"
#define MSG_TOO_LARGE     "您下载的报关单数据量过大，请调整查询区间后再试！"
/* After it when the query was one day already (no shorter range exists). */
#define MSG_TOO_LARGE_DAY "所选出口日期已是一天，请按出口报关单号查询后逐票下载。"
#define MSG_NO_RESULTS    "没有可下载的报关单数据，请先查询。"
#define DOWNLOAD_TYPE     "application/octet-stream"

/* The download was refused: the query page again, with its results and
 * the message above them. */
static enum ts_result download_refused(struct ts_ctx *c, const char *message)
{
    ts_render_set(c, "Download.Error", message);
    return decl_query(c);
}

/* §2.1.2: a range of one day (start = end) has no limit; so has a query
 * by number (one declaration, one day). */
static bool within_one_day(const struct query *q)
{
    return q->entry_id[0] || strcmp(q->start, q->end) == 0;
}

/* The body rows (表体条数) of every result. */
static int64_t download_line_count(struct ts_ctx *c, const struct query *q)
{
    struct ts_db_rows r;
    if (ts_scope_query(c,
                       "SELECT COUNT(*) AS n" OWNED_FROM
                       " JOIN export_decl_list l ON l.head_id = h.id" OWNED_WHERE QUERY_FILTER,
                       TS_ARGS(QUERY_ARGS(q)), &r) < 0)
        return -1;
    return ts_db_cell_i64(&r, 0, "n");
}

/* The download as it is built, one batch of declarations at a time, in
 * the order of the results (出口日期, number): the XML so far, how many
 * declarations and body rows it holds, the ranges the file name takes,
 * and the last declaration written (where the next batch starts). */
struct dl_build {
    struct ts_buf xml;
    size_t decls, lines;
    char ie_lo[16], ie_hi[16], d_lo[16], d_hi[16], no_lo[24], no_hi[24];
    char after_date[16], after_no[24];
    bool too_large; /* stopped: the XML alone passed DOWNLOAD_MAX_BYTES */
};

/* A batch: at most this many declarations, and no more body rows than
 * DL_BATCH_LINES unless one declaration alone has more (99 at most), so
 * the rows held at once stay far below the file's 8 MB. */
#define DL_BATCH_HEADS 100
#define DL_BATCH_LINES 500

/* After the last declaration written (the keyset of the results' order);
 * "1000-01-01" before the first.  Written without OR (MariaDB reads it as
 * the same ranges of ix_export_decl_owner_list): by 出口日期 it stands
 * after the tenant filter's subquery, where ts_scope refuses any OR. */
#define DL_AFTER         " AND h.ie_date >= ? AND NOT (h.ie_date = ? AND h.entry_id <= ?)"
#define DL_AFTER_ARGS(b) TS_STR((b)->after_date), TS_STR((b)->after_date), TS_STR((b)->after_no)

/* The query's filter as two statement texts, one for 出口报关单号 and one
 * for 出口日期, never one text for both ("? = '' OR ..."): MariaDB 10.11
 * returns a prepared statement's ORDER BY ... LIMIT in the wrong order once
 * it was executed with the number set (docs/declarations.md). */
#define DL_BY_NO " AND h.decl_type = ? AND h.entry_id = ?"
#define DL_HEAD_COLUMNS                                                                            \
    "SELECT h.*,"                                                                                  \
    " (SELECT COUNT(*) FROM export_decl_list l WHERE l.head_id = h.id) AS nlines"
#define DL_HEADS_BY_NO                                                                             \
    DL_HEAD_COLUMNS OWNED DL_BY_NO DL_AFTER " ORDER BY h.ie_date, h.entry_id LIMIT ?"
/* Up to the batch's last declaration (its 出口日期 and number). */
#define DL_UPTO " AND h.ie_date <= ? AND NOT (h.ie_date = ? AND h.entry_id > ?)"
#define DL_LINES_BY_NO                                                                             \
    "SELECT l.*" OWNED_FROM                                                                        \
    " JOIN export_decl_list l ON l.head_id = h.id" OWNED_WHERE DL_BY_NO DL_AFTER DL_UPTO           \
    " ORDER BY l.head_id, l.g_no"

/* 出口日期: the next current declarations after the last one written under
 * one of the enterprise's owner keys, in the results' order, read from
 * ix_export_decl_owner_list alone (the list's KEY_IDS with the keyset
 * inside), then `tail`: the batch's size, or its last declaration.  Each
 * batch so reads the next entries of the index, where one ordered query
 * over both keys read and sorted the whole rest of the range each time
 * (thousands of rows a batch for a large exporter's day: quadratic in the
 * day). */
#define DL_KEY_IDS(prefix, col, tail)                                                              \
    "(SELECT h.id, h.ie_date, h.entry_id FROM export_decl_head h"                                  \
    " WHERE h.owner_key = (SELECT " ENT_KEY(prefix, col) ENTERPRISE                                \
        " WHERE e.ent_id = ?)"                                                                     \
        " AND h.current_entry_id IS NOT NULL AND h.decl_type = ?"                                  \
        " AND h.ie_date >= ? AND h.ie_date <= ?" DL_AFTER tail ")"
#define DL_IN_ORDER " ORDER BY h.ie_date, h.entry_id LIMIT ?"
#define DL_NEXT_IDS                                                                                \
    DL_KEY_IDS("S", "uscc", DL_IN_ORDER) " UNION ALL " DL_KEY_IDS("C", "customs_code", DL_IN_ORDER)
#define DL_BATCH_IDS                                                                               \
    DL_KEY_IDS("S", "uscc", DL_UPTO) " UNION ALL " DL_KEY_IDS("C", "customs_code", DL_UPTO)
/* The batch's headers: the two keys' next ids merged and cut to the batch
 * (the two keys never name the same declaration: owner_key starts with S
 * or C), then their rows.  Its body rows: those of the ids up to the
 * batch's last, under each key a bounded range of the index. */
#define DL_HEADS_BY_DATE                                                                           \
    DL_HEAD_COLUMNS " FROM (" DL_NEXT_IDS " ORDER BY ie_date, entry_id LIMIT ?) p"                 \
                    " JOIN export_decl_head h ON h.id = p.id ORDER BY p.ie_date, p.entry_id"
#define DL_LINES_BY_DATE                                                                           \
    "SELECT l.* FROM (" DL_BATCH_IDS ") p"                                                         \
    " JOIN export_decl_list l ON l.head_id = p.id ORDER BY l.head_id, l.g_no"

/* One key's arguments after its tenant: type, range, keyset. */
#define DL_KEY_ARGS(q, b) TS_STR((q)->type), TS_STR((q)->start), TS_STR((q)->end), DL_AFTER_ARGS(b)

/* The next batch's headers, each with its body row count.  By date,
 * ts_scope binds the tenant in the S key's subquery (placeholder 1); the
 * C key's is given it explicitly. */
static int dl_heads(struct ts_ctx *c, struct ts_arena *a, const struct query *q,
                    const struct dl_build *b, struct ts_db_rows *heads)
{
    if (q->entry_id[0])
        return ts_scope_query_in(
            c, a, DL_HEADS_BY_NO,
            TS_ARGS(TS_STR(q->type), TS_STR(q->entry_id), DL_AFTER_ARGS(b), TS_I64(DL_BATCH_HEADS)),
            heads);
    return ts_scope_query_in(c, a, DL_HEADS_BY_DATE,
                             TS_ARGS(DL_KEY_ARGS(q, b), TS_I64(DL_BATCH_HEADS),
                                     TS_I64(ts_scope_tenant(c)), DL_KEY_ARGS(q, b),
                                     TS_I64(DL_BATCH_HEADS), TS_I64(DL_BATCH_HEADS)),
                             heads);
}

/* How many of the headers make the batch: at least one, then while the
 * body rows stay within DL_BATCH_LINES. */
static size_t dl_take(const struct ts_db_rows *heads)
{
    size_t k = 0;
    int64_t lines = 0;
    while (k < heads->nrows) {
        lines += ts_db_cell_i64(heads, k, "nlines");
        if (k > 0 && lines > DL_BATCH_LINES)
            break;
        k++;
    }
    return k;
}

/* The body rows (by head, 项号) of the results after the last one written
 * up to header `last` of the batch. */
static int dl_lines(struct ts_ctx *c, struct ts_arena *a, const struct query *q,
                    const struct dl_build *b, const struct ts_db_rows *heads, size_t last,
                    struct ts_db_rows *lines)
{
    const char *to_date = ts_db_cell(heads, last, "ie_date");
    const char *to_no = ts_db_cell(heads, last, "entry_id");
    if (q->entry_id[0])
        return ts_scope_query_in(c, a, DL_LINES_BY_NO,
                                 TS_ARGS(TS_STR(q->type), TS_STR(q->entry_id), DL_AFTER_ARGS(b),
                                         TS_STR(to_date), TS_STR(to_date), TS_STR(to_no)),
                                 lines);
    return ts_scope_query_in(c, a, DL_LINES_BY_DATE,
                             TS_ARGS(DL_KEY_ARGS(q, b), TS_STR(to_date), TS_STR(to_date),
                                     TS_STR(to_no), TS_I64(ts_scope_tenant(c)), DL_KEY_ARGS(q, b),
                                     TS_STR(to_date), TS_STR(to_date), TS_STR(to_no)),
                             lines);
}

/* The first body row of head id (or of the next larger id): lines are
 * sorted by head_id, compared as numbers. */
static size_t first_line_of(const struct ts_db_rows *lines, int64_t id)
{
    size_t lo = 0, hi = lines->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ts_db_cell_i64(lines, mid, "head_id") < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* v into the range [lo, hi] of strings that compare as the values do
 * (dates YYYY-MM-DD, 18-digit numbers). */
static void dl_widen(char *lo, char *hi, size_t size, const char *v, bool first)
{
    if (first || strcmp(v, lo) < 0)
        snprintf(lo, size, "%s", v);
    if (first || strcmp(v, hi) > 0)
        snprintf(hi, size, "%s", v);
}

/* Header i of the batch and its body rows into the XML (ts_cdecl_write,
 * with 数据传输状态), and into the counts and the name's ranges. */
static void dl_write_one(struct ts_arena *a, const struct ts_db_rows *heads, size_t i,
                         const struct ts_db_rows *lines, struct dl_build *b)
{
    int64_t id = ts_db_cell_i64(heads, i, "id");
    size_t first = first_line_of(lines, id), k = first;
    while (k < lines->nrows && ts_db_cell_i64(lines, k, "head_id") == id)
        k++;
    struct ts_db_rows own = {k - first, lines->ncols, lines->names,
                             lines->cells + first * lines->ncols};
    struct ts_cdecl *d = ts_cdecl_from_rows(a, heads, i, &own);
    ts_cdecl_write(&b->xml, d, ts_cdecl_trans_status_label(ts_db_cell(heads, i, "trans_status")));
    bool none = b->decls == 0;
    dl_widen(b->ie_lo, b->ie_hi, sizeof b->ie_lo, ts_db_cell(heads, i, "ie_date"), none);
    dl_widen(b->d_lo, b->d_hi, sizeof b->d_lo, ts_db_cell(heads, i, "d_date"), none);
    dl_widen(b->no_lo, b->no_hi, sizeof b->no_lo, ts_db_cell(heads, i, "entry_id"), none);
    snprintf(b->after_date, sizeof b->after_date, "%s", ts_db_cell(heads, i, "ie_date"));
    snprintf(b->after_no, sizeof b->after_no, "%s", ts_db_cell(heads, i, "entry_id"));
    b->decls++;
    b->lines += own.nrows;
}

/* One batch into the XML, its rows in arena a (reset by the caller).  The
 * number of declarations written, 0 when none was left, -1 on a database
 * error.  Stops (too_large) as soon as the XML passes DOWNLOAD_MAX_BYTES:
 * the package could only be larger. */
static int dl_batch(struct ts_ctx *c, struct ts_arena *a, const struct query *q, struct dl_build *b)
{
    struct ts_db_rows heads, lines;
    if (dl_heads(c, a, q, b, &heads) < 0)
        return -1;
    size_t n = dl_take(&heads);
    if (n == 0)
        return 0;
    if (dl_lines(c, a, q, b, &heads, n - 1, &lines) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        dl_write_one(a, &heads, i, &lines, b);
        if (b->xml.len > DOWNLOAD_MAX_BYTES) {
            b->too_large = true;
            break;
        }
    }
    return (int)n;
}

/* Every result of the query as the 报关单 XML, built batch by batch so
 * that the memory it takes is bounded by the file's 8 MB, not by the
 * results (a day, or a query by number, has no row limit).  -1 on a
 * database error; b->too_large when it stopped at the limit. */
static int download_build(struct ts_ctx *c, const struct query *q, struct dl_build *b)
{
    int n;
    *b = (struct dl_build){.after_date = "1000-01-01"};
    /* one snapshot for every batch: a declaration customs modifies
     * meanwhile is in the file once, as it was when the download began */
    if (!ts_db_in_transaction(c->db) && ts_db_begin(c->db) < 0)
        return -1;
    struct ts_arena *a = ts_arena_new(0);
    ts_cdecl_write_begin(&b->xml);
    while ((n = dl_batch(c, a, q, b)) > 0 && !b->too_large)
        ts_arena_reset(a);
    ts_arena_free(a);
    ts_cdecl_write_end(&b->xml);
    return n < 0 ? -1 : 0;
}

/* YYYY-MM-DD as the file name writes it: YYYYMMDD. */
static const char *compact_date(struct ts_ctx *c, const char *ymd)
{
    return ts_arena_printf(c->arena, "%.4s%.2s%.2s", ymd, ymd + 5, ymd + 8);
}

/* §2.1.2's name: IC卡号_最早出口日期-最晚出口日期_最早报送日期-最晚报送日期
 * _报关单开头_报关单结尾_下载时间.xml, over the downloaded declarations
 * (报送日期 = 申报日期; 开头 / 结尾 = the smallest / largest 报关单号). */
static const char *download_name(struct ts_ctx *c, const struct dl_build *b, const char *card_no,
                                 time_t now)
{
    char stamp[16];
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", localtime_r(&now, &tm));
    return ts_arena_printf(c->arena, "%s_%s-%s_%s-%s_%s_%s_%s.xml", card_no,
                           compact_date(c, b->ie_lo), compact_date(c, b->ie_hi),
                           compact_date(c, b->d_lo), compact_date(c, b->d_hi), b->no_lo, b->no_hi,
                           stamp);
}

/* The portal's signing key and certificate (package.sign_key /
 * package.sign_cert, INSTALL).  -1 when missing or unreadable. */
static int portal_signer(EVP_PKEY **key, X509 **cert)
{
    const char *kpath = ts_config_str("package.sign_key", NULL);
    const char *cpath = ts_config_str("package.sign_cert", NULL);
    *key = kpath ? ts_sm_privkey_load_file(kpath) : NULL;
    *cert = cpath ? ts_sm_cert_load_file(cpath) : NULL;
    if (*key && *cert)
        return 0;
    ts_log_error("decl download: package.sign_key / package.sign_cert missing or unreadable");
    EVP_PKEY_free(*key);
    X509_free(*cert);
    return -1;
}

/* The package of one XML record, signed by the portal and sealed to the
 * bound card's certificate.  -1 on a failure (logged); err->code
 * TS_PACKAGE_E_LIMIT when the XML is past the format's caps. */
static int download_package(const struct ts_card_binding *card, const char *title,
                            const struct ts_buf *xml, time_t now, unsigned char **out,
                            size_t *outlen, struct ts_package_error *err)
{
    EVP_PKEY *key = NULL;
    X509 *cert = NULL, *recipient = ts_sm_cert_load(card->cert, card->cert_len);
    int rc = -1;
    err->code = TS_PACKAGE_E_INTERNAL;
    if (!recipient) {
        ts_log_error("decl download: the bound certificate of card %s does not load",
                     card->card_no);
        goto out;
    }
    if (portal_signer(&key, &cert) < 0)
        goto out;
    struct ts_package_signer signer = {cert, ts_sm_sign_e_with_key, key};
    struct ts_package_record rec = {"decl.xml", xml->data, xml->len};
    struct ts_package_info info = {
        .kind = "decl-download",
        .title = title,
        .creator = ts_config_str("package.signer_name", "出口退税平台"),
        .recipient_card = card->card_no,
        .created = now,
    };
    rc = ts_package_write(&info, &rec, 1, &signer, recipient, out, outlen, err);
    if (rc != 0 && err->code != TS_PACKAGE_E_LIMIT)
        ts_log_error("decl download: package: %s %s", ts_package_code_name(err->code),
                     err->message);
out:
    EVP_PKEY_free(key);
    X509_free(cert);
    X509_free(recipient);
    return rc;
}

/* Send the package and record the download in the audit log. */
static enum ts_result download_send(struct ts_ctx *c, const struct dl_build *b, const char *card_no,
                                    const char *name, unsigned char *pkg, size_t len)
{
    const char *detail =
        ts_arena_printf(c->arena, "download file=%s card=%s decls=%zu lines=%zu bytes=%zu", name,
                        card_no, b->decls, b->lines, len);
    if (ts_audit_log(c, "export_decl", 0, detail) < 0)
        return TS_FAIL;
    ts_resp_send(c, DOWNLOAD_TYPE, pkg, len, name);
    return TS_OK;
}

/* The refusal of a file over 8 MB: the manual's sentence; for a query of
 * one day (the shortest range there is) with a second one that says what
 * can still be done (docs/declarations.md "XML 文件下载"). */
static enum ts_result download_too_large(struct ts_ctx *c, const struct query *q)
{
    if (q->entry_id[0] || !within_one_day(q))
        return download_refused(c, MSG_TOO_LARGE);
    return download_refused(c, MSG_TOO_LARGE MSG_TOO_LARGE_DAY);
}

/* The XML built (b), sealed into the package and sent, or refused when
 * the package passes 8 MB. */
static enum ts_result download_finish(struct ts_ctx *c, const struct query *q,
                                      const struct ts_card_binding *card, const struct dl_build *b)
{
    time_t now = time(NULL);
    const char *name = download_name(c, b, card->card_no, now);
    unsigned char *pkg = NULL;
    size_t len = 0;
    struct ts_package_error err;
    int rc = download_package(card, name, &b->xml, now, &pkg, &len, &err);
    enum ts_result res = TS_FAIL;
    if ((rc != 0 && err.code == TS_PACKAGE_E_LIMIT) || (rc == 0 && len > DOWNLOAD_MAX_BYTES))
        res = download_too_large(c, q);
    else if (rc == 0)
        res = download_send(c, b, card->card_no, name, pkg, len);
    free(pkg);
    return res;
}

/* GET /decl/download — §2.1.2 XML 文件下载 of every result of the query. */
static enum ts_result decl_download(struct ts_ctx *c)
{
    struct query q;
    struct ts_card_binding card;
    struct dl_build b;
    if (!read_query(c, &q))
        return decl_query(c);
    if (ts_card_binding_load(c->db, c->arena, c->session->user_id, &card) < 0)
        return TS_FAIL;
    if (!card.bound) /* 001 重要提醒: the rule of every 查询 / 下载 of rebate data */
        return download_refused(c, TS_CARD_MSG_UNBOUND);
    /* one snapshot for the count and the file (download_build): the rows
     * the 1000-row rule counted are the rows the file holds */
    if (!ts_db_in_transaction(c->db) && ts_db_begin(c->db) < 0)
        return TS_FAIL;
    int64_t nlines = download_line_count(c, &q);
    if (nlines < 0)
        return TS_FAIL;
    if (!within_one_day(&q) && nlines > DOWNLOAD_MAX_LINES)
        return download_refused(c, ts_arena_printf(c->arena, "下载失败：您本次下载的%lld条数据，%s",
                                                   (long long)nlines, MSG_TOO_MANY_REST));
    int rc = download_build(c, &q, &b);
    enum ts_result res = TS_FAIL;
    if (rc < 0)
        res = TS_FAIL;
    else if (b.too_large)
        res = download_too_large(c, &q);
    else if (b.decls == 0)
        res = download_refused(c, MSG_NO_RESULTS);
    else
        res = download_finish(c, &q, &card, &b);
    ts_buf_free(&b.xml);
    return res;
}

/* ---- the selection (§2.1.3, §2.1.4) ---- */

/* Where to go back after an action on the selection: the page it came
 * from (the list with its query, or the detail), when that is a page of
 * this module; else the query form. */
static const char *back_url(struct ts_ctx *c)
{
    const char *b = ts_arg_str(c, "back");
    if (strncmp(b, "/decl/", 6) != 0 || strstr(b, "//") ||
        strspn(b, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?=&%_.+-") !=
            strlen(b))
        return "/decl/";
    return b;
}

/* The ticked numbers, each once, in the order ticked; NULL (with the
 * manual's message, back on the page it came from) when none or more than
 * MAX_SELECTED are. */
static const char **selection(struct ts_ctx *c, size_t *n)
{
    const struct ts_value *v = ts_arg(c, "entry_id");
    const char **nos = ts_arena_zalloc(c->arena, (v->count + 1) * sizeof *nos);
    *n = 0;
    for (size_t i = 0; i < v->count; i++) {
        size_t k = 0;
        while (k < *n && strcmp(nos[k], v->list[i]) != 0)
            k++;
        if (k == *n)
            nos[(*n)++] = v->list[i];
    }
    if (*n == 0 || *n > MAX_SELECTED) {
        ts_resp_flash(c, *n ? ts_arena_printf(c->arena, TOO_MANY, *n) : NONE_CHOSEN);
        ts_resp_redirect(c, back_url(c));
        return NULL;
    }
    return nos;
}

/* The selected declarations, each the enterprise's current version; 0
 * when one is not (a number typed into the request: said as not found). */
static int load_selection(struct ts_ctx *c, const char **nos, size_t n,
                          struct ts_cdecl_print *decls, struct ts_db_rows *heads)
{
    for (size_t i = 0; i < n; i++) {
        int found = load_decl(c, nos[i], &decls[i], &heads[i]);
        if (found <= 0)
            return found;
    }
    return 1;
}

/* ---- §2.1.3 / §2.1.7 重新发往税务总局 ---- */

/* One resend row for the tax side and its audit row. */
static int record_resend(struct ts_ctx *c, const struct ts_db_rows *head)
{
    int64_t head_id = ts_db_cell_i64(head, 0, "id");
    const char *no = ts_db_cell(head, 0, "entry_id");
    const char *version = ts_db_cell(head, 0, "version");
    if (ts_db_exec(c->db,
                   "INSERT INTO export_decl_resend (ent_id, head_id, entry_id, version, user_id,"
                   " request_id) VALUES (?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_I64(head_id), TS_STR(no), TS_STR(version),
                           TS_I64(c->session->user_id), TS_STR(c->request_id)),
                   NULL) < 0)
        return -1;
    return ts_audit_log(c, "export_decl_head", head_id,
                        ts_arena_printf(c->arena, "重新发往税务总局 %s 第%s版", no, version));
}

/* The declarations a resend or a print names (ticked, or the detail's
 * one), loaded: true, or false with *refused the answer already made
 * (the selection's message, 404 for a number not the enterprise's, or a
 * failure). */
static bool load_ticked(struct ts_ctx *c, struct ts_cdecl_print **decls, struct ts_db_rows **heads,
                        size_t *n, enum ts_result *refused)
{
    const char **nos = selection(c, n);
    *refused = TS_OK;
    if (!nos)
        return false;
    *decls = ts_arena_zalloc(c->arena, *n * sizeof **decls);
    *heads = ts_arena_zalloc(c->arena, *n * sizeof **heads);
    int found = load_selection(c, nos, *n, *decls, *heads);
    if (found > 0)
        return true;
    *refused = found < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    return false;
}

/* POST /decl/resend — the ticked declarations (or the detail's one) are
 * queued for the 税务总局 again; the manual's message on the page it
 * came from. */
static enum ts_result decl_resend(struct ts_ctx *c)
{
    size_t n;
    struct ts_cdecl_print *decls;
    struct ts_db_rows *heads;
    enum ts_result refused;
    if (!load_ticked(c, &decls, &heads, &n, &refused))
        return refused;
    for (size_t i = 0; i < n; i++)
        if (record_resend(c, &heads[i]) < 0)
            return TS_FAIL;
    return ts_ui_done(c, ts_arena_printf(c->arena, RESENT, n), back_url(c));
}

/* ---- §2.1.4 批量预览/打印, §2.1.8 预览/打印, §2.1.9 直接打印 ---- */

/* Now as the foot of a printed page says it. */
static const char *now_text(struct ts_ctx *c)
{
    char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return ts_arena_strdup(c->arena, buf);
}

/* The PDF shown in the browser (inline), to view and print from its
 * viewer; its name says the declaration or how many. */
static enum ts_result send_pdf(struct ts_ctx *c, const struct ts_cdecl_print *decls, size_t n)
{
    struct ts_buf pdf = {0};
    if (ts_cdecl_pdf_write(decls, n, now_text(c), &pdf) < 0) {
        ts_buf_free(&pdf);
        return TS_FAIL;
    }
    const char *name = n == 1 ? ts_arena_printf(c->arena, "出口报关单_%s.pdf",
                                                decls[0].decl->head[TS_CDECL_H_ENTRY_ID])
                              : ts_arena_printf(c->arena, "出口报关单_%s等%zu票.pdf",
                                                decls[0].decl->head[TS_CDECL_H_ENTRY_ID], n);
    ts_resp_send(c, "application/pdf", pdf.data, pdf.len, NULL);
    ts_resp_header(c, "Content-Disposition", ts_resp_inline_disposition(c, name));
    ts_buf_free(&pdf);
    return TS_OK;
}

/* GET /decl/print?entry_id= (the detail's 预览/打印) and POST /decl/print
 * (the list's 批量预览/打印, up to 10 ticked): the PDF. */
static enum ts_result decl_print(struct ts_ctx *c)
{
    size_t n;
    struct ts_cdecl_print *decls;
    struct ts_db_rows *heads;
    enum ts_result refused;
    if (!load_ticked(c, &decls, &heads, &n, &refused))
        return refused;
    const struct ts_reflib_codes *codes = ts_cdecl_page_codes(c);
    for (size_t i = 0; i < n; i++)
        decls[i].codes = codes;
    return send_pdf(c, decls, n);
}

/* GET /decl/printview?entry_id=[&auto=1] — §2.1.9 直接打印: the paper
 * form as a page; with auto the browser's print dialog opens at once
 * (static/js/tuishui.js), to print on a local printer. */
static enum ts_result decl_printview(struct ts_ctx *c)
{
    struct ts_db_rows head;
    struct ts_cdecl_print d;
    int found = load_decl(c, ts_arg_str(c, "entry_id"), &d, &head);
    if (found < 0)
        return TS_FAIL;
    if (!found)
        return ts_ui_not_found(c, NOT_FOUND);
    ts_cdecl_render(c, "Decl", d.decl);
    ts_cdecl_pdf_render(c, "Paper", d.decl);
    ts_render_set(c, "Decl.status_label", d.trans_status);
    ts_render_set(c, "Decl.type_label", ts_cdecl_type_label(d.decl->head[TS_CDECL_H_DECL_TYPE]));
    ts_render_set(c, "Decl.printed_at", now_text(c));
    if (ts_arg_present(c, "auto"))
        ts_render_set(c, "AutoPrint", "1");
    return ts_ui_page(c, "出口货物报关单打印", "decl/print.cs");
}

static const struct ts_param query_params[] = {
    ts_param_enum("decl_type", "报关单类型", 0, type_choices),
    ts_param_enum("by", "查询方式", 0, by_choices),
    ts_param_code("entry_id", "出口报关单号", 0, TS_CODE_EXPORT_ENTRY_ID),
    ts_param_date("start", "出口日期（起）", 0),
    ts_param_date("end", "出口日期（止）", 0),
    ts_param_int("page", "页码", 0, 1, 1000000),
    TS_PARAMS_END,
};

static const struct ts_param view_params[] = {
    ts_param_code("entry_id", "出口报关单号", TS_REQ, TS_CODE_EXPORT_ENTRY_ID),
    TS_PARAMS_END,
};

static const struct ts_param selection_params[] = {
    ts_param_code("entry_id", "出口报关单号", TS_MULTI, TS_CODE_EXPORT_ENTRY_ID),
    ts_param_str("back", "返回页面", 0, 1, 500),
    TS_PARAMS_END,
};

static const struct ts_param printview_params[] = {
    ts_param_code("entry_id", "出口报关单号", TS_REQ, TS_CODE_EXPORT_ENTRY_ID),
    ts_param_enum("auto", "直接打印", 0, auto_choices),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "decl", query_params, decl_query, TS_QUERY_FORM},
    {"view", TS_GET, "decl", view_params, decl_view, 0},
    {"download", TS_GET, "decl", query_params, decl_download, TS_QUERY_FORM},
    {"resend", TS_POST, "decl", selection_params, decl_resend, 0},
    {"print", TS_GET, "decl", selection_params, decl_print, 0},
    {"print", TS_POST, "decl", selection_params, decl_print, 0},
    {"printview", TS_GET, "decl", printview_params, decl_printview, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"decl", "报关单查询下载", actions};

int main(void)
{
    return ts_app_main(&module);
}
