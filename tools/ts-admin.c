/* ts-admin — command-line administration of a tuishui database, run by
 * `make run` / `make check` (seed-demo), `make audit-verify`, and by hand on
 * a production host (create-operator to bootstrap the first operator).
 *
 *   ts-admin seed-demo ACCOUNTS_FILE   load demo enterprises and users once
 *   ts-admin audit-verify              check the audit log's SM3 chain
 *   ts-admin create-operator LOGIN     first operator; password from stdin
 *   ts-admin sync-admin-perms          give the default roles (企业管理员, the
 *                                      portal's 税务/海关/运维 roles) every
 *                                      code open to them; scripts/stack.sh
 *                                      runs it on every start
 *   ts-admin lookup rate CODE DATE     the 文库 entry that gives CODE's rate
 *   ts-admin lookup fx CURRENCY MONTH  an exchange rate (502 or USD, YYYYMM)
 *   ts-admin lookup code LIST CODE     a code list entry (currency, ...)
 *   ts-admin lookup import ENT ENTRY   an import declaration as enterprise ENT
 *                                      (海关编码; "-": customs' view) may use it
 *                                      — lib/ts_reflib's answers, as the
 *                                      rebate modules get them; exit 1
 *                                      when there is none
 *   ts-admin retgoods-move ID FROM TO [TEXT]  move 出口退货 record ID from
 *                                      state FROM to TO with the 回执 TEXT
 *                                      (lib/ts_retgoods ts_retgoods_transition:
 *                                      refused moves exit 1 with the reason)
 *   ts-admin retgoods-requeue ID       queue the electronic audit (job
 *                                      retgoods.audit) of 出口退货 record ID
 *                                      again after it failed: the record must
 *                                      be in 3 with no audit job queued or
 *                                      running (exit 1 with the reason)
 *   ts-admin bind-card LOGIN READER    bind the 电子口岸 IC 卡 in READER (read
 *                                      through signd, config sign.socket) to
 *                                      the user LOGIN; idempotent.  No PIN:
 *                                      this is the host's administrator
 *                                      (scripts/stack.sh binds the demo card
 *                                      to the demo enterprise administrator)
 *   ts-admin recount-decl-days         rebuild export_decl_day_count (the
 *                                      报关单查询 result counts, schema/017)
 *                                      from the published declarations;
 *                                      says how many days were wrong
 *
 * The database comes from the config file named by TUISHUI_CONF. */
#include "ts_account.h"
#include "ts_arena.h"
#include "ts_audit.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_customs_decl.h"
#include "ts_db.h"
#include "ts_enterprise.h"
#include "ts_import_decl.h"
#include "ts_money.h"
#include "ts_reflib.h"
#include "ts_job.h"
#include "ts_retgoods.h"
#include "ts_rgaudit.h"
#include "ts_sign.h"
#include "ts_sm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A demo enterprise and the demo password its administrator gets.  Demo
 * administrators skip the forced change so every demo account in
 * var/demo-accounts.txt logs in as printed; an enterprise the operator
 * creates in the portal starts with the bank-account initial password. */
static const struct ts_enterprise demo_production = {
    .name = "四川天府机械制造有限公司",
    .uscc = "91510100MA6CAB126W",
    .customs_code = "5101940001",
    .taxpayer_id = "91510100MA6CAB126W",
    .ent_type = "production",
    .tax_bureau_code = "15101000000",
    .customs_district_code = "7900",
    .bank_name = "中国银行成都高新支行",
    .bank_account = "6217003810012345678",
    .contact = "张敏",
    .phone = "13800000001",
};

static const struct ts_enterprise demo_trading = {
    .name = "成都蓉欧国际贸易有限公司",
    .uscc = "91510107MA6DXY3448",
    .customs_code = "5101960002",
    .taxpayer_id = "91510107MA6DXY3448",
    .ent_type = "trading",
    .tax_bureau_code = "15101070000",
    .customs_district_code = "7902",
    .bank_name = "中国工商银行成都武侯支行",
    .bank_account = "4402205019100087654",
    .contact = "李强",
    .phone = "13800000002",
};

#define DEMO_ENT_PASSWORD   "Tuishui@2026"
#define DEMO_STAFF_PASSWORD "Tuishui@2026staff"

static int fail(const char *what)
{
    fprintf(stderr, "ts-admin: %s failed (see the log lines above)\n", what);
    return 1;
}

/* One portal-side user with one of the portal roles. */
static int add_staff(struct ts_db *db, struct ts_arena *a, const struct ts_account_new *u,
                     const char *role_scope)
{
    int64_t id;
    struct ts_db_rows r;
    if (ts_account_create(db, u, &id) < 0 ||
        ts_db_query(db, a,
                    "SELECT id FROM role WHERE ent_id IS NULL AND scope = ? AND is_admin = 1",
                    TS_ARGS(TS_STR(role_scope)), &r) < 0 ||
        r.nrows != 1)
        return -1;
    return ts_db_exec(db, "INSERT INTO user_role (user_id, role_id) VALUES (?, ?)",
                      TS_ARGS(TS_I64(id), TS_I64(ts_db_cell_i64(&r, 0, "id"))), NULL);
}

