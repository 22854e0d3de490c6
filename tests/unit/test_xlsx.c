/* Unit tests of lib/ts_xlsx: the streaming reader of an upload's first
 * worksheet, and Excel serial dates.
 *
 * Files come from three makers: libxlsxwriter (both its shared-string mode
 * and the constant-memory mode that writes inline strings), openpyxl (a
 * checked-in file, tests/data/xlsx/), and minimal archives written here
 * with libzip part by part, for the shapes other makers produce and for
 * hostile ones (zip bombs, billion laughs, lying headers).  Every archive is
 * read twice, from memory and from a file, and both reads must agree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "ts_buf.h"
#include "ts_xlsx.h"

static char tmpdir[] = "/tmp/ts-test-xlsx-XXXXXX";

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define REL_WS  NS_REL "/worksheet"
#define REL_SST NS_REL "/sharedStrings"

/* ---- building archives ---- */

struct entry {
    const char *name;
    const char *data; /* NUL-terminated unless len is set */
    size_t len;
};

struct blob {
    unsigned char *data;
    size_t len;
};

static const char WORKBOOK[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                               "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
                               "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
                               "</sheets></workbook>";

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"" NS_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_WS "\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL_SST "\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";

#define SHEET(rows) "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"
#define SST(items)  "<sst xmlns=\"" NS_MAIN "\">" items "</sst>"

static char *tmp_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void read_file(const char *path, struct blob *b)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    b->len = (size_t)n;
    b->data = malloc(b->len + 1);
    assert_non_null(b->data);
    assert_int_equal(fread(b->data, 1, b->len, f), b->len);
    fclose(f);
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A zip of the given entries (deflated), as bytes. */
static void make_zip(const struct entry *e, size_t n, struct blob *out)
{
    const char *path = tmp_path("made.zip");
    int ze = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        size_t len = e[i].len ? e[i].len : strlen(e[i].data);
        zip_source_t *src = zip_source_buffer(z, e[i].data, len, 0);
        assert_non_null(src);
        zip_int64_t idx = zip_file_add(z, e[i].name, src, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9), 0);
    }
    assert_int_equal(zip_close(z), 0);
    read_file(path, out);
    unlink(path);
}

/* An xlsx of the usual three parts plus a sheet and, if given, shared
 * strings. */
static void make_xlsx(const char *sheet, const char *sst, struct blob *out)
{
    struct entry e[] = {
        {"xl/workbook.xml", WORKBOOK, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml", sheet, 0},
        {"xl/sharedStrings.xml", sst, 0},
    };
    make_zip(e, sst ? 4 : 3, out);
}

/* ---- reading ---- */

/* The rows a read handed over, one line each: "row|cell|cell...". */
struct seen {
    struct ts_buf text;
    size_t rows;
    size_t stop_at; /* return 7 at this row (0: never) */
};

static int collect(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
    struct seen *s = ctx;
    assert_true(ncells > 0);
    assert_true(cells[ncells - 1][0] != '\0');
    ts_buf_printf(&s->text, "%zu", row);
    for (size_t i = 0; i < ncells; i++) {
        ts_buf_addc(&s->text, '|');
        ts_buf_adds(&s->text, cells[i]);
    }
    ts_buf_addc(&s->text, '\n');
    s->rows++;
    return s->stop_at && row >= s->stop_at ? 7 : 0;
}

/* What one read gave. */
struct outcome {
    int rc;
    const char *err;
    char *rows;
};

static void read_one(const struct blob *b, const struct ts_xlsx_limits *lim, bool from_file,
                     size_t stop_at, struct outcome *o)
{
    struct seen s = {.stop_at = stop_at};
    o->err = "unset";
    if (from_file) {
        const char *path = tmp_path("in.xlsx");
        write_file(path, b->data, b->len);
        o->rc = ts_xlsx_read(path, lim, collect, &s, NULL, &o->err);
        unlink(path);
    } else {
        o->rc = ts_xlsx_read_buffer(b->data, b->len, lim, collect, &s, NULL, &o->err);
    }
    o->rows = strdup(ts_buf_cstr(&s.text));
    ts_buf_free(&s.text);
}

/* Read from memory and from a file; both must give the same.  want_err
 * NULL: the read must succeed and give want_rows exactly; else it must be
 * refused with a message containing want_err. */
static void expect_read_lim(const struct blob *b, const struct ts_xlsx_limits *lim,
                            const char *want_rows, const char *want_err)
{
    struct outcome m, f;
    read_one(b, lim, false, 0, &m);
    read_one(b, lim, true, 0, &f);
    if (want_err) {
        if (m.rc != -1 || !m.err || !strstr(m.err, want_err)) {
            print_error("want refusal \"%s\", got rc %d err %s rows:\n%s", want_err, m.rc,
                        m.err ? m.err : "(null)", m.rows);
            fail();
        }
    } else {
        if (m.rc != 0 || m.err != NULL || strcmp(m.rows, want_rows) != 0) {
            print_error("want rows:\n%sgot rc %d err %s rows:\n%s", want_rows, m.rc,
                        m.err ? m.err : "(null)", m.rows);
            fail();
        }
    }
    assert_int_equal(f.rc, m.rc);
    assert_true(f.err == m.err || (f.err && m.err && strcmp(f.err, m.err) == 0));
    assert_string_equal(f.rows, m.rows);
    free(m.rows);
    free(f.rows);
}

static void expect_read(const struct blob *b, const char *want_rows, const char *want_err)
{
    expect_read_lim(b, NULL, want_rows, want_err);
}

static void expect_sheet(const char *sheet, const char *sst, const char *want_rows,
                         const char *want_err)
{
    struct blob b;
    make_xlsx(sheet, sst, &b);
    expect_read(&b, want_rows, want_err);
    free(b.data);
}

/* ---- files from libxlsxwriter ---- */

/* A small 出口明细-like sheet, the way our own exports write it. */
static void write_sample(lxw_workbook *wb)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "出口明细");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "序号", NULL);
    worksheet_write_string(ws, 0, 1, "出口报关单号", NULL);
    worksheet_write_string(ws, 0, 2, "商品名称", NULL);
    worksheet_write_string(ws, 0, 3, "美元离岸价", NULL);
    worksheet_write_string(ws, 0, 4, "出口日期", NULL);
    worksheet_write_number(ws, 1, 0, 1, NULL);
    worksheet_write_string(ws, 1, 1, "530120251000012345", NULL);
    worksheet_write_string(ws, 1, 2, "纯棉针织T恤衫", NULL);
    worksheet_write_number(ws, 1, 3, 12345.67, NULL);
    worksheet_write_number(ws, 1, 4, 45658, date);
    worksheet_write_number(ws, 3, 0, 3, NULL); /* row 3 empty, row 4 sparse */
    worksheet_write_string(ws, 3, 3, "a < b & \"c\"", NULL);
    worksheet_write_boolean(ws, 4, 0, 1, NULL);
    worksheet_write_boolean(ws, 4, 1, 0, NULL);
    lxw_worksheet *other = workbook_add_worksheet(wb, "Sheet2");
    worksheet_write_string(other, 0, 0, "not this one", NULL);
}

