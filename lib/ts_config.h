/* ts_config — the portal's config file, an HDF file ("key = value" lines,
 * see docs/conventions) named by env TUISHUI_CONF.  Loaded once per process
 * by ts_app; read-only afterwards. */
#ifndef TS_CONFIG_H
#define TS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

int ts_config_load(const char *path);
const char *ts_config_str(const char *key, const char *def);
int64_t ts_config_int(const char *key, int64_t def);
bool ts_config_test_mode(void);
void ts_config_free(void);

#endif