/* The default roles' permissions: everything open to their kind (the
 * portal roles come from schema/001_core.sql without any). */
static int grant_portal_roles(struct ts_db *db)
{
    uint64_t added;
    return ts_enterprise_sync_admin_perms(db, &added);
}

/* The restricted clerk: a custom role of the production enterprise that
 * may see the workbench and the user list, but not change users. */
static int add_clerk(struct ts_db *db, int64_t ent_id)
{
    struct ts_db_result res;
    int64_t user_id;
    struct ts_account_new u = {
        .scope = TS_SCOPE_ENTERPRISE,
        .ent_id = ent_id,
        .login_name = "clerk01",
        .nickname = "王单证",
        .user_type = "operator",
        .phone = "13800000003",
        .password = DEMO_ENT_PASSWORD,
    };
    if (ts_db_exec(db,
                   "INSERT INTO role (scope, ent_id, name, remark) VALUES"
                   " ('enterprise', ?, '单证录入员', '只能查看工作台和用户列表')",
                   TS_ARGS(TS_I64(ent_id)), &res) < 0)
        return -1;
    int64_t role_id = (int64_t)res.insert_id;
    if (ts_db_exec(db,
                   "INSERT INTO role_perm (role_id, perm) VALUES (?, 'workbench'), (?, 'users')",
                   TS_ARGS(TS_I64(role_id), TS_I64(role_id)), NULL) < 0 ||
        ts_account_create(db, &u, &user_id) < 0)
        return -1;
    return ts_db_exec(db, "INSERT INTO user_role (user_id, role_id) VALUES (?, ?)",
                      TS_ARGS(TS_I64(user_id), TS_I64(role_id)), NULL);
}

/* A demo enterprise with its admin on the demo password. */
static int add_enterprise(struct ts_db *db, const struct ts_enterprise *e, int64_t *ent_id)
{
    int64_t admin;
    if (ts_enterprise_create(db, e, ent_id, &admin) < 0)
        return -1;
    return ts_account_set_password(db, admin, DEMO_ENT_PASSWORD, false);
}

static int write_accounts(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "operator ops01 %s\n", DEMO_STAFF_PASSWORD);
    fprintf(f, "ent-admin-production %s %s\n", demo_production.customs_code, DEMO_ENT_PASSWORD);
    fprintf(f, "ent-admin-trading %s %s\n", demo_trading.customs_code, DEMO_ENT_PASSWORD);
    fprintf(f, "ent-clerk clerk01 %s\n", DEMO_ENT_PASSWORD);
    fprintf(f, "tax-officer tax01 %s\n", DEMO_STAFF_PASSWORD);
    fprintf(f, "customs-officer customs01 %s\n", DEMO_STAFF_PASSWORD);
    return fclose(f);
}

/* One demo 出口报关单 as customs would publish it: a header for the
 * enterprise, n product lines of the given goods. */
struct demo_decl {
    const char *entry_id, *type, *ie_date, *d_date, *clear_date, *country;
    const struct ts_enterprise *ent;
    int lines;
    const char *hs, *name, *unit, *price, *qty;
};

static const struct demo_decl demo_decls[] = {
    {"790020260000810001", "1", "2026-11-02", "2026-11-01", "2026-11-03", "DEU", &demo_production,
     2, "8459290000", "数控钻床", "001", "12500", "2"},
    {"790020260000810002", "1", "2026-11-05", "2026-11-04", "2026-11-06", "USA", &demo_production,
     1, "8466930000", "钻床零件", "007", "15.5", "400"},
    {"790120260000810003", "1", "2026-11-12", "2026-11-11", "2026-11-13", "JPN", &demo_production,
     3, "8459290000", "立式钻床", "001", "8800", "5"},
    {"790020260000810004", "2", "2026-11-20", "2026-11-19", "", "SGP", &demo_production, 1,
     "8466930000", "机床夹具", "007", "42", "150"},
    {"790220260000820001", "1", "2026-11-08", "2026-11-07", "2026-11-09", "NLD", &demo_trading, 2,
     "6109100021", "棉制针织T恤衫", "011", "3.2", "12000"},
    {"790220260000820002", "2", "2026-11-15", "2026-11-14", "", "DEU", &demo_trading, 1,
     "6110200090", "棉制针织套头衫", "011", "6.8", "5000"},
};

/* Fill a demo declaration's header and lines (amounts from price × qty,
 * the 人民币离岸价 at a demo rate of 7.10). */
