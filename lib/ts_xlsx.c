/* ts_xlsx — streaming reader of the first worksheet of an .xlsx (ts_xlsx.h).
 *
 * The archive is opened with libzip and judged whole before anything is
 * inflated: entry count, every entry's declared size and their sum, and the
 * method (stored or deflated, not encrypted).  Each XML part is then
 * inflated in 64 KiB chunks straight into expat's buffer, counting the bytes
 * really produced, so an entry whose header lies about its size is stopped
 * at the cap all the same.  Four parts are read, in this order:
 *
 *   xl/workbook.xml              the r:id of the first <sheet>
 *   xl/_rels/workbook.xml.rels   that id's Target, and the sharedStrings part
 *   the shared strings           each <si> kept as one NUL-terminated string
 *   the worksheet                <row>/<c> handed to the caller row by row
 *
 * Expat runs without namespace processing: elements are compared by their
 * local name (after any prefix), so <x:row> reads as <row>.  A DOCTYPE or an
 * entity declaration stops the parse; so does nesting deeper than any
 * spreadsheet needs, and a single unfinished token (a tag, a comment) longer
 * than MAX_TOKEN, which expat would otherwise buffer whole.
 */
#include "ts_xlsx.h"
#include "ts_alloc.h"
#include "ts_buf.h"

#include <expat.h>
#include <zip.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)

/* An upload is at most 20 MB (ts_multipart) and an xlsx inflates ~19×, so
 * 512 MiB of XML is the most an honest upload holds.  max_cell is Excel's
 * own 32 767 characters, at 3 bytes each for Chinese.  Import forms have
 * tens of columns, not hundreds; 1 048 576 is Excel's last row. */
const struct ts_xlsx_limits ts_xlsx_default_limits = {
    .max_entries = 1000,
    .max_uncompressed = 512 * MIB,
    .max_shared_strings = 2 * 1024 * 1024,
    .max_cell = 32767 * 3,
    .max_columns = 256,
    .max_rows = 1048576,
    .max_shared_bytes = 128 * MIB,
};

#define CHUNK     (64 * 1024)    /* bytes inflated per zip_fread */
#define MAX_DEPTH 64             /* element nesting; a sheet needs 7 */
#define MAX_TOKEN (1024 * 1024)  /* bytes expat may hold for one unfinished token */
#define MAX_COL   16384          /* XFD, Excel's last column */
#define MAX_ROW   1048576        /* Excel's last row */
#define MAX_NAME  512            /* bytes of a part name inside the zip */
#define NONE      SIZE_MAX       /* a column with no cell in this row */
#define SHARED    (SIZE_MAX - 1) /* a column whose value is a shared string */

static const char E_INVALID[] = "文件不是有效的xlsx文件";
static const char E_XLS[] =
    "文件是旧版xls格式或已加密，请在Excel中另存为不加密的xlsx文件后重新上传";
static const char E_READ[] = "无法读取文件";
static const char E_ENTRIES[] = "文件包含的条目过多";
static const char E_TOO_BIG[] = "文件解压后过大";
static const char E_NO_SHEET[] = "文件中没有工作表";
static const char E_ROWS[] = "表格行数超过限制";
static const char E_COLS[] = "表格列数超过限制";
static const char E_CELL[] = "单元格内容过长";
static const char E_SST[] = "共享字符串数量超过限制";
static const char E_SST_BYTES[] = "共享字符串总长度超过限制";
static const char E_DTD[] = "文件包含不允许的DTD/实体定义";
static const char E_DEPTH[] = "文件的XML嵌套层次过深";
static const char E_TOKEN[] = "文件包含过长的XML标记";

/* Where the parse is, as bits of struct xlsx.flags. */
enum {
    IN_SHEETS = 1u << 0,     /* workbook: <sheets> */
    IN_SHEET_DATA = 1u << 1, /* worksheet: <sheetData> */
    IN_ROW = 1u << 2,
    IN_CELL = 1u << 3,
    IN_V = 1u << 4,   /* <v>, a cell's value */
    IN_IS = 1u << 5,  /* <is>, an inline string */
    IN_T = 1u << 6,   /* <t>, a text run */
    IN_RPH = 1u << 7, /* <rPh>, phonetic guide text: never part of the value */
    IN_SI = 1u << 8,  /* <si>, one shared string */
};

/* How a cell's text becomes its value: t="s" is an index into the shared
 * strings, t="inlineStr" is text in <is>, t="b" is 0 or 1; anything else
 * (numbers, t="str" formula results, t="e" errors, t="d" dates) is the
 * text of <v> as written. */
