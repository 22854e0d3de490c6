#include "ts_arg.h"
#include "ts_app.h"
#include "ts_log.h"
#include "ts_multipart.h"

#include <string.h>

/* The declared value of a name; NULL (logged) for an undeclared one. */
const struct ts_value *ts_arg(struct ts_ctx *c, const char *name)
{
    const struct ts_param *p = c->action->params;
    for (size_t i = 0; p && p[i].name; i++)
        if (strcmp(p[i].name, name) == 0)
            return &c->values[i];
    ts_log_error("parameter %s is not declared by %s/%s", name, c->module->name,
                 c->action->name);
    return NULL;
}

/* The text of a parameter as sent; "" when absent (never NULL). */
const char *ts_arg_str(struct ts_ctx *c, const char *name)
{
    const struct ts_value *v = ts_arg(c, name);
    return v ? v->raw : "";
}

/* An INT or MONEY parameter's value; 0 when absent or invalid. */
int64_t ts_arg_int(struct ts_ctx *c, const char *name)
{
    const struct ts_value *v = ts_arg(c, name);
    return v && v->present && !v->error ? v->num : 0;
}

bool ts_arg_present(struct ts_ctx *c, const char *name)
{
    const struct ts_value *v = ts_arg(c, name);
    return v && v->present;
}

/* The uploaded file sent under a name (multipart actions only). */
struct ts_upload *ts_arg_file(struct ts_ctx *c, const char *name)
{
    for (struct ts_upload *u = c->uploads; u; u = u->next)
        if (strcmp(u->field, name) == 0 && u->size > 0)
            return u;
    return NULL;
}

bool ts_arg_has_errors(struct ts_ctx *c)
{
    return c->param_errors > 0;
}

/* A business-rule error found by the handler (登录名称已存在...): shown
 * next to the field like a type error. */
void ts_arg_error(struct ts_ctx *c, const char *name, const char *message)
{
    c->param_errors++;
    ts_render_field_error(c, name, message);
}
