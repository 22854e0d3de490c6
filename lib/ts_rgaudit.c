/* ts_rgaudit — reception and electronic audit of 出口退货 (see the header;
 * the rules are listed in docs/retgoods.md). */
#include "ts_rgaudit.h"

#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_import_decl.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_retgoods.h"
#include "ts_sm.h"

#include <stdio.h>
#include <string.h>

#define REASON_MAX_CHARS 500 /* retgoods_receipt.content */
#define GENERAL_TRADE    "0110"

/* One more problem sentence. */
static void add(struct ts_arena *a, struct ts_rgaudit_problems *p, const char *msg)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        const char **m = ts_arena_alloc(a, cap * sizeof *m);
        if (p->n)
            memcpy(m, p->msg, p->n * sizeof *m);
        p->msg = m;
        p->cap = cap;
    }
    p->msg[p->n++] = msg;
}

/* ---- reception ---- */

/* R1–R3: the 提交's signature is there, over the record as it is now, and
 * verifies against the certificate stored with it. */
static void check_signature(struct ts_arena *a, const struct ts_retgoods *r,
                            struct ts_rgaudit_problems *p)
{
    if (!r->signed_body || !r->signature || !r->signature_len || !r->sign_cert ||
        !r->sign_cert_len) {
        add(a, p, "未找到提交时的IC卡签名");
        return;
    }
    const char *now = ts_retgoods_canonical(a, r);
    if (!now || strcmp(now, r->signed_body) != 0)
        add(a, p, "出口退货数据与提交时IC卡签名的内容不一致（签名后被改动）");
    X509 *x = ts_sm_cert_load(r->sign_cert, r->sign_cert_len);
    EVP_PKEY *pub = x ? ts_sm_cert_pubkey(x) : NULL;
    if (!pub)
        add(a, p, "提交时保存的IC卡证书无法使用");
    else if (ts_sm_verify(pub, r->signed_body, strlen(r->signed_body), r->signature,
                          r->signature_len) < 0)
        add(a, p, "IC卡签名验证失败：签名与提交时的证书不符");
    EVP_PKEY_free(pub);
    X509_free(x);
}

/* R4: the certificate is the one bound to a user of the record's
 * enterprise under the card number it names.  -1 db error. */
static int check_binding(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                         struct ts_rgaudit_problems *p)
{
    struct ts_db_rows rows;
    if (!r->sign_cert || !r->sign_cert_len || !r->sign_card_no)
        return 0; /* said by check_signature */
    char *hex = ts_arena_alloc(a, 2 * r->sign_cert_len + 1);
    ts_crypto_hex(r->sign_cert, r->sign_cert_len, hex);
    if (ts_db_query(db, a,
                    "SELECT COUNT(*) AS n FROM app_user WHERE ent_id = ? AND card_no = ?"
                    " AND card_cert = UNHEX(?)",
                    TS_ARGS(TS_I64(r->ent_id), TS_STR(r->sign_card_no), TS_STR(hex)), &rows) < 0)
        return -1;
    if (ts_db_cell_i64(&rows, 0, "n") == 0)
        add(a, p,
            ts_arena_printf(a, "签名所用IC卡（卡号%s）不是本企业用户绑定的IC卡", r->sign_card_no));
    return 0;
}

/* The first header field (its label) where the record's copy of the import
 * declaration differs from what 获取 would fill now; NULL when none. */
static const char *head_changed(const struct ts_retgoods *r, const struct ts_retgoods *now)
{
    for (int f = 0; f < TS_RG_NFIELDS; f++)
        if (strcmp(r->f[f] ? r->f[f] : "", now->f[f] ? now->f[f] : "") != 0)
            return ts_retgoods_fields[f].label;
    return NULL;
}

