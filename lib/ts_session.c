#include "ts_session.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_form.h"
#include "ts_log.h"

#include <stdlib.h>
#include <string.h>

#define SID_COOKIE "ts_sid"
#define CSRF_COOKIE "ts_csrf"

/* A cookie from the request; NULL if absent or the header is malformed. */
const char *ts_session_cookie(struct ts_ctx *c, const char *name)
{
    struct ts_kvlist cookies = {0};
    if (!c->cookie_header ||
        ts_form_parse_cookies(c->arena, c->cookie_header, strlen(c->cookie_header),
                              &ts_form_cookie_limits, &cookies) != TS_FORM_OK)
        return NULL;
    return ts_form_get(&cookies, name);
}

/* Set-Cookie with the attributes every cookie of ours carries; max_age 0
 * deletes it, -1 makes it last for the browser session. */
void ts_session_set_cookie(struct ts_ctx *c, const char *name, const char *value, int max_age)
{
    const char *age = max_age >= 0 ? ts_arena_printf(c->arena, "; Max-Age=%d", max_age) : "";
    ts_resp_header(c, "Set-Cookie",
                   ts_arena_printf(c->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
                                   value, c->https ? "; Secure" : "", age));
}

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The permission codes of the user's enabled roles, from the session
 * query's comma-separated list (one round trip fewer per request), sorted
 * and without repeats here: GROUP_CONCAT's DISTINCT and ORDER BY cost the
 * server ~35 us of every page (docs/performance.md, "Per-page framework
 * cost"), a qsort of ~50 codes much less. */
static void split_perms(struct ts_ctx *c, struct ts_session *s, const char *list)
{
    size_t n = list && *list ? 1 : 0;
    for (const char *p = list; p && *p; p++)
        n += *p == ',';
    s->perms = ts_arena_alloc(c->arena, (n + 1) * sizeof *s->perms);
    s->nperms = 0;
    for (const char *p = list; n && p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        s->perms[s->nperms++] = ts_arena_strndup(c->arena, p, len);
        p = comma ? comma + 1 : NULL;
    }
    qsort(s->perms, s->nperms, sizeof *s->perms, cmp_str);
    size_t kept = 0; /* a code two roles grant, once */
    for (size_t i = 0; i < s->nperms; i++)
        if (kept == 0 || strcmp(s->perms[kept - 1], s->perms[i]) != 0)
            s->perms[kept++] = s->perms[i];
    s->nperms = kept;
}

/* Fill the session from its row; an expired one is deleted instead. */
static int session_from_row(struct ts_ctx *c, const struct ts_db_rows *r, const char *hash)
{
    if (ts_db_cell_i64(r, 0, "expired") || strcmp(ts_db_cell(r, 0, "user_status"), "normal") != 0 ||
        (ts_db_cell(r, 0, "ent_status") && strcmp(ts_db_cell(r, 0, "ent_status"), "normal") != 0)) {
        ts_db_exec(c->db, "DELETE FROM session WHERE token_hash = ?", TS_ARGS(TS_STR(hash)), NULL);
        ts_session_set_cookie(c, SID_COOKIE, "", 0);
        return 0;
    }
    struct ts_session *s = ts_arena_zalloc(c->arena, sizeof *s);
    s->token_hash = hash;
    s->user_id = ts_db_cell_i64(r, 0, "user_id");
    s->scope = ts_perm_scope_from_name(ts_db_cell(r, 0, "scope"));
    s->ent_id = ts_db_cell_i64(r, 0, "ent_id");
    s->tax_bureau_code = ts_db_cell(r, 0, "tax_bureau_code");
    s->customs_district_code = ts_db_cell(r, 0, "customs_district_code");
    s->login_name = ts_db_cell(r, 0, "login_name");
    s->nickname = ts_db_cell(r, 0, "nickname");
    s->ent_name = ts_db_cell(r, 0, "ent_name");
    s->must_change_password = ts_db_cell_i64(r, 0, "must_change_password") != 0;
    s->csrf = ts_db_cell(r, 0, "csrf_token");
    s->flash = ts_db_cell(r, 0, "flash");
    split_perms(c, s, ts_db_cell(r, 0, "perms"));
    c->session = s;
    if (ts_db_cell_i64(r, 0, "stale"))
        ts_db_exec(c->db, "UPDATE session SET last_seen = NOW() WHERE token_hash = ?",
                   TS_ARGS(TS_STR(hash)), NULL);
    return 0;
}

/* Load the session named by the ts_sid cookie into c->session (NULL when
 * there is none or it expired), and the visitor's CSRF cookie.  Returns -1
 * only on a database failure. */
int ts_session_load(struct ts_ctx *c)
{
    c->session = NULL;
    c->anon_csrf = ts_session_cookie(c, CSRF_COOKIE);
    if (c->anon_csrf && !is_hex64(c->anon_csrf))
        c->anon_csrf = NULL;
    const char *token = ts_session_cookie(c, SID_COOKIE);
    if (!is_hex64(token))
        return 0;
    char *hash = ts_arena_alloc(c->arena, 65);
    ts_crypto_sha256_hex(token, 64, hash);
    struct ts_db_rows r;
    int64_t idle = ts_config_int("session.idle_minutes", 30) * 60;
    int64_t absolute = ts_config_int("session.absolute_hours", 12) * 3600;
    if (ts_db_query(c->db, c->arena,
                    "SELECT s.user_id, s.csrf_token, s.flash,"
                    " (s.last_seen < NOW() - INTERVAL ? SECOND"
                    "  OR s.created_at < NOW() - INTERVAL ? SECOND) AS expired,"
                    " (s.last_seen < NOW() - INTERVAL 60 SECOND) AS stale,"
                    " u.scope, u.ent_id, u.tax_bureau_code, u.customs_district_code,"
                    " u.login_name, u.nickname, u.must_change_password, u.status AS user_status,"
                    " e.name AS ent_name, e.status AS ent_status,"
                    " (SELECT GROUP_CONCAT(rp.perm SEPARATOR ',')"
                    "  FROM user_role ur JOIN role ro ON ro.id = ur.role_id AND ro.status = 'normal'"
                    "  JOIN role_perm rp ON rp.role_id = ro.id WHERE ur.user_id = u.id) AS perms"
                    " FROM session s JOIN app_user u ON u.id = s.user_id"
                    " LEFT JOIN enterprise e ON e.id = u.ent_id WHERE s.token_hash = ?",
                    TS_ARGS(TS_I64(idle), TS_I64(absolute), TS_STR(hash)), &r) < 0)
        return -1;
    return r.nrows ? session_from_row(c, &r, hash) : 0;
}

/* Start a new session for a user who just proved who they are: a fresh
 * token (the old session, if any, is ended first), a fresh CSRF token. */
int ts_session_create(struct ts_ctx *c, int64_t user_id)
{
    char token[65], hash[65], csrf[65];
    int rc = -1;
    if (c->session && ts_session_destroy(c) < 0)
        return -1;
    if (ts_crypto_token_hex(token) < 0 || ts_crypto_token_hex(csrf) < 0)
        goto out;
    ts_crypto_sha256_hex(token, 64, hash);
    if (ts_db_exec(c->db,
                   "INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen,"
                   " remote_addr) VALUES (?, ?, ?, NOW(), NOW(), ?)",
                   TS_ARGS(TS_STR(hash), TS_I64(user_id), TS_STR(csrf), TS_STR(c->remote_addr)),
                   NULL) < 0)
        goto out;
    ts_session_set_cookie(c, SID_COOKIE, ts_arena_strdup(c->arena, token), -1);
    rc = 0;
out:
    ts_crypto_wipe(token, sizeof token);
    return rc;
}

/* 退出: delete the session row and the cookie. */
int ts_session_destroy(struct ts_ctx *c)
{
    if (!c->session)
        return 0;
    int rc = ts_db_exec(c->db, "DELETE FROM session WHERE token_hash = ?",
                        TS_ARGS(TS_STR(c->session->token_hash)), NULL);
    ts_session_set_cookie(c, SID_COOKIE, "", 0);
    c->session = NULL;
    return rc;
}

/* End every session of a user (disabled, password reset). */
int ts_session_destroy_user(struct ts_ctx *c, int64_t user_id)
{
    return ts_db_exec(c->db, "DELETE FROM session WHERE user_id = ?", TS_ARGS(TS_I64(user_id)),
                      NULL);
}

/* Does the logged-in user hold this permission code? */
bool ts_session_can(struct ts_ctx *c, const char *perm)
{
    if (!c->session || c->session->nperms == 0)
        return false;
    const char *key = perm;
    return bsearch(&key, c->session->perms, c->session->nperms, sizeof(const char *), cmp_str) !=
           NULL;
}

/* The CSRF token forms must carry: the session's, or for a visitor the
 * cookie-and-field token (set here when missing).  Error pages made before
 * ts_session_load ran (404, 405, 400, 413) read the cookie here, so they do
 * not replace the token of a form the visitor has open in another tab. */
const char *ts_session_csrf(struct ts_ctx *c)
{
    if (c->session)
        return c->session->csrf;
    if (!c->anon_csrf) {
        const char *have = ts_session_cookie(c, CSRF_COOKIE);
        if (is_hex64(have))
            return c->anon_csrf = have;
    }
    if (!c->anon_csrf) {
        char *t = ts_arena_alloc(c->arena, 65);
        if (ts_crypto_token_hex(t) < 0)
            return "";
        c->anon_csrf = t;
        ts_session_set_cookie(c, CSRF_COOKIE, t, -1);
    }
    return c->anon_csrf;
}

void ts_session_set_flash(struct ts_ctx *c, const char *message)
{
    if (!c->session)
        return;
    ts_db_exec(c->db, "UPDATE session SET flash = ? WHERE token_hash = ?",
               TS_ARGS(TS_STR(message), TS_STR(c->session->token_hash)), NULL);
}

/* A page showed the flash message: clear it so it shows once. */
void ts_session_flash_shown(struct ts_ctx *c)
{
    if (c->session && c->session->flash)
        ts_db_exec(c->db, "UPDATE session SET flash = NULL WHERE token_hash = ?",
                   TS_ARGS(TS_STR(c->session->token_hash)), NULL);
}
