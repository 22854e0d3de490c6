/* ts_refimport — imports of the reference libraries (see ts_refimport.h). */
#include "ts_refimport.h"

#include "ts_alloc.h"
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_codes.h"
#include "ts_crypto.h"
#include "ts_csv.h"
#include "ts_db.h"
#include "ts_log.h"
#include "ts_money.h"
#include "ts_reflib.h"
#include "ts_xlsx.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define HEADER_SEARCH_ROWS 30 /* the header is within the first rows */
#define MAX_COLUMNS        12
#define MAX_CHANGES_NOTED  50 /* 汇率 changes spelled out in the audit detail */

/* A column an import reads: its name in messages, the names it is known by
 * in a header (after spaces, '*' and a bracketed part are dropped). */
struct column {
    const char *label;
    const char *aliases[6];
    bool required;
};

/* The row function of one import: vals[i] is column i's trimmed cell ("" when the
 * column is absent or empty). */
typedef void (*row_fn)(void *ctx, size_t row, const char *const *vals);

/* One read of a table (xlsx or csv). */
struct table {
    struct ts_arena *a;
    const struct column *cols;
    size_t ncols;
    int col[MAX_COLUMNS];
    bool have_header;
    struct ts_xlsx_book book;
    bool xlsx;
    const char *refused;
    row_fn on_row;
    void *ctx;
    size_t rows;
};

/* ---- cells and the header ---------------------------------------- */

/* A header cell as compared: no spaces (ASCII, full-width, line breaks),
 * no '*', no bracketed part ("征税率(%)", "汇率（元）"). */
static const char *header_key(struct ts_arena *a, const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = ts_arena_alloc(a, n + 1);
    int depth = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(s + i, "（", 3) == 0 || strncmp(s + i, "）", 3) == 0 ||
            strncmp(s + i, "　", 3) == 0) {
            depth += strncmp(s + i, "（", 3) == 0   ? 1
                     : strncmp(s + i, "）", 3) == 0 ? -(depth > 0)
                                                    : 0;
            i += 3;
        } else if (s[i] == '(' || s[i] == ')') {
            depth += s[i] == '(' ? 1 : -(depth > 0);
            i++;
        } else if (strchr(" *\t\r\n", s[i])) {
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

/* s without leading and trailing spaces (ASCII and full-width). */
static const char *trim(struct ts_arena *a, const char *s)
{
    size_t n = strlen(s);
    while (n && (*s == ' ' || *s == '\t' || strncmp(s, "　", 3) == 0)) {
        size_t w = *s == ' ' || *s == '\t' ? 1 : 3;
        s += w, n -= w;
    }
    while (n &&
           (s[n - 1] == ' ' || s[n - 1] == '\t' || (n >= 3 && strncmp(s + n - 3, "　", 3) == 0)))
        n -= s[n - 1] == ' ' || s[n - 1] == '\t' ? 1 : 3;
    return ts_arena_strndup(a, s, n);
}

static int column_of(const struct table *t, const char *key)
{
    for (size_t c = 0; c < t->ncols; c++)
        for (size_t i = 0; i < 6 && t->cols[c].aliases[i]; i++)
            if (strcmp(key, t->cols[c].aliases[i]) == 0)
                return (int)c;
    return -1;
}

/* Is this row the header?  It is when it names at least two of the
 * columns; then a missing required one refuses the file. */
static bool try_header(struct table *t, const char *const *cells, size_t n)
{
    int col[MAX_COLUMNS], known = 0;
    for (size_t c = 0; c < t->ncols; c++)
        col[c] = -1;
    for (size_t i = 0; i < n; i++) {
        int c = column_of(t, header_key(t->a, cells[i]));
        if (c >= 0 && col[c] < 0) {
            col[c] = (int)i;
            known++;
        }
    }
    if (known < 2)
        return false;
    const char *missing = "";
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].required && col[c] < 0)
            missing =
                ts_arena_printf(t->a, "%s%s%s", missing, missing[0] ? "、" : "", t->cols[c].label);
    if (missing[0])
        t->refused = ts_arena_printf(t->a, "缺少必需的列：%s", missing);
    memcpy(t->col, col, sizeof col);
    t->have_header = true;
    return true;
}

/* The reader's row callback (xlsx and csv alike): the header first, then
 * each data row as the import's columns. */
static int on_cells(void *ctx, size_t row, const char *const *cells, size_t n)
{
    struct table *t = ctx;
    if (!t->have_header) {
        if (try_header(t, cells, n))
            return t->refused ? 1 : 0;
        if (row >= HEADER_SEARCH_ROWS)
            return 1;
        return 0;
    }
    if (++t->rows > TS_REFIMPORT_MAX_ROWS) {
        t->refused = ts_arena_printf(t->a, "数据行超过%d行，请分批导入", TS_REFIMPORT_MAX_ROWS);
        return 1;
    }
    const char *vals[MAX_COLUMNS];
    for (size_t c = 0; c < t->ncols; c++)
        vals[c] = t->col[c] >= 0 && (size_t)t->col[c] < n ? trim(t->a, cells[t->col[c]]) : "";
    t->on_row(t->ctx, row, vals);
    return 0;
}