/* NULL-safe string equality (a stored "" and a published NULL agree). */
static bool same_text(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/* Are the record's goods lines the declaration's now, every imported
 * column (not 退货重量, which the enterprise types)? */
static bool lines_same(const struct ts_retgoods *r, const struct ts_retgoods *now)
{
    if (r->nlines != now->nlines)
        return false;
    for (size_t k = 0; k < r->nlines; k++) {
        const struct ts_retgoods_line *x = &r->lines[k], *y = &now->lines[k];
        if (x->g_no != y->g_no || x->decl_total_fen != y->decl_total_fen ||
            !same_text(x->code_ts, y->code_ts) ||
            !same_text(x->supv_class_name, y->supv_class_name) ||
            !same_text(x->g_name, y->g_name) || !same_text(x->trade_curr, y->trade_curr) ||
            !same_text(x->g_qty, y->g_qty) || !same_text(x->g_unit, y->g_unit))
            return false;
    }
    return true;
}

/* R5–R6: the import declaration is still published, the enterprise's,
 * and the record carries what 获取 fills from it now (header and goods,
 * lib/ts_retgoods ts_retgoods_from_import): a customs 修改 between 提交
 * and reception is caught. */
static int check_import(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                        struct ts_rgaudit_problems *p)
{
    struct ts_import_decl d;
    const char *no = r->f[TS_RG_I_ENTRY_ID];
    int rc = ts_import_decl_load(db, a, r->ent_id, no, &d);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        add(a, p, ts_arena_printf(a, "进口报关单%s未发布或不是本企业的进口报关单", no));
        return 0;
    }
    struct ts_retgoods now = *r;
    ts_retgoods_from_import(a, &now, &d);
    const char *field = head_changed(r, &now);
    if (field)
        add(a, p,
            ts_arena_printf(a, "进口报关单%s的%s已变更，与申报的不一致，请重新获取后提交", no,
                            field));
    if (!lines_same(r, &now))
        add(a, p,
            ts_arena_printf(a, "进口报关单%s的商品信息已变更，与申报的不一致，请重新获取后提交",
                            no));
    return 0;
}

/* Customs' reception (R1–R6): every rule is checked, so the 回执 lists
 * every reason at once and the enterprise fixes them in one go. */
int ts_rgaudit_reception_check(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                               struct ts_rgaudit_problems *p)
{
    check_signature(a, r, p);
    if (check_binding(db, a, r, p) < 0 || check_import(db, a, r, p) < 0)
        return -1;
    return 0;
}

/* ---- electronic audit ---- */

/* What the original export declarations give the rules. */
struct exports {
    const char *earliest; /* the earliest 出口日期, YYYY-MM-DD ("" none) */
    const char **hs;      /* every 商品编号 on them */
    size_t nhs, caphs;
};

/* One more HS code of the original declarations (the array doubles). */
static void hs_add(struct ts_arena *a, struct exports *e, const char *code)
{
    if (e->nhs == e->caphs) {
        size_t cap = e->caphs ? e->caphs * 2 : 16;
        const char **n = ts_arena_alloc(a, cap * sizeof *n);
        if (e->nhs)
            memcpy(n, e->hs, e->nhs * sizeof *n);
        e->hs = n;
        e->caphs = cap;
    }
    e->hs[e->nhs++] = code;
}

/* Is the 原生产企业 the declaration's 境内发货人 or 生产销售单位 (by
 * 统一社会信用代码 or 海关编码)? */
static bool producer_on(const struct ts_retgoods *r, const struct ts_db_rows *h)
{
    const char *scc = r->f[TS_RG_PROD_SCC], *code = r->f[TS_RG_PROD_CODE];
    const char *cols_scc[] = {"trade_co_scc", "owner_code_scc"};
    const char *cols_code[] = {"trade_code", "owner_code"};
    for (size_t i = 0; i < 2; i++) {
        const char *s = ts_db_cell(h, 0, cols_scc[i]), *c = ts_db_cell(h, 0, cols_code[i]);
        if ((scc[0] && s && strcmp(s, scc) == 0) || (code[0] && c && strcmp(c, code) == 0))
            return true;
    }
    return false;
}

