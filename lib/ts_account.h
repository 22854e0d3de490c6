/* ts_account — user accounts: creating them, passwords (policy, scrypt
 * hash, forced change), and the login check with its lockout.
 * Shared by login, users, operator and tools/ts-admin so the rules live
 * once. */
#ifndef TS_ACCOUNT_H
#define TS_ACCOUNT_H

#include "ts_perm.h"

#include <stdbool.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;

enum ts_login_status {
    TS_LOGIN_OK,
    TS_LOGIN_BAD,          /* unknown user or wrong password (one message for both) */
    TS_LOGIN_LOCKED,       /* 5 failures: locked for 15 minutes */
    TS_LOGIN_DISABLED,     /* 用户已停用 */
    TS_LOGIN_ENT_DISABLED, /* 企业已停用 */
    TS_LOGIN_UNPROVEN,     /* the proof could not be made (card absent, signd down):
                              nothing counted; the prover has the reason */
    TS_LOGIN_ERROR,        /* database trouble */
};

/* What a credential check found (ts_account_login_proven). */
enum ts_account_proof {
    TS_PROOF_OK,    /* the credential is right */
    TS_PROOF_WRONG, /* wrong: counts towards the lockout */
    TS_PROOF_NONE,  /* could not be checked: counts nothing */
};

/* Checks the credential of the account; password_hash is the account's
 * stored hash, for provers that need it. */
typedef enum ts_account_proof (*ts_account_prove_fn)(void *ctx, const char *password_hash);

struct ts_login_result {
    enum ts_login_status status;
    int64_t user_id;
    int64_t ent_id; /* 0 for portal staff */
    bool must_change_password;
    bool locked_now; /* this failure was the 5th: the account is locked from now
                        (user_id, ent_id name it, for the audit row login.locked) */
};

/* A new account; strings are copied into the database, not kept. */
struct ts_account_new {
    enum ts_scope scope;
    int64_t ent_id;
    const char *tax_bureau_code;
    const char *customs_district_code;
    const char *login_name;
    const char *nickname;
    const char *user_type; /* admin | operator | officer */
    const char *phone;
    const char *remark;
    const char *password;
    bool must_change_password;
    bool is_ent_admin;
    const char *status; /* normal | disabled */
};

#define TS_ACCOUNT_MAX_FAILURES 5
#define TS_ACCOUNT_LOCK_MINUTES 15

size_t ts_account_password_min(enum ts_scope scope);
bool ts_account_password_ok(enum ts_scope scope, const char *pw, const char **err);
int ts_account_create(struct ts_db *db, const struct ts_account_new *u, int64_t *id);
int ts_account_set_password(struct ts_db *db, int64_t user_id, const char *pw, bool must_change);
bool ts_account_password_matches(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                                 const char *pw);
void ts_account_login(struct ts_db *db, struct ts_arena *a, const char *login_id, const char *pw,
                      struct ts_login_result *res);
void ts_account_login_proven(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                             ts_account_prove_fn prove, void *ctx, struct ts_login_result *res);

#endif
