/* ts_audit — the append-only audit log of every state change.
 *
 * Each row records who (user, enterprise), what (module.action, object,
 * id, detail), when, and the request id, and carries
 *     hash = SM3(prev_hash | id | at | user | ent | request | action |
 *                object | object_id | detail)
 * so that changing, deleting or inserting a row by hand breaks the chain at
 * that row; ts_audit_verify (make audit-verify, the operator's 审计日志
 * page) walks the chain and names the first broken row. */
#ifndef TS_AUDIT_H
#define TS_AUDIT_H

#include <stdint.h>

struct ts_ctx;
struct ts_db;

struct ts_audit_report {
    int64_t rows;       /* rows checked */
    int64_t bad_id;     /* first row that fails, 0 if none */
    const char *reason; /* why it fails (Chinese) */
};

int ts_audit_log(struct ts_ctx *c, const char *object, int64_t object_id, const char *detail);
int ts_audit_append(struct ts_db *db, int64_t user_id, int64_t ent_id, const char *request_id,
                    const char *action, const char *object, const char *object_id,
                    const char *detail);
int ts_audit_verify(struct ts_db *db, struct ts_audit_report *report);

#endif
