/* ts_retgoods — 出口退货信息: the record, its rules and its states
 * (lib/ts_retgoods.h; docs/retgoods.md). */
#include "ts_retgoods.h"

#include "ts_app.h"
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_codes.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_import_decl.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_money.h"
#include "ts_reflib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The job the worker runs after a 提交 (tools/ts-worker, helper cus). */
#define RECEIVE_JOB "retgoods.receive"

const struct ts_retgoods_fielddef ts_retgoods_fields[TS_RG_NFIELDS] = {
    [TS_RG_SEQ_NO] = {"seq_no", "统一编号", 0, TS_RG_STORE_NOT},
    [TS_RG_RET_NO] = {"ret_no", "退货编号", 0, TS_RG_STORE_NOT},
    [TS_RG_COLLECTOR] = {"collector", "采集人", 0},
    [TS_RG_COLLECTOR_SCC] = {"collector_scc", "采集机构统一社会信用代码", 0},
    [TS_RG_COLLECTOR_CODE] = {"collector_code", "采集机构海关编码", 0},
    [TS_RG_COLLECTOR_NAME] = {"collector_name", "采集机构", 0},
    [TS_RG_COLLECT_TIME] = {"collect_time", "采集时间", 0, TS_RG_STORE_NOT},
    [TS_RG_I_ENTRY_ID] = {"i_entry_id", "进口报关单号", 18},
    [TS_RG_AGENT_SCC] = {"agent_scc", "报关单位统一社会信用代码", 0},
    [TS_RG_AGENT_CODE] = {"agent_code", "报关单位海关编码", 0},
    [TS_RG_AGENT_NAME] = {"agent_name", "报关单位", 0},
    [TS_RG_DECLARANT] = {"declarant", "报关员", 0},
    [TS_RG_TRADE_SCC] = {"trade_scc", "收货人统一社会信用代码", 0},
    [TS_RG_TRADE_CODE] = {"trade_code", "收货人海关编码", 0},
    [TS_RG_TRADE_NAME] = {"trade_name", "收货人", 0},
    [TS_RG_RECEIVER_ADDR] = {"receiver_addr", "收货人所在地", 255},
    [TS_RG_RECEIVER_CONTACT] = {"receiver_contact", "收货联系人", 50},
    [TS_RG_RECEIVER_PHONE] = {"receiver_phone", "联系电话", 30},
    [TS_RG_OWNER_SCC] = {"owner_scc", "消费使用单位统一社会信用代码", 0},
    [TS_RG_OWNER_CODE] = {"owner_code", "消费使用单位海关编码", 0},
    [TS_RG_OWNER_NAME] = {"owner_name", "消费使用单位", 0},
    [TS_RG_OWNER_DISTRICT] = {"owner_district", "消费使用单位所在地关区", 4},
    [TS_RG_RET_DATE] = {"ret_date", "退货日期", 10, TS_RG_STORE_DATE},
    [TS_RG_D_DATE] = {"d_date", "报关日期", 0, TS_RG_STORE_DATE},
    [TS_RG_IE_DATE] = {"ie_date", "到港日期", 0, TS_RG_STORE_DATE},
    [TS_RG_TRADE_COUNTRY] = {"trade_country", "退货国家(地区)", 0},
    [TS_RG_CUSTOM_MASTER] = {"custom_master", "受理报关机构", 0},
    [TS_RG_TRADE_MODE] = {"trade_mode", "海关贸易方式", 0},
    [TS_RG_BILL_NO] = {"bill_no", "提运单号", 0},
    [TS_RG_DEST_CUSTOMS] = {"dest_customs", "目的地海关", 0},
    [TS_RG_HANDLE_WAYS] = {"handle_ways", "拟处理方式", 20},
    [TS_RG_HANDLE_OTHER] = {"handle_other", "拟处理方式其他具体内容", 200},
    [TS_RG_PROD_SCC] = {"prod_scc", "原生产企业统一社会信用代码", 18},
    [TS_RG_PROD_CODE] = {"prod_code", "原生产企业海关编码", 10},
    [TS_RG_PROD_NAME] = {"prod_name", "原生产企业名称", 200},
    [TS_RG_PROD_CONTACT] = {"prod_contact", "原生产企业联系人", 50},
    [TS_RG_PROD_PHONE] = {"prod_phone", "原生产企业联系电话", 30},
    [TS_RG_PROD_REGION] = {"prod_region", "原生产企业行政区划", 6},
    [TS_RG_PROD_DISTRICT] = {"prod_district", "原生产企业所属机构", 4},
    [TS_RG_EXPORT_INSPECT] = {"export_inspect", "出口是否法检", 1},
    [TS_RG_ORIG_TRADE_MODE] = {"orig_trade_mode", "关联报关单原出口监管方式", 4},
    [TS_RG_REASON_KINDS] = {"reason_kinds", "退货原因类别", 20},
    [TS_RG_REASONS] = {"reasons", "具体退运原因", 200},
    [TS_RG_REASON_NOTE] = {"reason_note", "退货原因具体说明", 1000},
};

/* ---- states ---- */

static const char *const status_names[TS_RG_NSTATUS] = {
    "暂存",         "已提交",       "提交失败",
    "海关接收成功", "海关接收失败", "电子审核完成，待人工审核",
    "电子审核退单", "人工审核通过", "人工审核退单",
};

/* The manual's name of a state (§4.2 状态), "" for a number out of range. */
const char *ts_retgoods_status_name(int status)
{
    return status >= 0 && status < TS_RG_NSTATUS ? status_names[status] : "";
}

/* States a 暂存 or 提交 starts from: new, 暂存 and the four failures. */
static bool open_state(int s)
{
    return s == TS_RG_NEW || s == TS_RG_SAVED || s == TS_RG_SUBMIT_FAILED ||
           s == TS_RG_RECEIVE_FAILED || s == TS_RG_AUDIT_REJECTED || s == TS_RG_REJECTED;
}

/* The state machine of the contract (lib/ts_retgoods.h). */
bool ts_retgoods_allowed(int from, int to)
{
    switch (to) {
    case TS_RG_SAVED:
        return open_state(from);
    case TS_RG_SUBMITTED:
        return open_state(from) && from != TS_RG_NEW;
    case TS_RG_SUBMIT_FAILED:
    case TS_RG_RECEIVED:
    case TS_RG_RECEIVE_FAILED:
        return from == TS_RG_SUBMITTED;
    case TS_RG_AUDITED:
    case TS_RG_AUDIT_REJECTED:
        return from == TS_RG_RECEIVED;
    case TS_RG_APPROVED:
    case TS_RG_REJECTED:
        return from == TS_RG_AUDITED;
    default:
        return false;
    }
}

/* §4.1.2: 暂存 and 删除 are refused while customs holds the record (已提交,
 * 海关接收成功, 电子审核完成, 人工审核通过); the reason names the state. */
bool ts_retgoods_editable(int status, const char **why)
{
    static const char *const reasons[TS_RG_NSTATUS] = {
        [TS_RG_SUBMITTED] = "数据状态为“已提交”，已发送海关，不允许暂存或删除",
        [TS_RG_RECEIVED] = "数据状态为“海关接收成功”，已被海关接收，不允许暂存或删除",
        [TS_RG_AUDITED] = "数据状态为“电子审核完成，待人工审核”，已被海关接收，不允许暂存或删除",
        [TS_RG_APPROVED] = "数据状态为“人工审核通过”，已被海关接收，不允许暂存或删除",
    };
    bool ok = open_state(status);
    if (why)
        *why = ok                                                         ? NULL
               : status >= 0 && status < TS_RG_NSTATUS && reasons[status] ? reasons[status]
                                                                          : "数据状态不允许此操作";
    return ok;
}