/* E1–E3 for one 原出口报关单号, adding its HS codes and date to e. */
static int check_one_export(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                            const char *no, struct exports *e, struct ts_rgaudit_problems *p)
{
    struct ts_db_rows h, l;
    if (ts_db_query(db, a,
                    "SELECT id, trade_co_scc, trade_code, owner_code_scc, owner_code, trade_mode,"
                    " DATE_FORMAT(ie_date, '%Y-%m-%d') AS ie_date FROM export_decl_head"
                    " WHERE current_entry_id = ?",
                    TS_ARGS(TS_STR(no)), &h) < 0)
        return -1;
    if (h.nrows != 1) {
        add(a, p, ts_arena_printf(a, "原出口报关单%s未找到海关已发布的出口报关单", no));
        return 0;
    }
    if (!producer_on(r, &h))
        add(a, p,
            ts_arena_printf(a, "原出口报关单%s的境内发货人和生产销售单位都不是原生产企业", no));
    const char *mode = ts_db_cell(&h, 0, "trade_mode");
    const char *want = r->f[TS_RG_ORIG_TRADE_MODE][0] ? r->f[TS_RG_ORIG_TRADE_MODE] : GENERAL_TRADE;
    if (strcmp(mode, want) != 0)
        add(a, p,
            ts_arena_printf(a, "原出口报关单%s的监管方式为%s，与关联报关单原出口监管方式%s不符", no,
                            mode, want));
    const char *d = ts_db_cell(&h, 0, "ie_date");
    if (!e->earliest[0] || strcmp(d, e->earliest) < 0)
        e->earliest = d;
    if (ts_db_query(db, a, "SELECT code_ts FROM export_decl_list WHERE head_id = ?",
                    TS_ARGS(TS_I64(ts_db_cell_i64(&h, 0, "id"))), &l) < 0)
        return -1;
    for (size_t k = 0; k < l.nrows; k++)
        hs_add(a, e, ts_db_cell(&l, k, "code_ts"));
    return 0;
}

/* E4: every returned line's HS code is on an original export declaration. */
static void check_goods(struct ts_arena *a, const struct ts_retgoods *r, const struct exports *e,
                        struct ts_rgaudit_problems *p)
{
    for (size_t k = 0; k < r->nlines; k++) {
        bool found = false;
        for (size_t i = 0; !found && i < e->nhs; i++)
            found = strcmp(e->hs[i], r->lines[k].code_ts) == 0;
        if (!found)
            add(a, p,
                ts_arena_printf(a, "商品序号%d的HS编码%s不在原出口报关单的商品中", r->lines[k].g_no,
                                r->lines[k].code_ts));
    }
}

/* E5: the goods came back after they left: 退货日期 (when given) and
 * 到港日期 not before the earliest 出口日期. */
static void check_dates(struct ts_arena *a, const struct ts_retgoods *r, const struct exports *e,
                        struct ts_rgaudit_problems *p)
{
    const char *ret = r->f[TS_RG_RET_DATE], *arrive = r->f[TS_RG_IE_DATE];
    if (!e->earliest[0])
        return;
    if (ret[0] && strncmp(ret, e->earliest, 10) < 0)
        add(a, p, ts_arena_printf(a, "退货日期%s早于原出口日期%s", ret, e->earliest));
    if (arrive[0] && strncmp(arrive, e->earliest, 10) < 0)
        add(a, p,
            ts_arena_printf(a, "到港日期%s早于原出口日期%s：货物应先出口后退回", arrive,
                            e->earliest));
}

/* One registration per import declaration: registered_entry_id (schema/022)
 * is the 进口报关单号 of a record in 7 and unique, so this is one index
 * look-up. */
int ts_rgaudit_registered(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                          bool latest, const char **seq_no)
{
    struct ts_db_rows rows;
    *seq_no = NULL;
    if (ts_db_query(db, a,
                    latest ? "SELECT IFNULL(seq_no, '') AS seq_no FROM retgoods_head"
                             " WHERE registered_entry_id = ? AND id <> ? LOCK IN SHARE MODE"
                           : "SELECT IFNULL(seq_no, '') AS seq_no FROM retgoods_head"
                             " WHERE registered_entry_id = ? AND id <> ?",
                    TS_ARGS(TS_STR(r->f[TS_RG_I_ENTRY_ID]), TS_I64(r->id)), &rows) < 0)
        return -1;
    if (rows.nrows)
        *seq_no = ts_db_cell(&rows, 0, "seq_no");
    return 0;
}