static struct ts_cdecl *demo_decl_make(struct ts_arena *a, const struct demo_decl *s)
{
    struct ts_cdecl *d = ts_cdecl_new(a);
    const char **h = d->head;
    h[TS_CDECL_H_DECL_TYPE] = s->type;
    h[TS_CDECL_H_ENTRY_ID] = s->entry_id;
    h[TS_CDECL_H_PRE_ENTRY_ID] = s->entry_id;
    h[TS_CDECL_H_CUSTOM_MASTER] = ts_arena_strndup(a, s->entry_id, 4);
    h[TS_CDECL_H_IE_PORT] = ts_arena_strndup(a, s->entry_id, 4);
    h[TS_CDECL_H_IE_DATE] = s->ie_date;
    h[TS_CDECL_H_D_DATE] = s->d_date;
    h[TS_CDECL_H_CLEAR_DATE] = s->clear_date;
    h[TS_CDECL_H_TRADE_CO_SCC] = s->ent->uscc;
    h[TS_CDECL_H_TRADE_CODE] = s->ent->customs_code;
    h[TS_CDECL_H_TRADE_NAME] = s->ent->name;
    h[TS_CDECL_H_OWNER_CODE_SCC] = s->ent->uscc;
    h[TS_CDECL_H_OWNER_CODE] = s->ent->customs_code;
    h[TS_CDECL_H_OWNER_NAME] = s->ent->name;
    h[TS_CDECL_H_TRAF_MODE] = "2";
    h[TS_CDECL_H_BILL_NO] = ts_arena_printf(a, "COSU%.8s", s->entry_id + 10);
    h[TS_CDECL_H_TRADE_MODE] = "0110";
    h[TS_CDECL_H_CUT_MODE] = "101";
    h[TS_CDECL_H_TRANS_MODE] = "3";
    h[TS_CDECL_H_CONTR_NO] = ts_arena_printf(a, "HT-%s", s->entry_id + 12);
    h[TS_CDECL_H_TRADE_COUNTRY] = s->country;
    h[TS_CDECL_H_PACK_NO] = "10";
    h[TS_CDECL_H_GROSS_WET] = "1250.5";
    h[TS_CDECL_H_NET_WT] = "1180";
    for (int k = 0; k < s->lines; k++) {
        struct ts_cdecl_line *l = ts_cdecl_add_line(a, d);
        /* price × qty in fen: both demo values have at most one decimal */
        int64_t price_tenths = strtoll(s->price, NULL, 10) * 10 +
                               (strchr(s->price, '.') ? strchr(s->price, '.')[1] - '0' : 0);
        int64_t fen = price_tenths * strtoll(s->qty, NULL, 10) * 10;
        char usd[TS_MONEY_BUF], rmb[TS_MONEY_BUF];
        ts_money_format(fen, usd, sizeof usd);
        ts_money_format(fen * 71 / 10, rmb, sizeof rmb);
        l->v[TS_CDECL_L_G_NO] = ts_arena_printf(a, "%d", k + 1);
        l->v[TS_CDECL_L_CODE_TS] = s->hs;
        l->v[TS_CDECL_L_G_NAME] = s->name;
        l->v[TS_CDECL_L_G_MODEL] = ts_arena_printf(a, "型号%c|无品牌", 'A' + k);
        l->v[TS_CDECL_L_G_QTY] = s->qty;
        l->v[TS_CDECL_L_G_UNIT] = s->unit;
        l->v[TS_CDECL_L_FIRST_QTY] = s->qty;
        l->v[TS_CDECL_L_FIRST_UNIT] = s->unit;
        l->v[TS_CDECL_L_DECL_PRICE] = s->price;
        l->v[TS_CDECL_L_DECL_TOTAL] = ts_arena_strdup(a, usd);
        l->v[TS_CDECL_L_TRADE_CURR] = "USD";
        l->v[TS_CDECL_L_USD_FOB] = ts_arena_strdup(a, usd);
        l->v[TS_CDECL_L_RMB_FOB] = ts_arena_strdup(a, rmb);
        l->v[TS_CDECL_L_ORIGIN_COUNTRY] = "CHN";
        l->v[TS_CDECL_L_DESTINATION_COUNTRY] = s->country;
        l->v[TS_CDECL_L_DISTRICT_CODE] = "51019";
        l->v[TS_CDECL_L_DUTY_MODE] = "1";
    }
    return d;
}

/* The demo declarations, the first published twice (修改, history kept). */
static int seed_decls(struct ts_db *db, struct ts_arena *a)
{
    struct ts_cdecl_published p;
    for (size_t i = 0; i < sizeof demo_decls / sizeof demo_decls[0]; i++) {
        struct ts_cdecl *d = demo_decl_make(a, &demo_decls[i]);
        if (!ts_cdecl_check(a, d)) {
            fprintf(stderr, "ts-admin: demo declaration %s: %s\n", demo_decls[i].entry_id,
                    d->errors[0]);
            return -1;
        }
        if (ts_cdecl_publish(db, a, d, 0, &p) < 0)
            return -1;
        if (i == 0) {
            d->head[TS_CDECL_H_PACK_NO] = "12";
            if (ts_cdecl_publish(db, a, d, 0, &p) < 0)
                return -1;
        }
    }
    return 0;
}

