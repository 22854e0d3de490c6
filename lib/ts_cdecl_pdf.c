/* ts_cdecl_pdf — see ts_cdecl_pdf.h. */
#include "ts_cdecl_pdf.h"

#include "ts_app.h"
#include "ts_arena.h"
#include "ts_buf.h"
#include "ts_customs_decl.h"
#include "ts_pdf.h"
#include "ts_render.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- the paper form's grid ---- */

/* Where a box's value comes from. */
enum box_source {
    SRC_NONE,   /* a box the portal has no data for: the label only */
    SRC_FIELD,  /* one header field */
    SRC_TRADER, /* 境内发货人: (统一社会信用代码 or 海关编码) name */
    SRC_OWNER,  /* 生产销售单位: the same */
    SRC_FEE,    /* 运费: 币制/数额/标记, as customs prints it */
    SRC_INSUR,  /* 保费: the same */
};

struct box {
    const char *label; /* as printed on the paper form */
    int width;         /* per mille of the grid's width; a row sums to 1000 */
    enum box_source src;
    int field; /* SRC_FIELD: TS_CDECL_H_* */
};

#define NBOX_MAX 8
struct grid_row {
    int height; /* points */
    struct box boxes[NBOX_MAX];
};

/* The header of the 2018 出口货物报关单 (海关总署公告2018年第60号), row by
 * row, left to right. */
static const struct grid_row grid[] = {
    {30,
     {{"境内发货人", 340, SRC_TRADER, 0},
      {"出境关别", 160, SRC_FIELD, TS_CDECL_H_IE_PORT},
      {"出口日期", 160, SRC_FIELD, TS_CDECL_H_IE_DATE},
      {"申报日期", 160, SRC_FIELD, TS_CDECL_H_D_DATE},
      {"备案号", 180, SRC_NONE, 0}}},
    {26,
     {{"境外收货人", 340, SRC_NONE, 0},
      {"运输方式", 160, SRC_FIELD, TS_CDECL_H_TRAF_MODE},
      {"运输工具名称及航次号", 320, SRC_NONE, 0},
      {"提运单号", 180, SRC_FIELD, TS_CDECL_H_BILL_NO}}},
    {30,
     {{"生产销售单位", 340, SRC_OWNER, 0},
      {"监管方式", 160, SRC_FIELD, TS_CDECL_H_TRADE_MODE},
      {"征免性质", 160, SRC_FIELD, TS_CDECL_H_CUT_MODE},
      {"许可证号", 340, SRC_NONE, 0}}},
    {26,
     {{"合同协议号", 340, SRC_FIELD, TS_CDECL_H_CONTR_NO},
      {"贸易国（地区）", 160, SRC_NONE, 0},
      {"运抵国（地区）", 160, SRC_FIELD, TS_CDECL_H_TRADE_COUNTRY},
      {"指运港", 160, SRC_FIELD, TS_CDECL_H_DISTINATE_PORT},
      {"离境口岸", 180, SRC_NONE, 0}}},
    {26,
     {{"包装种类", 180, SRC_NONE, 0},
      {"件数", 100, SRC_FIELD, TS_CDECL_H_PACK_NO},
      {"毛重（千克）", 120, SRC_FIELD, TS_CDECL_H_GROSS_WET},
      {"净重（千克）", 120, SRC_FIELD, TS_CDECL_H_NET_WT},
      {"成交方式", 100, SRC_FIELD, TS_CDECL_H_TRANS_MODE},
      {"运费", 130, SRC_FEE, 0},
      {"保费", 130, SRC_INSUR, 0},
      {"杂费", 120, SRC_NONE, 0}}},
    {22, {{"随附单证及编号", 1000, SRC_NONE, 0}}},
    {26, {{"标记唛码及备注", 1000, SRC_NONE, 0}}},
};
#define NROWS (sizeof grid / sizeof grid[0])

/* The body's columns, as printed (width in points of the 539 wide grid).
 * 征免 is wide enough for "1 照章征税" on one line; 境内货源地 stacks its
 * code over its name. */
static const struct {
    const char *label;
    int width;
} body_cols[] = {
    {"项号", 24},           {"商品编号", 62},       {"商品名称及规格型号", 94}, {"数量及单位", 80},
    {"单价/总价/币制", 72}, {"原产国（地区）", 52}, {"最终目的国（地区）", 66}, {"境内货源地", 44},
    {"征免", 45},
};
#define NCOLS (sizeof body_cols / sizeof body_cols[0])