/* 提交 starts from the same states as 暂存. */
bool ts_retgoods_submittable(int status, const char **why)
{
    bool ok = ts_retgoods_editable(status, why);
    if (!ok && why)
        *why = ts_retgoods_status_name(status)[0]
                   ? (status == TS_RG_SUBMITTED ? "数据状态为“已提交”，不能重复提交"
                                                : "数据已被海关接收，不允许再次提交")
                   : "数据状态不允许提交";
    return ok;
}

/* ---- choices ---- */

const struct ts_retgoods_choice ts_retgoods_handle_ways[] = {
    {"1", "内销", NULL}, {"2", "拆解他用", NULL}, {"3", "销毁", NULL},
    {"4", "转口", NULL}, {"5", "其他", NULL},     {NULL, NULL, NULL},
};

const struct ts_retgoods_choice ts_retgoods_reason_kinds[] = {
    {"Q", "质量原因", NULL}, {"T", "贸易原因", NULL}, {"S", "运输原因", NULL},
    {"O", "其他原因", NULL}, {NULL, NULL, NULL},
};

/* 具体退运原因 per 类别: our list (the manual names none; docs/retgoods.md). */
const struct ts_retgoods_choice ts_retgoods_reasons[] = {
    {"Q1", "产品质量不合格", "Q"},
    {"Q2", "产品存在安全隐患", "Q"},
    {"Q3", "产品性能或规格与合同不符", "Q"},
    {"Q4", "包装或标签不符合要求", "Q"},
    {"Q5", "未通过进口国技术标准或认证", "Q"},
    {"Q9", "其他质量问题", "Q"},
    {"T1", "合同取消或变更", "T"},
    {"T2", "买方拒收或拒付", "T"},
    {"T3", "贸易纠纷", "T"},
    {"T4", "进口国贸易管制或政策变化", "T"},
    {"T5", "错发、多发货物", "T"},
    {"T9", "其他贸易问题", "T"},
    {"S1", "运输途中货损货差", "S"},
    {"S2", "未能按期交付", "S"},
    {"S3", "目的港无法提货", "S"},
    {"S9", "其他运输问题", "S"},
    {"O1", "不可抗力", "O"},
    {"O2", "收货人破产或失联", "O"},
    {"O9", "其他", "O"},
    {NULL, NULL, NULL},
};

/* The label of a code in a choice list, NULL when it is not one. */
const char *ts_retgoods_choice_label(const struct ts_retgoods_choice *list, const char *code)
{
    for (; list->code; list++)
        if (strcmp(list->code, code) == 0)
            return list->label;
    return NULL;
}

/* The choice of a code in a list, NULL when it is none of them. */
static const struct ts_retgoods_choice *find_choice(const struct ts_retgoods_choice *list,
                                                    const char *code)
{
    for (; list->code; list++)
        if (strcmp(list->code, code) == 0)
            return list;
    return NULL;
}

