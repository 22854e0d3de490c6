/* ts_db — MySQL (MariaDB) through prepared statements only.
 *
 * SQL text is always a string literal with '?' placeholders; values travel
 * as typed arguments, never in the text.  Statements are prepared once per
 * connection and cached by their text.  Result cells come back as strings
 * in the request arena (NULL for SQL NULL).  A lost connection is reopened
 * and the statement retried once, unless a transaction was open.
 *
 *     struct ts_db_rows r;
 *     if (ts_db_query(db, arena, "SELECT id, name FROM role WHERE ent_id = ?",
 *                     TS_ARGS(TS_I64(ent_id)), &r) < 0)
 *         goto fail;
 *     for (size_t i = 0; i < r.nrows; i++)
 *         use(ts_db_cell(&r, i, "name"));
 */
#ifndef TS_DB_H
#define TS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;

enum ts_db_type { TS_DB_END = 0, TS_DB_NULL, TS_DB_I64, TS_DB_STR };

struct ts_db_arg {
    enum ts_db_type type;
    int64_t i;
    const char *s; /* TS_STR(NULL) binds SQL NULL */
};

#define TS_I64(v)    ((struct ts_db_arg){.type = TS_DB_I64, .i = (int64_t)(v)})
#define TS_STR(v)    ((struct ts_db_arg){.type = TS_DB_STR, .s = (v)})
#define TS_NULL      ((struct ts_db_arg){.type = TS_DB_NULL})
#define TS_ARGS(...) ((const struct ts_db_arg[]){__VA_ARGS__, {.type = TS_DB_END}})
#define TS_NOARGS    ((const struct ts_db_arg *)0)

struct ts_db_rows {
    size_t nrows;
    size_t ncols;
    const char **names; /* ncols column names */
    char **cells;       /* nrows * ncols, row-major; NULL = SQL NULL */
};

struct ts_db_result {
    uint64_t affected;
    uint64_t insert_id;
};

/* MySQL error numbers callers turn into user messages. */
#define TS_DB_ER_DUP_ENTRY     1062
#define TS_DB_ER_LOCK_DEADLOCK 1213
#define TS_DB_ER_LOCK_WAIT     1205 /* innodb_lock_wait_timeout passed */

struct ts_db *ts_db_open(void);
void ts_db_close(struct ts_db *db);

int ts_db_query(struct ts_db *db, struct ts_arena *a, const char *sql, const struct ts_db_arg *args,
                struct ts_db_rows *out);
int ts_db_exec(struct ts_db *db, const char *sql, const struct ts_db_arg *args,
               struct ts_db_result *res);

int ts_db_begin(struct ts_db *db);
void ts_db_begin_lazy(struct ts_db *db);
int ts_db_commit(struct ts_db *db);
int ts_db_rollback(struct ts_db *db);
bool ts_db_in_transaction(const struct ts_db *db);

unsigned ts_db_errno(const struct ts_db *db);

/* A LIKE pattern (use it with ESCAPE '!') that matches s literally: at the
 * start of the value, or anywhere in it.  % _ ! in s are escaped. */
const char *ts_db_like_pattern(struct ts_arena *a, const char *s, bool anywhere);
const char *ts_db_cell(const struct ts_db_rows *r, size_t row, const char *col);
const char *ts_db_cell_at(const struct ts_db_rows *r, size_t row, size_t col);
int64_t ts_db_cell_i64(const struct ts_db_rows *r, size_t row, const char *col);

#endif
