/* ts_import_decl — the 进口报关单 customs publishes into the portal
 * (schema/019_import_decl.sql), as 出口退货信息录入 (manual 004 §4.1) reads
 * it: the 出口复进口 declaration whose header and goods fill the record.
 *
 * Two views of one declaration:
 *  - struct ts_import_decl, named fields, what ts_import_decl_load gives the
 *    出口退货 side (lib/ts_retgoods, cgi-bin/retgoods.c);
 *  - struct ts_import_decl_in, the values as strings indexed by the field
 *    tables below (like lib/ts_customs_decl's ts_cdecl), what customs
 *    publishes through the form (cgi-bin/customs.c) and ts-admin seeds:
 *    checked (ts_import_decl_check) and stored as the number's next
 *    version (ts_import_decl_publish).
 * Field names are the DecHead / DecList element names where the customs
 * message has one; docs/formats.md "进口报关单" lists them with the few the
 * portal adds (报关员, 收货人所在地, 消费使用单位所在地关区, 目的地海关,
 * 监管类别名称). */
#ifndef TS_IMPORT_DECL_H
#define TS_IMPORT_DECL_H

#include "ts_customs_decl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;

/* ---- reading (the 出口退货 side) ---- */

struct ts_import_decl_line {
    int g_no;                    /* GNo 项号 → 序号 */
    const char *code_ts;         /* CodeTS, 10-digit HS → 货物HS编码 */
    const char *supv_class_name; /* 监管类别名称 (text, may be "") */
    const char *g_name;          /* GName 商品名称 → 货物名称 */
    int64_t decl_total_fen;      /* DeclTotal 总价 → 退货金额 */
    const char *trade_curr;      /* TradeCurr 币制 code → 退货金额单位 */
    const char *g_qty;  /* GQty 成交数量, decimal string ("2", "12.5") → 退货数量 */
    const char *g_unit; /* GUnit 成交计量单位 code → 数量单位 */
};

struct ts_import_decl {
    int64_t head_id; /* the current version's import_decl_head.id */
    int version;
    const char *entry_id; /* EntryId 海关编号 (18 digits, 9th '1') */
    /* AgentCodeScc / AgentCode / AgentName 申报单位 → 报关单位 */
    const char *agent_scc, *agent_code, *agent_name;
    const char *declarant_name; /* 报关员 (may be "") */
    /* TradeCoScc / TradeCode / TradeName 境内收货人 → 收货人 */
    const char *trade_scc, *trade_code, *trade_name;
    /* OwnerCodeScc / OwnerCode / OwnerName 消费使用单位 (may be "") */
    const char *owner_scc, *owner_code, *owner_name;
    const char *owner_customs; /* 消费使用单位所在地关区, 4 digits or "" */
    const char *receiver_addr; /* 收货人所在地 (注册地海关所在地址), text or "" */
    const char *d_date;        /* DDate 申报日期 YYYY-MM-DD → 报关日期 */
    const char *ie_date;       /* IEDate 进口日期 YYYY-MM-DD → 到港日期 */
    const char *trade_country; /* TradeCountry 启运国(地区) → 退货国家(地区) */
    const char *custom_master; /* CustomMaster 申报地海关 (4) → 受理报关机构 */
    const char *ie_port;       /* IEPort 进境关别 (4) */
    const char *trade_mode;    /* TradeMode 监管方式 (4) → 海关贸易方式 */
    const char *bill_no;       /* BillNo 提运单号 (may be "") */
    const char *dest_customs;  /* 目的地海关, 4 digits or "" */
    struct ts_import_decl_line *lines; /* in 项号 order */
    size_t nlines;
};

/* The current version of import declaration entry_id if the enterprise
 * may use it (it is the 境内收货人 or the 消费使用单位, by 统一社会信用代码
 * or 海关编码), with its lines in 项号 order.  Returns 0 found, 1 not
 * found / not the enterprise's (the caller says
 * TS_IMPORT_DECL_NOT_FOUND), -1 database error.  Strings live in a. */
#define TS_IMPORT_DECL_NOT_FOUND "未找到该进口报关单或无权使用"
int ts_import_decl_load(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *entry_id,
                        struct ts_import_decl *out);