enum cell_type { T_AS_WRITTEN, T_SHARED, T_INLINE, T_BOOL };

struct xlsx;

/* What one XML part does with its elements and text. */
struct part {
    void (*start)(struct xlsx *x, const char *name, const char **attrs);
    void (*end)(struct xlsx *x, const char *name);
    void (*text)(struct xlsx *x, const char *s, size_t n);
};

/* The shared strings: each one's text followed by NUL, back to back. */
struct sst {
    struct ts_buf text;
    size_t *off; /* where string i starts in text */
    size_t n, cap;
    size_t cur; /* start of the <si> being read */
};

/* The row being read: its cells' texts (each NUL-terminated) back to back,
 * and per column where that column's text starts. */
struct row {
    struct ts_buf text;
    size_t *off;        /* per column: offset in text, NONE or SHARED */
    const char **cells; /* handed to the callback */
    size_t cap;         /* columns allocated in off and cells */
    size_t ncells;      /* highest column with a value + 1 */
    size_t num;         /* the sheet's 1-based row number */
    size_t next_col;    /* the column of a <c> without r */
};

/* The cell being read. */
struct cell {
    size_t col;
    enum cell_type type;
    size_t start; /* where its text starts in row.text */
};

struct xlsx {
    const struct ts_xlsx_limits *lim;
    ts_xlsx_row_fn fn;
    void *ctx;
    zip_t *za;
    XML_Parser p; /* the parser of the part being read, or NULL */
    const struct part *part;
    const char *err;   /* the first reason the file is refused */
    int stopped;       /* the callback's non-zero return */
    uint64_t inflated; /* bytes inflated so far, all entries */
    unsigned depth;
    unsigned flags;
    bool date1904; /* workbookPr date1904 */
    char rid[256]; /* r:id of the first sheet */
    char sheet_name[MAX_NAME];
    char sst_name[MAX_NAME];
    struct sst sst;
    struct row row;
    struct cell cell;
};

/* ---- errors and small parsers ---- */

/* Record why the file is refused (the first reason wins) and stop the XML
 * parse in progress, if any.  Returns -1 for the caller to pass up. */
static int fail(struct xlsx *x, const char *msg)
{
    if (!x->err)
        x->err = msg;
    if (x->p)
        XML_StopParser(x->p, XML_FALSE);
    return -1;
}

/* An element's name without its namespace prefix ("x:row" → "row").  An
 * inline loop, not strchr: it runs for every tag and names are a few bytes
 * long, so the call into libc cost more than the scan (perf). */
static inline const char *local_name(const char *name)
{
    for (const char *p = name; *p; p++)
        if (*p == ':')
            return p + 1;
    return name;
}

/* The value of the unprefixed attribute called name, or NULL. */
static const char *attr(const char **attrs, const char *name)
{
    for (; *attrs; attrs += 2)
        if (strcmp(attrs[0], name) == 0)
            return attrs[1];
    return NULL;
}

/* The value of a prefixed attribute by its local name (r:id → "id",
 * whatever the prefix), or NULL; namespace declarations do not count. */
static const char *attr_prefixed(const char **attrs, const char *local)
{
    for (; *attrs; attrs += 2) {
        const char *colon = strchr(attrs[0], ':');
        if (colon && strncmp(attrs[0], "xmlns:", 6) != 0 && strcmp(colon + 1, local) == 0)
            return attrs[1];
    }
    return NULL;
}

