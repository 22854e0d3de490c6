/* ts_retgoods — 出口退货信息 (manual 004 §4.1–§4.2): the record, its field
 * rules, 暂存 / 删除 / 提交, the state machine and its 回执.
 *
 * States (§4.2): 0 暂存, 1 已提交, 2 提交失败, 3 海关接收成功, 4 海关接收失败,
 * 5 电子审核完成，待人工审核, 6 电子审核退单, 7 人工审核通过, 8 人工审核退单.
 * Allowed moves:
 *
 *     (new)/0/2/4/6/8 --暂存--> 0      0/2/4/6/8 --提交--> 1
 *     1 --> 2 | 3 | 4      3 --> 5 | 6      5 --> 7 | 8
 *
 * 暂存 and 删除 are refused in 1, 3, 5, 7 (ts_retgoods_editable says why).
 * Every change of state writes a 回执 row in the same transaction (the
 * first 暂存 creates the record and writes none; docs/retgoods.md); 7
 * assigns the 退货编号.
 *
 * A record's header is a table of fields (enum ts_retgoods_field): the
 * column name is also the form parameter and the HDF name, so the entry
 * form, the stored row, the view and the signed canonical text all come
 * from one list. */
#ifndef TS_RETGOODS_H
#define TS_RETGOODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_ctx;
struct ts_db;

enum ts_retgoods_status {
    TS_RG_SAVED = 0,          /* 暂存 */
    TS_RG_SUBMITTED = 1,      /* 已提交 */
    TS_RG_SUBMIT_FAILED = 2,  /* 提交失败 */
    TS_RG_RECEIVED = 3,       /* 海关接收成功 */
    TS_RG_RECEIVE_FAILED = 4, /* 海关接收失败 */
    TS_RG_AUDITED = 5,        /* 电子审核完成，待人工审核 */
    TS_RG_AUDIT_REJECTED = 6, /* 电子审核退单 */
    TS_RG_APPROVED = 7,       /* 人工审核通过 */
    TS_RG_REJECTED = 8,       /* 人工审核退单 */
};
/* A move to 7 the registration key (schema/022) refused: another record
 * of the import declaration is registered (ts_retgoods_transition's err). */
#define TS_RG_DUP_REGISTERED "该进口报关单已办理出口退货登记，不能重复登记"
#define TS_RG_NEW            (-1) /* no record yet: the `from` of the first 暂存 */
#define TS_RG_NSTATUS        9

/* The header fields, in the manual's order (§4.1.1 表头, 其他). */
enum ts_retgoods_field {
    TS_RG_SEQ_NO,        /* 统一编号 (system) */
    TS_RG_RET_NO,        /* 退货编号 (customs, at 7) */
    TS_RG_COLLECTOR,     /* 采集人 (system) */
    TS_RG_COLLECTOR_SCC, /* 采集机构 (system) */
    TS_RG_COLLECTOR_CODE,
    TS_RG_COLLECTOR_NAME,
    TS_RG_COLLECT_TIME, /* 采集时间 (system, at 提交) */
    TS_RG_I_ENTRY_ID,   /* 进口报关单号 (required) */
    TS_RG_AGENT_SCC,    /* 报关单位 (import declaration) */
    TS_RG_AGENT_CODE,
    TS_RG_AGENT_NAME,
    TS_RG_DECLARANT, /* 报关员 (import declaration) */
    TS_RG_TRADE_SCC, /* 收货人 (import declaration) */
    TS_RG_TRADE_CODE,
    TS_RG_TRADE_NAME,
    TS_RG_RECEIVER_ADDR,    /* 收货人所在地 (filled, editable, required) */
    TS_RG_RECEIVER_CONTACT, /* 收货联系人 (required) */
    TS_RG_RECEIVER_PHONE,   /* 联系电话 (required) */
    TS_RG_OWNER_SCC,        /* 消费使用单位 (import declaration) */
    TS_RG_OWNER_CODE,
    TS_RG_OWNER_NAME,
    TS_RG_OWNER_DISTRICT, /* 消费使用单位所在地关区 (filled, editable, required) */
    TS_RG_RET_DATE,       /* 退货日期 (optional) */
    TS_RG_D_DATE,         /* 报关日期 */
    TS_RG_IE_DATE,        /* 到港日期 */
    TS_RG_TRADE_COUNTRY,  /* 退货国家(地区) */
    TS_RG_CUSTOM_MASTER,  /* 受理报关机构 */
    TS_RG_TRADE_MODE,     /* 海关贸易方式 */
    TS_RG_BILL_NO,        /* 提运单号 */
    TS_RG_DEST_CUSTOMS,   /* 目的地海关 */
    TS_RG_HANDLE_WAYS,    /* 拟处理方式: codes 1-5 comma-separated (required) */
    TS_RG_HANDLE_OTHER,   /* 其他 具体内容 (required with 5) */
    TS_RG_PROD_SCC,       /* 原生产企业 (required) */
    TS_RG_PROD_CODE,
    TS_RG_PROD_NAME,
    TS_RG_PROD_CONTACT,    /* 原生产企业联系人 */
    TS_RG_PROD_PHONE,      /* 原生产企业联系电话 */
    TS_RG_PROD_REGION,     /* 原生产企业行政区划 */
    TS_RG_PROD_DISTRICT,   /* 原生产企业所属机构 (not 直属) */
    TS_RG_EXPORT_INSPECT,  /* 出口是否法检 Y/N */
    TS_RG_ORIG_TRADE_MODE, /* 关联报关单原出口监管方式: 0110 一般贸易 */
    TS_RG_REASON_KINDS,    /* 退货原因类别: Q T S O comma-separated */
    TS_RG_REASONS,         /* 具体退运原因: codes comma-separated */
    TS_RG_REASON_NOTE,     /* 退货原因具体说明 (required with Q) */
    TS_RG_NFIELDS
};