/* Is the file a zip (so an xlsx)? */
static bool is_zip(const char *path)
{
    unsigned char magic[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == 4 && memcmp(magic, "PK\3\4", 4) == 0;
}

/* Read the file's rows into on_row; false with t->refused when the file
 * is refused (unreadable, no header, a missing column, no data row). */
static bool read_table(struct table *t, const char *path, const char *no_header)
{
    const char *err = NULL;
    int rc;
    t->xlsx = is_zip(path);
    if (t->xlsx)
        rc = ts_xlsx_read(path, NULL, on_cells, t, &t->book, &err);
    else
        rc = ts_csv_read(path, NULL, on_cells, t, &err);
    if (rc == -1)
        t->refused = err;
    else if (!t->have_header)
        t->refused = no_header;
    else if (!t->refused && t->rows == 0)
        t->refused = "表中没有数据行";
    return !t->refused;
}

/* The file's sha256 in hex (out "" when it cannot be read): the audit
 * row and rebate_library name the exact file imported. */
static void file_sha256(const char *path, char out[65])
{
    unsigned char buf[65536], md[32];
    size_t n;
    bool ok = false;
    FILE *f = fopen(path, "rb");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    out[0] = '\0';
    if (!f || !ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (EVP_DigestUpdate(ctx, buf, n) != 1)
            goto out;
    ok = !ferror(f) && EVP_DigestFinal_ex(ctx, md, NULL) == 1;
out:
    if (ok)
        ts_crypto_hex(md, sizeof md, out);
    EVP_MD_CTX_free(ctx);
    if (f)
        fclose(f);
}

/* ---- errors ------------------------------------------------------- */

struct errors {
    struct ts_arena *a;
    struct ts_refimport_error *list;
    size_t n, cap;
};

static void row_error(struct errors *e, size_t row, const char *reason)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 64;
        struct ts_refimport_error *l = ts_arena_alloc(e->a, cap * sizeof *l);
        if (e->n)
            memcpy(l, e->list, e->n * sizeof *l);
        e->list = l, e->cap = cap;
    }
    e->list[e->n++] = (struct ts_refimport_error){row, reason};
}

/* A date cell as YYYY-MM-DD in out ("" when empty): 2026-01-15,
 * 20260115, 2026/1/15, or an xlsx serial day.  False if none of these. */
