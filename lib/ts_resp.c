#include "ts_resp.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_log.h"

#include <fcgiapp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Headers go out in the order they were added: a response may carry two
 * Set-Cookie lines for one cookie (login over a live session deletes the old
 * ts_sid, then sets the new one) and browsers apply them in order. */
void ts_resp_header(struct ts_ctx *c, const char *name, const char *value)
{
    struct ts_header *h = ts_arena_alloc(c->arena, sizeof *h);
    struct ts_header **tail = &c->headers;
    h->name = name;
    h->value = value;
    h->next = NULL;
    while (*tail)
        tail = &(*tail)->next;
    *tail = h;
}

/* Is url a path on this site?  Only "/" followed by printable ASCII other
 * than '\\'; never "//" (another host).  Browsers drop tabs and newlines
 * from URLs, so "/\t/evil.example" would be "//evil.example": no control
 * byte, blank or non-ASCII byte is accepted at all. */
static bool local_path(const char *url)
{
    if (url[0] != '/' || url[1] == '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
            return false;
    return true;
}

/* 303 See Other: after a POST the browser GETs the next page, so a reload
 * never repeats the change.  Only local paths are accepted (no open
 * redirect through a ?next= parameter); anything else goes to "/". */
int ts_resp_redirect(struct ts_ctx *c, const char *url)
{
    if (!local_path(url))
        url = "/";
    c->status = 303;
    ts_resp_header(c, "Location", url);
    ts_buf_reset(&c->body);
    c->content_type = "text/plain; charset=utf-8";
    c->responded = true;
    return 0;
}

/* Content-Disposition "<type>; ..." with a Chinese file name: an ASCII
 * fallback plus RFC 5987 filename* (UTF-8, percent-encoded). */
static const char *disposition(struct ts_ctx *c, const char *type, const char *filename)
{
    static const char hex[] = "0123456789ABCDEF";
    struct ts_buf ascii = {0}, enc = {0};
    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~", *p);
        ts_buf_addc(&ascii, plain ? (char)*p : '_');
        if (plain) {
            ts_buf_addc(&enc, (char)*p);
        } else {
            ts_buf_addc(&enc, '%');
            ts_buf_addc(&enc, hex[*p >> 4]);
            ts_buf_addc(&enc, hex[*p & 15]);
        }
    }
    const char *v = ts_arena_printf(c->arena, "%s; filename=\"%s\"; filename*=UTF-8''%s", type,
                                    ts_buf_cstr(&ascii), ts_buf_cstr(&enc));
    ts_buf_free(&ascii);
    ts_buf_free(&enc);
    return v;
}

/* A download: the browser saves the file under filename. */
const char *ts_resp_content_disposition(struct ts_ctx *c, const char *filename)
{
    return disposition(c, "attachment", filename);
}

/* Shown in the browser (an image, a PDF in its viewer), saved from there
 * under filename. */
const char *ts_resp_inline_disposition(struct ts_ctx *c, const char *filename)
{
    return disposition(c, "inline", filename);
}

/* Send bytes as the response; with a download_name, as an attachment. */
int ts_resp_send(struct ts_ctx *c, const char *content_type, const void *data, size_t n,
                 const char *download_name)
{
    c->status = 200;
    c->content_type = content_type;
    ts_buf_reset(&c->body);
    ts_buf_add(&c->body, data, n);
    if (download_name)
        ts_resp_header(c, "Content-Disposition", ts_resp_content_disposition(c, download_name));
    c->responded = true;
    return 0;
}

/* Send a file (a generated export) without holding it in memory. */
int ts_resp_send_file(struct ts_ctx *c, const char *content_type, const char *path,
                      const char *download_name)
{
    c->status = 200;
    c->content_type = content_type;
    c->send_file = ts_arena_strdup(c->arena, path);
    if (download_name)
        ts_resp_header(c, "Content-Disposition", ts_resp_content_disposition(c, download_name));
    c->responded = true;
    return 0;
}

/* Let nginx send a finished file: an empty 200 with X-Accel-Redirect to
 * internal_uri, a path under an `internal` location of nginx (nginx/
 * tuishui.conf.in) aliased to the file's folder.  nginx then serves the
 * file itself — sendfile, Range (206), no temp file, the FastCGI worker
 * free at once — with this response's Content-Type, Content-Disposition
 * and Cache-Control (nginx keeps those across the redirect); the security
 * headers, which it drops, the internal location sets again from the
 * $upstream_http_* of this response.  Use only after every check (session,
 * permission, tenant): nginx serves whatever the path names. */