/* How 暂存 writes a field's column (the SET list is built from the table). */
enum ts_retgoods_store {
    TS_RG_STORE_TEXT = 0, /* the value as text */
    TS_RG_STORE_DATE,     /* a DATE: "" is NULL */
    TS_RG_STORE_NOT,      /* written at another moment (统一编号, 退货编号, 采集时间) */
};

struct ts_retgoods_fielddef {
    const char *name;  /* column = form parameter = HDF name */
    const char *label; /* the manual's label */
    int max_chars;     /* 0: not typed by the enterprise */
    enum ts_retgoods_store store;
};
extern const struct ts_retgoods_fielddef ts_retgoods_fields[TS_RG_NFIELDS];

/* 商品信息: one line of the import declaration, with the 退货重量 typed. */
struct ts_retgoods_line {
    int g_no;                    /* 序号 */
    const char *code_ts;         /* 货物HS编码 */
    const char *supv_class_name; /* 监管类别名称 */
    const char *g_name;          /* 货物名称 */
    int64_t decl_total_fen;      /* 退货金额 */
    const char *trade_curr;      /* 退货金额单位 (币制 code) */
    const char *g_qty;           /* 退货数量, decimal text */
    const char *g_unit;          /* 数量单位 code */
    const char *ret_weight;      /* 退货重量 (千克), "" when not given */
    const char *industrial;      /* 是否属于工业品 Y/N (the enterprise's; Y by default) */
};

/* One 回执. */
struct ts_retgoods_receipt {
    int status;          /* 审核状态 reached */
    const char *content; /* 回执内容 */
    const char *time;    /* 回执时间 YYYY-MM-DD HH:MM:SS */
};

#define TS_RG_MAX_ORIG  50 /* 原出口报关单号: at most 50 */
#define TS_RG_MAX_LINES 999

struct ts_retgoods {
    int64_t id; /* 0: not stored yet */
    int64_t ent_id;
    int status;
    const char *f[TS_RG_NFIELDS]; /* never NULL once loaded / read ("" = empty) */
    struct ts_retgoods_line *lines;
    size_t nlines;
    const char **orig; /* 原出口报关单号 */
    size_t norig;
    struct ts_retgoods_receipt *receipts; /* newest first */
    size_t nreceipts;
    const char *updated_at; /* 最近操作时间 */
    /* the 提交's signature, as stored */
    const char *signed_body;
    const unsigned char *signature, *sign_cert;
    size_t signature_len, sign_cert_len;
    const char *sign_card_no;
};

/* ---- states ---- */
const char *ts_retgoods_status_name(int status);
bool ts_retgoods_allowed(int from, int to);
bool ts_retgoods_editable(int status, const char **why); /* 暂存 / 删除 */
bool ts_retgoods_submittable(int status, const char **why);

/* ---- choices (docs/retgoods.md) ---- */
struct ts_retgoods_choice {
    const char *code;
    const char *label;
    const char *kind; /* 具体退运原因: its 退货原因类别 code; else NULL */
};
extern const struct ts_retgoods_choice ts_retgoods_handle_ways[];  /* 拟处理方式 */
extern const struct ts_retgoods_choice ts_retgoods_reason_kinds[]; /* 退货原因类别 */
extern const struct ts_retgoods_choice ts_retgoods_reasons[];      /* 具体退运原因 */
const char *ts_retgoods_choice_label(const struct ts_retgoods_choice *list, const char *code);
bool ts_retgoods_list_has(const char *csv, const char *code);
bool ts_retgoods_district_direct(const char *code);

/* ---- field rules ---- */

/* Called once per problem: the field (form name) and the Chinese message. */
typedef void (*ts_retgoods_err_fn)(void *ctx, const char *field, const char *message);

