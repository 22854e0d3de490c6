/* ts_import_decl — 进口报关单: the field tables, the checks, storing a
 * version and loading the current one (see ts_import_decl.h). */
#include "ts_import_decl.h"

#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_db.h"
#include "ts_money.h"
#include "ts_reflib.h"

#include <stdlib.h>
#include <string.h>

#define F(x, c, l, k, req, mn, mx)                                                                 \
    {                                                                                              \
        (x), (c), (l), (k), (req), false, (mn), (mx), NULL                                         \
    }

/* DecHead, in the column order of import_decl_head (schema/019).  The
 * element names marked portal-own in docs/formats.md have no DecHead
 * counterpart. */
const struct ts_cdecl_field ts_import_decl_head_fields[TS_IDECL_HEAD_N] = {
    F("EntryId", "entry_id", "海关编号", TS_CDECL_DIGITS, true, 18, 18),
    F("CustomMaster", "custom_master", "申报地海关", TS_CDECL_DIGITS, true, 4, 4),
    F("IEPort", "ie_port", "进境关别", TS_CDECL_DIGITS, true, 4, 4),
    F("IEDate", "ie_date", "进口日期", TS_CDECL_DATE, true, 0, 0),
    F("DDate", "d_date", "申报日期", TS_CDECL_DATE, true, 0, 0),
    F("AgentCodeScc", "agent_code_scc", "申报单位统一社会信用代码", TS_CDECL_USCC, false, 0, 0),
    F("AgentCode", "agent_code", "申报单位海关编码", TS_CDECL_CUSTOMS, true, 0, 0),
    F("AgentName", "agent_name", "申报单位名称", TS_CDECL_TEXT, true, 1, 200),
    F("DeclarantName", "declarant_name", "报关员", TS_CDECL_TEXT, false, 1, 50),
    F("TradeCoScc", "trade_co_scc", "境内收货人统一社会信用代码", TS_CDECL_USCC, false, 0, 0),
    F("TradeCode", "trade_code", "境内收货人海关编码", TS_CDECL_CUSTOMS, true, 0, 0),
    F("TradeName", "trade_name", "境内收货人名称", TS_CDECL_TEXT, true, 1, 200),
    F("ReceiverAddr", "receiver_addr", "收货人所在地", TS_CDECL_TEXT, false, 1, 200),
    F("OwnerCodeScc", "owner_code_scc", "消费使用单位统一社会信用代码", TS_CDECL_USCC, false, 0, 0),
    F("OwnerCode", "owner_code", "消费使用单位海关编码", TS_CDECL_CUSTOMS, false, 0, 0),
    F("OwnerName", "owner_name", "消费使用单位名称", TS_CDECL_TEXT, false, 1, 200),
    F("OwnerCustoms", "owner_customs", "消费使用单位所在地关区", TS_CDECL_DIGITS, false, 4, 4),
    F("TradeCountry", "trade_country", "启运国（地区）", TS_CDECL_CODE, true, 3, 3),
    F("TradeMode", "trade_mode", "监管方式", TS_CDECL_DIGITS, true, 4, 4),
    F("BillNo", "bill_no", "提运单号", TS_CDECL_TEXT, false, 1, 50),
    F("DestCustoms", "dest_customs", "目的地海关", TS_CDECL_DIGITS, false, 4, 4),
};

/* DecList, in the column order of import_decl_list after head_id. */
const struct ts_cdecl_field ts_import_decl_list_fields[TS_IDECL_LIST_N] = {
    F("GNo", "g_no", "项号", TS_CDECL_INT, true, 1, TS_IDECL_MAX_LINES),
    F("CodeTS", "code_ts", "商品编号", TS_CDECL_HS, true, 0, 0),
    F("SupvClassName", "supv_class_name", "监管类别名称", TS_CDECL_TEXT, false, 1, 100),
    F("GName", "g_name", "商品名称", TS_CDECL_TEXT, true, 1, 255),
    F("GQty", "g_qty", "成交数量", TS_CDECL_QTY, true, 0, 0),
    F("GUnit", "g_unit", "成交计量单位", TS_CDECL_DIGITS, true, 3, 3),
    F("DeclTotal", "decl_total", "总价", TS_CDECL_MONEY, true, 0, 0),
    F("TradeCurr", "trade_curr", "币制", TS_CDECL_CODE, true, 3, 3),
};

