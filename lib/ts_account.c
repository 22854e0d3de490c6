#include "ts_account.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_log.h"

#include <string.h>

/* design.md: ≥ 8 characters for enterprise users (the seeded initial
 * password is the last 8 digits of the bank account, so 8 is the floor);
 * ≥ 12 for officers and operators. */
size_t ts_account_password_min(enum ts_scope scope)
{
    return scope == TS_SCOPE_ENTERPRISE ? 8 : 12;
}

/* Is pw acceptable as a new password for a user of this scope? */
bool ts_account_password_ok(enum ts_scope scope, const char *pw, const char **err)
{
    return ts_codes_password_policy(pw, ts_account_password_min(scope), err);
}

/* Insert a user with a hashed password; *id gets the new id.  Duplicate
 * login names come back as -1 with ts_db_errno() == TS_DB_ER_DUP_ENTRY. */
int ts_account_create(struct ts_db *db, const struct ts_account_new *u, int64_t *id)
{
    char hash[TS_CRYPTO_PASSWORD_MAX];
    struct ts_db_result res;
    if (ts_crypto_password_hash(u->password, hash, sizeof hash) < 0)
        return -1;
    int rc = ts_db_exec(
        db,
        "INSERT INTO app_user (scope, ent_id, tax_bureau_code, customs_district_code, login_name,"
        " nickname, user_type, phone, remark, password_hash, must_change_password, is_ent_admin,"
        " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        TS_ARGS(TS_STR(ts_perm_scope_name(u->scope)), u->ent_id ? TS_I64(u->ent_id) : TS_NULL,
                TS_STR(u->tax_bureau_code), TS_STR(u->customs_district_code), TS_STR(u->login_name),
                TS_STR(u->nickname), TS_STR(u->user_type),
                TS_STR(u->phone && *u->phone ? u->phone : NULL),
                TS_STR(u->remark && *u->remark ? u->remark : NULL), TS_STR(hash),
                TS_I64(u->must_change_password), TS_I64(u->is_ent_admin),
                TS_STR(u->status ? u->status : "normal")),
        &res);
    ts_crypto_wipe(hash, sizeof hash);
    if (rc == 0)
        *id = (int64_t)res.insert_id;
    return rc;
}

/* Store a new password hash; must_change forces a change at next login
 * (initial and reset passwords). */
int ts_account_set_password(struct ts_db *db, int64_t user_id, const char *pw, bool must_change)
{
    char hash[TS_CRYPTO_PASSWORD_MAX];
    if (ts_crypto_password_hash(pw, hash, sizeof hash) < 0)
        return -1;
    int rc = ts_db_exec(db,
                        "UPDATE app_user SET password_hash = ?, must_change_password = ?,"
                        " failed_logins = 0, locked_until = NULL WHERE id = ?",
                        TS_ARGS(TS_STR(hash), TS_I64(must_change), TS_I64(user_id)), NULL);
    ts_crypto_wipe(hash, sizeof hash);
    return rc;
}

/* Does pw match the user's stored hash? (修改密码 asks for the old one.) */
bool ts_account_password_matches(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                                 const char *pw)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a, "SELECT password_hash FROM app_user WHERE id = ?",
                    TS_ARGS(TS_I64(user_id)), &r) < 0 ||
        r.nrows != 1)
        return false;
    return ts_crypto_password_verify(pw, ts_db_cell_at(&r, 0, 0));
}

#define LOGIN_COLUMNS                                                                              \
    "SELECT u.id, u.ent_id, u.status, u.password_hash, u.must_change_password, u.failed_logins,"   \
    " (u.locked_until IS NOT NULL AND u.locked_until > NOW()) AS locked,"                          \
    " e.status AS ent_status FROM app_user u LEFT JOIN enterprise e ON e.id = u.ent_id "

/* The account a login id names: a 登录名称, or — for an enterprise's
 * administrator — the enterprise's 海关代码, 纳税人识别号 or 统一社会信用代码
 * (002 §2.3).  Locks the row, as the failure counter will be updated. */
static int find_account(struct ts_db *db, struct ts_arena *a, const char *login_id,
                        struct ts_db_rows *r)
{
    if (ts_db_query(db, a, LOGIN_COLUMNS "WHERE u.login_name = ? FOR UPDATE",
                    TS_ARGS(TS_STR(login_id)), r) < 0)
        return -1;
    if (r->nrows)
        return 0;
    return ts_db_query(db, a,
                       LOGIN_COLUMNS "WHERE u.is_ent_admin = 1 AND u.ent_id = (SELECT id FROM"
                                     " enterprise WHERE customs_code = ? OR taxpayer_id = ? OR"
                                     " uscc = ? LIMIT 1) FOR UPDATE",
                       TS_ARGS(TS_STR(login_id), TS_STR(login_id), TS_STR(login_id)), r);
}

/* Count a failed attempt; the fifth in a row locks the account for 15
 * minutes and starts the count again.  failed is the count find_account
 * read with the row locked FOR UPDATE, so the new values are computed here
 * rather than by SET expressions that would depend on MariaDB assigning
 * left to right.  Returns 1 when this failure locked the account, 0 when
 * it was only counted, -1 on a database error. */
