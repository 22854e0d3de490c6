/* ts_session — who is logged in.
 *
 * The cookie ts_sid holds 256 random bits; the session table holds only
 * their SHA-256, the user, the CSRF token and a flash message.  A session
 * ends after 30 minutes idle or 12 hours in all; login always makes a new
 * one (no fixation).  Cookies are HttpOnly, SameSite=Strict, and Secure
 * over TLS.  Visitors who are not logged in get a cookie-and-field CSRF
 * cookie instead, so the login form is protected too. */
#ifndef TS_SESSION_H
#define TS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct ts_ctx;

int ts_session_load(struct ts_ctx *c);
int ts_session_create(struct ts_ctx *c, int64_t user_id);
int ts_session_destroy(struct ts_ctx *c);
int ts_session_destroy_user(struct ts_ctx *c, int64_t user_id);
bool ts_session_can(struct ts_ctx *c, const char *perm);
const char *ts_session_csrf(struct ts_ctx *c);
void ts_session_set_flash(struct ts_ctx *c, const char *message);
void ts_session_flash_shown(struct ts_ctx *c);
const char *ts_session_cookie(struct ts_ctx *c, const char *name);
void ts_session_set_cookie(struct ts_ctx *c, const char *name, const char *value, int max_age);

#endif
