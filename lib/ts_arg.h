/* ts_arg — the handler's view of its declared parameters (see ts_param.h).
 * Asking for a name the action did not declare is a programming error: it
 * is logged and treated as absent. */
#ifndef TS_ARG_H
#define TS_ARG_H

#include <stdbool.h>
#include <stdint.h>

struct ts_ctx;
struct ts_upload;
struct ts_value;

const char *ts_arg_str(struct ts_ctx *c, const char *name);
int64_t ts_arg_int(struct ts_ctx *c, const char *name);
bool ts_arg_present(struct ts_ctx *c, const char *name);
const struct ts_value *ts_arg(struct ts_ctx *c, const char *name);
struct ts_upload *ts_arg_file(struct ts_ctx *c, const char *name);
bool ts_arg_has_errors(struct ts_ctx *c);
void ts_arg_error(struct ts_ctx *c, const char *name, const char *message);

#endif
