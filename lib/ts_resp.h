/* ts_resp — responses other than rendered pages: redirects, downloads,
 * flash messages, extra headers; and writing the finished response out with
 * the security headers every response carries. */
#ifndef TS_RESP_H
#define TS_RESP_H

#include <stddef.h>

struct ts_ctx;

int ts_resp_redirect(struct ts_ctx *c, const char *url);
int ts_resp_send(struct ts_ctx *c, const char *content_type, const void *data, size_t n,
                 const char *download_name);
int ts_resp_send_file(struct ts_ctx *c, const char *content_type, const char *path,
                      const char *download_name);
int ts_resp_accel_file(struct ts_ctx *c, const char *content_type, const char *internal_uri,
                       const char *download_name);
void ts_resp_flash(struct ts_ctx *c, const char *message);
void ts_resp_header(struct ts_ctx *c, const char *name, const char *value);
void ts_resp_frame_same_origin(struct ts_ctx *c);
const char *ts_resp_content_disposition(struct ts_ctx *c, const char *filename);
const char *ts_resp_inline_disposition(struct ts_ctx *c, const char *filename);
int ts_resp_write(struct ts_ctx *c, void *fcgx_out);

#endif