/* A decimal as stored ("2.50000") without the zeros after the point that
 * say nothing ("2.5"); "" stays "". */
static const char *trimmed(char *buf, size_t cap, const char *v)
{
    snprintf(buf, cap, "%s", v ? v : "");
    if (!strchr(buf, '.'))
        return buf;
    char *e = buf + strlen(buf);
    while (e > buf && e[-1] == '0')
        *--e = '\0';
    if (e > buf && e[-1] == '.')
        *--e = '\0';
    return buf;
}

/* 运费 / 保费 as customs prints them: 币制/数额/标记 (e.g. USD/150/3). */
static void fee_text(char *buf, size_t cap, const char *curr, const char *rate, const char *mark)
{
    char r[64];
    buf[0] = '\0';
    if (rate && rate[0])
        snprintf(buf, cap, "%s/%s/%s", curr, trimmed(r, sizeof r, rate), mark);
}

/* A party: its 统一社会信用代码 (or, without one, its 海关编码), then its
 * name on the next line. */
static void party_text(char *buf, size_t cap, const char *scc, const char *code, const char *name)
{
    const char *key = scc && scc[0] ? scc : code;
    snprintf(buf, cap, key && key[0] ? "(%s)\n%s" : "%s%s", key && key[0] ? key : "", name);
}

/* Header field i of d as the pages show it: a code with its name
 * ("0110 一般贸易", lib/ts_customs_decl), a weight without trailing zeros. */
static const char *head_shown(const struct ts_cdecl *d, const struct ts_reflib_codes *codes, int i)
{
    return ts_cdecl_shown(d->arena, codes, &ts_cdecl_head_fields[i], d->head[i]);
}

/* Body field j of line l, the same way ("035 千克", "USD 美元"). */
static const char *line_shown(const struct ts_cdecl *d, const struct ts_reflib_codes *codes,
                              const struct ts_cdecl_line *l, int j)
{
    return ts_cdecl_shown(d->arena, codes, &ts_cdecl_list_fields[j], l->v[j]);
}

/* The text of one header box of d, into buf; codes name the coded
 * fields (NULL: codes alone). */
static const char *box_value(const struct ts_cdecl *d, const struct ts_reflib_codes *codes,
                             const struct box *b, char *buf, size_t cap)
{
    const char *const *h = d->head;
    buf[0] = '\0';
    switch (b->src) {
    case SRC_NONE:
        break;
    case SRC_FIELD:
        snprintf(buf, cap, "%s", head_shown(d, codes, b->field));
        break;
    case SRC_TRADER:
        party_text(buf, cap, h[TS_CDECL_H_TRADE_CO_SCC], h[TS_CDECL_H_TRADE_CODE],
                   h[TS_CDECL_H_TRADE_NAME]);
        break;
    case SRC_OWNER:
        party_text(buf, cap, h[TS_CDECL_H_OWNER_CODE_SCC], h[TS_CDECL_H_OWNER_CODE],
                   h[TS_CDECL_H_OWNER_NAME]);
        break;
    case SRC_FEE:
        fee_text(buf, cap, h[TS_CDECL_H_FEE_CURR], h[TS_CDECL_H_FEE_RATE], h[TS_CDECL_H_FEE_MARK]);
        break;
    case SRC_INSUR:
        fee_text(buf, cap, h[TS_CDECL_H_INSUR_CURR], h[TS_CDECL_H_INSUR_RATE],
                 h[TS_CDECL_H_INSUR_MARK]);
        break;
    }
    return buf;
}

/* The text of body column j of line l of d: several values on lines of
 * their own, as the paper form stacks them (成交 / 法定第一 / 法定第二 数量
 *及单位; 单价 / 总价 / 币制); units, 币制, countries, 境内货源地 and 征免
 * with their names when codes has them. */