/* E6: one registration per import declaration (ts_rgaudit_registered). */
static int check_unique(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                        struct ts_rgaudit_problems *p)
{
    const char *seq;
    if (ts_rgaudit_registered(db, a, r, false, &seq) < 0)
        return -1;
    if (seq)
        add(a, p, ts_rgaudit_registered_msg(a, r, seq));
    return 0;
}

/* One sentence for both refusals of a second registration (the audit's
 * E6 and the officer's 审核通过), so the enterprise reads the same reason. */
const char *ts_rgaudit_registered_msg(struct ts_arena *a, const struct ts_retgoods *r,
                                      const char *seq_no)
{
    return ts_arena_printf(a, "进口报关单%s已办理出口退货登记（统一编号%s），不能重复登记",
                           r->f[TS_RG_I_ENTRY_ID], seq_no);
}

/* The electronic audit (E1–E6) against the published export
 * declarations: every original declaration is read once, every failure
 * listed (the officer and the enterprise see all reasons). */
int ts_rgaudit_audit_check(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                           struct ts_rgaudit_problems *p)
{
    struct exports e = {.earliest = ""};
    if (r->norig == 0)
        add(a, p, "没有原出口报关单号");
    for (size_t i = 0; i < r->norig; i++)
        if (check_one_export(db, a, r, r->orig[i], &e, p) < 0)
            return -1;
    check_goods(a, r, &e, p);
    check_dates(a, r, &e, p);
    return check_unique(db, a, r, p);
}

/* ---- the 回执 reason ---- */

/* s cut to at most max characters (UTF-8), never inside a character. */
static const char *cut_chars(struct ts_arena *a, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
            break;
    return s[i] ? ts_arena_strndup(a, s, i) : s;
}

/* The problems numbered into one 回执 text, cut to the column's 500
 * characters on a character boundary (a longer one would fail the insert
 * and with it the whole transition). */
const char *ts_rgaudit_reason(struct ts_arena *a, const char *prefix,
                              const struct ts_rgaudit_problems *p)
{
    const char *s = prefix;
    for (size_t i = 0; i < p->n; i++)
        s = ts_arena_printf(a, "%s%s%zu. %s", s, i ? "；" : "：", i + 1, p->msg[i]);
    return cut_chars(a, s, REASON_MAX_CHARS);
}

/* ---- the jobs ---- */

/* The record by id (any enterprise) in state `want`: 0 loaded, 1 not
 * (msg says why: deleted, or moved on), -1 db error. */
static int load_in(struct ts_db *db, struct ts_arena *a, int64_t id, int want,
                   struct ts_retgoods *r, char *msg, size_t n)
{
    int rc = ts_retgoods_load(db, a, 0, id, r);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        snprintf(msg, n, "出口退货信息不存在或已删除，未处理");
        return 1;
    }
    if (r->status != want) {
        snprintf(msg, n, "出口退货信息的状态已是“%s”，未处理", ts_retgoods_status_name(r->status));
        return 1;
    }
    return 0;
}

/* One move with its 回执; a refusal (another worker moved it first) is
 * not an error: msg says it.  0, -1 db error. */
static int move(struct ts_db *db, struct ts_arena *a, int64_t id, int from, int to,
                const char *text, char *msg, size_t n)
{
    char err[256] = "";
    int rc = ts_retgoods_transition(db, a, id, from, to, text, 0, err, sizeof err);
    if (rc < 0)
        return -1;
    snprintf(msg, n, "%s", rc > 0 ? err : ts_retgoods_status_name(to));
    return 0;
}

/* retgoods.receive: 1 → 3 (and the audit job queued in the same
 * transaction, so a received record is never left without one) or 1 → 4
 * with the reasons; a record no longer in 1 is left alone. */
int ts_rgaudit_receive_job(struct ts_db *db, struct ts_arena *a, int64_t id, int64_t user_id,
                           char *msg, size_t n)
{
    struct ts_retgoods r;
    struct ts_rgaudit_problems p = {0};
    int64_t job_id;
    int rc = load_in(db, a, id, TS_RG_SUBMITTED, &r, msg, n);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (ts_rgaudit_reception_check(db, a, &r, &p) < 0)
        return -1;
    if (p.n)
        return move(db, a, id, TS_RG_SUBMITTED, TS_RG_RECEIVE_FAILED,
                    ts_rgaudit_reason(a, "海关接收失败", &p), msg, n);
    if (move(db, a, id, TS_RG_SUBMITTED, TS_RG_RECEIVED, TS_RGAUDIT_RECEIVED, msg, n) < 0)
        return -1;
    return ts_job_create(db, r.ent_id, "retgoods.audit", id, user_id, &job_id) < 0 ? -1 : 0;
}