/* ASCII digits only: isdigit() would follow the locale. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal number of n bytes (1..9 digits, nothing else) into *out. */
static bool parse_uint(const char *s, size_t n, size_t *out)
{
    size_t v = 0;
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* The 0-based column of a cell reference ("B3" → 1): one to three letters
 * up to XFD, then the row's digits, which the <row> already gave. */
static bool parse_column(const char *ref, size_t *col)
{
    size_t v = 0, n = 0;
    for (; n < 3 && ((*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z')); ref++, n++)
        v = v * 26 + (size_t)((*ref | 0x20) - 'a' + 1);
    if (n == 0 || v > MAX_COL)
        return false;
    for (; *ref; ref++)
        if (!is_digit(*ref))
            return false;
    *col = v - 1;
    return true;
}

/* What a cell's t attribute says about turning its text into a value. */
static enum cell_type cell_type(const char *t)
{
    if (!t)
        return T_AS_WRITTEN;
    if (strcmp(t, "s") == 0)
        return T_SHARED;
    if (strcmp(t, "inlineStr") == 0)
        return T_INLINE;
    if (strcmp(t, "b") == 0)
        return T_BOOL;
    return T_AS_WRITTEN;
}

/* Append one path segment to the part name being built in out (n bytes
 * so far): "." is nothing, ".." drops the last segment and may not climb
 * above the archive's root. */
static bool add_segment(char *out, size_t *n, const char *seg, size_t len)
{
    if (len == 0 || (len == 1 && seg[0] == '.'))
        return true;
    if (len == 2 && seg[0] == '.' && seg[1] == '.') {
        if (*n == 0)
            return false;
        while (*n > 0 && out[*n - 1] != '/')
            (*n)--;
        *n -= *n > 0;
        return true;
    }
    if (*n + 1 + len >= MAX_NAME)
        return false;
    if (*n > 0)
        out[(*n)++] = '/';
    memcpy(out + *n, seg, len);
    *n += len;
    return true;
}

/* The zip entry name a workbook relationship's Target names: relative to
 * xl/ (where workbook.xml lives) unless it starts with "/".  False for a
 * target that climbs out of the archive, is empty or too long. */
static bool resolve_target(const char *target, char out[MAX_NAME])
{
    size_t n = 0;
    if (*target == '/')
        target++;
    else
        add_segment(out, &n, "xl", 2);
    while (*target) {
        size_t len = strcspn(target, "/");
        if (!add_segment(out, &n, target, len))
            return false;
        target += len + (target[len] == '/');
    }
    out[n] = '\0';
    return n > 0;
}

/* ---- expat glue ---- */

/* Every start tag: count the nesting (capped before expat's tag stack can
 * grow without bound), then hand the local name to the part's handler.
 * Nothing runs once the read is refused or stopped: expat may still call
 * a handler or two after XML_StopParser. */
static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx *x = ud;
    if (x->err || x->stopped)
        return;
    if (++x->depth > MAX_DEPTH) {
        fail(x, E_DEPTH);
        return;
    }
    x->part->start(x, local_name(name), attrs);
}

/* Every end tag, to the part's handler (see on_start). */
static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xlsx *x = ud;
    if (x->err || x->stopped)
        return;
    x->depth--;
    x->part->end(x, local_name(name));
}

/* Character data, in as many pieces as expat likes, to the part's handler. */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xlsx *x = ud;
    if (x->err || x->stopped || len <= 0)
        return;
    x->part->text(x, s, (size_t)len);
}

/* A DOCTYPE is where entities (billion laughs, external files) come from:
 * no part of an xlsx needs one, so its mere presence refuses the file. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    fail(ud, E_DTD);
}

/* Belt and braces for the same rule: any entity declaration refuses. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    fail(ud, E_DTD);
}

/* A parser for one part, with the DTD guards in place.  NULL only when
 * out of memory. */
static XML_Parser new_parser(struct xlsx *x)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        return NULL;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

/* True when expat holds more than MAX_TOKEN bytes of one unfinished token:
 * after a parse call the current byte index is where the last token began,
 * and everything fed since is buffered. */
static bool token_too_long(struct xlsx *x, uint64_t fed)
{
    XML_Index at = XML_GetCurrentByteIndex(x->p);
    uint64_t held = at < 0 ? fed : fed - (uint64_t)at;
    return held > MAX_TOKEN;
}

/* Inflate one entry into the parser chunk by chunk, counting the bytes
 * really produced against the caps and the entry's declared size. */
static int feed(struct xlsx *x, zip_file_t *zf, uint64_t declared)
{
    uint64_t got = 0;
    for (;;) {
        void *buf = XML_GetBuffer(x->p, CHUNK);
        if (!buf)
            return fail(x, E_READ);
        zip_int64_t n = zip_fread(zf, buf, CHUNK);
        if (n < 0)
            return fail(x, E_INVALID);
        got += (uint64_t)n;
        x->inflated += (uint64_t)n;
        if (x->inflated > x->lim->max_uncompressed)
            return fail(x, E_TOO_BIG);
        if (got > declared)
            return fail(x, E_INVALID);
        enum XML_Status st = XML_ParseBuffer(x->p, (int)n, n == 0);
        if (x->err || x->stopped)
            return x->err ? -1 : x->stopped;
        if (st != XML_STATUS_OK)
            return fail(x, E_INVALID);
        if (n == 0)
            return 0;
        if (token_too_long(x, got))
            return fail(x, E_TOKEN);
    }
}

/* Parse the entry called name (found without regard to case, as OPC part
 * names are compared) with the handlers of part.  A missing entry is
 * refused when required, else skipped. */
static int parse_entry(struct xlsx *x, const char *name, const struct part *part, bool required)
{
    zip_stat_t st;
    zip_file_t *zf = NULL;
    int rc;
    zip_int64_t i = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (i < 0)
        return required ? fail(x, E_INVALID) : 0;
    if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return fail(x, E_INVALID);
    zf = zip_fopen_index(x->za, (zip_uint64_t)i, 0);
    if (!zf)
        return fail(x, E_INVALID);
    x->p = new_parser(x);
    if (!x->p) {
        rc = fail(x, E_READ);
        goto out;
    }
    x->part = part;
    x->depth = 0;
    x->flags = 0;
    rc = feed(x, zf, st.size);
out:
    if (x->p)
        XML_ParserFree(x->p);
    x->p = NULL;
    zip_fclose(zf);
    return rc;
}

/* For parts whose text matters not at all. */
static void no_text(struct xlsx *x, const char *s, size_t n) {}

/* ---- xl/workbook.xml: which sheet is first ---- */

/* An xsd:boolean attribute ("1", "true") is true. */
static bool xsd_true(const char *v)
{
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* The first <sheet> inside <sheets> is the first tab the user sees; keep
 * its relationship id.  <workbookPr date1904="1"> (a workbook made on an
 * old Mac, or so set) counts serial days from 1904-01-01. */
static void workbook_start(struct xlsx *x, const char *name, const char **attrs)
{
    if (strcmp(name, "workbookPr") == 0) {
        x->date1904 = xsd_true(attr(attrs, "date1904"));
        return;
    }
    if (strcmp(name, "sheets") == 0) {
        x->flags |= IN_SHEETS;
        return;
    }
    if (!(x->flags & IN_SHEETS) || x->rid[0] || strcmp(name, "sheet") != 0)
        return;
    const char *id = attr_prefixed(attrs, "id");
    if (!id || !*id || strlen(id) >= sizeof x->rid) {
        fail(x, E_INVALID);
        return;
    }
    memcpy(x->rid, id, strlen(id) + 1);
}

/* The sheets list is over: later <sheet> elements are not ours. */
static void workbook_end(struct xlsx *x, const char *name)
{
    if (strcmp(name, "sheets") == 0)
        x->flags &= ~(unsigned)IN_SHEETS;
}

static const struct part workbook_part = {workbook_start, workbook_end, no_text};

/* ---- xl/_rels/workbook.xml.rels: where the sheet and strings are ---- */

/* Whether s ends with tail (relationship types are URIs). */
static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The relationship with the first sheet's id gives the sheet's part; the
 * one of type .../sharedStrings the strings' part.  A target outside the
 * archive (TargetMode="External") is refused for the sheet. */
static void rels_start(struct xlsx *x, const char *name, const char **attrs)
{
    if (strcmp(name, "Relationship") != 0)
        return;
    const char *id = attr(attrs, "Id"), *type = attr(attrs, "Type");
    const char *target = attr(attrs, "Target"), *mode = attr(attrs, "TargetMode");
    bool external = mode && strcmp(mode, "External") == 0;
    if (!target)
        return;
    if (id && !x->sheet_name[0] && strcmp(id, x->rid) == 0) {
        if (external || !resolve_target(target, x->sheet_name))
            fail(x, E_INVALID);
    } else if (type && !external && !x->sst_name[0] && ends_with(type, "/sharedStrings")) {
        if (!resolve_target(target, x->sst_name))
            fail(x, E_INVALID);
    }
}

/* Relationships are single empty elements: nothing ends that matters. */
static void rels_end(struct xlsx *x, const char *name) {}

static const struct part rels_part = {rels_start, rels_end, no_text};

/* ---- the shared strings ---- */

/* A new <si>: one more string, if the count allows.  Text runs (<r><t>)
 * are concatenated; phonetic guides (<rPh>) are left out, as Excel shows. */
static void sst_start(struct xlsx *x, const char *name, const char **attrs)
{
    struct sst *s = &x->sst;
    if (strcmp(name, "si") == 0) {
        if (x->flags & IN_SI) {
            fail(x, E_INVALID);
            return;
        }
        if (s->n >= x->lim->max_shared_strings) {
            fail(x, E_SST);
            return;
        }
        x->flags |= IN_SI;
        s->cur = s->text.len;
    } else if (strcmp(name, "rPh") == 0) {
        x->flags |= IN_RPH;
    } else if (strcmp(name, "t") == 0) {
        x->flags |= IN_T;
    }
}

/* Keep the finished <si>'s start; the array grows by doubling. */
static void sst_push(struct sst *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->off = ts_xrealloc(s->off, s->cap * sizeof *s->off);
    }
    s->off[s->n++] = s->cur;
}

/* The end of an <si> completes one string (its NUL and its index); the
 * end of <rPh> or <t> closes what its start opened. */
static void sst_end(struct xlsx *x, const char *name)
{
    if (strcmp(name, "si") == 0 && (x->flags & IN_SI)) {
        ts_buf_addc(&x->sst.text, '\0');
        sst_push(&x->sst);
        x->flags &= ~(unsigned)(IN_SI | IN_T | IN_RPH);
    } else if (strcmp(name, "rPh") == 0) {
        x->flags &= ~(unsigned)IN_RPH;
    } else if (strcmp(name, "t") == 0) {
        x->flags &= ~(unsigned)IN_T;
    }
}

/* Text of a <t> inside an <si> (not in a phonetic guide) is the string's;
 * one string may not pass max_cell, nor all of them max_shared_bytes. */
static void sst_text(struct xlsx *x, const char *s, size_t n)
{
    struct sst *t = &x->sst;
    uint64_t cap = x->lim->max_shared_bytes ? x->lim->max_shared_bytes : x->lim->max_uncompressed;
    if ((x->flags & (IN_SI | IN_T | IN_RPH)) != (IN_SI | IN_T))
        return;
    if (t->text.len - t->cur + n > x->lim->max_cell) {
        fail(x, E_CELL);
        return;
    }
    if ((uint64_t)t->text.len + n > cap) {
        fail(x, E_SST_BYTES);
        return;
    }
    ts_buf_add(&t->text, s, n);
}

static const struct part sst_part = {sst_start, sst_end, sst_text};

/* ---- the worksheet ---- */

/* Make room for columns 0..need-1 in the row (need ≤ max_columns). */
static void row_grow(struct row *r, size_t need)
{
    if (need <= r->cap)
        return;
    size_t cap = r->cap ? r->cap * 2 : 32;
    cap = cap < need ? need : cap;
    r->off = ts_xrealloc(r->off, cap * sizeof *r->off);
    r->cells = ts_xrealloc(r->cells, cap * sizeof *r->cells);
    for (size_t i = r->cap; i < cap; i++)
        r->off[i] = NONE;
    r->cap = cap;
}

/* A <row>: its number is r, or the previous row's + 1; rows must come in
 * ascending order, as Excel writes and requires them. */
static void row_begin(struct xlsx *x, const char **attrs)
{
    struct row *r = &x->row;
    const char *s = attr(attrs, "r");
    size_t num = r->num + 1;
    if ((x->flags & IN_ROW) || (s && (!parse_uint(s, strlen(s), &num) || num <= r->num))) {
        fail(x, E_INVALID);
        return;
    }
    if (num > MAX_ROW) {
        fail(x, E_ROWS);
        return;
    }
    for (size_t i = 0; i < r->ncells; i++)
        r->off[i] = NONE;
    r->ncells = 0;
    r->next_col = 0;
    r->num = num;
    ts_buf_reset(&r->text);
    x->flags |= IN_ROW;
}

/* A </row> with at least one value goes to the caller, its missing cells
 * as "". */
static void row_end(struct xlsx *x)
{
    struct row *r = &x->row;
    x->flags &= ~(unsigned)IN_ROW;
    if (r->ncells == 0 || !x->fn)
        return;
    if (r->num > x->lim->max_rows) {
        fail(x, E_ROWS);
        return;
    }
    for (size_t i = 0; i < r->ncells; i++)
        if (r->off[i] != SHARED) /* a shared string's cell is set already */
            r->cells[i] = r->off[i] == NONE ? "" : r->text.data + r->off[i];
    int rc = x->fn(x->ctx, r->num, r->cells, r->ncells);
    if (rc) {
        x->stopped = rc;
        XML_StopParser(x->p, XML_FALSE);
    }
}

/* A <c>: its column is from r, or the one after the previous cell's.  Its
 * r and t are found in one pass over the attributes (every cell of the
 * sheet comes here). */
static void cell_begin(struct xlsx *x, const char **attrs)
{
    const char *ref = NULL, *t = NULL;
    for (; *attrs; attrs += 2)
        if (attrs[0][0] == 'r' && attrs[0][1] == '\0')
            ref = attrs[1];
        else if (attrs[0][0] == 't' && attrs[0][1] == '\0')
            t = attrs[1];
    size_t col = x->row.next_col;
    if ((x->flags & (IN_ROW | IN_CELL)) != IN_ROW || (ref && !parse_column(ref, &col))) {
        fail(x, E_INVALID);
        return;
    }
    if (col >= MAX_COL) {
        fail(x, E_COLS);
        return;
    }
    x->cell.col = col;
    x->cell.type = cell_type(t);
    x->cell.start = x->row.text.len;
    x->row.next_col = col + 1;
    x->flags |= IN_CELL;
}

/* The shared string a t="s" cell's index names, or NULL (refused).  The
 * cell's index text is taken back out of the row: the row hands the caller
 * the string where the table keeps it (the table no longer grows once the
 * sheet is read), not a copy. */
static const char *resolve_shared(struct xlsx *x)
{
    struct row *r = &x->row;
    struct sst *s = &x->sst;
    size_t start = x->cell.start, i;
    if (!parse_uint(r->text.data + start, r->text.len - start, &i) || i >= s->n) {
        fail(x, E_INVALID);
        return NULL;
    }
    r->text.len = start;
    return s->text.data + s->off[i];
}

/* Replace a t="b" cell's 0 or 1 by what Excel shows. */
static void resolve_bool(struct xlsx *x)
{
    struct row *r = &x->row;
    const char *v = r->text.data + x->cell.start;
    size_t n = r->text.len - x->cell.start;
    if (n != 1 || (v[0] != '0' && v[0] != '1'))
        return;
    const char *shown = v[0] == '1' ? "TRUE" : "FALSE";
    r->text.len = x->cell.start;
    ts_buf_adds(&r->text, shown);
}

/* A </c>: the value is final; an empty one counts as no cell, one past
 * max_columns refuses the file, two in one column are malformed. */
static void cell_end(struct xlsx *x)
{
    struct row *r = &x->row;
    size_t col = x->cell.col, start = x->cell.start;
    const char *shared = NULL;
    x->flags &= ~(unsigned)(IN_CELL | IN_V | IN_IS | IN_T | IN_RPH);
    if (r->text.len == start)
        return;
    if (x->cell.type == T_SHARED && !(shared = resolve_shared(x)))
        return;
    if (x->cell.type == T_BOOL)
        resolve_bool(x);
    if (shared ? !*shared : r->text.len == start)
        return;
    if (col >= x->lim->max_columns) {
        fail(x, E_COLS);
        return;
    }
    row_grow(r, col + 1);
    if (r->off[col] != NONE) {
        fail(x, E_INVALID);
        return;
    }
    if (shared) {
        r->off[col] = SHARED;
        r->cells[col] = shared;
    } else {
        ts_buf_addc(&r->text, '\0');
        r->off[col] = start;
    }
    if (col + 1 > r->ncells)
        r->ncells = col + 1;
}

/* Whether name is the one-letter element c ("c", "v", "t"): the tags of
 * every cell, compared without a call to strcmp. */
static inline bool is_1(const char *name, char c)
{
    return name[0] == c && name[1] == '\0';
}

/* Which element inside a cell starts or ends: the flag it stands for. */
static unsigned cell_flag(const char *name)
{
    if (is_1(name, 'v'))
        return IN_V;
    if (is_1(name, 't'))
        return IN_T;
    if (strcmp(name, "is") == 0)
        return IN_IS;
    if (strcmp(name, "rPh") == 0)
        return IN_RPH;
    return 0;
}

/* Worksheet start tags: nothing counts before <sheetData>; inside it
 * rows, cells and the elements that hold a cell's text. */
static void sheet_start(struct xlsx *x, const char *name, const char **attrs)
{
    if (!(x->flags & IN_SHEET_DATA)) {
        if (strcmp(name, "sheetData") == 0)
            x->flags |= IN_SHEET_DATA;
    } else if (is_1(name, 'c')) {
        cell_begin(x, attrs);
    } else if (strcmp(name, "row") == 0) {
        row_begin(x, attrs);
    } else if (x->flags & IN_CELL) {
        x->flags |= cell_flag(name);
    }
}

/* Worksheet end tags: a </c> or </row> completes a cell or a row. */
static void sheet_end(struct xlsx *x, const char *name)
{
    if (!(x->flags & IN_SHEET_DATA))
        return;
    if (x->flags & IN_CELL) {
        if (is_1(name, 'c'))
            cell_end(x);
        else
            x->flags &= ~cell_flag(name);
    } else if (strcmp(name, "row") == 0 && (x->flags & IN_ROW)) {
        row_end(x);
    } else if (strcmp(name, "sheetData") == 0) {
        x->flags &= ~(unsigned)IN_SHEET_DATA;
    }
}

/* A cell's text: <v> for every type but inline strings, whose text is in
 * <is><t> (phonetic guides left out).  max_cell bounds each cell. */
static void sheet_text(struct xlsx *x, const char *s, size_t n)
{
    unsigned f = x->flags & (IN_CELL | IN_V | IN_IS | IN_T | IN_RPH);
    bool want = x->cell.type == T_INLINE ? (f & ~(unsigned)IN_V) == (IN_CELL | IN_IS | IN_T)
                                         : (f & (IN_CELL | IN_V)) == (IN_CELL | IN_V);
    if (!want)
        return;
    if (x->row.text.len - x->cell.start + n > x->lim->max_cell) {
        fail(x, E_CELL);
        return;
    }
    ts_buf_add(&x->row.text, s, n);
}

static const struct part sheet_part = {sheet_start, sheet_end, sheet_text};

/* ---- the archive ---- */

/* Judge the archive before inflating anything: the number of entries,
 * each entry's declared size and their sum against the caps, and only the
 * methods an xlsx uses (stored or deflated, never encrypted). */
static int check_entries(struct xlsx *x, uint64_t *inflated)
{
    zip_int64_t n = zip_get_num_entries(x->za, 0);
    uint64_t total = 0, cap = x->lim->max_uncompressed;
    if (n < 0)
        return fail(x, E_INVALID);
    if ((uint64_t)n > x->lim->max_entries)
        return fail(x, E_ENTRIES);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
            return fail(x, E_INVALID);
        if (st.size > cap - total)
            return fail(x, E_TOO_BIG);
        total += st.size;
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return fail(x, E_INVALID);
        if (!(st.valid & ZIP_STAT_COMP_METHOD) ||
            (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE))
            return fail(x, E_INVALID);
    }
    *inflated = total;
    return 0;
}