static const char *cell_value(const struct ts_cdecl *d, const struct ts_reflib_codes *codes,
                              const struct ts_cdecl_line *l, size_t j, char *buf, size_t cap)
{
    char a[64], b[64], c[64], *p;
    const char *const *v = l->v;
    switch (j) {
    case 0:
        snprintf(buf, cap, "%s", v[TS_CDECL_L_G_NO]);
        break;
    case 1:
        snprintf(buf, cap, "%s", v[TS_CDECL_L_CODE_TS]);
        break;
    case 2:
        snprintf(buf, cap, "%s\n%s", v[TS_CDECL_L_G_NAME], v[TS_CDECL_L_G_MODEL]);
        break;
    case 3:
        snprintf(buf, cap, "%s %s\n%s %s\n%s %s", trimmed(a, sizeof a, v[TS_CDECL_L_G_QTY]),
                 line_shown(d, codes, l, TS_CDECL_L_G_UNIT),
                 trimmed(b, sizeof b, v[TS_CDECL_L_FIRST_QTY]),
                 line_shown(d, codes, l, TS_CDECL_L_FIRST_UNIT),
                 trimmed(c, sizeof c, v[TS_CDECL_L_SECOND_QTY]),
                 line_shown(d, codes, l, TS_CDECL_L_SECOND_UNIT));
        break;
    case 4:
        snprintf(buf, cap, "%s\n%s\n%s", trimmed(a, sizeof a, v[TS_CDECL_L_DECL_PRICE]),
                 v[TS_CDECL_L_DECL_TOTAL], line_shown(d, codes, l, TS_CDECL_L_TRADE_CURR));
        break;
    case 5:
        snprintf(buf, cap, "%s", line_shown(d, codes, l, TS_CDECL_L_ORIGIN_COUNTRY));
        break;
    case 6:
        snprintf(buf, cap, "%s", line_shown(d, codes, l, TS_CDECL_L_DESTINATION_COUNTRY));
        break;
    case 7:
        snprintf(buf, cap, "%s", line_shown(d, codes, l, TS_CDECL_L_DISTRICT_CODE));
        if ((p = strchr(buf, ' '))) /* "51019 成都其他": the name under the code */
            *p = '\n';
        break;
    default:
        snprintf(buf, cap, "%s", line_shown(d, codes, l, TS_CDECL_L_DUTY_MODE));
        break;
    }
    return buf;
}

/* ---- the PDF ---- */

#define M         28 /* page margin */
#define GRID_W    (TS_PDF_A4_W - 2 * M)
#define LINE_H    36       /* a body line's least height: three lines of text */
#define HEAD_H    22       /* the body's column labels */
#define FOOT_Y    (M + 70) /* top of the foot boxes */
#define BODY_SIZE 8        /* the body's type */
#define MIN_SIZE  5        /* a header value too long for its box shrinks down to this */
#define MAX_WRAP  64       /* text lines of one cell; 255 + 255 characters need < 48 */
#define TEXT_CAP  4096     /* bytes of one cell's text (GName + GModel: 2 x 255 x 3) */

struct page {
    struct ts_pdf *p;
    HPDF_Page page;
    const struct ts_reflib_codes *codes; /* names the codes (NULL: codes alone) */
};

/* s wrapped to width at size: the line count, the lines into lines[]. */
static int wrap(struct page *pg, const char *s, HPDF_REAL w, HPDF_REAL size, char *buf,
                const char **lines, int max)
{
    HPDF_Page_SetFontAndSize(pg->page, pg->p->font, size);
    return ts_pdf_wrap(pg->page, s, w - 4, buf, TEXT_CAP, lines, max);
}

/* Text wrapped into the box at x, top, width: at most max lines of size. */
static void boxed_text(struct page *pg, HPDF_REAL x, HPDF_REAL top, HPDF_REAL w, HPDF_REAL size,
                       const char *s, int max)
{
    char buf[TEXT_CAP];
    const char *lines[MAX_WRAP];
    int n = wrap(pg, s, w, size, buf, lines, max > MAX_WRAP ? MAX_WRAP : max);
    for (int k = 0; k < n; k++)
        ts_pdf_text(pg->p, pg->page, x + 2, top - (size + 1) * (HPDF_REAL)(k + 1), size, lines[k]);
}

/* A header value in the space h under its label: in the largest size
 * from 8 down to MIN_SIZE at which all of it fits (a long 境内发货人 name),
 * else as much as fits at MIN_SIZE. */