static const char SAMPLE_ROWS[] = "1|序号|出口报关单号|商品名称|美元离岸价|出口日期\n"
                                  "2|1|530120251000012345|纯棉针织T恤衫|12345.67|45658\n"
                                  "4|3|||a < b & \"c\"\n"
                                  "5|TRUE|FALSE\n";

static void xlsxwriter_case(bool constant_memory)
{
    const char *path = tmp_path("lxw.xlsx");
    lxw_workbook_options opt = {.constant_memory = constant_memory, .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    write_sample(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    struct blob b;
    read_file(path, &b);
    unlink(path);
    expect_read(&b, SAMPLE_ROWS, NULL);
    free(b.data);
}

static void test_xlsxwriter_shared_strings(void **state)
{
    xlsxwriter_case(false);
}

static void test_xlsxwriter_constant_memory(void **state)
{
    xlsxwriter_case(true);
}

/* A file openpyxl wrote (tests/data/xlsx/make-openpyxl.py): inline strings
 * of character references, t="n", a formula with an empty cached value,
 * dates as serial days, a Chinese sheet name; its second sheet is not read. */
static void test_openpyxl_file(void **state)
{
    struct blob b;
    read_file("tests/data/xlsx/openpyxl.xlsx", &b);
    expect_read(&b,
                "1|序号|报关单号|商品名称|数量|出口日期\n"
                "2|1|530120251000012345|笔记本电脑|10|45658\n"
                "3|2|530120251000012346|纯棉针织T恤衫|2.5|45351\n"
                "5|合计\n"
                "6|||TRUE\n",
                NULL);
    free(b.data);
}

/* ---- what cells hold ---- */

static void test_shared_strings_runs_and_phonetics(void **state)
{
    expect_sheet(
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v>"
              "</c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>0</v></c></row>"),
        SST("<si><t>出口</t></si>"
            "<si><r><rPr><b/></rPr><t>退</t></r><r><t xml:space=\"preserve\"> 税 </t>"
            "</r><rPh sb=\"0\" eb=\"1\"><t>タイ</t></rPh></si>"
            "<si><t/></si>"),
        "1|出口|退 税 ||出口\n", NULL);
}

/* A shared string is handed over where the table keeps it, not copied into
 * the row: the next row must not still see it, an empty one is no cell,
 * and a second cell in its column is refused as for any other cell. */
static void test_shared_strings_across_rows(void **state)
{
    expect_sheet(
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\"><v>7</v></c></row>"
              "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>1</v></c></row>"
              "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c></row>"
              "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>2</v></c><c r=\"B4\" t=\"s\"><v>0</v></c>"
              "</row>"),
        SST("<si><t>出口</t></si><si><t>退税</t></si><si><t/></si>"),
        "1|出口||7\n2||退税\n4||出口\n", NULL);
    expect_sheet(
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"A1\"><v>1</v></c></row>"),
        SST("<si><t>出口</t></si>"), NULL, "不是有效的xlsx");
}

