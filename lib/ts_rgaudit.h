/* ts_rgaudit — customs' side of 出口退货 (manual 004; docs/retgoods.md
 * "Reception and electronic audit", "Customs review"): what happens to a
 * submitted record (lib/ts_retgoods) once it reaches customs.
 *
 *   1 已提交 --reception--> 3 海关接收成功 | 4 海关接收失败
 *   3 --electronic audit--> 5 电子审核完成，待人工审核 | 6 电子审核退单
 *   5 --officer--> 7 人工审核通过 | 8 人工审核退单 (cgi-bin/customs.c)
 *
 * Reception and the audit run in tools/ts-worker as two jobs,
 * retgoods.receive (queued by 提交) and retgoods.audit (queued by a
 * successful reception), so each transition is its own transaction: a
 * crash between them leaves the record in 3 with its audit job queued.
 * Every move goes through ts_retgoods_transition, which writes the 回执.
 *
 * The rules are checks over the record, the import declaration
 * (lib/ts_import_decl) and the published export declarations
 * (export_decl_head, schema/011); each failed rule is a Chinese sentence,
 * and the sentences joined are the 回执's reason. */
#ifndef TS_RGAUDIT_H
#define TS_RGAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;
struct ts_retgoods;

/* The 回执 texts (the manual's sample for 3, 5 and 7). */
#define TS_RGAUDIT_RECEIVED "海关接收成功"
#define TS_RGAUDIT_AUDITED  "电子审核成功，进入人工审核环节。"
#define TS_RGAUDIT_APPROVED "接收申报、出口退货登记办理成功。"

/* Problems found by a rule set: Chinese sentences in order. */
struct ts_rgaudit_problems {
    const char **msg;
    size_t n, cap;
};

/* The reception rules (docs/retgoods.md R1–R5) over a loaded record:
 * signature and certificate, the import declaration still published and
 * the same.  0 checked (problems in p, none = accepted), -1 db error. */
int ts_rgaudit_reception_check(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                               struct ts_rgaudit_problems *p);

/* The electronic audit rules (docs/retgoods.md E1–E6) over a loaded
 * record: the 原出口报关单号 against the published export declarations.
 * 0 checked (problems in p), -1 db error. */
int ts_rgaudit_audit_check(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                           struct ts_rgaudit_problems *p);

/* Is another record of the same import declaration already registered
 * (7 人工审核通过)?  *seq_no its 统一编号, NULL when none.  0, -1 db error.
 * The audit (E6) and the officer's 审核通过 both refuse a second one, with
 * ts_rgaudit_registered_msg.  A plain read sees the transaction's snapshot;
 * with latest, a locking read sees what others committed since (after
 * the registration key, schema/022, refused a move to 7). */
int ts_rgaudit_registered(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                          bool latest, const char **seq_no);
const char *ts_rgaudit_registered_msg(struct ts_arena *a, const struct ts_retgoods *r,
                                      const char *seq_no);

/* The problems as one 回执 reason: "prefix：1. …；2. …", cut to fit the
 * 回执内容 column (500 characters). */
const char *ts_rgaudit_reason(struct ts_arena *a, const char *prefix,
                              const struct ts_rgaudit_problems *p);

/* The jobs, in the caller's (the worker's) transaction.  msg says what
 * happened (for the job's row).  0 done (including "nothing to do: the
 * record is no longer in 1 / 3"), -1 database error. */
int ts_rgaudit_receive_job(struct ts_db *db, struct ts_arena *a, int64_t id, int64_t user_id,
                           char *msg, size_t n);
int ts_rgaudit_audit_job(struct ts_db *db, struct ts_arena *a, int64_t id, char *msg, size_t n);

/* After a reception job failed (database trouble, not a rule): the
 * record goes 1 → 2 提交失败 with the reason, in its own transaction on
 * pdb, so the enterprise can submit again. */
void ts_rgaudit_receive_undo(struct ts_db *pdb, int64_t id, const char *why);

/* After an audit job failed (database trouble): the record stays in 3
 * 海关接收成功 and nothing would ever audit it; this queues retgoods.audit
 * again (ts-admin retgoods-requeue), in the caller's transaction.  Refused
 * (1, reason in err) unless the record is in 3 with no audit job queued or
 * running; 0 queued (*job_id), -1 db error. */
int ts_rgaudit_requeue(struct ts_db *db, struct ts_arena *a, int64_t id, int64_t *job_id, char *err,
                       size_t errlen);

#endif