/* One demo 进口报关单 (出口复进口: goods of the demo export declarations
 * coming back), for 出口退货信息录入.  trade is the 境内收货人, owner the
 * 消费使用单位. */
struct demo_import {
    const char *entry_id, *ie_date, *d_date, *country;
    const struct ts_enterprise *trade, *owner;
    const char *lines; /* "HS|名称|数量|单位|总价", ';' between lines */
};

static const struct demo_import demo_imports[] = {
    {"790020261000810101", "2026-11-25", "2026-11-26", "DEU", &demo_production, &demo_production,
     "8459290000|数控钻床|1|001|25000.00"},
    {"790020261000810102", "2026-11-27", "2026-11-27", "USA", &demo_production, &demo_production,
     "8466930000|钻床零件|100|007|1550.00;8459290000|数控钻床|1|001|25000.00"},
    {"790020261000810103", "2026-11-28", "2026-11-29", "JPN", &demo_trading, &demo_production,
     "8459290000|立式钻床|2|001|17600.00"},
    {"790220261000820101", "2026-11-26", "2026-11-27", "NLD", &demo_trading, &demo_trading,
     "6109100021|棉制针织T恤衫|2000.5|011|6401.60"},
};

/* Split one demo line "HS|名称|数量|单位|总价" (s, modified) into the
 * line's values. */
static void demo_import_line(struct ts_arena *a, char *s, int g_no, const char **v)
{
    char *save = NULL;
    v[TS_IDECL_L_G_NO] = ts_arena_printf(a, "%d", g_no);
    v[TS_IDECL_L_CODE_TS] = strtok_r(s, "|", &save);
    v[TS_IDECL_L_G_NAME] = strtok_r(NULL, "|", &save);
    v[TS_IDECL_L_G_QTY] = strtok_r(NULL, "|", &save);
    v[TS_IDECL_L_G_UNIT] = strtok_r(NULL, "|", &save);
    v[TS_IDECL_L_DECL_TOTAL] = strtok_r(NULL, "|", &save);
    v[TS_IDECL_L_TRADE_CURR] = "USD";
    v[TS_IDECL_L_SUPV_CLASS_NAME] = "入境货物";
}

/* Fill a demo import declaration (申报单位: a customs broker). */
static struct ts_import_decl_in *demo_import_make(struct ts_arena *a, const struct demo_import *s)
{
    struct ts_import_decl_in *d = ts_import_decl_in_new(a);
    const char **h = d->head;
    h[TS_IDECL_H_ENTRY_ID] = s->entry_id;
    h[TS_IDECL_H_CUSTOM_MASTER] = ts_arena_strndup(a, s->entry_id, 4);
    h[TS_IDECL_H_IE_PORT] = ts_arena_strndup(a, s->entry_id, 4);
    h[TS_IDECL_H_IE_DATE] = s->ie_date;
    h[TS_IDECL_H_D_DATE] = s->d_date;
    h[TS_IDECL_H_AGENT_CODE] = "5101980009";
    h[TS_IDECL_H_AGENT_NAME] = "四川蓉城报关有限公司";
    h[TS_IDECL_H_DECLARANT_NAME] = "赵关";
    h[TS_IDECL_H_TRADE_CO_SCC] = s->trade->uscc;
    h[TS_IDECL_H_TRADE_CODE] = s->trade->customs_code;
    h[TS_IDECL_H_TRADE_NAME] = s->trade->name;
    h[TS_IDECL_H_RECEIVER_ADDR] = "四川省成都市高新区天府大道北段1号";
    h[TS_IDECL_H_OWNER_CODE_SCC] = s->owner->uscc;
    h[TS_IDECL_H_OWNER_CODE] = s->owner->customs_code;
    h[TS_IDECL_H_OWNER_NAME] = s->owner->name;
    h[TS_IDECL_H_OWNER_CUSTOMS] = s->owner->customs_district_code;
    h[TS_IDECL_H_TRADE_COUNTRY] = s->country;
    h[TS_IDECL_H_TRADE_MODE] = "4561";
    h[TS_IDECL_H_BILL_NO] = ts_arena_printf(a, "MSKU%.8s", s->entry_id + 10);
    h[TS_IDECL_H_DEST_CUSTOMS] = ts_arena_strndup(a, s->entry_id, 4);
    char *save = NULL, *all = ts_arena_strdup(a, s->lines);
    for (char *l = strtok_r(all, ";", &save); l; l = strtok_r(NULL, ";", &save)) {
        d->nlines++;
        demo_import_line(a, l, (int)d->nlines, d->lines[d->nlines - 1]);
    }
    return d;
}

