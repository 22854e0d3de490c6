/* ts_customs_decl — the 出口报关单 customs publishes into the portal
 * (manual 003 §2.1): its fields, their checks, the XML file format
 * customs uploads and decl downloads, and its storage with versions.
 *
 * Fields are named as the customs declaration message names them
 * (海关总署公告2018年第67号, DecHead / DecList), plus the few the portal
 * adds (DeclType 报关单类型, ClearDate 结关日期, UsdFob / RmbFob 离岸价);
 * docs/formats.md "报关单 XML" is the reference.  One table per part says,
 * for every field, its element, its column, its Chinese label and its
 * check, so the form, the XML reader and writer, the INSERT and the pages
 * walk the same list.
 *
 * A declaration is held as strings: head[i] is the value of
 * ts_cdecl_head_fields[i] ("" when absent), lines[k].v[j] of
 * ts_cdecl_list_fields[j].  ts_cdecl_check normalises them in place to the
 * stored form (dates YYYY-MM-DD, money with two decimals, 报关单类型 as
 * clear / port) and collects every problem as a Chinese sentence. */
#ifndef TS_CUSTOMS_DECL_H
#define TS_CUSTOMS_DECL_H

#include "ts_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;
struct ts_db_rows;

enum ts_cdecl_kind {
    TS_CDECL_TEXT = 1, /* free text, min..max characters */
    TS_CDECL_CODE,     /* [0-9A-Z], min..max characters (code lists: format only) */
    TS_CDECL_DIGITS,   /* [0-9], min..max characters */
    TS_CDECL_ENTRY_ID, /* 出口报关单号 (lib/ts_codes) */
    TS_CDECL_CUSTOMS,  /* 海关编码 */
    TS_CDECL_USCC,     /* 统一社会信用代码 */
    TS_CDECL_HS,       /* 商品编号 */
    TS_CDECL_DATE,     /* YYYYMMDD or YYYY-MM-DD → YYYY-MM-DD */
    TS_CDECL_QTY,      /* decimal ≥ 0, ≤ 14 integer digits and 5 decimals */
    TS_CDECL_PRICE,    /* decimal ≥ 0, ≤ 15 integer digits and 4 decimals */
    TS_CDECL_MONEY,    /* yuan ≥ 0 with ≤ 2 decimals (lib/ts_money) */
    TS_CDECL_INT,      /* whole number min..max */
    TS_CDECL_CHOICE,   /* one character of choices */
};

struct ts_cdecl_field {
    const char *xml;    /* element name in DecHead / DecList */
    const char *column; /* export_decl_head / export_decl_list column */
    const char *label;  /* the Chinese name the form and the pages show */
    enum ts_cdecl_kind kind;
    bool required;
    bool nullable; /* empty is stored as NULL (else "" or 0) */
    int64_t min, max;
    const char *choices; /* TS_CDECL_CHOICE */
};

/* The header fields, in column order (index = enum below). */
enum {
    TS_CDECL_H_DECL_TYPE,
    TS_CDECL_H_SEQ_NO,
    TS_CDECL_H_PRE_ENTRY_ID,
    TS_CDECL_H_ENTRY_ID,
    TS_CDECL_H_IE_FLAG,
    TS_CDECL_H_CUSTOM_MASTER,
    TS_CDECL_H_IE_PORT,
    TS_CDECL_H_IE_DATE,
    TS_CDECL_H_D_DATE,
    TS_CDECL_H_CLEAR_DATE,
    TS_CDECL_H_TRADE_CO_SCC,
    TS_CDECL_H_TRADE_CODE,
    TS_CDECL_H_TRADE_NAME,
    TS_CDECL_H_OWNER_CODE_SCC,
    TS_CDECL_H_OWNER_CODE,
    TS_CDECL_H_OWNER_NAME,
    TS_CDECL_H_TRAF_MODE,
    TS_CDECL_H_BILL_NO,
    TS_CDECL_H_TRADE_MODE,
    TS_CDECL_H_CUT_MODE,
    TS_CDECL_H_TRANS_MODE,
    TS_CDECL_H_FEE_MARK,
    TS_CDECL_H_FEE_RATE,
    TS_CDECL_H_FEE_CURR,
    TS_CDECL_H_INSUR_MARK,
    TS_CDECL_H_INSUR_RATE,
    TS_CDECL_H_INSUR_CURR,
    TS_CDECL_H_CONTR_NO,
    TS_CDECL_H_TRADE_COUNTRY,
    TS_CDECL_H_DISTINATE_PORT,
    TS_CDECL_H_PACK_NO,
    TS_CDECL_H_GROSS_WET,
    TS_CDECL_H_NET_WT,
    TS_CDECL_HEAD_N
};