/* Workbook, its relationships, the shared strings, then the sheet; what
 * the workbook says goes to book (if any) before the first row. */
static int read_archive(struct xlsx *x, struct ts_xlsx_book *book)
{
    uint64_t inflated;
    int rc = check_entries(x, &inflated);
    if (rc == 0)
        rc = parse_entry(x, "xl/workbook.xml", &workbook_part, true);
    if (rc == 0 && book)
        book->date1904 = x->date1904;
    if (rc == 0 && !x->rid[0])
        rc = fail(x, E_NO_SHEET);
    if (rc == 0)
        rc = parse_entry(x, "xl/_rels/workbook.xml.rels", &rels_part, true);
    if (rc == 0 && !x->sheet_name[0])
        rc = fail(x, E_NO_SHEET);
    if (rc == 0)
        rc =
            parse_entry(x, x->sst_name[0] ? x->sst_name : "xl/sharedStrings.xml", &sst_part, false);
    if (rc == 0)
        rc = parse_entry(x, x->sheet_name, &sheet_part, true);
    return rc;
}

/* An OLE compound file (D0 CF 11 E0): an old .xls, or an xlsx that Excel
 * encrypted with a password.  Worth its own message: users do upload them. */
static bool is_ole(const unsigned char *p, size_t n)
{
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return n >= sizeof magic && memcmp(p, magic, sizeof magic) == 0;
}

