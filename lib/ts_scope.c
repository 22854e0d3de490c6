#include "ts_scope.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_log.h"

#include <string.h>

/* The tenant of the logged-in user: the enterprise, 0 for the operators
 * (who manage the portal's own staff accounts), and -1 — which matches no
 * row — for tax and customs officers, who reach enterprise data only
 * through their jurisdiction's own queries. */
int64_t ts_scope_tenant(struct ts_ctx *c)
{
    if (!c->session)
        return -1;
    if (c->session->scope == TS_SCOPE_ENTERPRISE)
        return c->session->ent_id;
    return c->session->scope == TS_SCOPE_OPERATOR ? 0 : -1;
}

static bool ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* Is the placeholder at q the tenant filter: the whole column name ent_id
 * or ent_key (optionally alias.), "= ?", and after it only the end of the
 * statement, AND, ')', ORDER, GROUP, LIMIT or FOR — so "parent_id = ?" or
 * "ent_id = ? OR ..." never pass for a tenant filter. */
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
    size_t n = p - sql >= 7 && strncmp(p - 7, "ent_key", 7) == 0  ? 7
               : p - sql >= 6 && strncmp(p - 6, "ent_id", 6) == 0 ? 6
                                                                  : 0;
    if (!n || (p - n > sql && ident_char(p[-n - 1])))
        return false;
    const char *after = q + 1;
    while (*after == ' ')
        after++;
    static const char *const ok[] = {"AND ", ")", "ORDER ", "GROUP ", "LIMIT ", "FOR "};
    if (!*after)
        return true;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(after, ok[i], strlen(ok[i])) == 0)
            return true;
    return false;
}

/* Does an OR follow at the filter's own level (not inside parentheses)?
 * "ent_id = ? AND a = ? OR b = ?" would let rows of other tenants through. */
static bool or_at_top_level(const char *from)
{
    int depth = 0;
    for (const char *p = from; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        else if (depth <= 0 && strncmp(p, " OR ", 4) == 0)
            return true;
    }
    return false;
}

/* The index of the tenant filter's placeholder, or -1 if the statement has
 * none where it must be: the first placeholder — or, for an UPDATE, whose
 * SET values come before its WHERE, the first placeholder after " WHERE ". */
int ts_scope_tenant_index(const char *sql)
{
    const char *from = sql;
    if (strncmp(sql, "UPDATE ", 7) == 0 && !(from = strstr(sql, " WHERE ")))
        return -1;
    const char *q = strchr(from, '?');
    if (!q || !filter_at(sql, q) || or_at_top_level(q))
        return -1;
    int n = 0;
    for (const char *p = sql; p < q; p++)
        n += *p == '?';
    return n;
}

/* The caller's arguments with the tenant bound at the filter's place, in
 * arena a (the batch arena of a handler that frees per batch, so that the
 * request's arena does not grow with every batch). */
static const struct ts_db_arg *with_tenant(struct ts_ctx *c, struct ts_arena *a, const char *sql,
                                           const struct ts_db_arg *args)
{
    int at = ts_scope_tenant_index(sql);
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
    struct ts_db_arg *all = ts_arena_zalloc(a, (n + 2) * sizeof *all);
    for (size_t i = 0, k = 0; i <= n; i++)
        all[i] = (int)i == at ? TS_I64(ts_scope_tenant(c)) : args[k++];
    return all;
}

int ts_scope_query_in(struct ts_ctx *c, struct ts_arena *a, const char *sql,
                      const struct ts_db_arg *args, struct ts_db_rows *out)
{
    const struct ts_db_arg *all = with_tenant(c, a, sql, args);
    return all ? ts_db_query(c->db, a, sql, all, out) : -1;
}

int ts_scope_query(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                   struct ts_db_rows *out)
{
    return ts_scope_query_in(c, c->arena, sql, args, out);
}

int ts_scope_exec(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                  struct ts_db_result *res)
{
    const struct ts_db_arg *all = with_tenant(c, c->arena, sql, args);
    return all ? ts_db_exec(c->db, sql, all, res) : -1;
}

/* ---- the tax officer's jurisdiction (税务机关) ---- */

#define BUREAU_CODE_LEN 11

/* How many leading characters of an 11-digit 税务机关 code name the bureau:
 * the code is 1 + the 6-digit 行政区划代码 + 4 digits, so a province's
 * bureau (15100000000) covers every code starting 151, a city's
 * (15101000000) every code starting 15101, a district's (15101040000)
 * 1510104, and a code with anything in its last 4 digits only itself.
 * 0 for anything that is not 11 digits: such an officer sees nothing. */
size_t ts_scope_bureau_prefix_len(const char *code)
{
    static const size_t levels[] = {3, 5, 7, BUREAU_CODE_LEN};
    if (!code || strlen(code) != BUREAU_CODE_LEN)
        return 0;
    for (size_t i = 0; i < BUREAU_CODE_LEN; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        size_t i = levels[l];
        while (i < BUREAU_CODE_LEN && code[i] == '0')
            i++;
        if (i == BUREAU_CODE_LEN)
            return levels[l];
    }
    return BUREAU_CODE_LEN;
}

/* The LIKE pattern of the session's jurisdiction: the bureau prefix and %
 * for a tax officer with a well-formed code; "-", which no code matches,
 * for everybody else (enterprises, customs, operators, a bad code). */
static const char *bureau_pattern(struct ts_ctx *c)
{
    if (!c->session || c->session->scope != TS_SCOPE_TAX)
        return "-";
    size_t n = ts_scope_bureau_prefix_len(c->session->tax_bureau_code);
    if (!n)
        return "-";
    return ts_arena_printf(c->arena, "%.*s%%", (int)n, c->session->tax_bureau_code);
}

/* Is the first placeholder the jurisdiction filter: the whole column name
 * tax_bureau_code (optionally alias.) LIKE ?, followed by the end, AND,
 * ')', ORDER, GROUP or LIMIT, and no OR at its level?  Returns 0 (its
 * index) or -1. */
int ts_scope_bureau_index(const char *sql)
{
    static const char col[] = "tax_bureau_code LIKE ";
    static const char *const ok[] = {"AND ", ")", "ORDER ", "GROUP ", "LIMIT "};
    const char *q = strchr(sql, '?');
    size_t n = sizeof col - 1;
    if (!q || (size_t)(q - sql) < n || strncmp(q - n, col, n) != 0 ||
        (q - n > sql && ident_char(q[-n - 1])) || or_at_top_level(q))
        return -1;
    const char *after = q + 1;
    while (*after == ' ')
        after++;
    if (!*after)
        return 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(after, ok[i], strlen(ok[i])) == 0)
            return 0;
    return -1;
}

/* A tax officer's query over enterprise rows, their jurisdiction bound as
 * the first placeholder (see ts_scope.h). */
int ts_scope_bureau_query(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                          struct ts_db_rows *out)
{
    if (ts_scope_bureau_index(sql) != 0) {
        ts_log_error("scope: refused statement without a leading bureau filter [%s]", sql);
        return -1;
    }
    size_t n = 0;
    while (args && args[n].type != TS_DB_END)
        n++;
    struct ts_db_arg *all = ts_arena_zalloc(c->arena, (n + 2) * sizeof *all);
    all[0] = TS_STR(bureau_pattern(c)); /* zalloc: all[n + 1] is TS_DB_END */
    for (size_t i = 0; i < n; i++)
        all[i + 1] = args[i];
    return ts_db_query(c->db, c->arena, sql, all, out);
}
