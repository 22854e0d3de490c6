/* ts_app — a FastCGI program is a module: a page table of actions, each
 * with its method, permission code, declared parameters and handler.
 * ts_app_main runs the accept loop and does everything around the handler:
 *
 *   parse (hard limits) → session (timeouts) → find action → permission →
 *   CSRF (POST) → parameters → BEGIN → handler → COMMIT / ROLLBACK → render
 *
 * so a module file holds only its business logic:
 *
 *     static const struct ts_action actions[] = {
 *         {"",     TS_GET,  "users",      list_params, users_list, 0},
 *         {"save", TS_POST, "users.edit", save_params, users_save, 0},
 *         {NULL},
 *     };
 *     static const struct ts_module module = {"users", "用户管理", actions};
 *     int main(void) { return ts_app_main(&module); }
 */
#ifndef TS_APP_H
#define TS_APP_H

#include "ts_buf.h"
#include "ts_db.h"
#include "ts_param.h"
#include "ts_perm.h"

#include <stdbool.h>
#include <stdint.h>

struct ts_arena;
struct ts_ctx;
struct ts_upload;

enum ts_method { TS_GET = 1, TS_POST = 2 };

/* Handler results: TS_OK commits; TS_ROLLBACK keeps the response the
 * handler prepared (e.g. a form with errors) but rolls back; TS_FAIL rolls
 * back and shows the error page with the request id. */
enum ts_result { TS_OK = 0, TS_ROLLBACK = 1, TS_FAIL = -1 };

typedef enum ts_result (*ts_handler)(struct ts_ctx *c);

/* Special permission values of struct ts_action.perm. */
#define TS_PUBLIC ""   /* anyone, logged in or not (login page) */
#define TS_USER   NULL /* any logged-in user */

enum ts_action_flag {
    TS_ALLOW_PW_CHANGE = 1 << 0, /* reachable while a password change is forced */
    TS_MULTIPART = 1 << 1,       /* body may be multipart/form-data (uploads) */
    TS_NO_CSRF = 1 << 2,         /* never for a state change; only GET-like POSTs */
    TS_QUERY_FORM = 1 << 3,      /* a GET list page: a bad query value is shown next to
                                    its field and left out, not answered with 400 */
    TS_LARGE_UPLOAD = 1 << 4,    /* with TS_MULTIPART: ts_multipart_large_limits (a
                                    file up to 256 MB; nginx needs its own location) */
};

struct ts_action {
    const char *name; /* path after /<module>/; "" is the module's index */
    enum ts_method method;
    const char *perm;
    const struct ts_param *params;
    ts_handler handler;
    unsigned flags;
};

struct ts_module {
    const char *name;  /* program name = nginx location */
    const char *title; /* Chinese menu name */
    const struct ts_action *actions;
};

/* Who is logged in, from the session row; NULL in ctx when nobody is. */
struct ts_session {
    int64_t user_id;
    enum ts_scope scope;
    int64_t ent_id; /* enterprise users; 0 otherwise */
    const char *tax_bureau_code;
    const char *customs_district_code;
    const char *login_name;
    const char *nickname;
    const char *ent_name;
    bool must_change_password;
    const char *csrf;
    const char *token_hash;
    const char *flash;
    const char **perms; /* sorted */
    size_t nperms;
};

struct ts_header {
    const char *name;
    const char *value;
    struct ts_header *next;
};

/* One request.  Handlers read it through the functions below. */
struct ts_ctx {
    struct ts_arena *arena;
    struct ts_db *db;
    void *hdf; /* ClearSilver HDF of the page being built */
    const struct ts_module *module;
    const struct ts_action *action;
    struct ts_session *session;
    const char *anon_csrf; /* CSRF token of a visitor not logged in (cookie = form field) */
    const char *cookie_header;
    struct ts_value *values; /* parallel to action->params */
    int param_errors;
    struct ts_upload *uploads;
    char request_id[17];
    enum ts_method method;
    const char *path;
    const char *query; /* QUERY_STRING as sent */
    const char *remote_addr;
    const char *user_agent;
    bool https;
    /* the response */
    int status;
    const char *content_type;
    struct ts_header *headers;
    struct ts_buf body;
    const char *send_file;  /* stream this file as the body */
    bool send_file_unlink;  /* send_file is a temp export: remove it once written out */
    bool frame_same_origin; /* the portal's own pages may frame this response (ts_resp) */
    bool responded;
    bool wake_jobs; /* a job was queued: wake the worker once committed (ts_job_wake) */
};

int ts_app_main(const struct ts_module *m);

/* What a handler uses, each in its own lib file: */
#include "ts_arg.h"     /* ts_arg_*: the checked parameters */
#include "ts_audit.h"   /* ts_audit_log: one row per state change */
#include "ts_render.h"  /* ts_render*: HDF values and templates */
#include "ts_resp.h"    /* ts_resp_*: redirects, downloads, flash, errors */
#include "ts_scope.h"   /* ts_scope_*: tenant-filtered queries (enterprise isolation) */
#include "ts_session.h" /* ts_session_*: login, logout, permissions */

#endif
