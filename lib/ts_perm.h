/* ts_perm — the permission codes and the menu built from them.
 *
 * Every menu function of the module map (../shared/modules.md) has one
 * permission code (its program name); some have finer action codes
 * ("users.edit").  A role is a set of codes; a user's permissions are the
 * union over their roles; the left menu shows exactly the functions the user
 * holds — a user with no role sees no menu (000 §2.5.4). */
#ifndef TS_PERM_H
#define TS_PERM_H

#include <stdbool.h>
#include <stddef.h>

enum ts_scope {
    TS_SCOPE_ENTERPRISE = 1 << 0,
    TS_SCOPE_TAX = 1 << 1,
    TS_SCOPE_CUSTOMS = 1 << 2,
    TS_SCOPE_OPERATOR = 1 << 3,
};

/* One permission: a menu function (url set) or an action inside one. */
struct ts_perm {
    const char *code;   /* "users", "users.edit" */
    const char *group;  /* menu group, Chinese (菜单分组) */
    const char *label;  /* Chinese label exactly as the manual names it */
    const char *url;    /* menu link; NULL for an action-only code */
    unsigned scopes;    /* which kinds of user may be granted it */
    bool built;         /* the program exists (menus of unbuilt modules stay hidden) */
};

extern const struct ts_perm ts_perm_table[];
extern const size_t ts_perm_count;

const struct ts_perm *ts_perm_find(const char *code);
const char *ts_perm_label(const char *code);
enum ts_scope ts_perm_scope_from_name(const char *name);
const char *ts_perm_scope_name(enum ts_scope scope);
const char *ts_perm_first_missing(const char *const *held, size_t nheld, enum ts_scope granter,
                                  const char *const *codes, size_t ncodes);

#endif