/* The body (product line) fields, in column order after head_id. */
enum {
    TS_CDECL_L_G_NO,
    TS_CDECL_L_CODE_TS,
    TS_CDECL_L_G_NAME,
    TS_CDECL_L_G_MODEL,
    TS_CDECL_L_G_QTY,
    TS_CDECL_L_G_UNIT,
    TS_CDECL_L_FIRST_QTY,
    TS_CDECL_L_FIRST_UNIT,
    TS_CDECL_L_SECOND_QTY,
    TS_CDECL_L_SECOND_UNIT,
    TS_CDECL_L_DECL_PRICE,
    TS_CDECL_L_DECL_TOTAL,
    TS_CDECL_L_TRADE_CURR,
    TS_CDECL_L_USD_FOB,
    TS_CDECL_L_RMB_FOB,
    TS_CDECL_L_ORIGIN_COUNTRY,
    TS_CDECL_L_DESTINATION_COUNTRY,
    TS_CDECL_L_DISTRICT_CODE,
    TS_CDECL_L_DUTY_MODE,
    TS_CDECL_LIST_N
};

extern const struct ts_cdecl_field ts_cdecl_head_fields[TS_CDECL_HEAD_N];
extern const struct ts_cdecl_field ts_cdecl_list_fields[TS_CDECL_LIST_N];

#define TS_CDECL_MAX_LINES 99    /* 项号 has two digits in the 关联号 */
#define TS_CDECL_MAX_VALUE 1024  /* bytes of one field's text in the XML */
#define TS_CDECL_MAX_DECLS 50000 /* declarations in one file */

struct ts_cdecl_line {
    const char *v[TS_CDECL_LIST_N];
};

struct ts_cdecl {
    struct ts_arena *arena; /* the one it was made in (the reader's own, reset
                               per declaration: use it for per-declaration work) */
    const char *head[TS_CDECL_HEAD_N];
    struct ts_cdecl_line *lines;
    size_t nlines;
    size_t cap;
    const char **errors; /* Chinese sentences, nerrors of them */
    size_t nerrors;
    size_t errcap;
};

/* A declaration with every field "" and no lines. */
struct ts_cdecl *ts_cdecl_new(struct ts_arena *a);
/* Add an empty product line; NULL past TS_CDECL_MAX_LINES. */
struct ts_cdecl_line *ts_cdecl_add_line(struct ts_arena *a, struct ts_cdecl *d);
/* Record a problem (kept in order; the list is what the page shows). */
void ts_cdecl_error(struct ts_arena *a, struct ts_cdecl *d, const char *msg);
/* Append msg to a list of sentences (*list, *n of them, room for *cap)
 * grown in arena a: ts_cdecl_error's and ts_import_decl_error's. */
void ts_cdecl_errors_add(struct ts_arena *a, const char ***list, size_t *n, size_t *cap,
                         const char *msg);

/* Check every field and the rules across fields, normalise the values to
 * their stored form, and add a sentence per problem to d->errors.  True
 * when there is none. */
bool ts_cdecl_check(struct ts_arena *a, struct ts_cdecl *d);

/* The problem with one non-empty value of field f (its kind and limits),
 * as a Chinese phrase ("应为4位数字"), or NULL; *v may be replaced by its
 * stored form (dates YYYY-MM-DD, money with two decimals).  For other
 * declarations built on the same field kinds (lib/ts_import_decl). */
const char *ts_cdecl_value_problem(struct ts_arena *a, const struct ts_cdecl_field *f,
                                   const char **v);

/* Check the coded fields against the code lists (运输方式, 监管方式,
 * 征免性质, 成交方式, 币制, 国别地区, 计量单位, 征免; customs' code or the ISO one, kept as
 * given) when customs publishes; a sentence per unknown code, naming the
 * field.  codes from ts_reflib_codes_load.  A value whose form is already
 * wrong is left to ts_cdecl_check.  True when there is no problem. */
struct ts_reflib_codes;
bool ts_cdecl_check_codes(struct ts_arena *a, struct ts_cdecl *d,
                          const struct ts_reflib_codes *codes);

/* ---- the XML file (docs/formats.md) ---- */

/* Called once per <DecMessage>, index from 0; d->errors holds what the
 * reader already found (a field too long or given twice, too many lines).
 * d lives until the callback returns.  Return < 0 to stop the read. */
typedef int (*ts_cdecl_each)(void *ud, struct ts_cdecl *d, size_t index);

/* Read a file of declarations from fd (or from memory), streaming.  -1 and
 * a Chinese *err when the file as a whole is refused (not well-formed XML,
 * a DTD or entity, nesting deeper than the format, a token or value past
 * the limits, another root, too many declarations) or the callback
 * stopped it (*err NULL then).  0 when read to the end.  a holds the
 * message; each declaration lives in an arena of the reader's own, reset
 * between declarations, so memory stays flat whatever the file's size. */