static void test_inline_strings(void **state)
{
    expect_sheet(SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>商品名称</t></is></c>"
                       "<c r=\"B1\" t=\"inlineStr\"><is><r><t>笔记本</t></r><r><t>电脑</t></r>"
                       "<rPh><t>x</t></rPh></is></c>"
                       "<c r=\"C1\" t=\"inlineStr\"><v>ignored</v><is><t>&lt;&amp;&#x4E2D;</t>"
                       "</is></c></row>"),
                 NULL, "1|商品名称|笔记本电脑|<&中\n", NULL);
}

static void test_sparse_cells(void **state)
{
    expect_sheet(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"D1\"><v>4</v></c></row>"
                       "<row r=\"3\"><c r=\"C3\" s=\"2\"/><c r=\"B3\"><v>b</v></c></row>"
                       "<row r=\"4\" spans=\"1:3\"><c r=\"AA4\" s=\"1\"/></row>"
                       "<row r=\"7\"><c r=\"AB7\" t=\"inlineStr\"><is><t>far</t></is></c></row>"),
                 NULL,
                 "1|1|||4\n3||b\n"
                 "7||||||||||||||||||||||||||||far\n",
                 NULL);
}

/* Rows and cells without r follow the one before, as some writers do. */
static void test_implicit_positions(void **state)
{
    expect_sheet(SHEET("<row><c><v>a</v></c><c><v>b</v></c><c r=\"E1\"><v>e</v></c><c><v>f</v>"
                       "</c></row><row r=\"5\"><c><v>x</v></c></row><row><c r=\"B6\"><v>y</v></c>"
                       "</row>"),
                 NULL, "1|a|b|||e|f\n5|x\n6||y\n", NULL);
}

static void test_cell_types(void **state)
{
    expect_sheet(SHEET("<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c r=\"B2\" t=\"e\">"
                       "<v>#N/A</v></c><c r=\"C2\" t=\"str\"><f>A1&amp;\"x\"</f><v>ax</v></c>"
                       "<c r=\"D2\"><f>1+1</f><v>2</v></c><c r=\"E2\" t=\"n\"><v>4.5E-3</v></c>"
                       "<c r=\"F2\" t=\"d\"><v>2025-01-01T00:00:00</v></c><c r=\"G2\"><f>1/0</f>"
                       "</c><c r=\"H2\" t=\"b\"><v>0</v></c></row>"),
                 NULL, "2|TRUE|#N/A|ax|2|4.5E-3|2025-01-01T00:00:00||FALSE\n", NULL);
}

/* Another maker's prefixes: <x:row> is <row>. */
static void test_prefixed_elements(void **state)
{
    expect_sheet("<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\""
                 " t=\"inlineStr\"><x:is><x:t>前缀</x:t></x:is></x:c></x:row></x:sheetData>"
                 "</x:worksheet>",
                 NULL, "1|前缀\n", NULL);
}

static void test_chinese_everywhere(void **state)
{
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                             "<sheet name=\"外贸企业出口退税出口明细申请表\" sheetId=\"1\" "
                             "r:id=\"rId1\"/></sheets></workbook>";
    static const char sheet[] = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
                                      "t=\"inlineStr\"><is><t>千克</t></is></c></row>");
    struct entry e[] = {
        {"xl/workbook.xml", wb, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml", sheet, 0},
        {"xl/sharedStrings.xml", SST("<si><t>𠀀汉字，全角（）ＡＢＣ</t></si>"), 0},
    };
    struct blob b;
    make_zip(e, 4, &b);
    expect_read(&b, "1|𠀀汉字，全角（）ＡＢＣ|千克\n", NULL);
    free(b.data);
}

/* ---- finding the sheet ---- */

/* The first sheet is rId7, in a part not called sheet1.xml; sheet1.xml
 * exists too and must not be read.  Targets may be absolute. */
static void test_sheet_found_through_rels(void **state)
{
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                             "<sheet name=\"明细\" sheetId=\"2\" r:id=\"rId7\"/>"
                             "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
                             "</workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" REL_WS
        "\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId7\" Type=\"" REL_WS
        "\" Target=\"/xl/worksheets/data.xml\"/><Relationship Id=\"rId9\" Type=\"" REL_SST
        "\" Target=\"./strings/../Strings.xml\"/></Relationships>";
    struct entry e[] = {
        {"xl/workbook.xml", wb, 0},
        {"xl/_rels/workbook.xml.rels", rels, 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c><v>wrong</v></c></row>"), 0},
        {"xl/worksheets/data.xml", SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), 0},
        {"xl/strings.xml", SST("<si><t>right</t></si>"), 0},
    };
    struct blob b;
    make_zip(e, 5, &b);
    expect_read(&b, "1|right\n", NULL);
    free(b.data);
}