/* The same test on the first bytes of a file that libzip refused. */
static bool file_is_ole(const char *path)
{
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return is_ole(head, n);
}

/* Why libzip would not open it, for the user. */
static const char *open_error(int zip_err, bool ole)
{
    if (ole)
        return E_XLS;
    switch (zip_err) {
    case ZIP_ER_OPEN:
    case ZIP_ER_NOENT:
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
    case ZIP_ER_MEMORY:
        return E_READ;
    default:
        return E_INVALID;
    }
}

/* A fresh reader: the given limits (or the defaults) and callback. */
static void xlsx_init(struct xlsx *x, const struct ts_xlsx_limits *lim, ts_xlsx_row_fn fn,
                      void *ctx)
{
    memset(x, 0, sizeof *x);
    x->lim = lim ? lim : &ts_xlsx_default_limits;
    x->fn = fn;
    x->ctx = ctx;
}

/* Release what the read took and hand the outcome to the caller. */
static int xlsx_finish(struct xlsx *x, int rc, const char **err)
{
    ts_buf_free(&x->sst.text);
    free(x->sst.off);
    ts_buf_free(&x->row.text);
    free(x->row.off);
    free(x->row.cells);
    if (x->za)
        zip_discard(x->za);
    if (err)
        *err = x->err;
    return rc;
}