/* Is code one of the comma-separated codes of csv? */
bool ts_retgoods_list_has(const char *csv, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = csv; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, code, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* A 直属关区 (直属海关) is a 关区 code ending in "00" (0100 北京海关, 5100
 * 广州海关); its 隶属海关 share the first two digits (docs/retgoods.md). */
bool ts_retgoods_district_direct(const char *code)
{
    return strlen(code) == 4 && code[2] == '0' && code[3] == '0';
}

/* ---- field rules ---- */

struct checker {
    struct ts_arena *a;
    ts_retgoods_err_fn err;
    void *ctx;
    int problems;
};

/* Count a problem and hand it to the caller's reporter. */
static void problem(struct checker *k, const char *field, const char *message)
{
    k->problems++;
    k->err(k->ctx, field, message);
}

/* A field's value, "" for one never set (records built by hand, tests). */
static const char *fv(const struct ts_retgoods *r, enum ts_retgoods_field f)
{
    return r->f[f] ? r->f[f] : "";
}

/* Required, within its length, valid UTF-8 (the table's limit). */
static bool text_ok(struct checker *k, const struct ts_retgoods *r, enum ts_retgoods_field f,
                    bool required)
{
    const struct ts_retgoods_fielddef *d = &ts_retgoods_fields[f];
    const char *s = fv(r, f);
    if (!s[0]) {
        if (required)
            problem(k, d->name, ts_arena_printf(k->a, "请填写%s", d->label));
        return !required;
    }
    if (!ts_codes_utf8_valid(s, strlen(s)) || ts_codes_utf8_chars(s) > (size_t)d->max_chars) {
        problem(k, d->name, ts_arena_printf(k->a, "%s最多%d个字", d->label, d->max_chars));
        return false;
    }
    return true;
}

/* Exactly n ASCII digits. */
static bool all_digits(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789") == n;
}

/* A telephone number: 7 to 30 of digits, '-', '+', '(', ')', spaces. */
static bool phone_ok(struct checker *k, const struct ts_retgoods *r, enum ts_retgoods_field f)
{
    const char *s = fv(r, f);
    if (!text_ok(k, r, f, true))
        return false;
    size_t digits = 0;
    for (const char *p = s; *p; p++)
        digits += *p >= '0' && *p <= '9';
    if (strspn(s, "0123456789-+() ") != strlen(s) || digits < 7 || digits > 20) {
        problem(k, ts_retgoods_fields[f].name,
                ts_arena_printf(k->a, "%s格式不正确，应为7至20位数字（可含“-”）",
                                ts_retgoods_fields[f].label));
        return false;
    }
    return true;
}

/* 进口报关单号: an import's 海关编号 (lib/ts_codes, the 9th digit 1). */
static void check_i_entry_id(struct checker *k, const struct ts_retgoods *r)
{
    const char *s = fv(r, TS_RG_I_ENTRY_ID), *why = NULL;
    if (!s[0])
        problem(k, "i_entry_id", "请填写进口报关单号");
    else if (!ts_codes_import_entry_id_valid(s, &why))
        problem(k, "i_entry_id", ts_retgoods_i_entry_id_message(k->a, why));
}

/* ts_codes' reason about a 进口报关单号, named as the field. */
const char *ts_retgoods_i_entry_id_message(struct ts_arena *a, const char *why)
{
    return ts_arena_printf(a, "进口%s", why ? why : "报关单号不正确");
}

/* Every code of csv is one of list; at least one when required. */
static int codes_ok(struct checker *k, const char *csv, const struct ts_retgoods_choice *list,
                    const char *field, const char *label)
{
    int n = 0;
    char *copy = ts_arena_strdup(k->a, csv), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
        if (!find_choice(list, t)) {
            problem(k, field, ts_arena_printf(k->a, "%s的选项不正确", label));
            return -1;
        }
    if (n == 0)
        problem(k, field, ts_arena_printf(k->a, "请勾选%s", label));
    return n;
}

/* 拟处理方式: at least one; 其他 needs its text. */
static void check_handle(struct checker *k, const struct ts_retgoods *r)
{
    if (codes_ok(k, fv(r, TS_RG_HANDLE_WAYS), ts_retgoods_handle_ways, "handle_ways",
                 "拟处理方式") <= 0)
        return;
    bool other = ts_retgoods_list_has(fv(r, TS_RG_HANDLE_WAYS), "5");
    if (other && !fv(r, TS_RG_HANDLE_OTHER)[0])
        problem(k, "handle_other", "拟处理方式为“其他”时需填写其他具体内容");
    else if (other)
        text_ok(k, r, TS_RG_HANDLE_OTHER, true);
    else if (fv(r, TS_RG_HANDLE_OTHER)[0])
        problem(k, "handle_other", "仅拟处理方式为“其他”时填写其他具体内容");
}

/* 原出口报关单号: "/"-separated, 1 to 50, each an export 报关单号 (18 digits,
 * the 9th '0'), none twice; kept in r->orig. */
static void check_orig(struct checker *k, struct ts_retgoods *r, const char *text)
{
    const char *err = NULL;
    r->orig = ts_arena_zalloc(k->a, (TS_RG_MAX_ORIG + 1) * sizeof *r->orig);
    r->norig = 0;
    if (!text || !text[0]) {
        problem(k, "orig_entry_ids", "请填写原出口报关单号");
        return;
    }
    for (const char *p = text;;) {
        const char *end = strchr(p, '/');
        char *no = ts_arena_strndup(k->a, p, end ? (size_t)(end - p) : strlen(p));
        if (r->norig == TS_RG_MAX_ORIG) {
            problem(k, "orig_entry_ids", "原出口报关单号最多50个");
            return;
        }
        if (!ts_codes_export_entry_id_valid(no, &err) || !all_digits(no, 18)) {
            if (strlen(no) > 40 || !ts_codes_utf8_valid(no, strlen(no))) /* not echoed */
                no = ts_arena_printf(k->a, "第%zu个", r->norig + 1);
            problem(
                k, "orig_entry_ids",
                ts_arena_printf(
                    k->a, "原出口报关单号“%s”不正确：应为18位数字，第9位为0，多个以“/”分隔", no));
            return;
        }
        for (size_t i = 0; i < r->norig; i++)
            if (strcmp(r->orig[i], no) == 0) {
                problem(k, "orig_entry_ids", ts_arena_printf(k->a, "原出口报关单号“%s”重复", no));
                return;
            }
        r->orig[r->norig++] = no;
        if (!end)
            return;
        p = end + 1;
    }
}

/* 原生产企业: 统一社会信用代码 (18), 海关编码 (10), name, 联系人, 电话. */
static void check_producer(struct checker *k, const struct ts_retgoods *r)
{
    const char *err = NULL;
    const char *scc = fv(r, TS_RG_PROD_SCC), *code = fv(r, TS_RG_PROD_CODE);
    if (!scc[0])
        problem(k, "prod_scc", "请填写原生产企业18位统一社会信用代码");
    else if (!ts_codes_uscc_valid(scc, &err))
        problem(k, "prod_scc", ts_arena_printf(k->a, "原生产企业统一社会信用代码不正确：%s", err));
    if (!code[0])
        problem(k, "prod_code", "请填写原生产企业10位海关编码");
    else if (!ts_codes_customs_code_valid(code, &err))
        problem(k, "prod_code", ts_arena_printf(k->a, "原生产企业海关编码不正确：%s", err));
    text_ok(k, r, TS_RG_PROD_NAME, true);
    text_ok(k, r, TS_RG_PROD_CONTACT, true);
    phone_ok(k, r, TS_RG_PROD_PHONE);
    if (!fv(r, TS_RG_PROD_REGION)[0])
        problem(k, "prod_region", "请选择原生产企业行政区划");
    if (!fv(r, TS_RG_PROD_DISTRICT)[0])
        problem(k, "prod_district", "请选择原生产企业所属机构");
}

/* Each ticked 类别 has at least one 具体退运原因 of its own; no reason of a
 * 类别 not ticked. */
static void check_reason_codes(struct checker *k, const struct ts_retgoods *r)
{
    const char *kinds = fv(r, TS_RG_REASON_KINDS);
    char *copy = ts_arena_strdup(k->a, fv(r, TS_RG_REASONS)), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const struct ts_retgoods_choice *c = find_choice(ts_retgoods_reasons, t);
        if (!c) {
            problem(k, "reasons", "具体退运原因的选项不正确");
            return;
        }
        if (!ts_retgoods_list_has(kinds, c->kind)) {
            problem(k, "reasons",
                    ts_arena_printf(k->a, "具体退运原因“%s”不属于所选的退货原因类别", c->label));
            return;
        }
    }
    for (const struct ts_retgoods_choice *kc = ts_retgoods_reason_kinds; kc->code; kc++) {
        if (!ts_retgoods_list_has(kinds, kc->code))
            continue;
        bool any = false;
        for (const struct ts_retgoods_choice *c = ts_retgoods_reasons; c->code; c++)
            any |= strcmp(c->kind, kc->code) == 0 &&
                   ts_retgoods_list_has(fv(r, TS_RG_REASONS), c->code);
        if (!any)
            problem(k, "reasons", ts_arena_printf(k->a, "请勾选%s的具体退运原因", kc->label));
    }
}

/* 退货原因类别 (multi), 具体退运原因, and the 说明 that 质量原因 needs. */
static void check_reasons(struct checker *k, const struct ts_retgoods *r)
{
    if (codes_ok(k, fv(r, TS_RG_REASON_KINDS), ts_retgoods_reason_kinds, "reason_kinds",
                 "退货原因类别") > 0)
        check_reason_codes(k, r);
    if (ts_retgoods_list_has(fv(r, TS_RG_REASON_KINDS), "Q") && !fv(r, TS_RG_REASON_NOTE)[0])
        problem(k, "reason_note", "退货原因类别为质量原因时，退货原因具体说明必填");
    else
        text_ok(k, r, TS_RG_REASON_NOTE, false);
}

/* A decimal of at most int_digits integer and frac_digits fraction digits,
 * not negative ("12", "12.5"). */
bool ts_retgoods_decimal_valid(const char *s, int int_digits, int frac_digits)
{
    size_t i = strspn(s, "0123456789");
    if (i == 0 || i > (size_t)int_digits)
        return false;
    if (s[i] == '\0')
        return true;
    if (s[i] != '.')
        return false;
    size_t f = strspn(s + i + 1, "0123456789");
    return f > 0 && f <= (size_t)frac_digits && s[i + 1 + f] == '\0';
}

/* 退货重量 of each line: optional, a decimal (千克); 是否属于工业品: Y or
 * N (a select, so anything else was not typed in the page). */
static void check_lines(struct checker *k, const struct ts_retgoods *r)
{
    for (size_t i = 0; i < r->nlines; i++) {
        const char *w = r->lines[i].ret_weight ? r->lines[i].ret_weight : "";
        const char *ind = r->lines[i].industrial ? r->lines[i].industrial : "";
        if (w[0] && !ts_retgoods_decimal_valid(w, 14, 5))
            problem(k, ts_arena_printf(k->a, "weight_%d", r->lines[i].g_no),
                    ts_arena_printf(k->a, "第%d项退货重量应为数字（千克），最多5位小数",
                                    r->lines[i].g_no));
        else if (strcmp(ind, "Y") != 0 && strcmp(ind, "N") != 0)
            problem(k, ts_arena_printf(k->a, "weight_%d", r->lines[i].g_no),
                    ts_arena_printf(k->a, "请选择第%d项是否属于工业品（Y-是，N-否）",
                                    r->lines[i].g_no));
    }
}

