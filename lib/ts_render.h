/* ts_render — pages from ClearSilver templates.
 *
 * Handlers put values into the page's HDF (ts_render_set...) and name a
 * template; the layout (header with enterprise name and 退出, the folding
 * left menu built from the user's permissions, flash message, CSRF token)
 * wraps it.  Every value is HTML-escaped on output (Config.VarEscapeMode =
 * html); raw output is only `uvar:` in templates/layout, reviewed once. */
#ifndef TS_RENDER_H
#define TS_RENDER_H

#include <stdint.h>

struct ts_ctx;
struct ts_db_rows;

void ts_render_set(struct ts_ctx *c, const char *name, const char *value);
void ts_render_set_int(struct ts_ctx *c, const char *name, int64_t value);
void ts_render_rows(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *rows);
void ts_render_field_error(struct ts_ctx *c, const char *name, const char *message);
int ts_render(struct ts_ctx *c, const char *template_path);
int ts_render_error(struct ts_ctx *c, int status, const char *message);
void ts_render_free(struct ts_ctx *c);
void ts_render_cache_free(void);

#endif