static bool cell_date(const struct table *t, const char *s, char out[11])
{
    size_t n = strlen(s);
    int y, m, d;
    char sep;
    out[0] = '\0';
    if (!n)
        return true;
    if (n == 8 && strspn(s, "0123456789") == 8)
        snprintf(out, 11, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    else if (t->xlsx && n <= 7 && strspn(s, "0123456789.") == n)
        return ts_xlsx_serial_date(s, t->book.date1904, out) == 0;
    else if (sscanf(s, "%4d%c%2d%*c%2d", &y, &sep, &m, &d) == 4 && strchr("-/.", sep))
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    else
        return false;
    return ts_codes_date_valid(out, NULL);
}

/* ---- the 出口退税率文库 ----------------------------------------------- */

enum { R_CODE, R_NAME, R_UNIT, R_LEVY, R_REBATE, R_FROM, R_TO, R_FLAG, R_CAT, R_NCOLS };

static const struct column rate_columns[R_NCOLS] = {
    [R_CODE] = {"商品编码", {"商品编码", "商品代码", "商品编号", "HS编码", "海关商品编码"}, true},
    [R_NAME] = {"商品名称", {"商品名称", "货物名称"}, true},
    [R_UNIT] = {"计量单位", {"计量单位", "单位", "法定计量单位"}, false},
    [R_LEVY] = {"征税率", {"征税率", "增值税征税率", "征税税率"}, true},
    [R_REBATE] = {"退税率", {"退税率", "增值税退税率", "退税税率"}, true},
    [R_FROM] = {"起始日期", {"起始日期", "执行起始日期", "开始日期", "生效日期"}, false},
    [R_TO] = {"截止日期", {"截止日期", "执行截止日期", "终止日期", "结束日期"}, false},
    [R_FLAG] = {"特殊标识", {"特殊标识", "特殊标志", "标识"}, false},
    [R_CAT] = {"类别", {"类别", "商品类别"}, false},
};

/* One good 文库 row. */
struct rate_row {
    size_t row;
    const char *code, *name, *unit, *flag, *cat;
    int64_t levy, rebate;
    char from[11], to[11], listed[11];
};

struct rates {
    struct ts_arena *a;
    const struct ts_refimport_library *lib;
    const struct table *t;
    struct errors err;
    struct rate_row *rows;
    size_t n, cap;
};

/* A text cell within max characters; NULL with a reason otherwise. */
static const char *text_cell(struct rates *r, size_t row, const char *v, const char *label,
                             size_t max, bool required)
{
    if (required && !v[0]) {
        row_error(&r->err, row, ts_arena_printf(r->a, "%s不能为空", label));
        return NULL;
    }
    if (ts_codes_utf8_chars(v) > max) {
        row_error(&r->err, row, ts_arena_printf(r->a, "%s超过%zu个字", label, max));
        return NULL;
    }
    return v;
}

/* The rates and dates of a row, checked; false when a reason was noted. */
static bool rate_values(struct rates *r, size_t row, const char *const *v, struct rate_row *out)
{
    const char *why;
    if (!ts_reflib_percent_parse(v[R_LEVY], &out->levy, &why)) {
        row_error(&r->err, row, ts_arena_printf(r->a, "征税率：%s", why));
        return false;
    }
    if (!ts_reflib_percent_parse(v[R_REBATE], &out->rebate, &why)) {
        row_error(&r->err, row, ts_arena_printf(r->a, "退税率：%s", why));
        return false;
    }
    if (out->rebate > out->levy) {
        row_error(&r->err, row, "退税率不能高于征税率");
        return false;
    }
    char from[11], to[11];
    if (!cell_date(r->t, v[R_FROM], from) || !cell_date(r->t, v[R_TO], to)) {
        row_error(&r->err, row, "起始日期或截止日期不是有效日期（应为 YYYY-MM-DD）");
        return false;
    }
    const char *start = r->lib->effective_from ? r->lib->effective_from : "";
    bool earlier = from[0] && strcmp(from, start) < 0;
    snprintf(out->from, sizeof out->from, "%s", from[0] && !earlier ? from : start);
    snprintf(out->listed, sizeof out->listed, "%s", earlier ? from : "");
    snprintf(out->to, sizeof out->to, "%s", to);
    if (to[0] && strcmp(to, out->from) < 0) {
        row_error(&r->err, row,
                  ts_arena_printf(r->a, "截止日期 %s 早于执行起始日期 %s（本版本自 %s 起执行）", to,
                                  out->from, start));
        return false;
    }
    return true;
}

/* Check one 文库 row and keep it, or note why not. */
static void rate_row(void *ctx, size_t row, const char *const *v)
{
    struct rates *r = ctx;
    struct rate_row out = {.row = row};
    const char *why;
    if (!ts_reflib_entry_code_valid(v[R_CODE], &why)) {
        row_error(&r->err, row, ts_arena_printf(r->a, "商品编码 %s：%s", v[R_CODE], why));
        return;
    }
    out.code = v[R_CODE];
    if (!(out.name = text_cell(r, row, v[R_NAME], "商品名称", 200, true)) ||
        !(out.unit = text_cell(r, row, v[R_UNIT], "计量单位", 20, false)) ||
        !(out.flag = text_cell(r, row, v[R_FLAG], "特殊标识", 10, false)) ||
        !(out.cat = text_cell(r, row, v[R_CAT], "类别", 10, false)) ||
        !rate_values(r, row, v, &out))
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->rows = ts_xrealloc(r->rows, r->cap * sizeof *r->rows);
    }
    r->rows[r->n++] = out;
}