/* The field rules of §4.1.1 that need no database. */
int ts_retgoods_check(struct ts_arena *a, struct ts_retgoods *r, const char *orig_text,
                      ts_retgoods_err_fn err, void *ctx)
{
    struct checker k = {a, err, ctx, 0};
    const char *why = NULL;
    check_i_entry_id(&k, r);
    text_ok(&k, r, TS_RG_RECEIVER_ADDR, true);
    text_ok(&k, r, TS_RG_RECEIVER_CONTACT, true);
    phone_ok(&k, r, TS_RG_RECEIVER_PHONE);
    if (!fv(r, TS_RG_OWNER_DISTRICT)[0])
        problem(&k, "owner_district", "请选择消费使用单位所在地关区");
    if (fv(r, TS_RG_RET_DATE)[0] && !ts_codes_date_valid(fv(r, TS_RG_RET_DATE), &why))
        problem(&k, "ret_date", "退货日期应为有效日期（YYYY-MM-DD）");
    check_handle(&k, r);
    check_orig(&k, r, orig_text);
    check_producer(&k, r);
    const char *ins = fv(r, TS_RG_EXPORT_INSPECT);
    if (strcmp(ins, "Y") != 0 && strcmp(ins, "N") != 0)
        problem(&k, "export_inspect", "请选择出口是否法检（Y-是，N-否）");
    if (strcmp(fv(r, TS_RG_ORIG_TRADE_MODE), "0110") != 0)
        problem(&k, "orig_trade_mode", "请勾选关联报关单原出口监管方式：一般贸易");
    check_reasons(&k, r);
    check_lines(&k, r);
    return k.problems;
}

/* Is code a 关区 of the list (normal)?  1 yes, 0 no, -1 db error. */
static int district_known(struct ts_db *db, struct ts_arena *a, const char *code)
{
    struct ts_db_rows rows;
    if (ts_db_query(db, a, "SELECT code FROM customs_district WHERE code = ? AND status = 'normal'",
                    TS_ARGS(TS_STR(code)), &rows) < 0)
        return -1;
    return rows.nrows == 1;
}

/* The code-list rules (关区, 所属机构 not 直属, 行政区划). */
int ts_retgoods_check_codes(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                            ts_retgoods_err_fn err, void *ctx)
{
    struct checker k = {a, err, ctx, 0};
    struct ts_db_rows rows;
    const char *owner = fv(r, TS_RG_OWNER_DISTRICT), *prod = fv(r, TS_RG_PROD_DISTRICT);
    const char *region = fv(r, TS_RG_PROD_REGION);
    int known;
    if (owner[0] && (known = district_known(db, a, owner)) <= 0) {
        if (known < 0)
            return -1;
        problem(&k, "owner_district", "消费使用单位所在地关区不在关区代码表中");
    }
    if (prod[0] && (known = district_known(db, a, prod)) <= 0) {
        if (known < 0)
            return -1;
        problem(&k, "prod_district", "原生产企业所属机构不在关区代码表中");
    } else if (prod[0] && ts_retgoods_district_direct(prod))
        problem(&k, "prod_district", "原生产企业所属机构不能选择直属关区");
    if (region[0]) {
        if (ts_db_query(db, a, "SELECT code FROM admin_region WHERE code = ? AND status = 'normal'",
                        TS_ARGS(TS_STR(region)), &rows) < 0)
            return -1;
        if (rows.nrows != 1)
            problem(&k, "prod_region", "原生产企业行政区划不在行政区划代码表中");
    }
    return k.problems;
}

/* ---- loading ---- */

/* The header's SELECT: every field of ts_retgoods_fields by its name, as
 * text ("" for NULL; a DATETIME as YYYY-MM-DD HH:MM:SS), and the record's
 * own columns.  Built from constants only. */
static const char *head_select(struct ts_arena *a)
{
    struct ts_buf b = {0};
    ts_buf_adds(&b, "SELECT id, ent_id, status");
    for (int f = 0; f < TS_RG_NFIELDS; f++) {
        const char *n = ts_retgoods_fields[f].name;
        bool nullable = ts_retgoods_fields[f].store != TS_RG_STORE_TEXT;
        ts_buf_adds(&b, nullable ? ", IFNULL(CAST(" : ", ");
        ts_buf_adds(&b, n);
        if (nullable) {
            ts_buf_adds(&b, " AS CHAR), '') AS ");
            ts_buf_adds(&b, n);
        }
    }
    ts_buf_adds(&b, ", CAST(updated_at AS CHAR) AS updated_at, signed_body,"
                    " HEX(signature) AS signature_hex, HEX(sign_cert) AS sign_cert_hex,"
                    " sign_card_no FROM retgoods_head WHERE id = ? AND (? = 0 OR ent_id = ?)");
    char *out = ts_arena_strndup(a, b.data, b.len);
    ts_buf_free(&b);
    return out;
}

/* Hex text from the database (HEX(): upper case) back to bytes (arena);
 * NULL for SQL NULL, "" or text that is not hex. */
static const unsigned char *unhex(struct ts_arena *a, const char *hex, size_t *len)
{
    size_t n = hex ? strlen(hex) : 0;
    unsigned char *out = ts_arena_alloc(a, n / 2 + 1);
    *len = 0;
    if (!n || !ts_crypto_unhex(hex, n, false, out, n / 2 + 1, len))
        return NULL;
    return out;
}

/* The header row into out (fields by their column names). */
static void head_from_row(struct ts_arena *a, const struct ts_db_rows *h, struct ts_retgoods *out)
{
    out->id = ts_db_cell_i64(h, 0, "id");
    out->ent_id = ts_db_cell_i64(h, 0, "ent_id");
    out->status = (int)ts_db_cell_i64(h, 0, "status");
    for (int i = 0; i < TS_RG_NFIELDS; i++) {
        const char *v = ts_db_cell(h, 0, ts_retgoods_fields[i].name);
        out->f[i] = v ? v : "";
    }
    out->updated_at = ts_db_cell(h, 0, "updated_at");
    out->signed_body = ts_db_cell(h, 0, "signed_body");
    out->signature = unhex(a, ts_db_cell(h, 0, "signature_hex"), &out->signature_len);
    out->sign_cert = unhex(a, ts_db_cell(h, 0, "sign_cert_hex"), &out->sign_cert_len);
    out->sign_card_no = ts_db_cell(h, 0, "sign_card_no");
}

/* 商品信息 in 序号 order.  A 退货金额 the money parser refuses (beyond
 * int64 fen: DECIMAL(19,2) holds more) is an error, never a silent 0 that
 * would be shown, signed and sent to customs. */
static int load_lines(struct ts_db *db, struct ts_arena *a, struct ts_retgoods *out)
{
    struct ts_db_rows l;
    const char *err = NULL;
    if (ts_db_query(db, a,
                    "SELECT g_no, code_ts, supv_class_name, g_name, decl_total, trade_curr, g_qty,"
                    " g_unit, IFNULL(ret_weight, '') AS ret_weight, industrial FROM retgoods_list"
                    " WHERE head_id = ? ORDER BY g_no",
                    TS_ARGS(TS_I64(out->id)), &l) < 0)
        return -1;
    out->nlines = l.nrows;
    out->lines = ts_arena_zalloc(a, (l.nrows + 1) * sizeof *out->lines);
    for (size_t i = 0; i < l.nrows; i++) {
        struct ts_retgoods_line *x = &out->lines[i];
        x->g_no = (int)ts_db_cell_i64(&l, i, "g_no");
        x->code_ts = ts_db_cell(&l, i, "code_ts");
        x->supv_class_name = ts_db_cell(&l, i, "supv_class_name");
        x->g_name = ts_db_cell(&l, i, "g_name");
        if (!ts_money_parse(ts_db_cell(&l, i, "decl_total"), &x->decl_total_fen, &err)) {
            ts_log_error("retgoods %lld: line %s: 退货金额 %s unreadable: %s", (long long)out->id,
                         ts_db_cell(&l, i, "g_no"), ts_db_cell(&l, i, "decl_total"),
                         err ? err : "?");
            return -1;
        }
        x->trade_curr = ts_db_cell(&l, i, "trade_curr");
        x->g_qty = ts_db_cell(&l, i, "g_qty");
        x->g_unit = ts_db_cell(&l, i, "g_unit");
        x->ret_weight = ts_db_cell(&l, i, "ret_weight");
        x->industrial = ts_db_cell(&l, i, "industrial");
    }
    return 0;
}

