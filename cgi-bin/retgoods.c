/* retgoods — 出口退货 (manual 004 §4): 出口退货信息录入 and 出口退货信息查询
 * of an enterprise.
 *
 * §4.1 录入: one form.  Grey fields are the system's (统一编号, 退货编号,
 * 状态, 采集人 / 采集机构 / 采集机构类别 / 采集时间 / 退货信息来源) or the
 * import declaration's (lib/ts_import_decl, fetched by 进口报关单号 with
 * Enter or 获取 — without JavaScript 获取 is a round trip that keeps every
 * value typed).  The buttons post the whole form with op = fetch / save /
 * submit; 删除 posts to /retgoods/delete (a confirmation page first, or the
 * browser's confirm() where JavaScript runs).  The grey fields are never
 * taken from the form: every 暂存 / 提交 reads the import declaration again.
 * 提交 signs the record's canonical text with the user's bound card
 * (lib/ts_card ts_card_sign), stores signature and certificate, moves the
 * record to 1 已提交 and queues the job retgoods.receive.
 *
 * §4.2 查询: the enterprise's records by 进口报关单号, 统一编号, 状态, 收货人,
 * 原生产企业 and 最近操作时间 (default today, at most 30 days, both ends
 * counted), paged; the 状态 opens the 回执 under the list.
 *
 * Tenancy: every record is read and written through ts_scope (ent_id of
 * the session); another enterprise's record answers like a missing one.
 * The rules and states are lib/ts_retgoods; decisions in docs/retgoods.md. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_card.h"
#include "ts_codes.h"
#include "ts_import_decl.h"
#include "ts_log.h"
#include "ts_retgoods.h"
#include "ts_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DAYS       30
#define NOT_FOUND      "未找到该出口退货信息，或无权查看"
#define SAVED          "暂存成功"
#define SUBMITTED      "已提交"
#define FIX_FIELDS     "录入的内容未通过逻辑检查，请按标红的提示修改。"
#define FETCHED        "已获取进口报关单数据。"
#define SCRIPT         "/static/js/retgoods.js"
#define TRADE_MODE_GEN "0110"

static const char *const op_choices[] = {"fetch", "save", "submit", NULL};
static const char *const status_choices[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", NULL};
static const char *const range_choices[] = {"day", "week", "month", NULL};
static const char *const yes_choices[] = {"1", NULL};

/* The fields the enterprise types (the rest are the system's). */
static const enum ts_retgoods_field typed[] = {
    TS_RG_I_ENTRY_ID,     TS_RG_RECEIVER_ADDR, TS_RG_RECEIVER_CONTACT, TS_RG_RECEIVER_PHONE,
    TS_RG_OWNER_DISTRICT, TS_RG_RET_DATE,      TS_RG_HANDLE_OTHER,     TS_RG_PROD_SCC,
    TS_RG_PROD_CODE,      TS_RG_PROD_NAME,     TS_RG_PROD_CONTACT,     TS_RG_PROD_PHONE,
    TS_RG_PROD_REGION,    TS_RG_PROD_DISTRICT, TS_RG_EXPORT_INSPECT,   TS_RG_ORIG_TRADE_MODE,
    TS_RG_REASON_NOTE,
};
/* The checkbox lists, each with its choices. */
static const struct {
    enum ts_retgoods_field f;
    const struct ts_retgoods_choice *choices;
    const char *options; /* HDF list of the choices */
} checks[] = {
    {TS_RG_HANDLE_WAYS, ts_retgoods_handle_ways, "Options.HandleWays"},
    {TS_RG_REASON_KINDS, ts_retgoods_reason_kinds, "Options.ReasonKinds"},
    {TS_RG_REASONS, ts_retgoods_reasons, "Options.Reasons"},
};
#define NTYPED  (sizeof typed / sizeof typed[0])
#define NCHECKS (sizeof checks / sizeof checks[0])

/* ---- the record's system fields ---- */

/* 采集人 (the operator's name) and 采集机构 (the enterprise's 统一社会信用
 * 代码, 海关编码, name), from the session and its enterprise. */
static int set_collector(struct ts_ctx *c, struct ts_retgoods *r)
{
    struct ts_db_rows e;
    if (ts_db_query(c->db, c->arena, "SELECT uscc, customs_code, name FROM enterprise WHERE id = ?",
                    TS_ARGS(TS_I64(ts_scope_tenant(c))), &e) < 0 ||
        e.nrows != 1)
        return -1;
    const char *nick = c->session->nickname;
    r->f[TS_RG_COLLECTOR] = nick && nick[0] ? nick : c->session->login_name;
    r->f[TS_RG_COLLECTOR_SCC] = ts_db_cell(&e, 0, "uscc");
    r->f[TS_RG_COLLECTOR_CODE] = ts_db_cell(&e, 0, "customs_code");
    r->f[TS_RG_COLLECTOR_NAME] = ts_db_cell(&e, 0, "name");
    return 0;
}

/* An empty record: every field "", the system's filled in. */
static int new_record(struct ts_ctx *c, struct ts_retgoods *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        r->f[i] = "";
    r->f[TS_RG_ORIG_TRADE_MODE] = TRADE_MODE_GEN;
    return set_collector(c, r);
}

/* The import declaration's header and lines into the record (报关单位,
 * 报关员, 收货人, 消费使用单位, dates, 国别, 海关, 贸易方式, 提运单号, 目的地
 * 海关); with editables also 收货人所在地 and 消费使用单位所在地关区, which
 * the enterprise may change after. */