static int by_code(const void *x, const void *y)
{
    const struct rate_row *a = x, *b = y;
    int c = strcmp(a->code, b->code);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* A code twice in the file: each later row is an error naming the first. */
static void check_duplicates(struct rates *r)
{
    if (r->n > 1)
        qsort(r->rows, r->n, sizeof *r->rows, by_code);
    for (size_t i = 1; i < r->n; i++) {
        size_t first = i - 1;
        while (i < r->n && strcmp(r->rows[i].code, r->rows[first].code) == 0) {
            row_error(&r->err, r->rows[i].row,
                      ts_arena_printf(r->a, "商品编码 %s 与第%zu行重复", r->rows[i].code,
                                      r->rows[first].row));
            i++;
        }
    }
}

static int by_row(const void *x, const void *y)
{
    const struct ts_refimport_error *a = x, *b = y;
    return (a->row > b->row) - (a->row < b->row);
}

/* The version may be added: a good name not used yet, and a 生效日期 after
 * the newest version's (locked, so two imports run one after the other).
 * NULL when fine, else the reason; *db_error on a database error. */
static const char *check_version(struct ts_db *db, struct ts_arena *a,
                                 const struct ts_refimport_library *lib, bool *db_error)
{
    const char *why;
    struct ts_db_rows last, same;
    *db_error = false;
    if (!ts_reflib_version_valid(lib->version, &why))
        return why;
    if (!ts_codes_date_valid(lib->effective_from, &why))
        return ts_arena_printf(a, "生效日期：%s", why);
    if (ts_db_query(db, a,
                    "SELECT version, DATE_FORMAT(effective_from, '%Y-%m-%d') AS effective_from"
                    " FROM rebate_library ORDER BY effective_from DESC LIMIT 1 FOR UPDATE",
                    TS_NOARGS, &last) < 0 ||
        ts_db_query(db, a, "SELECT 1 FROM rebate_library WHERE version = ?",
                    TS_ARGS(TS_STR(lib->version)), &same) < 0) {
        *db_error = true;
        return "";
    }
    if (same.nrows)
        return ts_arena_printf(a, "文库版本 %s 已导入过，请核对版本号", lib->version);
    if (last.nrows && strcmp(lib->effective_from, ts_db_cell(&last, 0, "effective_from")) <= 0)
        return ts_arena_printf(a, "生效日期须晚于最新版本 %s 的生效日期 %s",
                               ts_db_cell(&last, 0, "version"),
                               ts_db_cell(&last, 0, "effective_from"));
    return NULL;
}

/* End the earlier versions' entries once the new version's are written.
 * A code the new version has: its earlier entries end the day before the
 * new row starts — its 起始日期 may be after the 生效日期, and until then
 * the old rate still applies (no day without a rate of its own).  A code
 * the new version drops: its entries end the day before the 生效日期.
 * So no two versions are ever in force for one code on one day.  Returns
 * the number of entries ended, -1 on a database error. */
static int64_t close_earlier(struct ts_db *db, const struct ts_refimport_library *lib)
{
    struct ts_db_result kept, dropped;
    if (ts_db_exec(
            db,
            "UPDATE rebate_rate o JOIN rebate_rate n ON n.version = ? AND n.hs_code = o.hs_code"
            " SET o.effective_to = DATE_SUB(n.effective_from, INTERVAL 1 DAY)"
            " WHERE o.version <> ? AND (o.effective_to IS NULL OR o.effective_to >="
            " n.effective_from)",
            TS_ARGS(TS_STR(lib->version), TS_STR(lib->version)), &kept) < 0 ||
        ts_db_exec(db,
                   "UPDATE rebate_rate o LEFT JOIN rebate_rate n ON n.version = ?"
                   " AND n.hs_code = o.hs_code SET o.effective_to = DATE_SUB(?, INTERVAL 1 DAY)"
                   " WHERE n.id IS NULL AND o.version <> ? AND (o.effective_to IS NULL"
                   " OR o.effective_to >= ?)",
                   TS_ARGS(TS_STR(lib->version), TS_STR(lib->effective_from), TS_STR(lib->version),
                           TS_STR(lib->effective_from)),
                   &dropped) < 0)
        return -1;
    return (int64_t)(kept.affected + dropped.affected);
}

/* Write the checked version: its row, the entries, then the earlier
 * entries ended (close_earlier).  -1 on a database error (logged with
 * the row). */
static int write_rates(struct ts_db *db, struct rates *r, struct ts_refimport_report *rep)
{
    const struct ts_refimport_library *lib = r->lib;
    char micro[2][TS_MONEY_BUF];
    if (ts_db_exec(db,
                   "INSERT INTO rebate_library (version, effective_from, rows_count, source,"
                   " file_sha256, note, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   TS_ARGS(TS_STR(lib->version), TS_STR(lib->effective_from), TS_I64(r->n),
                           TS_STR(lib->source), TS_STR(rep->sha256[0] ? rep->sha256 : NULL),
                           TS_STR(lib->note && lib->note[0] ? lib->note : NULL),
                           TS_I64(lib->user_id)),
                   NULL) < 0)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        const struct rate_row *w = &r->rows[i];
        ts_money_rate_format(w->levy, micro[0], sizeof micro[0]);
        ts_money_rate_format(w->rebate, micro[1], sizeof micro[1]);
        if (ts_db_exec(db,
                       "INSERT INTO rebate_rate (version, hs_code, goods_name, unit, levy_rate,"
                       " rebate_rate, effective_from, effective_to, listed_from, special_flag,"
                       " category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       TS_ARGS(TS_STR(lib->version), TS_STR(w->code), TS_STR(w->name),
                               TS_STR(w->unit[0] ? w->unit : NULL), TS_STR(micro[0]),
                               TS_STR(micro[1]), TS_STR(w->from), TS_STR(w->to[0] ? w->to : NULL),
                               TS_STR(w->listed[0] ? w->listed : NULL),
                               TS_STR(w->flag[0] ? w->flag : NULL),
                               TS_STR(w->cat[0] ? w->cat : NULL)),
                       NULL) < 0) {
            ts_log_error("refimport: row %zu (%s) not written", w->row, w->code);
            return -1;
        }
    }
    int64_t closed = close_earlier(db, lib);
    if (closed < 0)
        return -1;
    rep->closed = (size_t)closed;
    rep->imported = r->n;
    return 0;
}