/* 原出口报关单号 in the order typed. */
static int load_orig(struct ts_db *db, struct ts_arena *a, struct ts_retgoods *out)
{
    struct ts_db_rows o;
    if (ts_db_query(db, a, "SELECT entry_id FROM retgoods_orig WHERE head_id = ? ORDER BY seq",
                    TS_ARGS(TS_I64(out->id)), &o) < 0)
        return -1;
    out->norig = o.nrows;
    out->orig = ts_arena_zalloc(a, (o.nrows + 1) * sizeof *out->orig);
    for (size_t i = 0; i < o.nrows; i++)
        out->orig[i] = ts_db_cell(&o, i, "entry_id");
    return 0;
}

/* 回执, newest first (the manual's sample). */
static int load_receipts(struct ts_db *db, struct ts_arena *a, struct ts_retgoods *out)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT status, content, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') AS t"
                    " FROM retgoods_receipt WHERE head_id = ? ORDER BY id DESC",
                    TS_ARGS(TS_I64(out->id)), &r) < 0)
        return -1;
    out->nreceipts = r.nrows;
    out->receipts = ts_arena_zalloc(a, (r.nrows + 1) * sizeof *out->receipts);
    for (size_t i = 0; i < r.nrows; i++) {
        out->receipts[i].status = (int)ts_db_cell_i64(&r, i, "status");
        out->receipts[i].content = ts_db_cell(&r, i, "content");
        out->receipts[i].time = ts_db_cell(&r, i, "t");
    }
    return 0;
}

/* One record with everything it holds (lib/ts_retgoods.h). */
int ts_retgoods_load(struct ts_db *db, struct ts_arena *a, int64_t ent_id, int64_t id,
                     struct ts_retgoods *out)
{
    struct ts_db_rows h;
    memset(out, 0, sizeof *out);
    if (ts_db_query(db, a, head_select(a), TS_ARGS(TS_I64(id), TS_I64(ent_id), TS_I64(ent_id)),
                    &h) < 0)
        return -1;
    if (h.nrows != 1)
        return 1;
    head_from_row(a, &h, out);
    if (load_lines(db, a, out) < 0 || load_orig(db, a, out) < 0 || load_receipts(db, a, out) < 0)
        return -1;
    return 0;
}

/* ---- the state machine ---- */

/* The next 退货编号 of the record's 关区 (受理报关机构, else the import
 * declaration number's first four digits) and this year: 关区 + yy + 6. */
static int next_ret_no(struct ts_db *db, struct ts_arena *a, const char *district, char out[13])
{
    char yy[16];
    time_t now = time(NULL);
    struct tm tm;
    struct ts_db_rows r;
    localtime_r(&now, &tm);
    snprintf(yy, sizeof yy, "%02d", (tm.tm_year + 1900) % 100);
    if (ts_db_exec(db,
                   "INSERT INTO retgoods_no_seq (district, yy, last_no) VALUES (?, ?, 1)"
                   " ON DUPLICATE KEY UPDATE last_no = last_no + 1",
                   TS_ARGS(TS_STR(district), TS_STR(yy)), NULL) < 0 ||
        ts_db_query(db, a, "SELECT last_no FROM retgoods_no_seq WHERE district = ? AND yy = ?",
                    TS_ARGS(TS_STR(district), TS_STR(yy)), &r) < 0 ||
        r.nrows != 1)
        return -1;
    int64_t n = ts_db_cell_i64(&r, 0, "last_no");
    if (n < 1 || n > 999999 || strlen(yy) != 2) {
        ts_log_error("retgoods: 退货编号 sequence of %.4s/%s out of range", district, yy);
        return -1;
    }
    memcpy(out, district, 4);
    memcpy(out + 4, yy, 2);
    snprintf(out + 6, 7, "%06d", (int)n);
    return 0;
}

/* State 7: the 退货编号, unique, stored with the state. */
static int assign_ret_no(struct ts_db *db, struct ts_arena *a, int64_t id,
                         const struct ts_db_rows *row)
{
    const char *district = ts_db_cell(row, 0, "custom_master");
    char no[13];
    if (!district || !all_digits(district, 4))
        district = ts_db_cell(row, 0, "i_entry_id");
    if (next_ret_no(db, a, district, no) < 0)
        return -1;
    return ts_db_exec(db, "UPDATE retgoods_head SET ret_no = ? WHERE id = ?",
                      TS_ARGS(TS_STR(no), TS_I64(id)), NULL);
}

/* A refusal: the reason into err; returns 1. */
static int refused(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return 1;
}

/* The 回执 of a change from `from` to `to`. */
static int write_receipt(struct ts_db *db, int64_t id, int64_t ent_id, int from, int to,
                         const char *text, int64_t actor)
{
    return ts_db_exec(db,
                      "INSERT INTO retgoods_receipt (head_id, ent_id, from_status, status,"
                      " content, actor_user) VALUES (?, ?, ?, ?, ?, ?)",
                      TS_ARGS(TS_I64(id), TS_I64(ent_id), from < 0 ? TS_NULL : TS_I64(from),
                              TS_I64(to), TS_STR(text && text[0] ? text : "-"),
                              actor > 0 ? TS_I64(actor) : TS_NULL),
                      NULL);
}

