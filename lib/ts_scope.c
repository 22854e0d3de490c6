#include "ts_scope.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_log.h"

#include <string.h>

/* The tenant of the logged-in user: the enterprise, or 0 for portal staff
 * (operators manage staff accounts; officers reach enterprise data only
 * through their jurisdiction's own queries). */
int64_t ts_scope_tenant(struct ts_ctx *c)
{
    return c->session && c->session->scope == TS_SCOPE_ENTERPRISE ? c->session->ent_id : 0;
}

/* Is the first placeholder of sql the tenant filter ("ent_id = ?" or
 * "ent_key = ?", optionally with a table alias)? */
static bool tenant_first(const char *sql)
{
    const char *q = strchr(sql, '?');
    if (!q)
        return false;
    const char *p = q;
    while (p > sql && p[-1] == ' ')
        p--;
    if (p == sql || p[-1] != '=')
        return false;
    p--;
    while (p > sql && p[-1] == ' ')
        p--;
    return (p - sql >= 6 && strncmp(p - 6, "ent_id", 6) == 0) ||
           (p - sql >= 7 && strncmp(p - 7, "ent_key", 7) == 0);
}

/* The caller's arguments with the tenant in front. */
static const struct ts_db_arg *with_tenant(struct ts_ctx *c, const char *sql,
                                           const struct ts_db_arg *args)
{
    if (!c->session || !tenant_first(sql)) {
        ts_log_error("scope: refused statement without a leading tenant filter [%s]", sql);
        return NULL;
    }
    size_t n = 0;
    while (args && args[n].type != TS_DB_END)
        n++;
    struct ts_db_arg *all = ts_arena_zalloc(c->arena, (n + 2) * sizeof *all);
    all[0] = TS_I64(ts_scope_tenant(c));
    for (size_t i = 0; i < n; i++)
        all[i + 1] = args[i];
    return all;
}

int ts_scope_query(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                   struct ts_db_rows *out)
{
    const struct ts_db_arg *all = with_tenant(c, sql, args);
    return all ? ts_db_query(c->db, c->arena, sql, all, out) : -1;
}

int ts_scope_exec(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                  struct ts_db_result *res)
{
    const struct ts_db_arg *all = with_tenant(c, sql, args);
    return all ? ts_db_exec(c->db, sql, all, res) : -1;
}
