#include "ts_audit.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_crypto.h"
#include "ts_db.h"

#include <stdio.h>
#include <string.h>

/* The fields of one row that the hash covers, as stored. */
struct audit_row {
    int64_t id;
    const char *at, *user_id, *ent_id, *request_id, *action, *object, *object_id, *detail;
};

/* hash = SM3 over the previous hash and the row's fields, separated by
 * 0x1F (unit separator), NULL written as the empty string. */
static int row_hash(const char *prev_hash, const struct audit_row *r, char out[65])
{
    struct ts_crypto_sm3 h;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    const char *parts[] = {prev_hash, id, r->at, r->user_id, r->ent_id, r->request_id,
                           r->action, r->object, r->object_id, r->detail};
    if (ts_crypto_sm3_init(&h) < 0)
        return -1;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const char *p = parts[i] ? parts[i] : "";
        ts_crypto_sm3_update(&h, p, strlen(p));
        ts_crypto_sm3_update(&h, "\x1f", 1);
    }
    return ts_crypto_sm3_final_hex(&h, out);
}

static const char *int_or_null(char *buf, size_t n, int64_t v)
{
    if (!v)
        return NULL;
    snprintf(buf, n, "%lld", (long long)v);
    return buf;
}

/* Append one row inside the caller's transaction.  audit_head is locked
 * FOR UPDATE, so concurrent writers take turns and the chain stays linear. */
int ts_audit_append(struct ts_db *db, int64_t user_id, int64_t ent_id, const char *request_id,
                    const char *action, const char *object, const char *object_id,
                    const char *detail)
{
    struct ts_arena *a = ts_arena_new(4096);
    struct ts_db_rows head;
    char uid[24], eid[24], at[64], hash[65];
    int rc = -1;
    /* The time comes from the database, like every other timestamp, so
     * the chain does not depend on the clocks or time zones of the hosts
     * the programs run on. */
    if (ts_db_query(db, a,
                    "SELECT last_id, last_hash, DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS now"
                    " FROM audit_head WHERE id = 1 FOR UPDATE",
                    TS_NOARGS, &head) < 0 || head.nrows != 1)
        goto out;
    snprintf(at, sizeof at, "%s", ts_db_cell(&head, 0, "now"));
    struct audit_row r = {
        .id = ts_db_cell_i64(&head, 0, "last_id") + 1, .at = at,
        .user_id = int_or_null(uid, sizeof uid, user_id), .ent_id = int_or_null(eid, sizeof eid, ent_id),
        .request_id = request_id, .action = action, .object = object, .object_id = object_id,
        .detail = detail,
    };
    if (row_hash(ts_db_cell(&head, 0, "last_hash"), &r, hash) < 0)
        goto out;
    if (ts_db_exec(db,
                   "INSERT INTO audit_log (id, at, user_id, ent_id, request_id, action, object,"
                   " object_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_I64(r.id), TS_STR(at), TS_STR(r.user_id), TS_STR(r.ent_id),
                           TS_STR(request_id), TS_STR(action), TS_STR(object), TS_STR(object_id),
                           TS_STR(detail), TS_STR(ts_db_cell(&head, 0, "last_hash")), TS_STR(hash)),
                   NULL) < 0 ||
        ts_db_exec(db, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
                   TS_ARGS(TS_I64(r.id), TS_STR(hash)), NULL) < 0)
        goto out;
    rc = 0;
out:
    ts_arena_free(a);
    return rc;
}

/* The audit row for a state change made by the current request. */
int ts_audit_log(struct ts_ctx *c, const char *object, int64_t object_id, const char *detail)
{
    const char *action = ts_arena_printf(c->arena, "%s.%s", c->module->name,
                                         c->action->name[0] ? c->action->name : "index");
    char oid[24];
    return ts_audit_append(c->db, c->session ? c->session->user_id : 0,
                           c->session ? c->session->ent_id : 0, c->request_id, action, object,
                           int_or_null(oid, sizeof oid, object_id), detail);
}

/* Check one batch of rows after `after_id`; returns rows read, -1 on error,
 * and stops at the first bad row. */
static int verify_batch(struct ts_db *db, struct ts_arena *a, int64_t *after_id, char prev[65],
                        struct ts_audit_report *rep)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f') AS at, user_id, ent_id,"
                    " request_id, action, object, object_id, detail, prev_hash, hash"
                    " FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000",
                    TS_ARGS(TS_I64(*after_id)), &r) < 0)
        return -1;
    for (size_t i = 0; i < r.nrows && !rep->bad_id; i++) {
        struct audit_row row = {
            .id = ts_db_cell_i64(&r, i, "id"), .at = ts_db_cell(&r, i, "at"),
            .user_id = ts_db_cell(&r, i, "user_id"), .ent_id = ts_db_cell(&r, i, "ent_id"),
            .request_id = ts_db_cell(&r, i, "request_id"), .action = ts_db_cell(&r, i, "action"),
            .object = ts_db_cell(&r, i, "object"), .object_id = ts_db_cell(&r, i, "object_id"),
            .detail = ts_db_cell(&r, i, "detail"),
        };
        char hash[65];
        if (row_hash(prev, &row, hash) < 0)
            return -1;
        if (row.id != *after_id + 1)
            rep->reason = "编号不连续：其前一行被删除", rep->bad_id = row.id;
        else if (strcmp(prev, ts_db_cell(&r, i, "prev_hash")) != 0)
            rep->reason = "前一行哈希不符", rep->bad_id = row.id;
        else if (strcmp(hash, ts_db_cell(&r, i, "hash")) != 0)
            rep->reason = "本行内容与哈希不符：已被修改", rep->bad_id = row.id;
        memcpy(prev, ts_db_cell(&r, i, "hash"), 65);
        *after_id = row.id;
        rep->rows++;
    }
    return (int)r.nrows;
}

/* Walk the whole chain in id order; report->bad_id names the first row
 * that does not hold, or stays 0.  Returns -1 only on a database error. */
int ts_audit_verify(struct ts_db *db, struct ts_audit_report *rep)
{
    struct ts_arena *a = ts_arena_new(65536);
    char prev[65];
    int64_t after = 0;
    int n, rc = -1;
    bool own_tx = !ts_db_in_transaction(db);
    memset(rep, 0, sizeof *rep);
    /* One snapshot for the walk and the head, so rows committed meanwhile
     * are not taken for a deleted tail. */
    if (own_tx && ts_db_begin(db) < 0)
        goto out;
    memset(prev, '0', 64);
    prev[64] = '\0';
    do {
        ts_arena_reset(a);
        n = verify_batch(db, a, &after, prev, rep);
    } while (n == 1000 && !rep->bad_id);
    if (n < 0)
        goto out;
    struct ts_db_rows head;
    if (ts_db_query(db, a, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", TS_NOARGS,
                    &head) < 0)
        goto out;
    if (!rep->bad_id && head.nrows == 1 &&
        (ts_db_cell_i64(&head, 0, "last_id") != after ||
         strcmp(ts_db_cell(&head, 0, "last_hash"), prev) != 0)) {
        rep->bad_id = after + 1;
        rep->reason = "最后的行被删除";
    }
    rc = 0;
out:
    if (own_tx)
        ts_db_rollback(db);
    ts_arena_free(a);
    return rc;
}
