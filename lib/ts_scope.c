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

/* Is the placeholder at q the tenant filter ("ent_id = ?" or "ent_key = ?",
 * optionally with a table alias)? */
static bool filter_at(const char *sql, const char *q)
{
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

/* The index of the tenant filter's placeholder, or -1 if the statement has
 * none where it must be: the first placeholder — or, for an UPDATE, whose
 * SET values come before its WHERE, the first placeholder after " WHERE ". */
static int tenant_index(const char *sql)
{
    const char *from = sql;
    if (strncmp(sql, "UPDATE ", 7) == 0 && !(from = strstr(sql, " WHERE ")))
        return -1;
    const char *q = strchr(from, '?');
    if (!q || !filter_at(sql, q))
        return -1;
    int n = 0;
    for (const char *p = sql; p < q; p++)
        n += *p == '?';
    return n;
}

/* The caller's arguments with the tenant bound at the filter's place. */
static const struct ts_db_arg *with_tenant(struct ts_ctx *c, const char *sql,
                                           const struct ts_db_arg *args)
{
    int at = tenant_index(sql);
    if (!c->session || at < 0) {
        ts_log_error("scope: refused statement without a leading tenant filter [%s]", sql);
        return NULL;
    }
    size_t n = 0;
    while (args && args[n].type != TS_DB_END)
        n++;
    if ((size_t)at > n) {
        ts_log_error("scope: %zu arguments before the tenant filter [%s]", n, sql);
        return NULL;
    }
    struct ts_db_arg *all = ts_arena_zalloc(c->arena, (n + 2) * sizeof *all);
    for (size_t i = 0, k = 0; i <= n; i++)
        all[i] = (int)i == at ? TS_I64(ts_scope_tenant(c)) : args[k++];
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
