#include "ts_enterprise.h"
#include "ts_account.h"
#include "ts_codes.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_perm.h"

#include <string.h>

/* Grant a role every permission code open to a scope (企业管理员 and the
 * portal's own roles hold all of theirs). */
int ts_enterprise_grant_all(struct ts_db *db, int64_t role_id, unsigned scope)
{
    for (size_t i = 0; i < ts_perm_count; i++) {
        if (!(ts_perm_table[i].scopes & scope))
            continue;
        if (ts_db_exec(db, "INSERT IGNORE INTO role_perm (role_id, perm) VALUES (?, ?)",
                       TS_ARGS(TS_I64(role_id), TS_STR(ts_perm_table[i].code)), NULL) < 0)
            return -1;
    }
    return 0;
}

/* The default roles — every enterprise's 企业管理员 and the portal's
 * 税务人员, 海关人员, 运维管理员 (role.is_admin) — hold every code open to
 * their kind.  A module added later brings new codes; without this the default
 * roles would miss them and nobody could grant them (a code is granted
 * only by someone who holds it).  Idempotent; *added counts the rows
 * written.  In the caller's transaction. */
int ts_enterprise_sync_admin_perms(struct ts_db *db, uint64_t *added)
{
    static const enum ts_scope scopes[] = {TS_SCOPE_ENTERPRISE, TS_SCOPE_TAX, TS_SCOPE_CUSTOMS,
                                           TS_SCOPE_OPERATOR};
    struct ts_db_result res;
    *added = 0;
    for (size_t i = 0; i < ts_perm_count; i++)
        for (size_t k = 0; k < sizeof scopes / sizeof scopes[0]; k++) {
            if (!(ts_perm_table[i].scopes & scopes[k]))
                continue;
            if (ts_db_exec(
                    db,
                    "INSERT IGNORE INTO role_perm (role_id, perm)"
                    " SELECT id, ? FROM role WHERE is_admin = 1 AND scope = ?",
                    TS_ARGS(TS_STR(ts_perm_table[i].code), TS_STR(ts_perm_scope_name(scopes[k]))),
                    &res) < 0)
                return -1;
            *added += res.affected;
        }
    return 0;
}

/* Create the enterprise's 企业管理员 role; *role_id gets its id. */
int ts_enterprise_admin_role(struct ts_db *db, int64_t ent_id, int64_t *role_id)
{
    struct ts_db_result res;
    if (ts_db_exec(db,
                   "INSERT INTO role (scope, ent_id, name, is_admin, remark)"
                   " VALUES ('enterprise', ?, '企业管理员', 1, '系统分配的默认角色')",
                   TS_ARGS(TS_I64(ent_id)), &res) < 0)
        return -1;
    *role_id = (int64_t)res.insert_id;
    return ts_enterprise_grant_all(db, *role_id, TS_SCOPE_ENTERPRISE);
}

/* Insert the enterprise, its admin role and admin account, in the caller's
 * transaction.  Duplicate codes come back as -1 with TS_DB_ER_DUP_ENTRY. */
int ts_enterprise_create(struct ts_db *db, const struct ts_enterprise *e, int64_t *ent_id,
                         int64_t *admin_user_id)
{
    struct ts_db_result res;
    int64_t role_id;
    char initial[9];
    int rc = -1;
    if (!ts_codes_bank_account_last8(e->bank_account, initial))
        return -1;
    if (ts_db_exec(db,
                   "INSERT INTO enterprise (name, uscc, customs_code, taxpayer_id, ent_type,"
                   " tax_bureau_code, customs_district_code, bank_name, bank_account, contact,"
                   " phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_STR(e->name), TS_STR(e->uscc), TS_STR(e->customs_code),
                           TS_STR(e->taxpayer_id), TS_STR(e->ent_type), TS_STR(e->tax_bureau_code),
                           TS_STR(e->customs_district_code && *e->customs_district_code
                                      ? e->customs_district_code : NULL),
                           TS_STR(e->bank_name), TS_STR(e->bank_account),
                           TS_STR(e->contact && *e->contact ? e->contact : NULL),
                           TS_STR(e->phone && *e->phone ? e->phone : NULL)),
                   &res) < 0)
        goto out;
    *ent_id = (int64_t)res.insert_id;
    struct ts_account_new admin = {
        .scope = TS_SCOPE_ENTERPRISE, .ent_id = *ent_id, .login_name = e->customs_code,
        .nickname = "企业管理员", .user_type = "admin", .password = initial,
        .must_change_password = true, .is_ent_admin = true,
    };
    if (ts_enterprise_admin_role(db, *ent_id, &role_id) < 0 ||
        ts_account_create(db, &admin, admin_user_id) < 0 ||
        ts_db_exec(db, "INSERT INTO user_role (user_id, role_id) VALUES (?, ?)",
                   TS_ARGS(TS_I64(*admin_user_id), TS_I64(role_id)), NULL) < 0)
        goto out;
    rc = 0;
out:
    ts_crypto_wipe(initial, sizeof initial);
    return rc;
}