int ts_refimport_rates(struct ts_db *db, struct ts_arena *a, const char *path,
                       const struct ts_refimport_library *lib, struct ts_refimport_report *rep)
{
    bool db_error;
    int rc = TS_REFIMPORT_REFUSED;
    struct rates r = {.a = a, .lib = lib, .err = {.a = a}};
    struct table t = {
        .a = a, .cols = rate_columns, .ncols = R_NCOLS, .on_row = rate_row, .ctx = &r};
    r.t = &t;
    *rep = (struct ts_refimport_report){0};
    file_sha256(path, rep->sha256);
    if ((rep->refused = check_version(db, a, lib, &db_error)))
        return db_error ? -1 : TS_REFIMPORT_REFUSED;
    if (!read_table(&t, path,
                    "未找到表头：请上传含“商品编码、商品名称、征税率、退税率”列的出口退税率文库")) {
        rep->refused = t.refused;
        goto out;
    }
    rep->rows = t.rows;
    check_duplicates(&r);
    if (r.err.n) {
        qsort(r.err.list, r.err.n, sizeof *r.err.list, by_row);
        rep->errors = r.err.list, rep->nerrors = r.err.n;
        goto out;
    }
    rc = write_rates(db, &r, rep) < 0 ? -1 : TS_REFIMPORT_OK;
out:
    free(r.rows);
    return rc;
}

/* ---- 汇率 ------------------------------------------------------------ */

enum { X_CURRENCY, X_MONTH, X_RATE, X_UNITS, X_NCOLS };

static const struct column fx_columns[X_NCOLS] = {
    [X_CURRENCY] = {"币制", {"币制", "币制代码", "币种", "货币", "货币代码"}, true},
    [X_MONTH] = {"月份", {"月份", "所属月份", "年月", "汇率月份", "适用月份"}, true},
    [X_RATE] = {"汇率", {"汇率", "折算率", "中间价", "人民币汇率"}, true},
    [X_UNITS] = {"单位", {"单位", "折算单位", "外币单位"}, false},
};

/* One good 汇率 row. */
struct fx_row {
    size_t row;
    const char *currency; /* customs' code */
    char month[7];
    int64_t rate;
};

struct fxs {
    struct ts_arena *a;
    struct ts_db *db;
    const struct table *t;
    struct errors err;
    struct fx_row *rows;
    size_t n, cap;
    bool db_error;
};

/* The 币制 of a cell: customs' code, the ISO code or the Chinese name. */
static const char *fx_currency(struct fxs *x, const char *v)
{
    const char *code;
    struct ts_db_rows r;
    int known = ts_reflib_code(x->db, x->a, TS_REFLIB_CURRENCY, v, &code, NULL);
    if (known < 0)
        x->db_error = true;
    if (known)
        return known > 0 ? code : NULL;
    if (ts_db_query(x->db, x->a,
                    "SELECT code FROM code_list WHERE list = 'currency' AND name = ?"
                    " AND status = 'normal'",
                    TS_ARGS(TS_STR(v)), &r) < 0) {
        x->db_error = true;
        return NULL;
    }
    return r.nrows ? ts_db_cell(&r, 0, "code") : NULL;
}

/* The month of a cell, an xlsx date cell included. */
static bool fx_month(const struct table *t, const char *v, char out[7], const char **why)
{
    char date[11];
    if (t->xlsx && strlen(v) == 5 && strspn(v, "0123456789") == 5 &&
        ts_xlsx_serial_date(v, t->book.date1904, date) == 0)
        v = date;
    return ts_reflib_month_parse(v, out, why);
}

/* Check one 汇率 row and keep it, or note why not. */
static void fx_row(void *ctx, size_t row, const char *const *v)
{
    struct fxs *x = ctx;
    struct fx_row out = {.row = row};
    const char *why;
    int64_t units = 1;
    if (!v[X_CURRENCY][0] || !(out.currency = fx_currency(x, v[X_CURRENCY]))) {
        row_error(&x->err, row, ts_arena_printf(x->a, "币制 %s 不在币制代码表中", v[X_CURRENCY]));
        return;
    }
    if (!fx_month(x->t, v[X_MONTH], out.month, &why)) {
        row_error(&x->err, row, ts_arena_printf(x->a, "月份：%s", why));
        return;
    }
    if (v[X_UNITS][0] && (strcmp(v[X_UNITS], "1") == 0 || strcmp(v[X_UNITS], "100") == 0))
        units = v[X_UNITS][1] ? 100 : 1;
    else if (v[X_UNITS][0]) {
        row_error(&x->err, row, "单位只能是1或100（汇率为每1或每100单位外币折合人民币元）");
        return;
    }
    if (!ts_money_rate_parse(v[X_RATE], &out.rate, &why) || out.rate == 0) {
        row_error(&x->err, row, ts_arena_printf(x->a, "汇率：%s", why ? why : "汇率必须大于0"));
        return;
    }
    out.rate = ts_money_round_half_up(out.rate, units);
    if (out.rate == 0) {
        row_error(&x->err, row, "汇率折算为每单位后为0");
        return;
    }
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 256;
        x->rows = ts_xrealloc(x->rows, x->cap * sizeof *x->rows);
    }
    x->rows[x->n++] = out;
}