/* Read an uploaded file where it lies (the multipart temp file). */
int ts_xlsx_read(const char *path, const struct ts_xlsx_limits *lim, ts_xlsx_row_fn fn, void *ctx,
                 struct ts_xlsx_book *book, const char **err)
{
    struct xlsx x;
    int ze = 0, rc;
    xlsx_init(&x, lim, fn, ctx);
    if (book)
        *book = (struct ts_xlsx_book){0};
    x.za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (x.za)
        rc = read_archive(&x, book);
    else
        rc = fail(&x, open_error(ze, ze == ZIP_ER_NOZIP && file_is_ole(path)));
    return xlsx_finish(&x, rc, err);
}

/* Read an xlsx held in memory (tests, the fuzzer, small uploads); data is
 * neither copied nor changed. */
int ts_xlsx_read_buffer(const void *data, size_t len, const struct ts_xlsx_limits *lim,
                        ts_xlsx_row_fn fn, void *ctx, struct ts_xlsx_book *book, const char **err)
{
    struct xlsx x;
    zip_error_t ze;
    zip_source_t *src;
    int rc;
    xlsx_init(&x, lim, fn, ctx);
    zip_error_init(&ze);
    src = zip_source_buffer_create(data, len, 0, &ze);
    if (src) {
        x.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
        if (!x.za)
            zip_source_free(src);
    }
    if (book)
        *book = (struct ts_xlsx_book){0};
    if (x.za)
        rc = read_archive(&x, book);
    else
        rc = fail(&x, open_error(zip_error_code_zip(&ze), data && is_ole(data, len)));
    zip_error_fini(&ze);
    return xlsx_finish(&x, rc, err);
}