/* The demo import declarations (出口退货 auto-fill). */
static int seed_imports(struct ts_db *db, struct ts_arena *a)
{
    struct ts_cdecl_published p;
    for (size_t i = 0; i < sizeof demo_imports / sizeof demo_imports[0]; i++) {
        struct ts_import_decl_in *d = demo_import_make(a, &demo_imports[i]);
        if (!ts_import_decl_check(a, d)) {
            fprintf(stderr, "ts-admin: demo import declaration %s: %s\n", demo_imports[i].entry_id,
                    d->errors[0]);
            return -1;
        }
        if (ts_import_decl_publish(db, a, d, 0, &p) < 0)
            return -1;
    }
    return 0;
}

/* seed-demo: everything in one transaction, so a failure leaves nothing. */
static int seed_demo(struct ts_db *db, const char *accounts_path)
{
    struct ts_arena *a = ts_arena_new(0);
    int64_t prod_id, trade_id;
    struct ts_account_new ops = {.scope = TS_SCOPE_OPERATOR,
                                 .login_name = "ops01",
                                 .nickname = "门户运维",
                                 .user_type = "admin",
                                 .password = DEMO_STAFF_PASSWORD};
    struct ts_account_new tax = {.scope = TS_SCOPE_TAX,
                                 .tax_bureau_code = "15101000000",
                                 .login_name = "tax01",
                                 .nickname = "成都市税务局审核员",
                                 .user_type = "officer",
                                 .password = DEMO_STAFF_PASSWORD};
    struct ts_account_new cus = {.scope = TS_SCOPE_CUSTOMS,
                                 .customs_district_code = "7900",
                                 .login_name = "customs01",
                                 .nickname = "成都海关审核员",
                                 .user_type = "officer",
                                 .password = DEMO_STAFF_PASSWORD};
    int rc = ts_db_begin(db) < 0 || grant_portal_roles(db) < 0 ||
             add_staff(db, a, &ops, "operator") < 0 || add_staff(db, a, &tax, "tax") < 0 ||
             add_staff(db, a, &cus, "customs") < 0 ||
             add_enterprise(db, &demo_production, &prod_id) < 0 ||
             add_enterprise(db, &demo_trading, &trade_id) < 0 || add_clerk(db, prod_id) < 0 ||
             seed_decls(db, a) < 0 || seed_imports(db, a) < 0;
    if (rc || ts_db_commit(db) < 0) {
        ts_db_rollback(db);
        ts_arena_free(a);
        return fail("seed-demo");
    }
    ts_arena_free(a);
    if (write_accounts(accounts_path) < 0)
        return fail("writing the accounts file");
    return 0;
}

static int audit_verify(struct ts_db *db)
{
    struct ts_audit_report rep;
    if (ts_audit_verify(db, &rep) < 0)
        return fail("audit-verify");
    if (rep.bad_id) {
        printf("审计日志校验失败：第 %lld 行 — %s（已检查 %lld 行）\n", (long long)rep.bad_id,
               rep.reason, (long long)rep.rows);
        return 1;
    }
    printf("审计日志校验通过：%lld 行，哈希链完整。\n", (long long)rep.rows);
    return 0;
}

/* create-operator: the first operator account on a new host. */
static int create_operator(struct ts_db *db, const char *login)
{
    char pw[200];
    const char *err = NULL;
    struct ts_arena *a = ts_arena_new(0);
    int rc = 1;
    if (!fgets(pw, sizeof pw, stdin))
        goto out;
    pw[strcspn(pw, "\r\n")] = '\0';
    if (!ts_account_password_ok(TS_SCOPE_OPERATOR, pw, &err)) {
        fprintf(stderr, "ts-admin: %s\n", err);
        goto out;
    }
    struct ts_account_new u = {.scope = TS_SCOPE_OPERATOR,
                               .login_name = login,
                               .nickname = "门户运维",
                               .user_type = "admin",
                               .password = pw};
    if (ts_db_begin(db) < 0 || grant_portal_roles(db) < 0 || add_staff(db, a, &u, "operator") < 0 ||
        ts_db_commit(db) < 0) {
        ts_db_rollback(db);
        rc = fail("create-operator");
        goto out;
    }
    rc = 0;
out:
    ts_crypto_wipe(pw, sizeof pw);
    ts_arena_free(a);
    return rc;
}

/* The audit row of a change made from the command line: no user, no
 * request, so a fresh random request id ties the row to this run. */
static int audit_tool(struct ts_db *db, int64_t ent_id, const char *action, const char *object,
                      const char *object_id, const char *detail)
{
    char id[65];
    if (ts_crypto_token_hex(id) < 0)
        return -1;
    id[16] = '\0';
    return ts_audit_append(db, 0, ent_id, id, action, object, object_id, detail);
}

