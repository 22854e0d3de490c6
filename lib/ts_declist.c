/* ts_declist — the import of a 明细申请表 into the 关单清册 (see ts_declist.h). */
#include "ts_declist.h"

#include "ts_alloc.h"
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_codes.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_docs.h"
#include "ts_log.h"
#include "ts_money.h"
#include "ts_store.h"
#include "ts_xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define HEADER_SEARCH_ROWS 30 /* the header is within the first rows */
#define MAX_REASON         400

/* The columns the import reads. */
enum field {
    F_SEQ,
    F_PERIOD,
    F_LINK,
    F_INVOICE,
    F_DECL,
    F_ITEM,
    F_DATE,
    F_HS,
    F_NAME,
    F_UNIT,
    F_QTY,
    F_FOB,
    NFIELDS
};

/* Column names each field is known by in the two tables (after spaces,
 * '*' and a bracketed unit are dropped). */
static const char *const aliases[NFIELDS][6] = {
    [F_SEQ] = {"序号"},
    [F_PERIOD] = {"所属期", "申报所属期", "所属期间"},
    [F_LINK] = {"申报关联号", "关联号"},
    [F_INVOICE] = {"出口发票号", "发票号", "出口发票号码"},
    [F_DECL] = {"出口报关单号", "报关单号", "海关报关单号", "报关单号码"},
    [F_ITEM] = {"项号", "商品序号", "报关单项号", "商品项号"},
    [F_DATE] = {"出口日期"},
    [F_HS] = {"出口商品代码", "商品代码", "商品编码", "出口商品编码", "商品编号"},
    [F_NAME] = {"出口商品名称", "商品名称"},
    [F_UNIT] = {"计量单位", "单位"},
    [F_QTY] = {"出口数量", "数量"},
    [F_FOB] = {"美元离岸价", "离岸价美元", "美元离岸价格"},
};

static const char *const field_label[NFIELDS] = {
    "序号",     "所属期",   "申报关联号", "出口发票号", "报关单号", "商品序号",
    "出口日期", "商品代码", "商品名称",   "计量单位",   "数量",     "美元离岸价",
};

/* Columns only the 生产企业 table has. */
static const char *const production_marks[] = {
    "人民币离岸价",       "原币离岸价", "原币代码", "征税率", "退税率", "出口销售额乘征退税率之差",
    "出口销售额乘退税率", NULL};

/* Required columns by table. */
static const enum field required_trading[] = {F_DECL, F_LINK, F_DATE, F_HS, F_FOB};
static const enum field required_production[] = {F_DECL, F_DATE, F_HS, F_FOB};

/* on_row's stop when a probe has seen what it needs (not an error). */
#define SEEN_ENOUGH 2

#define NO_PERIOD "表中没有所属期，请填写所属期"

/* One data row as read: the cells as uploaded, and what was made of them. */
struct line {
    size_t row;
    const char **cells;
    size_t ncells;
    const char *reason; /* NULL: good */
    char decl_no[19];
    char date[11];
    char period[7];
    const char *link_no, *hs, *name, *unit, *invoice, *qty;
    int64_t item_no, fob;
};

/* The state of one read of the sheet. */
struct reader {
    struct ts_arena *a;
    bool keep;                /* keep the rows (import), or only look (probe) */
    size_t probe_rows;        /* probe: stop after this many data rows (0: read all) */
    const char *period;       /* the form's 所属期, "" when not given */
    struct ts_xlsx_book book; /* the workbook's date system */
    bool have_header;
    int col[NFIELDS];
    enum ts_declist_kind kind;
    const char **header;
    size_t nheader;
    struct line *lines;
    size_t nlines, cap;
    size_t data_rows;
    char first_period[7];
    char err[300];
};

const char *ts_declist_kind_name(enum ts_declist_kind kind)
{
    return kind == TS_DECLIST_PRODUCTION ? "production" : "trading";
}

const char *ts_declist_kind_label(const char *kind_name)
{
    return strcmp(kind_name, "production") == 0 ? "生产企业出口货物劳务免抵退税申请明细表"
                                                : "外贸企业出口退税出口明细申请表";
}

