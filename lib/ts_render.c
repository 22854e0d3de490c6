#include "ts_render.h"
#include "ts_app.h"
#include "ts_alloc.h"
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_log.h"

#include <ClearSilver.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Log a ClearSilver error (never shown to the user: its text holds paths)
 * and release it. */
static void log_neoerr(const char *what, NEOERR *err)
{
    STRING s;
    string_init(&s);
    nerr_error_string(err, &s);
    ts_log_error("%s: %s", what, s.buf ? s.buf : "?");
    string_clear(&s);
    nerr_ignore(&err);
}

/* The page's HDF, created on first use with the escaping switch on. */
static HDF *page_hdf(struct ts_ctx *c)
{
    if (c->hdf)
        return c->hdf;
    HDF *hdf = NULL;
    NEOERR *err = hdf_init(&hdf);
    if (err != STATUS_OK) {
        log_neoerr("hdf_init", err);
        return NULL;
    }
    hdf_set_value(hdf, "Config.VarEscapeMode", "html");
    hdf_set_value(hdf, "Config.TimeFooter", "0");
    hdf_set_value(hdf, "hdf.loadpaths.0", ts_config_str("templates.dir", "templates"));
    c->hdf = hdf;
    return hdf;
}

void ts_render_set(struct ts_ctx *c, const char *name, const char *value)
{
    HDF *hdf = page_hdf(c);
    if (hdf)
        hdf_set_value(hdf, name, value ? value : "");
}

void ts_render_set_int(struct ts_ctx *c, const char *name, int64_t value)
{
    HDF *hdf = page_hdf(c);
    if (hdf)
        hdf_set_value(hdf, name, ts_arena_printf(c->arena, "%lld", (long long)value));
}

/* Rows of a query as prefix.<row>.<column> (SQL NULL becomes "").  Each
 * row's node is found once and its cells set on it, not walked to from the
 * root for every cell (a 20-row page has hundreds of cells). */
void ts_render_rows(struct ts_ctx *c, const char *prefix, const struct ts_db_rows *rows)
{
    HDF *hdf = page_hdf(c), *top = NULL, *row = NULL;
    if (!hdf || hdf_get_node(hdf, prefix, &top) != STATUS_OK)
        return;
    for (size_t r = 0; r < rows->nrows; r++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", r);
        if (hdf_get_node(top, num, &row) != STATUS_OK)
            return;
        for (size_t col = 0; col < rows->ncols; col++) {
            const char *v = ts_db_cell_at(rows, r, col);
            hdf_set_value(row, rows->names[col], v ? v : "");
        }
    }
}

void ts_render_field_error(struct ts_ctx *c, const char *name, const char *message)
{
    ts_render_set(c, ts_arena_printf(c->arena, "Form.Err.%s", name), message);
    ts_render_set(c, "Form.HasErrors", "1");
}

/* May this user see this entry in the menu? */
static bool menu_shows(struct ts_ctx *c, const struct ts_perm *p)
{
    return p->url && p->built && (p->scopes & c->session->scope) && ts_session_can(c, p->code);
}

/* The menu entry of the current page: the longest menu URL that starts the
 * path (/operator/audit is 审计日志, not 企业管理). */
static const struct ts_perm *current_entry(struct ts_ctx *c)
{
    const struct ts_perm *best = NULL;
    for (size_t i = 0; i < ts_perm_count; i++) {
        const struct ts_perm *p = &ts_perm_table[i];
        size_t n = p->url ? strlen(p->url) : 0;
        if (n && c->path && strncmp(c->path, p->url, n) == 0 && (!best || n > strlen(best->url)))
            best = p;
    }
    return best;
}

/* The left menu: every built menu function the user holds, in the module
 * map's order, grouped.  A user without roles gets no menu at all. */
static void set_menu(struct ts_ctx *c, HDF *hdf)
{
    const struct ts_perm *active = current_entry(c);
    const char *group = NULL;
    int g = -1, item = 0;
    for (size_t i = 0; i < ts_perm_count; i++) {
        const struct ts_perm *p = &ts_perm_table[i];
        if (!menu_shows(c, p))
            continue;
        if (!group || strcmp(group, p->group) != 0) {
            group = p->group;
            g++;
            item = 0;
            hdf_set_value(hdf, ts_arena_printf(c->arena, "Menu.%d.Name", g), group);
        }
        const char *base = ts_arena_printf(c->arena, "Menu.%d.Items.%d", g, item++);
        hdf_set_value(hdf, ts_arena_printf(c->arena, "%s.Label", base), p->label);
        hdf_set_value(hdf, ts_arena_printf(c->arena, "%s.Url", base), p->url);
        if (p == active)
            hdf_set_value(hdf, ts_arena_printf(c->arena, "%s.Active", base), "1");
    }
}

/* Values every page has: title, who is logged in, menu, CSRF token, flash,
 * request id. */