static int by_currency_month(const void *p, const void *q)
{
    const struct fx_row *a = p, *b = q;
    int c = strcmp(a->currency, b->currency);
    if (!c)
        c = strcmp(a->month, b->month);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* The same 币制 and month twice in the file. */
static void fx_duplicates(struct fxs *x)
{
    if (x->n > 1)
        qsort(x->rows, x->n, sizeof *x->rows, by_currency_month);
    for (size_t i = 1; i < x->n; i++)
        if (by_currency_month(&x->rows[i], &x->rows[i - 1]) > 0 &&
            strcmp(x->rows[i].currency, x->rows[i - 1].currency) == 0 &&
            strcmp(x->rows[i].month, x->rows[i - 1].month) == 0)
            row_error(&x->err, x->rows[i].row,
                      ts_arena_printf(x->a, "币制 %s 月份 %s 与第%zu行重复", x->rows[i].currency,
                                      x->rows[i].month, x->rows[i - 1].row));
}

/* Write one rate: add, replace (noted in changes) or leave. */
static int fx_write(struct ts_db *db, struct ts_arena *a, const struct fx_row *w,
                    const char *source, int64_t user_id, struct ts_refimport_report *rep,
                    struct ts_buf *changes)
{
    struct ts_db_rows r;
    char rate[TS_MONEY_BUF];
    int64_t old = 0;
    ts_money_rate_format(w->rate, rate, sizeof rate);
    if (ts_db_query(db, a,
                    "SELECT rate FROM exchange_rate WHERE currency = ? AND month = ? FOR UPDATE",
                    TS_ARGS(TS_STR(w->currency), TS_STR(w->month)), &r) < 0)
        return -1;
    if (r.nrows && ts_money_rate_parse(ts_db_cell(&r, 0, "rate"), &old, NULL) && old == w->rate) {
        rep->unchanged++;
        return 0;
    }
    if (r.nrows) {
        rep->changed++;
        if (rep->changed <= MAX_CHANGES_NOTED)
            ts_buf_printf(changes, "%s%s %s %s->%s", changes->len ? "; " : "", w->currency,
                          w->month, ts_db_cell(&r, 0, "rate"), rate);
    } else {
        rep->added++;
    }
    return ts_db_exec(db,
                      "INSERT INTO exchange_rate (currency, month, rate, source, updated_by)"
                      " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE rate = VALUES(rate),"
                      " source = VALUES(source), updated_by = VALUES(updated_by)",
                      TS_ARGS(TS_STR(w->currency), TS_STR(w->month), TS_STR(rate), TS_STR(source),
                              TS_I64(user_id)),
                      NULL);
}

int ts_refimport_fx(struct ts_db *db, struct ts_arena *a, const char *path, const char *source,
                    int64_t user_id, struct ts_refimport_report *rep)
{
    int rc = TS_REFIMPORT_REFUSED;
    struct ts_buf changes = {0};
    struct fxs x = {.a = a, .db = db, .err = {.a = a}};
    struct table t = {.a = a, .cols = fx_columns, .ncols = X_NCOLS, .on_row = fx_row, .ctx = &x};
    x.t = &t;
    *rep = (struct ts_refimport_report){0};
    file_sha256(path, rep->sha256);
    if (!read_table(&t, path, "未找到表头：请上传含“币制、月份、汇率”列的汇率表")) {
        rep->refused = t.refused;
        goto out;
    }
    if (x.db_error) {
        rc = -1;
        goto out;
    }
    rep->rows = t.rows;
    fx_duplicates(&x);
    if (x.err.n) {
        qsort(x.err.list, x.err.n, sizeof *x.err.list, by_row);
        rep->errors = x.err.list, rep->nerrors = x.err.n;
        goto out;
    }
    for (size_t i = 0; i < x.n; i++)
        if (fx_write(db, a, &x.rows[i], source, user_id, rep, &changes) < 0) {
            rc = -1;
            goto out;
        }
    rep->imported = x.n;
    rep->changes = ts_arena_strdup(a, ts_buf_cstr(&changes));
    rc = TS_REFIMPORT_OK;
out:
    free(x.rows);
    ts_buf_free(&changes);
    return rc;
}

/* ---- 代码表 ---------------------------------------------------------- */

enum { C_CODE, C_NAME, C_ALT, C_NCOLS };

static const struct column code_columns[C_NCOLS] = {
    [C_CODE] = {"代码", {"代码", "编码", "代码值", "海关代码", "数字代码"}, true},
    [C_NAME] = {"名称", {"名称", "中文名称", "代码名称", "中文简称"}, true},
    [C_ALT] = {"国际代码", {"国际代码", "ISO代码", "英文代码", "字母代码", "币种"}, false},
};

#define CODE_NAME_MAX 100 /* code_list.name, customs_district.name, tax_bureau.name */

/* One code: a good file row, or a stored one. */
struct code_row {
    size_t row;                    /* the sheet's row (0 for a stored one) */
    const char *code, *name, *alt; /* alt "" when none */
};

struct codes {
    struct ts_arena *a;
    enum ts_reflib_list list;
    bool alt_column; /* the file has the 国际代码 column: its value replaces the stored one */
    struct errors err;
    struct code_row *rows;
    size_t n, cap;
    struct ts_db_rows stored; /* code, alt, name of the list, by code */
};

/* Check one 代码表 row and keep it, or note why not. */
static void code_row(void *ctx, size_t row, const char *const *v)
{
    struct codes *k = ctx;
    const char *why, *label = ts_reflib_list_label(k->list);
    if (!ts_reflib_list_code_valid(k->list, v[C_CODE], &why)) {
        row_error(&k->err, row, ts_arena_printf(k->a, "%s代码 %s：%s", label, v[C_CODE], why));
        return;
    }
    if (!v[C_NAME][0] || ts_codes_utf8_chars(v[C_NAME]) > CODE_NAME_MAX) {
        row_error(&k->err, row,
                  v[C_NAME][0] ? ts_arena_printf(k->a, "名称超过%d个字", CODE_NAME_MAX)
                               : ts_arena_printf(k->a, "代码 %s 的名称不能为空", v[C_CODE]));
        return;
    }
    if (v[C_ALT][0] && !ts_reflib_list_alt_valid(k->list, v[C_ALT], &why)) {
        row_error(&k->err, row, ts_arena_printf(k->a, "国际代码 %s：%s", v[C_ALT], why));
        return;
    }
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 256;
        k->rows = ts_xrealloc(k->rows, k->cap * sizeof *k->rows);
    }
    k->rows[k->n++] = (struct code_row){row, v[C_CODE], v[C_NAME], v[C_ALT]};
}