/* ---- dates -------------------------------------------------------- */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool ts_declist_add_days(const char *date, int days, char out[11])
{
    int y, m, d;
    if (!ts_codes_date_parse(date, &y, &m, &d, NULL))
        return false;
    ts_codes_civil_from_days(ts_codes_days_from_civil(y, m, d) + days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

bool ts_declist_add_years(const char *date, int years, char out[11])
{
    int y, m, d;
    if (!ts_codes_date_parse(date, &y, &m, &d, NULL))
        return false;
    y += years;
    if (m == 2 && d == 29 && !leap(y))
        d = 28;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

bool ts_declist_filing_dates(const char *declared_on, int years, char due[11], char retention[11])
{
    return ts_declist_add_days(declared_on, TS_DECLIST_DUE_DAYS, due) &&
           ts_declist_add_years(declared_on, years, retention);
}

/* ---- the header --------------------------------------------------- */

/* A header cell as compared: no spaces (ASCII, full-width, newlines), no
 * '*', no bracketed part ("美元离岸价(美元)", "数量（吨）"). */
static const char *header_key(struct ts_arena *a, const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = ts_arena_alloc(a, n + 1);
    int depth = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(s + i, "（", 3) == 0 || s[i] == '(') {
            depth++;
            i += s[i] == '(' ? 1 : 3;
        } else if (strncmp(s + i, "）", 3) == 0 || s[i] == ')') {
            depth -= depth > 0;
            i += s[i] == ')' ? 1 : 3;
        } else if (strncmp(s + i, "　", 3) == 0) {
            i += 3;
        } else if (s[i] == ' ' || s[i] == '*' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
            i++;
        } else {
            if (!depth)
                out[k++] = s[i];
            i++;
        }
    }
    out[k] = '\0';
    return out;
}

static int field_of(const char *key)
{
    for (int f = 0; f < NFIELDS; f++)
        for (size_t i = 0; i < 6 && aliases[f][i]; i++)
            if (strcmp(key, aliases[f][i]) == 0)
                return f;
    return -1;
}

static bool production_mark(const char *key)
{
    for (size_t i = 0; production_marks[i]; i++)
        if (strcmp(key, production_marks[i]) == 0)
            return true;
    return false;
}

/* Is this row the header?  It is when it names 报关单号 and two more of the
 * known columns.  Sets rd->col, kind and the header cells. */
static bool try_header(struct reader *rd, const char *const *cells, size_t n)
{
    int col[NFIELDS], known = 0;
    bool production = false;
    for (int f = 0; f < NFIELDS; f++)
        col[f] = -1;
    for (size_t i = 0; i < n; i++) {
        const char *key = header_key(rd->a, cells[i]);
        int f = field_of(key);
        if (f >= 0 && col[f] < 0) {
            col[f] = (int)i;
            known++;
        }
        production |= production_mark(key);
    }
    if (col[F_DECL] < 0 || known < 3)
        return false;
    memcpy(rd->col, col, sizeof col);
    rd->kind = production ? TS_DECLIST_PRODUCTION : TS_DECLIST_TRADING;
    rd->header = ts_arena_zalloc(rd->a, (n + 1) * sizeof *rd->header);
    for (size_t i = 0; i < n; i++)
        rd->header[i] = ts_arena_strdup(rd->a, cells[i]);
    rd->nheader = n;
    rd->have_header = true;
    return true;
}

/* The required columns the header lacks, as "报关单号、出口日期"; "" if none. */
static const char *missing_columns(struct reader *rd, const int *col)
{
    const enum field *req =
        rd->kind == TS_DECLIST_PRODUCTION ? required_production : required_trading;
    size_t nreq = rd->kind == TS_DECLIST_PRODUCTION
                      ? sizeof required_production / sizeof *required_production
                      : sizeof required_trading / sizeof *required_trading;
    const char *out = "";
    for (size_t i = 0; i < nreq; i++)
        if (col[req[i]] < 0)
            out = ts_arena_printf(rd->a, "%s%s%s", out, out[0] ? "、" : "", field_label[req[i]]);
    return out;
}

/* The header of a row without 报关单号 that still names known columns
 * (so the message can say which required ones are missing). */
static bool header_without_decl(struct reader *rd, const char *const *cells, size_t n)
{
    int col[NFIELDS], known = 0;
    for (int f = 0; f < NFIELDS; f++)
        col[f] = -1;
    for (size_t i = 0; i < n; i++) {
        int f = field_of(header_key(rd->a, cells[i]));
        if (f >= 0 && col[f] < 0) {
            col[f] = (int)i;
            known++;
        }
    }
    if (known < 3)
        return false;
    rd->kind = TS_DECLIST_TRADING;
    snprintf(rd->err, sizeof rd->err, "缺少必需的列：%s", missing_columns(rd, col));
    return true;
}

/* ---- a data row ---------------------------------------------------- */

static const char *cell(const struct reader *rd, const char *const *cells, size_t n, enum field f)
{
    int i = rd->col[f];
    return i >= 0 && (size_t)i < n ? cells[i] : "";
}

/* s without leading and trailing ASCII spaces (a copy). */
static const char *trim(struct ts_arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return ts_arena_strndup(a, s, n);
}

/* A whole number as a spreadsheet writes it: "12", "12.0".  -1 if not. */
static int64_t whole_number(const char *s)
{
    int64_t v = 0;
    size_t i = 0;
    if (!s[0])
        return -1;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > 100000000)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0)
        return -1;
    if (s[i] == '.')
        for (i++; s[i] == '0'; i++)
            ;
    return s[i] ? -1 : v;
}

/* 出口日期 as YYYY-MM-DD from YYYY-MM-DD, YYYYMMDD or an Excel serial day
 * of the workbook's date system (1900, or 1904: workbookPr date1904). */
static bool parse_date(const char *s, bool date1904, char out[11])
{
    size_t n = strlen(s);
    if (n == 10 && ts_codes_date_valid(s, NULL)) {
        memcpy(out, s, 11);
        return true;
    }
    if (n == 8 && whole_number(s) >= 0) {
        snprintf(out, 11, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
        return ts_codes_date_valid(out, NULL);
    }
    if (n >= 1 && n <= 12 && ts_xlsx_serial_date(s, date1904, out) == 0)
        return ts_codes_date_valid(out, NULL);
    return false;
}

/* 数量 as DECIMAL(18,4) text, rounded half-up at 4 decimals; NULL if not a
 * number (no float: the digits are rounded as text via ts_money at 1/100
 * of a ten-thousandth... kept simple: integer part and 4 decimals). */
static const char *parse_qty(struct ts_arena *a, const char *s)
{
    int64_t ip = 0, frac = 0;
    size_t i = 0, nd = 0;
    bool neg = s[0] == '-';
    if (neg)
        i++;
    size_t start = i;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (ip > INT64_C(99999999999999))
            return NULL;
        ip = ip * 10 + (s[i] - '0');
    }
    if (i == start)
        return NULL;
    if (s[i] == '.') {
        for (i++; s[i] >= '0' && s[i] <= '9'; i++, nd++) {
            if (nd < 4)
                frac = frac * 10 + (s[i] - '0');
            else if (nd == 4 && s[i] >= '5')
                frac++;
        }
    }
    if (s[i])
        return NULL;
    for (; nd < 4; nd++)
        frac *= 10;
    if (frac >= 10000) {
        ip++;
        frac -= 10000;
    }
    return ts_arena_printf(a, "%s%lld.%04lld", neg ? "-" : "", (long long)ip, (long long)frac);
}

/* Add a reason to the row's reasons ("；" between). */
static void add_reason(struct ts_arena *a, struct line *ln, const char *why)
{
    ln->reason = ln->reason ? ts_arena_printf(a, "%s；%s", ln->reason, why) : why;
}