static void from_import(struct ts_ctx *c, struct ts_retgoods *r, const struct ts_import_decl *d,
                        bool editables)
{
    ts_retgoods_from_import(c->arena, r, d);
    if (editables) {
        r->f[TS_RG_RECEIVER_ADDR] = d->receiver_addr;
        r->f[TS_RG_OWNER_DISTRICT] = d->owner_customs;
        ts_render_set(c, "Form.receiver_addr", d->receiver_addr);
        ts_render_set(c, "Form.owner_district", d->owner_customs);
    }
}

/* ---- reading the form ---- */

/* A checkbox list as stored: the ticked codes in the choices' order,
 * comma-separated; a code that is no choice is kept (the rules refuse it). */
static const char *ticked(struct ts_ctx *c, const char *name,
                          const struct ts_retgoods_choice *choices)
{
    const struct ts_value *v = ts_arg(c, name);
    const char *out = "";
    for (const struct ts_retgoods_choice *k = choices; k->code; k++)
        for (size_t i = 0; i < v->count; i++)
            if (strcmp(v->list[i], k->code) == 0) {
                out = out[0] ? ts_arena_printf(c->arena, "%s,%s", out, k->code) : k->code;
                break;
            }
    for (size_t i = 0; i < v->count; i++)
        if (!ts_retgoods_choice_label(choices, v->list[i]))
            out = out[0] ? ts_arena_printf(c->arena, "%s,%s", out, "?") : "?";
    return out;
}

/* What the enterprise typed, into r (the system's fields stay). */
static void read_form(struct ts_ctx *c, struct ts_retgoods *r)
{
    for (size_t i = 0; i < NTYPED; i++)
        r->f[typed[i]] = ts_arg_str(c, ts_retgoods_fields[typed[i]].name);
    for (size_t i = 0; i < NCHECKS; i++)
        r->f[checks[i].f] = ticked(c, ts_retgoods_fields[checks[i].f].name, checks[i].choices);
}

/* The 退货重量 and 是否属于工业品 chosen for each line (weight_no[k] names
 * the 序号 of weight[k] and industrial[k]); a page without the choice
 * (posted before it existed) keeps the default Y. */
static void read_weights(struct ts_ctx *c, struct ts_retgoods *r)
{
    const struct ts_value *w = ts_arg(c, "weight"), *no = ts_arg(c, "weight_no");
    const struct ts_value *ind = ts_arg(c, "industrial");
    for (size_t k = 0; k < no->count; k++)
        for (size_t i = 0; i < r->nlines; i++) {
            if (r->lines[i].g_no != no->nums[k])
                continue;
            if (k < w->count)
                r->lines[i].ret_weight = w->list[k];
            if (k < ind->count)
                r->lines[i].industrial = ind->list[k];
        }
}

/* A problem found by the rules: next to its field, or on its goods line. */
static void field_problem(void *ctx, const char *field, const char *message)
{
    struct ts_ctx *c = ctx;
    if (strncmp(field, "weight_", 7) == 0)
        ts_render_set(c, ts_arena_printf(c->arena, "LineErr.%s", field + 7), message);
    else
        ts_render_field_error(c, field, message);
    ts_render_set(c, "Form.HasErrors", "1");
}

/* ---- the entry page ---- */

/* The 关区 and 行政区划 code lists (datalists: typing filters them). */
static int set_code_lists(struct ts_ctx *c)
{
    struct ts_db_rows d, g;
    if (ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM customs_district WHERE status = 'normal' ORDER BY code",
                    TS_NOARGS, &d) < 0 ||
        ts_db_query(c->db, c->arena,
                    "SELECT code, name FROM admin_region WHERE status = 'normal' ORDER BY code",
                    TS_NOARGS, &g) < 0)
        return -1;
    ts_render_rows(c, "Options.Districts", &d);
    for (size_t i = 0; i < d.nrows; i++)
        if (!ts_retgoods_district_direct(ts_db_cell(&d, i, "code")))
            ts_render_set(c, ts_arena_printf(c->arena, "Options.Districts.%zu.Subordinate", i),
                          "1");
    ts_render_rows(c, "Options.Regions", &g);
    return 0;
}

/* The checkbox choices; 具体退运原因 carry their 类别. */
static void set_choices(struct ts_ctx *c)
{
    for (size_t i = 0; i < NCHECKS; i++) {
        int n = 0;
        for (const struct ts_retgoods_choice *k = checks[i].choices; k->code; k++, n++) {
            ts_ui_option(c, checks[i].options, n, k->code, k->label);
            if (k->kind)
                ts_render_set(c, ts_arena_printf(c->arena, "%s.%d.Kind", checks[i].options, n),
                              k->kind);
        }
    }
    int n = 0;
    for (const struct ts_retgoods_choice *k = ts_retgoods_reason_kinds; k->code; k++, n++)
        ts_render_set(c, ts_arena_printf(c->arena, "Options.ReasonKinds.%d.Code", n), k->code);
}

/* Which buttons the state allows, and why not (hover titles). */
static void set_buttons(struct ts_ctx *c, const struct ts_retgoods *r)
{
    const char *why = NULL;
    bool open = ts_retgoods_editable(r->id ? r->status : TS_RG_NEW, &why);
    ts_render_set(c, "Can.Save", open ? "1" : "");
    ts_render_set(c, "Why.Save", open ? "" : why);
    ts_render_set(c, "Can.Delete", open && r->id ? "1" : "");
    ts_render_set(c, "Why.Delete", !r->id ? "尚未暂存，没有可删除的数据" : open ? "" : why);
    ts_render_set(c, "Can.Submit", open ? "1" : "");
    ts_retgoods_submittable(r->id ? r->status : TS_RG_NEW, &why);
    ts_render_set(c, "Why.Submit", open ? "" : why);
}

