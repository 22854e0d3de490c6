/* ts_app — the FastCGI program around a module's page table.
 *
 * Process model: the program is started with its listening socket on fd 0
 * (spawn-fcgi, or systemd socket activation).  It forks app.workers worker
 * processes that each accept on fd 0, and re-forks any that dies; SIGTERM
 * makes every worker finish the request in flight and exit.  Each worker
 * keeps one MySQL connection and one arena for its whole life.
 *
 * Global state (the only in lib/, besides the read-only config): the stop
 * flag the signal handlers set. */
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_form.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_multipart.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static volatile sig_atomic_t stopping;

/* SIGTERM in a worker.  A worker is one thread, so the signal lands in
 * that thread: installed without SA_RESTART it interrupts accept(), and
 * libfcgi, told by FCGX_ShutdownPending, returns from FCGX_Accept_r instead
 * of retrying; a request in flight finishes first.  (The listening socket
 * is shared by every worker: shutting it down, as a multi-threaded program
 * must — design.md traps — would stop all of them.) */
static void worker_on_term(int sig)
{
    (void)sig;
    stopping = 1;
    FCGX_ShutdownPending();
}

static void master_on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void on_signal(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* ---- request decoding ---------------------------------------------- */

static const char *param(FCGX_Request *r, const char *name, const char *def)
{
    const char *v = FCGX_GetParam(name, r->envp);
    return v ? v : def;
}

/* A decimal CONTENT_LENGTH; -1 if it is not one. */
static int64_t content_length(const char *s)
{
    int64_t n = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > INT64_MAX / 10 - 10)
            return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

/* Find the action for "/<module>/<action>" and the method; *exists tells a
 * wrong method (405) from an unknown page (404). */
static const struct ts_action *find_action(const struct ts_module *m, const char *path,
                                           enum ts_method method, bool *exists)
{
    size_t n = strlen(m->name);
    *exists = false;
    if (path[0] != '/' || strncmp(path + 1, m->name, n) != 0 || path[n + 1] != '/')
        return NULL;
    const char *name = path + n + 2;
    for (const struct ts_action *a = m->actions; a->name; a++) {
        if (strcmp(a->name, name) != 0)
            continue;
        *exists = true;
        if (a->method == method)
            return a;
    }
    return NULL;
}

/* Read an urlencoded body of len bytes (already checked against the limit). */
static enum ts_form_status read_urlencoded(struct ts_ctx *c, FCGX_Request *r, int64_t len,
                                           struct ts_kvlist *input)
{
    char *body = ts_arena_alloc(c->arena, (size_t)len + 1);
    int got = len ? FCGX_GetStr(body, (int)len, r->in) : 0;
    if (got != len)
        return TS_FORM_MALFORMED;
    return ts_form_parse_urlencoded(c->arena, body, (size_t)len, &ts_form_default_limits, input);
}

/* The action's multipart limits: the default, or the large ones. */
static const struct ts_multipart_limits *multipart_limits(const struct ts_ctx *c)
{
    return c->action->flags & TS_LARGE_UPLOAD ? &ts_multipart_large_limits
                                              : &ts_multipart_default_limits;
}

/* Stream a multipart body through the decoder; files go to temp files. */
static enum ts_form_status read_multipart(struct ts_ctx *c, FCGX_Request *r, const char *ctype,
                                          struct ts_multipart **mp, struct ts_kvlist *input)
{
    enum ts_form_status st;
    char chunk[65536];
    *mp = ts_multipart_new(c->arena, ctype, multipart_limits(c), ts_config_str("tmp.dir", "/tmp"),
                           &st);
    if (!*mp)
        return st;
    int n;
    while (st == TS_FORM_OK && (n = FCGX_GetStr(chunk, sizeof chunk, r->in)) > 0)
        st = ts_multipart_feed(*mp, chunk, (size_t)n);
    if (st != TS_FORM_OK)
        return st;
    struct ts_kvlist fields = {0};
    st = ts_multipart_finish(*mp, &fields, &c->uploads);
    for (struct ts_kv *kv = fields.head; st == TS_FORM_OK && kv; kv = kv->next)
        ts_form_kv_add(c->arena, input, kv->name, kv->value, kv->value_len);
    return st;
}

/* Decode query string and body under the hard limits.  Returns the HTTP
 * status to refuse with (413, 400, 415), or 0. */
static int read_input(struct ts_ctx *c, FCGX_Request *r, struct ts_multipart **mp,
                      struct ts_kvlist *input)
{
    const char *qs = param(r, "QUERY_STRING", "");
    enum ts_form_status st =
        ts_form_parse_urlencoded(c->arena, qs, strlen(qs), &ts_form_default_limits, input);
    if (st == TS_FORM_OK && c->method == TS_POST) {
        const char *ctype = param(r, "CONTENT_TYPE", "");
        int64_t len = content_length(param(r, "CONTENT_LENGTH", ""));
        bool multi = strncmp(ctype, "multipart/form-data", 19) == 0;
        size_t limit = multi && (c->action->flags & TS_MULTIPART)
                           ? multipart_limits(c)->max_total
                           : ts_form_default_limits.max_total;
        if (len < 0)
            return 400;
        if ((uint64_t)len > limit)
            return 413;
        if (multi && !(c->action->flags & TS_MULTIPART))
            return 415;
        st = multi ? read_multipart(c, r, ctype, mp, input) : read_urlencoded(c, r, len, input);
    }
    return st == TS_FORM_OK ? 0 : st == TS_FORM_TOO_LARGE ? 413 : 400;
}

/* ---- the steps around the handler ------------------------------------ */

/* Put each declared parameter back into the page (Form.<name>) so a form
 * shown again keeps what the user typed, with its error next to it. */
static void echo_params(struct ts_ctx *c)
{
    const struct ts_param *p = c->action->params;
    for (size_t i = 0; p && p[i].name; i++) {
        const struct ts_value *v = &c->values[i];
        if (v->error)
            ts_render_field_error(c, p[i].name, v->error);
        if (p[i].flags & TS_SECRET)
            continue;
        ts_render_set(c, ts_arena_printf(c->arena, "Form.%s", p[i].name), v->raw);
        for (size_t k = 0; (p[i].flags & TS_MULTI) && k < v->count; k++) {
            char *key = ts_arena_strdup(c->arena, v->list[k]);
            for (char *q = key; *q; q++)
                if (*q == '.')
                    *q = '_';
            ts_render_set(c, ts_arena_printf(c->arena, "Checked.%s.%s", p[i].name, key), "1");
        }
    }
}

/* A list page's query form with a bad value (所属期 202613) still shows
 * the list: the value stays in the form with its message (echo_params),
 * and the handler sees it as absent, so no unchecked text reaches a query. */
static void drop_bad_values(struct ts_ctx *c)
{
    for (size_t i = 0; c->action->params[i].name; i++) {
        struct ts_value *v = &c->values[i];
        if (!v->error)
            continue;
        v->present = false;
        v->raw = "";
        v->num = 0;
        v->count = 0;
    }
}

/* Login, forced password change, permission: may the request go on?
 * Returns 0, or has prepared the response (redirect or 403) and returns -1. */
static int authorize(struct ts_ctx *c)
{
    const char *perm = c->action->perm;
    if (perm && !perm[0])
        return 0;
    if (!c->session) {
        const char *here =
            c->query[0] ? ts_arena_printf(c->arena, "%s?%s", c->path, c->query) : c->path;
        ts_resp_redirect(c, c->method == TS_GET ? ts_arena_printf(c->arena, "/login/?next=%s",
                                                                  ts_form_encode(c->arena, here))
                                                : "/login/");
        return -1;
    }
    if (c->session->must_change_password && !(c->action->flags & TS_ALLOW_PW_CHANGE)) {
        ts_resp_redirect(c, "/login/password");
        return -1;
    }
    const struct ts_perm *p = perm ? ts_perm_find(perm) : NULL;
    if (perm && (!p || !(p->scopes & c->session->scope) || !ts_session_can(c, perm))) {
        ts_log_warn("user %lld lacks %s", (long long)c->session->user_id, perm);
        ts_render_error(c, 403, "您没有使用此功能的权限，请联系本企业的管理员分配角色。");
        return -1;
    }
    return 0;
}

/* CSRF: every POST carries the token of the page that made its form. */
static int check_csrf(struct ts_ctx *c, const struct ts_kvlist *input)
{
    if (c->method != TS_POST || (c->action->flags & TS_NO_CSRF))
        return 0;
    const char *sent = ts_form_get(input, "_csrf");
    const char *want = c->session ? c->session->csrf : c->anon_csrf;
    if (sent && want && ts_crypto_const_eq(sent, want))
        return 0;
    ts_log_warn("CSRF token missing or wrong");
    ts_render_error(c, 403, "页面已过期或来源不明（校验码不符），请返回上一页刷新后重新提交。");
    return -1;
}

/* Run the handler in a transaction (begun at its first write or lock, see
 * ts_db_begin_lazy): the request commits whole or not at all. */
static void run_handler(struct ts_ctx *c)
{
    ts_db_begin_lazy(c->db);
    enum ts_result rc = c->action->handler(c);
    if (rc == TS_OK && !c->responded) {
        ts_log_error("handler %s/%s returned no response", c->module->name, c->action->name);
        rc = TS_FAIL;
    }
    if (rc == TS_OK && ts_db_commit(c->db) == 0) {
        if (c->wake_jobs)
            ts_job_wake();
        goto shown;
    }
    ts_db_rollback(c->db);
    if (rc == TS_ROLLBACK && c->responded)
        goto shown;
    c->headers = NULL;
    ts_render_error(
        c, 500, "系统处理出错，本次操作未保存。请稍后重试；如仍出错，请将请求编号告知运维人员。");
    return;
shown:
    /* The page showed the flash message: clear it, outside the handler's
     * transaction so a rolled-back page does not show it twice. */
    if (c->hdf && c->content_type && strncmp(c->content_type, "text/html", 9) == 0)
        ts_session_flash_shown(c);
}

/* The Chinese message of a refusal made before any handler ran. */
static const char *refusal_message(int status)
{
    switch (status) {
    case 404:
        return "您要找的页面不存在。";
    case 405:
        return "请求方式不正确。";
    case 413:
        return "提交的内容超过大小限制，未做任何处理。";
    default:
        return "请求格式不正确，请返回上一页重新操作。";
    }
}

/* Steps 3–8 for a request whose action is known and whose input was
 * decoded: session, authorization, CSRF, parameters, handler.  Returns a
 * status to refuse with, or 0 when a response was prepared. */
static int serve_action(struct ts_ctx *c, const struct ts_kvlist *input)
{
    if (!c->db)
        c->db = ts_db_open();
    if (!c->db || ts_session_load(c) < 0)
        return ts_render_error(c, 503, "数据库暂时不可用，请稍后再试。");
    if (authorize(c) < 0 || check_csrf(c, input) < 0)
        return 0;
    size_t np = ts_param_count(c->action->params);
    c->values = ts_arena_zalloc(c->arena, (np + 1) * sizeof *c->values);
    c->param_errors = ts_param_check(c->arena, c->action->params, input, c->values);
    echo_params(c);
    if (c->param_errors && c->method == TS_GET) {
        if (!(c->action->flags & TS_QUERY_FORM))
            return 400;
        drop_bad_values(c);
    }
    run_handler(c);
    return 0;
}

/* Read the CGI parameters nginx sends that every request needs. */
static const char *read_request_line(struct ts_ctx *c, FCGX_Request *r)
{
    c->path = param(r, "DOCUMENT_URI", param(r, "SCRIPT_NAME", "/"));
    c->query = param(r, "QUERY_STRING", "");
    c->remote_addr = param(r, "REMOTE_ADDR", "");
    c->user_agent = param(r, "HTTP_USER_AGENT", "");
    c->cookie_header = FCGX_GetParam("HTTP_COOKIE", r->envp);
    c->https = strcmp(param(r, "HTTPS", ""), "on") == 0 || ts_config_int("app.https", 0);
    const char *method = param(r, "REQUEST_METHOD", "GET");
    c->method = strcmp(method, "POST") == 0 ? TS_POST : TS_GET;
    return method;
}

/* Everything between accept and the response, for one request. */
static void handle(struct ts_ctx *c, FCGX_Request *r, const struct ts_module *m)
{
    struct ts_kvlist input = {0};
    struct ts_multipart *mp = NULL;
    const char *method = read_request_line(c, r);
    bool exists;
    int refuse = 0;
    c->action = find_action(m, c->path, c->method, &exists);
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        refuse = 405;
    else if (!c->action && strcmp(c->path + (c->path[0] == '/'), m->name) == 0)
        ts_resp_redirect(c, ts_arena_printf(c->arena, "/%s/", m->name));
    else if (!c->action)
        refuse = exists ? 405 : 404;
    else if ((refuse = read_input(c, r, &mp, &input)) == 0)
        refuse = serve_action(c, &input);
    if (refuse)
        ts_render_error(c, refuse, refusal_message(refuse));
    ts_resp_write(c, r->out);
    ts_multipart_cleanup(mp);
}

/* The request id: nginx's $request_id (passed as TS_REQUEST_ID) cut to 16
 * hex digits, so its access-log line and ours share the id; our own random
 * one when the program runs without nginx. */
static void set_request_id(struct ts_ctx *c, FCGX_Request *r)
{
    const char *id = FCGX_GetParam("TS_REQUEST_ID", r->envp);
    size_t n = id ? strspn(id, "0123456789abcdef") : 0;
    if (n >= 16) {
        memcpy(c->request_id, id, 16);
        c->request_id[16] = '\0';
    } else {
        unsigned char rnd[8];
        ts_crypto_random(rnd, sizeof rnd);
        ts_crypto_hex(rnd, sizeof rnd, c->request_id);
    }
    ts_log_set_request(c->request_id);
}

/* Reset the per-request part of the context. */
static void begin_request(struct ts_ctx *c, const struct ts_module *m, FCGX_Request *r)
{
    struct ts_db *db = c->db;
    struct ts_arena *a = c->arena;
    struct ts_buf body = c->body;
    ts_arena_reset(a);
    ts_buf_reset(&body);
    memset(c, 0, sizeof *c);
    c->db = db;
    c->arena = a;
    c->body = body;
    c->module = m;
    set_request_id(c, r);
}

/* A worker: accept and serve until told to stop. */
static int worker(const struct ts_module *m)
{
    FCGX_Request req;
    struct ts_ctx c;
    on_signal(SIGTERM, worker_on_term);
    on_signal(SIGINT, worker_on_term);
    signal(SIGPIPE, SIG_IGN);
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    memset(&c, 0, sizeof c);
    c.arena = ts_arena_new(64 * 1024);
    c.db = ts_db_open();
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    sigprocmask(SIG_BLOCK, &term, NULL);
    while (!stopping) {
        /* SIGTERM is let in only while waiting in accept, so it never
         * interrupts a request's database or socket calls. */
        sigprocmask(SIG_UNBLOCK, &term, NULL);
        int rc = FCGX_Accept_r(&req);
        sigprocmask(SIG_BLOCK, &term, NULL);
        if (rc < 0)
            break;
        begin_request(&c, m, &req);
        handle(&c, &req, m);
        ts_render_free(&c);
        FCGX_Finish_r(&req);
        ts_log_set_request(NULL);
    }
    ts_db_close(c.db);
    ts_render_cache_free();
    ts_buf_free(&c.body);
    ts_arena_free(c.arena);
    ts_config_free();
    return 0;
}

/* ---- the master --------------------------------------------------- */

static pid_t start_worker(const struct ts_module *m)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(worker(m));
    if (pid < 0)
        ts_log_error("fork: %s", strerror(errno));
    return pid;
}

