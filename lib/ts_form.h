/* ts_form — decoding what a browser sends: query strings and urlencoded
 * bodies, the Cookie header.  Outside input: every limit is hard, a request
 * over a limit is refused whole (413), and a malformed one (bad %-escape,
 * invalid UTF-8) is refused (400) rather than guessed at.
 * Fuzz targets: tests/fuzz/fuzz_urlencoded.c, tests/fuzz/fuzz_cookies.c. */
#ifndef TS_FORM_H
#define TS_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct ts_arena;

/* One decoded name=value pair; values are NUL-terminated and may not hold
 * NUL bytes (a %00 is refused as malformed). */
struct ts_kv {
    const char *name;
    const char *value;
    size_t value_len;
    struct ts_kv *next;
};

struct ts_kvlist {
    struct ts_kv *head;
    struct ts_kv *tail;
    size_t count;
};

enum ts_form_status {
    TS_FORM_OK = 0,
    TS_FORM_TOO_LARGE, /* over a limit: 413 */
    TS_FORM_MALFORMED, /* not what a browser sends: 400 */
};

struct ts_form_limits {
    size_t max_total;  /* bytes of input */
    size_t max_fields; /* pairs */
    size_t max_name;   /* bytes of a decoded name */
    size_t max_value;  /* bytes of a decoded value */
};

extern const struct ts_form_limits ts_form_default_limits;
extern const struct ts_form_limits ts_form_cookie_limits;

enum ts_form_status ts_form_parse_urlencoded(struct ts_arena *a, const char *data, size_t len,
                                             const struct ts_form_limits *lim,
                                             struct ts_kvlist *out);
enum ts_form_status ts_form_parse_cookies(struct ts_arena *a, const char *header, size_t len,
                                          const struct ts_form_limits *lim, struct ts_kvlist *out);

void ts_form_kv_add(struct ts_arena *a, struct ts_kvlist *l, const char *name, const char *value,
                    size_t value_len);
const char *ts_form_get(const struct ts_kvlist *l, const char *name);
size_t ts_form_count(const struct ts_kvlist *l, const char *name);
bool ts_form_utf8_valid(const char *s, size_t len);
char *ts_form_encode(struct ts_arena *a, const char *s);

#endif