static int code_by_code(const void *x, const void *y)
{
    const struct code_row *a = x, *b = y;
    int c = strcmp(a->code, b->code);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* The file's row of code, or NULL (rows sorted by code). */
static const struct code_row *file_code(const struct codes *k, const char *code)
{
    struct code_row key = {.code = code};
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(k->rows[mid].code, key.code);
        if (c == 0)
            return &k->rows[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The stored row of code, or -1 (stored sorted by code). */
static long stored_code(const struct codes *k, const char *code)
{
    size_t lo = 0, hi = k->stored.nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ts_db_cell_at(&k->stored, mid, 0), code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The 国际代码 a code will have after the import: the file's when the
 * file has the column and the code, else the stored one. */
static const char *alt_after(const struct codes *k, const char *code, const char *stored_alt)
{
    const struct code_row *f = k->alt_column ? file_code(k, code) : NULL;
    return f ? f->alt : stored_alt;
}

static int code_by_alt(const void *x, const void *y)
{
    const struct code_row *const *a = x, *const *b = y;
    int c = strcmp((*a)->alt, (*b)->alt);
    return c ? c : ((*a)->row > (*b)->row) - ((*a)->row < (*b)->row);
}

/* A 国际代码 that two codes would have after the import: twice in the file
 * (the later row names the first), or a stored code's that the file does
 * not change.  k->rows is sorted by code; a code's later rows are already
 * errors and are left out. */
static void alt_duplicates(struct codes *k)
{
    const struct code_row **by_alt = ts_arena_alloc(k->a, (k->n + 1) * sizeof *by_alt);
    size_t m = 0;
    for (size_t i = 0; i < k->n; i++)
        if (k->rows[i].alt[0] && !(i && strcmp(k->rows[i].code, k->rows[i - 1].code) == 0))
            by_alt[m++] = &k->rows[i];
    if (m > 1)
        qsort(by_alt, m, sizeof *by_alt, code_by_alt);
    for (size_t i = 0; i < m; i++) {
        const struct code_row *r = by_alt[i];
        size_t first = i;
        while (first && strcmp(by_alt[first - 1]->alt, r->alt) == 0)
            first--;
        if (first < i) {
            row_error(&k->err, r->row,
                      ts_arena_printf(k->a, "国际代码 %s 与第%zu行（代码 %s）重复", r->alt,
                                      by_alt[first]->row, by_alt[first]->code));
            continue;
        }
        for (size_t s = 0; s < k->stored.nrows; s++) {
            const char *code = ts_db_cell_at(&k->stored, s, 0);
            if (strcmp(code, r->code) != 0 &&
                strcmp(alt_after(k, code, ts_db_cell_at(&k->stored, s, 1)), r->alt) == 0) {
                row_error(&k->err, r->row,
                          ts_arena_printf(k->a, "国际代码 %s 已属于代码 %s", r->alt, code));
                break;
            }
        }
    }
}

/* A code twice in the file (each later row names the first), then the
 * 国际代码 (alt_duplicates): "USD" must find one 币制. */
static void code_duplicates(struct codes *k)
{
    if (k->n > 1)
        qsort(k->rows, k->n, sizeof *k->rows, code_by_code);
    for (size_t i = 1; i < k->n; i++)
        if (strcmp(k->rows[i].code, k->rows[i - 1].code) == 0) {
            size_t first = i - 1;
            while (first && strcmp(k->rows[first - 1].code, k->rows[i].code) == 0)
                first--;
            row_error(&k->err, k->rows[i].row,
                      ts_arena_printf(k->a, "代码 %s 与第%zu行重复", k->rows[i].code,
                                      k->rows[first].row));
        }
    if (k->alt_column)
        alt_duplicates(k);
}

/* The list's stored rows, locked, sorted by code. */
static int codes_stored(struct ts_db *db, struct codes *k)
{
    if (k->list == TS_REFLIB_CUSTOMS_DISTRICT)
        return ts_db_query(db, k->a,
                           "SELECT code, '' AS alt, name FROM customs_district ORDER BY code"
                           " FOR UPDATE",
                           TS_NOARGS, &k->stored);
    if (k->list == TS_REFLIB_TAX_BUREAU)
        return ts_db_query(db, k->a,
                           "SELECT code, '' AS alt, name FROM tax_bureau ORDER BY code FOR UPDATE",
                           TS_NOARGS, &k->stored);
    return ts_db_query(db, k->a,
                       "SELECT code, IFNULL(alt, '') AS alt, name FROM code_list WHERE list = ?"
                       " ORDER BY code FOR UPDATE",
                       TS_ARGS(TS_STR(ts_reflib_list_name(k->list))), &k->stored);
}

/* Write one code: add, change (noted in changes) or leave. */
static int code_write(struct ts_db *db, struct codes *k, const struct code_row *w,
                      struct ts_refimport_report *rep, struct ts_buf *changes)
{
    long s = stored_code(k, w->code);
    const char *old_alt = s >= 0 ? ts_db_cell_at(&k->stored, (size_t)s, 1) : "";
    const char *alt = k->alt_column ? w->alt : old_alt, *list = ts_reflib_list_name(k->list);
    const char *sql;
    if (s >= 0 && strcmp(ts_db_cell_at(&k->stored, (size_t)s, 2), w->name) == 0 &&
        strcmp(old_alt, alt) == 0) {
        rep->unchanged++;
        return 0;
    }
    if (s >= 0 && ++rep->changed <= MAX_CHANGES_NOTED)
        ts_buf_printf(changes, "%s%s %s%s%s->%s%s%s", changes->len ? "; " : "", w->code,
                      ts_db_cell_at(&k->stored, (size_t)s, 2), old_alt[0] ? "/" : "", old_alt,
                      w->name, alt[0] ? "/" : "", alt);
    if (s < 0)
        rep->added++;
    if (k->list == TS_REFLIB_CUSTOMS_DISTRICT || k->list == TS_REFLIB_TAX_BUREAU) {
        sql = k->list == TS_REFLIB_TAX_BUREAU
                  ? "INSERT INTO tax_bureau (code, name) VALUES (?, ?)"
                    " ON DUPLICATE KEY UPDATE name = VALUES(name)"
                  : "INSERT INTO customs_district (code, name) VALUES (?, ?)"
                    " ON DUPLICATE KEY UPDATE name = VALUES(name)";
        return ts_db_exec(db, sql, TS_ARGS(TS_STR(w->code), TS_STR(w->name)), NULL);
    }
    return ts_db_exec(
        db,
        "INSERT INTO code_list (list, code, name, alt) VALUES (?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE name = VALUES(name), alt = VALUES(alt)",
        TS_ARGS(TS_STR(list), TS_STR(w->code), TS_STR(w->name), TS_STR(alt[0] ? alt : NULL)), NULL);
}

int ts_refimport_codes(struct ts_db *db, struct ts_arena *a, const char *path,
                       enum ts_reflib_list list, struct ts_refimport_report *rep)
{
    int rc = TS_REFIMPORT_REFUSED;
    struct ts_buf changes = {0};
    struct codes k = {.a = a, .list = list, .err = {.a = a}};
    struct table t = {
        .a = a, .cols = code_columns, .ncols = C_NCOLS, .on_row = code_row, .ctx = &k};
    *rep = (struct ts_refimport_report){0};
    file_sha256(path, rep->sha256);
    if (list >= TS_REFLIB_NLISTS) {
        rep->refused = "请选择代码表";
        return rc;
    }
    if (codes_stored(db, &k) < 0)
        return -1;
    if (!read_table(&t, path, "未找到表头：请上传含“代码、名称”列的代码表")) {
        rep->refused = t.refused;
        goto out;
    }
    k.alt_column = t.col[C_ALT] >= 0;
    if (k.alt_column && !ts_reflib_list_has_alt(list)) {
        rep->refused =
            ts_arena_printf(a, "%s没有国际代码，请删除“国际代码”列", ts_reflib_list_label(list));
        goto out;
    }
    rep->rows = t.rows;
    code_duplicates(&k);
    if (k.err.n) {
        qsort(k.err.list, k.err.n, sizeof *k.err.list, by_row);
        rep->errors = k.err.list, rep->nerrors = k.err.n;
        goto out;
    }
    for (size_t i = 0; i < k.n; i++)
        if (code_write(db, &k, &k.rows[i], rep, &changes) < 0) {
            rc = -1;
            goto out;
        }
    rep->imported = k.n;
    rep->changes = ts_arena_strdup(a, ts_buf_cstr(&changes));
    rc = TS_REFIMPORT_OK;
out:
    free(k.rows);
    ts_buf_free(&changes);
    return rc;
}