/* sync-admin-perms: after migrations and on every start, so the default
 * roles hold the codes of modules added since they were made.  One
 * transaction; an audit row when something was added. */
static int sync_admin_perms(struct ts_db *db)
{
    uint64_t added = 0;
    char detail[64];
    int rc = ts_db_begin(db) < 0 || ts_enterprise_sync_admin_perms(db, &added) < 0;
    snprintf(detail, sizeof detail, "added=%llu", (unsigned long long)added);
    if (!rc && added)
        rc = audit_tool(db, 0, "ts-admin.sync-admin-perms", "role_perm", NULL, detail) < 0;
    if (rc || ts_db_commit(db) < 0) {
        ts_db_rollback(db);
        return fail("sync-admin-perms");
    }
    printf("sync-admin-perms: %llu permission(s) added to the default roles\n",
           (unsigned long long)added);
    return 0;
}

/* lookup import: the import declaration entry_id as enterprise ent (its
 * 海关编码; "-" for customs' view, whoever it belongs to) may use it:
 * the header on one line, then one line per goods line.  1 found, 0 not
 * found or not the enterprise's, -1 database error. */
static int lookup_import(struct ts_db *db, struct ts_arena *a, const char *ent,
                         const char *entry_id)
{
    struct ts_import_decl d;
    struct ts_db_rows r;
    int rc;
    if (strcmp(ent, "-") == 0)
        rc = ts_import_decl_load_any(db, a, entry_id, &d);
    else if (ts_db_query(db, a, "SELECT id FROM enterprise WHERE customs_code = ?",
                         TS_ARGS(TS_STR(ent)), &r) < 0)
        return -1;
    else
        rc = r.nrows ? ts_import_decl_load(db, a, ts_db_cell_i64(&r, 0, "id"), entry_id, &d) : 1;
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    printf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.entry_id,
           d.version, d.agent_code, d.declarant_name, d.trade_code, d.owner_code, d.owner_customs,
           d.receiver_addr, d.d_date, d.ie_date, d.trade_country, d.custom_master, d.trade_mode,
           d.bill_no, d.dest_customs, d.agent_name, d.trade_name);
    for (size_t k = 0; k < d.nlines; k++) {
        char total[TS_MONEY_BUF];
        ts_money_format(d.lines[k].decl_total_fen, total, sizeof total);
        printf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.lines[k].g_no, d.lines[k].code_ts,
               d.lines[k].supv_class_name, d.lines[k].g_name, total, d.lines[k].trade_curr,
               d.lines[k].g_qty, d.lines[k].g_unit);
    }
    return 1;
}

/* lookup rate / fx / code: print what lib/ts_reflib answers, one line of
 * tab-separated fields; 0 found, 1 none, 3 database error. */
static int lookup(struct ts_db *db, const char *what, const char *x, const char *y)
{
    struct ts_arena *a = ts_arena_new(0);
    struct ts_reflib_rate r;
    const char *code = NULL, *name = NULL;
    char levy[16], rebate[16], rate[TS_MONEY_BUF];
    int64_t micro;
    int found = -1;
    if (strcmp(what, "rate") == 0 && (found = ts_reflib_rate(db, a, x, y, &r)) > 0) {
        ts_reflib_percent_format(r.levy_micro, levy);
        ts_reflib_percent_format(r.rebate_micro, rebate);
        printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.hs_code, r.version, levy, rebate, r.effective_from,
               r.effective_to, r.goods_name);
    } else if (strcmp(what, "fx") == 0 && (found = ts_reflib_fx(db, a, x, y, &micro)) > 0) {
        ts_money_rate_format(micro, rate, sizeof rate);
        printf("%s\n", rate);
    } else if (strcmp(what, "code") == 0 &&
               (found = ts_reflib_code(db, a, ts_reflib_list_from_name(x), y, &code, &name)) > 0) {
        printf("%s\t%s\n", code, name);
    } else if (strcmp(what, "import") == 0) {
        found = lookup_import(db, a, x, y);
    }
    ts_arena_free(a);
    return found > 0 ? 0 : found == 0 ? 1 : 3;
}

/* The card in a reader, through signd: its 卡号 and its certificate as
 * hex; the certificate must be an SM2 one.  -1 with the reason printed. */
static int read_card(const char *reader, char no[TS_SIGN_CARD_NO + 1], char *cert_hex)
{
    struct ts_sign_opts o;
    struct ts_sign_error err;
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    ts_sign_opts_from_config(&o);
    if (ts_sign_card_no(&o, reader, no, &err) != TS_SIGN_OK ||
        ts_sign_cert(&o, reader, der, &len, &err) != TS_SIGN_OK) {
        fprintf(stderr, "ts-admin: bind-card: %s (%s)\n", err.message, err.detail);
        return -1;
    }
    X509 *cert = ts_sm_cert_load(der, len);
    if (!cert) {
        fprintf(stderr, "ts-admin: bind-card: the card's certificate is not an SM2 certificate\n");
        return -1;
    }
    X509_free(cert);
    ts_crypto_hex(der, len, cert_hex);
    return 0;
}