/* ---- the model and its checks ---- */

/* Empty values, never NULL: the checks and SQL need no special case. */
struct ts_import_decl_in *ts_import_decl_in_new(struct ts_arena *a)
{
    struct ts_import_decl_in *d = ts_arena_zalloc(a, sizeof *d);
    for (size_t i = 0; i < TS_IDECL_HEAD_N; i++)
        d->head[i] = "";
    for (size_t k = 0; k < TS_IDECL_MAX_LINES; k++)
        for (size_t j = 0; j < TS_IDECL_LIST_N; j++)
            d->lines[k][j] = "";
    return d;
}

/* Problems are kept in order: the form lists them as they were found. */
void ts_import_decl_error(struct ts_arena *a, struct ts_import_decl_in *d, const char *msg)
{
    ts_cdecl_errors_add(a, &d->errors, &d->nerrors, &d->errcap, msg);
}

/* One part's values (the header or one line) against its table; where
 * names the part in the sentences ("表头", "表体第2行"). */
static void check_values(struct ts_arena *a, struct ts_import_decl_in *d,
                         const struct ts_cdecl_field *fs, size_t n, const char **v,
                         const char *where)
{
    for (size_t i = 0; i < n; i++) {
        const char *problem = NULL;
        if (!v[i][0])
            problem = fs[i].required ? "不能为空" : NULL;
        else
            problem = ts_cdecl_value_problem(a, &fs[i], &v[i]);
        if (problem)
            ts_import_decl_error(a, d,
                                 ts_arena_printf(a, "%s【%s】%s", where, fs[i].label, problem));
    }
}

/* The header rules across fields: an import 海关编号 (9th digit 1), whose
 * first four digits are the 申报地海关; declared (DDate) not before the
 * goods arrived (IEDate) — an import is declared after arrival; the
 * 消费使用单位 named by a code when it has a name. */
static void check_head_rules(struct ts_arena *a, struct ts_import_decl_in *d)
{
    const char **h = d->head, *err = NULL;
    const char *no = h[TS_IDECL_H_ENTRY_ID];
    if (strlen(no) == 18 && !ts_codes_import_entry_id_valid(no, &err))
        ts_import_decl_error(a, d, ts_arena_printf(a, "表头【海关编号】%s", err));
    if (strlen(no) == 18 && strlen(h[TS_IDECL_H_CUSTOM_MASTER]) == 4 &&
        strncmp(no, h[TS_IDECL_H_CUSTOM_MASTER], 4) != 0)
        ts_import_decl_error(
            a, d, ts_arena_printf(a, "表头【申报地海关】应与海关编号前4位（%.4s）一致", no));
    const char *dd = h[TS_IDECL_H_D_DATE], *ie = h[TS_IDECL_H_IE_DATE];
    if (strlen(dd) == 10 && strlen(ie) == 10 && strcmp(dd, ie) < 0)
        ts_import_decl_error(
            a, d,
            ts_arena_printf(a, "表头【申报日期】%s 早于进口日期 %s：进口货物应到港后申报", dd, ie));
    if (h[TS_IDECL_H_OWNER_NAME][0] && !h[TS_IDECL_H_OWNER_CODE][0] &&
        !h[TS_IDECL_H_OWNER_CODE_SCC][0])
        ts_import_decl_error(a, d, "表头【消费使用单位】有名称时应有统一社会信用代码或海关编码");
}