/* The only way a stored record changes state (lib/ts_retgoods.h). */
int ts_retgoods_transition(struct ts_db *db, struct ts_arena *a, int64_t id, int from, int to,
                           const char *receipt_text, int64_t actor_user_id, char *err,
                           size_t errlen)
{
    struct ts_db_rows r;
    if (!ts_retgoods_allowed(from, to) || from == TS_RG_NEW)
        return refused(err, errlen,
                       ts_arena_printf(a, "不允许从“%s”变为“%s”",
                                       from == TS_RG_NEW ? "新增" : ts_retgoods_status_name(from),
                                       ts_retgoods_status_name(to)));
    if (ts_db_query(db, a,
                    "SELECT status, ent_id, custom_master, i_entry_id FROM retgoods_head"
                    " WHERE id = ? FOR UPDATE",
                    TS_ARGS(TS_I64(id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return refused(err, errlen, "出口退货信息不存在或已删除");
    int now = (int)ts_db_cell_i64(&r, 0, "status");
    if (now != from)
        return refused(err, errlen,
                       ts_arena_printf(a, "数据状态已是“%s”，不是“%s”，不能变为“%s”",
                                       ts_retgoods_status_name(now), ts_retgoods_status_name(from),
                                       ts_retgoods_status_name(to)));
    if (ts_db_exec(db, "UPDATE retgoods_head SET status = ?, updated_at = NOW() WHERE id = ?",
                   TS_ARGS(TS_I64(to), TS_I64(id)), NULL) < 0)
        return to == TS_RG_APPROVED && ts_db_errno(db) == TS_DB_ER_DUP_ENTRY
                   ? refused(err, errlen, TS_RG_DUP_REGISTERED)
                   : -1;
    if (to == TS_RG_APPROVED && assign_ret_no(db, a, id, &r) < 0)
        return -1;
    return write_receipt(db, id, ts_db_cell_i64(&r, 0, "ent_id"), from, to, receipt_text,
                         actor_user_id) < 0
               ? -1
               : 0;
}

/* ---- 暂存, 删除, 提交 (the enterprise, through ts_scope) ---- */

/* The 统一编号 of new record id: this year and the row's id in 14 digits.
 * Not a counter of its own: a counter row would stay locked from the
 * first 暂存 or 提交 of a new record until its commit — through the card's
 * PIN and signature for a 提交 — and hold up every other enterprise's new
 * record meanwhile.  AUTO_INCREMENT hands out ids without such a lock; an
 * id a rolled-back request took is a gap, as the manual's sample numbers
 * have gaps. */
static int seq_no_of(int64_t id, char out[19])
{
    time_t now = time(NULL);
    struct tm tm;
    char buf[48];
    localtime_r(&now, &tm);
    int year = tm.tm_year + 1900;
    if (year < 1000 || year > 9999 || id < 1 || id > INT64_C(99999999999999))
        return -1;
    snprintf(buf, sizeof buf, "%04d%014lld", year, (long long)id);
    memcpy(out, buf, 19);
    return 0;
}

/* A 暂存 statement: head, the SET list (who saved, every field the table
 * says 暂存 writes, with placeholders, the moment), tail.  Built from
 * constants only (column names of ts_retgoods_fields), never from input. */
static const char *save_sql(struct ts_arena *a, const char *head, const char *tail)
{
    struct ts_buf b = {0};
    ts_buf_adds(&b, head);
    ts_buf_adds(&b, " collector_user = ?");
    for (int f = 0; f < TS_RG_NFIELDS; f++)
        if (ts_retgoods_fields[f].store != TS_RG_STORE_NOT) {
            ts_buf_adds(&b, ", ");
            ts_buf_adds(&b, ts_retgoods_fields[f].name);
            ts_buf_adds(&b, " = ?");
        }
    ts_buf_adds(&b, ", updated_at = NOW()");
    ts_buf_adds(&b, tail);
    char *out = ts_arena_strndup(a, b.data, b.len);
    ts_buf_free(&b);
    return out;
}

/* The values of save_sql's SET list in its order, after the `before` arguments and
 * followed by the `after` ones (each list TS_DB_END-terminated or NULL). */
static const struct ts_db_arg *save_args(struct ts_ctx *c, const struct ts_retgoods *r,
                                         const struct ts_db_arg *before,
                                         const struct ts_db_arg *after)
{
    size_t n = 0;
    struct ts_db_arg *v = ts_arena_zalloc(c->arena, (TS_RG_NFIELDS + 8) * sizeof *v);
    for (; before && before->type != TS_DB_END; before++)
        v[n++] = *before;
    v[n++] = TS_I64(c->session->user_id);
    for (int f = 0; f < TS_RG_NFIELDS; f++) {
        const char *x = fv(r, (enum ts_retgoods_field)f);
        if (ts_retgoods_fields[f].store == TS_RG_STORE_TEXT)
            v[n++] = TS_STR(x);
        else if (ts_retgoods_fields[f].store == TS_RG_STORE_DATE)
            v[n++] = x[0] ? TS_STR(x) : TS_NULL;
    }
    for (; after && after->type != TS_DB_END; after++)
        v[n++] = *after;
    v[n].type = TS_DB_END;
    return v;
}

/* A new record: inserted, then its 统一编号. */
static int insert_head(struct ts_ctx *c, struct ts_retgoods *r)
{
    struct ts_db_result res;
    char seq[19];
    const char *sql =
        save_sql(c->arena, "INSERT INTO retgoods_head SET ent_id = ?, created_by = ?,", "");
    if (ts_db_exec(
            c->db, sql,
            save_args(c, r, TS_ARGS(TS_I64(ts_scope_tenant(c)), TS_I64(c->session->user_id)), NULL),
            &res) < 0 ||
        seq_no_of((int64_t)res.insert_id, seq) < 0)
        return -1;
    r->id = (int64_t)res.insert_id;
    r->ent_id = ts_scope_tenant(c);
    r->status = TS_RG_SAVED;
    r->f[TS_RG_SEQ_NO] = ts_arena_strdup(c->arena, seq);
    return ts_scope_exec(c, "UPDATE retgoods_head SET seq_no = ? WHERE ent_id = ? AND id = ?",
                         TS_ARGS(TS_STR(seq), TS_I64(r->id)), NULL);
}

/* The record's state now, locked; -2 when it is not the enterprise's. */
static int locked_status(struct ts_ctx *c, int64_t id)
{
    struct ts_db_rows rows;
    if (ts_scope_query(c, "SELECT status FROM retgoods_head WHERE ent_id = ? AND id = ? FOR UPDATE",
                       TS_ARGS(TS_I64(id)), &rows) < 0)
        return -1;
    return rows.nrows == 1 ? (int)ts_db_cell_i64(&rows, 0, "status") : -2;
}

/* The lines and 原出口报关单号 replaced by the record's. */
static int write_children(struct ts_ctx *c, const struct ts_retgoods *r)
{
    char amount[TS_MONEY_BUF];
    if (ts_scope_exec(c, "DELETE FROM retgoods_list WHERE ent_id = ? AND head_id = ?",
                      TS_ARGS(TS_I64(r->id)), NULL) < 0 ||
        ts_scope_exec(c, "DELETE FROM retgoods_orig WHERE ent_id = ? AND head_id = ?",
                      TS_ARGS(TS_I64(r->id)), NULL) < 0)
        return -1;
    for (size_t i = 0; i < r->nlines; i++) {
        const struct ts_retgoods_line *l = &r->lines[i];
        ts_money_format(l->decl_total_fen, amount, sizeof amount);
        if (ts_db_exec(
                c->db,
                "INSERT INTO retgoods_list (head_id, ent_id, g_no, code_ts,"
                " supv_class_name, g_name, decl_total, trade_curr, g_qty, g_unit,"
                " ret_weight, industrial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                TS_ARGS(TS_I64(r->id), TS_I64(r->ent_id), TS_I64(l->g_no), TS_STR(l->code_ts),
                        TS_STR(l->supv_class_name ? l->supv_class_name : ""), TS_STR(l->g_name),
                        TS_STR(amount), TS_STR(l->trade_curr), TS_STR(l->g_qty), TS_STR(l->g_unit),
                        l->ret_weight && l->ret_weight[0] ? TS_STR(l->ret_weight) : TS_NULL,
                        TS_STR(l->industrial && l->industrial[0] ? l->industrial : "Y")),
                NULL) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->norig; i++)
        if (ts_db_exec(c->db,
                       "INSERT INTO retgoods_orig (head_id, ent_id, seq, entry_id)"
                       " VALUES (?, ?, ?, ?)",
                       TS_ARGS(TS_I64(r->id), TS_I64(r->ent_id), TS_I64((int64_t)i + 1),
                               TS_STR(r->orig[i])),
                       NULL) < 0)
            return -1;
    return 0;
}

/* An existing record: refused in 1/3/5/7; a state other than 0 going back
 * to 暂存 writes its 回执. */
static int update_head(struct ts_ctx *c, struct ts_retgoods *r, bool receipt, char *err,
                       size_t errlen)
{
    const char *why;
    int now = locked_status(c, r->id);
    if (now == -1)
        return -1;
    if (now == -2)
        return refused(err, errlen, "出口退货信息不存在或无权操作");
    if (!ts_retgoods_editable(now, &why))
        return refused(err, errlen, why);
    /* a 提交 keeps the state: its 回执 then says from which state it came */
    const char *sql = save_sql(c->arena, "UPDATE retgoods_head SET",
                               receipt ? ", status = 0 WHERE ent_id = ? AND id = ?"
                                       : " WHERE ent_id = ? AND id = ?");
    if (ts_scope_exec(c, sql, save_args(c, r, NULL, TS_ARGS(TS_I64(r->id))), NULL) < 0)
        return -1;
    r->ent_id = ts_scope_tenant(c);
    r->status = receipt ? TS_RG_SAVED : now;
    if (receipt && now != TS_RG_SAVED &&
        write_receipt(c->db, r->id, r->ent_id, now, TS_RG_SAVED, "暂存", c->session->user_id) < 0)
        return -1;
    return 0;
}

/* 暂存's storage: the head, then its lines and 原出口报关单号 replaced. */
int ts_retgoods_save(struct ts_ctx *c, struct ts_retgoods *r, bool receipt, char *err,
                     size_t errlen)
{
    int rc = r->id ? update_head(c, r, receipt, err, errlen) : insert_head(c, r);
    if (rc != 0)
        return rc;
    return write_children(c, r) < 0 ? -1 : 0;
}

/* 删除 of one record of the session's enterprise, if its state allows. */
int ts_retgoods_delete(struct ts_ctx *c, int64_t id, char *err, size_t errlen)
{
    const char *why;
    int now = locked_status(c, id);
    if (now == -1)
        return -1;
    if (now == -2)
        return refused(err, errlen, "出口退货信息不存在或无权操作");
    if (!ts_retgoods_editable(now, &why))
        return refused(err, errlen, why);
    return ts_scope_exec(c, "DELETE FROM retgoods_head WHERE ent_id = ? AND id = ?",
                         TS_ARGS(TS_I64(id)), NULL) < 0
               ? -1
               : 0;
}

/* Bytes as hex text for UNHEX() (arena). */
static const char *hex(struct ts_arena *a, const unsigned char *p, size_t n)
{
    char *out = ts_arena_alloc(a, 2 * n + 1);
    ts_crypto_hex(p, n, out);
    return out;
}

/* 提交 once signed: 0/2/4/6/8 → 1, the signature kept for customs'
 * reception check, the job that runs it queued. */
int ts_retgoods_mark_submitted(struct ts_ctx *c, const struct ts_retgoods *r, const char *body,
                               const unsigned char *sig, size_t sig_len, const unsigned char *cert,
                               size_t cert_len, const char *card_no, char *err, size_t errlen)
{
    int64_t job;
    int now = locked_status(c, r->id);
    if (now < 0)
        return now == -1 ? -1 : refused(err, errlen, "出口退货信息不存在或无权操作");
    /* 回执内容 「-」 (written for ""), as the manual's sample shows 已提交 */
    int rc = ts_retgoods_transition(c->db, c->arena, r->id, now, TS_RG_SUBMITTED, "",
                                    c->session->user_id, err, errlen);
    if (rc != 0)
        return rc;
    if (ts_scope_exec(c,
                      "UPDATE retgoods_head SET collect_time = ?, signed_body = ?,"
                      " signature = UNHEX(?), sign_cert = UNHEX(?), sign_card_no = ?"
                      " WHERE ent_id = ? AND id = ?",
                      TS_ARGS(TS_STR(fv(r, TS_RG_COLLECT_TIME)), TS_STR(body),
                              TS_STR(hex(c->arena, sig, sig_len)),
                              TS_STR(hex(c->arena, cert, cert_len)), TS_STR(card_no),
                              TS_I64(r->id)),
                      NULL) < 0 ||
        ts_job_create(c->db, r->ent_id, RECEIVE_JOB, r->id, c->session->user_id, &job) < 0)
        return -1;
    c->wake_jobs = true;
    return 0;
}

/* ---- the import declaration's part ---- */

/* The mapping of the contract (lib/ts_retgoods.h), one place for 获取,
 * 暂存 / 提交 and the reception check. */
void ts_retgoods_from_import(struct ts_arena *a, struct ts_retgoods *r,
                             const struct ts_import_decl *d)
{
    r->f[TS_RG_AGENT_SCC] = d->agent_scc;
    r->f[TS_RG_AGENT_CODE] = d->agent_code;
    r->f[TS_RG_AGENT_NAME] = d->agent_name;
    r->f[TS_RG_DECLARANT] = d->declarant_name;
    r->f[TS_RG_TRADE_SCC] = d->trade_scc;
    r->f[TS_RG_TRADE_CODE] = d->trade_code;
    r->f[TS_RG_TRADE_NAME] = d->trade_name;
    r->f[TS_RG_OWNER_SCC] = d->owner_scc;
    r->f[TS_RG_OWNER_CODE] = d->owner_code;
    r->f[TS_RG_OWNER_NAME] = d->owner_name;
    r->f[TS_RG_D_DATE] = d->d_date;
    r->f[TS_RG_IE_DATE] = d->ie_date;
    r->f[TS_RG_TRADE_COUNTRY] = d->trade_country;
    r->f[TS_RG_CUSTOM_MASTER] = d->custom_master;
    r->f[TS_RG_TRADE_MODE] = d->trade_mode;
    r->f[TS_RG_BILL_NO] = d->bill_no;
    r->f[TS_RG_DEST_CUSTOMS] = d->dest_customs;
    r->nlines = d->nlines;
    r->lines = ts_arena_zalloc(a, (d->nlines + 1) * sizeof *r->lines);
    for (size_t i = 0; i < d->nlines; i++) {
        const struct ts_import_decl_line *l = &d->lines[i];
        r->lines[i] = (struct ts_retgoods_line){
            l->g_no,       l->code_ts, l->supv_class_name, l->g_name, l->decl_total_fen,
            l->trade_curr, l->g_qty,   l->g_unit,          "",        "Y"};
    }
}

/* ---- the canonical text ---- */

/* One "name=value\n" line; a value's own newlines and backslashes escaped
 * so that every field is exactly one line. */
static void canon_line(struct ts_buf *b, const char *name, const char *value)
{
    ts_buf_adds(b, name);
    ts_buf_adds(b, "=");
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\n')
            ts_buf_adds(b, "\\n");
        else if (*p == '\r')
            ts_buf_adds(b, "\\r");
        else if (*p == '\\')
            ts_buf_adds(b, "\\\\");
        else
            ts_buf_addc(b, *p);
    }
    ts_buf_adds(b, "\n");
}

/* The signed text (docs/retgoods.md "The signed text"). */
const char *ts_retgoods_canonical(struct ts_arena *a, const struct ts_retgoods *r)
{
    struct ts_buf b = {0};
    char amount[TS_MONEY_BUF];
    ts_buf_adds(&b, "TUISHUI-RETGOODS/2\n"); /* 2: lines end with 是否属于工业品 */
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        if (i != TS_RG_RET_NO)
            canon_line(&b, ts_retgoods_fields[i].name, fv(r, (enum ts_retgoods_field)i));
    for (size_t i = 0; i < r->nlines; i++) {
        const struct ts_retgoods_line *l = &r->lines[i];
        ts_money_format(l->decl_total_fen, amount, sizeof amount);
        canon_line(&b, "line",
                   ts_arena_printf(a, "%d|%s|%s|%s|%s|%s|%s|%s|%s|%s", l->g_no, l->code_ts,
                                   l->supv_class_name ? l->supv_class_name : "", l->g_name, amount,
                                   l->trade_curr, l->g_qty, l->g_unit,
                                   l->ret_weight ? l->ret_weight : "",
                                   l->industrial ? l->industrial : ""));
    }
    for (size_t i = 0; i < r->norig; i++)
        canon_line(&b, "orig_entry_id", r->orig[i]);
    char *out = ts_arena_strndup(a, b.data ? b.data : "", b.len);
    ts_buf_free(&b);
    return out;
}

/* ---- HDF ---- */

/* The labels of a comma-separated code list, joined with "、". */
static const char *labels_of(struct ts_arena *a, const struct ts_retgoods_choice *list,
                             const char *csv)
{
    const char *out = "";
    for (; list->code; list++)
        if (ts_retgoods_list_has(csv, list->code))
            out = out[0] ? ts_arena_printf(a, "%s、%s", out, list->label) : list->label;
    return out;
}

/* 商品信息 under prefix.Lines.N (amounts as yuan). */
static void lines_to_hdf(struct ts_ctx *c, const char *prefix, const struct ts_retgoods *r)
{
    char amount[TS_MONEY_BUF];
    for (size_t i = 0; i < r->nlines; i++) {
        const struct ts_retgoods_line *l = &r->lines[i];
        const char *p = ts_arena_printf(c->arena, "%s.Lines.%zu", prefix, i);
        ts_money_format(l->decl_total_fen, amount, sizeof amount);
        ts_render_set_int(c, ts_arena_printf(c->arena, "%s.g_no", p), l->g_no);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.code_ts", p), l->code_ts);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.supv_class_name", p), l->supv_class_name);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.g_name", p), l->g_name);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.decl_total", p), amount);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.trade_curr", p), l->trade_curr);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.g_qty", p), l->g_qty);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.g_unit", p), l->g_unit);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.ret_weight", p), l->ret_weight);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.industrial", p), l->industrial);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.industrial_label", p),
                      !l->industrial                    ? ""
                      : strcmp(l->industrial, "Y") == 0 ? "Y-是"
                      : strcmp(l->industrial, "N") == 0 ? "N-否"
                                                        : l->industrial);
    }
}