/* Store the binding and its audit row (the tool is the binder: NULL). */
static int store_binding(struct ts_db *db, const struct ts_db_rows *u, const char *no,
                         const char *cert_hex)
{
    char detail[160];
    snprintf(detail, sizeof detail, "card bind card_no=%s login=%s (ts-admin)", no,
             ts_db_cell(u, 0, "login_name"));
    if (ts_db_exec(db,
                   "UPDATE app_user SET card_no = ?, card_cert = UNHEX(?), card_bound_at = NOW(),"
                   " card_bound_by = NULL WHERE id = ?",
                   TS_ARGS(TS_STR(no), TS_STR(cert_hex), TS_I64(ts_db_cell_i64(u, 0, "id"))),
                   NULL) < 0)
        return -1;
    return audit_tool(db, ts_db_cell_i64(u, 0, "ent_id"), "ts-admin.bind-card", "app_user",
                      ts_db_cell(u, 0, "id"), detail);
}

/* What bind-card does for the user row u: 0 bound now or already, 1
 * refused (printed), -1 database error. */
static int bind_decide(struct ts_db *db, struct ts_arena *a, const struct ts_db_rows *u,
                       const char *no, const char *cert_hex)
{
    struct ts_db_rows other;
    const char *have = ts_db_cell(u, 0, "card_no");
    if (have && strcmp(have, no) == 0 && ts_db_cell_i64(u, 0, "same_cert")) {
        printf("bind-card: %s already bound to card %s\n", ts_db_cell(u, 0, "login_name"), no);
        return 0;
    }
    if (have && strcmp(have, no) != 0) {
        fprintf(stderr, "ts-admin: bind-card: %s is bound to card %s; unbind it first (用户管理)\n",
                ts_db_cell(u, 0, "login_name"), have);
        return 1;
    }
    if (ts_db_query(db, a, "SELECT login_name FROM app_user WHERE card_no = ? AND id <> ?",
                    TS_ARGS(TS_STR(no), TS_I64(ts_db_cell_i64(u, 0, "id"))), &other) < 0)
        return -1;
    if (other.nrows) {
        fprintf(stderr, "ts-admin: bind-card: card %s is bound to another user (%s)\n", no,
                ts_db_cell_at(&other, 0, 0));
        return 1;
    }
    if (store_binding(db, u, no, cert_hex) < 0)
        return -1;
    printf("bind-card: card %s bound to %s\n", no, ts_db_cell(u, 0, "login_name"));
    return 0;
}

/* bind-card: one transaction; running it again changes nothing. */
static int bind_card(struct ts_db *db, const char *login, const char *reader)
{
    char no[TS_SIGN_CARD_NO + 1], cert_hex[2 * TS_SIGN_CERT_MAX + 1];
    struct ts_arena *a = ts_arena_new(0);
    struct ts_db_rows u;
    int rc = 1;
    if (read_card(reader, no, cert_hex) < 0)
        goto out;
    if (ts_db_begin(db) < 0 ||
        ts_db_query(db, a,
                    "SELECT id, ent_id, login_name, card_no, IFNULL(card_cert = UNHEX(?), 0)"
                    " AS same_cert FROM app_user WHERE login_name = ? FOR UPDATE",
                    TS_ARGS(TS_STR(cert_hex), TS_STR(login)), &u) < 0) {
        rc = fail("bind-card");
        goto rollback;
    }
    if (u.nrows != 1) {
        fprintf(stderr, "ts-admin: bind-card: no user %s\n", login);
        goto rollback;
    }
    rc = bind_decide(db, a, &u, no, cert_hex);
    if (rc == 0 && ts_db_commit(db) == 0)
        goto out;
    if (rc <= 0)
        rc = fail("bind-card");
rollback:
    ts_db_rollback(db);
out:
    ts_arena_free(a);
    return rc;
}

/* recount-decl-days: the repair of decl's day counts (ts_cdecl_recount_days),
 * with an audit row when it changed something. */
static int recount_decl_days(struct ts_db *db)
{
    uint64_t days = 0, changed = 0;
    char detail[64];
    int rc = ts_db_begin(db) < 0 || ts_cdecl_recount_days(db, &days, &changed) < 0;
    snprintf(detail, sizeof detail, "days=%llu changed=%llu", (unsigned long long)days,
             (unsigned long long)changed);
    if (!rc && changed)
        rc = audit_tool(db, 0, "ts-admin.recount-decl-days", "export_decl_day_count", NULL,
                        detail) < 0;
    if (rc || ts_db_commit(db) < 0) {
        ts_db_rollback(db);
        return fail("recount-decl-days");
    }
    printf("recount-decl-days: %llu day row(s), %llu were out of step\n", (unsigned long long)days,
           (unsigned long long)changed);
    return 0;
}