/* Only the archive's directory: no entry is inflated, so this costs a
 * read of the central directory however large the sheet. */
int ts_xlsx_inflated_size(const char *path, const struct ts_xlsx_limits *lim, uint64_t *bytes,
                          const char **err)
{
    struct xlsx x;
    int ze = 0, rc;
    xlsx_init(&x, lim, NULL, NULL);
    *bytes = 0;
    x.za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (x.za)
        rc = check_entries(&x, bytes);
    else
        rc = fail(&x, open_error(ze, ze == ZIP_ER_NOZIP && file_is_ole(path)));
    return xlsx_finish(&x, rc, err);
}

/* ---- dates ---- */

/* The civil date of a day count from 1970-01-01 (H. Hinnant's algorithm,
 * integers only, proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* Write v (0 ≤ v < 10^width) as exactly width decimal digits. */
static void put_digits(char *out, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

/* The integer part of a serial day as written in a cell: digits, then
 * optionally "." and more digits; -1 when it is not one. */
static int64_t serial_days(const char *s)
{
    int64_t v = 0;
    size_t n = 0;
    for (; is_digit(s[n]); n++) {
        if (n == 7)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0)
        return -1;
    if (s[n] == '.') {
        for (n++; is_digit(s[n]); n++)
            ;
    }
    return s[n] == '\0' ? v : -1;
}

/* Days from 1970-01-01 of serial day n, or INT64_MIN when n is outside
 * the date system's range (up to 9999-12-31).
 * 1900: Excel counts 1900-01-01 as day 1 and, like Lotus 1-2-3 before it,
 * keeps a 1900-02-29 that never was as day 60 (the caller's case); from
 * day 61 (1900-03-01) on, the serial is days since 1899-12-30, which is
 * -25569 from 1970-01-01.
 * 1904: day 0 is 1904-01-01 (-24107 from 1970-01-01), no phantom day. */
static int64_t unix_days(int64_t n, bool date1904)
{
    if (date1904)
        return n >= 0 && n <= 2957003 ? n - 24107 : INT64_MIN;
    return n >= 1 && n <= 2958465 ? n - 25569 + (n < 60) : INT64_MIN;
}

int ts_xlsx_serial_date(const char *cell, bool date1904, char out[11])
{
    int64_t n = cell ? serial_days(cell) : -1, days = unix_days(n, date1904), y, m, d;
    out[0] = '\0';
    if (days == INT64_MIN)
        return -1;
    if (n == 60 && !date1904) {
        memcpy(out, "1900-02-29", 11);
        return 0;
    }
    civil_from_days(days, &y, &m, &d);
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
    return 0;
}