/* A text column that must fit its database column (max characters). */
static const char *text_field(struct reader *rd, struct line *ln, const char *s, size_t max,
                              const char *label)
{
    if (ts_codes_utf8_chars(s) > max) {
        add_reason(rd->a, ln, ts_arena_printf(rd->a, "%s超过%zu个字", label, max));
        return NULL;
    }
    return s[0] ? s : NULL;
}

static void check_codes(struct reader *rd, struct line *ln, const char *decl, const char *hs)
{
    const char *e;
    if (!decl[0])
        add_reason(rd->a, ln, "报关单号不能为空");
    else if (!ts_codes_decl_no_valid(decl, &e))
        add_reason(rd->a, ln, "报关单号应为18位数字");
    else
        memcpy(ln->decl_no, decl, 19);
    if (!hs[0])
        add_reason(rd->a, ln, "商品代码不能为空");
    else if (!ts_codes_hs_valid(hs, &e))
        add_reason(rd->a, ln, "商品代码应为10位数字");
    else
        ln->hs = hs;
}

static void check_amounts(struct reader *rd, struct line *ln, const char *date, const char *fob,
                          const char *qty)
{
    const char *e;
    if (!date[0])
        add_reason(rd->a, ln, "出口日期不能为空");
    else if (!parse_date(date, rd->book.date1904, ln->date))
        add_reason(rd->a, ln, "出口日期格式不正确（应为YYYY-MM-DD或YYYYMMDD）");
    if (!fob[0])
        add_reason(rd->a, ln, "美元离岸价不能为空");
    else if (!ts_money_parse_round(fob, &ln->fob, &e))
        add_reason(rd->a, ln, "美元离岸价不是有效金额");
    if (qty[0] && !(ln->qty = parse_qty(rd->a, qty)))
        add_reason(rd->a, ln, "数量不是有效数字");
}

/* 所属期 of the row: its cell, else the form's. */
static void check_period(struct reader *rd, struct line *ln, const char *p)
{
    if (!p[0])
        p = rd->period;
    if (!p[0])
        add_reason(rd->a, ln, "所属期为空（表中没有所属期时请在上传时填写所属期）");
    else if (!ts_codes_period_valid(p, NULL))
        add_reason(rd->a, ln, "所属期应为YYYYMM");
    else
        memcpy(ln->period, p, 7);
}

/* 申报关联号 and 商品序号.  The 生产企业 table may have no 关联号: the
 * 报关单号 stands for it; without 项号 the 序号 is the 商品序号. */
static void check_keys(struct reader *rd, struct line *ln, const char *link, const char *item,
                       const char *seq)
{
    if (!link[0] && rd->kind == TS_DECLIST_PRODUCTION)
        link = ln->decl_no;
    if (!link[0])
        add_reason(rd->a, ln, "申报关联号不能为空");
    else
        ln->link_no = text_field(rd, ln, link, 30, "申报关联号");
    const char *src = item[0] ? item : seq;
    ln->item_no = whole_number(src);
    if (ln->item_no < 0 || ln->item_no > 2147483647) {
        ln->item_no = (int64_t)ln->row;
        if (src[0])
            add_reason(rd->a, ln, "商品序号应为整数");
    }
}

static struct line *new_line(struct reader *rd)
{
    if (rd->nlines == rd->cap) {
        size_t cap = rd->cap ? rd->cap * 2 : 1024;
        struct line *n = ts_arena_alloc(rd->a, cap * sizeof *n);
        if (rd->nlines)
            memcpy(n, rd->lines, rd->nlines * sizeof *n);
        rd->lines = n;
        rd->cap = cap;
    }
    struct line *ln = &rd->lines[rd->nlines++];
    memset(ln, 0, sizeof *ln);
    return ln;
}

/* Check one data row and keep it (with its reasons, if any). */
static void read_line(struct reader *rd, size_t row, const char *const *cells, size_t n)
{
    struct line *ln = new_line(rd);
    struct ts_arena *a = rd->a;
    ln->row = row;
    ln->ncells = n;
    ln->cells = ts_arena_zalloc(a, (n + 1) * sizeof *ln->cells);
    for (size_t i = 0; i < n; i++)
        ln->cells[i] = ts_arena_strdup(a, cells[i]);
    check_codes(rd, ln, trim(a, cell(rd, cells, n, F_DECL)), trim(a, cell(rd, cells, n, F_HS)));
    check_amounts(rd, ln, trim(a, cell(rd, cells, n, F_DATE)), trim(a, cell(rd, cells, n, F_FOB)),
                  trim(a, cell(rd, cells, n, F_QTY)));
    check_period(rd, ln, trim(a, cell(rd, cells, n, F_PERIOD)));
    check_keys(rd, ln, trim(a, cell(rd, cells, n, F_LINK)), trim(a, cell(rd, cells, n, F_ITEM)),
               trim(a, cell(rd, cells, n, F_SEQ)));
    ln->name = text_field(rd, ln, trim(a, cell(rd, cells, n, F_NAME)), 200, "商品名称");
    ln->unit = text_field(rd, ln, trim(a, cell(rd, cells, n, F_UNIT)), 20, "计量单位");
    ln->invoice = text_field(rd, ln, trim(a, cell(rd, cells, n, F_INVOICE)), 30, "出口发票号");
}

/* ts_xlsx_read's callback: the header first, then the data rows. */
static int on_row(void *ctx, size_t row, const char *const *cells, size_t n)
{
    struct reader *rd = ctx;
    if (!rd->have_header) {
        if (try_header(rd, cells, n)) {
            const char *miss = missing_columns(rd, rd->col);
            if (miss[0]) {
                snprintf(rd->err, sizeof rd->err, "缺少必需的列：%s", miss);
                return 1;
            }
            return 0;
        }
        if (header_without_decl(rd, cells, n))
            return 1;
        if (row >= HEADER_SEARCH_ROWS) {
            snprintf(rd->err, sizeof rd->err,
                     "未找到表头：请上传外贸企业出口退税出口明细申请表或生产企业出口货物劳务免抵退"
                     "税申请明细表");
            return 1;
        }
        return 0;
    }
    rd->data_rows++;
    if (!rd->first_period[0]) {
        const char *p = trim(rd->a, cell(rd, cells, n, F_PERIOD));
        if (ts_codes_period_valid(p, NULL))
            memcpy(rd->first_period, p, 7);
    }
    if (rd->keep)
        read_line(rd, row, cells, n);
    else if (rd->probe_rows && (rd->first_period[0] || rd->data_rows >= rd->probe_rows))
        return SEEN_ENOUGH;
    return 0;
}