/* The typed fields of a stored record into the form (Form.*, Checked.*). */
static void record_to_form(struct ts_ctx *c, const struct ts_retgoods *r)
{
    for (size_t i = 0; i < NTYPED; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Form.%s", ts_retgoods_fields[typed[i]].name),
                      r->f[typed[i]]);
    for (size_t i = 0; i < NCHECKS; i++)
        for (const struct ts_retgoods_choice *k = checks[i].choices; k->code; k++)
            if (ts_retgoods_list_has(r->f[checks[i].f], k->code))
                ts_ui_checked(c, ts_retgoods_fields[checks[i].f].name, k->code);
    const char *orig = "";
    for (size_t i = 0; i < r->norig; i++)
        orig = i ? ts_arena_printf(c->arena, "%s/%s", orig, r->orig[i]) : r->orig[i];
    ts_render_set(c, "Form.orig_entry_ids", orig);
    ts_render_set(c, "Form.fetched", r->f[TS_RG_I_ENTRY_ID]);
}

/* The 录入 page for r, with message above the form (error or not). */
static enum ts_result show_form(struct ts_ctx *c, const struct ts_retgoods *r, const char *error,
                                const char *notice)
{
    if (set_code_lists(c) < 0)
        return TS_FAIL;
    set_choices(c);
    set_buttons(c, r);
    ts_retgoods_to_hdf(c, "Rec", r);
    ts_render_set(c, "Page.Error", error);
    ts_render_set(c, "Page.Notice", notice);
    ts_render_set(c, "Page.Script", SCRIPT);
    ts_card_set_readers(c);
    return ts_ui_page(c, "出口退货信息录入", "retgoods/entry.cs");
}

/* The enterprise's record id (ts_scope), loaded; 0 found, 1 not, -1 error. */
static int load_own(struct ts_ctx *c, int64_t id, struct ts_retgoods *r)
{
    struct ts_db_rows rows;
    if (ts_scope_query(c, "SELECT id FROM retgoods_head WHERE ent_id = ? AND id = ?",
                       TS_ARGS(TS_I64(id)), &rows) < 0)
        return -1;
    if (rows.nrows != 1)
        return 1;
    return ts_retgoods_load(c->db, c->arena, ts_scope_tenant(c), id, r);
}

/* GET /retgoods/[?id=] — §4.1: an empty form (新增), or a stored record. */
static enum ts_result entry_form(struct ts_ctx *c)
{
    struct ts_retgoods r;
    if (!ts_arg_present(c, "id")) {
        if (new_record(c, &r) < 0)
            return TS_FAIL;
        ts_render_set(c, "Form.orig_trade_mode", TRADE_MODE_GEN);
        return show_form(c, &r, NULL, NULL);
    }
    int found = load_own(c, ts_arg_int(c, "id"), &r);
    if (found < 0)
        return TS_FAIL;
    if (found)
        return ts_ui_not_found(c, NOT_FOUND);
    record_to_form(c, &r);
    return show_form(c, &r, NULL, NULL);
}

/* ---- 获取, 暂存, 提交 ---- */

/* The record the form edits: the stored one (id) with its state, or a new
 * one; the typed values over it.  0, 1 not the enterprise's, -1 error. */
static int posted_record(struct ts_ctx *c, struct ts_retgoods *r)
{
    if (new_record(c, r) < 0)
        return -1;
    if (ts_arg_present(c, "id")) {
        struct ts_retgoods stored;
        int found = load_own(c, ts_arg_int(c, "id"), &stored);
        if (found != 0)
            return found;
        r->id = stored.id;
        r->status = stored.status;
        r->receipts = stored.receipts;
        r->nreceipts = stored.nreceipts;
        r->updated_at = stored.updated_at;
        for (int f = TS_RG_SEQ_NO; f <= TS_RG_COLLECT_TIME; f++)
            if (f < TS_RG_COLLECTOR || f > TS_RG_COLLECTOR_NAME)
                r->f[f] = stored.f[f];
    }
    read_form(c, r);
    return 0;
}

/* The import declaration of the typed number into r: 1 when it is not the
 * enterprise's (said next to the field), 0 filled, -1 error.  editables:
 * a newly fetched number also fills 收货人所在地 and its 关区. */
static int fetch_import(struct ts_ctx *c, struct ts_retgoods *r, bool editables)
{
    struct ts_import_decl d;
    const char *no = r->f[TS_RG_I_ENTRY_ID];
    if (!ts_codes_import_entry_id_valid(no, NULL))
        return 1; /* the rules say what is wrong with the number */
    int rc = ts_import_decl_load(c->db, c->arena, ts_scope_tenant(c), no, &d);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        ts_render_field_error(c, "i_entry_id", TS_IMPORT_DECL_NOT_FOUND);
        return 1;
    }
    from_import(c, r, &d, editables);
    read_weights(c, r);
    ts_render_set(c, "Form.fetched", no);
    return 0;
}

/* 获取 (Enter in 进口报关单号, or the button): the declaration's values,
 * everything typed kept; nothing stored. */