/* Re-fork a worker that ended; one that ended within a second of its start
 * (no database, bad config) is restarted only after a second, so a broken
 * program does not spin. */
static void replace_worker(const struct ts_module *m, pid_t *pid, time_t *started, int status)
{
    ts_log_warn("worker %d ended (status %d), starting another", (int)*pid, status);
    if (time(NULL) - *started < 1)
        sleep(1);
    *pid = start_worker(m);
    *started = time(NULL);
}

/* Stop the workers: SIGTERM, up to 10 s for requests in flight, then
 * SIGKILL for any still running. */
static void stop_workers(pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    for (int tick = 0; tick < 100; tick++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            return;
        usleep(100000);
    }
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGKILL);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
}

/* Keep n workers running until SIGTERM; then stop them. */
static int master(const struct ts_module *m, int n)
{
    pid_t pids[MAX_WORKERS] = {0};
    time_t started[MAX_WORKERS] = {0};
    on_signal(SIGTERM, master_on_term);
    on_signal(SIGINT, master_on_term);
    for (int i = 0; i < n; i++) {
        pids[i] = start_worker(m);
        started[i] = time(NULL);
    }
    while (!stopping) {
        int status;
        pid_t dead = waitpid(-1, &status, 0);
        if (dead < 0)
            continue; /* EINTR: a signal arrived */
        for (int i = 0; i < n && !stopping; i++)
            if (pids[i] == dead)
                replace_worker(m, &pids[i], &started[i], status);
    }
    stop_workers(pids, n);
    ts_log_info("%s stopped", m->name);
    return 0;
}

/* The program's main: load config, then serve with app.workers processes
 * (1 means this process serves itself, as valgrind runs want). */
int ts_app_main(const struct ts_module *m)
{
    if (ts_config_load(getenv("TUISHUI_CONF")) < 0)
        return 1;
    int64_t n = ts_config_int("app.workers", 2);
    if (n < 1 || n > MAX_WORKERS)
        n = 2;
    ts_log_info("%s starting with %lld workers", m->name, (long long)n);
    return n == 1 ? worker(m) : master(m, (int)n);
}
