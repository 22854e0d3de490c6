#include <unistd.h>
#include "ts_log.h"
#include "ts_store.h"
#include "ts_ui.h"
#include "ts_arena.h"

#include <string.h>

/* Is the session the operator's (tenant 0: the portal staff's users and
 * roles)?  The operator's pages name each user's and role's kind of staff
 * and offer the 主管税务局 / 关区 choices an enterprise never sees. */
bool ts_ui_staff_tenant(struct ts_ctx *c)
{
    return ts_scope_tenant(c) == 0;
}

/* The Chinese name of a user's or role's kind of staff (app_user.scope,
 * role.scope), as the operator's pages show it. */
const char *ts_ui_scope_label(const char *scope)
{
    if (strcmp(scope, "tax") == 0)
        return "税务";
    if (strcmp(scope, "customs") == 0)
        return "海关";
    if (strcmp(scope, "operator") == 0)
        return "运维";
    return "企业";
}

/* The page with its title; a template that fails to render is a fault the
 * user cannot cause, so it becomes the error page with the request id. */
enum ts_result ts_ui_page(struct ts_ctx *c, const char *title, const char *tpl)
{
    ts_render_set(c, "Page.Title", title);
    return ts_render(c, tpl) ? TS_FAIL : TS_OK;
}

/* A record that is not the tenant's — missing or another tenant's, which
 * must look the same — answers 404 with what was looked for. */
enum ts_result ts_ui_not_found(struct ts_ctx *c, const char *message)
{
    ts_render_error(c, 404, message);
    return TS_ROLLBACK;
}

/* An action the rules forbid: 409 and a page with the reason and the way
 * back to the module's list; nothing is changed (TS_ROLLBACK). */
enum ts_result ts_ui_refuse(struct ts_ctx *c, const char *reason)
{
    c->status = 409;
    ts_render_set(c, "Refused.Reason", reason);
    ts_render_set(c, "Refused.Back", ts_arena_printf(c->arena, "/%s/", c->module->name));
    ts_render_set(c, "Refused.BackLabel", ts_arena_printf(c->arena, "返回%s", c->module->title));
    return ts_ui_page(c, "操作被拒绝", "layout/refused.cs") == TS_OK ? TS_ROLLBACK : TS_FAIL;
}

/* After a change: the message shows once on the next page (flash), and the
 * browser goes back to the list (303, so a reload does not post again). */
enum ts_result ts_ui_done(struct ts_ctx *c, const char *message, const char *url)
{
    ts_resp_flash(c, message);
    return ts_resp_redirect(c, url) ? TS_FAIL : TS_OK;
}

/* A value as the lib echoes a checked box (Checked.<name>.<key>): HDF names
 * cannot hold ".", so a code like "users.edit" becomes "users_edit". */
static const char *check_key(struct ts_ctx *c, const char *value)
{
    char *key = ts_arena_strdup(c->arena, value);
    for (char *p = key; *p; p++)
        if (*p == '.')
            *p = '_';
    return key;
}

/* One choice of a select, radio or checkbox list: list.i.{Value,Label,Key}
 * (templates/layout/macros.cs reads them). */
void ts_ui_option(struct ts_ctx *c, const char *list, int i, const char *value, const char *label)
{
    ts_render_set(c, ts_arena_printf(c->arena, "%s.%d.Value", list, i), value);
    ts_render_set(c, ts_arena_printf(c->arena, "%s.%d.Label", list, i), label);
    ts_render_set(c, ts_arena_printf(c->arena, "%s.%d.Key", list, i), check_key(c, value));
}

/* Mark choice i of a checkbox list as one this user may not change: shown
 * greyed out, and posted as it stands (a hidden input when checked), so
 * the form keeps it exactly as it was. */
void ts_ui_option_fixed(struct ts_ctx *c, const char *list, int i)
{
    ts_render_set(c, ts_arena_printf(c->arena, "%s.%d.Fixed", list, i), "1");
}

/* Check a box of a form shown from stored values, under the name the lib
 * uses for a posted one. */
void ts_ui_checked(struct ts_ctx *c, const char *name, const char *value)
{
    ts_render_set(c, ts_arena_printf(c->arena, "Checked.%s.%s", name, check_key(c, value)), "1");
}

/* The pager of a list of total rows, page_size a page, at the page the
 * request asks for ("page", declared 1..n by the module) pulled back to the
 * last page, so a list that shrank still shows rows.  Sets Pager.Page,
 * Pager.Pages, Pager.Total, and Pager.Prev / Pager.Next when they exist. */
void ts_ui_pager(struct ts_ctx *c, int64_t total, int64_t page_size, struct ts_ui_pager *p)
{
    p->total = total;
    p->pages = total ? (total + page_size - 1) / page_size : 1;
    p->page = ts_arg_present(c, "page") ? ts_arg_int(c, "page") : 1;
    if (p->page > p->pages)
        p->page = p->pages;
    p->offset = (p->page - 1) * page_size;
    ts_render_set_int(c, "Pager.Page", p->page);
    ts_render_set_int(c, "Pager.Pages", p->pages);
    ts_render_set_int(c, "Pager.Total", p->total);
    if (p->page > 1)
        ts_render_set_int(c, "Pager.Prev", p->page - 1);
    if (p->page < p->pages)
        ts_render_set_int(c, "Pager.Next", p->page + 1);
}

/* 查看 / 预览 of a stored document: its file by sha256, sent inline (shown
 * in the browser, saved under its own name from there) with the mime of
 * the kind the store found by content — never the name's.  kind is the
 * stored_file.kind text; file_name is display only (NULL: no name).  A
 * missing store file is an operations fault: logged, 500. */
enum ts_result ts_ui_send_stored(struct ts_ctx *c, const char *sha256, const char *kind,
                                 const char *file_name)
{
    const char *path = ts_store_path(c->arena, sha256);
    if (!path || access(path, R_OK) != 0) {
        ts_log_error("stored file %s is missing from the store", sha256 ? sha256 : "(null)");
        return TS_FAIL;
    }
    if (ts_resp_send_file(c, ts_store_mime(ts_store_kind_parse(kind)), path, NULL) < 0)
        return TS_FAIL;
    if (file_name)
        ts_resp_header(c, "Content-Disposition", ts_resp_inline_disposition(c, file_name));
    return TS_OK;
}
