/* ts_docs — the rules about 备案单证 that 上传备案单证 (docupload) and
 * 单证收齐审核 (doccheck) share (000 §2.4.2–2.4.3): which 单证种类 apply
 * to the enterprise on the date that applies, which required kinds a
 * declaration still lacks, the 关单清册 list both pages show, the note on
 * a near or past 备案期限, and the status of a 按所属期备案 record, which
 * follows its declarations (docs/filing.md). */
#ifndef TS_DOCS_H
#define TS_DOCS_H

#include "ts_app.h"

#include <stdint.h>

/* Days before 备案期限 from which a 未收齐 declaration is marked. */
#define TS_DOCS_DUE_WARN_DAYS 3

/* The list's query form: status "incomplete", "complete" or "all";
 * decl_no: 报关单号 contains ("" = any); period: 所属期 YYYYMM ("" = any). */
struct ts_docs_filter {
    const char *status;
    const char *decl_no;
    const char *period;
};

/* Who changes a 按所属期备案's status, for its audit row: the user (0:
 * none), the request id (16 hex), the action ("doccheck.complete") and
 * what the detail adds (NULL: nothing; e.g. "upload=12"). */
struct ts_docs_actor {
    int64_t user_id;
    const char *request_id;
    const char *action;
    const char *note;
};

const char *ts_docs_decl_date(struct ts_arena *a, const char *export_date, const char *period);
const char *ts_docs_period_date(struct ts_arena *a, const char *period);
int ts_docs_kinds(struct ts_ctx *c, const char *on, struct ts_db_rows *out);
int ts_docs_missing(struct ts_ctx *c, int64_t decl_id, const char *on, const char **names);
int ts_docs_period_lock(struct ts_ctx *c, const char *period);
int ts_docs_period_sync(struct ts_ctx *c, const char *period);
int ts_docs_period_lock_db(struct ts_db *db, struct ts_arena *a, int64_t ent_id,
                           const char *period);
int ts_docs_period_sync_db(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *period,
                           const struct ts_docs_actor *who);
int64_t ts_docs_decl_count(struct ts_ctx *c, const struct ts_docs_filter *f);
int ts_docs_decl_page(struct ts_ctx *c, const struct ts_docs_filter *f, int64_t limit,
                      int64_t offset, struct ts_db_rows *out);
void ts_docs_render_decls(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *r);
const char *ts_docs_due_note(struct ts_arena *a, const char *status, const char *due_days);
const char *ts_docs_status_label(const char *status);

#endif
