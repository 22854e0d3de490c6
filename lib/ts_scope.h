/* ts_scope — enterprise isolation in the data layer.
 *
 * Every table a tenant owns has ent_id (and, where portal staff own rows
 * too, ent_key = IFNULL(ent_id, 0)).  Handlers reach such rows only through
 * these functions, which bind the session's tenant — its enterprise, or 0
 * for the portal's own staff — as the statement's FIRST placeholder.  The
 * SQL must therefore start its WHERE with "ent_id = ?" or "ent_key = ?"
 * (checked at run time: a statement whose first placeholder is not such a
 * filter is refused).  An UPDATE's SET values come before its WHERE: there
 * the tenant is bound at the first placeholder after " WHERE ", which must
 * be the filter.  A guessed id of another enterprise's record then simply
 * matches no row, and the page answers 404.
 *
 *     ts_scope_query(c, "SELECT ... FROM app_user WHERE ent_key = ? AND id = ?",
 *                    TS_ARGS(TS_I64(id)), &rows);
 *     ts_scope_exec(c, "UPDATE app_user SET status = ? WHERE ent_key = ? AND id = ?",
 *                   TS_ARGS(TS_STR(status), TS_I64(id)), NULL);
 */
#ifndef TS_SCOPE_H
#define TS_SCOPE_H

#include "ts_db.h"

struct ts_ctx;

int64_t ts_scope_tenant(struct ts_ctx *c);
int ts_scope_tenant_index(const char *sql);
int ts_scope_query(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                   struct ts_db_rows *out);
int ts_scope_exec(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                  struct ts_db_result *res);
/* ts_scope_query with the cells in arena a instead of the request's: for a
 * handler that reads many rows in batches and frees each batch (decl's
 * XML download). */
int ts_scope_query_in(struct ts_ctx *c, struct ts_arena *a, const char *sql,
                      const struct ts_db_arg *args, struct ts_db_rows *out);

/* The tax officer's jurisdiction (税务机关 and the bureaus under it, by the
 * code's levels: docs/declarations.md "The tax side").  Officer-side
 * statements over enterprise rows start their WHERE with
 * "<alias.>tax_bureau_code LIKE ?"; ts_scope_bureau_query binds there the
 * officer's pattern ("15101%" for 15101000000), or one that matches no
 * code for anybody else — checked at run time like the tenant filter:
 *
 *     ts_scope_bureau_query(c, "SELECT ... FROM enterprise e"
 *                              " WHERE e.tax_bureau_code LIKE ? AND e.id = ?", ...);
 */
size_t ts_scope_bureau_prefix_len(const char *code);
int ts_scope_bureau_index(const char *sql);
int ts_scope_bureau_query(struct ts_ctx *c, const char *sql, const struct ts_db_arg *args,
                          struct ts_db_rows *out);

#endif