/* Read the sheet (all of it, or as far as a probe needs); -1 with
 * rd->err when refused.  A sheet without any 所属期 is refused only when
 * the form gave none either and the whole sheet was read. */
static int read_sheet(struct reader *rd, const char *path)
{
    const char *err = NULL;
    for (int f = 0; f < NFIELDS; f++)
        rd->col[f] = -1;
    int rc = ts_xlsx_read(path, NULL, on_row, rd, &rd->book, &err);
    if (rc == SEEN_ENOUGH)
        return 0;
    if (rc < 0)
        snprintf(rd->err, sizeof rd->err, "%s", err ? err : "文件不是有效的xlsx文件");
    else if (rc == 0 && !rd->have_header)
        snprintf(rd->err, sizeof rd->err,
                 "未找到表头：请上传外贸企业出口退税出口明细申请表或生产企业出口货物劳务免抵退税申"
                 "请明细表");
    else if (rc == 0 && rd->data_rows == 0)
        snprintf(rd->err, sizeof rd->err, "表中没有数据行");
    else if (rc == 0 && !rd->period[0] && !rd->first_period[0])
        snprintf(rd->err, sizeof rd->err, "%s", NO_PERIOD);
    else if (rc == 0)
        return 0;
    return -1;
}

int ts_declist_probe(const char *path, const char *form_period, size_t max_rows,
                     struct ts_declist_probe *out, char *err, size_t errlen)
{
    struct reader rd = {.a = ts_arena_new(64 * 1024),
                        .keep = false,
                        .probe_rows = max_rows,
                        .period = form_period ? form_period : ""};
    int rc = read_sheet(&rd, path);
    if (rc < 0)
        snprintf(err, errlen, "%s", rd.err);
    out->kind = rd.kind;
    out->data_rows = rd.data_rows;
    memcpy(out->period, rd.first_period, 7);
    ts_arena_free(rd.a);
    return rc;
}

/* ---- duplicates within the file ------------------------------------ */

static int cmp_key(const void *x, const void *y)
{
    const struct line *a = *(const struct line *const *)x, *b = *(const struct line *const *)y;
    int c = strcmp(a->decl_no, b->decl_no);
    if (!c)
        c = strcmp(a->link_no, b->link_no);
    if (!c)
        c = a->item_no < b->item_no ? -1 : a->item_no > b->item_no;
    if (!c)
        c = a->row < b->row ? -1 : a->row > b->row;
    return c;
}

/* A 申报关联号 + 商品序号 of a declaration that an earlier row of the file
 * has: the later row is an error. */
static void mark_duplicates(struct reader *rd)
{
    struct line **v = ts_arena_alloc(rd->a, (rd->nlines + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < rd->nlines; i++)
        if (!rd->lines[i].reason)
            v[n++] = &rd->lines[i];
    qsort(v, n, sizeof *v, cmp_key);
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i]->decl_no, v[i - 1]->decl_no) == 0 &&
            strcmp(v[i]->link_no, v[i - 1]->link_no) == 0 && v[i]->item_no == v[i - 1]->item_no)
            v[i]->reason = ts_arena_printf(rd->a, "申报关联号%s的商品序号%lld重复（同第%zu行）",
                                           v[i]->link_no, (long long)v[i]->item_no, v[i - 1]->row);
}

/* ---- writing the 关单清册 ------------------------------------------- */

/* How the 关单清册 is written (performance; the result is the same as one
 * INSERT per declaration and line, one UPDATE of the sums per line):
 *
 * - the declarations are gathered in memory first (a hash by 报关单号, in
 *   the order the file first names them, with the sums of their good
 *   lines), and each 所属期's period_filing made as the file needs it;
 * - then the declarations go in BATCH at a time, with their sums, and the
 *   lines BATCH at a time.  ts_db binds at most 64 arguments, so a batch
 *   travels as ONE argument: a JSON array that the server unpacks with
 *   JSON_TABLE.  The SQL text is a fixed literal; data is only ever in the
 *   bound JSON (built by json_str, which escapes every string);
 * - a batch of lines the server refuses (a line already in the 关单清册 from
 *   an earlier upload, or any other statement error) is written again line
 *   by line, as before, so a duplicate becomes a bad row and its amount is
 *   taken off its declaration's sums, and a failure names its row.  Errors
 *   that roll the whole transaction back (deadlock, lock wait timeout, a lost
 *   connection) fail the import at once. */
#define BATCH 500

/* A declaration of the file: the values of its first good line, the sums of
 * its good lines. */
struct decl {
    const struct line *first;
    int64_t filing_id;
    int64_t fob;
    int64_t lines;
};

/* A 所属期's period_filing. */
struct filing {
    char period[7];
    int64_t id;
};

struct importer {
    struct ts_db *db;
    struct ts_arena *a;
    int64_t upload_id, ent_id;
    int64_t user_id; /* who uploaded the file: the audit's user */
    char today[11];
    char period[7]; /* the 所属期 of the last declaration started (the upload's) */
    int years;      /* 保存期限 years; 0 until read */
    struct filing *filings;
    size_t nfilings, capfilings;
    struct decl *decls; /* in the order the file first names them */
    size_t ndecls;
    struct decl **slots; /* hash by 报关单号 */
    size_t nslots;
    struct decl **line_decl; /* each line's declaration (NULL: bad line) */
    size_t decls_done;       /* decls[0, decls_done) are written */
    size_t ok, bad;
    const char *reason; /* why the import failed, for the page; NULL: generic */
};

