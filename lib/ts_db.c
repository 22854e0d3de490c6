#include "ts_db.h"
#include "ts_alloc.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_log.h"

#include <errmsg.h>
#include <mysql.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE 256

struct ts_db;
static int begin_if_needed(struct ts_db *db, const char *sql);

/* A prepared statement remembered by its SQL text. */
struct cached_stmt {
    char *sql; /* our own copy of the text */
    MYSQL_STMT *stmt;
};

struct ts_db {
    MYSQL *conn;
    bool in_tx;
    bool lazy_tx;    /* start a transaction before the first write (ts_db_begin_lazy) */
    bool tx_aborted; /* the server rolled the transaction back (deadlock...) */
    unsigned last_errno;
    struct cached_stmt cache[STMT_CACHE];
};

/* Connect with the settings of the config file: utf8mb4, strict mode. */
static MYSQL *connect_db(void)
{
    MYSQL *c = mysql_init(NULL);
    if (!c)
        return NULL;
    unsigned timeout = 5;
    mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(c, MYSQL_INIT_COMMAND,
                  "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                  "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone='+08:00',"
                  " group_concat_max_len=65536");
    const char *socket = ts_config_str("db.socket", NULL);
    const char *host = ts_config_str("db.host", socket ? NULL : "127.0.0.1");
    unsigned port = (unsigned)ts_config_int("db.port", 3306);
    if (!mysql_real_connect(c, host, ts_config_str("db.user", "tuishui"),
                            ts_config_str("db.password", ""), ts_config_str("db.name", "tuishui"),
                            port, socket, 0)) {
        ts_log_error("db connect: %s", mysql_error(c));
        mysql_close(c);
        return NULL;
    }
    return c;
}

/* Open the connection a worker keeps for its lifetime (design: a connect
 * costs about three queries, so it is made once). */
struct ts_db *ts_db_open(void)
{
    struct ts_db *db = ts_xcalloc(1, sizeof *db);
    db->conn = connect_db();
    if (!db->conn) {
        free(db);
        return NULL;
    }
    return db;
}

static void forget_statements(struct ts_db *db)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (db->cache[i].stmt)
            mysql_stmt_close(db->cache[i].stmt);
        free(db->cache[i].sql);
        db->cache[i].stmt = NULL;
        db->cache[i].sql = NULL;
    }
}

void ts_db_close(struct ts_db *db)
{
    if (!db)
        return;
    forget_statements(db);
    if (db->conn)
        mysql_close(db->conn);
    free(db);
}

/* Drop the connection and open a new one; prepared statements die with it. */
static int reconnect(struct ts_db *db)
{
    forget_statements(db);
    if (db->conn)
        mysql_close(db->conn);
    db->conn = connect_db();
    return db->conn ? 0 : -1;
}

static bool connection_lost(unsigned err)
{
    return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST || err == 1927 /* killed */;
}

/* FNV-1a of the SQL text: where its statement sits in the cache. */
static size_t sql_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)(h % STMT_CACHE);
}

/* Prepare a statement into an empty cache slot (which keeps its own copy
 * of the text, so callers may pass any string). */
static MYSQL_STMT *prepare_into(struct ts_db *db, struct cached_stmt *c, const char *sql)
{
    MYSQL_STMT *st = mysql_stmt_init(db->conn);
    if (!st || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        db->last_errno = st ? mysql_stmt_errno(st) : mysql_errno(db->conn);
        ts_log_error("db prepare: %s [%s]", st ? mysql_stmt_error(st) : "?", sql);
        if (st)
            mysql_stmt_close(st);
        return NULL;
    }
    c->sql = ts_xstrdup(sql);
    c->stmt = st;
    return st;
}

/* The cached statement for this SQL text, preparing it on first use.  A
 * full cache is emptied and starts over (a program uses far fewer than
 * STMT_CACHE statements; this only bounds a runaway). */
static MYSQL_STMT *statement(struct ts_db *db, const char *sql)
{
    size_t h = sql_hash(sql);
    for (size_t n = 0; n < STMT_CACHE; n++, h = (h + 1) % STMT_CACHE) {
        struct cached_stmt *c = &db->cache[h];
        if (!c->sql)
            return prepare_into(db, c, sql);
        if (strcmp(c->sql, sql) == 0)
            return c->stmt;
    }
    ts_log_warn("db: statement cache full, emptying it");
    forget_statements(db);
    return prepare_into(db, &db->cache[sql_hash(sql)], sql);
}