static enum ts_result op_fetch(struct ts_ctx *c, struct ts_retgoods *r)
{
    const char *no = r->f[TS_RG_I_ENTRY_ID];
    bool fresh = strcmp(no, ts_arg_str(c, "fetched")) != 0 ||
                 (!r->f[TS_RG_RECEIVER_ADDR][0] && !r->f[TS_RG_OWNER_DISTRICT][0]);
    if (!no[0]) {
        ts_render_field_error(c, "i_entry_id", "请填写进口报关单号");
        return show_form(c, r, NULL, NULL) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    const char *why = NULL;
    if (!ts_codes_import_entry_id_valid(no, &why)) {
        ts_render_field_error(c, "i_entry_id", ts_retgoods_i_entry_id_message(c->arena, why));
        return show_form(c, r, NULL, NULL) == TS_OK ? TS_ROLLBACK : TS_FAIL;
    }
    int rc = fetch_import(c, r, fresh);
    if (rc < 0)
        return TS_FAIL;
    enum ts_result shown = show_form(c, r, NULL, rc == 0 ? FETCHED : NULL);
    return shown == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* The rules of §4.1 over the posted record (import declaration included):
 * 0 clean, 1 problems (shown next to the fields), -1 error. */
static int check_posted(struct ts_ctx *c, struct ts_retgoods *r)
{
    int rc = fetch_import(c, r, false);
    if (rc < 0)
        return -1;
    int problems =
        ts_retgoods_check(c->arena, r, ts_arg_str(c, "orig_entry_ids"), field_problem, c);
    int coded = ts_retgoods_check_codes(c->db, c->arena, r, field_problem, c);
    if (coded < 0)
        return -1;
    return rc > 0 || problems > 0 || coded > 0 || ts_arg_has_errors(c);
}

/* A refusal or the rules' problems: the form again, nothing lost. */
static enum ts_result form_again(struct ts_ctx *c, const struct ts_retgoods *r, const char *why)
{
    return show_form(c, r, why, NULL) == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* 暂存 (§4.1.2): every rule, then state 0 with 「暂存成功」. */
static enum ts_result op_save(struct ts_ctx *c, struct ts_retgoods *r)
{
    char err[256];
    const char *why;
    if (r->id && !ts_retgoods_editable(r->status, &why))
        return form_again(c, r, why);
    int rc = check_posted(c, r);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : form_again(c, r, FIX_FIELDS);
    rc = ts_retgoods_save(c, r, true, err, sizeof err);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : form_again(c, r, err);
    if (ts_audit_log(c, "retgoods_head", r->id,
                     ts_arena_printf(c->arena, "暂存 %s", r->f[TS_RG_SEQ_NO])) < 0)
        return TS_FAIL;
    return ts_ui_done(c, SAVED, ts_arena_printf(c->arena, "/retgoods/?id=%lld", (long long)r->id));
}

/* The card's signature of the record's canonical text (采集时间 now): 0
 * signed (body, signature and the bound certificate out), 1 refused (the
 * card's message shown), -1 error. */
static int sign_record(struct ts_ctx *c, struct ts_retgoods *r, const char **body,
                       unsigned char *sig, size_t *sig_len, struct ts_card_binding *b)
{
    struct ts_card_check chk;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
    r->f[TS_RG_COLLECT_TIME] = ts_arena_strdup(c->arena, now);
    *body = ts_retgoods_canonical(c->arena, r);
    int rc = ts_card_sign(c, ts_arg_str(c, "reader"), ts_arg_str(c, "pin"), *body, strlen(*body),
                          sig, sig_len, &chk);
    if (rc != 0) {
        if (rc > 0)
            ts_render_set(c, "Card.Error", chk.message);
        return rc;
    }
    return ts_card_binding_load(c->db, c->arena, c->session->user_id, b) < 0 ? -1 : 0;
}

/* The 卡密码 a 提交 needs: 6 to 8 digits (no card try spent otherwise). */
static bool pin_ok(struct ts_ctx *c)
{
    const char *pin = ts_arg_str(c, "pin");
    size_t n = strlen(pin);
    if (n >= 6 && n <= 8 && strspn(pin, "0123456789") == n)
        return true;
    ts_render_field_error(c, "pin", "请输入卡密码（6至8位数字）");
    return false;
}

/* A 提交 that failed after the card or the storage: the request rolls
 * back, so a record this request inserted is gone.  The form comes back
 * as the state it has after the rollback: a new one (no id, no 统一编号,
 * which the rollback returned to the counter) with everything typed, or
 * the stored one with its 采集时间 as stored. */
static enum ts_result submit_again(struct ts_ctx *c, struct ts_retgoods *r, bool fresh,
                                   const char *stored_time, const char *why)
{
    r->f[TS_RG_COLLECT_TIME] = stored_time;
    if (fresh) {
        r->id = 0;
        r->status = TS_RG_NEW;
        r->f[TS_RG_SEQ_NO] = "";
        r->receipts = NULL;
        r->nreceipts = 0;
    }
    return form_again(c, r, why);
}

#define SIGN_FAILED "提交失败：IC卡签名未通过，数据未提交。"

/* 提交 (§4.1.2): the rules, the record stored, signed by the bound card,
 * state 1 with its 回执, the job retgoods.receive queued.  A stored
 * record is signed before anything is locked (the card may take seconds,
 * or wait for a PIN retry); a new one needs its 统一编号 in the signed
 * text, so it is inserted first and its locks are held while it signs. */
static enum ts_result op_submit(struct ts_ctx *c, struct ts_retgoods *r)
{
    char err[256];
    const char *why, *body, *stored_time = r->f[TS_RG_COLLECT_TIME];
    unsigned char sig[TS_SIGN_SIG_MAX];
    size_t sig_len = 0;
    struct ts_card_binding b;
    bool fresh = r->id == 0;
    if (!fresh && !ts_retgoods_submittable(r->status, &why))
        return form_again(c, r, why);
    int rc = check_posted(c, r);
    bool pin = pin_ok(c);
    if (rc != 0 || !pin)
        return rc < 0 ? TS_FAIL : form_again(c, r, FIX_FIELDS);
    if (!fresh && (rc = sign_record(c, r, &body, sig, &sig_len, &b)) != 0)
        return rc < 0 ? TS_FAIL : submit_again(c, r, fresh, stored_time, SIGN_FAILED);
    if ((rc = ts_retgoods_save(c, r, false, err, sizeof err)) != 0)
        return rc < 0 ? TS_FAIL : submit_again(c, r, fresh, stored_time, err);
    if (fresh && (rc = sign_record(c, r, &body, sig, &sig_len, &b)) != 0)
        return rc < 0 ? TS_FAIL : submit_again(c, r, fresh, stored_time, SIGN_FAILED);
    rc = ts_retgoods_mark_submitted(c, r, body, sig, sig_len, b.cert, b.cert_len, b.card_no, err,
                                    sizeof err);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : submit_again(c, r, fresh, stored_time, err);
    if (ts_audit_log(c, "retgoods_head", r->id,
                     ts_arena_printf(c->arena, "提交 %s card=%s", r->f[TS_RG_SEQ_NO], b.card_no)) <
        0)
        return TS_FAIL;
    return ts_ui_done(c, SUBMITTED,
                      ts_arena_printf(c->arena, "/retgoods/?id=%lld", (long long)r->id));
}

/* POST /retgoods/ — the entry form's buttons (op). */
static enum ts_result entry_post(struct ts_ctx *c)
{
    struct ts_retgoods r;
    int found = posted_record(c, &r);
    if (found < 0)
        return TS_FAIL;
    if (found)
        return ts_ui_not_found(c, NOT_FOUND);
    const char *op = ts_arg(c, "op")->error ? "" : ts_arg_str(c, "op");
    /* every form this answers (获取, a refusal) holds what is not stored */
    ts_render_set(c, "Form.Unsaved", "1");
    if (strcmp(op, "save") == 0)
        return op_save(c, &r);
    if (strcmp(op, "submit") == 0)
        return op_submit(c, &r);
    return op_fetch(c, &r);
}

/* ---- 删除 (the entry's button, the list's ticked rows) ---- */

/* Where to go after a 删除: the query list it came from, else a new form. */
static const char *back_url(struct ts_ctx *c)
{
    const char *b = ts_arg_str(c, "back");
    if (strncmp(b, "/retgoods/", 10) != 0 || strstr(b, "//") ||
        strspn(b, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?=&%_.+-") !=
            strlen(b))
        return "/retgoods/";
    return b;
}

/* The ticked records (each the enterprise's), locked, listed for the
 * confirmation page; 1 when one is not the enterprise's, -1 error. */
static int ticked_records(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "ids");
    for (size_t i = 0; i < v->count; i++) {
        struct ts_db_rows one;
        if (ts_scope_query(c,
                           "SELECT id, IFNULL(seq_no, '') AS seq_no, i_entry_id, status"
                           " FROM retgoods_head WHERE ent_id = ? AND id = ? FOR UPDATE",
                           TS_ARGS(TS_I64(v->nums[i])), &one) < 0)
            return -1;
        if (one.nrows != 1)
            return 1;
        const char *p = ts_arena_printf(c->arena, "Delete.%zu", i);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.id", p), ts_db_cell(&one, 0, "id"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.seq_no", p), ts_db_cell(&one, 0, "seq_no"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.i_entry_id", p),
                      ts_db_cell(&one, 0, "i_entry_id"));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.status_name", p),
                      ts_retgoods_status_name((int)ts_db_cell_i64(&one, 0, "status")));
    }
    return 0;
}

/* All or none: the first ticked record whose state forbids 删除, named
 * with its state; NULL when every one may go. */
static const char *delete_refusal(struct ts_ctx *c)
{
    const struct ts_value *v = ts_arg(c, "ids");
    struct ts_db_rows r;
    const char *why;
    for (size_t i = 0; i < v->count; i++) {
        if (ts_scope_query(c,
                           "SELECT IFNULL(seq_no, '') AS seq_no, status FROM retgoods_head"
                           " WHERE ent_id = ? AND id = ?",
                           TS_ARGS(TS_I64(v->nums[i])), &r) < 0 ||
            r.nrows != 1)
            return "所选数据不存在或无权操作";
        if (!ts_retgoods_editable((int)ts_db_cell_i64(&r, 0, "status"), &why))
            return ts_arena_printf(c->arena, "统一编号%s：%s。所选数据均未删除。",
                                   ts_db_cell(&r, 0, "seq_no"), why);
    }
    return NULL;
}

/* POST /retgoods/delete — the ticked records (or the entry's one): a
 * confirmation page first unless confirmed; then all, or none with the
 * reason. */
static enum ts_result delete_post(struct ts_ctx *c)
{
    char err[256];
    if (ts_arg(c, "ids")->count == 0) {
        ts_resp_flash(c, "请先勾选要删除的数据。");
        return ts_resp_redirect(c, back_url(c)) ? TS_FAIL : TS_OK;
    }
    int rc = ticked_records(c);
    if (rc != 0)
        return rc < 0 ? TS_FAIL : ts_ui_not_found(c, NOT_FOUND);
    const char *refusal = delete_refusal(c);
    if (refusal)
        return ts_ui_refuse(c, refusal);
    if (!ts_arg_present(c, "confirm")) {
        ts_render_set(c, "Back", back_url(c));
        return ts_ui_page(c, "删除确认", "retgoods/confirm.cs");
    }
    const struct ts_value *v = ts_arg(c, "ids");
    for (size_t i = 0; i < v->count; i++) {
        if ((rc = ts_retgoods_delete(c, v->nums[i], err, sizeof err)) != 0)
            return rc < 0 ? TS_FAIL : ts_ui_refuse(c, err);
        if (ts_audit_log(c, "retgoods_head", v->nums[i], "删除") < 0)
            return TS_FAIL;
    }
    return ts_ui_done(c, ts_arena_printf(c->arena, "删除成功，共删除%zu条数据。", v->count),
                      back_url(c));
}

/* ---- 出口退货信息查询 (§4.2) ---- */

struct query {
    const char *i_entry_id, *seq_no, *trade, *prod, *start, *end;
    int64_t status; /* -1: any */
    int64_t size;
};

/* A day number as YYYY-MM-DD. */
static const char *day_text(struct ts_ctx *c, int64_t days)
{
    int y, m, d;
    ts_codes_civil_from_days(days, &y, &m, &d);
    return ts_arena_printf(c->arena, "%04d-%02d-%02d", y, m, d);
}

/* Today's day number in the programs' time zone (TZ, as MariaDB's). */
static int64_t today_number(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return ts_codes_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* 当天 / 本周 (from Monday) / 本月 (from the 1st, at most the last 30
 * days: docs/retgoods.md) as start and end; the default is 当天. */
static void range_dates(struct ts_ctx *c, const char *range, struct query *q)
{
    int64_t today = today_number(), start = today;
    int y, m, d;
    if (strcmp(range, "week") == 0)
        start = today - ((today + 3) % 7); /* day 0 (1970-01-01) was a Thursday */
    else if (strcmp(range, "month") == 0) {
        ts_codes_civil_from_days(today, &y, &m, &d);
        start = today - (d - 1);
        if (today - start + 1 > MAX_DAYS)
            start = today - (MAX_DAYS - 1);
    }
    q->start = day_text(c, start);
    q->end = day_text(c, today);
    ts_render_set(c, "Form.start", q->start);
    ts_render_set(c, "Form.end", q->end);
}

/* An enterprise code condition: 18 (统一社会信用代码) or 10 (海关编码). */
static const char *code_condition(struct ts_ctx *c, const char *name, const char *label)
{
    const char *s = ts_arg_str(c, name);
    size_t n = strlen(s);
    if (!s[0] || n == 18 || n == 10)
        return s;
    ts_arg_error(c, name,
                 ts_arena_printf(c->arena, "%s应为18位统一社会信用代码或10位海关编码", label));
    return NULL;
}

/* The dates: both, end not before start, at most 30 days with both ends. */
static bool date_condition(struct ts_ctx *c, struct query *q)
{
    if (ts_arg_present(c, "range") || (!ts_arg_present(c, "start") && !ts_arg_present(c, "end") &&
                                       !ts_arg(c, "start")->error && !ts_arg(c, "end")->error)) {
        range_dates(c, ts_arg_present(c, "range") ? ts_arg_str(c, "range") : "day", q);
        return true;
    }
    if (!ts_arg_present(c, "start") || !ts_arg_present(c, "end")) {
        ts_render_set(c, "Query.Error", "请选择最近操作时间的起止日期");
        return false;
    }
    q->start = ts_arg_str(c, "start");
    q->end = ts_arg_str(c, "end");
    int64_t days = ts_codes_day_number(q->end) - ts_codes_day_number(q->start) + 1;
    if (days < 1)
        ts_render_set(c, "Query.Error", "最近操作时间的结束日期不能早于开始日期");
    else if (days > MAX_DAYS)
        ts_render_set(c, "Query.Error", "最近操作时间的查询范围不能超过30天，请缩小查询范围");
    return days >= 1 && days <= MAX_DAYS;
}

/* The query the form asks for; false (with the message above the list)
 * when a condition is wrong. */
static bool read_query(struct ts_ctx *c, struct query *q)
{
    q->i_entry_id = ts_arg_str(c, "i_entry_id");
    q->seq_no = ts_arg_str(c, "seq_no");
    q->status = ts_arg_present(c, "status") ? ts_arg_str(c, "status")[0] - '0' : -1;
    q->size = ts_arg_present(c, "size") ? ts_arg_int(c, "size") : 20;
    ts_render_set_int(c, "Query.Size", q->size);
    q->trade = code_condition(c, "trade", "收货人");
    q->prod = code_condition(c, "prod", "原生产企业");
    bool dates = date_condition(c, q);
    bool ok = dates && q->trade && q->prod && !ts_arg_has_errors(c);
    if (!ok && !dates)
        return false;
    if (!ok)
        ts_render_set(c, "Query.Error", "查询条件有误，请按提示修改。");
    return ok;
}

/* The statements of the query (docs/retgoods.md "The query's statements").
 * Each optional condition is its own fixed text, added only when the
 * condition is given, so one statement text serves one set of conditions:
 * MariaDB 10.11 reusing one prepared "(? = '' OR col = ?) ... ORDER BY ...
 * LIMIT ?" for different sets returned rows in the wrong order in decl's
 * download (docs/declarations.md), and with placeholders it cannot drop
 * "(? = '' OR ...)" and read every row of the range.  The texts hold no
 * values: at most 32 of them, each prepared once per connection. */
enum { Q_ENTRY, Q_SEQ, Q_STATUS, Q_TRADE, Q_PROD, Q_CONDITIONS };

static const char *const condition_sql[Q_CONDITIONS] = {
    " AND i_entry_id = ?",
    " AND seq_no = ?",
    " AND status = ?",
    " AND (trade_scc = ? OR trade_code = ?)",
    " AND (prod_scc = ? OR prod_code = ?)",
};

#define QUERY_WHERE                                                                                \
    " WHERE ent_id = ? AND updated_at >= ? AND updated_at < DATE_ADD(?, INTERVAL 1 DAY)"

/* The page: the ids by index (ix_retgoods_ent_updated, or
 * ix_retgoods_ent_status with a 状态), then only their rows (a deferred
 * join).  The ORDER BY names the table's columns: the select list's
 * updated_at is its text form, and ordering by that sorted every row. */
#define PAGE_IDS                                                                                   \
    "SELECT h.id, IFNULL(h.seq_no, '') AS seq_no, IFNULL(h.ret_no, '') AS ret_no,"                 \
    " h.i_entry_id, IF(h.trade_scc <> '', h.trade_scc, h.trade_code) AS trade_key,"                \
    " h.trade_name, h.prod_scc, h.prod_name,"                                                      \
    " IFNULL(CAST(h.collect_time AS CHAR), '') AS collect_time,"                                   \
    " h.status, CAST(h.updated_at AS CHAR) AS updated_at"                                          \
    " FROM (SELECT id, updated_at FROM retgoods_head"
#define PAGE_ORDER                                                                                 \
    " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?) k"                                       \
    " JOIN retgoods_head h ON h.id = k.id ORDER BY k.updated_at DESC, k.id DESC"

/* Which optional conditions the query has, in condition_sql's order. */
static void given_conditions(const struct query *q, bool given[Q_CONDITIONS])
{
    given[Q_ENTRY] = q->i_entry_id[0];
    given[Q_SEQ] = q->seq_no[0];
    given[Q_STATUS] = q->status >= 0;
    given[Q_TRADE] = q->trade[0];
    given[Q_PROD] = q->prod[0];
}

/* The values of the dates and the given conditions, in the order of the
 * placeholders after the tenant (which ts_scope binds); their number. */
static size_t query_args(const struct query *q, const bool given[Q_CONDITIONS],
                         struct ts_db_arg *args)
{
    size_t na = 0;
    args[na++] = TS_STR(q->start);
    args[na++] = TS_STR(q->end);
    if (given[Q_ENTRY])
        args[na++] = TS_STR(q->i_entry_id);
    if (given[Q_SEQ])
        args[na++] = TS_STR(q->seq_no);
    if (given[Q_STATUS])
        args[na++] = TS_I64(q->status);
    for (int k = 0; given[Q_TRADE] && k < 2; k++)
        args[na++] = TS_STR(q->trade);
    for (int k = 0; given[Q_PROD] && k < 2; k++)
        args[na++] = TS_STR(q->prod);
    args[na] = (struct ts_db_arg){.type = TS_DB_END};
    return na;
}

/* The statement text head + WHERE + the given conditions' fragments +
 * tail (fixed texts only), and its arguments in args. */
static const char *query_sql(struct ts_ctx *c, const struct query *q, const char *head,
                             const char *tail, struct ts_db_arg *args)
{
    bool given[Q_CONDITIONS];
    const char *parts[Q_CONDITIONS + 3] = {head, QUERY_WHERE};
    size_t np = 2, len = 0;
    given_conditions(q, given);
    query_args(q, given, args);
    for (int i = 0; i < Q_CONDITIONS; i++)
        if (given[i])
            parts[np++] = condition_sql[i];
    parts[np++] = tail;
    for (size_t i = 0; i < np; i++)
        len += strlen(parts[i]);
    char *sql = ts_arena_alloc(c->arena, len + 1), *at = sql;
    for (size_t i = 0; i < np; i++)
        at = stpcpy(at, parts[i]);
    return sql;
}

/* Room for the arguments: dates, conditions (trade and prod twice), page. */
#define QUERY_MAX_ARGS 16

/* How many records match.  With the dates alone (the page's default) the
 * sum of the per-day counts the triggers of schema/021 keep: the dates are
 * whole days, so it is exact, and it reads at most 30 rows where a COUNT
 * reads every index entry of the range. */
static int query_count(struct ts_ctx *c, const struct query *q, struct ts_db_rows *n)
{
    struct ts_db_arg args[QUERY_MAX_ARGS];
    bool given[Q_CONDITIONS];
    given_conditions(q, given);
    if (!given[Q_ENTRY] && !given[Q_SEQ] && !given[Q_STATUS] && !given[Q_TRADE] && !given[Q_PROD])
        return ts_scope_query(c,
                              "SELECT IFNULL(SUM(n), 0) AS n FROM retgoods_day_count"
                              " WHERE ent_id = ? AND day >= ? AND day <= ?",
                              TS_ARGS(TS_STR(q->start), TS_STR(q->end)), n);
    const char *sql = query_sql(c, q, "SELECT COUNT(*) AS n FROM retgoods_head", "", args);
    return ts_scope_query(c, sql, args, n);
}

/* One page of them, newest operation first. */
static int query_rows(struct ts_ctx *c, const struct query *q, int64_t offset,
                      struct ts_db_rows *rows)
{
    struct ts_db_arg args[QUERY_MAX_ARGS];
    const char *sql = query_sql(c, q, PAGE_IDS, PAGE_ORDER, args);
    size_t n = 0;
    while (args[n].type != TS_DB_END)
        n++;
    args[n++] = TS_I64(q->size);
    args[n++] = TS_I64(offset);
    args[n] = (struct ts_db_arg){.type = TS_DB_END};
    return ts_scope_query(c, sql, args, rows);
}

/* The count and one page of the results, newest operation first. */
static int run_query(struct ts_ctx *c, const struct query *q)
{
    struct ts_db_rows n, rows;
    struct ts_ui_pager p;
    if (query_count(c, q, &n) < 0)
        return -1;
    ts_ui_pager(c, ts_db_cell_i64(&n, 0, "n"), q->size, &p);
    if (query_rows(c, q, p.offset, &rows) < 0)
        return -1;
    ts_render_rows(c, "Rows", &rows);
    for (size_t i = 0; i < rows.nrows; i++)
        ts_render_set(c, ts_arena_printf(c->arena, "Rows.%zu.status_name", i),
                      ts_retgoods_status_name((int)ts_db_cell_i64(&rows, i, "status")));
    ts_render_set(c, "Result.Shown", "1");
    return 0;
}

/* The 回执 of one record under the list (§4.2 回执查看). */
static int show_receipts(struct ts_ctx *c)
{
    struct ts_retgoods r;
    int found = load_own(c, ts_arg_int(c, "receipts"), &r);
    if (found != 0)
        return found < 0 ? -1 : (ts_render_set(c, "Receipts.Missing", NOT_FOUND), 0);
    ts_retgoods_to_hdf(c, "Receipts", &r);
    ts_render_set(c, "Receipts.Shown", "1");
    return 0;
}

/* The list's own URL (for 刷新 / 关闭 / 删除's way back), without receipts. */
static void set_back(struct ts_ctx *c)
{
    const char *qs = c->query ? c->query : "";
    ts_render_set(c, "Back", ts_arena_printf(c->arena, "/retgoods/query?%s", qs));
}

/* GET /retgoods/query — §4.2. */
static enum ts_result query_page(struct ts_ctx *c)
{
    struct query q;
    for (int i = 0; status_choices[i]; i++)
        ts_ui_option(c, "Options.Status", i, status_choices[i],
                     ts_arena_printf(c->arena, "%d-%s", i, ts_retgoods_status_name(i)));
    if (read_query(c, &q) && run_query(c, &q) < 0)
        return TS_FAIL;
    if (ts_arg_present(c, "receipts") && show_receipts(c) < 0)
        return TS_FAIL;
    set_back(c);
    ts_render_set(c, "Page.Script", SCRIPT);
    return ts_ui_page(c, "出口退货信息查询", "retgoods/query.cs");
}

/* ---- the page table ---- */

#define TEXT(n, l, mx) ts_param_str(n, l, 0, 0, mx)

static const struct ts_param form_params[] = {
    ts_param_int("id", "出口退货信息", 0, 1, INT64_MAX),
    ts_param_str("reader", "读卡器", 0, 0, TS_SIGN_READER_MAX),
    TS_PARAMS_END,
};

static const struct ts_param entry_params[] = {
    ts_param_int("id", "出口退货信息", 0, 1, INT64_MAX),
    ts_param_enum("op", "操作", 0, op_choices),
    TEXT("fetched", "已获取的进口报关单号", 40),
    TEXT("i_entry_id", "进口报关单号", 40),
    TEXT("receiver_addr", "收货人所在地", 1000),
    TEXT("receiver_contact", "收货联系人", 200),
    TEXT("receiver_phone", "联系电话", 200),
    TEXT("owner_district", "消费使用单位所在地关区", 40),
    TEXT("ret_date", "退货日期", 40),
    ts_param_str("handle_ways", "拟处理方式", TS_MULTI, 0, 4),
    TEXT("handle_other", "拟处理方式其他具体内容", 1000),
    TEXT("orig_entry_ids", "原出口报关单号", 2000),
    TEXT("prod_scc", "原生产企业统一社会信用代码", 40),
    TEXT("prod_code", "原生产企业海关编码", 40),
    TEXT("prod_name", "原生产企业名称", 1000),
    TEXT("prod_contact", "原生产企业联系人", 200),
    TEXT("prod_phone", "原生产企业联系电话", 200),
    TEXT("prod_region", "原生产企业行政区划", 40),
    TEXT("prod_district", "原生产企业所属机构", 40),
    TEXT("export_inspect", "出口是否法检", 4),
    TEXT("orig_trade_mode", "关联报关单原出口监管方式", 8),
    ts_param_str("reason_kinds", "退货原因类别", TS_MULTI, 0, 4),
    ts_param_str("reasons", "具体退运原因", TS_MULTI, 0, 4),
    TEXT("reason_note", "退货原因具体说明", 4000),
    ts_param_str("weight", "退货重量", TS_MULTI, 0, 40),
    ts_param_int("weight_no", "序号", TS_MULTI, 1, 100000),
    ts_param_str("industrial", "是否属于工业品", TS_MULTI, 0, 1),
    ts_param_str("reader", "读卡器", 0, 0, TS_SIGN_READER_MAX),
    ts_param_str("pin", "卡密码", TS_SECRET, 0, 16),
    TS_PARAMS_END,
};

static const struct ts_param delete_params[] = {
    ts_param_ids("ids", "出口退货信息", 0),
    ts_param_enum("confirm", "确认", 0, yes_choices),
    ts_param_str("back", "返回页面", 0, 0, 1000),
    TS_PARAMS_END,
};

static const struct ts_param query_params[] = {
    TEXT("i_entry_id", "进口报关单号", 18),
    TEXT("seq_no", "统一编号", 18),
    ts_param_enum("status", "状态", 0, status_choices),
    TEXT("trade", "收货人", 18),
    TEXT("prod", "原生产企业", 18),
    ts_param_date("start", "最近操作时间（起）", 0),
    ts_param_date("end", "最近操作时间（止）", 0),
    ts_param_enum("range", "最近操作时间", 0, range_choices),
    ts_param_int("size", "每页条数", 0, 10, 100),
    ts_param_int("page", "页码", 0, 1, 1000000),
    ts_param_int("receipts", "回执", 0, 1, INT64_MAX),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, "retgoods", form_params, entry_form, 0},
    {"", TS_POST, "retgoods", entry_params, entry_post, 0},
    {"delete", TS_POST, "retgoods", delete_params, delete_post, 0},
    {"query", TS_GET, "retgoods.query", query_params, query_page, TS_QUERY_FORM},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"retgoods", "出口退货", actions};

int main(void)
{
    return ts_app_main(&module);
}
