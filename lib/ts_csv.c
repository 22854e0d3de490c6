/* ts_csv — CSV tables (see ts_csv.h). */
#include "ts_csv.h"

#include "ts_alloc.h"
#include "ts_buf.h"
#include "ts_codes.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct ts_csv_limits ts_csv_default_limits = {
    .max_bytes = 20 * 1024 * 1024,
    .max_cell = 4096,
    .max_columns = 256,
    .max_rows = 1000000,
};

#define E_BIG      "文件过大"
#define E_CELL     "单元格内容过长"
#define E_COLUMNS  "表格列数超过限制"
#define E_ROWS     "表格行数超过限制"
#define E_QUOTE    "CSV格式错误：引号未闭合"
#define E_NUL      "文件不是有效的CSV文本文件"
#define E_ENCODING "文件编码无法识别，请将CSV另存为UTF-8或GBK编码后重新上传"
#define E_READ     "文件读取失败，请重新上传"

/* The parse of one file: the row being built and where it stands. */
struct parser {
    const struct ts_csv_limits *lim;
    ts_csv_row_fn fn;
    void *ctx;
    char sep;
    struct ts_buf cell; /* the cell being read */
    struct ts_buf text; /* the row's cells, each NUL-terminated */
    size_t *offs;       /* where each cell starts in text */
    const char **cells; /* pointers handed to fn */
    size_t ncells, row;
    const char *err;
};

/* The file's bytes converted from GB18030 (a superset of GBK) to UTF-8,
 * in out; false when they are not GB18030 either. */
static bool from_gb18030(const char *in, size_t len, struct ts_buf *out)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    bool ok = false;
    if (cd == (iconv_t)-1)
        return false;
    char chunk[4096];
    char *src = (char *)in;
    size_t left = len;
    while (left) {
        char *dst = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        ts_buf_add(out, chunk, sizeof chunk - room);
        if (rc == (size_t)-1 && errno != E2BIG)
            goto out;
    }
    ok = true;
out:
    iconv_close(cd);
    return ok;
}

/* Close the cell being read: check its limits and append it to the row. */
static bool end_cell(struct parser *p)
{
    if (p->cell.len > p->lim->max_cell) {
        p->err = E_CELL;
        return false;
    }
    if (p->ncells >= p->lim->max_columns) {
        p->err = E_COLUMNS;
        return false;
    }
    p->offs[p->ncells++] = p->text.len;
    ts_buf_add(&p->text, p->cell.data ? p->cell.data : "", p->cell.len);
    ts_buf_addc(&p->text, '\0');
    ts_buf_reset(&p->cell);
    return true;
}

/* Close the row: hand it over unless every cell is empty.  Returns the
 * callback's value, or -1 with p->err. */
static int end_row(struct parser *p)
{
    size_t n = p->ncells;
    int rc = 0;
    p->row++;
    while (n && p->text.data[p->offs[n - 1]] == '\0')
        n--;
    if (n) {
        if (p->row > p->lim->max_rows) {
            p->err = E_ROWS;
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            p->cells[i] = p->text.data + p->offs[i];
        rc = p->fn(p->ctx, p->row, p->cells, n);
    }
    p->ncells = 0;
    ts_buf_reset(&p->text);
    return rc;
}

/* One field starting at s[*i]: quoted or not, up to the separator or the
 * line's end (left at *i).  False with p->err on a limit or an unclosed
 * quote. */
static bool read_field(struct parser *p, const char *s, size_t len, size_t *i)
{
    bool quoted = *i < len && s[*i] == '"';
    if (quoted) {
        for (++*i;; ++*i) {
            if (*i >= len) {
                p->err = E_QUOTE;
                return false;
            }
            if (s[*i] == '"') {
                if (*i + 1 < len && s[*i + 1] == '"')
                    ++*i;
                else
                    break;
            }
            ts_buf_addc(&p->cell, s[*i]);
            if (p->cell.len > p->lim->max_cell) {
                p->err = E_CELL;
                return false;
            }
        }
        ++*i; /* the closing quote; what follows up to the separator is kept */
    }
    for (; *i < len && s[*i] != p->sep && s[*i] != '\n' && s[*i] != '\r'; ++*i) {
        ts_buf_addc(&p->cell, s[*i]);
        if (p->cell.len > p->lim->max_cell) {
            p->err = E_CELL;
            return false;
        }
    }
    return end_cell(p);
}

/* Parse UTF-8 text s..len into rows. */
static int parse(struct parser *p, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (!read_field(p, s, len, &i))
            return -1;
        if (i < len && s[i] == p->sep) {
            i++;
            if (i == len && !end_cell(p))
                return -1;
            continue;
        }
        if (i < len && s[i] == '\r') {
            i++;
            if (i < len && s[i] == '\n')
                i++;
        } else if (i < len && s[i] == '\n') {
            i++;
        }
        int rc = end_row(p);
        if (rc)
            return rc;
    }
    return p->ncells ? end_row(p) : 0;
}

/* Tab-separated when the first line has a tab and no comma. */
static char separator(const char *s, size_t len)
{
    bool tab = false;
    for (size_t i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++) {
        if (s[i] == ',')
            return ',';
        tab |= s[i] == '\t';
    }
    return tab ? '\t' : ',';
}

int ts_csv_read_buffer(const void *data, size_t len, const struct ts_csv_limits *lim,
                       ts_csv_row_fn fn, void *ctx, const char **err)
{
    const char *s = data;
    struct ts_buf conv = {0};
    struct parser p = {.lim = lim ? lim : &ts_csv_default_limits, .fn = fn, .ctx = ctx};
    int rc = -1;
    *err = NULL;
    if (len > p.lim->max_bytes) {
        *err = E_BIG;
        return -1;
    }
    if (memchr(s, '\0', len)) {
        *err = E_NUL;
        return -1;
    }
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, len -= 3;
    if (!ts_codes_utf8_valid(s, len)) {
        if (!from_gb18030(s, len, &conv) || !ts_codes_utf8_valid(conv.data, conv.len) ||
            memchr(conv.data, '\0', conv.len)) {
            p.err = E_ENCODING;
            goto out;
        }
        s = conv.data ? conv.data : "";
        len = conv.len;
    }
    p.sep = separator(s, len);
    p.offs = ts_xmalloc((p.lim->max_columns + 1) * sizeof *p.offs);
    p.cells = ts_xmalloc((p.lim->max_columns + 1) * sizeof *p.cells);
    rc = parse(&p, s, len);
out:
    if (rc == -1)
        *err = p.err ? p.err : E_READ;
    free(p.offs);
    free(p.cells);
    ts_buf_free(&p.cell);
    ts_buf_free(&p.text);
    ts_buf_free(&conv);
    return rc;
}

int ts_csv_read(const char *path, const struct ts_csv_limits *lim, ts_csv_row_fn fn, void *ctx,
                const char **err)
{
    const struct ts_csv_limits *l = lim ? lim : &ts_csv_default_limits;
    struct ts_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = -1;
    FILE *f = fopen(path, "rb");
    *err = E_READ;
    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ts_buf_add(&b, chunk, n);
        if (b.len > l->max_bytes) {
            *err = E_BIG;
            goto out;
        }
    }
    if (ferror(f))
        goto out;
    rc = ts_csv_read_buffer(b.data ? b.data : "", b.len, l, fn, ctx, err);
out:
    fclose(f);
    ts_buf_free(&b);
    return rc;
}