int ts_resp_accel_file(struct ts_ctx *c, const char *content_type, const char *internal_uri,
                       const char *download_name)
{
    c->status = 200;
    c->content_type = content_type;
    ts_buf_reset(&c->body);
    ts_resp_header(c, "X-Accel-Redirect", ts_arena_strdup(c->arena, internal_uri));
    if (download_name)
        ts_resp_header(c, "Content-Disposition", ts_resp_content_disposition(c, download_name));
    c->responded = true;
    return 0;
}

/* A one-time message for the next page the user sees (保存成功...). */
void ts_resp_flash(struct ts_ctx *c, const char *message)
{
    ts_session_set_flash(c, message);
}

static const char *status_text(int status)
{
    static const struct {
        int status;
        const char *text;
    } texts[] = {
        {200, "OK"},
        {303, "See Other"},
        {400, "Bad Request"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {409, "Conflict"},
        {413, "Payload Too Large"},
        {415, "Unsupported Media Type"},
        {500, "Internal Server Error"},
        {503, "Service Unavailable"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].status == status)
            return texts[i].text;
    return "Internal Server Error";
}

/* Copy a file to the FastCGI stream in blocks. */
static int stream_file(FCGX_Stream *out, const char *path)
{
    char block[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n;
    while ((n = read(fd, block, sizeof block)) > 0)
        if (FCGX_PutStr(block, (int)n, out) != (int)n)
            break;
    close(fd);
    return n == 0 ? 0 : -1;
}

/* One header line, written piecewise: libfcgi's FCGX_FPrintF has its own
 * format parser that does not know %zu, so nothing here formats through it. */
static void put_header(FCGX_Stream *out, const char *name, const char *value)
{
    FCGX_PutS(name, out);
    FCGX_PutS(": ", out);
    FCGX_PutS(value, out);
    FCGX_PutS("\r\n", out);
}

/* The framing headers: no page may be framed (clickjacking), only a file
 * that a page of the portal shows inside itself (预览 of a PDF in the
 * browser's viewer, ts_resp_frame_same_origin) may be framed by the
 * portal's own pages. */
#define CSP(ancestors)                                                                             \
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self'; "        \
    "script-src 'self'; frame-ancestors " ancestors "; form-action 'self'; base-uri 'none'\r\n"
#define FRAME_NONE        "X-Frame-Options: DENY\r\n" CSP("'none'")
#define FRAME_SAME_ORIGIN "X-Frame-Options: SAMEORIGIN\r\n" CSP("'self'")

/* Let the portal's own pages frame this response (a stored file shown in
 * 预览); every other response keeps X-Frame-Options DENY and
 * frame-ancestors 'none'. */
void ts_resp_frame_same_origin(struct ts_ctx *c)
{
    c->frame_same_origin = true;
}

/* Write status, headers (security headers on every response) and body. */
int ts_resp_write(struct ts_ctx *c, void *fcgx_out)
{
    FCGX_Stream *out = fcgx_out;
    char line[128];
    int status = c->status ? c->status : 500;
    snprintf(line, sizeof line, "%d %s", status, status_text(status));
    put_header(out, "Status", line);
    put_header(out, "Content-Type",
               c->content_type ? c->content_type : "text/plain; charset=utf-8");
    FCGX_PutS("X-Content-Type-Options: nosniff\r\n"
              "Referrer-Policy: same-origin\r\n"
              "Cache-Control: no-store\r\n",
              out);
    FCGX_PutS(c->frame_same_origin ? FRAME_SAME_ORIGIN : FRAME_NONE, out);
    if (c->https)
        put_header(out, "Strict-Transport-Security", "max-age=31536000");
    put_header(out, "X-Request-Id", c->request_id);
    for (struct ts_header *h = c->headers; h; h = h->next)
        put_header(out, h->name, h->value);
    if (!c->send_file) {
        snprintf(line, sizeof line, "%zu", c->body.len);
        put_header(out, "Content-Length", line);
    }
    FCGX_PutS("\r\n", out);
    if (c->send_file) {
        int rc = stream_file(out, c->send_file);
        if (c->send_file_unlink)
            unlink(c->send_file); /* a temp export: gone whether or not it all went out */
        return rc;
    }
    if (c->body.len)
        FCGX_PutStr(c->body.data, (int)c->body.len, out);
    return 0;
}
