/* ts_enterprise — 出口企业 as the operator creates them.
 *
 * Creating an enterprise also creates its 企业管理员 role (holding every
 * enterprise permission; not deletable, 000 §2.5.3) and its administrator
 * account, whose login name is the 海关编码 and whose initial password is
 * the last 8 digits of the bank account, to be changed at first login
 * (002 §2.3).  The admin may also log in with the 纳税人识别号 or 统一社会
 * 信用代码. */
#ifndef TS_ENTERPRISE_H
#define TS_ENTERPRISE_H

#include <stdint.h>

struct ts_db;

struct ts_enterprise {
    const char *name;
    const char *uscc;
    const char *customs_code;
    const char *taxpayer_id;
    const char *ent_type; /* production | trading */
    const char *tax_bureau_code;
    const char *customs_district_code;
    const char *bank_name;
    const char *bank_account;
    const char *contact;
    const char *phone;
};

int ts_enterprise_create(struct ts_db *db, const struct ts_enterprise *e, int64_t *ent_id,
                         int64_t *admin_user_id);
int ts_enterprise_admin_role(struct ts_db *db, int64_t ent_id, int64_t *role_id);
int ts_enterprise_grant_all(struct ts_db *db, int64_t role_id, unsigned scope);
int ts_enterprise_sync_admin_perms(struct ts_db *db, uint64_t *added);

#endif