int ts_cdecl_read_fd(struct ts_arena *a, int fd, ts_cdecl_each cb, void *ud, const char **err);
int ts_cdecl_read_mem(struct ts_arena *a, const char *data, size_t n, ts_cdecl_each cb, void *ud,
                      const char **err);

/* The XML writer: the prologue and root, one declaration (as stored:
 * column values; trans_status is 新增 / 修改 or ""), the end. */
void ts_cdecl_write_begin(struct ts_buf *b);
void ts_cdecl_write(struct ts_buf *b, const struct ts_cdecl *d, const char *trans_status);
void ts_cdecl_write_end(struct ts_buf *b);

/* ---- storage (schema/011_customs_decl.sql) ---- */

/* What publishing did: the row of the new version, its number, and whether
 * it replaced an earlier one (数据传输状态 修改). */
struct ts_cdecl_published {
    int64_t head_id;
    int64_t version;
    bool modified;
};

/* Store a checked declaration as the current version of its 海关编号: the
 * first as 新增, a later one as 修改 with the earlier versions kept.  Runs
 * in the caller's transaction; locks the number's current row.  0 done,
 * TS_CDECL_BUSY when another publisher stored the same number at the same
 * time (a duplicate key or a deadlock: the transaction is lost, say
 * TS_CDECL_BUSY_MSG and let the officer try again), -1 on another
 * database error. */
#define TS_CDECL_BUSY 1
#define TS_CDECL_BUSY_MSG                                                                          \
    "该报关单（或同一境内发货人同一出口日期的报关单）正由他人同时发布，本次未保存，请稍后重试"
int ts_cdecl_publish(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl *d,
                     int64_t user_id, struct ts_cdecl_published *out);

/* How one kind of declaration stores a version (出口 export_decl_*, 进口
 * import_decl_*, schema/019): the statements, each made from the kind's
 * table names by TS_CDECL_STORAGE_SQL (string constants, never input),
 * and its field tables.  The versioning — lock the current row, take
 * current_entry_id from it, insert the next version and its lines — is
 * the same for both and held once in ts_cdecl_store_version. */
struct ts_cdecl_storage {
    const char *current;     /* SELECT id, version ... FOR UPDATE by current_entry_id */
    const char *uncurrent;   /* current_entry_id = NULL by id */
    const char *insert_head; /* the head fields, version, current_entry_id, trans_status,
                                published_by */
    const char *insert_line; /* head_id, the list fields */
    const struct ts_cdecl_field *head_fields, *list_fields;
    size_t head_n, list_n;
    size_t entry_id; /* EntryId's index among the head fields */
};
#define TS_CDECL_Q5  "?, ?, ?, ?, ?"
#define TS_CDECL_Q10 TS_CDECL_Q5 ", " TS_CDECL_Q5
#define TS_CDECL_STORAGE_SQL(head, list, head_columns, head_values, list_columns, list_values)     \
    .current = "SELECT id, version FROM " head " WHERE current_entry_id = ? FOR UPDATE",           \
    .uncurrent = "UPDATE " head " SET current_entry_id = NULL WHERE id = ?",                       \
    .insert_head = "INSERT INTO " head " (" head_columns ", version, current_entry_id,"            \
                   " trans_status, published_by) VALUES (" head_values ")",                        \
    .insert_line = "INSERT INTO " list " (head_id, " list_columns ") VALUES (" list_values ")"

/* ts_cdecl_publish for any kind: head has s->head_n values, lines[k]
 * s->list_n each.  Same results. */
int ts_cdecl_store_version(struct ts_db *db, struct ts_arena *a, const struct ts_cdecl_storage *s,
                           const char *const *head, const char *const *const *lines, size_t nlines,
                           int64_t user_id, struct ts_cdecl_published *out);

/* Rebuild export_decl_day_count (schema/017: current versions per owner
 * key, 报关单类型 and 出口日期, kept by triggers, read by decl's result
 * count) from export_decl_head, in the caller's transaction: the repair
 * when the count was ever put out of step (a TRUNCATE of export_decl_head,
 * a write made with the triggers missing).  *days the day rows written,
 * *changed how many differed from what was there (0: it was right).
 * 0 or -1. */
int ts_cdecl_recount_days(struct ts_db *db, uint64_t *days, uint64_t *changed);

/* A declaration from stored rows: head is a SELECT h.* row set (row i),
 * lines the export_decl_list rows of that head (all of them). */
struct ts_cdecl *ts_cdecl_from_rows(struct ts_arena *a, const struct ts_db_rows *head, size_t i,
                                    const struct ts_db_rows *lines);

/* A declaration for a page (templates/layout/export_decl.cs): under
 * prefix, Head.<i>.{label,name,value}, H.<XmlName>, LineFields.<j> (the
 * body's labels) and Lines.<k>.{link (关联号), v.<j>}. */