/* At least one line; 项号 once each. */
static void check_line_numbers(struct ts_arena *a, struct ts_import_decl_in *d)
{
    bool seen[TS_IDECL_MAX_LINES + 1] = {false};
    if (d->nlines == 0)
        ts_import_decl_error(a, d, "报关单至少应有一项表体");
    for (size_t k = 0; k < d->nlines; k++) {
        int x = atoi(d->lines[k][TS_IDECL_L_G_NO]);
        if (x < 1 || x > TS_IDECL_MAX_LINES)
            continue; /* said by check_values */
        if (seen[x])
            ts_import_decl_error(a, d, ts_arena_printf(a, "表体【项号】%d重复", x));
        seen[x] = true;
    }
}

/* Customs' form (and ts-admin's seed) before publishing: every value and
 * rule, all problems kept in order so the form lists them at once. */
bool ts_import_decl_check(struct ts_arena *a, struct ts_import_decl_in *d)
{
    check_values(a, d, ts_import_decl_head_fields, TS_IDECL_HEAD_N, d->head, "表头");
    for (size_t k = 0; k < d->nlines; k++)
        check_values(a, d, ts_import_decl_list_fields, TS_IDECL_LIST_N, d->lines[k],
                     ts_arena_printf(a, "表体第%zu行", k + 1));
    check_head_rules(a, d);
    check_line_numbers(a, d);
    return d->nerrors == 0;
}

/* The coded fields and their lists. */
static const struct {
    const char *xml;
    enum ts_reflib_list list;
} coded[] = {
    {"OwnerCustoms", TS_REFLIB_CUSTOMS_DISTRICT},
    {"DestCustoms", TS_REFLIB_CUSTOMS_DISTRICT},
    {"TradeCountry", TS_REFLIB_COUNTRY},
    {"TradeMode", TS_REFLIB_TRADE_MODE},
    {"GUnit", TS_REFLIB_UNIT},
    {"TradeCurr", TS_REFLIB_CURRENCY},
};

/* One part's coded values (already checked for form) against their lists. */
static void check_part_codes(struct ts_arena *a, struct ts_import_decl_in *d,
                             const struct ts_cdecl_field *fs, size_t n, const char **v,
                             const char *where, const struct ts_reflib_codes *codes)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof coded / sizeof coded[0]; k++) {
            const char *copy = v[i];
            if (strcmp(coded[k].xml, fs[i].xml) != 0 || !v[i][0] ||
                ts_cdecl_value_problem(a, &fs[i], &copy) ||
                ts_reflib_codes_find(codes, coded[k].list, v[i], NULL))
                continue;
            ts_import_decl_error(a, d,
                                 ts_arena_printf(a, "%s【%s】%s 不在%s代码表中", where, fs[i].label,
                                                 v[i], ts_reflib_list_label(coded[k].list)));
        }
}

/* The coded values against the code lists loaded once by the caller
 * (one load for the whole form, not one query per field). */
bool ts_import_decl_check_codes(struct ts_arena *a, struct ts_import_decl_in *d,
                                const struct ts_reflib_codes *codes)
{
    size_t before = d->nerrors;
    check_part_codes(a, d, ts_import_decl_head_fields, TS_IDECL_HEAD_N, d->head, "表头", codes);
    for (size_t k = 0; k < d->nlines; k++)
        check_part_codes(a, d, ts_import_decl_list_fields, TS_IDECL_LIST_N, d->lines[k],
                         ts_arena_printf(a, "表体第%zu行", k + 1), codes);
    return d->nerrors == before;
}

/* ---- storage ---- */

#define HEAD_COLUMNS                                                                               \
    "entry_id, custom_master, ie_port, ie_date, d_date, agent_code_scc, agent_code, agent_name,"   \
    " declarant_name, trade_co_scc, trade_code, trade_name, receiver_addr, owner_code_scc,"        \
    " owner_code, owner_name, owner_customs, trade_country, trade_mode, bill_no, dest_customs"
#define LIST_COLUMNS "g_no, code_ts, supv_class_name, g_name, g_qty, g_unit, decl_total, trade_curr"

