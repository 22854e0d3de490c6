#include "ts_config.h"
#include "ts_log.h"

#include <ClearSilver.h>
#include <string.h>

/* The loaded config.  Process-wide and read-only after ts_config_load: the
 * one piece of global state outside ts_app, documented in architecture.md. */
static HDF *config;

/* Load the HDF config file; returns 0, or -1 with the reason logged. */
int ts_config_load(const char *path)
{
    NEOERR *err = hdf_init(&config);
    if (err == STATUS_OK && path)
        err = hdf_read_file(config, path);
    if (err != STATUS_OK) {
        STRING s;
        string_init(&s);
        nerr_error_string(err, &s);
        ts_log_error("config %s: %s", path ? path : "(none)", s.buf ? s.buf : "?");
        string_clear(&s);
        nerr_ignore(&err);
        return -1;
    }
    return 0;
}

const char *ts_config_str(const char *key, const char *def)
{
    return config ? hdf_get_value(config, key, def) : def;
}

int64_t ts_config_int(const char *key, int64_t def)
{
    const char *v = ts_config_str(key, NULL);
    if (!v || !*v)
        return def;
    int64_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || n > INT64_MAX / 10 - 10)
            return def;
        n = n * 10 + (*p - '0');
    }
    return n;
}

/* Test mode relaxes exactly one thing, the captcha; everything else runs
 * as in production. */
bool ts_config_test_mode(void)
{
    return strcmp(ts_config_str("mode", "dev"), "test") == 0;
}

void ts_config_free(void)
{
    if (config)
        hdf_destroy(&config);
}