static void fitted_text(struct page *pg, HPDF_REAL x, HPDF_REAL top, HPDF_REAL w, HPDF_REAL h,
                        const char *s)
{
    char buf[TEXT_CAP];
    const char *lines[MAX_WRAP];
    HPDF_REAL size = 8;
    while (size > MIN_SIZE && wrap(pg, s, w, size, buf, lines, MAX_WRAP) > (int)(h / (size + 1)))
        size -= 1;
    boxed_text(pg, x, top, w, size, s, (int)(h / (size + 1)));
}

static void rect(struct page *pg, HPDF_REAL x, HPDF_REAL y, HPDF_REAL w, HPDF_REAL h)
{
    HPDF_Page_Rectangle(pg->page, x, y, w, h);
    HPDF_Page_Stroke(pg->page);
}

#define TITLE_Y (TS_PDF_A4_H - M - 40) /* the line of 预录入编号 */

/* One line of text at x, y within width w: at size, or smaller down to
 * MIN_SIZE when it does not fit, and cut at MIN_SIZE (a 关区 name). */
static void line_fitted(struct page *pg, HPDF_REAL x, HPDF_REAL y, HPDF_REAL w, HPDF_REAL size,
                        const char *s)
{
    char buf[TEXT_CAP];
    const char *lines[MAX_WRAP];
    while (size > MIN_SIZE && wrap(pg, s, w + 4, size, buf, lines, MAX_WRAP) > 1)
        size -= 1;
    if (wrap(pg, s, w + 4, size, buf, lines, MAX_WRAP) > 0)
        ts_pdf_text(pg->p, pg->page, x, y, size, lines[0]);
}

/* Title and the line above the grid: 预录入编号, 海关编号, 申报地海关, page. */
static HPDF_REAL draw_title(struct page *pg, const struct ts_cdecl *d, size_t page, size_t pages)
{
    char line[256];
    const char *title = "中华人民共和国海关出口货物报关单";
    HPDF_Page_SetFontAndSize(pg->page, pg->p->font, 16);
    HPDF_REAL tw = HPDF_Page_TextWidth(pg->page, title);
    ts_pdf_text(pg->p, pg->page, (TS_PDF_A4_W - tw) / 2, TS_PDF_A4_H - M - 18, 16, title);
    snprintf(line, sizeof line, "预录入编号：%s", d->head[TS_CDECL_H_PRE_ENTRY_ID]);
    ts_pdf_text(pg->p, pg->page, M, TITLE_Y, 9, line);
    snprintf(line, sizeof line, "海关编号：%s", d->head[TS_CDECL_H_ENTRY_ID]);
    ts_pdf_text(pg->p, pg->page, M + 170, TITLE_Y, 9, line);
    snprintf(line, sizeof line, "页码/页数：%zu/%zu", page, pages);
    HPDF_Page_SetFontAndSize(pg->page, pg->p->font, 9);
    HPDF_REAL pw = HPDF_Page_TextWidth(pg->page, line);
    ts_pdf_text(pg->p, pg->page, M + GRID_W - pw, TITLE_Y, 9, line);
    snprintf(line, sizeof line, "申报地海关：%s",
             head_shown(d, pg->codes, TS_CDECL_H_CUSTOM_MASTER));
    line_fitted(pg, M + 340, TITLE_Y, GRID_W - 340 - pw - 6, 9, line);
    return TITLE_Y - 6;
}

/* The y under the header boxes (the top of the body), the same on every
 * page. */
static HPDF_REAL body_top(void)
{
    HPDF_REAL y = TITLE_Y - 6;
    for (size_t r = 0; r < NROWS; r++)
        y -= (HPDF_REAL)grid[r].height;
    return y;
}

/* The header boxes, from top; returns the y under them. */
static HPDF_REAL draw_grid(struct page *pg, const struct ts_cdecl *d, HPDF_REAL top)
{
    char val[TEXT_CAP];
    for (size_t r = 0; r < NROWS; r++) {
        HPDF_REAL x = M, h = (HPDF_REAL)grid[r].height;
        for (size_t k = 0; k < NBOX_MAX && grid[r].boxes[k].label; k++) {
            const struct box *b = &grid[r].boxes[k];
            HPDF_REAL w = (HPDF_REAL)GRID_W * (HPDF_REAL)b->width / 1000;
            rect(pg, x, top - h, w, h);
            boxed_text(pg, x, top, w, 6.5f, b->label, 1);
            fitted_text(pg, x, top - 8, w, h - 9, box_value(d, pg->codes, b, val, sizeof val));
            x += w;
        }
        top -= h;
    }
    return top;
}