static int record_failure(struct ts_db *db, int64_t user_id, int64_t failed)
{
    if (failed + 1 < TS_ACCOUNT_MAX_FAILURES)
        return ts_db_exec(db, "UPDATE app_user SET failed_logins = ? WHERE id = ?",
                          TS_ARGS(TS_I64(failed + 1), TS_I64(user_id)), NULL);
    if (ts_db_exec(db,
                   "UPDATE app_user SET failed_logins = 0,"
                   " locked_until = NOW() + INTERVAL ? MINUTE WHERE id = ?",
                   TS_ARGS(TS_I64(TS_ACCOUNT_LOCK_MINUTES), TS_I64(user_id)), NULL) < 0)
        return -1;
    return 1;
}

/* A failed proof (wrong password, wrong PIN, bad signature) for a known
 * account: counted, and when it locks the account, res names the account
 * for the audit row. */
static void count_failure(struct ts_db *db, const struct ts_db_rows *r, struct ts_login_result *res)
{
    int64_t id = ts_db_cell_i64(r, 0, "id");
    int locked = record_failure(db, id, ts_db_cell_i64(r, 0, "failed_logins"));
    res->status = locked < 0 ? TS_LOGIN_ERROR : TS_LOGIN_BAD;
    if (locked > 0) {
        res->locked_now = true;
        res->user_id = id;
        res->ent_id = ts_db_cell_i64(r, 0, "ent_id");
    }
}

/* A known-good hash to verify against when the user does not exist, so a
 * wrong user name costs as much time as a wrong password. */
static const char *dummy_hash(void)
{
    static char hash[TS_CRYPTO_PASSWORD_MAX];
    if (!hash[0])
        ts_crypto_password_hash("not-a-password-0", hash, sizeof hash);
    return hash;
}

/* The login decision for the one account row r (LOGIN_COLUMNS, locked FOR
 * UPDATE): lockout first, then the proof, then whether the user and
 * enterprise are enabled (only revealed to someone who proved who they
 * are).  The proof is asked only when the account is not locked, so a
 * locked account costs no card PIN try. */
static void decide(struct ts_db *db, const struct ts_db_rows *r, ts_account_prove_fn prove,
                   void *ctx, struct ts_login_result *res)
{
    int64_t id = ts_db_cell_i64(r, 0, "id");
    const char *ent_status = ts_db_cell(r, 0, "ent_status");
    enum ts_account_proof proof;
    if (ts_db_cell_i64(r, 0, "locked")) {
        res->status = TS_LOGIN_LOCKED;
    } else if ((proof = prove(ctx, ts_db_cell(r, 0, "password_hash"))) == TS_PROOF_WRONG) {
        count_failure(db, r, res);
    } else if (proof != TS_PROOF_OK) {
        res->status = TS_LOGIN_UNPROVEN;
    } else if (strcmp(ts_db_cell(r, 0, "status"), "normal") != 0) {
        res->status = TS_LOGIN_DISABLED;
    } else if (ent_status && strcmp(ent_status, "normal") != 0) {
        res->status = TS_LOGIN_ENT_DISABLED;
    } else if (ts_db_exec(db,
                          "UPDATE app_user SET failed_logins = 0, locked_until = NULL,"
                          " last_login_at = NOW() WHERE id = ?",
                          TS_ARGS(TS_I64(id)), NULL) < 0) {
        res->status = TS_LOGIN_ERROR;
    } else {
        res->status = TS_LOGIN_OK;
        res->user_id = id;
        res->ent_id = ts_db_cell_i64(r, 0, "ent_id");
        res->must_change_password = ts_db_cell_i64(r, 0, "must_change_password") != 0;
    }
}

/* The password as the proof of ts_account_login. */
static enum ts_account_proof password_proof(void *pw, const char *password_hash)
{
    return ts_crypto_password_verify(pw, password_hash) ? TS_PROOF_OK : TS_PROOF_WRONG;
}

/* The login check with a password.  Runs inside the request's transaction. */
void ts_account_login(struct ts_db *db, struct ts_arena *a, const char *login_id, const char *pw,
                      struct ts_login_result *res)
{
    struct ts_db_rows r;
    memset(res, 0, sizeof *res);
    if (find_account(db, a, login_id, &r) < 0) {
        res->status = TS_LOGIN_ERROR;
        return;
    }
    if (r.nrows != 1) {
        ts_crypto_password_verify(pw, dummy_hash());
        res->status = TS_LOGIN_BAD;
        return;
    }
    decide(db, &r, password_proof, (void *)pw, res);
}

/* The login check of an account already identified by other means (卡介质
 * 登录: the card's 卡号 names the user), with prove() deciding whether the
 * credential is right.  Same lockout, counting and status checks as the
 * password; a proof that could not be made (TS_PROOF_NONE: no card, signd
 * down) counts nothing and returns TS_LOGIN_UNPROVEN.  Runs inside the
 * request's transaction; user_id must exist (else TS_LOGIN_BAD). */
void ts_account_login_proven(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                             ts_account_prove_fn prove, void *ctx, struct ts_login_result *res)
{
    struct ts_db_rows r;
    memset(res, 0, sizeof *res);
    if (ts_db_query(db, a, LOGIN_COLUMNS "WHERE u.id = ? FOR UPDATE", TS_ARGS(TS_I64(user_id)),
                    &r) < 0) {
        res->status = TS_LOGIN_ERROR;
        return;
    }
    if (r.nrows != 1) {
        res->status = TS_LOGIN_BAD;
        return;
    }
    decide(db, &r, prove, ctx, res);
}