/* Bind the typed arguments to the statement's placeholders.  The argument
 * count must match the placeholders exactly: a mismatch is a programming
 * error and is refused. */
static int bind_args(MYSQL_STMT *st, const struct ts_db_arg *args, MYSQL_BIND *b,
                     unsigned long *lens, my_bool *nulls, long long *ints, size_t max)
{
    size_t n = 0;
    for (; args && args[n].type != TS_DB_END; n++) {
        if (n >= max)
            return -1;
        memset(&b[n], 0, sizeof b[n]);
        const struct ts_db_arg *a = &args[n];
        nulls[n] = a->type == TS_DB_NULL || (a->type == TS_DB_STR && !a->s);
        b[n].is_null = &nulls[n];
        if (a->type == TS_DB_I64) {
            ints[n] = a->i;
            b[n].buffer_type = MYSQL_TYPE_LONGLONG;
            b[n].buffer = &ints[n];
        } else {
            lens[n] = nulls[n] ? 0 : strlen(a->s);
            b[n].buffer_type = nulls[n] ? MYSQL_TYPE_NULL : MYSQL_TYPE_STRING;
            b[n].buffer = nulls[n] ? NULL : (void *)a->s;
            b[n].buffer_length = lens[n];
            b[n].length = &lens[n];
        }
    }
    if (n != mysql_stmt_param_count(st)) {
        ts_log_error("db: %zu arguments for %lu placeholders", n, mysql_stmt_param_count(st));
        return -1;
    }
    return n ? (mysql_stmt_bind_param(st, b) ? -1 : 0) : 0;
}

#define MAX_ARGS 64

/* A deadlock, a lock-wait timeout or a lost connection inside a
 * transaction means the server has rolled it (or may have rolled it) back:
 * later statements would run outside it, so the commit must fail. */
static void note_abort(struct ts_db *db)
{
    unsigned e = db->last_errno;
    if (db->in_tx && (e == TS_DB_ER_LOCK_DEADLOCK || e == 1205 || connection_lost(e)))
        db->tx_aborted = true;
}

/* Prepare (cached), bind and execute; reconnect and retry once when the
 * server went away outside a transaction. */
static MYSQL_STMT *execute(struct ts_db *db, const char *sql, const struct ts_db_arg *args)
{
    MYSQL_BIND b[MAX_ARGS];
    unsigned long lens[MAX_ARGS];
    my_bool nulls[MAX_ARGS];
    long long ints[MAX_ARGS];
    if (begin_if_needed(db, sql) < 0)
        return NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        MYSQL_STMT *st = db->conn ? statement(db, sql) : NULL;
        if (st) {
            if (bind_args(st, args, b, lens, nulls, ints, MAX_ARGS) < 0) {
                db->last_errno = 0;
                return NULL;
            }
            if (mysql_stmt_execute(st) == 0) {
                db->last_errno = 0;
                return st;
            }
            db->last_errno = mysql_stmt_errno(st);
            if (!connection_lost(db->last_errno))
                ts_log_error("db execute: %s [%s]", mysql_stmt_error(st), sql);
            note_abort(db);
        } else if (db->conn) {
            db->last_errno = db->last_errno ? db->last_errno : mysql_errno(db->conn);
        }
        if (!(db->conn == NULL || connection_lost(db->last_errno)) || db->in_tx || attempt)
            return NULL;
        ts_log_warn("db: connection lost, reconnecting");
        if (reconnect(db) < 0)
            return NULL;
    }
    return NULL;
}

/* Result buffers for one fetch: every column as a string, sized by the
 * longest value in the stored result (STMT_ATTR_UPDATE_MAX_LENGTH). */
struct row_buffers {
    MYSQL_BIND *bind;
    unsigned long *lens;
    my_bool *nulls;
};