/* The height a body line needs: three lines of text at least, more when
 * a name or 规格型号 wraps further (nothing is cut), at most a page. */
static HPDF_REAL line_height(struct page *pg, const struct ts_cdecl *d,
                             const struct ts_cdecl_line *l)
{
    char val[TEXT_CAP], buf[TEXT_CAP];
    const char *lines[MAX_WRAP];
    int rows = 3;
    for (size_t j = 0; j < NCOLS; j++) {
        int n = wrap(pg, cell_value(d, pg->codes, l, j, val, sizeof val),
                     (HPDF_REAL)body_cols[j].width, BODY_SIZE, buf, lines, MAX_WRAP);
        rows = n > rows ? n : rows;
    }
    HPDF_REAL h = (HPDF_REAL)rows * (BODY_SIZE + 1) + 6, most = body_top() - HEAD_H - FOOT_Y;
    return h < LINE_H ? LINE_H : h > most ? most : h;
}

/* The body lines of each page: starts[i] is the first line of page i
 * (starts[pages] = nlines); at most TS_CDECL_PDF_LINES_PER_PAGE a page,
 * fewer when tall ones fill it.  Returns the page count. */
static size_t paginate(struct page *pg, const struct ts_cdecl *d, HPDF_REAL *heights,
                       size_t *starts)
{
    HPDF_REAL room = body_top() - HEAD_H - FOOT_Y, used = 0;
    size_t pages = 0, on_page = 0;
    starts[0] = 0;
    for (size_t k = 0; k < d->nlines; k++) {
        heights[k] = line_height(pg, d, &d->lines[k]);
        if (on_page && (on_page == TS_CDECL_PDF_LINES_PER_PAGE || used + heights[k] > room)) {
            starts[++pages] = k;
            used = 0;
            on_page = 0;
        }
        used += heights[k];
        on_page++;
    }
    starts[++pages] = d->nlines;
    return pages;
}

/* The body: the column labels, then lines [from, to) of d, the columns
 * ruled down to the foot as on paper. */
static void draw_body(struct page *pg, const struct ts_cdecl *d, HPDF_REAL top, size_t from,
                      size_t to, const HPDF_REAL *heights)
{
    char val[TEXT_CAP];
    HPDF_REAL x = M;
    for (size_t j = 0; j < NCOLS; j++) {
        HPDF_REAL w = (HPDF_REAL)body_cols[j].width;
        rect(pg, x, FOOT_Y, w, top - FOOT_Y);
        rect(pg, x, top - HEAD_H, w, HEAD_H);
        boxed_text(pg, x, top - 1, w, 6.5f, body_cols[j].label, 2);
        HPDF_REAL y = top - HEAD_H;
        for (size_t k = from; k < to; y -= heights[k], k++)
            boxed_text(pg, x, y - 2, w, BODY_SIZE,
                       cell_value(d, pg->codes, &d->lines[k], j, val, sizeof val),
                       (int)((heights[k] - 4) / (BODY_SIZE + 1)));
        x += w;
    }
    HPDF_REAL y = top - HEAD_H;
    for (size_t k = from; k < to; k++) {
        y -= heights[k];
        HPDF_Page_MoveTo(pg->page, M, y);
        HPDF_Page_LineTo(pg->page, M + GRID_W, y);
        HPDF_Page_Stroke(pg->page);
    }
}

/* The foot: the declarant's and customs' boxes (empty: the portal prints
 * from data, it signs nothing), the type and status, the print time. */