/* The rules that need no database (§4.1.1): required fields, formats,
 * 拟处理方式 / 其他, 原出口报关单号, 原生产企业 codes, 退货原因 rules, 退货重量.
 * orig_text is the 原出口报关单号 as typed ("/"-separated); on success the
 * numbers are left in r->orig.  Returns the number of problems. */
int ts_retgoods_check(struct ts_arena *a, struct ts_retgoods *r, const char *orig_text,
                      ts_retgoods_err_fn err, void *ctx);
/* The code-list rules: 消费使用单位所在地关区 and 所属机构 in the 关区 list
 * (所属机构 not a 直属关区), 行政区划 in its list.  Problems counted, -1 on a
 * database error. */
int ts_retgoods_check_codes(struct ts_db *db, struct ts_arena *a, const struct ts_retgoods *r,
                            ts_retgoods_err_fn err, void *ctx);
bool ts_retgoods_decimal_valid(const char *s, int int_digits, int frac_digits);
/* The message next to 进口报关单号 for ts_codes_import_entry_id_valid's
 * reason (「进口报关单号应为18位数字」…). */
const char *ts_retgoods_i_entry_id_message(struct ts_arena *a, const char *why);

/* ---- storage ---- */

/* The record id with its lines, 原出口报关单号 and 回执 (newest first).
 * ent_id > 0 restricts to that enterprise's records (0: any, for the
 * customs side and the worker).  0 found, 1 not found, -1 database error. */
int ts_retgoods_load(struct ts_db *db, struct ts_arena *a, int64_t ent_id, int64_t id,
                     struct ts_retgoods *out);

/* Move record id from state `from` to `to` (refused unless allowed and the
 * record is in `from` now: row locked FOR UPDATE), writing the 回执 text;
 * inside the caller's transaction.  to = 7 assigns the 退货编号.  Returns
 * 0, 1 refused (reason in err, Chinese), -1 db error. */
int ts_retgoods_transition(struct ts_db *db, struct ts_arena *a, int64_t id, int from, int to,
                           const char *receipt_text, int64_t actor_user_id, char *err,
                           size_t errlen);

/* 暂存 by the session's enterprise (ts_scope): insert (r->id 0: 统一编号
 * assigned) or update a record in 0/2/4/6/8: with receipt (暂存) the
 * state becomes 0, with a 回执 when it changed; without (提交) the state
 * stays for ts_retgoods_mark_submitted to move to 1.  0 saved, 1 refused (reason in err), -1 db
 * error. */
int ts_retgoods_save(struct ts_ctx *c, struct ts_retgoods *r, bool receipt, char *err,
                     size_t errlen);
/* 删除 of the session's enterprise's record id: 0 deleted, 1 refused
 * (reason in err: state or not found), -1 db error. */
int ts_retgoods_delete(struct ts_ctx *c, int64_t id, char *err, size_t errlen);
/* 提交's storage once the card signed: 采集时间 (already in r), signature
 * and certificate stored, state → 1 with its 回执, job retgoods.receive
 * queued.  0, 1 refused (err), -1 db error. */
int ts_retgoods_mark_submitted(struct ts_ctx *c, const struct ts_retgoods *r, const char *body,
                               const unsigned char *sig, size_t sig_len, const unsigned char *cert,
                               size_t cert_len, const char *card_no, char *err, size_t errlen);

/* The import declaration's header and goods into r as 获取 fills them
 * (§4.1.1 置灰: 报关单位, 报关员, 收货人, 消费使用单位, dates, 国别, 海关,
 * 贸易方式, 提运单号, 目的地海关; the lines with 退货重量 empty and
 * 是否属于工业品 Y).  The editable 收货人所在地 and its 关区 are the
 * caller's.  The reception (R6) compares a record with what this gives
 * now. */
struct ts_import_decl;
void ts_retgoods_from_import(struct ts_arena *a, struct ts_retgoods *r,
                             const struct ts_import_decl *d);

/* The bytes the card signs at 提交 (and ts-worker verifies): a fixed
 * text of every field, line and 原出口报关单号 (docs/retgoods.md). */
const char *ts_retgoods_canonical(struct ts_arena *a, const struct ts_retgoods *r);

/* 采集机构类别 and 退货信息来源 (§4.1.1 置灰): the same for every record an
 * enterprise enters here. */
#define TS_RG_COLLECT_TYPE "企业"
#define TS_RG_INFO_SOURCE  "进境货物报关时提供的有效单证"

/* The record into HDF under prefix (prefix.<field>, prefix.status_name,
 * prefix.collect_type and prefix.info_source,
 * prefix.Lines.N.*, prefix.Orig (joined with "/"), prefix.Receipts.N.*,
 * and the labels of the coded choices). */
void ts_retgoods_to_hdf(struct ts_ctx *c, const char *prefix, const struct ts_retgoods *r);

#endif
