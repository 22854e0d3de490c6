/* ts_ui — the small page helpers the management modules (users, roles,
 * operator) share: the page with its title, the refusal and not-found
 * pages, the redirect after a change, choices of a select / radio /
 * checkbox list, and the pager under a list.  Each module used to carry
 * its own copy; one copy keeps the pages alike and the rules in one place. */
#ifndef TS_UI_H
#define TS_UI_H

#include "ts_app.h"

#include <stdbool.h>
#include <stdint.h>

/* The pager under a list: the page shown (1-based, within 1..pages), the
 * page count, the number of matching rows, and the first row's offset. */
struct ts_ui_pager {
    int64_t page;
    int64_t pages;
    int64_t total;
    int64_t offset;
};

bool ts_ui_staff_tenant(struct ts_ctx *c);
const char *ts_ui_scope_label(const char *scope);
enum ts_result ts_ui_page(struct ts_ctx *c, const char *title, const char *tpl);
enum ts_result ts_ui_not_found(struct ts_ctx *c, const char *message);
enum ts_result ts_ui_refuse(struct ts_ctx *c, const char *reason);
enum ts_result ts_ui_done(struct ts_ctx *c, const char *message, const char *url);
void ts_ui_option(struct ts_ctx *c, const char *list, int i, const char *value, const char *label);
void ts_ui_option_fixed(struct ts_ctx *c, const char *list, int i);
void ts_ui_checked(struct ts_ctx *c, const char *name, const char *value);
void ts_ui_pager(struct ts_ctx *c, int64_t total, int64_t page_size, struct ts_ui_pager *p);
enum ts_result ts_ui_send_stored(struct ts_ctx *c, const char *sha256, const char *kind,
                                 const char *file_name);

#endif