/* retgoods-move: one transition of the 出口退货 state machine, as the
 * customs side makes it (tests, and by hand when customs' answer has to be
 * entered).  0 moved, 1 refused (reason printed), 3 database error. */
static int retgoods_move(struct ts_db *db, const char *id, const char *from, const char *to,
                         const char *text)
{
    struct ts_arena *a = ts_arena_new(0);
    char err[256] = "", detail[400];
    int rc = 3;
    if (ts_db_begin(db) < 0)
        goto out;
    rc = ts_retgoods_transition(db, a, strtoll(id, NULL, 10), atoi(from), atoi(to), text, 0, err,
                                sizeof err);
    snprintf(detail, sizeof detail, "retgoods %s: %s -> %s (ts-admin)", id, from, to);
    if (rc == 0 && audit_tool(db, 0, "ts-admin.retgoods-move", "retgoods_head", id, detail) == 0 &&
        ts_db_commit(db) == 0) {
        printf("retgoods-move: %s now %s\n", id, ts_retgoods_status_name(atoi(to)));
        goto out;
    }
    ts_db_rollback(db);
    if (rc == 1)
        fprintf(stderr, "ts-admin: retgoods-move: %s\n", err);
    rc = rc == 1 ? 1 : 3;
out:
    ts_arena_free(a);
    return rc;
}

/* retgoods-requeue: a record a failed audit job left in 3 gets its audit
 * job again (docs/retgoods.md).  0 queued, 1 refused, 3 database error. */
static int retgoods_requeue(struct ts_db *db, const char *id)
{
    struct ts_arena *a = ts_arena_new(0);
    char err[256] = "", detail[200];
    int64_t job = 0;
    int rc = 3;
    if (ts_db_begin(db) < 0)
        goto out;
    rc = ts_rgaudit_requeue(db, a, strtoll(id, NULL, 10), &job, err, sizeof err);
    snprintf(detail, sizeof detail, "retgoods %s: audit job %lld queued (ts-admin)", id,
             (long long)job);
    if (rc == 0 &&
        audit_tool(db, 0, "ts-admin.retgoods-requeue", "retgoods_head", id, detail) == 0 &&
        ts_db_commit(db) == 0) {
        ts_job_wake();
        printf("retgoods-requeue: %s: job %lld queued\n", id, (long long)job);
        goto out;
    }
    ts_db_rollback(db);
    if (rc == 1)
        fprintf(stderr, "ts-admin: retgoods-requeue: %s\n", err);
    rc = rc == 1 ? 1 : 3;
out:
    ts_arena_free(a);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || ts_config_load(getenv("TUISHUI_CONF")) < 0) {
        fprintf(stderr,
                "usage: TUISHUI_CONF=... ts-admin seed-demo FILE | audit-verify |"
                " create-operator LOGIN | sync-admin-perms | lookup rate|fx|code|import X Y |"
                " bind-card LOGIN READER | retgoods-move ID FROM TO [TEXT] |"
                " retgoods-requeue ID |"
                " recount-decl-days\n");
        return 2;
    }
    struct ts_db *db = ts_db_open();
    int rc = 2;
    if (!db)
        return fail("connecting to the database");
    if (strcmp(argv[1], "seed-demo") == 0 && argc == 3)
        rc = seed_demo(db, argv[2]);
    else if (strcmp(argv[1], "audit-verify") == 0)
        rc = audit_verify(db);
    else if (strcmp(argv[1], "create-operator") == 0 && argc == 3)
        rc = create_operator(db, argv[2]);
    else if (strcmp(argv[1], "sync-admin-perms") == 0 && argc == 2)
        rc = sync_admin_perms(db);
    else if (strcmp(argv[1], "lookup") == 0 && argc == 5)
        rc = lookup(db, argv[2], argv[3], argv[4]);
    else if (strcmp(argv[1], "bind-card") == 0 && argc == 4)
        rc = bind_card(db, argv[2], argv[3]);
    else if (strcmp(argv[1], "recount-decl-days") == 0 && argc == 2)
        rc = recount_decl_days(db);
    else if (strcmp(argv[1], "retgoods-move") == 0 && (argc == 5 || argc == 6))
        rc = retgoods_move(db, argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "");
    else if (strcmp(argv[1], "retgoods-requeue") == 0 && argc == 3)
        rc = retgoods_requeue(db, argv[2]);
    else
        fprintf(stderr, "ts-admin: unknown command %s\n", argv[1]);
    ts_db_close(db);
    ts_config_free();
    return rc;
}
