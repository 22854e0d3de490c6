/* ts_log — one line per event on stderr (spawn-fcgi sends it to
 * var/log/<program>.log), each with the time, pid and request id so a user's
 * error page id finds the line. */
#ifndef TS_LOG_H
#define TS_LOG_H

enum ts_log_level { TS_LOG_ERROR, TS_LOG_WARN, TS_LOG_INFO, TS_LOG_DEBUG };

void ts_log_set_request(const char *request_id);
void ts_log_set_level(enum ts_log_level level);
void ts_log(enum ts_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ts_log_error(...) ts_log(TS_LOG_ERROR, __VA_ARGS__)
#define ts_log_warn(...)  ts_log(TS_LOG_WARN, __VA_ARGS__)
#define ts_log_info(...)  ts_log(TS_LOG_INFO, __VA_ARGS__)

#endif