/* The export tables' versioning over import_decl_head / import_decl_list:
 * 21 header columns and the 4 of the version; head_id and 8 line columns.
 * Every field is NOT NULL and the numbers are required, so the values go
 * in as typed ("" stays). */
static const struct ts_cdecl_storage import_storage = {
    TS_CDECL_STORAGE_SQL("import_decl_head", "import_decl_list", HEAD_COLUMNS,
                         TS_CDECL_Q10 ", " TS_CDECL_Q10 ", " TS_CDECL_Q5, LIST_COLUMNS,
                         TS_CDECL_Q5 ", ?, ?, ?, ?"),
    .head_fields = ts_import_decl_head_fields,
    .list_fields = ts_import_decl_list_fields,
    .head_n = TS_IDECL_HEAD_N,
    .list_n = TS_IDECL_LIST_N,
    .entry_id = TS_IDECL_H_ENTRY_ID,
};

/* A new version, as ts_cdecl_publish stores an export declaration's
 * (the old one stays for the records filled from it; reception compares
 * with the current one). */
int ts_import_decl_publish(struct ts_db *db, struct ts_arena *a, const struct ts_import_decl_in *d,
                           int64_t user_id, struct ts_cdecl_published *out)
{
    const char *const **lines = ts_arena_zalloc(a, (d->nlines + 1) * sizeof *lines);
    for (size_t k = 0; k < d->nlines; k++)
        lines[k] = d->lines[k];
    return ts_cdecl_store_version(db, a, &import_storage, d->head, lines, d->nlines, user_id, out);
}

/* ---- loading ---- */

#define SELECT_HEAD                                                                                \
    "SELECT h.id, h.version, h.entry_id, h.agent_code_scc, h.agent_code, h.agent_name,"            \
    " h.declarant_name, h.trade_co_scc, h.trade_code, h.trade_name, h.owner_code_scc,"             \
    " h.owner_code, h.owner_name, h.owner_customs, h.receiver_addr, h.d_date, h.ie_date,"          \
    " h.trade_country, h.custom_master, h.ie_port, h.trade_mode, h.bill_no, h.dest_customs"        \
    " FROM import_decl_head h"

/* A cell as a string, "" for NULL. */
static const char *cell(const struct ts_db_rows *r, const char *col)
{
    const char *v = ts_db_cell(r, 0, col);
    return v ? v : "";
}

/* A stored decimal without DECIMAL's trailing zeros ("2.00000" → "2"):
 * text only, never floating point. */
static const char *qty_shown(struct ts_arena *a, const char *v)
{
    const char *dot = strchr(v, '.');
    if (!dot)
        return v;
    size_t end = strlen(v);
    while (end > (size_t)(dot - v) + 1 && v[end - 1] == '0')
        end--;
    if (end == (size_t)(dot - v) + 1)
        end--;
    return ts_arena_strndup(a, v, end);
}

/* The header row (one) into out. */
static void head_from_row(const struct ts_db_rows *r, struct ts_import_decl *out)
{
    *out = (struct ts_import_decl){
        .head_id = ts_db_cell_i64(r, 0, "id"),
        .version = (int)ts_db_cell_i64(r, 0, "version"),
        .entry_id = cell(r, "entry_id"),
        .agent_scc = cell(r, "agent_code_scc"),
        .agent_code = cell(r, "agent_code"),
        .agent_name = cell(r, "agent_name"),
        .declarant_name = cell(r, "declarant_name"),
        .trade_scc = cell(r, "trade_co_scc"),
        .trade_code = cell(r, "trade_code"),
        .trade_name = cell(r, "trade_name"),
        .owner_scc = cell(r, "owner_code_scc"),
        .owner_code = cell(r, "owner_code"),
        .owner_name = cell(r, "owner_name"),
        .owner_customs = cell(r, "owner_customs"),
        .receiver_addr = cell(r, "receiver_addr"),
        .d_date = cell(r, "d_date"),
        .ie_date = cell(r, "ie_date"),
        .trade_country = cell(r, "trade_country"),
        .custom_master = cell(r, "custom_master"),
        .ie_port = cell(r, "ie_port"),
        .trade_mode = cell(r, "trade_mode"),
        .bill_no = cell(r, "bill_no"),
        .dest_customs = cell(r, "dest_customs"),
    };
}