static void expect_parts(const char *wb, const char *rels, const char *want_err)
{
    struct entry e[] = {
        {"xl/workbook.xml", wb, 0},
        {"xl/_rels/workbook.xml.rels", rels, 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c><v>1</v></c></row>"), 0},
    };
    struct blob b;
    make_zip(e, 3, &b);
    expect_read(&b, NULL, want_err);
    free(b.data);
}

static void test_missing_or_wrong_parts(void **state)
{
    static const char no_sheets[] = "<workbook xmlns=\"" NS_MAIN "\"><sheets/></workbook>";
    static const char no_rel[] = "<Relationships xmlns=\"" NS_PKG "\"/>";
    static const char escape[] = "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" "
                                 "Type=\"" REL_WS "\" Target=\"../../../etc/passwd\"/>"
                                 "</Relationships>";
    static const char external[] = "<Relationships xmlns=\"" NS_PKG "\"><Relationship "
                                   "Id=\"rId1\" Type=\"" REL_WS "\" Target=\"http://x/s.xml\" "
                                   "TargetMode=\"External\"/></Relationships>";
    static const char missing[] = "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\""
                                  " Type=\"" REL_WS "\" Target=\"worksheets/nope.xml\"/>"
                                  "</Relationships>";
    expect_parts(no_sheets, RELS, "没有工作表");
    expect_parts(WORKBOOK, no_rel, "没有工作表");
    expect_parts(WORKBOOK, escape, "不是有效的xlsx");
    expect_parts(WORKBOOK, external, "不是有效的xlsx");
    expect_parts(WORKBOOK, missing, "不是有效的xlsx");
    expect_parts("<workbook", RELS, "不是有效的xlsx");

    struct entry only_sheet[] = {{"xl/worksheets/sheet1.xml", SHEET(""), 0}};
    struct blob b;
    make_zip(only_sheet, 1, &b);
    expect_read(&b, NULL, "不是有效的xlsx");
    free(b.data);
}

static void test_malformed_sheets(void **state)
{
    static const char *const bad[] = {
        SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), /* no shared strings */
        SHEET("<row r=\"2\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>"),
        SHEET("<row r=\"3\"><c><v>1</v></c></row><row r=\"1\"><c><v>1</v></c></row>"),
        SHEET("<row r=\"x\"><c><v>1</v></c></row>"),
        SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"),
        SHEET("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"),
        SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"),
        SHEET("<row r=\"1\"><row><c><v>1</v></c></row></row>"),
        SHEET("<c><v>1</v></c>"),
        SHEET("<row r=\"1\"><c><v>1</v></c>"),                 /* not closed */
        SHEET("<row r=\"1\"><c><v>&undefined;</v></c></row>"), /* no such entity */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_sheet(bad[i], NULL, NULL, "不是有效的xlsx");
    expect_sheet(SHEET("<row r=\"1\"><c t=\"s\"><v>1</v></c></row>"), SST("<si><t>a</t></si>"),
                 NULL, "不是有效的xlsx");
}

/* No rows is not an error: the caller decides what an empty sheet means. */
static void test_empty_sheet(void **state)
{
    expect_sheet("<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>", NULL, "", NULL);
    expect_sheet(SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"/></row><row r=\"2\"/>"), NULL, "", NULL);
}

/* ---- limits ---- */

static struct ts_xlsx_limits small_limits(void)
{
    struct ts_xlsx_limits lim = ts_xlsx_default_limits;
    lim.max_entries = 8;
    lim.max_uncompressed = 1024 * 1024;
    lim.max_shared_strings = 3;
    lim.max_cell = 16;
    lim.max_columns = 4;
    lim.max_rows = 3;
    lim.max_shared_bytes = 40;
    return lim;
}

static void expect_sheet_lim(const char *sheet, const char *sst, const char *want_rows,
                             const char *want_err)
{
    struct ts_xlsx_limits lim = small_limits();
    struct blob b;
    make_xlsx(sheet, sst, &b);
    expect_read_lim(&b, &lim, want_rows, want_err);
    free(b.data);
}

static void test_limit_rows_columns(void **state)
{
    expect_sheet_lim(SHEET("<row r=\"3\"><c r=\"D3\"><v>4</v></c><c r=\"Z3\" s=\"1\"/></row>"
                           "<row r=\"9\"><c r=\"A9\" s=\"1\"/></row>"),
                     NULL, "3||||4\n", NULL);
    expect_sheet_lim(SHEET("<row r=\"4\"><c><v>1</v></c></row>"), NULL, NULL, "表格行数超过限制");
    expect_sheet_lim(SHEET("<row r=\"1\"><c r=\"E1\"><v>5</v></c></row>"), NULL, NULL,
                     "表格列数超过限制");
    expect_sheet(SHEET("<row r=\"1048577\"><c><v>1</v></c></row>"), NULL, NULL, "表格行数超过限制");
}