static void draw_foot(struct page *pg, const struct ts_cdecl_print *dp, const char *printed_at)
{
    char line[256];
    const char *const *h = dp->decl->head;
    rect(pg, M, M + 20, GRID_W * 0.6f, 50);
    boxed_text(
        pg, M, M + 70, GRID_W * 0.6f, 7,
        "报关人员　　　报关人员证号　　　电话\n兹申明对以上内容承担如实申报、依法纳税之法律责任"
        "\n申报单位　　　　　　　　　　　　　　　　申报单位（签章）",
        3);
    rect(pg, M + GRID_W * 0.6f, M + 20, GRID_W * 0.4f, 50);
    boxed_text(pg, M + GRID_W * 0.6f, M + 70, GRID_W * 0.4f, 7, "海关批注及签章", 1);
    snprintf(line, sizeof line,
             "报关单类型：%s报关单　结关日期：%s　数据传输状态：%s　打印时间：%s",
             ts_cdecl_type_label(h[TS_CDECL_H_DECL_TYPE]), h[TS_CDECL_H_CLEAR_DATE],
             dp->trans_status, printed_at);
    ts_pdf_text(pg->p, pg->page, M, M + 8, 7, line);
    ts_pdf_text(pg->p, pg->page, M, M - 2, 6.5f,
                "本单据依据海关发布的报关单电子数据打印，仅供核对，不作为海关签章凭证。");
}

/* A new A4 page of the document. */
static bool new_page(struct ts_pdf *p, const struct ts_reflib_codes *codes, struct page *pg)
{
    *pg = (struct page){p, HPDF_AddPage(p->doc), codes};
    if (!pg->page)
        return false;
    HPDF_Page_SetSize(pg->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_SetLineWidth(pg->page, 0.6f);
    return true;
}

/* One declaration: its first page and its continuation pages (measured
 * on the first page, before anything is drawn, for 页码/页数). */
static void draw_decl(struct ts_pdf *p, const struct ts_cdecl_print *dp, const char *printed_at)
{
    const struct ts_cdecl *d = dp->decl;
    HPDF_REAL heights[TS_CDECL_MAX_LINES + 1];
    size_t starts[TS_CDECL_MAX_LINES + 2], pages = 0;
    struct page pg;
    if (d->nlines > TS_CDECL_MAX_LINES || !new_page(p, dp->codes, &pg))
        return;
    pages = paginate(&pg, d, heights, starts);
    for (size_t i = 0; i < pages && !p->error; i++) {
        if (i > 0 && !new_page(p, dp->codes, &pg))
            return;
        HPDF_REAL top = draw_grid(&pg, d, draw_title(&pg, d, i + 1, pages));
        draw_body(&pg, d, top, starts[i], starts[i + 1], heights);
        draw_foot(&pg, dp, printed_at);
    }
}

int ts_cdecl_pdf_write(const struct ts_cdecl_print *decls, size_t n, const char *printed_at,
                       struct ts_buf *out)
{
    struct ts_pdf p;
    int rc = -1;
    if (ts_pdf_begin(&p) < 0)
        goto out;
    for (size_t i = 0; i < n && !p.error; i++)
        draw_decl(&p, &decls[i], printed_at);
    if (!p.error)
        rc = ts_pdf_finish(&p, out);
out:
    ts_pdf_free(&p);
    return rc;
}

/* ---- the HTML print view ---- */

void ts_cdecl_pdf_render(struct ts_ctx *c, const char *prefix, const struct ts_cdecl *d)
{
    struct ts_arena *a = c->arena;
    const struct ts_reflib_codes *codes = ts_cdecl_page_codes(c);
    char val[TEXT_CAP];
    for (size_t r = 0; r < NROWS; r++)
        for (size_t k = 0; k < NBOX_MAX && grid[r].boxes[k].label; k++) {
            const struct box *b = &grid[r].boxes[k];
            const char *at = ts_arena_printf(a, "%s.Rows.%zu.Cells.%zu", prefix, r, k);
            ts_render_set(c, ts_arena_printf(a, "%s.label", at), b->label);
            ts_render_set(c, ts_arena_printf(a, "%s.value", at),
                          box_value(d, codes, b, val, sizeof val));
            ts_render_set(c, ts_arena_printf(a, "%s.width", at),
                          ts_arena_printf(a, "%d", b->width / 10));
        }
    for (size_t j = 0; j < NCOLS; j++)
        ts_render_set(c, ts_arena_printf(a, "%s.BodyHead.%zu", prefix, j), body_cols[j].label);
    for (size_t k = 0; k < d->nlines; k++)
        for (size_t j = 0; j < NCOLS; j++)
            ts_render_set(c, ts_arena_printf(a, "%s.Lines.%zu.Cells.%zu", prefix, k, j),
                          cell_value(d, codes, &d->lines[k], j, val, sizeof val));
}
