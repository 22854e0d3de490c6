/* ts_pdf — what every PDF the portal draws with libharu needs: a document
 * with the embedded CJK font (UTF-8), the first libharu error kept,
 * text and wrapping by characters, and the repair of libharu's broken
 * /ToUnicode maps (through qpdf) so that the text can be copied and
 * searched (pdftotext).  Used by lib/ts_export (备案单证目录) and
 * lib/ts_cdecl_pdf (出口货物报关单). */
#ifndef TS_PDF_H
#define TS_PDF_H

#include <hpdf.h>
#include <qpdf/qpdf-c.h>
#include <stddef.h>

struct ts_buf;

/* The CJK font every PDF embeds (a subset of it, the glyphs used). */
#define TS_PDF_FONT_PATH "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define TS_PDF_A4_W      595
#define TS_PDF_A4_H      842

struct ts_pdf {
    HPDF_Doc doc;
    HPDF_Font font;     /* the CJK font, UTF-8 */
    HPDF_STATUS error;  /* the first libharu error, 0 while none */
    HPDF_STATUS detail; /* its detail code */
};

/* A new document with compression, UTF-8 and the CJK font.  -1 when
 * libharu or the font fails (p->error says why); free it either way. */
int ts_pdf_begin(struct ts_pdf *p);
void ts_pdf_free(struct ts_pdf *p);

/* s (UTF-8) at x, y in the CJK font at size. */
void ts_pdf_text(struct ts_pdf *p, HPDF_Page page, HPDF_REAL x, HPDF_REAL y, HPDF_REAL size,
                 const char *s);

/* Cut s into lines no wider than width at the page's current font and
 * size, by characters, and at each newline: at most max lines into
 * lines[], each a copy in buf (cap bytes).  Returns the line count. */
int ts_pdf_wrap(HPDF_Page page, const char *s, HPDF_REAL width, char *buf, size_t cap,
                const char **lines, int max);

/* Replace the /ToUnicode of the Identity-H fonts of the first npages
 * pages of q with an identity map (libharu 2.3.0 writes a copy of the
 * encoding CMap there, which is not a ToUnicode map). */
void ts_pdf_fix_to_unicode(qpdf_data q, size_t npages);

/* The finished document into out, its fonts' /ToUnicode repaired.  -1 on
 * a libharu or qpdf error (logged). */
int ts_pdf_finish(struct ts_pdf *p, struct ts_buf *out);

#endif