/* 保存期限 years from retention_rule by the 申报日期: the rule in force on
 * that date (design.md "Rules change with time").  The table is the only
 * source of the rule, so a date no rule covers fails the import with
 * im->reason saying so (no years guessed in code).  -1 on that or a
 * database error. */
static int retention_years(struct importer *im)
{
    struct ts_db_rows r;
    if (ts_db_query(im->db, im->a,
                    "SELECT years FROM retention_rule WHERE effective_from <= ?"
                    " ORDER BY effective_from DESC LIMIT 1",
                    TS_ARGS(TS_STR(im->today)), &r) < 0)
        return -1;
    if (r.nrows != 1) {
        ts_log_error("declist: no retention_rule in force on %s", im->today);
        im->reason = ts_arena_printf(im->a,
                                     "没有适用于申报日期%s的单证保存期限规则，无法计算保存期限，"
                                     "本次导入已全部撤销。请联系管理员",
                                     im->today);
        return -1;
    }
    return (int)ts_db_cell_i64(&r, 0, "years");
}

/* The period_filing id of the 所属期 (created when new).  -1 on error. */
static int64_t filing_for(struct importer *im, const char *period)
{
    struct ts_db_result res;
    char due[11], keep[11];
    for (size_t i = 0; i < im->nfilings; i++)
        if (strcmp(im->filings[i].period, period) == 0)
            return im->filings[i].id;
    if (!im->years && (im->years = retention_years(im)) < 0) {
        im->years = 0;
        return -1;
    }
    if (!ts_declist_filing_dates(im->today, im->years, due, keep))
        return -1;
    if (ts_db_exec(im->db,
                   "INSERT INTO period_filing (ent_id, period, declared_on, due_date,"
                   " retention_until, upload_id) VALUES (?, ?, ?, ?, ?, ?)"
                   " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
                   TS_ARGS(TS_I64(im->ent_id), TS_STR(period), TS_STR(im->today), TS_STR(due),
                           TS_STR(keep), TS_I64(im->upload_id)),
                   &res) < 0)
        return -1;
    if (im->nfilings == im->capfilings) {
        size_t cap = im->capfilings ? im->capfilings * 2 : 16;
        struct filing *n = ts_arena_alloc(im->a, cap * sizeof *n);
        if (im->nfilings)
            memcpy(n, im->filings, im->nfilings * sizeof *n);
        im->filings = n;
        im->capfilings = cap;
    }
    struct filing *f = &im->filings[im->nfilings++];
    memcpy(f->period, period, 7);
    f->id = (int64_t)res.insert_id;
    return f->id;
}

/* The declaration of 报关单号 no in the hash, or the empty slot for it. */
static struct decl **decl_slot(struct importer *im, const char *no)
{
    uint64_t h = 1469598103934665603u;
    for (const char *p = no; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    size_t i = (size_t)h & (im->nslots - 1);
    while (im->slots[i] && strcmp(im->slots[i]->first->decl_no, no) != 0)
        i = (i + 1) & (im->nslots - 1);
    return &im->slots[i];
}

/* The declarations of the good lines with their sums, and the period_filing
 * of each 所属期 that starts a declaration's run of lines (in file order, as
 * one write per line made them).  -1 with im->reason naming the row. */
static int gather_decls(struct importer *im, struct reader *rd)
{
    size_t n = rd->nlines;
    im->nslots = 1024;
    while (im->nslots < 2 * n)
        im->nslots *= 2;
    im->slots = ts_arena_zalloc(im->a, im->nslots * sizeof *im->slots);
    im->decls = ts_arena_alloc(im->a, (n + 1) * sizeof *im->decls);
    im->line_decl = ts_arena_zalloc(im->a, (n + 1) * sizeof *im->line_decl);
    struct decl *cur = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct line *ln = &rd->lines[i];
        if (ln->reason)
            continue;
        if (!cur || strcmp(cur->first->decl_no, ln->decl_no) != 0) {
            int64_t filing = filing_for(im, ln->period);
            if (filing < 0) {
                if (!im->reason)
                    im->reason = ts_arena_printf(im->a,
                                                 "第%zu行写入关单清册失败，本次导入已全部撤销，"
                                                 "关单清册中没有该文件的任何数据。请稍后重新上传",
                                                 ln->row);
                return -1;
            }
            memcpy(im->period, ln->period, 7);
            struct decl **slot = decl_slot(im, ln->decl_no);
            if (!*slot) {
                struct decl *d = &im->decls[im->ndecls++];
                *d = (struct decl){.first = ln, .filing_id = filing};
                *slot = d;
            }
            cur = *slot;
        }
        cur->fob += ln->fob;
        cur->lines++;
        im->line_decl[i] = cur;
    }
    return 0;
}

/* s as a JSON string. */
static void json_str(struct ts_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    ts_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ts_buf_addc(b, '\\');
            ts_buf_addc(b, (char)*p);
        } else if (*p < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            ts_buf_add(b, u, sizeof u);
        } else {
            ts_buf_addc(b, (char)*p);
        }
    }
    ts_buf_addc(b, '"');
}

/* A JSON array's next value: a string, or null for NULL. */
static void json_val(struct ts_buf *b, const char *v)
{
    ts_buf_addc(b, ',');
    if (v)
        json_str(b, v);
    else
        ts_buf_adds(b, "null");
}

static void json_int(struct ts_buf *b, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, ",%lld", (long long)v);
    ts_buf_add(b, num, (size_t)n);
}

/* Errors after which nothing more may run in the transaction: the server
 * rolled it back (deadlock, lock wait timeout) or the connection is gone
 * (client errors are 2000 and up). */
static bool tx_lost(unsigned err)
{
    return err == TS_DB_ER_LOCK_DEADLOCK || err == 1205 || err >= 2000;
}

/* Declarations [from, to) with their sums in one statement; a declaration
 * already in the 关单清册 keeps its values and gets the sums added. */