/* The lines of the loaded head, 项号 order; -1 on a database error. */
static int load_lines(struct ts_db *db, struct ts_arena *a, struct ts_import_decl *out)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a,
                    "SELECT g_no, code_ts, supv_class_name, g_name, g_qty, g_unit, decl_total,"
                    " trade_curr FROM import_decl_list WHERE head_id = ? ORDER BY g_no",
                    TS_ARGS(TS_I64(out->head_id)), &r) < 0)
        return -1;
    out->lines = ts_arena_zalloc(a, (r.nrows ? r.nrows : 1) * sizeof *out->lines);
    out->nlines = r.nrows;
    for (size_t k = 0; k < r.nrows; k++) {
        struct ts_import_decl_line *l = &out->lines[k];
        int64_t fen = 0;
        ts_money_parse(ts_db_cell(&r, k, "decl_total"), &fen, NULL);
        *l = (struct ts_import_decl_line){
            .g_no = (int)ts_db_cell_i64(&r, k, "g_no"),
            .code_ts = ts_db_cell(&r, k, "code_ts"),
            .supv_class_name = ts_db_cell(&r, k, "supv_class_name"),
            .g_name = ts_db_cell(&r, k, "g_name"),
            .decl_total_fen = fen,
            .trade_curr = ts_db_cell(&r, k, "trade_curr"),
            .g_qty = qty_shown(a, ts_db_cell(&r, k, "g_qty")),
            .g_unit = ts_db_cell(&r, k, "g_unit"),
        };
    }
    return 0;
}

/* The head rows r (0 or 1) and then the lines: 0, 1 none, -1. */
static int load_found(struct ts_db *db, struct ts_arena *a, const struct ts_db_rows *r,
                      struct ts_import_decl *out)
{
    if (r->nrows != 1)
        return 1;
    head_from_row(r, out);
    return load_lines(db, a, out) < 0 ? -1 : 0;
}

/* 出口退货's view of an import declaration: only the current version, and
 * only for an enterprise that is its 境内收货人 or 消费使用单位 (by either
 * code), so a guessed number of another's declaration reads as missing;
 * the enterprise is joined in the same statement, one round trip. */
int ts_import_decl_load(struct ts_db *db, struct ts_arena *a, int64_t ent_id, const char *entry_id,
                        struct ts_import_decl *out)
{
    struct ts_db_rows r;
    *out = (struct ts_import_decl){0};
    if (!entry_id || strlen(entry_id) != 18)
        return 1;
    if (ts_db_query(db, a,
                    SELECT_HEAD " JOIN enterprise e ON e.id = ?"
                                " WHERE h.current_entry_id = ? AND ("
                                " (h.trade_co_scc <> '' AND h.trade_co_scc = e.uscc)"
                                " OR h.trade_code = e.customs_code"
                                " OR (h.owner_code_scc <> '' AND h.owner_code_scc = e.uscc)"
                                " OR (h.owner_code <> '' AND h.owner_code = e.customs_code))",
                    TS_ARGS(TS_I64(ent_id), TS_STR(entry_id)), &r) < 0)
        return -1;
    return load_found(db, a, &r, out);
}

/* Customs' view: the current version whoever it belongs to. */
int ts_import_decl_load_any(struct ts_db *db, struct ts_arena *a, const char *entry_id,
                            struct ts_import_decl *out)
{
    struct ts_db_rows r;
    *out = (struct ts_import_decl){0};
    if (!entry_id || strlen(entry_id) != 18)
        return 1;
    if (ts_db_query(db, a, SELECT_HEAD " WHERE h.current_entry_id = ?", TS_ARGS(TS_STR(entry_id)),
                    &r) < 0)
        return -1;
    return load_found(db, a, &r, out);
}