static void test_limit_cell_and_strings(void **state)
{
    expect_sheet_lim(SHEET("<row><c t=\"inlineStr\"><is><t>0123456789abcdef</t></is></c></row>"),
                     NULL, "1|0123456789abcdef\n", NULL);
    expect_sheet_lim(SHEET("<row><c t=\"inlineStr\"><is><t>01234567</t><t>89abcdefg</t></is>"
                           "</c></row>"),
                     NULL, NULL, "单元格内容过长");
    expect_sheet_lim(SHEET("<row><c><v>0123456789abcdefg</v></c></row>"), NULL, NULL,
                     "单元格内容过长");
    expect_sheet_lim(SHEET(""), SST("<si><t>0123456789abcdefg</t></si>"), NULL, "单元格内容过长");
    expect_sheet_lim(SHEET(""), SST("<si/><si/><si/><si/>"), NULL, "共享字符串数量超过限制");
    expect_sheet_lim(SHEET(""),
                     SST("<si><t>0123456789abcdef</t></si><si><t>0123456789abcdef</t></si>"
                         "<si><t>0123456789</t></si>"),
                     NULL, "共享字符串总长度超过限制");
}

/* A sheet whose only cell (inline) is the text of b. */
static void big_cell_sheet(const struct ts_buf *b, struct ts_buf *out)
{
    ts_buf_adds(out, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
                     "<c r=\"A1\" t=\"inlineStr\"><is><t>");
    ts_buf_add(out, b->data, b->len);
    ts_buf_adds(out, "</t></is></c></row></sheetData></worksheet>");
}

/* A 1 MB cell: refused at the default max_cell, read when allowed. */
static void test_one_megabyte_cell(void **state)
{
    struct ts_buf text = {0}, sheet = {0};
    struct blob b;
    while (text.len < 1024 * 1024)
        ts_buf_adds(&text, "出口退税");
    big_cell_sheet(&text, &sheet);
    make_xlsx(ts_buf_cstr(&sheet), NULL, &b);
    assert_true(b.len < 16 * 1024); /* it compresses well */
    expect_read(&b, NULL, "单元格内容过长");

    struct ts_xlsx_limits lim = ts_xlsx_default_limits;
    lim.max_cell = 2 * 1024 * 1024;
    struct ts_buf want = {0};
    ts_buf_adds(&want, "1|");
    ts_buf_add(&want, text.data, text.len);
    ts_buf_addc(&want, '\n');
    expect_read_lim(&b, &lim, want.data, NULL);
    free(b.data);
    ts_buf_free(&text);
    ts_buf_free(&sheet);
    ts_buf_free(&want);
}

/* ---- hostile archives ---- */

/* n bytes of one character. */
static char *filled(size_t n, char c)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memset(p, c, n);
    p[n] = '\0';
    return p;
}

/* An entry inflating past the cap is refused on its declared size,
 * whichever entry it is; so is a sum of entries each under the cap. */