/* 回执 under prefix.Receipts.N with 序号 from 1 at the newest. */
static void receipts_to_hdf(struct ts_ctx *c, const char *prefix, const struct ts_retgoods *r)
{
    for (size_t i = 0; i < r->nreceipts; i++) {
        const char *p = ts_arena_printf(c->arena, "%s.Receipts.%zu", prefix, i);
        ts_render_set_int(c, ts_arena_printf(c->arena, "%s.no", p), (int64_t)i + 1);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.status_name", p),
                      ts_retgoods_status_name(r->receipts[i].status));
        ts_render_set(c, ts_arena_printf(c->arena, "%s.content", p), r->receipts[i].content);
        ts_render_set(c, ts_arena_printf(c->arena, "%s.time", p), r->receipts[i].time);
    }
}

/* "code name" of a coded value (the code alone when the list lacks it). */
static const char *coded_text(struct ts_arena *a, const struct ts_reflib_codes *k,
                              enum ts_reflib_list list, const char *code)
{
    const char *name = NULL;
    if (!code || !code[0])
        return "";
    if (k->rows && ts_reflib_codes_find(k, list, code, &name) && name)
        return ts_arena_printf(a, "%s %s", code, name);
    return code;
}

/* The names of the coded fields beside their codes (prefix.<field>_text,
 * prefix.Lines.N.trade_curr_text / g_unit_text), from the code lists. */
