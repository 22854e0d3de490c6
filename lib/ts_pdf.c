/* ts_pdf — see ts_pdf.h. */
#include "ts_pdf.h"

#include "ts_buf.h"
#include "ts_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of the UTF-8 sequence starting at s; 0 when s is not a lead byte. */
static size_t utf8_len(const unsigned char *s)
{
    return s[0] < 0x80             ? 1
           : (s[0] & 0xe0) == 0xc0 ? 2
           : (s[0] & 0xf0) == 0xe0 ? 3
           : (s[0] & 0xf8) == 0xf0 ? 4
                                   : 0;
}

/* libharu's error callback: keep the first error; the caller checks it. */
static void pdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    struct ts_pdf *p = user;
    if (!p->error) {
        p->error = error_no;
        p->detail = detail_no;
    }
}

int ts_pdf_begin(struct ts_pdf *p)
{
    *p = (struct ts_pdf){0};
    p->doc = HPDF_New(pdf_error, p);
    if (!p->doc)
        return -1;
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(p->doc);
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    const char *name = HPDF_LoadTTFontFromFile2(p->doc, TS_PDF_FONT_PATH, 0, HPDF_TRUE);
    if (!name || !(p->font = HPDF_GetFont(p->doc, name, "UTF-8"))) {
        ts_log_error("ts_pdf: cannot load %s: libharu error 0x%04X", TS_PDF_FONT_PATH,
                     (unsigned)p->error);
        return -1;
    }
    return 0;
}

void ts_pdf_free(struct ts_pdf *p)
{
    if (p->doc)
        HPDF_Free(p->doc);
    p->doc = NULL;
}

void ts_pdf_text(struct ts_pdf *p, HPDF_Page page, HPDF_REAL x, HPDF_REAL y, HPDF_REAL size,
                 const char *s)
{
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, p->font, size);
    HPDF_Page_TextOut(page, x, y, s);
    HPDF_Page_EndText(page);
}

/* Chinese has no spaces (and SHA-256 neither): lines break at any
 * character that would pass the width. */
int ts_pdf_wrap(HPDF_Page page, const char *s, HPDF_REAL width, char *buf, size_t cap,
                const char **lines, int max)
{
    int n = 0;
    size_t o = 0, start = 0;
    const unsigned char *p = (const unsigned char *)s;
    lines[n++] = buf;
    buf[0] = '\0';
    while (*p && o + 5 < cap) {
        size_t k = utf8_len(p) ? utf8_len(p) : 1;
        if (*p == '\n' && n < max) { /* a forced break */
            buf[o] = '\0';
            start = ++o;
            buf[o] = '\0';
            lines[n++] = buf + start;
            p++;
            continue;
        }
        memcpy(buf + o, p, k);
        buf[o + k] = '\0';
        if (o > start && HPDF_Page_TextWidth(page, buf + start) > width) {
            if (n == max)
                break;
            buf[o] = '\0';
            start = ++o;
            memcpy(buf + o, p, k);
            buf[o + k] = '\0';
            lines[n++] = buf + start;
        }
        o += k;
        p += k;
    }
    return n;
}

/* A ToUnicode CMap for libharu's UTF-8 fonts, into buf (CMAP_CAP bytes):
 * their codes are the characters' UTF-16 code units (Identity-H with a
 * CIDToGIDMap to the glyphs), so each code maps to itself; surrogates
 * excluded.  One bfrange per high byte, at most 100 to a block (PDF 32000
 * §9.10.3).  Returns the length. */
#define CMAP_CAP 8192
static size_t identity_ucs_cmap(char *buf)
{
    unsigned his[256];
    size_t nh = 0, o;
    for (unsigned hi = 0; hi < 0x100; hi++)
        if (hi < 0xd8 || hi > 0xdf)
            his[nh++] = hi;
    o = (size_t)snprintf(
        buf, CMAP_CAP,
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (size_t b = 0; b < nh; b += 100) {
        size_t m = nh - b < 100 ? nh - b : 100;
        o += (size_t)snprintf(buf + o, CMAP_CAP - o, "%zu beginbfrange\n", m);
        for (size_t j = b; j < b + m; j++) /* 21 bytes each: 248 of them fit */
            o += (size_t)snprintf(buf + o, CMAP_CAP - o, "<%02X00> <%02XFF> <%02X00>\n", his[j],
                                  his[j], his[j]);
        o += (size_t)snprintf(buf + o, CMAP_CAP - o, "endbfrange\n");
    }
    o += (size_t)snprintf(buf + o, CMAP_CAP - o,
                          "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    return o;
}

void ts_pdf_fix_to_unicode(qpdf_data q, size_t npages)
{
    static char cmap[CMAP_CAP];
    size_t len = identity_ucs_cmap(cmap);
    for (size_t p = 0; p < npages; p++) {
        qpdf_oh fonts = qpdf_oh_get_key_if_dict(
            q, qpdf_oh_get_key_if_dict(q, qpdf_get_page_n(q, p), "/Resources"), "/Font");
        if (!qpdf_oh_is_dictionary(q, fonts))
            continue;
        qpdf_oh_begin_dict_key_iter(q, fonts);
        while (qpdf_oh_dict_more_keys(q)) {
            qpdf_oh font = qpdf_oh_get_key(q, fonts, qpdf_oh_dict_next_key(q));
            qpdf_oh tu = qpdf_oh_get_key_if_dict(q, font, "/ToUnicode");
            if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, font, "/Encoding"),
                                           "/Identity-H") &&
                qpdf_oh_is_stream(q, tu))
                qpdf_oh_replace_stream_data(q, tu, (const unsigned char *)cmap, len,
                                            qpdf_oh_new_null(q), qpdf_oh_new_null(q));
        }
    }
}

/* libharu's document as bytes (it writes into a memory stream). */
static unsigned char *haru_bytes(struct ts_pdf *p, HPDF_UINT32 *len)
{
    unsigned char *data = NULL;
    if (HPDF_SaveToStream(p->doc) != HPDF_OK || p->error)
        return NULL;
    *len = HPDF_GetStreamSize(p->doc);
    if (!*len || !(data = malloc(*len)))
        return NULL;
    HPDF_UINT32 got = *len;
    if (HPDF_ReadFromStream(p->doc, data, &got) != HPDF_OK || got != *len) {
        free(data);
        return NULL;
    }
    return data;
}

/* qpdf reads libharu's bytes, repairs the maps and writes the result. */
int ts_pdf_finish(struct ts_pdf *p, struct ts_buf *out)
{
    int rc = -1, n;
    HPDF_UINT32 len = 0;
    unsigned char *data = haru_bytes(p, &len);
    qpdf_data q = qpdf_init();
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (!data || (qpdf_read_memory(q, "generated", (const char *)data, len, NULL) & QPDF_ERRORS) ||
        (n = qpdf_get_num_pages(q)) < 0)
        goto out;
    ts_pdf_fix_to_unicode(q, (size_t)n);
    if ((qpdf_init_write_memory(q) & QPDF_ERRORS))
        goto out;
    qpdf_set_object_stream_mode(q, qpdf_o_generate);
    if (qpdf_write(q) & QPDF_ERRORS)
        goto out;
    ts_buf_add(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
    rc = 0;
out:
    if (rc < 0)
        ts_log_error("ts_pdf: libharu error 0x%04X detail %u; qpdf: %s", (unsigned)p->error,
                     (unsigned)p->detail,
                     qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : "-");
    free(data);
    qpdf_cleanup(&q);
    return rc;
}