/* retgoods.audit: 3 → 5 or 3 → 6 with the reasons, its own transaction
 * (docs/retgoods.md: two jobs so that each move commits alone). */
int ts_rgaudit_audit_job(struct ts_db *db, struct ts_arena *a, int64_t id, char *msg, size_t n)
{
    struct ts_retgoods r;
    struct ts_rgaudit_problems p = {0};
    int rc = load_in(db, a, id, TS_RG_RECEIVED, &r, msg, n);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (ts_rgaudit_audit_check(db, a, &r, &p) < 0)
        return -1;
    if (p.n)
        return move(db, a, id, TS_RG_RECEIVED, TS_RG_AUDIT_REJECTED,
                    ts_rgaudit_reason(a, "电子审核退单", &p), msg, n);
    return move(db, a, id, TS_RG_RECEIVED, TS_RG_AUDITED, TS_RGAUDIT_AUDITED, msg, n);
}

/* The way out of 3 after a failed audit job: lib/ts_job has no delayed
 * retry, so an administrator queues the audit again once the cause is
 * gone; refusing a second queued job keeps one audit per record. */
int ts_rgaudit_requeue(struct ts_db *db, struct ts_arena *a, int64_t id, int64_t *job_id, char *err,
                       size_t errlen)
{
    struct ts_db_rows r, j;
    if (ts_db_query(db, a, "SELECT status, ent_id FROM retgoods_head WHERE id = ? FOR UPDATE",
                    TS_ARGS(TS_I64(id)), &r) < 0 ||
        ts_db_query(db, a,
                    "SELECT COUNT(*) AS n FROM job WHERE kind = 'retgoods.audit' AND ref_id = ?"
                    " AND status IN ('queued', 'running')",
                    TS_ARGS(TS_I64(id)), &j) < 0)
        return -1;
    const char *why = NULL;
    if (r.nrows != 1)
        why = "出口退货信息不存在";
    else if (ts_db_cell_i64(&r, 0, "status") != TS_RG_RECEIVED)
        why = ts_arena_printf(a, "数据状态为“%s”，不是“海关接收成功”",
                              ts_retgoods_status_name((int)ts_db_cell_i64(&r, 0, "status")));
    else if (ts_db_cell_i64(&j, 0, "n") > 0)
        why = "电子审核任务已在排队或执行中";
    if (why) {
        snprintf(err, errlen, "%s", why);
        return 1;
    }
    return ts_job_create(db, ts_db_cell_i64(&r, 0, "ent_id"), "retgoods.audit", id, 0, job_id) < 0
               ? -1
               : 0;
}

/* After a failed reception job (database trouble, not a rule): 1 → 2 so
 * the enterprise can submit again instead of waiting on a record nothing
 * will ever receive; on the worker's second connection (its own
 * transaction: the job's was rolled back). */
void ts_rgaudit_receive_undo(struct ts_db *pdb, int64_t id, const char *why)
{
    struct ts_arena *a = ts_arena_new(4096);
    char err[256] = "";
    const char *text = ts_arena_printf(a, "提交失败：海关接收处理异常（%s），请重新提交",
                                       why && why[0] ? why : "-");
    if (ts_db_begin(pdb) < 0 ||
        ts_retgoods_transition(pdb, a, id, TS_RG_SUBMITTED, TS_RG_SUBMIT_FAILED,
                               cut_chars(a, text, REASON_MAX_CHARS), 0, err, sizeof err) != 0 ||
        ts_db_commit(pdb) < 0) {
        ts_log_error("retgoods %lld: not moved to 提交失败 after a failed reception %s",
                     (long long)id, err);
        if (ts_db_in_transaction(pdb))
            ts_db_rollback(pdb);
    }
    ts_arena_free(a);
}