struct ts_ctx;
void ts_cdecl_render(struct ts_ctx *c, const char *prefix, const struct ts_cdecl *d);

/* One value as a page or the printed form shows it: 报关单类型 in words, a
 * coded field's code with its name from the code lists ("0110 一般贸易";
 * the code alone when the list does not know it or codes is NULL),
 * quantities without trailing zeros, the rest as stored.  f is one of
 * ts_cdecl_head_fields / ts_cdecl_list_fields. */
struct ts_reflib_codes;
const char *ts_cdecl_shown(struct ts_arena *a, const struct ts_reflib_codes *codes,
                           const struct ts_cdecl_field *f, const char *v);

/* The code lists for a page that names codes (ts_reflib_codes_load); NULL
 * (codes shown alone) without a database or when loading fails, which is
 * logged: a page still shows the declaration. */
const struct ts_reflib_codes *ts_cdecl_page_codes(struct ts_ctx *c);

/* 数据传输状态 and 报关单类型 as the pages say them. */
const char *ts_cdecl_trans_status_label(const char *stored);
const char *ts_cdecl_type_label(const char *stored);

/* ---- importing a whole file (customs 导入XML文件) ---- */

#define TS_CDECL_MAX_REPORT     200 /* problems kept for the report */
#define TS_CDECL_IMPORT_STOPPED 2   /* ts_cdecl_import_job: asked to stop */

/* done of total bytes of the file read; non-zero asks the import to stop. */
typedef int (*ts_cdecl_progress_fn)(void *ctx, int64_t done, int64_t total);

/* One import: what the caller gives (district, user, progress) and what
 * the import found.  report holds the first TS_CDECL_MAX_REPORT problems as
 * the page shows them (「第N票（海关编号 X）：…」), in the import's arena. */
struct ts_cdecl_import {
    const char *district; /* the officer's 直属海关: first 2 digits of numbers it may publish */
    int64_t user_id;
    ts_cdecl_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    size_t total, bad, problems, added, modified;
    char first[19], last[19];
    const char **report;
    size_t nreport;
    bool db_failed, stopped;
    bool busy; /* a batch met another publisher's row (TS_CDECL_BUSY_MSG); last names it */
};

/* Read, check and store a whole file in the caller's transaction: while
 * every declaration so far is good they are written in batches (a few
 * statements per 500 declarations); after the first bad one the rest are
 * only checked, and the caller must roll back (im->bad > 0).  0 when read
 * to the end; -1 when the file is refused as a whole (*err), the database
 * failed (im->db_failed) or progress asked to stop (im->stopped). */
int ts_cdecl_import_fd(struct ts_db *db, struct ts_arena *a, int fd, struct ts_cdecl_import *im,
                       const char **err);

/* Where a queued import's file waits for the worker: tmp.dir/customs-import/<id>.xml
 * (the folder is made when missing).  NULL when it cannot be made. */
const char *ts_cdecl_import_path(struct ts_arena *a, int64_t import_id);

/* The customs.import job (tools/ts-worker) of customs_import row id, in the
 * job's transaction on db; the row's status and a refused file's report go
 * through pdb (autocommit), so they outlive the rollback.  0 done (the
 * caller commits; msg is the result), TS_CDECL_IMPORT_STOPPED, -1 failed
 * (msg says why; the row already says so). */
int ts_cdecl_import_job(struct ts_db *db, struct ts_db *pdb, int64_t import_id,
                        ts_cdecl_progress_fn progress, void *ctx, char *msg, size_t n);

/* After a failed or stopped job: the row says failed with msg (unless the
 * report already said so) or queued again; a failed job's file is removed. */
void ts_cdecl_import_undo(struct ts_db *pdb, int64_t import_id, bool stopped, const char *msg);

/* After the job's transaction has committed: its file is removed.  Never
 * before: a crash between the two then leaves the import done and a file
 * the sweep removes, not a queued job without its file. */
void ts_cdecl_import_committed(int64_t import_id);

/* The sweep of tmp.dir/customs-import/ (tools/ts-worker, on the store
 * sweep's timer): files <id>.xml older than min_age_s whose import is not
 * queued or running — no row (a request that died after keeping the file,
 * before its commit) or an ended one — are removed; counts in s.  The age
 * spares the file of a request still in flight (its row is not committed
 * yet).  0, or -1 when something could not be read or removed (logged). */
struct ts_cdecl_import_sweep {
    int64_t min_age_s;  /* at least 60 */
    bool (*stop)(void); /* may be NULL; true ends the walk early */
    size_t removed;     /* old files of no import or of an ended one, removed */
    size_t waiting;     /* old files of a queued or running import, kept */
    size_t young;       /* files younger than min_age_s, kept */
    size_t errors;
};
int ts_cdecl_import_sweep(struct ts_db *pdb, struct ts_cdecl_import_sweep *s);

#endif