/* Column names into out, and the bind array for fetching. */
static void bind_columns(MYSQL_RES *meta, struct ts_arena *a, struct ts_db_rows *out,
                         struct row_buffers *rb)
{
    size_t nc = out->ncols;
    MYSQL_FIELD *f = mysql_fetch_fields(meta);
    rb->bind = ts_arena_zalloc(a, nc * sizeof *rb->bind);
    rb->lens = ts_arena_zalloc(a, nc * sizeof *rb->lens);
    rb->nulls = ts_arena_zalloc(a, nc * sizeof *rb->nulls);
    out->names = ts_arena_alloc(a, nc * sizeof *out->names);
    for (size_t c = 0; c < nc; c++) {
        MYSQL_BIND *b = &rb->bind[c];
        out->names[c] = ts_arena_strdup(a, f[c].name);
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer_length = (f[c].max_length > 0 ? f[c].max_length : 64) + 1;
        b->buffer = ts_arena_alloc(a, b->buffer_length);
        b->length = &rb->lens[c];
        b->is_null = &rb->nulls[c];
    }
}

/* Copy the fetched row r into the arena; a value longer than its buffer
 * (max_length can be 0 for some types) is fetched again whole. */
static int copy_row(MYSQL_STMT *st, struct ts_arena *a, struct ts_db_rows *out,
                    const struct row_buffers *rb, size_t r)
{
    size_t nc = out->ncols;
    for (size_t c = 0; c < nc; c++) {
        if (rb->nulls[c])
            continue;
        unsigned long len = rb->lens[c];
        char *cell = ts_arena_alloc(a, len + 1);
        if (len < rb->bind[c].buffer_length) {
            memcpy(cell, rb->bind[c].buffer, len);
        } else {
            MYSQL_BIND one = {
                .buffer_type = MYSQL_TYPE_STRING, .buffer = cell, .buffer_length = len + 1};
            if (mysql_stmt_fetch_column(st, &one, (unsigned)c, 0) != 0)
                return -1;
        }
        cell[len] = '\0';
        out->cells[r * nc + c] = cell;
    }
    return 0;
}

/* Copy every row of an executed statement into the arena as strings. */
static int fetch_rows(MYSQL_STMT *st, struct ts_arena *a, struct ts_db_rows *out)
{
    int rc = -1;
    struct row_buffers rb;
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    if (!meta)
        return -1;
    my_bool on = 1;
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
    if (mysql_stmt_store_result(st) != 0)
        goto out_meta;
    out->ncols = mysql_num_fields(meta);
    out->nrows = (size_t)mysql_stmt_num_rows(st);
    out->cells = ts_arena_zalloc(a, (out->nrows * out->ncols + 1) * sizeof *out->cells);
    bind_columns(meta, a, out, &rb);
    if (out->ncols && mysql_stmt_bind_result(st, rb.bind) != 0)
        goto out_free;
    for (size_t r = 0; r < out->nrows; r++) {
        int f_rc = mysql_stmt_fetch(st);
        if ((f_rc != 0 && f_rc != MYSQL_DATA_TRUNCATED) || copy_row(st, a, out, &rb, r) < 0)
            goto out_free;
    }
    rc = 0;
out_free:
    mysql_stmt_free_result(st);
out_meta:
    mysql_free_result(meta);
    return rc;
}

/* Run a SELECT; rows go to the arena.  Returns 0 or -1 (logged). */
int ts_db_query(struct ts_db *db, struct ts_arena *a, const char *sql, const struct ts_db_arg *args,
                struct ts_db_rows *out)
{
    memset(out, 0, sizeof *out);
    MYSQL_STMT *st = execute(db, sql, args);
    if (!st)
        return -1;
    if (fetch_rows(st, a, out) < 0) {
        db->last_errno = mysql_stmt_errno(st);
        ts_log_error("db fetch: %s [%s]", mysql_stmt_error(st), sql);
        return -1;
    }
    return 0;
}

/* Run an INSERT / UPDATE / DELETE; res (may be NULL) gets the counts. */
int ts_db_exec(struct ts_db *db, const char *sql, const struct ts_db_arg *args,
               struct ts_db_result *res)
{
    MYSQL_STMT *st = execute(db, sql, args);
    if (!st)
        return -1;
    if (res) {
        res->affected = (uint64_t)mysql_stmt_affected_rows(st);
        res->insert_id = (uint64_t)mysql_stmt_insert_id(st);
    }
    mysql_stmt_free_result(st);
    return 0;
}

