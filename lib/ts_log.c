#include "ts_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The request being served by this thread ("-" between requests), and the
 * level below which lines are dropped.  Thread-local so worker threads each
 * log their own request. */
static _Thread_local char current_request[32] = "-";
static enum ts_log_level max_level = TS_LOG_INFO;

void ts_log_set_request(const char *request_id)
{
    snprintf(current_request, sizeof current_request, "%s", request_id ? request_id : "-");
}

void ts_log_set_level(enum ts_log_level level)
{
    max_level = level;
}

/* Write one log line; the whole line goes out in one write so lines of
 * different processes sharing the file do not interleave. */
void ts_log(enum ts_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    if (level > max_level)
        return;
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02d %02d:%02d:%02d.%03ld %d %s %s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, (int)getpid(), current_request,
                     names[level]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line)
        n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return;
}