static void names_to_hdf(struct ts_ctx *c, const char *prefix, const struct ts_retgoods *r)
{
    static const struct {
        enum ts_retgoods_field f;
        enum ts_reflib_list list;
    } coded[] = {
        {TS_RG_TRADE_COUNTRY, TS_REFLIB_COUNTRY},
        {TS_RG_TRADE_MODE, TS_REFLIB_TRADE_MODE},
        {TS_RG_CUSTOM_MASTER, TS_REFLIB_CUSTOMS_DISTRICT},
        {TS_RG_DEST_CUSTOMS, TS_REFLIB_CUSTOMS_DISTRICT},
        {TS_RG_OWNER_DISTRICT, TS_REFLIB_CUSTOMS_DISTRICT},
        {TS_RG_PROD_DISTRICT, TS_REFLIB_CUSTOMS_DISTRICT},
    };
    struct ts_reflib_codes k = {NULL};
    struct ts_arena *a = c->arena;
    if (ts_reflib_codes_load(c->db, a, &k) < 0)
        k.rows = NULL; /* logged; the codes alone are shown */
    for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++)
        ts_render_set(c,
                      ts_arena_printf(a, "%s.%s_text", prefix, ts_retgoods_fields[coded[i].f].name),
                      coded_text(a, &k, coded[i].list, fv(r, coded[i].f)));
    for (size_t i = 0; i < r->nlines; i++) {
        const char *p = ts_arena_printf(a, "%s.Lines.%zu", prefix, i);
        ts_render_set(c, ts_arena_printf(a, "%s.trade_curr_text", p),
                      coded_text(a, &k, TS_REFLIB_CURRENCY, r->lines[i].trade_curr));
        ts_render_set(c, ts_arena_printf(a, "%s.g_unit_text", p),
                      coded_text(a, &k, TS_REFLIB_UNIT, r->lines[i].g_unit));
    }
}

/* Everything a page shows of the record (lib/ts_retgoods.h). */
void ts_retgoods_to_hdf(struct ts_ctx *c, const char *prefix, const struct ts_retgoods *r)
{
    struct ts_arena *a = c->arena;
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        ts_render_set(c, ts_arena_printf(a, "%s.%s", prefix, ts_retgoods_fields[i].name),
                      fv(r, (enum ts_retgoods_field)i));
    ts_render_set_int(c, ts_arena_printf(a, "%s.id", prefix), r->id);
    ts_render_set_int(c, ts_arena_printf(a, "%s.status", prefix), r->status);
    ts_render_set(c, ts_arena_printf(a, "%s.status_name", prefix),
                  r->id ? ts_retgoods_status_name(r->status) : "");
    ts_render_set(c, ts_arena_printf(a, "%s.updated_at", prefix), r->updated_at);
    ts_render_set(c, ts_arena_printf(a, "%s.collect_type", prefix), TS_RG_COLLECT_TYPE);
    ts_render_set(c, ts_arena_printf(a, "%s.info_source", prefix), TS_RG_INFO_SOURCE);
    ts_render_set(c, ts_arena_printf(a, "%s.handle_ways_label", prefix),
                  labels_of(a, ts_retgoods_handle_ways, fv(r, TS_RG_HANDLE_WAYS)));
    ts_render_set(c, ts_arena_printf(a, "%s.reason_kinds_label", prefix),
                  labels_of(a, ts_retgoods_reason_kinds, fv(r, TS_RG_REASON_KINDS)));
    ts_render_set(c, ts_arena_printf(a, "%s.reasons_label", prefix),
                  labels_of(a, ts_retgoods_reasons, fv(r, TS_RG_REASONS)));
    const char *orig = "";
    for (size_t i = 0; i < r->norig; i++)
        orig = i ? ts_arena_printf(a, "%s/%s", orig, r->orig[i]) : r->orig[i];
    ts_render_set(c, ts_arena_printf(a, "%s.orig_entry_ids", prefix), orig);
    lines_to_hdf(c, prefix, r);
    names_to_hdf(c, prefix, r);
    receipts_to_hdf(c, prefix, r);
}