static int insert_decls(struct importer *im, size_t from, size_t to, struct ts_buf *json)
{
    ts_buf_reset(json);
    ts_buf_addc(json, '[');
    for (size_t k = from; k < to; k++) {
        const struct decl *d = &im->decls[k];
        char fob[TS_MONEY_BUF];
        ts_money_format(d->fob, fob, sizeof fob);
        ts_buf_adds(json, k > from ? ",[" : "[");
        json_str(json, d->first->decl_no);
        json_val(json, d->first->period);
        json_int(json, d->filing_id);
        json_val(json, d->first->date);
        json_val(json, fob);
        json_int(json, d->lines);
        ts_buf_addc(json, ']');
    }
    ts_buf_addc(json, ']');
    return ts_db_exec(im->db,
                      "INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id,"
                      " export_date, upload_id, fob_usd, line_count)"
                      " SELECT ?, j.d_no, j.d_period, j.d_filing, j.d_date, ?, j.d_fob, j.d_lines"
                      " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
                      "   d_no VARCHAR(18) PATH '$[0]', d_period VARCHAR(6) PATH '$[1]',"
                      "   d_filing BIGINT PATH '$[2]', d_date VARCHAR(10) PATH '$[3]',"
                      "   d_fob VARCHAR(32) PATH '$[4]', d_lines BIGINT PATH '$[5]')) AS j"
                      " ON DUPLICATE KEY UPDATE"
                      " fob_usd = customs_decl.fob_usd + VALUES(fob_usd),"
                      " line_count = customs_decl.line_count + VALUES(line_count)",
                      TS_ARGS(TS_I64(im->ent_id), TS_I64(im->upload_id), TS_STR(ts_buf_cstr(json))),
                      NULL);
}

/* The declarations not written yet up to decls[upto - 1], BATCH at a time;
 * a batch refused is written again one declaration at a time to name the
 * row that fails. */
static int write_decls(struct importer *im, size_t upto, struct ts_buf *json)
{
    for (size_t from = im->decls_done; from < upto; from += BATCH) {
        size_t to = from + BATCH < upto ? from + BATCH : upto;
        if (insert_decls(im, from, to, json) == 0)
            continue;
        size_t k = from;
        if (!tx_lost(ts_db_errno(im->db)))
            while (k < to && insert_decls(im, k, k + 1, json) == 0)
                k++;
        im->reason = ts_arena_printf(im->a,
                                     "第%zu行写入关单清册失败，本次导入已全部撤销，"
                                     "关单清册中没有该文件的任何数据。请稍后重新上传",
                                     im->decls[k < to ? k : from].first->row);
        return -1;
    }
    im->decls_done = upto > im->decls_done ? upto : im->decls_done;
    return 0;
}

/* The good lines among lines [from, to) (or just line `one` when it is not
 * SIZE_MAX) in one statement; *n gets how many were sent. */
static int insert_lines(struct importer *im, struct reader *rd, size_t from, size_t to,
                        struct ts_buf *json, size_t *n, struct ts_db_result *res)
{
    *n = 0;
    ts_buf_reset(json);
    ts_buf_addc(json, '[');
    for (size_t i = from; i < to; i++) {
        const struct line *ln = &rd->lines[i];
        if (ln->reason)
            continue;
        char fob[TS_MONEY_BUF];
        ts_money_format(ln->fob, fob, sizeof fob);
        ts_buf_adds(json, (*n)++ ? ",[" : "[");
        json_str(json, ln->decl_no);
        json_val(json, ln->link_no);
        json_int(json, ln->item_no);
        json_val(json, ln->hs);
        json_val(json, ln->name);
        json_val(json, ln->unit);
        json_val(json, ln->qty);
        json_val(json, fob);
        json_val(json, ln->invoice);
        json_int(json, (int64_t)ln->row);
        ts_buf_addc(json, ']');
    }
    ts_buf_addc(json, ']');
    if (!*n)
        return 0;
    return ts_db_exec(im->db,
                      "INSERT INTO customs_decl_line (ent_id, decl_id, link_no, item_no, hs_code,"
                      " goods_name, unit, quantity, fob_usd, invoice_no, source_row)"
                      " SELECT d.ent_id, d.id, j.l_link, j.l_item, j.l_hs, j.l_name, j.l_unit,"
                      " j.l_qty, j.l_fob, j.l_invoice, j.l_row"
                      " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
                      "   l_ord FOR ORDINALITY, l_decl VARCHAR(18) PATH '$[0]',"
                      "   l_link VARCHAR(30) PATH '$[1]', l_item BIGINT PATH '$[2]',"
                      "   l_hs VARCHAR(10) PATH '$[3]', l_name VARCHAR(200) PATH '$[4]',"
                      "   l_unit VARCHAR(20) PATH '$[5]', l_qty VARCHAR(32) PATH '$[6]',"
                      "   l_fob VARCHAR(32) PATH '$[7]', l_invoice VARCHAR(30) PATH '$[8]',"
                      "   l_row BIGINT PATH '$[9]')) AS j"
                      " JOIN customs_decl d ON d.ent_id = ?"
                      " AND d.decl_no = CONVERT(j.l_decl USING ascii)"
                      " ORDER BY j.l_ord",
                      TS_ARGS(TS_STR(ts_buf_cstr(json)), TS_I64(im->ent_id)), res);
}

/* A line the 关单清册 already has (an earlier upload): a bad row, and its
 * amount off its declaration's sums. */
static int line_duplicate(struct importer *im, struct line *ln)
{
    char fob[TS_MONEY_BUF];
    ts_money_format(ln->fob, fob, sizeof fob);
    ln->reason = ts_arena_printf(im->a, "申报关联号%s的商品序号%lld已在关单清册中", ln->link_no,
                                 (long long)ln->item_no);
    im->bad++;
    return ts_db_exec(im->db,
                      "UPDATE customs_decl SET fob_usd = fob_usd - CAST(? AS DECIMAL(18,2)),"
                      " line_count = line_count - 1 WHERE ent_id = ? AND decl_no = ?",
                      TS_ARGS(TS_STR(fob), TS_I64(im->ent_id), TS_STR(ln->decl_no)), NULL);
}

