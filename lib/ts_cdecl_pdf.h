/* ts_cdecl_pdf — a published 出口报关单 printed as the paper 中华人民共和国
 * 海关出口货物报关单 (manual 003 §2.1.4 批量预览/打印, §2.1.8 预览/打印,
 * §2.1.9 直接打印).
 *
 * The paper form's grid (its header boxes with their printed labels, the
 * body columns) is one table here; the PDF (libharu, lib/ts_pdf) draws it
 * and the HTML print view (templates/decl/print.cs) gets it as HDF, so the
 * two show the same boxes.  Boxes the portal has no data for (备案号,
 * 境外收货人, ...) are printed empty, with their labels, as on paper.
 * Coded values are printed with their names as the detail pages show
 * them ("0110 一般贸易", ts_cdecl_shown); a value longer than its box is set
 * smaller (down to 5 pt) and only then cut, a body cell grows its line. */
#ifndef TS_CDECL_PDF_H
#define TS_CDECL_PDF_H

#include <stddef.h>

struct ts_buf;
struct ts_cdecl;
struct ts_ctx;
struct ts_reflib_codes;

/* Body lines on one page at most (fewer when long names make them tall);
 * more go on continuation pages, each with the title and the header boxes
 * again. */
#define TS_CDECL_PDF_LINES_PER_PAGE 12

/* One declaration to print: as read from storage (ts_cdecl_from_rows),
 * with its 数据传输状态 in words (新增 / 修改). */
struct ts_cdecl_print {
    const struct ts_cdecl *decl;
    const char *trans_status;
    const struct ts_reflib_codes *codes; /* the code lists (ts_cdecl_page_codes): coded
                                            boxes print "code name"; NULL: codes alone */
};

/* The PDF of n declarations, each starting on a page of its own, into
 * out.  printed_at ("YYYY-MM-DD HH:MM:SS") stands in each page's foot.
 * -1 on a libharu / qpdf error (logged). */
int ts_cdecl_pdf_write(const struct ts_cdecl_print *decls, size_t n, const char *printed_at,
                       struct ts_buf *out);

/* The same grid for the HTML print view, under prefix:
 * Rows.<r>.Cells.<k>.{label,value,width} (width in percent),
 * BodyHead.<j> (the body columns' labels) and
 * Lines.<k>.Cells.<j> (a cell's text; "\n" separates its lines). */
void ts_cdecl_pdf_render(struct ts_ctx *c, const char *prefix, const struct ts_cdecl *d);

#endif