static void test_zip_bomb_declared(void **state)
{
    struct ts_xlsx_limits lim = small_limits();
    char *zeros = filled(2 * 1024 * 1024, '0'), *half = filled(600 * 1024, ' ');
    struct entry one[] = {
        {"xl/workbook.xml", WORKBOOK, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml", SHEET(""), 0},
        {"xl/media/image1.png", zeros, 0},
    };
    struct entry two[] = {
        {"xl/workbook.xml", WORKBOOK, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml", SHEET(""), 0},
        {"a.bin", half, 0},
        {"b.bin", half, 0},
    };
    struct blob b;
    make_zip(one, 4, &b);
    assert_true(b.len < 8 * 1024);
    expect_read_lim(&b, &lim, NULL, "文件解压后过大");
    free(b.data);
    make_zip(two, 5, &b);
    expect_read_lim(&b, &lim, NULL, "文件解压后过大");
    free(b.data);
    free(zeros);
    free(half);
}

/* Overwrite the uncompressed size of entry name in its local header and
 * in the central directory, as a forger would. */
static void patch_size(struct blob *b, const char *name, uint32_t size)
{
    size_t nlen = strlen(name), hits = 0;
    for (size_t i = 0; i + 46 + nlen <= b->len; i++) {
        unsigned char *p = b->data + i;
        bool local = memcmp(p, "PK\3\4", 4) == 0 && memcmp(p + 30, name, nlen) == 0;
        bool central = memcmp(p, "PK\1\2", 4) == 0 && memcmp(p + 46, name, nlen) == 0;
        if (!local && !central)
            continue;
        unsigned char *at = p + (local ? 22 : 24);
        for (int k = 0; k < 4; k++)
            at[k] = (unsigned char)(size >> (8 * k));
        hits++;
    }
    assert_int_equal(hits, 2);
}

/* A header that claims 200 bytes for a sheet that inflates to 2 MB
 * (libzip 1.7.3 itself inflates all of it without complaint): the bytes
 * really inflated are counted, so the read stops one chunk past the claim,
 * and a claim just under the cap stops at the cap. */
static void test_zip_bomb_lying_header(void **state)
{
    struct ts_xlsx_limits lim = small_limits();
    struct ts_buf sheet = {0};
    char *spaces = filled(2 * 1024 * 1024, ' ');
    ts_buf_adds(&sheet, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
    ts_buf_adds(&sheet, spaces);
    ts_buf_adds(&sheet, "</sheetData></worksheet>");
    struct blob b;
    make_xlsx(ts_buf_cstr(&sheet), NULL, &b);
    patch_size(&b, "xl/worksheets/sheet1.xml", 200);
    struct outcome o;
    read_one(&b, &lim, false, 0, &o);
    assert_int_equal(o.rc, -1);
    assert_non_null(o.err);
    assert_string_equal(o.err, "文件不是有效的xlsx文件");
    free(o.rows);
    /* the claim passes the cap; the truth does not */
    patch_size(&b, "xl/worksheets/sheet1.xml", 1024 * 1024 - 2000);
    expect_read_lim(&b, &lim, NULL, "文件解压后过大");
    free(b.data);
    free(spaces);
    ts_buf_free(&sheet);
}

static const char BILLION_LAUGHS[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE sst [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<sst xmlns=\"" NS_MAIN "\"><si><t>&lol9;</t></si></sst>";

/* Billion laughs, an external entity, and a bare DOCTYPE: any DTD is
 * refused, in any part. */
static void test_dtd_refused(void **state)
{
    expect_sheet(SHEET("<row><c t=\"s\"><v>0</v></c></row>"), BILLION_LAUGHS, NULL, "DTD/实体");
    expect_sheet("<!DOCTYPE worksheet [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" SHEET(
                     "<row><c><v>&x;</v></c></row>"),
                 NULL, NULL, "DTD/实体");
    expect_sheet("<!DOCTYPE worksheet>" SHEET("<row><c><v>1</v></c></row>"), NULL, NULL,
                 "DTD/实体");
    expect_parts("<!DOCTYPE w SYSTEM \"http://example.com/w.dtd\"><workbook xmlns=\"" NS_MAIN
                 "\"/>",
                 RELS, "DTD/实体");
}

static void test_too_many_entries(void **state)
{
    struct ts_xlsx_limits lim = small_limits();
    struct entry e[] = {
        {"xl/workbook.xml", WORKBOOK, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row><c><v>1</v></c></row>"), 0},
        {"1", "x", 0},
        {"2", "x", 0},
        {"3", "x", 0},
        {"4", "x", 0},
        {"5", "x", 0},
        {"6", "x", 0},
    };
    struct blob b;
    make_zip(e, 8, &b);
    expect_read_lim(&b, &lim, "1|1\n", NULL);
    free(b.data);
    make_zip(e, 9, &b);
    expect_read_lim(&b, &lim, NULL, "条目过多");
    free(b.data);
}

/* Nesting past what a spreadsheet needs, and one 2 MB tag (expat would
 * buffer a token whole): both refused before they cost memory. */
static void test_deep_and_long_tokens(void **state)
{
    struct ts_buf s = {0};
    ts_buf_adds(&s, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
    for (int i = 0; i < 100; i++)
        ts_buf_adds(&s, "<a>");
    for (int i = 0; i < 100; i++)
        ts_buf_adds(&s, "</a>");
    ts_buf_adds(&s, "</sheetData></worksheet>");
    expect_sheet(ts_buf_cstr(&s), NULL, NULL, "嵌套层次过深");

    char *junk = filled(2 * 1024 * 1024, 'x');
    ts_buf_reset(&s);
    ts_buf_adds(&s, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\" x=\"");
    ts_buf_adds(&s, junk);
    ts_buf_adds(&s, "\"/></sheetData></worksheet>");
    expect_sheet(ts_buf_cstr(&s), NULL, NULL, "过长的XML标记");
    ts_buf_reset(&s);
    ts_buf_adds(&s, "<worksheet xmlns=\"" NS_MAIN "\"><!--");
    ts_buf_adds(&s, junk);
    ts_buf_adds(&s, "--><sheetData/></worksheet>");
    expect_sheet(ts_buf_cstr(&s), NULL, NULL, "过长的XML标记");
    /* 2 MB of text between tags is not a token: it streams. */
    ts_buf_reset(&s);
    ts_buf_adds(&s, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
    ts_buf_adds(&s, junk);
    ts_buf_adds(&s, "<row><c><v>1</v></c></row></sheetData></worksheet>");
    expect_sheet(ts_buf_cstr(&s), NULL, "1|1\n", NULL);
    /* nor is a CDATA section */
    ts_buf_reset(&s);
    ts_buf_adds(&s, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row><c><f><![CDATA[");
    ts_buf_adds(&s, junk);
    ts_buf_adds(&s, "]]></f><v>2</v></c></row></sheetData></worksheet>");
    expect_sheet(ts_buf_cstr(&s), NULL, "1|2\n", NULL);
    free(junk);
    ts_buf_free(&s);
}

static void test_corrupt_archives(void **state)
{
    struct blob good, b;
    make_xlsx(SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>出口退税出口退税出口退税</t></is></c>"
                    "</row>"),
              NULL, &good);
    expect_read(&good, "1|出口退税出口退税出口退税\n", NULL);

    b.len = good.len / 2; /* cut in half: no central directory */
    b.data = good.data;
    expect_read(&b, NULL, "不是有效的xlsx");
    b.len = 0;
    expect_read(&b, NULL, "不是有效的xlsx");
    static const unsigned char noise[] = "PK\3\4 this is not a zip at all, only its first bytes";
    b.data = (unsigned char *)noise;
    b.len = sizeof noise - 1;
    expect_read(&b, NULL, "不是有效的xlsx");

    /* a byte of the sheet's deflated data flipped: bad data or bad CRC */
    b.len = good.len;
    b.data = malloc(good.len);
    memcpy(b.data, good.data, good.len);
    unsigned char *sheet = memmem(b.data, b.len, "xl/worksheets/sheet1.xml", 24);
    assert_non_null(sheet);
    sheet[24 + 10] ^= 0x55;
    expect_read(&b, NULL, "不是有效的xlsx");
    free(b.data);
    free(good.data);
}

/* An old .xls, or an xlsx Excel encrypted (both OLE compound files), gets
 * a message that says what to do. */
static void test_ole_file(void **state)
{
    static const unsigned char ole[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    struct blob b = {(unsigned char *)ole, sizeof ole};
    expect_read(&b, NULL, "旧版xls格式");
}

static void test_unreadable_path(void **state)
{
    const char *err = NULL;
    assert_int_equal(ts_xlsx_read(tmp_path("no-such.xlsx"), NULL, collect, NULL, NULL, &err), -1);
    assert_string_equal(err, "无法读取文件");
}

/* A callback's non-zero return stops the read and comes back, err NULL. */
static void test_callback_stops(void **state)
{
    struct blob b;
    struct outcome o;
    make_xlsx(SHEET("<row><c><v>1</v></c></row><row><c><v>2</v></c></row>"
                    "<row><c><v>3</v></c></row>"),
              NULL, &b);
    read_one(&b, NULL, false, 2, &o);
    assert_int_equal(o.rc, 7);
    assert_null(o.err);
    assert_string_equal(o.rows, "1|1\n2|2\n");
    free(o.rows);
    assert_int_equal(ts_xlsx_read_buffer(b.data, b.len, NULL, NULL, NULL, NULL, NULL), 0);
    free(b.data);
}

/* ---- serial dates ---- */

static void expect_date_in(const char *cell, bool date1904, const char *want)
{
    char out[11] = "garbage";
    int rc = ts_xlsx_serial_date(cell, date1904, out);
    if (want) {
        assert_int_equal(rc, 0);
        assert_string_equal(out, want);
    } else {
        assert_int_equal(rc, -1);
        assert_string_equal(out, "");
    }
}

static void expect_date(const char *cell, const char *want)
{
    expect_date_in(cell, false, want);
}

static void test_serial_dates(void **state)
{
    expect_date("45658", "2025-01-01");
    expect_date("45657", "2024-12-31");
    expect_date("45658.999988", "2025-01-01"); /* 23:59:59 is still that day */
    expect_date("45716", "2025-02-28");
    expect_date("45717", "2025-03-01");
    expect_date("45351", "2024-02-29");
    expect_date("46023", "2026-01-01"); /* 公告2026年第5号 takes effect */
    expect_date("46022", "2025-12-31");
    expect_date("1", "1900-01-01");
    expect_date("59", "1900-02-28");
    expect_date("60", "1900-02-29"); /* Lotus's leap day, as Excel shows it */
    expect_date("61", "1900-03-01");
    expect_date("36526", "2000-01-01");
    expect_date("2958465", "9999-12-31");
    expect_date("2958466", NULL);
    expect_date("0", NULL);
    expect_date("0.5", NULL);
    expect_date("-1", NULL);
    expect_date("", NULL);
    expect_date(NULL, NULL);
    expect_date("45658.", "2025-01-01");
    expect_date("4.5658E4", NULL);
    expect_date("45658 ", NULL);
    expect_date("2025-01-01", NULL);
    expect_date("99999999", NULL);
}

/* The 1904 date system: day 0 is 1904-01-01, no phantom leap day, and a
 * date is 1462 less than in the 1900 system. */
static void test_serial_dates_1904(void **state)
{
    expect_date_in("0", true, "1904-01-01");
    expect_date_in("0.5", true, "1904-01-01");
    expect_date_in("1", true, "1904-01-02");
    expect_date_in("59", true, "1904-02-29"); /* 1904 was a leap year */
    expect_date_in("60", true, "1904-03-01");
    expect_date_in("44196", true, "2025-01-01"); /* 45658 - 1462 */
    expect_date_in("44561", true, "2026-01-01");
    expect_date_in("44869", true, "2026-11-05");
    expect_date_in("2957003", true, "9999-12-31");
    expect_date_in("2957004", true, NULL);
    expect_date_in("-1", true, NULL);
    expect_date_in("", true, NULL);
    expect_date_in(NULL, true, NULL);
    expect_date_in("44196 ", true, NULL);
    /* the same cells read as 1900 dates */
    expect_date_in("44196", false, "2020-12-31");
    expect_date_in("0", false, NULL);
}

/* A workbook's date system is what its <workbookPr date1904> says (any
 * xsd:boolean spelling); the book is filled before the first row, from a
 * file and from memory alike, and zeroed when the read is refused. */
struct book_seen {
    struct ts_xlsx_book *book;
    int date1904_at_first_row;
};

static int note_book(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
    struct book_seen *s = ctx;
    (void)row, (void)cells, (void)ncells;
    if (s->date1904_at_first_row < 0)
        s->date1904_at_first_row = s->book->date1904;
    return 0;
}

static void expect_book(const char *workbook_pr, bool want_1904)
{
    char wb[1024];
    snprintf(wb, sizeof wb,
             "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">%s"
             "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
             workbook_pr);
    const struct entry e[] = {
        {"xl/workbook.xml", wb, 0},
        {"xl/_rels/workbook.xml.rels", RELS, 0},
        {"xl/worksheets/sheet1.xml",
         "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\">"
         "<v>44869</v></c></row></sheetData></worksheet>",
         0},
    };
    struct blob b;
    make_zip(e, 3, &b);
    struct ts_xlsx_book book = {.date1904 = !want_1904};
    struct book_seen s = {&book, -1};
    const char *err = "unset";
    assert_int_equal(ts_xlsx_read_buffer(b.data, b.len, NULL, note_book, &s, &book, &err), 0);
    assert_null(err);
    assert_int_equal(book.date1904, want_1904);
    assert_int_equal(s.date1904_at_first_row, want_1904);
    const char *path = tmp_path("book.xlsx");
    write_file(path, b.data, b.len);
    book.date1904 = !want_1904;
    s.date1904_at_first_row = -1;
    assert_int_equal(ts_xlsx_read(path, NULL, note_book, &s, &book, &err), 0);
    assert_int_equal(s.date1904_at_first_row, want_1904);
    unlink(path);
    char date[11];
    assert_int_equal(ts_xlsx_serial_date("44869", book.date1904, date), 0);
    assert_string_equal(date, want_1904 ? "2026-11-05" : "2022-11-04");
    free(b.data);
}

static void test_date1904_workbook(void **state)
{
    expect_book("", false);
    expect_book("<workbookPr defaultThemeVersion=\"124226\"/>", false);
    expect_book("<workbookPr date1904=\"1\" defaultThemeVersion=\"124226\"/>", true);
    expect_book("<workbookPr date1904=\"true\"/>", true);
    expect_book("<workbookPr date1904=\"0\"/>", false);
    expect_book("<workbookPr date1904=\"false\"/>", false);
    expect_book("<x:workbookPr xmlns:x=\"" NS_MAIN "\" date1904=\"1\"/>", true);
    /* refused: the book says nothing */
    struct ts_xlsx_book book = {.date1904 = true};
    const char *err;
    assert_int_equal(ts_xlsx_read_buffer("PK", 2, NULL, NULL, NULL, &book, &err), -1);
    assert_false(book.date1904);
}

/* The central directory's sizes, summed without inflating: what decides
 * whether an upload is imported in the request. */
static void test_inflated_size(void **state)
{
    struct blob b;
    uint64_t bytes = 1;
    const char *err = "unset";
    make_xlsx("<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>", NULL, &b);
    const char *path = tmp_path("size.xlsx");
    write_file(path, b.data, b.len);
    assert_int_equal(ts_xlsx_inflated_size(path, NULL, &bytes, &err), 0);
    assert_null(err);
    assert_int_equal(bytes,
                     strlen(WORKBOOK) + strlen(RELS) +
                         strlen("<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>"));
    struct ts_xlsx_limits tiny = ts_xlsx_default_limits;
    tiny.max_uncompressed = bytes - 1;
    assert_int_equal(ts_xlsx_inflated_size(path, &tiny, &bytes, &err), -1);
    assert_non_null(strstr(err, "过大"));
    write_file(path, "not a zip", 9);
    assert_int_equal(ts_xlsx_inflated_size(path, NULL, &bytes, &err), -1);
    assert_non_null(err);
    assert_int_equal(bytes, 0);
    unlink(path);
    free(b.data);
}

static int group_setup(void **state)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return rmdir(tmpdir);
}

#define T(f) cmocka_unit_test(f)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_xlsxwriter_shared_strings),
        T(test_xlsxwriter_constant_memory),
        T(test_openpyxl_file),
        T(test_shared_strings_runs_and_phonetics),
        T(test_shared_strings_across_rows),
        T(test_inline_strings),
        T(test_sparse_cells),
        T(test_implicit_positions),
        T(test_cell_types),
        T(test_prefixed_elements),
        T(test_chinese_everywhere),
        T(test_sheet_found_through_rels),
        T(test_missing_or_wrong_parts),
        T(test_malformed_sheets),
        T(test_empty_sheet),
        T(test_limit_rows_columns),
        T(test_limit_cell_and_strings),
        T(test_serial_dates_1904),
        T(test_date1904_workbook),
        T(test_inflated_size),
        T(test_one_megabyte_cell),
        T(test_zip_bomb_declared),
        T(test_zip_bomb_lying_header),
        T(test_dtd_refused),
        T(test_too_many_entries),
        T(test_deep_and_long_tokens),
        T(test_corrupt_archives),
        T(test_ole_file),
        T(test_unreadable_path),
        T(test_callback_stops),
        T(test_serial_dates),
    };
    return cmocka_run_group_tests_name("ts_xlsx", tests, group_setup, group_teardown);
}