/* Lines [from, to) one at a time (a batch was refused).  -1 with the index
 * of the line that failed in *failed. */
static int write_lines_one_by_one(struct importer *im, struct reader *rd, size_t from, size_t to,
                                  struct ts_buf *json, size_t *failed)
{
    struct ts_db_result res;
    size_t n;
    for (size_t i = from; i < to; i++) {
        struct line *ln = &rd->lines[i];
        if (ln->reason)
            continue;
        *failed = i;
        if (insert_lines(im, rd, i, i + 1, json, &n, &res) == 0) {
            if (res.affected != 1)
                return -1;
            im->ok++;
        } else if (ts_db_errno(im->db) != TS_DB_ER_DUP_ENTRY || line_duplicate(im, ln) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Lines [from, to): one statement, or line by line when it is refused.
 * -1 with *failed the index of a line to name. */
static int write_chunk(struct importer *im, struct reader *rd, size_t from, size_t to,
                       struct ts_buf *json, size_t *failed)
{
    struct ts_db_result res;
    size_t n;
    *failed = from;
    for (size_t i = from; i < to; i++)
        if (!rd->lines[i].reason) {
            *failed = i;
            break;
        }
    if (insert_lines(im, rd, from, to, json, &n, &res) == 0) {
        if (n && res.affected != n)
            return -1;
        im->ok += n;
        return 0;
    }
    if (tx_lost(ts_db_errno(im->db)))
        return -1;
    return write_lines_one_by_one(im, rd, from, to, json, failed);
}

/* Every good line, in the caller's transaction; progress every
 * TS_DECLIST_PROGRESS rows.  -1 with im->reason naming the row when a
 * write fails; TS_DECLIST_STOPPED when progress says stop. */
static int write_lines(struct importer *im, struct reader *rd, ts_declist_progress_fn progress,
                       void *ctx)
{
    size_t total = rd->nlines, failed = 0;
    struct ts_buf json = {0};
    int rc = 0;
    if (gather_decls(im, rd) < 0)
        return -1;
    /* chunks end on multiples of TS_DECLIST_PROGRESS, where progress is
     * told; each chunk's new declarations are written just before it (as
     * one write per line did: a declaration another session holds stops the
     * import at its first line, with the progress before it reported) */
    for (size_t from = 0; from < total && rc == 0;) {
        size_t to = from + BATCH < total ? from + BATCH : total, upto = im->decls_done;
        if (to / TS_DECLIST_PROGRESS > from / TS_DECLIST_PROGRESS)
            to = to / TS_DECLIST_PROGRESS * TS_DECLIST_PROGRESS;
        for (size_t i = from; i < to; i++)
            if (im->line_decl[i] && (size_t)(im->line_decl[i] - im->decls) >= upto)
                upto = (size_t)(im->line_decl[i] - im->decls) + 1;
        if (write_decls(im, upto, &json) < 0) {
            rc = -1;
        } else if (write_chunk(im, rd, from, to, &json, &failed) < 0) {
            im->reason = ts_arena_printf(im->a,
                                         "第%zu行写入关单清册失败，本次导入已全部撤销，"
                                         "关单清册中没有该文件的任何数据。请稍后重新上传",
                                         rd->lines[failed].row);
            rc = -1;
        } else if (progress && to % TS_DECLIST_PROGRESS == 0 && to < total &&
                   progress(ctx, (int64_t)to, (int64_t)total) != 0) {
            rc = TS_DECLIST_STOPPED;
        }
        from = to;
    }
    ts_buf_free(&json);
    if (rc == 0 && progress && progress(ctx, (int64_t)total, (int64_t)total) != 0)
        return TS_DECLIST_STOPPED;
    return rc;
}

/* ---- the errors xlsx ------------------------------------------------ */

/* The bad rows as uploaded, with 原表行号 and 错误原因 after them, into a
 * temp file then the store.  sha gets its sha256. */
static int write_errors(struct importer *im, struct reader *rd, char sha[65])
{
    const char *tmpdir = ts_config_str("tmp.dir", "/tmp");
    char *path = ts_arena_printf(im->a, "%s/declist-errors-XXXXXX", tmpdir);
    int fd = mkstemp(path);
    if (fd < 0) {
        ts_log_error("declist: mkstemp in %s failed", tmpdir);
        return -1;
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "错误明细") : NULL;
    if (!ws) {
        unlink(path);
        return -1;
    }
    size_t nc = rd->nheader;
    for (size_t i = 0; i < nc; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, rd->header[i], NULL);
    worksheet_write_string(ws, 0, (lxw_col_t)nc, "原表行号", NULL);
    worksheet_write_string(ws, 0, (lxw_col_t)nc + 1, "错误原因", NULL);
    lxw_row_t r = 1;
    for (size_t k = 0; k < rd->nlines; k++) {
        const struct line *ln = &rd->lines[k];
        if (!ln->reason)
            continue;
        for (size_t i = 0; i < ln->ncells && i < nc; i++)
            if (ln->cells[i][0])
                worksheet_write_string(ws, r, (lxw_col_t)i, ln->cells[i], NULL);
        worksheet_write_number(ws, r, (lxw_col_t)nc, (int)ln->row, NULL);
        worksheet_write_string(ws, r, (lxw_col_t)nc + 1, ln->reason, NULL);
        r++;
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        return -1;
    }
    struct ts_stored st;
    const char *err;
    if (ts_store_put_file(path, INT64_C(200) * 1024 * 1024, TS_FILE_XLSX, &st, &err) < 0 ||
        ts_store_record(im->db, &st) < 0) {
        ts_log_error("declist: storing the errors file failed: %s", err ? err : "db");
        unlink(path);
        return -1;
    }
    unlink(path);
    memcpy(sha, st.sha256, 65);
    return 0;
}

/* ---- the import ----------------------------------------------------- */

static void today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int mark_upload(struct ts_db *db, int64_t id, const char *status, const char *message)
{
    return ts_db_exec(db,
                      "UPDATE declist_upload SET status = ?, message = LEFT(?, 500),"
                      " finished_at = IF(? IN ('done', 'failed'), NOW(), NULL) WHERE id = ?",
                      TS_ARGS(TS_STR(status), TS_STR(message), TS_STR(status), TS_I64(id)), NULL);
}

int ts_declist_set_status(struct ts_db *db, int64_t upload_id, const char *status,
                          const char *message)
{
    return mark_upload(db, upload_id, status, message ? message : "") < 0 ? -1 : 0;
}

/* The upload's result, and the declarations left without lines removed. */
static int finish_upload(struct importer *im, struct reader *rd, const char *sha,
                         const char *message)
{
    if (ts_db_exec(im->db,
                   "DELETE FROM customs_decl WHERE ent_id = ? AND upload_id = ? AND line_count = 0",
                   TS_ARGS(TS_I64(im->ent_id), TS_I64(im->upload_id)), NULL) < 0)
        return -1;
    return ts_db_exec(im->db,
                      "UPDATE declist_upload SET status = 'done', table_kind = ?, period = ?,"
                      " rows_total = ?, rows_ok = ?, rows_bad = ?, errors_sha256 = ?,"
                      " message = LEFT(?, 500), finished_at = NOW() WHERE id = ?",
                      TS_ARGS(TS_STR(ts_declist_kind_name(rd->kind)),
                              TS_STR(im->period[0]         ? im->period
                                     : rd->period[0]       ? rd->period
                                     : rd->first_period[0] ? rd->first_period
                                                           : NULL),
                              TS_I64(rd->nlines), TS_I64(im->ok), TS_I64(im->bad),
                              TS_STR(sha[0] ? sha : NULL), TS_STR(message), TS_I64(im->upload_id)),
                      NULL);
}

static int load_upload(struct importer *im, const char **sha, const char **period)
{
    struct ts_db_rows r;
    if (ts_db_query(im->db, im->a,
                    "SELECT ent_id, created_by, sha256, IFNULL(period, '') AS period"
                    " FROM declist_upload WHERE id = ?",
                    TS_ARGS(TS_I64(im->upload_id)), &r) < 0 ||
        r.nrows != 1)
        return -1;
    im->ent_id = ts_db_cell_i64(&r, 0, "ent_id");
    im->user_id = ts_db_cell_i64(&r, 0, "created_by");
    *sha = ts_db_cell(&r, 0, "sha256");
    *period = ts_db_cell(&r, 0, "period");
    return 0;
}

/* Each 按所属期备案 the file added declarations to follows them
 * (lib/ts_docs): one that was 已收齐 is 未收齐 again when the import added
 * a 未收齐 declaration to its 所属期, with an audit row naming the upload.
 * The import locked each period_filing row first (filing_for's INSERT ...
 * ON DUPLICATE KEY UPDATE), as ts_docs asks. */
static int sync_filings(struct importer *im)
{
    char request_id[TS_CRYPTO_HEX64_SIZE];
    if (ts_crypto_token_hex(request_id) < 0)
        return -1;
    request_id[16] = '\0'; /* a run of its own, like a tool's (audit_log.request_id) */
    struct ts_docs_actor who = {im->user_id, request_id, "declist.import",
                                ts_arena_printf(im->a, "upload=%lld", (long long)im->upload_id)};
    for (size_t i = 0; i < im->nfilings; i++)
        if (ts_docs_period_sync_db(im->db, im->a, im->ent_id, im->filings[i].period, &who) < 0)
            return -1;
    return 0;
}

/* The read, the writes and the result, with the arena already made. */
static int import_with(struct importer *im, struct reader *rd, ts_declist_progress_fn progress,
                       void *ctx, char *msg, size_t msglen)
{
    const char *sha, *path;
    char errors_sha[65] = "";
    int rc;
    if (load_upload(im, &sha, &rd->period) < 0 || !(path = ts_store_path(im->a, sha)))
        return -1;
    if (read_sheet(rd, path) < 0) {
        snprintf(msg, msglen, "%s", rd->err);
        return mark_upload(im->db, im->upload_id, "failed", rd->err) < 0 ? -1 : TS_DECLIST_REFUSED;
    }
    if (progress && progress(ctx, 0, (int64_t)rd->nlines) != 0)
        return TS_DECLIST_STOPPED;
    mark_duplicates(rd);
    for (size_t i = 0; i < rd->nlines; i++)
        im->bad += rd->lines[i].reason != NULL;
    if ((rc = write_lines(im, rd, progress, ctx)) != 0)
        return rc;
    if (im->bad && write_errors(im, rd, errors_sha) < 0)
        return -1;
    snprintf(msg, msglen, "导入完成：共%zu行，成功%zu行，错误%zu行。", rd->nlines, im->ok, im->bad);
    return finish_upload(im, rd, errors_sha, msg) < 0 || sync_filings(im) < 0 ? -1 : 0;
}

int ts_declist_import(struct ts_db *db, int64_t upload_id, ts_declist_progress_fn progress,
                      void *ctx, char *msg, size_t msglen)
{
    struct ts_arena *a = ts_arena_new(1024 * 1024);
    struct importer im = {.db = db, .a = a, .upload_id = upload_id};
    struct reader rd = {.a = a, .keep = true, .period = ""};
    today(im.today);
    int rc = import_with(&im, &rd, progress, ctx, msg, msglen);
    if (rc < 0) {
        ts_log_error("declist: import of upload %lld failed%s%s", (long long)upload_id,
                     im.reason ? ": " : "", im.reason ? im.reason : "");
        snprintf(msg, msglen, "%s", im.reason ? im.reason : "导入失败，请稍后重试");
    } else if (rc == TS_DECLIST_STOPPED) {
        snprintf(msg, msglen, "导入已中断，将重新排队导入");
    }
    ts_arena_free(a);
    return rc;
}