static void set_page_globals(struct ts_ctx *c, HDF *hdf)
{
    hdf_set_value(hdf, "Page.Module", c->module->name);
    if (!hdf_get_value(hdf, "Page.Title", NULL))
        hdf_set_value(hdf, "Page.Title", c->module->title);
    hdf_set_value(hdf, "Page.RequestId", c->request_id);
    hdf_set_value(hdf, "CSRF", ts_session_csrf(c));
    if (!c->session)
        return;
    struct ts_session *s = c->session;
    hdf_set_value(hdf, "User.Nickname", s->nickname);
    hdf_set_value(hdf, "User.LoginName", s->login_name);
    hdf_set_value(hdf, "User.Scope", ts_perm_scope_name(s->scope));
    hdf_set_value(hdf, "User.EntName", s->ent_name ? s->ent_name : "");
    if (s->flash)
        hdf_set_value(hdf, "Flash", s->flash);
    if (s->must_change_password)
        hdf_set_value(hdf, "User.MustChangePassword", "1");
    else
        set_menu(c, hdf);
}

/* ClearSilver's output callback: append to the response body. */
static NEOERR *append_output(void *ctx, char *s)
{
    ts_buf_adds(ctx, s);
    return STATUS_OK;
}

/* Parsed templates, kept for the worker's life and keyed by the page's
 * template: parsing the layout and the page again for every request was a
 * sixth of a list page's cost.  A CSPARSE keeps the HDF it renders from in
 * cs->hdf, so each render points it at the request's HDF; escaping
 * (Config.VarEscapeMode) is fixed at parse time and is the same for all. */
#define PARSED_MAX 64
static struct {
    char *path;
    CSPARSE *cs;
} parsed_cache[PARSED_MAX];

/* Parse layout/header.cs, the page's template and layout/footer.cs. */
static CSPARSE *parse_page(HDF *hdf, const char *template_path, NEOERR **errp)
{
    CSPARSE *cs = NULL;
    NEOERR *err = cs_init(&cs, hdf);
    if (err == STATUS_OK)
        err = cgi_register_strfuncs(cs);
    if (err == STATUS_OK)
        err = cs_parse_file(cs, "layout/header.cs");
    if (err == STATUS_OK)
        err = cs_parse_file(cs, template_path);
    if (err == STATUS_OK)
        err = cs_parse_file(cs, "layout/footer.cs");
    if (err != STATUS_OK) {
        cs_destroy(&cs);
        *errp = err;
        return NULL;
    }
    return cs;
}

/* The parsed page for a template, bound to this request's HDF.  *owned
 * says the caller must destroy it (the cache was full). */
static CSPARSE *parsed_page(HDF *hdf, const char *template_path, NEOERR **errp, bool *owned)
{
    size_t i;
    *owned = false;
    for (i = 0; i < PARSED_MAX && parsed_cache[i].path; i++)
        if (strcmp(parsed_cache[i].path, template_path) == 0) {
            parsed_cache[i].cs->hdf = hdf;
            return parsed_cache[i].cs;
        }
    CSPARSE *cs = parse_page(hdf, template_path, errp);
    if (cs && i < PARSED_MAX) {
        parsed_cache[i].path = ts_xstrdup(template_path);
        parsed_cache[i].cs = cs;
    } else {
        *owned = cs != NULL;
    }
    return cs;
}

/* Render layout/header.cs, the page's template, layout/footer.cs into the
 * response body.  Returns 0, or -1 after logging why. */
int ts_render(struct ts_ctx *c, const char *template_path)
{
    HDF *hdf = page_hdf(c);
    NEOERR *err = STATUS_OK;
    if (!hdf)
        return -1;
    set_page_globals(c, hdf);
    bool owned;
    CSPARSE *cs = parsed_page(hdf, template_path, &err, &owned);
    ts_buf_reset(&c->body);
    if (cs)
        err = cs_render(cs, &c->body, append_output);
    if (owned)
        cs_destroy(&cs);
    if (err != STATUS_OK) {
        log_neoerr(template_path, err);
        return -1;
    }
    if (!c->status)
        c->status = 200;
    c->content_type = "text/html; charset=utf-8";
    c->responded = true;
    return 0;
}

/* Free the parsed templates (a worker's exit, and valgrind runs). */
void ts_render_cache_free(void)
{
    for (size_t i = 0; i < PARSED_MAX && parsed_cache[i].path; i++) {
        cs_destroy(&parsed_cache[i].cs);
        free(parsed_cache[i].path);
        parsed_cache[i].path = NULL;
    }
}

/* A readable error page in Chinese: what happened, what to do, and the
 * request id to quote; never a stack, query or path.  Falls back to plain
 * text if even the template fails. */
int ts_render_error(struct ts_ctx *c, int status, const char *message)
{
    /* An error replaces whatever the handler prepared, a file included. */
    if (c->send_file && c->send_file_unlink)
        unlink(c->send_file);
    c->send_file = NULL;
    c->send_file_unlink = false;
    c->status = status;
    ts_render_set(c, "Page.Title", "出错了");
    ts_render_set(c, "Error.Message", message);
    ts_render_set_int(c, "Error.Status", status);
    if (ts_render(c, "layout/error.cs") == 0) {
        c->status = status;
        return 0;
    }
    ts_buf_reset(&c->body);
    ts_buf_adds(&c->body, message);
    ts_buf_adds(&c->body, "\n请求编号：");
    ts_buf_adds(&c->body, c->request_id);
    ts_buf_adds(&c->body, "\n");
    c->content_type = "text/plain; charset=utf-8";
    c->responded = true;
    return 0;
}

void ts_render_free(struct ts_ctx *c)
{
    if (c->hdf) {
        HDF *hdf = c->hdf;
        hdf_destroy(&hdf);
        c->hdf = NULL;
    }
}