/* Transactions: one per request (ts_app), so a request commits whole or not
 * at all.  The reconnect retry is off while one is open. */
int ts_db_begin(struct ts_db *db)
{
    if (!db->conn && reconnect(db) < 0)
        return -1;
    if (mysql_query(db->conn, "START TRANSACTION") != 0) {
        db->last_errno = mysql_errno(db->conn);
        if (!connection_lost(db->last_errno) || reconnect(db) < 0 ||
            mysql_query(db->conn, "START TRANSACTION") != 0)
            return -1;
    }
    db->in_tx = true;
    db->tx_aborted = false;
    return 0;
}

/* The request's transaction, started only when it is needed: before the
 * first statement that writes or locks (INSERT, UPDATE, DELETE, SELECT ...
 * FOR UPDATE).  A page that only reads — most GETs — then costs two round
 * trips fewer, and a request that writes still commits whole or not at
 * all: everything from its first write or lock to the end is one
 * transaction. */
void ts_db_begin_lazy(struct ts_db *db)
{
    db->lazy_tx = true;
    db->tx_aborted = false;
}

/* Does this statement write or take locks (so it needs the transaction)? */
static bool writes_or_locks(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '(')
        sql++;
    if (strncasecmp(sql, "SELECT", 6) != 0 && strncasecmp(sql, "WITH", 4) != 0)
        return true;
    return strstr(sql, "FOR UPDATE") || strstr(sql, "LOCK IN SHARE MODE");
}

/* Start the lazy transaction if this statement needs it. */
static int begin_if_needed(struct ts_db *db, const char *sql)
{
    if (!db->lazy_tx || db->in_tx || !writes_or_locks(sql))
        return 0;
    return ts_db_begin(db);
}

int ts_db_commit(struct ts_db *db)
{
    bool was_in_tx = db->in_tx;
    db->in_tx = db->lazy_tx = false;
    if (!was_in_tx)
        return 0;
    if (db->tx_aborted) {
        ts_log_error("db commit refused: the transaction was rolled back by the server");
        mysql_rollback(db->conn);
        return -1;
    }
    if (mysql_commit(db->conn) != 0) {
        db->last_errno = mysql_errno(db->conn);
        ts_log_error("db commit: %s", mysql_error(db->conn));
        return -1;
    }
    return 0;
}

int ts_db_rollback(struct ts_db *db)
{
    bool was_in_tx = db->in_tx;
    db->in_tx = db->lazy_tx = false;
    if (was_in_tx && db->conn && mysql_rollback(db->conn) != 0) {
        ts_log_error("db rollback: %s", mysql_error(db->conn));
        return -1;
    }
    return 0;
}

bool ts_db_in_transaction(const struct ts_db *db)
{
    return db->in_tx;
}

unsigned ts_db_errno(const struct ts_db *db)
{
    return db->last_errno;
}

const char *ts_db_cell_at(const struct ts_db_rows *r, size_t row, size_t col)
{
    if (row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->cells[row * r->ncols + col];
}

/* A cell by column name; NULL for SQL NULL or an unknown column. */
const char *ts_db_cell(const struct ts_db_rows *r, size_t row, const char *col)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->names[c], col) == 0)
            return ts_db_cell_at(r, row, c);
    return NULL;
}

/* An integer cell; 0 when NULL.  Only for integer columns (ids, counts). */
int64_t ts_db_cell_i64(const struct ts_db_rows *r, size_t row, const char *col)
{
    const char *v = ts_db_cell(r, row, col);
    if (!v)
        return 0;
    int neg = *v == '-';
    int64_t n = 0;
    for (const char *p = v + neg; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (*p - '0');
    return neg ? -n : n;
}

/* What users type is searched as typed: their % and _ are not wildcards. */
const char *ts_db_like_pattern(struct ts_arena *a, const char *s, bool anywhere)
{
    char *out = ts_arena_alloc(a, 2 * strlen(s) + 3), *p = out;
    if (anywhere)
        *p++ = '%';
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '!')
            *p++ = '!';
        *p++ = *s;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}