/* The current version of entry_id whoever it belongs to (customs' side:
 * the reception checks of 出口退货, the officer's pages).  0 found, 1 not
 * published, -1 database error. */
int ts_import_decl_load_any(struct ts_db *db, struct ts_arena *a, const char *entry_id,
                            struct ts_import_decl *out);

/* ---- publishing (customs) ---- */

enum {
    TS_IDECL_H_ENTRY_ID,
    TS_IDECL_H_CUSTOM_MASTER,
    TS_IDECL_H_IE_PORT,
    TS_IDECL_H_IE_DATE,
    TS_IDECL_H_D_DATE,
    TS_IDECL_H_AGENT_CODE_SCC,
    TS_IDECL_H_AGENT_CODE,
    TS_IDECL_H_AGENT_NAME,
    TS_IDECL_H_DECLARANT_NAME,
    TS_IDECL_H_TRADE_CO_SCC,
    TS_IDECL_H_TRADE_CODE,
    TS_IDECL_H_TRADE_NAME,
    TS_IDECL_H_RECEIVER_ADDR,
    TS_IDECL_H_OWNER_CODE_SCC,
    TS_IDECL_H_OWNER_CODE,
    TS_IDECL_H_OWNER_NAME,
    TS_IDECL_H_OWNER_CUSTOMS,
    TS_IDECL_H_TRADE_COUNTRY,
    TS_IDECL_H_TRADE_MODE,
    TS_IDECL_H_BILL_NO,
    TS_IDECL_H_DEST_CUSTOMS,
    TS_IDECL_HEAD_N
};

enum {
    TS_IDECL_L_G_NO,
    TS_IDECL_L_CODE_TS,
    TS_IDECL_L_SUPV_CLASS_NAME,
    TS_IDECL_L_G_NAME,
    TS_IDECL_L_G_QTY,
    TS_IDECL_L_G_UNIT,
    TS_IDECL_L_DECL_TOTAL,
    TS_IDECL_L_TRADE_CURR,
    TS_IDECL_LIST_N
};

/* The fields: element, column, label, kind and limits (the kinds and
 * checks of lib/ts_customs_decl). */
extern const struct ts_cdecl_field ts_import_decl_head_fields[TS_IDECL_HEAD_N];
extern const struct ts_cdecl_field ts_import_decl_list_fields[TS_IDECL_LIST_N];

#define TS_IDECL_MAX_LINES 99

struct ts_import_decl_in {
    const char *head[TS_IDECL_HEAD_N];
    const char *lines[TS_IDECL_MAX_LINES][TS_IDECL_LIST_N];
    size_t nlines;
    const char **errors; /* Chinese sentences */
    size_t nerrors, errcap;
};

/* Every value "", no lines. */
struct ts_import_decl_in *ts_import_decl_in_new(struct ts_arena *a);
/* Record a problem (in order). */
void ts_import_decl_error(struct ts_arena *a, struct ts_import_decl_in *d, const char *msg);

/* Check every field and the rules across them (海关编号 an import one,
 * 申报地海关 its first four digits, 申报日期 not after 进口日期, at least
 * one line, 项号 once each), normalise values to their stored form, and
 * add a sentence per problem.  True when there is none. */
bool ts_import_decl_check(struct ts_arena *a, struct ts_import_decl_in *d);

/* The coded fields (消费使用单位所在地关区 and 目的地海关 in the 关区 list,
 * 启运国（地区）, 监管方式, 成交计量单位, 币制) against the
 * code lists (ts_reflib_codes_load) when customs publishes; a sentence per
 * unknown code.  A value whose form is wrong is left to the check above.
 * True when there is no problem. */
struct ts_reflib_codes;
bool ts_import_decl_check_codes(struct ts_arena *a, struct ts_import_decl_in *d,
                                const struct ts_reflib_codes *codes);

/* Store a checked declaration as the current version of its 海关编号
 * (the first 新增, a later one 修改, earlier versions kept), in the
 * caller's transaction.  0 done (head id, version, modified), TS_CDECL_BUSY
 * (another publisher at the same time: TS_CDECL_BUSY_MSG), -1 db error. */
int ts_import_decl_publish(struct ts_db *db, struct ts_arena *a, const struct ts_import_decl_in *d,
                           int64_t user_id, struct ts_cdecl_published *out);

#endif
